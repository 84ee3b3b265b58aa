# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: playbooks/rds_restore.yml against the runbook's own CLI sequence for the same restore (issue 4).

    bench/run   (or: .venv/bin/python bench/rds_restore.py [--repeat 3])

One seeded emulator with near-instant jobs (--job-seconds 0) and a MariaDB server started ahead for the next DB instance
(--spare, emulator/README.md): the restore job's own work, loading the dump into a new server, is near instant too,
rather than the quarter to half second a server start takes here, which the CLI's next process start would hide and
the playbook's module would wait out. Each round restores the newest AWS Backup recovery point of the production
database into a new instance, three times (playbook, playbook without caches, CLI), each under a fresh identifier:
  playbook   ansible-playbook -i inventories/emulator playbooks/rds_restore.yml -e rds_restore_method=backup
             (preflight, point selection, restore job, wait for available, settings and tags, report; validation off)
  CLI        the runbook 5.1/5.2 commands: aws backup list-recovery-points-by-backup-vault --by-resource-type RDS
             --query 'RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn' --output text; start-restore-job
             --metadata file://restore-metadata.json; describe-restore-job every second until COMPLETED
Both poll once a second; the CLI's metadata carries what the playbook takes from the inventory (MultiAZ and
PubliclyAccessible false), and the two instances made are compared ("same restore"). One more playbook run under
ansible.posix.profile_roles prints the seconds per role. Target: the playbook's median wall time at most 2.5x the CLI's.

The playbook runs with .venv's Python as `make venv` sets it up, with its compile caches (the bytecode of AnsiballZ
payloads and of the collection's plugins on the control node, and the module_utils a payload carries;
docs/development.md): a bastion's ansible-core has none of them unless they are installed there. Each round also runs
the playbook with them turned off, and that median and ratio are printed beside.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
from emulator.client import Emulator  # noqa: E402
from emulator.seed import seed  # noqa: E402

RATIO = 2.5
WITHOUT_CACHES = {"RESTOREKIT_BYTECODE_CACHE": "0", "RESTOREKIT_BUILD_CACHE": "0"}


def tool(name):
    candidate = os.path.join(VENV_BIN, name)
    return candidate if os.path.exists(candidate) else name


def subprocess_env(emulator, home):
    env = dict(os.environ, **emulator.env())
    env.update({"PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", os.defpath), "HOME": home,
                "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": os.path.join(VENV_BIN, "python"),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1",
                "RESTOREKIT_ENDPOINT_URL": emulator.endpoint,
                # The venv's cache of botocore's parsed data (tools/botocore_data_cache.py) would serve the AWS CLI as
                # well as the modules; off for both, as on a bastion.
                "RESTOREKIT_BOTOCORE_DATA_CACHE": "0"})
    return env


def playbook(emulator, world, workdir, target, extra_env=None):
    proc = subprocess.run([tool("ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "emulator"),
                           os.path.join(ROOT, "playbooks", "rds_restore.yml"), "-e", "rds_restore_method=backup",
                           "-e", "rds_restore_target_identifier=%s" % target, "-e", "rds_restore_poll_interval=1",
                           "-e", "restore_report_dir=%s" % os.path.join(workdir, "reports")],
                          cwd=workdir, env=dict(subprocess_env(emulator, workdir), **(extra_env or {})), capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise RuntimeError("ansible-playbook failed:\n%s" % proc.stdout[-3000:])
    return proc.stdout


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
        # The runbook's file, with the security group as the JSON list the API takes, and what the playbook sets
        # from the inventory besides (single-AZ, private), so both make the same instance.
        json.dump({"DBInstanceIdentifier": target, "DBInstanceClass": "db.t3.medium", "Engine": "mysql",
                   "DBSubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
                   "VpcSecurityGroupIds": json.dumps([world["db_security_group_id"]]),
                   "MultiAZ": "false", "PubliclyAccessible": "false"}, handle)
    job = json.loads(aws(emulator, workdir, "backup", "start-restore-job", "--recovery-point-arn", arn, "--metadata",
                         "file://" + metadata, "--iam-role-arn", world["backup_role_arn"]))["RestoreJobId"]
    while True:
        status = json.loads(aws(emulator, workdir, "backup", "describe-restore-job", "--restore-job-id", job))["Status"]
        if status == "COMPLETED":
            return
        if status in ("FAILED", "ABORTED"):
            raise RuntimeError("restore job %s %s" % (job, status))
        time.sleep(1)


SAME = ("DBInstanceClass", "Engine", "MultiAZ", "PubliclyAccessible")


def same_restore(emulator, ours, theirs):
    """What both made: the same class, engine, network and exposure (the playbook adds settings and tags on top)."""
    rds = emulator.client("rds")
    made = [rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0] for name in (ours, theirs)]
    shape = [dict({key: db.get(key) for key in SAME}, subnet_group=db["DBSubnetGroup"]["DBSubnetGroupName"],
                  security_groups=sorted(g["VpcSecurityGroupId"] for g in db["VpcSecurityGroups"])) for db in made]
    return shape[0] == shape[1], shape


def where_the_time_goes(emulator, world, workdir):
    """One more playbook run under ansible.posix.profile_roles: seconds per role (information, not measured above)."""
    out = playbook(emulator, world, workdir, "bench-pb-profile", {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_roles"})
    lines = out.split("ROLES RECAP", 1)[-1].splitlines()
    return [line.strip() for line in lines if re.match(r"^\S.* -+ [\d.]+s$", line.strip())]


def timed(func, *args):
    started = time.monotonic()
    func(*args)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-rds-") as workdir, \
            Emulator(state_dir=os.path.join(workdir, "state"), job_seconds=0, spare=True) as emulator:
        world = seed(emulator)
        ours, bare, theirs = [], [], []
        for index in range(args.repeat):
            ours.append(timed(playbook, emulator, world, workdir, "bench-pb-%d" % index))
            bare.append(timed(playbook, emulator, world, workdir, "bench-bare-%d" % index, WITHOUT_CACHES))
            theirs.append(timed(cli, emulator, world, workdir, "bench-cli-%d" % index))
        mine, base = statistics.median(ours), statistics.median(theirs)
        print("playbook  rds_restore.yml  median %.2fs  (%s)" % (mine, ", ".join("%.2f" % t for t in ours)))
        print("CLI       runbook 5.1-5.2  median %.2fs  (%s)" % (base, ", ".join("%.2f" % t for t in theirs)))
        print("playbook  without the venv's compile caches  median %.2fs  (%s): %.2fx the CLI"
              % (statistics.median(bare), ", ".join("%.2f" % t for t in bare), statistics.median(bare) / base))
        alike, shape = same_restore(emulator, "bench-pb-0", "bench-cli-0")
        print("same restore: %s (%s)" % ("yes" if alike else "NO", shape[0] if alike else shape))
        print("per role (one more playbook run, ansible.posix.profile_roles; a role's share includes its module start-ups):")
        for line in where_the_time_goes(emulator, world, workdir):
            print("  " + line)
        ratio = mine / base
        print("ratio %.2fx (target <= %.1fx): %s" % (ratio, RATIO, "PASS" if ratio <= RATIO else "FAIL"))
        return 0 if ratio <= RATIO and alike else 1


if __name__ == "__main__":
    sys.exit(main())
