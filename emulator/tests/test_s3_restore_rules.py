"""AWS Backup's documented rules for S3 restores (docs/emulator-fidelity.md names each source).

"Amazon S3 restore considerations" (https://docs.aws.amazon.com/aws-backup/latest/devguide/restoring-s3.html): a backup
that includes ACLs restores only into a bucket with ACLs enabled, Block Public Access leaves objects with public ACLs
out of a restore that still succeeds, only each object's latest version comes back, a key already in the destination is
skipped (a delete marker counts as no object), at most 5 items per item-level restore, and a restore runs only in the
Region of its recovery point. Copying tags on restore is not available for S3.
"""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.client import REGION
from emulator.testing import wait_restore

DR_REGION = "us-west-2"
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
ALL_KEYS = ["extra-1.txt", "extra-2.txt", "members.txt", "private.txt", "public.txt"]
PRIVATE_KEYS = ["extra-1.txt", "extra-2.txt", "private.txt"]  # members.txt and public.txt carry public ACLs


def unique(stem):
    return "s3rules-%s-%s" % (stem, uuid.uuid4().hex[:8])


def backup_now(emulator, world, bucket):
    """An on-demand backup of BUCKET into the seeded vault; the recovery point's ARN once it is COMPLETED."""
    backup = emulator.client("backup")
    started = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::%s" % bucket,
                                      IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=started["BackupJobId"])["State"] == "COMPLETED"
    return started["RecoveryPointArn"]


def restore(emulator, world, point_arn, region=REGION, **metadata):
    """Start a restore of POINT_ARN with METADATA and wait: the final DescribeRestoreJob."""
    backup = emulator.client("backup", region=region)
    job = backup.start_restore_job(RecoveryPointArn=point_arn, IamRoleArn=world["backup_role_arn"], Metadata=metadata)
    return wait_restore(backup, job["RestoreJobId"])


def s3control(emulator):
    """An S3 Control client of the emulator: the account-ID host prefix botocore's endpoint rules add is dropped, as
    the emulator listens on an IP address."""
    client = emulator.client("s3control")

    def drop_account_prefix(request, **_):
        account = request.headers["x-amz-account-id"]
        account = account.decode() if isinstance(account, bytes) else account
        request.url = request.url.replace("://%s." % account, "://", 1)

    client.meta.events.register("before-sign.s3-control.*", drop_account_prefix)
    return client


def keys_of(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


@pytest.fixture(scope="module")
def acl_source(emulator, world):
    """A bucket with ACLs enabled (ObjectWriter) holding private objects, a public-read and an authenticated-read one,
    and its recovery point. As on S3 since April 2023, ACLs are asked for at creation and Block Public Access, on by
    default, is turned off before public ACLs are accepted."""
    s3 = emulator.client("s3")
    bucket = unique("acl")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "Owner", "Value": "s3rules"}]})
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"private")
    s3.put_object(Bucket=bucket, Key="public.txt", Body=b"public", ACL="public-read")
    s3.put_object(Bucket=bucket, Key="members.txt", Body=b"members", ACL="authenticated-read")
    for n in (1, 2):
        s3.put_object(Bucket=bucket, Key="extra-%d.txt" % n, Body=b"extra")
    return {"bucket": bucket, "point": backup_now(emulator, world, bucket)}


def test_a_restore_into_a_bucket_with_acls_disabled_fails_and_writes_nothing(emulator, world, acl_source):
    s3 = emulator.client("s3")
    target = unique("enforced")
    s3.create_bucket(Bucket=target, ObjectOwnership="BucketOwnerEnforced")
    failed = restore(emulator, world, acl_source["point"], DestinationBucketName=target, NewBucket="false")
    assert failed["Status"] == "FAILED", failed
    assert "ACLs" in failed["StatusMessage"] and target in failed["StatusMessage"]
    assert "CreatedResourceArn" not in failed
    assert keys_of(s3, target) == []
    # Enabling ACLs on the same bucket is what makes the restore work (configuring ACLs, as AWS's page says).
    s3.put_bucket_ownership_controls(Bucket=target, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=target, NewBucket="false")
    assert done["Status"] == "COMPLETED", done
    assert keys_of(s3, target) == PRIVATE_KEYS  # the bucket's default Block Public Access keeps the public ones out


def test_a_new_bucket_has_acls_enabled_and_block_public_access_on_so_public_objects_stay_out(emulator, world, acl_source):
    s3 = emulator.client("s3")
    target = unique("new")
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    rules = s3.get_bucket_ownership_controls(Bucket=target)["OwnershipControls"]["Rules"]
    assert rules[0]["ObjectOwnership"] != "BucketOwnerEnforced"
    assert all(s3.get_public_access_block(Bucket=target)["PublicAccessBlockConfiguration"].values())
    assert keys_of(s3, target) == PRIVATE_KEYS


