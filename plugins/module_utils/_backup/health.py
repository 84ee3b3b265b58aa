# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup health against the declared policy: the rules behind the ``restorekit.aws.backup_health`` role.

The role gathers (M(restorekit.aws.backup_job_info), the plan, its selections, the vault and its key, the tagged DB
instances, buckets and EC2 instances) and hands the registered results here; this turns them into findings, one per
deviation, each ``{kind, subject, expected, actual, fix}`` so a responder reads what is wrong, what the policy wants
and the command that fixes it. Then a verdict per subject (every tagged resource, every policy rule, the plan, the
vault), the report's checks and the message sent to the monitoring topic.

Which point is newest and whether it is older than the RPO is decided once, in ``jobs_health`` (the module's
``protected_resources``); this reads its verdict. Pure functions: no AWS, no Ansible.

Inputs come from role variables, so numbers may be strings (``-e backup_health_rpo_hours=26``, AWX surveys):
``input_rules`` holds the rule of each variable, which the role's first task applies to every variable before any AWS
call (restorekit.aws.check_inputs, module_utils/_role_inputs/validate.py) and ``settings`` applies again to normalise
them for the evaluation, naming the variable and its value on bad input.
"""

from __future__ import annotations

import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup import advice
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health_notes
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs.common import name_part

PREFIX = "backup_health_"
RESOURCE_TYPES = ["RDS", "S3", "EC2"]
# Backup and copy job states that are findings (backup_health_job_states).
JOB_STATES = ["FAILED", "ABORTED", "EXPIRED", "PARTIAL"]
# As restorekit.aws.backup_job_info takes it: a year.
MAX_RPO_HOURS = 24 * 366
# AWS Backup plan names (CreateBackupPlan, BackupPlanName): 1 to 50 letters, digits, '-', '_' or '.'.
BACKUP_PLAN_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,50}$")
UTC_ZONES = ["UTC", "Etc/UTC"]
# Suboption defaults of backup_health_policy (meta/argument_specs.yml): a policy given without them gets these.
POLICY_DEFAULTS = {"vault_customer_managed_key": True, "rds_backup_retention_days": 7, "rds_backup_window": "03:00-04:00"}
BACKUP_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
# A region at the start of an availability zone name (us-east-1a, us-west-2-lax-1a, us-gov-west-1b).
ZONE_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+")

# Findings on a job; the resource it names gets a verdict even when it carries no backup tag.
JOB_KINDS = ["backup_job", "copy_job"]


# ------------------------------------------------------------------------------------------ inputs
def _name(key):
    return PREFIX + key


def _rule(raw, option):
    if not isinstance(raw, dict):
        inputs.fail(option, raw, "must be a dictionary with name, schedule and delete_after_days")
    unknown = sorted(set(raw) - {"name", "schedule", "delete_after_days", "move_to_cold_storage_after_days", "copy_delete_after_days"})
    if unknown:
        inputs.fail(option, raw, "has unknown keys %s" % ", ".join(unknown))

    def days(key, minimum):
        value = raw.get(key)
        return 0 if value is None and minimum == 0 else inputs.integer(value, "%s.%s" % (option, key), minimum=minimum)

    return {
        "name": inputs.text(raw.get("name"), option + ".name"),
        "schedule": inputs.text(raw.get("schedule"), option + ".schedule"),
        "delete_after_days": days("delete_after_days", 1),
        "move_to_cold_storage_after_days": days("move_to_cold_storage_after_days", 0),
        "copy_delete_after_days": days("copy_delete_after_days", 0),
    }


def policy(raw, option=PREFIX + "policy"):
    """The declared policy, every number an int and every suboption filled with its default."""
    if not isinstance(raw, dict):
        inputs.fail(option, raw, "must be a dictionary with rules (and optionally vault_customer_managed_key, "
                                 "rds_backup_retention_days, rds_backup_window)")
    unknown = sorted(set(raw) - {"rules"} - set(POLICY_DEFAULTS))
    if unknown:
        inputs.fail(option, raw, "has unknown keys %s" % ", ".join(unknown))
    rules = raw.get("rules")
    if not isinstance(rules, list):
        inputs.fail(option + ".rules", rules, "must be a list of rules (name, schedule, delete_after_days, ...)")
    rules = [_rule(rule, "%s.rules[%d]" % (option, index)) for index, rule in enumerate(rules)]
    inputs.unique([rule["name"] for rule in rules], option + ".rules[].name")
    merged = dict(POLICY_DEFAULTS, **{key: value for key, value in raw.items() if value is not None})
    try:
        customer_key = boolean(merged["vault_customer_managed_key"], strict=True)
    except TypeError:
        inputs.fail(option + ".vault_customer_managed_key", merged["vault_customer_managed_key"], "must be true or false")
    window = merged["rds_backup_window"]
    if not isinstance(window, str) or (window and not BACKUP_WINDOW.match(window)):
        inputs.fail(option + ".rds_backup_window", window, "must be empty or hh:mm-hh:mm in UTC, for example 03:00-04:00")
    return {
        "rules": rules,
        "vault_customer_managed_key": customer_key,
        "rds_backup_retention_days": inputs.integer(merged["rds_backup_retention_days"], option + ".rds_backup_retention_days",
                                                    minimum=0, maximum=35),
        "rds_backup_window": window,
    }


def _resource_types(value, option):
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list):
        inputs.fail(option, value, "must be a list of %s" % ", ".join(RESOURCE_TYPES))
    inputs.items_of(value, option, RESOURCE_TYPES)
    return inputs.unique(value, option)


def _tag_value(value, option):
    # A JSON true (-e '{"backup_health_tag_value": true}') means the tag value "true", as EC2 filters read it.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        inputs.fail(option, value, "must be a string")
    if len(value) > 256:
        inputs.fail(option, value, "is %d characters long; a tag value has at most 256" % len(value))
    return value


def _sns_topic_arn(value, option, region=None):
    if not value:
        return ""
    inputs.arn(value, option, "sns", what="an SNS topic ARN", shape="arn:aws:sns:<region>:<12-digit account>:<topic>", region=region)
    return value


def _backup_plan_name(value, option):
    return inputs.matching(value, option, BACKUP_PLAN_NAME, "not a backup plan name (1 to 50 letters, digits, '-', '_' or '.')")


def input_rules(now=None, region=None):
    """Per setting (its variable without the ``backup_health_`` prefix), rule(value, variable name): the value
    normalised, or InputError naming the variable and its value. REGION, when known, is where the role runs: the SNS
    topic must be there."""
    now = now or inputs.utc_now()
    return {
        "project_name": name_part,
        "environment": name_part,
        "backup_vault_name": inputs.backup_vault_name,
        "backup_plan_name": _backup_plan_name,
        "rpo_hours": lambda value, option: inputs.number(value, option, maximum=MAX_RPO_HOURS, above=0),
        "since": lambda value, option: inputs.past_time(value, option, now),
        "until": lambda value, option: inputs.parse_time(value or None, option, now),
        "tag_key": lambda value, option: inputs.text(value, option, max_length=128),
        "tag_value": _tag_value,
        "resource_types": _resource_types,
        "policy": policy,
        "sns_topic_arn": lambda value, option: _sns_topic_arn(value, option, region),
    }


def window_order(since, until, raw_since, raw_until):
    """The job window's start (a datetime, or None) at or before its end (None: now)."""
    if since is not None and until is not None:
        inputs.time_order(since, _name("since"), until, _name("until"), raw_since, raw_until)


