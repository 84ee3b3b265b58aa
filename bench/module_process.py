# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: the CPU of one module run, with module_utils/_process.py's module_process() and without it.

    .venv/bin/python bench/module_process.py [--repeat 15]

Each module run is a new process of .venv's Python, as ansible-playbook starts one per task: it runs the module file
as ``__main__`` with its arguments in a file, against a seeded emulator. The peer is the same run with
``module_process`` replaced by a function that does nothing, measured in the same rounds, one after the other. Two
modules: restorekit.aws.recovery_point_info (one client, a few reads) and restorekit.aws.restore_preflight_info (five
clients, the permission simulation). Printed: the median CPU seconds (user + system) of each, and the ratio.
Target: with module_process() at most 0.85x the CPU without it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# tools/startup_gc.py (the venv's start-up GC hook) is off for every process a benchmark starts, on every side it
# compares: a bastion has no such hook.
os.environ["RESTOREKIT_STARTUP_GC"] = "0"
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
COLLECTIONS = os.path.join(ROOT, ".venv", "collections")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from emulator.client import Emulator  # noqa: E402
from emulator.seed import seed  # noqa: E402

TARGET = 0.85
# Runs a module file as __main__, as AnsiballZ does; "off" makes module_process() do nothing first.
DRIVER = """
import runpy, sys
if sys.argv[1] == "off":
    from ansible_collections.restorekit.aws.plugins.module_utils import _process
    _process.module_process = lambda: None
sys.argv = [sys.argv[2], sys.argv[3]]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def modules(emulator, world):
    vault = world["vault"]
    common = {"endpoint_url": emulator.endpoint, "region": "us-east-1"}
    return {
        "recovery_point_info": dict(common, backup_vault_name=vault),
        "restore_preflight_info": dict(common, check_caller=True, backup_vault_name=vault, resource_types=["RDS"],
                                       backup_role_name=world["backup_role_arn"].rsplit("/", 1)[-1]),
    }


def run(mode, name, args_file, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([PYTHON, "-c", DRIVER, mode, os.path.join(ROOT, "plugins", "modules", name + ".py"), args_file],
                          env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(proc.stdout)
    if result.get("failed"):
        raise RuntimeError("%s failed: %s" % (name, result.get("msg")))
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-process-") as workdir, \
            Emulator(state_dir=os.path.join(workdir, "state"), job_seconds=0) as emulator:
        world = seed(emulator)
        env = dict(os.environ, **emulator.env())
        env.update({"PYTHONPATH": COLLECTIONS, "HOME": workdir, "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
        for name, module_args in modules(emulator, world).items():
            args_file = os.path.join(workdir, name + ".json")
            with open(args_file, "w", encoding="utf-8") as handle:
                json.dump({"ANSIBLE_MODULE_ARGS": module_args}, handle)
            run("on", name, args_file, env)  # the first run reads the files from disk
            on, off = [], []
            for _round in range(args.repeat):
                on.append(run("on", name, args_file, env))
                off.append(run("off", name, args_file, env))
            ratio = statistics.median(on) / statistics.median(off)
            worst = max(worst, ratio)
            print("%-24s with module_process() median %.3fs CPU, without %.3fs: %.2fx"
                  % (name, statistics.median(on), statistics.median(off), ratio))
    print("ratio %.2fx (target <= %.2fx): %s" % (worst, TARGET, "PASS" if worst <= TARGET else "FAIL"))
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
