#!/usr/bin/env bash
# Start / stop a throwaway Kanboard on loopback, served either by PHP's built-in server (default)
# or by nginx + php-fpm (--nginx: HTTP keep-alive, a pool of PHP workers), on a fresh database:
# SQLite (default), or with --db postgres|mariadb a private PostgreSQL / MariaDB server started
# for this instance only (data dir in the state dir, 127.0.0.1 on a free port; install with
# scripts/install-databases.sh).
#
#   eval "$(scripts/kanboard-server.sh start [--db sqlite|postgres|mariadb] [--nginx] [--workers N])"
#   ... tests use KANBOARD_URL / KANBOARD_TOKEN / KANBOARD_ADMIN_USER / KANBOARD_ADMIN_PASSWORD ...
#   scripts/kanboard-server.sh stop "$KANBOARD_STATE_DIR"
#
# Inputs (environment):
#   KANBOARD_DIR              Kanboard source tree to serve; never modified. Unset: the release
#                             KANBOARD_RELEASE from /opt/kanboard-RELEASE if that holds it, else
#                             from the cache, fetched there (git) on first use
#   KANBOARD_RELEASE          release served when KANBOARD_DIR is unset (default 1.2.53)
#   KANBOARD_GIT_URL          where a missing release is fetched from (default
#                             https://github.com/kanboard/kanboard; a mirror's path or URL works)
#   KANBOARD_CACHE_DIR        where fetched releases are kept, one folder each
#                             (default ${XDG_CACHE_HOME:-$HOME/.cache}/kanboard-rs)
#   KANBOARD_TOKEN            application API token (default kanboard-test-token-0123456789abcdef)
#   KANBOARD_API_AUTH_HEADER  if set (e.g. X-API-Auth), passed to the server as API_AUTHENTICATION_HEADER
#   KANBOARD_BRUTEFORCE_LOCKDOWN  failed logins before a user is locked out (default 1000000000,
#                             i.e. off; Kanboard's own default is 6)
#   KANBOARD_PLUGINS_DIR      plugins folder for the server (default: $KANBOARD_DIR/plugins)
#   KANBOARD_START_TIMEOUT    seconds to wait for the database server and then for Kanboard to answer
#                             getVersion (default 20 with SQLite, 60 with --db postgres|mariadb)
#   TMPDIR                    where the state dir goes (default /tmp; /dev/shm with --db postgres|mariadb)
#   PG_BINDIR                 PostgreSQL's bin dir (default: newest /usr/lib/postgresql/N/bin)
#   PG_USER                   as root: the user PostgreSQL runs as (default postgres, else nobody)
#   MARIADBD                  mariadbd binary (default mariadbd, also looked for in /usr/sbin)
#   KANBOARD_SERIALIZE_WRITES 1: one writing request at a time (scripts/kanboard-write-lock.php),
#                             0: Kanboard as is; default 1 with SQLite or --nginx, else 0
#   PHP                       php binary (default php)
#   PHP_FPM                   php-fpm binary for --nginx (default php-fpmX.Y, X.Y = $PHP's version)
#   NGINX                     nginx binary for --nginx (default nginx)
#
# No config.php is written: Kanboard's app/constants.php takes every setting we need from the
# environment of the PHP process (getenv: DATA_DIR, DB_DRIVER, DB_FILENAME or DB_HOSTNAME/DB_PORT/
# DB_NAME/DB_USERNAME/DB_PASSWORD, FILES_DIR, CACHE_DIR, LOG_DRIVER, LOG_FILE, PLUGINS_DIR,
# API_AUTHENTICATION_HEADER, BRUTEFORCE_LOCKDOWN) and the API middleware reads
# getenv('API_AUTHENTICATION_TOKEN'). So the source dir stays pristine and several servers can run
# from one dir at once. Caveat: a config.php in $KANBOARD_DIR or $KANBOARD_DIR/data would win over
# the environment (its defines come first), so `start` refuses to run if one exists.
#
# `start` prints only `export NAME=value` lines on stdout (everything else goes to stderr).
set -euo pipefail

DEFAULT_RELEASE=1.2.53
DEFAULT_GIT_URL=https://github.com/kanboard/kanboard
DEFAULT_TOKEN=kanboard-test-token-0123456789abcdef
PHP_BIN="${PHP:-php}"
# The --nginx mode runs this script again (as the server's process group leader).
SELF="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
WRITE_LOCK_PHP="$(dirname "$SELF")/kanboard-write-lock.php"

die() { echo "kanboard-server: $*" >&2; exit 1; }

usage() {
    cat >&2 <<'USAGE'
usage: kanboard-server.sh start [--db sqlite|postgres|mariadb] [--nginx] [--workers N]
       kanboard-server.sh stop STATE_DIR
  --db       database Kanboard runs on (default sqlite). postgres / mariadb: a private server
             in the state dir on a free 127.0.0.1 port (scripts/install-databases.sh installs it)
  --nginx    nginx + php-fpm (HTTP keep-alive) instead of php -S (scripts/install-nginx.sh)
  --workers  php -S workers, or the php-fpm pool size with --nginx (default 4)
USAGE
    exit 2
}

