# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: many tenants restored in one run by the s3_restore role (issue 5's "50 tenants" point).

    bench/run                         (runs this among the others)
    python bench/s3_tenants.py [--tenants 50] [--job-seconds 30] [--json OUT]

One emulator, seeded with the runbook's world. The benchmark makes its own tenants (buckets ...-tenant-bNN with three
small tagged objects each, tagged Backup=true) and backs each one up with StartBackupJob, then sets every restore job
to take --job-seconds of real time (control call jobs/duration). Two runs of ansible-playbook, each a play that calls
restorekit.aws.s3_restore (restore to staging, plan, copy back) with the same settings:
  one tenant    tenant b00
  N tenants     tenants b01..bN (other tenants, so nothing is adopted from the first run)
Printed: the wall time of each run and their ratio (the issue asks for <= 3 at 50 tenants and 30 s jobs), and from the
restore jobs themselves how many ran at the same time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# tools/startup_gc.py (the venv's start-up GC hook) is off for every process a benchmark starts, on every side it
# compares: a bastion has no such hook.
os.environ["RESTOREKIT_STARTUP_GC"] = "0"
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
for path in (ROOT, os.path.join(ROOT, ".venv", "collections")):
    if path not in sys.path:
        sys.path.insert(0, path)

# pylint: disable=wrong-import-position
from emulator.client import Emulator  # noqa: E402
from emulator.seed import seed  # noqa: E402

PROJECT, ENVIRONMENT = "multi-tenant-app", "prod"


def tenant_bucket(tenant):
    return "%s-%s-tenant-%s" % (PROJECT, ENVIRONMENT, tenant)


def make_tenants(emu, world, tenants):
    """Small tagged tenant buckets, each backed up once (backup jobs take no time here)."""
    s3, backup = emu.client("s3"), emu.client("backup")
    jobs = []
    for tenant in tenants:
        name = tenant_bucket(tenant)
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}, {"Key": "Tenant", "Value": tenant}]})
        for key in ("docs/readme.txt", "reports/day-01.csv", "data/a b+c.json"):
            s3.put_object(Bucket=name, Key=key, Body=("%s %s" % (tenant, key)).encode(), Metadata={"tenant": tenant},
                          Tagging="tenant=%s" % tenant)
        jobs.append(backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::%s" % name,
                                            IamRoleArn=world["backup_role_arn"])["BackupJobId"])
    for job in jobs:
        while backup.describe_backup_job(BackupJobId=job)["State"] != "COMPLETED":
            time.sleep(0.2)


def run_role(emu, workdir, tenants, label):
    """One ansible-playbook run of the s3_restore role; returns (wall seconds, restore job ids)."""
    out = os.path.join(workdir, "%s.json" % label)
    play = [{
        "name": "s3_restore benchmark (%s)" % label, "hosts": "localhost", "connection": "local", "gather_facts": False,
        "vars": {"ansible_python_interpreter": os.path.join(VENV_BIN, "python")},
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emu.endpoint, "region": "us-east-1"}},
        "tasks": [
            {"name": "Restore", "ansible.builtin.include_role": {"name": "restorekit.aws.s3_restore"},
             "vars": {"s3_restore_project_name": PROJECT, "s3_restore_environment": ENVIRONMENT, "s3_restore_tenant_ids": tenants,
                      "s3_restore_poll_interval": 2, "s3_restore_run_id": "bench-%s" % label,
                      "s3_restore_manifest_dir": os.path.join(workdir, "manifests")}},
            {"name": "Save the jobs", "ansible.builtin.copy": {
                "content": "{{ s3_restore_result | map(attribute='restore_job_id') | list | to_json }}", "dest": out}},
        ],
    }]
    playbook = os.path.join(workdir, "%s.yml" % label)
    with open(playbook, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    env = dict(os.environ)
    env.update(emu.env())
    env.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_LOCALHOST_WARNING": "false"})
    if os.environ.get("BENCH_PROFILE"):
        env["ANSIBLE_CALLBACKS_ENABLED"] = "ansible.posix.profile_tasks"
    started = time.monotonic()
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "-i", "localhost,", playbook], cwd=workdir, env=env,
                          capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if os.environ.get("BENCH_PROFILE"):
        print(proc.stdout[-3500:])
    if proc.returncode != 0:
        sys.exit("ansible-playbook failed (%s):\n%s\n%s" % (label, proc.stdout[-5000:], proc.stderr[-2000:]))
    with open(out, encoding="utf-8") as handle:
        return wall, json.load(handle)


def max_overlap(emu, job_ids):
    """The largest number of the run's restore jobs that were running at one instant."""
    backup = emu.client("backup")
    events = []
    for job_id in job_ids:
        job = backup.describe_restore_job(RestoreJobId=job_id)
        events += [(job["CreationDate"], 1), (job["CompletionDate"], -1)]
    running = peak = 0
    for _when, step in sorted(events, key=lambda e: (e[0], e[1])):
        running += step
        peak = max(peak, running)
    return peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--job-seconds", type=float, default=30.0)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    many = ["b%02d" % i for i in range(1, args.tenants + 1)]
    with tempfile.TemporaryDirectory(prefix="bench-s3-tenants.") as workdir, Emulator(state_dir=os.path.join(workdir, "state")) as emu:
        world = seed(emu)
        make_tenants(emu, world, ["b00"] + many)
        emu.control("jobs/duration", {"restore": args.job_seconds})
        one_wall, one_jobs = run_role(emu, workdir, ["b00"], "one")
        many_wall, many_jobs = run_role(emu, workdir, many, "many")
        result = {"job_seconds": args.job_seconds, "one_tenant_seconds": round(one_wall, 1), "tenants": args.tenants,
                  "many_tenants_seconds": round(many_wall, 1), "ratio": round(many_wall / one_wall, 2),
                  "restore_jobs": len(many_jobs), "most_jobs_running_at_once": max_overlap(emu, many_jobs)}
    verdict = "ok" if result["ratio"] <= 3 else "OVER the issue's 3x"
    print("restore jobs of %.0f s each (emulated)" % args.job_seconds)
    print("  1 tenant          %7.1f s  (restore %s)" % (one_wall, one_jobs[0]))
    print("  %-3d tenants       %7.1f s  (%d restore jobs, up to %d running at once)"
          % (args.tenants, many_wall, len(many_jobs), result["most_jobs_running_at_once"]))
    print("  ratio             %7.2f    (<= 3: %s)" % (result["ratio"], verdict))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)


if __name__ == "__main__":
    main()
