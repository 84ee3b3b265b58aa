# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's input check, without Ansible running it: the issue's known cases of bad input fail naming the option
and the value, and the values the playbooks pass are accepted.

The parameters are what Ansible hands a module: the options given, with the defaults of the module's DOCUMENTATION
(which validate-modules keeps equal to its argument spec)."""

from __future__ import annotations

import datetime
import importlib

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _lock
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing as rt
from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity as mi
from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rr
from ansible_collections.restorekit.aws.plugins.modules import backup_job_info
from ansible_collections.restorekit.aws.plugins.modules import rds_point_in_time_restore
from ansible_collections.restorekit.aws.plugins.modules import rds_restore_info
from ansible_collections.restorekit.aws.plugins.modules import restore_drill_record
from ansible_collections.restorekit.aws.plugins.modules import restore_job
from ansible_collections.restorekit.aws.plugins.modules import restore_preflight_info
from ansible_collections.restorekit.aws.plugins.modules import restore_testing_job_info
from ansible_collections.restorekit.aws.plugins.modules import restore_testing_plan
from ansible_collections.restorekit.aws.plugins.modules import run_lock
from ansible_collections.restorekit.aws.plugins.modules import s3_point_in_time
from ansible_collections.restorekit.aws.plugins.modules import s3_selective_copy
from ansible_collections.restorekit.aws.plugins.modules import s3_staging_bucket

UTC = datetime.timezone.utc
ACCOUNT = "123456789012"
UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
ROLE = "arn:aws:iam::%s:role/multi-tenant-app-prod-backup-role" % ACCOUNT
S3_POINT = "arn:aws:backup:us-east-1:%s:recovery-point:0A1B2C3D" % ACCOUNT
RDS_POINT = "arn:aws:rds:us-east-1:%s:snapshot:awsbackup:job-1" % ACCOUNT
PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}


def _spec(options):
    spec = {}
    for name, option in options.items():
        entry = {key: option[key] for key in ("type", "default", "elements", "choices", "required", "aliases") if key in option}
        if "suboptions" in option:
            entry["options"] = _spec(option["suboptions"])
        spec[name] = entry
    return spec


def documented_options(module):
    """MODULE's options as ansible-doc shows them: its own, and those of this collection's doc fragments it extends."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    options = {}
    for fragment in doc.get("extends_documentation_fragment") or []:
        if fragment.startswith("restorekit.aws."):
            name, _dot, section = fragment[len("restorekit.aws."):].partition(".")
            source = importlib.import_module("ansible_collections.restorekit.aws.plugins.doc_fragments." + name)
            options.update(yaml.safe_load(getattr(source.ModuleDocFragment, section.upper() or "DOCUMENTATION")).get("options") or {})
    options.update(doc["options"])
    return options


def params(module, **given):
    """The parameters Ansible would hand MODULE for the options GIVEN."""
    result = ArgumentSpecValidator(_spec(documented_options(module))).validate(given)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def refused(check, *args, **kwargs):
    with pytest.raises((inputs.InputError, rm.MetadataError, rt.RestoreTestingError, rr.RdsRestoreError, mi.IntegrityError,
                        _lock.LockError)) as caught:
        check(*args, **kwargs)
    return str(caught.value)


# ------------------------------------------------------------------------------------------ restore_job
def restore_params(**given):
    return params(restore_job, **dict(PROJECT, **given))


def test_restore_job_accepts_what_the_playbooks_pass():
    restore_job.check_options(restore_params(recovery_point_arn=S3_POINT, target_name="multi-tenant-app-prod-tenant-12-restore",
                                             metadata={"NewBucket": True}, iam_role_arn=ROLE), "us-east-1")
    restore_job.check_options(restore_params(recovery_point_arn=RDS_POINT, target_name="multi-tenant-app-prod-db-restore",
                                             metadata={"SubnetGroupName": "multi-tenant-app-prod-db-subnet-group",
                                                       "VpcSecurityGroupIds": "sg-0123456789abcdef0", "DbInstanceClass": "db.t3.medium",
                                                       "KmsKeyId": "arn:aws:kms:us-east-1:%s:key/%s" % (ACCOUNT, UUID)}), "us-east-1")
    restore_job.check_options(restore_params(restore_job_ids=["a", "b"]), "us-east-1")


