"""`make demo`: an incident rehearsal in the emulated world, start to finish.

Starts the local emulator, seeds the runbook's world (days of backups), damages the production database,
runs the rehearsal playbook (restore to a new instance, check, report) and stops the emulator.
"""

import datetime
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from tests.emulator.client import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.emulator.seed import DB_PASSWORD, Seeder  # noqa: E402  pylint: disable=wrong-import-position


def say(text):
    print("==> %s" % text, flush=True)


def damage(seeder):
    """The incident: an application bug deletes a tenant's orders and rewrites a price list."""
    with seeder.connect() as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM orders WHERE tenant_id = %s", ("12",))
        lost = cur.rowcount
        cur.execute("UPDATE plans SET monthly_cents = 0 WHERE name = %s", ("team",))
        conn.commit()
    return lost


def main():
    stamp = datetime.datetime.now(tz=datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report_dir = os.path.join(ROOT, "reports", "demo-%s" % stamp)
    os.makedirs(report_dir, exist_ok=True)
    state_dir = os.path.join(ROOT, ".build", "demo-state-%s" % stamp)
    say("starting the local AWS Backup emulator (restore jobs take 3 s here)")
    with Emulator(state_dir=state_dir, job_seconds=3.0, log_path=os.path.join(report_dir, "emulator.log")) as emulator:
        say("emulator on %s; seeding the runbook's world" % emulator.endpoint)
        emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 0})
        seeder = Seeder(emulator)
        world = seeder.run(days=8)
        emulator.control("jobs/duration", {"restore": 3.0})
        say("seeded: vault %s with %d recovery points; database %s; tenant buckets %s; group %s"
            % (world["vault"], world["recovery_points"], world["db"]["identifier"], ", ".join(world["buckets"].values()),
               world["app"]["asg"]))
        lost = damage(seeder)
        say("incident: %d orders of tenant 12 deleted and a price changed in production" % lost)
        world_file = os.path.join(report_dir, "world.json")
        with open(world_file, "w", encoding="utf-8") as handle:
            json.dump({"world": world}, handle, indent=2)
        env = dict(os.environ, **emulator.env())
        env.update({"RESTOREKIT_REPORT_DIR": report_dir, "RESTOREKIT_DEMO_DB_PASSWORD": DB_PASSWORD,
                    "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_LOCALHOST_WARNING": "false",
                    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
        env.pop("AWS_PROFILE", None)
        playbook = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "emulator"),
                    os.path.join(ROOT, "tools", "demo", "rehearsal.yml"), "-e", "@%s" % world_file]
        say("running the rehearsal playbook")
        result = subprocess.run(playbook, env=env, cwd=ROOT, check=False)
    if result.returncode != 0:
        say("the rehearsal FAILED (exit %d); emulator log: %s" % (result.returncode, os.path.join(report_dir, "emulator.log")))
        return result.returncode
    say("done; the restore report is %s (and .md)" % os.path.join(report_dir, "restore-report.json"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
