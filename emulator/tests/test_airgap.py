"""Logically air-gapped vaults and restore access backup vaults (emulator/backup_airgap.py) answer as AWS Backup does,
and a restore from them really restores: the objects and the instance come back."""

import datetime

import pymysql
import pytest

from emulator.seed import DB_PASSWORD
from emulator.testing import (MPA_TEAM, air_gapped_copy, code_of, newest, newest_scheduled, points_of, wait_restore,
                              wait_vault_available)

LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
RESTORE_ACCESS = "RESTORE_ACCESS_BACKUP_VAULT"


def s3_snapshot(s3, bucket):
    """Every object of BUCKET: key -> (bytes, content type, metadata)."""
    out = {}
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        got = s3.get_object(Bucket=bucket, Key=item["Key"])
        out[item["Key"]] = (got["Body"].read(), got["ContentType"], got["Metadata"])
    return out


@pytest.fixture(name="bucket_point", scope="module")
def fixture_bucket_point(emulator, world):
    """A bucket of our own, backed up now into the seeded vault: (bucket, its objects then, the point's ARN)."""
    s3 = emulator.client("s3")
    backup = emulator.client("backup")
    s3.create_bucket(Bucket="airgap-source")
    for key, body in (("a.txt", b"alpha"), ("dir/b c.bin", bytes(range(256)) * 40), ("unicode-\u00e9.txt", b"e")):
        s3.put_object(Bucket="airgap-source", Key=key, Body=body, ContentType="text/plain", Metadata={"k": key[:3]})
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::airgap-source",
                                      IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 30})
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=started["BackupJobId"])["State"] == "COMPLETED"
    return "airgap-source", s3_snapshot(s3, "airgap-source"), started["RecoveryPointArn"]


@pytest.fixture(name="fast_vaults")
def fixture_fast_vaults(emulator):
    """New air-gapped vaults take 0.3 s to become AVAILABLE in the test (AWS takes minutes); restored after."""
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    yield
    emulator.control("airgap/vault-seconds", {"seconds": 2.0})


def test_an_air_gapped_vault_is_creating_then_available_and_always_locked(emulator, world, backup):
    """A new vault is CREATING, then AVAILABLE, locked with its bounds; ListBackupVaults filters by type."""
    emulator.control("airgap/vault-seconds", {"seconds": 3.0})
    made = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-states", MinRetentionDays=7,
                                                           MaxRetentionDays=60, BackupVaultTags={"k": "v"})
    assert made["VaultState"] == "CREATING"
    assert made["BackupVaultArn"] == "arn:aws:backup:us-east-1:123456789012:backup-vault:lag-states"
    described = backup.describe_backup_vault(BackupVaultName="lag-states")
    assert described["VaultState"] == "CREATING" and described["VaultType"] == LAG
    assert described["Locked"] is True and (described["MinRetentionDays"], described["MaxRetentionDays"]) == (7, 60)
    assert described["EncryptionKeyType"] == "AWS_OWNED_KMS_KEY" and "EncryptionKeyArn" not in described
    assert described["LockDate"] == described["CreationDate"]
    wait_vault_available(backup, "lag-states")
    air_gapped = backup.list_backup_vaults(ByVaultType=LAG)["BackupVaultList"]
    assert [(v["BackupVaultName"], v["VaultType"], v["VaultState"], v["Locked"]) for v in air_gapped
            if v["BackupVaultName"] == "lag-states"] == [("lag-states", LAG, "AVAILABLE", True)]
    assert all(v["VaultType"] == LAG for v in air_gapped)
    standard = backup.list_backup_vaults(ByVaultType="BACKUP_VAULT")["BackupVaultList"]
    assert world["vault"] in [v["BackupVaultName"] for v in standard] and "lag-states" not in [v["BackupVaultName"] for v in standard]
    everything = [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]]
    assert {"lag-states", world["vault"]} <= set(everything)
    assert backup.list_backup_vaults(ByShared=True)["BackupVaultList"] == []
    emulator.control("airgap/vault-seconds", {"seconds": 2.0})


