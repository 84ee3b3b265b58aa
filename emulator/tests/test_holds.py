"""Legal holds, Vault Lock enforcement, recovery point lifecycles and cold storage, as AWS Backup has them
(emulator/backup_holds.py; each behaviour is a row of docs/emulator-fidelity.md).

Every test makes its own vaults and points (metadata-only points from the control API, or real S3 backups), so the
seeded world is never touched, and a hold that would select everything is never made in the shared emulator.
"""

import datetime
import time
import uuid

import pytest

from emulator.backup_holds import COLD_STORAGE_SUPPORT, HELD_MESSAGE, LEGAL_HOLD_LIMIT, supports_cold_storage
from emulator.client import REGION
from emulator.testing import error_of, own_emulator, points_of

UTC = datetime.timezone.utc
ROLE = "arn:aws:iam::123456789012:role/holds-test-role"
POLLS = 600
# Seconds a legal hold stays CREATING or CANCELING in the tests that only wait through those states (2 s by default).
QUICK_HOLD_SECONDS = 0.5


@pytest.fixture(name="quick_holds")
def quick_holds_fixture(emulator):
    """Holds move on after QUICK_HOLD_SECONDS in this test, and after the default again once it is over. A test that
    needs a hold to stay CREATING (cancelling one too soon) does not use it."""
    default = emulator.control("jobs/duration", {})["durations"]["legal_hold"]
    emulator.control("jobs/duration", {"legal_hold": QUICK_HOLD_SECONDS})
    yield emulator
    emulator.control("jobs/duration", {"legal_hold": default})


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


def make_vault(backup):
    name = unique("holds-vault")
    backup.create_backup_vault(BackupVaultName=name)
    return name


def bulk_points(emulator, backup, vault, count=1, resource_type="S3", age_days=0.0, prefix=None):
    """COUNT metadata-only points of one resource in VAULT, the newest AGE_DAYS old; their descriptions, oldest first."""
    now = datetime.datetime.fromisoformat(emulator.control("health")["now"])
    newest = now - datetime.timedelta(days=age_days)
    before = {p["RecoveryPointArn"] for p in points_of(backup, vault)}
    emulator.control("recovery-points/bulk", {
        "region": REGION, "vault": vault, "resource_type": resource_type, "resources": 1, "points_per_resource": count,
        "newest": newest.isoformat(), "interval_hours": 24, "name_prefix": prefix or unique("held-resource")})
    made = [p for p in points_of(backup, vault) if p["RecoveryPointArn"] not in before]
    return sorted(made, key=lambda p: p["CreationDate"])


def wait_hold(backup, hold_id, status):
    for _attempt in range(POLLS):
        hold = backup.get_legal_hold(LegalHoldId=hold_id)
        if hold["Status"] == status:
            return hold
        time.sleep(0.05)
    raise AssertionError("legal hold %s never became %s" % (hold_id, status))


def held_arns(backup, hold_id):
    pages = backup.get_paginator("list_recovery_points_by_legal_hold").paginate(LegalHoldId=hold_id)
    return {p["RecoveryPointArn"] for page in pages for p in page["RecoveryPoints"]}


def hold_on(backup, **selection):
    return backup.create_legal_hold(Title=unique("hold"), Description="kept for a case", RecoveryPointSelection=selection)


def release(backup, hold_id):
    """Cancel a hold (once ACTIVE) and wait until it is CANCELED."""
    if backup.get_legal_hold(LegalHoldId=hold_id)["Status"] == "CREATING":
        wait_hold(backup, hold_id, "ACTIVE")
    if backup.get_legal_hold(LegalHoldId=hold_id)["Status"] == "ACTIVE":
        backup.cancel_legal_hold(LegalHoldId=hold_id, CancelDescription="released")
    return wait_hold(backup, hold_id, "CANCELED")


