"""AWS Backup as the emulator serves it: every operation, validated against botocore's output shapes.

A response the real service could not give would make every test built on the emulator worthless, so each test
here captures the raw wire bodies boto3 receives and checks them against the model, on top of the emulator's own
strict mode (which turns any invalid response into a 500).
"""

import datetime
import json
import time
import types
import uuid

import botocore.endpoint
import botocore.exceptions
import pytest

from emulator import shapes
from emulator.backup import OPERATIONS
from emulator.testing import newest, points_of, wait_restore

UTC = datetime.timezone.utc


class WireRecorder:
    """Keeps every raw response body a boto3 client receives, by operation."""

    def __init__(self, client):
        self.bodies = []
        client.meta.events.register("before-parse.backup.*", self._keep)

    def _keep(self, operation_model, response_dict, **_kwargs):
        if response_dict["status_code"] < 300:
            body = response_dict["body"]
            self.bodies.append((operation_model.name, json.loads(body) if body else {}))

    def problems(self):
        found = []
        for operation, body in self.bodies:
            found += ["%s: %s" % (operation, p) for p in shapes.validate_output("backup", operation, body)]
        return found

    def operations(self):
        return {operation for operation, _body in self.bodies}


def test_every_operation_answers_in_botocore_shape(emulator, world):
    """All AWS Backup operations the emulator adds are exercised, and every body they return fits the model."""
    backup = emulator.client("backup")
    dr = emulator.client("backup", region=world["dr_region"])
    wire = WireRecorder(backup)
    dr_wire = WireRecorder(dr)
    vault, role, plan = world["vault"], world["backup_role_arn"], world["backup_plan_id"]

    all_points = points_of(backup, vault)
    assert backup.describe_backup_vault(BackupVaultName=vault)["NumberOfRecoveryPoints"] == len(all_points)
    rds_point = newest([p for p in all_points if p["ResourceType"] == "RDS"])
    s3_point = newest([p for p in all_points if p["ResourceArn"].endswith("tenant-100")])
    backup.list_recovery_points_by_resource(ResourceArn=s3_point["ResourceArn"])
    backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=rds_point["RecoveryPointArn"])
    backup.get_recovery_point_restore_metadata(BackupVaultName=vault, RecoveryPointArn=rds_point["RecoveryPointArn"])
    backup.list_protected_resources()
    backup.describe_protected_resource(ResourceArn=s3_point["ResourceArn"])

    started = backup.start_backup_job(BackupVaultName=vault, ResourceArn=s3_point["ResourceArn"], IamRoleArn=role,
                                      Lifecycle={"DeleteAfterDays": 30})
    emulator.wait_for_jobs()
    backup.describe_backup_job(BackupJobId=started["BackupJobId"])
    backup.list_backup_jobs(ByResourceType="S3", ByState="COMPLETED")
    copy = backup.start_copy_job(RecoveryPointArn=started["RecoveryPointArn"], SourceBackupVaultName=vault,
                                 DestinationBackupVaultArn=world["dr_vault_arn"], IamRoleArn=role)
    emulator.wait_for_jobs()
    copied = backup.describe_copy_job(CopyJobId=copy["CopyJobId"])["CopyJob"]
    assert copied["State"] == "COMPLETED"
    backup.list_copy_jobs(ByDestinationVaultArn=world["dr_vault_arn"])
    dr.describe_recovery_point(BackupVaultName=world["dr_vault"], RecoveryPointArn=copied["DestinationRecoveryPointArn"])

    restore = backup.start_restore_job(RecoveryPointArn=started["RecoveryPointArn"], IamRoleArn=role, Metadata={
        "DestinationBucketName": "shape-check-restore", "NewBucket": "true"})
    assert wait_restore(backup, restore["RestoreJobId"])["Status"] == "COMPLETED"
    backup.list_restore_jobs(ByResourceType="S3", ByStatus="COMPLETED")
    backup.list_restore_jobs_by_protected_resource(ResourceArn=s3_point["ResourceArn"])
    backup.get_restore_job_metadata(RestoreJobId=restore["RestoreJobId"])

    scratch_plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": "shape-check-plan", "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": vault}]})["BackupPlanId"]
    backup.update_backup_plan(BackupPlanId=scratch_plan, BackupPlan={"BackupPlanName": "shape-check-plan", "Rules": [
        {"RuleName": "hourly", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 * ? * * *)"}]})
    backup.delete_backup_plan(BackupPlanId=scratch_plan)

    selection = backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": "shape-check", "IamRoleArn": role, "Resources": ["arn:aws:s3:::multi-tenant-app-prod-tenant-*"]})
    backup.get_backup_selection(BackupPlanId=plan, SelectionId=selection["SelectionId"])
    backup.list_backup_selections(BackupPlanId=plan)
    backup.delete_backup_selection(BackupPlanId=plan, SelectionId=selection["SelectionId"])

    backup.create_restore_testing_plan(RestoreTestingPlan={
        "RestoreTestingPlanName": "shape_check", "ScheduleExpression": "cron(0 1 ? * * *)",
        "RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"],
                                   "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 30}})
    backup.create_restore_testing_selection(RestoreTestingPlanName="shape_check", RestoreTestingSelection={
        "RestoreTestingSelectionName": "tenant_100", "ProtectedResourceType": "S3", "IamRoleArn": role,
        "ProtectedResourceArns": [s3_point["ResourceArn"]]})
    backup.get_restore_testing_plan(RestoreTestingPlanName="shape_check")
    backup.list_restore_testing_plans()
    backup.get_restore_testing_selection(RestoreTestingPlanName="shape_check", RestoreTestingSelectionName="tenant_100")
    backup.list_restore_testing_selections(RestoreTestingPlanName="shape_check")
    backup.update_restore_testing_plan(RestoreTestingPlanName="shape_check", RestoreTestingPlan={"StartWindowHours": 2})
    assert backup.get_restore_testing_plan(RestoreTestingPlanName="shape_check")["RestoreTestingPlan"]["StartWindowHours"] == 2
    backup.update_restore_testing_selection(RestoreTestingPlanName="shape_check", RestoreTestingSelectionName="tenant_100",
                                            RestoreTestingSelection={"ValidationWindowHours": 3})
    assert backup.get_restore_testing_selection(RestoreTestingPlanName="shape_check", RestoreTestingSelectionName="tenant_100")[
        "RestoreTestingSelection"]["ValidationWindowHours"] == 3
    jobs = emulator.control("restore-testing/run", {"region": world["region"], "plan_name": "shape_check"})["restore_job_ids"]
    assert len(jobs) == 1
    tested = wait_restore(backup, jobs[0])
    assert tested["CreatedBy"]["RestoreTestingPlanArn"].startswith("arn:aws:backup:us-east-1:123456789012:restore-testing-plan:shape_check")
    backup.put_restore_validation_result(RestoreJobId=jobs[0], ValidationStatus="SUCCESSFUL", ValidationStatusMessage="checked")
    assert backup.describe_restore_job(RestoreJobId=jobs[0])["ValidationStatus"] == "SUCCESSFUL"
    backup.delete_restore_testing_selection(RestoreTestingPlanName="shape_check", RestoreTestingSelectionName="tenant_100")
    backup.delete_restore_testing_plan(RestoreTestingPlanName="shape_check")

    settings = backup.describe_region_settings()
    assert settings["ResourceTypeOptInPreference"]["S3"] is True
    backup.update_region_settings(ResourceTypeOptInPreference={"S3": False})
    assert backup.describe_region_settings()["ResourceTypeOptInPreference"]["S3"] is False
    backup.update_region_settings(ResourceTypeOptInPreference={"S3": True})

    scratch = backup.start_backup_job(BackupVaultName=vault, ResourceArn=s3_point["ResourceArn"], IamRoleArn=role)
    emulator.wait_for_jobs()
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=scratch["RecoveryPointArn"])

    # emulator/backup_more.py (emulator/tests/test_backup_more.py tests their behaviours and errors)
    for period in ("ONE_DAY", "FOURTEEN_DAYS"):
        backup.list_backup_job_summaries(AggregationPeriod=period)
        backup.list_copy_job_summaries(AggregationPeriod=period)
        backup.list_restore_job_summaries(AggregationPeriod=period)
    backup.get_restore_testing_inferred_metadata(BackupVaultName=vault, RecoveryPointArn=rds_point["RecoveryPointArn"])
    backup.get_supported_resource_types()
    organizations = emulator.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    backup.update_global_settings(GlobalSettings={"isCrossAccountBackupEnabled": "false"})
    backup.describe_global_settings()
    organizations.delete_organization()
    backup.put_backup_vault_access_policy(BackupVaultName=vault, Policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
    backup.get_backup_vault_access_policy(BackupVaultName=vault)
    backup.delete_backup_vault_access_policy(BackupVaultName=vault)
    backup.put_backup_vault_notifications(BackupVaultName=vault, SNSTopicArn="arn:aws:sns:us-east-1:123456789012:shape-check",
                                          BackupVaultEvents=["BACKUP_JOB_COMPLETED"])
    backup.get_backup_vault_notifications(BackupVaultName=vault)
    backup.delete_backup_vault_notifications(BackupVaultName=vault)
    backup.list_protected_resources_by_backup_vault(BackupVaultName=vault)
    backup.list_backup_plan_versions(BackupPlanId=plan)
    emulator.control("jobs/duration", {"backup": 30})
    stopped = backup.start_backup_job(BackupVaultName=vault, ResourceArn=s3_point["ResourceArn"], IamRoleArn=role)
    backup.stop_backup_job(BackupJobId=stopped["BackupJobId"])
    emulator.control("jobs/duration", {"backup": 0})
    for call in (backup.disassociate_recovery_point, backup.disassociate_recovery_point_from_parent):
        with pytest.raises(backup.exceptions.InvalidRequestException):
            call(BackupVaultName=vault, RecoveryPointArn=rds_point["RecoveryPointArn"])
    # No point here is continuous or a child point, so both are always refused: the refusal is their answer (no body).
    wire.bodies.append(("DisassociateRecoveryPoint", {}))
    wire.bodies.append(("DisassociateRecoveryPointFromParent", {}))
    # Legal holds, lifecycles and DeleteBackupVault (emulator/backup_holds.py), on a vault of their own.
    holds_vault = "shape-check-holds-vault"
    backup.create_backup_vault(BackupVaultName=holds_vault)
    emulator.control("recovery-points/bulk", {"region": world["region"], "vault": holds_vault, "resource_type": "S3",
                                              "name_prefix": "shape-check-held"})
    held = points_of(backup, holds_vault)[0]["RecoveryPointArn"]
    backup.update_recovery_point_lifecycle(BackupVaultName=holds_vault, RecoveryPointArn=held, Lifecycle={"DeleteAfterDays": 30})
    hold = backup.create_legal_hold(Title="shape check", Description="shape check",
                                    RecoveryPointSelection={"VaultNames": [holds_vault]})["LegalHoldId"]
    for status in ("ACTIVE", "CANCELED"):
        if status == "CANCELED":
            backup.cancel_legal_hold(LegalHoldId=hold, CancelDescription="shape check done")
        for _attempt in range(600):
            if backup.get_legal_hold(LegalHoldId=hold)["Status"] == status:
                break
            time.sleep(0.05)
        backup.list_legal_holds()
        backup.list_recovery_points_by_legal_hold(LegalHoldId=hold)
    backup.delete_recovery_point(BackupVaultName=holds_vault, RecoveryPointArn=held)
    backup.delete_backup_vault(BackupVaultName=holds_vault)
    emulator.control("airgap/vault-seconds", {"seconds": 0})
    air_gapped = backup.create_logically_air_gapped_backup_vault(BackupVaultName="shape-check-lag", MinRetentionDays=7,
                                                                 MaxRetentionDays=35)["BackupVaultArn"]
    emulator.control("airgap/vault-seconds", {"seconds": 2.0})
    backup.list_backup_vaults(ByVaultType="LOGICALLY_AIR_GAPPED_BACKUP_VAULT")
    team = "arn:aws:mpa:us-east-1:123456789012:approval-team/shape-check"
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName="shape-check-lag", MpaApprovalTeamArn=team)
    access = backup.create_restore_access_backup_vault(SourceBackupVaultArn=air_gapped, BackupVaultName="shape-check-access")
    emulator.control("airgap/mpa-sessions", {"arn": backup.describe_backup_vault(BackupVaultName="shape-check-access")["MpaSessionArn"]})
    backup.list_restore_access_backup_vaults(BackupVaultName="shape-check-lag")
    backup.revoke_restore_access_backup_vault(BackupVaultName="shape-check-lag", RestoreAccessBackupVaultArn=access["RestoreAccessBackupVaultArn"])
    backup.disassociate_backup_vault_mpa_approval_team(BackupVaultName="shape-check-lag")

    assert wire.problems() == [] and dr_wire.problems() == []
    assert emulator.control("shape-errors")["errors"] == []
    exercised = wire.operations() | dr_wire.operations()
    assert set(OPERATIONS) <= exercised, "not exercised: %s" % sorted(set(OPERATIONS) - exercised)


def test_a_wrong_member_is_caught(emulator, world):
    """The validation that guards the emulator fails on a real response with one member made wrong."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    point = points_of(backup, world["vault"], ByResourceType="RDS")[0]
    backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=point["RecoveryPointArn"])
    body = dict(wire.bodies[-1][1])
    assert shapes.validate_output("backup", "DescribeRecoveryPoint", body) == []
    for member, wrong in (("Status", "DONE"), ("BackupSizeInBytes", "12"), ("IsEncrypted", "true"), ("CreationDate", "yesterday"),
                          ("Surprise", 1)):
        broken = dict(body, **{member: wrong})
        problems = shapes.validate_output("backup", "DescribeRecoveryPoint", broken)
        assert problems and member in problems[0], (member, problems)


def test_paging_returns_each_point_once_and_newest_not_first(emulator, world):
    """With MaxResults smaller than the vault, NextToken walks every point exactly once; no page order favours the newest."""
    backup = emulator.client("backup")
    everything = points_of(backup, world["vault"])
    assert len(everything) > 12
    seen, pages, token = [], [], None
    while True:
        kwargs = {"BackupVaultName": world["vault"], "MaxResults": 5}
        if token:
            kwargs["NextToken"] = token
        page = backup.list_recovery_points_by_backup_vault(**kwargs)
        pages.append(page["RecoveryPoints"])
        seen += [p["RecoveryPointArn"] for p in page["RecoveryPoints"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == len(everything)
    assert len(pages) > 2
    newest_arn = newest(everything)["RecoveryPointArn"]
    assert newest_arn not in [p["RecoveryPointArn"] for p in pages[0]]
    rds = points_of(backup, world["vault"], ByResourceType="RDS")
    assert rds[0]["RecoveryPointArn"] != newest(rds)["RecoveryPointArn"], "the runbook's [0] would pick the newest by luck"


def test_server_side_filters(emulator, world):
    """ByResourceType, ByResourceArn, ByCreatedBefore/After and ByBackupPlanId narrow the list as AWS does."""
    backup = emulator.client("backup")
    vault = world["vault"]
    everything = points_of(backup, vault)
    for kind in ("RDS", "S3", "EC2"):
        subset = points_of(backup, vault, ByResourceType=kind)
        assert subset and all(p["ResourceType"] == kind for p in subset)
    arn = "arn:aws:s3:::%s" % world["buckets"]["1"]
    exact = points_of(backup, vault, ByResourceArn=arn)
    assert exact and all(p["ResourceArn"] == arn for p in exact)
    times = sorted(p["CreationDate"] for p in everything)
    middle = times[len(times) // 2]
    before = points_of(backup, vault, ByCreatedBefore=middle)
    after = points_of(backup, vault, ByCreatedAfter=middle)
    assert before and all(p["CreationDate"] <= middle for p in before)
    assert after and all(p["CreationDate"] >= middle for p in after)
    by_plan = points_of(backup, vault, ByBackupPlanId=world["backup_plan_id"])
    assert by_plan and all(p["CreatedBy"]["BackupPlanId"] == world["backup_plan_id"] for p in by_plan)
    assert points_of(backup, vault, ByBackupPlanId="not-a-plan") == []


def test_copies_reach_the_dr_vault_in_another_region(emulator, world):
    """The plan's daily rule copies each point to the DR vault (the runbook's 90-day copy), restorable there."""
    dr = emulator.client("backup", region=world["dr_region"])
    copies = [p for p in points_of(dr, world["dr_vault"]) if p.get("CreatedBy")]  # the plan's copies, not other tests'
    assert copies
    assert {p["SourceBackupVaultArn"] for p in copies} == {"arn:aws:backup:us-east-1:123456789012:backup-vault:%s" % world["vault"]}
    assert all(p["Lifecycle"]["DeleteAfterDays"] == 90 for p in copies)
    assert {p["ResourceType"] for p in copies} == {"RDS", "S3", "EC2"}


def test_a_duration_changed_for_running_jobs_ends_them_from_their_own_start(emulator, world, clean_faults):
    """A control for tests that hold a job running past an event: "running": true shortens the jobs already started."""
    backup = emulator.client("backup")
    before = emulator.control("jobs/duration", {"restore": 600})["durations"]
    try:
        point = newest(points_of(backup, world["vault"], ByResourceArn="arn:aws:s3:::%s" % world["buckets"]["1"]))
        job_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                          Metadata={"DestinationBucketName": "held-then-released", "NewBucket": "true"})["RestoreJobId"]
        time.sleep(0.3)
        assert backup.describe_restore_job(RestoreJobId=job_id)["Status"] in ("PENDING", "RUNNING")
        emulator.control("jobs/duration", {"restore": 600})  # without "running": the started job keeps its 600 s
        time.sleep(0.3)
        assert backup.describe_restore_job(RestoreJobId=job_id)["Status"] in ("PENDING", "RUNNING")
        emulator.control("jobs/duration", {"restore": 0, "running": True})
        assert wait_restore(backup, job_id)["Status"] == "COMPLETED"
    finally:
        emulator.control("jobs/duration", {"restore": before["restore"]})


def test_restore_job_states_and_progress(emulator, world, clean_faults):
    """A restore goes PENDING → RUNNING (PercentDone rising) → COMPLETED over the configured duration, never backwards."""
    backup = emulator.client("backup")
    emulator.control("jobs/duration", {"restore": 4})
    point = newest(points_of(backup, world["vault"], ByResourceArn="arn:aws:s3:::%s" % world["buckets"]["1"]))
    job_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                      Metadata={"DestinationBucketName": "states-check", "NewBucket": "true"})["RestoreJobId"]
    seen = []
    for _attempt in range(1200):
        job = backup.describe_restore_job(RestoreJobId=job_id)
        seen.append((job["Status"], float(job["PercentDone"].rstrip("%")), "CreatedResourceArn" in job))
        if job["Status"] == "COMPLETED":
            break
        time.sleep(0.05)
    statuses = [status for status, _pct, _created in seen]
    order = ["PENDING", "RUNNING", "COMPLETED"]
    # The first poll may already fall in RUNNING on a busy machine; the order can never go backwards.
    assert statuses[0] in ("PENDING", "RUNNING") and "RUNNING" in statuses and statuses[-1] == "COMPLETED"
    assert [order.index(s) for s in statuses] == sorted(order.index(s) for s in statuses)
    percents = [pct for _status, pct, _created in seen]
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert any(0 < pct < 100 for pct in percents), "progress must be visible between start and end"
    assert [created for status, _pct, created in seen if status != "COMPLETED"] == [False] * (len(seen) - 1)
    assert seen[-1][2], "the created resource is known once the job completed"


def test_idempotency_token_and_its_switch(emulator, world, clean_faults):
    """The same IdempotencyToken returns the same job, as AWS documents; the control switch makes the emulator forget tokens."""
    backup = emulator.client("backup")
    point = newest(points_of(backup, world["vault"], ByResourceArn="arn:aws:s3:::%s" % world["buckets"]["12"]))
    request = {"RecoveryPointArn": point["RecoveryPointArn"], "IamRoleArn": world["backup_role_arn"],
               "Metadata": {"DestinationBucketName": "idempotency-check", "NewBucket": "true"}, "IdempotencyToken": "token-1"}
    first = backup.start_restore_job(**request)["RestoreJobId"]
    assert backup.start_restore_job(**request)["RestoreJobId"] == first
    emulator.control("idempotency", {"ignore_tokens": True})
    assert backup.start_restore_job(**request)["RestoreJobId"] != first


def test_failure_injection_names_the_message(emulator, world, clean_faults):
    """The next restore of a resource type can be made to fail, with the status message a responder would see."""
    backup = emulator.client("backup")
    emulator.control("jobs/fail-next", {"job_kind": "restore", "resource_type": "S3", "message": "Access denied to KMS key"})
    point = newest(points_of(backup, world["vault"], ByResourceArn="arn:aws:s3:::%s" % world["buckets"]["12"]))
    job_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                      Metadata={"DestinationBucketName": "fail-check", "NewBucket": "true"})["RestoreJobId"]
    job = wait_restore(backup, job_id)
    assert job["Status"] == "FAILED" and job["StatusMessage"] == "Access denied to KMS key"
    assert "CreatedResourceArn" not in job


def test_status_control_and_retention(emulator, world, clean_faults):
    """A point's status can be set (PARTIAL, DELETING) and such points refuse restores; retention expires points as time passes."""
    backup = emulator.client("backup")
    s3_arn = "arn:aws:s3:::%s" % world["buckets"]["100"]
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=s3_arn, IamRoleArn=world["backup_role_arn"],
                                      Lifecycle={"DeleteAfterDays": 2})
    emulator.wait_for_jobs()
    arn = started["RecoveryPointArn"]
    emulator.control("recovery-points/status", {"arn": arn, "status": "PARTIAL", "message": "3 objects were not backed up"})
    described = backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=arn)
    assert (described["Status"], described["StatusMessage"]) == ("PARTIAL", "3 objects were not backed up")
    emulator.control("recovery-points/status", {"arn": arn, "status": "DELETING"})
    with pytest.raises(backup.exceptions.InvalidRequestException):
        backup.start_restore_job(RecoveryPointArn=arn, IamRoleArn=world["backup_role_arn"], Metadata={"DestinationBucketName": "x-y-z"})
    emulator.control("recovery-points/status", {"arn": arn, "status": "COMPLETED"})
    try:
        emulator.control("clock", {"advance_seconds": 3 * 86400})
        assert backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=arn)["Status"] == "EXPIRED"
    finally:
        emulator.control("clock", {"advance_seconds": -3 * 86400})
        backup.delete_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=arn)


