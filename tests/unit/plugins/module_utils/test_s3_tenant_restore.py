"""The tenant S3 restore's per-tenant decisions (module_utils/_s3/tenant_restore.py), without Ansible or AWS."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import tenant_restore as tr

POINT = {"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:P12", "creation_date": "2026-11-24T02:00:00.5+00:00"}
TENANTS = [{"id": "12", "production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore"},
           {"id": "7", "production_bucket": "app-prod-tenant-7", "staging_bucket": "app-prod-tenant-7-restore"}]
POINTS = [{"recovery_point": POINT}, {"recovery_point": dict(POINT, recovery_point_arn=POINT["recovery_point_arn"] + "-7")}]


def decided(buckets, probes=()):
    return tr.decide(TENANTS, POINTS, buckets, list(probes), "run-1")


def test_a_new_staging_bucket_is_created_and_tagged_with_this_run():
    tenants = decided([{"production_exists": True, "staging_exists": False}] * 2)
    assert [(t["new_bucket"], t["staging_created"], t["staging_ours"], t["staging_run"]) for t in tenants] == [(True, True, False, "run-1")] * 2
    assert tr.foreign(tenants) == [] and tr.missing_production(tenants) == []
    assert tr.staging_pairs(tenants, tag=True)[0]["tags"] == {tr.STAGING_FOR: "app-prod-tenant-12", tr.RUN_TAG: "run-1"}
    assert "tags" not in tr.staging_pairs(tenants)[0]


def test_the_restores_own_staging_bucket_is_reused_and_keeps_the_run_that_made_it():
    ours = {"production_exists": True, "staging_exists": True, "staging_tags": {tr.STAGING_FOR: "app-prod-tenant-12", tr.RUN_TAG: "run-0"}}
    tenant = decided([ours, ours])[0]
    assert (tenant["new_bucket"], tenant["staging_created"], tenant["staging_run"]) == (False, False, "run-0")
    assert tr.requests([tenant], POINTS)[0]["metadata"]["NewBucket"] is False


def test_someone_elses_bucket_is_refused_unless_an_earlier_job_of_this_restore_made_it():
    theirs = {"production_exists": True, "staging_exists": True, "staging_tags": {"owner": "analytics"}}
    tenants = decided([theirs, theirs], probes=[{"adopted": True}, {}])
    assert tr.foreign(tenants) == ["app-prod-tenant-7-restore"]
    assert tenants[0]["new_bucket"] is True and tenants[0]["adopt"] is True
    assert tr.missing_production(decided([{"production_exists": False}, {"production_exists": True}])) == ["app-prod-tenant-12"]


def test_requests_name_items_as_aws_backup_takes_them_and_the_kms_key_only_for_sse_kms():
    request = tr.requests(TENANTS, POINTS, items=["invoices/", "s3://app-prod-tenant-12/a.pdf"], encryption_type="SSE-KMS",
                          kms_key_arn="arn:aws:kms:us-east-1:123456789012:key/k")[0]
    assert request["recovery_point_arn"] == POINT["recovery_point_arn"] and request["target_name"] == "app-prod-tenant-12-restore"
    assert request["metadata"] == {"EncryptionType": "SSE-KMS", "KMSKey": "arn:aws:kms:us-east-1:123456789012:key/k",
                                   "ItemsToRestore": ["s3://app-prod-tenant-12/invoices/", "s3://app-prod-tenant-12/a.pdf"], "NewBucket": True}
    assert tr.requests(TENANTS, POINTS)[1]["metadata"] == {"EncryptionType": "ORIGINAL", "NewBucket": True}
    with pytest.raises(tr.PlanError, match="tenant 7: no recovery point"):
        tr.requests(TENANTS, [POINTS[0], {"recovery_point": {}}])


def test_warnings_name_what_every_copied_object_triggers():
    tenants = decided([{"production_exists": True, "production_notifications": ["lambda:thumbnails"], "production_replication_rules": 2},
                       {"production_exists": True}])
    assert tr.warnings(tenants) == ["WARNING app-prod-tenant-12: every object copied back is a new PUT and will trigger event notifications "
                                    "(lambda:thumbnails) and replication (2 rule(s)). Pause the consumers or expect one event per copied object."]


def test_copies_and_results_give_validation_and_the_report_what_happened_per_tenant():
    tenants = decided([{"production_exists": True, "production_notifications": ["sns:x"]}, {"production_exists": True}])
    copies = tr.copies(tenants, "/var/manifests", "run-1", "plan")
    assert copies[0] == {"source_bucket": "app-prod-tenant-12-restore", "dest_bucket": "app-prod-tenant-12",
                         "recovery_point_time": POINT["creation_date"], "manifest_path": "/var/manifests/run-1-tenant-12-plan.jsonl"}
    with pytest.raises(tr.PlanError):
        tr.copies(tenants, "/m", "run-1", "apply")
    started = {"restore_jobs": [{"restore_job_id": "J12", "restore_job": {"status": "COMPLETED"}, "adopted": True,
                                 "metadata": {"DestinationBucketName": "app-prod-tenant-12-restore"}},
                                {"restore_job_id": "J7", "metadata": {"DestinationBucketName": "app-prod-tenant-7-restore"}}]}
    plans = {"copies": [{"selected": 3, "actions": {"copy": {"count": 2}, "skip_newer": {"count": 1, "first_keys": ["a"]}},
                         "manifest_path": "/m/p12"}, {"selected": 0, "actions": {}, "manifest_path": "/m/p7"}]}
    copied = {"copies": [{"selected": 3, "actions": {"copy": {"count": 2}, "skip_newer": {"count": 1, "first_keys": ["a"]}},
                          "copied": {"count": 2, "bytes": 10}, "errors": [], "manifest_path": "/m/c12"},
                         {"selected": 0, "actions": {}, "copied": {"count": 0, "bytes": 0}, "errors": ["denied"], "manifest_path": "/m/c7"}]}
    records = tr.result(tenants, started, plans, copied, "skip_newer")
    assert records[0]["restore_job_id"] == "J12" and records[0]["restore_job_adopted"] is True and records[0]["copied_count"] == 2
    assert [c["result"] for c in records[0]["checks"]] == ["warn", "pass"]
    assert records[0]["checks"][1]["details"]["skipped_newer"] == ["a"]
    assert [c["result"] for c in records[1]["checks"]] == ["fail"]
    report = tr.report(records, started, "run-1", "skip_newer")
    assert report["resources"] == {"created": ["app-prod-tenant-12-restore", "app-prod-tenant-7-restore"], "changed": ["app-prod-tenant-12"],
                                   "left_alone": ["app-prod-tenant-7"]}
    assert [job["restore_job_id"] for job in report["restore_jobs"]] == ["J12"]
    assert report["notes"] == ["run run-1: conflict policy skip_newer", "manifest: /m/p12", "manifest: /m/c12", "manifest: /m/p7", "manifest: /m/c7"]
    # Plan only: the plan is a passing check that copied nothing.
    planned = tr.result(tenants, started, plans, None, "skip_newer")
    assert planned[1]["checks"][0]["name"] == "copy plan (nothing copied) from app-prod-tenant-7-restore"
    assert tr.report(planned, None, "run-1", "overwrite", plan_only=True, check_mode=True)["notes"][0] == (
        "run run-1: conflict policy overwrite (plan only: nothing was copied) (check mode: no restore started)")
    lines = tr.plan_lines(tenants, plans, "skip_newer", plan_only=True)
    assert lines[0].startswith("tenant 12: app-prod-tenant-12-restore -> app-prod-tenant-12: 3 object(s) selected")
    assert lines[-1] == "plan only: nothing will be copied (s3_restore_plan_only)"


ITEMS = ["a/", "b/", "c.pdf", "d/", "e/", "f/", "g.txt"]


def test_more_items_than_one_job_takes_are_restored_by_several_jobs_into_a_staging_bucket_made_beforehand():
    tenants = tr.decide(TENANTS, POINTS, [{"production_exists": True, "staging_exists": False}] * 2, [], "run-1", items=ITEMS)
    assert [t["new_bucket"] for t in tenants] == [False, False] and all(t["staging_created"] for t in tenants)
    assert tr.prepare(tenants) == tr.staging_pairs(tenants, tag=True)
    restores = tr.requests(tenants, POINTS, items=ITEMS)
    assert [(r["target_name"], len(r["metadata"]["ItemsToRestore"]), r["metadata"]["NewBucket"]) for r in restores] == [
        ("app-prod-tenant-12-restore", 5, False), ("app-prod-tenant-12-restore", 2, False),
        ("app-prod-tenant-7-restore", 5, False), ("app-prod-tenant-7-restore", 2, False)]
    assert restores[1]["metadata"]["ItemsToRestore"] == ["s3://app-prod-tenant-12/f/", "s3://app-prod-tenant-12/g.txt"]
    # The question whether an earlier run started the restore is asked once per tenant.
    assert [r["target_name"] for r in tr.requests(tenants, POINTS, items=ITEMS, first_only=True)] == [t["staging_bucket"] for t in TENANTS]
    # Five items or fewer: one job per tenant, and the restore makes the bucket as before.
    few = tr.decide(TENANTS, POINTS, [{"production_exists": True, "staging_exists": False}] * 2, [], "run-1", items=ITEMS[:5])
    assert [t["new_bucket"] for t in few] == [True, True] and tr.prepare(few) == []
    assert [r["metadata"]["NewBucket"] for r in tr.requests(few, POINTS, items=ITEMS[:5])] == [True, True]


def test_a_tenant_restored_by_several_jobs_records_them_all_and_is_adopted_only_when_every_job_was():
    tenants = tr.decide(TENANTS, POINTS, [{"production_exists": True, "staging_exists": False}] * 2, [], "run-1", items=ITEMS)

    def job(job_id, bucket, adopted):
        return {"restore_job_id": job_id, "adopted": adopted, "restore_job": {"status": "COMPLETED"}, "metadata": {"DestinationBucketName": bucket}}

    started = {"restore_jobs": [job("J12a", "app-prod-tenant-12-restore", True), job("J12b", "app-prod-tenant-12-restore", True),
                                job("J7a", "app-prod-tenant-7-restore", True), job("J7b", "app-prod-tenant-7-restore", False)]}
    records = tr.result(tenants, started)
    assert [(r["restore_job_id"], r["restore_job_ids"], r["restore_job_adopted"]) for r in records] == [
        ("J12a", ["J12a", "J12b"], True), ("J7a", ["J7a", "J7b"], False)]
    assert [j["restore_job_id"] for j in tr.report(records, started)["restore_jobs"]] == ["J12a", "J12b", "J7a", "J7b"]


def test_warnings_name_objects_aws_backup_will_not_restore_and_staging_buckets_without_acls():
    ours = {"production_exists": True, "production_acls_enabled": True, "staging_exists": True, "staging_acls_enabled": False,
            "staging_tags": {tr.STAGING_FOR: "app-prod-tenant-12", tr.RUN_TAG: "run-0"}}
    tenants = decided([ours, {"production_exists": True, "production_acls_enabled": False, "staging_exists": False}])
    lines = tr.warnings(tenants)
    assert lines == [
        "NOTE app-prod-tenant-12 has ACLs enabled: objects that carried a public ACL at the backup are not restored into "
        "app-prod-tenant-12-restore, which blocks public access; validation reports them as not restored, not as lost.",
        "NOTE app-prod-tenant-12-restore exists with ACLs disabled (object ownership BucketOwnerEnforced): an AWS Backup restore "
        "into it fails: the restore enables them first (BucketOwnerPreferred), public access stays blocked."]
    assert tr.prepare(tenants) == tr.staging_pairs(tenants[:1], tag=True)
