"""S3 conditional writes as S3 documents them (emulator/s3_conditions.py, docs/emulator-fidelity.md).

Each test fails when the emulator is kinder than S3: a conditional write that S3 refuses succeeds, or is refused with
another code or status than S3's. The buckets are the tests' own (one plain, one versioned), emptied afterwards.
"""

import datetime
import threading
import time
import uuid

import pytest
from botocore.exceptions import ClientError

PART = b"p" * (5 * 1024 * 1024)  # a multipart upload's parts but the last are at least 5 MiB


def refused(call, **params):
    """The (HTTP status, error) a call is refused with; fails the test when the call succeeds."""
    with pytest.raises(ClientError) as caught:
        call(**params)
    response = caught.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]


def empty(s3, bucket):
    """Delete every version and delete marker of BUCKET, then BUCKET."""
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=bucket, Key=item["Key"], VersionId=item["VersionId"])
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    s3.delete_bucket(Bucket=bucket)


@pytest.fixture(name="s3")
def s3_client(emulator):
    return emulator.client("s3")


@pytest.fixture(name="bucket")
def plain_bucket(s3):
    name = "s3cond-%s" % uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    yield name
    empty(s3, name)


@pytest.fixture(name="versioned")
def versioned_bucket(s3):
    name = "s3cond-v-%s" % uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    yield name
    empty(s3, name)


def upload(s3, bucket, key, body=b"last part"):
    """A multipart upload of KEY with its parts uploaded: (upload id, parts), ready to complete."""
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = []
    for number, chunk in enumerate((PART, body), start=1):
        etag = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk)["ETag"]
        parts.append({"ETag": etag, "PartNumber": number})
    return upload_id, parts


def complete(s3, bucket, key, upload_id, parts, **conditions):
    return s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}, **conditions)


def wait_in_flight(emulator, operation, bucket, key):
    """Wait until the emulator has OPERATION on KEY in progress (its request arrived, not yet answered)."""
    for _attempt in range(400):
        writes = emulator.control("s3/writes-in-flight")["writes"]
        if any((w["operation"], w["bucket"], w["key"]) == (operation, bucket, key) for w in writes):
            return
        time.sleep(0.01)
    raise AssertionError("%s of %s never arrived" % (operation, key))


def in_thread(call, **params):
    """Start CALL(**PARAMS) in a thread; returns (thread, outcome): outcome["result"] or outcome["error"] once joined."""
    outcome = {}

    def run():
        try:
            outcome["result"] = call(**params)
        except ClientError as err:
            outcome["error"] = (err.response["ResponseMetadata"]["HTTPStatusCode"], err.response["Error"])

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


# ---------------------------------------------------------------------------------------------------------- PutObject
def test_if_none_match_refuses_an_existing_key_with_412_and_keeps_the_first_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="once", Body=b"first", IfNoneMatch="*")
    status, error = refused(s3.put_object, Bucket=bucket, Key="once", Body=b"second", IfNoneMatch="*")
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-None-Match")
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"first"
    awkward = "dir/a b+c%20d é?.txt"  # the key the condition reads is the key moto writes
    s3.put_object(Bucket=bucket, Key=awkward, Body=b"first", IfNoneMatch="*")
    status, error = refused(s3.put_object, Bucket=bucket, Key=awkward, Body=b"second", IfNoneMatch="*")
    assert (status, error["Code"]) == (412, "PreconditionFailed")
    assert s3.get_object(Bucket=bucket, Key=awkward)["Body"].read() == b"first"


def test_a_conditional_header_value_s3_does_not_accept_is_501_not_an_unconditional_write(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="kept", Body=b"kept")["ETag"]
    status, error = refused(s3.put_object, Bucket=bucket, Key="kept", Body=b"lost", IfNoneMatch=etag)
    assert (status, error["Code"], error.get("Header")) == (501, "NotImplemented", "If-None-Match")
    status, error = refused(s3.put_object, Bucket=bucket, Key="kept", Body=b"lost", IfNoneMatch="*", IfMatch=etag)
    assert (status, error["Code"]) == (501, "NotImplemented")
    assert s3.get_object(Bucket=bucket, Key="kept")["Body"].read() == b"kept"