def test_throttling_is_retried_by_clients(emulator, world, clean_faults, monkeypatch):
    """With 30% of calls throttled in each protocol, boto3's retries still get every answer; the counters show the throttles.
    botocore's back-off delays are recorded, not slept (up to seconds each: waiting for them tests nothing more)."""
    backoff = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=backoff.append))
    emulator.control("counters", method="DELETE")
    emulator.control("faults", {"throttle": {"fraction": 0.3}, "seed": 7})
    backup = emulator.client("backup")
    s3 = emulator.client("s3")
    rds = emulator.client("rds")
    ec2 = emulator.client("ec2")
    for _round in range(10):
        assert points_of(backup, world["vault"], ByResourceType="RDS")
        assert s3.list_objects_v2(Bucket=world["buckets"]["1"])["KeyCount"] > 0
        assert rds.describe_db_instances(DBInstanceIdentifier=world["db"]["identifier"])["DBInstances"]
        assert ec2.describe_instances(InstanceIds=[world["app"]["instance_id"]])["Reservations"]
    counters = emulator.control("counters")
    for service, operation in (("backup", "ListRecoveryPointsByBackupVault"), ("s3", "ListObjectsV2"),
                               ("rds", "DescribeDBInstances"), ("ec2", "DescribeInstances")):
        assert counters["faults"][service][operation] > 0
        assert counters["requests"][service][operation] > 10
    # Every throttle answered made the client back off before it asked again.
    assert len(backoff) == sum(sum(operations.values()) for operations in counters["faults"].values()) and all(d > 0 for d in backoff)