@pytest.mark.parametrize("given, named", [
    ({"recovery_point_arn": S3_POINT, "target_name": "t-restore", "iam_role_arn": "foo"}, "iam_role_arn='foo'"),
    ({"recovery_point_arn": RDS_POINT, "target_name": "db-restore", "metadata": {"KmsKeyId": "arn:aws:kms:us-east-1:%s:key/nope" % ACCOUNT}},
     "metadata.KmsKeyId='arn:aws:kms:us-east-1:%s:key/nope'" % ACCOUNT),
    ({"recovery_point_arn": S3_POINT, "target_name": "t-restore", "resource_type": "S3", "metadata": {"kmskey": "not-a-key"}},
     "metadata.KMSKey='not-a-key'"),
    ({"restores": [{"recovery_point_arn": S3_POINT, "target_name": "same-restore"},
                   {"recovery_point_arn": S3_POINT.replace("0A1B", "9F8E"), "target_name": "Same-Restore"}]},
     "restores[1].target_name='Same-Restore'"),
    ({"restores": [{"recovery_point_arn": S3_POINT, "target_name": "same-restore"},
                   {"recovery_point_arn": S3_POINT, "metadata": {"destinationBucketName": "same-restore"}}]},
     "restores[1].metadata.destinationBucketName='same-restore'"),
    ({"recovery_point_arn": S3_POINT, "target_name": "Not_A_Bucket"}, "target_name='Not_A_Bucket': is not a valid bucket name"),
    ({"recovery_point_arn": RDS_POINT, "target_name": "db_restore"}, "target_name='db_restore'"),
    ({"recovery_point_arn": S3_POINT.replace("us-east-1", "us-west-2"), "target_name": "t-restore"}, "recovery_point_arn="),
    ({"recovery_point_arn": S3_POINT, "target_name": "t-restore", "adopt_window_hours": 0}, "adopt_window_hours=0"),
    ({"recovery_point_arn": S3_POINT, "target_name": "t-restore", "wait_slice": 10.5}, "wait_slice=10.5"),
    ({"recovery_point_arn": S3_POINT, "target_name": "t-restore", "backup_vault_name": "a vault"}, "backup_vault_name='a vault'"),
    ({"restore_job_ids": ["a", "a"]}, "restore_job_ids=['a', 'a']"),
    ({"restore_job_id": " "}, "restore_job_id=' '"),
])
def test_restore_job_refuses_before_any_call(given, named):
    assert named in refused(restore_job.check_options, restore_params(**given), "us-east-1")


def test_restore_job_derived_names_must_be_valid():
    message = refused(restore_job.check_options, params(restore_job, project_name="my app", environment="prod",
                                                        recovery_point_arn=S3_POINT, target_name="t-restore"), "us-east-1")
    assert "project_name='my app'" in message and "environment='prod'" in message


def test_restore_metadata_values_name_the_key():
    assert "metadata.KMSKey='arn:aws:kms:eu-west-1" in refused(
        rm.check_values, "S3", {"KMSKey": "arn:aws:kms:eu-west-1:%s:key/%s" % (ACCOUNT, UUID)}, "us-east-1")
    assert "metadata.Port='80'" in refused(rm.check_values, "RDS", {"Port": 80})
    assert "metadata.AvailabilityZone='eu-west-1a'" in refused(rm.check_values, "RDS", {"AvailabilityZone": "eu-west-1a"}, "us-east-1")
    assert "metadata.SubnetId='subnet-x'" in refused(rm.check_values, "EC2", {"subnetid": "subnet-x"})
    assert "metadata.InstanceType='big'" in refused(rm.check_values, "EC2", {"InstanceType": "big"})
    assert rm.check_values("EC2", {"InstanceType": "t3.small", "SecurityGroupIds": ["sg-0123456789abcdef0"]})


