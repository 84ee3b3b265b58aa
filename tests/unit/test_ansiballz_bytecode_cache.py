"""tools/ansiballz_bytecode_cache.py: a module_utils file zipped into two payloads is compiled once, each import gets
code naming its own file (tracebacks), a damaged cache file is compiled again, and the install is a .pth line."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import traceback
import zipfile
import zipimport

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("ansiballz_bytecode_cache", os.path.join(ROOT, "tools", "ansiballz_bytecode_cache.py"))
cache_tool = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(cache_tool)

SOURCE = b'''
def helper(value):
    return inner(value) * 2


def inner(value):
    if value < 0:
        raise ValueError("negative: %d" % value)
    return value + 1


class Thing:
    def size(self):
        return helper(20)
'''


def payload(directory, name, source=SOURCE):
    """A zip like an AnsiballZ payload, holding package rkcache_pkg_<name> with module util.py."""
    path = os.path.join(directory, "%s_payload.zip" % name)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("rkcache_pkg_%s/__init__.py" % name, b"")
        archive.writestr("rkcache_pkg_%s/util.py" % name, source)
    return path


def import_from(path, name):
    sys.path.insert(0, path)
    try:
        return importlib.import_module("rkcache_pkg_%s.util" % name)
    finally:
        sys.path.remove(path)
        for module in [key for key in sys.modules if key.startswith("rkcache_pkg_%s" % name)]:
            del sys.modules[module]


@pytest.fixture(name="cache")
def cache_fixture(tmp_path, monkeypatch):
    original = zipimport._compile_source  # pylint: disable=protected-access
    calls = []

    def counting(pathname, source):
        calls.append(pathname)
        return original(pathname, source)

    cache = cache_tool.Cache(counting, str(tmp_path / "cache"))
    cache.calls = calls
    monkeypatch.setattr(zipimport, "_compile_source", cache)
    return cache


def test_same_source_in_two_payloads_is_compiled_once_and_each_names_its_own_file(tmp_path, cache):
    first = import_from(payload(str(tmp_path), "one"), "one")
    assert first.Thing().size() == 42
    compiled_once = len(cache.calls)
    assert compiled_once >= 1
    # A new process (a new memory) reading the disk cache: nothing compiled again.
    fresh = cache_tool.Cache(cache.compile_source, cache.directory)
    zipimport._compile_source = fresh  # pylint: disable=protected-access
    second_path = payload(str(tmp_path), "two")
    second = import_from(second_path, "two")
    assert len(cache.calls) == compiled_once
    assert fresh.loaded >= 1 and fresh.compiled == 0
    expected = os.path.join(second_path, "rkcache_pkg_two", "util.py")
    assert second.helper.__code__.co_filename == expected
    assert second.Thing.size.__code__.co_filename == expected
    with pytest.raises(ValueError) as raised:
        second.helper(-5)
    frames = traceback.extract_tb(raised.value.__traceback__)
    assert frames[-1].filename == expected and frames[-1].name == "inner"
    assert frames[-1].lineno == SOURCE.decode().splitlines().index('        raise ValueError("negative: %d" % value)') + 1


def test_changed_source_is_compiled_again(tmp_path, cache):
    import_from(payload(str(tmp_path), "three"), "three")
    before = len(cache.calls)
    changed = import_from(payload(str(tmp_path), "four", SOURCE.replace(b"* 2", b"* 3")), "four")
    assert len(cache.calls) > before
    assert changed.Thing().size() == 63


def test_a_damaged_cache_file_is_compiled_again(tmp_path, cache):
    import_from(payload(str(tmp_path), "five"), "five")
    for folder, _dirs, files in os.walk(cache.directory):
        for name in files:
            with open(os.path.join(folder, name), "wb") as handle:
                handle.write(b"not marshal data")
    fresh = cache_tool.Cache(cache.compile_source, cache.directory)
    zipimport._compile_source = fresh  # pylint: disable=protected-access
    module = import_from(payload(str(tmp_path), "six"), "six")
    assert fresh.compiled >= 1 and fresh.loaded == 0
    assert module.Thing().size() == 42


def test_an_unwritable_cache_still_imports(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    cache = cache_tool.Cache(zipimport._compile_source, str(blocker / "cache"))  # pylint: disable=protected-access
    monkeypatch.setattr(zipimport, "_compile_source", cache)
    assert import_from(payload(str(tmp_path), "seven"), "seven").Thing().size() == 42


def test_install_writes_a_pth_line_that_enables_the_cache_and_the_switch_turns_it_off(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    cache_tool.install(str(site))
    cache_tool.install(str(site))  # twice: the same files
    assert sorted(os.listdir(site)) == [cache_tool.PTH, cache_tool.MODULE + ".py"]
    probe = ("import site, sys, zipimport; site.addsitedir(sys.argv[1]); "
             "print(type(zipimport._compile_source).__name__)")
    env = dict(os.environ, RESTOREKIT_BYTECODE_CACHE="1")
    out = subprocess.run([sys.executable, "-S", "-c", probe, str(site)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Cache"
    env["RESTOREKIT_BYTECODE_CACHE"] = "0"
    out = subprocess.run([sys.executable, "-S", "-c", probe, str(site)], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "function"
    cache_tool.uninstall(str(site))
    assert os.listdir(site) == []


# A process that loads a collection's module_utils through ansible-core's collection loader, with this checkout's tool
# enabled (-S: not the copy the venv's .pth line enables), and says what the cache did.
COLLECTION_PROBE = """
import json, sys
sys.path.append(sys.argv[4])
sys.path.insert(0, sys.argv[1])
import ansiballz_bytecode_cache as tool
tool.enable(sys.argv[2])
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder, _AnsibleCollectionPkgLoaderBase
_AnsibleCollectionFinder(paths=[sys.argv[3]])._install()
from ansible_collections.rkt.bc.plugins.module_utils import thing
cache = _AnsibleCollectionPkgLoaderBase.get_code.restorekit_bytecode_cache
try:
    thing.helper(-1)
