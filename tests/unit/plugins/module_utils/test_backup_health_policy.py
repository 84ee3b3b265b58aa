# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The backup_health role's policy rules, without Ansible or AWS: each kind of finding with the text a responder reads,
the clean world without any, verdicts, report checks and the message, and the role's variables as -e and AWX pass them."""

from __future__ import annotations

import copy
import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.filter.backup_health import backup_health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health_notes
from ansible_collections.restorekit.aws.plugins.module_utils._inputs import InputError
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs import EXAMPLES

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 7, 30, 0, 250000, tzinfo=UTC)
ACCOUNT = "123456789012"
PLAN = "multi-tenant-app-prod-backup-plan"
VAULT = "multi-tenant-app-prod-backup-vault"
ROLE = "arn:aws:iam::%s:role/multi-tenant-app-prod-backup-role" % ACCOUNT
DB_ARN = "arn:aws:rds:us-east-1:%s:db:multi-tenant-app-prod-db" % ACCOUNT
BUCKET_ARN = "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
EC2_ARN = "arn:aws:ec2:us-east-1:%s:instance/i-0123456789abcdef0" % ACCOUNT
KEY_ARN = "arn:aws:kms:us-east-1:%s:key/11111111-2222-3333-4444-555555555555" % ACCOUNT
DR_VAULT_ARN = "arn:aws:backup:eu-west-1:%s:backup-vault:multi-tenant-app-prod-backup-vault-dr" % ACCOUNT
TERRAFORM = "change the rule in the platform Terraform (aws_backup_plan %s) and apply; " % PLAN

SETTINGS = {
    "project_name": "multi-tenant-app", "environment": "prod", "backup_vault_name": VAULT, "backup_plan_name": PLAN,
    "since": "-24h", "until": "", "rpo_hours": 26, "tag_key": "Backup", "tag_value": "true",
    "resource_types": ["RDS", "S3", "EC2"], "sns_topic_arn": "",
    # The runbook's plan, as the role's example inventory states it.
    "policy": copy.deepcopy(EXAMPLES["backup_health"]["backup_health_policy"]),
}


def protected(arn, age=2.5, stale=False, point="arn:aws:backup:us-east-1:%s:recovery-point:p1" % ACCOUNT):
    return {"resource_arn": arn, "newest_recovery_point_arn": point, "age_hours": age, "stale": stale,
            "newest_creation_date": "2026-11-24T05:00:00.123456+00:00" if point else None}


def world():
    """The registered results of the role's lookups in a world that follows the runbook's policy."""
    return {
        "caller": {"account": ACCOUNT, "arn": "arn:aws:sts::%s:assumed-role/oncall/jane" % ACCOUNT},
        "jobs": {"problems": [], "window": {"since": "2026-11-23T07:30:00.250000+00:00", "until": "2026-11-24T07:30:00.250000+00:00"},
                 "protected_resources": [protected(DB_ARN), protected(BUCKET_ARN), protected(EC2_ARN)]},
        "plan": {"backup_plans": [{"backup_plan": {"backup_plan_name": PLAN, "rules": [
            {"rule_name": "daily", "schedule_expression": "cron(0 5 * * ? *)", "schedule_expression_timezone": "Etc/UTC",
             "target_backup_vault_name": VAULT, "lifecycle": {"delete_after_days": 30},
             "copy_actions": [{"destination_backup_vault_arn": DR_VAULT_ARN, "lifecycle": {"delete_after_days": 90}}]},
            {"rule_name": "weekly", "schedule_expression": "cron(0 6 ? * SUN *)", "target_backup_vault_name": VAULT,
             "lifecycle": {"delete_after_days": 365, "move_to_cold_storage_after_days": 30}},
            # A rule the policy does not list is not checked.
            {"rule_name": "hourly-experiment", "schedule_expression": "cron(0 * * * ? *)", "target_backup_vault_name": "elsewhere"},
        ]}}]},
        "selections": {"backup_selections": [{"selection_name": "multi-tenant-app-prod-selection", "iam_role_arn": ROLE,
                                              "list_of_tags": [{"condition_type": "STRINGEQUALS", "condition_key": "Backup",
                                                                "condition_value": "true"}]}]},
        "vault": {"backup_vaults": [{"backup_vault_name": VAULT, "encryption_key_arn": KEY_ARN}]},
        "key": {"kms_keys": [{"key_arn": KEY_ARN, "key_manager": "CUSTOMER"}]},
        "rds": {"instances": [
            {"db_instance_identifier": "multi-tenant-app-prod-db", "db_instance_arn": DB_ARN, "backup_retention_period": 7,
             "preferred_backup_window": "03:00-04:00", "tags": {"Backup": "true"}},
            {"db_instance_identifier": "multi-tenant-app-prod-scratch", "db_instance_arn": DB_ARN + "-scratch",
             "backup_retention_period": 0, "preferred_backup_window": "09:00-10:00", "tags": {}},
        ]},
        "s3": {"buckets": [{"name": "multi-tenant-app-prod-tenant-1", "bucket_tagging": {"Backup": "true", "Tenant": "1"}},
                           {"name": "multi-tenant-app-prod-scratch", "bucket_tagging": {}}]},
        "ec2": {"instances": [{"instance_id": "i-0123456789abcdef0", "placement": {"availability_zone": "us-east-1a"},
                               "tags": {"Backup": "true", "Name": "multi-tenant-app-prod-app"}}]},
    }


