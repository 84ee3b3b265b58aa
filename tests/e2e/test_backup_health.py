# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/backup_health.yml (roles backup_health and restore_report) and the role backup_alerts, on the emulator.

Each world lives in an emulator of its own, so faults injected here (a failed job, a changed plan) cannot leak into
other tests, and faults other tests inject cannot leak in here: "exactly these findings" needs a world nobody else
touches. The seeded world is the runbook's; the other one is built here with other names, another region and other
faults, so a role that only knew the seed's names or faults would fail it.

Findings are read from the JSON report the playbook writes (one failing check per finding, the finding in details),
the SNS message from an SQS queue subscribed to the topic.
"""

import datetime
import json
import os
import subprocess

import pytest

from emulator.seed import MANAGED_POLICIES, seed
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, PYTHON, ROOT, ansible_env, take_todays_daily_backup
from emulator.testing import own_emulator

UTC = datetime.timezone.utc
PLAYBOOK = os.path.join(ROOT, "playbooks", "backup_health.yml")
INVENTORY = os.path.join(ROOT, "inventories", "emulator")


def iso(when):
    return when.astimezone(UTC).isoformat()


def run_health(emulator, tmp_path, name, extra=None):
    """Run the playbook as a responder would; return (return code, the JSON report, the output)."""
    report_dir = tmp_path / "reports"
    extra_vars = dict({"restore_report_dir": str(report_dir), "restore_report_name": name}, **(extra or {}))
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", INVENTORY, PLAYBOOK, "-e", json.dumps(extra_vars)], cwd=str(tmp_path),
                          env=ansible_env(emulator, tmp_path), capture_output=True, text=True, timeout=900, check=False)
    path = report_dir / (name + ".json")
    assert path.exists(), "no report written (%d):\n%s\n%s" % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    return proc.returncode, json.loads(path.read_text(encoding="utf-8")), proc.stdout + proc.stderr


def findings(report):
    return [check["details"] for check in report["checks"] if check["result"] == "fail" and check["name"].startswith("backup health:")]


def kinds(report):
    return sorted((finding["kind"], finding["subject"]) for finding in findings(report))


def passing_subjects(report):
    return {check["target"] for check in report["checks"] if check["result"] == "pass" and check["name"].startswith("backup health:")}


def subscribe_queue(emulator, region, name):
    """An SNS topic with an SQS queue subscribed, standing in for the monitoring module's topic and its readers."""
    sns = emulator.client("sns", region=region)
    sqs = emulator.client("sqs", region=region)
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue_url = sqs.create_queue(QueueName=name + "-reader")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, sqs, queue_url


def drain(sqs, queue_url):
    messages = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        if not batch:
            return messages
        for message in batch:
            messages.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


# ---------------------------------------------------------------------------------------------- the seeded world