def test_an_air_gapped_vault_refuses_what_aws_refuses(backup, world):
    """A minimum under 7 days, a maximum under the minimum and a name in use are refused; a retry is not."""
    assert code_of(backup.create_logically_air_gapped_backup_vault, BackupVaultName="lag-short", MinRetentionDays=6,
                   MaxRetentionDays=30) == "InvalidParameterValueException"
    assert code_of(backup.create_logically_air_gapped_backup_vault, BackupVaultName="lag-upside", MinRetentionDays=30,
                   MaxRetentionDays=7) == "InvalidParameterValueException"
    assert code_of(backup.create_logically_air_gapped_backup_vault, BackupVaultName=world["vault"], MinRetentionDays=7,
                   MaxRetentionDays=30) == "AlreadyExistsException"
    key = world["kms_key_arn"]
    first = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-cmk", MinRetentionDays=7, MaxRetentionDays=30,
                                                            EncryptionKeyArn=key, CreatorRequestId="lag-cmk-1")
    again = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-cmk", MinRetentionDays=7, MaxRetentionDays=30,
                                                            EncryptionKeyArn=key, CreatorRequestId="lag-cmk-1")
    assert again["BackupVaultArn"] == first["BackupVaultArn"] and again["CreationDate"] == first["CreationDate"]
    assert code_of(backup.create_logically_air_gapped_backup_vault, BackupVaultName="lag-cmk", MinRetentionDays=7,
                   MaxRetentionDays=30, EncryptionKeyArn=key) == "AlreadyExistsException"
    described = backup.describe_backup_vault(BackupVaultName="lag-cmk")
    assert described["EncryptionKeyType"] == "CUSTOMER_MANAGED_KMS_KEY" and described["EncryptionKeyArn"] == key


def test_a_copy_into_an_air_gapped_vault_reports_it_and_an_s3_restore_from_it_brings_the_objects_back(
        emulator, world, backup, bucket_point, fast_vaults):  # pylint: disable=unused-argument
    """The copy says where it is and how it is encrypted, cannot be deleted, and restores the bucket's objects."""
    bucket, objects, point_arn = bucket_point
    vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], point_arn, world["backup_role_arn"], "lag-s3", days=14)
    job = list(backup.list_copy_jobs(ByDestinationVaultArn=vault_arn)["CopyJobs"])
    assert len(job) == 1 and job[0]["DestinationVaultType"] == LAG
    copied = backup.describe_recovery_point(BackupVaultName="lag-s3", RecoveryPointArn=copy_arn)
    assert copied["VaultType"] == LAG and copied["BackupVaultArn"] == vault_arn
    assert copied["SourceBackupVaultArn"] == backup.describe_backup_vault(BackupVaultName=world["vault"])["BackupVaultArn"]
    assert copied["IsEncrypted"] is True and copied["EncryptionKeyType"] == "AWS_OWNED_KMS_KEY" and "EncryptionKeyArn" not in copied
    assert copied["Lifecycle"] == {"DeleteAfterDays": 14} and copied["Status"] == "COMPLETED"
    assert code_of(backup.delete_recovery_point, BackupVaultName="lag-s3", RecoveryPointArn=copy_arn) == "InvalidRequestException"
    assert code_of(backup.delete_backup_vault_lock_configuration, BackupVaultName="lag-s3") == "InvalidRequestException"
    listed = points_of(backup, "lag-s3")
    assert [p["RecoveryPointArn"] for p in listed] == [copy_arn] and listed[0]["VaultType"] == LAG
    assert backup.describe_backup_vault(BackupVaultName="lag-s3")["NumberOfRecoveryPoints"] == 1

    s3 = emulator.client("s3")
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"damaged after the backup")
    restore = backup.start_restore_job(RecoveryPointArn=copy_arn, IamRoleArn=world["backup_role_arn"],
                                       Metadata={"DestinationBucketName": "airgap-restored", "NewBucket": "true"})
    done = wait_restore(backup, restore["RestoreJobId"])
    assert done["Status"] == "COMPLETED", done.get("StatusMessage")
    assert done["BackupVaultArn"] == vault_arn
    assert s3_snapshot(s3, "airgap-restored") == objects


