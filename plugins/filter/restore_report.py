# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_report
version_added: 0.1.0
short_description: Build the restore report data of one run (used by the restorekit.aws.restore_report role)
description:
  - Turns the inputs of the P(restorekit.aws.restore_report#role) role into the report that the role writes as JSON and
    renders as Markdown. The shape is described by C(docs/restore-report.schema.json).
  - Accepts recovery points as M(restorekit.aws.recovery_point_info) returns them (its RV(recovery_point) or an element
    of its RV(recovery_points)), and restore jobs either as the full result of the C(restorekit.aws.restore_job)
    module (with its C(restore_job), C(created_resource_arn) and C(metadata)) or as a bare snake_case
    DescribeRestoreJob dictionary. A registered loop result (a dictionary with C(results)) is flattened. A failed or
    skipped C(restorekit.aws.restore_job) result without a job id becomes a note rather than an error, so that a report
    written from an C(always) section still says what happened.
  - Computes each restore job's duration from its creation and completion dates, and normalises every time to
    ISO 8601 in UTC.
  - Drops, at any depth, every dictionary key that matches C(password), C(secret) or C(token) (case-insensitive),
    and lists in C(redacted) where keys were dropped and how many (never their names or values).
  - Fails with a message naming the role variable and the bad value when an input has the wrong shape.
author:
  - restorekit contributors (@restorekit)
options:
  _input:
    description:
      - A dictionary with the keys C(run) (C(id), C(playbook), C(started), C(finished), C(check_mode), C(user),
        C(host), C(awx_job_id), C(awx_job_template), C(awx_user)), C(recovery_points), C(restore_jobs), C(checks),
        C(resources), C(notes) and C(outcome), as the role assembles them from its variables.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Build the report data
  ansible.builtin.set_fact:
    restore_report_data: >-
      {{ {'run': {'playbook': 'rds_restore', 'finished': '2026-11-24T03:10:00Z', 'user': 'oncall', 'host': 'bastion'},
          'recovery_points': [point.recovery_point],
          'restore_jobs': [job],
          'checks': [{'name': 'CHECK TABLE', 'target': 'app', 'result': 'pass'}],
          'resources': {'created': [job.created_resource_arn]},
          'notes': [], 'outcome': 'succeeded'} | restorekit.aws.restore_report }}
"""

RETURN = r"""
_value:
  description:
    - The report, with C(schema_version), C(run), C(recovery_points), C(restore_jobs), C(checks), C(resources),
      C(summary), C(notes), C(redacted) and C(outcome). See C(docs/restore-report.md).
  type: dict
"""

import datetime
import getpass
import re
import socket

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

SCHEMA_VERSION = "1.0"
OUTCOMES = ("succeeded", "failed")
CHECK_RESULTS = ("pass", "fail", "warn", "skip")
RESOURCE_LISTS = ("created", "changed", "left_alone")
# Anything that may carry a credential is dropped, whatever its value: a report is copied into tickets and chats.
SECRET_KEY = re.compile(r"password|secret|token", re.IGNORECASE)
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _fail(option, value, why):
    # The bad value is shown so the responder can find it, but never with a credential in it.
    raise AnsibleFilterError("restore_report: %s=%r %s" % (option, _redact(value, "", []), why))


def _iso(value, option):
    """Return VALUE (an ISO 8601 string or a datetime) as ISO 8601 in UTC, or None when it is empty."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        text = to_text(value).strip()
        try:
            # Python 3.11 parses "Z" and offsets; AWS and the modules return both forms.
            parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            _fail(option, value, "is not an ISO 8601 time, for example 2026-11-24T03:10:00Z")
    if parsed.tzinfo is None:
        # AWS times are UTC; a naive time given by hand is taken as UTC rather than the control node's zone.
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc).strftime(ISO_FORMAT)


def _seconds_between(started, finished):
    if not started or not finished:
        return None
    start = datetime.datetime.strptime(started, ISO_FORMAT)
    end = datetime.datetime.strptime(finished, ISO_FORMAT)
    return int((end - start).total_seconds())


def _text_or_none(value):
    if value in (None, ""):
        return None
    return to_text(value)


def _as_list(value, option):
    if value in (None, ""):
        return []
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        # A registered loop: one result per item.
        return list(value["results"])
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, (list, tuple)):
        _fail(option, value, "must be a list")
    items = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("results"), list):
            items.extend(item["results"])
        else:
            items.append(item)
    return items