@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The runbook's world, alone in its emulator, with today's daily backup taken (clean at any hour)."""
    with own_emulator(tmp_path_factory, "health-seeded") as emu:
        world = seed(emu)
        take_todays_daily_backup(emu, world)
        yield emu, world


def test_seeded_world_clean_then_exactly_three_findings(seeded, tmp_path):
    """Clean: no finding, no message. Then one failed backup job, one tagged bucket never backed up and the daily rule
    kept 14 days instead of 30 give exactly those three findings, one SNS message, a failed report, and a failed play
    when fail_on_findings asks for it."""
    emu, world = seeded
    region = world["region"]
    topic, sqs, queue_url = subscribe_queue(emu, region, "multi-tenant-app-prod-monitoring")
    plan_name = "multi-tenant-app-prod-backup-plan"

    # Clean first: the default policy is the runbook's, and the seeded world follows it.
    rc, report, out = run_health(emu, tmp_path, "clean", {"backup_health_sns_topic_arn": topic, "backup_health_fail_on_findings": True})
    assert rc == 0, out[-4000:]
    assert kinds(report) == []
    assert report["outcome"] == "succeeded"
    # The weekly rule's "cold after 30 days" applies to none of them: AWS Backup moves no RDS, S3 or EC2 point to cold
    # storage (its feature availability table); said as a warning per type, not a finding.
    cold = [check for check in report["checks"] if check["name"] == "backup health: cold_storage_not_applicable"]
    assert {check["target"] for check in cold} == {plan_name + "/weekly"} and {check["result"] for check in cold} == {"warn"}
    said = " ".join(check["details"] for check in cold)
    for needle in ("to RDS the database (%s)" % world["db"]["identifier"], "to S3 the tenant buckets (", "to EC2 the app servers ("):
        assert needle in said, said
    tagged = {world["db"]["arn"], world["app"]["instance_arn"]} | {"arn:aws:s3:::%s" % b for b in world["buckets"].values()}
    assert tagged | {plan_name, plan_name + "/daily", plan_name + "/weekly", world["vault"]} <= passing_subjects(report)
    assert drain(sqs, queue_url) == [], "a clean world must not page anyone"

    # (a) one failed backup job
    backup = emu.client("backup")
    failing_arn = "arn:aws:s3:::%s" % world["buckets"]["12"]
    emu.control("jobs/fail-next", {"job_kind": "backup", "resource_type": "S3", "message": "Injected: access denied to the bucket"})
    failed = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=failing_arn, IamRoleArn=world["backup_role_arn"])
    emu.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=failed["BackupJobId"])["State"] == "FAILED"
    # (b) a tenant bucket tagged for backup, never backed up
    new_bucket = "multi-tenant-app-prod-tenant-7"
    s3 = emu.client("s3")
    s3.create_bucket(Bucket=new_bucket)
    s3.put_bucket_tagging(Bucket=new_bucket, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}, {"Key": "Tenant", "Value": "7"}]})
    # An untagged bucket is none of the health check's business.
    s3.create_bucket(Bucket="multi-tenant-app-prod-scratch")
    # (c) the daily rule keeps 14 days instead of 30. The emulator has no UpdateBackupPlan (moto lacks it) and keeps a
    # deleted plan's name taken: the plan is replaced by one under a new name with the same selection, as a Terraform
    # apply with create_before_destroy replaces it, and the health check is pointed at the new name.
    plan = backup.get_backup_plan(BackupPlanId=world["backup_plan_id"])["BackupPlan"]
    selection = backup.get_backup_selection(BackupPlanId=world["backup_plan_id"], SelectionId=world["backup_selection_id"])["BackupSelection"]
    plan_name = "multi-tenant-app-prod-backup-plan-2"
    rules = []
    for rule in plan["Rules"]:
        rule = {key: rule[key] for key in ("RuleName", "TargetBackupVaultName", "ScheduleExpression", "Lifecycle", "CopyActions") if key in rule}
        if rule["RuleName"] == "daily":
            rule["Lifecycle"] = {"DeleteAfterDays": 14}
        rules.append(rule)
    backup.delete_backup_selection(BackupPlanId=world["backup_plan_id"], SelectionId=world["backup_selection_id"])
    backup.delete_backup_plan(BackupPlanId=world["backup_plan_id"])
    replaced = backup.create_backup_plan(BackupPlan={"BackupPlanName": plan_name, "Rules": rules})["BackupPlanId"]
    backup.create_backup_selection(BackupPlanId=replaced, BackupSelection={
        key: selection[key] for key in ("SelectionName", "IamRoleArn", "ListOfTags")})

    rc, report, out = run_health(emu, tmp_path, "faulty", {"backup_health_sns_topic_arn": topic, "backup_health_fail_on_findings": True,
                                                           "backup_health_backup_plan_name": plan_name})
    assert rc != 0, "fail_on_findings must fail the play so AWX marks the job failed"
    assert "Fail on findings, as asked" in out
    assert kinds(report) == sorted([
        ("backup_job", failing_arn),
        ("recovery_point_missing", "arn:aws:s3:::" + new_bucket),
        ("rule_retention", plan_name + "/daily"),
    ])
    assert report["outcome"] == "failed"
    by_kind = {finding["kind"]: finding for finding in findings(report)}
    assert failed["BackupJobId"] in by_kind["backup_job"]["actual"] and "FAILED" in by_kind["backup_job"]["actual"]
    assert "Injected: access denied" in by_kind["backup_job"]["actual"]
    assert "start-backup-job" in by_kind["backup_job"]["fix"] and failing_arn in by_kind["backup_job"]["fix"]
    assert by_kind["rule_retention"]["expected"] == "recovery points kept 30 days"
    assert by_kind["rule_retention"]["actual"] == "kept 14 days"
    assert by_kind["recovery_point_missing"]["actual"] == "no completed recovery point at all"
    # The other tenants, the database, the instance and the weekly rule still pass.
    assert tagged - {failing_arn} <= passing_subjects(report)
    assert plan_name + "/weekly" in passing_subjects(report)

    messages = drain(sqs, queue_url)
    assert len(messages) == 1, messages
    assert "3 finding(s)" in messages[0]["Subject"]
    for needle in (failing_arn, new_bucket, plan_name + "/daily", "rule_retention"):
        assert needle in messages[0]["Message"]

    # Without fail_on_findings the play succeeds (the report still says failed), and without a topic nobody is paged.
    rc, report, out = run_health(emu, tmp_path, "report-only", {"backup_health_backup_plan_name": plan_name})
    assert rc == 0, out[-4000:]
    assert len(findings(report)) == 3 and report["outcome"] == "failed"
    assert drain(sqs, queue_url) == []


# ---------------------------------------------------------------------------------------------- another world

OTHER = {"project": "acme-shop", "environment": "staging", "region": "eu-west-1", "dr_region": "eu-central-1"}


@pytest.fixture(scope="module")
def other_world(tmp_path_factory):
    """A small world with other names, in another region, with its own faults:

    the weekly rule has no cold storage, the database keeps native backups 1 day, and one bucket's newest recovery
    point is three days old. Everything else follows the runbook's policy.
    """
    with own_emulator(tmp_path_factory, "health-other") as emu:
        prefix = "%s-%s" % (OTHER["project"], OTHER["environment"])
        region = OTHER["region"]
        iam = emu.client("iam", region=region)
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "backup.amazonaws.com"},
                                                         "Action": "sts:AssumeRole"}]}
        role = iam.create_role(RoleName=prefix + "-backup-role", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
        for policy in MANAGED_POLICIES:
            iam.attach_role_policy(RoleName=prefix + "-backup-role", PolicyArn=policy)
        key = emu.client("kms", region=region).create_key(Description=prefix + " security key")["KeyMetadata"]["Arn"]
        dr_key = emu.client("kms", region=OTHER["dr_region"]).create_key(Description=prefix + " DR key")["KeyMetadata"]["Arn"]
        backup = emu.client("backup", region=region)
        vault = prefix + "-backup-vault"
        backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=key)
        dr_vault = emu.client("backup", region=OTHER["dr_region"]).create_backup_vault(
            BackupVaultName=vault + "-dr", EncryptionKeyArn=dr_key)["BackupVaultArn"]
        plan = backup.create_backup_plan(BackupPlan={"BackupPlanName": prefix + "-backup-plan", "Rules": [
            {"RuleName": "daily", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 5 * * ? *)",
             "Lifecycle": {"DeleteAfterDays": 30}, "CopyActions": [{"DestinationBackupVaultArn": dr_vault, "Lifecycle": {"DeleteAfterDays": 90}}]},
            # Off policy: no cold storage.
            {"RuleName": "weekly", "TargetBackupVaultName": vault, "ScheduleExpression": "cron(0 6 ? * SUN *)",
             "Lifecycle": {"DeleteAfterDays": 365}},
        ]})
        backup.create_backup_selection(BackupPlanId=plan["BackupPlanId"], BackupSelection={
            "SelectionName": prefix + "-selection", "IamRoleArn": role,
            "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "true"}]})
        rds = emu.client("rds", region=region)
        # Off policy: native backups kept 1 day.
        db = rds.create_db_instance(
            DBInstanceIdentifier=prefix + "-orders", DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
            MasterUsername="admin", MasterUserPassword="emulated-Other-pw-1", BackupRetentionPeriod=1,
            PreferredBackupWindow="03:00-04:00", Tags=[{"Key": "Backup", "Value": "true"}])["DBInstance"]
        # Not tagged: no RPO, no native backup policy to follow.
        rds.create_db_instance(
            DBInstanceIdentifier=prefix + "-scratch", DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
            MasterUsername="admin", MasterUserPassword="emulated-Other-pw-1", BackupRetentionPeriod=0)
        s3 = emu.client("s3", region=region)
        buckets = {}
        for name in ("fresh", "old"):
            bucket = "%s-media-%s" % (prefix, name)
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
            s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}]})
            s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
            buckets[name] = "arn:aws:s3:::" + bucket
        now = datetime.datetime.now(UTC)
        # Off policy: the old bucket's newest point is three days old.
        emu.control("clock", {"now": iso(now - datetime.timedelta(days=3))})
        backup.start_backup_job(BackupVaultName=vault, ResourceArn=buckets["old"], IamRoleArn=role)
        emu.wait_for_jobs()
        emu.control("clock", {"now": iso(now - datetime.timedelta(hours=2))})
        for arn in (buckets["fresh"], db["DBInstanceArn"]):
            backup.start_backup_job(BackupVaultName=vault, ResourceArn=arn, IamRoleArn=role)
        emu.wait_for_jobs()
        emu.control("clock", {"now": iso(now)})
        yield emu, {"prefix": prefix, "db_arn": db["DBInstanceArn"], "buckets": buckets, "vault": vault}


def test_other_world_gives_its_own_findings(other_world, tmp_path):
    """Other names, region and faults: weekly rule without cold storage, 1-day native RDS retention, a 3-day-old point."""
    emu, world = other_world
    prefix = world["prefix"]
    extra = {"restorekit_project_name": OTHER["project"], "restorekit_environment": OTHER["environment"],
             "restorekit_region": OTHER["region"]}
    rc, report, out = run_health(emu, tmp_path, "other", extra)
    assert rc == 0, out[-4000:]
    assert kinds(report) == sorted([
        ("rds_backup_retention", world["db_arn"]),
        ("recovery_point_stale", world["buckets"]["old"]),
        ("rule_cold_storage", prefix + "-backup-plan/weekly"),
    ])
    by_kind = {finding["kind"]: finding for finding in findings(report)}
    assert by_kind["rule_cold_storage"]["expected"] == "cold storage after 30 days"
    assert by_kind["rule_cold_storage"]["actual"] == "no cold storage"
    assert by_kind["rds_backup_retention"]["actual"] == "kept 1 days"
    assert "--backup-retention-period 7" in by_kind["rds_backup_retention"]["fix"]
    assert "recovery point" in by_kind["recovery_point_stale"]["actual"] and " h old" in by_kind["recovery_point_stale"]["actual"]
    assert {world["buckets"]["fresh"], prefix + "-backup-plan/daily", world["vault"]} <= passing_subjects(report)
    assert not any("scratch" in subject for subject in passing_subjects(report)), "an untagged database is not checked"

    # A declared policy of the operator's own: 3-day RPO and 1-day native retention make this world clean but for cold storage.
    policy = {"rules": [
        {"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": 30, "copy_delete_after_days": 90},
        {"name": "weekly", "schedule": "cron(0 6 ? * SUN *)", "delete_after_days": 365, "move_to_cold_storage_after_days": 30},
    ], "rds_backup_retention_days": 1}
    rc, report, out = run_health(emu, tmp_path, "other-policy", dict(extra, backup_health_policy=policy, backup_health_rpo_hours=80))
    assert rc == 0, out[-4000:]
    assert kinds(report) == [("rule_cold_storage", prefix + "-backup-plan/weekly")]


def test_missing_plan_and_vault_are_findings_not_errors(other_world, tmp_path):
    """Names that do not exist (a typo, the wrong region) give plan_missing and vault_missing, and no rule is said to pass."""
    emu, world = other_world
    extra = {"restorekit_project_name": OTHER["project"], "restorekit_environment": OTHER["environment"],
             "restorekit_region": OTHER["region"], "backup_health_backup_plan_name": "acme-shop-stagin-backup-plan",
             "backup_health_backup_vault_name": "acme-shop-stagin-backup-vault"}
    rc, report, out = run_health(emu, tmp_path, "missing", extra)
    assert rc == 0, out[-4000:]
    assert kinds(report) == sorted([
        ("plan_missing", "acme-shop-stagin-backup-plan"),
        ("vault_missing", "acme-shop-stagin-backup-vault"),
        ("rds_backup_retention", world["db_arn"]),
        ("recovery_point_stale", world["buckets"]["old"]),
    ])
    assert not any("/daily" in subject or "/weekly" in subject for subject in passing_subjects(report))


def test_selection_by_another_tag_is_a_finding_and_numbers_may_be_strings(other_world, tmp_path):
    """A plan on policy whose only selection picks another tag gives selection_missing with the command that adds the
    right one (the evaluation once broke off there). The RPO and the policy's days typed as strings, as an AWX survey
    or -e hands them, are read as numbers."""
    emu, world = other_world
    prefix = world["prefix"]
    backup = emu.client("backup", region=OTHER["region"])
    plans = backup.list_backup_plans()["BackupPlansList"]
    source = next(plan["BackupPlanId"] for plan in plans if plan["BackupPlanName"] == prefix + "-backup-plan")
    rules = []
    for rule in backup.get_backup_plan(BackupPlanId=source)["BackupPlan"]["Rules"]:
        rule = {key: rule[key] for key in ("RuleName", "TargetBackupVaultName", "ScheduleExpression", "Lifecycle", "CopyActions") if key in rule}
        if rule["RuleName"] == "weekly":
            rule["Lifecycle"] = {"DeleteAfterDays": 365, "MoveToColdStorageAfterDays": 30}
        rules.append(rule)
    plan_name = prefix + "-backup-plan-by-other-tag"
    plan_id = backup.create_backup_plan(BackupPlan={"BackupPlanName": plan_name, "Rules": rules})["BackupPlanId"]
    role = emu.client("iam", region=OTHER["region"]).get_role(RoleName=prefix + "-backup-role")["Role"]["Arn"]
    backup.create_backup_selection(BackupPlanId=plan_id, BackupSelection={
        "SelectionName": prefix + "-by-owner", "IamRoleArn": role,
        "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "Owner", "ConditionValue": "shop"}]})

    policy = {"rules": [
        {"name": "daily", "schedule": "cron(0 5 * * ? *)", "delete_after_days": "30", "copy_delete_after_days": "90"},
        {"name": "weekly", "schedule": "cron(0 6 ? * SUN *)", "delete_after_days": "365", "move_to_cold_storage_after_days": "30"},
    ], "rds_backup_retention_days": "1"}
    extra = {"restorekit_project_name": OTHER["project"], "restorekit_environment": OTHER["environment"],
             "restorekit_region": OTHER["region"], "backup_health_backup_plan_name": plan_name,
             "backup_health_policy": policy, "backup_health_rpo_hours": "80"}
    rc, report, out = run_health(emu, tmp_path, "other-tag", extra)
    assert rc == 0, out[-4000:]
    assert kinds(report) == [("selection_missing", plan_name)]
    selection_missing = findings(report)[0]
    assert selection_missing["expected"] == "a selection of resources tagged Backup=true"
    assert selection_missing["actual"] == "selections %s-by-owner" % prefix
    assert selection_missing["fix"] == (
        "aws backup create-backup-selection --backup-plan-id <id> --backup-selection SelectionName=...,IamRoleArn=%s,"
        "ListOfTags=[{ConditionType=STRINGEQUALS,ConditionKey=Backup,ConditionValue=true}]" % role)
    assert {plan_name + "/daily", plan_name + "/weekly", world["buckets"]["old"], world["db_arn"]} <= passing_subjects(report)
    assert "RPO 80 h" in out


def test_bad_input_fails_before_anything(other_world, tmp_path):
    """A zero RPO, no job state to look for and a project name with spaces are all refused by name in one message,
    before any lookup (only reads, if anything, reach AWS), and the report says the run failed."""
    emu, _world = other_world
    extra = {"restorekit_project_name": OTHER["project"], "restorekit_environment": OTHER["environment"],
             "restorekit_region": OTHER["region"], "backup_health_rpo_hours": 0, "backup_health_job_states": [],
             "backup_health_project_name": "Multi Tenant App"}
    emu.control("counters", method="DELETE")
    rc, report, out = run_health(emu, tmp_path, "bad", extra)
    served = emu.control("counters")["requests"]
    assert rc != 0
    for named in ("backup_health_rpo_hours=0", "backup_health_job_states=[]: names no job state",
                  "backup_health_project_name='Multi Tenant App'"):
        assert named in out, (named, out[-3000:])
    assert report["outcome"] == "failed"
    assert "Read the caller's account" not in out
    assert [(service, op) for service, ops in served.items() for op in ops
            if not op.startswith(("Describe", "Get", "List", "Head"))] == [], served


# ---------------------------------------------------------------------------------------------- backup_alerts

def alerts(role_vars, **include):
    """A task including the role backup_alerts with ROLE_VARS; INCLUDE adds include_role options (apply)."""
    return {"name": "Alerts", "ansible.builtin.include_role": dict({"name": "restorekit.aws.backup_alerts"}, **include), "vars": role_vars}


def run_alerts(emulator, tmp_path, name, tasks, check=False):
    play = [{"name": "backup_alerts", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": OTHER["region"]}},
             "tasks": tasks}]
    playbook = tmp_path / (name + ".yml")
    playbook.write_text(json.dumps(play), encoding="utf-8")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    argv = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)] + (["--check"] if check else [])
    proc = subprocess.run(argv, cwd=str(tmp_path), env=ansible_env(emulator, tmp_path), capture_output=True, text=True,
                          timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def changed_count(out):
    recap = [line for line in out.splitlines() if line.startswith("localhost") and "changed=" in line][-1]
    return int(recap.split("changed=")[1].split()[0])


def test_backup_alerts_rule_feeds_the_topic_idempotently(other_world, tmp_path):
    """The rule matches failed/aborted/expired backup, copy and restore jobs (restore events say status, not state),
    targets the topic, check mode writes nothing, and state=absent removes it; a topic EventBridge may not publish to
    is refused with the fix. That a second run changes nothing is extensions/molecule/backup_health's idempotence
    (its converge applies this role; its verify applies it again and asserts backup_alerts_result is not changed)."""
    emu, world = other_world
    sns = emu.client("sns", region=OTHER["region"])
    events = emu.client("events", region=OTHER["region"])
    topic = sns.create_topic(Name=world["prefix"] + "-monitoring")["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Sid": "EventBridge", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
                                                "Action": "sns:Publish", "Resource": topic}]}))
    closed = sns.create_topic(Name=world["prefix"] + "-closed-monitoring")["TopicArn"]
    role_vars = {"backup_alerts_project_name": OTHER["project"], "backup_alerts_environment": OTHER["environment"],
                 "backup_alerts_sns_topic_arn": topic}
    rule_name = world["prefix"] + "-backup-job-alerts"
    # The refused run's rule would have a name of its own: the run after it in the same play cannot hide it.
    refused_vars = dict(role_vars, backup_alerts_environment="qa", backup_alerts_sns_topic_arn=closed)
    refused_rule = "%s-qa-backup-job-alerts" % OTHER["project"]
    refusal = tmp_path / "refusal.json"

    def rules():
        return [rule["Name"] for rule in events.list_rules()["Rules"]]

    # A topic without a policy for EventBridge is refused (rescued, so that the play goes on), then the rule is made.
    rc, out = run_alerts(emu, tmp_path, "first", [
        {"name": "A topic EventBridge may not publish to", "block": [alerts(refused_vars)], "rescue": [
            {"name": "Save the refusal", "save_results": {
                "content": "{{ {'task': ansible_failed_task.name, 'result': ansible_failed_result} | to_json }}", "dest": str(refusal)}}]},
        alerts(role_vars),
    ])
    assert rc == 0, out[-3000:]
    refused = json.loads(refusal.read_text(encoding="utf-8"))
    assert refused["task"] == "Check that EventBridge may publish to the topic" and refused["result"]["failed"] is True, refused
    assert "events.amazonaws.com" in refused["result"]["msg"] and "sns:Publish" in refused["result"]["msg"], refused
    assert closed in refused["result"]["msg"]
    assert refused_rule not in rules()

    assert changed_count(out) >= 1
    rule = events.describe_rule(Name=rule_name)
    assert rule["State"] == "ENABLED"
    pattern = json.loads(rule["EventPattern"])
    assert pattern["source"] == ["aws.backup"]
    assert sorted(pattern["detail-type"]) == ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"]
    assert pattern["detail"]["$or"] == [{"state": ["FAILED", "ABORTED", "EXPIRED"]}, {"status": ["FAILED", "ABORTED", "EXPIRED"]}]
    targets = events.list_targets_by_rule(Rule=rule_name)["Targets"]
    assert [(target["Id"], target["Arn"]) for target in targets] == [("monitoring-sns", topic)]

    # ansible-playbook --check: state=absent (run for real) removes the rule; the same rule asked for again in check
    # mode is not created.
    rc, out = run_alerts(emu, tmp_path, "absent-then-check", [
        alerts(dict(role_vars, backup_alerts_state="absent"), apply={"check_mode": False}),
        alerts(role_vars),
    ], check=True)
    assert rc == 0, out[-3000:]
    assert "%s (present): " % rule_name in out, "the check-mode run must show the rule it would write:\n" + out[-3000:]
    assert rule_name not in rules(), "state=absent must remove the rule, and check mode must not create it"
