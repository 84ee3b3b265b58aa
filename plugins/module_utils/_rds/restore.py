# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS reads and native point-in-time restore for ``restorekit.aws.rds_restore_info`` and
``restorekit.aws.rds_point_in_time_restore``.

- ``describe_instance``: one DB instance with its tags, or ``None`` when it does not exist.
- ``automated_backups``: an instance's automated backups, active and *retained* (what survives a DeleteDBInstance
  with DeleteAutomatedBackups=false), newest window first; the disaster restore starts from the retained ones.
- ``point_in_time_request``: the RestoreDBInstanceToPointInTime request, from a live instance, a DbiResourceId or an
  automated-backups ARN, validated before anything is sent.
"""

from __future__ import annotations

import datetime
import re
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._rds.errors import AnsibleRDSError
from ansible_collections.restorekit.aws.plugins.module_utils._rds.errors import RdsErrorHandler

# 1-63 letters, digits or hyphens, a letter first, no '--', no '-' last (the rule of _inputs.db_identifier).
IDENTIFIER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")
AUTOMATED_BACKUPS_ARN = re.compile(r"^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:auto-backup:ab-[a-z0-9]+$")
RESOURCE_ID = re.compile(r"^db-[A-Z0-9]+$")
# Statuses from which an instance never becomes available by waiting.
NEVER_AVAILABLE = ("failed", "incompatible-restore", "incompatible-parameters", "deleting", "inaccessible-encryption-credentials")


class RdsRestoreError(AnsibleRDSError):
    """A restore that cannot go on: bad input, named by option and value (raised before any call that changes anything),
    or an instance that never becomes available."""


def tags_of(instance):
    return {tag["Key"]: tag["Value"] for tag in instance.get("TagList") or []}


# CLIENT, in every call here, comes from ``module.client(..., retry_decorator=_retries.jittered_backoff())``: calls pass
# ``aws_retry``. A failed call raises AnsibleRDSError ("Failed to <what was being done>: <what AWS said>").

@RdsErrorHandler.list_error_handler("describe DB instance", default_value=[])
def _db_instances(client, identifier):
    return client.describe_db_instances(aws_retry=True, DBInstanceIdentifier=identifier)["DBInstances"]


def describe_instance(client, identifier):
    """The DB instance IDENTIFIER (its TagList included), or None when there is none."""
    found = _db_instances(client, identifier)
    return found[0] if found else None


@RdsErrorHandler.list_error_handler("describe DB instance automated backups", default_value=[])
def _automated_backups(client, **query):
    return [backup for page in client.get_paginator("describe_db_instance_automated_backups").paginate(**query)
            for backup in page.get("DBInstanceAutomatedBackups", [])]


@RdsErrorHandler.common_error_handler("restore DB instance to a point in time")
def restore_to_point_in_time(client, request):
    """RestoreDBInstanceToPointInTime of REQUEST (``point_in_time_request``)."""
    client.restore_db_instance_to_point_in_time(aws_retry=True, **request)


@RdsErrorHandler.common_error_handler("modify DB instance")
def modify_instance(client, identifier, changes):
    """ModifyDBInstance, applied at once."""
    client.modify_db_instance(aws_retry=True, DBInstanceIdentifier=identifier, ApplyImmediately=True, **changes)


@RdsErrorHandler.common_error_handler("tag DB instance")
def add_tags(client, arn, tags):
    client.add_tags_to_resource(aws_retry=True, ResourceName=arn, Tags=tags)


def automated_backups(client, identifier):
    """The automated backups DescribeDBInstanceAutomatedBackups keeps for IDENTIFIER, active and retained.

    Newest restorable time first: after a delete and a re-create under the same name, the retained backups of the
    old instance and the active ones of the new are both listed.
    """
    found = _automated_backups(client, DBInstanceIdentifier=identifier)
    epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    return sorted(found, key=lambda backup: (backup.get("RestoreWindow") or {}).get("LatestTime") or epoch, reverse=True)


def retained_backup(backups):
    """The newest retained automated backup (the deleted instance's), or None."""
    for backup in backups:
        if backup.get("Status") == "retained":
            return backup
    return None


def parse_time(value, option, now=None):
    """A past time in the collection's one syntax (``_inputs.parse_time``: ISO 8601 with an offset, for example
    ``2026-11-20T14:30:00Z``), as an aware UTC datetime, fractions of a second kept (a busy database commits several
    transactions a second). A time in the future is refused: no database can be restored to it."""
    try:
        parsed = inputs.past_time(value, option, now)
    except inputs.InputError as e:
        raise RdsRestoreError("%s=%s %s" % (option, value, e.reason)) from None
    if parsed is None:
        raise RdsRestoreError("%s=%s is not a time: give ISO 8601 with an offset, for example 2026-11-20T14:30:00Z" % (option, value))
    return parsed


def restore_window(client, request):
    """(earliest, latest) restorable times of the request's source, from its automated backups (the live ones'
    window, or the retained ones'), or None when they cannot be read. Reads only."""
    if request.get("SourceDBInstanceAutomatedBackupsArn"):
        query = {"DBInstanceAutomatedBackupsArn": request["SourceDBInstanceAutomatedBackupsArn"]}
    elif request.get("SourceDbiResourceId"):
        query = {"DbiResourceId": request["SourceDbiResourceId"]}
    else:
        query = {"DBInstanceIdentifier": request["SourceDBInstanceIdentifier"]}
    try:
        found = _automated_backups(client, **query)
    except AnsibleRDSError:
        return None
    windows = [backup.get("RestoreWindow") or {} for backup in found]
    windows = [(w["EarliestTime"], w["LatestTime"]) for w in windows if w.get("EarliestTime") and w.get("LatestTime")]
    if not windows:
        return None
    return min(w[0] for w in windows), max(w[1] for w in windows)


def check_window(request, window, value):
    """Refuse a RestoreTime outside the source's restorable WINDOW, naming restore_time and its VALUE."""
    moment = request.get("RestoreTime")
    if moment is None or window is None:
        return
    earliest, latest = window
    if not earliest <= moment <= latest:
        raise RdsRestoreError("restore_time=%s is outside the restorable window of the source: %s to %s (%s)"
                              % (value, earliest.isoformat(), latest.isoformat(),
                                 "before its earliest restorable time" if moment < earliest else "after its latest restorable time"))


def point_in_time_request(params):
    """The RestoreDBInstanceToPointInTime request for PARAMS (the module's options); RdsRestoreError on bad input."""
    target = params.get("target_db_instance_identifier") or ""
    if not IDENTIFIER.match(target):
        raise RdsRestoreError("target_db_instance_identifier=%s: 1-63 letters, digits or hyphens, starting with a letter, no '--' and "
                              "no '-' at the end" % target)
    sources = [(name, params.get(name)) for name in ("source_db_instance_identifier", "source_dbi_resource_id",
                                                     "source_db_instance_automated_backups_arn") if params.get(name)]
    if len(sources) != 1:
        raise RdsRestoreError("give exactly one of source_db_instance_identifier, source_dbi_resource_id and "
                              "source_db_instance_automated_backups_arn (got %s)" % (", ".join(n for n, _v in sources) or "none"))
    name, value = sources[0]
    request = {"TargetDBInstanceIdentifier": target}
    if name == "source_db_instance_identifier":
        if not IDENTIFIER.match(value):
            raise RdsRestoreError("source_db_instance_identifier=%s is not a DB instance identifier" % value)
        if value.lower() == target.lower():
            raise RdsRestoreError("target_db_instance_identifier=%s is the source itself: a point-in-time restore makes a new instance" % target)
        request["SourceDBInstanceIdentifier"] = value
    elif name == "source_dbi_resource_id":
        if not RESOURCE_ID.match(value):
            raise RdsRestoreError("source_dbi_resource_id=%s is not a DbiResourceId (db-...)" % value)
        request["SourceDbiResourceId"] = value
    else:
        if not AUTOMATED_BACKUPS_ARN.match(value):
            raise RdsRestoreError("source_db_instance_automated_backups_arn=%s is not an automated-backups ARN "
                                  "(arn:aws:rds:REGION:ACCOUNT:auto-backup:ab-...)" % value)
        request["SourceDBInstanceAutomatedBackupsArn"] = value
    if params.get("restore_time") and params.get("use_latest_restorable_time"):
        raise RdsRestoreError("restore_time=%s and use_latest_restorable_time=true exclude each other" % params["restore_time"])
    if params.get("restore_time"):
        request["RestoreTime"] = parse_time(params["restore_time"], "restore_time")
    else:
        request["UseLatestRestorableTime"] = True
    optional = (("db_instance_class", "DBInstanceClass"), ("db_subnet_group_name", "DBSubnetGroupName"),
                ("multi_az", "MultiAZ"), ("publicly_accessible", "PubliclyAccessible"),
                ("vpc_security_group_ids", "VpcSecurityGroupIds"), ("db_parameter_group_name", "DBParameterGroupName"),
                ("deletion_protection", "DeletionProtection"))
    for option, key in optional:
        if params.get(option) is not None and params.get(option) != "":
            request[key] = params[option]
    if params.get("tags"):
        request["Tags"] = [{"Key": key, "Value": str(value)} for key, value in sorted(params["tags"].items())]
    return request


def in_window(backup, moment):
    """Whether MOMENT is inside BACKUP's RestoreWindow (both ends included)."""
    window = backup.get("RestoreWindow") or {}
    earliest, latest = window.get("EarliestTime"), window.get("LatestTime")
    return bool(earliest and latest and earliest <= moment <= latest)


def availability(client, identifier):
    """(instance or None, its status, whether it is available). A status from which it never becomes available
    (NEVER_AVAILABLE) raises RdsRestoreError at once."""
    instance = describe_instance(client, identifier)
    status = (instance or {}).get("DBInstanceStatus")
    if status in NEVER_AVAILABLE:
        raise RdsRestoreError("%s is %s and will not become available" % (identifier, status))
    return instance, status, status == "available"


def snake_instance(instance):
    """A DB instance as the modules return it: snake_case, its TagList as a ``tags`` dict ({} for none)."""
    if not instance:
        return {}
    return camel_dict_to_snake_dict(dict(instance, Tags=tags_of(instance)), ignore_list=["Tags"])


def wait_available(client, identifier, timeout, poll_interval, sleep=time.sleep, clock=time.monotonic):
    """Poll (the collection's cadence, module_utils/_poll.py) until IDENTIFIER is available; returns it. A status that
    will never become available fails at once."""
    def check(waited):
        instance, status, available = availability(client, identifier)
        return available, instance if available else status

    try:
        return _poll.poll(check, timeout, poll_interval, sleep, clock)
    except _poll.PollTimeout as e:
        raise RdsRestoreError("%s is still %s after wait_timeout=%ss; the restore goes on in AWS and a re-run adopts it"
                              % (identifier, e.last or "not visible", timeout)) from None
