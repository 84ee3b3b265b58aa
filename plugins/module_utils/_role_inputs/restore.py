# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input rules of the restore roles and playbooks: s3_restore, validate_s3, rds_restore, restore_drill, restore_access_vault."""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as v
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs.common import (
    NO_RESOURCE_TYPE, RESOURCE_TYPES, choices, declarations, flag, kms_when, names, past_time, report_name, role_arn_or_empty, secret_id, seconds, unique_texts,
)


def s3_restore(i):
    names(i, "s3_restore_project_name", "s3_restore_environment")
    project, environment = i.get("s3_restore_project_name"), i.get("s3_restore_environment")
    if not i.errors:
        found = i.run("s3_restore_tenant_ids", v.tenant_buckets, project, environment, i.get("s3_restore_tenant_ids"),
                      "s3_restore_tenant_ids", "s3_restore_project_name", "s3_restore_environment")
        if found:
            i.derived["tenants"] = found[0]
            i.warnings.extend(found[1])
    else:
        i.get("s3_restore_tenant_ids")
    i.check("s3_restore_backup_vault_name", v.backup_vault_name)
    role_arn_or_empty(i, "s3_restore_iam_role_arn")
    past_time(i, "s3_restore_target_time")
    kms_when(i, "s3_restore_kms_key_arn", i.get("s3_restore_encryption_type") == "SSE-KMS", "s3_restore_encryption_type=SSE-KMS")
    # AWS Backup's ItemsToRestore takes at most 5 items per restore job: more are restored by several jobs per tenant.
    i.check("s3_restore_items", unique_texts)
    i.check("s3_restore_prefixes", unique_texts)
    i.check("s3_restore_include_globs", v.globs)
    i.check("s3_restore_exclude_globs", v.globs)
    i.check("s3_restore_keys_file", v.text, optional=True)
    i.accept("s3_restore_conflict_policy", "s3_restore_plan_only", "s3_restore_manifest_dir")
    kms_when(i, "s3_restore_copy_kms_key_id", i.get("s3_restore_copy_encryption") == "kms", "s3_restore_copy_encryption=kms")
    i.check("s3_restore_parallelism", v.integer, minimum=1, maximum=256)
    i.check("s3_restore_copy_concurrency", v.integer, minimum=1, maximum=64)
    i.check("s3_restore_bucket_concurrency", v.integer, minimum=1, maximum=64)
    i.check("s3_restore_run_id", _run_id, optional=True)
    seconds(i, "s3_restore_wait_timeout", "s3_restore_poll_interval")


def _run_id(value, option):
    """A run id: it becomes a tag value and part of file names."""
    v.text(value, option, max_length=128, strip=False)
    if not all(c.isascii() and (c.isalnum() or c in "-_.") for c in value) or value in (".", ".."):
        v.fail(option, value, "may hold only ASCII letters, digits, '-', '_' and '.'")
    return value


def rds_restore(i):
    names(i, "rds_restore_project_name", "rds_restore_environment")
    source = i.check("rds_restore_source_identifier", v.db_identifier)
    target = i.check("rds_restore_target_identifier", v.db_identifier)
    if source and target and source.lower() == target.lower():
        i.fail(v.InputError("rds_restore_target_identifier", target,
                            "is the source rds_restore_source_identifier; this role restores to a new instance, never the source"))
    i.check("rds_restore_backup_vault_name", v.backup_vault_name)
    # Only a restore from an AWS Backup point passes a role; auto may still choose one, so a role given is checked.
    if i.get("rds_restore_method") == "backup":
        i.check("rds_restore_iam_role_arn", v.iam_role_arn)
    else:
        role_arn_or_empty(i, "rds_restore_iam_role_arn")
    past_time(i, "rds_restore_target_time")
    i.check("rds_restore_instance_class", v.db_instance_class, optional=True)
    i.check("rds_restore_subnet_group", v.db_subnet_group_name, optional=True)
    i.check("rds_restore_security_group_names", unique_texts, max_length=255)
    i.check("rds_restore_parameter_group", v.db_parameter_group_name, optional=True)
    i.check("rds_restore_backup_retention_period", v.integer, minimum=0, maximum=35)
    i.check("rds_restore_tags", v.tags)
    i.accept("rds_restore_multi_az", "rds_restore_publicly_accessible", "rds_restore_deletion_protection")
    seconds(i, "rds_restore_wait_timeout", "rds_restore_poll_interval")