def test_bad_requests_are_refused_like_aws(emulator, world):
    """Malformed metadata, unknown vaults and points get AWS's error codes, before anything starts."""
    backup = emulator.client("backup")
    point = newest(points_of(backup, world["vault"], ByResourceArn=world["db"]["arn"]))
    arn, role = point["RecoveryPointArn"], world["backup_role_arn"]
    cases = [
        ({"DBInstanceIdentifier": "x", "VpcSecurityGroupIds": "sg-0123456789abcdef0"}, "VpcSecurityGroupIds"),
        ({"DBInstanceIdentifier": "bad--name"}, "DBInstanceIdentifier"),
        ({"DBInstanceIdentifier": "ok-name", "MultiAZ": "yes"}, "MultiAZ"),
        ({"DBInstanceIdentifier": "ok-name", "dbinstanceidentifier": "other-name"}, "conflict"),
        ({}, "DBInstanceIdentifier"),
    ]
    before = len(backup.list_restore_jobs()["RestoreJobs"])
    for metadata, named in cases:
        with pytest.raises(backup.exceptions.InvalidParameterValueException) as err:
            backup.start_restore_job(RecoveryPointArn=arn, IamRoleArn=role, Metadata=metadata)
        assert named in str(err.value)
    assert len(backup.list_restore_jobs()["RestoreJobs"]) == before
    # AWS answers a vault that does not exist as it answers a caller without the permission (docs/emulator-fidelity.md).
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        backup.list_recovery_points_by_backup_vault(BackupVaultName="no-such-vault")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(backup.exceptions.ResourceNotFoundException):
        backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=arn + "-nope")
    with pytest.raises(backup.exceptions.InvalidParameterValueException):
        backup.start_restore_job(RecoveryPointArn=arn, IamRoleArn=role, ResourceType="S3",
                                 Metadata={"DBInstanceIdentifier": "fine-name"})
    ordinary = [j for j in backup.list_restore_jobs()["RestoreJobs"] if not j.get("CreatedBy")]
    assert ordinary
    with pytest.raises(backup.exceptions.InvalidRequestException):
        backup.put_restore_validation_result(RestoreJobId=ordinary[0]["RestoreJobId"], ValidationStatus="SUCCESSFUL")


