# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore report of one run (runbook section 10), built from what the playbook gathered: its recovery points,
restore jobs, checks, resources, notes and phases, with the RPO and RTO measured, the runbook's closing checklist
answered where the run knows the answer, and anything that may carry a credential dropped. Reached through the
``restorekit.aws.restore_report`` and ``restorekit.aws.restore_report_step_phases`` filters and the
``restorekit.aws.restore_report_write`` action, which builds the report it writes. See ``docs/restore-report.md``."""

from __future__ import annotations

import datetime
import getpass
import re
import socket

from ansible.module_utils.common.text.converters import to_text

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs


class ReportError(ValueError):
    """Input the report cannot use; the message names the variable and its value (never a credential)."""


SCHEMA_VERSION = "1.1"
OUTCOMES = ("succeeded", "failed")
CHECK_RESULTS = ("pass", "fail", "warn", "skip")
RESOURCE_LISTS = ("created", "changed", "left_alone")
# restorekit.aws.restore_report_write's options: its documentation stub (plugins/modules) and its action plugin.
WRITE_ARGUMENT_SPEC = dict(
    data=dict(type="dict"),
    report=dict(type="dict"),
    dest_dir=dict(type="path", required=True),
    name=dict(type="str"),
    template=dict(type="str", default="restore_report.md.j2"),
    mode=dict(type="str", default="0644"),
)
PHASE_STATUSES = ("done", "failed", "running", "skipped")
JOB_FAILED = ("FAILED", "ABORTED")
# Anything that may carry a credential is dropped, whatever its value: a report is copied into tickets and chats.
SECRET_KEY = re.compile(r"password|secret|token", re.IGNORECASE)
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
TODO = "To do by a human"
# Runbook section 10, word for word, in its order; the run answers what it knows.
RUNBOOK_CHECKLIST = (
    ("update_runbook", "Update `docs/backup-restore-runbook.md` with findings."),
    ("record_ids", "Record the recovery point ARN and restore job IDs."),
    ("retention", "Verify backup vault retention policies and compliance requirements."),
    ("postmortem", "Conduct a blameless postmortem and assign remediation actions."),
)


def _fail(option, value, why):
    # The bad value is shown so the responder can find it, but never with a credential in it.
    raise ReportError("restore_report: %s=%r %s" % (option, _redact(value, "", []), why))


def _parse_time(value):
    """VALUE (ISO 8601 text or a datetime) as an aware UTC datetime; None when empty; ValueError when not a time.
    AWS times are UTC: a time without an offset (given by hand, or a MySQL DATETIME read back) is taken as UTC rather
    than the control node's zone (``_inputs.parse_time`` with NAIVE_UTC)."""
    if value in (None, ""):
        return None
    return inputs.parse_time(value if isinstance(value, datetime.datetime) else to_text(value), "time", relative=False, naive_utc=True)


def _iso(value, option):
    """Return VALUE (an ISO 8601 string or a datetime) as ISO 8601 in UTC, or None when it is empty."""
    try:
        parsed = _parse_time(value)
    except (TypeError, ValueError):
        _fail(option, value, "is not an ISO 8601 time, for example 2026-11-24T03:10:00Z")
    return parsed.strftime(ISO_FORMAT) if parsed else None


def _lenient_iso(value):
    """Like _iso, for times inside free-form check details: a value that is not a time is left out, not an error."""
    try:
        parsed = _parse_time(value)
    except (TypeError, ValueError):
        return None
    return parsed.strftime(ISO_FORMAT) if parsed else None


def _seconds_between(started, finished):
    if not started or not finished:
        return None
    start = datetime.datetime.strptime(started, ISO_FORMAT)
    end = datetime.datetime.strptime(finished, ISO_FORMAT)
    return int((end - start).total_seconds())


