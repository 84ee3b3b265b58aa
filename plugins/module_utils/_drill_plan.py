# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore drill's decisions (runbook section 4), reached through the ``restorekit.aws.restore_drill_plan`` filter.

The ``restore_drill`` role holds the order of the drill's steps; what each step decides is here: the drill's id, seed and
the prefix of what it creates (``begin``), the restores of the recovery points it picked with drill-unique names
(``restores``), what the restores created and what validates it (``created``), which checks failed (``failed_checks``)
and, after the cleanup, the outcome, the report's notes and the notification (``summary``). The record and the cleanup
themselves are in ``_drill.py`` (``restorekit.aws.restore_drill_record``).
"""

from __future__ import annotations

import datetime
import random
import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn

RESOURCE_TYPES = ("RDS", "S3", "EC2")
SEED_LIMIT = 2147483647
FAILED_RESULTS = ("fail", False)
PASSED_RESULTS = ("pass", True)
_TENANT = re.compile(r"-tenant-([^-]+)$")


class DrillPlanError(ValueError):
    """Data the drill cannot plan with; the message names it."""


def begin(drill_id, seed=None, project="", environment="", now=None, rng=None):
    """The drill's fixed facts for the whole run: {id, seed, started, prefix}.

    DRILL_ID empty means the start time (``20261124-030000``); SEED empty means a random one (a drill's choice of
    recovery points is replayed by giving its seed again). PREFIX names everything the drill creates.
    """
    now = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc)
    drill_id = drill_id or now.strftime("%Y%m%d-%H%M%S")
    if seed in (None, ""):
        seed = (rng or random.SystemRandom()).randrange(SEED_LIMIT)
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise DrillPlanError("restore_drill_seed=%r is not a whole number" % (seed,)) from None
    if not project or not environment:
        raise DrillPlanError("restorekit_project_name=%r and restorekit_environment=%r name what the drill creates; both are needed"
                             % (project, environment))
    return {"id": drill_id, "seed": seed, "started": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "prefix": "%s-%s-drill-%s" % (project, environment, drill_id)}


def _points(selected):
    """{resource type: recovery point} from the results of the recovery_point_info loop over the resource types."""
    points = {}
    for index, result in enumerate(selected):
        kind = result.get("item") if isinstance(result, dict) else None
        point = result.get("recovery_point") if isinstance(result, dict) else None
        if kind not in RESOURCE_TYPES or not isinstance(point, dict) or not point.get("recovery_point_arn"):
            raise DrillPlanError("selected[%d]: no recovery point of a resource type (RDS, S3, EC2) in %r" % (index, result))
        points[kind] = point
    return points


def targets(points, prefix):
    """The drill-unique names of what the restores create: the database, and the bucket (named after the tenant the
    recovery point's bucket belongs to, when it is a tenant's). An EC2 restore names no target."""
    named = {}
    if "RDS" in points:
        named["RDS"] = "%s-db" % prefix
    if "S3" in points:
        tenant = _TENANT.search(points["S3"].get("resource_arn") or "")
        named["S3"] = "%s-tenant-%s" % (prefix, tenant.group(1)) if tenant else "%s-s3" % prefix
    return named


def metadata(kind, settings):
    """The restore metadata of one resource type: a drill's copy is private, single-AZ and deletable."""
    settings = settings or {}
    if kind == "RDS":
        meta = {"MultiAZ": False, "DeletionProtection": False, "PubliclyAccessible": False}
        if settings.get("db_subnet_group"):
            meta["DBSubnetGroupName"] = settings["db_subnet_group"]
        if settings.get("db_instance_class"):
            meta["DBInstanceClass"] = settings["db_instance_class"]
        return meta
    if kind == "S3":
        return {"NewBucket": True}
    meta = {"RequireIMDSv2": True}
    if settings.get("ec2_instance_type"):
        meta["InstanceType"] = settings["ec2_instance_type"]
    if settings.get("ec2_subnet_id"):
        meta["SubnetId"] = settings["ec2_subnet_id"]
        meta["SecurityGroupIds"] = list(settings.get("ec2_security_group_ids") or [])
    return meta


