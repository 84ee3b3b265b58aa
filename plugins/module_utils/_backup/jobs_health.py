# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup, copy and restore job health over a time window: the rules behind ``restorekit.aws.backup_job_info``.

Everything here except the ``list_*`` functions is a pure function, unit-tested without Ansible or AWS.
What a responder gets from it: the jobs of a window with counts per state, the jobs that went wrong
(FAILED, ABORTED, EXPIRED, PARTIAL), and for each protected resource its newest completed recovery point
and that point's age, so a resource whose backups stopped ("missing") shows up as stale.

The newest point is chosen by CreationDate over every page of ListRecoveryPointsByResource, never by the
API's order and never from ListProtectedResources' LastBackupTime alone: that time also moves for a backup
that ended PARTIAL, or whose point has since expired or been deleted.
"""

from __future__ import annotations

import datetime

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import AnsibleBackupError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import RESOURCE_TYPES
from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import utc_now

JOB_TYPES = ["backup", "copy", "restore"]
# botocore's BackupJobState, CopyJobState and RestoreJobStatus enums.
JOB_TYPE_STATES = {
    "backup": ["CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL"],
    "copy": ["CREATED", "RUNNING", "COMPLETED", "FAILED", "PARTIAL"],
    "restore": ["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"],
}
JOB_STATES = sorted(set(state for states in JOB_TYPE_STATES.values() for state in states))
PROBLEM_STATES = ["ABORTED", "EXPIRED", "FAILED", "PARTIAL"]
# The recovery point statuses a restore can start from.
USABLE_POINT_STATUSES = ["AVAILABLE", "COMPLETED"]
DEFAULT_SINCE = "-24h"
DEFAULT_RPO_HOURS = 26.0

# Per job type: the paginator, the key of its list, the job id key, the state key, the resource ARN key,
# and the name of the server-side state filter. Restore jobs spell state "Status" and name their source differently.
_JOB_API = {
    "backup": {"paginator": "list_backup_jobs", "items": "BackupJobs", "id": "BackupJobId", "state": "State",
               "resource": "ResourceArn", "state_filter": "ByState"},
    "copy": {"paginator": "list_copy_jobs", "items": "CopyJobs", "id": "CopyJobId", "state": "State",
             "resource": "ResourceArn", "state_filter": "ByState"},
    "restore": {"paginator": "list_restore_jobs", "items": "RestoreJobs", "id": "RestoreJobId", "state": "Status",
                "resource": "SourceResourceArn", "state_filter": "ByStatus"},
}

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class JobHealthError(AnsibleBackupError):
    """A request that cannot be answered: bad options (the AWS calls fail with ``AnsibleBackupError``)."""


def _iso(value):
    return value.isoformat() if value is not None else None


def _parse_time(value, option, now):
    """The collection's one time syntax (``_inputs.parse_time``), with this module's error."""
    try:
        return inputs.parse_time(value, option, now)
    except inputs.InputError as e:
        raise JobHealthError(message=f"{option}={value!r} {e.reason}") from e


def build_query(params, now=None):
    """Validate the module's options before any AWS call and turn them into a query.

    Returns a dict: ``job_types``, ``since``, ``until``, ``states`` (None for all), ``resource_type``,
    ``requests`` (per job type, the list call's server-side filters, or None when no asked state can occur
    for that type, so the call is skipped), ``protected_resources``, ``rpo_hours`` and ``now``.
    Raises JobHealthError naming the option and value at fault.
    """
    now = now or utc_now()
    job_types = params.get("job_types")
    job_types = list(JOB_TYPES) if job_types is None else list(job_types)
    unknown = [job_type for job_type in job_types if job_type not in JOB_TYPES]
    if unknown:
        raise JobHealthError(message=f"job_types={job_types!r}: {', '.join(unknown)} is not one of {', '.join(JOB_TYPES)}")

    since_text = params.get("since")
    since_text = DEFAULT_SINCE if since_text is None else since_text
    since = _parse_time(since_text, "since", now)
    until_text = params.get("until")
    until = _parse_time(until_text, "until", now) if until_text is not None else now
    if since > now:
        raise JobHealthError(message=f"since={since_text!r} is in the future ({since.isoformat()} > now {now.isoformat()})")
    if since > until:
        raise JobHealthError(message=f"since={since_text!r} ({since.isoformat()}) is later than until={until_text!r} ({until.isoformat()})")

    states = params.get("states")
    if states is not None:
        states = [str(state).strip().upper() for state in states]
        unknown = [state for state in states if state not in JOB_STATES]
        if unknown:
            raise JobHealthError(message=f"states={params.get('states')!r}: {', '.join(unknown)} is not a job state; use {', '.join(JOB_STATES)}")
        states = sorted(set(states))

    resource_type = params.get("resource_type")
    if resource_type is not None and resource_type not in RESOURCE_TYPES:
        raise JobHealthError(message=f"resource_type={resource_type!r} is not one of {', '.join(RESOURCE_TYPES)}")

    rpo_hours = params.get("rpo_hours")
    rpo_hours = DEFAULT_RPO_HOURS if rpo_hours is None else float(rpo_hours)
    if rpo_hours <= 0:
        raise JobHealthError(message=f"rpo_hours={params.get('rpo_hours')!r} must be greater than 0")

    requests = {}
    for job_type in job_types:
        requests[job_type] = job_request(job_type, since, until, states, resource_type, params.get("backup_vault_name"))

    protected = params.get("protected_resources")
    return {
        "job_types": job_types,
        "since": since,
        "until": until,
        "states": states,
        "resource_type": resource_type,
        "backup_vault_name": params.get("backup_vault_name"),
        "requests": requests,
        "protected_resources": True if protected is None else bool(protected),
        "legal_holds": bool(params.get("legal_holds")),
        "rpo_hours": rpo_hours,
        "now": now,
    }


def job_request(job_type, since, until, states=None, resource_type=None, backup_vault_name=None):
    """The server-side filters of one job list call, or None when none of STATES can occur for JOB_TYPE.

    A state goes to the server only when exactly one applies to this job type: the APIs filter on one state.
    """
    api = _JOB_API[job_type]
    request = {"ByCreatedAfter": since, "ByCreatedBefore": until}
    if resource_type:
        request["ByResourceType"] = resource_type
    if job_type == "backup" and backup_vault_name:
        request["ByBackupVaultName"] = backup_vault_name
    if states is not None:
        possible = [state for state in states if state in JOB_TYPE_STATES[job_type]]
        if not possible:
            return None
        if len(possible) == 1:
            request[api["state_filter"]] = possible[0]
    return request


def window(query):
    """The window searched, in ISO 8601 (UTC)."""
    return {"since": _iso(query["since"]), "until": _iso(query["until"])}


def job_state(job_type, job):
    return job.get(_JOB_API[job_type]["state"])


def job_id(job_type, job):
    return job.get(_JOB_API[job_type]["id"])


def _job_key(job_type):
    id_key = _JOB_API[job_type]["id"]

    def key(job):
        return (job.get("CreationDate") or _EPOCH, job.get(id_key) or "")

    return key


def keep_jobs(job_type, jobs, states=None):
    """The jobs of STATES (all when None), newest first by CreationDate (the id breaks ties, so the order is stable)."""
    kept = [job for job in jobs if states is None or job_state(job_type, job) in states]
    return sorted(kept, key=_job_key(job_type), reverse=True)


def count_states(job_type, jobs):
    """How many jobs are in each state: ``{"COMPLETED": 7, "FAILED": 1}``."""
    counts = {}
    for job in jobs:
        state = job_state(job_type, job) or "UNKNOWN"
        counts[state] = counts.get(state, 0) + 1
    return dict(sorted(counts.items()))


def problems(jobs_by_type):
    """The jobs that went wrong (FAILED, ABORTED, EXPIRED, PARTIAL), newest first, with what a responder needs."""
    found = []
    for job_type in JOB_TYPES:
        api = _JOB_API[job_type]
        for job in jobs_by_type.get(job_type) or []:
            state = job_state(job_type, job)
            if state not in PROBLEM_STATES:
                continue
            found.append({
                "job_type": job_type,
                "job_id": job.get(api["id"]),
                "state": state,
                "resource_arn": job.get(api["resource"]),
                "resource_type": job.get("ResourceType"),
                "resource_name": job.get("ResourceName"),
                "status_message": job.get("StatusMessage"),
                "creation_date": _iso(job.get("CreationDate")),
                "completion_date": _iso(job.get("CompletionDate")),
                "recovery_point_arn": job.get("RecoveryPointArn") or job.get("SourceRecoveryPointArn"),
            })
    return sorted(found, key=lambda item: (item["creation_date"] or "", item["job_id"] or ""), reverse=True)


def newest_point(points):
    """The newest usable (COMPLETED or AVAILABLE) recovery point by CreationDate, whatever the order given; or None."""
    usable = [point for point in points if point.get("Status") in USABLE_POINT_STATUSES and point.get("CreationDate")]
    if not usable:
        return None
    return max(usable, key=lambda point: (point["CreationDate"], point.get("RecoveryPointArn", "")))


def age_hours(created, now):
    """Hours from CREATED to NOW, rounded to 0.01 h (36 s)."""
    return round((now - created).total_seconds() / 3600.0, 2)


def resource_health(resource, points, now, rpo_hours):
    """One protected resource's newest usable recovery point, its age, and whether it is older than the RPO.

    A resource without any usable point is stale: its backups are missing.
    """
    newest = newest_point(points)
    age = age_hours(newest["CreationDate"], now) if newest else None
    return {
        "resource_arn": resource.get("ResourceArn"),
        "resource_type": resource.get("ResourceType"),
        "resource_name": resource.get("ResourceName"),
        "newest_recovery_point_arn": newest.get("RecoveryPointArn") if newest else None,
        "newest_creation_date": _iso(newest["CreationDate"]) if newest else None,
        "newest_backup_vault_name": newest.get("BackupVaultName") if newest else None,
        "age_hours": age,
        "stale": newest is None or age > rpo_hours,
    }


def summarize_resources(resources_points, now, rpo_hours):
    """resource_health() of each (resource, points) pair, stale ones first, then oldest first, then by ARN."""
    health = [resource_health(resource, points, now, rpo_hours) for resource, points in resources_points]

    def key(item):
        # The exact creation time, not the rounded age: two points taken milliseconds apart must keep one order.
        return (not item["stale"], str(item.get("newest_creation_date") or ""), item["resource_arn"] or "")

    return sorted(health, key=key)


# ------------------------------------------------------------------ AWS calls

@jittered_backoff()
def _paginate(client, paginator_name, **request):
    return client.get_paginator(paginator_name).paginate(**request).build_full_result()


def list_jobs(client, job_type, request):
    """Every job of JOB_TYPE the server-side filters return, all pages, retried on throttling."""
    api = _JOB_API[job_type]
    listed = BackupErrorHandler.common_error_handler(f"list {job_type} jobs")(_paginate)
    return listed(client, api["paginator"], **request).get(api["items"], [])


@BackupErrorHandler.common_error_handler("list protected resources")
def list_protected_resources(client, resource_type=None):
    """Every protected resource (all pages), of RESOURCE_TYPE when given (the API has no such filter)."""
    resources = _paginate(client, "list_protected_resources").get("Results", [])
    return [resource for resource in resources if resource_type is None or resource.get("ResourceType") == resource_type]


def list_resource_points(client, resource_arn):
    """Every recovery point of one resource, in every vault of the region, all pages."""
    listed = BackupErrorHandler.common_error_handler(f"list the recovery points of {resource_arn}")(_paginate)
    return listed(client, "list_recovery_points_by_resource", ResourceArn=resource_arn).get("RecoveryPoints", [])


HOLDS_IN_FORCE = ("CREATING", "ACTIVE", "CANCELING")


@BackupErrorHandler.common_error_handler("list legal holds")
def list_legal_holds(client):
    """Every legal hold (all pages), and for each in force (CREATING, ACTIVE, CANCELING) the recovery points it holds:
    ``[{legal_hold_id, title, status, creation_date, recovery_points: [{recovery_point_arn, resource_arn, resource_type,
    backup_vault_name}]}]``."""
    holds = _paginate(client, "list_legal_holds").get("LegalHolds", [])
    out = []
    for hold in holds:
        points = []
        if hold.get("Status") in HOLDS_IN_FORCE:
            points = _paginate(client, "list_recovery_points_by_legal_hold", LegalHoldId=hold["LegalHoldId"]).get("RecoveryPoints", [])
        out.append({"legal_hold_id": hold.get("LegalHoldId"), "title": hold.get("Title"), "status": hold.get("Status"),
                    "creation_date": _iso(hold.get("CreationDate")),
                    "recovery_points": [{"recovery_point_arn": p.get("RecoveryPointArn"), "resource_arn": p.get("ResourceArn"),
                                         "resource_type": p.get("ResourceType"), "backup_vault_name": p.get("BackupVaultName")}
                                        for p in points]})
    return out


def job_health(client, query):
    """Run QUERY against AWS: jobs, counts, problems and (unless turned off) protected resources, in snake_case-ready form.

    Returns a dict of boto3-shaped job lists per type (``jobs``), ``counts``, ``problems`` and ``protected_resources``
    (None when not asked).
    """
    jobs = {}
    counts = {}
    for job_type in query["job_types"]:
        request = query["requests"][job_type]
        listed = [] if request is None else list_jobs(client, job_type, request)
        jobs[job_type] = keep_jobs(job_type, listed, query["states"])
        counts[job_type] = count_states(job_type, jobs[job_type])

    resources = None
    if query["protected_resources"]:
        pairs = [(resource, list_resource_points(client, resource["ResourceArn"]))
                 for resource in list_protected_resources(client, query["resource_type"])]
        resources = summarize_resources(pairs, query["now"], query["rpo_hours"])
    holds = list_legal_holds(client) if query.get("legal_holds") else None
    return {"jobs": jobs, "counts": counts, "problems": problems(jobs), "protected_resources": resources, "legal_holds": holds}
