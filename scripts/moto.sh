#!/usr/bin/env bash
# Installs a pinned moto S3 server into the project-local venv `.venv/`
# (used by Tests/StorageArchiveTests). Does nothing when it is already there,
# so `make test` can call it every time without network work.
set -euo pipefail

MOTO_VERSION="5.2.5"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"

if [ -x "$VENV/bin/moto_server" ] && "$VENV/bin/python" -c "import moto, sys; sys.exit(0 if moto.__version__ == '$MOTO_VERSION' else 1)" 2>/dev/null; then
    exit 0
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c "import venv, ensurepip" 2>/dev/null; then
    # Debian's python3 splits venv/ensurepip into its own package.
    if command -v apt-get >/dev/null 2>&1; then
        dpkg -s python3-venv >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-venv; }
    fi
fi

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
"$VENV/bin/moto_server" --help >/dev/null
echo "moto $MOTO_VERSION installed in $VENV"
