"""amazon.aws modules, run by ansible-playbook, as clients of the emulator.

The collection uses amazon.aws's read-only modules rather than rewriting them (DESIGN.md), and a responder's
playbooks reach the emulator only through `endpoint_url`. These tests show that those modules work against the
emulator's AWS Backup (our own selections and restore jobs, moto's vaults and plans) exactly as they would against
AWS: each playbook registers its results into a JSON file, and the assertions read that file.
"""

import botocore.exceptions
import pytest

from emulator.testing import newest_completed, run_aws_playbook as run_playbook, wait_restore

PLAN_NAME = "multi-tenant-app-prod-backup-plan"
SELECTION_NAME = "restorekit-ansible-selection"


def test_backup_selection_lifecycle(emulator, world, tmp_path):
    """A responder (or a drill's setup) can manage a tag-based selection in the runbook's plan with amazon.aws:
    check mode predicts a change and creates nothing, the real run creates it, a re-run changes nothing,
    backup_selection_info finds it, and state absent removes it (then is a no-op), leaving the seeded selection alone.
    backup_selection_info shows the selection's empty resources, not_resources and conditions as AWS returns them
    (docs/emulator-fidelity.md), so a playbook that reads them works against the emulator as against AWS."""
    selection = {"selection_name": SELECTION_NAME, "backup_plan_name": PLAN_NAME, "iam_role_arn": world["backup_role_arn"],
                 "list_of_tags": [{"condition_type": "STRINGEQUALS", "condition_key": "Backup", "condition_value": "true"}]}
    absent = {"selection_name": SELECTION_NAME, "backup_plan_name": PLAN_NAME, "state": "absent"}
    info = {"backup_plan_name": PLAN_NAME, "selection_names": [SELECTION_NAME]}
    tasks = [
        {"name": "Create (check mode)", "amazon.aws.backup_selection": selection, "check_mode": True, "register": "predicted"},
        {"name": "Create", "amazon.aws.backup_selection": selection, "register": "created"},
        {"name": "Create again", "amazon.aws.backup_selection": selection, "register": "again"},
        {"name": "Find it", "amazon.aws.backup_selection_info": info, "register": "found"},
        {"name": "Find all of the plan's", "amazon.aws.backup_selection_info": {"backup_plan_name": PLAN_NAME}, "register": "all"},
        {"name": "Remove", "amazon.aws.backup_selection": absent, "register": "removed"},
        {"name": "Remove again", "amazon.aws.backup_selection": absent, "register": "removed_again"},
        {"name": "Find it no more", "amazon.aws.backup_selection_info": info, "register": "gone"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["predicted", "created", "again", "found", "all", "removed", "removed_again", "gone"])

    assert out["predicted"]["changed"] is True
    assert out["created"]["changed"] is True
    assert out["again"]["changed"] is False, out["again"]
    created = out["created"]["backup_selection"]
    assert created["selection_name"] == SELECTION_NAME
    assert created["backup_plan_id"] == world["backup_plan_id"]
    assert created["iam_role_arn"] == world["backup_role_arn"]
    assert created["list_of_tags"] == [{"condition_type": "STRINGEQUALS", "condition_key": "Backup", "condition_value": "true"}]
    assert out["again"]["backup_selection"]["selection_id"] == created["selection_id"], "the re-run replaced the selection"

    found = out["found"]["backup_selections"]
    assert [s["selection_id"] for s in found] == [created["selection_id"]]
    assert found[0]["selection_name"] == SELECTION_NAME
    assert found[0]["list_of_tags"] == created["list_of_tags"]
    assert found[0]["resources"] == [] and found[0]["not_resources"] == []
    assert found[0]["conditions"] == {"string_equals": [], "string_like": [], "string_not_equals": [], "string_not_like": []}
    assert {created["selection_id"], world["backup_selection_id"]} <= {s["selection_id"] for s in out["all"]["backup_selections"]}

    assert out["removed"]["changed"] is True
    assert out["removed_again"]["changed"] is False
    assert out["gone"]["backup_selections"] == []
    backup = emulator.client("backup")
    with pytest.raises(botocore.exceptions.ClientError) as err:
        backup.get_backup_selection(BackupPlanId=world["backup_plan_id"], SelectionId=created["selection_id"])
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    remaining = {s["SelectionId"] for s in backup.list_backup_selections(BackupPlanId=world["backup_plan_id"])["BackupSelectionsList"]}
    assert world["backup_selection_id"] in remaining and created["selection_id"] not in remaining


def test_backup_restore_job_info_lists_and_describes_emulated_restores(emulator, world, tmp_path, clean_faults):
    """backup_restore_job_info shows a responder the restore jobs the emulator ran, in snake_case: the status filter keeps
    the COMPLETED S3 restore of tenant 100 and drops a FAILED one; a job described by id carries its status, recovery point
    and created resource. The module has no resource_type option (amazon.aws 10), so S3 is selected from the result."""
    backup = emulator.client("backup")
    source = "arn:aws:s3:::%s" % world["buckets"]["100"]
    point = newest_completed(backup, world["vault"], source)
    target = "multi-tenant-app-prod-tenant-100-restore-ansible"
    ok_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                     Metadata={"DestinationBucketName": target, "NewBucket": "true"})["RestoreJobId"]
    assert wait_restore(backup, ok_id)["Status"] == "COMPLETED"
    emulator.control("jobs/fail-next", {"job_kind": "restore", "resource_type": "S3", "message": "Injected: access denied"})
    failed_id = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                         Metadata={"DestinationBucketName": target + "-2", "NewBucket": "true"})["RestoreJobId"]
    assert wait_restore(backup, failed_id)["Status"] == "FAILED"

    tasks = [
        {"name": "Completed restore jobs", "amazon.aws.backup_restore_job_info": {"status": "COMPLETED"}, "register": "completed"},
        {"name": "Failed restore jobs", "amazon.aws.backup_restore_job_info": {"status": "FAILED"}, "register": "failed"},
        {"name": "All restore jobs", "amazon.aws.backup_restore_job_info": {}, "register": "everything"},
        {"name": "One restore job", "amazon.aws.backup_restore_job_info": {"restore_job_id": ok_id}, "register": "one"},
        {"name": "Completed S3 restore jobs", "ansible.builtin.set_fact": {
            "s3_completed": "{{ completed.restore_jobs | selectattr('resource_type', 'equalto', 'S3') | list }}"}},
        {"name": "A resource_type filter, as the brief imagined it", "amazon.aws.backup_restore_job_info":
            {"status": "COMPLETED", "resource_type": "S3"}, "register": "by_type", "ignore_errors": True},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["completed", "failed", "everything", "one", "s3_completed", "by_type"])

    completed = {j["restore_job_id"]: j for j in out["completed"]["restore_jobs"]}
    assert ok_id in completed and failed_id not in completed
    assert {j["status"] for j in completed.values()} == {"COMPLETED"}
    assert [j["restore_job_id"] for j in out["failed"]["restore_jobs"]].count(failed_id) == 1
    assert {ok_id, failed_id} <= {j["restore_job_id"] for j in out["everything"]["restore_jobs"]}
    s3_completed = {j["restore_job_id"]: j for j in out["s3_completed"]}
    assert ok_id in s3_completed and {j["resource_type"] for j in s3_completed.values()} == {"S3"}
    listed = s3_completed[ok_id]
    assert listed["created_resource_arn"] == "arn:aws:s3:::%s" % target
    assert listed["recovery_point_arn"] == point["RecoveryPointArn"]

    [one] = out["one"]["restore_jobs"]
    assert one["restore_job_id"] == ok_id
    assert one["status"] == "COMPLETED"
    assert one["created_resource_arn"] == "arn:aws:s3:::%s" % target
    assert one["recovery_point_arn"] == point["RecoveryPointArn"]
    assert one["source_resource_arn"] == source
    assert one["iam_role_arn"] == world["backup_role_arn"]
    assert one["percent_done"] == "100.00%"
    assert one["account_id"] == "123456789012"

    assert out["by_type"]["failed"] is True
    assert "resource_type" in out["by_type"]["msg"]


