#!/usr/bin/env bash
# Install Mermaid's parser (the npm packages in tools/mermaid/package.json, exact versions from its lock file) into
# .venv/mermaid, for the tests that parse the restore report's Gantt chart with Mermaid itself
# (tools/mermaid/gantt_tasks.mjs). Needs node and npm; does nothing, successfully, when node is absent (those tests
# are then skipped). No browser is downloaded: parsing needs none.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${RESTOREKIT_MERMAID_DIR:-$root/.venv/mermaid}"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	echo "install_mermaid: node or npm not found, skipping (the Mermaid parse tests will be skipped)"
	exit 0
fi
stamp="$target/.installed-$(cat "$root/tools/mermaid/package.json" "$root/tools/mermaid/package-lock.json" | sha256sum | cut -c1-16)"
if [ -e "$stamp" ]; then
	exit 0
fi
mkdir -p "$target"
cp "$root/tools/mermaid/package.json" "$root/tools/mermaid/package-lock.json" "$target/"
(cd "$target" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --omit=dev --no-audit --no-fund --loglevel=error)
rm -f "$target"/.installed-*
touch "$stamp"
echo "install_mermaid: mermaid and jsdom installed in $target"