def s3_backup(emulator, backup, vault, lifecycle=None):
    """A real backup of a fresh bucket into VAULT; the finished job's description."""
    s3 = emulator.client("s3")
    bucket = unique("holds-bucket")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"held data")
    kwargs = {"BackupVaultName": vault, "ResourceArn": "arn:aws:s3:::%s" % bucket, "IamRoleArn": ROLE}
    if lifecycle is not None:
        kwargs["Lifecycle"] = lifecycle
    job_id = backup.start_backup_job(**kwargs)["BackupJobId"]
    emulator.wait_for_jobs()
    return backup.describe_backup_job(BackupJobId=job_id)


# ---------------------------------------------------------------------------------------------------- legal holds
@pytest.mark.usefixtures("quick_holds")
def test_a_legal_hold_goes_creating_active_canceling_canceled_and_refuses_deletes_while_it_holds(emulator, backup):
    """A hold is CREATING, then ACTIVE; its points cannot be deleted ("The recovery point cannot be deleted because it has
    active legal hold(s)"), nor while it is CANCELING; once CANCELED it holds nothing and they can be deleted."""
    vault, other = make_vault(backup), make_vault(backup)
    held = bulk_points(emulator, backup, vault, count=2)
    free = bulk_points(emulator, backup, other)[0]
    created = hold_on(backup, VaultNames=[vault])
    assert created["Status"] == "CREATING"
    assert created["LegalHoldArn"] == "arn:aws:backup:%s:123456789012:legal-hold:%s" % (REGION, created["LegalHoldId"])
    hold_id = created["LegalHoldId"]
    active = wait_hold(backup, hold_id, "ACTIVE")
    assert active["RecoveryPointSelection"] == {"VaultNames": [vault]} and "CancellationDate" not in active
    assert held_arns(backup, hold_id) == {p["RecoveryPointArn"] for p in held}
    assert hold_id in {h["LegalHoldId"] for h in backup.list_legal_holds()["LegalHolds"]}
    for point in held:
        assert error_of(backup.delete_recovery_point, BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"]) == (
            "InvalidRequestException", 400, HELD_MESSAGE)
    backup.delete_recovery_point(BackupVaultName=other, RecoveryPointArn=free["RecoveryPointArn"])

    cancelled = backup.cancel_legal_hold(LegalHoldId=hold_id, CancelDescription="case closed")
    assert cancelled["ResponseMetadata"]["HTTPStatusCode"] == 201
    canceling = backup.get_legal_hold(LegalHoldId=hold_id)
    if canceling["Status"] == "CANCELING":  # the ticker may already have moved it on
        assert error_of(backup.delete_recovery_point, BackupVaultName=vault, RecoveryPointArn=held[0]["RecoveryPointArn"])[0] == \
            "InvalidRequestException"
    done = wait_hold(backup, hold_id, "CANCELED")
    assert done["CancelDescription"] == "case closed"
    assert done["RetainRecordUntil"] - done["CancellationDate"] == datetime.timedelta(days=180)
    assert held_arns(backup, hold_id) == set()
    for point in held:
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"])
    assert error_of(backup.cancel_legal_hold, LegalHoldId=hold_id, CancelDescription="again")[:2] == (
        "InvalidResourceStateException", 400)


@pytest.mark.usefixtures("quick_holds")
def test_a_hold_selects_by_vault_resource_and_inclusive_date_range_and_skips_expired_points(emulator, backup):
    """ResourceIdentifiers and DateRange (both ends inclusive) narrow the hold; EXPIRED and DELETING points are not held."""
    vault = make_vault(backup)
    target = bulk_points(emulator, backup, vault, count=4, age_days=1)  # 4, 3, 2 and 1 days old
    other = bulk_points(emulator, backup, vault, count=1, age_days=2)[0]
    resource = target[0]["ResourceArn"]
    expired = target[3]
    emulator.control("recovery-points/status", {"arn": expired["RecoveryPointArn"], "status": "EXPIRED"})
    hold = hold_on(backup, VaultNames=[vault], ResourceIdentifiers=[resource],
                   DateRange={"FromDate": target[1]["CreationDate"], "ToDate": target[3]["CreationDate"]})
    try:
        wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
        assert held_arns(backup, hold["LegalHoldId"]) == {target[1]["RecoveryPointArn"], target[2]["RecoveryPointArn"]}
        assert other["RecoveryPointArn"] not in held_arns(backup, hold["LegalHoldId"])
        backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=target[0]["RecoveryPointArn"])
    finally:
        release(backup, hold["LegalHoldId"])


