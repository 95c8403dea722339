#!/usr/bin/env bash
# Install the Debian PHP packages a local Kanboard (scripts/kanboard-server.sh) needs.
# Idempotent: does nothing when `php` and its SQLite PDO driver plus the other
# extensions Kanboard checks at startup are already there. Needs root (CI runs as root).
set -euo pipefail

PACKAGES=(php-cli php-sqlite3 php-mbstring php-gd php-xml php-zip php-curl)
# Extensions Kanboard's app/check_setup.php insists on (plus pdo_sqlite for the DB).
REQUIRED_EXTS=(pdo_sqlite mbstring gd dom SimpleXML xml)

have_all() {
    command -v php >/dev/null 2>&1 || return 1
    local mods
    mods="$(php -m 2>/dev/null)" || return 1
    local ext
    for ext in "${REQUIRED_EXTS[@]}"; do
        grep -qix "$ext" <<<"$mods" || return 1
    done
}

if have_all; then
    echo "install-php: php and required extensions already present ($(php -r 'echo PHP_VERSION;'))" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-php: need root (or sudo) to install ${PACKAGES[*]}" >&2; exit 1
    fi
fi

echo "install-php: installing ${PACKAGES[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2

if ! have_all; then
    echo "install-php: php or a required extension is still missing after install" >&2
    php -m >&2 || true
    exit 1
fi
echo "install-php: done ($(php -r 'echo PHP_VERSION;'))" >&2
