# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the ``restore_testing`` role (runbook 4, AWS Backup restore testing), reached through the
``restorekit.aws.restore_testing_steps`` filter.

Building the plan: what is missing to build it (``problems``) and its selections (``selections``). Validating what a
plan restored: the window of jobs to look at (``window``), which jobs to validate and which cannot be, unfinished or
already deleted by AWS Backup (``sort``), the checks of a restored bucket (``bucket_checks``) or of a database that
cannot be reached (``db_unreachable``), a job's validation status and message (``job_outcome``), the jobs as AWS Backup
answered the results (``reported``), what the responder reads (``summary_lines``) and the report's notes and outcome (``report``). The plan's API calls are in
``restore_testing.py``.
"""

from __future__ import annotations

import datetime
import math

from ansible.module_utils.parsing.convert_bool import boolean

FAILED_RESULTS = ("fail", False)
FINAL_VALIDATIONS = ("SUCCESSFUL", "FAILED", "TIMED_OUT")


class StepError(ValueError):
    """Data a step cannot use; the message names it."""


def _results(registered):
    """The results of a registered loop (or [] when it was skipped or never ran)."""
    return (registered or {}).get("results") or [] if isinstance(registered, dict) else []


def problems(vault, role=None, dbs=None, vault_name="", role_name=""):
    """Why the plan cannot be built: the vault or the role not found (their _info results), DB instances not found."""
    found = []
    if len((vault or {}).get("backup_vaults") or []) != 1:
        found.append("vault %s not found" % vault_name)
    if len((role or {}).get("iam_roles") or []) != 1:
        found.append("backup role %s not found" % role_name)
    missing = [result.get("item") for result in _results(dbs) if "instances" in result and not result["instances"]]
    if missing:
        found.append("DB instance(s) not found: %s" % ", ".join(missing))
    return found


def selections(resource_types, role=None, dbs=None, tenants=(), project="", environment="", metadata_overrides=None,
               validation_window_hours=None):
    """The plan's selections, one per resource type asked for. ROLE is the iam_role_info result, DBS the
    rds_instance_info loop, METADATA_OVERRIDES {RDS, EC2: overrides}. A bucket selection names the tenants' buckets,
    or every bucket ('*') when no tenant is named."""
    role_arn = ((role or {}).get("iam_roles") or [{}])[0].get("arn")
    overrides = metadata_overrides or {}
    picked = []
    for kind in ("RDS", "S3", "EC2"):
        if kind not in (resource_types or []):
            continue
        if kind == "RDS":
            arns = [instance["db_instance_arn"] for result in _results(dbs) for instance in result.get("instances") or []]
        elif kind == "S3":
            arns = ["arn:aws:s3:::%s-%s-tenant-%s" % (project, environment, tenant) for tenant in tenants or []] or ["*"]
        else:
            arns = ["*"]
        selection = {"name": kind.lower(), "protected_resource_type": kind, "iam_role_arn": role_arn, "protected_resource_arns": arns}
        if kind != "S3":
            # A bucket restore takes no metadata a test may override.
            selection["restore_metadata_overrides"] = overrides.get(kind) or {}
        selection["validation_window_hours"] = validation_window_hours
        picked.append(selection)
    return picked


def window(created_after, lookback_hours=48, now=None):
    """The start of the window of restore jobs to validate: CREATED_AFTER, else LOOKBACK_HOURS before now."""
    if created_after:
        return created_after
    now = now or datetime.datetime.now(datetime.timezone.utc)
    start = now.astimezone(datetime.timezone.utc) - datetime.timedelta(hours=int(lookback_hours))
    return start.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def sort(jobs, revalidate=False):
    """{to_validate, unfinished, deleted, outcomes, checks}: the completed jobs still to validate (with REVALIDATE, also
    those validated before); the others as outcomes (FAILED for a failed or aborted restore, else NOT_VALIDATED) and
    checks. A job that carries a DeletionStatus is not validated: AWS Backup deletes what a restore test restored once
    its result is reported or its validation window ends, so there is nothing left to read, and a result reported now
    would describe the deletion, not the restore (the one in AWS Backup is left as it is)."""
    wanted = (None, "VALIDATING") + (FINAL_VALIDATIONS if boolean(revalidate, strict=False) else ())
    candidates = [job for job in jobs or [] if job.get("status") == "COMPLETED" and job.get("validation_status") in wanted]
    to_validate = [job for job in candidates if not job.get("deletion_status")]
    deleted = [job for job in candidates if job.get("deletion_status")]
    unfinished = [job for job in jobs or [] if job.get("status") != "COMPLETED"]
    outcomes, checks = [], []
    for job in deleted:
        outcome, check = _deleted(job)
        outcomes.append(outcome)
        checks.append(check)
    for job in unfinished:
        failed = job.get("status") in ("FAILED", "ABORTED")
        reason = job.get("status_message")
        outcomes.append({"restore_job_id": job.get("restore_job_id"), "resource_type": job.get("resource_type"),
                         "created_resource_arn": job.get("created_resource_arn"),
                         "validation_status": "FAILED" if failed else "NOT_VALIDATED",
                         "message": "the restore job is %s%s" % (job.get("status"), (": %s" % reason) if reason else ""),
                         "reported": False})
        checks.append({"name": "restore testing job %s" % job.get("restore_job_id"), "target": job.get("source_resource_arn"),
                       "result": "fail" if failed else "skip", "details": {"status": job.get("status"), "status_message": reason}})
    return {"to_validate": to_validate, "unfinished": unfinished, "deleted": deleted, "outcomes": outcomes, "checks": checks}


def _deleted(job):
    """(outcome, check) of a completed job whose restored resource AWS Backup deleted (or is deleting): NOT_VALIDATED
    here; a warning when it was never validated (its window ended first), else a skip (its result stands)."""
    status, reason = job.get("deletion_status"), job.get("deletion_status_message")
    validation = job.get("validation_status") or "VALIDATING"
    missed = validation == "VALIDATING"
    message = "AWS Backup deleted what the job restored (deletion %s%s) %s; its validation stays %s" % (
        status, (": %s" % reason) if reason else "",
        "before it was validated (its validation window ended)" if missed else "after its validation was reported", validation)
    outcome = {"restore_job_id": job.get("restore_job_id"), "resource_type": job.get("resource_type"),
               "created_resource_arn": job.get("created_resource_arn"), "validation_status": "NOT_VALIDATED",
               "message": message, "reported": False}
    check = {"name": "restore testing job %s" % job.get("restore_job_id"), "target": job.get("created_resource_arn"),
             "result": "warn" if missed else "skip",
             "details": {"deletion_status": status, "deletion_status_message": reason, "validation_status": validation}}
    return outcome, check


def db_unreachable(job, described=None):
    """The check of a restored DB instance that was not found or has no endpoint (DESCRIBED: rds_instance_info's
    result); [] when it can be reached."""
    if [instance for instance in (described or {}).get("instances") or [] if instance.get("endpoint")]:
        return []
    name = job.get("created_resource_name")
    return [{"name": "restored DB instance is available", "target": name, "result": "fail",
             "details": {"reasons": ["DB instance %s not found or without an endpoint: %s" % (name, (described or {}).get("msg") or "no endpoint")]}}]


def bucket_checks(job, restored=None, source=None, min_count_percent=0, critical_keys=()):
    """A restore-tested bucket has no staging/production pair: objects present, the object count against the source
    bucket's (which moved on since the recovery point, hence MIN_COUNT_PERCENT; a warning when the source cannot be
    listed) and the critical keys. RESTORED and SOURCE are s3_object mode=list results."""
    bucket = job.get("created_resource_name")
    listed = isinstance(restored, dict) and "s3_keys" in restored
    keys = list(restored.get("s3_keys") or []) if listed else []
    source_count = len(source["s3_keys"]) if isinstance(source, dict) and "s3_keys" in source else -1
    percent = int(min_count_percent)
    needed = int(math.ceil(source_count * percent / 100.0))
    missing = [key for key in critical_keys or [] if key not in set(keys)]
    count_result = "warn" if source_count < 0 else ("pass" if len(keys) >= needed else "fail")
    return [
        {"name": "restored bucket holds objects", "target": bucket, "result": "pass" if keys else "fail",
         "details": {"objects": len(keys)} if listed else
         {"reasons": ["could not list %s: %s" % (bucket, (restored or {}).get("msg") or "unknown error")]}},
        {"name": "restored object count against the source bucket", "target": bucket, "result": count_result,
         "details": {"restored": len(keys), "source": job.get("source_resource_name"), "source_now": source_count, "needed": needed,
                     "min_count_percent": percent}},
        {"name": "critical keys restored", "target": bucket,
         "result": "skip" if not critical_keys else ("pass" if listed and not missing else "fail"),
         "details": {"critical_keys": list(critical_keys or []), "missing": missing}},
    ]


def job_checks(job, described=None, mysql=None, restored=None, source=None, min_count_percent=0, critical_keys=(), ec2=None):
    """The checks of one validated job, by what it restored: a database's (DB_UNREACHABLE's check, else MYSQL - what
    validate_mysql found), a bucket's (bucket_checks), an instance's (EC2 - what validate_ec2 found). What the other
    validations found belongs to other jobs and is not read."""
    kind = job.get("resource_type")
    if kind == "RDS":
        return db_unreachable(job, described) or list(mysql or [])
    if kind == "S3":
        return bucket_checks(job, restored, source, min_count_percent, critical_keys)
    if kind == "EC2":
        return list(ec2 or [])
    return []


def job_outcome(job, check_mode=False, **found):
    """A validated job's {status, message, outcome, checks}: SUCCESSFUL when checks ran and none failed, else FAILED.
    FOUND is what job_checks() reads; the CHECKS carry the job's id for the report."""
    checks = job_checks(job, **found)
    failed = [check for check in checks if check.get("result") in FAILED_RESULTS]
    name = job.get("created_resource_name")
    if checks and not failed:
        status, message = "SUCCESSFUL", "%d check(s) passed on %s" % (len(checks), name)
    elif not checks:
        status, message = "FAILED", "no check could run on %s" % name
    else:
        names = "; ".join(str(check.get("name")) for check in failed)
        status, message = "FAILED", "%d of %d check(s) failed on %s: %s" % (len(failed), len(checks), name, names)
    outcome = {"restore_job_id": job.get("restore_job_id"), "resource_type": job.get("resource_type"),
               "created_resource_arn": job.get("created_resource_arn"), "validation_status": status, "message": message,
               "reported": not check_mode}
    return {"status": status, "message": message, "outcome": outcome,
            "checks": [dict(check, restore_job_id=job.get("restore_job_id")) for check in checks]}