def evaluate(gathered, settings=None):
    return health.evaluate(gathered, settings or SETTINGS, now=NOW)


def only(result):
    assert len(result["findings"]) == 1, result["message"]
    return result["findings"][0]


def plan_rule(gathered, name):
    return next(rule for rule in gathered["plan"]["backup_plans"][0]["backup_plan"]["rules"] if rule["rule_name"] == name)


# ---------------------------------------------------------------------------------------------- no finding

def test_a_world_on_policy_has_no_finding_and_every_subject_passes():
    result = evaluate(world())
    assert result["findings"] == []
    assert [(v["subject"], v["subject_type"], v["verdict"]) for v in result["verdicts"]] == [
        (EC2_ARN, "resource", "pass"), (DB_ARN, "resource", "pass"), (BUCKET_ARN, "resource", "pass"),
        (PLAN, "plan", "pass"), (PLAN + "/daily", "rule", "pass"), (PLAN + "/weekly", "rule", "pass"), (VAULT, "vault", "pass")]
    assert result["checks"][0] == {"name": "backup health: resource as the policy wants", "target": EC2_ARN, "result": "pass",
                                   "details": "no finding"}
    # The weekly rule's cold storage applies to none of the runbook's types: notes (warnings), not findings.
    assert {check["result"] for check in result["checks"] if not check["name"].endswith("cold_storage_not_applicable")} == {"pass"}
    assert [(n["kind"], n["subject"]) for n in result["notes"]] == [("cold_storage_not_applicable", PLAN + "/weekly")] * 3
    assert result["message"].splitlines()[0] == ("Backup health of multi-tenant-app-prod: 0 finding(s) over 7 subjects "
                                                 "(jobs since 2026-11-23T07:30:00.250000+00:00, RPO 26 h).")
    # Untagged resources are none of the health check's business; the tagged ones come by ARN.
    assert [r["resource_arn"] for r in result["resources"]] == [EC2_ARN, DB_ARN, BUCKET_ARN]


# ---------------------------------------------------------------------------------------------- jobs

def test_failed_backup_job_names_the_job_its_message_and_the_backup_to_start():
    gathered = world()
    gathered["jobs"]["problems"] = [{"job_type": "backup", "job_id": "job-1", "state": "FAILED", "resource_arn": BUCKET_ARN,
                                     "status_message": "Injected: access denied to the bucket",
                                     "creation_date": "2026-11-24T05:00:01.500000+00:00", "recovery_point_arn": None}]
    found = only(evaluate(gathered))
    assert found == {
        "kind": "backup_job", "subject": BUCKET_ARN, "expected": "backup jobs COMPLETED",
        "actual": "backup job job-1 FAILED (created 2026-11-24T05:00:01.500000+00:00): Injected: access denied to the bucket",
        "fix": "read why (aws backup describe-backup-job --backup-job-id job-1), fix the cause, then back up again: aws backup "
               "start-backup-job --backup-vault-name %s --resource-arn %s --iam-role-arn %s" % (VAULT, BUCKET_ARN, ROLE)}