def test_if_match_writes_only_over_the_etag_given(s3, bucket):
    status, error = refused(s3.put_object, Bucket=bucket, Key="cas", Body=b"x", IfMatch='"0f343b0931126a20f133d67c2b018a3b"')
    assert (status, error["Code"]) == (404, "NoSuchKey")  # no object to compare with
    first = s3.put_object(Bucket=bucket, Key="cas", Body=b"one")["ETag"]
    second = s3.put_object(Bucket=bucket, Key="cas", Body=b"two", IfMatch=first.strip('"'))["ETag"]  # quotes optional
    status, error = refused(s3.put_object, Bucket=bucket, Key="cas", Body=b"three", IfMatch=first)
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-Match")
    assert s3.head_object(Bucket=bucket, Key="cas")["ETag"] == second


def test_versioned_bucket_conditions_read_the_current_version_and_a_delete_marker_is_no_object(s3, versioned):
    old = s3.put_object(Bucket=versioned, Key="doc", Body=b"v1")["ETag"]
    current = s3.put_object(Bucket=versioned, Key="doc", Body=b"v2")["ETag"]
    status, error = refused(s3.put_object, Bucket=versioned, Key="doc", Body=b"v3", IfMatch=old)  # a noncurrent version
    assert (status, error["Code"]) == (412, "PreconditionFailed")
    status, error = refused(s3.put_object, Bucket=versioned, Key="doc", Body=b"v3", IfNoneMatch="*")
    assert (status, error["Code"]) == (412, "PreconditionFailed")
    s3.delete_object(Bucket=versioned, Key="doc")  # a delete marker is now current
    status, error = refused(s3.put_object, Bucket=versioned, Key="doc", Body=b"v3", IfMatch=current)
    assert (status, error["Code"]) == (404, "NoSuchKey")
    assert s3.put_object(Bucket=versioned, Key="doc", Body=b"v3", IfNoneMatch="*")["VersionId"]


# --------------------------------------------------------------------------------------------------------- CopyObject
def test_copy_object_destination_conditions(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    dest = s3.put_object(Bucket=bucket, Key="dest", Body=b"dest")["ETag"]
    source = {"Bucket": bucket, "Key": "src"}
    status, error = refused(s3.copy_object, Bucket=bucket, Key="dest", CopySource=source, IfNoneMatch="*")
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-None-Match")
    status, error = refused(s3.copy_object, Bucket=bucket, Key="dest", CopySource=source, IfMatch='"00000000000000000000000000000000"')
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-Match")
    status, error = refused(s3.copy_object, Bucket=bucket, Key="absent", CopySource=source, IfMatch=dest)
    assert (status, error["Code"]) == (404, "NoSuchKey")
    assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == b"dest"
    s3.copy_object(Bucket=bucket, Key="dest", CopySource=source, IfMatch=dest)
    s3.copy_object(Bucket=bucket, Key="new", CopySource=source, IfNoneMatch="*")
    assert s3.get_object(Bucket=bucket, Key="dest")["Body"].read() == b"source"


def test_copy_source_conditions_are_the_source_s_and_come_before_the_destination_s(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"source")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="src")["LastModified"]
    s3.put_object(Bucket=bucket, Key="dest", Body=b"dest")
    copy = dict(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "src"})
    cases = [({"CopySourceIfMatch": '"00000000000000000000000000000000"'}, "x-amz-copy-source-If-Match"),
             ({"CopySourceIfUnmodifiedSince": modified - datetime.timedelta(days=1)}, "x-amz-copy-source-If-Unmodified-Since"),
             ({"CopySourceIfNoneMatch": etag.strip('"')}, "x-amz-copy-source-If-None-Match"),
             ({"CopySourceIfModifiedSince": modified}, "x-amz-copy-source-If-Modified-Since")]
    for conditions, condition in cases:
        status, error = refused(s3.copy_object, **copy, **conditions)
        assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", condition), conditions
    status, error = refused(s3.copy_object, Bucket=bucket, Key="dest", CopySource=copy["CopySource"], CopySourceIfMatch=etag, IfNoneMatch="*")
    assert error.get("Condition") == "If-None-Match"
    status, error = refused(s3.copy_object, Bucket=bucket, Key="dest", CopySource=copy["CopySource"], CopySourceIfNoneMatch=etag,
                            IfNoneMatch="*")
    assert error.get("Condition") == "x-amz-copy-source-If-None-Match"
    # A matching If-Match wins over a failing If-Unmodified-Since; a future If-Modified-Since is ignored.
    s3.copy_object(**copy, CopySourceIfMatch=etag, CopySourceIfUnmodifiedSince=modified - datetime.timedelta(days=1))
    s3.copy_object(**copy, CopySourceIfModifiedSince=modified + datetime.timedelta(days=1))


