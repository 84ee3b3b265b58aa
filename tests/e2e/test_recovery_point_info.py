# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.recovery_point_info, run by ansible-playbook against the seeded emulator.

Tenant 1's exact selection (only its bucket, every completed point, newest first, `latest` by CreationDate, the same
in check mode) and the RDS latest point are the integration target recovery_point_info's.

The emulator lists recovery points in a stable shuffle in which the newest point is never first, so a module that
trusted the API's order (the runbook's `|[0]`) would fail here. Each playbook saves its registered results into a
JSON file and the assertions are made in Python, against values computed independently with boto3.
"""

from emulator.client import CREDENTIALS, REGION
from emulator.testing import newest_completed
from tests.e2e.helpers import run_playbook

PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}


def test_throttling_partial_newest_unknown_vault_and_future_time(emulator, world, tmp_path, clean_faults):
    """With 30% of requests throttled the module still succeeds; a PARTIAL newest point is not picked by default;
    an unknown vault and a future point_in_time fail naming the vault and the option."""
    backup = emulator.client("backup")
    bucket = world["buckets"]["12"]
    arn = "arn:aws:s3:::%s" % bucket
    before = newest_completed(backup, world["vault"], arn)
    job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=arn, IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    fresh = backup.describe_backup_job(BackupJobId=job["BackupJobId"])["RecoveryPointArn"]
    emulator.control("recovery-points/status", {"arn": fresh, "status": "PARTIAL", "message": "Injected: partial"})
    partial = backup.describe_recovery_point(BackupVaultName=world["vault"], RecoveryPointArn=fresh)
    assert partial["Status"] == "PARTIAL" and partial["CreationDate"] > before["CreationDate"]

    emulator.control("counters", method="DELETE")
    emulator.control("faults", {"throttle": {"fraction": 0.3}, "seed": 3})
    tasks = [
        {"name": "Tenant 12, latest, throttled", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="12", select="latest"),
         "register": "throttled"},
        {"name": "Again, to meet the throttling", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="12", select="latest"),
         "loop": [1, 2, 3, 4, 5], "register": "repeated"},
        {"name": "Tenant 12, partial allowed", "restorekit.aws.recovery_point_info":
            dict(PROJECT, tenant_id="12", select="latest", statuses=["COMPLETED", "PARTIAL"]), "register": "with_partial"},
        {"name": "Unknown vault", "restorekit.aws.recovery_point_info": {"backup_vault_name": "no-such-vault", "select": "latest"},
         "register": "unknown", "ignore_errors": True},
        {"name": "Future time", "restorekit.aws.recovery_point_info":
            dict(PROJECT, tenant_id="1", select="at_or_before", point_in_time="2999-01-01T00:00:00Z"),
         "register": "future", "ignore_errors": True},
        {"name": "Nothing matches", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="999", select="latest"),
         "register": "empty", "ignore_errors": True},
        {"name": "Nothing matches, quietly", "restorekit.aws.recovery_point_info":
            dict(PROJECT, tenant_id="999", select="latest", fail_on_empty=False), "register": "quiet"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["throttled", "repeated", "with_partial", "unknown", "future", "empty", "quiet"])
    emulator.control("faults", method="DELETE")
    faulted = emulator.control("counters")["faults"].get("backup", {}).get("ListRecoveryPointsByBackupVault", 0)
    assert faulted > 0, "no request was throttled: the test proves nothing"
    assert {r["recovery_point"]["recovery_point_arn"] for r in out["repeated"]["results"]} == {before["RecoveryPointArn"]}
    assert out["throttled"]["recovery_point"]["recovery_point_arn"] == before["RecoveryPointArn"]
    assert fresh not in {p["recovery_point_arn"] for p in out["throttled"]["recovery_points"]}
    assert out["throttled"]["seen"]["by_status"]["PARTIAL"]["count"] >= 1
    assert out["with_partial"]["recovery_point"]["recovery_point_arn"] == fresh

    assert out["unknown"]["failed"] is True
    assert "no-such-vault" in out["unknown"]["msg"]
    assert out["future"]["failed"] is True
    assert "point_in_time='2999-01-01T00:00:00Z'" in out["future"]["msg"]
    assert out["empty"]["failed"] is True
    assert world["vault"] in out["empty"]["msg"] and "multi-tenant-app-prod-tenant-999" in out["empty"]["msg"]
    assert "COMPLETED" in out["empty"]["msg"]
    assert out["quiet"]["recovery_points"] == [] and "recovery_point" not in out["quiet"]


def test_plain_aws_group_reaches_amazon_aws_only(emulator, world, tmp_path):
    """Plain `module_defaults: group/aws` reaches amazon.aws only, so recovery_point_info runs without a region. No
    region or endpoint comes from the environment. That `group/restorekit.aws.aws` reaches both our module and
    amazon.aws's is tests/e2e/test_action_group.py::test_group_reaches_modules_their_own_groups_leave_out."""
    tasks = [
        {"name": "Ours", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "register": "ours", "ignore_errors": True},
        {"name": "amazon.aws", "amazon.aws.backup_vault_info": {"backup_vault_names": [world["vault"]]},
         "register": "theirs", "ignore_errors": True},
    ]
    defaults = {"endpoint_url": emulator.endpoint, "region": REGION}
    drop = ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "RESTOREKIT_ENDPOINT_URL")
    plain = run_playbook(emulator, tmp_path, tasks, ["ours", "theirs"], module_defaults={"group/aws": defaults}, drop_env=drop)

    assert not plain["theirs"].get("failed"), plain["theirs"]
    assert [v["backup_vault_name"] for v in plain["theirs"]["backup_vaults"]] == [world["vault"]]
    assert plain["ours"]["failed"] is True
    assert "region" in plain["ours"]["msg"], plain["ours"]["msg"]
    assert CREDENTIALS["AWS_ACCESS_KEY_ID"]  # credentials still come from the environment
