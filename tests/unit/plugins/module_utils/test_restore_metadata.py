"""The metadata, target-safety and exactly-once rules of restore_job, without Ansible or AWS."""

from __future__ import annotations

import datetime
import json

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup.job_progress import progress_line
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs as jobs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm

RDS_ARN = "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
S3_ARN = "arn:aws:backup:us-east-1:123456789012:recovery-point:ABC"
EC2_ARN = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
# The runbook's section 5.2 restore-metadata.json, as written there.
RUNBOOK_SAMPLE = {
    "SubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
    "VpcSecurityGroupIds": "sg-0123456789abcdef0",
    "DbInstanceIdentifier": "multi-tenant-app-prod-db-restore",
    "DbInstanceClass": "db.t3.medium",
    "DbSubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
    "Engine": "mysql",
}
RDS_POINT_METADATA = {
    "DBInstanceIdentifier": "multi-tenant-app-prod-db", "DBInstanceClass": "db.t3.large", "Engine": "mysql",
    "DBSubnetGroupName": "multi-tenant-app-prod-db-subnet-group", "VpcSecurityGroupIds": '["sg-prod"]', "MultiAZ": "true",
    "AvailabilityZone": "us-east-1a", "Port": "3306",
}


def test_runbook_sample_is_normalised():
    merged, warnings = rm.merge("RDS", RDS_POINT_METADATA, RUNBOOK_SAMPLE)
    assert merged["DBInstanceIdentifier"] == "multi-tenant-app-prod-db-restore"
    assert merged["DBInstanceClass"] == "db.t3.medium"
    assert merged["DBSubnetGroupName"] == "multi-tenant-app-prod-db-subnet-group"
    assert json.loads(merged["VpcSecurityGroupIds"]) == ["sg-0123456789abcdef0"]
    assert not {"SubnetGroupName", "DbInstanceIdentifier", "DbSubnetGroupName", "DbInstanceClass"} & set(merged)
    assert warnings == []
    assert all(isinstance(value, str) for value in merged.values())


def test_conflicting_spellings_are_refused_naming_both():
    sample = dict(RUNBOOK_SAMPLE, DbSubnetGroupName="another-group")
    with pytest.raises(rm.MetadataError) as err:
        rm.merge("RDS", RDS_POINT_METADATA, sample)
    assert "SubnetGroupName" in str(err.value) and "another-group" in str(err.value)


def test_values_become_what_the_api_wants():
    given = {"dbinstanceidentifier": "x-restore", "MultiAZ": False, "Port": 3307, "VpcSecurityGroupIds": ["sg-1", "sg-2"],
             "PubliclyAccessible": "no"}
    merged, _warnings = rm.merge("RDS", {}, given)
    assert merged == {"DBInstanceIdentifier": "x-restore", "MultiAZ": "false", "Port": "3307",
                      "VpcSecurityGroupIds": '["sg-1", "sg-2"]', "PubliclyAccessible": "false"}
    merged, _warnings = rm.merge("RDS", {}, {"VpcSecurityGroupIds": "sg-1, sg-2"}, target_name="r")
    assert json.loads(merged["VpcSecurityGroupIds"]) == ["sg-1", "sg-2"]
    with pytest.raises(rm.MetadataError, match="MultiAZ"):
        rm.merge("RDS", {}, {"MultiAZ": "maybe"}, target_name="r")
    with pytest.raises(rm.MetadataError, match="VpcSecurityGroupIds"):
        rm.merge("RDS", {}, {"VpcSecurityGroupIds": {"a": 1}}, target_name="r")


def test_unknown_keys_are_sent_with_a_warning():
    merged, warnings = rm.merge("S3", {}, {"DestinationBucketName": "b-restore", "Colour": "blue"})
    assert merged["Colour"] == "blue"
    assert len(warnings) == 1 and "Colour" in warnings[0]


