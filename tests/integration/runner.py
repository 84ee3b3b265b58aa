# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the integration targets and the molecule scenarios against seeded emulators.

    tests/integration/run [--target NAME ...] [--scenario NAME ...] [--no-targets] [--no-molecule] [--serial] [--logs DIR]

Two lanes run side by side, each with an emulator of its own (``emulator.client.Emulator``, jobs finishing at once)
seeded with the runbook's world: every target under ``tests/integration/targets/<name>/`` runs, one at a time, through
``ansible-test integration --local`` in a staged copy of the collection, in the first lane; every scenario under
``extensions/molecule/<name>/`` runs through ``molecule test -s <name>`` from the collection root, in whichever lane is
free (the second from the start, the first once its targets are done). ``--serial`` runs everything in one lane.
One summary line per target and scenario; the exit status is 1 when any failed or did not run. The emulators are always stopped.

ansible-test passes only a few environment variables to a target (PATH, HOME, ...), so a target gets the endpoint,
the dummy credentials and the world's names as variables from ``tests/integration/integration_config.yml``, which
this runner writes into the staged copy at run time (never into the checkout). Molecule scenarios get them from the
environment: ``emulator.env()`` (RESTOREKIT_ENDPOINT_URL, AWS_*) plus RESTOREKIT_WORLD (a JSON file of the world).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from emulator.client import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from emulator.seed import seed  # noqa: E402  pylint: disable=wrong-import-position
from tools import module_forkserver  # noqa: E402  pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
# A staging root of its own: `make sanity` replaces .build/ansible_collections/restorekit/aws whenever it runs, and an
# integration run must not lose its copy (and its integration_config.yml) half-way through.
STAGE_ROOT = os.path.join(ROOT, ".build", "integration", "ansible_collections")
STAGED = os.path.join(STAGE_ROOT, "restorekit", "aws")
TARGETS = os.path.join("tests", "integration", "targets")
SCENARIOS = os.path.join("extensions", "molecule")


def world_variables(emulator, world):
    """The variables every target gets (integration_config.yml): endpoint, dummy credentials, the world's names."""
    env = emulator.env()
    return {
        "restorekit_endpoint_url": emulator.endpoint,
        "aws_region": world["region"],
        "aws_access_key": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_key": env["AWS_SECRET_ACCESS_KEY"],
        "world_project_name": world["project_name"],
        "world_environment": world["environment"],
        "world_vault": world["vault"],
        "world_dr_vault": world["dr_vault"],
        "world_dr_region": world["dr_region"],
        "world_db_identifier": world["db"]["identifier"],
        "world_db_arn": world["db"]["arn"],
        "world_buckets": world["buckets"],
        "world_tenants": world["tenants"],
        "world_backup_role_arn": world.get("backup_role_arn"),
        "world_backup_plan_id": world.get("backup_plan_id"),
    }


def targets(root):
    """Target names: directories of tests/integration/targets holding tasks/main.yml."""
    base = os.path.join(root, TARGETS)
    if not os.path.isdir(base):
        return []
    return sorted(name for name in os.listdir(base) if os.path.isfile(os.path.join(base, name, "tasks", "main.yml")))


def scenarios(root):
    """Molecule scenario names: directories of extensions/molecule holding molecule.yml."""
    base = os.path.join(root, SCENARIOS)
    if not os.path.isdir(base):
        return []
    return sorted(name for name in os.listdir(base) if os.path.isfile(os.path.join(base, name, "molecule.yml")))


def stage(root, variables):
    """Copy the collection to STAGED, link amazon.aws and community.aws beside it, write integration_config.yml."""
    subprocess.run([sys.executable, os.path.join(root, "tools", "stage_collection.py"), STAGED], check=True,
                   stdout=subprocess.DEVNULL)
    site = sysconfig.get_paths()["purelib"]
    for namespace in ("amazon", "community"):
        link = os.path.join(STAGE_ROOT, namespace)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.join(site, "ansible_collections", namespace), link)
    # JSON is YAML: no quoting surprises in ARNs or names.
    with open(os.path.join(STAGED, "tests", "integration", "integration_config.yml"), "w", encoding="utf-8") as handle:
        json.dump(variables, handle, indent=2, sort_keys=True)
        handle.write("\n")


def run_logged(cmd, cwd, env, log_path):
    """Run CMD with its output in LOG_PATH; return (exit status, seconds, LOG_PATH)."""
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        log.write("$ %s\n  (in %s)\n" % (" ".join(cmd), cwd))
        log.flush()
        status = subprocess.run(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, check=False).returncode
    return status, time.monotonic() - started, log_path


