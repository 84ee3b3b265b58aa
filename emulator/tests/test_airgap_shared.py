"""A logically air-gapped vault shared through AWS RAM (emulator/backup_shared.py): the recipient account sees it only
as AWS RAM grants it, lists and reads its points with BackupVaultAccountId, and restores them into its own account."""

import datetime

import pymysql
import pytest

from emulator.seed import DB_PASSWORD
from emulator.testing import MPA_TEAM, air_gapped_copy, code_of, newest, newest_scheduled, points_of, recovery_organization, wait_restore

LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"


@pytest.fixture(name="organization", scope="module")
def fixture_organization(emulator):
    """The seeded account as an organization's management account with a recovery account in it, AWS RAM sharing
    enabled for the organization; left as found afterwards."""
    with recovery_organization(emulator) as recovery:
        yield recovery


@pytest.fixture(name="shared", scope="module")
def fixture_shared(emulator, world, organization):
    """An air-gapped vault holding copies of an S3 point, the database's newest scheduled point and an app server's
    newest point: (vault ARN, S3 copy ARN, RDS copy ARN, the recipient's credentials, the database's point, EC2 copy ARN).
    Each test shares the vault with the recovery account itself."""
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    backup = emulator.client("backup")
    s3 = emulator.client("s3")
    s3.create_bucket(Bucket="shared-source")
    s3.put_object(Bucket="shared-source", Key="tenant/a.txt", Body=b"alpha")
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::shared-source",
                                      IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 30})
    emulator.wait_for_jobs()
    vault_arn, s3_copy = air_gapped_copy(emulator, world["vault"], started["RecoveryPointArn"], world["backup_role_arn"], "lag-shared")
    db_point = newest_scheduled(points_of(backup, world["vault"], ByResourceArn=world["db"]["arn"]))
    job = backup.start_copy_job(RecoveryPointArn=db_point["RecoveryPointArn"], SourceBackupVaultName=world["vault"],
                                IamRoleArn=world["backup_role_arn"], DestinationBackupVaultArn=vault_arn,
                                Lifecycle={"DeleteAfterDays": 14})
    emulator.wait_for_jobs()
    rds_copy = backup.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]["DestinationRecoveryPointArn"]
    server_point = newest(points_of(backup, world["vault"], ByResourceType="EC2"))
    job = backup.start_copy_job(RecoveryPointArn=server_point["RecoveryPointArn"], SourceBackupVaultName=world["vault"],
                                IamRoleArn=world["backup_role_arn"], DestinationBackupVaultArn=vault_arn,
                                Lifecycle={"DeleteAfterDays": 14})
    emulator.wait_for_jobs()
    ec2_copy = backup.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]["DestinationRecoveryPointArn"]
    emulator.control("airgap/vault-seconds", {"seconds": 2.0})
    yield vault_arn, s3_copy, rds_copy, emulator.assume(organization), db_point, ec2_copy


def recipient_role(account):
    return "arn:aws:iam::%s:role/AWSBackupDefaultServiceRole" % account


