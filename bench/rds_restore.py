# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: playbooks/rds_restore.yml against the runbook's own CLI sequence for the same restore (issue 4).

    bench/run   (or: .venv/bin/python bench/rds_restore.py [--repeat 3])

One seeded emulator with near-instant jobs (--job-seconds 0). Each round restores the newest AWS Backup recovery
point of the production database into a new instance, twice, each time under a fresh identifier:
  playbook   ansible-playbook -i inventories/emulator playbooks/rds_restore.yml -e rds_restore_method=backup
             (preflight, point selection, restore job, wait for available, settings and tags, report; validation off)
  CLI        the runbook 5.1/5.2 commands: aws backup list-recovery-points-by-backup-vault --by-resource-type RDS
             --query 'RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn' --output text; start-restore-job
             --metadata file://restore-metadata.json; describe-restore-job every second until COMPLETED
Both poll once a second. Target: the playbook's median wall time at most 2.5x the CLI's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from tests.emulator.client import Emulator  # noqa: E402
from tests.emulator.seed import seed  # noqa: E402

RATIO = 2.5


def tool(name):
    candidate = os.path.join(VENV_BIN, name)
    return candidate if os.path.exists(candidate) else name


def subprocess_env(emulator, home):
    env = dict(os.environ, **emulator.env())
    env.update({"PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", os.defpath), "HOME": home,
                "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": os.path.join(VENV_BIN, "python"),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1",
                "RESTOREKIT_ENDPOINT_URL": emulator.endpoint})
    return env


def playbook(emulator, world, workdir, target):
    proc = subprocess.run([tool("ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "emulator"),
                           os.path.join(ROOT, "playbooks", "rds_restore.yml"), "-e", "rds_restore_method=backup",
                           "-e", "rds_restore_target_identifier=%s" % target, "-e", "rds_restore_poll_interval=1",
                           "-e", "restore_report_dir=%s" % os.path.join(workdir, "reports")],
                          cwd=workdir, env=subprocess_env(emulator, workdir), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError("ansible-playbook failed:\n%s" % proc.stdout[-3000:])


def aws(emulator, workdir, *args):
    proc = subprocess.run([tool("aws"), *args, "--endpoint-url", emulator.endpoint, "--region", "us-east-1", "--output", "json"],
                          env=subprocess_env(emulator, workdir), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError("aws %s failed: %s" % (args[1], proc.stderr))
    return proc.stdout


def cli(emulator, world, workdir, target):
    arn = json.loads(aws(emulator, workdir, "backup", "list-recovery-points-by-backup-vault", "--backup-vault-name",
                         "multi-tenant-app-prod-backup-vault", "--by-resource-type", "RDS",
                         "--query", "RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn"))
    metadata = os.path.join(workdir, "restore-metadata.json")
    with open(metadata, "w", encoding="utf-8") as handle:
        # The runbook's file, with the security group as the JSON list the API takes.
        json.dump({"DBInstanceIdentifier": target, "DBInstanceClass": "db.t3.medium", "Engine": "mysql",
                   "DBSubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
                   "VpcSecurityGroupIds": json.dumps([world["db_security_group_id"]])}, handle)
    job = json.loads(aws(emulator, workdir, "backup", "start-restore-job", "--recovery-point-arn", arn, "--metadata",
                         "file://" + metadata, "--iam-role-arn", world["backup_role_arn"]))["RestoreJobId"]
    while True:
        status = json.loads(aws(emulator, workdir, "backup", "describe-restore-job", "--restore-job-id", job))["Status"]
        if status == "COMPLETED":
            return
        if status in ("FAILED", "ABORTED"):
            raise RuntimeError("restore job %s %s" % (job, status))
        time.sleep(1)


def timed(func, *args):
    started = time.monotonic()
    func(*args)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rds-") as workdir, \
            Emulator(state_dir=os.path.join(workdir, "state"), job_seconds=0) as emulator:
        world = seed(emulator)
        ours, theirs = [], []
        for index in range(args.repeat):
            ours.append(timed(playbook, emulator, world, workdir, "bench-pb-%d" % index))
            theirs.append(timed(cli, emulator, world, workdir, "bench-cli-%d" % index))
        mine, base = statistics.median(ours), statistics.median(theirs)
        print("playbook  rds_restore.yml  median %.2fs  (%s)" % (mine, ", ".join("%.2f" % t for t in ours)))
        print("CLI       runbook 5.1-5.2  median %.2fs  (%s)" % (base, ", ".join("%.2f" % t for t in theirs)))
        ratio = mine / base
        print("ratio %.2fx (target <= %.1fx): %s" % (ratio, RATIO, "PASS" if ratio <= RATIO else "FAIL"))
        return 0 if ratio <= RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