def test_a_hold_that_names_nothing_holds_every_point_of_its_region(tmp_path_factory):
    """No VaultNames, ResourceIdentifiers or DateRange: "All resources types or all backup vaults within your account"
    (of the hold's region). In an emulator of its own, as such a hold would hold the shared world's points."""
    with own_emulator(tmp_path_factory, "holds-everything") as emu:
        emu.control("jobs/duration", {"legal_hold": QUICK_HOLD_SECONDS})
        backup = emu.client("backup")
        first, second = make_vault(backup), make_vault(backup)
        points = bulk_points(emu, backup, first) + bulk_points(emu, backup, second, resource_type="RDS")
        dr = emu.client("backup", region="us-west-2")
        dr_vault = make_vault(dr)
        emu.control("recovery-points/bulk", {"region": "us-west-2", "vault": dr_vault, "resource_type": "S3"})
        hold = backup.create_legal_hold(Title="everything", Description="all of the region")
        assert "RecoveryPointSelection" not in hold
        wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
        assert held_arns(backup, hold["LegalHoldId"]) == {p["RecoveryPointArn"] for p in points}
        dr_point = points_of(dr, dr_vault)[0]["RecoveryPointArn"]
        dr.delete_recovery_point(BackupVaultName=dr_vault, RecoveryPointArn=dr_point)


def test_legal_hold_errors_as_aws_answers_them(emulator, backup):
    """A missing hold is ResourceNotFoundException; a DateRange in the future is refused; a hold still CREATING cannot be
    cancelled; CancelLegalHold without CancelDescription is MissingParameterValueException."""
    missing = str(uuid.uuid4())
    assert error_of(backup.get_legal_hold, LegalHoldId=missing)[:2] == ("ResourceNotFoundException", 400)
    assert error_of(backup.cancel_legal_hold, LegalHoldId=missing, CancelDescription="x")[:2] == ("ResourceNotFoundException", 400)
    assert error_of(backup.list_recovery_points_by_legal_hold, LegalHoldId=missing)[:2] == ("ResourceNotFoundException", 400)
    now = datetime.datetime.now(tz=UTC)
    assert error_of(backup.create_legal_hold, Title="t", Description="d", RecoveryPointSelection={
        "DateRange": {"FromDate": now - datetime.timedelta(days=1), "ToDate": now + datetime.timedelta(days=30)}})[:2] == (
        "InvalidParameterValueException", 400)
    vault = make_vault(backup)
    hold = hold_on(backup, VaultNames=[vault])
    assert error_of(backup.cancel_legal_hold, LegalHoldId=hold["LegalHoldId"], CancelDescription="too soon")[:2] == (
        "InvalidResourceStateException", 400)
    wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
    unchecked = emulator.client("backup", parameter_validation=False)
    assert error_of(unchecked.cancel_legal_hold, LegalHoldId=hold["LegalHoldId"])[:2] == ("MissingParameterValueException", 400)
    assert backup.get_legal_hold(LegalHoldId=hold["LegalHoldId"])["Status"] == "ACTIVE"
    release(backup, hold["LegalHoldId"])


@pytest.mark.usefixtures("quick_holds")
def test_the_same_idempotency_token_returns_the_same_hold(emulator, backup):
    """CreateLegalHold with a token already used: "a success message with no action taken"."""
    vault = make_vault(backup)
    request = {"Title": "idem", "Description": "d", "IdempotencyToken": unique("token"), "RecoveryPointSelection": {"VaultNames": [vault]}}
    first = backup.create_legal_hold(**request)
    again = backup.create_legal_hold(**request)
    assert again["LegalHoldId"] == first["LegalHoldId"]
    release(backup, first["LegalHoldId"])


