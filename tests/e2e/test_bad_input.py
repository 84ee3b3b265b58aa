# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input to every module fails before anything changes, naming the option and its value.

One ansible-playbook run holds one task per (module, option, bad value), each with ignore_errors; the emulator's
request counters, reset before the run, must show no mutating operation at all (anything but Describe, Get, List and
Head). Each case is then asserted on its own: the task failed, and its message names the option and the value."""

import pytest

from emulator.testing import newest_completed
from tests.e2e.helpers import run_playbook

PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}
ACCOUNT = "123456789012"
UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
FUTURE = "2999-01-01T00:00:00Z"
PAST = "2026-01-01T00:00:00Z"
READS = ("Describe", "Get", "List", "Head")

# (case id, module, options, the option named, the value named). Options may hold "{world key}" placeholders.
CASES = [
    # restore_job
    ("restore_job-role-not-a-role-arn", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r1", "iam_role_arn": "foo"},
     "iam_role_arn", "'foo'"),
    ("restore_job-role-of-another-account", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r2", "iam_role_arn": "arn:aws:iam::999999999999:role/backup"},
     "iam_role_arn", "999999999999"),
    ("restore_job-role-of-another-service", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r3", "iam_role_arn": "arn:aws:s3:::backup-role"},
     "iam_role_arn", "arn:aws:s3:::backup-role"),
    ("restore_job-malformed-kms-key-in-metadata", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r4", "metadata": {"KMSKey": "arn:aws:kms:us-east-1:%s:key/not-a-key" % ACCOUNT}},
     "metadata.KMSKey", "key/not-a-key"),
    ("restore_job-kms-key-of-another-region", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r5", "metadata": {"KMSKey": "arn:aws:kms:us-west-2:%s:key/%s" % (ACCOUNT, UUID)}},
     "metadata.KMSKey", "us-west-2"),
    ("restore_job-same-target-twice", "restore_job",
     {"restores": [{"recovery_point_arn": "{s3_point}", "target_name": "bad-input-same"},
                   {"recovery_point_arn": "{s3_point_12}", "target_name": "bad-input-same"}]},
     "restores[1].target_name", "'bad-input-same'"),
    ("restore_job-same-target-by-metadata", "restore_job",
     {"restores": [{"recovery_point_arn": "{s3_point}", "target_name": "bad-input-same2"},
                   {"recovery_point_arn": "{s3_point_12}", "metadata": {"DestinationBucketName": "bad-input-same2"}}]},
     "restores[1].metadata.DestinationBucketName", "'bad-input-same2'"),
    ("restore_job-db-class-not-a-class", "restore_job",
     {"recovery_point_arn": "{rds_point}", "target_name": "bad-input-db", "metadata": {"DBInstanceClass": "t3.micro"}},
     "metadata.DBInstanceClass", "'t3.micro'"),
    ("restore_job-security-group-not-an-id", "restore_job",
     {"recovery_point_arn": "{rds_point}", "target_name": "bad-input-db", "metadata": {"VpcSecurityGroupIds": "default"}},
     "metadata.VpcSecurityGroupIds[0]", "'default'"),
    ("restore_job-point-of-another-region", "restore_job",
     {"recovery_point_arn": "arn:aws:backup:us-west-2:%s:recovery-point:abc" % ACCOUNT, "target_name": "bad-input-r6"},
     "recovery_point_arn", "us-west-2"),
    ("restore_job-vault-with-spaces", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r7", "backup_vault_name": "my vault"}, "backup_vault_name", "'my vault'"),
    ("restore_job-adopt-window-zero", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r8", "adopt_window_hours": 0},
     "adopt_window_hours", "0"),
    ("restore_job-poll-interval-negative", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r9", "poll_interval": -5},
     "poll_interval", "-5"),
    ("restore_job-wait-timeout-too-large", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "bad-input-r10", "wait_timeout": 99999999}, "wait_timeout", "99999999"),
    ("restore_job-target-with-capitals", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "Bad_Input"}, "target_name", "'Bad_Input'"),
    ("restore_job-job-ids-twice", "restore_job", {"restore_job_ids": ["a-job", "a-job"]}, "restore_job_ids", "a-job"),
    ("restore_job-point-not-a-point", "restore_job", {"recovery_point_arn": "arn:aws:s3:::not-a-point", "target_name": "x-restore"},
     "recovery_point_arn='arn:aws:s3:::not-a-point'", "not-a-point"),
    ("restore_job-unknown-vault", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "x-restore", "backup_vault_name": "no-such-vault"},
     "backup_vault_name='no-such-vault'", "no-such-vault"),
    ("restore_job-type-contradicts-the-point", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "x-restore", "resource_type": "RDS"}, "resource_type='RDS'", "RDS"),
    ("restore_job-wait-timeout-zero", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "x-restore", "wait_timeout": 0},
     "wait_timeout=0", "0"),
    ("restore_job-new-bucket-not-a-boolean", "restore_job",
     {"recovery_point_arn": "{s3_point}", "target_name": "x-restore", "metadata": {"NewBucket": "perhaps"}}, "NewBucket", "'perhaps'"),
    ("restore_job-target-not-a-bucket-name", "restore_job", {"recovery_point_arn": "{s3_point}", "target_name": "Not_A_Bucket"},
     "not a valid bucket name", "'Not_A_Bucket'"),
    # rds_point_in_time_restore
    ("pitr-restore-time-in-the-future", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "restore_time": FUTURE},
     "restore_time", FUTURE),
    ("pitr-restore-time-before-the-window", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "restore_time": "2000-01-01T00:00:00Z"},
     "restore_time", "2000-01-01T00:00:00Z"),
    ("pitr-restore-time-unparseable", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "restore_time": "last tuesday"},
     "restore_time", "last tuesday"),
    ("pitr-target-with-underscores", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad_input_pitr"}, "target_db_instance_identifier", "bad_input_pitr"),
    ("pitr-instance-class", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "db_instance_class": "large"},
     "db_instance_class", "'large'"),
    ("pitr-security-group", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "vpc_security_group_ids": ["sg-x"]},
     "vpc_security_group_ids[0]", "'sg-x'"),
    ("pitr-reserved-tag", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "tags": {"aws:owner": "me"}},
     "tags", "aws:owner"),
    ("pitr-wait-timeout-zero", "rds_point_in_time_restore",
     {"source_db_instance_identifier": "{db}", "target_db_instance_identifier": "bad-input-pitr", "wait_timeout": 0}, "wait_timeout", "0"),
    # rds_restore_info
    ("rds-info-source-with-underscores", "rds_restore_info", {"source_db_instance_identifier": "app_prod_db"},
     "source_db_instance_identifier", "app_prod_db"),
    ("rds-info-time-without-vault", "rds_restore_info",
     {"source_db_instance_identifier": "{db}", "select": "at_or_before", "point_in_time": PAST}, "point_in_time", PAST),
    ("rds-info-time-in-the-future", "rds_restore_info",
     {"source_db_instance_identifier": "{db}", "backup_vault_name": "{vault}", "select": "at_or_before", "point_in_time": FUTURE},
     "point_in_time", FUTURE),
    # restore_testing_plan
    ("testing-plan-start-window-zero", "restore_testing_plan",
     {"name": "bad_input_plan", "schedule_expression": "cron(0 8 ? * SUN *)", "start_window_hours": 0}, "start_window_hours", "0"),
    ("testing-plan-start-window-too-long", "restore_testing_plan",
     {"name": "bad_input_plan", "schedule_expression": "cron(0 8 ? * SUN *)", "start_window_hours": 169}, "start_window_hours", "169"),
    ("testing-plan-vault-of-another-region", "restore_testing_plan",
     {"name": "bad_input_plan", "schedule_expression": "cron(0 8 ? * SUN *)",
      "recovery_point_selection": {"include_vaults": ["arn:aws:backup:us-west-2:%s:backup-vault:dr-vault" % ACCOUNT]}},
     "recovery_point_selection.include_vaults[0]", "us-west-2"),
    ("testing-plan-role-not-a-role", "restore_testing_plan",
     {"name": "bad_input_plan", "schedule_expression": "cron(0 8 ? * SUN *)",
      "selections": [{"name": "s3", "protected_resource_type": "S3", "iam_role_arn": "arn:aws:iam::%s:user/me" % ACCOUNT,
                      "protected_resource_arns": ["*"]}]},
     "selections[s3].iam_role_arn", "user/me"),
    ("testing-plan-time-zone", "restore_testing_plan",
     {"name": "bad_input_plan", "schedule_expression": "cron(0 8 ? * SUN *)", "schedule_expression_timezone": "Mars/Olympus"},
     "schedule_expression_timezone", "'Mars/Olympus'"),
    # restore_testing_job_info, restore_validation_result
    ("testing-jobs-plan-name", "restore_testing_job_info", {"restore_testing_plan": "bad-plan"}, "restore_testing_plan", "'bad-plan'"),
    ("testing-jobs-after-in-the-future", "restore_testing_job_info", {"restore_testing_plan": "some_plan", "created_after": FUTURE},
     "created_after", FUTURE),
    ("testing-jobs-delay-zero", "restore_testing_job_info", {"restore_testing_plan": "some_plan", "wait_delay": 0}, "wait_delay", "0"),
    ("validation-result-blank-job", "restore_validation_result", {"restore_job_id": "  ", "validation_status": "SUCCESSFUL"},
     "restore_job_id", "'  '"),
    # run_lock
    ("lock-name-with-spaces", "run_lock", {"name": "/restorekit/locks/my lock!", "run_id": "r1", "holder": "me"},
     "name", "'/restorekit/locks/my lock!'"),
    ("lock-name-reserved", "run_lock", {"name": "/aws/locks/db", "run_id": "r1", "holder": "me"}, "name", "'/aws/locks/db'"),
    ("lock-empty-holder", "run_lock", {"name": "/restorekit/locks/db", "run_id": "r1", "holder": ""}, "holder", "''"),
    ("lock-break-on-release", "run_lock", {"name": "/restorekit/locks/db", "run_id": "r1", "state": "absent", "break_run_id": "r0"},
     "break_run_id", "'r0'"),
    # s3_selective_copy
    ("copy-kms-key-malformed", "s3_selective_copy",
     {"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": PAST, "encryption": "kms", "kms_key_id": "not-a-key"},
     "kms_key_id", "'not-a-key'"),
    ("copy-kms-key-of-another-region", "s3_selective_copy",
     {"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": PAST, "encryption": "kms",
      "kms_key_id": "arn:aws:kms:eu-west-1:%s:key/%s" % (ACCOUNT, UUID)},
     "kms_key_id", "eu-west-1"),
    ("copy-glob-unclosed", "s3_selective_copy",
     {"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": PAST, "include_globs": ["[abc"]},
     "include_globs[0]", "'[abc'"),
    ("copy-source-with-capitals", "s3_selective_copy",
     {"source_bucket": "Tenant_12_Restore", "dest_bucket": "{bucket}", "recovery_point_time": PAST}, "source_bucket", "'Tenant_12_Restore'"),
    ("copy-recovery-point-in-the-future", "s3_selective_copy",
     {"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": FUTURE}, "recovery_point_time", FUTURE),
    ("copy-same-destination-twice", "s3_selective_copy",
     {"copies": [{"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": PAST},
                 {"source_bucket": "{staging_12}", "dest_bucket": "{bucket}", "recovery_point_time": PAST}]},
     "copies[].dest_bucket", "{bucket}"),
    ("copy-prefixes-twice", "s3_selective_copy",
     {"source_bucket": "{staging}", "dest_bucket": "{bucket}", "recovery_point_time": PAST, "prefixes": ["docs/", "docs/"]},
     "prefixes", "docs/"),
    # s3_staging_bucket, s3_point_in_time
    ("staging-bucket-with-capitals", "s3_staging_bucket",
     {"buckets": [{"production_bucket": "{bucket}", "staging_bucket": "Tenant_12_Restore"}], "secure": True},
     "buckets[0].staging_bucket", "'Tenant_12_Restore'"),
    ("staging-same-bucket-for-both", "s3_staging_bucket", {"buckets": [{"production_bucket": "x-1", "staging_bucket": "x-1"}]},
     "buckets[0]", "both 'x-1'"),
    ("staging-concurrency-zero", "s3_staging_bucket",
     {"buckets": [{"production_bucket": "{bucket}", "staging_bucket": "{staging}"}], "concurrency": 0}, "concurrency", "0"),
    ("pit-bucket-with-underscores", "s3_point_in_time", {"bucket": "tenant_12", "point_in_time": PAST}, "bucket", "'tenant_12'"),
    ("pit-glob-unclosed", "s3_point_in_time", {"bucket": "{bucket}", "point_in_time": PAST, "exclude_globs": ["logs/[0-9"]},
     "exclude_globs[0]", "'logs/[0-9'"),
    ("pit-time-in-the-future", "s3_point_in_time", {"bucket": "{bucket}", "point_in_time": FUTURE}, "point_in_time",
     "'%s' is in the future" % FUTURE),
    # restore_preflight_info
    ("preflight-rds-target-with-underscores", "restore_preflight_info", {"targets": [{"type": "rds", "name": "app_prod_db_restore"}]},
     "targets[0].name", "'app_prod_db_restore'"),
    ("preflight-bucket-with-spaces", "restore_preflight_info", {"bucket_names": ["tenant 12 restore"]}, "bucket_names[0]", "'tenant 12 restore'"),
    ("preflight-pass-role-is-a-user", "restore_preflight_info", {"pass_role_arn": "arn:aws:iam::%s:user/me" % ACCOUNT},
     "pass_role_arn", "user/me"),
    ("preflight-key-of-another-region", "restore_preflight_info",
     {"responder_resources": {"kms_key_arn": "arn:aws:kms:eu-west-1:%s:key/%s" % (ACCOUNT, UUID)}},
     "responder_resources.kms_key_arn", "eu-west-1"),
    ("preflight-vault-name", "restore_preflight_info", {"backup_vault_name": "vault/../other"}, "backup_vault_name", "'vault/../other'"),
    # recovery_point_info
    ("points-tenant-with-slash", "recovery_point_info", dict(PROJECT, tenant_id="1/2"), "tenant_id", "'1/2'"),
    ("points-tenant-dot-dot", "recovery_point_info", dict(PROJECT, tenant_id=".."), "tenant_id", "'..'"),
    ("points-tenant-with-capitals", "recovery_point_info", dict(PROJECT, tenant_id="Tenant1"), "tenant_id", "'Tenant1'"),
    ("points-created-after-in-the-future", "recovery_point_info", dict(PROJECT, tenant_id="1", created_after=FUTURE), "created_after", FUTURE),
    ("points-time-without-at-or-before", "recovery_point_info", dict(PROJECT, tenant_id="1", select="latest", point_in_time=PAST),
     "point_in_time", PAST),
    ("points-statuses-twice", "recovery_point_info", dict(PROJECT, statuses=["COMPLETED", "COMPLETED"]), "statuses", "COMPLETED"),
    ("points-resource-arn-malformed", "recovery_point_info", dict(PROJECT, resource_arn="s3:::bucket"), "resource_arn", "'s3:::bucket'"),
    # restore_drill_record
    ("drill-record-bucket-empty", "restore_drill_record", {"state": "read", "drill_id": "d1", "record_bucket": ""}, "record_bucket", "''"),
    ("drill-record-bucket-with-spaces", "restore_drill_record", {"state": "read", "drill_id": "d1", "record_bucket": "drill records"},
     "record_bucket", "'drill records'"),
    ("drill-lease-zero", "restore_drill_record", {"state": "open", "drill_id": "bad-input-d1", "record_bucket": "{bucket}", "lease_seconds": 0},
     "lease_seconds", "0"),
    ("drill-outcome-on-open", "restore_drill_record",
     {"state": "open", "drill_id": "bad-input-d2", "record_bucket": "{bucket}", "outcome": "failed"}, "outcome", "'failed'"),
    # backup_job_info
    ("jobs-vault-with-spaces", "backup_job_info", {"backup_vault_name": "my vault"}, "backup_vault_name", "'my vault'"),
    ("jobs-rpo-zero", "backup_job_info", {"rpo_hours": 0}, "rpo_hours", "0"),
    ("jobs-since-in-the-future", "backup_job_info", {"since": FUTURE}, "since", FUTURE),
    # mysql_integrity (no AWS call at all)
    ("mysql-port-zero", "mysql_integrity", {"login_host": "127.0.0.1", "login_user": "admin", "login_port": 0}, "login_port", "0"),
    ("mysql-host-with-spaces", "mysql_integrity", {"login_host": "db host", "login_user": "admin"}, "login_host", "'db host'"),
    ("mysql-recovery-point-in-the-future", "mysql_integrity",
     {"login_host": "127.0.0.1", "login_user": "admin", "recovery_point_time": FUTURE}, "recovery_point_time", FUTURE),
    # ec2_instance_status_info
    ("ec2-status-not-an-instance-id", "ec2_instance_status_info", {"instance_ids": ["web-1"]}, "instance_ids", "'web-1'"),
]


def fill(value, names):
    """VALUE with its "{world key}" placeholders replaced."""
    if isinstance(value, str):
        return names[value[1:-1]] if value.startswith("{") and value.endswith("}") and value[1:-1] in names else value
    if isinstance(value, list):
        return [fill(item, names) for item in value]
    if isinstance(value, dict):
        return {key: fill(item, names) for key, item in value.items()}
    return value


@pytest.fixture(scope="module", name="ran")
def ran_fixture(emulator, world, tmp_path_factory):
    """Every case as one task of one play; the results by case, and the operations the emulator served meanwhile."""
    backup = emulator.client("backup")
    names = {
        "s3_point": newest_completed(backup, world["vault"], "arn:aws:s3:::%s" % world["buckets"]["1"])["RecoveryPointArn"],
        "s3_point_12": newest_completed(backup, world["vault"], "arn:aws:s3:::%s" % world["buckets"]["12"])["RecoveryPointArn"],
        "rds_point": newest_completed(backup, world["vault"], world["db"]["arn"])["RecoveryPointArn"],
        "db": world["db"]["identifier"], "vault": world["vault"], "bucket": world["buckets"]["12"],
        "staging": world["buckets"]["12"] + "-restore", "staging_12": world["buckets"]["1"] + "-restore",
    }
    # restore_job derives its vault and role from the runbook's names.
    tasks = [{"name": case, "restorekit.aws.%s" % module: fill(dict(PROJECT, **options) if module == "restore_job" else options, names),
              "register": "r%d" % index, "ignore_errors": True}
             for index, (case, module, options, _option, _value) in enumerate(CASES)]
    emulator.control("counters", method="DELETE")
    out = run_playbook(emulator, tmp_path_factory.mktemp("bad_input"), tasks, ["r%d" % index for index in range(len(CASES))])
    served = emulator.control("counters")["requests"]
    operations = sorted("%s:%s" % (service, operation) for service, ops in served.items() for operation in ops)
    results = {case: out["r%d" % index] for index, (case, _m, _o, _n, _v) in enumerate(CASES)}
    return {"results": results, "operations": operations, "names": names}


def test_no_bad_input_reaches_a_mutating_call(ran):
    """Across every case of every module, the emulator served reads at most."""
    mutating = [op for op in ran["operations"] if not op.split(":", 1)[1].startswith(READS)]
    assert mutating == [], "bad input reached a mutating call: %s" % mutating


@pytest.mark.parametrize("case, module, options, option, value", CASES, ids=[case[0] for case in CASES])
def test_bad_input_fails_naming_the_option_and_value(ran, case, module, options, option, value):
    result = ran["results"][case]
    value = fill(value, ran["names"])
    assert result.get("failed") is True, "%s with %s did not fail: %s" % (module, options, result)
    assert option in result["msg"], result["msg"]
    assert value in result["msg"], result["msg"]
