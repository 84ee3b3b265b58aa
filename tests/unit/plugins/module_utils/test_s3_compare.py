# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one S3 comparison (validate_s3 and the drill): every finding a responder reads, the reads it makes; S3 in-process (moto)."""

from __future__ import annotations

import collections
import datetime
import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.restorekit.aws.plugins.module_utils import _drill
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import common
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import compare

UTC = datetime.timezone.utc
STAGING, PRODUCTION = "tenant-12-restore", "tenant-12"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
OTHER_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"
KMS = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": KEY_ARN}


@pytest.fixture
def s3():
    with mock_aws():
        # As the module builds it: no optional checksums, so SSE-KMS objects carry none and identity needs a read.
        client = boto3.client("s3", region_name="us-east-1", config=common.client_config(8))
        for bucket in (STAGING, PRODUCTION):
            client.create_bucket(Bucket=bucket)
        yield client


def put(client, bucket, key, body, **kwargs):
    client.put_object(Bucket=bucket, Key=key, Body=body, **kwargs)


def both(client, key, body, **kwargs):
    put(client, STAGING, key, body, **kwargs)
    put(client, PRODUCTION, key, body, **kwargs)


def calls(client):
    """Requests sent, per operation and bucket."""
    counted = collections.Counter()

    def count(model, params, **unused):
        counted[(model.name, params.get("Bucket"))] += 1

    client.meta.events.register("before-parameter-build.s3", count)
    return counted


def write_manifest(tmp_path, records):
    path = tmp_path / "copy.jsonl"
    path.write_text("".join(json.dumps(dict(r, size=1)) + "\n" for r in records), encoding="utf-8")
    return str(path)


def by_name(result):
    return {check["name"].split(" (")[0]: check for check in result["checks"]}


def main_check(result):
    return [c for c in result["checks"] if c["name"].startswith("restored objects match staging")][0]


def test_identical_restore_passes_reading_each_object_once_per_bucket(s3):
    for n in range(12):
        both(s3, "docs/file-%02d.txt" % n, b"content %d" % n, Metadata={"owner": "tenant-12"}, Tagging="tenant=12")
    counted = calls(s3)
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION}], detail_sample=3, parallelism=4)
    assert result["passed"] is True
    check = main_check(result)
    assert check["result"] == "pass"
    assert check["summary"] == "tenant-12: 0 of 12 restored object(s) differ in content"
    details = check["details"]
    assert (details["restored_objects"], details["matched_objects"], details["restored_bytes"]) == (12, 12, sum(len(b"content %d" % n) for n in range(12)))
    assert details["content_proven_by"] == {"etag_or_checksum": 12, "sha256_of_both_objects_read": 0}
    assert (details["details_compared"], details["tags_compared"]) == (12, 3)
    # One HeadObject per object per bucket; tags only for the sample; no object read.
    assert counted[("HeadObject", STAGING)] == counted[("HeadObject", PRODUCTION)] == 12
    assert counted[("GetObjectTagging", STAGING)] == counted[("GetObjectTagging", PRODUCTION)] == 3
    assert counted[("GetObject", STAGING)] == counted[("GetObject", PRODUCTION)] == 0


def test_content_findings(s3):
    both(s3, "same", b"same bytes")
    put(s3, STAGING, "missing", b"restored")
    put(s3, STAGING, "etag", b"restored")
    put(s3, PRODUCTION, "etag", b"changed!")
    put(s3, STAGING, "size", b"restored")
    put(s3, PRODUCTION, "size", b"longer content")
    both(s3, "kms-same", b"secret bytes", **KMS)
    put(s3, STAGING, "kms-different", b"secret bytes", **KMS)
    put(s3, PRODUCTION, "kms-different", b"other  bytes", **KMS)
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION}], parallelism=4)
    check = main_check(result)
    assert result["passed"] is False and check["result"] == "fail"
    assert check["details"]["differences"] == [
        {"key": "etag", "reason": "ETag differs"},
        {"key": "kms-different", "reason": "content differs (SHA-256 of both objects read)"},
        {"key": "missing", "reason": "missing in destination"},
        {"key": "size", "reason": "size differs"},
    ]
    assert check["details"]["matched_objects"] == 2
    # KMS objects without a common checksum: both read, whether they match or not.
    assert check["details"]["content_proven_by"] == {"etag_or_checksum": 3, "sha256_of_both_objects_read": 2}
    assert check["summary"].startswith("tenant-12: 4 of 6 restored object(s) differ in content")
    assert check["summary"].endswith(": etag, kms-different, missing, size")


