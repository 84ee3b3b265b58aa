# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup Restore Testing: plans and selections (``restorekit.aws.restore_testing_plan``), the restore jobs a
plan ran (``restorekit.aws.restore_testing_job_info``) and their validation results
(``restorekit.aws.restore_validation_result``).

AWS restores on the plan's schedule and leaves validation to the customer: a job created by a plan waits in
``ValidationStatus`` ``VALIDATING`` until PutRestoreValidationResult reports ``SUCCESSFUL`` or ``FAILED``, and AWS
deletes what it restored when the selection's validation window ends.
"""

from __future__ import annotations

import copy
import re

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler

NAME = re.compile(r"^[a-zA-Z0-9_]{1,50}$")
RESOURCE_TYPES = ("RDS", "S3", "EC2")
VALIDATION_STATUSES = ("SUCCESSFUL", "FAILED", "TIMED_OUT", "VALIDATING")
# Members of a plan and of a selection that Update* can change; the rest (names, resource type) only a re-create can.
PLAN_UPDATABLE = ("RecoveryPointSelection", "ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours")
SELECTION_UPDATABLE = ("IamRoleArn", "ProtectedResourceArns", "ProtectedResourceConditions", "RestoreMetadataOverrides",
                       "ValidationWindowHours")


class RestoreTestingError(Exception):
    """A refusal with a message naming the option and value at fault."""


# ------------------------------------------------------------------------------------------ plans and selections
def plan_request(params):
    """The CreateRestoreTestingPlan body (without its name) from the module's snake_case options."""
    selection = params["recovery_point_selection"] or {}
    rps = {
        "Algorithm": selection.get("algorithm") or "LATEST_WITHIN_WINDOW",
        "IncludeVaults": list(selection.get("include_vaults") or ["*"]),
        "RecoveryPointTypes": list(selection.get("recovery_point_types") or ["SNAPSHOT"]),
    }
    if selection.get("exclude_vaults"):
        rps["ExcludeVaults"] = list(selection["exclude_vaults"])
    if selection.get("selection_window_days") is not None:
        rps["SelectionWindowDays"] = selection["selection_window_days"]
    plan = {"RecoveryPointSelection": rps, "ScheduleExpression": params["schedule_expression"]}
    if params.get("schedule_expression_timezone"):
        plan["ScheduleExpressionTimezone"] = params["schedule_expression_timezone"]
    if params.get("start_window_hours") is not None:
        plan["StartWindowHours"] = params["start_window_hours"]
    return plan


def selection_request(spec):
    """The CreateRestoreTestingSelection body from one element of the module's ``selections``."""
    selection = {
        "RestoreTestingSelectionName": spec["name"],
        "ProtectedResourceType": spec["protected_resource_type"],
        "IamRoleArn": spec["iam_role_arn"],
    }
    if spec.get("protected_resource_arns"):
        selection["ProtectedResourceArns"] = list(spec["protected_resource_arns"])
    if spec.get("protected_resource_conditions"):
        selection["ProtectedResourceConditions"] = copy.deepcopy(spec["protected_resource_conditions"])
    if spec.get("restore_metadata_overrides"):
        # Restore metadata values are strings on the wire; a YAML true or 3306 would be refused by AWS.
        selection["RestoreMetadataOverrides"] = {k: _metadata_string(v) for k, v in spec["restore_metadata_overrides"].items()}
    if spec.get("validation_window_hours") is not None:
        selection["ValidationWindowHours"] = spec["validation_window_hours"]
    return selection


