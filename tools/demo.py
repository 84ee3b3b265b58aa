"""`make demo`: the full incident rehearsal in the emulated world, start to finish.

Starts the local emulator and seeds the runbook's world (eight days of backups), then rehearses three incidents the
way a responder runs them, each with the collection's own playbook against inventories/emulator:

1. database: rows are deleted and rewritten in production; playbooks/rds_restore.yml restores the newest recovery
   point to a new instance and validates it (schema, static checksums, live-table counts and freshness, smoke queries);
2. tenant: objects are deleted and overwritten in a tenant bucket; playbooks/s3_restore.yml restores to staging,
   shows the copy plan, copies back what was lost without replacing the newer edit, and validates;
3. app group: the app servers' group is relaunched from its newest EC2 recovery point with playbooks/ec2_restore.yml
   and validated.

Every playbook writes its restore report into reports/demo-<time>/; the demo ends with an index of them,
reports/demo-<time>/incident-report.md, and prints where it is. The exit status is non-zero when any rehearsal fails.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.client import Emulator  # noqa: E402  pylint: disable=wrong-import-position
from emulator.seed import DB_PASSWORD, Seeder  # noqa: E402  pylint: disable=wrong-import-position

TENANT = "12"
DELETED_KEYS = ("reports/day-03.csv", "reports/day-05.csv")
OVERWRITTEN_KEY = "reports/day-08.csv"


def now():
    return datetime.datetime.now(tz=datetime.timezone.utc)


def say(text):
    print("==> %s" % text, flush=True)


class Rehearsal:
    """One emulated world and the playbooks run against it."""

    def __init__(self, emulator, seeder, world, report_dir):
        self.emulator = emulator
        self.seeder = seeder
        self.world = world
        self.report_dir = report_dir
        self.results = []

    # ------------------------------------------------------------------ running a playbook as a responder does
    def env(self):
        env = dict(os.environ, **self.emulator.env())
        env.update({"RESTOREKIT_ENDPOINT_URL": self.emulator.endpoint, "RESTOREKIT_DEMO_DB_PASSWORD": DB_PASSWORD,
                    "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_LOCALHOST_WARNING": "false",
                    "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_DEPRECATION_WARNINGS": "false",
                    "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
        env.pop("AWS_PROFILE", None)
        return env

    def playbook(self, name, playbook, variables, incident_time):
        """ansible-playbook -i inventories/emulator playbooks/<playbook> -e @<vars>; returns (exit status, its report).

        The incident's time is passed as a responder would (restore_report_incident_time), so the report measures the RPO.
        """
        extra = os.path.join(self.report_dir, "%s-vars.json" % name)
        with open(extra, "w", encoding="utf-8") as handle:
            json.dump(dict({"restore_report_dir": self.report_dir, "restore_report_name": name,
                            "restore_report_incident_time": incident_time.strftime("%Y-%m-%dT%H:%M:%SZ")}, **variables), handle, indent=2)
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", os.path.join(ROOT, "inventories", "emulator"),
                   os.path.join(ROOT, "playbooks", playbook), "-e", "@%s" % extra]
        say("ansible-playbook -i inventories/emulator playbooks/%s -e @%s" % (playbook, os.path.relpath(extra, ROOT)))
        started = time.monotonic()
        proc = subprocess.run(command, env=self.env(), cwd=ROOT, check=False)
        report_path = os.path.join(self.report_dir, "%s.json" % name)
        report = None
        if os.path.exists(report_path):
            with open(report_path, encoding="utf-8") as handle:
                report = json.load(handle)
        self.results.append({"name": name, "playbook": playbook, "returncode": proc.returncode, "report": report,
                             "seconds": round(time.monotonic() - started, 1), "path": report_path if report else None})
        return proc.returncode, report

    # ------------------------------------------------------------------ the database incident (runbook 5)
    def database(self):
        incident = now()
        with self.seeder.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM orders WHERE tenant_id = %s", (TENANT,))
            before = cur.fetchone()[0]
            cur.execute("DELETE FROM orders WHERE tenant_id = %s", (TENANT,))
            cur.execute("UPDATE orders SET amount_cents = 0 WHERE tenant_id = %s", ("100",))
            rewritten = cur.rowcount
            conn.commit()
        say("incident 1, database: %d orders of tenant %s deleted and %d orders of tenant 100 zeroed in %s"
            % (before, TENANT, rewritten, self.world["db"]["identifier"]))
        target = "%s-restore" % self.world["db"]["identifier"]
        code, report = self.playbook("database", "rds_restore.yml", {
            "rds_restore_target_identifier": target,
            "rds_restore_poll_interval": 1,
            "rds_restore_validate": True,
            "rds_restore_validate_password": "{{ lookup('ansible.builtin.env', 'RESTOREKIT_DEMO_DB_PASSWORD') }}",
            "rds_restore_validate_static_tables": ["plans", "tenants"],
            # Production lost a third of its orders in this incident: the restore may hold that many more rows.
            "rds_restore_validate_live_tables": [
                {"name": "orders", "tolerance_percent": 60, "timestamp_column": "created_at"},
                {"name": "audit_log", "tolerance_rows": 5, "timestamp_column": "created_at"}],
            "rds_restore_validate_smoke_queries": [
                {"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3},
                {"name": "tenant %s has its orders back" % TENANT,
                 "sql": "SELECT COUNT(*) > 0 FROM orders WHERE tenant_id = '%s'" % TENANT, "expect": 1},
                {"name": "no zeroed orders", "sql": "SELECT COUNT(*) FROM orders WHERE amount_cents = 0", "expect": 0}],
        }, incident)
        if code == 0:
            restored = self.emulator.client("rds").describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
            endpoint = restored["Endpoint"]
            import pymysql  # pylint: disable=import-outside-toplevel
            with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user=self.world["db"]["user"], password=DB_PASSWORD,
                                 database=self.world["db"]["name"], connect_timeout=10) as conn, conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM orders WHERE tenant_id = %s", (TENANT,))
                back = cur.fetchone()[0]
            say("database: %s at %s:%s holds %d orders of tenant %s (production now 0)"
                % (target, endpoint["Address"], endpoint["Port"], back, TENANT))
        return code

    # ------------------------------------------------------------------ the tenant incident (runbook 6)
    def tenant(self):
        s3 = self.emulator.client("s3")
        bucket = self.world["buckets"][TENANT]
        time.sleep(1.1)  # S3 dates objects to the second: the edit must be strictly newer than the recovery point
        incident = now()
        for key in DELETED_KEYS:
            s3.delete_object(Bucket=bucket, Key=key)
        s3.put_object(Bucket=bucket, Key=OVERWRITTEN_KEY, Body=b"day,8\ntenant,12\nedited,after the backup\n",
                      ContentType="text/csv", Tagging="edited=after-backup")
        say("incident 2, tenant: %s deleted and %s overwritten in %s" % (", ".join(DELETED_KEYS), OVERWRITTEN_KEY, bucket))
        code, report = self.playbook("tenant", "s3_restore.yml", {
            "s3_restore_tenant_ids": [TENANT],
            "s3_restore_poll_interval": 1,
            "validate_s3_critical_keys": list(DELETED_KEYS),
            "validate_s3_remove_staging": True,
        }, incident)
        if code == 0:
            present = []
            for key in DELETED_KEYS + (OVERWRITTEN_KEY,):
                head = s3.head_object(Bucket=bucket, Key=key)
                present.append("%s (%d bytes)" % (key, head["ContentLength"]))
            edited = s3.get_object(Bucket=bucket, Key=OVERWRITTEN_KEY)["Body"].read()
            kept = "was kept" if b"edited" in edited else "was REPLACED"
            say("tenant: back in %s: %s; the newer edit of %s %s" % (bucket, ", ".join(present[:-1]), OVERWRITTEN_KEY, kept))
            if b"edited" not in edited:
                return 1
        return code

    # ------------------------------------------------------------------ the app-group incident (runbook 7)
    def app_group(self):
        incident = now()
        group = self.world["app"]["asg"]
        autoscaling = self.emulator.client("autoscaling")
        before = sorted(i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups(
            AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"])
        say("incident 3, app group: %s (instances %s) is relaunched from its newest EC2 recovery point"
            % (group, ", ".join(before)))
        self.emulator.control("instance-refresh/warmup", {"seconds": 0.5})
        code, report = self.playbook("app-group", "ec2_restore.yml", {
            "ec2_restore_group_name": group,
            "ec2_restore_poll_interval": 1,
            "ec2_restore_instance_warmup": 0,
            "validate_ec2_delay": 2,
            "validate_ec2_retries": 10,
        }, incident)
        if code == 0:
            after = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]["Instances"]
            ids = sorted(i["InstanceId"] for i in after)
            say("app group: %s now runs %s (%s)" % (group, ", ".join(ids), "all replaced" if not set(ids) & set(before) else "NOT all replaced"))
            if set(ids) & set(before):
                return 1
        return code

    # ------------------------------------------------------------------ the index of the reports
    def index(self):
        lines = ["# Incident rehearsal", "",
                 "Emulated world: vault %s (%d recovery points), database %s, tenant buckets %s, group %s." % (
                     self.world["vault"], self.world["recovery_points"], self.world["db"]["identifier"],
                     ", ".join(self.world["buckets"].values()), self.world["app"]["asg"]), "",
                 "| incident | playbook | outcome | checks passed | report | seconds |",
                 "| --- | --- | --- | --- | --- | --- |"]
        for result in self.results:
            report = result["report"] or {}
            checks = report.get("checks", [])
            passed = sum(1 for check in checks if check.get("result") == "pass")
            outcome = report.get("outcome", "no report") if result["returncode"] == 0 else "FAILED (exit %d)" % result["returncode"]
            link = "[%s](%s)" % (os.path.basename(result["path"]).replace(".json", ".md"),
                                 os.path.basename(result["path"]).replace(".json", ".md")) if result["path"] else "-"
            lines.append("| %s | playbooks/%s | %s | %d of %d | %s | %s |" % (result["name"], result["playbook"], outcome, passed,
                                                                              len(checks), link, result["seconds"]))
        path = os.path.join(self.report_dir, "incident-report.md")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["database", "tenant", "app-group"], action="append",
                        help="rehearse only these incidents (repeatable); default all three")
    args = parser.parse_args(argv)
    wanted = args.only or ["database", "tenant", "app-group"]
    stamp = datetime.datetime.now(tz=datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    report_dir = os.path.join(ROOT, "reports", "demo-%s" % stamp)
    os.makedirs(report_dir, exist_ok=True)
    state_dir = os.path.join(ROOT, ".build", "demo-state-%s" % stamp)
    say("starting the local AWS Backup emulator (restore jobs take 3 s here)")
    failed = []
    with Emulator(state_dir=state_dir, job_seconds=3.0, log_path=os.path.join(report_dir, "emulator.log")) as emulator:
        say("emulator on %s; seeding the runbook's world" % emulator.endpoint)
        emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 0})
        seeder = Seeder(emulator)
        world = seeder.run(days=8)
        emulator.control("jobs/duration", {"restore": 3.0})
        say("seeded: vault %s with %d recovery points; database %s; tenant buckets %s; group %s"
            % (world["vault"], world["recovery_points"], world["db"]["identifier"], ", ".join(world["buckets"].values()),
               world["app"]["asg"]))
        with open(os.path.join(report_dir, "world.json"), "w", encoding="utf-8") as handle:
            json.dump({"world": world}, handle, indent=2)
        rehearsal = Rehearsal(emulator, seeder, world, report_dir)
        for name, step in (("database", rehearsal.database), ("tenant", rehearsal.tenant), ("app-group", rehearsal.app_group)):
            if name in wanted and step() != 0:
                failed.append(name)
                say("%s rehearsal FAILED; emulator log: %s" % (name, os.path.join(report_dir, "emulator.log")))
        index = rehearsal.index()
    for result in rehearsal.results:
        path = (result["path"] or "").replace(".json", ".md")
        if os.path.exists(path):
            say("%s report: %s" % (result["name"], os.path.relpath(path, ROOT)))
            with open(path, encoding="utf-8") as handle:
                print(handle.read(), flush=True)
    with open(index, encoding="utf-8") as handle:
        print(handle.read(), flush=True)
    if failed:
        say("the rehearsal FAILED: %s; the index is %s" % (", ".join(failed), index))
        return 1
    say("done; the incident report is %s" % index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