def test_the_source_is_never_the_target_by_accident():
    with pytest.raises(rm.MetadataError, match="explicit target.*multi-tenant-app-prod-db"):
        rm.merge("RDS", RDS_POINT_METADATA, {})
    merged, _warnings = rm.merge("RDS", RDS_POINT_METADATA, {}, target_name="multi-tenant-app-prod-db")
    source = rm.source_name("RDS", RDS_POINT_METADATA, "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db")
    assert source == "multi-tenant-app-prod-db"
    with pytest.raises(rm.MetadataError, match="source"):
        rm.check_target("RDS", merged, source, allow_source_target=False)
    with pytest.raises(rm.MetadataError, match="source"):
        rm.check_target("RDS", dict(merged, DBInstanceIdentifier="Multi-Tenant-App-Prod-DB"), source, allow_source_target=False)
    assert rm.check_target("RDS", merged, source, allow_source_target=True) == "multi-tenant-app-prod-db"
    with pytest.raises(rm.MetadataError, match="DestinationBucketName"):
        rm.check_target("S3", {}, "bucket", allow_source_target=False)
    with pytest.raises(rm.MetadataError, match="not a valid DB identifier"):
        rm.check_target("RDS", {"DBInstanceIdentifier": "bad--name"}, source, allow_source_target=False)


def test_target_name_sets_the_target_and_must_agree():
    merged, _warnings = rm.merge("S3", {"DestinationBucketName": "tenant-12"}, {}, target_name="tenant-12-restore")
    assert merged["DestinationBucketName"] == "tenant-12-restore"
    with pytest.raises(rm.MetadataError, match="disagree"):
        rm.merge("S3", {}, {"DestinationBucketName": "a-b-c"}, target_name="x-y-z")
    with pytest.raises(rm.MetadataError, match="new instance"):
        rm.merge("EC2", {}, {}, target_name="web-1")


def test_ec2_subnet_override_drops_the_points_network_interfaces():
    own = {"InstanceType": "t3.small", "NetworkInterfaces": '[{"DeviceIndex": 0, "SubnetId": "subnet-old"}]'}
    merged, _warnings = rm.merge("EC2", own, {"SubnetId": "subnet-new"})
    assert "NetworkInterfaces" not in merged and merged["SubnetId"] == "subnet-new"
    merged, _warnings = rm.merge("EC2", own, {"InstanceType": "t3.large"})
    assert "NetworkInterfaces" in merged


def test_multi_az_drops_the_points_zone_unless_asked():
    merged, _warnings = rm.merge("RDS", RDS_POINT_METADATA, {"DBInstanceIdentifier": "r"})
    assert "AvailabilityZone" not in merged
    merged, _warnings = rm.merge("RDS", RDS_POINT_METADATA, {"DBInstanceIdentifier": "r", "MultiAZ": False})
    assert merged["AvailabilityZone"] == "us-east-1a"


def test_resource_type_from_the_arn_and_contradictions():
    assert rm.check_resource_type(RDS_ARN, None) == "RDS"
    assert rm.check_resource_type(EC2_ARN, None) == "EC2"
    assert rm.check_resource_type(S3_ARN, None, "S3") == "S3"
    with pytest.raises(rm.MetadataError, match="contradicts"):
        rm.check_resource_type(RDS_ARN, "S3")
    with pytest.raises(rm.MetadataError, match="contradicts"):
        rm.check_resource_type(S3_ARN, "EC2", "S3")
    with pytest.raises(rm.MetadataError, match="recovery_point_arn='not-an-arn'"):
        rm.check_resource_type("not-an-arn", None)


def test_idempotency_token_is_stable_per_point_and_target():
    one = rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "a", "DBInstanceClass": "db.t3.micro"})
    assert one == rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "a", "DBInstanceClass": "db.t3.large"})
    assert one != rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "b"})
    assert one != rm.idempotency_token(RDS_ARN.replace("job-1", "job-2"), "RDS", {"DBInstanceIdentifier": "a"})
    assert one != rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "a"}, superseded=["OLD-JOB"])
    assert rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "a"}, superseded=["J2", "J1"]) == \
        rm.idempotency_token(RDS_ARN, "RDS", {"DBInstanceIdentifier": "a"}, superseded=["J1", "J2"])
    assert rm.same_target("RDS", {"DBInstanceIdentifier": "a"}, {"dbinstanceidentifier": "A"})
    assert not rm.same_target("S3", {"DestinationBucketName": "x"}, {"DestinationBucketName": "y"})