def test_block_public_access_of_the_bucket_skips_objects_with_public_acls_and_the_job_succeeds(emulator, world, acl_source):
    s3 = emulator.client("s3")
    blocked, open_bucket = unique("blocked"), unique("open")
    for name in (blocked, open_bucket):
        s3.create_bucket(Bucket=name, ObjectOwnership="BucketOwnerPreferred")  # ACLs enabled, as the restore needs
    s3.put_public_access_block(Bucket=blocked, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.delete_public_access_block(Bucket=open_bucket)  # S3 turns it on for a new bucket: turned off here
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=blocked)
    assert done["Status"] == "COMPLETED", done
    assert keys_of(s3, blocked) == PRIVATE_KEYS
    # Without Block Public Access every object comes back, with the ACL it was backed up with.
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=open_bucket)
    assert done["Status"] == "COMPLETED", done
    assert keys_of(s3, open_bucket) == ALL_KEYS
    grants = s3.get_object_acl(Bucket=open_bucket, Key="public.txt")["Grants"]
    assert any(g["Grantee"].get("URI") == ALL_USERS and g["Permission"] == "READ" for g in grants), grants
    private = s3.get_object_acl(Bucket=open_bucket, Key="private.txt")["Grants"]
    assert not any(g["Grantee"].get("URI") for g in private), private


def test_block_public_access_of_the_account_skips_objects_with_public_acls(emulator, world, acl_source):
    s3, control = emulator.client("s3"), s3control(emulator)
    account = emulator.client("sts").get_caller_identity()["Account"]
    target = unique("account")
    s3.create_bucket(Bucket=target, ObjectOwnership="BucketOwnerPreferred")
    s3.delete_public_access_block(Bucket=target)  # only the account's Block Public Access is left
    control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    try:
        done = restore(emulator, world, acl_source["point"], DestinationBucketName=target)
    finally:
        control.delete_public_access_block(AccountId=account)
    assert done["Status"] == "COMPLETED", done
    assert keys_of(s3, target) == PRIVATE_KEYS


def test_only_the_latest_version_of_each_object_is_restored_and_a_deleted_key_is_not(emulator, world):
    s3 = emulator.client("s3")
    source, target = unique("versioned"), unique("latest")
    s3.create_bucket(Bucket=source)
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2", b"v3"):
        s3.put_object(Bucket=source, Key="doc.txt", Body=body)
    s3.put_object(Bucket=source, Key="gone.txt", Body=b"deleted later")
    s3.delete_object(Bucket=source, Key="gone.txt")  # a delete marker is the current version
    s3.put_object(Bucket=source, Key="kept.txt", Body=b"kept")
    point = backup_now(emulator, world, source)
    done = restore(emulator, world, point, DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    assert keys_of(s3, target) == ["doc.txt", "kept.txt"]
    assert s3.get_object(Bucket=target, Key="doc.txt")["Body"].read() == b"v3"
    versions = s3.list_object_versions(Bucket=target)
    assert sorted(v["Key"] for v in versions.get("Versions", [])) == ["doc.txt", "kept.txt"]
    assert not versions.get("DeleteMarkers")


def test_into_the_original_bucket_existing_keys_are_kept_and_a_delete_marker_counts_as_no_object(emulator, world):
    s3 = emulator.client("s3")
    source = unique("original")
    s3.create_bucket(Bucket=source, ObjectOwnership="BucketOwnerPreferred")  # a restore into it needs ACLs enabled
    s3.put_bucket_versioning(Bucket=source, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=source, Key="changed.txt", Body=b"at backup")
    s3.put_object(Bucket=source, Key="deleted.txt", Body=b"at backup")
    point = backup_now(emulator, world, source)
    s3.put_object(Bucket=source, Key="changed.txt", Body=b"after backup")
    s3.delete_object(Bucket=source, Key="deleted.txt")
    s3.put_object(Bucket=source, Key="new.txt", Body=b"after backup")
    done = restore(emulator, world, point, DestinationBucketName=source, NewBucket="false")
    assert done["Status"] == "COMPLETED", done
    assert s3.get_object(Bucket=source, Key="changed.txt")["Body"].read() == b"after backup"  # never overwritten
    assert s3.get_object(Bucket=source, Key="deleted.txt")["Body"].read() == b"at backup"  # behind a delete marker
    assert keys_of(s3, source) == ["changed.txt", "deleted.txt", "new.txt"]  # nothing is deleted either


def test_copy_source_tags_is_not_available_for_s3_the_restore_runs_and_copies_no_tags(emulator, world, acl_source):
    s3 = emulator.client("s3")
    target = unique("tags")
    backup = emulator.client("backup")
    job = backup.start_restore_job(RecoveryPointArn=acl_source["point"], IamRoleArn=world["backup_role_arn"],
                                   CopySourceTagsToRestoredResource=True,
                                   Metadata={"DestinationBucketName": target, "NewBucket": "true"})
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    with pytest.raises(ClientError) as err:
        s3.get_bucket_tagging(Bucket=target)
    assert err.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_an_item_level_restore_takes_at_most_five_items(emulator, world, acl_source):
    backup = emulator.client("backup")
    bucket = acl_source["bucket"]
    six = json.dumps(["s3://%s/item-%d.txt" % (bucket, n) for n in range(6)])
    with pytest.raises(ClientError) as err:
        backup.start_restore_job(RecoveryPointArn=acl_source["point"], IamRoleArn=world["backup_role_arn"],
                                 Metadata={"DestinationBucketName": unique("six"), "NewBucket": "true", "ItemsToRestore": six})
    assert err.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    five = json.dumps(["s3://%s/%s" % (bucket, key) for key in ("private.txt", "members.txt", "extra-1.txt", "extra-2.txt", "public.txt")])
    target = unique("five")
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=target, NewBucket="true", ItemsToRestore=five)
    assert done["Status"] == "COMPLETED", done
    # The new bucket blocks public ACLs: members.txt and public.txt stay out.
    assert keys_of(emulator.client("s3"), target) == ["extra-1.txt", "extra-2.txt", "private.txt"]


