# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of the in-place swap (runbook 5.3) as the report lists them, reached through the ``restorekit.aws.rds_swap_steps``
filter: each step recorded (``record``), the writer groups' sizes read before they stop (``writer_sizes``), and the
rollback, decided from what exists now rather than from what the run believes it did - which of the instances exist
(``exists``), each rollback step's result from the registered results of its tasks (``names_back``, ``endpoint_back``,
``restored_instance``, ``writers_back``, ``production_check``), and whether the rollback is complete (``failed``)."""

from __future__ import annotations

import datetime


def _skipped(result):
    return not isinstance(result, dict) or bool(result.get("skipped"))


def _failed(*results):
    return any(isinstance(result, dict) and result.get("failed") for result in results)


def _message(*results):
    return next((result["msg"] for result in results if isinstance(result, dict) and result.get("msg") and not result.get("skipped")), "")


def writer_sizes(info):
    """[{name, min_size, max_size, desired_capacity}] of each writer group, as read before the writers stop (the
    autoscaling_group_info loop's result; nothing read yet is no group)."""
    return [{"name": group["auto_scaling_group_name"], "min_size": group["min_size"], "max_size": group["max_size"],
             "desired_capacity": group["desired_capacity"]}
            for result in (info or {}).get("results") or [] for group in (result.get("results") or [])[:1]]


def exists(info, identifiers=()):
    """{identifier: whether it exists} for each of IDENTIFIERS, from one rds_instance_info read of them (filters
    db-instance-id); a read that failed finds none."""
    found = {instance.get("db_instance_identifier") for instance in (info or {}).get("instances") or []}
    return {identifier: identifier in found for identifier in identifiers}


def names_back(found, restore_away=None, production_back=None, old_identifier="", restore_identifier=""):
    """The restore renamed away from production's name (only when production really was renamed away), production
    renamed back."""
    result = "failed" if _failed(restore_away, production_back) else ("done" if found.get(old_identifier) else "not needed")
    return {"result": result, "details": {
        "restore_renamed_to": "" if _skipped(restore_away) else restore_identifier,
        "production_renamed_back_from": "" if _skipped(production_back) else old_identifier,
        "error": _message(restore_away, production_back)}}


def endpoint_back(previous, ssm=None, secret=None, parameter="", secret_name=""):
    """The endpoint's SSM parameter and secret as they were before the swap (PREVIOUS holds what was read: ssm, secret)."""
    previous = previous or {}
    result = "failed" if _failed(ssm, secret) else ("done" if previous else "not needed")
    return {"result": result, "details": {"ssm_parameter": parameter if "ssm" in previous else "",
                                          "secret": secret_name if "secret" in previous else ""}}


def restored_instance(info, delete=None, identifier=""):
    """The restore this run created: deleted when asked, else left for inspection."""
    if not (info or {}).get("instances"):
        result = "not needed"
    elif _failed(delete):
        result = "failed"
    else:
        result = "left for inspection" if _skipped(delete) else "deleted"
    return {"result": result, "details": {"db_instance_identifier": identifier, "error": _message(delete)}}


def writers_back(writers, sizes=()):
    """The writer groups back at their remembered sizes."""
    failed = any(item.get("failed") for item in (writers or {}).get("results") or [])
    return {"result": "failed" if failed else ("done" if sizes else "not needed"), "details": {"groups": list(sizes or [])}}


def production_check(final, resource_id_before="", identifier=""):
    """Production answers under its name, and it is the same instance as before the swap (its DbiResourceId)."""
    ids = [instance.get("dbi_resource_id") for instance in (final or {}).get("instances") or []]
    same = ids == [resource_id_before]
    return {"result": "done" if same else "failed", "details": {"db_instance_identifier": identifier, "same_instance_as_before": same}}


def failed(steps):
    """Whether any rollback step failed: the responder must act by hand on it."""
    return any(step.get("phase") == "rollback" and step.get("result") == "failed" for step in steps or [])


CHECK_RESULTS = {"done": "pass", "deleted": "pass", "failed": "fail", "not needed": "skip"}


def record(steps, name, phase="swap", result="done", details=None, outcome=None, target="", checks=None, now=None):
    """{steps, checks}: STEPS (rds_swap_steps) with one more step of the swap or its rollback, and CHECKS
    (rds_swap_report_checks) with the same step as a check of the restore report. OUTCOME, when given, is a rollback
    step's answer above ({result, details}) and replaces RESULT and DETAILS."""
    if outcome:
        result, details = outcome.get("result", result), outcome.get("details", details)
    at = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    details = dict(details or {})
    entry = {"step": name, "phase": phase, "result": result, "at": at, "summary": "%s %s" % (name, result), "details": details}
    check = {"name": "%s: %s" % (phase, name), "target": target, "result": CHECK_RESULTS.get(result, "warn"),
             "details": dict(details, at=at, result=result)}
    return {"steps": list(steps or []) + [entry], "checks": list(checks or []) + [check]}
