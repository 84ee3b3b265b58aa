"""AWS Backup operations of emulator/backup_more.py: job summaries, inferred metadata, supported types, global settings,
vault access policies and notifications, protected resources by vault, plan versions, StopBackupJob, disassociations.

Each test fails if the emulator answered more kindly than AWS (docs/emulator-fidelity.md names the sources); every
response goes through the emulator's strict shape check, and the raw bodies are checked against botocore's model here too.
"""

import datetime
import json
import uuid

import pytest

from emulator.backup_more import SUPPORTED_RESOURCE_TYPES
from emulator.testing import error_of, newest, points_of, wait_restore
from emulator.tests.test_backup_api import WireRecorder

UTC = datetime.timezone.utc
DAY = datetime.timedelta(days=1)
POLICY = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "backup:DeleteRecoveryPoint", "Resource": "*"}]})
TOPIC = "arn:aws:sns:us-east-1:123456789012:backup-events"


def emulator_now(emulator):
    return datetime.datetime.fromisoformat(emulator.control("clock")["now"])


def all_jobs(backup, operation, key):
    return [job for page in backup.get_paginator(operation).paginate() for job in page[key]]


def expected_counts(jobs, windows, state_key, dims):
    """What the summary must count, computed from the job lists: per window and per (state, type[, category])."""
    counts = {}
    for job in jobs:
        for start, end in windows:
            if start <= job["CreationDate"] < end:
                values = [job[state_key], job["ResourceType"]]
                if "MessageCategory" in dims:
                    values.append("SUCCESS" if job[state_key] == "COMPLETED" and not job.get("StatusMessage") else None)
                key = (start, end) + tuple(values)
                counts[key] = counts.get(key, 0) + 1
    return counts


def summary_counts(summaries, dims):
    return {(s["StartTime"], s["EndTime"]) + tuple(s.get(d) for d in dims): s["Count"] for s in summaries}


def start_s3_restore(backup, world):
    """Restore the newest S3 point into a new bucket; (the point, the finished job's description)."""
    point = newest(points_of(backup, world["vault"], ByResourceType="S3"))
    job_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata={
        "DestinationBucketName": "more-check-%s" % uuid.uuid4().hex[:8], "NewBucket": "true"})["RestoreJobId"]
    return point, wait_restore(backup, job_id)


def day_windows(now):
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return [(today - DAY * back, today - DAY * (back - 1)) for back in range(13, -1, -1)]


