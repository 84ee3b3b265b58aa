#!/usr/bin/env bash
# make demo: an incident rehearsal against the local emulator (see tools/demo.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/.venv/bin/python" "$root/tools/demo.py" "$@"
