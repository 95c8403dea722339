#!/usr/bin/env bash
# Start / stop a throwaway Kanboard (PHP built-in server + fresh SQLite DB) on loopback.
#
#   eval "$(scripts/kanboard-server.sh start [--workers N])"
#   ... tests use KANBOARD_URL / KANBOARD_TOKEN / KANBOARD_ADMIN_USER / KANBOARD_ADMIN_PASSWORD ...
#   scripts/kanboard-server.sh stop "$KANBOARD_STATE_DIR"
#
# Inputs (environment):
#   KANBOARD_DIR              Kanboard v1.2.53 source tree (default /opt/kanboard-1.2.53); never modified
#   KANBOARD_TOKEN            application API token (default kanboard-test-token-0123456789abcdef)
#   KANBOARD_API_AUTH_HEADER  if set (e.g. X-API-Auth), passed to the server as API_AUTHENTICATION_HEADER
#   KANBOARD_BRUTEFORCE_LOCKDOWN  failed logins before a user is locked out (default 1000000000,
#                             i.e. off; Kanboard's own default is 6)
#   KANBOARD_PLUGINS_DIR      plugins folder for the server (default: $KANBOARD_DIR/plugins)
#   KANBOARD_START_TIMEOUT    seconds to wait for the server to answer getVersion (default 20)
#   PHP                       php binary (default php)
#
# No config.php is written: Kanboard's app/constants.php takes every setting we need from the
# environment of the PHP process (getenv: DATA_DIR, DB_DRIVER, DB_FILENAME, FILES_DIR, CACHE_DIR,
# LOG_DRIVER, LOG_FILE, PLUGINS_DIR, API_AUTHENTICATION_HEADER, BRUTEFORCE_LOCKDOWN) and the API middleware reads
# getenv('API_AUTHENTICATION_TOKEN'). So the source dir stays pristine and several servers can run
# from one dir at once. Caveat: a config.php in $KANBOARD_DIR or $KANBOARD_DIR/data would win over
# the environment (its defines come first), so `start` refuses to run if one exists.
#
# `start` prints only `export NAME=value` lines on stdout (everything else goes to stderr).
set -euo pipefail

DEFAULT_KANBOARD_DIR=/opt/kanboard-1.2.53
DEFAULT_TOKEN=kanboard-test-token-0123456789abcdef
PHP_BIN="${PHP:-php}"

die() { echo "kanboard-server: $*" >&2; exit 1; }

