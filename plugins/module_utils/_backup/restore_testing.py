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

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

NAME = re.compile(r"^[a-zA-Z0-9_]{1,50}$")
RESOURCE_TYPES = ("RDS", "S3", "EC2")
VALIDATION_STATUSES = ("SUCCESSFUL", "FAILED", "TIMED_OUT", "VALIDATING")
# Members of a plan and of a selection that Update* can change; the rest (names, resource type) only a re-create can.
PLAN_UPDATABLE = ("RecoveryPointSelection", "ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours")
SELECTION_UPDATABLE = ("IamRoleArn", "ProtectedResourceArns", "ProtectedResourceConditions", "RestoreMetadataOverrides",
                       "ValidationWindowHours")


class RestoreTestingError(Exception):
    """A refusal with a message naming the option and value at fault."""


def _error_code(error):
    return error.response.get("Error", {}).get("Code", "") if hasattr(error, "response") else ""


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


def validate_params(params):
    """Refusals before any call, each naming the option and the value."""
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


def get_plan(backup, name):
    """The plan as GetRestoreTestingPlan returns it, or None."""
    try:
        return backup.get_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name)["RestoreTestingPlan"]
    except botocore.exceptions.ClientError as e:
        if _error_code(e) == "ResourceNotFoundException":
            return None
        raise


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
                backup.delete_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=name, RestoreTestingSelectionName=selection)
        actions.append("delete plan %s" % name)
        if not check_mode:
            backup.delete_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name)
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
            plan = dict(plan, RestoreTestingPlanArn=backup.create_restore_testing_plan(aws_retry=True, **request)["RestoreTestingPlanArn"])
    else:
        changed_keys = _differs(wanted_plan, current, PLAN_UPDATABLE)
        if changed_keys:
            actions.append("update plan %s (%s)" % (name, ", ".join(changed_keys)))
            plan.update({key: wanted_plan[key] for key in changed_keys})
            if not check_mode:
                backup.update_restore_testing_plan(aws_retry=True, RestoreTestingPlanName=name,
                                                   RestoreTestingPlan={key: wanted_plan[key] for key in changed_keys})

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
                backup.delete_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=name, RestoreTestingSelectionName=selection_name)
            existing = None
        elif existing is None:
            actions.append("create selection %s (%s)" % (selection_name, wanted["ProtectedResourceType"]))
        if existing is None:
            if not check_mode:
                backup.create_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=name, RestoreTestingSelection=wanted)
            selections[selection_name] = wanted
            continue
        # A member the options leave out keeps its value (as UpdateRestoreTestingSelection treats it).
        changed_keys = _differs(wanted, existing, SELECTION_UPDATABLE)
        if changed_keys:
            actions.append("update selection %s (%s)" % (selection_name, ", ".join(changed_keys)))
            selections[selection_name] = dict(existing, **{key: wanted[key] for key in changed_keys})
            if not check_mode:
                backup.update_restore_testing_selection(
                    aws_retry=True, RestoreTestingPlanName=name, RestoreTestingSelectionName=selection_name,
                    RestoreTestingSelection={key: wanted[key] for key in changed_keys})
    if params.get("purge_selections"):
        declared_names = {spec["name"] for spec in params.get("selections") or []}
        for selection_name in sorted(set(current_selections) - declared_names):
            actions.append("delete selection %s" % selection_name)
            selections.pop(selection_name)
            if not check_mode:
                backup.delete_restore_testing_selection(aws_retry=True, RestoreTestingPlanName=name, RestoreTestingSelectionName=selection_name)
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


def list_jobs(backup, testing_plan_arn=None, created_after=None, created_before=None, restore_job_id=None, status=None):
    """The restore jobs a restore testing plan created, oldest first, each with RestoreTestingPlanArn and the kind and
    name of what it created. With RESTORE_JOB_ID, that one job (which must come from a restore testing plan, and from
    TESTING_PLAN_ARN when given)."""
    if restore_job_id:
        job = backup.describe_restore_job(aws_retry=True, RestoreJobId=restore_job_id)
        job.pop("ResponseMetadata", None)
        made_by = (job.get("CreatedBy") or {}).get("RestoreTestingPlanArn")
        if not made_by:
            raise RestoreTestingError("restore_job_id=%r was not created by a restore testing plan; only such jobs take a "
                                      "validation result" % restore_job_id)
        if testing_plan_arn and made_by != testing_plan_arn:
            raise RestoreTestingError("restore_job_id=%r was created by %s, not by %s" % (restore_job_id, made_by, testing_plan_arn))
        return [_enrich(job)]
    request = {"ByRestoreTestingPlanArn": testing_plan_arn}
    if created_after:
        request["ByCreatedAfter"] = created_after
    if created_before:
        request["ByCreatedBefore"] = created_before
    if status:
        request["ByStatus"] = status
    jobs = []
    for page in backup.get_paginator("list_restore_jobs").paginate(**request):
        jobs.extend(page.get("RestoreJobs", []))
    # No order is documented: oldest first, by creation date, explicitly.
    jobs.sort(key=lambda job: (job.get("CreationDate"), job["RestoreJobId"]))
    return [_enrich(job) for job in jobs]


def put_validation(backup, job_id, status, message, check_mode):
    """(changed, before, after) of reporting STATUS (and MESSAGE) for a restore job a restore testing plan created."""
    job = backup.describe_restore_job(aws_retry=True, RestoreJobId=job_id)
    job.pop("ResponseMetadata", None)
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
        backup.put_restore_validation_result(aws_retry=True, **request)
        job = backup.describe_restore_job(aws_retry=True, RestoreJobId=job_id)
        job.pop("ResponseMetadata", None)
    return True, before, after, job