def test_a_vault_is_invisible_to_another_account_until_shared_then_listed_read_and_restored_there(
        emulator, world, organization, shared):
    """Before the share: nothing listed, AccessDeniedException on its points and on a restore. After it: ByShared lists
    it, BackupVaultAccountId reads it, and a restore runs in the recipient's account and makes the bucket there."""
    vault_arn, s3_copy, _rds_copy, creds, _point, _ec2_copy = shared
    theirs = emulator.client("backup", credentials=creds)
    owner = world["db"]["arn"].split(":")[4]
    assert theirs.list_backup_vaults(ByShared=True)["BackupVaultList"] == []
    assert code_of(theirs.list_recovery_points_by_backup_vault, BackupVaultName="lag-shared",
                   BackupVaultAccountId=owner) == "AccessDeniedException"
    assert code_of(theirs.start_restore_job, RecoveryPointArn=s3_copy, IamRoleArn=recipient_role(organization),
                   Metadata={"DestinationBucketName": "shared-early", "NewBucket": "true"}) == "AccessDeniedException"

    share = emulator.client("ram").create_resource_share(name="lag-shared", resourceArns=[vault_arn],
                                                         principals=[organization])["resourceShare"]
    try:
        listed = theirs.list_backup_vaults(ByShared=True)["BackupVaultList"]
        assert [(v["BackupVaultArn"], v["VaultType"]) for v in listed] == [(vault_arn, LAG)]
        assert vault_arn not in [v["BackupVaultArn"] for v in theirs.list_backup_vaults()["BackupVaultList"]]
        assert theirs.describe_backup_vault(BackupVaultName="lag-shared", BackupVaultAccountId=owner)["BackupVaultArn"] == vault_arn
        points = points_of(theirs, "lag-shared", BackupVaultAccountId=owner)
        assert s3_copy in [p["RecoveryPointArn"] for p in points]
        assert theirs.describe_recovery_point(BackupVaultName="lag-shared", BackupVaultAccountId=owner,
                                              RecoveryPointArn=s3_copy)["VaultType"] == LAG
        # Without BackupVaultAccountId the name is looked up in the caller's own account, where no such vault is.
        assert code_of(theirs.list_recovery_points_by_backup_vault, BackupVaultName="lag-shared") == "AccessDeniedException"

        job = wait_restore(theirs, theirs.start_restore_job(
            RecoveryPointArn=s3_copy, IamRoleArn=recipient_role(organization),
            Metadata={"DestinationBucketName": "shared-restored", "NewBucket": "true"})["RestoreJobId"])
        assert job["Status"] == "COMPLETED", job.get("StatusMessage")
        assert job["AccountId"] == organization and job["BackupVaultArn"] == vault_arn
        their_s3 = emulator.client("s3", credentials=creds)
        assert their_s3.get_object(Bucket="shared-restored", Key="tenant/a.txt")["Body"].read() == b"alpha"
        assert "shared-restored" in [b["Name"] for b in their_s3.list_buckets()["Buckets"]]
        assert "shared-restored" not in [b["Name"] for b in emulator.client("s3").list_buckets()["Buckets"]]
        # The job is the recipient's: the owner's account does not list it.
        assert code_of(emulator.client("backup").describe_restore_job, RestoreJobId=job["RestoreJobId"]) == "ResourceNotFoundException"
    finally:
        emulator.client("ram").delete_resource_share(resourceShareArn=share["resourceShareArn"])
    assert theirs.list_backup_vaults(ByShared=True)["BackupVaultList"] == []


def test_a_shared_database_point_restores_a_real_database_in_the_recipients_account(emulator, world, organization, shared):
    """The copy of the database's point restores into an instance of the recipient's account with the point's rows;
    the owner's account has no such instance."""
    vault_arn, _s3_copy, rds_copy, creds, point, _ec2_copy = shared
    share = emulator.client("ram").create_resource_share(name="lag-shared-db", resourceArns=[vault_arn],
                                                         principals=[organization])["resourceShare"]
    try:
        theirs = emulator.client("backup", credentials=creds)
        owner = world["db"]["arn"].split(":")[4]
        metadata = theirs.get_recovery_point_restore_metadata(BackupVaultName="lag-shared", BackupVaultAccountId=owner,
                                                              RecoveryPointArn=rds_copy)["RestoreMetadata"]
        # The source's network is the owner's: the recipient restores into its own (here, its default).
        wanted = {k: v for k, v in metadata.items() if k not in ("DBSubnetGroupName", "VpcSecurityGroupIds", "AvailabilityZone")}
        wanted["DBInstanceIdentifier"] = "shared-db-restore"
        job = wait_restore(theirs, theirs.start_restore_job(RecoveryPointArn=rds_copy, IamRoleArn=recipient_role(organization),
                                                            Metadata=wanted)["RestoreJobId"])
        assert job["Status"] == "COMPLETED", job.get("StatusMessage")
        assert job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:%s:db:shared-db-restore" % organization
        their_rds = emulator.client("rds", credentials=creds)
        endpoint = their_rds.describe_db_instances(DBInstanceIdentifier="shared-db-restore")["DBInstances"][0]["Endpoint"]
        assert code_of(emulator.client("rds").describe_db_instances, DBInstanceIdentifier="shared-db-restore") == "DBInstanceNotFound"
        with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user=world["db"]["user"], password=DB_PASSWORD,
                             database="app", connect_timeout=10) as conn, conn.cursor() as cur:
            cur.execute("SELECT COUNT(*), MAX(created_at) FROM orders")
            count, newest_row = cur.fetchone()
        assert count > 0
        assert newest_row <= point["CreationDate"].astimezone(datetime.timezone.utc).replace(tzinfo=None)
    finally:
        emulator.client("ram").delete_resource_share(resourceShareArn=share["resourceShareArn"])