except ValueError as e:
    line = e.__traceback__.tb_next.tb_next.tb_frame.f_code.co_filename
print(json.dumps({"size": thing.Thing().size(), "file": line, "compiled": cache.compiled, "loaded": cache.loaded}))
"""


def test_the_collection_loader_compiles_a_plugin_once_and_again_when_it_changes(tmp_path):
    """ansible-core compiles every collection file it imports on the control node (action plugins, filters and their
    module_utils) from source, in every process: the cache keeps that code too, naming the real file."""
    utils = tmp_path / "collections" / "ansible_collections" / "rkt" / "bc" / "plugins" / "module_utils"
    utils.mkdir(parents=True)
    (utils / "thing.py").write_bytes(SOURCE)

    def probe():
        args = [sys.executable, "-S", "-c", COLLECTION_PROBE, os.path.join(ROOT, "tools"), str(tmp_path / "cache"),
                str(tmp_path / "collections"), sysconfig.get_paths()["purelib"]]
        out = subprocess.run(args, capture_output=True, text=True, check=True, env=dict(os.environ, RESTOREKIT_BYTECODE_CACHE="1"))
        return json.loads(out.stdout)

    first, second = probe(), probe()
    assert first == dict(second, compiled=1, loaded=0) and second["compiled"] == 0 and second["loaded"] >= 1
    assert first["size"] == 42 and first["file"] == str(utils / "thing.py")
    (utils / "thing.py").write_bytes(SOURCE.replace(b"* 2", b"* 3"))
    changed = probe()
    assert changed["size"] == 63 and changed["compiled"] == 1


# A process that loads a collection through ansible-core's collection loader, with this checkout's tool enabled (or
# not, by RESTOREKIT_BYTECODE_CACHE), and says what the loader made of the collection's meta/runtime.yml.
ROUTING_PROBE = """
import json, sys
sys.path.append(sys.argv[4])
sys.path.insert(0, sys.argv[1])
import ansiballz_bytecode_cache as tool
tool.enable(sys.argv[2])
from ansible.utils.collection_loader import _collection_finder
_collection_finder._AnsibleCollectionFinder(paths=[sys.argv[3]])._install()
import ansible_collections.rkt.bc as collection
parse = _collection_finder._meta_yml_to_dict
print(json.dumps({"meta": collection._collection_meta, "cached": isinstance(parse, tool.RoutingCache),
                  "parsed": getattr(parse, "compiled", None), "loaded": getattr(parse, "loaded", None)}))
"""

RUNTIME = """requires_ansible: '>=2.17.0'
plugin_routing:
  modules:
    old_probe:
      redirect: rkt.bc.probe
      deprecation: {removal_version: '2.0.0', warning_text: use probe}
action_groups:
  bc: [probe, old_probe]
"""


def test_the_collection_loader_parses_a_collections_routing_once_and_again_when_it_changes(tmp_path):
    """ansible-core parses every loaded collection's meta/runtime.yml (its own 370 KB one too) in every process: the
    cache hands the next process the same routing, and a changed file is parsed again."""
    collection = tmp_path / "collections" / "ansible_collections" / "rkt" / "bc"
    (collection / "meta").mkdir(parents=True)
    (collection / "meta" / "runtime.yml").write_text(RUNTIME)

    def probe(switch="1"):
        args = [sys.executable, "-S", "-c", ROUTING_PROBE, os.path.join(ROOT, "tools"), str(tmp_path / "cache"),
                str(tmp_path / "collections"), sysconfig.get_paths()["purelib"]]
        out = subprocess.run(args, capture_output=True, text=True, check=True, env=dict(os.environ, RESTOREKIT_BYTECODE_CACHE=switch))
        return json.loads(out.stdout)

    plain, first, second = probe("0"), probe(), probe()
    assert not plain["cached"] and first["cached"]
    assert plain["meta"] == first["meta"] == second["meta"]
    assert plain["meta"]["plugin_routing"]["modules"]["old_probe"]["redirect"] == "rkt.bc.probe"
    assert (first["parsed"], first["loaded"], second["parsed"], second["loaded"]) == (1, 0, 0, 1)
    (collection / "meta" / "runtime.yml").write_text(RUNTIME.replace("rkt.bc.probe", "rkt.bc.probe2"))
    changed = probe()
    assert changed["parsed"] == 1 and changed["meta"]["plugin_routing"]["modules"]["old_probe"]["redirect"] == "rkt.bc.probe2"


def test_each_routing_parse_gets_a_mapping_of_its_own(tmp_path):
    """ansible-core canonicalizes what the parse returns in place: a second parse must not see the first one's changes."""
    calls = []

    def parse(data, content_id):
        calls.append(content_id)
        return {"plugin_routing": {"modules": {"a": {"redirect": data.decode().strip()}}}}

    routing = cache_tool.RoutingCache(parse, str(tmp_path / "routing"))
    first = routing(b"x.y.z\n", ("rkt.bc", "runtime.yml"))
    first["plugin_routing"]["modules"]["a"]["redirect"] = "changed"
    again = routing(b"x.y.z\n", ("rkt.bc", "runtime.yml"))
    assert again == {"plugin_routing": {"modules": {"a": {"redirect": "x.y.z"}}}}
    assert calls == [("rkt.bc", "runtime.yml")] and (routing.compiled, routing.loaded) == (1, 1)
    assert routing(b"other\n", ("rkt.bc", "runtime.yml"))["plugin_routing"]["modules"]["a"]["redirect"] == "other"
    assert routing.compiled == 2
