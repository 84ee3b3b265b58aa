# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input rules of the operate roles and playbooks: ec2_restore (role and playbook), rds_swap, preflight,
restore_report, backup_alerts, and the playbook rds_restore_in_place."""

from __future__ import annotations

import datetime
import re

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as v
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs.common import (
    asg_name, aws_region, choices, declarations, endpoint_url, flag,
    secret, secret_id,
    EMPTY, NO_RESOURCE_TYPE, RESOURCE_TYPES, name_part, names, past_time, report_name, role_arn_or_empty, seconds, unique_texts,
)

# ------------------------------------------------------------------------------------------ names and values
# EventBridge rule names and target ids (PutRule, PutTargets): 1 to 64 letters, digits, '.', '-' or '_'.
EVENTS_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
# SNS topic names (CreateTopic): 1 to 256 letters, digits, '-' or '_'; a FIFO topic ends with .fifo.
SNS_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,256}(?:\.fifo)?$")
# What an SSM parameter that is only read may be called (public parameters under /aws/ included).
SSM_NAME_READ = re.compile(r"^[A-Za-z0-9_.\-/]{1,1011}$")
# An RDS database name (CreateDBInstance DBName for MySQL): 1 to 64 letters, digits or underscores, a letter first.
DB_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# A run id or lock holder's run: it becomes a tag value, part of the lock and of file names.
RUN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")
# The in-place swap's names: <production>-swap-<14 digits> and <production>-old-<14 digits>, at most 63 characters.
SWAP_SUFFIX = len("-swap-20261124031000")
SWAP_STEPS = ("snapshot", "stop_writers", "restore", "validate", "switch", "start_writers")
# Tags the restore job path of ec2_restore always sets itself.
EC2_ORIGIN_TAGS = ("restorekit:restored-from", "restorekit:restore-job", "restorekit:source-instance")


def _boolean(value, option):
    """A boolean as Ansible takes it, also from -e and AWX surveys ("true", "no", "1")."""
    text = value.strip().lower() if isinstance(value, str) else value
    if isinstance(value, bool) or text in BOOLEANS_TRUE or text in BOOLEANS_FALSE:
        return flag(value)
    v.fail(option, value, "must be a boolean (true or false)")


def _lookups(i, region, endpoint):
    """Where the role's SSM and Secrets Manager lookups go: a region and an endpoint URL, each optional."""
    i.check(region, aws_region, optional=True)
    i.check(endpoint, endpoint_url, optional=True)


def _tag_value(value, option):
    """An EC2 tag value such as a Name tag: at most 256 characters."""
    return v.text(value, option, max_length=256, strip=False)


def _run_id(value, option):
    v.text(value, option, strip=False)
    if not RUN_ID.match(value) or value in (".", ".."):
        v.fail(option, value, "may hold only 1 to 128 ASCII letters, digits, '-', '_' and '.'")
    return value


def _ssm_name_to_read(value, option, region=None):
    """An SSM parameter that is read (public /aws/ parameters included): its name, or its ARN."""
    v.text(value, option, strip=False)
    if value.startswith("arn:"):
        v.arn(value, option, "ssm", ("parameter",), region=region, what="an SSM parameter ARN",
              shape="arn:aws:ssm:<region>:<12-digit account>:parameter/<name>")
    elif not SSM_NAME_READ.match(value) or "//" in value:
        v.fail(option, value, "not an SSM parameter name (letters, digits, _ . - and / between levels)")
    return value


def _needs_names(project, environment, *derived):
    """Whether a name in DERIVED is the one built from the project and environment (so they must be right)."""
    return any(name == "%s-%s-%s" % (project or "", environment or "", suffix) for name, suffix in derived)


def _project_names(i, project, environment, needed):
    """The runbook's project and environment: required when a name is built from them, else only checked when set."""
    if needed:
        names(i, project, environment)
    else:
        i.check(project, name_part, optional=True)
        i.check(environment, name_part, optional=True)


