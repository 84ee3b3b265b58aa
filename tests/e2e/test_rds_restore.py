# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/rds_restore.yml against the seeded emulator: the right data comes back, verified by rows.

Two time bases meet here: the seeded AWS Backup points are dated days back by the emulator's clock, while the native
automated-backup window is real time since the production instance was created (seconds before the seed's first
write). So a time between two seeded backups is outside the native window, and rows written now are inside it.
"""

import datetime
import json
import os
import shutil
import subprocess
import time
import uuid

import pymysql

from emulator.seed import DB_PASSWORD
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, PYTHON, ROOT

PLAYBOOK = os.path.join(ROOT, "playbooks", "rds_restore.yml")
RESTORED_FROM = "restorekit:restored-from"


def run(emulator, tmp_path, *extra):
    env = dict(os.environ, **emulator.env())
    env.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "HOME": str(tmp_path),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1"})
    args = [ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"), PLAYBOOK, "-e", "rds_restore_poll_interval=1",
            "-e", "restore_report_dir=%s" % (tmp_path / "reports")]
    for item in extra:
        args += ["-e", item]
    return subprocess.run(args, env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=900, check=False)


def report(tmp_path):
    paths = sorted((tmp_path / "reports").glob("*.json"))
    return json.loads(paths[-1].read_text(encoding="utf-8"))


def instance(emulator, identifier):
    return emulator.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def query(emulator, identifier, sql, args=None):
    endpoint = instance(emulator, identifier)["Endpoint"]
    with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=DB_PASSWORD, database="app",
                         autocommit=True, connect_timeout=10) as conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall()


def tags(emulator, identifier):
    arn = instance(emulator, identifier)["DBInstanceArn"]
    return {t["Key"]: t["Value"] for t in emulator.client("rds").list_tags_for_resource(ResourceName=arn)["TagList"]}


def db_points(emulator, world):
    pages = emulator.client("backup").get_paginator("list_recovery_points_by_backup_vault").paginate(
        BackupVaultName="multi-tenant-app-prod-backup-vault", ByResourceArn=world["db"]["arn"])
    points = [p for page in pages for p in page["RecoveryPoints"] if p["Status"] == "COMPLETED"]
    return sorted(points, key=lambda p: p["CreationDate"])


def test_time_between_two_backups_restores_the_backup_at_or_before_it_and_reruns_adopt(emulator, world, tmp_path):
    # The seed's first two points: more than BackupRetentionPeriod (7) days back on the emulator's one clock, so the time
    # between them is outside the native window and only an AWS Backup point holds it.
    points = db_points(emulator, world)
    older, newer = points[0], points[1]
    between = older["CreationDate"] + (newer["CreationDate"] - older["CreationDate"]) / 2
    target = "rr-between-%s" % uuid.uuid4().hex[:6]
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=%s" % target,
               "rds_restore_target_time=%s" % between.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "backup restore of multi-tenant-app-prod-db" in proc.stdout
    assert "outside the native automated-backup window" in proc.stdout

    # The data is the older backup's: the newest order is that day's newest, nothing of the next day.
    point_time = older["CreationDate"].astimezone(datetime.timezone.utc).replace(tzinfo=None)
    newest = query(emulator, target, "SELECT MAX(created_at) FROM orders")[0][0]
    day_newest = query(emulator, "multi-tenant-app-prod-db", "SELECT MAX(created_at) FROM orders WHERE created_at <= %s", (point_time,))[0][0]
    assert newest <= point_time
    assert newest == day_newest

    # Settings and tags a restore does not carry, and the instance stays private.
    restored = instance(emulator, target)
    assert restored["PubliclyAccessible"] is False
    assert restored["DeletionProtection"] is True
    assert restored["BackupRetentionPeriod"] == 7
    assert restored["DBParameterGroups"][0]["DBParameterGroupName"] == "default.mysql8.0"
    assert restored["DBSubnetGroup"]["DBSubnetGroupName"] == "multi-tenant-app-prod-db-subnet-group"
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == [world["db_security_group_id"]]
    assert tags(emulator, target)[RESTORED_FROM] == older["RecoveryPointArn"]
    first = report(tmp_path)
    assert first["outcome"] == "succeeded"
    assert any(older["RecoveryPointArn"] in note for note in first["notes"])

    # A second run adopts: no second restore job, the same instance.
    jobs_before = emulator.client("backup").list_restore_jobs()["RestoreJobs"]
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=%s" % target,
               "rds_restore_target_time=%s" % between.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(emulator.client("backup").list_restore_jobs()["RestoreJobs"]) == len(jobs_before)
    assert any("adopted the existing %s" % target in note for note in report(tmp_path)["notes"])
    emulator.client("rds").modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)


def test_time_inside_the_native_window_restores_the_data_of_that_time(emulator, world, tmp_path):
    marker = "pitr-%s" % uuid.uuid4().hex[:6]
    query(emulator, "multi-tenant-app-prod-db",
          "INSERT INTO orders (tenant_id, amount_cents, status, created_at) VALUES ('1', 1, %s, UTC_TIMESTAMP(3))", (marker + "-a",))
    time.sleep(2.2)
    between = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(2.2)
    query(emulator, "multi-tenant-app-prod-db",
          "INSERT INTO orders (tenant_id, amount_cents, status, created_at) VALUES ('1', 2, %s, UTC_TIMESTAMP(3))", (marker + "-b",))
    target = "rr-native-%s" % uuid.uuid4().hex[:6]
    when = between.strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=%s" % target, "rds_restore_target_time=%s" % when)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "native restore of multi-tenant-app-prod-db" in proc.stdout
    assert "finer than the AWS Backup point" in proc.stdout

    statuses = [row[0] for row in query(emulator, target, "SELECT status FROM orders WHERE status LIKE %s", (marker + "%",))]
    assert statuses == [marker + "-a"]
    assert tags(emulator, target)[RESTORED_FROM] == "pitr:multi-tenant-app-prod-db@%s" % when
    assert instance(emulator, target)["PubliclyAccessible"] is False

    # Re-running adopts the tagged instance instead of restoring again.
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=%s" % target, "rds_restore_target_time=%s" % when)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any("adopted the existing %s" % target in note for note in report(tmp_path)["notes"])
    emulator.client("rds").modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)


def test_bad_input_and_a_foreign_target_change_nothing(emulator, world, tmp_path):
    before = {i["DBInstanceIdentifier"] for i in emulator.client("rds").describe_db_instances()["DBInstances"]}
    proc = run(emulator, tmp_path, "rds_restore_target_time=yesterday")
    assert proc.returncode != 0
    assert "rds_restore_target_time='yesterday'" in proc.stdout
    # The production instance exists and carries no restored-from tag: it is never a target.
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=multi-tenant-app-prod-db")
    assert proc.returncode != 0
    assert "never the source" in proc.stdout
    assert {i["DBInstanceIdentifier"] for i in emulator.client("rds").describe_db_instances()["DBInstances"]} == before
    assert report(tmp_path)["outcome"] == "failed"


def test_source_gone_restores_a_time_from_its_retained_automated_backups(emulator, world, tmp_path):
    """The disaster case: the instance was deleted keeping its automated backups; a time inside their window comes back."""
    rds = emulator.client("rds")
    doomed = "rr-doomed-%s" % uuid.uuid4().hex[:6]
    password = "doomed-Secret-0"
    rds.create_db_instance(DBInstanceIdentifier=doomed, DBInstanceClass="db.t3.micro", Engine="mysql", MasterUsername="admin",
                           MasterUserPassword=password, AllocatedStorage=20, BackupRetentionPeriod=7)

    def sql(identifier, statement, args=None, database="shop"):
        endpoint = instance(emulator, identifier)["Endpoint"]
        with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=password, database=database,
                             autocommit=True, connect_timeout=10) as conn, conn.cursor() as cur:
            cur.execute(statement, args)
            return cur.fetchall()

    sql(doomed, "CREATE DATABASE shop", database=None)
    sql(doomed, "CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, batch INT NOT NULL)")
    # Binlog events carry whole seconds: more than a second on either side of the time restored to.
    time.sleep(2.2)
    sql(doomed, "INSERT INTO orders (batch) VALUES (1), (1), (1)")
    time.sleep(2.2)
    between = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(2.2)
    sql(doomed, "INSERT INTO orders (batch) VALUES (2), (2)")
    time.sleep(1.1)
    rds.delete_db_instance(DBInstanceIdentifier=doomed, SkipFinalSnapshot=True, DeleteAutomatedBackups=False)
    retained = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=doomed)["DBInstanceAutomatedBackups"]
    assert [b["Status"] for b in retained] == ["retained"]

    target = doomed + "-restore"
    when = between.strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = run(emulator, tmp_path, "rds_restore_source_identifier=%s" % doomed, "rds_restore_target_identifier=%s" % target,
               "rds_restore_target_time=%s" % when)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr
    assert "native restore of %s" % doomed in proc.stdout
    assert "from its retained automated backups %s" % retained[0]["DBInstanceAutomatedBackupsArn"] in proc.stdout

    # Verified by rows: the first batch, none of the second.
    assert sorted(row[0] for row in sql(target, "SELECT batch FROM orders")) == [1, 1, 1]
    restored = instance(emulator, target)
    assert restored["PubliclyAccessible"] is False
    assert restored["DeletionProtection"] is True
    assert restored["DBSubnetGroup"]["DBSubnetGroupName"] == "multi-tenant-app-prod-db-subnet-group"
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == [world["db_security_group_id"]]
    assert tags(emulator, target)[RESTORED_FROM] == "pitr:%s@%s" % (doomed, when)
    saved = report(tmp_path)
    assert saved["outcome"] == "succeeded"
    assert any("retained automated backups" in note for note in saved["notes"])

    # A time outside the retained window is refused with the reason, and nothing is made.
    early = (between - datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = run(emulator, tmp_path, "rds_restore_source_identifier=%s" % doomed, "rds_restore_target_identifier=%s-early" % doomed,
               "rds_restore_target_time=%s" % early, "rds_restore_method=native")
    assert proc.returncode != 0
    assert "outside the native automated-backup window of %s" % doomed in proc.stdout
    assert not rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [doomed + "-early"]}])["DBInstances"]
    rds.modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)


def test_a_row_committed_in_the_same_second_as_the_backup_passes_validation(emulator, world, tmp_path):
    """A busy source commits a row, then the backup starts within the same second. The restore is faithful (the row is
    in the point), so the freshness check must pass: the data time handed to validation is the point's exact
    CreationDate, fractions of a second kept, not the second it started in."""
    emulator.control("clock", {"now": datetime.datetime.now(datetime.timezone.utc).isoformat()})
    backup = emulator.client("backup")
    made = []
    try:
        restore_same_second(emulator, world, tmp_path, backup, made)
    finally:
        # The on-demand points hold production's newest rows: leave the seeded history as other tests on this worker expect it.
        for arn in made:
            backup.delete_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=arn)


def restore_same_second(emulator, world, tmp_path, backup, made):
    """Commit a row and back up in the same second (recording each point made in MADE), then restore and validate."""
    for _attempt in range(20):
        # Early in a second, so that the row and the backup that follows it fall into the same second.
        time.sleep(1.05 - datetime.datetime.now(datetime.timezone.utc).microsecond / 1e6)
        query(emulator, "multi-tenant-app-prod-db",
              "INSERT INTO orders (tenant_id, amount_cents, status, created_at) VALUES ('1', 3, 'same-second', UTC_TIMESTAMP(3))")
        row_time = query(emulator, "multi-tenant-app-prod-db", "SELECT MAX(created_at) FROM orders")[0][0]
        job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=world["db"]["arn"], IamRoleArn=world["backup_role_arn"])
        made.append(job["RecoveryPointArn"])
        emulator.wait_for_jobs()
        point = backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=job["RecoveryPointArn"])
        created = point["CreationDate"].astimezone(datetime.timezone.utc).replace(tzinfo=None)
        if created.replace(microsecond=0) == row_time.replace(microsecond=0) and row_time < created:
            break
    else:
        raise AssertionError("could not start a backup in the same second as a committed row")

    target = "rr-same-second-%s" % uuid.uuid4().hex[:6]
    proc = run(emulator, tmp_path, "rds_restore_target_identifier=%s" % target, json.dumps({
        "rds_restore_validate": True, "rds_restore_validate_password": DB_PASSWORD,
        "rds_restore_validate_static_tables": ["plans", "tenants"],
        "rds_restore_validate_live_tables": [{"name": "orders", "tolerance_percent": 20, "timestamp_column": "created_at"}]}))
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr
    assert tags(emulator, target)[RESTORED_FROM] == job["RecoveryPointArn"]
    assert query(emulator, target, "SELECT COUNT(*) FROM orders WHERE created_at = %s", (row_time,))[0][0] >= 1
    saved = report(tmp_path)
    assert saved["outcome"] == "succeeded"
    # The playbook's phase marks are the report's timeline: each phase ends where the next begins.
    assert [(p["name"], p["status"]) for p in saved["phases"]] == [("preflight", "done"), ("restore", "done"), ("validate", "done")]
    assert saved["phases"][0]["end"] == saved["phases"][1]["start"] and saved["phases"][-1]["end"] == saved["run"]["finished"]
    assert "newer than the point" not in proc.stdout
    assert point["CreationDate"].astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z") in json.dumps(saved)
    emulator.client("rds").modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)


def test_the_validation_the_inventory_asks_for_is_not_hidden_by_the_playbook(emulator, world, tmp_path):
    """A platform engineer declares the validation once, in the inventory's group_vars; the playbook's own defaults sit
    below it (play vars would hide it), and a responder's run validates without repeating it with -e."""
    inventory = tmp_path / "inventory"
    shutil.copytree(os.path.join(ROOT, "inventories", "emulator"), inventory)
    (inventory / "group_vars" / "all" / "validation.yml").write_text(json.dumps({
        "rds_restore_validate": True, "rds_restore_validate_password": DB_PASSWORD,
        "rds_restore_validate_static_tables": ["plans", "tenants"]}), encoding="utf-8")
    target = "rr-inventory-%s" % uuid.uuid4().hex[:6]
    env = dict(os.environ, **emulator.env())
    env.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "HOME": str(tmp_path),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1"})
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), PLAYBOOK, "-e", "rds_restore_poll_interval=1",
                           "-e", "rds_restore_target_identifier=%s" % target, "-e", "restore_report_dir=%s" % (tmp_path / "reports")],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr
    saved = report(tmp_path)
    assert [p["name"] for p in saved["phases"]] == ["preflight", "restore", "validate"]
    assert saved["checks"], "the inventory's validation did not run"
    assert not any("not validated" in note for note in saved["notes"])
    assert DB_PASSWORD not in proc.stdout
    emulator.client("rds").modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)
    emulator.client("rds").delete_db_instance(DBInstanceIdentifier=target, SkipFinalSnapshot=True)