def test_backup_vault_and_plan_info_see_the_seeded_world(emulator, world, tmp_path):
    """backup_vault_info and backup_plan_info (moto's part of AWS Backup, through the same endpoint) show the runbook's
    vault with its KMS key and recovery point count, and the plan with its daily/weekly rules and the DR copy action."""
    tasks = [
        {"name": "The vault", "amazon.aws.backup_vault_info": {"backup_vault_names": [world["vault"]]}, "register": "vaults"},
        {"name": "The plan", "amazon.aws.backup_plan_info": {"backup_plan_names": [PLAN_NAME]}, "register": "plans"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["vaults", "plans"])

    [vault] = out["vaults"]["backup_vaults"]
    assert vault["backup_vault_name"] == world["vault"]
    assert vault["backup_vault_arn"].endswith(":backup-vault:%s" % world["vault"])
    assert vault["encryption_key_arn"] == world["kms_key_arn"]
    pages = emulator.client("backup").get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=world["vault"])
    assert vault["number_of_recovery_points"] == sum(len(page["RecoveryPoints"]) for page in pages) > 0

    [plan] = out["plans"]["backup_plans"]
    assert plan["backup_plan_id"] == world["backup_plan_id"]
    assert plan["backup_plan_name"] == PLAN_NAME
    rules = {r["rule_name"]: r for r in plan["backup_plan"]["rules"]}
    assert set(rules) == {"daily", "weekly"}
    assert {r["target_backup_vault_name"] for r in rules.values()} == {world["vault"]}
    assert rules["daily"]["schedule_expression"] == "cron(0 5 * * ? *)"
    assert rules["daily"]["lifecycle"]["delete_after_days"] == 30
    assert [a["destination_backup_vault_arn"] for a in rules["daily"]["copy_actions"]] == [world["dr_vault_arn"]]