usage() {
    cat >&2 <<'USAGE'
usage: kanboard-server.sh start [--workers N]
       kanboard-server.sh stop STATE_DIR
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
get_version() {
    local url="$1" token="$2"
    curl -s --max-time 3 -u "jsonrpc:$token" \
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

cmd_start() {
    local workers=4
    while [ $# -gt 0 ]; do
        case "$1" in
            --workers) [ $# -ge 2 ] || usage; workers="$2"; shift 2 ;;
            --workers=*) workers="${1#--workers=}"; shift ;;
            *) usage ;;
        esac
    done
    [[ "$workers" =~ ^[0-9]+$ ]] || die "--workers needs a number, got '$workers'"

    local kdir="${KANBOARD_DIR:-$DEFAULT_KANBOARD_DIR}"
    local token="${KANBOARD_TOKEN:-$DEFAULT_TOKEN}"
    local timeout="${KANBOARD_START_TIMEOUT:-20}"

    if [ ! -f "$kdir/jsonrpc.php" ] || [ ! -f "$kdir/app/constants.php" ]; then
        die "no Kanboard source tree at KANBOARD_DIR=$kdir (expected jsonrpc.php and app/constants.php).
Get it with: git clone https://github.com/kanboard/kanboard && mkdir -p $kdir && git -C kanboard archive v1.2.53 | tar -x -C $kdir
(see scripts/README.md)"
    fi
    kdir="$(cd "$kdir" && pwd)"
    local f
    for f in "$kdir/config.php" "$kdir/data/config.php"; do
        [ ! -e "$f" ] || die "$f exists; its settings would override this script's (DATA_DIR, token, ...). Remove it or use a clean KANBOARD_DIR."
    done
    command -v "$PHP_BIN" >/dev/null 2>&1 || die "php not found (run scripts/install-php.sh)"
    # Not `php -m | grep -q`: grep -q exits at the first match, php can then die of SIGPIPE,
    # and pipefail turns that into a failure now and then.
    local modules; modules="$("$PHP_BIN" -m 2>/dev/null || true)"
    grep -qix pdo_sqlite <<<"$modules" || die "php has no pdo_sqlite (run scripts/install-php.sh)"
    command -v curl >/dev/null 2>&1 || die "curl not found"
    command -v python3 >/dev/null 2>&1 || die "python3 not found"

    local state data
    state="$(mktemp -d "${TMPDIR:-/tmp}/kanboard-server.XXXXXX")"
    data="$state/data"
    mkdir -p "$data/files" "$data/cache"
    echo "$kdir" >"$state/kanboard_dir"

    local started=0 attempt port pid url log="$state/server.log"
    local t0; t0="$(date +%s.%N)"
    for attempt in 1 2 3 4 5; do
        port="$(free_port)"
        url="http://127.0.0.1:$port/jsonrpc.php"
        : >"$log"
        # setsid: the server gets its own process group (pgid == pid), so `stop` can kill the
        # forked PHP_CLI_SERVER_WORKERS children together with the master.
        # env -u: a DATABASE_URL from the caller would make Kanboard ignore DB_DRIVER/DB_FILENAME.
        local -a envs=(
            "DATA_DIR=$data"
            "DB_DRIVER=sqlite"
            "DB_FILENAME=$data/db.sqlite"
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
            "PHP_CLI_SERVER_WORKERS=$workers"
        )
        if [ "$workers" -le 1 ]; then envs=("${envs[@]:0:${#envs[@]}-1}"); fi
        # The inner sh records its own pid (== the new process group id, whether or not setsid
        # had to fork) and then execs php, so the pid file names the php master.
        rm -f "$state/pid"
        setsid sh -c 'echo $$ >"$0"; exec "$@"' "$state/pid" \
            env -u DATABASE_URL -u PHP_CLI_SERVER_WORKERS "${envs[@]}" \
            "$PHP_BIN" -S "127.0.0.1:$port" -t "$kdir" </dev/null >>"$log" 2>&1 &
        local i
        for i in $(seq 1 50); do [ -s "$state/pid" ] && break; sleep 0.02; done
        pid="$(cat "$state/pid" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] || { rm -rf "$state"; die "could not start $PHP_BIN (no pid)"; }
        echo "$port" >"$state/port"

        local deadline version=""
        deadline=$(( $(date +%s) + timeout ))
        while :; do
            if ! kill -0 "$pid" 2>/dev/null; then
                break
            fi
            version="$(get_version "$url" "$token")"
            if [ -n "$version" ]; then started=1; break; fi
            [ "$(date +%s)" -lt "$deadline" ] || break
            sleep 0.1
        done
        [ "$started" -eq 0 ] || break
        kill_group "$pid" || true
        # Lost the race for the port to someone else: try another one.
        if grep -qi 'address already in use\|failed to listen' "$log"; then
            echo "kanboard-server: port $port taken, retrying" >&2
            continue
        fi
        break
    done

    if [ "$started" -ne 1 ]; then
        echo "kanboard-server: server did not answer getVersion at $url within ${timeout}s; server log (last 80 lines):" >&2
        tail -n 80 "$log" | sed 's/^/  | /' >&2 || true
        [ ! -f "$data/debug.log" ] || { echo "kanboard-server: debug.log (last 40 lines):" >&2; tail -n 40 "$data/debug.log" | sed 's/^/  | /' >&2; }
        rm -rf "$state"
        exit 1
    fi
    local t1; t1="$(date +%s.%N)"
    printf 'kanboard-server: Kanboard %s up at %s (pid %s, %s workers) in %.2fs\n' \
        "$version" "$url" "$pid" "$workers" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" >&2

    printf 'export KANBOARD_URL=%q\n' "$url"
    printf 'export KANBOARD_TOKEN=%q\n' "$token"
    printf 'export KANBOARD_ADMIN_USER=admin\n'
    printf 'export KANBOARD_ADMIN_PASSWORD=admin\n'
    printf 'export KANBOARD_STATE_DIR=%q\n' "$state"
    printf 'export KANBOARD_SERVER_PID=%q\n' "$pid"
    if [ -n "${KANBOARD_API_AUTH_HEADER:-}" ]; then
        printf 'export KANBOARD_API_AUTH_HEADER=%q\n' "$KANBOARD_API_AUTH_HEADER"
    fi
}

cmd_stop() {
    [ $# -eq 1 ] || usage
    local state="$1"
    [ -d "$state" ] || die "no state dir $state"
    # Only ever delete something this script made.
    [ -f "$state/pid" ] && [ -f "$state/kanboard_dir" ] || die "$state does not look like a kanboard-server state dir (no pid / kanboard_dir file)"
    local pid rc=0
    pid="$(cat "$state/pid")"
    if [[ "$pid" =~ ^[0-9]+$ ]]; then
        kill_group "$pid" || rc=1
    fi
    rm -rf "$state"
    return "$rc"
}

[ $# -ge 1 ] || usage
cmd="$1"; shift
case "$cmd" in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    *) usage ;;
esac
