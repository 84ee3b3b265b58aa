"""The input rules of the restore roles and playbooks (s3_restore, rds_restore, restore_drill), without Ansible: each
class of bad value that applies to a variable is refused, naming it and its value."""

from __future__ import annotations

import pytest

from tests.unit.plugins.module_utils.test_role_inputs import KEY, run

BAD = [
    ("validate_s3", "validate_s3_restores", [], "validate_s3_restores=[]: must list the restores"),
    ("validate_s3", "validate_s3_restores", [{"production_bucket": "a-b", "staging_bucket": "a-b"}], "are the same bucket"),
    ("validate_s3", "validate_s3_restores", [{"production_bucket": "Prod_1", "staging_bucket": "a-b"}],
     "validate_s3_restores[0].production_bucket='Prod_1'"),
    ("validate_s3", "validate_s3_restores", [{"staging_bucket": "a-b"}], "validate_s3_restores[0].production_bucket=None"),
    ("validate_s3", "validate_s3_restores", [{"production_bucket": "a-b", "staging_bucket": "a-b-r"}] * 2, "twice"),
    ("validate_s3", "validate_s3_restores", ["a-b"], "validate_s3_restores[0]='a-b': must be a record"),
    ("validate_s3", "validate_s3_critical_keys", ["k", "k"], "names 'k' twice"),
    ("validate_s3", "validate_s3_detail_sample", "-1", "validate_s3_detail_sample='-1'"),
    ("validate_s3", "validate_s3_parallelism", "0", "validate_s3_parallelism='0': must be between 1 and 256"),
    ("validate_s3", "validate_s3_parallelism", "many", "validate_s3_parallelism='many'"),
    ("validate_s3", "validate_s3_run_id", "a/b", "validate_s3_run_id='a/b'"),
    # (role, variable, bad value, what the message must say)
    ("s3_restore", "s3_restore_tenant_ids", ["Tenant_7"], "s3_restore_tenant_ids[0]='Tenant_7'"),
    ("s3_restore", "s3_restore_tenant_ids", ["1/2"], "s3_restore_tenant_ids[0]='1/2'"),
    ("s3_restore", "s3_restore_tenant_ids", ["1..2"], "s3_restore_tenant_ids[0]='1..2'"),
    ("s3_restore", "s3_restore_tenant_ids", ["t\u00e9"], "s3_restore_tenant_ids[0]='t\u00e9'"),
    ("s3_restore", "s3_restore_tenant_ids", ["a b"], "s3_restore_tenant_ids[0]='a b'"),
    ("s3_restore", "s3_restore_tenant_ids", ["12", "12"], "names '12' twice"),
    ("s3_restore", "s3_restore_tenant_ids", [], "s3_restore_tenant_ids=[]: names no tenant"),
    ("s3_restore", "s3_restore_tenant_ids", ["x" * 60], "is not valid"),
    ("s3_restore", "s3_restore_project_name", "", "s3_restore_project_name='': is empty"),
    ("s3_restore", "s3_restore_project_name", "My_App", "s3_restore_project_name='My_App'"),
    ("s3_restore", "s3_restore_backup_vault_name", "vault/1", "s3_restore_backup_vault_name='vault/1'"),
    ("s3_restore", "s3_restore_iam_role_arn", "foo", "s3_restore_iam_role_arn='foo': not an IAM role ARN"),
    ("s3_restore", "s3_restore_iam_role_arn", "arn:aws:s3:::role", "s3_restore_iam_role_arn='arn:aws:s3:::role'"),
    ("s3_restore", "s3_restore_target_time", "2999-01-01T00:00:00Z", "s3_restore_target_time='2999-01-01T00:00:00Z': is in the future"),
    ("s3_restore", "s3_restore_target_time", "yesterday", "s3_restore_target_time='yesterday': is not a time"),
    ("s3_restore", "s3_restore_items", ["a", "a"], "names 'a' twice"),
    ("s3_restore", "s3_restore_include_globs", ["[abc"], "s3_restore_include_globs[0]='[abc': has a '[' that is never closed"),
    ("s3_restore", "s3_restore_exclude_globs", ["*.tmp", "*.tmp"], "names '*.tmp' twice"),
    ("s3_restore", "s3_restore_parallelism", "0", "s3_restore_parallelism='0': must be between 1 and 256"),
    ("s3_restore", "s3_restore_parallelism", "five", "s3_restore_parallelism='five': must be a whole number"),
    ("s3_restore", "s3_restore_parallelism", 257, "s3_restore_parallelism=257"),
    ("s3_restore", "s3_restore_copy_concurrency", -1, "s3_restore_copy_concurrency=-1"),
    ("s3_restore", "s3_restore_bucket_concurrency", 65, "s3_restore_bucket_concurrency=65"),
    ("s3_restore", "s3_restore_wait_timeout", 0, "s3_restore_wait_timeout=0"),
    ("s3_restore", "s3_restore_poll_interval", "0", "s3_restore_poll_interval='0'"),
    ("s3_restore", "s3_restore_run_id", "run 1!", "s3_restore_run_id='run 1!'"),
    ("s3_restore", "s3_restore_run_id", "../x", "s3_restore_run_id='../x'"),
    ("restore_drill", "restorekit_project_name", "", "restorekit_project_name='': is empty"),
    ("restore_drill", "restore_drill_created_after", "last tuesday", "restore_drill_created_after='last tuesday': is not a time"),
    ("restore_drill", "restore_drill_created_after", "2999-01-01T00:00:00Z", "is in the future"),
    ("restore_drill", "restore_drill_resource_types", ["RDS", "DynamoDB"], "restore_drill_resource_types[1]='DynamoDB'"),
    ("restore_drill", "restore_drill_resource_types", ["S3", "S3"], "names 'S3' twice"),
    ("restore_drill", "restore_drill_resource_types", [], "names no resource type"),
    ("restore_drill", "restore_drill_record_bucket", "", "restore_drill_record_bucket=''"),
    ("restore_drill", "restore_drill_record_bucket", "Drill_Records", "restore_drill_record_bucket='Drill_Records'"),
    ("restore_drill", "restore_drill_record_prefix", "/drills", "restore_drill_record_prefix='/drills'"),
    ("restore_drill", "restore_drill_ec2_validate_retries", "0", "restore_drill_ec2_validate_retries='0'"),
    ("restore_drill", "restore_drill_ec2_validate_retries", "abc", "restore_drill_ec2_validate_retries='abc'"),
    ("restore_drill", "restore_drill_ec2_subnet_id", "subnet-xyz", "restore_drill_ec2_subnet_id='subnet-xyz'"),
    ("restore_drill", "restore_drill_ec2_security_group_ids", ["sg-0123456789abcdef0", "sg-0123456789abcdef0"], "twice"),
    ("restore_drill", "restore_drill_sns_topic_arn", "arn:aws:sqs:us-east-1:123456789012:q", "restore_drill_sns_topic_arn="),
    ("restore_drill", "restore_drill_stop_after", "finished", "restore_drill_stop_after='finished'"),
    ("restore_drill", "restore_drill_id", "Drill 1", "restore_drill_id='Drill 1'"),
    ("restore_drill", "restore_drill_mysql_max_staleness_minutes", -5, "restore_drill_mysql_max_staleness_minutes=-5"),
    ("restore_drill", "restore_drill_mysql_live_tables", [{"name": "orders", "tolerance_percent": 150}],
     "restore_drill_mysql_live_tables=[{'name': 'orders', 'tolerance_percent': 150}]"),
    ("restore_drill", "restore_drill_mysql_live_tables", "orders", "restore_drill_mysql_live_tables='orders'"),
    ("restore_drill", "restore_drill_mysql_smoke_queries", [{"name": "q", "sql": "SELECT 1"}], "restore_drill_mysql_smoke_queries="),
    ("restore_drill", "restore_drill_mysql_static_tables", ["plans", "plans"], "names 'plans' twice"),
    ("restore_drill", "restore_drill_db_password_secret", "db master", "restore_drill_db_password_secret='db master'"),
    ("validate_s3:settings", "validate_s3_parallelism", "0", "validate_s3_parallelism='0'"),
    ("validate_s3:settings", "validate_s3_critical_keys", ["a", "a"], "names 'a' twice"),
    ("rds_restore", "rds_restore_source_identifier", "my_db", "rds_restore_source_identifier='my_db'"),
    ("rds_restore", "rds_restore_target_identifier", "app-prod-db", "never the source"),
    ("rds_restore", "rds_restore_target_identifier", "APP-PROD-DB", "never the source"),
    ("rds_restore", "rds_restore_target_identifier", "1db", "rds_restore_target_identifier='1db'"),
    ("rds_restore", "rds_restore_target_identifier", "db--x", "rds_restore_target_identifier='db--x'"),
    ("rds_restore", "rds_restore_target_identifier", "db-", "rds_restore_target_identifier='db-'"),
    ("rds_restore", "rds_restore_target_identifier", "d" * 64, "rds_restore_target_identifier="),
    ("rds_restore", "rds_restore_target_time", "2026-11-24T10:30:00", "rds_restore_target_time='2026-11-24T10:30:00'"),
    ("rds_restore", "rds_restore_target_time", "2027-01-01T00:00:00Z", "is in the future"),
    ("rds_restore", "rds_restore_instance_class", "t3.medium", "rds_restore_instance_class='t3.medium'"),
    ("rds_restore", "rds_restore_backup_retention_period", 36, "rds_restore_backup_retention_period=36: must be between 0 and 35"),
    ("rds_restore", "rds_restore_backup_retention_period", "-1", "rds_restore_backup_retention_period='-1'"),
    ("rds_restore", "rds_restore_security_group_names", ["sg", "sg"], "names 'sg' twice"),
    ("rds_restore", "rds_restore_security_group_names", [""], "rds_restore_security_group_names[0]='': is empty"),
    ("rds_restore", "rds_restore_wait_timeout", "abc", "rds_restore_wait_timeout='abc'"),
]


