#!/usr/bin/env bash
# Install the Python Kanboard SDK (PyPI kanboard-cli 1.2.4, import name `kanboard`) into a venv,
# for side-by-side comparisons with this crate. Idempotent: does nothing when the venv already
# has that version importable.
#   KANBOARD_CLI_VENV   venv path (default /opt/kanboard-cli-venv)
#   PYTHON              interpreter used to create the venv (default python3)
# Use:  "$KANBOARD_CLI_VENV/bin/python" -c 'from kanboard import KanboardClient'
set -euo pipefail

VENV="${KANBOARD_CLI_VENV:-/opt/kanboard-cli-venv}"
PY="${PYTHON:-python3}"
VERSION=1.2.4

installed() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" - "$VERSION" <<'PY' >/dev/null 2>&1
import sys
from importlib.metadata import version
from kanboard import KanboardClient  # noqa: F401
sys.exit(0 if version("kanboard-cli") == sys.argv[1] else 1)
PY
}

if installed; then
    echo "install-kanboard-cli: kanboard-cli $VERSION already in $VENV" >&2
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    echo "install-kanboard-cli: creating venv $VENV" >&2
    "$PY" -m venv "$VENV" || {
        echo "install-kanboard-cli: '$PY -m venv' failed (on Debian's python3: apt-get install -y python3-venv)" >&2
        exit 1
    }
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "kanboard-cli==$VERSION" >&2

installed || { echo "install-kanboard-cli: kanboard-cli $VERSION still not importable from $VENV" >&2; exit 1; }
echo "install-kanboard-cli: installed kanboard-cli $VERSION in $VENV" >&2
