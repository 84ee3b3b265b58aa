"""Restores do real work: the data that comes back is the data of the recovery point, checked row by row and byte by byte."""

import datetime
import json
import os
import threading
import time

import pymysql
import pytest

from emulator.client import Emulator
from emulator.seed import AWKWARD_KEYS, DB_PASSWORD
from emulator.testing import newest, newest_scheduled, points_of, wait_restore


def connect(rds, identifier, password, database=None):
    endpoint = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["Endpoint"]
    return pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=password,
                           database=database, autocommit=True, connect_timeout=10)


def backup_now(emulator, world, resource_arn):
    backup = emulator.client("backup")
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=resource_arn, IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=started["BackupJobId"])["State"] == "COMPLETED"
    return started["RecoveryPointArn"]


def test_rds_backup_under_writes_restores_a_consistent_prefix(emulator, world):
    """Writes run during the backup: the restore holds rows 1..N with no gap, nothing written after, and static tables unchanged."""
    rds = emulator.client("rds")
    backup = emulator.client("backup")
    password = "Writer-test-pw-1"
    rds.create_db_instance(DBInstanceIdentifier="writes-db", DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
                           MasterUsername="admin", MasterUserPassword=password, DBName="shop")
    conn = connect(rds, "writes-db", password, "shop")
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE ledger (id BIGINT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB")
        cur.execute("CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB")
        cur.executemany("INSERT INTO countries VALUES (%s, %s)", [("DE", "Germany"), ("FR", "France"), ("JP", "Japan")])
        cur.execute("CHECKSUM TABLE countries")
        static_checksum = cur.fetchone()[1]
    stop = threading.Event()
    written = []

    def writer():
        with connect(rds, "writes-db", password, "shop") as wconn, wconn.cursor() as wcur:
            n = 0
            while not stop.is_set():
                n += 1
                wcur.execute("INSERT INTO ledger VALUES (%s, %s)", (n, "row %d" % n))
                written.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 50:
            time.sleep(0.01)
        point_arn = backup_now(emulator, world, "arn:aws:rds:us-east-1:123456789012:db:writes-db")
        mark = len(written)
        while len(written) < mark + 50:
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()
    final = len(written)
    metadata = {"DBInstanceIdentifier": "writes-db-restore", "DBInstanceClass": "db.t3.micro"}
    job = backup.start_restore_job(RecoveryPointArn=point_arn, IamRoleArn=world["backup_role_arn"], Metadata=metadata)
    done = wait_restore(backup, job["RestoreJobId"])
    assert done["Status"] == "COMPLETED", done.get("StatusMessage")
    assert done["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:db:writes-db-restore"
    with connect(rds, "writes-db-restore", password, "shop") as restored, restored.cursor() as cur:
        cur.execute("SELECT COUNT(*), MIN(id), MAX(id) FROM ledger")
        count, low, high = cur.fetchone()
        cur.execute("CHECKSUM TABLE countries")
        assert cur.fetchone()[1] == static_checksum
    assert count == high and low == 1, "the restore must hold a gap-free prefix"
    assert 50 <= count < final, "rows written after the backup must be absent"


def test_rds_restore_of_the_seeded_database(emulator, world):
    """The seeded production database restores to a new identifier with its schema; production is untouched."""
    rds = emulator.client("rds")
    backup = emulator.client("backup")
    point = newest_scheduled(points_of(backup, world["vault"], ByResourceArn=world["db"]["arn"]))
    metadata = backup.get_recovery_point_restore_metadata(BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])
    assert metadata["RestoreMetadata"]["DBInstanceIdentifier"] == world["db"]["identifier"], "a point's metadata names its source"
    wanted = dict(metadata["RestoreMetadata"], DBInstanceIdentifier="seeded-db-restore")
    job = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata=wanted)
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    instance = rds.describe_db_instances(DBInstanceIdentifier="seeded-db-restore")["DBInstances"][0]
    assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == world["db_subnet_group"]
    assert instance["MultiAZ"] is True
    assert [g["VpcSecurityGroupId"] for g in instance["VpcSecurityGroups"]] == [world["db_security_group_id"]]
    with connect(rds, "seeded-db-restore", DB_PASSWORD, "app") as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*), MAX(created_at) FROM orders")
        restored_count, restored_newest = cur.fetchone()
    with connect(rds, world["db"]["identifier"], DB_PASSWORD, "app") as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*), MAX(created_at) FROM orders")
        live_count, live_newest = cur.fetchone()
    assert restored_count < live_count and restored_newest < live_newest
    assert restored_newest <= point["CreationDate"].astimezone(datetime.timezone.utc).replace(tzinfo=None)
    # A second restore onto a name that exists fails as a job, with RDS's message.
    job = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata=wanted)
    failed = wait_restore(backup, job["RestoreJobId"])
    assert failed["Status"] == "FAILED" and "already exists" in failed["StatusMessage"]