def test_copy_source_conditions_read_the_version_the_copy_source_names(s3, versioned):
    key = "dir/a b+c é.txt"
    first = s3.put_object(Bucket=versioned, Key=key, Body=b"v1")
    current = s3.put_object(Bucket=versioned, Key=key, Body=b"v2")["ETag"]
    source = {"Bucket": versioned, "Key": key, "VersionId": first["VersionId"]}
    status, error = refused(s3.copy_object, Bucket=versioned, Key="copy", CopySource=source, CopySourceIfMatch=current)
    assert (status, error.get("Condition")) == (412, "x-amz-copy-source-If-Match")
    s3.copy_object(Bucket=versioned, Key="copy", CopySource=source, CopySourceIfMatch=first["ETag"])
    assert s3.get_object(Bucket=versioned, Key="copy")["Body"].read() == b"v1"


def test_upload_part_copy_checks_the_copy_source_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="src", Body=PART)["ETag"]
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="copy")["UploadId"]
    part = dict(Bucket=bucket, Key="copy", UploadId=upload_id, PartNumber=1, CopySource={"Bucket": bucket, "Key": "src"})
    s3.put_object(Bucket=bucket, Key="src", Body=b"changed since it was listed")
    status, error = refused(s3.upload_part_copy, **part, CopySourceIfMatch=etag)  # the source changed mid-copy
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "x-amz-copy-source-If-Match")
    status, error = refused(s3.upload_part_copy, **part, CopySourceIfNoneMatch=s3.head_object(Bucket=bucket, Key="src")["ETag"])
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "x-amz-copy-source-If-None-Match")
    assert s3.upload_part_copy(**part, CopySourceIfNoneMatch=etag)["CopyPartResult"]["ETag"]


# ------------------------------------------------------------------------------------------- CompleteMultipartUpload
def test_complete_multipart_upload_if_none_match_and_a_delete_during_the_upload(s3, bucket):
    s3.put_object(Bucket=bucket, Key="big", Body=b"there")
    upload_id, parts = upload(s3, bucket, "big")
    status, error = refused(complete, s3=s3, bucket=bucket, key="big", upload_id=upload_id, parts=parts, IfNoneMatch="*")
    assert (status, error["Code"]) == (412, "PreconditionFailed")
    s3.delete_object(Bucket=bucket, Key="big")  # succeeds while the upload is in progress: it takes precedence
    status, error = refused(complete, s3=s3, bucket=bucket, key="big", upload_id=upload_id, parts=parts, IfNoneMatch="*")
    assert (status, error["Code"], error.get("Condition")) == (409, "ConditionalRequestConflict", "If-None-Match")
    again, parts = upload(s3, bucket, "big")  # S3's advice: a new upload
    complete(s3, bucket, "big", again, parts, IfNoneMatch="*")
    assert s3.head_object(Bucket=bucket, Key="big")["ContentLength"] == len(PART) + len(b"last part")


def test_complete_multipart_upload_if_match(s3, bucket):
    absent_id, absent_parts = upload(s3, bucket, "absent")
    status, error = refused(complete, s3=s3, bucket=bucket, key="absent", upload_id=absent_id, parts=absent_parts,
                            IfMatch='"00000000000000000000000000000000"')
    assert (status, error["Code"]) == (404, "NoSuchKey")
    etag = s3.put_object(Bucket=bucket, Key="big", Body=b"v1")["ETag"]
    upload_id, parts = upload(s3, bucket, "big")
    status, error = refused(complete, s3=s3, bucket=bucket, key="big", upload_id=upload_id, parts=parts, IfMatch='"00000000000000000000000000000000"')
    assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-Match")
    s3.put_object(Bucket=bucket, Key="big", Body=b"v1")  # rewritten during the upload, to the same ETag
    status, error = refused(complete, s3=s3, bucket=bucket, key="big", upload_id=upload_id, parts=parts, IfMatch=etag)
    assert (status, error["Code"], error.get("Condition")) == (409, "ConditionalRequestConflict", "If-Match")
    upload_id, parts = upload(s3, bucket, "big")
    assert complete(s3, bucket, "big", upload_id, parts, IfMatch=etag)["ETag"] != etag