# ------------------------------------------------------------------------------------------ ec2_restore
def _each_dict(value, option, fields, described):
    """(element name, item) for each item of VALUE, a list of dictionaries with FIELDS ("{type, name}"), each
    DESCRIBED in the message when it is not a dictionary ("type and name")."""
    if not isinstance(value, list):
        v.fail(option, value, "must be a list of %s" % fields)
    for index, item in enumerate(value):
        element = "%s[%d]" % (option, index)
        if not isinstance(item, dict):
            v.fail(element, item, "must be a dictionary with %s" % described)
        yield element, item


def _user_data_secrets(value, option, region=None):
    """[{name, ssm_parameter | secret_id}]: each name once, each value from exactly one place."""
    for element, item in _each_dict(value, option, "{name, ssm_parameter or secret_id}", "name and ssm_parameter or secret_id"):
        v.text(item.get("name"), element + ".name", strip=False)
        given = [key for key in ("ssm_parameter", "secret_id") if item.get(key) not in EMPTY]
        if len(given) != 1:
            v.fail(element, item, "needs exactly one of ssm_parameter or secret_id (where the value is read)")
        if given == ["ssm_parameter"]:
            _ssm_name_to_read(item["ssm_parameter"], element + ".ssm_parameter", region)
        else:
            secret_id(item["secret_id"], element + ".secret_id", region)
    v.unique([item["name"] for item in value], option)
    return value


def _ec2_tags(value, option):
    v.tags(value, option)
    for key in value or {}:
        if key in EC2_ORIGIN_TAGS:
            v.fail(option, value, "tag key %r is set by the role itself (where the instance was restored from)" % key)
    return value


