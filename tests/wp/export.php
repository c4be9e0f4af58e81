<?php
/*
 * Write a WordPress export file (WXR) of the test site with WordPress's own exporter, as
 * Tools > Export does, without a browser.
 *
 * Usage: php export.php WPDIR OUT_XML
 */
if ($argc !== 3) {
    fwrite(STDERR, "usage: php export.php WPDIR OUT_XML\n");
    exit(2);
}
[, $wpdir, $out] = $argv;
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

require $wpdir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';

ob_start();
export_wp(['content' => 'all']);
$xml = ob_get_clean();
if (file_put_contents($out, $xml) === false) {
    fwrite(STDERR, "export.php: cannot write $out\n");
    exit(1);
}
