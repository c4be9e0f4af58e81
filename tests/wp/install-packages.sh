#!/usr/bin/env bash
# Install the Debian packages the real-WordPress integration tests need:
# WordPress, MariaDB and PHP (CLI only; we serve with `php -S`, never Apache).
#
# Idempotent: if every package is already installed it does nothing, so CI can
# call it on every run. Must run as root (apt-get). Debian bookworm.
#
#   sudo bash tests/wp/install-packages.sh
set -euo pipefail

PACKAGES=(
    wordpress
    # WordPress's default theme is only a Recommends of `wordpress`, so
    # --no-install-recommends drops it; without any theme every front-end page
    # is an empty 200 (no <head>, no <link rel="alternate">), unlike real sites.
    wordpress-theme-twentytwentythree
    mariadb-server mariadb-client
    php-cli php-mysql php-xml php-mbstring php-curl php-gd
    # `show` pages through less on a terminal, as git does; tests/cli/test_output.py runs the real one.
    less
)

# dpkg's own status is the cheapest reliable check ("install ok installed").
missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-packages: all packages already installed"
    exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "install-packages: missing ${missing[*]}; run as root: sudo bash $0" >&2
    exit 1
fi

echo "install-packages: installing ${missing[*]}"

# The packages' postinst scripts would try to start mariadb and apache2 as
# system services. We run our own private servers instead, so tell
# invoke-rc.d "action forbidden" (exit 101) for the duration of the install.
# If a policy-rc.d already exists, keep it aside and put it back afterwards.
POLICY=/usr/sbin/policy-rc.d
BACKUP=""
if [[ -e "$POLICY" || -L "$POLICY" ]]; then
    BACKUP=$(mktemp /usr/sbin/policy-rc.d.wparchive.XXXXXX)
    mv -f "$POLICY" "$BACKUP"
fi
restore_policy() {
    rm -f "$POLICY"
    if [[ -n "$BACKUP" ]]; then
        mv -f "$BACKUP" "$POLICY"
    fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# temporary, written by tests/wp/install-packages.sh\nexit 101\n' > "$POLICY"
chmod 755 "$POLICY"

export DEBIAN_FRONTEND=noninteractive
apt-get update
# --no-install-recommends keeps it to ~40 s; apache2 still comes in as a
# dependency of `wordpress` but is never started.
apt-get install -y --no-install-recommends "${PACKAGES[@]}"

echo "install-packages: done"