@pytest.mark.parametrize("kind", ["backup", "copy", "restore"])
def test_job_summaries_count_the_jobs_per_day_and_per_window(emulator, world, kind):
    """ListBackup/Copy/RestoreJobSummaries count the emulator's own jobs: ONE_DAY a count per UTC day of the prior 14
    days, SEVEN_DAYS and FOURTEEN_DAYS one count over that many days back from now, per State, ResourceType and (backup,
    copy) MessageCategory; a dimension given AGGREGATE_ALL is summed, a value filters."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    state_key = "Status" if kind == "restore" else "State"
    dims = ("State", "ResourceType") + (() if kind == "restore" else ("MessageCategory",))
    listing = {"backup": ("list_backup_jobs", "BackupJobs"), "copy": ("list_copy_jobs", "CopyJobs"),
               "restore": ("list_restore_jobs", "RestoreJobs")}[kind]
    summaries_of = getattr(backup, "list_%s_job_summaries" % kind)
    key = "%sJobSummaries" % kind.capitalize()
    if kind == "restore":  # the seeded world made backups and copies, and restored nothing
        start_s3_restore(backup, world)
    jobs = all_jobs(backup, *listing)
    assert jobs, "the world has %s jobs" % kind
    now = emulator_now(emulator)

    daily = summaries_of(AggregationPeriod="ONE_DAY")
    assert daily["AggregationPeriod"] == "ONE_DAY"
    assert summary_counts(daily[key], dims) == expected_counts(jobs, day_windows(now), state_key, dims)
    assert all(s["Region"] == world["region"] and s["AccountId"] == "123456789012" for s in daily[key])
    for period, days in (("SEVEN_DAYS", 7), ("FOURTEEN_DAYS", 14)):
        window = summaries_of(AggregationPeriod=period)[key]
        expected = expected_counts(jobs, [(now - DAY * days, now)], state_key, dims)
        got = summary_counts(window, dims)
        assert {k[2:]: v for k, v in got.items()} == {k[2:]: v for k, v in expected.items()}
        assert all(abs((s["EndTime"] - s["StartTime"]) - DAY * days) < datetime.timedelta(seconds=1) for s in window)

    summed = summaries_of(AggregationPeriod="FOURTEEN_DAYS", State="AGGREGATE_ALL", ResourceType="S3")[key]
    s3_jobs = [j for j in jobs if j["ResourceType"] == "S3" and now - DAY * 14 <= j["CreationDate"]]
    assert sum(s["Count"] for s in summed) == len(s3_jobs)
    assert {s["State"] for s in summed} == {"AGGREGATE_ALL"} and {s["ResourceType"] for s in summed} == {"S3"}
    assert wire.problems() == []


def test_a_job_older_than_fourteen_days_leaves_the_summaries(emulator, world):
    """Summaries cover the prior 14 days of the emulator's clock: moved 15 days on, today's jobs are not counted."""
    backup = emulator.client("backup")
    point = newest(points_of(backup, world["vault"], ByResourceType="S3"))
    backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=point["ResourceArn"], IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    today = backup.list_backup_job_summaries(AggregationPeriod="FOURTEEN_DAYS", State="AGGREGATE_ALL",
                                             ResourceType="AGGREGATE_ALL", MessageCategory="AGGREGATE_ALL")
    assert len(today["BackupJobSummaries"]) == 1 and today["BackupJobSummaries"][0]["Count"] >= 1
    emulator.control("clock", {"advance_seconds": 15 * 86400})
    try:
        later = backup.list_backup_job_summaries(AggregationPeriod="FOURTEEN_DAYS", State="AGGREGATE_ALL")
        assert later["BackupJobSummaries"] == []
    finally:
        emulator.control("clock", {"advance_seconds": -15 * 86400})


@pytest.mark.parametrize("request_params", [{"MaxResults": 501}, {"AggregationPeriod": "THIRTY_DAYS"}, {"State": "DONE"}],
                         ids=["max-results-over-500", "unknown-period", "unknown-state"])
def test_job_summaries_refuse_what_the_api_does_not_take(emulator, request_params):
    """MaxResults is 1 to 500 for summaries (the API page), AggregationPeriod and State are enums."""
    backup = emulator.client("backup")
    code, status, _message = error_of(backup.list_backup_job_summaries, **request_params)
    assert (code, status) == ("InvalidParameterValueException", 400)


def test_inferred_metadata_is_what_aws_infers_for_each_type(emulator, world):
    """GetRestoreTestingInferredMetadata answers the developer guide's inferred keys and values per resource type."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    points = [p for p in points_of(backup, world["vault"]) if p["Status"] == "COMPLETED"]
    by_type = {kind: newest([p for p in points if p["ResourceType"] == kind]) for kind in ("RDS", "S3", "EC2")}
    inferred = {kind: backup.get_restore_testing_inferred_metadata(
        BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])["InferredMetadata"]
        for kind, point in by_type.items()}
    rds = inferred["RDS"]
    assert rds["dbInstanceIdentifier"].startswith("awsbackup-restore-test-")
    assert {k: v for k, v in rds.items() if k != "dbInstanceIdentifier"} == {
        "deletionProtection": "false", "multiAz": "false", "publiclyAccessible": "false"}
    s3 = inferred["S3"]
    assert s3["destinationBucketName"].startswith("awsbackup-restore-test-")
    assert {k: v for k, v in s3.items() if k != "destinationBucketName"} == {
        "encrypted": "true", "encryptionType": "SSE-S3", "newBucket": "true", "restoreACLs": "true"}
    ec2_type = backup.get_recovery_point_restore_metadata(
        BackupVaultName=world["vault"], RecoveryPointArn=by_type["EC2"]["RecoveryPointArn"])["RestoreMetadata"]["InstanceType"]
    assert inferred["EC2"] == {"disableApiTermination": "false", "instanceType": ec2_type, "requiredImdsV2": "true"}
    assert wire.problems() == []
    missing = by_type["S3"]["RecoveryPointArn"] + "-gone"
    assert error_of(backup.get_restore_testing_inferred_metadata, BackupVaultName=world["vault"],
                    RecoveryPointArn=missing)[:2] == ("ResourceNotFoundException", 400)


def test_supported_resource_types_are_the_documented_ones(emulator):
    backup = emulator.client("backup")
    types = backup.get_supported_resource_types()["ResourceTypes"]
    assert types == list(SUPPORTED_RESOURCE_TYPES)
    assert {"RDS", "S3", "EC2"} <= set(types)