def _drill_id(value, option):
    """A drill id becomes part of DB identifiers and bucket names: lower-case letters and digits, single hyphens."""
    v.text(value, option, max_length=40, strip=False)
    if not all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in value) or "--" in value or value[0] == "-" or value[-1] == "-":
        v.fail(option, value, "is not a drill id (lower-case letters and digits, single hyphens between them)")
    return value


def _record_prefix(value, option):
    if value and (value.startswith("/") or not value.endswith("/") or ".." in value):
        v.fail(option, value, "must not start with '/', must end with '/' and hold no '..'")
    return value


def restore_drill(i):
    """playbooks/restore_drill.yml (runbook 4): checked before the drill's record bucket or record is written."""
    names(i, "restorekit_project_name", "restorekit_environment")
    i.check("restore_drill_resource_types", choices, RESOURCE_TYPES, NO_RESOURCE_TYPE)
    i.check("restore_drill_record_bucket", v.bucket_name)
    i.check("restore_drill_record_prefix", _record_prefix)
    i.accept("restore_drill_record_bucket_create")
    i.check("restore_drill_db_password_secret", secret_id, optional=True, region=i.region)
    i.check("restore_drill_created_after", v.past_time, now=i.now)
    i.check("restore_drill_rds_resource_name", v.db_identifier, optional=True)
    i.check("restore_drill_db_instance_class", v.db_instance_class, optional=True)
    # As validate_mysql will check them after the restore: a bad declaration found only then fails the drill late.
    declarations(i, "restore_drill_mysql_static_tables", "restore_drill_mysql_live_tables", "restore_drill_mysql_smoke_queries")
    i.check("restore_drill_mysql_max_staleness_minutes", v.number, minimum=0)
    i.check("restore_drill_s3_critical_keys", unique_texts, max_length=1024)
    i.check("restore_drill_ec2_instance_type", v.instance_type, optional=True)
    i.check("restore_drill_ec2_subnet_id", v.ec2_id, "subnet", optional=True)
    i.check("restore_drill_ec2_security_group_ids", unique_texts, validator=v.ec2_id, prefix="sg")
    i.check("restore_drill_ec2_validate_retries", v.integer, minimum=1, maximum=1000)
    i.check("restore_drill_ec2_validate_delay", v.integer, minimum=0, maximum=3600)
    i.check("restore_drill_sns_topic_arn", v.arn, "sns", optional=True, what="an SNS topic ARN",
            shape="arn:aws:sns:<region>:<12-digit account>:<topic>", region=i.region)
    seconds(i, "restore_drill_wait_timeout", "restore_drill_poll_interval")
    i.check("restore_drill_lease_seconds", v.integer, minimum=1)
    i.check("restore_drill_cleanup_wait", v.integer, minimum=0, maximum=7 * 86400)
    i.check("restore_drill_stop_after", v.one_of, ("", "started"))
    i.check("restore_drill_cleanup_drill_id", _drill_id, optional=True)
    i.check("restore_drill_id", _drill_id, optional=True)
    i.check("restore_drill_seed", v.integer, optional=True, minimum=0)
    i.accept("restore_drill_db_password")
    i.check("restore_drill_report_name", report_name, optional=True)