# ------------------------------------------------------------------------------------------ RDS
def test_rds_point_in_time_restore_time_in_the_future_names_restore_time():
    given = params(rds_point_in_time_restore, target_db_instance_identifier="app-prod-db-restore",
                   source_db_instance_identifier="app-prod-db", restore_time="2999-01-01T00:00:00Z")
    assert "restore_time=2999-01-01T00:00:00Z is in the future" in refused(rr.point_in_time_request, given)


def test_rds_point_in_time_restore_time_outside_the_window_names_restore_time():
    moment = datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    window = (moment + datetime.timedelta(hours=1), moment + datetime.timedelta(days=2))
    message = refused(rr.check_window, {"RestoreTime": moment}, window, "2026-11-20T05:00:00Z")
    assert "restore_time=2026-11-20T05:00:00Z is outside the restorable window" in message and "before its earliest" in message
    rr.check_window({"RestoreTime": moment}, (moment, moment), "2026-11-20T05:00:00Z")
    rr.check_window({"UseLatestRestorableTime": True}, window, None)


@pytest.mark.parametrize("given, named", [
    ({"db_instance_class": "t3.micro"}, "db_instance_class='t3.micro'"),
    ({"vpc_security_group_ids": ["sg-0123456789abcdef0", "sg-0123456789abcdef0"]}, "vpc_security_group_ids="),
    ({"db_subnet_group_name": "default"}, "db_subnet_group_name='default'"),
    ({"tags": {"aws:x": "y"}}, "tags="),
    ({"poll_interval": 0}, "poll_interval=0"),
])
def test_rds_point_in_time_restore_options(given, named):
    base = {"target_db_instance_identifier": "app-prod-db-restore", "source_db_instance_identifier": "app-prod-db"}
    assert named in refused(rds_point_in_time_restore.check_options, params(rds_point_in_time_restore, **dict(base, **given)))


def test_rds_identifiers_refuse_double_and_trailing_hyphens():
    for bad in ("app--db", "app-db-", "app_db"):
        assert not rr.IDENTIFIER.match(bad)
    assert rr.IDENTIFIER.match("app-prod-db")


def test_rds_restore_info_options():
    ok = params(rds_restore_info, source_db_instance_identifier="app-prod-db", backup_vault_name="app-prod-backup-vault",
                select="at_or_before", point_in_time="2026-11-20T05:00:00Z")
    assert rds_restore_info.check_options(ok)["request"]["ByResourceType"] == "RDS"
    no_vault = params(rds_restore_info, source_db_instance_identifier="app-prod-db", select="at_or_before", point_in_time="-1h")
    assert "point_in_time='-1h'" in refused(rds_restore_info.check_options, no_vault)
    future = dict(ok, point_in_time="2999-01-01T00:00:00Z")
    with pytest.raises(Exception) as caught:
        rds_restore_info.check_options(future)
    assert "point_in_time='2999-01-01T00:00:00Z'" in str(caught.value.message)


# ------------------------------------------------------------------------------------------ restore testing
def plan_params(**given):
    return params(restore_testing_plan, **dict({"name": "app_prod_restore_testing", "schedule_expression": "cron(0 8 ? * SUN *)"}, **given))


@pytest.mark.parametrize("hours", [0, -1, 169])
def test_restore_testing_start_window_hours_in_aws_range(hours):
    assert "start_window_hours=%d" % hours in refused(rt.validate_params, plan_params(start_window_hours=hours), "us-east-1")