def settings(raw, now=None):
    """RAW (the role's settings, keys without the ``backup_health_`` prefix) checked and normalised: rpo_hours a float
    (and ``rpo_text`` as a responder typed it), the policy's days ints, since and until aware UTC datetimes with their
    fractions. Raises InputError naming the first bad variable and its value."""
    now = now or inputs.utc_now()
    out = {key: check(raw.get(key), _name(key)) for key, check in input_rules(now).items()}
    window_order(out["since"], out["until"], raw.get("since"), raw.get("until"))
    out["rpo_text"] = _number_text(out["rpo_hours"])
    return out


def _number_text(value):
    """26.0 as '26', 26.5 as '26.5': the RPO as a responder typed it."""
    return str(int(value)) if float(value).is_integer() else repr(value)


# ------------------------------------------------------------------------------------------ what was gathered
def _registered(gathered, key):
    """A registered result, or {} when the task was skipped or left out."""
    value = (gathered or {}).get(key)
    return value if isinstance(value, dict) else {}


def _first(items):
    items = items or []
    return items[0] if items else None


def _zone_region(zone):
    match = ZONE_REGION.match(zone or "")
    return match.group(0) if match else (zone or "")[:-1]


def tagged_resources(gathered, config):
    """The DB instances, buckets and EC2 instances tagged for backup, under the ARNs AWS Backup gives them, by ARN.

    EC2 returns no instance ARN: AWS Backup's is built from the zone's region, the caller's account and the id.
    """
    key, value = config["tag_key"], config["tag_value"]
    caller = _registered(gathered, "caller")
    partition = _sts.partition_of(caller.get("arn"))
    found = []
    for db in _registered(gathered, "rds").get("instances") or []:
        if (db.get("tags") or {}).get(key) == value:
            found.append({"resource_arn": db.get("db_instance_arn"), "resource_type": "RDS", "name": db.get("db_instance_identifier"),
                          "backup_retention_period": db.get("backup_retention_period"),
                          "preferred_backup_window": db.get("preferred_backup_window")})
    for bucket in _registered(gathered, "s3").get("buckets") or []:
        if (bucket.get("bucket_tagging") or {}).get(key) == value:
            found.append({"resource_arn": "arn:%s:s3:::%s" % (partition, bucket.get("name")), "resource_type": "S3", "name": bucket.get("name")})
    # The lookup filtered by the tag and the live states already.
    for instance in _registered(gathered, "ec2").get("instances") or []:
        region = _zone_region((instance.get("placement") or {}).get("availability_zone"))
        arn = "arn:%s:ec2:%s:%s:instance/%s" % (partition, region, caller.get("account"), instance.get("instance_id"))
        found.append({"resource_arn": arn, "resource_type": "EC2",
                      "name": (instance.get("tags") or {}).get("Name", instance.get("instance_id"))})
    return sorted(found, key=lambda resource: str(resource["resource_arn"]))