def test_rds_rename_moves_the_endpoint(emulator, world):
    """Renaming an instance moves its endpoint with the identifier, as RDS does; the old name's endpoint goes dead."""
    rds = emulator.client("rds")
    password = "Rename-test-pw-1"
    rds.create_db_instance(DBInstanceIdentifier="rename-a", DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
                           MasterUsername="admin", MasterUserPassword=password)
    old_port = rds.describe_db_instances(DBInstanceIdentifier="rename-a")["DBInstances"][0]["Endpoint"]["Port"]
    with connect(rds, "rename-a", password) as conn, conn.cursor() as cur:
        cur.execute("CREATE DATABASE marker")
    rds.modify_db_instance(DBInstanceIdentifier="rename-a", NewDBInstanceIdentifier="rename-b", ApplyImmediately=True)
    with connect(rds, "rename-b", password) as conn, conn.cursor() as cur:
        cur.execute("SHOW DATABASES LIKE 'marker'")
        assert cur.fetchone() == ("marker",)
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(host="127.0.0.1", port=old_port, user="admin", password=password, connect_timeout=5)
    new_port = rds.describe_db_instances(DBInstanceIdentifier="rename-b")["DBInstances"][0]["Endpoint"]["Port"]
    rds.delete_db_instance(DBInstanceIdentifier="rename-b", SkipFinalSnapshot=True)
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(host="127.0.0.1", port=new_port, user="admin", password=password, connect_timeout=5)


def test_s3_round_trip_is_exact(emulator, world):
    """Keys with spaces, +, %, unicode and deep prefixes come back with their bytes, metadata, content type, tags and KMS key."""
    s3 = emulator.client("s3")
    backup = emulator.client("backup")
    bucket = world["buckets"]["1"]
    s3.put_object(Bucket=bucket, Key="bin/blob.dat", Body=os.urandom(70000), ContentType="application/octet-stream",
                  CacheControl="max-age=60", ContentEncoding="identity", Metadata={"k": "v"}, Tagging="a=1&b=two%20words",
                  ServerSideEncryption="AES256")
    point_arn = backup_now(emulator, world, "arn:aws:s3:::%s" % bucket)
    source = {}
    for item in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        key = item["Key"]
        got = s3.get_object(Bucket=bucket, Key=key)
        source[key] = (got["Body"].read(), got["ContentType"], got.get("CacheControl"), got["Metadata"],
                       got.get("ServerSideEncryption"), got.get("SSEKMSKeyId"),
                       sorted((t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]))
    assert set(AWKWARD_KEYS) <= set(source)
    # Damage after the backup must not leak into the restore.
    s3.put_object(Bucket=bucket, Key=AWKWARD_KEYS[0], Body=b"damaged")
    job = backup.start_restore_job(RecoveryPointArn=point_arn, IamRoleArn=world["backup_role_arn"],
                                   Metadata={"DestinationBucketName": "%s-restore" % bucket, "NewBucket": "true"})
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    restored = {}
    for item in s3.list_objects_v2(Bucket="%s-restore" % bucket)["Contents"]:
        key = item["Key"]
        got = s3.get_object(Bucket="%s-restore" % bucket, Key=key)
        restored[key] = (got["Body"].read(), got["ContentType"], got.get("CacheControl"), got["Metadata"],
                         got.get("ServerSideEncryption"), got.get("SSEKMSKeyId"),
                         sorted((t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket="%s-restore" % bucket, Key=key)["TagSet"]))
    assert restored == source
    assert restored[AWKWARD_KEYS[3]][5] == world["kms_key_arn"]


