# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding and selecting AWS Backup recovery points: the rules behind ``restorekit.aws.recovery_point_info``.

Everything here except ``list_recovery_points`` is a pure function, unit-tested without Ansible or AWS.
The runbook's traps this avoids (DESIGN.md "Known traps"):

- ``RecoveryPoints[?Status==COMPLETED]|[0]`` trusts the API's order, which AWS does not document:
  every selection here is made on CreationDate, across all pages.
- ``contains(ResourceArn, 'tenant-1')`` also matches tenant-12 and tenant-100: resource names are
  compared exactly, after deriving them from the ARN.
"""

from __future__ import annotations

import random

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import advice
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import VAULT_MISSING
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import AnsibleBackupError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

# The AWS Backup resource types this selection understands, with the ARN service of each.
RESOURCE_TYPE_SERVICES = {
    "Aurora": "rds",
    "DynamoDB": "dynamodb",
    "EBS": "ec2",
    "EC2": "ec2",
    "EFS": "elasticfilesystem",
    "RDS": "rds",
    "S3": "s3",
}
RESOURCE_TYPES = sorted(RESOURCE_TYPE_SERVICES)
# botocore's RecoveryPointStatus enum.
STATUSES = ["AVAILABLE", "COMPLETED", "CREATING", "DELETING", "EXPIRED", "PARTIAL", "STOPPED"]
DEFAULT_STATUSES = ["COMPLETED"]
SELECT_MODES = ["all", "latest", "at_or_before", "random"]

TIME_FORMATS = inputs.TIME_FORMATS


class RecoveryPointError(AnsibleBackupError):
    """A request that cannot be answered: bad options, an unknown vault, or nothing matched."""


def utc_now():
    return inputs.utc_now()


def parse_time(value, option, now=None):
    """The collection's one time syntax (``_inputs.parse_time``), with this module's error.

    A time without an offset is refused rather than guessed: at 3 a.m. "05:00" in whose time zone matters.
    """
    try:
        return inputs.parse_time(value, option, now)
    except inputs.InputError as e:
        raise RecoveryPointError(message=f"{option}={value!r} {e.reason}") from e


def vault_name(backup_vault_name=None, project_name=None, environment=None):
    """The vault to search: the one named, else the runbook's ``{project_name}-{environment}-backup-vault``."""
    if backup_vault_name:
        return backup_vault_name
    return f"{project_name}-{environment}-backup-vault"


def tenant_bucket(project_name, environment, tenant_id):
    """The runbook's tenant bucket name."""
    return f"{project_name}-{environment}-tenant-{tenant_id}"


def arn_service(arn):
    """The service part of an ARN (``arn:aws:s3:::bucket`` -> ``s3``), or None."""
    parts = str(arn).split(":", 5)
    return parts[2] if len(parts) >= 6 else None


def resource_name_from_arn(arn):
    """The name a responder uses for the resource behind ARN: bucket, DB identifier, instance/volume/file system id, table.

    ``arn:aws:s3:::bucket`` -> bucket; ``arn:aws:rds:r:a:db:id`` -> id; ``arn:aws:ec2:r:a:instance/i-1`` -> i-1;
    ``arn:aws:dynamodb:r:a:table/name`` -> name.
    """
    if not arn:
        return None
    parts = str(arn).split(":", 5)
    if len(parts) < 6:
        return None
    resource = parts[5]
    if parts[2] == "s3":
        return resource.split("/", 1)[0]
    if parts[2] == "rds":
        # db:<id>, cluster:<id>, snapshot:<id>; a recovery point ARN is not a resource ARN, but be exact anyway.
        return resource.split(":", 1)[1] if ":" in resource else resource
    if "/" in resource:
        return resource.split("/", 1)[1]
    return resource.split(":", 1)[1] if ":" in resource else resource


def _check(validator, *args, **kwargs):
    """An _inputs validator, its error as this module's."""
    try:
        return validator(*args, **kwargs)
    except inputs.InputError as e:
        raise RecoveryPointError(message=e.message) from e


