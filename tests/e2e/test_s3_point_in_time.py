# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.s3_point_in_time, run by ansible-playbook against the emulator.

A versioned bucket gets a first generation of objects, a recorded time T, then damage: overwrites with other
metadata, tags and encryption, a deletion and a new key. Rolling back to T must bring back each key's bytes,
headers, tags and encryption from its own version, keep every version, touch no object body through the client,
and be a no-op the second time. S3 dates versions to the second (moto too), so the writes around T are more than
a second apart.
"""

import datetime
import json
import time
import uuid

from tests.e2e.helpers import run_playbook

MODULE = "restorekit.aws.s3_point_in_time"
# Keys a responder's bucket really holds: spaces, '+', '%', unicode, deep prefixes.
CHANGED = "docs/2026/q4/report final+v2 100%.txt"
UNICODE = "docs/ünïcødé/naïve résumé.txt"
DELETED = "docs/deleted.txt"
CREATED = "docs/created after.txt"
STILL = "docs/untouched.txt"
OUTSIDE = "logs/app.log"


def versions_of(s3, bucket):
    pages = s3.get_paginator("list_object_versions").paginate(Bucket=bucket)
    found = set()
    for page in pages:
        for entry in (page.get("Versions") or []) + (page.get("DeleteMarkers") or []):
            found.add((entry["Key"], entry["VersionId"]))
    return found


def read_manifest(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def wait_for_next_second():
    """Sleep past the next whole second, so what follows carries a later LastModified than anything before."""
    time.sleep(1.05 + (1 - time.time() % 1))


def test_roll_back_restores_each_key_from_its_version_and_keeps_history(emulator, tmp_path):
    """One run: plan (check mode and dry_run), roll back, roll back again, then delete_created_after, an unversioned
    bucket, and two buckets whose history starts after T (see the next docstring); the emulator's request counters are
    read in the play right after the second roll back, before the tasks that follow may write."""
    s3 = emulator.client("s3")
    kms = emulator.client("kms")
    key_arn = kms.create_key(Description="point in time test")["KeyMetadata"]["Arn"]
    bucket = "pit-%s" % uuid.uuid4().hex[:12]
    unversioned = bucket + "-plain"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    s3.create_bucket(Bucket=unversioned)
    late, expiring = history_after_t_buckets(s3)

    # Generation 1: the state at T.
    original = {
        CHANGED: dict(Body=b"quarterly report v1\n", ContentType="text/plain", CacheControl="max-age=60",
                      Metadata={"owner": "finance", "rev": "1"}, Tagging="class=report&rev=1",
                      ServerSideEncryption="aws:kms", SSEKMSKeyId=key_arn),
        UNICODE: dict(Body="résumé v1\n".encode(), ContentType="text/markdown; charset=utf-8", ContentEncoding="identity",
                      Metadata={"lang": "fr"}, Tagging="class=cv"),
        DELETED: dict(Body=b"will be deleted\n", ContentType="text/plain", Metadata={"keep": "yes"}, Tagging="class=doc"),
        STILL: dict(Body=b"never changed\n", ContentType="text/plain"),
        OUTSIDE: dict(Body=b"log v1\n", ContentType="text/plain"),
    }
    first = {}
    for key, args in original.items():
        first[key] = s3.put_object(Bucket=bucket, Key=key, **args)["VersionId"]
    wait_for_next_second()
    point_in_time = datetime.datetime.now(datetime.timezone.utc).isoformat()
    wait_for_next_second()

    # The incident: overwrites with other headers, tags and encryption, a deletion, a new key.
    s3.put_object(Bucket=bucket, Key=CHANGED, Body=b"corrupted\n", ContentType="application/octet-stream",
                  Metadata={"owner": "attacker"}, Tagging="class=junk")
    s3.put_object(Bucket=bucket, Key=UNICODE, Body=b"overwritten\n", ContentType="text/plain", Tagging="class=junk")
    s3.delete_object(Bucket=bucket, Key=DELETED)
    s3.put_object(Bucket=bucket, Key=CREATED, Body=b"new after T\n")
    s3.put_object(Bucket=bucket, Key=OUTSIDE, Body=b"log v2\n")
    history_after_t_writes(s3, late, expiring)
    before = versions_of(s3, bucket)

    common = {"bucket": bucket, "point_in_time": point_in_time, "prefixes": ["docs/"]}
    dry = tmp_path / "dry.jsonl"
    also_dry = tmp_path / "also-dry.jsonl"
    real = tmp_path / "real.jsonl"
    emulator.control("counters", method="DELETE")
    tasks = [
        {"name": "Plan (check mode)", MODULE: dict(common, manifest_path=str(dry)), "check_mode": True, "register": "planned"},
        {"name": "Plan (dry_run)", MODULE: dict(common, manifest_path=str(also_dry), dry_run=True), "register": "dry_run"},
        {"name": "Roll back", MODULE: dict(common, manifest_path=str(real), concurrency=4), "register": "rolled"},
        {"name": "Roll back again", MODULE: common, "register": "again"},
        {"name": "Requests served so far", "ansible.builtin.uri": {"url": emulator.endpoint + "/_restorekit/counters"},
         "register": "counters"},
        {"name": "The key created after T, after the roll back", "amazon.aws.s3_object": {"bucket": bucket, "object": CREATED, "mode": "getstr"},
         "register": "created"},
        {"name": "Roll back, hiding what was created after T", MODULE: dict(common, delete_created_after=True), "register": "hidden"},
        {"name": "Unversioned bucket", MODULE: dict(common, bucket=unversioned), "register": "plain", "ignore_errors": True},
    ] + history_after_t_tasks(late, expiring, point_in_time)
    out = run_playbook(emulator, tmp_path, tasks, ["planned", "dry_run", "rolled", "again", "counters", "created", "hidden", "plain",
                                                   "late", "expiring"])
    counters = out["counters"]["json"]

    # The plan, and the same manifest from the dry runs and the real run.
    planned = out["planned"]
    assert planned["changed"] is True and planned["dry_run"] is True
    counts = planned["plan"]["counts"]
    assert counts == dict(counts, restore=2, undelete=1, unchanged=1, created_after=1, delete_marker=0, failed=0)
    assert planned["plan"]["keys_total"] == 5, "logs/ is outside the prefix"
    assert planned["plan"]["first_keys"]["created_after"] == [CREATED]
    assert out["dry_run"]["plan"] == planned["plan"]
    real_lines = read_manifest(real)
    assert read_manifest(dry) == real_lines == read_manifest(also_dry)
    by_key = {line["key"]: line for line in real_lines}
    assert by_key[CHANGED]["action"] == "restore" and by_key[CHANGED]["version_id"] == first[CHANGED]
    assert by_key[UNICODE]["version_id"] == first[UNICODE]
    assert by_key[DELETED]["action"] == "undelete" and by_key[DELETED]["version_id"] == first[DELETED]
    assert by_key[CREATED]["action"] == "created_after" and "created after" in by_key[CREATED]["reason"]
    assert by_key[STILL]["action"] == "unchanged"

    assert out["rolled"]["changed"] is True and out["rolled"]["plan"]["counts"] == planned["plan"]["counts"]
    again = out["again"]
    assert again["changed"] is False, again["plan"]
    assert again["plan"]["counts"]["unchanged"] == 4 and again["plan"]["counts"]["created_after"] == 1

    # Server-side only: no object body passed through the client, no version was deleted (the plans, the roll back
    # and the re-run).
    s3_ops = counters["requests"]["s3"]
    assert s3_ops.get("CopyObject") == 3
    assert not s3_ops.get("GetObject") and not s3_ops.get("PutObject"), s3_ops
    assert not s3_ops.get("DeleteObject") and not s3_ops.get("DeleteObjects"), s3_ops

    # Each key reads as it did at T: bytes, headers, metadata, tags, encryption.
    for key in (CHANGED, UNICODE, DELETED):
        got = s3.get_object(Bucket=bucket, Key=key)
        args = original[key]
        assert got["Body"].read() == args["Body"], key
        assert got["ContentType"] == args["ContentType"], key
        assert got["Metadata"] == args["Metadata"], key
        assert got["VersionId"] != first[key], "restored by a new version on top, not by removing the later ones"
        tags = {tag["Key"]: tag["Value"] for tag in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
        assert tags == dict(pair.split("=") for pair in args["Tagging"].split("&")), key
    changed = s3.head_object(Bucket=bucket, Key=CHANGED)
    assert changed["CacheControl"] == "max-age=60"
    assert changed["ServerSideEncryption"] == "aws:kms" and changed["SSEKMSKeyId"] == key_arn, "the version's own KMS key"
    assert s3.head_object(Bucket=bucket, Key=UNICODE)["ContentEncoding"] == "identity"
    assert out["created"]["contents"] == "new after T\n", "left by default"
    assert s3.get_object(Bucket=bucket, Key=OUTSIDE)["Body"].read() == b"log v2\n", "outside the prefix: untouched"
    after = versions_of(s3, bucket)
    # History kept: the roll back added three versions (one per restored key) and delete_created_after one delete
    # marker; none was removed.
    assert before < after
    assert sorted(key for key, _version in after - before if key != CREATED) == sorted([CHANGED, UNICODE, DELETED])

    # Asked to, the key created after T is hidden behind a delete marker; its version is kept.
    hidden = out["hidden"]
    assert hidden["changed"] is True and hidden["plan"]["counts"]["delete_marker"] == 1
    assert hidden["plan"]["first_keys"]["delete_marker"] == [CREATED]
    listed = s3.list_object_versions(Bucket=bucket, Prefix=CREATED)
    assert [m["IsLatest"] for m in listed["DeleteMarkers"]] == [True]
    assert len(listed["Versions"]) == 1, "the created key's version is kept behind the marker"
    assert len(after - before) == 4 and (CREATED, listed["DeleteMarkers"][0]["VersionId"]) in after - before
    assert out["plain"]["failed"] is True
    assert "bucket=%r does not have versioning enabled" % unversioned in out["plain"]["msg"]
    # A time in the future is refused naming point_in_time: tests/e2e/test_bad_input.py, case pit-time-in-the-future.

    check_history_after_t(s3, out, late, expiring)


def history_after_t_buckets(s3):
    """Two buckets whose keys' history starts after T: one versioned only after T, one whose noncurrent versions expire."""
    late = "pit-late-%s" % uuid.uuid4().hex[:8]
    expiring = "pit-exp-%s" % uuid.uuid4().hex[:8]
    s3.create_bucket(Bucket=late)
    s3.create_bucket(Bucket=expiring)
    s3.put_bucket_versioning(Bucket=expiring, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=expiring, LifecycleConfiguration={"Rules": [
        {"ID": "expire-old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    return late, expiring


def history_after_t_writes(s3, late, expiring):
    """After T: written before versioning was enabled, its "null" version may have replaced anything."""
    s3.put_object(Bucket=late, Key="legacy.txt", Body=b"unversioned\n")
    s3.put_bucket_versioning(Bucket=late, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=late, Key="legacy.txt", Body=b"versioned\n")
    s3.put_object(Bucket=expiring, Key="maybe-older.txt", Body=b"after T\n")


def history_after_t_tasks(late, expiring, point_in_time):
    return [
        {"name": "Versioning enabled after T", MODULE: {"bucket": late, "point_in_time": point_in_time, "delete_created_after": True},
         "register": "late"},
        {"name": "Noncurrent versions expire", MODULE: {"bucket": expiring, "point_in_time": point_in_time, "delete_created_after": True},
         "register": "expiring"},
    ]


def check_history_after_t(s3, out, late, expiring):
    """What a key held at T is unknown when its first surviving version was written after T while versioning was off,
    or when a lifecycle rule expires noncurrent versions: such keys are reported and left, even with
    delete_created_after."""
    for name, key in (("late", "legacy.txt"), ("expiring", "maybe-older.txt")):
        result = out[name]
        assert result["changed"] is False, result
        assert result["plan"]["counts"]["unknown_history"] == 1 and result["plan"]["counts"]["delete_marker"] == 0
        assert result["plan"]["first_keys"] == {"unknown_history": [key]}
    assert any("expire-old-versions" in warning for warning in out["expiring"].get("warnings", []))
    assert s3.get_object(Bucket=late, Key="legacy.txt")["Body"].read() == b"versioned\n"
    assert "DeleteMarkers" not in s3.list_object_versions(Bucket=expiring)


def test_throttling_and_server_errors_are_retried_to_a_complete_roll_back(emulator, tmp_path, clean_faults):
    """With a quarter of the copies and reads failing (503 SlowDown, 500), every key still comes back, once."""
    s3 = emulator.client("s3")
    bucket = "pit-%s" % uuid.uuid4().hex[:12]
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    keys = ["k/%03d" % number for number in range(40)]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=("%s good\n" % key).encode(), Tagging="state=good")
    wait_for_next_second()
    point_in_time = datetime.datetime.now(datetime.timezone.utc).isoformat()
    wait_for_next_second()
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"bad\n", Tagging="state=bad")

    emulator.control("counters", method="DELETE")
    operations = ["CopyObject", "HeadObject", "ListObjectVersions"]
    emulator.control("faults", {"throttle": {"fraction": 0.15, "services": ["s3"], "operations": operations},
                                "errors": {"fraction": 0.1, "services": ["s3"], "operations": operations}, "seed": 7})
    tasks = [
        {"name": "Roll back under faults", MODULE: {"bucket": bucket, "point_in_time": point_in_time, "concurrency": 8},
         "register": "rolled"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["rolled"])
    emulator.control("faults", method="DELETE")
    counters = emulator.control("counters")
    assert counters["faults"].get("s3", {}).get("CopyObject"), "no copy was faulted: the test proves nothing"
    assert out["rolled"]["plan"]["counts"]["restore"] == len(keys) and out["rolled"]["plan"]["counts"]["failed"] == 0
    for key in keys:
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == ("%s good\n" % key).encode()
        assert s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [{"Key": "state", "Value": "good"}]
        # Good, bad, and one restoring copy: faulted calls were retried, not repeated after succeeding.
        assert len(s3.list_object_versions(Bucket=bucket, Prefix=key)["Versions"]) == 3, key