def _restores(value, option):
    """validate_s3_restores: records naming a production and a different staging bucket, each pair once."""
    if not isinstance(value, list) or not value:
        v.fail(option, value, "must list the restores to validate (records with production_bucket and staging_bucket)")
    pairs = []
    for index, record in enumerate(value):
        element = "%s[%d]" % (option, index)
        if not isinstance(record, dict):
            v.fail(element, record, "must be a record with production_bucket and staging_bucket")
        production = v.bucket_name(record.get("production_bucket"), element + ".production_bucket")
        staging = v.bucket_name(record.get("staging_bucket"), element + ".staging_bucket")
        if production == staging:
            v.fail(element, record, "production_bucket and staging_bucket are the same bucket")
        pairs.append((production, staging))
    v.unique(pairs, option)
    return value


def validate_s3_settings(i):
    """What a responder sets for roles/validate_s3 (-e, AWX): checked by s3_restore.yml before the restore, whose
    result gives the rest (validate_s3_restores, validate_s3_run_id)."""
    i.check("validate_s3_critical_keys", unique_texts, max_length=1024)
    i.check("validate_s3_detail_sample", v.integer, minimum=0, maximum=100000)
    i.check("validate_s3_parallelism", v.integer, minimum=1, maximum=256)
    # A function name (1 to 64 letters, digits, '-' or '_'), a partial ARN or a function ARN.
    i.check("validate_s3_provisioning_lambda", v.text, optional=True, max_length=170)
    i.accept("validate_s3_provisioning_payload", "validate_s3_fail_on_difference", "validate_s3_remove_staging")


def validate_s3(i):
    i.check("validate_s3_restores", _restores)
    validate_s3_settings(i)
    remove = flag(i.get("validate_s3_remove_staging"))
    if remove and i.get("validate_s3_run_id") in (None, ""):
        i.fail(v.InputError("validate_s3_run_id", "",
                            "is empty, but validate_s3_remove_staging=true removes only the staging buckets tagged with this run's id"))
    else:
        i.check("validate_s3_run_id", _run_id, optional=True)


def restore_access_vault(i):
    """roles/restore_access_vault: the air-gapped vault in this region, the names and comments AWS takes."""
    i.check("restore_access_vault_source_arn", v.backup_vault_arn, region=i.region)
    i.check("restore_access_vault_name", v.backup_vault_name, optional=True)
    i.check("restore_access_vault_comment", v.text, max_length=1024, optional=True)
    i.check("restore_access_vault_revoke_reason", v.text, max_length=1024, optional=True)
    i.accept("restore_access_vault_request_again", "restore_access_vault_wait", "restore_access_vault_list_recovery_points")
    seconds(i, "restore_access_vault_wait_timeout", "restore_access_vault_poll_interval")