def ec2_restore(i):
    """roles/ec2_restore, and playbooks/ec2_restore.yml's own ec2_restore_validate: before any AWS call."""
    method = i.check("ec2_restore_method", v.one_of, ("relaunch", "restore_job"))
    rollback = i.check("ec2_restore_rollback_to_version", v.integer, optional=True, minimum=1)
    group = i.check("ec2_restore_group_name", asg_name, optional=True)
    instance_id = i.check("ec2_restore_instance_id", v.ec2_id, "i", optional=True)
    instance_name = i.check("ec2_restore_instance_name", _tag_value, optional=True)
    image_id = i.check("ec2_restore_image_id", v.ec2_id, "ami", optional=True)
    target_time = past_time(i, "ec2_restore_target_time")
    instance_type = i.check("ec2_restore_instance_type", v.instance_type, optional=True)
    template = i.check("ec2_restore_user_data_template", v.text, optional=True)
    region = i.check("ec2_restore_aws_region", aws_region, optional=True) or i.region
    i.check("ec2_restore_aws_endpoint_url", endpoint_url, optional=True)
    secrets = i.check("ec2_restore_user_data_secrets", _user_data_secrets, region=region)
    template_vars = i.get("ec2_restore_user_data_vars")
    i.check("ec2_restore_min_healthy_percentage", v.integer, minimum=0, maximum=100)
    i.check("ec2_restore_instance_warmup", v.integer, minimum=0, maximum=86400)
    seconds(i, "ec2_restore_wait_timeout", "ec2_restore_poll_interval")
    subnet = i.check("ec2_restore_subnet_id", v.ec2_id, "subnet", optional=True)
    groups = i.check("ec2_restore_security_group_ids", unique_texts, validator=v.ec2_id, prefix="sg")
    profile = i.check("ec2_restore_instance_profile_name", v.iam_role_name, optional=True, max_length=128,
                      what="an instance profile name")
    role_arn_or_empty(i, "ec2_restore_iam_role_arn")
    tags = i.check("ec2_restore_tags", _ec2_tags)
    attach = flag(i.get("ec2_restore_attach_to_group"))
    i.accept("ec2_restore_require_imdsv2", "ec2_restore_copy_source_tags")
    # playbooks/ec2_restore.yml's own variable (absent when the role runs on its own).
    i.check("ec2_restore_validate", _boolean, optional=True)

    if template is None and i.get("ec2_restore_user_data_template") in EMPTY:
        for name, value in (("ec2_restore_user_data_secrets", secrets), ("ec2_restore_user_data_vars", template_vars)):
            if value not in EMPTY:
                i.run(name, v.contradiction, [(name, value), ("ec2_restore_user_data_template", "")],
                      "%s is only read into a user data template: set ec2_restore_user_data_template, or leave it empty" % name)
    if method == "relaunch" and i.get("ec2_restore_group_name") in EMPTY:
        i.fail(v.InputError("ec2_restore_group_name", "", "is empty, but ec2_restore_method=relaunch relaunches an autoscaling "
                            "group: name the group"))
    if instance_id and instance_name:
        i.run("ec2_restore_instance_id", v.contradiction, [("ec2_restore_instance_id", instance_id), ("ec2_restore_instance_name", instance_name)],
              "name the instance one way: by its id or by its Name tag")
    if method == "restore_job":
        if not (group or instance_id or instance_name) and all(
                i.get(name) in EMPTY for name in ("ec2_restore_group_name", "ec2_restore_instance_id", "ec2_restore_instance_name")):
            i.run("ec2_restore_instance_id", v.contradiction,
                  [("ec2_restore_instance_id", ""), ("ec2_restore_instance_name", ""), ("ec2_restore_group_name", "")],
                  "ec2_restore_method=restore_job selects its recovery point by instance id, Name tag or group: set one")
        if attach and i.get("ec2_restore_group_name") in EMPTY:
            i.run("ec2_restore_attach_to_group", v.contradiction, [("ec2_restore_attach_to_group", True), ("ec2_restore_group_name", "")],
                  "ec2_restore_attach_to_group=true needs the group to attach the instance to: set ec2_restore_group_name")
    elif method == "relaunch":
        only_restore_job = (("ec2_restore_subnet_id", subnet), ("ec2_restore_security_group_ids", groups),
                            ("ec2_restore_instance_profile_name", profile), ("ec2_restore_tags", tags),
                            ("ec2_restore_attach_to_group", True if attach else None))
        for name, value in only_restore_job:
            if value not in EMPTY:
                i.run(name, v.contradiction, [(name, value), ("ec2_restore_method", method)],
                      "%s is for ec2_restore_method=restore_job only; a relaunch takes everything but the AMI, the "
                      "instance type and the user data from the group's launch template" % name)
    if rollback is not None:
        if method == "restore_job":
            i.run("ec2_restore_rollback_to_version", v.contradiction,
                  [("ec2_restore_rollback_to_version", rollback), ("ec2_restore_method", method)],
                  "a rollback points an autoscaling group back at a kept launch template version: ec2_restore_method=relaunch only")
        for name, value in (("ec2_restore_instance_id", instance_id), ("ec2_restore_instance_name", instance_name),
                            ("ec2_restore_image_id", image_id), ("ec2_restore_target_time", target_time and i.get("ec2_restore_target_time")),
                            ("ec2_restore_instance_type", instance_type), ("ec2_restore_user_data_template", template)):
            if value not in EMPTY:
                i.run(name, v.contradiction, [("ec2_restore_rollback_to_version", rollback), (name, value)],
                      "a rollback selects no recovery point and creates no launch template version, so %s would be ignored" % name)

    project, environment = i.get("ec2_restore_project_name"), i.get("ec2_restore_environment")
    vault = i.get("ec2_restore_backup_vault_name")
    role_from_names = method == "restore_job" and i.get("ec2_restore_iam_role_arn") in EMPTY
    derived_vault = rollback is None and _needs_names(project, environment, (vault, "backup-vault"))
    _project_names(i, "ec2_restore_project_name", "ec2_restore_environment", role_from_names or derived_vault)
    if rollback is None:
        i.check("ec2_restore_backup_vault_name", v.backup_vault_name)


# ------------------------------------------------------------------------------------------ rds_swap
def _production_identifier(value, option):
    if isinstance(value, str) and value.startswith("-"):
        v.fail(option, value, "not an RDS DB identifier: set it, or the inventory's restorekit_project_name and restorekit_environment")
    v.db_identifier(value, option)
    if len(value) + SWAP_SUFFIX > 63:
        v.fail(option, value, "is %d characters long: the swap's names <identifier>-swap-<timestamp> and -old-<timestamp> "
                              "would exceed RDS's 63, so it may have at most %d" % (len(value), 63 - SWAP_SUFFIX))
    return value