def test_bulk_points_for_scale(emulator, world):
    """The control API adds many points at once; listing them all takes ⌈n/1000⌉ pages."""
    backup = emulator.client("backup")
    backup.create_backup_vault(BackupVaultName="bulk-vault")
    created = emulator.control("recovery-points/bulk", {"region": world["region"], "vault": "bulk-vault", "resource_type": "S3",
                                                        "resources": 25, "points_per_resource": 100, "name_prefix": "bulk-tenant"})
    assert created["created"] == 2500
    pages = list(backup.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName="bulk-vault"))
    assert len(pages) == 3 and sum(len(p["RecoveryPoints"]) for p in pages) == 2500
    one = points_of(backup, "bulk-vault", ByResourceArn="arn:aws:s3:::bulk-tenant-7")
    assert len(one) == 100


def test_deleting_a_source_point_keeps_its_copy_restorable(emulator, world):
    """A copy in the DR vault shares its source's data; deleting the source must not take the copy's data with it."""
    backup = emulator.client("backup")
    dr = emulator.client("backup", region=world["dr_region"])
    bucket_arn = "arn:aws:s3:::%s" % world["buckets"]["1"]
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=bucket_arn, IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    copy = backup.start_copy_job(RecoveryPointArn=started["RecoveryPointArn"], SourceBackupVaultName=world["vault"],
                                 DestinationBackupVaultArn=world["dr_vault_arn"], IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    copied_arn = backup.describe_copy_job(CopyJobId=copy["CopyJobId"])["CopyJob"]["DestinationRecoveryPointArn"]
    backup.delete_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=started["RecoveryPointArn"])
    job_id = dr.start_restore_job(RecoveryPointArn=copied_arn, IamRoleArn=world["backup_role_arn"],
                                  Metadata={"DestinationBucketName": "dr-copy-after-source-deleted", "NewBucket": "true"})["RestoreJobId"]
    job = wait_restore(dr, job_id)
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    s3 = emulator.client("s3", region=world["dr_region"])
    assert s3.list_objects_v2(Bucket="dr-copy-after-source-deleted")["KeyCount"] > 0