@pytest.mark.usefixtures("quick_holds")
def test_retain_record_in_days_keeps_the_cancelled_hold_that_long(emulator, backup):
    """After CancelLegalHold with RetainRecordInDays, the record is gone from GetLegalHold and ListLegalHolds once the
    days have passed."""
    vault = make_vault(backup)
    hold = hold_on(backup, VaultNames=[vault])
    wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
    backup.cancel_legal_hold(LegalHoldId=hold["LegalHoldId"], CancelDescription="short record", RetainRecordInDays=1)
    done = wait_hold(backup, hold["LegalHoldId"], "CANCELED")
    assert done["RetainRecordUntil"] - done["CancellationDate"] == datetime.timedelta(days=1)
    emulator.control("clock", {"advance_seconds": 2 * 86400})
    try:
        assert error_of(backup.get_legal_hold, LegalHoldId=hold["LegalHoldId"])[0] == "ResourceNotFoundException"
        assert hold["LegalHoldId"] not in {h["LegalHoldId"] for h in backup.list_legal_holds()["LegalHolds"]}
    finally:
        emulator.control("clock", {"advance_seconds": -2 * 86400})


@pytest.mark.usefixtures("quick_holds")
def test_a_held_point_outlives_its_lifecycle_and_expires_once_released(emulator, backup):
    """Lifecycle deletion is delayed while a hold is in place; after the release the point expires."""
    vault = make_vault(backup)
    point = bulk_points(emulator, backup, vault, age_days=0.5)[0]
    arn = point["RecoveryPointArn"]
    hold = hold_on(backup, VaultNames=[vault])
    wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
    backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn, Lifecycle={"DeleteAfterDays": 1})
    emulator.control("clock", {"advance_seconds": 86400})
    try:
        assert backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)["Status"] == "COMPLETED"
        release(backup, hold["LegalHoldId"])
        emulator.control("clock", {"advance_seconds": 0})
        assert backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=arn)["Status"] == "EXPIRED"
    finally:
        emulator.control("clock", {"advance_seconds": -86400})


@pytest.mark.usefixtures("quick_holds")
def test_a_copy_does_not_carry_the_hold_of_its_source(emulator, backup):
    """"When a backup is copied ... it does not retain or carry its legal hold with it"."""
    vault, destination = make_vault(backup), make_vault(backup)
    job = s3_backup(emulator, backup, vault)
    source = job["RecoveryPointArn"]
    hold = hold_on(backup, VaultNames=[vault])
    try:
        wait_hold(backup, hold["LegalHoldId"], "ACTIVE")
        copy_id = backup.start_copy_job(RecoveryPointArn=source, SourceBackupVaultName=vault, IamRoleArn=ROLE,
                                        DestinationBackupVaultArn="arn:aws:backup:%s:123456789012:backup-vault:%s" % (REGION, destination))["CopyJobId"]
        emulator.wait_for_jobs()
        copied = backup.describe_copy_job(CopyJobId=copy_id)["CopyJob"]
        assert copied["State"] == "COMPLETED"
        assert held_arns(backup, hold["LegalHoldId"]) == {source}
        backup.delete_recovery_point(BackupVaultName=destination, RecoveryPointArn=copied["DestinationRecoveryPointArn"])
        assert error_of(backup.delete_recovery_point, BackupVaultName=vault, RecoveryPointArn=source)[2] == HELD_MESSAGE
    finally:
        release(backup, hold["LegalHoldId"])