def test_a_shared_server_point_launches_an_instance_in_the_recipients_account(emulator, organization, shared):
    """The copied image is made available to the recipient: the instance runs there (in its own network), not in the
    owner's account."""
    vault_arn, _s3_copy, _rds_copy, creds, _point, ec2_copy = shared
    share = emulator.client("ram").create_resource_share(name="lag-shared-ec2", resourceArns=[vault_arn],
                                                         principals=[organization])["resourceShare"]
    try:
        theirs = emulator.client("backup", credentials=creds)
        job = wait_restore(theirs, theirs.start_restore_job(RecoveryPointArn=ec2_copy, IamRoleArn=recipient_role(organization),
                                                            Metadata={"InstanceType": "t3.small"})["RestoreJobId"])
        assert job["Status"] == "COMPLETED", job.get("StatusMessage")
        assert job["CreatedResourceArn"].startswith("arn:aws:ec2:us-east-1:%s:instance/" % organization)
        instance_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
        made = emulator.client("ec2", credentials=creds).describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
        assert made["InstanceType"] == "t3.small" and made["ImageId"] != ec2_copy.rsplit("/", 1)[1]
        assert code_of(emulator.client("ec2").describe_instances, InstanceIds=[instance_id]) == "InvalidInstanceID.NotFound"
        again = wait_restore(theirs, theirs.start_restore_job(RecoveryPointArn=ec2_copy, IamRoleArn=recipient_role(organization),
                                                              Metadata={"InstanceType": "t3.small"})["RestoreJobId"])
        second = emulator.client("ec2", credentials=creds).describe_instances(
            InstanceIds=[again["CreatedResourceArn"].rsplit("/", 1)[1]])["Reservations"][0]["Instances"][0]
        assert second["ImageId"] == made["ImageId"]  # one image made available per account, not one per restore
    finally:
        emulator.client("ram").delete_resource_share(resourceShareArn=share["resourceShareArn"])


def test_only_what_ram_grants_is_seen_a_standard_vault_or_an_account_outside_the_organization_is_not(
        emulator, world, organization, shared):
    """A share with an account outside the organization waits for an invitation to be accepted (not emulated: the vault
    stays unseen); a standard vault in a share is not shared as an air-gapped one; RAM refuses a malformed principal."""
    vault_arn, s3_copy, _rds_copy, _creds, _point, _ec2_copy = shared
    ram = emulator.client("ram")
    outsider = "210987654321"
    standard_arn = emulator.client("backup").describe_backup_vault(BackupVaultName=world["vault"])["BackupVaultArn"]
    share = ram.create_resource_share(name="lag-outside", resourceArns=[vault_arn, standard_arn],
                                      principals=[outsider, organization])["resourceShare"]
    try:
        theirs = emulator.client("backup", credentials=emulator.assume(outsider))
        assert theirs.list_backup_vaults(ByShared=True)["BackupVaultList"] == []
        assert code_of(theirs.describe_recovery_point, BackupVaultName="lag-shared", RecoveryPointArn=s3_copy,
                       BackupVaultAccountId=world["db"]["arn"].split(":")[4]) == "AccessDeniedException"
        member = emulator.client("backup", credentials=emulator.assume(organization))
        assert [v["BackupVaultArn"] for v in member.list_backup_vaults(ByShared=True)["BackupVaultList"]] == [vault_arn]
        assert code_of(member.list_recovery_points_by_backup_vault, BackupVaultName=world["vault"],
                       BackupVaultAccountId=world["db"]["arn"].split(":")[4]) == "AccessDeniedException"
    finally:
        ram.delete_resource_share(resourceShareArn=share["resourceShareArn"])
    assert code_of(ram.create_resource_share, name="bad", resourceArns=[vault_arn], principals=["not-an-account"]) == "InvalidParameterException"