@pytest.mark.parametrize("lifecycle", [{"DeleteAfterDays": 3}, {"DeleteAfterDays": 400}, {}],
                         ids=["shorter-than-min", "longer-than-max", "indefinite"])
def test_the_vault_fails_a_copy_whose_retention_is_outside_its_bounds(emulator, world, backup, bucket_point, lifecycle):
    """StartCopyJob accepts the copy; the vault fails it and keeps no point."""
    name = "lag-bounds-%d" % lifecycle.get("DeleteAfterDays", 0)
    made = backup.create_logically_air_gapped_backup_vault(BackupVaultName=name, MinRetentionDays=7, MaxRetentionDays=35)
    job = backup.start_copy_job(RecoveryPointArn=bucket_point[2], SourceBackupVaultName=world["vault"],
                                IamRoleArn=world["backup_role_arn"], DestinationBackupVaultArn=made["BackupVaultArn"],
                                **({"Lifecycle": lifecycle} if lifecycle else {}))
    emulator.wait_for_jobs()
    copied = backup.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]
    assert copied["State"] == "FAILED" and ("Backup vault %s is locked with" % name) in copied["StatusMessage"]
    assert "DestinationRecoveryPointArn" not in copied
    assert points_of(backup, name) == []


def test_an_ec2_restore_from_an_air_gapped_copy_launches_from_the_copied_image(emulator, world, backup, fast_vaults):  # pylint: disable=unused-argument
    """The restored instance runs the copied image with the requested settings."""
    ec2 = emulator.client("ec2")
    point = newest(points_of(backup, world["vault"], ByResourceType="EC2"))
    _vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], point["RecoveryPointArn"], world["backup_role_arn"], "lag-ec2")
    metadata = {"InstanceType": "t3.small", "SubnetId": world["subnet_ids"][0], "RequireIMDSv2": "true"}
    job = wait_restore(backup, backup.start_restore_job(RecoveryPointArn=copy_arn, IamRoleArn=world["backup_role_arn"],
                                                        Metadata=metadata)["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    instance = ec2.describe_instances(InstanceIds=[job["CreatedResourceArn"].rsplit("/", 1)[1]])["Reservations"][0]["Instances"][0]
    assert instance["ImageId"] == copy_arn.rsplit("/", 1)[1] != point["RecoveryPointArn"].rsplit("/", 1)[1]
    assert instance["InstanceType"] == "t3.small" and instance["MetadataOptions"]["HttpTokens"] == "required"


def test_a_restore_access_vault_waits_for_approval_restores_and_is_revoked_with_approval(
        emulator, world, backup, bucket_point, fast_vaults):  # pylint: disable=unused-argument
    """CREATING until approved, then it shows and restores the points; an approved revoke deletes it."""
    vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], bucket_point[2], world["backup_role_arn"], "lag-access")
    assert code_of(backup.create_restore_access_backup_vault, SourceBackupVaultArn=vault_arn) == "InvalidRequestException"
    assert code_of(backup.associate_backup_vault_mpa_approval_team, BackupVaultName="lag-access",
                   MpaApprovalTeamArn="arn:aws:iam::123456789012:role/x") == "InvalidParameterValueException"
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName="lag-access", MpaApprovalTeamArn=MPA_TEAM)
    assert backup.describe_backup_vault(BackupVaultName="lag-access")["MpaApprovalTeamArn"] == MPA_TEAM

    made = backup.create_restore_access_backup_vault(SourceBackupVaultArn=vault_arn, BackupVaultName="access-1",
                                                     RequesterComment="production account lost")
    assert made["VaultState"] == "CREATING" and made["RestoreAccessBackupVaultName"] == "access-1"
    access = backup.describe_backup_vault(BackupVaultName="access-1")
    assert (access["VaultType"], access["VaultState"], access["SourceBackupVaultArn"]) == (RESTORE_ACCESS, "CREATING", vault_arn)
    assert points_of(backup, "access-1") == []
    listed = backup.list_restore_access_backup_vaults(BackupVaultName="lag-access")["RestoreAccessBackupVaults"]
    assert [(v["RestoreAccessBackupVaultArn"], v["VaultState"]) for v in listed] == [(made["RestoreAccessBackupVaultArn"], "CREATING")]
    assert "ApprovalDate" not in listed[0]
    assert code_of(backup.revoke_restore_access_backup_vault, BackupVaultName="lag-access",
                   RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"]) == "InvalidRequestException"

    emulator.control("airgap/mpa-sessions", {"arn": access["MpaSessionArn"], "decision": "APPROVED"})
    listed = backup.list_restore_access_backup_vaults(BackupVaultName="lag-access")["RestoreAccessBackupVaults"]
    assert listed[0]["VaultState"] == "AVAILABLE" and listed[0]["ApprovalDate"]
    exposed = points_of(backup, "access-1")
    assert [(p["RecoveryPointArn"], p["VaultType"], p["SourceBackupVaultArn"]) for p in exposed] == [(copy_arn, RESTORE_ACCESS, vault_arn)]
    assert backup.describe_recovery_point(BackupVaultName="access-1", RecoveryPointArn=copy_arn)["BackupVaultName"] == "access-1"
    assert code_of(backup.delete_recovery_point, BackupVaultName="access-1", RecoveryPointArn=copy_arn) == "InvalidRequestException"
    restore = backup.start_restore_job(RecoveryPointArn=exposed[0]["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                       Metadata={"DestinationBucketName": "airgap-access-restored", "NewBucket": "true"})
    assert wait_restore(backup, restore["RestoreJobId"])["Status"] == "COMPLETED"
    assert s3_snapshot(emulator.client("s3"), "airgap-access-restored") == bucket_point[1]

    backup.revoke_restore_access_backup_vault(BackupVaultName="lag-access", RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"])
    revoke = backup.list_restore_access_backup_vaults(BackupVaultName="lag-access")["RestoreAccessBackupVaults"][0]["LatestRevokeRequest"]
    assert revoke["Status"] == "PENDING"
    assert code_of(backup.revoke_restore_access_backup_vault, BackupVaultName="lag-access",
                   RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"]) == "InvalidRequestException"
    emulator.control("airgap/mpa-sessions", {"arn": revoke["MpaSessionArn"], "decision": "APPROVED"})
    assert backup.list_restore_access_backup_vaults(BackupVaultName="lag-access")["RestoreAccessBackupVaults"] == []
    assert code_of(backup.describe_backup_vault, BackupVaultName="access-1") == "AccessDeniedException"
    assert code_of(backup.revoke_restore_access_backup_vault, BackupVaultName="lag-access",
                   RestoreAccessBackupVaultArn=made["RestoreAccessBackupVaultArn"]) == "ResourceNotFoundException"
    assert backup.describe_recovery_point(BackupVaultName="lag-access", RecoveryPointArn=copy_arn)["Status"] == "COMPLETED"


def test_a_rejected_restore_access_request_fails_and_mistakes_are_refused(emulator, world, backup, fast_vaults):  # pylint: disable=unused-argument
    """A rejected request leaves the vault FAILED; wrong sources and vault types are refused."""
    emulator.control("airgap/vault-seconds", {"seconds": 3.0})  # long enough to be seen CREATING
    made = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-reject", MinRetentionDays=7, MaxRetentionDays=35)
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    assert code_of(backup.create_restore_access_backup_vault, SourceBackupVaultArn=made["BackupVaultArn"]) == "InvalidRequestException"
    wait_vault_available(backup, "lag-reject")
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName="lag-reject", MpaApprovalTeamArn=MPA_TEAM)
    request = backup.create_restore_access_backup_vault(SourceBackupVaultArn=made["BackupVaultArn"], CreatorRequestId="access-1")
    retried = backup.create_restore_access_backup_vault(SourceBackupVaultArn=made["BackupVaultArn"], CreatorRequestId="access-1")
    assert retried["RestoreAccessBackupVaultArn"] == request["RestoreAccessBackupVaultArn"]
    assert len(backup.list_restore_access_backup_vaults(BackupVaultName="lag-reject")["RestoreAccessBackupVaults"]) == 1
    session = backup.describe_backup_vault(BackupVaultName=request["RestoreAccessBackupVaultName"])["MpaSessionArn"]
    emulator.control("airgap/mpa-sessions", {"arn": session, "decision": "REJECTED"})
    assert backup.describe_backup_vault(BackupVaultName=request["RestoreAccessBackupVaultName"])["VaultState"] == "FAILED"
    assert points_of(backup, request["RestoreAccessBackupVaultName"]) == []

    standard_arn = backup.describe_backup_vault(BackupVaultName=world["vault"])["BackupVaultArn"]
    assert code_of(backup.create_restore_access_backup_vault, SourceBackupVaultArn=standard_arn) == "InvalidParameterValueException"
    missing = "arn:aws:backup:us-east-1:123456789012:backup-vault:no-such-vault"
    assert code_of(backup.create_restore_access_backup_vault, SourceBackupVaultArn=missing) == "ResourceNotFoundException"
    assert code_of(backup.list_restore_access_backup_vaults, BackupVaultName="no-such-vault") == "ResourceNotFoundException"
    assert code_of(backup.list_restore_access_backup_vaults, BackupVaultName=world["vault"]) == "InvalidRequestException"
    assert code_of(backup.associate_backup_vault_mpa_approval_team, BackupVaultName=world["vault"],
                   MpaApprovalTeamArn=MPA_TEAM) == "InvalidRequestException"
    assert code_of(backup.associate_backup_vault_mpa_approval_team, BackupVaultName="no-such-vault",
                   MpaApprovalTeamArn=MPA_TEAM) == "ResourceNotFoundException"


def test_replacing_or_removing_the_approval_team_waits_for_the_current_teams_approval(emulator, backup, fast_vaults):  # pylint: disable=unused-argument
    """A second team, or none, takes effect only once the current team approves."""
    backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-team", MinRetentionDays=7, MaxRetentionDays=35)
    assert code_of(backup.disassociate_backup_vault_mpa_approval_team, BackupVaultName="lag-team") == "InvalidRequestException"
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName="lag-team", MpaApprovalTeamArn=MPA_TEAM)
    other = MPA_TEAM.replace("recovery-team-1", "recovery-team-2")
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName="lag-team", MpaApprovalTeamArn=other, RequesterComment="rotate")
    described = backup.describe_backup_vault(BackupVaultName="lag-team")
    assert described["MpaApprovalTeamArn"] == MPA_TEAM and described["LatestMpaApprovalTeamUpdate"]["Status"] == "PENDING"
    assert code_of(backup.associate_backup_vault_mpa_approval_team, BackupVaultName="lag-team",
                   MpaApprovalTeamArn=other) == "InvalidRequestException"
    emulator.control("airgap/mpa-sessions", {"arn": described["LatestMpaApprovalTeamUpdate"]["MpaSessionArn"], "decision": "APPROVED"})
    described = backup.describe_backup_vault(BackupVaultName="lag-team")
    assert described["MpaApprovalTeamArn"] == other and described["LatestMpaApprovalTeamUpdate"]["Status"] == "APPROVED"
    backup.disassociate_backup_vault_mpa_approval_team(BackupVaultName="lag-team")
    pending = backup.describe_backup_vault(BackupVaultName="lag-team")["LatestMpaApprovalTeamUpdate"]
    assert pending["Status"] == "PENDING"
    emulator.control("airgap/mpa-sessions", {"arn": pending["MpaSessionArn"], "decision": "APPROVED"})
    assert "MpaApprovalTeamArn" not in backup.describe_backup_vault(BackupVaultName="lag-team")


def test_an_rds_restore_from_an_air_gapped_copy_is_a_real_database_with_the_points_rows(
        emulator, world, backup, fast_vaults):  # pylint: disable=unused-argument
    """The restored MariaDB instance holds the seeded orders up to the point's time."""
    rds = emulator.client("rds")
    point = newest_scheduled(points_of(backup, world["vault"], ByResourceArn=world["db"]["arn"]))
    _vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], point["RecoveryPointArn"], world["backup_role_arn"], "lag-rds")
    assert backup.describe_recovery_point(BackupVaultName="lag-rds", RecoveryPointArn=copy_arn)["ResourceType"] == "RDS"
    wanted = dict(backup.get_recovery_point_restore_metadata(BackupVaultName="lag-rds", RecoveryPointArn=copy_arn)["RestoreMetadata"],
                  DBInstanceIdentifier="lag-db-restore")
    job = wait_restore(backup, backup.start_restore_job(RecoveryPointArn=copy_arn, IamRoleArn=world["backup_role_arn"],
                                                        Metadata=wanted)["RestoreJobId"])
    assert job["Status"] == "COMPLETED", job.get("StatusMessage")
    assert job["CreatedResourceArn"] == "arn:aws:rds:us-east-1:123456789012:db:lag-db-restore"
    endpoint = rds.describe_db_instances(DBInstanceIdentifier="lag-db-restore")["DBInstances"][0]["Endpoint"]
    with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user=world["db"]["user"], password=DB_PASSWORD,
                         database="app", connect_timeout=10) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*), MAX(created_at) FROM orders")
        count, newest_row = cur.fetchone()
    assert count > 0
    assert newest_row <= point["CreationDate"].astimezone(datetime.timezone.utc).replace(tzinfo=None)