free_port() {
    python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

# Prints the getVersion result (e.g. 1.2.53) or nothing.
# $3: seconds the call may take (default 3). The first call creates Kanboard's tables, which
# takes seconds on PostgreSQL/MariaDB: cutting it short would let the next call race it.
get_version() {
    local url="$1" token="$2" max="${3:-3}"
    curl -s --max-time "$max" -u "jsonrpc:$token" \
        -H 'Content-Type: application/json' \
        -d '{"jsonrpc":"2.0","method":"getVersion","id":1}' "$url" 2>/dev/null \
        | sed -n 's/.*"result":"\([^"]*\)".*/\1/p' || true
}

# All pids in process group $1 (empty if none).
group_pids() {
    pgrep -g "$1" 2>/dev/null || true
}

kill_group() {
    local pgid="$1" i
    [ -n "$(group_pids "$pgid")" ] || return 0
    kill -TERM -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 50); do
        [ -n "$(group_pids "$pgid")" ] || return 0
        sleep 0.1
    done
    kill -KILL -- "-$pgid" 2>/dev/null || true
    for i in $(seq 1 20); do
        [ -n "$(group_pids "$pgid")" ] || return 0
        sleep 0.1
    done
    echo "kanboard-server: warning: processes of group $pgid still alive: $(group_pids "$pgid" | tr '\n' ' ')" >&2
    return 1
}

# Whether PHP binary $1 (php or php-fpm) has module $2.
has_module() {
    local mods
    mods="$("$1" -m 2>/dev/null)" || return 1
    grep -qix "$2" <<<"$mods"
}

# Finds a binary in PATH or /usr/sbin (Debian puts nginx and php-fpm there, and a non-root PATH
# often lacks it).
find_sbin() {
    command -v "$1" 2>/dev/null && return 0
    [ -x "/usr/sbin/$1" ] && { echo "/usr/sbin/$1"; return 0; }
    return 1
}

# Paths go into nginx's and php-fpm's config files inside double quotes, where these characters
# would be read as syntax (quote, $variables, escapes) or end the line.
check_conf_path() {
    local name="$1" value="$2"
    case "$value" in
        *'"'* | *'$'* | *'\'* | *$'\n'* | *$'\r'*)
            echo "kanboard-server: $name ($value) must not contain \", \$, \\ or a newline with --nginx (it goes into config files)" >&2
            return 1 ;;
    esac
}

# Writes $state/php-fpm/php-fpm.conf and $state/nginx/nginx.conf for one server.
write_nginx_configs() {
    local state="$1" kdir="$2" port="$3" workers="$4" prepend="$5"
    local fpmdir="$state/php-fpm" ngxdir="$state/nginx"
    mkdir -p "$fpmdir" "$ngxdir/tmp"
    local sock="$fpmdir/php-fpm.sock"

    local fpm_user="" ngx_user=""
    if [ "$(id -u)" -eq 0 ]; then
        # Workers must write the state dir (0700, owned by us): run them as the caller. php-fpm
        # wants a pool user when its master is root (and -R to accept root); nginx would
        # otherwise drop its workers to nobody, who can't reach the socket.
        fpm_user="user = $(id -un)
group = $(id -gn)"
        ngx_user="user $(id -un) $(id -gn);"
    fi

    cat >"$fpmdir/php-fpm.conf" <<CONF
; php-fpm for one kanboard-server.sh instance (generated; see scripts/README.md)
[global]
pid = "$fpmdir/php-fpm.pid"
error_log = "$fpmdir/error.log"
daemonize = no

; The pool is named after the state dir, so its workers' titles ("php-fpm: pool NAME") say
; which server they belong to.
[$(basename "$state")]
$fpm_user
listen = "$sock"
listen.mode = 0600
pm = static
pm.max_children = $workers
; one worker serves many requests; recycle now and then like a stock pool
pm.max_requests = 10000
; Kanboard's settings come from php-fpm's own environment, set by kanboard-server.sh exactly as
; for php -S (env[...] lines can't hold the empty API_AUTHENTICATION_HEADER).
clear_env = no
catch_workers_output = yes
decorate_workers_output = no
; php -S runs with php-cli's php.ini (memory_limit = -1); keep the two modes alike
php_admin_value[memory_limit] = -1
CONF
    [ -z "$prepend" ] || printf 'php_admin_value[auto_prepend_file] = "%s"\n' "$prepend" >>"$fpmdir/php-fpm.conf"

    cat >"$ngxdir/nginx.conf" <<CONF
# nginx for one kanboard-server.sh instance (generated; see scripts/README.md)
$ngx_user
worker_processes 1;
pid "$ngxdir/nginx.pid";
error_log "$ngxdir/error.log" warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    server_tokens off;
    sendfile on;
    # Keep-alive is the point of this mode: many calls over one connection.
    keepalive_timeout 120s;
    keepalive_requests 1000000;
    # No cap of our own on request bodies (e.g. base64 file uploads): PHP's post_max_size
    # applies, as with php -S.
    client_max_body_size 0;
    client_body_temp_path "$ngxdir/tmp/body";
    fastcgi_temp_path "$ngxdir/tmp/fastcgi";
    proxy_temp_path "$ngxdir/tmp/proxy";
    scgi_temp_path "$ngxdir/tmp/scgi";
    uwsgi_temp_path "$ngxdir/tmp/uwsgi";

    types {
        text/html html;
        text/css css;
        application/javascript js;
        application/json json;
        image/png png;
        image/jpeg jpg jpeg;
        image/gif gif;
        image/svg+xml svg;
        image/x-icon ico;
        font/woff woff;
        font/woff2 woff2;
        font/ttf ttf;
        application/vnd.ms-fontobject eot;
        text/plain txt;
    }
    default_type application/octet-stream;

    server {
        listen 127.0.0.1:$port;
        server_name _;
        root "$kdir";
        index index.php;

        location / {
            try_files \$uri \$uri/ /index.php\$is_args\$args;
        }

        location ~ \.php\$ {
            try_files \$uri =404;
            fastcgi_pass "unix:$sock";
            fastcgi_param SCRIPT_FILENAME \$document_root\$fastcgi_script_name;
            fastcgi_param SCRIPT_NAME \$fastcgi_script_name;
            fastcgi_param DOCUMENT_ROOT \$document_root;
            fastcgi_param DOCUMENT_URI \$document_uri;
            fastcgi_param QUERY_STRING \$query_string;
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_param CONTENT_TYPE \$content_type;
            fastcgi_param CONTENT_LENGTH \$content_length;
            fastcgi_param REQUEST_URI \$request_uri;
            fastcgi_param REQUEST_SCHEME \$scheme;
            fastcgi_param SERVER_PROTOCOL \$server_protocol;
            fastcgi_param GATEWAY_INTERFACE CGI/1.1;
            fastcgi_param SERVER_SOFTWARE nginx;
            fastcgi_param REMOTE_ADDR \$remote_addr;
            fastcgi_param REMOTE_PORT \$remote_port;
            fastcgi_param SERVER_ADDR \$server_addr;
            fastcgi_param SERVER_PORT \$server_port;
            fastcgi_param SERVER_NAME \$host;
            fastcgi_param REDIRECT_STATUS 200;
            # httpoxy: never let a client's Proxy: header become HTTP_PROXY
            fastcgi_param HTTP_PROXY "";
        }

        # Kanboard's own hardening advice: no dotfiles, nothing under data/.
        location ~ /\. {
            return 404;
        }
        location ^~ /data/ {
            return 404;
        }
    }
}
CONF
}