def test_partial_copy_job_without_message_and_on_an_untagged_resource_gets_a_verdict_of_its_own():
    gathered = world()
    other = "arn:aws:dynamodb:us-east-1:%s:table/orders" % ACCOUNT
    point = "arn:aws:backup:us-east-1:%s:recovery-point:p9" % ACCOUNT
    gathered["jobs"]["problems"] = [{"job_type": "copy", "job_id": "copy-9", "state": "PARTIAL", "resource_arn": other,
                                     "status_message": None, "creation_date": "2026-11-24T05:30:00+00:00", "recovery_point_arn": point}]
    result = evaluate(gathered)
    found = only(result)
    assert found["kind"] == "copy_job" and found["expected"] == "copy jobs COMPLETED"
    assert found["actual"] == "copy job copy-9 PARTIAL (created 2026-11-24T05:30:00+00:00): no message"
    assert found["fix"] == ("read why (aws backup describe-copy-job --copy-job-id copy-9), fix the cause, then copy again: aws backup "
                            "start-copy-job --recovery-point-arn %s --source-backup-vault-name %s --destination-backup-vault-arn "
                            "<the copy vault> --iam-role-arn %s" % (point, VAULT, ROLE))
    assert {"subject": other, "subject_type": "resource", "verdict": "fail", "findings": [found]} in result["verdicts"]


# ---------------------------------------------------------------------------------------------- recovery points

def test_tagged_bucket_never_backed_up_is_missing_with_how_to_back_it_up():
    gathered = world()
    gathered["s3"]["buckets"].append({"name": "multi-tenant-app-prod-tenant-7", "bucket_tagging": {"Backup": "true"}})
    found = only(evaluate(gathered))
    arn = "arn:aws:s3:::multi-tenant-app-prod-tenant-7"
    assert found == {
        "kind": "recovery_point_missing", "subject": arn, "expected": "a completed recovery point no older than 26 h",
        "actual": "no completed recovery point at all",
        "fix": "check that the plan %s selects it (tag Backup=true) and the backup role may read it, then back it up now: "
               "aws backup start-backup-job --backup-vault-name %s --resource-arn %s --iam-role-arn %s" % (PLAN, VAULT, arn, ROLE)}


def test_protected_resource_whose_points_are_all_gone_is_missing():
    gathered = world()
    gathered["jobs"]["protected_resources"][0] = protected(DB_ARN, age=None, stale=True, point=None)
    found = only(evaluate(gathered))
    assert (found["kind"], found["subject"]) == ("recovery_point_missing", DB_ARN)
    assert found["actual"] == "protected, but no completed recovery point left"


def test_stale_point_says_its_age_and_exact_creation_time():
    gathered = world()
    gathered["jobs"]["protected_resources"][1] = protected(BUCKET_ARN, age=72.01, stale=True)
    found = only(evaluate(gathered))
    assert found["kind"] == "recovery_point_stale" and found["subject"] == BUCKET_ARN
    assert found["actual"] == ("newest completed recovery point arn:aws:backup:us-east-1:%s:recovery-point:p1 is 72.01 h old "
                               "(created 2026-11-24T05:00:00.123456+00:00)" % ACCOUNT)
    assert found["fix"].startswith("find why the plan stopped backing it up (its recent backup jobs, the selection, the backup role), "
                                   "then back it up now: aws backup start-backup-job --backup-vault-name %s" % VAULT)


# ---------------------------------------------------------------------------------------------- native RDS backups

def test_native_rds_retention_and_window_against_the_policy():
    gathered = world()
    gathered["rds"]["instances"][0].update(backup_retention_period=1, preferred_backup_window="22:00-23:00")
    result = evaluate(gathered)
    modify = "aws rds modify-db-instance --db-instance-identifier multi-tenant-app-prod-db --apply-immediately"
    assert result["findings"] == [
        {"kind": "rds_backup_retention", "subject": DB_ARN, "expected": "native automated backups kept 7 days", "actual": "kept 1 days",
         "fix": modify + " --backup-retention-period 7"},
        {"kind": "rds_backup_window", "subject": DB_ARN, "expected": "backup window 03:00-04:00 UTC", "actual": "backup window 22:00-23:00",
         "fix": modify + " --preferred-backup-window 03:00-04:00"},
    ]
    # 0 days and an empty window skip the checks.
    policy = dict(SETTINGS["policy"], rds_backup_retention_days=0, rds_backup_window="")
    assert evaluate(gathered, dict(SETTINGS, policy=policy))["findings"] == []


# ---------------------------------------------------------------------------------------------- the plan