def test_metadata_encryption_and_tag_findings(s3):
    put(s3, STAGING, "meta", b"x", Metadata={"owner": "tenant-12"}, ContentType="text/plain")
    put(s3, PRODUCTION, "meta", b"x", Metadata={"owner": "someone"}, ContentType="text/csv")
    put(s3, STAGING, "sse", b"y", **KMS)
    put(s3, PRODUCTION, "sse", b"y", ServerSideEncryption="AES256")
    put(s3, STAGING, "tags", b"z", Tagging="tenant=12")
    put(s3, PRODUCTION, "tags", b"z", Tagging="tenant=13")
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION}], parallelism=2)
    check = main_check(result)
    assert check["result"] == "fail" and check["details"]["differences"] == []
    assert check["details"]["detail_differences"] == [
        {"key": "meta", "critical": False, "reasons": [
            'metadata differs: {"owner": "someone"} in production, {"owner": "tenant-12"} in staging',
            'content_type differs: "text/csv" in production, "text/plain" in staging']},
        {"key": "sse", "critical": False, "reasons": [
            'server_side_encryption differs: "AES256" in production, "aws:kms" in staging',
            'ssekms_key_id differs: null in production, "%s" in staging' % KEY_ARN]},
        {"key": "tags", "critical": False, "reasons": ['tags differ: {"tenant": "13"} in production, {"tenant": "12"} in staging']},
    ]
    assert check["summary"] == "tenant-12: 0 of 3 restored object(s) differ in content, 3 in tags/metadata/encryption: meta, sse, tags"
    # The same bytes under another encryption: proven by reading both.
    assert check["details"]["matched_objects"] == 3


def test_critical_keys(s3):
    both(s3, "ok", b"fine", Tagging="a=1")
    put(s3, STAGING, "retagged", b"r", Tagging="a=1")
    put(s3, PRODUCTION, "retagged", b"r", Tagging="a=2")
    put(s3, PRODUCTION, "only-production", b"p")
    put(s3, STAGING, "only-staging", b"s")
    put(s3, STAGING, "changed", b"one")
    put(s3, PRODUCTION, "changed", b"two")
    critical = ["ok", "retagged", "only-production", "only-staging", "changed", "nowhere", "ok"]
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION}], critical, detail_sample=0)
    found = dict((c["name"], c) for c in result["checks"] if c["name"].startswith("critical key "))
    assert list(found) == ["critical key " + k for k in critical[:-1]]  # each key once, in the order given
    reasons = dict((name[len("critical key "):], c["details"]["reasons"]) for name, c in found.items())
    assert reasons == {
        "ok": [],
        "retagged": ['tags differ: {"a": "2"} in production, {"a": "1"} in staging'],
        "only-production": ["missing in staging"],
        "only-staging": ["missing in production"],
        "changed": ["content differs"],
        "nowhere": ["missing in staging", "missing in production"],
    }
    assert found["critical key ok"]["result"] == "pass" and found["critical key changed"]["result"] == "fail"
    assert found["critical key changed"]["summary"] == "tenant-12: critical key changed: content differs"
    # Critical keys are not counted again among the sample's detail differences.
    assert main_check(result)["details"]["detail_differences"] == []


def test_copy_manifest_kept_and_not_selected(s3, tmp_path):
    put(s3, STAGING, "kept", b"backup")
    put(s3, PRODUCTION, "kept", b"after!")
    both(s3, "kept-but-same-now", b"same")
    both(s3, "copied", b"copied")
    put(s3, STAGING, "outside-the-selection", b"not restored")
    put(s3, PRODUCTION, "outside-the-selection", b"production's own")
    newer = "destination modified 2026-11-24T05:00:00+00:00 after the recovery point 2026-11-24T04:00:00+00:00"
    manifest = write_manifest(tmp_path, [
        {"key": "kept", "action": "skip_newer", "reason": newer},
        {"key": "kept-but-same-now", "action": "skip_newer", "reason": newer},
        {"key": "copied", "action": "copy", "reason": "missing in destination"},
    ])
    restore = {"staging_bucket": STAGING, "production_bucket": PRODUCTION, "copy_manifest": manifest, "tenant_id": "12",
               "plan": {"selected": 3}}  # other keys of s3_restore's records are ignored
    result = compare.compare_restores(s3, [restore], ["kept"])
    check = main_check(result)
    assert check["result"] == "pass"
    assert (check["details"]["restored_objects"], check["details"]["not_selected_by_the_copy"]) == (2, 1)
    kept = by_name(result)["production objects kept by the conflict policy"]
    assert kept["result"] == "warn" and kept["details"] == {"count": 1, "keys": [{"key": "kept", "action": "skip_newer", "reason": newer}]}
    assert by_name(result)["critical key kept"]["details"]["reasons"] == ["the copy kept the production object (skip_newer)"]
    assert result["passed"] is False  # the critical key was not restored
    assert result["restores"][0]["tenant_id"] == "12" and result["restores"][0]["kept_objects"] == 1