# The process group leader of an --nginx server (run via setsid by cmd_start): starts php-fpm and
# nginx in the foreground as its children and, as soon as either exits, stops the other and
# itself, so that a live KANBOARD_SERVER_PID means a whole server.
# nginx (daemon off) stays in this process group, but php-fpm always calls setsid() and so leads
# a group of its own (master + workers): its pgid goes to php-fpm/pgid for `stop`.
cmd_run_nginx() {
    local state="$1" fpm="$2" nginx="$3"
    echo $$ >"$state/pid"
    local -a fpm_args=(-F -y "$state/php-fpm/php-fpm.conf")
    # php-fpm refuses to run pool workers as root without -R.
    [ "$(id -u)" -ne 0 ] || fpm_args+=(-R)
    "$fpm" "${fpm_args[@]}" </dev/null &
    local fpm_pid=$!
    echo "$fpm_pid" >"$state/php-fpm/pgid"
    # php-fpm's group (pgid == its pid once it has called setsid) or, before that, the process.
    stop_fpm() { kill -TERM -- "-$fpm_pid" 2>/dev/null || kill -TERM "$fpm_pid" 2>/dev/null || true; }
    # On `stop` (TERM to our group) take php-fpm's group down too; `stop` checks it as well.
    trap 'stop_fpm; exit 143' TERM INT HUP
    "$nginx" -p "$state/nginx/" -c "$state/nginx/nginx.conf" -e "$state/nginx/error.log" \
        -g 'daemon off;' </dev/null &
    wait -n || true
    echo "kanboard-server: php-fpm or nginx exited; stopping the other" >&2
    trap - TERM INT HUP
    stop_fpm
    kill -TERM 0
}

# ---------------------------------------------------------------------------------------------
# --db postgres | mariadb: a private database server per Kanboard instance, inside the state dir,
# listening on 127.0.0.1 only (plus a unix socket in the state dir for the setup commands).

DB_NAME=kanboard
DB_USER=kanboard
DB_PASSWORD=kanboard-test-password

# Newest /usr/lib/postgresql/N/bin holding initdb, pg_ctl and postgres (Debian keeps them off
# PATH), or $PG_BINDIR, or the directory of an initdb on PATH.
find_pg_bindir() {
    local d
    if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return 0; fi
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4nr); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"; return 0
        fi
    done
    d="$(command -v initdb 2>/dev/null)" || return 1
    d="$(dirname "$(readlink -f "$d")")"
    [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] || return 1
    echo "$d"
}

# PostgreSQL refuses to run as root: as root, its commands run as $PG_USER (default: the
# `postgres` system user if there is one, else `nobody`), who owns STATE/pgsql/.
pg_run_user() {
    if [ "$(id -u)" -ne 0 ]; then id -un; return; fi
    if [ -n "${PG_USER:-}" ]; then echo "$PG_USER"
    elif id postgres >/dev/null 2>&1; then echo postgres
    else echo nobody; fi
}

# Runs "$@" as user $1 (as is if that is us), from / so that a caller's cwd that user can't
# read does not matter.
run_as() {
    local user="$1"; shift
    if [ "$user" = "$(id -un)" ]; then
        (cd / && "$@")
    else
        (cd / && runuser -u "$user" -- "$@")
    fi
}

# The database name of process $1's command line holds $2 (the state dir's unique name).
pid_has_marker() {
    local pid="$1" marker="$2" cmdline
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    cmdline="$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null || true)"
    [[ "$cmdline" == *"$marker"* ]]
}

# TERM, then KILL after $3 tenths of a second, process $1 if its command line holds marker $2.
kill_marked_pid() {
    local pid="$1" marker="$2" tenths="$3" i
    pid_has_marker "$pid" "$marker" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 "$tenths"); do
        pid_has_marker "$pid" "$marker" || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do
        pid_has_marker "$pid" "$marker" || return 0
        sleep 0.1
    done
    echo "kanboard-server: warning: process $pid still alive" >&2
    return 1
}

