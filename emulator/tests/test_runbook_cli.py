"""The runbook's own commands (sections 5 and 6), run through the real AWS CLI against the emulator.

A responder copies these commands from the runbook at 3 a.m.; these tests show what each one really prints,
including the traps DESIGN.md names: `[0]` is not the newest recovery point, `contains(..., 'tenant-1')` also
matches tenant-12 and tenant-100, the sample metadata's bare security group string is refused, and a recovery
point's own restore metadata names the production source as the target.

The CLI runs as a subprocess with only the emulator's credentials, region and endpoint: no profile, config or
credentials file of the machine can leak in. Waits poll for a state with a bounded number of attempts; no test
asserts on elapsed time.
"""

import datetime
import json
import os
import subprocess
import sys
import time

import pymysql

from emulator.seed import AWKWARD_KEYS, DB_PASSWORD

AWS = os.path.join(os.path.dirname(sys.executable), "aws")
RESTORED_DB = "multi-tenant-app-prod-db-restore-cli"
STAGING_BUCKET = "multi-tenant-app-prod-tenant-12-restore"
# A safety net against hangs only (attempts, not seconds): a restore that needs more is a bug, not a slow machine.
MAX_POLLS = 600
# The runbook's sample restore-metadata.json (section 5.2), verbatim.
RUNBOOK_METADATA = {
    "SubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
    "VpcSecurityGroupIds": "sg-0123456789abcdef0",
    "DbInstanceIdentifier": "multi-tenant-app-prod-db-restore",
    "DbInstanceClass": "db.t3.medium",
    "DbSubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
    "Engine": "mysql",
}