def _writer_steps(value, option):
    """Ascending percentages of the writers' remembered sizes, each once, between 1 and 100, ending with 100."""
    if not isinstance(value, list) or not value:
        v.fail(option, value, "must be a non-empty list of percentages ending with 100")
    steps = v.each(value, option, v.integer, 1, 100)
    if any(later <= earlier for earlier, later in zip(steps, steps[1:])):
        v.fail(option, value, "must be strictly ascending percentages (each step brings back more writers)")
    if steps[-1] != 100:
        v.fail(option, value, "must end with 100 (the writers back at their full size)")
    return steps


def _restore_metadata(value, option, region=None):
    """Restore metadata overrides for the temporary instance, checked as restore_job would check them."""
    if not isinstance(value, dict):
        v.fail(option, value, "must be a dictionary of RDS restore metadata")
    try:
        normalised = restore_metadata.check_values("RDS", value, region=region, option=option)
    except restore_metadata.MetadataError as e:
        text = str(e).replace("Bad option ", "", 1)
        if text.startswith(option):
            raise v.InputError(option, value, text, message=text) from None
        v.fail(option, value, text)
    if "DBInstanceIdentifier" in normalised:
        v.fail(option, value, "DBInstanceIdentifier is the swap's own (<production>-swap-<timestamp>), not metadata")
    if normalised.get("DeletionProtection") == "true":
        v.fail(option, value, "DeletionProtection=true would keep a rollback from removing the temporary instance; the "
                              "switch gives the new production the protection the old one had")
    return value