# Starts PostgreSQL in STATE/pgsql, creates the role and database; the port goes to STATE/pgsql/port.
start_postgres() {
    local state="$1" timeout="$2" bindir="$3"
    local dir="$state/pgsql" user
    user="$(pg_run_user)"
    mkdir -p "$dir/run"
    echo "$user" >"$dir/user"
    if [ "$(id -u)" -eq 0 ] && [ "$user" != root ]; then
        # $user must reach STATE/pgsql: let others traverse the state dir (not list it) and keep
        # data/ private instead.
        chmod 711 "$state"
        chmod 700 "$state/data"
        chown -R "$user:" "$dir"
        run_as "$user" test -w "$dir" || die "user $user can't write $dir (is a parent dir of the state dir closed to others? set TMPDIR to e.g. /tmp)"
    fi
    case "$dir" in *"'"* | *' '*) die "the state dir ($state) must not contain spaces or single quotes with --db postgres" ;; esac

    run_as "$user" "$bindir/initdb" -D "$dir/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync --no-instructions \
        >"$dir/initdb.log" 2>&1 \
        || { sed 's/^/  | /' "$dir/initdb.log" >&2; die "initdb failed"; }

    local attempt port
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        : >"$dir/postgresql.log"; chown "$user:" "$dir/postgresql.log" 2>/dev/null || true
        # A throwaway database: no fsync (nothing must survive a crash), loopback only.
        if run_as "$user" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgresql.log" -w -s \
            -t "$timeout" -o "-c listen_addresses=127.0.0.1 -p $port -k '$dir/run' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >&2; then
            break
        fi
        if grep -qi 'could not bind\|already in use' "$dir/postgresql.log"; then
            echo "kanboard-server: port $port taken for PostgreSQL, retrying" >&2
            run_as "$user" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -s stop >/dev/null 2>&1 || true
            port=""; continue
        fi
        sed 's/^/  | /' "$dir/postgresql.log" | tail -n 40 >&2
        die "PostgreSQL did not start"
    done
    [ -n "$port" ] || die "PostgreSQL: no free port after 5 tries"
    echo "$port" >"$dir/port"

    run_as "$user" "$bindir/psql" -X -q -h "$dir/run" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'" \
        -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" >&2 \
        || die "could not create PostgreSQL role/database $DB_NAME"
}

stop_postgres() {
    local state="$1" dir="$1/pgsql" user pid bindir rc=0
    [ -f "$dir/data/postmaster.pid" ] || return 0
    user="$(cat "$dir/user" 2>/dev/null || pg_run_user)"
    pid="$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)"
    bindir="$(find_pg_bindir || true)"
    if [ -n "$bindir" ]; then
        # fast: roll back open transactions and stop; the data is deleted anyway.
        run_as "$user" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -s -t 10 stop >/dev/null 2>&1 || true
    fi
    # No pg_ctl, or it failed: the postmaster (its children exit when it dies).
    kill_marked_pid "$pid" "$(basename "$state")" 50 || rc=1
    return "$rc"
}

find_mariadbd() {
    if [ -n "${MARIADBD:-}" ]; then echo "$MARIADBD"; return 0; fi
    find_sbin mariadbd || find_sbin mysqld
}

# Starts MariaDB in STATE/mariadb, creates the user and database; the port goes to STATE/mariadb/port.
start_mariadb() {
    local state="$1" timeout="$2" mariadbd="$3"
    local dir="$state/mariadb" user
    user="$(id -un)"
    mkdir -p "$dir"
    # --no-defaults: no /etc/mysql/*.cnf, everything is on the command line.
    mariadb-install-db --no-defaults --datadir="$dir/data" --user="$user" \
        --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
        --innodb-log-file-size=16M \
        >"$dir/install.log" 2>&1 \
        || { tail -n 40 "$dir/install.log" | sed 's/^/  | /' >&2; die "mariadb-install-db failed"; }

    local attempt port pid i up=0 sock="$dir/mysqld.sock"
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        : >"$dir/error.log"
        rm -f "$dir/pid"
        # setsid + the pid trick of the php -S branch: own process group, pid file names mariadbd.
        # A throwaway database: no flush at commit, no doublewrite, loopback only.
        setsid sh -c 'echo $$ >"$0"; exec "$@"' "$dir/pid" \
            "$mariadbd" --no-defaults --user="$user" --datadir="$dir/data" \
            --bind-address=127.0.0.1 --port="$port" --socket="$sock" \
            --pid-file="$dir/mariadbd.pid" --log-error="$dir/error.log" --skip-name-resolve \
            --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
            --innodb-log-file-size=16M --innodb-buffer-pool-size=64M \
            --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
            </dev/null >>"$dir/error.log" 2>&1 &
        for i in $(seq 1 250); do [ -s "$dir/pid" ] && break; sleep 0.02; done
        pid="$(cat "$dir/pid" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] || die "could not start mariadbd (no pid)"
        local deadline=$(( $(date +%s) + timeout ))
        up=0
        while kill -0 "$pid" 2>/dev/null; do
            if [ -S "$sock" ] && mariadb-admin --no-defaults -S "$sock" -u root ping >/dev/null 2>&1; then
                up=1; break
            fi
            [ "$(date +%s)" -lt "$deadline" ] || break
            sleep 0.05
        done
        [ "$up" -eq 0 ] || break
        kill_marked_pid "$pid" "$(basename "$state")" 50 || true
        if grep -qi 'already in use\|Do you already have another' "$dir/error.log"; then
            echo "kanboard-server: port $port taken for MariaDB, retrying" >&2
            continue
        fi
        tail -n 40 "$dir/error.log" | sed 's/^/  | /' >&2
        die "MariaDB did not start"
    done
    [ "$up" -eq 1 ] || die "MariaDB: no free port after 5 tries"
    echo "$port" >"$dir/port"

    mariadb --no-defaults -S "$sock" -u root -e "
        CREATE DATABASE $DB_NAME CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
        CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
        GRANT ALL PRIVILEGES ON $DB_NAME.* TO '$DB_USER'@'127.0.0.1';" >&2 \
        || die "could not create MariaDB user/database $DB_NAME"
}

stop_mariadb() {
    local state="$1" dir="$1/mariadb"
    [ -f "$dir/pid" ] || return 0
    # TERM makes mariadbd shut down cleanly (about a second); KILL after 10 s.
    kill_marked_pid "$(cat "$dir/pid")" "$(basename "$state")" 100
}