def test_restore_testing_plan_accepts_a_week_and_the_roles_selections():
    rt.validate_params(plan_params(
        start_window_hours=168, schedule_expression_timezone="Europe/Paris",
        recovery_point_selection={"include_vaults": ["arn:aws:backup:us-east-1:%s:backup-vault:vault-1" % ACCOUNT]},
        selections=[{"name": "s3", "protected_resource_type": "S3", "iam_role_arn": ROLE,
                     "protected_resource_arns": ["arn:aws:s3:::multi-tenant-app-prod-tenant-1"]},
                    {"name": "ec2", "protected_resource_type": "EC2", "iam_role_arn": ROLE, "protected_resource_arns": ["*"]}]),
        "us-east-1")


@pytest.mark.parametrize("given, named", [
    ({"schedule_expression_timezone": "Mars/Olympus"}, "schedule_expression_timezone='Mars/Olympus'"),
    ({"recovery_point_selection": {"include_vaults": ["arn:aws:backup:eu-west-1:%s:backup-vault:v" % ACCOUNT]}}, "include_vaults[0]="),
    ({"recovery_point_selection": {"include_vaults": ["*"], "exclude_vaults": ["*"]}}, "exclude_vaults=['*']"),
    ({"recovery_point_selection": {"recovery_point_types": ["SNAPSHOT", "SNAPSHOT"]}}, "recovery_point_types="),
    ({"selections": [{"name": "rds", "protected_resource_type": "RDS", "iam_role_arn": ROLE,
                      "protected_resource_arns": ["arn:aws:s3:::bucket"]}]}, "selections[rds].protected_resource_arns[0]="),
    ({"selections": [{"name": "rds", "protected_resource_type": "RDS", "iam_role_arn": ROLE, "protected_resource_arns": ["*"],
                      "restore_metadata_overrides": {"DBInstanceClass": "large"}}]}, "restore_metadata_overrides.DBInstanceClass='large'"),
    ({"selections": [{"name": "s3", "protected_resource_type": "S3", "iam_role_arn": ROLE,
                      "protected_resource_conditions": {"StringEquals": [{"Key": "Backup"}]}}]}, "protected_resource_conditions="),
])
def test_restore_testing_plan_refusals(given, named):
    assert named in refused(rt.validate_params, plan_params(**given), "us-east-1")


def test_restore_testing_job_info_options():
    now = datetime.datetime(2026, 11, 24, tzinfo=UTC)
    good = params(restore_testing_job_info, restore_testing_plan="app_prod_restore_testing", created_after="-2d")
    after, before = restore_testing_job_info.check_options(good, "us-east-1", now)
    assert after == now - datetime.timedelta(days=2) and before is None
    for given, named in (({"restore_testing_plan": "app-prod"}, "restore_testing_plan='app-prod'"),
                         ({"restore_testing_plan": "x", "created_after": "2027-01-01T00:00:00Z"}, "created_after="),
                         ({"restore_testing_plan": "x", "created_after": "-1d", "created_before": "-2d"}, "created_before='-2d'"),
                         ({"restore_testing_plan": "arn:aws:backup:eu-west-1:%s:restore-testing-plan:x" % ACCOUNT}, "restore_testing_plan=")):
        assert named in refused(restore_testing_job_info.check_options, params(restore_testing_job_info, **given), "us-east-1", now)


# ------------------------------------------------------------------------------------------ run_lock
def test_run_lock_refuses_a_name_ssm_refuses():
    given = params(run_lock, name="/restorekit/locks/my lock!", run_id="r1", holder="me")
    assert "name='/restorekit/locks/my lock!'" in refused(run_lock.check_options, given)
    run_lock.check_options(params(run_lock, name="/restorekit/locks/multi-tenant-app-prod-db", run_id="r1", holder="me"))


def test_run_lock_refuses_before_any_ssm_call():
    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError("SSM was called: %s" % name)

    record = _lock.make_record("me", "r1")
    assert "name='bad name'" in refused(_lock.acquire, NoCalls(), "bad name", record)
    assert "name='bad name'" in refused(_lock.release, NoCalls(), "bad name", "r1")


