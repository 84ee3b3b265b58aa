# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selection rules of recovery_point_info: the runbook's traps, without Ansible or AWS."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
VAULT = "multi-tenant-app-prod-backup-vault"
BASE = {"project_name": "multi-tenant-app", "environment": "prod"}


def point(arn_suffix, resource_arn, created, status="COMPLETED"):
    return {"RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:%s" % arn_suffix,
            "ResourceArn": resource_arn, "ResourceType": resource_arn.split(":")[2].upper(),
            "Status": status, "CreationDate": created}


def day(n, hour=5):
    return datetime.datetime(2026, 11, n, hour, 0, tzinfo=UTC)


def bucket_arn(tenant):
    return "arn:aws:s3:::multi-tenant-app-prod-tenant-%s" % tenant


def query(**params):
    merged = dict(BASE)
    merged.update(params)
    return rp.build_query(merged, now=NOW)


# --- time parsing -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2026-11-20T05:00:00+00:00", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T05:00:00Z", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20t05:00z", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T07:30:00+02:30", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T00:00:00-05:00", datetime.datetime(2026, 11, 20, 5, 0, tzinfo=UTC)),
    ("2026-11-20T05:00:00.123456789+0000", datetime.datetime(2026, 11, 20, 5, 0, 0, 123456, tzinfo=UTC)),
    ("-30m", NOW - datetime.timedelta(minutes=30)),
    ("-2h", NOW - datetime.timedelta(hours=2)),
    ("-1d", NOW - datetime.timedelta(days=1)),
    ("-1w", NOW - datetime.timedelta(weeks=1)),
    ("now", NOW),
])
def test_parse_time_accepts_offsets_z_and_relative(text, expected):
    parsed = rp.parse_time(text, "created_before", now=NOW)
    assert parsed == expected
    assert parsed.utcoffset() == datetime.timedelta(0)


@pytest.mark.parametrize("text", ["2026-11-20T05:00:00", "2026-11-20", "yesterday", "2h", "-2y", "2026-13-01T00:00:00Z", ""])
def test_parse_time_refuses_ambiguous_or_malformed_times_naming_the_option(text):
    with pytest.raises(rp.RecoveryPointError) as err:
        rp.parse_time(text, "created_after", now=NOW)
    assert "created_after=%r" % text in err.value.message


def test_future_point_in_time_is_refused_naming_option_and_value():
    with pytest.raises(rp.RecoveryPointError) as err:
        query(select="at_or_before", point_in_time="2027-01-01T00:00:00Z")
    assert "point_in_time='2027-01-01T00:00:00Z'" in err.value.message
    assert "future" in err.value.message


def test_created_after_later_than_created_before_is_refused():
    with pytest.raises(rp.RecoveryPointError) as err:
        query(created_after="-1h", created_before="-1d")
    assert "created_after='-1h'" in err.value.message and "created_before='-1d'" in err.value.message


# --- validation before any AWS call ------------------------------------------------------------------------

@pytest.mark.parametrize("params, needle", [
    ({"resource_arn": "s3:::bucket"}, "resource_arn='s3:::bucket'"),
    ({"resource_arn": "arn:aws:s3:::b", "resource_type": "RDS"}, "resource_type='RDS'"),
    ({"resource_arn": "arn:aws:rds:us-east-1:123456789012:db:x", "resource_type": "S3"}, "resource_arn='arn:aws:rds"),
    ({"resource_arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-1", "resource_type": "RDS"}, "resource_type='RDS'"),
    ({"tenant_id": "1", "resource_type": "RDS"}, "tenant_id='1'"),
    ({"tenant_id": "1", "resource_arn": bucket_arn("12")}, "tenant_id='1'"),
    ({"select": "at_or_before"}, "point_in_time"),
    ({"created_before": "tomorrow"}, "created_before='tomorrow'"),
])
def test_contradictions_and_malformed_options_fail_naming_the_option(params, needle):
    with pytest.raises(rp.RecoveryPointError) as err:
        query(**params)
    assert needle in err.value.message


def test_query_derives_vault_and_tenant_bucket_and_server_side_filters():
    q = query(tenant_id="1", created_after="2026-11-20T00:00:00Z", backup_plan_id="plan-1")
    assert q["vault"] == VAULT
    assert q["resource_name"] == "multi-tenant-app-prod-tenant-1"
    assert q["statuses"] == ["COMPLETED"]
    # The tenant bucket's ARN is known from its name: the server filters by it.
    assert q["request"] == {"BackupVaultName": VAULT, "ByResourceType": "S3", "ByBackupPlanId": "plan-1",
                            "ByResourceArn": "arn:aws:s3:::multi-tenant-app-prod-tenant-1",
                            "ByCreatedAfter": datetime.datetime(2026, 11, 20, tzinfo=UTC)}
    searched = rp.searched(q)
    assert searched["backup_vault_name"] == VAULT and searched["created_after"] == "2026-11-20T00:00:00+00:00"
    # An explicit vault (the DR copy) wins over the derived one; the tenant bucket still comes from project/environment.
    assert query(backup_vault_name=VAULT + "-dr", tenant_id="1")["vault"] == VAULT + "-dr"


# --- exact resource names ----------------------------------------------------------------------------------