def rds_swap(i):
    """roles/rds_swap (runbook 5.3): everything checked before the run lock, the snapshot or any change."""
    production = i.check("rds_swap_production_identifier", _production_identifier)
    confirm = i.get("rds_swap_confirm")
    if production is not None and confirm != production:
        i.fail(v.InputError("rds_swap_confirm", "" if confirm is None else confirm,
                            "must equal the production DB instance identifier '%s' (rds_swap_production_identifier) to replace "
                            "it; consider restoring to a new instance instead (runbook 5.2)" % production))
    region = i.check("rds_swap_aws_region", aws_region, optional=True) or i.region
    i.check("rds_swap_aws_endpoint_url", endpoint_url, optional=True)
    strategy = i.check("rds_swap_strategy", v.one_of, ("rename", "endpoint_update"))
    parameter = i.check("rds_swap_endpoint_ssm_parameter", v.ssm_parameter_name, optional=True)
    i.check("rds_swap_endpoint_ssm_format", v.one_of, ("address", "address_port"))
    endpoint_secret = i.check("rds_swap_endpoint_secret", secret_id, optional=True, region=region)
    endpoint_given = {"rds_swap_endpoint_ssm_parameter": i.get("rds_swap_endpoint_ssm_parameter"),
                      "rds_swap_endpoint_secret": i.get("rds_swap_endpoint_secret")}
    if strategy == "endpoint_update" and all(value in EMPTY for value in endpoint_given.values()):
        i.run("rds_swap_strategy", v.contradiction, [("rds_swap_strategy", strategy)] + sorted((k, "") for k in endpoint_given),
              "rds_swap_strategy=endpoint_update writes the restore's endpoint into an SSM parameter or a secret: name one")
    elif strategy == "rename" and (parameter or endpoint_secret):
        i.warnings.append("rds_swap_strategy=rename moves production's name and endpoint to the restore; "
                          "rds_swap_endpoint_ssm_parameter and rds_swap_endpoint_secret are not written")
    i.check("rds_swap_backup_vault_name", v.backup_vault_name)
    i.check("rds_swap_iam_role_arn", v.iam_role_arn)
    past_time(i, "rds_swap_point_in_time")
    i.check("rds_swap_restore_metadata", _restore_metadata, region=region)
    i.check("rds_swap_restore_timeout", v.integer, minimum=1, maximum=7 * 86400)
    i.check("rds_swap_snapshot_timeout", v.integer, minimum=1, maximum=7 * 86400)
    # MySQL user names have at most 32 characters (80 in MariaDB; RDS's own limit is lower still).
    i.check("rds_swap_db_user", v.text, max_length=80, strip=False)
    password = secret(i, "rds_swap_db_password")
    password_secret = i.check("rds_swap_db_password_secret", secret_id, optional=True, region=region)
    if password in EMPTY and i.get("rds_swap_db_password_secret") in EMPTY:
        i.fail(v.InputError("rds_swap_db_password", "", "empty", message="rds_swap_db_password and rds_swap_db_password_secret are "
                            "both empty: the validation user logs in with the password, or with the one read from that secret"))
    elif password_secret and password not in EMPTY:
        i.warnings.append("rds_swap_db_password is ignored: rds_swap_db_password_secret=%r is read instead" % password_secret)
    i.accept("rds_swap_db_password_secret_key")
    i.check("rds_swap_db_name", _db_name)
    i.check("rds_swap_ignored_db_users", unique_texts, max_length=80)
    i.check("rds_swap_connections_timeout", v.integer, minimum=1, maximum=7 * 86400)
    i.check("rds_swap_connections_poll", v.integer, minimum=1, maximum=3600)
    i.check("rds_swap_writer_asgs", unique_texts, validator=asg_name)
    i.check("rds_swap_writer_steps", _writer_steps)
    i.check("rds_swap_step_pause", v.integer, minimum=0, maximum=3600)
    i.check("rds_swap_health_check_tasks", v.text, optional=True)
    # As validate_mysql will check them after the snapshot: a bad one found only then would send the swap to its rollback.
    declarations(i, "rds_swap_validate_static_tables", "rds_swap_validate_live_tables", "rds_swap_validate_smoke_queries")
    i.check("rds_swap_validate_baseline_path", v.text, optional=True)
    i.check("rds_swap_validate_max_staleness_minutes", v.integer, minimum=0)
    i.check("rds_swap_lock_parameter", v.ssm_parameter_name)
    i.check("rds_swap_holder", v.text, optional=True, max_length=256)
    i.check("rds_swap_run_id", _run_id, optional=True)
    i.check("rds_swap_break_lock", _run_id, optional=True)
    i.accept("rds_swap_rollback_delete_restored")
    i.check("rds_swap_fail_after", v.one_of, ("",) + SWAP_STEPS)
    hold_after = i.check("rds_swap_hold_after", v.one_of, ("",) + SWAP_STEPS)
    hold_file = i.check("rds_swap_hold_file", v.text, optional=True)
    if hold_after and not hold_file and i.get("rds_swap_hold_file") in EMPTY:
        i.run("rds_swap_hold_after", v.contradiction, [("rds_swap_hold_after", hold_after), ("rds_swap_hold_file", "")],
              "the run holds after the step only while rds_swap_hold_file exists: name that file")


def _db_name(value, option):
    return v.matching(value, option, DB_NAME, "not a database name (1 to 64 letters, digits or underscores, a letter first)")


def rds_restore_in_place(i):
    """playbooks/rds_restore_in_place.yml's own variables: the mode asked for by name, and where its lookups go."""
    mode = i.get("rds_restore_mode")
    if mode != "in_place":
        i.fail(v.InputError("rds_restore_mode", "" if mode is None else mode,
                            "must be in_place: this playbook replaces the production database (runbook 5.3); "
                            "rds_restore_mode=new restores to a new instance (playbooks/rds_restore.yml)"))
    _lookups(i, "rds_swap_aws_region", "rds_swap_aws_endpoint_url")


# ------------------------------------------------------------------------------------------ preflight
def _targets(value, option):
    """[{type, name}]: each name valid for its type, and each named once."""
    rules = {"rds": v.db_identifier, "s3": v.bucket_name, "ec2": _tag_value}
    seen = []
    for element, item in _each_dict(value, option, "{type, name}", "type and name"):
        kind = v.one_of(item.get("type"), element + ".type", tuple(rules))
        rules[kind](item.get("name"), element + ".name")
        seen.append((kind, item["name"].lower() if kind == "rds" else item["name"]))
    v.unique(seen, option)
    return value


