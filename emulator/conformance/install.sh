#!/usr/bin/env bash
# Installs the pinned schemathesis (requirements.txt beside this file) into the
# virtual environment VENV (default: $CARGO_TARGET_DIR/schemathesis-venv, else
# target/schemathesis-venv). Does nothing when VENV already holds exactly these
# pins. Needs python3 with venv and pip, and PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${1:-${CARGO_TARGET_DIR:-$root/target}/schemathesis-venv}"
requirements="$here/requirements.txt"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | awk '{print $1}')"

if [ -x "$venv/bin/schemathesis" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
echo "installing schemathesis ($(grep -E '^schemathesis==' "$requirements")) into $venv" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$want" >"$stamp"
