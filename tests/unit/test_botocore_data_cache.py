"""tools/botocore_data_cache.py, as the venv's processes use it: botocore gets the same data with and without it (the
same parsed files, of the same types, and the same lists of services), a changed file is parsed again, a damaged
entry is parsed again, a search path of the user's own is always listed afresh, and the switch turns it off."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import subprocess
import sys
from collections import OrderedDict

import botocore.loaders
import botocore.session
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "botocore_data_cache.py")
KINDS = ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1")


def load_tool():
    spec = importlib.util.spec_from_file_location("botocore_data_cache_under_test", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


@pytest.fixture(name="patched")
def patched_fixture(tmp_path, monkeypatch):
    """botocore.loaders with this checkout's cache in TMP_PATH (the venv's own copy, if any, set aside)."""
    tool = load_tool()
    unpatched = getattr(botocore.loaders.Loader.list_available_services, "restorekit_original", None)
    unpatched_load = getattr(botocore.loaders.JSONFileLoader.load_file, "restorekit_original", None)
    if unpatched is not None:
        monkeypatch.setattr(botocore.loaders.Loader, "list_available_services", unpatched)
    if unpatched_load is not None:
        monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", unpatched_load)
    original = (botocore.loaders.Loader.list_available_services, botocore.loaders.JSONFileLoader.load_file)
    store = tool.patch(botocore.loaders, str(tmp_path / "cache"))
    assert store is not None
    yield tool, store, original
    botocore.loaders.Loader.list_available_services, botocore.loaders.JSONFileLoader.load_file = original


def walk_types(value):
    """VALUE with every mapping and sequence replaced by its type's name and its content, to compare types too."""
    if isinstance(value, dict):
        return [type(value).__name__, [(key, walk_types(item)) for key, item in value.items()]]
    if isinstance(value, list):
        return ["list", [walk_types(item) for item in value]]
    return value


def test_botocore_gets_the_same_data_from_the_cache_as_from_its_files(patched):
    _tool, store, (list_services, load_file) = patched
    fresh = botocore.loaders.create_loader()
    plain = {kind: list_services(fresh, kind) for kind in KINDS}
    endpoints = os.path.join(fresh.BUILTIN_DATA_PATH, "endpoints")
    misses = []
    for _pass in ("fill", "read back"):  # the first pass fills the store, the second reads it back in new loaders
        misses.append(store.misses)
        loader = botocore.loaders.create_loader()
        for kind in KINDS:
            assert loader.list_available_services(kind) == plain[kind]
        assert walk_types(loader.load_data("endpoints")) == walk_types(load_file(fresh.file_loader, endpoints))
        model = loader.load_service_model("rds", "service-2")
        assert isinstance(model, OrderedDict) and isinstance(model["operations"], OrderedDict)
        assert walk_types(model) == walk_types(fresh.load_service_model("rds", "service-2"))
    assert misses[1] >= len(KINDS) + 2, "the first pass parses and lists: %s" % misses
    assert store.misses == misses[1], "the second pass read everything back: %s" % ([misses, store.misses],)
    # A client built through the cache works as one built without it.
    session = botocore.session.get_session()
    client = session.create_client("rds", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
    assert client.meta.endpoint_url == "https://rds.eu-west-1.amazonaws.com"
    assert client.can_paginate("describe_db_instances")


def test_a_changed_file_is_parsed_again_and_a_damaged_entry_too(patched, tmp_path):
    _tool, store, _original = patched
    loader = botocore.loaders.JSONFileLoader()
    path = tmp_path / "model"
    path.with_suffix(".json").write_text(json.dumps({"version": 1}), encoding="utf-8")
    assert loader.load_file(str(path)) == {"version": 1}
    assert loader.load_file(str(path)) == {"version": 1} and store.hits == 1
    path.with_suffix(".json").write_text(json.dumps({"version": 22}), encoding="utf-8")  # another size
    assert loader.load_file(str(path)) == {"version": 22}
    entries = [os.path.join(top, name) for top, _dirs, names in os.walk(store.directory) for name in names]
    for entry in entries:
        with open(entry, "wb") as handle:
            handle.write(b"\x80 not a pickle")
    assert loader.load_file(str(path)) == {"version": 22}
    # A gzipped model, as botocore ships most of them.
    zipped = tmp_path / "zipped"
    with gzip.open(str(zipped) + ".json.gz", "wb") as handle:
        handle.write(b'{"b": 1, "a": 2}')
    assert list(loader.load_file(str(zipped)).items()) == [("b", 1), ("a", 2)]
    assert list(loader.load_file(str(zipped)).items()) == [("b", 1), ("a", 2)]
    assert loader.load_file(str(tmp_path / "missing")) is None


def test_a_search_path_of_the_users_own_is_listed_afresh_every_time(patched, tmp_path):
    _tool, _store, _original = patched
    models = tmp_path / "models"
    (models / "rkt-one" / "2026-01-01").mkdir(parents=True)
    (models / "rkt-one" / "2026-01-01" / "service-2.json").write_text("{}", encoding="utf-8")
    first = botocore.loaders.Loader(extra_search_paths=[str(models)])
    assert "rkt-one" in first.list_available_services("service-2") and "rds" in first.list_available_services("service-2")
    assert "rkt-one" not in first.list_available_services("waiters-2")
    # A file added inside an existing service changes no directory a cache of the search path could key on.
    (models / "rkt-one" / "2026-01-01" / "waiters-2.json").write_text("{}", encoding="utf-8")
    second = botocore.loaders.Loader(extra_search_paths=[str(models)])
    assert "rkt-one" in second.list_available_services("waiters-2")
    assert "rds" in second.list_available_services("waiters-2")


def test_the_venv_runs_this_checkouts_cache_and_the_switch_turns_it_off():
    """make venv installs the tool (a copy older than the checkout's would be the one every process uses), and
    RESTOREKIT_BOTOCORE_DATA_CACHE=0 leaves botocore as it is."""
    import sysconfig  # pylint: disable=import-outside-toplevel

    installed = os.path.join(sysconfig.get_paths()["purelib"], "restorekit_botocore_data_cache.py")
    assert os.path.exists(installed), "run make venv: it installs the botocore data cache"
    with open(installed, "rb") as copy, open(TOOL, "rb") as source:
        assert copy.read() == source.read(), "run make venv: the installed botocore data cache differs from " + TOOL
    probe = "import botocore.loaders as l; print(hasattr(l.JSONFileLoader.load_file, 'restorekit_botocore_data_cache'))"
    for switch, expected in (("1", "True"), ("0", "False")):
        env = dict(os.environ, RESTOREKIT_BOTOCORE_DATA_CACHE=switch)
        out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
        assert out.strip() == expected, (switch, out)
