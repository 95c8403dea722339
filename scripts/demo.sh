#!/usr/bin/env bash
# The README's first command: starts a throwaway Kanboard on loopback (kanboard-server.sh, which
# fetches Kanboard into its cache on first use), builds the `kanboard` command line, runs a few
# commands against the server, showing each one, and stops the server again.
#
#   scripts/demo.sh
#
# Needs php (scripts/install-php.sh), curl, python3, git (only to fetch Kanboard) and cargo. The
# server's inputs apply (KANBOARD_DIR, KANBOARD_RELEASE, KANBOARD_GIT_URL, ...: scripts/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

# Not `eval "$(...)"`, whose status is eval's: a failed start must stop here.
exports="$(bash scripts/kanboard-server.sh start)"
eval "$exports"
trap 'bash scripts/kanboard-server.sh stop "$KANBOARD_STATE_DIR"' EXIT

# The same profile as `cargo test`, so the tests that come next reuse the build.
cargo build -p kanboard-cli

kanboard() {
    local a
    printf '\n$ kanboard'
    for a in "$@"; do
        case "$a" in *[[:space:]]*) printf ' "%s"' "$a" ;; *) printf ' %s' "$a" ;; esac
    done
    printf '\n'
    cargo run -q -p kanboard-cli -- "$@"
}

# The database is new: the project is #1 and its columns are Backlog, Ready, Work in progress and
# Done, ids 1 to 4.
kanboard project create Demo
kanboard task create 1 "Start a Kanboard" --column-id 4 --color green
kanboard task create 1 "Try the command line" --column-id 3 --tag demo
kanboard task create 1 "Read cli/README.md" --due "2030-01-31 17:00"
kanboard board show 1
kanboard task list 1

cat >&2 <<EOF

This Kanboard ($KANBOARD_URL) stops now. To keep one for your own commands:
  eval "\$(scripts/kanboard-server.sh start)"     # sets KANBOARD_URL and KANBOARD_TOKEN
  cargo run -p kanboard-cli -- project list
  scripts/kanboard-server.sh stop "\$KANBOARD_STATE_DIR"
EOF
