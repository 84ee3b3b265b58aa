# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's input rules (_inputs): every refusal names the option and its value, every good value passes."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ACCOUNT = "123456789012"
UUID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY = "arn:aws:kms:us-east-1:%s:key/%s" % (ACCOUNT, UUID)
ROLE = "arn:aws:iam::%s:role/multi-tenant-app-prod-backup-role" % ACCOUNT


def refused(validator, value, option, *args, **kwargs):
    """The message of VALIDATOR's refusal, which must name OPTION and VALUE."""
    with pytest.raises(inputs.InputError) as caught:
        validator(value, option, *args, **kwargs)
    message = caught.value.message
    assert message.startswith("Bad option %s=%r: " % (option, value)), message
    assert caught.value.option == option and (caught.value.value is value or caught.value.value == value)
    return message


# ------------------------------------------------------------------------------------------ the message
def test_the_message_names_the_option_and_value():
    message = refused(inputs.iam_role_arn, "foo", "iam_role_arn")
    assert message == "Bad option iam_role_arn='foo': not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)"


def test_contradictions_name_every_option():
    with pytest.raises(inputs.InputError) as caught:
        inputs.contradiction([("break_run_id", "r0"), ("state", "absent")], "a lock is broken only to take it")
    assert caught.value.message == "Bad options break_run_id='r0' and state='absent': a lock is broken only to take it"


# ------------------------------------------------------------------------------------------ numbers, strings, lists
@pytest.mark.parametrize("value, expected", [(5, 5), ("5", 5), (" 7 ", 7), (3.0, 3), ("+2", 2)])
def test_integers_also_from_strings_as_extra_vars_and_surveys_pass_them(value, expected):
    assert inputs.integer(value, "retries", 1, 10) == expected


@pytest.mark.parametrize("value, reason", [
    ("five", "whole number"), ("5.5", "whole number"), (5.5, "whole number"), (True, "not a boolean"), (None, "whole number"),
    (0, "between 1 and 168"), (-1, "between 1 and 168"), (169, "between 1 and 168"), ("0", "between 1 and 168"),
])
def test_integers_refused(value, reason):
    assert reason in refused(inputs.integer, value, "start_window_hours", 1, 168)


@pytest.mark.parametrize("value", ["nan", "inf", float("nan"), float("-inf"), "x", True, None])
def test_numbers_must_be_finite(value):
    assert "finite number" in refused(inputs.number, value, "rpo_hours") or "boolean" in refused(inputs.number, value, "rpo_hours")


def test_numbers_in_range_and_exclusive_bound():
    assert inputs.number("2.5", "wait_slice", 0, 10) == 2.5
    assert "greater than 0" in refused(inputs.number, 0, "rpo_hours", above=0)
    assert "between 0 and 10" in refused(inputs.number, 11, "wait_slice", 0, 10)


@pytest.mark.parametrize("value", ["", "   ", None, 5])
def test_text_refuses_empty_and_non_strings(value):
    refused(inputs.text, value, "holder")


def test_text_length():
    assert "at most 3" in refused(inputs.text, "abcd", "name", 3)
    assert inputs.text(" x ", "name") == "x"


def test_lists_name_each_item_once():
    assert inputs.unique(["a", "b"], "prefixes") == ["a", "b"]
    assert "names 'a' twice (items 0 and 2)" in refused(inputs.unique, ["a", "b", "a"], "prefixes")
    assert "twice" in refused(inputs.unique, ["Bucket", "bucket"], "targets", key=str.lower)


def test_each_names_the_element():
    with pytest.raises(inputs.InputError) as caught:
        inputs.each(["sg-0123456789abcdef0", "sg-x"], "vpc_security_group_ids", inputs.ec2_id, "sg")
    assert caught.value.option == "vpc_security_group_ids[1]"