def _s3_restores(value, option):
    """[{production_bucket, staging_bucket}]: valid bucket names."""
    for element, item in _each_dict(value, option, "{production_bucket, staging_bucket}", "production_bucket and staging_bucket"):
        for key in ("production_bucket", "staging_bucket"):
            v.bucket_name(item.get(key), "%s.%s" % (element, key))
    return value


def preflight(i):
    """roles/preflight: only reads AWS, but a bad name is named as such rather than as a failed check."""
    project, environment = i.get("preflight_project_name"), i.get("preflight_environment")
    vault, role = i.get("preflight_backup_vault_name"), i.get("preflight_backup_role_name")
    _project_names(i, "preflight_project_name", "preflight_environment",
                   _needs_names(project, environment, (vault, "backup-vault"), (role, "backup-role")))
    i.check("preflight_region", aws_region, optional=True)
    i.check("preflight_backup_vault_name", v.backup_vault_name)
    i.check("preflight_backup_role_name", v.iam_role_name)
    i.check("preflight_resource_types", choices, RESOURCE_TYPES, NO_RESOURCE_TYPE)
    i.check("preflight_targets", _targets)
    i.check("preflight_s3_restores", _s3_restores)
    i.accept("preflight_fail", "preflight_simulate_permissions", "preflight_check_opt_in")
    i.check("preflight_responder_db_instances", unique_texts, validator=v.db_identifier)
    i.check("preflight_responder_buckets", unique_texts, validator=v.bucket_name)
    i.check("preflight_responder_autoscaling_groups", unique_texts, validator=asg_name)


# ------------------------------------------------------------------------------------------ restore_report
def _report_time(value, option, now=None):
    """A time of the report as its filter reads it (ISO 8601; without an offset it is UTC), not in the future."""
    if not isinstance(value, (str, datetime.datetime)):
        v.fail(option, value, "must be an ISO 8601 time, for example 2026-11-24T03:10:00Z")
    return v.past_time(value, option, now or v.utc_now(), relative=False, naive_utc=True)


def _phase_marks(value, option, now=None):
    """[{name, start}], in the order of the run: each phase ends where the next begins."""
    if not isinstance(value, list):
        v.fail(option, value, "must be a list of {name, start}")
    previous = None
    for index, item in enumerate(value):
        element = "%s[%d]" % (option, index)
        if not isinstance(item, dict):
            v.fail(element, item, "must be a dictionary with name and start")
        v.text(item.get("name"), element + ".name", strip=False)
        start = _report_time(item.get("start"), element + ".start", now)
        if previous is not None and start < previous:
            v.fail(element + ".start", item.get("start"), "is before the start of %s[%d] (%s): marks are in the order of the run"
                   % (option, index - 1, previous.isoformat()))
        previous = start
    return value


def restore_report(i):
    """roles/restore_report: what the report filter cannot say about the shapes it checks itself."""
    i.check("restore_report_dir", v.text, strip=False)
    i.check("restore_report_name", report_name, optional=True)
    i.accept("restore_report_playbook", "restore_report_recovery_points", "restore_report_restore_jobs",
             "restore_report_checks", "restore_report_resources", "restore_report_notes", "restore_report_phases")
    i.check("restore_report_outcome", v.one_of, ("succeeded", "failed"))
    i.check("restore_report_started", _report_time, optional=True, now=i.now)
    incident = i.check("restore_report_incident_time", _report_time, optional=True, now=i.now)
    decision = i.check("restore_report_decision_time", _report_time, optional=True, now=i.now)
    i.run("restore_report_decision_time", v.time_order, incident, "restore_report_incident_time", decision,
          "restore_report_decision_time", earlier_value=i.get("restore_report_incident_time"),
          later_value=i.get("restore_report_decision_time"))
    i.check("restore_report_phase_marks", _phase_marks, now=i.now)


