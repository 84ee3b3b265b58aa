# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore testing rules without AWS: option refusals, request building, what a plan change updates, and the
resource names read from restore job ARNs; and the preflight's responder action catalogue and ARNs."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing as rt

ROLE = "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"


def params(**overrides):
    base = {"name": "app_prod_restore_testing", "state": "present", "schedule_expression": "cron(0 8 ? * SUN *)",
            "schedule_expression_timezone": None, "start_window_hours": None,
            "recovery_point_selection": {"algorithm": "LATEST_WITHIN_WINDOW", "include_vaults": ["*"], "exclude_vaults": None,
                                         "recovery_point_types": ["SNAPSHOT"], "selection_window_days": 7},
            "selections": [{"name": "rds", "protected_resource_type": "RDS", "iam_role_arn": ROLE,
                            "protected_resource_arns": ["arn:aws:rds:us-east-1:123456789012:db:app-prod-db"],
                            "protected_resource_conditions": None, "restore_metadata_overrides": {"MultiAZ": False, "Port": 3306},
                            "validation_window_hours": 4}],
            "purge_selections": True, "tags": None}
    base.update(overrides)
    return base


@pytest.mark.parametrize("overrides, named", [
    ({"name": "app-prod"}, "name='app-prod'"),
    ({"schedule_expression": "0 8 * * 0"}, "schedule_expression='0 8 * * 0'"),
    ({"selections": [dict(params()["selections"][0], iam_role_arn="backup-role")]}, "iam_role_arn='backup-role'"),
    ({"selections": [dict(params()["selections"][0], protected_resource_arns=None)]}, "selects nothing"),
    ({"selections": [dict(params()["selections"][0], validation_window_hours=200)]}, "validation_window_hours=200"),
    ({"selections": params()["selections"] * 2}, "name='rds' is given twice"),
])
def test_bad_options_are_refused_naming_them(overrides, named):
    with pytest.raises(rt.RestoreTestingError) as caught:
        rt.validate_params(params(**overrides))
    assert named in str(caught.value)


def test_absent_needs_only_a_valid_name():
    rt.validate_params(params(state="absent", schedule_expression=None, selections=[]))


def test_requests_are_built_with_string_metadata():
    plan = rt.plan_request(params())
    assert plan == {"RecoveryPointSelection": {"Algorithm": "LATEST_WITHIN_WINDOW", "IncludeVaults": ["*"],
                                               "RecoveryPointTypes": ["SNAPSHOT"], "SelectionWindowDays": 7},
                    "ScheduleExpression": "cron(0 8 ? * SUN *)"}
    selection = rt.selection_request(params()["selections"][0])
    assert selection["RestoreMetadataOverrides"] == {"MultiAZ": "false", "Port": "3306"}
    assert selection["ValidationWindowHours"] == 4 and "ProtectedResourceConditions" not in selection


def test_only_declared_members_are_compared():
    wanted = rt.plan_request(params())
    # AWS fills in members not asked for (here ExcludeVaults): no difference.
    current = dict(wanted, RecoveryPointSelection=dict(wanted["RecoveryPointSelection"], ExcludeVaults=[]), StartWindowHours=24)
    assert rt._differs(wanted, current, rt.PLAN_UPDATABLE) == []
    current["RecoveryPointSelection"]["SelectionWindowDays"] = 30
    assert rt._differs(wanted, current, rt.PLAN_UPDATABLE) == ["RecoveryPointSelection"]
    selection = rt.selection_request(params()["selections"][0])
    reordered = dict(selection, ProtectedResourceArns=list(reversed(selection["ProtectedResourceArns"])))
    assert rt._differs(selection, reordered, rt.SELECTION_UPDATABLE) == []


@pytest.mark.parametrize("arn, expected", [
    ("arn:aws:rds:us-east-1:123456789012:db:awsbackup-restore-test-0a1b2c", ("db", "awsbackup-restore-test-0a1b2c")),
    ("arn:aws:s3:::awsbackup-restore-test-0a1b2c", ("bucket", "awsbackup-restore-test-0a1b2c")),
    ("arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0", ("instance", "i-0123456789abcdef0")),
    (None, (None, None)),
])
def test_created_resource_names(arn, expected):
    assert rt.created_resource({"CreatedResourceArn": arn}) == expected


def test_responder_actions_per_type_and_arns():
    actions = [action for action, _family in preflight.responder_actions(["RDS", "S3"])]
    assert actions[0] == "backup:ListRecoveryPointsByBackupVault"
    assert "rds:RestoreDBInstanceToPointInTime" in actions and "s3:PutObject" in actions
    assert "autoscaling:StartInstanceRefresh" not in actions
    assert len(actions) == len(set(actions))
    resources = {"db_instances": ["app-db-restore"], "buckets": ["app-tenant-1"]}
    assert preflight.resource_arns("db", resources, "aws", "us-east-1", "123456789012") == [
        "arn:aws:rds:us-east-1:123456789012:db:app-db-restore"]
    assert preflight.resource_arns("object", resources, "aws", "us-east-1", "123456789012") == ["arn:aws:s3:::app-tenant-1/*"]
    assert preflight.resource_arns("db", {}, "aws", "us-east-1", "123456789012") == ["arn:aws:rds:us-east-1:123456789012:db:*"]


def test_permission_checks_name_denied_actions_and_skip_covered_rows():
    table = [
        {"action": "iam:PassRole", "resource": ROLE, "resource_types": ["common"], "decision": "explicitDeny", "allowed": False,
         "matched_statements": ["no-pass"]},
        {"action": "rds:ModifyDBInstance", "resource": "arn:aws:rds:us-east-1:123456789012:db:x", "resource_types": ["RDS"],
         "decision": "implicitDeny", "allowed": False, "matched_statements": []},
    ]
    checks = preflight.permission_checks(table, None, "arn:aws:iam::123456789012:user/alice", ["RDS"], {("iam:PassRole", ROLE)})
    assert [c["ok"] for c in checks] == [True, False]
    assert "rds:ModifyDBInstance on arn:aws:rds:us-east-1:123456789012:db:x (implicitDeny)" in checks[1]["detail"]
    unverified = preflight.permission_checks([], "AccessDenied (denied)", "alice", ["RDS"])
    assert [c["ok"] for c in unverified] == [None]