# ------------------------------------------------------------------------------------------ times
@pytest.mark.parametrize("text, expected", [
    ("2026-11-20T05:00:00Z", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T07:30:00+02:30", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T05:00:00.123456789+0000", datetime.datetime(2026, 11, 20, 5, 0, 0, 123456, tzinfo=UTC)),
    ("2026-11-20 05:00:00.5Z", datetime.datetime(2026, 11, 20, 5, 0, 0, 500000, tzinfo=UTC)),
    ("-2w", NOW - datetime.timedelta(weeks=2)),
    ("-30m", NOW - datetime.timedelta(minutes=30)),
    ("now", NOW),
    (datetime.datetime(2026, 11, 20, 6, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
     datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
])
def test_one_time_syntax_keeps_fractions(text, expected):
    assert inputs.parse_time(text, "point_in_time", NOW) == expected


@pytest.mark.parametrize("text", ["2026-11-20T05:00:00", "yesterday", "2026-13-01T00:00:00Z", "-2y", "", "2h"])
def test_unparseable_times_are_refused(text):
    refused(inputs.parse_time, text, "created_after", NOW)


def test_a_naive_datetime_is_refused():
    refused(inputs.parse_time, datetime.datetime(2026, 11, 20), "created_after", NOW)


def test_a_time_without_an_offset_is_named_as_such_and_taken_as_utc_only_where_asked():
    assert "has no UTC offset" in refused(inputs.parse_time, "2026-11-20T05:00:00", "created_after", NOW)
    # Times the collection or AWS wrote (a report read back, a MySQL DATETIME) are UTC.
    assert inputs.parse_time("2026-11-20 05:00:00.25", "started", NOW, naive_utc=True) == datetime.datetime(2026, 11, 20, 5, 0, 0, 250000, tzinfo=UTC)
    assert inputs.parse_time(datetime.datetime(2026, 11, 20), "started", NOW, naive_utc=True) == datetime.datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize("text", ["now", "-2h"])
def test_a_time_written_down_once_refuses_now_and_relative_times(text):
    assert "is not an ISO 8601 time" in refused(inputs.parse_time, text, "rds_restore_target_time", NOW, relative=False)
    assert inputs.parse_time("2026-11-20T05:00:00Z", "rds_restore_target_time", relative=False) == datetime.datetime(2026, 11, 20, 5, tzinfo=UTC)


def test_past_times_refuse_the_future_and_before_the_window():
    assert inputs.past_time("-1h", "restore_time", NOW) == NOW - datetime.timedelta(hours=1)
    assert "in the future" in refused(inputs.past_time, "2027-01-01T00:00:00Z", "restore_time", NOW)
    message = refused(inputs.past_time, "-3d", "restore_time", NOW, not_before=NOW - datetime.timedelta(days=1),
                      not_before_what="the earliest restorable time")
    assert "before the earliest restorable time" in message
    assert inputs.past_time(None, "restore_time", NOW) is None


def test_time_order():
    inputs.time_order(NOW - datetime.timedelta(days=1), "created_after", NOW, "created_before")
    with pytest.raises(inputs.InputError) as caught:
        inputs.time_order(NOW, "created_after", NOW - datetime.timedelta(days=1), "created_before", "now", "-1d")
    assert "created_after='now'" in caught.value.message and "created_before='-1d'" in caught.value.message


# ------------------------------------------------------------------------------------------ globs
@pytest.mark.parametrize("pattern", ["*.csv", "reports/day-0[1-9].csv", "[[]literal", "[]abc]", "[!]x]", "a]b", "?"])
def test_valid_globs(pattern):
    assert inputs.glob(pattern, "include_globs[0]") == pattern


@pytest.mark.parametrize("pattern", ["[abc", "logs/[0-9", "[!", "[]", "a[", ""])
def test_a_bracket_never_closed_is_refused_not_taken_literally(pattern):
    refused(inputs.glob, pattern, "include_globs[0]")


def test_globs_each_once():
    assert "twice" in refused(inputs.globs, ["*.csv", "*.csv"], "exclude_globs")


# ------------------------------------------------------------------------------------------ AWS names
@pytest.mark.parametrize("name", ["multi-tenant-app-prod-tenant-1", "abc", "a.b-c", "a" * 63, "logs.example.com"])
def test_valid_bucket_names(name):
    assert inputs.bucket_name(name, "bucket") == name


@pytest.mark.parametrize("name, reason", [
    ("Tenant_12_Restore", "capital letters, underscores"), ("my bucket", "spaces"), ("a/b", "'/'"), ("tenant-é", "non-ASCII"),
    ("ab", "3 to 63"), ("a" * 64, "3 to 63"), ("-abc", "begins and ends"), ("abc.", "begins and ends"), ("a..b", "'..'"),
    ("192.168.5.4", "IP address"), ("xn--abc", "'xn--'"), ("sthree-abc", "'sthree-'"), ("amzn-s3-demo-x", "'amzn-s3-demo-'"),
    ("abc-s3alias", "'-s3alias'"), ("abc--ol-s3", "'--ol-s3'"), ("abc.mrap", "'.mrap'"), ("abc--x-s3", "'--x-s3'"), ("", "empty"),
])
def test_bucket_names_by_aws_rules(name, reason):
    assert reason in refused(inputs.bucket_name, name, "staging_bucket")


@pytest.mark.parametrize("name, good", [
    ("multi-tenant-app-prod-backup-vault", True), ("vault_2", True), ("ab", True), ("a", False), ("my vault", False),
    ("vault/../x", False), ("v" * 51, False), ("vault.dr", False),
])
def test_backup_vault_names(name, good):
    if good:
        assert inputs.backup_vault_name(name, "backup_vault_name") == name
    else:
        refused(inputs.backup_vault_name, name, "backup_vault_name")


@pytest.mark.parametrize("name, good", [
    ("multi-tenant-app-prod-db", True), ("A1", True), ("a" * 63, True), ("app_prod_db", False), ("1db", False), ("a--b", False),
    ("db-", False), ("a" * 64, False), ("", False), ("db 1", False),
])
def test_rds_db_identifiers(name, good):
    if good:
        assert inputs.db_identifier(name, "target_db_instance_identifier") == name
    else:
        refused(inputs.db_identifier, name, "target_db_instance_identifier")


@pytest.mark.parametrize("name, good", [
    ("/restorekit/locks/multi-tenant-app-prod-db", True), ("lock_1.a-b", True), ("/restorekit/locks/my lock!", False),
    ("restorekit/locks/x", False), ("/restorekit//x", False), ("/restorekit/x/", False), ("/aws/x", False), ("SSM-lock", False),
    ("/" + "/".join(["l"] * 16), False), ("/" + "x" * 1011, False), ("/restorekit/ünï", False), ("", False),
])
def test_ssm_parameter_names(name, good):
    if good:
        assert inputs.ssm_parameter_name(name, "name") == name
    else:
        refused(inputs.ssm_parameter_name, name, "name")


def test_ec2_ids_instance_types_and_classes():
    assert inputs.ec2_id("sg-0123456789abcdef0", "group", "sg") and inputs.ec2_id("subnet-01234567", "subnet", "subnet")
    for value, prefix in (("sg-123", "sg"), ("subnet-0123456789abcdef0", "sg"), ("i-0123456789ABCDEF0", "i"), ("ami-", "ami")):
        refused(inputs.ec2_id, value, "id", prefix)
    assert inputs.instance_type("m5.2xlarge", "InstanceType") and inputs.instance_type("u-6tb1.metal", "InstanceType")
    refused(inputs.instance_type, "large", "InstanceType")
    assert inputs.db_instance_class("db.t3.medium", "db_instance_class")
    refused(inputs.db_instance_class, "t3.medium", "db_instance_class")


def test_role_and_profile_names_and_tags():
    assert inputs.iam_role_name("multi-tenant-app-prod-backup-role", "backup_role_name")
    refused(inputs.iam_role_name, "backup role", "backup_role_name")
    refused(inputs.iam_role_name, "r" * 65, "backup_role_name")
    assert inputs.iam_role_name("p" * 100, "profile", 128, "an instance profile name")
    assert inputs.tags({"restorekit:drill": "d1"}, "tags")
    assert "reserves" in refused(inputs.tags, {"aws:owner": "x"}, "tags")
    refused(inputs.tags, {"": "x"}, "tags")
    refused(inputs.tags, {"k": "v" * 257}, "tags")


# ------------------------------------------------------------------------------------------ tenants (defect 4)
def test_a_dotted_tenant_is_valid_with_a_warning():
    bucket, warnings = inputs.tenant_bucket_name("multi-tenant-app", "prod", "1.2")
    assert bucket == "multi-tenant-app-prod-tenant-1.2"
    assert len(warnings) == 1 and "tenant_id='1.2'" in warnings[0] and "dot" in warnings[0]


def test_plain_tenants_have_no_warning():
    assert inputs.tenant_bucket_name("multi-tenant-app", "prod", 12) == ("multi-tenant-app-prod-tenant-12", [])
    assert inputs.tenant_bucket_name("app", "prod", "12", suffix="-restore") == ("app-prod-tenant-12-restore", [])


@pytest.mark.parametrize("tenant, reason", [
    ("1..2", "'..'"), ("1.-2", "'.-'"), ("1-.2", "'-.'"), ("1/2", "'/'"), ("..", "'..'"), ("a b", "spaces"), ("Tenant1", "capital"),
    ("tenant_1", "underscores"), ("ü", "non-ASCII"), (".1", "begins and ends"), ("1-", "begins and ends"), ("", "no tenant"),
    ("t" * 40, "3 to 63"),
])
def test_tenant_ids_refused(tenant, reason):
    with pytest.raises(inputs.InputError) as caught:
        inputs.tenant_bucket_name("multi-tenant-app", "prod", tenant, "tenant_id")
    assert caught.value.option == "tenant_id" and reason in caught.value.message


def test_the_staging_bucket_length_counts_too():
    tenant = "t" * (63 - len("app-prod-tenant-"))
    assert inputs.tenant_bucket_name("app", "prod", tenant)[0]
    with pytest.raises(inputs.InputError) as caught:
        inputs.tenant_buckets("app", "prod", [tenant], "s3_restore_tenant_ids", "s3_restore_project_name", "s3_restore_environment")
    assert caught.value.option == "s3_restore_tenant_ids[0]" and "-restore" in caught.value.message


def test_tenant_buckets_of_a_list_or_a_string():
    tenants, warnings = inputs.tenant_buckets("app", "prod", "1, 12,1.2")
    assert [t["id"] for t in tenants] == ["1", "12", "1.2"]
    assert tenants[1] == {"id": "12", "production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore"}
    assert len(warnings) == 1 and "tenant_ids[2]='1.2'" in warnings[0]
    assert "twice" in pytest.raises(inputs.InputError, inputs.tenant_buckets, "app", "prod", ["1", "1"]).value.message
    assert "no tenant" in pytest.raises(inputs.InputError, inputs.tenant_buckets, "app", "prod", " , ").value.message
    with pytest.raises(inputs.InputError) as caught:
        inputs.tenant_buckets("", "prod", ["1"], project_option="s3_restore_project_name")
    assert caught.value.option == "s3_restore_project_name"


# ------------------------------------------------------------------------------------------ ARNs
def test_role_arns():
    assert inputs.iam_role_arn(ROLE, "iam_role_arn", account=ACCOUNT) == ROLE
    assert inputs.iam_role_arn("arn:aws:iam::%s:role/service-role/backup" % ACCOUNT, "iam_role_arn")
    assert inputs.iam_role_arn("arn:aws-us-gov:iam::%s:role/backup" % ACCOUNT, "iam_role_arn")
    for bad in ("foo", "", "arn:aws:iam::%s:user/me" % ACCOUNT, "arn:aws:s3:::backup", "arn:aws:iam::123:role/x",
                "arn:aws:iam:us-east-1:%s:role/x" % ACCOUNT, "arn:aws:iam::%s:role/bad name" % ACCOUNT, " " + ROLE,
                "xarn:aws:iam::%s:role/x" % ACCOUNT):
        refused(inputs.iam_role_arn, bad, "iam_role_arn")
    assert "account 999999999999" in refused(inputs.iam_role_arn, ROLE.replace(ACCOUNT, "999999999999"), "iam_role_arn", account=ACCOUNT)


@pytest.mark.parametrize("value", [KEY, "arn:aws:kms:us-east-1:%s:alias/backup" % ACCOUNT, UUID, "mrk-1234567890abcdef1234567890abcdef",
                                   "alias/aws/s3", "arn:aws:kms:us-east-1:%s:key/mrk-1234567890abcdef1234567890abcdef" % ACCOUNT])
def test_kms_keys(value):
    assert inputs.kms_key(value, "kms_key_id", region="us-east-1") == value


@pytest.mark.parametrize("value, reason", [
    ("not-a-key", "not a KMS key"), ("arn:aws:kms:us-east-1:%s:key/not-a-key" % ACCOUNT, "not a KMS key id"),
    (KEY.replace("us-east-1", "us-west-2"), "region us-west-2"), ("arn:aws:s3:::bucket", "service 's3'"),
    ("arn:aws:kms::%s:key/%s" % (ACCOUNT, UUID), "not a KMS key ARN"), ("arn:aws:kms:us-east-1:%s:grant/x" % ACCOUNT, "'grant'"),
    ("", "empty"),
])
def test_kms_keys_refused(value, reason):
    assert reason in refused(inputs.kms_key, value, "kms_key_id", region="us-east-1")


def test_kms_key_arn_only_and_account():
    assert "not a KMS key" in refused(inputs.kms_key, UUID, "kms_key_arn", arn_only=True)
    assert "account" in refused(inputs.kms_key, KEY, "kms_key_arn", account="999999999999")


def test_generic_arns_service_type_region_account():
    parsed = inputs.arn("arn:aws:rds:us-east-1:%s:db:app-prod-db" % ACCOUNT, "resource_arn", "rds", ("db",), region="us-east-1")
    assert parsed["resource_id"] == "app-prod-db"
    assert "service 'rds'" in refused(inputs.arn, "arn:aws:rds:us-east-1:%s:db:x" % ACCOUNT, "resource_arn", "s3")
    assert "'cluster'" in refused(inputs.arn, "arn:aws:rds:us-east-1:%s:cluster:x" % ACCOUNT, "resource_arn", "rds", ("db",))
    assert "region eu-west-1" in refused(inputs.arn, "arn:aws:rds:eu-west-1:%s:db:x" % ACCOUNT, "resource_arn", region="us-east-1")
    assert "account %s" % ACCOUNT in refused(inputs.arn, "arn:aws:rds:us-east-1:%s:db:x" % ACCOUNT, "resource_arn", account="999999999999")
    refused(inputs.arn, "s3:::bucket", "resource_arn")
    assert inputs.backup_vault_arn("arn:aws:backup:us-east-1:%s:backup-vault:v-1" % ACCOUNT, "vault_arn", region="us-east-1")
    refused(inputs.backup_vault_arn, "arn:aws:backup:us-east-1:%s:recovery-point:x" % ACCOUNT, "vault_arn")


def test_region_account_and_partition_of():
    assert inputs.region_of(KEY) == "us-east-1" and inputs.region_of("arn:aws:s3:::b") is None and inputs.region_of(None) is None
    assert inputs.account_of(KEY) == ACCOUNT and inputs.account_of("arn:aws:s3:::b") is None
    assert [inputs.partition_of(r) for r in ("us-east-1", "cn-north-1", "us-gov-west-1", None)] == ["aws", "aws-cn", "aws-us-gov", "aws"]