# ------------------------------------------------------------------------------------------ backup_alerts
def _events_name(value, option, what):
    return v.matching(value, option, EVENTS_NAME, "not %s (1 to 64 letters, digits, '.', '-' or '_')" % what)


def _sns_topic_arn(value, option, region=None):
    parsed = v.arn(value, option, "sns", region=region, what="an SNS topic ARN",
                   shape="arn:aws:sns:<region>:<12-digit account>:<topic>")
    if not parsed["region"] or not v.ACCOUNT_ID.match(parsed["account_id"] or "") or not SNS_TOPIC.match(parsed["resource"]):
        v.fail(option, value, "not an SNS topic ARN (arn:aws:sns:<region>:<12-digit account>:<topic>)")
    return value


def _non_empty_list(value, option, what):
    unique_texts(value, option)
    if not value:
        v.fail(option, value, "names no %s: the rule would match nothing" % what)
    return value


def backup_alerts(i):
    """roles/backup_alerts: checked before the topic is read or the EventBridge rule written."""
    project, environment = i.get("backup_alerts_project_name"), i.get("backup_alerts_environment")
    rule = i.get("backup_alerts_rule_name")
    _project_names(i, "backup_alerts_project_name", "backup_alerts_environment",
                   _needs_names(project, environment, (rule, "backup-job-alerts")))
    i.check("backup_alerts_sns_topic_arn", _sns_topic_arn, region=i.region)
    i.check("backup_alerts_rule_name", _events_name, "an EventBridge rule name")
    state = i.check("backup_alerts_state", v.one_of, ("present", "disabled", "absent"))
    if state == "absent":
        i.check("backup_alerts_detail_types", unique_texts)
        i.check("backup_alerts_states", unique_texts)
    else:
        i.check("backup_alerts_detail_types", _non_empty_list, "event detail type")
        i.check("backup_alerts_states", _non_empty_list, "job state")
    i.check("backup_alerts_target_id", _events_name, "an EventBridge target id")
    i.accept("backup_alerts_check_topic_policy")


