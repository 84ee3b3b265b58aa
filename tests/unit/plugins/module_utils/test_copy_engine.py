# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selective copy engine: selection, merge-join, identity, conflict policies, manifest; S3 in-process (moto)."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from moto import mock_aws

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import common
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine as ce

UTC = datetime.timezone.utc


def test_collapse_prefixes_keeps_listing_sorted_and_unique():
    assert common.collapse_prefixes(["b/", "a/b/", "a/"]) == ["a/", "b/"]
    assert common.collapse_prefixes([]) == [""]
    assert common.collapse_prefixes(["x/", ""]) == [""]


def test_key_filter_reasons():
    f = common.KeyFilter(["docs/"], ["*.txt"], ["*secret*"], None)
    assert f.matches("docs/a/b.txt")  # * crosses /
    assert f.reason("img/a.txt") == "outside the prefixes"
    assert f.reason("docs/a.csv") == "matches no include glob"
    assert f.reason("docs/secret.txt") == "matches exclude glob *secret*"
    keys = common.KeyFilter(keys=["docs/read me.txt"])
    assert keys.matches("docs/read me.txt") and not keys.matches("docs/read")


def test_keys_file_keeps_spaces(tmp_path):
    path = tmp_path / "keys.txt"
    path.write_text("docs/read me.txt \n\ndeep/x\r\n", encoding="utf-8")
    assert common.read_keys_file(str(path)) == ["docs/read me.txt ", "deep/x"]


def test_merge_join_pairs_only_source_keys():
    src = iter([{"Key": k} for k in ["a", "c", "e"]])
    dest = iter([{"Key": k, "d": 1} for k in ["0", "a", "b", "e", "z"]])
    assert [(s["Key"], d and d["Key"]) for s, d in ce.merge_join(src, dest)] == [("a", "a"), ("c", None), ("e", "e")]


@pytest.mark.parametrize("src,dest,identical", [
    ({"ContentLength": 1, "ETag": '"x"'}, {"ContentLength": 2, "ETag": '"x"'}, False),
    ({"ContentLength": 1, "ETag": '"x"'}, {"ContentLength": 1, "ETag": '"x"'}, True),
    ({"ContentLength": 1, "ETag": '"x"'}, {"ContentLength": 1, "ETag": '"y"'}, False),
    # KMS: the ETag is not an MD5, equal ETags prove nothing without a checksum.
    ({"ContentLength": 1, "ETag": '"x"', "ServerSideEncryption": "aws:kms"}, {"ContentLength": 1, "ETag": '"x"'}, False),
    ({"ContentLength": 1, "ETag": '"x"', "ServerSideEncryption": "aws:kms", "ChecksumCRC32": "c"},
     {"ContentLength": 1, "ETag": '"y"', "ChecksumCRC32": "c"}, True),
    ({"ContentLength": 1, "ETag": '"x-2"', "ChecksumSHA256": "a"}, {"ContentLength": 1, "ETag": '"x-2"', "ChecksumSHA256": "b"}, False),
    ({"ContentLength": 1, "ETag": '"x-2"'}, {"ContentLength": 1, "ETag": '"x-2"'}, False),
])
def test_identity(src, dest, identical):
    assert ce.compare(src, dest)[0] is identical


def test_part_ranges_cover_every_byte():
    ranges = ce.part_ranges(12 * ce.MIB + 3, 5 * ce.MIB)
    assert ranges[0] == (0, 5 * ce.MIB - 1) and ranges[-1][1] == 12 * ce.MIB + 2
    assert all(b[0] == a[1] + 1 for a, b in zip(ranges, ranges[1:]))
    # 10,000 parts at most: the part size grows.
    assert len(ce.part_ranges(100000 * ce.MIB, 5 * ce.MIB)) <= ce.MAX_PARTS


@pytest.mark.parametrize("change,message", [
    ({"dest_bucket": "src"}, "source_bucket and dest_bucket are both 'src'"),
    ({"recovery_point_time": None}, "conflict_policy=skip_newer needs recovery_point_time"),
    ({"encryption": "kms"}, "encryption=kms needs kms_key_id"),
    ({"kms_key_id": "k"}, "kms_key_id='k' is only used with encryption=kms"),
    ({"part_size": 1024}, "part_size=1024 must be between"),
    ({"multipart_threshold": 6 * ce.GIB}, "multipart_threshold=6442450944 must be between"),
    ({"parallelism": 0}, "parallelism=0 must be between 1 and 256"),
])
def test_bad_options_name_the_option(change, message):
    options = {"source_bucket": "src", "dest_bucket": "dst", "recovery_point_time": datetime.datetime.now(UTC)}
    options.update(change)
    with pytest.raises(ce.CopyError, match=message.replace("(", r"\(")):
        ce.validate(options)


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="staging")
        client.create_bucket(Bucket="prod")
        yield client