def test_global_settings_need_an_organization_and_its_management_account(emulator):
    """A standalone account (the seeded one) gets InvalidRequestException "Your account is not a member of an
    organization." from both calls; once the account manages an organization, the settings are read and updated."""
    backup = emulator.client("backup")
    assert error_of(backup.describe_global_settings) == ("InvalidRequestException", 400, "Your account is not a member of an organization.")
    assert error_of(backup.update_global_settings, GlobalSettings={"isCrossAccountBackupEnabled": "true"})[:2] == (
        "InvalidRequestException", 400)
    organizations = emulator.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    try:
        before = backup.describe_global_settings()
        assert before["GlobalSettings"] == {"isCrossAccountBackupEnabled": "false", "isMpaEnabled": "false",
                                            "isDelegatedAdministratorEnabled": "false"}
        assert "LastUpdateTime" not in before
        backup.update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "true"})
        after = backup.describe_global_settings()
        assert after["GlobalSettings"]["isCrossAccountBackupEnabled"] == "true"
        assert isinstance(after["LastUpdateTime"], datetime.datetime)
        assert error_of(backup.update_global_settings, GlobalSettings={"isCrossAccountBackupEnabled": "yes"})[0] == \
            "InvalidParameterValueException"
        assert error_of(backup.update_global_settings, GlobalSettings={"isEverythingEnabled": "true"})[0] == \
            "InvalidParameterValueException"
    finally:
        organizations.delete_organization()


def test_vault_access_policy_lifecycle_and_errors(emulator, world):
    """No policy: ResourceNotFoundException "Backup Vault <arn> has no associated POLICY"; a policy that is not JSON is
    refused; Put then Get returns it; Delete removes it; a missing vault is ResourceNotFoundException."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    vault = "policy-check-%s" % uuid.uuid4().hex[:8]
    arn = backup.create_backup_vault(BackupVaultName=vault)["BackupVaultArn"]
    try:
        assert error_of(backup.get_backup_vault_access_policy, BackupVaultName=vault) == (
            "ResourceNotFoundException", 400, "Backup Vault %s has no associated POLICY" % arn)
        assert error_of(backup.put_backup_vault_access_policy, BackupVaultName=vault, Policy="{not json")[:2] == (
            "InvalidParameterValueException", 400)
        backup.put_backup_vault_access_policy(BackupVaultName=vault, Policy=POLICY)
        got = backup.get_backup_vault_access_policy(BackupVaultName=vault)
        assert (got["BackupVaultName"], got["BackupVaultArn"], json.loads(got["Policy"])) == (vault, arn, json.loads(POLICY))
        backup.delete_backup_vault_access_policy(BackupVaultName=vault)
        assert error_of(backup.get_backup_vault_access_policy, BackupVaultName=vault)[0] == "ResourceNotFoundException"
        assert wire.problems() == []
    finally:
        backup.delete_backup_vault(BackupVaultName=vault)
    for call in (backup.get_backup_vault_access_policy, backup.delete_backup_vault_access_policy):
        assert error_of(call, BackupVaultName=vault)[:2] == ("ResourceNotFoundException", 400)


@pytest.mark.parametrize("events", [["BACKUP_JOB_FAILED"], ["BACKUP_JOB_COMPLETED", "NOT_AN_EVENT"], []],
                         ids=["deprecated-event", "unknown-event", "no-event"])
def test_vault_notifications_refuse_events_aws_refuses(emulator, world, events):
    """AWS answers an event outside its supported list with "Please select from the following list of notifications ..."
    (users met it through CloudFormation); deprecated events are listed on the API page for reference only."""
    backup = emulator.client("backup")
    code, status, message = error_of(backup.put_backup_vault_notifications, BackupVaultName=world["vault"], SNSTopicArn=TOPIC,
                                     BackupVaultEvents=events)
    assert (code, status) == ("InvalidParameterValueException", 400)
    assert message.startswith("Please select from the following list of notifications BACKUP_JOB_STARTED, BACKUP_JOB_COMPLETED")


def test_vault_notifications_lifecycle(emulator, world):
    """No notifications: ResourceNotFoundException "Failed reading notifications from database for Backup vault <name>";
    Put then Get returns the topic and events; Delete removes them."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    vault = "notify-check-%s" % uuid.uuid4().hex[:8]
    arn = backup.create_backup_vault(BackupVaultName=vault)["BackupVaultArn"]
    try:
        assert error_of(backup.get_backup_vault_notifications, BackupVaultName=vault) == (
            "ResourceNotFoundException", 400, "Failed reading notifications from database for Backup vault %s" % vault)
        events = ["BACKUP_JOB_COMPLETED", "RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"]
        backup.put_backup_vault_notifications(BackupVaultName=vault, SNSTopicArn=TOPIC, BackupVaultEvents=events)
        got = backup.get_backup_vault_notifications(BackupVaultName=vault)
        assert (got["BackupVaultName"], got["BackupVaultArn"], got["SNSTopicArn"], got["BackupVaultEvents"]) == (vault, arn, TOPIC, events)
        assert error_of(backup.put_backup_vault_notifications, BackupVaultName=vault, SNSTopicArn="not-a-topic",
                        BackupVaultEvents=events)[0] == "InvalidParameterValueException"
        backup.delete_backup_vault_notifications(BackupVaultName=vault)
        assert error_of(backup.get_backup_vault_notifications, BackupVaultName=vault)[0] == "ResourceNotFoundException"
        assert wire.problems() == []
    finally:
        backup.delete_backup_vault(BackupVaultName=vault)
    assert error_of(backup.put_backup_vault_notifications, BackupVaultName=vault, SNSTopicArn=TOPIC,
                    BackupVaultEvents=["BACKUP_JOB_COMPLETED"])[:2] == ("ResourceNotFoundException", 400)