def _metadata_string(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# The resources a selection of each type may name (besides '*'), as (ARN service, resource types).
PROTECTED_ARNS = {"RDS": ("rds", ("db",)), "S3": ("s3", None), "EC2": ("ec2", ("instance",))}
CONDITION_KINDS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
MAX_WINDOW_HOURS = 168


def _vaults(values, option, region):
    """'*' or backup vault ARNs of this region, each once."""
    for index, value in enumerate(values or []):
        if value != "*":
            inputs.backup_vault_arn(value, "%s[%d]" % (option, index), region=region)
    inputs.unique(values, option)
    if values and "*" in values and len(values) > 1:
        inputs.fail(option, values, "'*' already names every vault; list either '*' or vault ARNs")


def _conditions(value, option):
    if not isinstance(value, dict):
        inputs.fail(option, value, "must be a dictionary of %s to lists of {Key, Value}" % "/".join(CONDITION_KINDS))
    for kind, entries in value.items():
        if kind not in CONDITION_KINDS:
            inputs.fail(option, value, "%r is not a condition (%s)" % (kind, ", ".join(CONDITION_KINDS)))
        if not isinstance(entries, list) or not entries or not all(
                isinstance(entry, dict) and set(entry) == {"Key", "Value"} and str(entry["Key"]).strip() for entry in entries):
            inputs.fail(option, value, "%s must be a non-empty list of {Key, Value} with a non-empty Key" % kind)


def _check_inputs(params, region):
    """The rules of _inputs on the plan's options: windows in AWS's range, vault and resource ARNs, tags."""
    if params.get("start_window_hours") is not None:
        # AWS Backup: StartWindowHours is at most 168 hours (a week); a window of 0 hours would never start a restore.
        inputs.integer(params["start_window_hours"], "start_window_hours", 1, MAX_WINDOW_HOURS)
    if params.get("schedule_expression_timezone") is not None:
        timezone(params["schedule_expression_timezone"], "schedule_expression_timezone")
    selection = params.get("recovery_point_selection") or {}
    option = "recovery_point_selection."
    _vaults(selection.get("include_vaults"), option + "include_vaults", region)
    if selection.get("exclude_vaults") is not None:
        if "*" in selection["exclude_vaults"]:
            inputs.fail(option + "exclude_vaults", selection["exclude_vaults"], "'*' would exclude every vault")
        _vaults(selection["exclude_vaults"], option + "exclude_vaults", region)
        both = sorted(set(selection.get("include_vaults") or []) & set(selection["exclude_vaults"]))
        if both:
            inputs.contradiction([(option + "include_vaults", selection.get("include_vaults")), (option + "exclude_vaults", selection["exclude_vaults"])],
                                 "%s is both included and excluded" % ", ".join(both))
    inputs.unique(selection.get("recovery_point_types"), option + "recovery_point_types")
    inputs.tags(params.get("tags"), "tags")
    for spec in params.get("selections") or []:
        where = "selections[%s]." % spec.get("name")
        inputs.iam_role_arn(spec.get("iam_role_arn"), where + "iam_role_arn")
        arns = spec.get("protected_resource_arns") or []
        service, kinds = PROTECTED_ARNS.get(spec.get("protected_resource_type"), (None, None))
        for index, value in enumerate(arns):
            if value != "*":
                inputs.arn(value, "%sprotected_resource_arns[%d]" % (where, index), service, kinds, region=region if service != "s3" else None,
                           what="an ARN of a protected %s resource" % spec.get("protected_resource_type"))
        inputs.unique(arns, where + "protected_resource_arns")
        if "*" in arns and len(arns) > 1:
            inputs.fail(where + "protected_resource_arns", arns, "'*' already names every protected resource of the type")
        if spec.get("protected_resource_conditions") is not None:
            _conditions(spec["protected_resource_conditions"], where + "protected_resource_conditions")
        if spec.get("restore_metadata_overrides") and spec.get("protected_resource_type") in rm.RESOURCE_TYPES:
            rm.check_values(spec["protected_resource_type"], spec["restore_metadata_overrides"], region,
                            where + "restore_metadata_overrides")


def timezone(value, option):
    """An IANA time zone name (AWS Backup takes them for schedules), checked against the zone database when present."""
    inputs.text(value, option, strip=False)
    try:
        import zoneinfo
        known = zoneinfo.available_timezones()
    except ImportError:
        return value
    if known and value not in known | {"UTC"}:
        inputs.fail(option, value, "not a time zone name (IANA, for example Europe/Paris or UTC)")
    return value


def validate_params(params, region=None):
    """Refusals before any call, each naming the option and the value. REGION is where the plan lives: a vault or
    resource ARN of another region is refused."""
    try:
        _validate(params, region)
    except (inputs.InputError, rm.MetadataError) as e:
        raise RestoreTestingError(str(e)) from None


def _validate(params, region):
    if not NAME.match(params["name"] or ""):
        raise RestoreTestingError("name=%r must be 1 to 50 letters, digits or underscores (AWS Backup's rule for a "
                                  "restore testing plan name)" % params["name"])
    if params["state"] == "absent":
        return
    if not (params.get("schedule_expression") or "").startswith(("cron(", "rate(")):
        raise RestoreTestingError("schedule_expression=%r is not a cron() or rate() expression" % params.get("schedule_expression"))
    window = (params.get("recovery_point_selection") or {}).get("selection_window_days")
    if window is not None and not 1 <= window <= 365:
        raise RestoreTestingError("recovery_point_selection.selection_window_days=%r must be 1 to 365" % window)
    names = []
    for spec in params.get("selections") or []:
        if not NAME.match(spec["name"] or ""):
            raise RestoreTestingError("selections[].name=%r must be 1 to 50 letters, digits or underscores" % spec["name"])
        if spec["name"] in names:
            raise RestoreTestingError("selections[].name=%r is given twice" % spec["name"])
        names.append(spec["name"])
        if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$", spec["iam_role_arn"] or ""):
            raise RestoreTestingError("selections[%s].iam_role_arn=%r is not an IAM role ARN" % (spec["name"], spec["iam_role_arn"]))
        arns = spec.get("protected_resource_arns") or []
        if not arns and not spec.get("protected_resource_conditions"):
            raise RestoreTestingError("selections[%s] selects nothing: give protected_resource_arns (['*'] for every "
                                      "resource of the type) or protected_resource_conditions" % spec["name"])
        hours = spec.get("validation_window_hours")
        if hours is not None and not 1 <= hours <= 168:
            raise RestoreTestingError("selections[%s].validation_window_hours=%r must be 1 to 168" % (spec["name"], hours))
    _check_inputs(params, region)


# BACKUP, in every call here, comes from ``module.client("backup", retry_decorator=_retries.jittered_backoff())``: calls
# pass ``aws_retry``. A failed call raises AnsibleBackupError ("Failed to <what was being done>: <what AWS said>").

@BackupErrorHandler.list_error_handler("get restore testing plan")
def get_plan(backup, name):
    """The plan as GetRestoreTestingPlan returns it, or None."""
    return backup.get_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name)["RestoreTestingPlan"]