# The name a recovery point's resource has, per resource type, as the option resource_name must spell it.
_NAME_RULES = {"S3": inputs.bucket_name, "RDS": inputs.db_identifier, "Aurora": inputs.db_identifier,
               "EC2": lambda value, option: inputs.ec2_id(value, option, "i")}


def build_query(params, now=None, region=None):
    """Validate the module's options before any AWS call and turn them into a query.

    Returns a dict: ``vault``, ``request`` (ListRecoveryPointsByBackupVault arguments, server-side filters),
    ``resource_name`` and ``statuses`` (client-side, exact), ``select``, ``point_in_time``, ``seed``, and ``warnings``
    (a tenant bucket name with a dot). An S3 bucket named by ``tenant_id`` or ``resource_name`` is filtered by its ARN
    server-side (``ByResourceArn``), so only that bucket's points are listed. REGION gives the ARN partition.
    Raises RecoveryPointError naming the option and value at fault.
    """
    now = now or utc_now()
    resource_type = params.get("resource_type")
    resource_arn = params.get("resource_arn")
    resource_name = params.get("resource_name")
    tenant_id = params.get("tenant_id")
    warnings = []

    if params.get("backup_vault_name") is not None:
        _check(inputs.backup_vault_name, params["backup_vault_name"], "backup_vault_name")
    for option in ("project_name", "environment"):
        if params.get(option) is not None:
            _check(inputs.text, params[option], option, strip=False)
    vault = vault_name(params.get("backup_vault_name"), params.get("project_name"), params.get("environment"))
    if not params.get("backup_vault_name"):
        try:
            inputs.backup_vault_name(vault, "backup_vault_name")
        except inputs.InputError as e:
            raise RecoveryPointError(message="Bad options project_name=%r and environment=%r: the vault name %r they give is "
                                             "not valid: %s" % (params.get("project_name"), params.get("environment"), vault, e.reason)) from e

    if tenant_id is not None:
        if resource_type and resource_type != "S3":
            raise RecoveryPointError(message=f"tenant_id={tenant_id!r} selects a tenant S3 bucket, but resource_type={resource_type!r}")
        resource_type = "S3"
        resource_name, warnings = _check(inputs.tenant_bucket_name, params.get("project_name"), params.get("environment"), tenant_id)
        tenant_id = str(tenant_id).strip()
    elif resource_name is not None:
        _check(inputs.text, resource_name, "resource_name", strip=False)
        if resource_type in _NAME_RULES:
            _check(_NAME_RULES[resource_type], resource_name, "resource_name")

    if resource_arn is not None:
        # No region or account check: a DR copy vault holds points of resources of another region (or account).
        _check(inputs.arn, resource_arn, "resource_arn", what="an AWS resource ARN", shape="arn:aws...:service:region:account:resource")
        if not str(resource_arn).startswith("arn:aws"):
            raise RecoveryPointError(message=f"resource_arn={resource_arn!r} is not an AWS ARN (arn:aws...:service:region:account:resource)")
        service = arn_service(resource_arn)
        if resource_type and RESOURCE_TYPE_SERVICES.get(resource_type) != service:
            raise RecoveryPointError(
                message=f"resource_type={resource_type!r} contradicts resource_arn={resource_arn!r} (an ARN of service {service!r})")
        if resource_name and resource_name_from_arn(resource_arn) != resource_name:
            option = "tenant_id" if tenant_id is not None else "resource_name"
            value = tenant_id if tenant_id is not None else resource_name
            raise RecoveryPointError(
                message=f"{option}={value!r} (resource {resource_name!r}) contradicts resource_arn={resource_arn!r}")
    elif resource_type == "S3" and resource_name:
        # A bucket's ARN is known from its name: the server filters by it, instead of listing every S3 point.
        resource_arn = "arn:%s:s3:::%s" % (inputs.partition_of(region), resource_name)

    created_after = parse_time(params.get("created_after"), "created_after", now)
    created_before = parse_time(params.get("created_before"), "created_before", now)
    if created_after and created_before and created_after > created_before:
        raise RecoveryPointError(
            message=f"created_after={params.get('created_after')!r} is later than created_before={params.get('created_before')!r}")
    if created_after is not None and created_after > now:
        raise RecoveryPointError(message=f"Bad option created_after={params.get('created_after')!r}: is in the future "
                                         f"({created_after.isoformat()} > now {now.isoformat()}); no recovery point is that new")
    if params.get("backup_plan_id") is not None:
        _check(inputs.text, params["backup_plan_id"], "backup_plan_id", strip=False)

    select = params.get("select") or "all"
    point_in_time = parse_time(params.get("point_in_time"), "point_in_time", now)
    if select == "at_or_before" and point_in_time is None:
        raise RecoveryPointError(message="select='at_or_before' needs point_in_time")
    if point_in_time is not None and point_in_time > now:
        raise RecoveryPointError(
            message=f"point_in_time={params.get('point_in_time')!r} is in the future ({point_in_time.isoformat()} > now {now.isoformat()})")
    if point_in_time is not None and select != "at_or_before":
        _check(inputs.contradiction, [("point_in_time", params.get("point_in_time")), ("select", select)],
               "point_in_time is only used by select=at_or_before")
    if params.get("seed") is not None and select != "random":
        _check(inputs.contradiction, [("seed", params.get("seed")), ("select", select)], "seed is only used by select=random")

    request = {"BackupVaultName": vault}
    if params.get("backup_vault_account_id") is not None:  # another account's vault, shared with this one through AWS RAM
        request["BackupVaultAccountId"] = _check(inputs.account_id, params["backup_vault_account_id"], "backup_vault_account_id")
    request.update((key, value) for key, value in (("ByResourceType", resource_type), ("ByResourceArn", resource_arn),
                                                   ("ByCreatedAfter", created_after), ("ByCreatedBefore", created_before)) if value)
    if params.get("backup_plan_id"):
        request["ByBackupPlanId"] = params["backup_plan_id"]

    statuses = params.get("statuses")
    if statuses is None:
        statuses = list(DEFAULT_STATUSES)
    _check(inputs.unique, statuses, "statuses")
    return {
        "vault": vault,
        "request": request,
        "resource_name": resource_name,
        "statuses": list(statuses),
        "select": select,
        "point_in_time": point_in_time,
        "seed": params.get("seed"),
        "warnings": warnings,
    }