def test_item_level_restores_of_disjoint_items_into_one_bucket_are_restores_of_their_own():
    """AWS Backup takes at most 5 items per S3 restore job: more items are several jobs into one bucket, each adopted (and
    its idempotency token made) by its own items, and only restores with items in common clash."""
    s3_arn = "arn:aws:backup:us-east-1:123456789012:recovery-point:P12"
    first = {"DestinationBucketName": "stage", "ItemsToRestore": '["s3://prod/a/", "s3://prod/b.pdf"]'}
    second = {"DestinationBucketName": "stage", "ItemsToRestore": ["s3://prod/c/"]}
    assert rm.items_of(first) == ("s3://prod/a/", "s3://prod/b.pdf") and rm.items_of({"DestinationBucketName": "stage"}) == ()
    assert rm.same_target("S3", first, {"destinationbucketname": "STAGE", "itemstorestore": '["s3://prod/b.pdf", "s3://prod/a/"]'})
    assert not rm.same_target("S3", first, second) and not rm.same_target("S3", first, {"DestinationBucketName": "stage"})
    assert rm.idempotency_token(s3_arn, "S3", first) != rm.idempotency_token(s3_arn, "S3", second)
    assert rm.idempotency_token(s3_arn, "S3", {"DestinationBucketName": "stage"}) == \
        rm.idempotency_token(s3_arn, "S3", {"DestinationBucketName": "stage", "ItemsToRestore": ""})
    assert not rm.clashes("S3", first, second)
    assert rm.clashes("S3", first, {"DestinationBucketName": "stage", "ItemsToRestore": ["s3://prod/a/x.txt"]})  # inside prefix a/
    assert rm.clashes("S3", first, {"DestinationBucketName": "stage"})  # a whole-bucket restore has every item
    assert not rm.clashes("S3", first, {"DestinationBucketName": "other"})
    assert rm.clashes("RDS", {"DBInstanceIdentifier": "a"}, {"dbinstanceidentifier": "A"}) and not rm.clashes("EC2", {}, {})
    assert rm.item_groups(["1", "2", "3", "4", "5", "6", "7"]) == [["1", "2", "3", "4", "5"], ["6", "7"]] and rm.item_groups([]) == [[]]
    with pytest.raises(rm.MetadataError, match=r"Bad option restores\[1\]\.metadata\.ItemsToRestore=.*6 items; AWS Backup restores at most 5"):
        rm.check_values("S3", {"ItemsToRestore": ["s3://prod/%d" % n for n in range(6)]}, "us-east-1", "restores[1].metadata")


class FakeBackup:
    """describe_restore_job answering from a script of states."""

    def __init__(self, states):
        self.states = list(states)
        self.calls = 0

    def describe_restore_job(self, RestoreJobId):  # noqa: N803  pylint: disable=invalid-name
        self.calls += 1
        status = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return {"RestoreJobId": RestoreJobId, "Status": status, "PercentDone": "50.00%", "StatusMessage": "disk full",
                "CreationDate": datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)}


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def test_wait_follows_the_collections_cadence_and_reports_each_poll():
    # The cadence itself is tested in test_poll.py: a job that ends within two seconds is checked every fifth of one.
    client, clock, lines = FakeBackup(["PENDING"] + ["RUNNING"] * 8 + ["COMPLETED"]), FakeClock(), []
    job = jobs.wait(client, "J1", timeout=600, poll_interval=10, on_poll=lambda j, e: lines.append(progress_line(j, e)),
                    sleep=clock.sleep, clock=clock)
    assert job["Status"] == "COMPLETED" and client.calls == 10
    assert clock.sleeps == pytest.approx([0.2] * 9)
    assert len(lines) == 10 and "RUNNING 50.00%" in lines[1]


def test_a_progress_line_shows_the_validation_and_deletion_status_aws_reports_as_the_api_or_a_module_returns_it():
    assert progress_line({"RestoreJobId": "J1", "Status": "RUNNING", "PercentDone": "45.00%"}, 60.4) == \
        "restore job J1: RUNNING 45.00% (waited 60s)"
    assert progress_line({"RestoreJobId": "J1", "Status": "COMPLETED", "PercentDone": "100.00%", "ValidationStatus": "VALIDATING"}, 9) == \
        "restore job J1: COMPLETED 100.00%; validation VALIDATING (waited 9s)"
    assert progress_line({"restore_job_id": "J2", "status": "COMPLETED", "validation_status": "SUCCESSFUL",
                          "deletion_status": "DELETING"}, 3) == "restore job J2: COMPLETED; validation SUCCESSFUL; deletion DELETING (waited 3s)"


