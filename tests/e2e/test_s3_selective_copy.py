# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.s3_selective_copy, run by ansible-playbook against the seeded emulator.

A tenant's recovery point is restored twice with AWS Backup (start_restore_job, NewBucket): once as a stand-in
production bucket (so the seeded tenant buckets other tests read stay untouched) and once as the staging bucket.
Production is then damaged (objects deleted, one overwritten) and the module copies back.

Time: the emulator's clock dates recovery points, while object LastModified stays real (README, "Known
differences"), so the recovery point time given to the module is a real instant taken between the production
restore and the damage: production objects older than it, the overwrite newer.
"""

import datetime
import time

from tests.e2e.helpers import run_playbook
from emulator.testing import wait_restore

from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import read_manifest

AWKWARD = ["docs/read me.txt", "docs/a+b=c.txt", "docs/100% done.txt", "docs/naïve café ☕.txt", "deep/a/b/c/d/e/f/leaf.json"]
MIB = 1024 * 1024


def newest_point(backup, vault, bucket):
    pages = backup.get_paginator("list_recovery_points_by_backup_vault").paginate(
        BackupVaultName=vault, ByResourceArn="arn:aws:s3:::%s" % bucket)
    points = [p for page in pages for p in page["RecoveryPoints"] if p["Status"] == "COMPLETED"]
    return max(points, key=lambda p: p["CreationDate"])


def restore_to(emulator, world, tenant, bucket):
    backup = emulator.client("backup")
    point = newest_point(backup, world["vault"], world["buckets"][tenant])
    job = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                   Metadata={"DestinationBucketName": bucket, "NewBucket": "true"})
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    return point


def state(s3, bucket, key):
    """What a responder means by "the same object": bytes, headers, metadata, tags and encryption key."""
    got = s3.get_object(Bucket=bucket, Key=key)
    tags = sorted((t["Key"], t["Value"]) for t in s3.get_object_tagging(Bucket=bucket, Key=key)["TagSet"])
    return (got["Body"].read(), got.get("ContentType"), got.get("CacheControl"), got["Metadata"], tags,
            got.get("ServerSideEncryption"), got.get("SSEKMSKeyId"))


def actions(path):
    return dict((r["key"], r["action"]) for r in read_manifest(path))


def copy_task(name, register, **options):
    return {"name": name, "restorekit.aws.s3_selective_copy": options, "register": register}


def counters_task(emulator, register):
    """Read the emulator's request counters from inside the play (its control API, emulator/README.md)."""
    return {"name": "Requests served so far", "ansible.builtin.uri": {"url": emulator.endpoint + "/_restorekit/counters"},
            "register": register}