@pytest.mark.parametrize("call", ["describe_backup_vault", "list_recovery_points_by_backup_vault"])
def test_a_missing_vault_is_answered_as_aws_answers_it_access_denied(emulator, world, call):
    """AWS answers these calls for a vault that does not exist with 403 AccessDeniedException, as for a caller without
    the permission (aws-sdk-js#2625, boto3#2269, amazon.aws#1436): never ResourceNotFoundException."""
    backup = emulator.client("backup")
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        getattr(backup, call)(BackupVaultName="multi-tenant-app-prod-no-such-vault")
    assert raised.value.response["Error"] == {"Code": "AccessDeniedException", "Message": "Insufficient privileges to perform this action."}
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


@pytest.mark.parametrize("selects", [{}, {"NotResources": ["arn:aws:s3:::x"]},
                                     {"Conditions": {"StringEquals": [{"ConditionKey": "aws:ResourceTag/Backup", "ConditionValue": "true"}]}}],
                         ids=["nothing", "not-resources-only", "conditions-only"])
def test_a_selection_without_tags_or_resources_is_refused_as_aws_refuses_it(emulator, world, selects):
    """AWS: "Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty." (users met it with
    conditions alone: hashicorp/terraform-provider-aws#25436, ministryofjustice/modernisation-platform-terraform-baselines#90)."""
    backup = emulator.client("backup")
    before = backup.list_backup_selections(BackupPlanId=world["backup_plan_id"])["BackupSelectionsList"]
    with pytest.raises(backup.exceptions.InvalidParameterValueException) as raised:
        backup.create_backup_selection(BackupPlanId=world["backup_plan_id"], BackupSelection=dict(
            {"SelectionName": "selects-nothing", "IamRoleArn": world["backup_role_arn"]}, **selects))
    assert "Either 'ListOfTags' or 'Resources' section must be non-empty" in str(raised.value)
    assert backup.list_backup_selections(BackupPlanId=world["backup_plan_id"])["BackupSelectionsList"] == before