def test_wait_fails_with_the_status_message_and_job_id():
    with pytest.raises(jobs.RestoreJobError) as err:
        jobs.wait(FakeBackup(["RUNNING", "FAILED"]), "J2", timeout=600, poll_interval=1, sleep=FakeClock().sleep, clock=FakeClock())
    assert "J2" in err.value.message and "FAILED" in err.value.message and "disk full" in err.value.message


def test_wait_timeout_names_the_job_and_says_rerun_adopts():
    clock = FakeClock()
    with pytest.raises(jobs.RestoreJobError) as err:
        jobs.wait(FakeBackup(["RUNNING"]), "J3", timeout=30, poll_interval=10, sleep=clock.sleep, clock=clock)
    assert "J3" in err.value.message and "adopts" in err.value.message
    assert clock.now <= 30


class FakeJobs:
    """ListRestoreJobs pages and GetRestoreJobMetadata answers for find_existing."""

    def __init__(self, jobs, metadata):
        self.jobs = jobs
        self.metadata = metadata

    def get_paginator(self, method):
        assert method == "list_restore_jobs"
        return self

    def paginate(self, **request):
        assert request["ByResourceType"] == "S3"
        return self

    def build_full_result(self):
        return {"RestoreJobs": self.jobs}

    def get_restore_job_metadata(self, RestoreJobId):  # noqa: N803  pylint: disable=invalid-name
        return {"Metadata": self.metadata[RestoreJobId]}


def _job(job_id, status, hour, point=S3_ARN, created=None):
    job = {"RestoreJobId": job_id, "Status": status, "RecoveryPointArn": point,
           "CreationDate": datetime.datetime(2026, 11, 20, hour, tzinfo=datetime.timezone.utc)}
    if created:
        job["CreatedResourceArn"] = created
    return job


def test_find_existing_adopts_only_the_same_point_and_target():
    ours = {"DestinationBucketName": "tenant-12-restore"}
    client = FakeJobs(
        [_job("OTHER-TARGET", "RUNNING", 5), _job("OTHER-POINT", "RUNNING", 6, point=S3_ARN + "-2"),
         _job("FAILED-ONE", "FAILED", 7), _job("RUNNING-ONE", "RUNNING", 4)],
        {"OTHER-TARGET": {"DestinationBucketName": "elsewhere"}, "OTHER-POINT": ours, "FAILED-ONE": ours,
         "RUNNING-ONE": {"destinationbucketname": "TENANT-12-RESTORE"}})
    job, superseded = jobs.find_existing(client, S3_ARN, "S3", ours, None, lambda arn: True)
    assert job["RestoreJobId"] == "RUNNING-ONE" and superseded == []


def test_find_existing_skips_completed_jobs_whose_resource_is_gone():
    ours = {"DestinationBucketName": "tenant-12-restore"}
    gone, present = "arn:aws:s3:::tenant-12-restore", "arn:aws:s3:::tenant-12-restore"
    client = FakeJobs([_job("NEWER-GONE", "COMPLETED", 9, created=gone), _job("OLDER-PRESENT", "COMPLETED", 8, created=present)],
                      {"NEWER-GONE": ours, "OLDER-PRESENT": ours})
    exists = {"NEWER-GONE": False, "OLDER-PRESENT": True}
    calls = iter(["NEWER-GONE", "OLDER-PRESENT"])
    job, superseded = jobs.find_existing(client, S3_ARN, "S3", ours, None, lambda arn: exists[next(calls)])
    assert job["RestoreJobId"] == "OLDER-PRESENT" and superseded == ["NEWER-GONE"]
    client = FakeJobs([_job("ONLY-GONE", "COMPLETED", 9, created=gone)], {"ONLY-GONE": ours})
    job, superseded = jobs.find_existing(client, S3_ARN, "S3", ours, None, lambda arn: False)
    assert job is None and superseded == ["ONLY-GONE"]