# ------------------------------------------------------------------------------------------ findings
def finding(kind, subject, expected, actual, fix):
    return {"kind": kind, "subject": subject, "expected": expected, "actual": actual, "fix": fix}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def backup_role_arn(selections, caller, config):
    """The role the plan's selection backs up with, else the runbook's ``<project>-<env>-backup-role``."""
    for selection in selections:
        if selection.get("iam_role_arn"):
            return selection["iam_role_arn"]
    return _sts.backup_role_arn(caller.get("arn"), caller.get("account"), config["project_name"], config["environment"])


def job_findings(jobs, config, role_arn):
    """Jobs that went wrong in the window, on the resource they protect."""
    found = []
    vault = config["backup_vault_name"]
    for job in jobs.get("problems") or []:
        job_type = job.get("job_type")
        describe = "aws backup describe-%s-job --%s-job-id %s" % (job_type, job_type, job.get("job_id"))
        if job_type == "backup":
            fix = ("read why (%s), fix the cause, then back up again: aws backup start-backup-job --backup-vault-name %s --resource-arn %s "
                   "--iam-role-arn %s" % (describe, vault, job.get("resource_arn"), role_arn))
        else:
            fix = ("read why (%s), fix the cause, then copy again: aws backup start-copy-job --recovery-point-arn %s --source-backup-vault-name %s"
                   " --destination-backup-vault-arn <the copy vault> --iam-role-arn %s" % (describe, job.get("recovery_point_arn"), vault, role_arn))
        found.append(finding(
            "%s_job" % job_type, job.get("resource_arn"), "%s jobs COMPLETED" % job_type,
            "%s job %s %s (created %s): %s" % (job_type, job.get("job_id"), job.get("state"), job.get("creation_date"),
                                               job.get("status_message") or "no message"),
            fix))
    return found