@pytest.mark.parametrize("arn, name", [
    ("arn:aws:s3:::multi-tenant-app-prod-tenant-1", "multi-tenant-app-prod-tenant-1"),
    ("arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db", "multi-tenant-app-prod-db"),
    ("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "i-0abc"),
    ("arn:aws:dynamodb:us-east-1:123456789012:table/orders", "orders"),
    ("not-an-arn", None),
])
def test_resource_name_from_arn(arn, name):
    assert rp.resource_name_from_arn(arn) == name


def test_tenant_1_matches_only_its_own_bucket_not_tenant_12_or_100():
    points = [point("a", bucket_arn("1"), day(20)), point("b", bucket_arn("12"), day(21)),
              point("c", bucket_arn("100"), day(22)), point("d", bucket_arn("1") + "-restore", day(23))]
    q = query(tenant_id="1")
    found = rp.find_recovery_points(points, q)
    assert [p["ResourceArn"] for p in found["recovery_points"]] == [bucket_arn("1")]
    assert rp.filter_points(points, "multi-tenant-app-prod-tenant-12")[0]["ResourceArn"] == bucket_arn("12")
    assert [p["ResourceArn"] for p in rp.filter_points(points, "multi-tenant-app-prod-tenant-100")] == [bucket_arn("100")]


# --- selection ---------------------------------------------------------------------------------------------

def shuffled_points():
    """Newest point deliberately not first, as the emulator (and possibly AWS) lists them."""
    arn = bucket_arn("1")
    return [point("p2", arn, day(21)), point("p5", arn, day(23, 6)), point("p1", arn, day(20)),
            point("p4", arn, day(23)), point("p3", arn, day(22))]


@pytest.mark.parametrize("rotation", range(5))
def test_latest_is_the_max_creation_date_regardless_of_input_order(rotation):
    points = shuffled_points()
    points = points[rotation:] + points[:rotation]
    found = rp.find_recovery_points(points, query(tenant_id="1", select="latest"))
    assert found["recovery_point"]["RecoveryPointArn"].endswith(":p5")
    assert [p["RecoveryPointArn"][-2:] for p in found["recovery_points"]] == ["p5", "p4", "p3", "p2", "p1"]


def test_default_statuses_exclude_partial_expired_deleting():
    arn = bucket_arn("1")
    points = [point("ok", arn, day(20)), point("partial", arn, day(23), "PARTIAL"),
              point("expired", arn, day(22), "EXPIRED"), point("deleting", arn, day(21), "DELETING")]
    found = rp.find_recovery_points(points, query(tenant_id="1", select="latest"))
    assert [p["RecoveryPointArn"].rsplit(":", 1)[1] for p in found["recovery_points"]] == ["ok"]
    assert found["recovery_point"]["Status"] == "COMPLETED"
    asked = rp.find_recovery_points(points, query(tenant_id="1", select="latest", statuses=["COMPLETED", "PARTIAL"]))
    assert asked["recovery_point"]["RecoveryPointArn"].endswith(":partial")


def test_at_or_before_picks_the_newest_point_not_after_the_time():
    q = query(tenant_id="1", select="at_or_before", point_in_time="2026-11-22T05:00:00Z")
    assert rp.find_recovery_points(shuffled_points(), q)["recovery_point"]["RecoveryPointArn"].endswith(":p3")
    q = query(tenant_id="1", select="at_or_before", point_in_time="2026-11-22T04:59:59+00:00")
    assert rp.find_recovery_points(shuffled_points(), q)["recovery_point"]["RecoveryPointArn"].endswith(":p2")
    q = query(tenant_id="1", select="at_or_before", point_in_time="2026-11-23T01:00:00-05:00")  # 06:00 UTC
    assert rp.find_recovery_points(shuffled_points(), q)["recovery_point"]["RecoveryPointArn"].endswith(":p5")


def test_random_is_reproducible_for_a_seed_whatever_the_input_order():
    points = shuffled_points()
    chosen = {rp.select_point(points[r:] + points[:r], "random", seed=42)["RecoveryPointArn"] for r in range(5)}
    assert len(chosen) == 1
    picks = {rp.select_point(points, "random", seed=seed)["RecoveryPointArn"] for seed in range(50)}
    assert len(picks) > 1, "the seed does not change the choice"


def test_all_selects_nothing():
    found = rp.find_recovery_points(shuffled_points(), query(tenant_id="1"))
    assert found["recovery_point"] is None and found["message"] is None and len(found["recovery_points"]) == 5


# --- when nothing matches ----------------------------------------------------------------------------------

def test_empty_result_message_says_what_was_searched_and_what_was_seen():
    points = [point("a", bucket_arn("12"), day(21)), point("b", bucket_arn("12"), day(22)),
              point("c", bucket_arn("1"), day(23), "PARTIAL"), point("d", bucket_arn("1"), day(20, 1), "EXPIRED")]
    found = rp.find_recovery_points(points, query(tenant_id="1", select="latest"))
    assert found["recovery_point"] is None and found["recovery_points"] == []
    message = found["message"]
    assert VAULT in message
    assert "resource_name=multi-tenant-app-prod-tenant-1" in message and "resource_type=S3" in message
    assert "statuses=['COMPLETED']" in message
    assert "4 recovery points" in message
    assert "COMPLETED: 2 (newest 2026-11-22T05:00:00+00:00)" in message
    assert "PARTIAL: 1 (newest 2026-11-23T05:00:00+00:00)" in message
    assert "EXPIRED: 1 (newest 2026-11-20T01:00:00+00:00)" in message
    assert found["seen"]["total"] == 4 and found["seen"]["by_status"]["COMPLETED"]["count"] == 2


def test_empty_result_message_when_the_vault_returned_nothing():
    found = rp.find_recovery_points([], query(resource_type="RDS", select="latest"))
    assert "returned no recovery point at all" in found["message"] and "resource_type=RDS" in found["message"]


def test_at_or_before_with_only_later_points_says_so():
    q = query(tenant_id="1", select="at_or_before", point_in_time="2026-11-01T00:00:00Z")
    found = rp.find_recovery_points(shuffled_points(), q)
    assert found["recovery_point"] is None
    assert "None of the 5 matching" in found["message"] and "point_in_time=2026-11-01T00:00:00+00:00" in found["message"]
