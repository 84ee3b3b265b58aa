# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.s3_staging_bucket against the emulator: what a restore reads about many tenants' buckets in one
module run, and staging buckets made private and tagged without losing their other tags or touching production."""

from tests.e2e.helpers import run_playbook

PAIRS = [("stagingtest-a", "stagingtest-a-restore"), ("stagingtest-b", "stagingtest-b-restore"),
         ("stagingtest-missing", "stagingtest-missing-restore")]


def pairs(**extra):
    return [dict({"production_bucket": prod, "staging_bucket": staging}, **extra) for prod, staging in PAIRS]


def test_reads_many_pairs_then_hardens_staging_only(emulator, tmp_path):
    s3, sqs = emulator.client("s3"), emulator.client("sqs")
    for name in ("stagingtest-a", "stagingtest-a-restore", "stagingtest-b"):
        s3.create_bucket(Bucket=name)
    queue = sqs.create_queue(QueueName="stagingtest-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket="stagingtest-b", NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_bucket_tagging(Bucket="stagingtest-a-restore", Tagging={"TagSet": [{"Key": "owner", "Value": "dba"}]})
    tags = {"restorekit:staging-for": "stagingtest-a", "restorekit:run": "run-1"}
    emulator.control("counters", method="DELETE")

    out = run_playbook(emulator, tmp_path, [
        {"name": "Read", "restorekit.aws.s3_staging_bucket": {"buckets": pairs()}, "register": "info"},
        {"name": "Harden (check mode)", "restorekit.aws.s3_staging_bucket": {"secure": True, "buckets": [dict(pairs()[0], tags=tags)]},
         "check_mode": True, "register": "check"},
    ], ["info", "check"])
    counters = emulator.control("counters")["requests"].get("s3", {})
    assert not [op for op in counters if op.startswith(("Put", "Delete", "Create"))], counters

    info = out["info"]
    assert info["changed"] is False
    assert [(b["production_bucket"], b["staging_bucket"]) for b in info["buckets"]] == PAIRS
    a, b, missing = info["buckets"]
    assert (a["production_exists"], a["staging_exists"], a["staging_tags"]) == (True, True, {"owner": "dba"})
    assert (b["production_exists"], b["staging_exists"], b["production_notifications"]) == (True, False, ["QueueConfigurations"])
    assert a["production_notifications"] == [] and a["production_replication_rules"] == 0
    assert (missing["production_exists"], missing["staging_exists"]) == (False, False)
    assert out["check"]["changed"] is True and out["check"]["buckets"][0]["public_access_blocked"] is True
    assert s3.get_bucket_tagging(Bucket="stagingtest-a-restore")["TagSet"] == [{"Key": "owner", "Value": "dba"}]

    (tmp_path / "present").mkdir()
    out = run_playbook(emulator, tmp_path / "present", [
        {"name": "Harden", "restorekit.aws.s3_staging_bucket": {"secure": True, "buckets": [dict(pairs()[0], tags=tags)]},
         "register": "first"},
        {"name": "Again", "restorekit.aws.s3_staging_bucket": {"secure": True, "buckets": [dict(pairs()[0], tags=tags)]},
         "register": "again"},
        {"name": "A staging bucket that is not there", "restorekit.aws.s3_staging_bucket": {"secure": True, "buckets": pairs()[1:2]},
         "register": "absent", "ignore_errors": True},
        {"name": "Same bucket twice", "restorekit.aws.s3_staging_bucket": {"buckets": [{"production_bucket": "x-1", "staging_bucket": "x-1"}]},
         "register": "same", "ignore_errors": True},
    ], ["first", "again", "absent", "same"])
    assert out["first"]["changed"] is True and out["again"]["changed"] is False
    block = s3.get_public_access_block(Bucket="stagingtest-a-restore")["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    got = dict((t["Key"], t["Value"]) for t in s3.get_bucket_tagging(Bucket="stagingtest-a-restore")["TagSet"])
    assert got == dict(tags, owner="dba")
    # Production is never touched.
    assert not _has_tags(s3, "stagingtest-a")
    assert out["absent"]["failed"] is True and "stagingtest-b-restore does not exist" in out["absent"]["msg"]
    assert out["same"]["failed"] is True and "buckets[0]" in out["same"]["msg"]


def _has_tags(s3, bucket):
    try:
        return bool(s3.get_bucket_tagging(Bucket=bucket)["TagSet"])
    except s3.exceptions.ClientError:
        return False