def put(client, bucket, key, body, **kwargs):
    client.put_object(Bucket=bucket, Key=key, Body=body, **kwargs)


def run(client, tmp_path, name, **options):
    base = {"source_bucket": "staging", "dest_bucket": "prod", "parallelism": 4, "manifest_path": str(tmp_path / name)}
    base.update(options)
    return ce.SelectiveCopy(client, base).run()


def test_policies_dry_run_manifest_and_rerun(s3, tmp_path):
    for key in ["same", "missing", "old-different", "new-different", "docs/read me+%.txt"]:
        put(s3, "staging", key, b"restored " + key.encode(), Metadata={"m": "1"}, Tagging="t=1", ContentType="text/plain")
    put(s3, "prod", "same", b"restored same")
    put(s3, "prod", "old-different", b"production old")
    put(s3, "prod", "new-different", b"production newer")
    put(s3, "prod", "only-in-prod", b"keep me")
    # Every production object here was written "after" a recovery point placed before them, except what we say:
    # a recovery point after all writes makes them all older, one before makes them all newer.
    before = datetime.datetime(2000, 1, 1, tzinfo=UTC)
    after = datetime.datetime.now(UTC) + datetime.timedelta(minutes=1)

    # skip_newer with a recovery point before every production write: nothing existing is replaced.
    plan = run(s3, tmp_path, "plan.jsonl", recovery_point_time=before, dry_run=True)
    assert plan["actions"]["copy"]["count"] == 2 and plan["actions"]["skip_newer"]["count"] == 3
    assert s3.list_objects_v2(Bucket="prod")["KeyCount"] == 4, "a dry run copied something"
    real = run(s3, tmp_path, "real.jsonl", recovery_point_time=before)
    planned = {r["key"]: r["action"] for r in common.read_manifest(str(tmp_path / "plan.jsonl"))}
    done = {r["key"]: r["action"] for r in common.read_manifest(str(tmp_path / "real.jsonl"))}
    assert planned == done
    assert s3.get_object(Bucket="prod", Key="new-different")["Body"].read() == b"production newer"
    copied = s3.head_object(Bucket="prod", Key="docs/read me+%.txt")
    assert copied["Metadata"] == {"m": "1"} and copied["ContentType"] == "text/plain"
    assert s3.get_object_tagging(Bucket="prod", Key="docs/read me+%.txt")["TagSet"] == [{"Key": "t", "Value": "1"}]
    assert real["copied"]["count"] == 2

    # A recovery point after the production writes: older production objects that differ are replaced,
    # identical ones skipped, and the production-only key is untouched.
    again = run(s3, tmp_path, "again.jsonl", recovery_point_time=after)
    assert sorted(again["actions"]["copy"]["first_keys"]) == ["new-different", "old-different"]
    assert again["actions"]["skip_identical"]["count"] == 3
    assert s3.get_object(Bucket="prod", Key="only-in-prod")["Body"].read() == b"keep me"

    # Re-run: nothing left to do.
    final = run(s3, tmp_path, "final.jsonl", conflict_policy="overwrite")
    assert final["copied"]["count"] == 0 and final["actions"]["skip_identical"]["count"] == 5 and not final["changed"]
    line = json.loads((tmp_path / "final.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert set(line) >= {"key", "action", "reason", "size"}


def test_skip_existing_and_filters(s3, tmp_path):
    for key in ["a/1.txt", "a/2.csv", "b/3.txt", "a/tmp/4.txt"]:
        put(s3, "staging", key, b"new")
    put(s3, "prod", "a/1.txt", b"different")
    keys = tmp_path / "keys.txt"
    result = run(s3, tmp_path, "m.jsonl", conflict_policy="skip_existing", prefixes=["a/"], include_globs=["*.txt"],
                 exclude_globs=["a/tmp/*"])
    assert result["actions"]["skip_existing"]["first_keys"] == ["a/1.txt"] and result["actions"]["copy"]["count"] == 0
    assert result["selected"] == 1
    keys.write_text("a/2.csv\n", encoding="utf-8")
    result = run(s3, tmp_path, "k.jsonl", conflict_policy="skip_existing", keys=common.read_keys_file(str(keys)))
    assert result["actions"]["copy"]["first_keys"] == ["a/2.csv"]


def test_multipart_copy_carries_tags_and_metadata(s3, tmp_path):
    body = bytes(range(256)) * (23 * 1024 + 7)  # about 5.75 MiB
    put(s3, "staging", "big/object.bin", body, Metadata={"origin": "backup"}, Tagging="k=v w&x=y", ContentType="application/x-test",
        CacheControl="no-store")
    result = run(s3, tmp_path, "mp.jsonl", conflict_policy="skip_existing", multipart_threshold=5 * ce.MIB, part_size=5 * ce.MIB)
    assert result["multipart_copies"] == 1 and not result["errors"]
    head = s3.head_object(Bucket="prod", Key="big/object.bin")
    assert head["Metadata"] == {"origin": "backup"} and head["ContentType"] == "application/x-test" and head["CacheControl"] == "no-store"
    assert s3.get_object(Bucket="prod", Key="big/object.bin")["Body"].read() == body
    assert sorted((t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket="prod", Key="big/object.bin")["TagSet"]) == [("k", "v w"), ("x", "y")]


@pytest.mark.parametrize("text", ["2026-11-24T04:56:31.000Z", "2026-11-24T04:56:31Z", "2026-11-24T04:56:31.123456+02:00",
                                  "Tue, 24 Nov 2026 04:56:31 GMT", "2026-11-24T04:56:31"])
def test_parse_timestamp_agrees_with_botocore(text):
    """The fast parser returns what botocore's own parser returns: the same instant, aware exactly when botocore's is
    (a value without a zone goes to botocore's parser)."""
    from botocore.utils import parse_timestamp as botocore_parse  # pylint: disable=import-outside-toplevel
    ours, theirs = common.parse_timestamp(text), botocore_parse(text)
    assert (ours.tzinfo is None) == (theirs.tzinfo is None)
    assert ours == theirs


@mock_aws
def test_tuned_client_lists_and_copies_with_aware_times():
    s3 = common.tune_client(boto3.client("s3", region_name="us-east-1", config=common.client_config(4)))
    s3.create_bucket(Bucket="tune-staging")
    s3.create_bucket(Bucket="tune-prod")
    s3.put_object(Bucket="tune-staging", Key="a b+c.txt", Body=b"x", Tagging="t=1")
    listed = s3.list_objects_v2(Bucket="tune-staging")["Contents"][0]["LastModified"]
    assert listed.tzinfo is not None and abs(listed - datetime.datetime.now(UTC)) < datetime.timedelta(minutes=5)
    result = ce.SelectiveCopy(s3, {"source_bucket": "tune-staging", "dest_bucket": "tune-prod",
                                   "recovery_point_time": datetime.datetime.now(UTC)}).run()
    assert result["copied"]["count"] == 1
    assert s3.get_object_tagging(Bucket="tune-prod", Key="a b+c.txt")["TagSet"] == [{"Key": "t", "Value": "1"}]


@mock_aws
def test_run_many_keeps_each_copy_apart_and_reports_a_failed_listing():
    s3 = boto3.client("s3", region_name="us-east-1", config=common.client_config(8))
    for name in ("many-a", "many-a-prod", "many-b", "many-b-prod"):
        s3.create_bucket(Bucket=name)
    s3.put_object(Bucket="many-a", Key="k1", Body=b"1")
    s3.put_object(Bucket="many-b", Key="k2", Body=b"2")
    runs = [ce.SelectiveCopy(s3, {"source_bucket": src, "dest_bucket": dst, "conflict_policy": "overwrite"})
            for src, dst in (("many-a", "many-a-prod"), ("many-b", "many-b-prod"), ("many-missing", "many-a-prod"))]
    results = ce.run_many(runs, 2)
    assert [r["copied"]["count"] for r in results] == [1, 1, 0]
    assert results[2]["failed"] is True and "listing failed" in results[2]["msg"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket="many-a-prod")["Contents"]] == ["k1"]
    assert ce.run_many([], 4) == []


def test_the_sample_of_keys_is_the_first_in_key_order_whatever_order_the_workers_finish_in():
    """S3 lists keys by their UTF-8 bytes: the sample is the same keys on every run, not the first to finish."""
    keys = ["reports/day-%02d.csv" % day for day in range(1, 9)] + ["docs/read me.txt", "docs/a+b=c.txt", "docs/naïve café.txt",
                                                                    "docs/Z.txt", "big/archive.bin"]
    expected = sorted(keys, key=lambda key: key.encode("utf-8"))[:4]
    for order in (keys, list(reversed(keys)), sorted(keys)):
        summary = ce.Summary(sample=4)
        for key in order:
            summary.add(ce.COPY, key, 10)
        actions = summary.actions
        assert actions[ce.COPY] == {"count": len(keys), "bytes": 10 * len(keys), "first_keys": expected}
        assert actions[ce.SKIP_NEWER] == {"count": 0, "bytes": 0, "first_keys": []}
    assert expected == ["big/archive.bin", "docs/Z.txt", "docs/a+b=c.txt", "docs/naïve café.txt"]
    empty = ce.Summary(sample=0)
    empty.add(ce.COPY, "a", 1)
    assert empty.actions[ce.COPY] == {"count": 1, "bytes": 1, "first_keys": []}