def test_missing_plan_is_one_finding_and_its_rules_get_no_verdict():
    gathered = world()
    gathered["plan"] = {"backup_plans": []}
    gathered["selections"] = {"skipped": True, "changed": False}
    result = evaluate(gathered)
    assert only(result) == {"kind": "plan_missing", "subject": PLAN, "expected": "backup plan %s with rules daily, weekly" % PLAN,
                            "actual": "no such plan in this region",
                            "fix": "apply the platform Terraform that creates the plan, or set backup_health_backup_plan_name"}
    assert not [v for v in result["verdicts"] if v["subject_type"] == "rule"]


def test_missing_rule_lists_the_rules_the_plan_has():
    gathered = world()
    plan = gathered["plan"]["backup_plans"][0]["backup_plan"]
    plan["rules"] = [rule for rule in plan["rules"] if rule["rule_name"] != "weekly"]
    assert only(evaluate(gathered)) == {
        "kind": "rule_missing", "subject": PLAN + "/weekly", "expected": "rule weekly (cron(0 6 ? * SUN *), 365 days)",
        "actual": "the plan has rules daily, hourly-experiment",
        "fix": TERRAFORM + "AWS Backup: aws backup update-backup-plan --backup-plan-id <id> --backup-plan file://plan.json"}


def test_schedule_compares_words_and_wants_utc():
    gathered = world()
    plan_rule(gathered, "daily")["schedule_expression"] = "cron(0  5 * * ? *)"
    assert evaluate(gathered)["findings"] == [], "the same cron with other spacing is the same schedule"
    plan_rule(gathered, "daily")["schedule_expression_timezone"] = "Europe/Paris"
    assert only(evaluate(gathered)) == {
        "kind": "rule_schedule", "subject": PLAN + "/daily", "expected": "cron(0 5 * * ? *) (UTC)",
        "actual": "cron(0  5 * * ? *) (Europe/Paris)", "fix": TERRAFORM + 'schedule_expression = "cron(0 5 * * ? *)"'}
    plan_rule(gathered, "daily").update(schedule_expression="cron(0 4 * * ? *)", schedule_expression_timezone=None)
    assert only(evaluate(gathered))["actual"] == "cron(0 4 * * ? *) (Etc/UTC)"


def test_rule_into_another_vault():
    gathered = world()
    plan_rule(gathered, "weekly")["target_backup_vault_name"] = "Default"
    assert only(evaluate(gathered)) == {
        "kind": "rule_vault", "subject": PLAN + "/weekly", "expected": "backs up into %s" % VAULT, "actual": "backs up into Default",
        "fix": TERRAFORM + 'target_vault_name = "%s"' % VAULT}


def test_rule_retention_shorter_or_forever():
    gathered = world()
    plan_rule(gathered, "daily")["lifecycle"] = {"delete_after_days": 14}
    found = only(evaluate(gathered))
    assert (found["kind"], found["expected"], found["actual"]) == ("rule_retention", "recovery points kept 30 days", "kept 14 days")
    assert found["fix"] == TERRAFORM + "lifecycle { delete_after = 30 }"
    plan_rule(gathered, "daily")["lifecycle"] = None
    assert only(evaluate(gathered))["actual"] == "kept forever (no delete_after_days)"


def test_cold_storage_missing_or_unexpected():
    gathered = world()
    plan_rule(gathered, "weekly")["lifecycle"] = {"delete_after_days": 365}
    assert only(evaluate(gathered)) == {
        "kind": "rule_cold_storage", "subject": PLAN + "/weekly", "expected": "cold storage after 30 days", "actual": "no cold storage",
        "fix": TERRAFORM + "lifecycle { cold_storage_after = 30 }"}
    gathered = world()
    plan_rule(gathered, "daily")["lifecycle"]["move_to_cold_storage_after_days"] = 7
    found = only(evaluate(gathered))
    assert (found["expected"], found["actual"]) == ("no cold storage", "cold storage after 7 days")
    assert found["fix"] == TERRAFORM + "lifecycle { cold_storage_after = null }"