def test_protected_resources_by_vault_are_the_vaults_own(emulator, world):
    """ListProtectedResourcesByBackupVault lists each resource with a point in that vault, with its newest point there."""
    backup = emulator.client("backup")
    dr = emulator.client("backup", region=world["dr_region"])
    wire = WireRecorder(backup)
    points = [p for p in points_of(backup, world["vault"]) if p["Status"] in ("COMPLETED", "AVAILABLE", "PARTIAL")]
    results = [r for page in backup.get_paginator("list_protected_resources_by_backup_vault").paginate(
        BackupVaultName=world["vault"], PaginationConfig={"PageSize": 2}) for r in page["Results"]]
    assert sorted(r["ResourceArn"] for r in results) == sorted({p["ResourceArn"] for p in points})
    for result in results:
        own = [p for p in points if p["ResourceArn"] == result["ResourceArn"]]
        latest = max(own, key=lambda p: p["CreationDate"])
        assert (result["LastRecoveryPointArn"], result["LastBackupVaultArn"]) == (latest["RecoveryPointArn"], latest["BackupVaultArn"])
    dr_results = dr.list_protected_resources_by_backup_vault(BackupVaultName=world["dr_vault"])["Results"]
    assert all(r["LastBackupVaultArn"] == world["dr_vault_arn"] for r in dr_results)
    assert wire.problems() == []
    assert error_of(backup.list_protected_resources_by_backup_vault, BackupVaultName="no-such-vault-here")[:2] == (
        "ResourceNotFoundException", 400)


