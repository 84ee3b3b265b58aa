"""One clock: what moto dates (S3 objects, Auto Scaling activities, EC2 launch times) follows the clock that dates
recovery points and jobs, so an object nobody touched since a backup is older than that backup, as on AWS. (RDS stays
on real time with its binary logs: emulator/oneclock.py.)"""

import datetime


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
