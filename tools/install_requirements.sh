#!/usr/bin/env bash
# Install requirements-dev.txt into .venv and emulator/requirements.txt into .venv/emulator-packages (`make venv`).
#
# With uv (a pinned version, itself installed from PyPI into the venv by pip) when it installs, pip otherwise:
# RESTOREKIT_INSTALLER=pip forces pip. uv fetches and links the packages in parallel; on 2 cores the install took
# about 8 s with uv's cache filled, against about 35 s with pip. uv does not read pip's configuration: it goes to PyPI
# with the system's certificates (--native-tls), and reads neither pip's constraint files nor its find-links or extra
# indexes (on these machines they concern other packages: the two installs were compared with `pip freeze` and hold the
# same versions, uv itself aside). When uv fails for any reason, pip installs what is left.
#
# Bytecode: pip compiles what it installs; uv does not, so this script compiles site-packages afterwards. Either way the
# ansible package's collections (about 15,000 files) are not compiled, since ansible-core's collection loader compiles
# what it loads from source whatever is on disk; the collections the tests import as plain Python packages are.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
python="$venv/bin/python"
uv_version="0.13.9"
site="$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
pip=("$python" -m pip install --disable-pip-version-check -q)

install_with_uv() {
	local uv=("$venv/bin/uv" pip install --python "$python" --native-tls --quiet)
	"${pip[@]}" "uv==$uv_version" || return 1
	"${uv[@]}" --upgrade pip || return 1
	"${uv[@]}" -r "$root/requirements-dev.txt" || return 1
	rm -rf "$venv/emulator-packages"
	"${uv[@]}" --compile-bytecode --target "$venv/emulator-packages" -r "$root/emulator/requirements.txt" || return 1
	# What pip would have compiled at install: all of site-packages but the collections. Like pip, a file that does
	# not compile (some packages ship such files on purpose) is left to Python.
	"$python" -c 'import compileall, re, sys; compileall.compile_dir(sys.argv[1], quiet=2, workers=0,
	    rx=re.compile("^" + re.escape(sys.argv[1].rstrip("/") + "/ansible_collections/")))' "$site" >/dev/null || true
}

install_with_pip() {
	"${pip[@]}" --upgrade pip
	"${pip[@]}" --no-compile --no-deps "$(grep -E '^ansible==' "$root/requirements-dev.txt")"
	"${pip[@]}" -r "$root/requirements-dev.txt"
	rm -rf "$venv/emulator-packages"
	"${pip[@]}" --target "$venv/emulator-packages" -r "$root/emulator/requirements.txt"
}

if [ "${RESTOREKIT_INSTALLER:-uv}" = pip ] || ! install_with_uv; then
	[ "${RESTOREKIT_INSTALLER:-uv}" = pip ] || echo "install_requirements: uv did not install everything; pip installs the rest"
	install_with_pip
fi
"$python" -m compileall -q -j 0 "$site/ansible_collections/amazon/aws" "$site/ansible_collections/community/aws" \
	"$site/ansible_collections/community/mysql" >/dev/null || true
# The emulator's own packages live outside site-packages (emulator/requirements.txt says why); an awscrt left in
# site-packages by an older requirements-dev.txt goes.
if "$python" -m pip show -q awscrt >/dev/null 2>&1; then
	"$python" -m pip uninstall --disable-pip-version-check -q -y awscrt
fi
