# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""backup_health_info's reads: one run gives the evaluation what the amazon.aws info modules gave it, and what is
missing (a plan, a vault AWS Backup will not describe, a key, selections) becomes a finding, never an error."""

from __future__ import annotations

import copy
import datetime

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health_gather
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health
from tests.unit.plugins.module_utils.test_backup_health_policy import ACCOUNT, DB_ARN, KEY_ARN, PLAN, ROLE, SETTINGS, VAULT

UTC = datetime.timezone.utc
NOW = datetime.datetime.now(UTC)
PLAN_ID = "plan-1"
BUCKET = "multi-tenant-app-prod-tenant-1"
INSTANCE = "i-0123456789abcdef0"


def error(code, operation):
    return ClientError({"Error": {"Code": code, "Message": "%s says no" % code}}, operation)


class Pages:
    def __init__(self, pages):
        self.pages = pages

    def __iter__(self):
        return iter(self.pages)

    def build_full_result(self):
        merged = {}
        for page in self.pages:
            for key, value in page.items():
                merged.setdefault(key, []).extend(value if isinstance(value, list) else [])
        return merged


class Client:
    """A client answering each operation from ANSWERS (a value, a ClientError to raise, or a function of the
    request); paginated list operations without an answer are empty. CALLS records (operation, request)."""

    def __init__(self, answers, calls):
        self.answers, self.calls = answers, calls

    def _answer(self, operation, request):
        self.calls.append((operation, request))
        answer = self.answers.get(operation)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else copy.deepcopy(answer if answer is not None else {})

    def get_paginator(self, operation):
        client = self

        class Paginator:
            def paginate(self, **request):
                return Pages([client._answer(operation, request)])

        return Paginator()

    def __getattr__(self, operation):
        return lambda **request: self._answer(operation, request)


def bucket_tagging(request):
    """The tenant bucket is tagged for backup; any other has no tag set, which S3 answers with NoSuchTagSet."""
    if request["Bucket"] != BUCKET:
        raise error("NoSuchTagSet", "GetBucketTagging")
    return {"TagSet": [{"Key": "Backup", "Value": "true"}]}


def world(**changes):
    """Answers of a world that follows the runbook's policy, by service; CHANGES replace some."""
    rules = [{"RuleName": "daily", "ScheduleExpression": "cron(0 5 * * ? *)", "ScheduleExpressionTimezone": "Etc/UTC",
              "TargetBackupVaultName": VAULT, "Lifecycle": {"DeleteAfterDays": 30},
              "CopyActions": [{"DestinationBackupVaultArn": "arn:aws:backup:eu-west-1:%s:backup-vault:dr" % ACCOUNT,
                               "Lifecycle": {"DeleteAfterDays": 90}}]},
             {"RuleName": "weekly", "ScheduleExpression": "cron(0 6 ? * SUN *)", "TargetBackupVaultName": VAULT,
              "Lifecycle": {"DeleteAfterDays": 365, "MoveToColdStorageAfterDays": 30}}]
    fresh = NOW - datetime.timedelta(hours=2)
    answers = {
        "sts": {"get_caller_identity": {"Account": ACCOUNT, "Arn": "arn:aws:sts::%s:assumed-role/oncall/jane" % ACCOUNT, "UserId": "AROA:jane"}},
        "backup": {
            "list_backup_plans": {"BackupPlansList": [{"BackupPlanName": "other", "BackupPlanId": "plan-0"},
                                                      {"BackupPlanName": PLAN, "BackupPlanId": PLAN_ID}]},
            "get_backup_plan": lambda request: {"BackupPlanId": request["BackupPlanId"], "ResponseMetadata": {},
                                                "BackupPlan": {"BackupPlanName": PLAN, "Rules": rules}},
            "list_backup_selections": {"BackupSelectionsList": [{"SelectionId": "sel-1", "SelectionName": "tagged"}]},
            "get_backup_selection": {"SelectionId": "sel-1", "BackupPlanId": PLAN_ID, "BackupSelection": {
                "SelectionName": "tagged", "IamRoleArn": ROLE,
                "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "Backup", "ConditionValue": "true"}]}},
            "describe_backup_vault": {"BackupVaultName": VAULT, "EncryptionKeyArn": KEY_ARN, "ResponseMetadata": {}},
            "list_protected_resources": {"Results": [{"ResourceArn": arn, "ResourceType": kind} for arn, kind in (
                (DB_ARN, "RDS"), ("arn:aws:s3:::%s" % BUCKET, "S3"), ("arn:aws:ec2:us-east-1:%s:instance/%s" % (ACCOUNT, INSTANCE), "EC2"))]},
            "list_recovery_points_by_resource": lambda request: {"RecoveryPoints": [
                {"RecoveryPointArn": "arn:aws:backup:us-east-1:%s:recovery-point:%s" % (ACCOUNT, request["ResourceArn"][-6:]),
                 "Status": "COMPLETED", "CreationDate": fresh, "BackupVaultName": VAULT}]},
        },
        "kms": {"describe_key": {"KeyMetadata": {"KeyId": "11111111", "Arn": KEY_ARN, "KeyManager": "CUSTOMER"}}},
        "rds": {"describe_db_instances": {"DBInstances": [
            {"DBInstanceIdentifier": "multi-tenant-app-prod-db", "DBInstanceArn": DB_ARN, "BackupRetentionPeriod": 7,
             "PreferredBackupWindow": "03:00-04:00", "TagList": [{"Key": "Backup", "Value": "true"}]}]}},
        "s3": {"list_buckets": {"Buckets": [{"Name": BUCKET}, {"Name": "untagged"}]},
               "get_bucket_tagging": bucket_tagging},
        "ec2": {"describe_instances": {"Reservations": [{"Instances": [
            {"InstanceId": INSTANCE, "Placement": {"AvailabilityZone": "us-east-1a"}, "State": {"Name": "running"},
             "Tags": [{"Key": "Backup", "Value": "true"}, {"Key": "Name", "Value": "app"}]}]}]}},
    }
    for service, operations in changes.items():
        answers[service].update(operations)
    return answers


def gather(answers, resource_types=("RDS", "S3", "EC2")):
    """Run the reads against ANSWERS; (gathered, calls by service)."""
    calls = {}

    def client(service):
        return Client(answers[service], calls.setdefault(service, []))

    query = jobs_health.build_query({"job_types": ["backup", "copy"], "since": "-24h", "until": None, "states": None,
                                     "resource_type": None, "backup_vault_name": None, "protected_resources": True,
                                     "legal_holds": True, "rpo_hours": 26})
    return health_gather.gather(client, query, PLAN, VAULT, list(resource_types), "Backup", "true"), calls


def operations(calls, service):
    return [operation for operation, _request in calls.get(service, [])]


def test_a_world_on_policy_reads_as_the_info_modules_gave_it_and_has_no_finding():
    gathered, calls = gather(world())

    assert gathered["caller"]["account"] == ACCOUNT
    backup_plan = gathered["plan"]["backup_plans"][0]
    assert backup_plan["backup_plan_id"] == PLAN_ID and backup_plan["backup_plan_name"] == PLAN
    assert [rule["rule_name"] for rule in backup_plan["backup_plan"]["rules"]] == ["daily", "weekly"]
    assert gathered["selections"]["backup_selections"][0]["iam_role_arn"] == ROLE
    assert gathered["vault"]["backup_vaults"][0]["encryption_key_arn"] == KEY_ARN
    assert gathered["key"]["kms_keys"][0]["key_manager"] == "CUSTOMER"
    assert gathered["s3"]["buckets"] == [{"name": BUCKET, "bucket_tagging": {"Backup": "true"}}, {"name": "untagged", "bucket_tagging": {}}]
    assert gathered["ec2"]["instances"][0]["placement"]["availability_zone"] == "us-east-1a"
    # The EC2 read asks for the tagged, live instances only.
    filters = calls["ec2"][0][1]["Filters"]
    assert {"Name": "tag:Backup", "Values": ["true"]} in filters and {"Name": "instance-state-name", "Values": health_gather.LIVE_INSTANCE_STATES} in filters
    assert "list_legal_holds" in operations(calls, "backup") and gathered["jobs"]["legal_holds"] == []

    result = health.evaluate(gathered, SETTINGS)
    assert result["findings"] == [], result["message"]
    assert len(result["resources"]) == 3


def test_a_vault_aws_backup_will_not_describe_is_a_finding_and_its_key_is_not_read():
    gathered, calls = gather(world(backup={"describe_backup_vault": error("AccessDeniedException", "DescribeBackupVault")}))

    assert gathered["vault"]["backup_vaults"] == [] and "AccessDeniedException" in gathered["vault"]["error"]
    assert gathered["key"] == {"kms_keys": []} and "kms" not in calls
    kinds = [finding["kind"] for finding in health.evaluate(gathered, SETTINGS)["findings"]]
    assert kinds == ["vault_missing"]


def test_an_unreadable_key_or_an_aws_managed_one_is_an_encryption_finding():
    gathered, _calls = gather(world(kms={"describe_key": error("AccessDeniedException", "DescribeKey")}))
    assert gathered["key"]["kms_keys"] == [] and gathered["key"]["error"]
    finding = health.evaluate(gathered, SETTINGS)["findings"][0]
    assert (finding["kind"], finding["actual"]) == ("vault_encryption", "key %s could not be read" % KEY_ARN)

    gathered, _calls = gather(world(kms={"describe_key": {"KeyMetadata": {"Arn": KEY_ARN, "KeyManager": "AWS"}}}))
    assert [f["kind"] for f in health.evaluate(gathered, SETTINGS)["findings"]] == ["vault_encryption"]


def test_no_plan_of_that_name_is_a_finding_and_no_selection_is_listed():
    gathered, calls = gather(world(backup={"list_backup_plans": {"BackupPlansList": [{"BackupPlanName": "other", "BackupPlanId": "plan-0"}]}}))

    assert gathered["plan"] == {"backup_plans": []} and gathered["selections"] == {"backup_selections": []}
    assert "get_backup_plan" not in operations(calls, "backup") and "list_backup_selections" not in operations(calls, "backup")
    assert [f["kind"] for f in health.evaluate(gathered, SETTINGS)["findings"]] == ["plan_missing"]


def test_selections_that_cannot_be_listed_are_a_finding_not_an_error():
    gathered, _calls = gather(world(backup={"list_backup_selections": error("AccessDeniedException", "ListBackupSelections")}))

    assert gathered["selections"]["backup_selections"] == [] and gathered["selections"]["error"]
    assert [f["kind"] for f in health.evaluate(gathered, SETTINGS)["findings"]] == ["selection_missing"]


def test_a_resource_type_left_out_is_not_read():
    gathered, calls = gather(world(), resource_types=["S3"])

    assert gathered["rds"] == {} and gathered["ec2"] == {} and "rds" not in calls and "ec2" not in calls
    assert [bucket["name"] for bucket in gathered["s3"]["buckets"]] == [BUCKET, "untagged"]


@pytest.mark.parametrize("service, operation, code", [
    ("sts", "get_caller_identity", "ExpiredToken"),
    ("backup", "list_backup_plans", "AccessDeniedException"),
    ("rds", "describe_db_instances", "AccessDenied"),
    ("s3", "list_buckets", "AccessDenied"),
])
def test_a_read_the_check_cannot_do_without_fails_naming_the_call(service, operation, code):
    with pytest.raises(AnsibleAWSError) as raised:
        gather(world(**{service: {operation: error(code, operation)}}))
    assert raised.value.message.startswith("Failed to ")