def resource_findings(resource, protected, config, role_arn):
    """One tagged resource: a completed recovery point within the RPO, and for a DB instance its native backups."""
    found = []
    arn = resource["resource_arn"]
    expected = "a completed recovery point no older than %s h" % config["rpo_text"]
    backup_now = "aws backup start-backup-job --backup-vault-name %s --resource-arn %s --iam-role-arn %s" % (
        config["backup_vault_name"], arn, role_arn)
    if protected is None or protected.get("newest_recovery_point_arn") is None:
        found.append(finding(
            "recovery_point_missing", arn, expected,
            "no completed recovery point at all" if protected is None else "protected, but no completed recovery point left",
            "check that the plan %s selects it (tag %s=%s) and the backup role may read it, then back it up now: %s"
            % (config["backup_plan_name"], config["tag_key"], config["tag_value"], backup_now)))
    elif protected.get("stale"):
        found.append(finding(
            "recovery_point_stale", arn, expected,
            "newest completed recovery point %s is %s h old (created %s)"
            % (protected["newest_recovery_point_arn"], protected.get("age_hours"), protected.get("newest_creation_date")),
            "find why the plan stopped backing it up (its recent backup jobs, the selection, the backup role), then back it up now: %s" % backup_now))
    if resource["resource_type"] != "RDS":
        return found
    want = config["policy"]
    modify = "aws rds modify-db-instance --db-instance-identifier %s --apply-immediately" % resource["name"]
    days = want["rds_backup_retention_days"]
    if days > 0 and resource.get("backup_retention_period") != days:
        found.append(finding("rds_backup_retention", arn, "native automated backups kept %s days" % days,
                             "kept %s days" % resource.get("backup_retention_period"), "%s --backup-retention-period %s" % (modify, days)))
    window = want["rds_backup_window"]
    if window and resource.get("preferred_backup_window") != window:
        found.append(finding("rds_backup_window", arn, "backup window %s UTC" % window,
                             "backup window %s" % resource.get("preferred_backup_window"), "%s --preferred-backup-window %s" % (modify, window)))
    return found


def _terraform(plan_name):
    return "change the rule in the platform Terraform (aws_backup_plan %s) and apply; " % plan_name


def rule_findings(want, rule, plan_name, vault):
    """One rule of the plan against the policy's rule of the same name."""
    subject = "%s/%s" % (plan_name, want["name"])
    terraform = _terraform(plan_name)
    found = []
    timezone = rule.get("schedule_expression_timezone") or "Etc/UTC"
    if " ".join(str(rule.get("schedule_expression") or "").split()) != " ".join(want["schedule"].split()) or timezone not in UTC_ZONES:
        found.append(finding("rule_schedule", subject, "%s (UTC)" % want["schedule"],
                             "%s (%s)" % (rule.get("schedule_expression") or "no schedule", timezone),
                             terraform + 'schedule_expression = "%s"' % want["schedule"]))
    if (rule.get("target_backup_vault_name") or "") != vault:
        found.append(finding("rule_vault", subject, "backs up into %s" % vault, "backs up into %s" % (rule.get("target_backup_vault_name") or "no vault"),
                             terraform + 'target_vault_name = "%s"' % vault))
    lifecycle = rule.get("lifecycle") or {}
    if _int(lifecycle.get("delete_after_days")) != want["delete_after_days"]:
        kept = lifecycle.get("delete_after_days")
        found.append(finding("rule_retention", subject, "recovery points kept %s days" % want["delete_after_days"],
                             "kept %s days" % kept if kept is not None else "kept forever (no delete_after_days)",
                             terraform + "lifecycle { delete_after = %s }" % want["delete_after_days"]))
    cold, want_cold = _int(lifecycle.get("move_to_cold_storage_after_days")), want["move_to_cold_storage_after_days"]
    if cold != want_cold:
        found.append(finding("rule_cold_storage", subject,
                             "cold storage after %s days" % want_cold if want_cold > 0 else "no cold storage",
                             "cold storage after %s days" % cold if cold > 0 else "no cold storage",
                             terraform + "lifecycle { cold_storage_after = %s }" % (want_cold or "null")))
    copies = rule.get("copy_actions") or []
    copy_days = [_int((copy.get("lifecycle") or {}).get("delete_after_days")) for copy in copies]
    want_copy = want["copy_delete_after_days"]
    if (want_copy > 0 and want_copy not in copy_days) or (want_copy == 0 and copies):
        found.append(finding("rule_copy", subject,
                             "a copy kept %s days" % want_copy if want_copy > 0 else "no copy",
                             "copies kept %s days to %s" % (", ".join(str(days) for days in copy_days),
                                                            ", ".join(str(copy.get("destination_backup_vault_arn")) for copy in copies))
                             if copies else "no copy",
                             terraform + "copy_action { lifecycle { delete_after = %s } }" % want_copy))
    return found