def test_update_backup_plan_replaces_the_rules_under_a_new_version(emulator, world):
    """UpdateBackupPlan (moto lacks it; it answered an HTML 500) replaces the plan's rules and settings and answers
    BackupPlanId, BackupPlanArn, CreationDate, a new VersionId each time and AdvancedBackupSettings, as the API page
    documents; GetBackupPlan then returns the new version. A plan id that does not exist is ResourceNotFoundException."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    name = "update-check-%s" % uuid.uuid4().hex[:8]
    created = backup.create_backup_plan(BackupPlan={"BackupPlanName": name, "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": world["vault"], "ScheduleExpression": "cron(0 5 * * ? *)"}]})
    plan_id = created["BackupPlanId"]
    settings = [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
    rules = [{"RuleName": "hourly", "TargetBackupVaultName": world["vault"], "ScheduleExpression": "cron(0 * ? * * *)",
              "Lifecycle": {"DeleteAfterDays": 7}},
             {"RuleName": "weekly", "TargetBackupVaultName": world["vault"], "ScheduleExpression": "cron(0 6 ? * 1 *)"}]
    versions = [created["VersionId"]]
    try:
        updated = backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={
            "BackupPlanName": name, "Rules": rules, "AdvancedBackupSettings": settings})
        assert updated["BackupPlanId"] == plan_id
        assert updated["BackupPlanArn"] == created["BackupPlanArn"]
        assert isinstance(updated["CreationDate"], datetime.datetime)
        assert updated["AdvancedBackupSettings"] == settings
        assert updated["VersionId"] not in versions
        versions.append(updated["VersionId"])

        got = backup.get_backup_plan(BackupPlanId=plan_id)
        assert got["VersionId"] == updated["VersionId"]
        got_rules = {r["RuleName"]: r for r in got["BackupPlan"]["Rules"]}
        assert set(got_rules) == {"hourly", "weekly"}, "the update must replace the rules, not add to them"
        assert got_rules["hourly"]["ScheduleExpression"] == "cron(0 * ? * * *)"
        assert got_rules["hourly"]["Lifecycle"] == {"DeleteAfterDays": 7}
        assert all(r["RuleId"] for r in got_rules.values())
        assert got["BackupPlan"]["AdvancedBackupSettings"] == settings

        again = backup.update_backup_plan(BackupPlanId=plan_id, BackupPlan={"BackupPlanName": name, "Rules": rules[:1]})
        assert again["VersionId"] not in versions, "every update is a new version"
        assert [r["RuleName"] for r in backup.get_backup_plan(BackupPlanId=plan_id)["BackupPlan"]["Rules"]] == ["hourly"]
        assert wire.problems() == []

        with pytest.raises(botocore.exceptions.ClientError) as missing:
            backup.update_backup_plan(BackupPlanId="00000000-0000-4000-8000-000000000000", BackupPlan={"BackupPlanName": name, "Rules": rules})
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
        assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    finally:
        backup.delete_backup_plan(BackupPlanId=plan_id)


def test_get_backup_selection_returns_the_empty_lists_aws_returns(emulator, world):
    """For a selection created with ListOfTags only, AWS's GetBackupSelection still returns Resources and NotResources as
    empty lists, and Conditions with its four operators as empty lists (amazon.aws's backup_selection compares against
    exactly that "default AWS Conditions return value"; its integration tests against AWS assert the empty lists).
    ListBackupSelections' members carry no selection document (botocore's SelectionsListMember), so it has none of them."""
    backup = emulator.client("backup")
    wire = WireRecorder(backup)
    plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": "selection-check-%s" % uuid.uuid4().hex[:8], "Rules": [
        {"RuleName": "daily", "TargetBackupVaultName": world["vault"]}]})["BackupPlanId"]
    tags = [{"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "true"}]
    created = backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection={
        "SelectionName": "tags-only", "IamRoleArn": world["backup_role_arn"], "ListOfTags": tags})
    try:
        got = backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])["BackupSelection"]
        assert got["ListOfTags"] == tags
        assert got["Resources"] == []
        assert got["NotResources"] == []
        assert got["Conditions"] == {"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []}
        [member] = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
        assert member["SelectionId"] == created["SelectionId"]
        assert not {"Resources", "NotResources", "ListOfTags", "Conditions", "BackupSelection"} & set(member)
        assert wire.problems() == []
    finally:
        backup.delete_backup_selection(BackupPlanId=plan_id, SelectionId=created["SelectionId"])
        backup.delete_backup_plan(BackupPlanId=plan_id)


def test_a_missing_recovery_point_or_its_vault_is_answered_resource_not_found(emulator, world):
    """Beyond the two calls AWS answers with AccessDeniedException (DescribeBackupVault, ListRecoveryPointsByBackupVault),
    a missing recovery point, or a point asked of a missing vault, is ResourceNotFoundException (unconfirmed: the API
    pages list the error, no user report shows the answer); never an empty success."""
    backup = emulator.client("backup")
    missing = "arn:aws:backup:%s:123456789012:recovery-point:00000000-0000-0000-0000-000000000000" % world["region"]
    calls = [lambda: backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=missing),
             lambda: backup.get_recovery_point_restore_metadata(BackupVaultName=world["vault"], RecoveryPointArn=missing),
             lambda: backup.describe_recovery_point(BackupVaultName="multi-tenant-app-prod-no-such-vault", RecoveryPointArn=missing),
             lambda: backup.start_restore_job(RecoveryPointArn=missing, IamRoleArn=world["backup_role_arn"],
                                              Metadata={"DestinationBucketName": "multi-tenant-app-prod-missing-point-restore"})]
    for call in calls:
        with pytest.raises(botocore.exceptions.ClientError) as err:
            call()
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException", err.value.response["Error"]