# ------------------------------------------------------------------------------------------ S3
def copy_params(**given):
    base = {"source_bucket": "app-prod-tenant-12-restore", "dest_bucket": "app-prod-tenant-12", "recovery_point_time": "2026-11-20T05:00:00Z"}
    return params(s3_selective_copy, **dict(base, **given))


@pytest.mark.parametrize("given, named", [
    ({"encryption": "kms", "kms_key_id": "not-a-key"}, "kms_key_id='not-a-key'"),
    ({"encryption": "kms", "kms_key_id": "arn:aws:kms:us-west-2:%s:key/%s" % (ACCOUNT, UUID)}, "kms_key_id="),
    ({"include_globs": ["[abc"]}, "include_globs[0]='[abc'"),
    ({"exclude_globs": ["*.tmp", "*.tmp"]}, "exclude_globs="),
    ({"source_bucket": "Tenant_12"}, "source_bucket='Tenant_12'"),
    ({"recovery_point_time": "2999-01-01T00:00:00Z"}, "recovery_point_time='2999-01-01T00:00:00Z'"),
    ({"modified_after": "2999-01-01T00:00:00Z"}, "modified_after='2999-01-01T00:00:00Z'"),
    ({"sample_size": -1}, "sample_size=-1"),
])
def test_s3_selective_copy_refusals(given, named):
    assert named in refused(s3_selective_copy.check_options, copy_params(**given), "us-east-1")


def test_s3_selective_copy_accepts_keys_and_entries():
    s3_selective_copy.check_options(copy_params(encryption="kms", kms_key_id="alias/tenant-data", include_globs=["[[]x", "*.csv"]), "us-east-1")
    copies = [{"source_bucket": "ten-a-restore", "dest_bucket": "ten-a"}, {"source_bucket": "ten-b-restore", "dest_bucket": "ten-a"}]
    given = params(s3_selective_copy, copies=copies)
    assert "copies[].dest_bucket=" in refused(s3_selective_copy.check_options, given, "us-east-1")
    copies[1]["dest_bucket"] = "ten-b"
    s3_selective_copy.check_options(params(s3_selective_copy, copies=copies), "us-east-1")


def test_s3_staging_bucket_names_are_checked_not_reported_missing():
    given = params(s3_staging_bucket, buckets=[{"production_bucket": "app-prod-tenant-12", "staging_bucket": "App_Prod_Tenant_12_Restore"}])
    message = refused(s3_staging_bucket.check_options, given)
    assert "buckets[0].staging_bucket='App_Prod_Tenant_12_Restore'" in message and "capital letters, underscores" in message
    twice = [{"production_bucket": "ten-a", "staging_bucket": "ten-a-restore"}, {"production_bucket": "ten-b", "staging_bucket": "ten-a-restore"}]
    assert "buckets[].staging_bucket" in refused(s3_staging_bucket.check_options, params(s3_staging_bucket, buckets=twice))


def test_s3_point_in_time_options():
    given = params(s3_point_in_time, bucket="app-prod-tenant-12", point_in_time="-1h", include_globs=["reports/[0-9"])
    assert "include_globs[0]='reports/[0-9'" in refused(s3_point_in_time.check_options, given)
    assert "bucket='tenant_12'" in refused(s3_point_in_time.check_options, params(s3_point_in_time, bucket="tenant_12", point_in_time="-1h"))


