"""S3's defaults for new buckets (April 2023) and what a bucket with ACLs disabled refuses (emulator/s3_defaults.py).

Each test fails if the emulator is kinder than S3: a bucket made by a plain CreateBucket with ACLs enabled or without
Block Public Access, an ACL accepted by a bucket that does not allow ACLs, a public ACL accepted under BlockPublicAcls.
docs/emulator-fidelity.md names the sources.
"""

import uuid

import pytest
from botocore.exceptions import ClientError

from emulator.tests.test_s3_restore_rules import backup_now, restore, s3control

ALL_ON = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
ALL_OFF = {k: False for k in ALL_ON}
OWNER_ID = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"  # moto's canonical ID of the account


def unique(stem):
    return "s3defaults-%s-%s" % (stem, uuid.uuid4().hex[:8])


def ownership(s3, bucket):
    return s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]


def refused(call, code, status, **kwargs):
    """Call and return the error: CODE with HTTP STATUS, as a boto3 client sees it."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    error = caught.value.response
    assert error["Error"]["Code"] == code, error
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status, error
    return error


@pytest.fixture
def s3(emulator):
    return emulator.client("s3")


def test_a_plain_create_bucket_disables_acls_and_blocks_all_public_access(s3):
    bucket = unique("plain")
    s3.create_bucket(Bucket=bucket)
    assert ownership(s3, bucket) == "BucketOwnerEnforced"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == ALL_ON


def test_a_bucket_made_in_another_region_gets_the_same_defaults(emulator):
    s3 = emulator.client("s3", region="us-west-2")
    bucket = unique("west")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    assert ownership(s3, bucket) == "BucketOwnerEnforced"
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == ALL_ON


@pytest.mark.parametrize("asked", ["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"])
def test_the_ownership_asked_for_is_kept_and_public_access_is_still_blocked(s3, asked):
    bucket = unique("asked")
    s3.create_bucket(Bucket=bucket, ObjectOwnership=asked)
    assert ownership(s3, bucket) == asked
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == ALL_ON


def test_recreating_an_existing_bucket_in_us_east_1_changes_none_of_its_settings(s3):
    bucket = unique("again")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=bucket)
    s3.create_bucket(Bucket=bucket)  # us-east-1 answers 200 to its owner and keeps the bucket as it is
    assert ownership(s3, bucket) == "ObjectWriter"
    refused(s3.get_public_access_block, "NoSuchPublicAccessBlockConfiguration", 404, Bucket=bucket)


def test_create_bucket_with_a_bucket_acl_and_acls_disabled_is_refused(s3):
    bucket = unique("aclbucket")
    refused(s3.create_bucket, "InvalidBucketAclWithObjectOwnership", 400, Bucket=bucket, ACL="public-read")
    refused(s3.create_bucket, "InvalidBucketAclWithObjectOwnership", 400, Bucket=bucket, ACL="authenticated-read",
            ObjectOwnership="BucketOwnerEnforced")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    s3.create_bucket(Bucket=bucket, ACL="private")  # full control to the owner only: allowed
    assert ownership(s3, bucket) == "BucketOwnerEnforced"


def test_disabling_acls_is_refused_while_the_bucket_acl_grants_others(s3):
    bucket = unique("disable")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    enforced = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    refused(s3.put_bucket_ownership_controls, "InvalidBucketAclWithObjectOwnership", 400, Bucket=bucket, OwnershipControls=enforced)
    assert ownership(s3, bucket) == "ObjectWriter"
    s3.put_bucket_acl(Bucket=bucket, ACL="private")  # the prerequisite: a bucket ACL for the owner only
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=enforced)
    assert ownership(s3, bucket) == "BucketOwnerEnforced"


@pytest.mark.parametrize("acl", ["public-read", "private", "authenticated-read", "bucket-owner-read"])
def test_acls_disabled_refuses_an_object_acl_on_put_copy_and_multipart(s3, acl):
    bucket = unique("noacl")
    s3.create_bucket(Bucket=bucket)
    for call, kwargs in ((s3.put_object, {"Body": b"x"}), (s3.create_multipart_upload, {}),
                         (s3.copy_object, {"CopySource": {"Bucket": bucket, "Key": "seed.txt"}})):
        if call == s3.copy_object:
            s3.put_object(Bucket=bucket, Key="seed.txt", Body=b"seed")
        error = refused(call, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k.txt", ACL=acl, **kwargs)
        assert error["Error"]["Message"] == "The bucket does not allow ACLs"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])] == ["seed.txt"]


def test_acls_disabled_refuses_grant_headers_except_full_control_to_the_owner(s3):
    bucket = unique("grants")
    s3.create_bucket(Bucket=bucket)
    refused(s3.put_object, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k", Body=b"x",
            GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
    refused(s3.put_object, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k", Body=b"x",
            GrantFullControl='id="%s"' % ("0" * 64))
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", GrantFullControl='id="%s"' % OWNER_ID)


def test_acls_disabled_takes_no_acl_or_bucket_owner_full_control(s3):
    bucket = unique("owner")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="plain.txt", Body=b"x")
    s3.put_object(Bucket=bucket, Key="bofc.txt", Body=b"x", ACL="bucket-owner-full-control")
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "plain.txt"}, ACL="bucket-owner-full-control")
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu.txt", ACL="bucket-owner-full-control")
    s3.abort_multipart_upload(Bucket=bucket, Key="mpu.txt", UploadId=upload["UploadId"])
    s3.get_object_acl(Bucket=bucket, Key="plain.txt")  # reading ACLs still works
    s3.get_bucket_acl(Bucket=bucket)


def test_acls_disabled_refuses_put_object_acl_and_put_bucket_acl_whatever_the_acl(s3):
    bucket = unique("putacl")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k.txt", Body=b"x")
    for acl in ("private", "bucket-owner-full-control", "public-read"):
        refused(s3.put_object_acl, "AccessControlListNotSupported", 400, Bucket=bucket, Key="k.txt", ACL=acl)
    for acl in ("private", "public-read"):
        refused(s3.put_bucket_acl, "AccessControlListNotSupported", 400, Bucket=bucket, ACL=acl)
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    refused(s3.put_bucket_acl, "AccessControlListNotSupported", 400, Bucket=bucket, AccessControlPolicy={
        "Owner": owner, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]}, "Permission": "FULL_CONTROL"}]})


def test_acls_enabled_with_default_block_public_access_refuses_public_acls_only(s3):
    bucket = unique("preferred")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="BucketOwnerPreferred")
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"x", ACL="private")
    refused(s3.put_object, "AccessDenied", 403, Bucket=bucket, Key="public.txt", Body=b"x", ACL="public-read")
    refused(s3.put_object_acl, "AccessDenied", 403, Bucket=bucket, Key="private.txt", ACL="authenticated-read")
    refused(s3.put_bucket_acl, "AccessDenied", 403, Bucket=bucket, ACL="public-read")
    refused(s3.create_multipart_upload, "AccessDenied", 403, Bucket=bucket, Key="mpu.txt", ACL="public-read")
    # What a user must do on AWS to publish an object: turn BlockPublicAcls off.
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_OFF)
    s3.put_object(Bucket=bucket, Key="public.txt", Body=b"x", ACL="public-read")
    s3.put_object_acl(Bucket=bucket, Key="private.txt", ACL="authenticated-read")


def test_account_block_public_access_refuses_create_bucket_with_a_public_acl(emulator, s3):
    control = s3control(emulator)
    account = emulator.client("sts").get_caller_identity()["Account"]
    bucket = unique("acctbpa")
    control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration=ALL_ON)
    try:
        refused(s3.create_bucket, "AccessDenied", 403, Bucket=bucket, ACL="public-read", ObjectOwnership="ObjectWriter")
    finally:
        control.delete_public_access_block(AccountId=account)
    s3.create_bucket(Bucket=bucket, ACL="public-read", ObjectOwnership="ObjectWriter")


def test_a_restore_into_a_bucket_made_by_a_plain_create_bucket_fails(emulator, world, s3):
    """The AWS Backup rule (drivers.py) now bites on a default bucket: its ACLs are disabled."""
    source, target = unique("src"), unique("dst")
    s3.create_bucket(Bucket=source)
    s3.put_object(Bucket=source, Key="a.txt", Body=b"a")
    point = backup_now(emulator, world, source)
    s3.create_bucket(Bucket=target)
    failed = restore(emulator, world, point, DestinationBucketName=target, NewBucket="false")
    assert failed["Status"] == "FAILED", failed
    assert "ACLs" in failed["StatusMessage"]


def test_the_new_bucket_of_a_restore_keeps_aws_backups_own_settings(emulator, world, s3):
    source, target = unique("src"), unique("nb")
    s3.create_bucket(Bucket=source)
    s3.put_object(Bucket=source, Key="a.txt", Body=b"a")
    point = backup_now(emulator, world, source)
    done = restore(emulator, world, point, DestinationBucketName=target, NewBucket="true")
    assert done["Status"] == "COMPLETED", done
    assert ownership(s3, target) == "ObjectWriter"
    assert s3.get_public_access_block(Bucket=target)["PublicAccessBlockConfiguration"] == ALL_ON