def _ran(registered):
    """Whether a task's registered result says it ran and succeeded."""
    return not (registered.get("failed") or registered.get("skipped"))


def restores(selected, prefix, settings=None):
    """What to restore: {points: {type: point}, recovery_points: [...], targets: {type: name}, restores: [...]}.

    SELECTED is the recovery_point_info loop's registered result (or its ``results``); each restore is a dict with
    resource_type, recovery_point_arn, target_name ('' for EC2) and metadata, in the order of the resource types asked
    for. A loop that failed planned nothing: {} (the drill stopped before any restore).
    """
    if isinstance(selected, dict):
        if not _ran(selected):
            return {}
        selected = selected.get("results")
    if not isinstance(selected, list) or not selected:
        raise DrillPlanError("no recovery point was selected (the results of the recovery_point_info loop are empty)")
    points = _points(selected)
    named = targets(points, prefix)
    order = [result["item"] for result in selected]
    return {"points": points, "recovery_points": [points[kind] for kind in order], "targets": named,
            "restores": [{"resource_type": kind, "recovery_point_arn": points[kind]["recovery_point_arn"],
                          "target_name": named.get(kind, ""), "metadata": metadata(kind, settings)} for kind in order],
            "recovery_point_arns": [points[kind]["recovery_point_arn"] for kind in order]}


def _resource(arn):
    parsed = parse_aws_arn(arn) if isinstance(arn, str) and arn.startswith("arn:") else None
    if not parsed:
        raise DrillPlanError("%r is not an ARN" % (arn,))
    return parsed.get("resource_id") or parsed["resource"]


def created(waited, points):
    """What the restores created, and what validation reads: {arns: {type: arn}, rds: {restored, source},
    s3: {restored, source}, ec2_instance_ids: [...]}; WAITED is the registered result of the wait for the restore jobs,
    POINTS the plan's points. Until the wait succeeded (not run, or a job failed), nothing is known as created: {}
    (the cleanup goes by the drill's record, not by this)."""
    if not isinstance(waited, dict) or not _ran(waited) or "restore_jobs" not in waited:
        return {}
    arns = {}
    for index, job in enumerate(waited["restore_jobs"] or []):
        described = job.get("restore_job") or {}
        kind = described.get("resource_type") or job.get("resource_type")
        arn = job.get("created_resource_arn") or described.get("created_resource_arn")
        if kind not in RESOURCE_TYPES or not arn:
            raise DrillPlanError("restore_jobs[%d]: %s created nothing known (%r)" % (index, job.get("restore_job_id"), arn))
        arns[kind] = arn
    found = {"arns": arns, "rds": {}, "s3": {}, "ec2_instance_ids": []}
    if "RDS" in arns:
        found["rds"] = {"restored": _resource(arns["RDS"]), "source": _resource(points["RDS"]["resource_arn"])}
    if "S3" in arns:
        found["s3"] = {"restored": _resource(arns["S3"]), "source": _resource(points["S3"]["resource_arn"])}
    if "EC2" in arns:
        found["ec2_instance_ids"] = [_resource(arns["EC2"])]
    return found


def _checks(check_lists):
    checks = []
    for index, group in enumerate(check_lists or []):
        if group in (None, ""):
            continue
        if not isinstance(group, list) or not all(isinstance(check, dict) for check in group):
            raise DrillPlanError("checks[%d]: not a list of checks: %r" % (index, group))
        checks.extend(group)
    return checks


def failed_checks(check_lists):
    """'<check> on <target>' for each failed check of the validations (each a list of checks, absent ones empty)."""
    return ["%s on %s" % (check.get("name"), check.get("target")) for check in _checks(check_lists)
            if check.get("result") in FAILED_RESULTS]


def _text(values):
    return ", ".join(str(value) for value in values) or "nothing"