@BackupErrorHandler.common_error_handler("create restore testing plan")
def _create_plan(backup, request):
    return backup.create_restore_testing_plan(aws_retry=True, **request)["RestoreTestingPlanArn"]


@BackupErrorHandler.common_error_handler("update restore testing plan")
def _update_plan(backup, name, changes):
    backup.update_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name, RestoreTestingPlan=changes)


@BackupErrorHandler.common_error_handler("delete restore testing plan")
def _delete_plan(backup, name):
    backup.delete_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name)


@BackupErrorHandler.common_error_handler("create restore testing selection")
def _create_selection(backup, plan_name, selection):
    backup.create_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=plan_name, RestoreTestingSelection=selection)


@BackupErrorHandler.common_error_handler("update restore testing selection")
def _update_selection(backup, plan_name, selection_name, changes):
    backup.update_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=selection_name,
                                            RestoreTestingSelection=changes)


@BackupErrorHandler.common_error_handler("delete restore testing selection")
def _delete_selection(backup, plan_name, selection_name):
    backup.delete_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=selection_name)


@BackupErrorHandler.common_error_handler("read restore testing selections")
def get_selections(backup, plan_name):
    """{selection name: selection as GetRestoreTestingSelection returns it} of the plan, all pages."""
    found = {}
    paginator = backup.get_paginator("list_restore_testing_selections")
    for page in paginator.paginate(RestoreTestingPlanName=plan_name):
        for item in page.get("RestoreTestingSelections", []):
            name = item["RestoreTestingSelectionName"]
            found[name] = backup.get_restore_testing_selection(
                aws_retry=True, RestoreTestingPlanName=plan_name, RestoreTestingSelectionName=name)["RestoreTestingSelection"]
    return found


def _differs(wanted, current, keys):
    """The keys of KEYS whose wanted value differs from the current one (a key not wanted is not compared). The
    recovery point selection is compared by the members wanted, as AWS fills in the ones left out."""
    differ = []
    for key in keys:
        if key not in wanted:
            continue
        have = current.get(key)
        if key == "RecoveryPointSelection" and isinstance(have, dict):
            have = {member: have.get(member) for member in wanted[key]}
        if _normal(wanted[key]) != _normal(have):
            differ.append(key)
    return differ


def _normal(value):
    if isinstance(value, list):
        return sorted(_normal(v) for v in value) if all(isinstance(v, str) for v in value) else [_normal(v) for v in value]
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _view(plan, selections):
    """What the module returns and diffs: the plan and its selections, without timestamps."""
    if plan is None:
        return {}
    drop = ("CreationTime", "LastExecutionTime", "LastUpdateTime", "CreatorRequestId")
    return {
        "plan": {k: v for k, v in plan.items() if k not in drop},
        "selections": {name: {k: v for k, v in s.items() if k not in drop + ("RestoreTestingPlanName",)}
                       for name, s in sorted(selections.items())},
    }