# Stops whatever database server the state dir holds (nothing for SQLite).
stop_db() {
    local state="$1"
    case "$(cat "$state/db" 2>/dev/null || echo sqlite)" in
        postgres) stop_postgres "$state" ;;
        mariadb) stop_mariadb "$state" ;;
        *) return 0 ;;
    esac
}

# Whether $1 is a Kanboard source tree.
is_kanboard_tree() {
    [ -f "$1/jsonrpc.php" ] && [ -f "$1/app/constants.php" ]
}

# Fetches Kanboard's release tag v$1 from KANBOARD_GIT_URL into folder $2 (which must not exist):
# a shallow clone of the tag, then `git archive` of it, which is how Kanboard's release archives
# are made (export-subst writes the release into app/constants.php, so getVersion answers e.g.
# 1.2.53; a plain checkout would answer main.unknown_revision). The tree is made beside $2 and
# renamed into place, so a failed or concurrent fetch never leaves half a tree there.
fetch_release() {
    local release="$1" dest="$2" url="${KANBOARD_GIT_URL:-$DEFAULT_GIT_URL}"
    command -v git >/dev/null 2>&1 \
        || die "git not found, needed to fetch Kanboard v$release (Debian: apt-get install git); or put a Kanboard source tree in KANBOARD_DIR (see scripts/README.md)"
    command -v tar >/dev/null 2>&1 || die "tar not found, needed to unpack Kanboard v$release"
    # A local repository by path: git ignores --depth for those and copies all of it.
    if [ -d "$url" ]; then url="file://$(cd "$url" && pwd)"; fi
    local parent tmp
    parent="$(dirname "$dest")"
    mkdir -p "$parent" || die "cannot create $parent (set KANBOARD_CACHE_DIR)"
    tmp="$(mktemp -d "$parent/.fetch-kanboard-$release.XXXXXX")" || die "cannot write in $parent (set KANBOARD_CACHE_DIR)"
    echo "kanboard-server: fetching Kanboard v$release from $url into $dest (once; later starts reuse it)" >&2
    if ! git -c advice.detachedHead=false clone --quiet --bare --depth 1 --branch "v$release" -- "$url" "$tmp/repo.git" >&2; then
        rm -rf "$tmp"
        die "could not fetch tag v$release from $url (set KANBOARD_GIT_URL to a reachable clone or mirror, or KANBOARD_DIR to a Kanboard source tree)"
    fi
    mkdir "$tmp/tree"
    if ! git -C "$tmp/repo.git" archive --format=tar "v$release" | tar -x -C "$tmp/tree"; then
        rm -rf "$tmp"
        die "could not unpack v$release from $url"
    fi
    if ! is_kanboard_tree "$tmp/tree"; then
        rm -rf "$tmp"
        die "v$release from $url is not a Kanboard source tree (no jsonrpc.php and app/constants.php)"
    fi
    # Another start may have fetched it meanwhile: then its tree stays and ours goes.
    mv -T "$tmp/tree" "$dest" 2>/dev/null || is_kanboard_tree "$dest" || { rm -rf "$tmp"; die "could not move the fetched tree to $dest (something else is there: remove it)"; }
    rm -rf "$tmp"
}

