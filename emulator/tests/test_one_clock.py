"""One clock: what moto dates (S3 objects, Auto Scaling activities, EC2 launch times, RDS instances) and RDS's native
point-in-time window follow the clock that dates recovery points and jobs, so an object nobody touched since a backup is
older than that backup, and a restore to a day of the seeded history holds what that day wrote, as on AWS
(emulator/oneclock.py, emulator/pitr.py)."""

import datetime
import time

import pymysql

from emulator.backup import Clock
from emulator.seed import DB_PASSWORD
from emulator.testing import points_of as vault_points


def points_of(backup, resource_arn):
    pages = backup.get_paginator("list_recovery_points_by_resource").paginate(ResourceArn=resource_arn)
    return [point for page in pages for point in page["RecoveryPoints"]]


def test_the_seeded_world_is_older_than_its_backups_and_a_new_write_is_dated_by_the_clock(emulator, world):
    s3, backup = emulator.client("s3"), emulator.client("backup")
    bucket = world["buckets"]["12"]
    first_backup = min(point["CreationDate"] for point in points_of(backup, "arn:aws:s3:::%s" % bucket))
    seeded = s3.head_object(Bucket=bucket, Key="docs/read me.txt")["LastModified"]
    # Written an hour before the first backup, as the seed claims, not at the moment the seed ran.
    assert seeded < first_backup
    assert first_backup - seeded <= datetime.timedelta(hours=2)

    now = datetime.datetime.fromisoformat(emulator.control("clock")["now"])
    try:
        emulator.control("clock", {"now": (now - datetime.timedelta(days=30)).isoformat()})
        s3.put_object(Bucket=bucket, Key="one-clock/probe.txt", Body=b"probe")
        listed = s3.list_object_versions(Bucket=bucket, Prefix="one-clock/")["Versions"][0]["LastModified"]
        dated = s3.head_object(Bucket=bucket, Key="one-clock/probe.txt")["LastModified"]
    finally:
        emulator.control("clock", {"now": now.isoformat()})
        s3.delete_object(Bucket=bucket, Key="one-clock/probe.txt")
    assert abs(dated - (now - datetime.timedelta(days=30))) < datetime.timedelta(minutes=5)
    assert listed == dated


def test_rds_is_on_the_clock_a_restore_to_a_seeded_day_holds_what_that_day_wrote(emulator, world):
    """The seed wrote each day's orders and audit row five minutes before that day's 05:00 backup, on the clock: the
    instance was made before the first backup, the native window opens then, and a restore to the third morning holds
    the first three days and nothing later (the binary logs are real time; pitr.py maps them to the clock)."""
    rds, backup = emulator.client("rds"), emulator.client("backup")
    identifier = world["db"]["identifier"]
    # The seeded plan's daily points in the seeded vault, copies left out: a copy keeps its source's CreationDate, so a
    # copy of the second morning (another test's, in another vault of this region) would be listed as a morning too.
    mornings = sorted(point["CreationDate"] for point in vault_points(backup, world["vault"], ByResourceArn=world["db"]["arn"])
                      if (point.get("CreatedBy") or {}).get("BackupRuleName") == "daily" and not point.get("SourceBackupVaultArn"))
    assert len(mornings) >= 3, mornings
    first, third = mornings[0], mornings[2]
    instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    assert first - datetime.timedelta(hours=2) <= instance["InstanceCreateTime"] < first
    [automated] = rds.describe_db_instance_automated_backups(DBInstanceIdentifier=identifier)["DBInstanceAutomatedBackups"]
    window = automated["RestoreWindow"]
    assert abs(window["LatestTime"] - datetime.datetime.now(datetime.timezone.utc)) < datetime.timedelta(minutes=5)
    # Eight seeded days, seven days of retention: the window opens seven days back on the clock, after the first backup.
    assert abs(window["EarliestTime"] - (window["LatestTime"] - datetime.timedelta(days=7))) < datetime.timedelta(minutes=1)
    assert first < window["EarliestTime"] < third
    target = "one-clock-day-3"
    rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier=identifier, TargetDBInstanceIdentifier=target,
                                             RestoreTime=third, DBInstanceClass="db.t3.micro")
    try:
        for _attempt in range(600):
            found = rds.describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
            if found["DBInstanceStatus"] == "available":
                break
            time.sleep(0.2)
        endpoint = found["Endpoint"]
        with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=DB_PASSWORD,
                             database=world["db"]["name"], connect_timeout=10) as conn, conn.cursor() as cur:
            cur.execute("SELECT action FROM audit_log WHERE actor = 'seed' ORDER BY id")
            assert [row[0] for row in cur.fetchall()] == ["day 1 closed", "day 2 closed", "day 3 closed"]
            cur.execute("SELECT MAX(created_at) FROM orders")
            assert cur.fetchone()[0] <= third.replace(tzinfo=None)
    finally:
        rds.delete_db_instance(DBInstanceIdentifier=target, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)


def test_the_clock_dates_a_real_instant_as_it_did_then_and_finds_a_clock_time_back_in_real_time():
    """Clock.to_clock / to_real (backup.py), which put RDS's real binary logs on the clock: a seed moves the clock days
    back, then forward day by day; a test moves it back and forth and returns."""
    clock = Clock()
    day = 86400.0
    clock.history = [(900.0, 0.0), (1000.0, -3 * day), (2000.0, -2 * day), (3000.0, 0.0), (3010.0, -30 * day), (3011.0, 0.0)]
    assert clock.to_clock(1500.0) == 1500.0 - 3 * day and clock.to_clock(500.0) == 500.0
    assert clock.to_real(1500.0 - 3 * day) == 1500.0
    # Between the two seeded days the clock jumped over half a day: a time in it is the instant of the jump.
    assert clock.to_real(2000.0 - 2.5 * day) == 2000.0
    # A test that moved the clock back for a moment does not capture the seeded days it never showed.
    assert clock.to_real(2500.0 - 2 * day) == 2500.0
    assert clock.to_real(3010.5 - 30 * day) == 3010.5
