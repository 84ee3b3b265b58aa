# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's plugins that run on the control node (action plugins, filters) load without boto3.

boto3 is what modules need, on the host that runs them; the control node checks a responder's input
(``check_inputs`` before every role), shows a restore job's progress and renders reports. A plugin that imports
boto3, even through the rules it shares with the modules, fails on a controller without it and makes every play that
loads it slower (about a seventh of a second for each process that imports it: the play, and each task's worker
that loads a filter). One interpreter imports every plugin with boto3 made unimportable and says which asked for it.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLUGINS = sorted(path.relative_to(ROOT) for kind in ("action", "filter") for path in (ROOT / "plugins" / kind).glob("*.py")
                 if path.name != "__init__.py")

PROBE = r"""
import importlib, importlib.abc, json, sys, traceback
asked = {}
current = [None]

class NoBoto3(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "boto3" or name.startswith("boto3."):
            asked.setdefault(current[0], name)
            raise ImportError("boto3 is not installed on this control node")
        return None

sys.meta_path.insert(0, NoBoto3())
import ansible.plugins.action, ansible.plugins.filter  # what Ansible has loaded before it loads a plugin
failed = {}
for name in sys.argv[1:]:
    current[0] = name
    try:
        importlib.import_module(name)
    except Exception:
        failed[name] = traceback.format_exc(limit=3)
print(json.dumps({"asked": asked, "failed": failed}))
"""


def probe(*names):
    """The probe's findings, run where this collection imports as ansible_collections.restorekit.aws."""
    import ansible_collections.restorekit.aws as collection  # pylint: disable=import-outside-toplevel

    collections_root = pathlib.Path(collection.__path__[0]).parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(collections_root), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True, text=True, check=True, cwd=str(ROOT), env=env)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def module_name(relative):
    return "ansible_collections.restorekit.aws." + ".".join(relative.with_suffix("").parts)


def test_every_action_and_filter_plugin_loads_without_asking_for_boto3():
    assert len(PLUGINS) > 20  # every action plugin and filter of the collection
    found = probe(*[module_name(path) for path in PLUGINS])
    assert found["failed"] == {}
    assert found["asked"] == {}


def test_the_probe_sees_a_plugin_that_asks_for_boto3():
    """The check above can fail: amazon.aws's botocore module utils import boto3, and the probe names who asked."""
    culprit = "ansible_collections.amazon.aws.plugins.module_utils.botocore"
    found = probe(culprit)
    assert found["asked"] == {culprit: "boto3"}
