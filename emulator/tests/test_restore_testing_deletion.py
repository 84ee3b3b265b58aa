"""What AWS Backup does with what a restore test restored (emulator/backup_restore_tests.py): it deletes it once a
validation result ends the validation or the selection's validation window ends, whichever comes first, and the restore
job reports DeletionStatus DELETING, then SUCCESSFUL or FAILED. And a copied point keeps its source's CreationDate.
Each behaviour is a row of docs/emulator-fidelity.md.

Every test makes its own restore testing plan (removed afterwards) over the seeded points; the plans restore to new,
generated names, so the seeded world is not changed. A test that moves the clock moves it back.
"""

import contextlib
import time
import uuid

import botocore.exceptions
import pytest

from emulator.client import REGION
from emulator.testing import newest_scheduled, points_of, wait_deletion, wait_restore

HOUR = 3600


def unique(prefix):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:10])


@contextlib.contextmanager
def own_plan(backup, selection):
    """A restore testing plan with one selection (SELECTION, without its name); deleted afterwards."""
    name = unique("rtdel")
    backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": name, "ScheduleExpression": "cron(0 1 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"],
                                   "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 30}})
    backup.create_restore_testing_selection(RestoreTestingPlanName=name, RestoreTestingSelection=dict(
        selection, RestoreTestingSelectionName="only"))
    try:
        yield name
    finally:
        backup.delete_restore_testing_selection(RestoreTestingPlanName=name, RestoreTestingSelectionName="only")
        backup.delete_restore_testing_plan(RestoreTestingPlanName=name)


def run_plan(emulator, backup, name):
    """Run the plan now; return its one restore job, COMPLETED."""
    job_ids = emulator.control("restore-testing/run", {"region": REGION, "plan_name": name})["restore_job_ids"]
    assert len(job_ids) == 1, job_ids
    job = wait_restore(backup, job_ids[0])
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    return job


def bucket_selection(world, tenant="1", hours=4):
    selection = {"ProtectedResourceType": "S3", "IamRoleArn": world["backup_role_arn"],
                 "ProtectedResourceArns": ["arn:aws:s3:::%s" % world["buckets"][tenant]]}
    if hours is not None:
        selection["ValidationWindowHours"] = hours
    return selection


def db_selection(world, hours, overrides=None):
    return {"ProtectedResourceType": "RDS", "IamRoleArn": world["backup_role_arn"], "ProtectedResourceArns": [world["db"]["arn"]],
            "ValidationWindowHours": hours, "RestoreMetadataOverrides": overrides or {}}


def listed(backup, job_id):
    """The job as ListRestoreJobs shows it."""
    pages = backup.get_paginator("list_restore_jobs").paginate()
    return next(job for page in pages for job in page["RestoreJobs"] if job["RestoreJobId"] == job_id)


def bucket_exists(emulator, name):
    try:
        emulator.client("s3").head_bucket(Bucket=name)
        return True
    except botocore.exceptions.ClientError as err:
        assert err.response["Error"]["Code"] in ("404", "NoSuchBucket"), err.response
        return False


def db_exists(emulator, identifier):
    try:
        emulator.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)
        return True
    except botocore.exceptions.ClientError as err:
        assert err.response["Error"]["Code"] == "DBInstanceNotFound", err.response
        return False


@contextlib.contextmanager
def clock_moved(emulator):
    """Move the clock forward as the test asks (the yielded function takes seconds); move it back afterwards."""
    moved = []

    def advance(seconds):
        emulator.control("clock", {"advance_seconds": seconds})
        moved.append(seconds)
    try:
        yield advance
    finally:
        emulator.control("clock", {"advance_seconds": -sum(moved)})