def test_a_backup_with_an_air_gapped_target_lands_there_directly_or_through_a_temporary_copy(
        emulator, world, backup, bucket_point, fast_vaults):  # pylint: disable=unused-argument
    """S3 goes straight into the vault; EC2 through a temporary backup, copied, then removed."""
    emulator.control("airgap/vault-seconds", {"seconds": 3.0})  # long enough to be seen CREATING
    made = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-primary", MinRetentionDays=7, MaxRetentionDays=35)
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    assert code_of(backup.start_backup_job, BackupVaultName="lag-primary", ResourceArn="arn:aws:s3:::airgap-source",
                   IamRoleArn=world["backup_role_arn"]) == "InvalidParameterValueException"
    assert code_of(backup.start_backup_job, BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::airgap-source",
                   IamRoleArn=world["backup_role_arn"], LogicallyAirGappedBackupVaultArn=made["BackupVaultArn"]) == "InvalidRequestException"
    wait_vault_available(backup, "lag-primary")
    standard_arn = backup.describe_backup_vault(BackupVaultName=world["vault"])["BackupVaultArn"]
    assert code_of(backup.start_backup_job, BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::airgap-source",
                   IamRoleArn=world["backup_role_arn"], LogicallyAirGappedBackupVaultArn=standard_arn) == "InvalidParameterValueException"

    # S3 is fully managed by AWS Backup: the backup is written into the air-gapped vault itself.
    objects = s3_snapshot(emulator.client("s3"), "airgap-source")
    s3_job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::airgap-source",
                                     IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 10},
                                     LogicallyAirGappedBackupVaultArn=made["BackupVaultArn"])
    emulator.wait_for_jobs()
    described = backup.describe_backup_job(BackupJobId=s3_job["BackupJobId"])
    assert described["State"] == "COMPLETED" and described["BackupVaultName"] == "lag-primary" and described["VaultType"] == LAG
    point = backup.describe_recovery_point(BackupVaultName="lag-primary", RecoveryPointArn=s3_job["RecoveryPointArn"])
    assert point["VaultType"] == LAG and point["EncryptionKeyType"] == "AWS_OWNED_KMS_KEY"
    assert s3_job["RecoveryPointArn"] not in [p["RecoveryPointArn"] for p in points_of(backup, world["vault"])]
    restore = backup.start_restore_job(RecoveryPointArn=s3_job["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                       Metadata={"DestinationBucketName": "airgap-primary-restored", "NewBucket": "true"})
    assert wait_restore(backup, restore["RestoreJobId"])["Status"] == "COMPLETED"
    assert s3_snapshot(emulator.client("s3"), "airgap-primary-restored") == objects

    # ... and out of the vault's retention bounds, the vault fails it.
    failing = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::airgap-source",
                                      IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 1},
                                      LogicallyAirGappedBackupVaultArn=made["BackupVaultArn"])
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=failing["BackupJobId"])["State"] == "FAILED"

    # EC2 is not: a temporary backup in the backup vault is copied into the air-gapped vault, then removed.
    instance_arn = "arn:aws:ec2:us-east-1:123456789012:instance/%s" % world["app"]["instance_id"]
    ec2_job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=instance_arn, IamRoleArn=world["backup_role_arn"],
                                      Lifecycle={"DeleteAfterDays": 10}, LogicallyAirGappedBackupVaultArn=made["BackupVaultArn"])
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=ec2_job["BackupJobId"])["BackupVaultName"] == world["vault"]
    copies = [j for j in backup.list_copy_jobs(ByDestinationVaultArn=made["BackupVaultArn"])["CopyJobs"]
              if j.get("CreatedByBackupJobId") == ec2_job["BackupJobId"]]
    assert len(copies) == 1 and copies[0]["State"] == "COMPLETED" and copies[0]["SourceRecoveryPointArn"] == ec2_job["RecoveryPointArn"]
    assert ec2_job["RecoveryPointArn"] not in [p["RecoveryPointArn"] for p in points_of(backup, world["vault"])]
    in_vault = {p["RecoveryPointArn"]: p for p in points_of(backup, "lag-primary")}
    assert in_vault[copies[0]["DestinationRecoveryPointArn"]]["ResourceType"] == "EC2"
    assert in_vault[copies[0]["DestinationRecoveryPointArn"]]["VaultType"] == LAG