@pytest.mark.parametrize("role, variable, value, message", BAD, ids=["%s-%s-%r" % (b[1], i, b[2])[:60] for i, b in enumerate(BAD)])
def test_bad_values_are_refused_naming_the_variable_and_value(role, variable, value, message):
    checked = run(role, **{variable: value})
    assert any(message in error for error in checked.errors), checked.errors
    assert checked.message(role).startswith("Bad input for %s, nothing was changed: " % role)


def test_a_drill_declaring_a_table_static_and_live_is_refused():
    checked = run("restore_drill", restore_drill_mysql_static_tables=["orders"],
                  restore_drill_mysql_live_tables=[{"name": "orders", "tolerance_rows": 5}])
    assert any("orders declared both static and live" in error for error in checked.errors), checked.errors


def test_settings_leave_out_what_the_restore_gives():
    """s3_restore.yml checks validate_s3's settings before the restore: the staging pairs are not known yet."""
    checked = run("validate_s3:settings", validate_s3_restores="not checked yet", validate_s3_run_id="")
    assert checked.errors == []


def test_contradictions_are_refused():
    removal = run("validate_s3", validate_s3_remove_staging="true", validate_s3_run_id="")
    assert any(e.startswith("validate_s3_run_id='': is empty, but validate_s3_remove_staging=true") for e in removal.errors), removal.errors
    # Every spelling the role's `| bool` reads as true, as -e and AWX surveys give it.
    for spelling in ("on", "Yes", "TRUE", "y", 1, True):
        removal = run("validate_s3", validate_s3_remove_staging=spelling, validate_s3_run_id="")
        assert any(e.startswith("validate_s3_run_id='': is empty") for e in removal.errors), (spelling, removal.errors)
    kms = run("s3_restore", s3_restore_encryption_type="SSE-KMS")
    assert "s3_restore_kms_key_arn='': is empty, but s3_restore_encryption_type=SSE-KMS needs a KMS key" in kms.errors
    copy = run("s3_restore", s3_restore_copy_encryption="kms")
    assert "s3_restore_copy_kms_key_id='': is empty, but s3_restore_copy_encryption=kms needs a KMS key" in copy.errors
    role = run("rds_restore", rds_restore_method="backup", rds_restore_iam_role_arn="")
    assert any(e.startswith("rds_restore_iam_role_arn=''") for e in role.errors)