# ------------------------------------------------------------------------------------------------------- concurrency
def test_a_put_during_which_the_key_is_deleted_gets_409_conditional_request_conflict(emulator, clean_faults, s3, bucket):
    s3.put_object(Bucket=bucket, Key="raced", Body=b"there")
    emulator.control("faults", {"latency": {"s3:PutObject": 1.0}})  # the put stays in progress for a second
    thread, outcome = in_thread(s3.put_object, Bucket=bucket, Key="raced", Body=b"mine", IfNoneMatch="*")
    wait_in_flight(emulator, "PutObject", bucket, "raced")
    s3.delete_object(Bucket=bucket, Key="raced")
    thread.join()
    status, error = outcome["error"]
    assert (status, error["Code"], error.get("Condition")) == (409, "ConditionalRequestConflict", "If-None-Match")
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0


def test_of_two_concurrent_conditional_puts_the_first_to_finish_wins(emulator, clean_faults, s3, bucket):
    emulator.control("faults", {"latency": {"s3:PutObject": 0.5}})  # both in progress at once
    calls = [in_thread(s3.put_object, Bucket=bucket, Key="lock", Body=b"owner %d" % n, IfNoneMatch="*") for n in range(2)]
    for thread, _outcome in calls:
        thread.join()
    outcomes = [outcome for _thread, outcome in calls]
    assert sum("result" in o for o in outcomes) == 1, outcomes
    status, error = next(o["error"] for o in outcomes if "error" in o)
    assert (status, error["Code"]) == (412, "PreconditionFailed")
    held = s3.get_object(Bucket=bucket, Key="lock")
    etag, body = held["ETag"], held["Body"].read()
    # Two compare-and-swaps from the same ETag, both writing the bytes it stands for: the ETag still matches when the
    # later one finishes, but another write finished during it: 409, as S3 documents for If-Match.
    calls = [in_thread(s3.put_object, Bucket=bucket, Key="lock", Body=body, IfMatch=etag) for _n in range(2)]
    for thread, _outcome in calls:
        thread.join()
    outcomes = [outcome for _thread, outcome in calls]
    assert sum("result" in o for o in outcomes) == 1, outcomes
    status, error = next(o["error"] for o in outcomes if "error" in o)
    assert (status, error["Code"], error.get("Condition")) == (409, "ConditionalRequestConflict", "If-Match")


def test_conditions_hold_in_a_bucket_of_another_account_which_this_one_cannot_read(emulator, s3):
    """A bucket another account owns (a recovery account, through STS AssumeRole) is checked as any: a copy onto an
    existing key with If-None-Match is 412 there too. The seeded account, with no bucket policy granting it, is denied."""
    theirs = emulator.client("s3", credentials=emulator.assume("210987654321"))
    name = "conditional-other-account-%s" % uuid.uuid4().hex[:8]
    theirs.create_bucket(Bucket=name)
    try:
        theirs.put_object(Bucket=name, Key="src", Body=b"source")
        theirs.put_object(Bucket=name, Key="k", Body=b"first", IfNoneMatch="*")
        status, error = refused(theirs.copy_object, Bucket=name, Key="k", CopySource={"Bucket": name, "Key": "src"}, IfNoneMatch="*")
        assert (status, error["Code"], error.get("Condition")) == (412, "PreconditionFailed", "If-None-Match")
        assert theirs.get_object(Bucket=name, Key="k")["Body"].read() == b"first"
        assert refused(s3.get_object, Bucket=name, Key="k")[1]["Code"] == "AccessDenied"
        # Access comes before any condition: the seeded account learns nothing of the key from a conditional write.
        for condition in ({"IfNoneMatch": "*"}, {"IfMatch": '"00000000000000000000000000000000"'}):
            status, error = refused(s3.put_object, Bucket=name, Key="k", Body=b"x", **condition)
            assert (status, error["Code"]) == (403, "AccessDenied"), condition
    finally:
        empty(theirs, name)