def test_backup_vault_creates_a_vault_it_first_looks_up_as_aws_answers_a_missing_one(emulator, world, tmp_path):
    """amazon.aws.backup_vault looks the vault up first and takes AccessDeniedException as "not there" (AWS's answer to a
    missing vault, docs/emulator-fidelity.md): any other answer fails the module before it creates anything."""
    name = "restorekit-ansible-vault"
    vault = {"backup_vault_name": name, "tags": {"owner": "restorekit"}}
    tasks = [
        {"name": "Create (check mode)", "amazon.aws.backup_vault": vault, "check_mode": True, "register": "predicted"},
        {"name": "Create", "amazon.aws.backup_vault": vault, "register": "created"},
        {"name": "Create again", "amazon.aws.backup_vault": vault, "register": "again"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["predicted", "created", "again"])
    assert out["predicted"]["changed"] is True, out["predicted"]
    assert out["created"]["changed"] is True, out["created"]
    assert out["again"]["changed"] is False, out["again"]
    backup = emulator.client("backup")
    assert backup.describe_backup_vault(BackupVaultName=name)["BackupVaultName"] == name
    backup.delete_backup_vault(BackupVaultName=name)


def test_backup_plan_updates_changed_rules_then_changes_nothing(emulator, world, tmp_path):
    """amazon.aws.backup_plan updates a plan whose rules differ with UpdateBackupPlan (moto lacks it; the emulator answered
    an HTML 500): the run reports changed and the plan's new version replaces its rules, a re-run with the same rules
    reports no change and keeps the version, and backup_plan_info shows the new rules. The collection itself never
    updates a plan; this shows that a responder's playbook doing so works against the emulator as against AWS."""
    name = "restorekit-ansible-plan"
    daily = {"rule_name": "daily", "target_backup_vault_name": world["vault"], "schedule_expression": "cron(0 5 ? * * *)",
             "lifecycle": {"delete_after_days": 30}}
    changed_rules = [dict(daily, schedule_expression="cron(0 6 ? * * *)", lifecycle={"delete_after_days": 35}),
                     {"rule_name": "weekly", "target_backup_vault_name": world["vault"], "schedule_expression": "cron(0 7 ? * 1 *)"}]
    tasks = [
        {"name": "Create", "amazon.aws.backup_plan": {"backup_plan_name": name, "rules": [daily]}, "register": "created"},
        {"name": "Change the rules", "amazon.aws.backup_plan": {"backup_plan_name": name, "rules": changed_rules}, "register": "updated"},
        {"name": "The same rules again", "amazon.aws.backup_plan": {"backup_plan_name": name, "rules": changed_rules}, "register": "again"},
        {"name": "The plan", "amazon.aws.backup_plan_info": {"backup_plan_names": [name]}, "register": "info"},
        {"name": "Remove", "amazon.aws.backup_plan": {"backup_plan_name": name, "state": "absent"}, "register": "removed"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["created", "updated", "again", "info", "removed"])

    assert out["created"]["changed"] is True
    assert out["updated"]["changed"] is True, out["updated"]
    assert out["again"]["changed"] is False, out["again"]
    assert out["updated"]["backup_plan_id"] == out["created"]["backup_plan_id"], "an update must keep the plan, not replace it"
    assert out["updated"]["version_id"] != out["created"]["version_id"], "an update is a new version"
    assert out["again"]["version_id"] == out["updated"]["version_id"], "a run that changes nothing makes no version"
    [plan] = out["info"]["backup_plans"]
    assert plan["version_id"] == out["updated"]["version_id"]
    rules = {r["rule_name"]: r for r in plan["backup_plan"]["rules"]}
    assert set(rules) == {"daily", "weekly"}
    assert rules["daily"]["schedule_expression"] == "cron(0 6 ? * * *)"
    assert rules["daily"]["lifecycle"] == {"delete_after_days": 35}
    assert rules["weekly"]["schedule_expression"] == "cron(0 7 ? * 1 *)"
    assert out["removed"]["changed"] is True
