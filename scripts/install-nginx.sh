#!/usr/bin/env bash
# Install Debian's nginx and the php-fpm that matches php-cli's version, for
# `scripts/kanboard-server.sh start --nginx`. Idempotent: does nothing when both are there.
# Needs root (CI runs as root). Runs scripts/install-php.sh first, since php-fpm's version
# is taken from php-cli.
#
# Debian's packages would normally start system nginx (port 80) and php-fpm services; this
# script doesn't stop or reconfigure them, and kanboard-server.sh never uses them: it runs its
# own nginx and php-fpm with configs in a state dir.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
"$here/install-php.sh"

# php-fpm must run the same PHP as php-cli (same extensions, same ini layout).
PHP_VER="$(php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
FPM_BIN="php-fpm$PHP_VER"
PACKAGES=(nginx "php$PHP_VER-fpm")

find_fpm() {
    command -v "$FPM_BIN" 2>/dev/null || { [ -x "/usr/sbin/$FPM_BIN" ] && echo "/usr/sbin/$FPM_BIN"; }
}
find_nginx() {
    command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }
}
have_all() {
    [ -n "$(find_nginx)" ] && [ -n "$(find_fpm)" ]
}

if have_all; then
    echo "install-nginx: nginx and $FPM_BIN already present" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-nginx: need root (or sudo) to install ${PACKAGES[*]}" >&2; exit 1
    fi
fi

echo "install-nginx: installing ${PACKAGES[*]}" >&2
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2

if ! have_all; then
    echo "install-nginx: nginx or $FPM_BIN still missing after install" >&2
    exit 1
fi
fpm_ver="$("$(find_fpm)" -v | sed -n '1s/^PHP \([0-9.]*\).*/\1/p')"
echo "install-nginx: done (nginx $("$(find_nginx)" -v 2>&1 | sed 's/.*nginx\///'), php-fpm $fpm_ver, php-cli $(php -r 'echo PHP_VERSION;'))" >&2
