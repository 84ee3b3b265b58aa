# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runbook 6's per-tenant decisions for the ``s3_restore`` role, reached through the ``s3_restore_plan`` filter.

The role reads (recovery points, buckets, jobs to adopt), then each step below turns what it read into what the next
module takes, one entry per tenant in the order of ``tenants``:

- ``staging_pairs``: the production/staging pairs ``s3_staging_bucket`` reads (or, with ``tag``, secures and tags);
- ``requests``: the restores ``restore_job`` starts (NewBucket unless the staging bucket is this restore's own);
- ``decide``: whether each staging bucket is new, this restore's own (tagged ``restorekit:staging-for``), left by an
  interrupted run of the same restore (a job to adopt), or someone else's (refused);
- ``copies``: the copies ``s3_selective_copy`` plans and makes, staging to production, each with its manifest;
- ``result``: one record per tenant for ``validate_s3`` and the restore report;
- ``report``: the report's recovery points, jobs, checks, resources and notes.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm

STAGING_FOR = "restorekit:staging-for"
RUN_TAG = "restorekit:run"


class PlanError(Exception):
    """Inputs the step cannot use, named."""


def _nth(items, index, default=None):
    items = items or []
    return items[index] if index < len(items) else default


def staging_pairs(tenants, tag=False):
    pairs = []
    for tenant in tenants:
        pair = {"production_bucket": tenant["production_bucket"], "staging_bucket": tenant["staging_bucket"]}
        if tag:
            pair["tags"] = {STAGING_FOR: tenant["production_bucket"], RUN_TAG: tenant["staging_run"]}
        pairs.append(pair)
    return pairs


def requests(tenants, points, items=(), encryption_type="ORIGINAL", kms_key_arn="", first_only=False):
    """restore_job's ``restores``: each tenant's point, staging bucket and metadata, tenant by tenant. ItemsToRestore are
    written as AWS Backup takes them (``s3://<production bucket>/<key or prefix>``), at most ITEMS_PER_JOB to a job: more
    items make several jobs into the one staging bucket, which then exists before they start (``NewBucket`` false).
    FIRST_ONLY: each tenant's first job only (the question whether an earlier run started this restore)."""
    out = []
    groups = rm.item_groups(items)
    for index, tenant in enumerate(tenants):
        point = (_nth(points, index, {}) or {}).get("recovery_point") or {}
        if not point.get("recovery_point_arn"):
            raise PlanError("tenant %s: no recovery point to restore" % tenant.get("id"))
        for group in groups[:1] if first_only else groups:
            metadata = {"EncryptionType": encryption_type}
            if encryption_type == "SSE-KMS":
                metadata["KMSKey"] = kms_key_arn
            if group:
                metadata["ItemsToRestore"] = [item if item.startswith("s3://") else "s3://%s/%s" % (tenant["production_bucket"], item)
                                              for item in group]
            metadata["NewBucket"] = bool(tenant.get("new_bucket", True)) and len(groups) == 1
            out.append({"recovery_point_arn": point["recovery_point_arn"], "target_name": tenant["staging_bucket"], "metadata": metadata})
    return out


def decide(tenants, points, buckets, probes, run, items=()):
    """Each tenant with its recovery point, what its production bucket fires on every PUT, and its staging bucket's
    standing: ``staging_ours`` (tagged for this production bucket), ``adopt`` (an earlier run's job of the same point
    and target made it), ``new_bucket`` (the restore creates it), ``staging_created`` (this restore made it) and
    ``staging_run`` (the run that made it). With more ITEMS than one job takes, the staging bucket is made before the
    jobs start (``new_bucket`` false, ``prepare``)."""
    several = len(rm.item_groups(items)) > 1
    out = []
    for index, tenant in enumerate(tenants):
        bucket = _nth(buckets, index, {}) or {}
        tags = bucket.get("staging_tags") or {}
        adopt = bool((_nth(probes, index, {}) or {}).get("adopted"))
        ours = tags.get(STAGING_FOR, "") == tenant["production_bucket"]
        out.append(dict(tenant, recovery_point=(_nth(points, index, {}) or {}).get("recovery_point") or {},
                        production_exists=bucket.get("production_exists"),
                        production_notifications=bucket.get("production_notifications") or [],
                        production_replication_rules=bucket.get("production_replication_rules") or 0,
                        production_acls_enabled=bool(bucket.get("production_acls_enabled")),
                        staging_acls_enabled=bucket.get("staging_acls_enabled", True),
                        staging_exists=bool(bucket.get("staging_exists")), staging_ours=ours, adopt=adopt,
                        new_bucket=((not bucket.get("staging_exists")) or adopt) and not several,
                        staging_created=(not bucket.get("staging_exists")) or not ours,
                        staging_run=tags.get(RUN_TAG, run) if ours else run))
    return out


def prepare(tenants):
    """The staging pairs (tagged as this restore's) that a restore writes into as they are (``NewBucket`` false): made
    before the jobs start when missing, with ACLs enabled and public access blocked, as an S3 restore into an existing
    bucket needs (s3_staging_bucket ``prepare``)."""
    return staging_pairs([t for t in tenants if not t["new_bucket"]], tag=True)


def foreign(tenants):
    """The staging buckets that exist and are neither this restore's own nor an earlier run's to adopt."""
    return [t["staging_bucket"] for t in tenants if t["staging_exists"] and not t["staging_ours"] and not t["adopt"]]


def missing_production(tenants):
    return [t["production_bucket"] for t in tenants if not t["production_exists"]]


def fires_on_put(tenant):
    """What every object copied into TENANT's production bucket triggers, as text; empty when nothing."""
    parts = []
    if tenant.get("production_notifications"):
        parts.append("event notifications (%s)" % ", ".join(tenant["production_notifications"]))
    if tenant.get("production_replication_rules"):
        parts.append("replication (%s rule(s))" % tenant["production_replication_rules"])
    return " and ".join(parts)


def public_acls_left_out(production, staging):
    """What a production bucket with ACLs enabled means for a restore into STAGING ("Restoring S3 data", AWS Backup
    developer guide); said by the preflight and by s3_restore's notes."""
    return ("%s has ACLs enabled: objects that carried a public ACL at the backup are not restored into %s, which blocks "
            "public access; validation reports them as not restored, not as lost" % (production, staging))


def acls_disabled_fails(staging):
    """What a staging bucket with ACLs disabled means for a restore into it."""
    return "%s exists with ACLs disabled (object ownership BucketOwnerEnforced): an AWS Backup restore into it fails" % staging


def warnings(tenants):
    """What the responder must know before the restores start: production buckets that fire on every PUT, objects AWS
    Backup will not restore (public ACLs under the staging bucket's Block Public Access), and staging buckets whose ACLs
    must be enabled for a restore into them to work."""
    out = ["WARNING %s: every object copied back is a new PUT and will trigger %s. Pause the consumers or expect one event "
           "per copied object." % (t["production_bucket"], fires_on_put(t)) for t in tenants if fires_on_put(t)]
    out += ["NOTE %s." % public_acls_left_out(t["production_bucket"], t["staging_bucket"])
            for t in tenants if t.get("production_acls_enabled")]
    out += ["NOTE %s: the restore enables them first (BucketOwnerPreferred), public access stays blocked."
            % acls_disabled_fails(t["staging_bucket"])
            for t in tenants if t["staging_exists"] and not t.get("staging_acls_enabled", True) and not t["new_bucket"]]
    return out


def copies(tenants, manifest_dir, run, kind):
    """s3_selective_copy's ``copies``, staging to production; KIND is ``plan`` or ``copy`` (the manifest's name)."""
    if kind not in ("plan", "copy"):
        raise PlanError("kind=%r is not plan or copy" % (kind,))
    return [{"source_bucket": t["staging_bucket"], "dest_bucket": t["production_bucket"],
             "recovery_point_time": t["recovery_point"].get("creation_date"),
             "manifest_path": "%s/%s-tenant-%s-%s.jsonl" % (manifest_dir, run, t["id"], kind)} for t in tenants]


def plan_lines(tenants, plans, conflict_policy, plan_only=False):
    """What the responder reads of each tenant's copy plan (PLANS: s3_selective_copy's dry-run result)."""
    lines = []
    for index, tenant in enumerate(tenants):
        plan = _nth((plans or {}).get("copies"), index, {}) or {}
        lines.append("tenant %s: %s -> %s: %s object(s) selected; recovery point of %s, conflict policy %s"
                     % (tenant["id"], tenant["staging_bucket"], tenant["production_bucket"], plan.get("selected"),
                        tenant["recovery_point"].get("creation_date"), conflict_policy))
        for action, summary in (plan.get("actions") or {}).items():
            lines.append(" | ".join([action, str(summary.get("count")), str(summary.get("bytes")), ", ".join(summary.get("first_keys") or [])]))
        lines.append("manifest: %s" % plan.get("manifest_path"))
    if plan_only:
        lines.append("plan only: nothing will be copied (s3_restore_plan_only)")
    return lines


def tenant_jobs(tenant, started):
    """The restore jobs (restore_job's ``restore_jobs``) that restored into TENANT's staging bucket: one, or one per group
    of items."""
    return [job for job in (started or {}).get("restore_jobs") or []
            if (job.get("metadata") or {}).get("DestinationBucketName") == tenant["staging_bucket"]]


def _checks(tenant, plan, copy, conflict_policy):
    checks = []
    if tenant.get("production_notifications") or tenant.get("production_replication_rules"):
        checks.append({"name": "production bucket fires on every copied object", "target": tenant["production_bucket"], "result": "warn",
                       "details": {"event_notifications": tenant.get("production_notifications"),
                                   "replication_rules": tenant.get("production_replication_rules")}})
    if "actions" in plan:
        done = "actions" in copy
        actions = copy["actions"] if done else plan.get("actions") or {}
        checks.append({"name": ("copy back" if done else "copy plan (nothing copied)") + " from " + tenant["staging_bucket"],
                       "target": tenant["production_bucket"], "result": "fail" if done and copy.get("errors") else "pass",
                       "details": {"conflict_policy": conflict_policy, "recovery_point_time": tenant["recovery_point"].get("creation_date"),
                                   "selected": (copy if done else plan).get("selected"), "actions": actions,
                                   "copied": copy.get("copied") or {"count": 0, "bytes": 0},
                                   "skipped_newer": (actions.get("skip_newer") or {}).get("first_keys") or [],
                                   "manifest": copy.get("manifest_path") or plan.get("manifest_path")}})
    return checks


def result(tenants, started=None, plans=None, copied=None, conflict_policy="skip_newer"):
    """One record per tenant for validate_s3 and the restore report. STARTED, PLANS and COPIED are the registered
    results of restore_job and of s3_selective_copy's plan and copy (each may be missing: check mode, plan only)."""
    out = []
    for index, tenant in enumerate(tenants):
        jobs = tenant_jobs(tenant, started)
        job = jobs[0] if jobs else {}
        plan = _nth((plans or {}).get("copies"), index, {}) or {}
        copy = _nth((copied or {}).get("copies"), index, {}) or {}
        copied_summary = copy.get("copied") or {"count": 0, "bytes": 0}
        out.append({"tenant_id": tenant["id"], "production_bucket": tenant["production_bucket"], "staging_bucket": tenant["staging_bucket"],
                    "staging_created": tenant["staging_created"], "staging_run": tenant["staging_run"],
                    "recovery_point": tenant["recovery_point"], "restore_job_id": job.get("restore_job_id"),
                    "restore_job_ids": [j.get("restore_job_id") for j in jobs], "restore_job_adopted": bool(jobs) and all(j.get("adopted") for j in jobs),
                    "plan": {"selected": plan.get("selected"), "actions": plan.get("actions") or {}},
                    "copy": {"done": "actions" in copy, "actions": copy.get("actions") or {}, "copied": copied_summary,
                             "errors": copy.get("errors") or []},
                    "copied_count": copied_summary.get("count") or 0,
                    "manifests": {"plan": plan.get("manifest_path"), "copy": copy.get("manifest_path")},
                    "copy_manifest": copy.get("manifest_path"), "checks": _checks(tenant, plan, copy, conflict_policy)})
    return out


def report(records, started=None, run="", conflict_policy="skip_newer", plan_only=False, check_mode=False):
    """What the restore report gets from the s3_restore role: recovery points, restore jobs, checks, resources, notes."""
    headline = "run %s: conflict policy %s%s%s" % (run, conflict_policy, " (plan only: nothing was copied)" if plan_only else "",
                                                   " (check mode: no restore started)" if check_mode else "")
    manifests = ["manifest: " + path for record in records for path in record["manifests"].values() if path]
    return {"recovery_points": [record["recovery_point"] for record in records],
            "restore_jobs": [job for job in (started or {}).get("restore_jobs") or [] if "restore_job" in job],
            "checks": [check for record in records for check in record["checks"]],
            "resources": {"created": [r["staging_bucket"] for r in records if r["staging_created"]],
                          "changed": [r["production_bucket"] for r in records if r["copied_count"] > 0],
                          "left_alone": [r["production_bucket"] for r in records if not r["copied_count"] > 0]},
            "notes": [headline] + manifests}