# The Kanboard source tree to serve (see KANBOARD_DIR above), fetched into the cache if need be.
kanboard_dir() {
    if [ -n "${KANBOARD_DIR:-}" ]; then
        is_kanboard_tree "$KANBOARD_DIR" || die "no Kanboard source tree at KANBOARD_DIR=$KANBOARD_DIR (expected jsonrpc.php and app/constants.php).
Unset KANBOARD_DIR to have this script fetch Kanboard v${KANBOARD_RELEASE:-$DEFAULT_RELEASE} into its cache, or see scripts/README.md"
        echo "$KANBOARD_DIR"
        return
    fi
    local release="${KANBOARD_RELEASE:-$DEFAULT_RELEASE}"
    [[ "$release" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "KANBOARD_RELEASE must be a release such as 1.2.53, got '$release'"
    if is_kanboard_tree "/opt/kanboard-$release"; then
        echo "/opt/kanboard-$release"
        return
    fi
    local cache="${KANBOARD_CACHE_DIR:-}"
    if [ -z "$cache" ]; then
        local base="${XDG_CACHE_HOME:-}"
        if [ -z "$base" ]; then
            [ -n "${HOME:-}" ] || die "neither KANBOARD_CACHE_DIR, XDG_CACHE_HOME nor HOME is set: nowhere to keep Kanboard v$release"
            base="$HOME/.cache"
        fi
        cache="$base/kanboard-rs"
    fi
    local dir="$cache/kanboard-$release"
    is_kanboard_tree "$dir" || fetch_release "$release" "$dir"
    echo "$dir"
}

cmd_start() {
    local workers=4 mode=php db=sqlite
    while [ $# -gt 0 ]; do
        case "$1" in
            --workers) [ $# -ge 2 ] || usage; workers="$2"; shift 2 ;;
            --workers=*) workers="${1#--workers=}"; shift ;;
            --nginx) mode=nginx; shift ;;
            --db) [ $# -ge 2 ] || usage; db="$2"; shift 2 ;;
            --db=*) db="${1#--db=}"; shift ;;
            *) usage ;;
        esac
    done
    [[ "$workers" =~ ^[0-9]+$ ]] || die "--workers needs a number, got '$workers'"
    case "$db" in
        sqlite) ;;
        postgres | postgresql | pgsql) db=postgres ;;
        mariadb | mysql) db=mariadb ;;
        *) die "--db must be sqlite, postgres or mariadb, got '$db'" ;;
    esac
    local serialize="${KANBOARD_SERIALIZE_WRITES:-}"
    if [ -z "$serialize" ]; then
        # SQLite needs it under concurrent writes (see kanboard-write-lock.php), whatever serves PHP.
        if [ "$mode" = nginx ] || [ "$db" = sqlite ]; then serialize=1; else serialize=0; fi
    fi
    [[ "$serialize" =~ ^[01]$ ]] || die "KANBOARD_SERIALIZE_WRITES must be 0 or 1, got '$serialize'"
    local prepend=""
    if [ "$serialize" = 1 ]; then
        [ -f "$WRITE_LOCK_PHP" ] || die "$WRITE_LOCK_PHP is missing"
        prepend="$WRITE_LOCK_PHP"
    fi

    local kdir
    kdir="$(kanboard_dir)"
    local token="${KANBOARD_TOKEN:-$DEFAULT_TOKEN}"
    # The first request creates Kanboard's tables: about 1 s on SQLite, a few on PostgreSQL and
    # MariaDB (much more on a slow disk).
    local timeout="${KANBOARD_START_TIMEOUT:-}"
    if [ -z "$timeout" ]; then
        if [ "$db" = sqlite ]; then timeout=20; else timeout=60; fi
    fi
    [[ "$timeout" =~ ^[0-9]+$ ]] && [ "$timeout" -ge 1 ] || die "KANBOARD_START_TIMEOUT must be a number of seconds, got '$timeout'"

    kdir="$(cd "$kdir" && pwd)"
    local f
    for f in "$kdir/config.php" "$kdir/data/config.php"; do
        [ ! -e "$f" ] || die "$f exists; its settings would override this script's (DATA_DIR, token, ...). Remove it or use a clean KANBOARD_DIR."
    done
    command -v "$PHP_BIN" >/dev/null 2>&1 || die "php not found (run scripts/install-php.sh)"
    # Module lists are read whole first: `php -m | grep -q` fails now and then under pipefail,
    # because php exits 255 when grep closes the pipe early.
    has_module "$PHP_BIN" pdo_sqlite || die "php has no pdo_sqlite (run scripts/install-php.sh)"
    # The PDO driver Kanboard needs, and the database server's binaries.
    local pdo=pdo_sqlite pg_bindir="" mariadbd_bin=""
    case "$db" in
        postgres)
            pdo=pdo_pgsql
            pg_bindir="$(find_pg_bindir || true)"
            [ -n "$pg_bindir" ] || die "PostgreSQL's initdb/pg_ctl/postgres not found (run scripts/install-databases.sh postgres)"
            [ -x "$pg_bindir/psql" ] || die "psql not found in $pg_bindir (run scripts/install-databases.sh postgres)"
            if [ "$(id -u)" -eq 0 ]; then
                command -v runuser >/dev/null 2>&1 || die "runuser not found (needed to run PostgreSQL as a non-root user)"
                id "$(pg_run_user)" >/dev/null 2>&1 || die "no user $(pg_run_user) to run PostgreSQL as (set PG_USER)"
            fi
            ;;
        mariadb)
            pdo=pdo_mysql
            mariadbd_bin="$(find_mariadbd || true)"
            [ -n "$mariadbd_bin" ] && [ -x "$(command -v "$mariadbd_bin" || true)" ] \
                || die "mariadbd not found (run scripts/install-databases.sh mariadb)"
            local b
            for b in mariadb-install-db mariadb mariadb-admin; do
                command -v "$b" >/dev/null 2>&1 || die "$b not found (run scripts/install-databases.sh mariadb)"
            done
            ;;
    esac
    has_module "$PHP_BIN" "$pdo" || die "php has no $pdo (run scripts/install-databases.sh $db)"
    command -v curl >/dev/null 2>&1 || die "curl not found"
    command -v python3 >/dev/null 2>&1 || die "python3 not found"

    local fpm_bin="" nginx_bin=""
    if [ "$mode" = nginx ]; then
        [ "$workers" -ge 1 ] || die "--workers must be at least 1 with --nginx (php-fpm pool size)"
        local php_ver fpm_ver
        php_ver="$("$PHP_BIN" -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')"
        fpm_bin="${PHP_FPM:-$(find_sbin "php-fpm$php_ver" || true)}"
        [ -n "$fpm_bin" ] && [ -x "$(command -v "$fpm_bin" || true)" ] \
            || die "php-fpm$php_ver not found (run scripts/install-nginx.sh)"
        fpm_ver="$("$fpm_bin" -v 2>/dev/null | sed -n '1s/^PHP \([0-9]*\.[0-9]*\).*/\1/p' || true)"
        [ "$fpm_ver" = "$php_ver" ] || die "$fpm_bin is PHP ${fpm_ver:-?} but $PHP_BIN is PHP $php_ver (php-fpm must match php-cli)"
        has_module "$fpm_bin" pdo_sqlite || die "$fpm_bin has no pdo_sqlite (run scripts/install-php.sh)"
        has_module "$fpm_bin" "$pdo" || die "$fpm_bin has no $pdo (run scripts/install-databases.sh $db)"
        nginx_bin="${NGINX:-$(find_sbin nginx || true)}"
        [ -n "$nginx_bin" ] && [ -x "$(command -v "$nginx_bin" || true)" ] \
            || die "nginx not found (run scripts/install-nginx.sh)"
    fi

    # PostgreSQL's initdb, mariadb-install-db and Kanboard's migrations (the first request) write
    # many small files: on this project's machines that takes 3-5 times longer on disk than in
    # memory, fsync or not. So with a database server the state dir goes to /dev/shm (tmpfs)
    # unless TMPDIR says where.
    local parent="${TMPDIR:-/tmp}"
    if [ -z "${TMPDIR:-}" ] && [ "$db" != sqlite ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
        parent=/dev/shm
    fi
    local state data
    state="$(mktemp -d "$parent/kanboard-server.XXXXXX")"
    # From here on, a failed start stops what it started and deletes the state dir.
    START_STATE="$state"
    trap discard_failed_start EXIT
    data="$state/data"
    mkdir -p "$data/files" "$data/cache"
    echo "$kdir" >"$state/kanboard_dir"
    echo "$mode" >"$state/mode"
    echo "$db" >"$state/db"

    local -a db_envs=("DB_DRIVER=sqlite" "DB_FILENAME=$data/db.sqlite")
    local db_port="" t_db0 t_db1
    t_db0="$(date +%s.%N)"
    case "$db" in
        postgres)
            start_postgres "$state" "$timeout" "$pg_bindir"
            db_port="$(cat "$state/pgsql/port")"
            db_envs=("DB_DRIVER=postgres") ;;
        mariadb)
            start_mariadb "$state" "$timeout" "$mariadbd_bin"
            db_port="$(cat "$state/mariadb/port")"
            db_envs=("DB_DRIVER=mysql") ;;
    esac
    if [ "$db" != sqlite ]; then
        db_envs+=("DB_HOSTNAME=127.0.0.1" "DB_PORT=$db_port" "DB_NAME=$DB_NAME"
            "DB_USERNAME=$DB_USER" "DB_PASSWORD=$DB_PASSWORD")
        t_db1="$(date +%s.%N)"
        printf 'kanboard-server: %s up on 127.0.0.1:%s in %.2fs\n' "$db" "$db_port" \
            "$(awk -v a="$t_db0" -v b="$t_db1" 'BEGIN{print b-a}')" >&2
    fi

    local -a envs=(
        "DATA_DIR=$data"
        "${db_envs[@]}"
        "FILES_DIR=$data/files"
        "CACHE_DIR=$data/cache"
        "LOG_DRIVER=file"
        "LOG_FILE=$data/debug.log"
        "PLUGINS_DIR=${KANBOARD_PLUGINS_DIR:-$kdir/plugins}"
        "API_AUTHENTICATION_TOKEN=$token"
        "API_AUTHENTICATION_HEADER=${KANBOARD_API_AUTH_HEADER:-}"
        # Kanboard locks a user for BRUTEFORCE_LOCKDOWN_DURATION (15) minutes after more than
        # BRUTEFORCE_LOCKDOWN (6) failed logins, API logins included: a few wrong-password
        # tests against admin would then make every later admin:admin call 401. Off by default
        # here; set KANBOARD_BRUTEFORCE_LOCKDOWN=6 to get Kanboard's own behaviour.
        "BRUTEFORCE_LOCKDOWN=${KANBOARD_BRUTEFORCE_LOCKDOWN:-1000000000}"
        # Read by kanboard-write-lock.php; empty: no lock.
        "KANBOARD_WRITE_LOCK=${prepend:+$data/write.lock}"
    )
    if [ "$mode" = nginx ]; then
        check_conf_path KANBOARD_DIR "$kdir" && check_conf_path "state dir" "$state" \
            && check_conf_path "scripts dir" "$prepend" || exit 1
    fi

    local started=0 exited=0 attempt port pid url log="$state/server.log"
    local t0; t0="$(date +%s.%N)"
    for attempt in 1 2 3 4 5; do
        exited=0
        port="$(free_port)"
        url="http://127.0.0.1:$port/jsonrpc.php"
        : >"$log"
        rm -f "$state/pid"
        if [ "$mode" = nginx ]; then
            write_nginx_configs "$state" "$kdir" "$port" "$workers" "$prepend"
            : >"$state/nginx/error.log"; : >"$state/php-fpm/error.log"
            # setsid: one process group (pgid == pid of the script run below) for php-fpm, nginx
            # and all their workers, so `stop` can kill them together. The settings ride in its
            # environment down to php-fpm (clear_env = no); see the php -S branch for env -u.
            setsid env -u DATABASE_URL -u PHP_CLI_SERVER_WORKERS "${envs[@]}" \
                "$BASH" "$SELF" _run-nginx "$state" "$fpm_bin" "$nginx_bin" </dev/null >>"$log" 2>&1 &
        else
            local -a php_envs=("${envs[@]}") php_opts=()
            [ "$workers" -le 1 ] || php_envs+=("PHP_CLI_SERVER_WORKERS=$workers")
            [ -z "$prepend" ] || php_opts+=(-d "auto_prepend_file=$prepend")
            # setsid: the server gets its own process group (pgid == pid), so `stop` can kill the
            # forked PHP_CLI_SERVER_WORKERS children together with the master.
            # env -u: a DATABASE_URL from the caller would make Kanboard ignore DB_DRIVER/DB_FILENAME.
            # The inner sh records its own pid (== the new process group id, whether or not setsid
            # had to fork) and then execs php, so the pid file names the php master.
            setsid sh -c 'echo $$ >"$0"; exec "$@"' "$state/pid" \
                env -u DATABASE_URL -u PHP_CLI_SERVER_WORKERS "${php_envs[@]}" \
                "$PHP_BIN" ${php_opts[@]+"${php_opts[@]}"} -S "127.0.0.1:$port" -t "$kdir" </dev/null >>"$log" 2>&1 &
        fi
        local i
        # Up to 5 s: on a busy machine the shell that writes it can take a while to start.
        for i in $(seq 1 250); do [ -s "$state/pid" ] && break; sleep 0.02; done
        pid="$(cat "$state/pid" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] || die "could not start the server (no pid)"
        echo "$port" >"$state/port"

        local deadline version=""
        deadline=$(( $(date +%s) + timeout ))
        while :; do
            if ! kill -0 "$pid" 2>/dev/null; then
                exited=1; break
            fi
            # --nginx: don't ask before php-fpm listens (nginx would log a 502 for nothing).
            if [ "$mode" != nginx ] || [ -S "$state/php-fpm/php-fpm.sock" ]; then
                local left=$(( deadline - $(date +%s) ))
                [ "$left" -ge 3 ] || left=3
                version="$(get_version "$url" "$token" "$left")"
                if [ -n "$version" ]; then started=1; break; fi
            fi
            [ "$(date +%s)" -lt "$deadline" ] || break
            sleep 0.1
        done
        [ "$started" -eq 0 ] || break
        kill_group "$pid" || true
        # Lost the race for the port to someone else: try another one.
        if grep -qis 'address already in use\|failed to listen' "$log" "$state/nginx/error.log"; then
            echo "kanboard-server: port $port taken, retrying" >&2
            continue
        fi
        break
    done

    if [ "$started" -ne 1 ]; then
        if [ "$exited" -eq 1 ]; then
            echo "kanboard-server: server exited before answering getVersion at $url; server log (last 80 lines):" >&2
        else
            echo "kanboard-server: server did not answer getVersion at $url within ${timeout}s; server log (last 80 lines):" >&2
        fi
        tail -n 80 "$log" | sed 's/^/  | /' >&2 || true
        for f in "$state/nginx/error.log" "$state/php-fpm/error.log" "$data/debug.log"; do
            [ -s "$f" ] || continue
            echo "kanboard-server: ${f#"$state"/} (last 40 lines):" >&2
            tail -n 40 "$f" | sed 's/^/  | /' >&2
        done
        exit 1
    fi
    trap - EXIT
    START_STATE=""
    local t1 how; t1="$(date +%s.%N)"
    if [ "$mode" = nginx ]; then how="nginx + $workers php-fpm workers"; else how="php -S, $workers workers"; fi
    [ -z "$prepend" ] || how="$how, writes serialized"
    if [ "$db" = sqlite ]; then how="$how, SQLite"; else how="$how, $db on port $db_port"; fi
    printf 'kanboard-server: Kanboard %s up at %s (pid %s, %s) in %.2fs\n' \
        "$version" "$url" "$pid" "$how" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" >&2
    local php_version
    php_version="$("$PHP_BIN" -r 'echo PHP_VERSION;')"
    # Kanboard before 1.2.26 validates dates in a way PHP 8.2 broke (see scripts/README.md).
    if [ "$(printf '%s\n' "$version" 1.2.26 | sort -V | head -n 1)" != 1.2.26 ] \
        && [ "$(printf '%s\n' "$php_version" 8.2 | sort -V | head -n 1)" = 8.2 ]; then
        echo "kanboard-server: note: Kanboard $version on PHP $php_version refuses every date (fixed in Kanboard 1.2.26)" >&2
    fi

    printf 'export KANBOARD_URL=%q\n' "$url"
    printf 'export KANBOARD_TOKEN=%q\n' "$token"
    printf 'export KANBOARD_ADMIN_USER=admin\n'
    printf 'export KANBOARD_ADMIN_PASSWORD=admin\n'
    printf 'export KANBOARD_STATE_DIR=%q\n' "$state"
    printf 'export KANBOARD_SERVER_PID=%q\n' "$pid"
    printf 'export KANBOARD_DB=%q\n' "$db"
    # Old releases behave differently on a PHP newer than they were made for (Kanboard before
    # 1.2.26 refuses every date on PHP 8.2+): the live tests expect that from this.
    printf 'export KANBOARD_PHP_VERSION=%q\n' "$php_version"
    if [ -n "${KANBOARD_API_AUTH_HEADER:-}" ]; then
        printf 'export KANBOARD_API_AUTH_HEADER=%q\n' "$KANBOARD_API_AUTH_HEADER"
    fi
}