def test_copy_back_never_overwrites_newer_and_copies_faithfully(emulator, world, tmp_path):
    """One run: the plan (check mode) writes nothing; the copy back brings every object back faithfully and keeps the
    one changed after the recovery point; a re-run copies nothing; with conflict_policy=overwrite (into a second
    production bucket holding the same newer object) the newer object is replaced."""
    s3 = emulator.client("s3")
    prod, staging, over_prod = "copytest-tenant-12", "copytest-tenant-12-restore", "copytest-tenant-12-overwrite"
    restore_to(emulator, world, "12", prod)
    restore_to(emulator, world, "12", staging)
    # An object above the lowered multipart threshold, in staging as a restore would leave it.
    big = bytes(range(256)) * (24 * 1024 + 11)
    s3.put_object(Bucket=staging, Key="big/archive.bin", Body=big, Metadata={"origin": "backup"}, ContentType="application/x-tar",
                  Tagging="class=archive&tenant=12", ServerSideEncryption="aws:kms", SSEKMSKeyId=world["kms_key_arn"])
    expected = dict((key, state(s3, staging, key)) for key in AWKWARD + ["big/archive.bin"])
    time.sleep(1.1)
    recovery_point_time = datetime.datetime.now(datetime.timezone.utc).isoformat()
    time.sleep(1.1)
    # The incident: two objects deleted, one changed after the recovery point (a customer's legitimate write).
    s3.delete_object(Bucket=prod, Key="docs/read me.txt")
    s3.delete_object(Bucket=prod, Key="deep/a/b/c/d/e/f/leaf.json")
    s3.put_object(Bucket=prod, Key="docs/a+b=c.txt", Body=b"changed after the recovery point", Tagging="edited=yes")
    newer = state(s3, prod, "docs/a+b=c.txt")
    s3.create_bucket(Bucket=over_prod)
    s3.put_object(Bucket=over_prod, Key="docs/a+b=c.txt", Body=b"changed after the recovery point", Tagging="edited=yes")

    emulator.control("counters", method="DELETE")
    common = dict(source_bucket=staging, dest_bucket=prod, recovery_point_time=recovery_point_time, encryption="preserve",
                  multipart_threshold=5 * MIB, part_size=5 * MIB)
    # The same copy into the second production bucket, overwriting what is newer there.
    overwrite = {**common, "dest_bucket": over_prod, "conflict_policy": "overwrite"}
    plan_path, real_path, over_path = str(tmp_path / "plan.jsonl"), str(tmp_path / "real.jsonl"), str(tmp_path / "over.jsonl")
    results = run_playbook(emulator, tmp_path, [
        dict(copy_task("Plan", "plan", manifest_path=plan_path, **common), check_mode=True),
        counters_task(emulator, "after_plan"),
        copy_task("Copy back", "real", manifest_path=real_path, **common),
        copy_task("Copy back again", "rerun", manifest_path=str(tmp_path / "rerun.jsonl"), **common),
        counters_task(emulator, "after_copy"),
        copy_task("Overwrite", "over", manifest_path=over_path, **overwrite),
    ], ["plan", "after_plan", "real", "rerun", "after_copy", "over"])

    # The dry run changed nothing in production: S3 served it reads only.
    counts = results["after_plan"]["json"]["requests"].get("s3", {})
    assert not set(counts) & {"CopyObject", "UploadPartCopy", "PutObject", "DeleteObject", "CreateMultipartUpload"}, counts
    assert all(op.startswith(("Get", "List", "Head")) for op in counts), counts
    plan = results["plan"]
    assert plan["changed"] and plan["dry_run"]
    planned = dict((r["key"], r) for r in read_manifest(plan_path))
    missing = sorted(k for k, r in planned.items() if r["reason"] == "missing in destination")
    assert missing == ["big/archive.bin", "deep/a/b/c/d/e/f/leaf.json", "docs/read me.txt"]
    assert plan["actions"]["skip_newer"]["first_keys"] == ["docs/a+b=c.txt"]
    # Both buckets were written by restores, whose objects carry the CRC64NVME checksum S3 stores with an object
    # uploaded without one (emulator/s3_rules.py): the untouched SSE-KMS objects are proven identical by it and skipped.
    identical = sorted(k for k, r in planned.items() if r["action"] == "skip_identical")
    assert identical and all(planned[k]["reason"] == "same size and CRC64NVME checksum" for k in identical), planned
    assert sorted(planned) == sorted(missing + identical + ["docs/a+b=c.txt"])

    assert actions(real_path) == actions(plan_path)
    assert results["real"]["copied"]["count"] == len(missing) and results["real"]["multipart_copies"] == 1
    # A re-run copies nothing: what the first run wrote is now newer than the recovery point, the rest still identical.
    assert results["rerun"]["copied"]["count"] == 0 and not results["rerun"]["changed"]
    assert set(r["action"] for r in read_manifest(str(tmp_path / "rerun.jsonl"))) == {"skip_newer", "skip_identical"}
    counts = results["after_copy"]["json"]["requests"].get("s3", {})
    assert counts.get("GetObject", 0) == 0 and counts.get("PutObject", 0) == 0, counts
    assert counts["UploadPartCopy"] == 2, counts
    # Changed after the recovery point: kept. Everything else: exactly the staging object, KMS key included.
    assert state(s3, prod, "docs/a+b=c.txt") == newer
    for key in AWKWARD + ["big/archive.bin"]:
        if key != "docs/a+b=c.txt":
            assert state(s3, prod, key) == expected[key], key
    # The restore kept the tenant's KMS key, so "equal state" above includes that key.
    assert expected["docs/read me.txt"][5:] == ("aws:kms", world["kms_key_arn"])

    # With overwrite the newer production object is replaced.
    assert "docs/a+b=c.txt" in results["over"]["actions"]["copy"]["first_keys"]
    assert results["over"]["actions"]["skip_newer"]["count"] == 0
    restored = state(s3, over_prod, "docs/a+b=c.txt")
    assert restored[:4] + restored[5:] == expected["docs/a+b=c.txt"][:4] + expected["docs/a+b=c.txt"][5:]
    # moto keeps an overwritten key's old tags beside the new ones (AWS replaces them; so does moto for a new key),
    # so here the staging tags must all be present rather than be the whole set.
    assert set(expected["docs/a+b=c.txt"][4]) <= set(restored[4])