def test_a_restore_access_vault_is_made_in_the_recovery_account_that_asks_and_revoked_by_the_owner(emulator, organization, shared):
    """The recovery account asks for restore access (no RAM share needed: the approval team decides); the vault is the
    recovery account's, shows the air-gapped vault's points once approved, restores them there; the owner lists and
    revokes it."""
    vault_arn, s3_copy, _rds_copy, creds, _point, _ec2_copy = shared
    owner = emulator.client("backup")
    theirs = emulator.client("backup", credentials=creds)
    if not owner.describe_backup_vault(BackupVaultName="lag-shared").get("MpaApprovalTeamArn"):
        owner.associate_backup_vault_mpa_approval_team(BackupVaultName="lag-shared", MpaApprovalTeamArn=MPA_TEAM)
    made = theirs.create_restore_access_backup_vault(SourceBackupVaultArn=vault_arn, BackupVaultName="recovery-access")
    assert made["VaultState"] == "CREATING" and made["RestoreAccessBackupVaultArn"].split(":")[4] == organization
    listed = owner.list_restore_access_backup_vaults(BackupVaultName="lag-shared")["RestoreAccessBackupVaults"]
    assert [v["RestoreAccessBackupVaultArn"] for v in listed] == [made["RestoreAccessBackupVaultArn"]]
    assert made["RestoreAccessBackupVaultArn"] not in [v["BackupVaultArn"] for v in owner.list_backup_vaults(
        ByVaultType="RESTORE_ACCESS_BACKUP_VAULT")["BackupVaultList"]]
    assert [v["BackupVaultArn"] for v in theirs.list_backup_vaults(ByVaultType="RESTORE_ACCESS_BACKUP_VAULT")["BackupVaultList"]] == [
        made["RestoreAccessBackupVaultArn"]]
    assert code_of(theirs.start_restore_job, RecoveryPointArn=s3_copy, IamRoleArn=recipient_role(organization),
                   Metadata={"DestinationBucketName": "access-early", "NewBucket": "true"}) == "AccessDeniedException"

    session = theirs.describe_backup_vault(BackupVaultName="recovery-access")["MpaSessionArn"]
    emulator.control("airgap/mpa-sessions", {"arn": session, "decision": "APPROVED"})
    assert sorted(p["RecoveryPointArn"] for p in points_of(theirs, "recovery-access")) == \
        sorted(p["RecoveryPointArn"] for p in points_of(owner, "lag-shared"))
    job = wait_restore(theirs, theirs.start_restore_job(RecoveryPointArn=s3_copy, IamRoleArn=recipient_role(organization),
                                                        Metadata={"DestinationBucketName": "access-restored", "NewBucket": "true"})["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert emulator.client("s3", credentials=creds).get_object(Bucket="access-restored", Key="tenant/a.txt")["Body"].read() == b"alpha"

    assert code_of(theirs.revoke_restore_access_backup_vault, BackupVaultName="lag-shared",
                   RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"]) == "ResourceNotFoundException"
    owner.revoke_restore_access_backup_vault(BackupVaultName="lag-shared", RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"])
    pending = owner.list_restore_access_backup_vaults(BackupVaultName="lag-shared")["RestoreAccessBackupVaults"][0]["LatestRevokeRequest"]
    emulator.control("airgap/mpa-sessions", {"arn": pending["MpaSessionArn"], "decision": "APPROVED"})
    assert owner.list_restore_access_backup_vaults(BackupVaultName="lag-shared")["RestoreAccessBackupVaults"] == []
    assert code_of(theirs.describe_backup_vault, BackupVaultName="recovery-access") == "AccessDeniedException"


def test_another_account_sees_none_of_the_owners_automated_backups_or_unshared_vaults(emulator, world):
    """An account of its own (not in any organization): no automated backup of the owner's database is listed or
    restorable to a point in time there, and the owner's vault is not read through BackupVaultAccountId."""
    outsider = emulator.assume("210987654321")
    identifier = world["db"]["arn"].split(":db:", 1)[1]
    assert emulator.client("rds").describe_db_instance_automated_backups(DBInstanceIdentifier=identifier)["DBInstanceAutomatedBackups"]
    theirs = emulator.client("rds", credentials=outsider)
    assert theirs.describe_db_instance_automated_backups(DBInstanceIdentifier=identifier)["DBInstanceAutomatedBackups"] == []
    assert code_of(theirs.restore_db_instance_to_point_in_time, SourceDBInstanceIdentifier=identifier,
                   TargetDBInstanceIdentifier="outsider-pitr", UseLatestRestorableTime=True) == "DBInstanceNotFound"
    backup = emulator.client("backup", credentials=outsider)
    owner = world["db"]["arn"].split(":")[4]
    for call in (backup.list_protected_resources_by_backup_vault, backup.describe_backup_vault):
        assert code_of(call, BackupVaultName=world["vault"], BackupVaultAccountId=owner) == "AccessDeniedException"