# A valid set of each role's variables (the unit tests change one at a time).
ROLE_ARN = "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
EXAMPLES = {
    "ec2_restore": {
        "ec2_restore_method": "relaunch", "ec2_restore_group_name": "multi-tenant-app-prod-app-asg",
        "ec2_restore_project_name": "multi-tenant-app", "ec2_restore_environment": "prod",
        "ec2_restore_backup_vault_name": "multi-tenant-app-prod-backup-vault", "ec2_restore_instance_id": "",
        "ec2_restore_instance_name": "", "ec2_restore_target_time": "", "ec2_restore_image_id": "", "ec2_restore_instance_type": "",
        "ec2_restore_user_data_template": "", "ec2_restore_user_data_vars": {}, "ec2_restore_user_data_secrets": [],
        "ec2_restore_min_healthy_percentage": 90, "ec2_restore_instance_warmup": 300, "ec2_restore_wait_timeout": 3600,
        "ec2_restore_poll_interval": 15, "ec2_restore_rollback_to_version": "", "ec2_restore_subnet_id": "",
        "ec2_restore_security_group_ids": [], "ec2_restore_instance_profile_name": "", "ec2_restore_require_imdsv2": True,
        "ec2_restore_iam_role_arn": ROLE_ARN, "ec2_restore_copy_source_tags": False, "ec2_restore_tags": {},
        "ec2_restore_attach_to_group": False, "ec2_restore_aws_region": "us-east-1", "ec2_restore_aws_endpoint_url": "",
        "ec2_restore_validate": True,
    },
    "rds_swap": {
        "rds_swap_production_identifier": "multi-tenant-app-prod-db", "rds_swap_confirm": "multi-tenant-app-prod-db",
        "rds_swap_strategy": "rename", "rds_swap_endpoint_ssm_parameter": "", "rds_swap_endpoint_ssm_format": "address_port",
        "rds_swap_endpoint_secret": "", "rds_swap_backup_vault_name": "multi-tenant-app-prod-backup-vault",
        "rds_swap_iam_role_arn": ROLE_ARN, "rds_swap_point_in_time": "", "rds_swap_restore_metadata": {},
        "rds_swap_restore_timeout": 3600, "rds_swap_snapshot_timeout": 3600, "rds_swap_db_user": "admin",
        "rds_swap_db_password": "", "rds_swap_db_password_secret": "multi-tenant-app-prod-db-master",
        "rds_swap_db_password_secret_key": "password", "rds_swap_db_name": "app",
        "rds_swap_ignored_db_users": ["rdsadmin", "event_scheduler", "system user"], "rds_swap_connections_timeout": 300,
        "rds_swap_connections_poll": 5, "rds_swap_aws_region": "", "rds_swap_aws_endpoint_url": "",
        "rds_swap_writer_asgs": ["multi-tenant-app-prod-app-asg"], "rds_swap_writer_steps": [25, 50, 100], "rds_swap_step_pause": 30,
        "rds_swap_health_check_tasks": "", "rds_swap_validate_static_tables": ["plans", "tenants"],
        "rds_swap_validate_live_tables": [{"name": "orders", "tolerance_percent": 100, "timestamp_column": "created_at"}],
        "rds_swap_validate_smoke_queries": [{"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3}],
        "rds_swap_validate_baseline_path": "", "rds_swap_validate_max_staleness_minutes": 1440,
        "rds_swap_lock_parameter": "/restorekit/locks/multi-tenant-app-prod-db", "rds_swap_holder": "", "rds_swap_run_id": "",
        "rds_swap_break_lock": "", "rds_swap_rollback_delete_restored": False, "rds_swap_fail_after": "", "rds_swap_hold_after": "",
        "rds_swap_hold_file": "",
    },
    "rds_restore_in_place": {
        "rds_restore_mode": "in_place", "rds_swap_aws_region": "us-east-1", "rds_swap_aws_endpoint_url": "http://127.0.0.1:4566",
    },
    "preflight": {
        "preflight_project_name": "multi-tenant-app", "preflight_environment": "prod", "preflight_region": "",
        "preflight_backup_vault_name": "multi-tenant-app-prod-backup-vault", "preflight_backup_role_name": "multi-tenant-app-prod-backup-role",
        "preflight_resource_types": ["RDS", "S3", "EC2"], "preflight_targets": [], "preflight_s3_restores": [], "preflight_fail": True,
        "preflight_simulate_permissions": True, "preflight_check_opt_in": True, "preflight_responder_db_instances": [],
        "preflight_responder_buckets": [], "preflight_responder_autoscaling_groups": [],
    },
    "restore_report": {
        "restore_report_dir": "reports", "restore_report_name": "", "restore_report_playbook": "", "restore_report_started": "",
        "restore_report_recovery_points": [], "restore_report_restore_jobs": [], "restore_report_checks": [],
        "restore_report_resources": {"created": [], "changed": [], "left_alone": []}, "restore_report_notes": [],
        "restore_report_outcome": "succeeded", "restore_report_incident_time": "", "restore_report_decision_time": "",
        "restore_report_phases": [], "restore_report_phase_marks": [],
    },
    "backup_alerts": {
        "backup_alerts_project_name": "multi-tenant-app", "backup_alerts_environment": "prod",
        "backup_alerts_sns_topic_arn": "arn:aws:sns:us-east-1:123456789012:multi-tenant-app-prod-monitoring",
        "backup_alerts_rule_name": "multi-tenant-app-prod-backup-job-alerts", "backup_alerts_state": "present",
        "backup_alerts_detail_types": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
        "backup_alerts_states": ["FAILED", "ABORTED", "EXPIRED"], "backup_alerts_target_id": "monitoring-sns",
        "backup_alerts_check_topic_policy": True,
    },
}

RULES = {
    "ec2_restore": ec2_restore,
    "rds_swap": rds_swap,
    "rds_restore_in_place": rds_restore_in_place,
    "preflight": preflight,
    "restore_report": restore_report,
    "backup_alerts": backup_alerts,
}
