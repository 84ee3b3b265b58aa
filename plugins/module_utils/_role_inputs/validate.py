# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input rules of the validate roles and playbooks: validate_mysql, validate_ec2, restore_testing (its plan, and its
validate entry point that playbooks/validate_restore_tests.yml runs), backup_health, and the variables of
playbooks/rds_restore.yml itself (``rds_restore.yml``: the role rds_restore has its own rules under ``rds_restore``).

Where a module already holds the rule of a value (mysql_integrity's table declarations, restore_testing_plan's time
zones, restore metadata, backup_health's policy), the rule here calls it, so each rule lives once.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse


from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as v
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing as rt
from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs.common import (
    asg_name, aws_region, choices, declarations, endpoint_url,
    EMPTY, name_part, names, secret, secret_id, unique_of, unique_texts,
)

# What a check's result shows instead of a password: check_inputs returns the values it read, and -v prints them.
HOST = re.compile(r"^[A-Za-z0-9._:-]+$")
# AWS Backup job ids are UUIDs; a restore testing job id is looked up as given.
JOB_ID = re.compile(r"^[A-Za-z0-9-]{1,128}$")
CRON = re.compile(r"^cron\(\S+(?: \S+){5}\)$")
RATE = re.compile(r"^rate\([1-9]\d* (?:minutes?|hours?|days?)\)$")
# MySQL and MariaDB user names have at most 80 characters (MariaDB; MySQL 32), as mysql_integrity takes them.
MAX_MYSQL_USER = 80
MAX_STALENESS_MINUTES = 366 * 24 * 60
MAX_WAIT_SECONDS = 7 * 86400
MAX_LOOKBACK_HOURS = 366 * 24


# ------------------------------------------------------------------------------------------ shared rules
def _boolean(value, option):
    """A play variable no argument spec types: true/false, yes/no, 1/0, as Ansible's ``bool`` reads them, strictly."""
    try:
        return boolean(value, strict=True)
    except TypeError:
        v.fail(option, value, "must be true or false")


def _host(value, option):
    """A database host: a DNS name or an IP address (no scheme, no path, no blanks)."""
    return v.matching(value, option, HOST, "not a host name or IP address (letters, digits, '.', '-', '_' and ':' only; no scheme, path or blanks)",
                      max_length=255)


def _port(value, option):
    return v.integer(value, option, minimum=1, maximum=65535)


def _mysql_user(value, option):
    return v.text(value, option, max_length=MAX_MYSQL_USER, strip=False)


def _database(value, option):
    """A database to validate: a user database's name, as mysql_integrity takes it (not mysql, sys, ...)."""
    v.text(value, option, max_length=integrity.MAX_DATABASE_NAME, strip=False)
    if value in integrity.SYSTEM_DATABASES:
        v.fail(option, value, "is a system database, not the application's")
    if re.search(r"[/\\.]|\s$", value):
        v.fail(option, value, "a database name cannot hold '/', '\\' or '.', nor end with a blank")
    return value


def _recovery_point_time(value, option, now=None):
    """The recovery point's time, as mysql_integrity reads it: ISO 8601 with an offset, not in the future."""
    try:
        integrity.parse_time(value, option)
    except integrity.IntegrityError:
        v.fail(option, value, "not an ISO 8601 time with an offset (for example 2026-11-20T05:00:00Z)")
    return v.past_time(value, option, now=now)


def _metadata_overrides(value, option, resource_type, region=None):
    """Restore metadata overrides of a restore testing selection, by the restore metadata rules."""
    if not isinstance(value, dict):
        v.fail(option, value, "must be a dictionary of restore metadata keys to values")
    try:
        rm.check_values(resource_type, value, region, option)
    except rm.MetadataError as e:
        raise v.InputError(option, value, str(e), message=str(e)) from None
    return value


# ------------------------------------------------------------------------------------------ validate_mysql
def validate_mysql(i):
    """roles/validate_mysql: the endpoint, the passwords (never shown), the source, the declarations."""
    region = i.check("validate_mysql_aws_region", aws_region, optional=True) or i.region
    i.check("validate_mysql_aws_endpoint_url", endpoint_url, optional=True)
    i.check("validate_mysql_host", _host)
    i.check("validate_mysql_port", _port)
    i.check("validate_mysql_user", _mysql_user)
    secret(i, "validate_mysql_password")
    i.check("validate_mysql_password_secret", secret_id, optional=True, region=region)
    # Empty: every user database of the endpoint (mysql_integrity without login_db), as a restore without a DBName has.
    i.check("validate_mysql_database", _database, optional=True)
    i.check("validate_mysql_identifier", v.db_identifier, optional=True)
    source = i.check("validate_mysql_source_host", _host, optional=True)
    i.check("validate_mysql_source_port", _port)
    validate_mysql_settings(i, region)
    if source is None and i.get("validate_mysql_source_host") in EMPTY:
        for name in ("validate_mysql_source_user", "validate_mysql_source_database", "validate_mysql_source_password_secret"):
            if i.get(name) not in EMPTY:
                i.run(name, v.contradiction, [(name, i.get(name)), ("validate_mysql_source_host", i.get("validate_mysql_source_host"))],
                      "%s is only used with a source to compare with (validate_mysql_source_host)" % name)
    live = declarations(i, "validate_mysql_static_tables", "validate_mysql_live_tables", "validate_mysql_smoke_queries")
    point = i.check("validate_mysql_recovery_point_time", _recovery_point_time, optional=True, now=i.now)
    # Freshness is measured against the recovery point; without a source or a baseline nothing is compared.
    if point is None and i.get("validate_mysql_recovery_point_time") in EMPTY and (source or i.get("validate_mysql_baseline_path")) \
            and any(entry.get("timestamp_column") for entry in live):
        i.fail(v.InputError("validate_mysql_recovery_point_time", i.get("validate_mysql_recovery_point_time"),
                            "is empty, but validate_mysql_live_tables declare a timestamp_column, whose freshness is "
                            "measured against the recovery point"))


def validate_mysql_settings(i, region=None):
    """What a responder sets for roles/validate_mysql (-e, AWX): checked by the playbooks before the restore, whose
    result gives the endpoint, the credentials, the declarations and the recovery point's time."""
    region = region or i.region
    # Empty: the whole secret string is the password.
    i.check("validate_mysql_password_secret_key", v.text, optional=True)
    i.check("validate_mysql_source_user", _mysql_user, optional=True)
    secret(i, "validate_mysql_source_password")
    i.check("validate_mysql_source_password_secret", secret_id, optional=True, region=region)
    i.check("validate_mysql_source_database", _database, optional=True)
    i.check("validate_mysql_baseline_path", v.text, optional=True)
    i.check("validate_mysql_max_staleness_minutes", v.number, minimum=0, maximum=MAX_STALENESS_MINUTES)
    i.check("validate_mysql_parallelism", v.integer, minimum=1, maximum=integrity.MAX_PARALLELISM)
    i.check("validate_mysql_connect_timeout", v.integer, minimum=1, maximum=integrity.MAX_CONNECT_TIMEOUT)
    i.accept("validate_mysql_fail_on_difference")


# ------------------------------------------------------------------------------------------ validate_ec2
def _http_url(value, option):
    """An HTTP health check URL; ``{address}`` stands for each instance's private IP address."""
    v.text(value, option, strip=False)
    parsed = urlparse(value.replace("{address}", "192.0.2.1"))
    if parsed.scheme not in ("http", "https") or not parsed.netloc or re.search(r"\s", value):
        v.fail(option, value, "not an HTTP URL (http:// or https://, a host or {address}, then a path)")
    return value


def _status_codes(value, option):
    if not isinstance(value, list):
        v.fail(option, value, "must be a list of HTTP status codes")
    if not value:
        v.fail(option, value, "names no status code: no answer could pass")
    codes = v.each(value, option, v.integer, 100, 599)
    unique_of(value, option, codes)
    return codes


def validate_ec2(i):
    """roles/validate_ec2: what to validate (a group and/or instances), the target groups, the checks, the rounds."""
    i.check("validate_ec2_group_name", asg_name, optional=True)
    i.check("validate_ec2_instance_ids", unique_texts, validator=v.ec2_id, prefix="i")
    if i.get("validate_ec2_group_name") in EMPTY and i.get("validate_ec2_instance_ids") in EMPTY:
        i.run("validate_ec2_group_name", v.contradiction, [("validate_ec2_group_name", i.get("validate_ec2_group_name")),
                                                           ("validate_ec2_instance_ids", i.get("validate_ec2_instance_ids"))],
              "name the autoscaling group, the instances (i-...), or both: there is nothing to validate")
    i.check("validate_ec2_expected_image_id", v.ec2_id, "ami", optional=True)
    validate_ec2_settings(i)


def validate_ec2_settings(i):
    """What a responder sets for roles/validate_ec2 (-e, AWX): checked by ec2_restore.yml before the restore, whose
    result names the group, the instances and the image."""
    i.check("validate_ec2_target_group_arns", unique_texts, validator=v.arn, service="elasticloadbalancing",
            resource_types=("targetgroup",), region=i.region, what="a target group ARN",
            shape="arn:aws:elasticloadbalancing:<region>:<12-digit account>:targetgroup/<name>/<id>")
    i.check("validate_ec2_http_url", _http_url, optional=True)
    i.check("validate_ec2_http_status_codes", _status_codes)
    i.check("validate_ec2_http_timeout", v.integer, minimum=1, maximum=3600)
    i.accept("validate_ec2_http_validate_certs", "validate_ec2_fail_on_difference")
    i.check("validate_ec2_retries", v.integer, minimum=1, maximum=1000)
    i.check("validate_ec2_delay", v.integer, minimum=0, maximum=3600)


# ------------------------------------------------------------------------------------------ restore_testing
def _schedule_expression(value, option):
    v.text(value, option, strip=False)
    if not (CRON.match(value) or RATE.match(value)):
        v.fail(option, value, "not a schedule expression: cron(<6 fields>) or rate(<n> minutes|hours|days)")
    return value


def _tenants(i, name, project, environment):
    """Tenant ids whose buckets a selection names, each a valid part of the runbook's bucket names; empty: every bucket."""
    tenants = i.get(name)
    if not isinstance(tenants, list):
        i.fail(v.InputError(name, tenants, "must be a list of tenant ids"))
        return
    try:
        v.unique([str(tenant).strip() for tenant in tenants], name)
        for index, tenant in enumerate(tenants):
            _bucket, warnings = v.tenant_bucket_name(project, environment, tenant, "%s[%d]" % (name, index), "",
                                                     "restore_testing_project_name", "restore_testing_environment")
            i.warnings.extend(warnings)
    except v.InputError as e:
        i.fail(e)


def restore_testing(i):
    """roles/restore_testing, entry point main: the restore testing plan and its selections."""
    project = i.check("restore_testing_project_name", name_part)
    environment = i.check("restore_testing_environment", name_part)
    i.check("restore_testing_plan_name", v.testing_name)
    present = i.check("restore_testing_state", v.one_of, ("present", "absent")) != "absent"
    i.check("restore_testing_backup_vault_name", v.backup_vault_name)
    i.check("restore_testing_backup_role_name", v.iam_role_name)
    i.check("restore_testing_schedule_expression", _schedule_expression)
    i.check("restore_testing_schedule_timezone", rt.timezone, optional=True)
    i.check("restore_testing_start_window_hours", v.integer, minimum=1, maximum=rt.MAX_WINDOW_HOURS)
    i.check("restore_testing_algorithm", v.one_of, ("LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"))
    i.check("restore_testing_selection_window_days", v.integer, minimum=1, maximum=365)
    i.check("restore_testing_validation_window_hours", v.integer, minimum=1, maximum=rt.MAX_WINDOW_HOURS)
    kinds = i.check("restore_testing_resource_types", choices, rt.RESOURCE_TYPES,
                    "names no resource type (RDS, S3 and/or EC2): the plan would restore nothing" if present else None) or []
    databases = i.check("restore_testing_db_identifiers", unique_texts, validator=v.db_identifier)
    if present and "RDS" in kinds and databases == []:
        i.run("restore_testing_db_identifiers", v.contradiction,
              [("restore_testing_db_identifiers", databases), ("restore_testing_resource_types", kinds)],
              "the RDS selection needs at least one DB instance")
    # A tenant's bucket is named after the project and environment: checked once those are good.
    if project and environment:
        _tenants(i, "restore_testing_tenants", project, environment)
    else:
        i.get("restore_testing_tenants")
    i.check("restore_testing_rds_metadata_overrides", _metadata_overrides, "RDS", region=i.region)
    i.check("restore_testing_ec2_metadata_overrides", _metadata_overrides, "EC2", region=i.region)


def restore_testing_validate(i):
    """roles/restore_testing, entry point validate (playbooks/validate_restore_tests.yml): which jobs, how each is
    validated. Checked before the jobs are read and long before any validation result is reported."""
    names(i, "restore_testing_project_name", "restore_testing_environment")
    i.check("restore_testing_plan_name", v.testing_name)
    job = i.check("restore_testing_job_id", _job_id, optional=True)
    after = i.check("restore_testing_created_after", v.past_time, optional=True, now=i.now)
    before = i.check("restore_testing_created_before", v.parse_time, optional=True, now=i.now)
    i.run("restore_testing_created_before", v.time_order, after, "restore_testing_created_after", before,
          "restore_testing_created_before", i.get("restore_testing_created_after"), i.get("restore_testing_created_before"))
    if job:
        for name in ("restore_testing_created_after", "restore_testing_created_before"):
            if i.get(name) not in EMPTY:
                i.run(name, v.contradiction, [("restore_testing_job_id", job), (name, i.get(name))],
                      "validate either one job (restore_testing_job_id) or the jobs of a window, not both")
    i.check("restore_testing_lookback_hours", v.integer, minimum=1, maximum=MAX_LOOKBACK_HOURS)
    i.check("restore_testing_wait_timeout", v.integer, minimum=0, maximum=MAX_WAIT_SECONDS)
    i.check("restore_testing_wait_delay", v.integer, minimum=1, maximum=3600)
    i.accept("restore_testing_revalidate", "restore_testing_fail_on_failure", "restore_testing_mysql_compare_source")
    region = i.check("restore_testing_aws_region", aws_region, optional=True) or i.region
    i.check("restore_testing_aws_endpoint_url", endpoint_url, optional=True)
    i.check("restore_testing_mysql_user", _mysql_user)
    secret(i, "restore_testing_mysql_password")
    i.check("restore_testing_mysql_password_secret", secret_id, optional=True, region=region)
    i.check("restore_testing_mysql_password_secret_key", v.text, optional=True)
    i.check("restore_testing_mysql_database", _database, optional=True)
    declarations(i, "restore_testing_mysql_static_tables", "restore_testing_mysql_live_tables", "restore_testing_mysql_smoke_queries")
    i.check("restore_testing_mysql_max_staleness_minutes", v.number, minimum=0, maximum=MAX_STALENESS_MINUTES)
    i.check("restore_testing_s3_critical_keys", unique_texts, max_length=1024, strip=False)
    i.check("restore_testing_s3_min_count_percent", v.integer, minimum=0, maximum=100)
    i.check("restore_testing_ec2_retries", v.integer, minimum=1, maximum=1000)
    i.check("restore_testing_ec2_delay", v.integer, minimum=0, maximum=3600)


def _job_id(value, option):
    return v.matching(value, option, JOB_ID, "not a restore job id (letters, digits and hyphens, as AWS Backup gives it)")


# ------------------------------------------------------------------------------------------ backup_health
def backup_health(i):
    """roles/backup_health: each variable by the rules its evaluation reads it with (module_utils/_backup/health.py)."""
    checked = {key: i.check(health.PREFIX + key, rule) for key, rule in health.input_rules(i.now, i.region).items()}
    i.run("backup_health_until", health.window_order, checked["since"], checked["until"], i.get("backup_health_since"),
          i.get("backup_health_until"))
    i.check("backup_health_job_states", choices, health.JOB_STATES, "names no job state: no failed job would be found")
    i.accept("backup_health_fail_on_findings")


# ------------------------------------------------------------------------------------------ playbooks
def rds_restore_playbook(i):
    """playbooks/rds_restore.yml's own variables: the mode, and how the restored database is validated (checked
    before preflight: a bad declaration would otherwise fail only after the restore)."""
    i.check("rds_restore_mode", v.one_of, ("new", "in_place"))
    i.check("rds_restore_validate", _boolean)
    declarations(i, "rds_restore_validate_static_tables", "rds_restore_validate_live_tables", "rds_restore_validate_smoke_queries")
    secret(i, "rds_restore_validate_password")
    i.check("rds_restore_validate_password_secret", secret_id, optional=True, region=i.region)


# A valid set of each role's variables (the unit tests change one at a time).
EXAMPLES = {
    "validate_mysql": {
        "validate_mysql_host": "app-prod-db-restore.abc123.us-east-1.rds.amazonaws.com", "validate_mysql_port": 3306,
        "validate_mysql_user": "admin", "validate_mysql_password": "", "validate_mysql_password_secret": "app/prod/db-master",
        "validate_mysql_password_secret_key": "password", "validate_mysql_database": "app", "validate_mysql_identifier": "app-prod-db-restore",
        "validate_mysql_aws_region": "", "validate_mysql_aws_endpoint_url": "", "validate_mysql_source_host": "app-prod-db.abc123.us-east-1.rds.amazonaws.com",
        "validate_mysql_source_port": 3306, "validate_mysql_source_user": "", "validate_mysql_source_password": "",
        "validate_mysql_source_password_secret": "", "validate_mysql_source_database": "", "validate_mysql_baseline_path": "",
        "validate_mysql_static_tables": ["plans", "tenants"],
        "validate_mysql_live_tables": [{"name": "orders", "tolerance_percent": 20, "timestamp_column": "created_at"},
                                       {"name": "audit_log", "tolerance_rows": 500}],
        "validate_mysql_smoke_queries": [{"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3}],
        "validate_mysql_recovery_point_time": "2026-11-24T05:00:00.123456Z", "validate_mysql_max_staleness_minutes": 60,
        "validate_mysql_parallelism": 4, "validate_mysql_connect_timeout": 10, "validate_mysql_fail_on_difference": True,
    },
    "validate_ec2": {
        "validate_ec2_group_name": "app-prod-app-asg", "validate_ec2_instance_ids": [], "validate_ec2_target_group_arns": [],
        "validate_ec2_expected_image_id": "", "validate_ec2_http_url": "", "validate_ec2_http_status_codes": [200],
        "validate_ec2_http_timeout": 10, "validate_ec2_http_validate_certs": True, "validate_ec2_retries": 20,
        "validate_ec2_delay": 15, "validate_ec2_fail_on_difference": True,
    },
    "restore_testing": {
        "restore_testing_project_name": "app", "restore_testing_environment": "prod", "restore_testing_plan_name": "app_prod_restore_testing",
        "restore_testing_backup_vault_name": "app-prod-backup-vault", "restore_testing_backup_role_name": "app-prod-backup-role",
        "restore_testing_state": "present", "restore_testing_schedule_expression": "cron(0 8 ? * SUN *)",
        "restore_testing_schedule_timezone": "", "restore_testing_start_window_hours": 24, "restore_testing_algorithm": "LATEST_WITHIN_WINDOW",
        "restore_testing_selection_window_days": 7, "restore_testing_validation_window_hours": 4,
        "restore_testing_resource_types": ["RDS", "S3"], "restore_testing_db_identifiers": ["app-prod-db"],
        "restore_testing_rds_metadata_overrides": {}, "restore_testing_tenants": [], "restore_testing_ec2_metadata_overrides": {},
    },
    "restore_testing:validate": {
        "restore_testing_project_name": "app", "restore_testing_environment": "prod", "restore_testing_plan_name": "app_prod_restore_testing",
        "restore_testing_job_id": "", "restore_testing_created_after": "", "restore_testing_created_before": "",
        "restore_testing_lookback_hours": 48, "restore_testing_wait_timeout": 0, "restore_testing_wait_delay": 15,
        "restore_testing_revalidate": False, "restore_testing_fail_on_failure": False, "restore_testing_mysql_user": "admin",
        "restore_testing_mysql_password": "", "restore_testing_mysql_password_secret": "", "restore_testing_mysql_password_secret_key": "password",
        "restore_testing_mysql_database": "app", "restore_testing_mysql_compare_source": True, "restore_testing_mysql_static_tables": [],
        "restore_testing_mysql_live_tables": [], "restore_testing_mysql_smoke_queries": [], "restore_testing_mysql_max_staleness_minutes": 60,
        "restore_testing_aws_region": "", "restore_testing_aws_endpoint_url": "", "restore_testing_s3_critical_keys": [],
        "restore_testing_s3_min_count_percent": 90, "restore_testing_ec2_retries": 4, "restore_testing_ec2_delay": 15,
    },
    "backup_health": {
        "backup_health_project_name": "app", "backup_health_environment": "prod", "backup_health_backup_vault_name": "app-prod-backup-vault",
        "backup_health_backup_plan_name": "app-prod-backup-plan", "backup_health_since": "-24h", "backup_health_until": "",
        "backup_health_job_states": ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"], "backup_health_rpo_hours": 26,
        "backup_health_tag_key": "Backup", "backup_health_tag_value": "true", "backup_health_resource_types": ["RDS", "S3", "EC2"],
        "backup_health_policy": {
            "rules": [
                {"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 30, "move_to_cold_storage_after_days": 0,
                 "copy_delete_after_days": 90},
                {"name": "weekly", "schedule": "cron(0 6 ? * SUN *)", "delete_after_days": 365, "move_to_cold_storage_after_days": 30,
                 "copy_delete_after_days": 0},
            ],
            "vault_customer_managed_key": True, "rds_backup_retention_days": 7, "rds_backup_window": "03:00-04:00",
        },
        "backup_health_sns_topic_arn": "", "backup_health_fail_on_findings": False,
    },
    "rds_restore.yml": {
        "rds_restore_mode": "new", "rds_restore_validate": False, "rds_restore_validate_static_tables": [],
        "rds_restore_validate_live_tables": [], "rds_restore_validate_smoke_queries": [], "rds_restore_validate_password": "",
        "rds_restore_validate_password_secret": "",
    },
}

EXAMPLES["validate_mysql:settings"] = EXAMPLES["validate_mysql"]
EXAMPLES["validate_ec2:settings"] = EXAMPLES["validate_ec2"]

# The variables a playbook gives a validation role from its restore's result; the rest are the role's settings,
# which the playbook checks (ROLE:settings) before the restore.
DERIVED = {
    "validate_mysql": ("validate_mysql_aws_region", "validate_mysql_aws_endpoint_url", "validate_mysql_host", "validate_mysql_port",
                       "validate_mysql_user", "validate_mysql_password", "validate_mysql_password_secret", "validate_mysql_database",
                       "validate_mysql_identifier", "validate_mysql_source_host", "validate_mysql_source_port",
                       "validate_mysql_static_tables", "validate_mysql_live_tables", "validate_mysql_smoke_queries",
                       "validate_mysql_recovery_point_time"),
    "validate_ec2": ("validate_ec2_group_name", "validate_ec2_instance_ids", "validate_ec2_expected_image_id"),
}

RULES = {
    "validate_mysql": validate_mysql,
    "validate_mysql:settings": validate_mysql_settings,
    "validate_ec2": validate_ec2,
    "validate_ec2:settings": validate_ec2_settings,
    "restore_testing": restore_testing,
    "restore_testing:validate": restore_testing_validate,
    "backup_health": backup_health,
    # The playbook's own variables; the role of the same name has its rules under "rds_restore".
    "rds_restore.yml": rds_restore_playbook,
}