# A valid set of each role's variables (the unit tests change one at a time).
EXAMPLES = {
    "validate_s3": {
        "validate_s3_restores": [{"tenant_id": "12", "production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore"}],
        "validate_s3_critical_keys": [], "validate_s3_detail_sample": 20, "validate_s3_parallelism": 16,
        "validate_s3_provisioning_lambda": "", "validate_s3_provisioning_payload": {}, "validate_s3_remove_staging": False,
        "validate_s3_run_id": "", "validate_s3_fail_on_difference": True,
    },
    "s3_restore": {
        "s3_restore_project_name": "app", "s3_restore_environment": "prod", "s3_restore_tenant_ids": ["1", "12"],
        "s3_restore_backup_vault_name": "app-prod-backup-vault", "s3_restore_iam_role_arn": "", "s3_restore_target_time": "",
        "s3_restore_encryption_type": "ORIGINAL", "s3_restore_kms_key_arn": "", "s3_restore_items": [], "s3_restore_prefixes": [],
        "s3_restore_include_globs": [], "s3_restore_exclude_globs": [], "s3_restore_keys_file": "", "s3_restore_conflict_policy": "skip_newer",
        "s3_restore_copy_encryption": "preserve", "s3_restore_copy_kms_key_id": "", "s3_restore_parallelism": 16,
        "s3_restore_copy_concurrency": 4, "s3_restore_bucket_concurrency": 8, "s3_restore_plan_only": False,
        "s3_restore_manifest_dir": "reports/s3-restore", "s3_restore_run_id": "", "s3_restore_wait_timeout": 7200,
        "s3_restore_poll_interval": 15,
    },
    "restore_drill": {
        "restorekit_project_name": "app", "restorekit_environment": "prod", "restore_drill_resource_types": ["RDS", "S3", "EC2"],
        "restore_drill_record_bucket": "app-prod-drill-records", "restore_drill_record_prefix": "restorekit/drills/",
        "restore_drill_record_bucket_create": False, "restore_drill_created_after": "-2w", "restore_drill_rds_resource_name": "",
        "restore_drill_db_password_secret": "", "restore_drill_db_instance_class": "db.t3.medium",
        "restore_drill_mysql_static_tables": ["plans"], "restore_drill_mysql_live_tables": [], "restore_drill_mysql_smoke_queries": [],
        "restore_drill_mysql_max_staleness_minutes": 60, "restore_drill_s3_critical_keys": [], "restore_drill_ec2_instance_type": "",
        "restore_drill_ec2_subnet_id": "", "restore_drill_ec2_security_group_ids": [], "restore_drill_ec2_validate_retries": 20,
        "restore_drill_ec2_validate_delay": 15, "restore_drill_sns_topic_arn": "", "restore_drill_poll_interval": 15,
        "restore_drill_wait_timeout": 7200, "restore_drill_lease_seconds": 10800, "restore_drill_cleanup_wait": 900,
        "restore_drill_stop_after": "", "restore_drill_cleanup_drill_id": "", "restore_drill_id": None, "restore_drill_seed": None,
        "restore_drill_db_password": "", "restore_drill_report_name": "",
    },
    "rds_restore": {
        "rds_restore_project_name": "app", "rds_restore_environment": "prod", "rds_restore_source_identifier": "app-prod-db",
        "rds_restore_target_identifier": "app-prod-db-restore", "rds_restore_backup_vault_name": "app-prod-backup-vault",
        "rds_restore_iam_role_arn": "arn:aws:iam::123456789012:role/app-prod-backup-role", "rds_restore_target_time": "",
        "rds_restore_method": "auto", "rds_restore_instance_class": "",
        "rds_restore_subnet_group": "app-prod-db-subnet-group", "rds_restore_security_group_names": ["app-prod-db-sg"],
        "rds_restore_multi_az": False, "rds_restore_publicly_accessible": False, "rds_restore_parameter_group": "",
        "rds_restore_backup_retention_period": 7, "rds_restore_deletion_protection": True, "rds_restore_tags": {},
        "rds_restore_wait_timeout": 7200, "rds_restore_poll_interval": 15,
    },
}

EXAMPLES["restore_access_vault"] = {
    "restore_access_vault_source_arn": "arn:aws:backup:us-east-1:123456789012:backup-vault:app-prod-airgap-vault",
    "restore_access_vault_name": "app-prod-restore-access", "restore_access_vault_comment": "INC-1 restore tenant 12",
    "restore_access_vault_request_again": False, "restore_access_vault_wait": True, "restore_access_vault_wait_timeout": 14400,
    "restore_access_vault_poll_interval": 15, "restore_access_vault_list_recovery_points": True,
    "restore_access_vault_revoke_reason": "",
}
EXAMPLES["validate_s3:settings"] = EXAMPLES["validate_s3"]

# The variables a playbook gives a validation role from its restore's result; the rest are the role's settings,
# which the playbook checks (ROLE:settings) before the restore.
DERIVED = {"validate_s3": ("validate_s3_restores", "validate_s3_run_id")}

RULES = {
    "s3_restore": s3_restore,
    "validate_s3": validate_s3,
    "validate_s3:settings": validate_s3_settings,
    "rds_restore": rds_restore,
    "restore_drill": restore_drill,
    "restore_access_vault": restore_access_vault,
}