def test_copy_missing_with_other_retention_or_unexpected():
    gathered = world()
    plan_rule(gathered, "daily")["copy_actions"] = []
    assert only(evaluate(gathered)) == {
        "kind": "rule_copy", "subject": PLAN + "/daily", "expected": "a copy kept 90 days", "actual": "no copy",
        "fix": TERRAFORM + "copy_action { lifecycle { delete_after = 90 } }"}
    plan_rule(gathered, "daily")["copy_actions"] = [{"destination_backup_vault_arn": DR_VAULT_ARN, "lifecycle": {"delete_after_days": 35}}]
    assert only(evaluate(gathered))["actual"] == "copies kept 35 days to %s" % DR_VAULT_ARN
    gathered = world()
    plan_rule(gathered, "weekly")["copy_actions"] = [{"destination_backup_vault_arn": DR_VAULT_ARN, "lifecycle": None}]
    found = only(evaluate(gathered))
    assert (found["subject"], found["expected"], found["actual"]) == (PLAN + "/weekly", "no copy", "copies kept 0 days to %s" % DR_VAULT_ARN)


def test_selection_by_another_tag_is_missing_with_the_command_that_adds_it():
    """The fix's command names the role, the tag key and the tag value (it once broke the whole evaluation)."""
    gathered = world()
    gathered["selections"]["backup_selections"][0]["list_of_tags"][0]["condition_value"] = "yes"
    assert only(evaluate(gathered)) == {
        "kind": "selection_missing", "subject": PLAN, "expected": "a selection of resources tagged Backup=true",
        "actual": "selections multi-tenant-app-prod-selection",
        "fix": "aws backup create-backup-selection --backup-plan-id <id> --backup-selection SelectionName=...,IamRoleArn=%s,"
               "ListOfTags=[{ConditionType=STRINGEQUALS,ConditionKey=Backup,ConditionValue=true}]" % ROLE}
    # Without any selection, the runbook's backup role is the one to name.
    gathered["selections"] = {"backup_selections": []}
    found = only(evaluate(gathered))
    assert found["actual"] == "selections none" and "IamRoleArn=%s," % ROLE in found["fix"]


def test_selection_by_resource_tag_condition_counts():
    gathered = world()
    gathered["selections"]["backup_selections"][0].update(list_of_tags=[], conditions={"string_equals": [
        {"condition_key": "aws:ResourceTag/Backup", "condition_value": "true"}]})
    assert evaluate(gathered)["findings"] == []


# ---------------------------------------------------------------------------------------------- the vault

def test_missing_vault_is_a_finding():
    gathered = world()
    gathered["vault"] = {"failed": True, "msg": "AccessDeniedException"}
    gathered["key"] = {"skipped": True}
    result = evaluate(gathered)
    assert only(result) == {"kind": "vault_missing", "subject": VAULT, "expected": "backup vault %s" % VAULT,
                            "actual": "backup vault %s not found, or not allowed (backup_health_backup_vault_name=%s): AWS answers"
                                      " both with AccessDeniedException" % (VAULT, VAULT),
                            "fix": "apply the platform Terraform that creates the vault, or set backup_health_backup_vault_name; if"
                                   " `aws backup list-backup-vaults` in this account and region does not list %s, the name or the"
                                   " region is wrong; if it does, grant backup:DescribeBackupVault on it" % VAULT}
    assert result["verdicts"][-1]["verdict"] == "fail"


@pytest.mark.parametrize("vault, key, actual", [
    ({"encryption_key_arn": KEY_ARN}, {"key_arn": KEY_ARN, "key_manager": "AWS"}, "encrypted with %s, managed by AWS" % KEY_ARN),
    ({"encryption_key_arn": KEY_ARN}, None, "key %s could not be read" % KEY_ARN),
    ({}, None, "no encryption key reported"),
])
def test_vault_not_encrypted_with_a_customer_managed_key(vault, key, actual):
    gathered = world()
    gathered["vault"] = {"backup_vaults": [dict(vault, backup_vault_name=VAULT)]}
    gathered["key"] = {"kms_keys": [key]} if key else {"failed": True}
    found = only(evaluate(gathered))
    assert (found["kind"], found["subject"], found["expected"], found["actual"]) == (
        "vault_encryption", VAULT, "encrypted with a customer-managed KMS key", actual)
    assert found["fix"].startswith("a vault cannot change its key: create a vault encrypted with the security key")
    policy = dict(SETTINGS["policy"], vault_customer_managed_key="false")
    assert evaluate(gathered, dict(SETTINGS, policy=policy))["findings"] == []


# ---------------------------------------------------------------------------------------------- all together