# Kills process group $1 (named by a file in the state dir) only if one of its members' command
# lines holds $2 (the state dir's unique name), so that a stale number can't hit a stranger.
kill_own_group() {
    local pgid="$1" marker="$2" p cmdline
    [[ "$pgid" =~ ^[0-9]+$ ]] || return 0
    for p in $(group_pids "$pgid"); do
        cmdline="$({ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null || true)"
        if [[ "$cmdline" == *"$marker"* ]]; then
            kill_group "$pgid"
            return
        fi
    done
}

# Stops every process a state dir records: the web server first, then the database server.
stop_all() {
    local state="$1" pid rc=0
    pid="$(cat "$state/pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]]; then
        kill_group "$pid" || rc=1
    fi
    # --nginx: php-fpm's master and workers form a group of their own (see cmd_run_nginx).
    local f
    for f in "$state/php-fpm/pgid" "$state/php-fpm/php-fpm.pid"; do
        [ ! -f "$f" ] || kill_own_group "$(cat "$f")" "$(basename "$state")" || rc=1
    done
    stop_db "$state" || rc=1
    return "$rc"
}

# EXIT trap of a `start` that failed after making its state dir.
discard_failed_start() {
    [ -n "${START_STATE:-}" ] && [ -d "$START_STATE" ] || return 0
    stop_all "$START_STATE" || true
    rm -rf "$START_STATE"
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local state="$1"
    [ -d "$state" ] || die "no state dir $state"
    # Only ever delete something this script made.
    [ -f "$state/pid" ] && [ -f "$state/kanboard_dir" ] || die "$state does not look like a kanboard-server state dir (no pid / kanboard_dir file)"
    local rc=0
    stop_all "$state" || rc=1
    rm -rf "$state"
    return "$rc"
}

[ $# -ge 1 ] || usage
cmd="$1"; shift
case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    _run-nginx) [ $# -eq 3 ] || usage; cmd_run_nginx "$@" ;;
    *) usage ;;
esac