def searched(query):
    """What was searched, for the module's return and its messages (snake_case, times in ISO 8601)."""
    request = query["request"]

    def iso(value):
        return value.isoformat() if value is not None else None

    return {
        "backup_vault_name": query["vault"],
        "backup_vault_account_id": request.get("BackupVaultAccountId"),
        "resource_type": request.get("ByResourceType"),
        "resource_arn": request.get("ByResourceArn"),
        "resource_name": query["resource_name"],
        "created_after": iso(request.get("ByCreatedAfter")),
        "created_before": iso(request.get("ByCreatedBefore")),
        "backup_plan_id": request.get("ByBackupPlanId"),
        "statuses": query["statuses"],
        "select": query["select"],
        "point_in_time": iso(query["point_in_time"]),
        "seed": query["seed"],
    }


@jittered_backoff()
def _paginate_recovery_points(client, **request):
    paginator = client.get_paginator("list_recovery_points_by_backup_vault")
    return paginator.paginate(**request).build_full_result()


def list_recovery_points(client, query):
    """Every recovery point the server-side filters return, all pages, retried on throttling.

    A vault AWS Backup answers with AccessDeniedException or ResourceNotFoundException is "not found, or not allowed"
    (RecoveryPointError); any other failure is AnsibleBackupError."""
    vault = query["vault"]

    @BackupErrorHandler.common_error_handler(f"list recovery points of backup vault {vault!r}")
    def listed():
        try:
            return _paginate_recovery_points(client, **query["request"]).get("RecoveryPoints", [])
        except is_boto3_error_code(VAULT_MISSING) as e:
            account = query["request"].get("BackupVaultAccountId")
            said = (advice.shared_vault_not_found_or_denied(vault, account, "backup:ListRecoveryPointsByBackupVault") if account
                    else advice.vault_not_found_or_denied(vault, "backup:ListRecoveryPointsByBackupVault"))
            raise RecoveryPointError(message="%s. Fix: %s" % said, exception=e) from e

    return listed()