def test_findings_verdicts_checks_and_message_agree():
    gathered = world()
    gathered["jobs"]["problems"] = [{"job_type": "backup", "job_id": "job-1", "state": "FAILED", "resource_arn": BUCKET_ARN,
                                     "status_message": "denied", "creation_date": "2026-11-24T05:00:01+00:00"}]
    gathered["s3"]["buckets"].append({"name": "multi-tenant-app-prod-tenant-7", "bucket_tagging": {"Backup": "true"}})
    plan_rule(gathered, "daily")["lifecycle"] = {"delete_after_days": 14}
    result = evaluate(gathered)
    assert sorted((f["kind"], f["subject"]) for f in result["findings"]) == sorted([
        ("backup_job", BUCKET_ARN), ("recovery_point_missing", "arn:aws:s3:::multi-tenant-app-prod-tenant-7"),
        ("rule_retention", PLAN + "/daily")])
    failing = [check for check in result["checks"] if check["result"] == "fail"]
    assert [check["details"] for check in failing] == [f for v in result["verdicts"] for f in v["findings"]]
    assert sorted(check["details"]["kind"] for check in failing) == sorted(f["kind"] for f in result["findings"])
    assert failing[0] == {"name": "backup health: backup_job", "target": BUCKET_ARN, "result": "fail", "details": result["findings"][0]}
    lines = result["message"].splitlines()
    assert lines[0] == ("Backup health of multi-tenant-app-prod: 3 finding(s) over 8 subjects "
                        "(jobs since 2026-11-23T07:30:00.250000+00:00, RPO 26 h).")
    assert lines[1] == ("- backup_job %s: backup job job-1 FAILED (created 2026-11-24T05:00:01+00:00): denied (expected backup jobs "
                        "COMPLETED). Fix: %s" % (BUCKET_ARN, result["findings"][0]["fix"]))
    assert len(lines) == 4 + len(result["notes"]) and all(line.startswith("- note ") for line in lines[4:])


def test_skipped_lookups_find_nothing_of_their_type():
    """resource_types without EC2 and RDS: their lookups are skipped, only buckets are checked."""
    gathered = world()
    gathered["rds"] = gathered["ec2"] = {"skipped": True, "changed": False, "skip_reason": "Conditional result was False"}
    result = evaluate(gathered, dict(SETTINGS, resource_types=["S3"]))
    assert result["findings"] == [] and [r["resource_arn"] for r in result["resources"]] == [BUCKET_ARN]


def test_ec2_arn_from_the_zone_region_account_and_partition():
    gathered = world()
    gathered["caller"] = {"account": "210987654321", "arn": "arn:aws-us-gov:sts::210987654321:assumed-role/oncall/jane"}
    gathered["ec2"]["instances"] = [
        {"instance_id": "i-1", "placement": {"availability_zone": "us-gov-west-1b"}, "tags": {"Backup": "true"}},
        {"instance_id": "i-2", "placement": {"availability_zone": "us-west-2-lax-1a"}, "tags": {"Name": "edge"}},
    ]
    resources = {r["resource_arn"]: r["name"] for r in health.tagged_resources(gathered, health.settings(SETTINGS, NOW))
                 if r["resource_type"] == "EC2"}
    assert resources == {"arn:aws-us-gov:ec2:us-gov-west-1:210987654321:instance/i-1": "i-1",
                         "arn:aws-us-gov:ec2:us-west-2:210987654321:instance/i-2": "edge"}


# ---------------------------------------------------------------------------------------------- the role's variables

def test_numbers_as_strings_from_extra_vars_and_awx():
    """-e backup_health_rpo_hours=26 and a policy typed in a survey arrive as strings: same findings, same text."""
    gathered = world()
    gathered["jobs"]["protected_resources"][1] = protected(BUCKET_ARN, age=30.0, stale=True)
    gathered["rds"]["instances"][0]["backup_retention_period"] = 1
    policy = copy.deepcopy(SETTINGS["policy"])
    for rule in policy["rules"]:
        for key in ("delete_after_days", "move_to_cold_storage_after_days", "copy_delete_after_days"):
            rule[key] = str(rule[key])
    policy.update(rds_backup_retention_days="7", vault_customer_managed_key="true")
    as_strings = evaluate(gathered, dict(SETTINGS, rpo_hours="26", policy=policy))
    assert as_strings == evaluate(gathered)
    assert [(f["kind"], f["expected"]) for f in as_strings["findings"]] == [
        ("rds_backup_retention", "native automated backups kept 7 days"),
        ("recovery_point_stale", "a completed recovery point no older than 26 h")]
    # A survey's float is shown as typed, a fraction kept.
    assert "RPO 26 h" in evaluate(gathered, dict(SETTINGS, rpo_hours=26.0))["message"]
    assert evaluate(gathered, dict(SETTINGS, rpo_hours="30.5"))["findings"][1]["expected"] == \
        "a completed recovery point no older than 30.5 h"