@pytest.mark.usefixtures("quick_holds")
def test_at_most_50_legal_holds_are_active_at_once(emulator, backup):
    """The 51st active hold of the account is refused with LimitExceededException; a cancelled one no longer counts."""
    vault = make_vault(backup)
    active = [h for h in backup.list_legal_holds()["LegalHolds"] if h["Status"] != "CANCELED"]
    made = [hold_on(backup, VaultNames=[vault])["LegalHoldId"] for _n in range(LEGAL_HOLD_LIMIT - len(active))]
    # botocore takes LimitExceededException for throttling and retries it: one attempt shows the answer itself.
    once = emulator.client("backup", retries={"max_attempts": 1, "mode": "standard"})
    try:
        assert error_of(hold_on, backup=once, VaultNames=[vault])[:2] == ("LimitExceededException", 400)
        release(backup, made.pop())
        made.append(hold_on(backup, VaultNames=[vault])["LegalHoldId"])
    finally:
        for hold_id in made:
            wait_hold(backup, hold_id, "ACTIVE")
            backup.cancel_legal_hold(LegalHoldId=hold_id, CancelDescription="released")
        for hold_id in made:
            wait_hold(backup, hold_id, "CANCELED")


# ---------------------------------------------------------------------------------------------------- Vault Lock
def test_describe_backup_vault_shows_the_lock_as_aws_does(emulator, backup):
    """Governance mode (no ChangeableForDays): Locked, the bounds, no LockDate; compliance mode: LockDate is
    ChangeableForDays from now; without a lock: Locked false."""
    vault = make_vault(backup)
    assert backup.describe_backup_vault(BackupVaultName=vault)["Locked"] is False
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7, MaxRetentionDays=30)
    described = backup.describe_backup_vault(BackupVaultName=vault)
    assert (described["Locked"], described["MinRetentionDays"], described["MaxRetentionDays"]) == (True, 7, 30)
    assert "LockDate" not in described
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7, ChangeableForDays=3)
    now = datetime.datetime.fromisoformat(emulator.control("health")["now"])
    lock_date = backup.describe_backup_vault(BackupVaultName=vault)["LockDate"]
    assert abs((lock_date - now) - datetime.timedelta(days=3)) < datetime.timedelta(minutes=1)
    backup.delete_backup_vault_lock_configuration(BackupVaultName=vault)
    assert backup.describe_backup_vault(BackupVaultName=vault)["Locked"] is False


def test_a_locked_vault_refuses_deleting_a_point_until_its_lifecycle_completes(emulator, backup):
    """In a locked vault (governance mode too) a point is deleted only once its retention has ended."""
    vault = make_vault(backup)
    old, young, forever = (bulk_points(emulator, backup, vault, age_days=20)[0] for _n in range(3))
    backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=old["RecoveryPointArn"], Lifecycle={"DeleteAfterDays": 10})
    backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=young["RecoveryPointArn"], Lifecycle={"DeleteAfterDays": 30})
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=1)
    for point in (young, forever):
        code, status, message = error_of(backup.delete_recovery_point, BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"])
        assert (code, status) == ("InvalidRequestException", 400) and "Vault Lock" in message
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=old["RecoveryPointArn"])
    backup.delete_backup_vault_lock_configuration(BackupVaultName=vault)
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=young["RecoveryPointArn"])


def test_a_locked_vault_refuses_lifecycle_changes(emulator, backup):
    """UpdateRecoveryPointLifecycle in a locked vault: a retention outside MinRetentionDays/MaxRetentionDays is refused,
    and so is any other change ("attempts to ... change the lifecycle properties in a locked vault" are denied)."""
    vault = make_vault(backup)
    point = bulk_points(emulator, backup, vault)[0]
    arn = point["RecoveryPointArn"]
    backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn, Lifecycle={"DeleteAfterDays": 20})
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7, MaxRetentionDays=30)
    for days in (5, 400, 25):
        code, status, _message = error_of(backup.update_recovery_point_lifecycle, BackupVaultName=vault, RecoveryPointArn=arn,
                                          Lifecycle={"DeleteAfterDays": days})
        assert (code, status) == ("InvalidRequestException", 400), days
    same = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=arn, Lifecycle={"DeleteAfterDays": 20})
    assert same["Lifecycle"] == {"DeleteAfterDays": 20}
    backup.delete_backup_vault_lock_configuration(BackupVaultName=vault)