def test_plan_versions_keep_every_update(emulator, world):
    """ListBackupPlanVersions (moto routed it and answered 500) lists the version CreateBackupPlan made and one per
    UpdateBackupPlan; a deleted plan's versions carry its DeletionDate; a plan id that does not exist is not found."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    name = "versions-check-%s" % uuid.uuid4().hex[:8]
    created = backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": world["vault"]}]})
    plan_id = created["BackupPlanId"]
    versions = [created["VersionId"]]
    for rule in ("hourly", "weekly"):
        versions.append(backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={"BackupPlanName": name, "Rules": [
            {"RuleName": rule, "TargetBackupVaultName": world["vault"]}]})["VersionId"])
    listed = backup.list_backup_plan_versions(BackupPlanId=plan_id)["BackupPlanVersionsList"]
    assert sorted(v["VersionId"] for v in listed) == sorted(versions)
    assert all(v["BackupPlanId"] == plan_id and v["BackupPlanArn"] == created["BackupPlanArn"] and v["BackupPlanName"] == name
               for v in listed)
    first = [v for v in listed if v["VersionId"] == versions[0]][0]
    assert abs(first["CreationDate"] - created["CreationDate"]) < datetime.timedelta(seconds=1)
    assert all("DeletionDate" not in v for v in listed)
    backup.delete_backup_plan(BackupPlanId=plan_id)
    after = backup.list_backup_plan_versions(BackupPlanId=plan_id)["BackupPlanVersionsList"]
    assert len(after) == 3 and all(isinstance(v["DeletionDate"], datetime.datetime) for v in after)
    assert wire.problems() == []
    assert error_of(backup.list_backup_plan_versions, BackupPlanId=str(uuid.uuid4()))[:2] == ("ResourceNotFoundException", 400)


def test_stop_backup_job_aborts_a_running_job_only(emulator, world, clean_faults):
    """StopBackupJob ends a CREATED/RUNNING job ABORTED, and no recovery point comes of it; a finished job cannot be
    stopped, RDS jobs not at all (the API page lists RDS among the unsupported services); a missing job is not found."""
    backup = emulator.client("backup")
    emulator.control("jobs/duration", {"backup": 30})
    s3_point = newest(points_of(backup, world["vault"], ByResourceType="S3"))
    rds_point = newest(points_of(backup, world["vault"], ByResourceType="RDS"))
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=s3_point["ResourceArn"],
                                      IamRoleArn=world["backup_role_arn"])
    rds_job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=rds_point["ResourceArn"],
                                      IamRoleArn=world["backup_role_arn"])
    ec2_point = newest(points_of(backup, world["vault"], ByResourceType="EC2"))
    ec2_job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=ec2_point["ResourceArn"],
                                      IamRoleArn=world["backup_role_arn"])
    assert error_of(backup.stop_backup_job, BackupJobId=rds_job["BackupJobId"])[:2] == ("InvalidRequestException", 400)
    backup.stop_backup_job(BackupJobId=started["BackupJobId"])
    backup.stop_backup_job(BackupJobId=ec2_job["BackupJobId"])
    image_id = ec2_job["RecoveryPointArn"].rsplit("/", 1)[1]
    assert emulator.client("ec2").describe_images(Filters=[{"Name": "image-id", "Values": [image_id]}])["Images"] == [], \
        "the aborted job's AMI is released"
    emulator.control("jobs/duration", {"backup": 0, "running": True})
    emulator.wait_for_jobs()
    job = backup.describe_backup_job(BackupJobId=started["BackupJobId"])
    assert job["State"] == "ABORTED" and "CompletionDate" in job
    assert started["RecoveryPointArn"] not in {p["RecoveryPointArn"] for p in points_of(backup, world["vault"])}
    assert backup.describe_backup_job(BackupJobId=rds_job["BackupJobId"])["State"] == "COMPLETED"
    assert backup.describe_backup_job(BackupJobId=ec2_job["BackupJobId"])["State"] == "ABORTED"
    assert error_of(backup.stop_backup_job, BackupJobId=started["BackupJobId"])[:2] == ("InvalidRequestException", 400)
    assert error_of(backup.stop_backup_job, BackupJobId=str(uuid.uuid4()).upper())[:2] == ("ResourceNotFoundException", 400)


@pytest.mark.parametrize("call", ["disassociate_recovery_point", "disassociate_recovery_point_from_parent"])
def test_disassociation_applies_to_no_snapshot_point(emulator, world, call):
    """DisassociateRecoveryPoint takes continuous backups only ("Does not support snapshot backup recovery points"), and
    DisassociateRecoveryPointFromParent child points of a composite one: the emulator's points are neither. The point
    stays; a missing point is ResourceNotFoundException."""
    backup = emulator.client("backup")
    point = newest(points_of(backup, world["vault"], ByResourceType="RDS"))
    operation = getattr(backup, call)
    assert error_of(operation, BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])[:2] == (
        "InvalidRequestException", 400)
    assert backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])["Status"] == "COMPLETED"
    assert error_of(operation, BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"] + "0")[:2] == (
        "ResourceNotFoundException", 400)


def test_restore_job_views_carry_what_aws_returns(emulator, world):
    """DescribeRestoreJob and ListRestoreJobs carry SourceResourceArn, BackupVaultArn, RecoveryPointCreationDate,
    ResourceType and IsParent false; no ParentJobId (RDS, S3 and EC2 restores have no parent jobs) and no DeletionStatus
    (AWS Backup deletes only what a restore test restored: test_restore_testing_deletion.py)."""
    backup = emulator.client("backup")
    point, described = start_s3_restore(backup, world)
    listed = [j for j in all_jobs(backup, "list_restore_jobs", "RestoreJobs") if j["RestoreJobId"] == described["RestoreJobId"]][0]
    for view in (described, listed):
        assert view["SourceResourceArn"] == point["ResourceArn"]
        assert view["BackupVaultArn"] == point["BackupVaultArn"]
        assert view["RecoveryPointCreationDate"] == point["CreationDate"]
        assert view["ResourceType"] == "S3" and view["IsParent"] is False
        assert "ParentJobId" not in view and "DeletionStatus" not in view