def ensure_plan(backup, params, check_mode):
    """(changed, actions, before, after): make the plan and its selections as PARAMS asks. ACTIONS says what was
    (or, in check mode, would be) done, one line each."""
    name = params["name"]
    current = get_plan(backup, name)
    current_selections = get_selections(backup, name) if current else {}
    before = _view(current, current_selections)
    actions = []
    if params["state"] == "absent":
        if current is None:
            return False, [], before, {}
        for selection in sorted(current_selections):
            actions.append("delete selection %s" % selection)
            if not check_mode:
                _delete_selection(backup, name, selection)
        actions.append("delete plan %s" % name)
        if not check_mode:
            _delete_plan(backup, name)
        return True, actions, before, {}

    wanted_plan = plan_request(params)
    plan = dict(current or {})
    if current is None:
        actions.append("create plan %s" % name)
        plan = dict(wanted_plan, RestoreTestingPlanName=name, RestoreTestingPlanArn=None)
        if not check_mode:
            request = {"RestoreTestingPlan": dict(wanted_plan, RestoreTestingPlanName=name)}
            if params.get("tags"):
                request["Tags"] = dict(params["tags"])
            plan = dict(plan, RestoreTestingPlanArn=_create_plan(backup, request))
    else:
        changed_keys = _differs(wanted_plan, current, PLAN_UPDATABLE)
        if changed_keys:
            actions.append("update plan %s (%s)" % (name, ", ".join(changed_keys)))
            plan.update({key: wanted_plan[key] for key in changed_keys})
            if not check_mode:
                _update_plan(backup, name, {key: wanted_plan[key] for key in changed_keys})

    selections = dict(current_selections)
    for spec in params.get("selections") or []:
        wanted = selection_request(spec)
        selection_name = wanted["RestoreTestingSelectionName"]
        existing = current_selections.get(selection_name)
        if existing is not None and existing.get("ProtectedResourceType") != wanted["ProtectedResourceType"]:
            # The resource type cannot be updated: the selection is replaced.
            actions.append("replace selection %s (ProtectedResourceType %s -> %s)"
                           % (selection_name, existing.get("ProtectedResourceType"), wanted["ProtectedResourceType"]))
            if not check_mode:
                _delete_selection(backup, name, selection_name)
            existing = None
        elif existing is None:
            actions.append("create selection %s (%s)" % (selection_name, wanted["ProtectedResourceType"]))
        if existing is None:
            if not check_mode:
                _create_selection(backup, name, wanted)
            selections[selection_name] = wanted
            continue
        # A member the options leave out keeps its value (as UpdateRestoreTestingSelection treats it).
        changed_keys = _differs(wanted, existing, SELECTION_UPDATABLE)
        if changed_keys:
            actions.append("update selection %s (%s)" % (selection_name, ", ".join(changed_keys)))
            selections[selection_name] = dict(existing, **{key: wanted[key] for key in changed_keys})
            if not check_mode:
                _update_selection(backup, name, selection_name, {key: wanted[key] for key in changed_keys})
    if params.get("purge_selections"):
        declared_names = {spec["name"] for spec in params.get("selections") or []}
        for selection_name in sorted(set(current_selections) - declared_names):
            actions.append("delete selection %s" % selection_name)
            selections.pop(selection_name)
            if not check_mode:
                _delete_selection(backup, name, selection_name)
    if actions and not check_mode:
        plan = get_plan(backup, name)
        selections = get_selections(backup, name)
    return bool(actions), actions, before, _view(plan, selections)


# ------------------------------------------------------------------------------------------ restore jobs
def plan_arn(backup, name_or_arn):
    """The ARN of a restore testing plan given by name or ARN (an ARN is returned as it is)."""
    if name_or_arn.startswith("arn:"):
        return name_or_arn
    plan = get_plan(backup, name_or_arn)
    if plan is None:
        raise RestoreTestingError("restore_testing_plan=%r: no restore testing plan of that name in this region" % name_or_arn)
    return plan["RestoreTestingPlanArn"]