def test_backup_and_copy_jobs_into_a_locked_vault_outside_its_bounds_fail(emulator, backup):
    """"If the job's retention period is shorter than that minimum retention period, then the vault fails that backup or
    copy job" (and longer than the maximum, or no retention at all under a maximum); within the bounds it completes."""
    vault = make_vault(backup)
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=7, MaxRetentionDays=30)
    short = s3_backup(emulator, backup, vault, {"DeleteAfterDays": 3})
    assert short["State"] == "FAILED" and "MinRetentionDays 7" in short["StatusMessage"]
    endless = s3_backup(emulator, backup, vault)
    assert endless["State"] == "FAILED" and "MaxRetentionDays 30" in endless["StatusMessage"]
    fits = s3_backup(emulator, backup, vault, {"DeleteAfterDays": 14})
    assert fits["State"] == "COMPLETED"
    assert {p["RecoveryPointArn"] for p in points_of(backup, vault)} == {fits["RecoveryPointArn"]}
    source_vault = make_vault(backup)
    source = s3_backup(emulator, backup, source_vault)["RecoveryPointArn"]
    copy_id = backup.start_copy_job(RecoveryPointArn=source, SourceBackupVaultName=source_vault, IamRoleArn=ROLE,
                                    DestinationBackupVaultArn="arn:aws:backup:%s:123456789012:backup-vault:%s" % (REGION, vault),
                                    Lifecycle={"DeleteAfterDays": 400})["CopyJobId"]
    emulator.wait_for_jobs()
    copied = backup.describe_copy_job(CopyJobId=copy_id)["CopyJob"]
    assert copied["State"] == "FAILED" and "MaxRetentionDays 30" in copied["StatusMessage"]


def test_delete_backup_vault_only_deletes_an_empty_vault(emulator, backup):
    """"Backup vault cannot be deleted because it contains recovery points." (InvalidRequestException); an empty vault
    is deleted, locked in compliance mode or not; a vault that does not exist is ResourceNotFoundException."""
    vault = make_vault(backup)
    point = bulk_points(emulator, backup, vault)[0]
    assert error_of(backup.delete_backup_vault, BackupVaultName=vault) == (
        "InvalidRequestException", 400, "Backup vault cannot be deleted because it contains recovery points.")
    backup.delete_recovery_point(BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"])
    backup.put_backup_vault_lock_configuration(BackupVaultName=vault, MinRetentionDays=1, ChangeableForDays=3)
    backup.delete_backup_vault(BackupVaultName=vault)
    assert vault not in {v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]}
    assert error_of(backup.delete_backup_vault, BackupVaultName=vault)[:2] == ("ResourceNotFoundException", 400)


# ---------------------------------------------------------------------------------------------------- lifecycles and cold storage
def test_cold_storage_table_names_the_types_the_emulator_backs_up():
    """The table the backup health check can read: none of RDS, S3 and EC2 has lifecycle to cold storage."""
    assert {name: COLD_STORAGE_SUPPORT[name] for name in ("RDS", "S3", "EC2")} == {"RDS": False, "S3": False, "EC2": False}
    assert supports_cold_storage("EFS") and not supports_cold_storage("FSx")