def test_a_plan_rule_with_an_air_gapped_target_backs_up_into_it(emulator, world, backup, bucket_point, fast_vaults):  # pylint: disable=unused-argument
    """A rule's TargetLogicallyAirGappedBackupVaultArn puts the rule's S3 backup into the vault."""
    made = backup.create_logically_air_gapped_backup_vault(BackupVaultName="lag-plan", MinRetentionDays=7, MaxRetentionDays=35)
    wait_vault_available(backup, "lag-plan")
    plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": "airgap-plan", "Rules": [{
        "RuleName": "to-lag", "TargetBackupVaultName": world["vault"], "Lifecycle": {"DeleteAfterDays": 10},
        "TargetLogicallyAirGappedBackupVaultArn": made["BackupVaultArn"]}]})["BackupPlanId"]
    backup.create_backup_selection(BackupPlanId=plan, BackupSelection={
        "SelectionName": "airgap-source", "IamRoleArn": world["backup_role_arn"], "Resources": ["arn:aws:s3:::airgap-source"]})
    jobs = emulator.control("backup-plans/run", {"region": world["region"], "backup_plan_id": plan, "rule_name": "to-lag"})["backup_job_ids"]
    emulator.wait_for_jobs()
    assert len(jobs) == 1
    job = backup.describe_backup_job(BackupJobId=jobs[0])
    assert job["State"] == "COMPLETED" and job["BackupVaultArn"] == made["BackupVaultArn"]
    assert [p["RecoveryPointArn"] for p in points_of(backup, "lag-plan")] == [job["RecoveryPointArn"]]
    backup.delete_backup_plan(BackupPlanId=plan)
