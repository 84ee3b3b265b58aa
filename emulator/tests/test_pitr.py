"""Native RDS point-in-time restore: a restore to a time returns the rows of that time (see emulator/pitr.py).

Each batch of rows is written, then a real time is recorded, with more than a second on either side of it:
binlog event timestamps have one-second resolution, so a restore to a recorded time must hold exactly the
batches written before it.
"""

import datetime
import time
import uuid

import botocore.exceptions
import pymysql
import pytest

from emulator.testing import run_aws_playbook as run_playbook

PASSWORD = "pitr-Secret-0"
BATCHES = 3


def connect(rds, identifier, database=None):
    endpoint = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["Endpoint"]
    return pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=PASSWORD,
                           database=database, autocommit=True, connect_timeout=10)


def clock_now(emulator):
    """The emulator's clock (what AWS's times are on: the window, the restore time), not this machine's."""
    return datetime.datetime.fromisoformat(emulator.control("clock")["now"])


def batches_in(rds, identifier):
    """The batch numbers whose rows are all present, and the total row count (a partial batch would show here)."""
    with connect(rds, identifier, "shop") as conn, conn.cursor() as cur:
        cur.execute("SELECT batch, COUNT(*) FROM orders GROUP BY batch ORDER BY batch")
        rows = cur.fetchall()
    return [batch for batch, count in rows if count == 10], sum(count for _batch, count in rows)


@pytest.fixture(scope="module")
def source(emulator):
    """An instance with automated backups and three batches of ten rows; yields the time recorded after each batch."""
    rds = emulator.client("rds")
    identifier = "pitr-src-%s" % uuid.uuid4().hex[:6]
    rds.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.t3.micro", Engine="mysql",
                           MasterUsername="admin", MasterUserPassword=PASSWORD, AllocatedStorage=20,
                           BackupRetentionPeriod=7)
    with connect(rds, identifier) as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE shop")
        cur.execute("CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, batch INT NOT NULL, note VARCHAR(40))")
    times = []
    for batch in range(1, BATCHES + 1):
        time.sleep(1.1)
        with connect(rds, identifier, "shop") as conn, conn.cursor() as cur:
            cur.executemany("INSERT INTO orders (batch, note) VALUES (%s, %s)", [(batch, "row %d" % i) for i in range(10)])
        time.sleep(1.1)
        times.append(clock_now(emulator))
    return {"identifier": identifier, "times": times}


def restore(rds, source_id, target, **kwargs):
    rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier=source_id, TargetDBInstanceIdentifier=target,
                                             DBInstanceClass="db.t3.micro", **kwargs)
    return target


def test_restore_to_a_time_returns_the_rows_of_that_time(emulator, source):
    rds = emulator.client("rds")
    target = restore(rds, source["identifier"], "pitr-at-2-%s" % uuid.uuid4().hex[:6], RestoreTime=source["times"][1])
    assert batches_in(rds, target) == ([1, 2], 20)
    target = restore(rds, source["identifier"], "pitr-at-1-%s" % uuid.uuid4().hex[:6], RestoreTime=source["times"][0])
    assert batches_in(rds, target) == ([1], 10)


def test_latest_restorable_time_returns_every_row(emulator, source):
    rds = emulator.client("rds")
    target = restore(rds, source["identifier"], "pitr-latest-%s" % uuid.uuid4().hex[:6], UseLatestRestorableTime=True)
    assert batches_in(rds, target) == ([1, 2, 3], 30)
    # The restored instance starts automated backups of its own, as RDS does: its window opens after the restore.
    backups = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=target)["DBInstanceAutomatedBackups"]
    assert backups[0]["Status"] == "active"
    assert backups[0]["RestoreWindow"]["EarliestTime"] >= source["times"][-1]


def test_restore_outside_the_window_is_refused(emulator, source):
    rds = emulator.client("rds")
    backups = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=source["identifier"])["DBInstanceAutomatedBackups"]
    earliest = backups[0]["RestoreWindow"]["EarliestTime"]
    assert earliest < source["times"][0]
    target = "pitr-early-%s" % uuid.uuid4().hex[:6]
    for moment in (earliest - datetime.timedelta(seconds=60), clock_now(emulator) + datetime.timedelta(hours=1)):
        with pytest.raises(botocore.exceptions.ClientError) as err:
            restore(rds, source["identifier"], target, RestoreTime=moment)
        assert err.value.response["Error"]["Code"] == "InvalidRestoreFault"
        assert "restorable window" in err.value.response["Error"]["Message"]
    assert not rds.describe_db_instances(Filters=[{"Name": "db-instance-id", "Values": [target]}])["DBInstances"]