def _selects_by_tag(selection, key, value):
    for condition in selection.get("list_of_tags") or []:
        if condition.get("condition_key") == key and condition.get("condition_value") == value:
            return True
    for condition in (selection.get("conditions") or {}).get("string_equals") or []:
        if condition.get("condition_key") == "aws:ResourceTag/" + key and condition.get("condition_value") == value:
            return True
    return False


def plan_findings(plan, selections, config, role_arn):
    """The plan's rules against the declared policy, and its selection by the backup tag."""
    plan_name, rules = config["backup_plan_name"], config["policy"]["rules"]
    if plan is None:
        return [finding("plan_missing", plan_name, "backup plan %s with rules %s" % (plan_name, ", ".join(rule["name"] for rule in rules)),
                        "no such plan in this region", "apply the platform Terraform that creates the plan, or set backup_health_backup_plan_name")]
    found = []
    plan_rules = plan.get("rules") or []
    for want in rules:
        rule = next((rule for rule in plan_rules if rule.get("rule_name") == want["name"]), None)
        if rule is None:
            found.append(finding(
                "rule_missing", "%s/%s" % (plan_name, want["name"]),
                "rule %s (%s, %s days)" % (want["name"], want["schedule"], want["delete_after_days"]),
                "the plan has rules %s" % (", ".join(str(other.get("rule_name")) for other in plan_rules) or "none"),
                _terraform(plan_name) + "AWS Backup: aws backup update-backup-plan --backup-plan-id <id> --backup-plan file://plan.json"))
        else:
            found.extend(rule_findings(want, rule, plan_name, config["backup_vault_name"]))
    key, value = config["tag_key"], config["tag_value"]
    if not any(_selects_by_tag(selection, key, value) for selection in selections):
        found.append(finding(
            "selection_missing", plan_name, "a selection of resources tagged %s=%s" % (key, value),
            "selections %s" % (", ".join(str(selection.get("selection_name")) for selection in selections) or "none"),
            "aws backup create-backup-selection --backup-plan-id <id> --backup-selection SelectionName=...,IamRoleArn=%s,"
            "ListOfTags=[{ConditionType=STRINGEQUALS,ConditionKey=%s,ConditionValue=%s}]" % (role_arn, key, value)))
    return found


def vault_findings(vault, key, config):
    """The vault exists and, when the policy says so, is encrypted with a customer-managed KMS key."""
    name = config["backup_vault_name"]
    if vault is None:
        detail, fix = advice.vault_not_found_or_denied(name, "backup:DescribeBackupVault", option="backup_health_backup_vault_name")
        return [finding("vault_missing", name, "backup vault %s" % name, detail,
                        "apply the platform Terraform that creates the vault, or set backup_health_backup_vault_name; " + fix)]
    if not config["policy"]["vault_customer_managed_key"] or (key is not None and key.get("key_manager") == "CUSTOMER"):
        return []
    if key is not None:
        actual = "encrypted with %s, managed by %s" % (key.get("key_arn"), key.get("key_manager"))
    elif vault.get("encryption_key_arn"):
        actual = "key %s could not be read" % vault["encryption_key_arn"]
    else:
        actual = "no encryption key reported"
    return [finding("vault_encryption", name, "encrypted with a customer-managed KMS key", actual,
                    "a vault cannot change its key: create a vault encrypted with the security key (aws backup create-backup-vault"
                    " --encryption-key-arn <key ARN>), point the plan at it, and keep the old one until its points expire")]