def tail(path, lines=40):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


def run_target(name, env, logs):
    cmd = [os.path.join(BIN, "ansible-test"), "integration", "--local", "--color", "no", "-v", name]
    target_env = dict(env)
    # The checkout's ansible.cfg points collections_path at the checkout; the staged copy must resolve itself.
    target_env.pop("ANSIBLE_CONFIG", None)
    return run_logged(cmd, STAGED, target_env, os.path.join(logs, "target-%s.log" % name))


def run_scenario(root, name, env, logs):
    # molecule 26 finds collection scenarios under extensions/molecule/ from the collection root (galaxy.yml).
    cmd = [os.path.join(BIN, "molecule"), "test", "-s", name]
    return run_logged(cmd, root, env, os.path.join(logs, "molecule-%s.log" % name))


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="tests/integration/run", description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--target", action="append", help="run only this target (repeatable; alone, no scenario runs)")
    parser.add_argument("--scenario", action="append", help="run only this molecule scenario (repeatable; alone, no target runs)")
    parser.add_argument("--no-targets", action="store_true", help="skip the ansible-test targets")
    parser.add_argument("--no-molecule", action="store_true", help="skip the molecule scenarios")
    parser.add_argument("--logs", help="directory for the logs (default: a new temporary directory)")
    parser.add_argument("--serial", action="store_true",
                        help="one emulator and one thing at a time (default: targets and scenarios in two lanes side by side)")
    return parser.parse_args(argv)


def select(found, wanted, kind):
    if not wanted:
        return found
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise SystemExit("error: no such %s: %s (found: %s)" % (kind, ", ".join(unknown), ", ".join(found) or "none"))
    return [name for name in found if name in wanted]


class Lane:
    """One emulator, seeded with the runbook's world, and what runs against it, one at a time: the lane's own items
    first, then scenarios taken from SHARED (a list both lanes take from, under a lock) until it is empty."""

    def __init__(self, name, logs, items, shared=None):
        self.name = name
        self.logs = logs
        self.items = items
        self.shared = shared
        self.results = []
        self.error = None

    def next_items(self):
        yield from self.items
        while self.shared is not None:
            with self.shared["lock"]:
                if not self.shared["items"]:
                    return
                item = self.shared["items"].pop(0)
            yield item

    def run(self, announce):
        state = tempfile.mkdtemp(prefix="restorekit-integration-%s-" % self.name)
        emulator = Emulator(state_dir=state, job_seconds=0, log_path=os.path.join(self.logs, "emulator-%s.log" % self.name))
        try:
            emulator.start()
            world = seed(emulator)
            world_path = os.path.join(self.logs, "world-%s.json" % self.name)
            with open(world_path, "w", encoding="utf-8") as handle:
                json.dump(world, handle, indent=2, sort_keys=True)
            announce("integration: %s on %s, seeded in %ss" % (self.name, emulator.endpoint, world.get("seed_seconds")))
            env = lane_environment(emulator, world, world_path)
            if any(kind == "target" for kind, _name in self.items):
                stage(ROOT, world_variables(emulator, world))
            for kind, name in self.next_items():
                if kind == "target":
                    status, seconds, log = run_target(name, env, self.logs)
                else:
                    status, seconds, log = run_scenario(ROOT, name, env, self.logs)
                self.results.append((kind, name, status, seconds, log))
                announce("%s  %-8s %-28s %6.1fs  (%s lane)" % ("PASS" if status == 0 else "FAIL", kind, name, seconds, self.name))
        except Exception as e:  # pylint: disable=broad-exception-caught
            # Reported with the results: the other lane goes on, and the run fails.
            self.error = "%s: %s" % (type(e).__name__, e)
        finally:
            emulator.stop()
            shutil.rmtree(state, ignore_errors=True)


def lane_environment(emulator, world, world_path):
    env = dict(os.environ)
    env.update(emulator.env())
    env.update({
        "RESTOREKIT_WORLD": world_path,
        "RESTOREKIT_PROJECT_NAME": world["project_name"],
        "RESTOREKIT_ENVIRONMENT": world["environment"],
        "RESTOREKIT_VAULT": world["vault"],
        "RESTOREKIT_DB_IDENTIFIER": world["db"]["identifier"],
        # Never a real account's profile or config: the dummy credentials above are the only ones.
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PATH": BIN + os.pathsep + os.environ.get("PATH", os.defpath),
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "PY_COLORS": "0",
        # molecule (ansible-compat) installs this collection into <VIRTUAL_ENV>/.ansible, and into the user's
        # ~/.ansible/collections without one, where a stale copy would later shadow the checkout for ansible-lint.
        "VIRTUAL_ENV": os.path.dirname(BIN),
    })
    return env


