# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant restored in a recovery account from the logically air-gapped vault the backup account shares with it
through AWS RAM: recovery_point_info and restore_job with backup_vault_account_id, run with the recovery account's
credentials (STS AssumeRole). The organization, the tenant bucket and the vault are this module's own."""

import pytest

from emulator.client import REGION
from emulator.testing import MPA_TEAM, air_gapped_copy, recovery_organization
from tests.e2e.helpers import run_playbook

BUCKET = "multi-tenant-app-prod-tenant-73"
VAULT = "multi-tenant-app-prod-airgapped-shared"
RESTORED = "multi-tenant-app-prod-tenant-73-recovered"


@pytest.fixture(name="shared", scope="module")
def fixture_shared(emulator, world):
    """(owner account, recovery account, its credentials, the vault's ARN, the copy's ARN, the RAM share's ARN), the
    vault shared with the recovery account of the owner's organization; the organization is removed afterwards."""
    with recovery_organization(emulator) as recovery:
        ram = emulator.client("ram")
        s3 = emulator.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="orders/2026-11.csv", Body=b"id,total\n1,10\n")
        backup = emulator.client("backup")
        started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::" + BUCKET,
                                          IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 30})
        emulator.wait_for_jobs()
        emulator.control("airgap/vault-seconds", {"seconds": 0.3})
        try:
            vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], started["RecoveryPointArn"], world["backup_role_arn"], VAULT)
        finally:
            emulator.control("airgap/vault-seconds", {"seconds": 2.0})
        share = ram.create_resource_share(name=VAULT, resourceArns=[vault_arn], principals=[recovery])["resourceShare"]["resourceShareArn"]
        yield world["db"]["arn"].split(":")[4], recovery, emulator.assume(recovery), vault_arn, copy_arn, share
        ram.delete_resource_share(resourceShareArn=share)


def as_account(emulator, credentials):
    """module_defaults that call AWS with CREDENTIALS (the recovery account's)."""
    return {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION, "access_key": credentials["AccessKeyId"],
                                         "secret_key": credentials["SecretAccessKey"], "session_token": credentials["SessionToken"]}}


def test_a_recovery_account_lists_the_shared_vaults_points_and_restores_a_tenant_into_its_own_account(emulator, tmp_path, shared):
    owner, recovery, credentials, vault_arn, copy_arn, _share = shared
    restore = {"recovery_point_arn": "{{ point.recovery_point.recovery_point_arn }}", "backup_vault_name": VAULT,
               "backup_vault_account_id": owner, "target_name": RESTORED, "metadata": {"NewBucket": True},
               "iam_role_arn": "arn:aws:iam::%s:role/multi-tenant-app-prod-backup-role" % recovery, "wait": True, "poll_interval": 1}
    results = run_playbook(emulator, tmp_path, [
        {"name": "The tenant's newest point in the shared vault", "register": "point",
         "restorekit.aws.recovery_point_info": {"backup_vault_name": VAULT, "backup_vault_account_id": owner,
                                                "resource_name": BUCKET, "resource_type": "S3", "select": "latest"}},
        {"name": "Restore it into a new bucket of this account", "register": "restore", "restorekit.aws.restore_job": restore},
        {"name": "The same restore again adopts the job", "register": "again", "restorekit.aws.restore_job": restore},
    ], ["point", "restore", "again"], module_defaults=as_account(emulator, credentials))
    assert results["point"]["recovery_point"]["recovery_point_arn"] == copy_arn
    assert results["point"]["searched"]["backup_vault_account_id"] == owner
    assert results["restore"]["changed"] and results["restore"]["restore_job"]["status"] == "COMPLETED", results["restore"]
    assert results["again"]["changed"] is False and results["again"]["adopted"]
    assert results["again"]["restore_job_id"] == results["restore"]["restore_job_id"]
    theirs = emulator.client("s3", credentials=credentials)
    assert theirs.get_object(Bucket=RESTORED, Key="orders/2026-11.csv")["Body"].read() == b"id,total\n1,10\n"
    assert RESTORED not in [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]
    assert emulator.client("backup", credentials=credentials).describe_restore_job(
        RestoreJobId=results["restore"]["restore_job_id"])["BackupVaultArn"] == vault_arn