def test_s3_restore_skips_existing_keys_and_honours_items_and_encryption(emulator, world):
    """Into an existing bucket a restore never overwrites a key; ItemsToRestore limits it; EncryptionType re-encrypts."""
    s3 = emulator.client("s3")
    backup = emulator.client("backup")
    bucket = world["buckets"]["100"]
    point = newest(points_of(backup, world["vault"], ByResourceArn="arn:aws:s3:::%s" % bucket))
    # A restore into an existing bucket needs its ACLs enabled: S3 disables them on a new bucket unless asked.
    s3.create_bucket(Bucket="tenant-100-partial", ObjectOwnership="BucketOwnerPreferred")
    s3.put_object(Bucket="tenant-100-partial", Key="docs/read me.txt", Body=b"newer in destination")
    items = json.dumps(["s3://%s/docs/" % bucket])
    job = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata={
        "DestinationBucketName": "tenant-100-partial", "NewBucket": "false", "ItemsToRestore": items, "EncryptionType": "SSE-S3"})
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="tenant-100-partial")["Contents"])
    assert keys == sorted(k for k in AWKWARD_KEYS if k.startswith("docs/"))
    assert s3.get_object(Bucket="tenant-100-partial", Key="docs/read me.txt")["Body"].read() == b"newer in destination"
    assert s3.head_object(Bucket="tenant-100-partial", Key="docs/a+b=c.txt")["ServerSideEncryption"] == "AES256"
    with pytest.raises(backup.exceptions.InvalidParameterValueException):
        backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata={
            "DestinationBucketName": "tenant-100-partial", "ItemsToRestore": json.dumps(["s3://another-bucket/x"])})


def test_ec2_restore_launches_what_was_asked(emulator, world):
    """An EC2 point (its ARN is the AMI's) restores to an instance of the requested type, subnet, groups and IMDSv2."""
    backup = emulator.client("backup")
    ec2 = emulator.client("ec2")
    point = newest(points_of(backup, world["vault"], ByResourceType="EC2"))
    assert point["RecoveryPointArn"].startswith("arn:aws:ec2:us-east-1::image/ami-")
    image_id = point["RecoveryPointArn"].rsplit("/", 1)[1]
    assert ec2.describe_images(ImageIds=[image_id])["Images"]
    own = backup.get_recovery_point_restore_metadata(BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])
    assert own["RestoreMetadata"]["RequireIMDSv2"] == "true"
    with pytest.raises(backup.exceptions.ClientError) as err:
        backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                 Metadata=dict(own["RestoreMetadata"], SubnetId=world["subnet_ids"][1]))
    assert "InvalidParameterCombination" in str(err.value)
    metadata = {"InstanceType": "t3.large", "SubnetId": world["subnet_ids"][1], "RequireIMDSv2": "true",
                "SecurityGroupIds": json.dumps([world["app_security_group_id"]])}
    job = wait_restore(backup, backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                                        Metadata=metadata)["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    instance_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
    instance = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["ImageId"] == image_id
    assert instance["InstanceType"] == "t3.large"
    assert instance["SubnetId"] == world["subnet_ids"][1]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [world["app_security_group_id"]]
    assert instance["MetadataOptions"]["HttpTokens"] == "required"


def test_sigterm_stops_every_database_server(tmp_path):
    """On SIGTERM the emulator stops, and no MariaDB server it started is left running."""
    state = tmp_path / "state"
    emu = Emulator(state_dir=str(state), log_path=str(tmp_path / "emu.log")).start()
    try:
        emu.client("rds").create_db_instance(DBInstanceIdentifier="short-lived", DBInstanceClass="db.t3.micro", Engine="mysql",
                                             AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="Short-lived-pw-1")
        assert mariadb_processes(str(state))
    finally:
        emu.stop()
    assert not mariadb_processes(str(state))


def test_a_spare_emulator_starts_a_server_ahead_and_stops_it(tmp_path):
    """--spare: after a DB instance, one more server waits for the next; SIGTERM stops it too and removes it."""
    state = tmp_path / "state"
    servers = state / "mysql" / "servers"
    emu = Emulator(state_dir=str(state), log_path=str(tmp_path / "emu.log"), spare=True).start()
    try:
        emu.client("rds").create_db_instance(DBInstanceIdentifier="first", DBInstanceClass="db.t3.micro", Engine="mysql",
                                             AllocatedStorage=20, MasterUsername="admin", MasterUserPassword="First-pw-1")
        deadline = time.monotonic() + 300
        while len(mariadb_processes(str(state))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(mariadb_processes(str(state))) == 2
        assert sorted(os.listdir(servers)) == ["0001-first", "0002.spare"]
    finally:
        emu.stop()
    assert not mariadb_processes(str(state))
    assert os.listdir(servers) == ["0001-first"]


def mariadb_processes(state_dir):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "mariadbd" in cmdline and state_dir in cmdline:
            found.append(pid)
    return found