def _creation_key(point):
    return (point["CreationDate"], point.get("RecoveryPointArn", ""))


def filter_points(points, resource_name=None, statuses=None):
    """Client-side filters: exact resource name (never a substring) and status (default COMPLETED only)."""
    statuses = DEFAULT_STATUSES if statuses is None else statuses
    kept = []
    for point in points:
        if point.get("Status") not in statuses:
            continue
        if resource_name is not None and resource_name_from_arn(point.get("ResourceArn")) != resource_name:
            continue
        kept.append(point)
    return kept


def newest_first(points):
    """Sorted by CreationDate, newest first (ARN breaks ties, so the order is stable)."""
    return sorted(points, key=_creation_key, reverse=True)


def select_point(points, select, point_in_time=None, seed=None):
    """The one recovery point SELECT picks from POINTS, or None. The API's order is never trusted."""
    if not points or select == "all":
        return None
    if select == "latest":
        return max(points, key=_creation_key)
    if select == "at_or_before":
        eligible = [point for point in points if point["CreationDate"] <= point_in_time]
        return max(eligible, key=_creation_key) if eligible else None
    if select == "random":
        candidates = sorted(points, key=_creation_key)
        return candidates[random.Random(seed).randrange(len(candidates))]
    raise ValueError(f"unknown select mode {select!r}")


def summarize(points):
    """What the vault returned before client-side filters: total, and count and newest CreationDate per status."""
    by_status = {}
    for point in points:
        status = point.get("Status", "UNKNOWN")
        entry = by_status.setdefault(status, {"count": 0, "newest_creation_date": None})
        entry["count"] += 1
        created = point.get("CreationDate")
        if created is not None and (entry["newest_creation_date"] is None or created > entry["newest_creation_date"]):
            entry["newest_creation_date"] = created
    for entry in by_status.values():
        if entry["newest_creation_date"] is not None:
            entry["newest_creation_date"] = entry["newest_creation_date"].isoformat()
    return {"total": len(points), "by_status": by_status}


def empty_message(query, seen, matched):
    """Why nothing was selected: what was searched, and what the vault held before the client-side filters."""
    described = searched(query)
    filters = ", ".join(f"{key}={value}" for key, value in described.items()
                        if key not in ("backup_vault_name", "select", "seed", "point_in_time") and value is not None)
    what = f"No recovery point in backup vault {query['vault']!r} matched ({filters})"
    if query["select"] == "at_or_before" and matched:
        what = (f"None of the {matched} matching recovery points in backup vault {query['vault']!r} ({filters}) "
                f"was created at or before point_in_time={described['point_in_time']}")
    if seen["total"]:
        statuses = "; ".join(f"{status}: {entry['count']} (newest {entry['newest_creation_date']})"
                             for status, entry in sorted(seen["by_status"].items()))
        return f"{what}. Seen before the resource name and status filters: {seen['total']} recovery points: {statuses}"
    return f"{what}. The server-side filters returned no recovery point at all"


def find_recovery_points(points, query):
    """Apply the client-side filters and the selection to POINTS (already filtered server-side).

    Returns a dict with ``recovery_points`` (newest first), ``recovery_point`` (the selected one or None),
    ``seen`` (summarize() of POINTS) and ``message`` (empty_message() when nothing was found, else None).
    """
    matched = newest_first(filter_points(points, query["resource_name"], query["statuses"]))
    chosen = select_point(matched, query["select"], query["point_in_time"], query["seed"])
    seen = summarize(points)
    nothing = not matched or (query["select"] != "all" and chosen is None)
    return {
        "recovery_points": matched,
        "recovery_point": chosen,
        "seen": seen,
        "message": empty_message(query, seen, len(matched)) if nothing else None,
    }