def created_resource(job):
    """(kind, name) of what a restore job created, from its CreatedResourceArn: ('db', identifier),
    ('bucket', name), ('instance', id), or (None, None) while nothing is created."""
    arn = job.get("CreatedResourceArn") or ""
    match = re.match(r"^arn:aws[a-z-]*:rds:[^:]*:\d*:db:(.+)$", arn)
    if match:
        return "db", match.group(1)
    match = re.match(r"^arn:aws[a-z-]*:s3:::([^/]+)$", arn)
    if match:
        return "bucket", match.group(1)
    match = re.match(r"^arn:aws[a-z-]*:ec2:[^:]*:\d*:instance/(i-[0-9a-f]+)$", arn)
    if match:
        return "instance", match.group(1)
    return None, None


def source_resource(job):
    """(kind, name) of the resource the recovery point was taken from, like created_resource()."""
    return created_resource({"CreatedResourceArn": job.get("SourceResourceArn")})


def _enrich(job):
    kind, name = created_resource(job)
    source_kind, source_name = source_resource(job)
    return dict(job, RestoreTestingPlanArn=(job.get("CreatedBy") or {}).get("RestoreTestingPlanArn"),
                CreatedResourceKind=kind, CreatedResourceName=name, SourceResourceName=source_name if source_kind else None)


@BackupErrorHandler.list_error_handler("describe restore job")
def _describe_restore_job(backup, job_id):
    job = backup.describe_restore_job(aws_retry=True, RestoreJobId=job_id)
    job.pop("ResponseMetadata", None)
    return job


def _restore_job(backup, job_id):
    """The restore job JOB_ID; RestoreTestingError naming restore_job_id when there is none."""
    job = _describe_restore_job(backup, job_id)
    if job is None:
        raise RestoreTestingError("restore_job_id=%r: no such restore job in this account and region" % job_id)
    return job


@BackupErrorHandler.common_error_handler("list restore jobs")
def _restore_jobs(backup, **request):
    return [job for page in backup.get_paginator("list_restore_jobs").paginate(**request) for job in page.get("RestoreJobs", [])]


@BackupErrorHandler.common_error_handler("put restore validation result")
def _put_validation_result(backup, **request):
    backup.put_restore_validation_result(aws_retry=True, **request)


def list_jobs(backup, testing_plan_arn=None, created_after=None, created_before=None, restore_job_id=None, status=None):
    """The restore jobs a restore testing plan created, oldest first, each with RestoreTestingPlanArn and the kind and
    name of what it created. With RESTORE_JOB_ID, that one job (which must come from a restore testing plan, and from
    TESTING_PLAN_ARN when given)."""
    if restore_job_id:
        job = _restore_job(backup, restore_job_id)
        made_by = (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn")
        if not made_by:
            raise RestoreTestingError("restore_job_id=%r was not created by a restore testing plan; only such jobs take a "
                                      "validation result" % restore_job_id)
        if testing_plan_arn and made_by != testing_plan_arn:
            raise RestoreTestingError("restore_job_id=%r was created by %s, not by %s" % (restore_job_id, made_by, testing_plan_arn))
        return [_enrich(job)]
    request = {"ByRestoreTestingPlanArn": testing_plan_arn}
    request.update((key, value) for key, value in (("ByCreatedAfter", created_after), ("ByCreatedBefore", created_before),
                                                   ("ByStatus", status)) if value)
    jobs = _restore_jobs(backup, **request)
    # No order is documented: oldest first, by creation date, explicitly.
    jobs.sort(key=lambda job: (job.get("CreationDate"), job["RestoreJobId"]))
    return [_enrich(job) for job in jobs]


def put_validation(backup, job_id, status, message, check_mode):
    """(changed, before, after) of reporting STATUS (and MESSAGE) for a restore job a restore testing plan created."""
    job = _restore_job(backup, job_id)
    if not (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn"):
        raise RestoreTestingError("restore_job_id=%r was not created by a restore testing plan; AWS Backup takes validation "
                                  "results only for those" % job_id)
    if job.get("Status") != "COMPLETED":
        raise RestoreTestingError("restore_job_id=%r is %s; a validation result needs a COMPLETED restore job"
                                  % (job_id, job.get("Status")))
    before = {"ValidationStatus": job.get("ValidationStatus"), "ValidationStatusMessage": job.get("ValidationStatusMessage")}
    after = {"ValidationStatus": status, "ValidationStatusMessage": message}
    if before == after:
        return False, before, after, job
    if not check_mode:
        request = {"RestoreJobId": job_id, "ValidationStatus": status}
        if message:
            request["ValidationStatusMessage"] = message
        _put_validation_result(backup, **request)
        job = _restore_job(backup, job_id)
    return True, before, after, job