def _recovery_point(item, option):
    if not isinstance(item, dict):
        _fail(option, item, "must be a dictionary (a recovery point as restorekit.aws.recovery_point_info returns it)")
    if isinstance(item.get("recovery_point"), dict):
        # The whole registered result of recovery_point_info: its selected point.
        item = item["recovery_point"]
    arn = item.get("recovery_point_arn") or item.get("arn")
    if not arn:
        _fail(option, item, "has no recovery_point_arn")
    return {
        "arn": to_text(arn),
        "resource_arn": _text_or_none(item.get("resource_arn")),
        "resource_type": _text_or_none(item.get("resource_type")),
        "creation_date": _iso(item.get("creation_date"), option + ".creation_date"),
        "vault": _text_or_none(item.get("backup_vault_name") or item.get("vault")),
        "status": _text_or_none(item.get("status")),
    }


def _restore_job(item, option):
    if not isinstance(item, dict):
        _fail(option, item, "must be a dictionary (a restorekit.aws.restore_job result or its restore_job)")
    job = item.get("restore_job") if isinstance(item.get("restore_job"), dict) else item
    job_id = job.get("restore_job_id")
    if not job_id:
        _fail(option, item, "has no restore_job_id (neither at the top nor under restore_job)")
    started = _iso(job.get("creation_date") or job.get("started"), option + ".creation_date")
    finished = _iso(job.get("completion_date") or job.get("finished"), option + ".completion_date")
    metadata = item.get("metadata") if isinstance(item.get("metadata"), dict) else None
    return {
        "restore_job_id": to_text(job_id),
        "recovery_point_arn": _text_or_none(job.get("recovery_point_arn")),
        "resource_type": _text_or_none(job.get("resource_type")),
        "status": _text_or_none(job.get("status")),
        "created_resource_arn": _text_or_none(item.get("created_resource_arn") or job.get("created_resource_arn")),
        "started": started,
        "finished": finished,
        "duration_seconds": _seconds_between(started, finished),
        "status_message": _text_or_none(job.get("status_message")),
        "metadata": metadata,
    }


def _check(item, option):
    if not isinstance(item, dict) or not item.get("name"):
        _fail(option, item, "must be a dictionary with at least name and result")
    result = item.get("result")
    if isinstance(result, bool):
        result = "pass" if result else "fail"
    result = to_text(result).strip().lower() if result is not None else ""
    if result not in CHECK_RESULTS:
        _fail(option + ".result", item.get("result"), "must be one of %s (or true/false)" % ", ".join(CHECK_RESULTS))
    return {
        "name": to_text(item["name"]),
        "target": _text_or_none(item.get("target")),
        "result": result,
        "details": item.get("details"),
    }


def _resources(value, option):
    if value in (None, ""):
        value = {}
    if not isinstance(value, dict):
        _fail(option, value, "must be a dictionary with the lists %s" % ", ".join(RESOURCE_LISTS))
    unknown = sorted(set(value) - set(RESOURCE_LISTS))
    if unknown:
        _fail(option, value, "has unknown keys %s; use %s" % (", ".join(unknown), ", ".join(RESOURCE_LISTS)))
    resources = {}
    for key in RESOURCE_LISTS:
        items = value.get(key) or []
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, (list, tuple)) or not all(isinstance(entry, str) and entry for entry in items):
            _fail("%s.%s" % (option, key), items, "must be a list of ARNs or names")
        resources[key] = [to_text(entry) for entry in items]
    return resources


