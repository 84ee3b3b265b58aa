"""`make drill`: a restore drill (runbook section 4) in the emulated world, start to finish.

Starts the local emulator and seeds the runbook's world (eight days of backups), then runs playbooks/restore_drill.yml
against inventories/emulator the way a scheduled drill runs: a random completed recovery point of the database, of a
tenant bucket and of the app server (seeded; the seed is in the report) is restored into drill-unique resources,
validated, reported, and everything the drill created is removed. The drill's report goes to reports/drill-<time>/;
afterwards this script checks that nothing the drill created is left and prints where the report is. The exit status
is non-zero when the drill failed or left something behind.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.client import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from emulator.seed import DB_PASSWORD, Seeder  # noqa: E402  pylint: disable=wrong-import-position

TAG = "restorekit:drill"


def say(text):
    print("==> %s" % text, flush=True)


def env_for(emulator):
    env = dict(os.environ, **emulator.env())
    env.update({"RESTOREKIT_ENDPOINT_URL": emulator.endpoint, "RESTOREKIT_DEMO_DB_PASSWORD": DB_PASSWORD,
                "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_DEPRECATION_WARNINGS": "false",
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    env.pop("AWS_PROFILE", None)
    return env


def leftovers(emulator, drill_id):
    """What is still there that carries the drill's name or tag."""
    marker = "-drill-%s-" % drill_id
    left = []
    for db in emulator.client("rds").describe_db_instances()["DBInstances"]:
        tags = {t["Key"]: t["Value"] for t in db.get("TagList", [])}
        if marker in db["DBInstanceIdentifier"] or tags.get(TAG) == drill_id:
            left.append(db["DBInstanceArn"])
    left += ["arn:aws:s3:::%s" % b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"] if marker in b["Name"]]
    for reservation in emulator.client("ec2").describe_instances()["Reservations"]:
        for instance in reservation["Instances"]:
            tags = {t["Key"]: t["Value"] for t in instance.get("Tags", [])}
            if tags.get(TAG) == drill_id and instance["State"]["Name"] not in ("terminated", "shutting-down"):
                left.append(instance["InstanceId"])
    return left


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--types", default="RDS,S3,EC2", help="resource types to drill, comma-separated (default RDS,S3,EC2)")
    parser.add_argument("--seed", type=int, help="seed of the random recovery point selection (default: a random one)")
    args = parser.parse_args(argv)
    types = [t.strip().upper() for t in args.types.split(",") if t.strip()]
    stamp = datetime.datetime.now(tz=datetime.timezone.utc)
    drill_id = stamp.strftime("%Y%m%d-%H%M%S")
    report_dir = os.path.join(ROOT, "reports", "drill-%s" % stamp.strftime("%Y%m%dT%H%M%SZ"))
    os.makedirs(report_dir, exist_ok=True)
    state_dir = os.path.join(ROOT, ".build", "drill-state-%s" % drill_id)
    say("starting the local AWS Backup emulator (restore jobs take 3 s here)")
    with Emulator(state_dir=state_dir, log_path=os.path.join(report_dir, "emulator.log")) as emulator:
        say("emulator on %s; seeding the runbook's world" % emulator.endpoint)
        emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 0})
        world = Seeder(emulator).run(days=8)
        emulator.control("jobs/duration", {"restore": 3.0})
        say("seeded: vault %s with %d recovery points" % (world["vault"], world["recovery_points"]))
        variables = {"restore_drill_id": drill_id, "restore_drill_resource_types": types, "restore_drill_poll_interval": 1,
                     "restore_drill_ec2_validate_retries": 5, "restore_drill_ec2_validate_delay": 1,
                     "restore_report_dir": report_dir}
        if args.seed is not None:
            variables["restore_drill_seed"] = args.seed
        extra = os.path.join(report_dir, "drill-vars.json")
        with open(extra, "w", encoding="utf-8") as handle:
            json.dump(variables, handle, indent=2)
        say("ansible-playbook -i inventories/emulator playbooks/restore_drill.yml -e @%s" % os.path.relpath(extra, ROOT))
        proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i",
                               os.path.join(ROOT, "inventories", "emulator"), os.path.join(ROOT, "playbooks", "restore_drill.yml"),
                               "-e", "@%s" % extra], env=env_for(emulator), cwd=ROOT, check=False)
        left = leftovers(emulator, drill_id)
    markdown = os.path.join(report_dir, "restore-drill-%s.md" % drill_id)
    if os.path.exists(markdown):
        with open(markdown, encoding="utf-8") as handle:
            print(handle.read(), flush=True)
    if left:
        say("the drill LEFT resources behind: %s" % ", ".join(left))
    if proc.returncode != 0 or left:
        say("the drill FAILED (exit %d); report: %s" % (proc.returncode, os.path.relpath(markdown, ROOT)))
        return 1
    say("drill %s done, nothing left behind; the report is %s" % (drill_id, os.path.relpath(markdown, ROOT)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