def test_a_restore_runs_only_in_the_region_of_its_recovery_point_or_copy(emulator, world, acl_source):
    west = emulator.client("backup", region=DR_REGION)
    with pytest.raises(ClientError) as err:
        west.start_restore_job(RecoveryPointArn=acl_source["point"], IamRoleArn=world["backup_role_arn"],
                               Metadata={"DestinationBucketName": unique("west"), "NewBucket": "true"})
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    east = emulator.client("backup")
    copy = east.start_copy_job(RecoveryPointArn=acl_source["point"], SourceBackupVaultName=world["vault"],
                               DestinationBackupVaultArn=world["dr_vault_arn"], IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    copied = east.describe_copy_job(CopyJobId=copy["CopyJobId"])["CopyJob"]
    assert copied["State"] == "COMPLETED", copied
    with pytest.raises(ClientError) as err:
        east.start_restore_job(RecoveryPointArn=copied["DestinationRecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                               Metadata={"DestinationBucketName": unique("east"), "NewBucket": "true"})
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    target = unique("dr")
    done = restore(emulator, world, copied["DestinationRecoveryPointArn"], region=DR_REGION, DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    assert emulator.client("s3").get_bucket_location(Bucket=target)["LocationConstraint"] == DR_REGION


def test_an_s3_restore_job_carries_the_fields_aws_returns(emulator, world, acl_source):
    target = unique("fields")
    done = restore(emulator, world, acl_source["point"], DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    assert done["ResourceType"] == "S3"
    assert done["CreatedResourceArn"] == "arn:aws:s3:::%s" % target
    assert done["SourceResourceArn"] == "arn:aws:s3:::%s" % acl_source["bucket"]
    assert done["RecoveryPointArn"] == acl_source["point"]
    assert done["BackupVaultArn"].endswith(":backup-vault:%s" % world["vault"])
    assert done["IamRoleArn"] == world["backup_role_arn"]
    assert done["BackupSizeInBytes"] == len(b"private") + len(b"public") + len(b"members") + 2 * len(b"extra")
    assert done["PercentDone"] == "100.00%"
    assert done["AccountId"] == acl_source["point"].split(":")[4]
    assert done["CompletionDate"] >= done["CreationDate"]
    for field in ("RecoveryPointCreationDate", "ExpectedCompletionTimeMinutes"):
        assert field in done, field
    listed = emulator.client("backup").list_restore_jobs_by_protected_resource(ResourceArn="arn:aws:s3:::%s" % acl_source["bucket"])
    assert done["RestoreJobId"] in [j["RestoreJobId"] for j in listed["RestoreJobs"]]


def test_every_object_is_restored_to_the_standard_storage_class(emulator, world):
    s3 = emulator.client("s3")
    source, target = unique("classes"), unique("standard")
    s3.create_bucket(Bucket=source)
    s3.put_object(Bucket=source, Key="ia.txt", Body=b"infrequent", StorageClass="STANDARD_IA")
    s3.put_object(Bucket=source, Key="glacier-ir.txt", Body=b"instant", StorageClass="GLACIER_IR")
    point = backup_now(emulator, world, source)
    done = restore(emulator, world, point, DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    classes = {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=target)["Contents"]}
    assert classes == {"glacier-ir.txt": "STANDARD", "ia.txt": "STANDARD"}