def _os_user():
    """The account running the play when no variable names one (containers often set no USER)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _who(run):
    awx_job_id = run.get("awx_job_id")
    if awx_job_id not in (None, ""):
        return {
            "kind": "awx",
            "awx_job_id": to_text(awx_job_id),
            "awx_job_template": _text_or_none(run.get("awx_job_template")),
            "awx_user": _text_or_none(run.get("awx_user")),
        }
    return {
        "kind": "local",
        "user": _text_or_none(run.get("user")) or _os_user(),
        "host": _text_or_none(run.get("host")) or socket.gethostname(),
    }


def _redact(value, path, dropped):
    """Return VALUE without dictionary keys that look like credentials.

    DROPPED receives the path of each dictionary that lost keys, and how many: not the key names, which can say
    too much themselves (a database password's key often names the database user).
    """
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if not SECRET_KEY.search(to_text(key)):
                kept[to_text(key)] = _redact(item, "%s.%s" % (path, key) if path else to_text(key), dropped)
        if len(kept) < len(value):
            dropped.append("%s (%d key%s)" % (path, len(value) - len(kept), "" if len(value) - len(kept) == 1 else "s"))
        return kept
    if isinstance(value, (list, tuple)):
        return [_redact(item, "%s[%d]" % (path, index), dropped) for index, item in enumerate(value)]
    return value


def _slug(text):
    return re.sub(r"[^A-Za-z0-9]+", "-", to_text(text)).strip("-").lower() or "restore"


def restore_report(data):
    """Build the report of one run from the role's inputs (see DOCUMENTATION)."""
    if not isinstance(data, dict):
        raise AnsibleFilterError("restore_report: the input must be a dictionary, got %r" % (data,))
    run = data.get("run") or {}
    outcome = data.get("outcome") or "succeeded"
    if outcome not in OUTCOMES:
        _fail("restore_report_outcome", outcome, "must be one of %s" % ", ".join(OUTCOMES))
    notes = data.get("notes") or []
    if not isinstance(notes, (list, tuple)):
        _fail("restore_report_notes", notes, "must be a list of strings")

    recovery_points = [_recovery_point(item, "restore_report_recovery_points[%d]" % index)
                       for index, item in enumerate(_as_list(data.get("recovery_points"), "restore_report_recovery_points"))]
    restore_jobs = []
    job_notes = []
    for index, item in enumerate(_as_list(data.get("restore_jobs"), "restore_report_restore_jobs")):
        started_job = isinstance(item, dict) and (item.get("restore_job_id") or isinstance(item.get("restore_job"), dict))
        if isinstance(item, dict) and not started_job and (item.get("failed") or item.get("skipped")):
            # A restore_job task that failed before AWS gave it an id, or was skipped: the report is often written from
            # an `always:` section exactly then, so say so instead of failing the report too.
            job_notes.append("Restore job %d was %s before it started: %s" % (
                index + 1, "skipped" if item.get("skipped") else "refused", to_text(item.get("msg") or "no message")))
            continue
        restore_jobs.append(_restore_job(item, "restore_report_restore_jobs[%d]" % index))
    checks = [_check(item, "restore_report_checks[%d]" % index)
              for index, item in enumerate(_as_list(data.get("checks"), "restore_report_checks"))]

    finished = _iso(run.get("finished"), "run.finished") or datetime.datetime.now(datetime.timezone.utc).strftime(ISO_FORMAT)
    # Without an explicit start, the first restore job's start is closer to the truth than the report's own time.
    started = _iso(run.get("started"), "restore_report_started") or min(
        [job["started"] for job in restore_jobs if job["started"]] or [finished])
    playbook = _text_or_none(run.get("playbook")) or "restore"
    run_id = _text_or_none(run.get("id")) or "%s-%s" % (_slug(playbook), finished.replace("-", "").replace(":", ""))
    if "/" in run_id or run_id.startswith("."):
        _fail("restore_report_name", run_id, "must be a plain file name, without '/' and not starting with '.'")

    report = {
        "schema_version": SCHEMA_VERSION,
        "run": {
            "id": run_id,
            "playbook": playbook,
            "started": started,
            "finished": finished,
            "duration_seconds": _seconds_between(started, finished),
            "check_mode": bool(run.get("check_mode")),
            "who": _who(run),
        },
        "outcome": outcome,
        "summary": {
            "checks": dict((result, sum(1 for check in checks if check["result"] == result)) for result in CHECK_RESULTS),
            "restore_jobs": len(restore_jobs),
            "restore_jobs_not_completed": sum(1 for job in restore_jobs if job["status"] != "COMPLETED"),
        },
        "recovery_points": recovery_points,
        "restore_jobs": restore_jobs,
        "checks": checks,
        "resources": _resources(data.get("resources"), "restore_report_resources"),
        "notes": [to_text(note) for note in notes] + job_notes,
    }
    dropped = []
    report = _redact(report, "", dropped)
    report["redacted"] = dropped
    return report


class FilterModule(object):
    """restorekit.aws restore report filters."""

    def filters(self):
        return {"restore_report": restore_report}
