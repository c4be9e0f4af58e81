#!/usr/bin/env bash
# Start a private, throw-away WordPress for integration tests:
#
#   bash tests/wp/start.sh DIR PORT
#
# - MariaDB on a unix socket only (--skip-networking: no TCP port to clash
#   with other MariaDBs or CI jobs), data under DIR/db;
# - a private copy of Debian's WordPress in DIR/wordpress with its own
#   wp-config.php, installed offline by install.php;
# - PHP's built-in web server on 127.0.0.1:PORT with router.php.
#
# On success it writes DIR/env.json:
#   {"url": "http://127.0.0.1:PORT", "user": ..., "password": ...,
#    "app_password": ..., "pids": {"mariadb": N, "php": N}, ...}
# and leaves both servers running; `bash tests/wp/stop.sh DIR` stops them.
#
# Exit codes: 0 ok, 1 failure (log tails are printed), 2 usage or packages
# missing, 3 PORT already in use (the caller may retry with another port).
#
# A leftover DIR from an earlier run is stopped and reset first. Nothing here
# talks to anything but 127.0.0.1 and the local socket.
set -euo pipefail

usage() { echo "usage: $0 DIR PORT" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
if [[ ! "$2" =~ ^[0-9]+$ ]] || (( $2 < 1 || $2 > 65535 )); then usage; fi

# Resolve everything to absolute paths so the script works from any cwd and
# the servers (which we chdir away from) see the same paths.
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
PORT=$2
URL="http://127.0.0.1:$PORT"

WP_SRC=/usr/share/wordpress
DB_DIR="$DIR/db"
RUN_DIR="$DIR/run"
LOG_DIR="$DIR/logs"
WP_DIR="$DIR/wordpress"
ENV_JSON="$DIR/env.json"

log() { echo "start.sh: $*" >&2; }
now() { date +%s.%N; }
T0=$(now)
elapsed() { awk -v a="$T0" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

for cmd in mariadbd mariadb-install-db mariadb php setsid; do
    if ! command -v "$cmd" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$cmd" ]]; then
        log "'$cmd' not found; run: sudo bash $HERE/install-packages.sh"
        exit 2
    fi
done
if [[ ! -f "$WP_SRC/wp-load.php" ]]; then
    log "$WP_SRC is missing; run: sudo bash $HERE/install-packages.sh"
    exit 2
fi
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

# --- Leftover DIR: stop whatever an earlier run left and start afresh. ------
# Only our own sub-folders are removed, never DIR itself or other files in it.
if [[ -d "$RUN_DIR" || -e "$ENV_JSON" ]]; then
    log "reusing $DIR: stopping and removing the previous instance"
    bash "$HERE/stop.sh" "$DIR" || true
fi
rm -rf "$DB_DIR" "$RUN_DIR" "$LOG_DIR" "$WP_DIR" "$ENV_JSON"
mkdir -p "$DB_DIR" "$RUN_DIR" "$LOG_DIR"

# --- Port check, before the slow steps, so callers can retry quickly. -------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }
if port_in_use; then
    log "port $PORT on 127.0.0.1 is already in use"
    exit 3
fi

# A unix socket path is limited to ~107 bytes; a deep DIR (pytest tmp dirs
# can be long) would make MariaDB fail obscurely. Fall back to a short
# private directory in /tmp, remembered so stop.sh can remove it.
SOCK="$RUN_DIR/mysqld.sock"
if (( ${#SOCK} > 100 )); then
    SOCK_DIR=$(mktemp -d /tmp/wparchive-sock.XXXXXX)
    echo "$SOCK_DIR" > "$RUN_DIR/sockdir"
    SOCK="$SOCK_DIR/mysqld.sock"
fi

# --- On any failure: show the logs, stop what was started. ------------------
finished=0
on_exit() {
    local rc=$?
    if [[ $finished -eq 0 ]]; then
        (( rc == 0 )) && rc=1
        log "FAILED after $(elapsed) (exit $rc); log tails follow"
        for f in "$LOG_DIR"/*.log; do
            [[ -s "$f" ]] || continue
            echo "----- tail of $f -----" >&2
            tail -n 40 "$f" >&2
        done
        echo "-----" >&2
        bash "$HERE/stop.sh" "$DIR" >&2 || true
        exit "$rc"
    fi
}
trap on_exit EXIT

# spawn PIDFILE LOGFILE CMD...: run CMD in the background, detached.
# setsid: own session and process group, so a Ctrl-C aimed at the caller
# does not hit it, and stop.sh can signal the whole group (php -S workers
# included). The wrapper shell records its PID and then exec's, so PIDFILE
# holds the server's own PID. All fds are redirected, so a caller capturing
# our output (subprocess.run) does not hang waiting for the daemons to close
# the pipe.
spawn() {
    local pidfile=$1 logfile=$2
    shift 2
    # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$@" \
        < /dev/null > "$logfile" 2>&1 &
}

# MariaDB refuses to run as root unless told to; as another user it simply
# runs as that user. Running as ourselves avoids chown-ing DB_DIR to `mysql`,
# which could not even reach it inside a 0700 parent such as pytest's tmp.
DB_USER_OPT="--user=$(id -un)"
# Shared by install-db (bootstrap) and the server. Durability is irrelevant
# for a throw-away test database, so trade it for speed; small InnoDB files
# keep DIR small.
DB_OPTS=(
    "$DB_USER_OPT"
    --datadir="$DB_DIR"
    --skip-name-resolve
    --innodb-buffer-pool-size=64M
    --innodb-log-file-size=16M
    --innodb-doublewrite=0
    --innodb-flush-log-at-trx-commit=0
)

# --- MariaDB: create the system tables, then start the server. --------------
log "initialising MariaDB in $DB_DIR"
# --no-defaults must come first: ignore /etc/mysql so the system config
# (port 3306, /run/mysqld) cannot interfere. "normal" root auth = root with an
# empty password over the socket, usable whatever OS user we are.
mariadb-install-db --no-defaults "${DB_OPTS[@]}" \
    --auth-root-authentication-method=normal --skip-test-db \
    > "$LOG_DIR/mariadb-install.log" 2>&1

log "starting MariaDB (socket $SOCK)"
spawn "$RUN_DIR/mariadb.pid" "$LOG_DIR/mariadb-stdout.log" \
    "$MARIADBD" --no-defaults "${DB_OPTS[@]}" \
    --socket="$SOCK" --pid-file="$RUN_DIR/mariadbd.pid" --skip-networking \
    --log-error="$LOG_DIR/mariadb.log"

db() { mariadb --no-defaults --socket="$SOCK" -uroot "$@"; }
for _ in $(seq 1 300); do   # up to 30 s
    if db -e 'SELECT 1' >/dev/null 2>&1; then break; fi
    if [[ -s "$RUN_DIR/mariadb.pid" ]] && ! kill -0 "$(cat "$RUN_DIR/mariadb.pid")" 2>/dev/null; then
        log "MariaDB exited during start-up"
        exit 1
    fi
    sleep 0.1
done
db -e 'SELECT 1' >/dev/null || { log "MariaDB did not answer within 30 s"; exit 1; }
log "MariaDB ready after $(elapsed)"

DB_NAME=wordpress
DB_USER=wordpress
DB_PASS=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
db <<SQL
CREATE DATABASE $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'localhost';
SQL

# --- WordPress: a private, self-contained, writable copy. -------------------
log "copying $WP_SRC to $WP_DIR"
# Debian's tree has symlinks: relative ones into /usr/share/{php,javascript}
# (which would dangle in a copy), and .htaccess -> /etc/wordpress. -L copies
# the targets instead. Its wp-content is the package's read-only one; the
# site's writable wp-content normally lives in /var/lib/wordpress, which we
# do not touch: our copy's wp-content is used directly and is ours to write.
cp -rL "$WP_SRC" "$WP_DIR"
# Debian's wp-config.php loads /etc/wordpress/config-HOST.php; replace it.
rm -f "$WP_DIR/wp-config.php" "$WP_DIR/.htaccess"
mkdir -p "$WP_DIR/wp-content/uploads" "$WP_DIR/wp-content/upgrade"
# Themes from Debian's wordpress-theme-* packages, if any are installed, are
# found through /var/lib/wordpress (symlinks to /usr/share/wordpress): copy
# whatever is there that our tree does not already have.
if [[ -d /var/lib/wordpress/wp-content/themes ]]; then
    for t in /var/lib/wordpress/wp-content/themes/*; do
        [[ -e "$t" ]] || continue
        name=$(basename "$t")
        [[ -e "$WP_DIR/wp-content/themes/$name" ]] || cp -rL "$t" "$WP_DIR/wp-content/themes/$name"
    done
fi

salt() { head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'; }
cat > "$WP_DIR/wp-config.php" <<PHP
<?php
// Written by tests/wp/start.sh for a throw-away test site.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASS');
// "localhost:/path" makes mysqli use the unix socket (no TCP at all).
define('DB_HOST', 'localhost:$SOCK');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');

define('AUTH_KEY', '$(salt)');
define('SECURE_AUTH_KEY', '$(salt)');
define('LOGGED_IN_KEY', '$(salt)');
define('NONCE_KEY', '$(salt)');
define('AUTH_SALT', '$(salt)');
define('SECURE_AUTH_SALT', '$(salt)');
define('LOGGED_IN_SALT', '$(salt)');
define('NONCE_SALT', '$(salt)');
\$table_prefix = 'wp_';

// Fixed URL: WordPress never has to guess it (it cannot from the CLI).
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
// Application Passwords are refused over plain http unless 'local'.
define('WP_ENVIRONMENT_TYPE', 'local');
// Never call out: no cron spawning, no update checks, no outgoing HTTP.
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);

if (!defined('ABSPATH')) {
    define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
PHP

# PHP settings for both the installer and the server: errors go to a log,
# never into HTTP responses; mail() goes nowhere (there is no MTA).
PHP_OPTS=(
    -d display_errors=0
    -d log_errors=1
    -d error_log="$LOG_DIR/php-errors.log"
    -d sendmail_path=/bin/true
    -d memory_limit=256M
)

log "installing WordPress"
ADMIN_USER="admin"
ADMIN_PASS=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
php "${PHP_OPTS[@]}" "$HERE/install.php" "$WP_DIR" "$ADMIN_USER" "$ADMIN_PASS" \
    "admin@example.invalid" "$RUN_DIR/credentials.json" \
    > "$LOG_DIR/install.log" 2>&1
log "WordPress installed after $(elapsed)"

# --- Web server. -------------------------------------------------------------
# Checked again: the port may have been taken while we were installing.
if port_in_use; then
    log "port $PORT on 127.0.0.1 was taken during start-up"
    finished=1   # not a crash: stop quietly and let the caller retry
    bash "$HERE/stop.sh" "$DIR" >&2 || true
    exit 3
fi
log "starting php -S on $URL"
# Workers serve requests in parallel (the REST client and a browser-like
# fetch can overlap); 4 is plenty on a 2-core machine.
(
    cd "$WP_DIR"
    export PHP_CLI_SERVER_WORKERS=4
    spawn "$RUN_DIR/php.pid" "$LOG_DIR/php-server.log" \
        php "${PHP_OPTS[@]}" -S "127.0.0.1:$PORT" -t "$WP_DIR" "$HERE/router.php"
)

# Ready when the REST API index answers 200 with JSON. php (always present
# here) is the HTTP client, so no curl/wget dependency.
probe() {
    # shellcheck disable=SC2016  # PHP code, not shell
    php -d display_errors=0 -r '
        $ctx = stream_context_create(["http" => ["timeout" => 2, "ignore_errors" => true]]);
        $body = @file_get_contents($argv[1], false, $ctx);
        if ($body === false || !isset($http_response_header[0])) exit(1);
        if (!preg_match("#^HTTP/\S+ 200#", $http_response_header[0])) exit(1);
        exit(is_array(json_decode($body, true)) ? 0 : 1);
    ' "$URL/wp-json/"
}
for _ in $(seq 1 300); do   # up to 30 s
    sleep 0.1
    if [[ -s "$RUN_DIR/php.pid" ]] && ! kill -0 "$(cat "$RUN_DIR/php.pid")" 2>/dev/null; then
        if grep -q "Address already in use" "$LOG_DIR/php-server.log" 2>/dev/null; then
            log "port $PORT on 127.0.0.1 is already in use"
            finished=1
            bash "$HERE/stop.sh" "$DIR" >&2 || true
            exit 3
        fi
        log "php -S exited during start-up"
        exit 1
    fi
    if probe; then break; fi
done
probe || { log "$URL/wp-json/ did not answer 200 within 30 s"; exit 1; }

# --- env.json: everything a test needs to talk to the site. -----------------
# shellcheck disable=SC2016  # PHP code, not shell
php -r '
    [, $creds, $url, $dir, $sock, $dbpid, $phppid, $out] = $argv;
    $c = json_decode(file_get_contents($creds), true);
    $env = [
        "url" => $url,
        "user" => $c["user"],
        "password" => $c["password"],
        "app_password" => $c["app_password"],
        "user_id" => $c["user_id"],
        "dir" => $dir,
        "wp_dir" => $dir . "/wordpress",
        "db_socket" => $sock,
        "pids" => ["mariadb" => (int) $dbpid, "php" => (int) $phppid],
    ];
    file_put_contents($out . ".tmp", json_encode($env, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n");
    rename($out . ".tmp", $out);
' "$RUN_DIR/credentials.json" "$URL" "$DIR" "$SOCK" \
    "$(cat "$RUN_DIR/mariadb.pid")" "$(cat "$RUN_DIR/php.pid")" "$ENV_JSON"

finished=1
log "WordPress ready at $URL after $(elapsed) (env: $ENV_JSON)"
