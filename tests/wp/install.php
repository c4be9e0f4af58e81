<?php
/*
 * Install WordPress offline (no browser, no network) into the private copy
 * prepared by start.sh, then create an Application Password for REST tests.
 *
 * Usage: php install.php WPDIR ADMIN_USER ADMIN_PASSWORD ADMIN_EMAIL OUT_JSON
 *
 * wp-config.php (written by start.sh) already defines WP_HOME/WP_SITEURL, so
 * the URL WordPress stores does not depend on guessing from the CLI.
 * Writes {"user_id", "user", "password", "app_password"} to OUT_JSON.
 */
if ($argc !== 6) {
    fwrite(STDERR, "usage: php install.php WPDIR ADMIN_USER ADMIN_PASSWORD ADMIN_EMAIL OUT_JSON\n");
    exit(2);
}
[, $wpdir, $user, $password, $email, $out] = $argv;

// Tell WordPress it is being installed, so loading it does not redirect to
// wp-admin/install.php or die because the tables do not exist yet.
define('WP_INSTALLING', true);
// wp-load/wp-settings read a few request variables even on the CLI.
$_SERVER['HTTP_HOST'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';

require $wpdir . '/wp-load.php';

// wp_install() mails the admin "your new site"; there is no mail server
// here. The function is pluggable: define a no-op before upgrade.php does.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password)
{
}

require_once ABSPATH . 'wp-admin/includes/upgrade.php';

if (is_blog_installed()) {
    fwrite(STDERR, "install.php: WordPress is already installed in this database\n");
    exit(1);
}

$result = wp_install('wparchive test site', $user, $email, true, '', wp_slash($password));
$user_id = (int) $result['user_id'];
if ($user_id <= 0) {
    fwrite(STDERR, "install.php: wp_install did not create the admin user\n");
    exit(1);
}

// Pretty permalinks, as on real sites: /?p=ID then 301-redirects to them.
update_option('permalink_structure', '/%year%/%monthnum%/%postname%/');
// Make the global rewrite object pick the new structure up before flushing,
// otherwise flush_rewrite_rules() stores rules for the old (plain) one.
$GLOBALS['wp_rewrite']->init();
flush_rewrite_rules(false); // false: rules live in the DB only, no .htaccess.

// A time zone set after installing, as on many real sites: the install's "Hello world!" post keeps
// a local `post_modified` equal to its GMT time, and WordPress compares `modified_after` with the
// local column, so that post comes back from cut-offs later than its modified_gmt (west of UTC).
update_option('timezone_string', 'America/New_York');

// Application Passwords require HTTPS unless WP_ENVIRONMENT_TYPE is 'local'.
if (!wp_is_application_passwords_available()) {
    fwrite(STDERR, "install.php: Application Passwords unavailable (WP_ENVIRONMENT_TYPE not 'local'?)\n");
    exit(1);
}
$created = WP_Application_Passwords::create_new_application_password($user_id, ['name' => 'tests']);
if (is_wp_error($created)) {
    fwrite(STDERR, 'install.php: ' . $created->get_error_message() . "\n");
    exit(1);
}
[$app_password] = $created;

$data = [
    'user_id' => $user_id,
    'user' => $user,
    'password' => $password,
    'app_password' => $app_password,
];
if (file_put_contents($out, json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n") === false) {
    fwrite(STDERR, "install.php: cannot write $out\n");
    exit(1);
}