# ------------------------------------------------------------------------------------------ verdicts, checks, message
def verdicts(resources, findings, config):
    """One verdict per subject: every tagged resource (and any other resource a failed job names), the plan, each
    policy rule (none when the plan is missing: plan_missing says it all, and a pass would mislead) and the vault."""
    subjects = [(resource["resource_arn"], "resource") for resource in resources]
    known = set(arn for arn, _type in subjects)
    for item in findings:
        if item["kind"] in JOB_KINDS and item["subject"] not in known:
            known.add(item["subject"])
            subjects.append((item["subject"], "resource"))
    plan_name = config["backup_plan_name"]
    subjects.append((plan_name, "plan"))
    if not any(item["kind"] == "plan_missing" for item in findings):
        subjects.extend(("%s/%s" % (plan_name, rule["name"]), "rule") for rule in config["policy"]["rules"])
    subjects.append((config["backup_vault_name"], "vault"))
    out = []
    for subject, subject_type in subjects:
        mine = [item for item in findings if item["subject"] == subject]
        out.append({"subject": subject, "subject_type": subject_type, "verdict": "fail" if mine else "pass", "findings": mine})
    return out


def checks(verdict_list):
    """The verdicts as restore report checks: one failing check per finding, one passing check per healthy subject."""
    out = []
    for verdict in verdict_list:
        for item in verdict["findings"]:
            out.append({"name": "backup health: " + item["kind"], "target": verdict["subject"], "result": "fail", "details": item})
        if not verdict["findings"]:
            out.append({"name": "backup health: %s as the policy wants" % verdict["subject_type"], "target": verdict["subject"],
                        "result": "pass", "details": "no finding"})
    return out


def message(findings, verdict_list, config, since, notes=()):
    """The text the monitoring topic gets and the play shows: a summary line, each finding with its fix, then the notes."""
    lines = ["Backup health of %s-%s: %d finding(s) over %d subjects (jobs since %s, RPO %s h)."
             % (config["project_name"], config["environment"], len(findings), len(verdict_list), since, config["rpo_text"])]
    lines.extend("- %s %s: %s (expected %s). Fix: %s" % (item["kind"], item["subject"], item["actual"], item["expected"], item["fix"])
                 for item in findings)
    lines.extend(health_notes.lines(notes))
    return "\n".join(lines) + "\n"


def evaluate(gathered, raw_settings, now=None):
    """Compare what was gathered with the policy.

    GATHERED is what backup_health_info read (``health_gather.gather``): ``caller``, ``jobs``, ``plan``,
    ``selections``, ``vault``, ``key``, ``rds``, ``s3`` and ``ec2``, each in the shape of the amazon.aws info module of
    that read (aws_caller_info, backup_job_info, backup_plan_info, backup_selection_info, backup_vault_info,
    kms_key_info, rds_instance_info, s3_bucket_info, ec2_instance_info); a read left out or empty counts as
    "nothing found". RAW_SETTINGS are the role's variables (see ``settings``).

    Returns ``{findings, verdicts, checks, message, resources, notes}`` (notes: health_notes.py; they are not findings).
    """
    config = settings(raw_settings, now)
    caller = _registered(gathered, "caller")
    jobs = _registered(gathered, "jobs")
    plan = (_first(_registered(gathered, "plan").get("backup_plans")) or {}).get("backup_plan")
    selections = _registered(gathered, "selections").get("backup_selections") or []
    vault = _first(_registered(gathered, "vault").get("backup_vaults"))
    key = _first(_registered(gathered, "key").get("kms_keys"))
    role_arn = backup_role_arn(selections, caller, config)
    resources = tagged_resources(gathered, config)
    protected = {}
    for item in jobs.get("protected_resources") or []:
        protected.setdefault(item.get("resource_arn"), item)

    found = job_findings(jobs, config, role_arn)
    for resource in resources:
        found.extend(resource_findings(resource, protected.get(resource["resource_arn"]), config, role_arn))
    found.extend(plan_findings(plan, selections, config, role_arn))
    found.extend(vault_findings(vault, key, config))

    verdict_list = verdicts(resources, found, config)
    notes = (health_notes.cold_storage(plan, config["backup_plan_name"], resources) + health_notes.vault_lock(vault)
             + health_notes.legal_holds(jobs.get("legal_holds")))
    since = (jobs.get("window") or {}).get("since") or config["since"].isoformat()
    return {"findings": found, "verdicts": verdict_list, "checks": checks(verdict_list) + health_notes.checks(notes),
            "message": message(found, verdict_list, config, since, notes), "resources": resources, "notes": notes}