def test_a_bucket_that_cannot_be_listed_fails_its_restore_only(s3):
    both(s3, "a", b"a")
    s3.create_bucket(Bucket="tenant-13")
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION},
                                           {"staging_bucket": "tenant-13-restore", "production_bucket": "tenant-13"}], ["a"])
    assert [(c["name"].split(" (")[0], c["target"], c["result"]) for c in result["checks"]] == [
        ("restored objects match staging tenant-12-restore", PRODUCTION, "pass"),
        ("critical key a", PRODUCTION, "pass"),
        ("restored objects match staging tenant-13-restore", "tenant-13", "fail"),
    ]
    failed = result["checks"][-1]
    assert failed["summary"].startswith("tenant-13: the comparison did not run: listing failed: ")
    assert "NoSuchBucket" in failed["summary"]
    assert [r["compared"] for r in result["restores"]] == [True, False]


def test_staging_removable_only_when_tagged_by_this_run_for_its_production_bucket(s3):
    s3.put_bucket_tagging(Bucket=STAGING, Tagging={"TagSet": [{"Key": "restorekit:run", "Value": "run-a"},
                                                              {"Key": "restorekit:staging-for", "Value": PRODUCTION}]})
    for name, tags in (("tenant-13-restore", {"restorekit:run": "run-b", "restorekit:staging-for": "tenant-13"}),
                       ("tenant-14-restore", {"restorekit:run": "run-a", "restorekit:staging-for": "tenant-99"})):
        s3.create_bucket(Bucket=name)
        s3.create_bucket(Bucket=name[:-len("-restore")])
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in tags.items()]})
    restores = [{"staging_bucket": b + "-restore", "production_bucket": b} for b in (PRODUCTION, "tenant-13", "tenant-14")]
    result = compare.compare_restores(s3, restores, staging_run_id="run-a")
    assert [(r["staging_removable"], r["staging_note"]) for r in result["restores"]] == [
        (True, None),
        (False, "kept staging bucket tenant-13-restore: its restorekit:run tag is not run-a"),
        (False, "kept staging bucket tenant-14-restore: its restorekit:staging-for tag is not tenant-14"),
    ]
    assert "staging_removable" not in compare.compare_restores(s3, restores[:1])["restores"][0]


@pytest.mark.parametrize("restores,options,message", [
    ([], {}, "restores=[] must list at least one restore"),
    ([{"staging_bucket": "a-restore"}], {}, "restores[0].production_bucket=None must name a bucket"),
    ([{"staging_bucket": "a", "production_bucket": "a"}], {}, "restores[0]: staging_bucket and production_bucket are both 'a'"),
    ([{"staging_bucket": "a-r", "production_bucket": "a"}, {"staging_bucket": "b-r", "production_bucket": "a"}], {},
     "restores[1].production_bucket='a' is also restores[0]'s"),
    ([{"staging_bucket": "a-r", "production_bucket": "a", "copy_manifest": "/nonexistent/copy.jsonl"}], {},
     "restores[0].copy_manifest='/nonexistent/copy.jsonl' cannot be read"),
    ([{"staging_bucket": "a-r", "production_bucket": "a"}], {"critical_keys": [""]}, "critical_keys=[''] holds ''"),
    ([{"staging_bucket": "a-r", "production_bucket": "a"}], {"detail_sample": -1}, "detail_sample=-1 must be 0 or more"),
    ([{"staging_bucket": "a-r", "production_bucket": "a"}], {"parallelism": 0}, "parallelism=0 must be between 1 and 256"),
])
def test_bad_options_are_refused_before_any_call(restores, options, message):
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError("AWS was called: %s" % name)

    with pytest.raises(compare.CompareError) as raised:
        compare.compare_restores(NoCalls(), restores, **options)
    assert message in raised.value.message


def test_outer_join_yields_every_key_once_in_order():
    left = iter([{"Key": k, "side": "l"} for k in ["b", "c", "e"]])
    right = iter([{"Key": k, "side": "r"} for k in ["a", "c", "d", "f"]])
    assert [(k, bool(l), bool(r)) for k, l, r in compare.outer_join(left, right)] == [
        ("a", False, True), ("b", True, False), ("c", True, True), ("d", False, True), ("e", True, False), ("f", False, True)]