def aws(emulator, *args, check=True):
    """Run `aws <args> --endpoint-url <emulator>` with nothing from the machine's AWS configuration."""
    env = dict(emulator.env())
    env.update({"PATH": os.environ.get("PATH", ""), "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "PYTHONIOENCODING": "utf-8"})
    proc = subprocess.run([AWS, *args, "--endpoint-url", emulator.endpoint], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, check=False)
    if check:
        assert proc.returncode == 0, "aws %s failed (%d): %s" % (" ".join(args), proc.returncode, proc.stderr)
    return proc


def aws_json(emulator, *args):
    return json.loads(aws(emulator, *args, "--output", "json").stdout)


def timestamp(value):
    """A CLI timestamp as an aware datetime: awscli v1 prints the wire value (epoch seconds) unless told otherwise."""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def vault_points(emulator, world, resource_type):
    """All of the vault's recovery points of one type, in the order the API (and so the CLI) returns them."""
    return aws_json(emulator, "backup", "list-recovery-points-by-backup-vault", "--backup-vault-name", world["vault"],
                    "--by-resource-type", resource_type)["RecoveryPoints"]


def newest(points):
    return max(points, key=lambda p: timestamp(p["CreationDate"]))


def scheduled(points, world, resource_arn):
    """The COMPLETED points of one resource that the runbook's backup plan made (the seeded history).

    Production moved on after the plan's last backup (the seed's last business day); ad-hoc backups that other tests
    of the session may take are left out, so what the newest of these must not contain is known.
    """
    return [p for p in points if p["ResourceArn"] == resource_arn and p["Status"] == "COMPLETED"
            and (p.get("CreatedBy") or {}).get("BackupPlanId") == world["backup_plan_id"]]


def wait_restore_job(emulator, job_id):
    """Poll `aws backup describe-restore-job` until the job is final; return the last description."""
    polls = 0
    while True:
        job = aws_json(emulator, "backup", "describe-restore-job", "--restore-job-id", job_id)
        polls += 1
        if job["Status"] in ("COMPLETED", "FAILED", "ABORTED"):
            return job
        assert polls < MAX_POLLS, "restore job %s still %s after %d polls" % (job_id, job["Status"], polls)
        time.sleep(0.5)


def bucket_arn(name):
    return "arn:aws:s3:::%s" % name


def lookup(metadata, key):
    """A restore metadata value by key, case-insensitively, as AWS Backup reads metadata keys."""
    found = [value for name, value in metadata.items() if name.lower() == key.lower()]
    assert len(found) == 1, "expected one %s in %s" % (key, metadata)
    return found[0]


def test_5_1_first_completed_rds_point_is_not_the_newest(emulator, world):
    """5.1: the runbook's query prints one COMPLETED RDS point of the production DB, but `[0]` trusts an order AWS never
    promised: the newest point (by CreationDate) exists and is not first, so a responder must select by CreationDate."""
    proc = aws(emulator, "backup", "list-recovery-points-by-backup-vault", "--backup-vault-name", world["vault"],
               "--by-resource-type", "RDS", "--query", "RecoveryPoints[?Status==`COMPLETED`]|[0].RecoveryPointArn",
               "--output", "text")
    first = proc.stdout.strip()
    assert first.startswith("arn:aws:") and len(first.split()) == 1, proc.stdout

    points = vault_points(emulator, world, "RDS")
    by_arn = {p["RecoveryPointArn"]: p for p in points}
    assert first == [p for p in points if p["Status"] == "COMPLETED"][0]["RecoveryPointArn"]
    assert by_arn[first]["ResourceType"] == "RDS"
    resources = {p["ResourceArn"] for p in points}
    assert world["db"]["arn"] in resources
    # In the seeded world the production DB is the vault's only RDS resource, so `[0]` is one of its points. Tests that ran
    # earlier in the session may have backed up other databases into this vault: the query names no resource, and then
    # its `[0]` may even be another database's point.
    if resources == {world["db"]["arn"]}:
        assert by_arn[first]["ResourceArn"] == world["db"]["arn"]
    assert len(scheduled(points, world, world["db"]["arn"])) > 1

    latest = newest([p for p in points if p["Status"] == "COMPLETED"])
    dates = [timestamp(p["CreationDate"]) for p in points]
    assert dates != sorted(dates, reverse=True), "the list came back newest-first; the [0] trap would not show"
    assert points[0]["RecoveryPointArn"] != latest["RecoveryPointArn"]
    assert first != latest["RecoveryPointArn"], "the runbook's [0] picked the newest point by chance"


def test_5_2_runbook_metadata_is_refused_and_corrected_metadata_restores(emulator, world, tmp_path, clean_faults):
    """5.2: the runbook's sample metadata (security groups as one bare string) is refused naming VpcSecurityGroupIds and
    starts nothing; the corrected file restores the plan's newest point of the production DB into a new instance a
    responder can connect to, holding the point's data (not production's later writes); get-restore-job-metadata shows
    the metadata used."""
    latest = newest(scheduled(vault_points(emulator, world, "RDS"), world, world["db"]["arn"]))
    arn = latest["RecoveryPointArn"]
    jobs_before = aws_json(emulator, "backup", "list-restore-jobs")["RestoreJobs"]

    runbook_file = tmp_path / "restore-metadata.json"
    runbook_file.write_text(json.dumps(RUNBOOK_METADATA, indent=2), encoding="utf-8")
    refused = aws(emulator, "backup", "start-restore-job", "--recovery-point-arn", arn, "--metadata", "file://%s" % runbook_file,
                  "--iam-role-arn", world["backup_role_arn"], check=False)
    assert refused.returncode != 0
    assert "InvalidParameterValueException" in refused.stderr
    assert "VpcSecurityGroupIds" in refused.stderr
    assert aws_json(emulator, "backup", "list-restore-jobs")["RestoreJobs"] == jobs_before, "a refused request started a job"

    corrected = dict(RUNBOOK_METADATA, DbInstanceIdentifier=RESTORED_DB, SubnetGroupName=world["db_subnet_group"],
                     DbSubnetGroupName=world["db_subnet_group"], VpcSecurityGroupIds=json.dumps([world["db_security_group_id"]]))
    corrected_file = tmp_path / "restore-metadata-corrected.json"
    corrected_file.write_text(json.dumps(corrected, indent=2), encoding="utf-8")
    started = json.loads(aws(emulator, "backup", "start-restore-job", "--recovery-point-arn", arn, "--metadata",
                             "file://%s" % corrected_file, "--iam-role-arn", world["backup_role_arn"], "--output", "json").stdout)
    job = wait_restore_job(emulator, started["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job
    assert job["RecoveryPointArn"] == arn
    assert job["CreatedResourceArn"].endswith(":db:%s" % RESTORED_DB)

    instance = aws_json(emulator, "rds", "describe-db-instances", "--db-instance-identifier", RESTORED_DB)["DBInstances"][0]
    assert instance["DBInstanceArn"] == job["CreatedResourceArn"]
    assert instance["DBInstanceClass"] == "db.t3.medium"
    assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == world["db_subnet_group"]
    assert [g["VpcSecurityGroupId"] for g in instance["VpcSecurityGroups"]] == [world["db_security_group_id"]]

    point_time = timestamp(latest["CreationDate"]).replace(tzinfo=None)
    counts = {}
    for name, port in ((RESTORED_DB, instance["Endpoint"]["Port"]), ("source", world["db"]["port"])):
        conn = pymysql.connect(host=instance["Endpoint"]["Address"] if name == RESTORED_DB else world["db"]["host"], port=port,
                               user="admin", password=DB_PASSWORD, database=world["db"]["name"], connect_timeout=30)
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW TABLES")
                tables = {row[0] for row in cur.fetchall()}
                cur.execute("SELECT COUNT(*), MAX(created_at) FROM orders")
                counts[name] = cur.fetchone()
        finally:
            conn.close()
        assert "orders" in tables
    restored_count, restored_newest = counts[RESTORED_DB]
    assert restored_count > 0
    assert restored_newest <= point_time, "the restore holds rows written after the recovery point"
    assert counts["source"][0] > restored_count, "production's writes after the point should be absent from the restore"

    used = aws_json(emulator, "backup", "get-restore-job-metadata", "--restore-job-id", started["RestoreJobId"])
    assert used["RestoreJobId"] == started["RestoreJobId"]
    assert lookup(used["Metadata"], "DBInstanceIdentifier") == RESTORED_DB
    assert json.loads(lookup(used["Metadata"], "VpcSecurityGroupIds")) == [world["db_security_group_id"]]
    assert lookup(used["Metadata"], "DBSubnetGroupName") == world["db_subnet_group"]


def test_6_1_contains_query_matches_other_tenants_and_exact_match_does_not(emulator, world):
    """6.1: `contains(ResourceArn, 'tenant-1')` returns tenant-1's, tenant-12's and tenant-100's points (restoring the
    first of them can restore the wrong tenant); an exact ResourceArn match returns tenant-1's points only."""
    base = ["backup", "list-recovery-points-by-backup-vault", "--backup-vault-name", world["vault"], "--by-resource-type", "S3"]
    loose = aws_json(emulator, *base, "--query", "RecoveryPoints[?contains(ResourceArn, `tenant-1`)]")
    # Other tests of a session may add buckets with "tenant-1" in their names; the three tenants are matched regardless.
    assert {bucket_arn(world["buckets"][t]) for t in ("1", "12", "100")} <= {p["ResourceArn"] for p in loose}

    tenant_1 = bucket_arn(world["buckets"]["1"])
    assert tenant_1 == "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    exact = aws_json(emulator, *base, "--query", "RecoveryPoints[?ResourceArn=='%s']" % tenant_1)
    assert exact and {p["ResourceArn"] for p in exact} == {tenant_1}
    assert len(exact) == len([p for p in vault_points(emulator, world, "S3") if p["ResourceArn"] == tenant_1])
    assert len(exact) < len(loose)


def test_6_2_restore_tenant_12_to_staging_bucket_carries_keys_tags_metadata_encryption(emulator, world, clean_faults):
    """6.2: restoring tenant 12's newest scheduled point into a new staging bucket (NewBucket true) completes; the staging
    bucket holds exactly the keys the bucket had at the point (awkward keys intact, later writes absent), with each object's
    tags, user metadata, content type and KMS encryption as in the source."""
    source = world["buckets"]["12"]
    points = scheduled(vault_points(emulator, world, "S3"), world, bucket_arn(source))
    point = newest(points)
    point_time = timestamp(point["CreationDate"])
    started = aws_json(emulator, "backup", "start-restore-job", "--recovery-point-arn", point["RecoveryPointArn"], "--metadata",
                       json.dumps({"DestinationBucketName": STAGING_BUCKET, "NewBucket": "true"}),
                       "--iam-role-arn", world["backup_role_arn"])
    job = wait_restore_job(emulator, started["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job
    assert job["CreatedResourceArn"] == bucket_arn(STAGING_BUCKET)

    def keys(bucket):
        return {o["Key"] for o in aws_json(emulator, "s3api", "list-objects-v2", "--bucket", bucket).get("Contents", [])}

    # Each daily backup ran after that day's report was written: the point holds the reports of the days up to its own.
    days = len([p for p in points if (p.get("CreatedBy") or {}).get("BackupRuleName") == "daily" and timestamp(p["CreationDate"]) <= point_time])
    expected = set(AWKWARD_KEYS) | {"reports/day-%02d.csv" % day for day in range(1, days + 1)}
    restored = keys(STAGING_BUCKET)
    assert restored == expected
    # The seed's last business day wrote the next report after the plan's last backup: in production, not in the point.
    later = "reports/day-%02d.csv" % (days + 1)
    assert later in keys(source) and later not in restored

    for key in AWKWARD_KEYS:
        for bucket in (source, STAGING_BUCKET):
            head = aws_json(emulator, "s3api", "head-object", "--bucket", bucket, "--key", key)
            tags = aws_json(emulator, "s3api", "get-object-tagging", "--bucket", bucket, "--key", key)["TagSet"]
            assert {t["Key"]: t["Value"] for t in tags} == {"tenant": "12", "class": "doc"}, (bucket, key)
            assert head["Metadata"] == {"tenant": "12", "source": "seed"}, (bucket, key)
            assert head["ContentType"] == "text/plain", (bucket, key)
            assert head["ServerSideEncryption"] == "aws:kms", (bucket, key)
            assert head["SSEKMSKeyId"] == world["kms_key_arn"], (bucket, key)
            assert head["ContentLength"] == len(("%s of tenant 12\n" % key).encode()), (bucket, key)
    body = emulator.client("s3").get_object(Bucket=STAGING_BUCKET, Key=AWKWARD_KEYS[3])["Body"].read()
    assert body == ("%s of tenant 12\n" % AWKWARD_KEYS[3]).encode()


def test_recovery_point_description_and_restore_metadata_name_the_source(emulator, world):
    """describe-recovery-point gives a responder Status, CreationDate and ResourceArn; get-recovery-point-restore-metadata
    names the SOURCE DB instance and bucket as the target, so merging it blindly would restore onto production."""
    cases = (("RDS", world["db"]["arn"], "DBInstanceIdentifier", world["db"]["identifier"]),
             ("S3", bucket_arn(world["buckets"]["12"]), "DestinationBucketName", world["buckets"]["12"]))
    for resource_type, resource_arn, target_key, source_name in cases:
        point = newest(scheduled(vault_points(emulator, world, resource_type), world, resource_arn))
        arn = point["RecoveryPointArn"]
        described = aws_json(emulator, "backup", "describe-recovery-point", "--backup-vault-name", world["vault"],
                             "--recovery-point-arn", arn)
        assert described["RecoveryPointArn"] == arn
        assert described["Status"] == "COMPLETED"
        assert described["ResourceArn"] == resource_arn
        assert described["ResourceType"] == resource_type
        assert timestamp(described["CreationDate"]) == timestamp(point["CreationDate"])
        assert timestamp(described["CreationDate"]) < datetime.datetime.now(tz=datetime.timezone.utc)

        metadata = aws_json(emulator, "backup", "get-recovery-point-restore-metadata", "--backup-vault-name", world["vault"],
                            "--recovery-point-arn", arn)
        assert metadata["RecoveryPointArn"] == arn
        assert lookup(metadata["RestoreMetadata"], target_key) == source_name, "the point's own metadata targets the source"