def test_a_vault_not_shared_or_a_bad_account_is_named_before_any_restore(emulator, tmp_path, shared):
    owner, _recovery, credentials, _vault_arn, copy_arn, _share = shared
    outsider = emulator.assume("210987654321")
    results = run_playbook(emulator, tmp_path, [
        {"name": "An account the vault is not shared with", "register": "unshared", "ignore_errors": True,
         "restorekit.aws.recovery_point_info": {"backup_vault_name": VAULT, "backup_vault_account_id": owner, "resource_type": "S3",
                                                "access_key": outsider["AccessKeyId"], "secret_key": outsider["SecretAccessKey"],
                                                "session_token": outsider["SessionToken"]}},
        {"name": "An account id that is not one", "register": "bad_account", "ignore_errors": True,
         "restorekit.aws.restore_job": {"recovery_point_arn": copy_arn, "backup_vault_name": VAULT, "backup_vault_account_id": "12345",
                                        "target_name": "never-made-bucket", "metadata": {"NewBucket": True}}},
        {"name": "A point of another account than the vault's", "register": "other_point", "ignore_errors": True,
         "restorekit.aws.restore_job": {"recovery_point_arn": copy_arn, "backup_vault_name": VAULT, "backup_vault_account_id": "111122223333",
                                        "target_name": "never-made-bucket", "metadata": {"NewBucket": True}}},
    ], ["unshared", "bad_account", "other_point"], module_defaults=as_account(emulator, credentials))
    assert results["unshared"]["failed"]
    assert "not shared with this account" in results["unshared"]["msg"] and "list-backup-vaults --by-shared" in results["unshared"]["msg"]
    assert results["bad_account"]["failed"] and "backup_vault_account_id='12345'" in results["bad_account"]["msg"]
    assert results["other_point"]["failed"] and "backup_vault_account_id is 111122223333" in results["other_point"]["msg"]
    assert "never-made-bucket" not in [b["Name"] for b in emulator.client("s3", credentials=credentials).list_buckets()["Buckets"]]


def test_restore_access_is_asked_for_in_the_recovery_account_restored_there_and_revoked_by_the_owner(emulator, tmp_path, shared):
    """restore_access_vault as the runbook splits it when the owning account cannot restore: the recovery account asks
    (the approval team decides), lists the points and restores one into itself with its own role; the owner revokes.
    Revoking from the recovery account says where to run it."""
    owner, recovery, credentials, vault_arn, copy_arn, _share = shared
    backup = emulator.client("backup")
    if not backup.describe_backup_vault(BackupVaultName=VAULT).get("MpaApprovalTeamArn"):
        backup.associate_backup_vault_mpa_approval_team(BackupVaultName=VAULT, MpaApprovalTeamArn=MPA_TEAM)
    asked = run_playbook(emulator, tmp_path, [
        {"name": "Ask for restore access", "register": "asked",
         "restorekit.aws.restore_access_vault": {"source_backup_vault_arn": vault_arn, "backup_vault_name": "tenant-73-access",
                                                 "requester_comment": "INC-73"}}], ["asked"], module_defaults=as_account(emulator, credentials))
    vault = asked["asked"]["restore_access_vault"]
    assert vault["backup_vault_arn"].split(":")[4] == recovery and vault["vault_state"] == "CREATING"
    emulator.control("airgap/mpa-sessions", {"arn": vault["mpa_session_arn"], "decision": "APPROVED"})
    results = run_playbook(emulator, tmp_path, [
        {"name": "The approved vault and its points", "register": "access",
         "restorekit.aws.restore_access_vault": {"source_backup_vault_arn": vault_arn, "backup_vault_name": "tenant-73-access",
                                                 "list_recovery_points": True}},
        {"name": "Restore through it, with this account's role", "register": "restore",
         "restorekit.aws.restore_job": {"recovery_point_arn": copy_arn, "backup_vault_name": "tenant-73-access",
                                        "target_name": "multi-tenant-app-prod-tenant-73-via-access", "metadata": {"NewBucket": True},
                                        "iam_role_arn": "arn:aws:iam::%s:role/multi-tenant-app-prod-backup-role" % recovery,
                                        "wait": True, "poll_interval": 1}},
        {"name": "Revoking here is not this account's call", "register": "wrong_account", "ignore_errors": True,
         "restorekit.aws.restore_access_vault": {"source_backup_vault_arn": vault_arn, "state": "absent", "reason": "done"}},
    ], ["access", "restore", "wrong_account"], module_defaults=as_account(emulator, credentials))
    assert results["access"]["changed"] is False and results["access"]["restore_access_vault"]["vault_state"] == "AVAILABLE"
    assert copy_arn in [p["recovery_point_arn"] for p in results["access"]["recovery_points"]]
    assert results["restore"]["restore_job"]["status"] == "COMPLETED", results["restore"]
    theirs = emulator.client("s3", credentials=credentials)
    assert theirs.get_object(Bucket="multi-tenant-app-prod-tenant-73-via-access", Key="orders/2026-11.csv")["Body"].read() == b"id,total\n1,10\n"
    assert results["wrong_account"]["failed"] and "credentials of account %s" % owner in results["wrong_account"]["msg"]

    revoked = run_playbook(emulator, tmp_path, [
        {"name": "The owner revokes", "register": "revoke",
         "restorekit.aws.restore_access_vault": {"source_backup_vault_arn": vault_arn, "state": "absent", "reason": "INC-73 closed"}}],
        ["revoke"])
    assert revoked["revoke"]["changed"] and revoked["revoke"]["revoked"] == [vault["backup_vault_arn"]]
    pending = backup.list_restore_access_backup_vaults(BackupVaultName=VAULT)["RestoreAccessBackupVaults"][0]["LatestRevokeRequest"]
    emulator.control("airgap/mpa-sessions", {"arn": pending["MpaSessionArn"], "decision": "APPROVED"})
    assert backup.list_restore_access_backup_vaults(BackupVaultName=VAULT)["RestoreAccessBackupVaults"] == []
