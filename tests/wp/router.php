<?php
/*
 * Router for PHP's built-in web server (`php -S 127.0.0.1:PORT -t WPDIR router.php`).
 *
 * The built-in server has no mod_rewrite, so we emulate WordPress's .htaccess:
 *  - an existing file (static asset or a real .php such as wp-login.php) or a
 *    directory with an index.php (e.g. /wp-admin/) is left to the server itself
 *    (returning false tells `php -S` to handle the request normally);
 *  - everything else (pretty permalinks, /wp-json/...) goes to WordPress's
 *    front controller index.php, with SCRIPT_NAME/PHP_SELF set as Apache would,
 *    otherwise WordPress computes wrong base paths and routes.
 */
$docroot = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
// Every request, one line in DIR/logs/requests.log (`METHOD URI`, a post password redacted), so tests
// can count the requests a run made from the server's side, even a run in another process.
@file_put_contents(
    dirname($docroot) . '/logs/requests.log',
    $_SERVER['REQUEST_METHOD'] . ' ' . preg_replace('/(password=)[^&]*/i', '$1***', $_SERVER['REQUEST_URI']) . "\n",
    FILE_APPEND | LOCK_EX
);
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
$target = $docroot . $path;

if ($path !== '/' && strpos($path, "\0") === false) {
    if (is_file($target)) {
        return false;
    }
    if (is_dir($target) && is_file(rtrim($target, '/') . '/index.php')) {
        return false;
    }
}

$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $docroot . '/index.php';
chdir($docroot);
require $docroot . '/index.php';
