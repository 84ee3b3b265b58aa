#!/usr/bin/env bash
# make drill: a restore drill (runbook section 4) against the local emulator (see tools/drill.py).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$root/.venv/bin/python" "$root/tools/drill.py" "$@"