def summary(check_lists, drill, record, failure="", cleanup=None, leftovers=(), resource_types=(), plan=None, created=None,
            waited=None, started=None):
    """The drill's end: the checks, what was removed, what went wrong in the cleanup, the outcome, the report's notes,
    recovery points, restore jobs and resources, the notification and the message the drill fails with (empty when it
    succeeded).

    DRILL is begin()'s answer; RECORD is {bucket, prefix}; FAILURE the rescue's reason ('' when none); CLEANUP the
    registered result of this drill's cleanup; LEFTOVERS the results of the cleanups of drills killed earlier. PLAN
    (restores()), CREATED (created()), WAITED (the wait's registered result) and STARTED (the record's jobs) are
    whatever the drill got to before it ended; empty when it failed earlier.
    """
    plan = plan or {}
    checks = _checks(check_lists)
    cleanup = cleanup or {}
    removed = list(cleanup.get("removed") or [])
    leftovers_removed = [arn for result in leftovers or () if isinstance(result, dict) for arn in result.get("removed") or []]
    problems = [cleanup["msg"]] if cleanup.get("failed") else []
    problems += ["record left open, restore jobs still running: %s" % job for job in cleanup.get("left_open") or []]
    problems += [refusal.get("reason", str(refusal)) if isinstance(refusal, dict) else str(refusal) for refusal in cleanup.get("refused") or []]
    failed = bool(failure) or bool(problems)
    notes = ["drill %s, seed %s (replay: -e restore_drill_seed=%s), record s3://%s/%s%s.json"
             % (drill["id"], drill["seed"], drill["seed"], record["bucket"], record["prefix"], drill["id"]),
             "removed after the drill: %s" % _text(removed)]
    if leftovers_removed:
        notes.append("removed, left by drills killed earlier: %s" % ", ".join(leftovers_removed))
    if failure:
        notes.append("failed at %s" % failure)
    if problems:
        notes.append("cleanup: %s" % "; ".join(problems))
    for summary in cleanup.get("cleaned") or []:
        notes.extend("recovery point %s left alone (a drill deletes no recovery point): %s" % (point["recovery_point_arn"], point["reason"])
                     for point in summary.get("protected_points") or [])
        if summary.get("protection_unread"):
            notes.append(summary["protection_unread"])
    passed = len([check for check in checks if check.get("result") in PASSED_RESULTS])
    message = ("Restore drill %s (seed %s) of %s: %s. Checks passed: %d of %d. Removed: %s."
               % (drill["id"], drill["seed"], ", ".join(resource_types), ("failed at %s" % failure) if failure else "restored and validated",
                  passed, len(checks), _text(removed)))
    if problems:
        message += " Cleanup problems: %s." % "; ".join(problems)
    fail_message = " ".join(part for part in (
        ("drill %s failed at %s" % (drill["id"], failure)) if failure else "",
        ("cleanup of drill %s incomplete: %s" % (drill["id"], "; ".join(problems))) if problems else "") if part)
    points = list(plan.get("recovery_points") or [])
    resources = {"created": list(((created or {}).get("arns") or {}).values()), "changed": [],
                 "left_alone": [point.get("resource_arn") for point in points if point.get("resource_arn")]}
    return {"checks": checks, "recovery_points": points, "restore_jobs": report_jobs(waited, started), "resources": resources,
            "removed": removed, "leftovers_removed": leftovers_removed, "problems": problems,
            "outcome": "failed" if failed else "succeeded", "notes": notes,
            "subject": "Restore drill %s: %s" % (drill["id"], "FAILED" if failed else "succeeded"),
            "message": message, "fail_message": fail_message}


def report_jobs(waited, started):
    """The restore jobs the report lists: the waited-for jobs once the wait answered, else the started ones."""
    jobs = (waited or {}).get("restore_jobs") if isinstance(waited, dict) else None
    if jobs:
        return [job for job in jobs if isinstance(job, dict) and "restore_job" in job]
    return [job for job in started or [] if isinstance(job, dict) and job.get("restore_job_id")]
