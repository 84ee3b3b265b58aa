# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the backup health check reads from AWS, in one module run (``restorekit.aws.backup_health_info``).

``gather`` returns the dict ``health.evaluate`` compares with the policy: ``caller``, ``jobs``, ``plan``, ``selections``,
``vault``, ``key``, ``rds``, ``s3`` and ``ec2``, each in the shape the amazon.aws info module of the same read gives
(``aws_caller_info``, ``backup_plan_info``, ``backup_selection_info``, ``backup_vault_info``, ``kms_key_info``,
``rds_instance_info``, ``s3_bucket_info``, ``ec2_instance_info``; ``jobs`` is ``backup_job_info``'s), limited to the
fields the evaluation reads.

What is missing is a finding, not an error: no plan (``backup_plans`` empty), a vault AWS Backup will not describe
(it answers a missing vault with AccessDeniedException, as it answers a caller without permission), a key that cannot
be read, selections that cannot be listed. Those reads keep the error's text under ``error``. Any other failed read
(the caller, the jobs, the tagged resources) raises ``AnsibleAWSError``: the check cannot say anything true without it.
"""

from __future__ import annotations

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_instances
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.rds import describe_db_instances
from ansible_collections.amazon.aws.plugins.module_utils.s3 import get_s3_bucket_tagging
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import S3ErrorHandler

RESOURCE_TYPES = ("RDS", "S3", "EC2")
# The instances a backup plan still protects: the lookup leaves out terminated and shutting-down ones.
LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped"]


class AnsibleKMSError(AnsibleAWSError):
    """A KMS call that failed."""


class KMSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleKMSError


# ------------------------------------------------------------------------------------------ AWS calls
@BackupErrorHandler.common_error_handler("list backup plans")
@jittered_backoff()
def _plan_ids(client):
    return [(plan.get("BackupPlanName"), plan.get("BackupPlanId"))
            for page in client.get_paginator("list_backup_plans").paginate() for plan in page.get("BackupPlansList", [])]


@BackupErrorHandler.common_error_handler("describe the backup plan")
@jittered_backoff()
def _get_plan(client, plan_id):
    return client.get_backup_plan(BackupPlanId=plan_id)


@BackupErrorHandler.common_error_handler("list the backup plan's selections")
@jittered_backoff()
def _selections(client, plan_id):
    listed = [item for page in client.get_paginator("list_backup_selections").paginate(BackupPlanId=plan_id)
              for item in page.get("BackupSelectionsList", [])]
    return [client.get_backup_selection(BackupPlanId=plan_id, SelectionId=item["SelectionId"]) for item in listed]


@BackupErrorHandler.common_error_handler("describe the backup vault")
@jittered_backoff()
def _describe_vault(client, name):
    return client.describe_backup_vault(BackupVaultName=name)


@KMSErrorHandler.common_error_handler("describe the vault's KMS key")
@jittered_backoff()
def _describe_key(client, key_id):
    return client.describe_key(KeyId=key_id)["KeyMetadata"]


@S3ErrorHandler.common_error_handler("list buckets")
@jittered_backoff()
def _bucket_names(client):
    return [bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])]


def _why(error):
    """The failed read and AWS's answer: "Failed to describe the backup vault: AccessDeniedException (...)"."""
    answer = getattr(getattr(error, "exception", None), "response", None) or {}
    code, text = (answer.get("Error") or {}).get("Code"), (answer.get("Error") or {}).get("Message")
    return "%s: %s (%s)" % (error.message, code, text) if code else error.message


def _strip(response):
    return dict((key, value) for key, value in response.items() if key != "ResponseMetadata")


# ------------------------------------------------------------------------------------------ reads
def caller(sts):
    """``{account, arn, user_id}`` of the caller (aws_caller_info's fields the check reads)."""
    identity = _sts.caller_identity(sts)
    return {"account": identity.get("Account"), "arn": identity.get("Arn"), "user_id": identity.get("UserId")}


def plan(backup, name):
    """``({backup_plans: [...]}, plan id or None)``: the plan of that name as backup_plan_info gives it; none when absent."""
    plan_id = next((found_id for found_name, found_id in _plan_ids(backup) if found_name == name), None)
    if plan_id is None:
        return {"backup_plans": []}, None
    described = camel_dict_to_snake_dict(_strip(_get_plan(backup, plan_id)))
    described["backup_plan_name"] = (described.get("backup_plan") or {}).get("backup_plan_name", name)
    return {"backup_plans": [described]}, plan_id


def selections(backup, plan_id):
    """``{backup_selections: [...]}`` of the plan, each flattened as backup_selection_info gives it; the error when unread."""
    if plan_id is None:
        return {"backup_selections": []}
    try:
        found = _selections(backup, plan_id)
    except AnsibleAWSError as error:
        return {"backup_selections": [], "error": _why(error)}
    out = []
    for item in found:
        flat = dict(_strip(item))
        flat.update(flat.pop("BackupSelection", {}) or {})
        out.append(camel_dict_to_snake_dict(flat))
    return {"backup_selections": out}


def vault(backup, name):
    """``{backup_vaults: [...]}`` as backup_vault_info gives it; empty, with the error, when AWS Backup will not describe it."""
    try:
        described = _describe_vault(backup, name)
    except AnsibleAWSError as error:
        return {"backup_vaults": [], "error": _why(error)}
    return {"backup_vaults": [camel_dict_to_snake_dict(_strip(described))]}


def key(kms, key_arn):
    """``{kms_keys: [{key_arn, key_manager, ...}]}`` of the vault's key; empty, with the error, when it cannot be read."""
    if not key_arn:
        return {"kms_keys": []}
    try:
        metadata = _describe_key(kms, key_arn)
    except AnsibleAWSError as error:
        return {"kms_keys": [], "error": _why(error)}
    return {"kms_keys": [camel_dict_to_snake_dict(metadata)]}


def rds(client):
    """``{instances: [...]}``: every DB instance with what the check reads, its tags as a dict."""
    out = []
    for db in describe_db_instances(client):
        out.append({"db_instance_identifier": db.get("DBInstanceIdentifier"), "db_instance_arn": db.get("DBInstanceArn"),
                    "backup_retention_period": db.get("BackupRetentionPeriod"), "preferred_backup_window": db.get("PreferredBackupWindow"),
                    "tags": boto3_tag_list_to_ansible_dict(db.get("TagList") or [])})
    return {"instances": out}


def s3(client):
    """``{buckets: [{name, bucket_tagging}]}``: every bucket with its tags (none: an empty dict)."""
    return {"buckets": [{"name": name, "bucket_tagging": get_s3_bucket_tagging(client, name) or {}} for name in _bucket_names(client)]}


def ec2(client, tag_key, tag_value):
    """``{instances: [...]}``: the live instances tagged TAG_KEY=TAG_VALUE, with their zone and tags."""
    filters = [{"Name": "tag:%s" % tag_key, "Values": [tag_value]}, {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}]
    out = []
    for reservation in describe_instances(client, Filters=filters):
        for instance in reservation.get("Instances", []):
            out.append({"instance_id": instance.get("InstanceId"),
                        "placement": {"availability_zone": (instance.get("Placement") or {}).get("AvailabilityZone")},
                        "state": {"name": (instance.get("State") or {}).get("Name")},
                        "tags": boto3_tag_list_to_ansible_dict(instance.get("Tags") or [])})
    return {"instances": out}


def jobs(backup, query):
    """What backup_job_info returns for QUERY (``jobs_health.build_query``): counts, problems, the window, the protected
    resources and the legal holds (the job lists themselves are left out)."""
    health = jobs_health.job_health(backup, query)
    out = {"counts": health["counts"], "problems": health["problems"], "window": jobs_health.window(query)}
    for name in ("protected_resources", "legal_holds"):
        if health[name] is not None:
            out[name] = health[name]
    return out


def gather(client, query, plan_name, vault_name, resource_types, tag_key, tag_value):
    """Everything the evaluation reads. CLIENT(service) gives a client; QUERY is the jobs' (``jobs_health.build_query``).

    A resource type left out of RESOURCE_TYPES is not read (its key holds ``{}``, as a skipped task's result did)."""
    backup = client("backup")
    found_plan, plan_id = plan(backup, plan_name)
    found_vault = vault(backup, vault_name)
    key_arn = (found_vault["backup_vaults"] or [{}])[0].get("encryption_key_arn")
    return {
        "caller": caller(client("sts")),
        "jobs": jobs(backup, query),
        "plan": found_plan,
        "selections": selections(backup, plan_id),
        "vault": found_vault,
        "key": key(client("kms"), key_arn) if key_arn else {"kms_keys": []},
        "rds": rds(client("rds")) if "RDS" in resource_types else {},
        "s3": s3(client("s3")) if "S3" in resource_types else {},
        "ec2": ec2(client("ec2"), tag_key, tag_value) if "EC2" in resource_types else {},
    }