def reported(jobs, job=None):
    """JOBS with the one JOB reports on as AWS Backup answered after its validation result (restore_validation_result's
    restore_job): its ValidationStatus, and the DeletionStatus of what it restored, which AWS Backup deletes once the
    result is reported. The keys the job was listed with are kept; the order is unchanged."""
    fresh = job or {}
    return [dict(entry, **fresh) if fresh and entry.get("restore_job_id") == fresh.get("restore_job_id") else entry
            for entry in jobs or []]


def summary_lines(outcomes, jobs=(), to_validate=(), plan_name=""):
    """What the responder reads at the end of the validation."""
    return (["%d restore job(s) of %s found, %d validated" % (len(jobs or []), plan_name, len(to_validate or []))]
            + ["%s %s %s" % (o.get("validation_status"), o.get("restore_job_id"), o.get("message")) for o in outcomes or []])


def report(outcomes, jobs=None, failure=""):
    """The restore report's notes, outcome and resources left alone, and the jobs that failed validation.
    JOBS is None when the validation did not get as far as listing them; FAILURE is the run's failure ('' when none)."""
    failed = [o for o in outcomes or [] if o.get("validation_status") == "FAILED"]
    notes = ["%s %s %s" % (o.get("restore_job_id"), o.get("validation_status"), o.get("message")) for o in outcomes or []]
    if jobs is not None and not jobs:
        notes.append("no restore job of the plan in the window")
    if failure:
        notes.append("failed at %s" % failure)
    return {"notes": notes, "outcome": "failed" if failure or failed else "succeeded",
            # Validation reads what AWS restored and leaves it to AWS Backup, which deletes it once the job's result is
            # reported or its validation window ends.
            "resources": {"created": [], "changed": [], "left_alone": [j["created_resource_arn"] for j in jobs or [] if j.get("created_resource_arn")]},
            "failed": failed,
            "failed_message": "%d restore testing job(s) failed validation: %s" % (
                len(failed), "; ".join("%s: %s" % (o.get("restore_job_id"), o.get("message")) for o in failed))}