def test_a_validation_result_deletes_the_restored_bucket(emulator, world, backup, clean_faults):
    """Until a result is put the restored bucket stays and the job has no DeletionStatus; PutRestoreValidationResult
    SUCCESSFUL sends it for deletion at once (DELETING, the window of 4 hours notwithstanding), then SUCCESSFUL, in
    DescribeRestoreJob and ListRestoreJobs, and the bucket with its objects is gone. A result put afterwards is still
    recorded and changes nothing of the deletion."""
    emulator.control("jobs/duration", {"deletion": 1.5})
    with own_plan(backup, bucket_selection(world)) as name:
        job = run_plan(emulator, backup, name)
        bucket = job["CreatedResourceArn"].split(":::")[1]
        assert job["ValidationStatus"] == "VALIDATING"
        assert "DeletionStatus" not in job and "DeletionStatus" not in listed(backup, job["RestoreJobId"])
        assert bucket_exists(emulator, bucket)
        assert emulator.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"] > 0

        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="SUCCESSFUL",
                                             ValidationStatusMessage="checked")
        deleting = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
        assert deleting["DeletionStatus"] == "DELETING" and deleting["ValidationStatus"] == "SUCCESSFUL"
        assert listed(backup, job["RestoreJobId"])["DeletionStatus"] == "DELETING"
        done = wait_deletion(backup, job["RestoreJobId"])
        assert done["DeletionStatus"] == "SUCCESSFUL", done.get("DeletionStatusMessage")
        assert listed(backup, job["RestoreJobId"])["DeletionStatus"] == "SUCCESSFUL"
        assert not bucket_exists(emulator, bucket)
        assert bucket not in [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]

        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="FAILED", ValidationStatusMessage="late")
        late = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
        assert (late["ValidationStatus"], late["ValidationStatusMessage"], late["DeletionStatus"]) == ("FAILED", "late", "SUCCESSFUL")


@pytest.mark.parametrize("status", ["FAILED", "TIMED_OUT"])
def test_every_result_but_validating_ends_the_validation(emulator, world, backup, status):
    """VALIDATING leaves the restore where it is; FAILED and TIMED_OUT end the validation as SUCCESSFUL does."""
    with own_plan(backup, bucket_selection(world, tenant="12")) as name:
        job = run_plan(emulator, backup, name)
        bucket = job["CreatedResourceArn"].split(":::")[1]
        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="VALIDATING")
        time.sleep(0.3)  # a few ticks of the emulator's ticker
        assert "DeletionStatus" not in backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
        assert bucket_exists(emulator, bucket)
        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus=status)
        assert wait_deletion(backup, job["RestoreJobId"])["DeletionStatus"] == "SUCCESSFUL"
        assert not bucket_exists(emulator, bucket)


def test_the_end_of_the_window_deletes_the_restored_database(emulator, world, backup):
    """No result is put: the restored DB instance (and its MariaDB) stays through its window of 1 hour on the
    emulator's clock, counted from the job's completion, and is deleted when it ends; the validation stays VALIDATING.
    A restore that no restore test started is not deleted."""
    s3_point = newest_scheduled(points_of(backup, world["vault"], ByResourceType="S3"))
    ordinary = backup.start_restore_job(RecoveryPointArn=s3_point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                        Metadata={"DestinationBucketName": "rtdel-ordinary-%s" % uuid.uuid4().hex[:8],
                                                  "NewBucket": "true"})["RestoreJobId"]
    ordinary_bucket = wait_restore(backup, ordinary)["CreatedResourceArn"].split(":::")[1]
    with own_plan(backup, db_selection(world, 1)) as name, clock_moved(emulator) as advance:
        job = run_plan(emulator, backup, name)
        identifier = job["CreatedResourceArn"].split(":db:")[1]
        assert identifier.startswith("awsbackup-restore-test-") and db_exists(emulator, identifier)
        advance(HOUR - 120)
        time.sleep(0.3)
        assert "DeletionStatus" not in backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
        assert db_exists(emulator, identifier)

        advance(240)
        done = wait_deletion(backup, job["RestoreJobId"])
        assert done["DeletionStatus"] == "SUCCESSFUL", done.get("DeletionStatusMessage")
        assert done["ValidationStatus"] == "VALIDATING"
        assert not db_exists(emulator, identifier)
    assert "DeletionStatus" not in backup.describe_restore_job(RestoreJobId=ordinary)
    assert bucket_exists(emulator, ordinary_bucket)


@pytest.mark.parametrize("hours", [0, None])
def test_a_window_of_zero_or_none_deletes_as_soon_as_the_restore_completes(emulator, world, backup, hours):
    """ValidationWindowHours 0, or left out (the service model's default, 0): the restored bucket is deleted as soon as
    the restore completes, before any validation could read it."""
    with own_plan(backup, bucket_selection(world, hours=hours)) as name:
        job = run_plan(emulator, backup, name)
        done = wait_deletion(backup, job["RestoreJobId"])
        assert done["DeletionStatus"] == "SUCCESSFUL" and done["ValidationStatus"] == "VALIDATING"
        assert not bucket_exists(emulator, job["CreatedResourceArn"].split(":::")[1])