# ---------------------------------------------------------------------------------------------------------------- drill
def multipart(client, bucket, key, body):
    upload = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    half = 5 * 1024 * 1024
    parts = []
    for number, chunk in enumerate((body[:half], body[half:]), 1):
        etag = client.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=chunk)["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    client.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={"Parts": parts})


def test_drill_proves_an_object_whose_etag_changed_in_the_restore_by_reading_it(s3):
    big = b"0123456789abcdef" * (5 * 1024 * 1024 // 16) + b"tail"
    # Same bytes, another ETag (a multipart upload in the restore): identical once both are read.
    multipart(s3, STAGING, "big", big)
    put(s3, PRODUCTION, "big", big)
    # Same size, other bytes: different.
    put(s3, STAGING, "edited", b"aaaa")
    put(s3, PRODUCTION, "edited", b"bbbb")
    both(s3, "same", b"same")
    point = datetime.datetime.now(UTC) + datetime.timedelta(minutes=1)  # every source object is older than the point
    counted = calls(s3)
    checks = {c["name"]: c for c in _drill.compare_buckets(s3, STAGING, PRODUCTION, point, ["same"])}
    unchanged = checks["objects unchanged since the recovery point restored identically"]
    assert unchanged["result"] == "fail" and unchanged["details"]["different"] == ["edited"]
    compared = checks["objects compared with the source"]["details"]
    assert compared == {"identical": 2, "changed_since": 1, "only_in_restore": 0, "only_in_source": 0}
    # Listings settle the unchanged object; the two whose ETags differ are looked at, and only the one whose ETag
    # proves nothing (multipart) is read.
    assert counted[("HeadObject", STAGING)] == counted[("HeadObject", PRODUCTION)] == 2
    assert counted[("GetObject", STAGING)] == counted[("GetObject", PRODUCTION)] == 1


def test_drill_does_not_read_objects_changed_after_the_point(s3):
    put(s3, STAGING, "edited", b"aaaa")
    put(s3, PRODUCTION, "edited", b"bbbb")
    point = datetime.datetime.now(UTC) - datetime.timedelta(minutes=1)
    counted = calls(s3)
    checks = {c["name"]: c for c in _drill.compare_buckets(s3, STAGING, PRODUCTION, point, [])}
    assert checks["objects unchanged since the recovery point restored identically"]["result"] == "pass"
    assert checks["objects compared with the source"]["details"]["changed_since"] == 1
    assert counted[("HeadObject", STAGING)] == counted[("GetObject", STAGING)] == 0


def test_an_object_with_a_public_acl_is_reported_not_restored_rather_than_lost(s3):
    """AWS Backup does not restore an object that carries a public ACL into a bucket that blocks public access: the drill
    and validate_s3 say "not restored" (a warning for the drill), and a private object missing is still a failure."""
    # As on S3: a bucket takes a public ACL only with ACLs enabled and Block Public Access off.
    s3.put_bucket_ownership_controls(Bucket=PRODUCTION, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.delete_public_access_block(Bucket=PRODUCTION)
    put(s3, PRODUCTION, "public.html", b"<p>hi</p>", ACL="public-read")
    put(s3, PRODUCTION, "private.txt", b"p")
    both(s3, "kept.txt", b"k")
    point = datetime.datetime.now(UTC) + datetime.timedelta(minutes=1)
    checks = {c["name"]: c for c in _drill.compare_buckets(s3, STAGING, PRODUCTION, point, [])}
    public = checks["objects with a public ACL not restored (the restore blocks public access)"]
    assert public["result"] == "warn" and public["details"]["keys"] == ["public.html"]
    unchanged = checks["objects unchanged since the recovery point restored identically"]
    assert unchanged["result"] == "fail" and unchanged["details"]["missing"] == ["private.txt"]
    s3.delete_object(Bucket=PRODUCTION, Key="private.txt")
    checks = {c["name"]: c for c in _drill.compare_buckets(s3, STAGING, PRODUCTION, point, [])}
    assert checks["objects unchanged since the recovery point restored identically"]["result"] == "pass"
    # validate_s3: a critical key missing from staging because of its public ACL says so.
    result = compare.compare_restores(s3, [{"staging_bucket": STAGING, "production_bucket": PRODUCTION}], ["public.html"], detail_sample=0)
    [critical] = [c for c in result["checks"] if c["name"] == "critical key public.html"]
    assert critical["details"]["reasons"] == [compare.NOT_RESTORED_PUBLIC]