def test_point_in_time_restore_needs_automated_backups(emulator):
    rds = emulator.client("rds")
    identifier = "pitr-nobackup-%s" % uuid.uuid4().hex[:6]
    rds.create_db_instance(DBInstanceIdentifier=identifier, DBInstanceClass="db.t3.micro", Engine="mysql",
                           MasterUsername="admin", MasterUserPassword=PASSWORD, AllocatedStorage=20, BackupRetentionPeriod=0)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        restore(rds, identifier, identifier + "-r", UseLatestRestorableTime=True)
    assert err.value.response["Error"]["Code"] == "PointInTimeRestoreNotEnabled"
    assert "LatestRestorableTime" not in rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]

    # Switching automated backups on later starts the window then, under the same DbiResourceId.
    resource_id = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DbiResourceId"]
    with connect(rds, identifier) as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE shop")
        cur.execute("CREATE TABLE shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, batch INT NOT NULL, note VARCHAR(40))")
        cur.executemany("INSERT INTO shop.orders (batch, note) VALUES (%s, %s)", [(1, "row %d" % i) for i in range(10)])
    rds.modify_db_instance(DBInstanceIdentifier=identifier, BackupRetentionPeriod=1, ApplyImmediately=True)
    assert rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DbiResourceId"] == resource_id
    with connect(rds, identifier, "shop") as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO orders (batch, note) VALUES (%s, %s)", [(2, "row %d" % i) for i in range(10)])
    rds.restore_db_instance_to_point_in_time(SourceDbiResourceId=resource_id, TargetDBInstanceIdentifier=identifier + "-r",
                                             UseLatestRestorableTime=True)
    assert batches_in(rds, identifier + "-r") == ([1, 2], 20)


def test_retained_automated_backups_restore_after_the_source_is_deleted(emulator, source):
    rds = emulator.client("rds")
    # A source of its own, restored from the shared one, so deleting it leaves the other tests' source alone.
    doomed = restore(rds, source["identifier"], "pitr-doomed-%s" % uuid.uuid4().hex[:6], RestoreTime=source["times"][1])
    # The window opens at the next whole second after the base dump, and a restore to T keeps all of T's second:
    # batch 9 must come more than a second after that.
    time.sleep(2.2)
    with connect(rds, doomed, "shop") as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO orders (batch, note) VALUES (%s, %s)", [(9, "late %d" % i) for i in range(10)])
    time.sleep(1.1)
    before_delete = clock_now(emulator)
    backups = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=doomed)["DBInstanceAutomatedBackups"]
    assert [b["Status"] for b in backups] == ["active"]
    rds.delete_db_instance(DBInstanceIdentifier=doomed, SkipFinalSnapshot=True, DeleteAutomatedBackups=False)

    retained = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=doomed)["DBInstanceAutomatedBackups"]
    assert [b["Status"] for b in retained] == ["retained"]
    window = retained[0]["RestoreWindow"]
    assert window["EarliestTime"] < before_delete <= window["LatestTime"]

    by_arn = rds.restore_db_instance_to_point_in_time(
        SourceDBInstanceAutomatedBackupsArn=retained[0]["DBInstanceAutomatedBackupsArn"],
        TargetDBInstanceIdentifier=doomed + "-arn", UseLatestRestorableTime=True)["DBInstance"]["DBInstanceIdentifier"]
    assert batches_in(rds, by_arn) == ([1, 2, 9], 30)
    by_resource = rds.restore_db_instance_to_point_in_time(
        SourceDbiResourceId=retained[0]["DbiResourceId"], TargetDBInstanceIdentifier=doomed + "-dbi",
        RestoreTime=window["EarliestTime"])["DBInstance"]["DBInstanceIdentifier"]
    # The retained backups' earliest time is the deleted instance's creation: before its own batch 9.
    assert batches_in(rds, by_resource) == ([1, 2], 20)


def test_deleting_with_automated_backups_leaves_nothing_to_restore(emulator, source):
    rds = emulator.client("rds")
    gone = restore(rds, source["identifier"], "pitr-gone-%s" % uuid.uuid4().hex[:6], UseLatestRestorableTime=True)
    resource_id = rds.describe_db_instances(DBInstanceIdentifier=gone)["DBInstances"][0]["DbiResourceId"]
    rds.delete_db_instance(DBInstanceIdentifier=gone, SkipFinalSnapshot=True)
    assert not rds.describe_db_instance_automated_backups(DBInstanceIdentifier=gone)["DBInstanceAutomatedBackups"]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        rds.restore_db_instance_to_point_in_time(SourceDbiResourceId=resource_id, TargetDBInstanceIdentifier=gone + "-r",
                                                 UseLatestRestorableTime=True)
    assert err.value.response["Error"]["Code"] == "DBInstanceAutomatedBackupNotFound"


def test_amazon_aws_rds_instance_restores_to_a_time(emulator, source, tmp_path):
    rds = emulator.client("rds")
    target = "pitr-ansible-%s" % uuid.uuid4().hex[:6]
    tasks = [{
        "name": "Restore the source to the time after batch 2",
        "amazon.aws.rds_instance": {
            "id": target, "state": "present", "creation_source": "instance",
            "source_db_instance_identifier": source["identifier"],
            "restore_time": source["times"][1].strftime("%Y-%m-%dT%H:%M:%SZ"),
            "db_instance_class": "db.t3.micro", "wait": True,
        },
        "register": "restored",
    }]
    results = run_playbook(emulator, tmp_path, tasks, ["restored"])
    assert results["restored"]["changed"] is True
    assert results["restored"]["db_instance_identifier"] == target
    assert batches_in(rds, target) == ([1, 2], 20)