def test_a_bucket_already_deleted_fails_the_deletion(emulator, world, backup):
    """The restored bucket deleted by someone else before the result is put: the deletion ends FAILED with S3's
    reason in DeletionStatusMessage."""
    s3 = emulator.client("s3")
    with own_plan(backup, bucket_selection(world)) as name:
        job = run_plan(emulator, backup, name)
        bucket = job["CreatedResourceArn"].split(":::")[1]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)
        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="SUCCESSFUL")
        done = wait_deletion(backup, job["RestoreJobId"])
        assert done["DeletionStatus"] == "FAILED"
        assert bucket in done["DeletionStatusMessage"] and "does not exist" in done["DeletionStatusMessage"]


def test_a_protected_database_fails_the_deletion_and_stays(emulator, world, backup):
    """A restore made with DeletionProtection (a metadata override) cannot be deleted: FAILED with RDS's message,
    and the instance stays (this test removes it)."""
    rds = emulator.client("rds")
    with own_plan(backup, db_selection(world, 4, {"DeletionProtection": "true"})) as name:
        job = run_plan(emulator, backup, name)
        identifier = job["CreatedResourceArn"].split(":db:")[1]
        try:
            backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="SUCCESSFUL")
            done = wait_deletion(backup, job["RestoreJobId"])
            assert done["DeletionStatus"] == "FAILED"
            assert "deletion protection" in done["DeletionStatusMessage"]
            assert db_exists(emulator, identifier)
        finally:
            rds.modify_db_instance(DBInstanceIdentifier=identifier, DeletionProtection=False, ApplyImmediately=True)
            rds.delete_db_instance(DBInstanceIdentifier=identifier, SkipFinalSnapshot=True)


def test_a_restored_instance_is_terminated(emulator, world, backup):
    """An EC2 restore test: the result sends the instance for deletion; it ends terminated."""
    selection = {"ProtectedResourceType": "EC2", "IamRoleArn": world["backup_role_arn"],
                 "ProtectedResourceArns": [world["app"]["instance_arn"]], "ValidationWindowHours": 4}
    with own_plan(backup, selection) as name:
        job = run_plan(emulator, backup, name)
        instance_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
        ec2 = emulator.client("ec2")
        assert ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"] == "running"
        backup.put_restore_validation_result(RestoreJobId=job["RestoreJobId"], ValidationStatus="SUCCESSFUL")
        assert wait_deletion(backup, job["RestoreJobId"])["DeletionStatus"] == "SUCCESSFUL"
        assert ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["State"]["Name"] == "terminated"


def test_a_copy_keeps_its_source_creation_date(emulator, world, backup):
    """StartCopyJob of a seeded point (days old): the copy's CreationDate is the source's, not the copy's time, and its
    retention counts from it (DeleteAt = source's CreationDate + the copy's DeleteAfterDays)."""
    source = newest_scheduled(points_of(backup, world["vault"], ByResourceType="S3"))
    vault = "rtdel-copy-%s" % uuid.uuid4().hex[:8]
    vault_arn = backup.create_backup_vault(BackupVaultName=vault)["BackupVaultArn"]
    started = backup.start_copy_job(RecoveryPointArn=source["RecoveryPointArn"], SourceBackupVaultName=world["vault"],
                                    DestinationBackupVaultArn=vault_arn, IamRoleArn=world["backup_role_arn"],
                                    Lifecycle={"DeleteAfterDays": 40})
    emulator.wait_for_jobs()
    copy_job = backup.describe_copy_job(CopyJobId=started["CopyJobId"])["CopyJob"]
    assert copy_job["State"] == "COMPLETED", copy_job.get("StatusMessage")
    copied = backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=copy_job["DestinationRecoveryPointArn"])
    assert copied["CreationDate"] == source["CreationDate"]
    assert copied["CreationDate"] < started["CreationDate"]
    listed_copy = points_of(backup, vault)[0]
    assert listed_copy["CreationDate"] == source["CreationDate"]
    assert (copied["CalculatedLifecycle"]["DeleteAt"] - source["CreationDate"]).days == 40
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=copied["RecoveryPointArn"])
    backup.delete_backup_vault(BackupVaultName=vault)