def test_update_recovery_point_lifecycle_answers_the_lifecycle_and_when_it_applies(emulator, backup):
    """UpdateRecoveryPointLifecycle answers the vault, the point, the Lifecycle and CalculatedLifecycle; a type without
    cold storage keeps MoveToColdStorageAfterDays in Lifecycle but never moves (StorageClass WARM, no MoveToColdStorageAt);
    a type with it moves to COLD, after which MoveToColdStorageAfterDays cannot change; -1 keeps the point indefinitely."""
    vault = make_vault(backup)
    s3 = bulk_points(emulator, backup, vault, age_days=40)[0]
    answer = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=s3["RecoveryPointArn"],
                                                    Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 400})
    assert answer["BackupVaultArn"] == s3["BackupVaultArn"] and answer["RecoveryPointArn"] == s3["RecoveryPointArn"]
    assert answer["Lifecycle"] == {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 400}
    assert answer["CalculatedLifecycle"] == {"DeleteAt": s3["CreationDate"] + datetime.timedelta(days=400)}
    described = backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=s3["RecoveryPointArn"])
    assert described["StorageClass"] == "WARM" and described["Lifecycle"]["MoveToColdStorageAfterDays"] == 30

    efs = bulk_points(emulator, backup, vault, resource_type="EFS", age_days=40)[0]
    answer = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=efs["RecoveryPointArn"],
                                                    Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 400})
    assert answer["CalculatedLifecycle"]["MoveToColdStorageAt"] == efs["CreationDate"] + datetime.timedelta(days=30)
    assert backup.describe_recovery_point(BackupVaultName=vault, RecoveryPointArn=efs["RecoveryPointArn"])["StorageClass"] == "COLD"
    assert error_of(backup.update_recovery_point_lifecycle, BackupVaultName=vault, RecoveryPointArn=efs["RecoveryPointArn"],
                    Lifecycle={"MoveToColdStorageAfterDays": 35, "DeleteAfterDays": 400})[:2] == ("InvalidParameterValueException", 400)
    backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=efs["RecoveryPointArn"],
                                           Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 500})

    kept = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=s3["RecoveryPointArn"],
                                                  Lifecycle={"MoveToColdStorageAfterDays": -1, "DeleteAfterDays": -1})
    assert "Lifecycle" not in kept and "CalculatedLifecycle" not in kept
    assert error_of(backup.update_recovery_point_lifecycle, BackupVaultName=vault,
                    RecoveryPointArn=s3["RecoveryPointArn"].replace("BULK-", "BULK-0"))[:2] == ("ResourceNotFoundException", 400)


def test_deletion_must_come_90_days_after_the_move_to_cold_storage(emulator, backup):
    """DeleteAfterDays less than 90 days after MoveToColdStorageAfterDays is refused (InvalidParameterValueException, "Invalid
    lifecycle. DeleteAfterDays cannot be less than 90 days apart from MoveToColdStorageAfterDays") by
    UpdateRecoveryPointLifecycle, StartBackupJob (no job starts) and StartCopyJob."""
    vault = make_vault(backup)
    point = bulk_points(emulator, backup, vault)[0]
    bad = {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 100}
    expected = ("InvalidParameterValueException", 400,
                "Invalid lifecycle. DeleteAfterDays cannot be less than 90 days apart from MoveToColdStorageAfterDays")
    assert error_of(backup.update_recovery_point_lifecycle, BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"],
                    Lifecycle=bad) == expected
    s3 = emulator.client("s3")
    bucket = unique("holds-bucket")
    s3.create_bucket(Bucket=bucket)
    jobs_before = len(backup.list_backup_jobs(ByBackupVaultName=vault)["BackupJobs"])
    assert error_of(backup.start_backup_job, BackupVaultName=vault, ResourceArn="arn:aws:s3:::%s" % bucket, IamRoleArn=ROLE,
                    Lifecycle=bad) == expected
    assert len(backup.list_backup_jobs(ByBackupVaultName=vault)["BackupJobs"]) == jobs_before
    source = s3_backup(emulator, backup, vault)["RecoveryPointArn"]
    assert error_of(backup.start_copy_job, RecoveryPointArn=source, SourceBackupVaultName=vault, IamRoleArn=ROLE,
                    DestinationBackupVaultArn="arn:aws:backup:%s:123456789012:backup-vault:%s" % (REGION, vault),
                    Lifecycle=bad) == expected
    good = backup.update_recovery_point_lifecycle(BackupVaultName=vault, RecoveryPointArn=point["RecoveryPointArn"],
                                                  Lifecycle={"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120})
    assert good["Lifecycle"] == {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120}
