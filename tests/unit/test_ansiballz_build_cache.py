"""tools/ansiballz_build_cache.py, as the venv's plays use it: a payload built from the cache carries the same files and
bytes as one ansible-core builds, and an edited module_utils file, or a new one an optional import now finds, is seen
by the next run (the cache never hands out stale code)."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
TOOL = os.path.join(ROOT, "tools", "ansiballz_build_cache.py")
# ansible-playbook with this checkout's tool enabled in place of the copy the venv's .pth line enables.
LAUNCHER = """import runpy, sys
sys.meta_path[:] = [finder for finder in sys.meta_path if not getattr(finder, "restorekit_build_cache", False)]
sys.path.insert(0, %r)
import ansiballz_build_cache
ansiballz_build_cache.enable()
sys.argv[0] = %r
runpy.run_path(sys.argv[0], run_name="__main__")
""" % (os.path.dirname(TOOL), os.path.join(BIN, "ansible-playbook"))

MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.rkt.cache.plugins.module_utils.answer import ANSWER
try:
    from ansible_collections.rkt.cache.plugins.module_utils.extra import EXTRA
except ImportError:
    EXTRA = None


def main():
    AnsibleModule(argument_spec={}).exit_json(answer=ANSWER, extra=EXTRA)


if __name__ == "__main__":
    main()
'''

PLAY = '''- hosts: localhost
  gather_facts: false
  tasks:
    - rkt.cache.probe:
      register: probe
    - ansible.builtin.debug:
        msg: "PROBE {{ probe | to_json }}"
'''


@pytest.fixture(name="collection")
def collection_fixture(tmp_path):
    base = tmp_path / "collections" / "ansible_collections" / "rkt" / "cache"
    (base / "plugins" / "modules").mkdir(parents=True)
    (base / "plugins" / "module_utils").mkdir(parents=True)
    (base / "galaxy.yml").write_text("namespace: rkt\nname: cache\nversion: 1.0.0\nreadme: README.md\nauthors: [x]\n")
    (base / "plugins" / "modules" / "probe.py").write_text(MODULE)
    (base / "plugins" / "module_utils" / "answer.py").write_text("ANSWER = 'first'\n")
    (tmp_path / "play.yml").write_text(PLAY)
    (tmp_path / "ansible.cfg").write_text("[defaults]\n")
    return tmp_path


def play(tmp_path, cache="1"):
    """Run the play (with a HOME of its own, as the end-to-end tests run theirs); the probe's result and the
    module_utils files of its payload (name -> bytes)."""
    keep = tmp_path / ("remote-%d" % len(list(tmp_path.glob("remote-*"))))
    (keep.parent / (keep.name + "-home")).mkdir()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"), ANSIBLE_KEEP_REMOTE_FILES="1",
               ANSIBLE_REMOTE_TMP=str(keep), ANSIBLE_LOCAL_TEMP=str(tmp_path / "local"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, RESTOREKIT_BUILD_CACHE=cache,
               RESTOREKIT_BUILD_CACHE_DIR=str(tmp_path / "cache"), ANSIBLE_CONFIG=str(tmp_path / "ansible.cfg"),
               HOME=str(keep.parent / (keep.name + "-home")))
    run = subprocess.run([sys.executable, "-c", LAUNCHER, "-i", "localhost,", "-c", "local", str(tmp_path / "play.yml")],
                         env=env, capture_output=True, text=True, check=False, cwd=str(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(re.search(r'"msg": "PROBE (.*)"', run.stdout).group(1).encode().decode("unicode_escape"))
    [wrapper] = keep.rglob("AnsiballZ_probe.py")
    data = re.search(r"zip_data=['\"]([A-Za-z0-9+/=]+)['\"]", wrapper.read_text()) or re.search(
        r"ZIPDATA = ['\"]([A-Za-z0-9+/=]+)['\"]", wrapper.read_text())
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(data.group(1)))) as archive:
        files = {name: archive.read(name) for name in archive.namelist() if name != "sitecustomize.py"}
    return result, files


def entries(tmp_path):
    return sorted(path.name for path in (tmp_path / "cache").rglob("*.pickle"))


def test_the_venv_runs_this_checkouts_cache():
    """make venv installs the tool; a copy older than the checkout's would be the one every play uses."""
    import sysconfig  # pylint: disable=import-outside-toplevel

    installed = os.path.join(sysconfig.get_paths()["purelib"], "restorekit_ansiballz_build_cache.py")
    if os.path.exists(installed):
        with open(installed, "rb") as copy, open(TOOL, "rb") as source:
            assert copy.read() == source.read(), "run make venv: the installed build cache differs from " + TOOL


def test_a_payload_from_the_cache_is_the_one_ansible_builds_and_an_edit_is_seen(collection):
    built, built_files = play(collection, cache="0")
    assert built["answer"] == "first" and entries(collection) == []
    first, first_files = play(collection)
    [kept] = entries(collection)
    again, again_files = play(collection)
    assert entries(collection) == [kept]  # answered from the entry (another HOME, the same key), not built and kept again
    assert built == first == again
    assert built_files == first_files == again_files
    assert any(name.endswith("module_utils/answer.py") for name in again_files)

    utils = collection / "collections" / "ansible_collections" / "rkt" / "cache" / "plugins" / "module_utils"
    (utils / "answer.py").write_text("ANSWER = 'second answer'\n")
    edited, _files = play(collection)
    assert edited["answer"] == "second answer"

    # A file the optional import finds now: its directory changed, so the payload is built again and carries it.
    (utils / "extra.py").write_text("EXTRA = 'found'\n")
    extra, extra_files = play(collection)
    assert extra["extra"] == "found"
    assert any(name.endswith("module_utils/extra.py") for name in extra_files)
    assert entries(collection) == [kept]  # the same module: its entry was built again in place


def test_the_store_keeps_its_recently_used_entries_and_refuses_a_changed_file(tmp_path):
    """Entries beyond the ones kept go least recently used first (a hit counts as a use); an entry naming a file that
    changed since is no answer."""
    import importlib.util  # pylint: disable=import-outside-toplevel

    spec = importlib.util.spec_from_file_location("ansiballz_build_cache", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    store = tool.Store(str(tmp_path / "store"))
    source = tmp_path / "util.py"
    source.write_text("X = 1\n")
    for index in range(5):
        stamps = [(str(source), tool._stamp(str(source)))]  # pylint: disable=protected-access
        store.save("%064x" % index, {"format": tool.FORMAT, "metadata": index, "stamps": stamps, "entries": []})
        os.utime(store.path("%064x" % index), ns=(index * 10**9, index * 10**9))
    assert store.load("%064x" % 1)["metadata"] == 1  # the second oldest is used now
    store.prune(keep=3)
    assert [store.load("%064x" % index) is not None for index in range(5)] == [False, True, False, True, True]
    assert store.load("%064x" % 4)["metadata"] == 4
    source.write_text("X = 22\n")
    assert store.load("%064x" % 4) is None
