#!/usr/bin/env bash
# Install the Debian packages `kanboard-server.sh start --db postgres|mariadb` needs:
#   postgres: postgresql (server binaries: initdb, pg_ctl, postgres) + php-pgsql (pdo_pgsql)
#   mariadb:  mariadb-server (mariadbd, mariadb-install-db, mariadb client) + php-mysql (pdo_mysql)
#
#   scripts/install-databases.sh                    # both
#   scripts/install-databases.sh postgres           # only PostgreSQL
#   scripts/install-databases.sh mariadb postgres   # order does not matter; sqlite is accepted (no-op)
#
# Idempotent: installs nothing for a database whose server binaries and PHP driver are already
# there. Runs install-php.sh first (PHP itself). Needs root (CI runs as root).
#
# kanboard-server.sh runs a private server per Kanboard instance, so Debian's own system
# services (postgresql, mariadb) must not run: the packages are installed behind a policy-rc.d
# that forbids starting services, and afterwards the services are disabled for later boots and
# stopped if they are running anyway (only when this script installed something).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
PHP_BIN="${PHP:-php}"

say() { echo "install-databases: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
    echo "usage: install-databases.sh [postgres] [mariadb]   (default: both; sqlite: nothing to do)" >&2
    exit 2
}

want_pg=0 want_maria=0
if [ $# -eq 0 ]; then
    want_pg=1; want_maria=1
fi
for arg in "$@"; do
    case "$arg" in
        postgres | postgresql | pgsql) want_pg=1 ;;
        mariadb | mysql) want_maria=1 ;;
        sqlite) ;;
        -h | --help) usage ;;
        *) echo "install-databases: unknown database '$arg'" >&2; usage ;;
    esac
done

has_php_module() {
    local mods
    mods="$("$PHP_BIN" -m 2>/dev/null)" || return 1
    grep -qix "$1" <<<"$mods"
}

# Newest /usr/lib/postgresql/N/bin holding initdb, pg_ctl and postgres (Debian keeps them off PATH).
pg_bindir() {
    local d
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4nr); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"; return 0
        fi
    done
    return 1
}

have_pg() {
    pg_bindir >/dev/null && command -v psql >/dev/null 2>&1 && has_php_module pdo_pgsql
}

have_maria() {
    { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } \
        && command -v mariadb-install-db >/dev/null 2>&1 \
        && command -v mariadb >/dev/null 2>&1 \
        && has_php_module pdo_mysql
}

"$HERE/install-php.sh"

packages=()
services=()
if [ "$want_pg" = 1 ]; then
    if have_pg; then
        say "PostgreSQL $("$(pg_bindir)/postgres" --version | awk '{print $3}') and pdo_pgsql already present"
    else
        packages+=(postgresql php-pgsql)
        services+=(postgresql)
    fi
fi
if [ "$want_maria" = 1 ]; then
    if have_maria; then
        say "MariaDB $(mariadb --version | sed -n 's/.*Distrib \([^,-]*\).*/\1/p;s/.*from \([0-9.]*\)-MariaDB.*/\1/p' | head -n1) and pdo_mysql already present"
    else
        packages+=(mariadb-server mariadb-client php-mysql)
        services+=(mariadb)
    fi
fi
[ ${#packages[@]} -gt 0 ] || exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        die "need root (or sudo) to install ${packages[*]}"
    fi
fi

# Debian's maintainer scripts start services through invoke-rc.d / deb-systemd-invoke, which ask
# /usr/sbin/policy-rc.d first: exit code 101 means "don't". Put one in place for the install
# (unless one already exists, e.g. in Docker images) and remove it afterwards.
POLICY=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$POLICY" ]; then
    $SUDO sh -c "printf '#!/bin/sh\n# written by install-databases.sh for the duration of an install\nexit 101\n' >$POLICY && chmod 755 $POLICY"
    own_policy=1
fi
remove_policy() {
    if [ "$own_policy" = 1 ]; then $SUDO rm -f "$POLICY"; fi
}
trap remove_policy EXIT

say "installing ${packages[*]} (system services kept from starting)"
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${packages[@]}" >&2
remove_policy
trap - EXIT

# Not at boot either, and not running now: kanboard-server.sh starts its own private servers.
for svc in "${services[@]}"; do
    if command -v systemctl >/dev/null 2>&1; then
        $SUDO systemctl disable "$svc" >/dev/null 2>&1 || true
    fi
    if command -v update-rc.d >/dev/null 2>&1 && [ -e "/etc/init.d/$svc" ]; then
        $SUDO update-rc.d "$svc" disable >/dev/null 2>&1 || true
    fi
    running=0
    case "$svc" in
        postgresql)
            if command -v pg_lsclusters >/dev/null 2>&1 \
                && pg_lsclusters --no-header 2>/dev/null | awk '{print $4}' | grep -qx online; then
                running=1
            fi ;;
        mariadb)
            if [ -S /run/mysqld/mysqld.sock ] || [ -s /run/mysqld/mysqld.pid ]; then running=1; fi ;;
    esac
    if [ "$running" = 1 ]; then
        say "stopping the system $svc service (kanboard-server.sh runs its own)"
        if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
            $SUDO systemctl stop "$svc" || true
        elif [ -x "/etc/init.d/$svc" ]; then
            $SUDO "/etc/init.d/$svc" stop >&2 || true
        fi
    fi
done

[ "$want_pg" = 0 ] || have_pg || die "PostgreSQL binaries or pdo_pgsql still missing after install"
[ "$want_maria" = 0 ] || have_maria || die "MariaDB binaries or pdo_mysql still missing after install"
say "done"