def test_a_kms_key_of_another_region_or_not_a_key_is_refused():
    other = run("s3_restore", s3_restore_encryption_type="SSE-KMS", s3_restore_kms_key_arn=KEY.replace("us-east-1", "eu-west-1"))
    assert any("s3_restore_kms_key_arn=" in e and "region eu-west-1" in e for e in other.errors), other.errors
    bad = run("s3_restore", s3_restore_encryption_type="SSE-KMS", s3_restore_kms_key_arn="not-a-key")
    assert any(e.startswith("s3_restore_kms_key_arn='not-a-key': not a KMS key") for e in bad.errors), bad.errors
    assert run("s3_restore", s3_restore_encryption_type="SSE-KMS", s3_restore_kms_key_arn=KEY).errors == []


def test_a_dotted_tenant_is_accepted_with_a_warning_and_buckets_are_named():
    checked = run("s3_restore", s3_restore_tenant_ids=["1.2", "7"])
    assert checked.errors == []
    assert [t["staging_bucket"] for t in checked.derived["tenants"]] == ["app-prod-tenant-1.2-restore", "app-prod-tenant-7-restore"]
    assert len(checked.warnings) == 1 and "1.2" in checked.warnings[0]


def test_numbers_and_tenants_as_awx_and_dash_e_give_them():
    checked = run("s3_restore", s3_restore_parallelism="32", s3_restore_tenant_ids="1, 12", s3_restore_wait_timeout="600")
    assert checked.errors == []
    assert checked.values["s3_restore_parallelism"] == 32 and checked.values["s3_restore_wait_timeout"] == 600
    assert [t["id"] for t in checked.derived["tenants"]] == ["1", "12"]


def test_every_bad_variable_is_named_not_only_the_first():
    checked = run("rds_restore", rds_restore_source_identifier="my_db", rds_restore_backup_retention_period=99, rds_restore_poll_interval=0)
    assert len(checked.errors) == 3