def _duration_text(seconds):
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return "%s%dh %02dm %02ds" % (sign, seconds // 3600, seconds % 3600 // 60, seconds % 60)


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
        # What AWS reports of a restore testing job's validation and of the deletion of what it restored.
        "validation_status": _text_or_none(job.get("validation_status")),
        "deletion_status": _text_or_none(job.get("deletion_status")),
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
        # When the check ran, if the caller knows: the last one is when the restore was validated (RTO).
        "time": _iso(item.get("time"), option + ".time"),
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


def _phase(item, option):
    if not isinstance(item, dict) or not item.get("name"):
        _fail(option, item, "must be a dictionary with at least name and start (ISO 8601)")
    status = item.get("status")
    if status not in (None, ""):
        status = to_text(status).strip().lower()
        if status not in PHASE_STATUSES:
            _fail(option + ".status", item.get("status"), "must be one of %s" % ", ".join(PHASE_STATUSES))
    else:
        status = None
    start = _iso(item.get("start"), option + ".start")
    end = _iso(item.get("end"), option + ".end")
    if start is None and status != "skipped":
        _fail(option + ".start", item.get("start"), "is required (ISO 8601) unless the phase's status is skipped")
    if start and end and end < start:
        _fail(option + ".end", item.get("end"), "is before the phase's start %s" % start)
    if status is None:
        status = "done" if end else ("running" if start else "skipped")
    return {
        "name": to_text(item["name"]),
        "start": start,
        "end": end,
        "duration_seconds": _seconds_between(start, end),
        "status": status,
        "source": "restore_report_phases",
    }


def phases_from_marks(marks, finished, outcome):
    """The phases a playbook marked (restore_report_phase_marks, [{name, start}]): each ends where the next begins, the
    last at FINISHED, and the last failed when the run did."""
    for index, mark in enumerate(marks):
        if not isinstance(mark, dict):
            _fail("restore_report_phase_marks[%d]" % index, mark, "must be a dictionary with name and start (ISO 8601)")
    return [{"name": mark.get("name"), "start": mark.get("start"),
             "end": marks[index + 1].get("start") if index + 1 < len(marks) else finished,
             "status": "failed" if index + 1 == len(marks) and outcome == "failed" else "done"}
            for index, mark in enumerate(marks)]


def restore_report_step_phases(steps):
    """Recorded steps ([{step, phase, result, at}], the in-place swap's rds_swap_steps) as report phases: each from the
    step before it (the first from its own time) to its own time; failed, skipped ("not needed") or done. The filter
    restore_report_step_phases (its own plugin file, for its documentation) applies it."""
    if not isinstance(steps, (list, tuple)):
        raise ReportError("restore_report_step_phases: expects a list of recorded steps, got %r" % (steps,))
    phases = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            raise ReportError("restore_report_step_phases: step %d is not a dictionary: %r" % (index + 1, step))
        result = step.get("result")
        phases.append({"name": "%s %s" % (step.get("phase"), step.get("step")),
                       "start": steps[index - 1].get("at") if index else step.get("at"), "end": step.get("at"),
                       "status": "failed" if result == "failed" else "skipped" if result == "not needed" else "done"})
    return phases


def _derived_phases(restore_jobs, checks):
    """Phases the run's own records date, for a caller that passed none: the restore jobs and the timed checks."""
    phases = []
    started_jobs = [job for job in restore_jobs if job["started"]]
    if started_jobs:
        finished = [job["finished"] for job in started_jobs if job["finished"]]
        unfinished = len(finished) < len(started_jobs)
        if any(job["status"] in JOB_FAILED for job in started_jobs):
            status = "failed"
        else:
            status = "running" if unfinished else "done"
        start = min(job["started"] for job in started_jobs)
        end = None if unfinished else max(finished)
        phases.append({"name": "restore", "start": start, "end": end, "duration_seconds": _seconds_between(start, end),
                       "status": status, "source": "restore_jobs"})
    timed = [check for check in checks if check["time"]]
    if timed:
        start = min(check["time"] for check in timed)
        end = max(check["time"] for check in timed)
        phases.append({"name": "validate", "start": start, "end": end, "duration_seconds": _seconds_between(start, end),
                       "status": "failed" if any(check["result"] == "fail" for check in timed) else "done",
                       "source": "checks"})
    return phases


def _freshness_entries(details):
    """The freshness measurements in one check's details, as restorekit.aws.validate_mysql reports them.

    validate_mysql puts one measurement per live table under details.freshness ({table, column, newest, lag_minutes,
    recovery_point_time, ok}); a dictionary of such by table, or a list of them, is read too.
    """
    if not isinstance(details, dict):
        return []
    found = details.get("freshness")
    if isinstance(found, dict) and ("newest" in found or "table" in found):
        return [found]
    if isinstance(found, dict):
        return [entry for entry in found.values() if isinstance(entry, dict)]
    if isinstance(found, (list, tuple)):
        return [entry for entry in found if isinstance(entry, dict)]
    return []


def _data_freshness(checks, incident):
    measured = []
    for check in checks:
        for entry in _freshness_entries(check["details"]):
            newest = _lenient_iso(entry.get("newest"))
            point = _lenient_iso(entry.get("recovery_point_time"))
            behind = _seconds_between(newest, point)
            lag = entry.get("lag_minutes")
            if behind is None and isinstance(lag, (int, float)) and not isinstance(lag, bool):
                behind = int(round(lag * 60))
            ok = entry.get("ok")
            measured.append({
                "check": check["name"],
                "target": check["target"],
                "table": _text_or_none(entry.get("table")),
                "column": _text_or_none(entry.get("column")),
                "newest": newest,
                "recovery_point_time": point,
                "behind_recovery_point_seconds": behind,
                # The data a restore holds ends at its newest row: what was written after it, up to the incident, is lost.
                "rpo_seconds": _seconds_between(newest, incident),
                "ok": ok if isinstance(ok, bool) else None,
            })
    return measured


def _worst(values):
    known = [value for value in values if value is not None]
    return max(known) if known else None


def _rpo(incident, recovery_points, restore_jobs, checks, notes):
    """RPO achieved: the incident time minus each recovery point's creation time, and minus the data's newest row."""
    points = []
    seen = set()
    for point in recovery_points:
        seen.add(point["arn"])
        seconds = _seconds_between(point["creation_date"], incident)
        if seconds is not None and seconds < 0:
            notes.append("Recovery point %s was created %s after the incident time %s: it may hold the damage." % (
                point["arn"], _duration_text(-seconds), incident))
        points.append({"recovery_point_arn": point["arn"], "resource_arn": point["resource_arn"],
                       "resource_type": point["resource_type"], "creation_date": point["creation_date"],
                       "rpo_seconds": seconds})
    for job in restore_jobs:
        if job["recovery_point_arn"] and job["recovery_point_arn"] not in seen:
            # A job's point that was not passed in full: recorded, but its creation time is unknown here.
            seen.add(job["recovery_point_arn"])
            points.append({"recovery_point_arn": job["recovery_point_arn"], "resource_arn": None,
                           "resource_type": job["resource_type"], "creation_date": None, "rpo_seconds": None})
    freshness = _data_freshness(checks, incident)
    return {
        "incident_time": incident,
        "seconds": _worst(point["rpo_seconds"] for point in points),
        "data_seconds": _worst(entry["rpo_seconds"] for entry in freshness),
        "recovery_points": points,
        "data_freshness": freshness,
    }


def _rto(decision, run, checks, phases, notes):
    """RTO: from the decision to restore to the restore validated (the last timed check, the end of a validate
    phase, else the end of the run)."""
    check_times = [check["time"] for check in checks if check["time"]]
    validate_ends = [phase["end"] for phase in phases if phase["end"] and phase["name"].strip().lower().startswith("validat")]
    if check_times:
        validated, source = max(check_times), "checks"
    elif validate_ends:
        validated, source = max(validate_ends), "phases"
    else:
        validated, source = run["finished"], "run.finished"
    started = decision or run["started"]
    seconds = _seconds_between(started, validated)
    if seconds is not None and seconds < 0:
        notes.append("The decision time %s is after the validation time %s: RTO not measured." % (started, validated))
        seconds = None
    return {
        "decision_time": started,
        "decision_source": "restore_report_decision_time" if decision else "run.started",
        "validated_time": validated,
        "validated_source": source,
        "seconds": seconds,
        "validation_passed": (not any(check["result"] == "fail" for check in checks)) if checks else None,
    }


def _item(key, text, source, status, answer):
    return {"id": key, "item": text, "source": source, "status": status, "answer": answer}


def _checklist(report):
    """Runbook section 10, then what the run itself measured; each answered when the run knows, else for a human."""
    points = report["rpo"]["recovery_points"]
    jobs = report["restore_jobs"]
    checks = report["checks"]
    failed = [check for check in checks if check["result"] == "fail"]
    warned = [check for check in checks if check["result"] == "warn"]
    dry = " (check mode: nothing was restored)" if report["run"]["check_mode"] else ""
    items = []

    findings = []
    if failed:
        findings.append("%d failed check%s" % (len(failed), "" if len(failed) == 1 else "s"))
    if warned:
        findings.append("%d warning%s" % (len(warned), "" if len(warned) == 1 else "s"))
    if report["notes"]:
        findings.append("%d note%s" % (len(report["notes"]), "" if len(report["notes"]) == 1 else "s"))
    key, text = RUNBOOK_CHECKLIST[0]
    answer = TODO + (": this report has %s to go through." % ", ".join(findings) if findings else ".")
    items.append(_item(key, text, "runbook", "todo", answer))

    key, text = RUNBOOK_CHECKLIST[1]
    if points or jobs:
        said = []
        if points:
            arns = ", ".join(point["recovery_point_arn"] for point in points)
            said.append("recovery point%s %s" % ("" if len(points) == 1 else "s", arns))
        if jobs:
            said.append("restore job%s %s" % ("" if len(jobs) == 1 else "s", ", ".join(job["restore_job_id"] for job in jobs)))
        else:
            said.append("no restore job was started by this run")
        items.append(_item(key, text, "runbook", "done", "Recorded in this report: %s%s." % ("; ".join(said), dry)))
    else:
        items.append(_item(key, text, "runbook", "todo", TODO + ": this run recorded no recovery point and no restore job."))

    key, text = RUNBOOK_CHECKLIST[2]
    vaults = sorted(set(point["vault"] for point in report["recovery_points"] if point["vault"]))
    items.append(_item(key, text, "runbook", "todo", TODO + ("" if not vaults else " (vault%s used: %s)" % (
        "" if len(vaults) == 1 else "s", ", ".join(vaults))) + "."))

    key, text = RUNBOOK_CHECKLIST[3]
    items.append(_item(key, text, "runbook", "todo", TODO + "."))

    text = "Validate the restored resources (runbook 5.4, 6.3, 7)."
    if not checks:
        items.append(_item("validation", text, "run", "todo", TODO + ": this run made no check%s." % dry))
    elif failed:
        items.append(_item("validation", text, "run", "attention", "%d of %d checks failed: %s." % (
            len(failed), len(checks), ", ".join(check["name"] for check in failed))))
    else:
        items.append(_item("validation", text, "run", "done", "%d check%s, none failed (%d warned, %d skipped)." % (
            len(checks), "" if len(checks) == 1 else "s", len(warned), sum(1 for check in checks if check["result"] == "skip"))))

    text = "Measure the RPO achieved (incident time minus the recovery point's time)."
    rpo = report["rpo"]
    if rpo["seconds"] is None and rpo["data_seconds"] is None:
        why = "no incident time was given (restore_report_incident_time)" if not rpo["incident_time"] else \
            "no recovery point creation time or data freshness is known"
        items.append(_item("rpo", text, "run", "todo", "%s: %s." % (TODO, why)))
    else:
        said = []
        if rpo["seconds"] is not None:
            said.append("%s from the recovery point" % _duration_text(rpo["seconds"]))
        if rpo["data_seconds"] is not None:
            said.append("%s from the newest restored data" % _duration_text(rpo["data_seconds"]))
        items.append(_item("rpo", text, "run", "done", "Worst: %s, to the incident at %s%s." % (
            "; ".join(said), rpo["incident_time"], dry)))

    text = "Measure the RTO (decision to validated restore)."
    rto = report["rto"]
    if rto["seconds"] is None:
        items.append(_item("rto", text, "run", "todo", TODO + ": the decision and validation times do not give a duration."))
    else:
        measured = "%s, from %s (%s) to %s (%s)" % (_duration_text(rto["seconds"]), rto["decision_time"], rto["decision_source"],
                                                    rto["validated_time"], rto["validated_source"])
        if rto["validation_passed"]:
            items.append(_item("rto", text, "run", "done", measured + dry + "."))
        else:
            items.append(_item("rto", text, "run", "attention", measured + ", but the restore was not validated%s." % (
                ": a check failed" if rto["validation_passed"] is False else ": no check was made")))
    return items


def restore_report(data):
    """Build the report of one run from the role's inputs (see DOCUMENTATION)."""
    if not isinstance(data, dict):
        raise ReportError("restore_report: the input must be a dictionary, got %r" % (data,))
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
    phases = [_phase(item, "restore_report_phases[%d]" % index)
              for index, item in enumerate(_as_list(data.get("phases"), "restore_report_phases"))]
    incident = _iso(data.get("incident_time"), "restore_report_incident_time")
    decision = _iso(data.get("decision_time"), "restore_report_decision_time")

    finished = _iso(run.get("finished"), "run.finished") or datetime.datetime.now(datetime.timezone.utc).strftime(ISO_FORMAT)
    # Without an explicit start, the first restore job's start is closer to the truth than the report's own time.
    started = _iso(run.get("started"), "restore_report_started") or min(
        [job["started"] for job in restore_jobs if job["started"]] or [finished])
    playbook = _text_or_none(run.get("playbook")) or "restore"
    run_id = _text_or_none(run.get("id")) or "%s-%s" % (_slug(playbook), finished.replace("-", "").replace(":", ""))
    if "/" in run_id or run_id.startswith("."):
        _fail("restore_report_name", run_id, "must be a plain file name, without '/' and not starting with '.'")
    if not phases and data.get("phase_marks"):
        marks = _as_list(data.get("phase_marks"), "restore_report_phase_marks")
        phases = [_phase(item, "restore_report_phase_marks[%d]" % index)
                  for index, item in enumerate(phases_from_marks(marks, finished, outcome))]
    if not phases:
        phases = _derived_phases(restore_jobs, checks)

    measured_notes = []
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
        "rpo": _rpo(incident, recovery_points, restore_jobs, checks, measured_notes),
        "phases": phases,
    }
    report["rto"] = _rto(decision, report["run"], checks, phases, measured_notes)
    report["notes"] = [to_text(note) for note in notes] + job_notes + measured_notes
    report["checklist"] = _checklist(report)
    dropped = []
    report = _redact(report, "", dropped)
    report["redacted"] = dropped
    return report