def test_five_percent_copy_failures_lose_nothing(emulator, world, tmp_path, clean_faults):
    s3 = emulator.client("s3")
    staging, prod = "copytest-faults-staging", "copytest-faults-prod"
    s3.create_bucket(Bucket=staging)
    s3.create_bucket(Bucket=prod)
    keys = ["f/%03d/obj %d+%%.txt" % (n % 7, n) for n in range(240)]
    for n, key in enumerate(keys):
        s3.put_object(Bucket=staging, Key=key, Body=("object %d\n" % n).encode() * (n + 1), Metadata={"n": str(n)}, Tagging="n=%d" % n)
    big = b"z" * (11 * MIB + 5)
    s3.put_object(Bucket=staging, Key="f/big.bin", Body=big, Tagging="big=1")
    emulator.control("counters", method="DELETE")
    emulator.control("faults", {"errors": {"fraction": 0.05, "services": ["s3"], "operations": ["CopyObject", "UploadPartCopy"]},
                                "seed": 1})
    results = run_playbook(emulator, tmp_path, [
        copy_task("Copy under faults", "copy", source_bucket=staging, dest_bucket=prod, conflict_policy="skip_existing",
                  multipart_threshold=5 * MIB, part_size=5 * MIB, manifest_path=str(tmp_path / "faults.jsonl")),
        counters_task(emulator, "counters"),
        {"name": "No more faults", "ansible.builtin.uri": {"url": emulator.endpoint + "/_restorekit/faults", "method": "DELETE"}},
        copy_task("Copy again", "again", source_bucket=staging, dest_bucket=prod, conflict_policy="overwrite",
                  multipart_threshold=5 * MIB, part_size=5 * MIB),
    ], ["copy", "counters", "again"])
    faults = results["counters"]["json"]["faults"].get("s3", {})
    assert sum(faults.values()) > 0, "no fault was injected: the test proves nothing"
    assert results["copy"]["copied"]["count"] == len(keys) + 1 and results["copy"]["errors"] == []
    rerun = results["again"]
    # Everything is there and provably identical (single-part by ETag; the multipart one is not provable here).
    assert rerun["actions"]["skip_identical"]["count"] == len(keys), rerun["actions"]
    listed = dict((o["Key"], o) for page in s3.get_paginator("list_objects_v2").paginate(Bucket=prod) for o in page.get("Contents", []))
    assert sorted(listed) == sorted(keys + ["f/big.bin"])
    for n, key in enumerate(keys):
        assert s3.get_object(Bucket=prod, Key=key)["Body"].read() == ("object %d\n" % n).encode() * (n + 1), key
        assert s3.get_object_tagging(Bucket=prod, Key=key)["TagSet"] == [{"Key": "n", "Value": str(n)}]
    assert s3.get_object(Bucket=prod, Key="f/big.bin")["Body"].read() == big