# The scenarios that take longest, first (seconds per scenario as the summary lines print them): a lane that takes a
# long one last would run on alone while the other lane is idle.
SLOWEST_SCENARIOS = ("ec2_restore", "backup_health", "validate_ec2", "s3_restore", "validate_s3", "restore_testing",
                     "restore_drill")


def scenario_rank(name):
    return SLOWEST_SCENARIOS.index(name) if name in SLOWEST_SCENARIOS else len(SLOWEST_SCENARIOS)


def lanes_for(target_names, scenario_names, logs, parallel):
    """Two lanes side by side, each with an emulator of its own: the targets in one (they share one staged copy of the
    collection and its integration_config.yml); the scenarios, slowest first, taken one at a time by whichever lane is
    free, so the targets' lane takes scenarios once its targets are done. A scenario that counts the emulator's
    requests (rds_swap) or runs a restore testing plan sees only its own lane's calls, as a lane runs one thing at a
    time. Molecule installs nothing (prerun: false), so two scenarios can run at once."""
    targets_items = [("target", name) for name in target_names]
    scenario_items = [("molecule", name) for name in sorted(scenario_names, key=scenario_rank)]
    if not parallel:
        return [Lane("serial", logs, targets_items + scenario_items)]
    if not scenario_items:
        return [Lane("targets", logs, targets_items)]
    shared = {"lock": threading.Lock(), "items": scenario_items}
    if not targets_items:
        return [Lane(name, logs, [], shared) for name in ("molecule", "molecule-2")[:len(scenario_items)]]
    return [Lane("targets", logs, targets_items, shared), Lane("molecule", logs, [], shared)]


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Naming only targets (or only scenarios) runs only those: a quick loop on one target needs no molecule.
    skip_targets = args.no_targets or (args.scenario and not args.target)
    skip_molecule = args.no_molecule or (args.target and not args.scenario)
    target_names = [] if skip_targets else select(targets(ROOT), args.target, "target")
    scenario_names = [] if skip_molecule else select(scenarios(ROOT), args.scenario, "molecule scenario")
    if not target_names and not scenario_names:
        print("integration: nothing to run (no targets under %s, no scenarios under %s)" % (TARGETS, SCENARIOS))
        return 0

    logs = args.logs or tempfile.mkdtemp(prefix="restorekit-integration-")
    os.makedirs(logs, exist_ok=True)
    # The module fork server the molecule scenarios' modules start from (ansible-test passes it on to no target); the
    # lanes' environments (lane_environment) are made from this one, so is the server's.
    with module_forkserver.serving(env=dict(os.environ)):
        return run_lanes(target_names, scenario_names, logs, args)


def run_lanes(target_names, scenario_names, logs, args):
    lanes = lanes_for(target_names, scenario_names, logs, not args.serial)
    print("integration: %d lane(s), each with its own emulator; logs in %s" % (len(lanes), logs), flush=True)
    printing = threading.Lock()

    def announce(line):
        with printing:
            print(line, flush=True)

    threads = [threading.Thread(target=lane.run, args=(announce,), name=lane.name) for lane in lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    results = [result for lane in lanes for result in lane.results]
    failed = [result for result in results if result[2] != 0]
    for kind, name, status, _seconds, log in failed:
        print("\n---- %s %s failed (exit %d); last lines of %s\n%s" % (kind, name, status, log, tail(log)))
    broken = [lane for lane in lanes if lane.error]
    for lane in broken:
        print("\n---- lane %s stopped: %s (emulator log: %s)" % (lane.name, lane.error, os.path.join(logs, "emulator-%s.log" % lane.name)))
    expected = len(target_names) + len(scenario_names)
    print("integration: %d passed, %d failed, %d not run (%d targets, %d molecule scenarios); logs in %s"
          % (len(results) - len(failed), len(failed), expected - len(results), len(target_names), len(scenario_names), logs))
    return 1 if failed or broken or len(results) != expected else 0


if __name__ == "__main__":
    sys.exit(main())