def test_a_partial_policy_gets_the_defaults():
    policy = {"rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": "30"}]}
    config = health.settings(dict(SETTINGS, policy=policy), NOW)
    assert config["policy"] == {
        "rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 30, "move_to_cold_storage_after_days": 0,
                   "copy_delete_after_days": 0}],
        "vault_customer_managed_key": True, "rds_backup_retention_days": 7, "rds_backup_window": "03:00-04:00"}
    assert config["rpo_hours"] == 26.0 and config["until"] is None
    assert config["since"] == NOW - datetime.timedelta(hours=24)


def test_times_keep_their_fractions():
    config = health.settings(dict(SETTINGS, since="2026-11-23T07:30:00.123456Z", until="2026-11-24T07:30:00.5+00:00"), NOW)
    assert config["since"] == datetime.datetime(2026, 11, 23, 7, 30, 0, 123456, tzinfo=UTC)
    assert config["until"] == datetime.datetime(2026, 11, 24, 7, 30, 0, 500000, tzinfo=UTC)


@pytest.mark.parametrize("change, message", [
    ({"rpo_hours": 0}, "Bad option backup_health_rpo_hours=0: must be greater than 0"),
    ({"rpo_hours": "0"}, "Bad option backup_health_rpo_hours='0': must be greater than 0"),
    ({"rpo_hours": "a day"}, "Bad option backup_health_rpo_hours='a day': must be a finite number"),
    ({"project_name": ""}, "Bad option backup_health_project_name='': is empty"),
    ({"backup_vault_name": "my vault"}, "Bad option backup_health_backup_vault_name='my vault'"),
    ({"since": "yesterday"}, "Bad option backup_health_since='yesterday': is not a time"),
    ({"since": "2027-01-01T00:00:00Z"}, "Bad option backup_health_since='2027-01-01T00:00:00Z': is in the future"),
    ({"since": "2026-11-24T00:00:00Z", "until": "2026-11-23T00:00:00Z"},
     "Bad options backup_health_since='2026-11-24T00:00:00Z' and backup_health_until='2026-11-23T00:00:00Z'"),
    ({"resource_types": ["RDS", "EFS"]}, "Bad option backup_health_resource_types[1]='EFS': must be one of RDS, S3, EC2"),
    # -e backup_health_resource_types=['S3'] is text: refused with how to give a list.
    ({"resource_types": "['S3']"}, "Bad option backup_health_resource_types[0]=\"['S3']\": must be one of RDS, S3, EC2; a list given as "
                                   "text is not read as a list: write it comma-separated (-e backup_health_resource_types=RDS,S3)"),
    ({"sns_topic_arn": "monitoring"}, "Bad option backup_health_sns_topic_arn='monitoring'"),
    ({"sns_topic_arn": "arn:aws:sqs:us-east-1:123456789012:monitoring"}, "an ARN of service 'sqs', not an SNS topic ARN"),
    ({"policy": {"rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 0}]}},
     "Bad option backup_health_policy.rules[0].delete_after_days=0: must be at least 1"),
    ({"policy": {"rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 30},
                           {"name": "daily", "schedule": "cron(0 6 * * ? *)", "delete_after_days": 30}]}},
     "Bad option backup_health_policy.rules[].name=['daily', 'daily']: names 'daily' twice"),
    ({"policy": {"rules": [{"name": "daily", "schedule": "cron(0 5 * * ? *)"}]}},
     "Bad option backup_health_policy.rules[0].delete_after_days=None: must be a whole number"),
    ({"policy": {"rules": [], "rds_backup_window": "3:00-4:00"}}, "Bad option backup_health_policy.rds_backup_window='3:00-4:00'"),
    ({"policy": {"rules": [], "vault_customer_managed_key": "perhaps"}},
     "Bad option backup_health_policy.vault_customer_managed_key='perhaps': must be true or false"),
    ({"policy": {"rule": []}}, "Bad option backup_health_policy={'rule': []}: has unknown keys rule"),
])
def test_bad_input_names_the_variable_and_its_value(change, message):
    # The role refuses each of these before any AWS call (tests/unit/plugins/module_utils/test_role_inputs_validate.py);
    # the evaluation refuses them too.
    with pytest.raises(InputError) as caught:
        health.settings(dict(SETTINGS, **change), NOW)
    assert message in caught.value.message
    with pytest.raises(AnsibleFilterError, match="backup_health: "):
        backup_health(world(), dict(SETTINGS, **change))


def test_a_boolean_tag_value_means_the_tag_value_true():
    gathered = world()
    assert evaluate(gathered, dict(SETTINGS, tag_value=True))["findings"] == []


def test_filters_refuse_what_is_not_a_dictionary():
    with pytest.raises(AnsibleFilterError, match="expects the gathered results"):
        backup_health([], SETTINGS)


# ---------------------------------------------------------------------------------------------- notes

def test_cold_storage_is_said_to_apply_or_not_per_protected_type_as_aws_feature_table_says():
    """The runbook's weekly "cold after 30 days": AWS Backup moves no RDS, S3 or EC2 point to cold storage."""
    result = evaluate(world())
    notes = {n["detail"].split(" does not apply to ")[1].split(" ")[0]: n for n in result["notes"] if n["kind"] == "cold_storage_not_applicable"}
    assert sorted(notes) == ["EC2", "RDS", "S3"]
    assert "the database (multi-tenant-app-prod-db)" in notes["RDS"]["detail"]
    assert "the tenant buckets (multi-tenant-app-prod-tenant-1)" in notes["S3"]["detail"]
    assert "the app servers (multi-tenant-app-prod-app)" in notes["EC2"]["detail"]
    assert "stay in warm storage until deleted after 365 days" in notes["RDS"]["detail"]
    assert [c["result"] for c in result["checks"] if c["name"] == "backup health: cold_storage_not_applicable"] == ["warn"] * 3
    assert result["findings"] == []
    # A type AWS does move to cold storage is said to apply.
    resources = [{"resource_arn": "arn:aws:ec2:us-east-1:%s:volume/vol-1" % ACCOUNT, "resource_type": "EBS", "name": "vol-1"}]
    plan = world()["plan"]["backup_plans"][0]["backup_plan"]
    [applies] = health_notes.cold_storage(plan, PLAN, resources)
    assert (applies["kind"], applies["result"]) == ("cold_storage_applies", "pass")
    # No rule with cold storage, no note.
    gathered = world()
    plan_rule(gathered, "weekly")["lifecycle"].pop("move_to_cold_storage_after_days")
    assert evaluate(gathered)["notes"] == []


def test_a_locked_vault_and_the_legal_holds_in_force_are_told():
    gathered = world()
    gathered["vault"]["backup_vaults"][0].update(locked=True, min_retention_days=7, max_retention_days=400, lock_date="2026-11-01T00:00:00+00:00")
    point = {"recovery_point_arn": "arn:aws:backup:us-east-1:%s:recovery-point:p1" % ACCOUNT, "resource_arn": BUCKET_ARN,
             "resource_type": "S3", "backup_vault_name": VAULT}
    gathered["jobs"]["legal_holds"] = [{"legal_hold_id": "h-1", "title": "litigation", "status": "ACTIVE", "recovery_points": [point]},
                                       {"legal_hold_id": "h-0", "title": "old", "status": "CANCELED", "recovery_points": []}]
    notes = {n["kind"]: n for n in evaluate(gathered)["notes"]}
    assert notes["vault_locked"]["subject"] == VAULT
    assert "compliance mode, immutable since 2026-11-01T00:00:00+00:00" in notes["vault_locked"]["detail"]
    assert "at least 7 days and at most 400 days" in notes["vault_locked"]["detail"]
    assert notes["legal_hold"]["subject"] == "h-1"
    assert "holds 1 recovery point(s) of %s: they cannot be deleted" % BUCKET_ARN in notes["legal_hold"]["detail"]
    assert [n["subject"] for n in evaluate(gathered)["notes"] if n["kind"] == "legal_hold"] == ["h-1"]