def test_bad_options_fail_before_any_call_and_several_copies_keep_each_policy_apart(emulator, world, tmp_path):
    """Bad options of a single copy fail before any S3 call, naming the option.

    copies: three staging -> production pairs in one module run, two at a time. Each copy keeps its own recovery
    point time (a production object newer than ITS point is kept, the same age against a later point is replaced) and
    writes its own manifest; the plan (dry run) lists the same actions the copy then takes, and writes nothing."""
    s3 = emulator.client("s3")
    pairs = [("copytest-many-%d-staging" % n, "copytest-many-%d-prod" % n) for n in range(3)]
    for staging, prod in pairs:
        s3.create_bucket(Bucket=staging)
        s3.create_bucket(Bucket=prod)
        for key in ("a/one.txt", "b/two+ 2.txt"):
            s3.put_object(Bucket=staging, Key=key, Body=("%s %s" % (staging, key)).encode(), Metadata={"bucket": staging},
                          Tagging="bucket=%s" % staging)
        s3.put_object(Bucket=prod, Key="a/one.txt", Body=b"changed in production")
    changed_at = s3.head_object(Bucket=pairs[0][1], Key="a/one.txt")["LastModified"]
    before = (changed_at - datetime.timedelta(hours=1)).isoformat()
    # A recovery point is in the past (a later time is refused): the later point is a second after the change, and
    # the copy runs once that second has passed.
    later = changed_at + datetime.timedelta(seconds=1)
    after = later.isoformat()
    time.sleep(max(0.0, (later - datetime.datetime.now(datetime.timezone.utc)).total_seconds()))
    times = [before, after, before]

    def copies(kind):
        return [{"source_bucket": staging, "dest_bucket": prod, "recovery_point_time": when,
                 "manifest_path": str(tmp_path / ("%s-%d.jsonl" % (kind, n)))} for n, ((staging, prod), when) in enumerate(zip(pairs, times))]

    emulator.control("counters", method="DELETE")
    results = run_playbook(emulator, tmp_path, [
        dict(copy_task("No recovery point time", "bad_no_time", source_bucket="a-staging", dest_bucket="a-prod"), ignore_errors=True),
        dict(copy_task("Same bucket", "bad_same", source_bucket="a", dest_bucket="a", conflict_policy="overwrite"), ignore_errors=True),
        dict(copy_task("Small parts", "bad_parts", source_bucket="a", dest_bucket="b", conflict_policy="overwrite", part_size=1024),
             ignore_errors=True),
        dict(copy_task("Naive time", "bad_naive", source_bucket="a", dest_bucket="b", recovery_point_time="2026-11-20 05:00"),
             ignore_errors=True),
        counters_task(emulator, "after_bad"),
        copy_task("Plan all", "plan", copies=copies("plan"), copy_concurrency=2, dry_run=True),
        copy_task("Copy all", "copy", copies=copies("copy"), copy_concurrency=2),
        dict(copy_task("Two copies, one manifest", "clash", copies=copies("plan")[:1] * 2), ignore_errors=True),
        dict(copy_task("A copy without its time", "no_time", copies=[{"source_bucket": "a-staging", "dest_bucket": "a-prod"}]),
             ignore_errors=True),
    ], ["bad_no_time", "bad_same", "bad_parts", "bad_naive", "after_bad", "plan", "copy", "clash", "no_time"])

    # Bad options fail naming the option, before any S3 call.
    assert "recovery_point_time" in results["bad_no_time"]["msg"]
    assert "source_bucket and dest_bucket are both 'a'" in results["bad_same"]["msg"]
    assert "part_size=1024" in results["bad_parts"]["msg"]
    assert "recovery_point_time='2026-11-20 05:00'" in results["bad_naive"]["msg"]
    assert not results["after_bad"]["json"]["requests"].get("s3"), "a bad option reached S3"

    plan, copy = results["plan"], results["copy"]
    # A dry run says changed when it would copy (as check mode does), and copies nothing.
    assert plan["changed"] is True and plan["dry_run"] is True and copy["changed"] is True
    assert [r["copied"]["count"] for r in plan["copies"]] == [0, 0, 0]
    assert [(r["source_bucket"], r["dest_bucket"]) for r in copy["copies"]] == pairs
    for n, (staging, prod) in enumerate(pairs):
        expected = {"a/one.txt": "skip_newer" if times[n] == before else "copy", "b/two+ 2.txt": "copy"}
        assert actions(str(tmp_path / ("plan-%d.jsonl" % n))) == expected, n
        assert actions(str(tmp_path / ("copy-%d.jsonl" % n))) == expected, n
        assert copy["copies"][n]["copied"]["count"] == list(expected.values()).count("copy")
        body = s3.get_object(Bucket=prod, Key="a/one.txt")["Body"].read()
        assert body == (b"changed in production" if times[n] == before else ("%s a/one.txt" % staging).encode())
        assert s3.get_object_tagging(Bucket=prod, Key="b/two+ 2.txt")["TagSet"] == [{"Key": "bucket", "Value": staging}]
        assert s3.head_object(Bucket=prod, Key="b/two+ 2.txt")["Metadata"] == {"bucket": staging}
    assert "manifest_path" in results["clash"]["msg"] and results["clash"].get("failed")
    assert "copies[0].conflict_policy=skip_newer needs recovery_point_time" in results["no_time"]["msg"]