# ------------------------------------------------------------------------------------------ preflight, drill, jobs, MySQL
@pytest.mark.parametrize("given, named", [
    ({"targets": [{"type": "rds", "name": "app_prod_db_restore"}]}, "targets[0].name='app_prod_db_restore'"),
    ({"targets": [{"type": "s3", "name": "a-restore"}, {"type": "s3", "name": "a-restore"}]}, "targets="),
    ({"bucket_names": ["Bucket"]}, "bucket_names[0]='Bucket'"),
    ({"pass_role_arn": "arn:aws:iam::%s:user/me" % ACCOUNT}, "pass_role_arn="),
    ({"caller_arn": "arn:aws:s3:::me"}, "caller_arn="),
    ({"backup_role_policies": ["AWSBackupServiceRolePolicyForBackup"]}, "backup_role_policies[0]="),
    ({"responder_resources": {"vault_arn": "arn:aws:backup:eu-west-1:%s:backup-vault:v" % ACCOUNT}}, "responder_resources.vault_arn="),
    ({"responder_resources": {"db_instances": ["app_db"]}}, "responder_resources.db_instances[0]='app_db'"),
])
def test_restore_preflight_info_refusals(given, named):
    assert named in refused(restore_preflight_info.check_options, params(restore_preflight_info, **given), "us-east-1")


def test_restore_preflight_info_accepts_the_roles_values():
    restore_preflight_info.check_options(params(
        restore_preflight_info, backup_vault_name="multi-tenant-app-prod-backup-vault", backup_role_name="multi-tenant-app-prod-backup-role",
        backup_role_policies=["arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"],
        targets=[{"type": "rds", "name": "multi-tenant-app-prod-db-restore"}, {"type": "ec2", "name": "app restored"}],
        caller_arn="arn:aws:sts::%s:assumed-role/responder/alice" % ACCOUNT,
        responder_resources={"kms_key_arn": "arn:aws:kms:us-east-1:%s:key/%s" % (ACCOUNT, UUID)}), "us-east-1")


@pytest.mark.parametrize("given, named", [
    ({"record_bucket": ""}, "record_bucket=''"),
    ({"record_bucket": "Drill Records"}, "record_bucket='Drill Records'"),
    ({"lease_seconds": 0}, "lease_seconds=0"),
    ({"state": "open", "outcome": "failed"}, "outcome='failed'"),
    ({"state": "add", "target_name": "db_drill", "resource_type": "RDS"}, "target_name='db_drill'"),
    ({"state": "add", "target_name": "x", "resource_type": "EC2"}, "target_name='x'"),
    ({"state": "add", "recovery_point": {"arn": "x"}}, "recovery_point="),
    ({"state": "cleanup", "exclude_drill_ids": ["a", "a"]}, "exclude_drill_ids="),
])
def test_restore_drill_record_refusals(given, named):
    base = {"state": "read", "drill_id": "d1", "record_bucket": "multi-tenant-app-prod-drill-records"}
    assert named in refused(restore_drill_record.check_options, params(restore_drill_record, **dict(base, **given)))


def test_backup_job_info_options():
    backup_job_info.check_options(params(backup_job_info, backup_vault_name="v-1", rpo_hours=26))
    assert "rpo_hours=0.0" in refused(backup_job_info.check_options, params(backup_job_info, rpo_hours=0))
    assert "states=" in refused(backup_job_info.check_options, params(backup_job_info, states=["FAILED", "FAILED"]))


@pytest.mark.parametrize("given, named", [
    ({"login_port": 0}, "login_port=0"), ({"source_port": 70000}, "source_port=70000"), ({"login_host": "db host"}, "login_host='db host'"),
    ({"connect_timeout": 0}, "connect_timeout=0"), ({"databases": ["app", "app"], "login_db": None}, "databases="),
    ({"recovery_point_time": "2999-01-01T00:00:00Z"}, "recovery_point_time='2999-01-01T00:00:00Z'"),
    ({"source_host": None, "source_user": "ro", "mode": "inspect"}, "source_user='ro'"),
    ({"max_staleness_minutes": float("nan")}, "max_staleness_minutes=nan"),
])
def test_mysql_integrity_refusals(given, named):
    base = {"mode": "compare", "login_host": "restored.example", "login_port": 3306, "login_user": "admin", "login_db": "app",
            "source_host": "prod.example", "source_port": 3306, "connect_timeout": 10, "max_staleness_minutes": 60}
    assert named in refused(mi.build_request, dict(base, **given))
