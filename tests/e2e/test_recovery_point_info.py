# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.recovery_point_info, run by ansible-playbook against the seeded emulator.

The emulator lists recovery points in a stable shuffle in which the newest point is never first, so a module that
trusted the API's order (the runbook's `|[0]`) would fail here. Each playbook saves its registered results into a
JSON file and the assertions are made in Python, against values computed independently with boto3.
"""

from emulator.client import CREDENTIALS, REGION
from emulator.testing import newest_completed, points_of as all_points
from tests.e2e.helpers import run_playbook

PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}


def test_tenant_1_exactly_and_latest_by_creation_date(emulator, world, tmp_path):
    """Tenant 1 selects only tenant 1's bucket (not 12's, not 100's), and `latest` is the max CreationDate."""
    backup = emulator.client("backup")
    arn = "arn:aws:s3:::%s" % world["buckets"]["1"]
    expected = newest_completed(backup, world["vault"], arn)
    listed = all_points(backup, world["vault"], ByResourceType="S3")
    assert listed[0]["RecoveryPointArn"] != max(listed, key=lambda p: p["CreationDate"])["RecoveryPointArn"], \
        "the emulator should not list the newest point first"
    db = newest_completed(backup, world["vault"], world["db"]["arn"])

    tasks = [
        {"name": "Tenant 1, latest", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "register": "tenant"},
        {"name": "RDS, latest (runbook 5.1)", "restorekit.aws.recovery_point_info":
            dict(PROJECT, resource_type="RDS", resource_name=world["db"]["identifier"], select="latest"), "register": "rds"},
        {"name": "Check mode", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "check_mode": True, "register": "checked"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["tenant", "rds", "checked"])

    tenant = out["tenant"]
    assert tenant["changed"] is False
    assert tenant["recovery_points"], tenant
    assert {p["resource_arn"] for p in tenant["recovery_points"]} == {arn}
    assert {p["status"] for p in tenant["recovery_points"]} == {"COMPLETED"}
    expected_count = len([p for p in all_points(backup, world["vault"], ByResourceArn=arn) if p["Status"] == "COMPLETED"])
    assert len(tenant["recovery_points"]) == expected_count
    assert tenant["recovery_point"]["recovery_point_arn"] == expected["RecoveryPointArn"]
    assert tenant["recovery_points"][0]["recovery_point_arn"] == expected["RecoveryPointArn"], "not sorted newest first"
    assert tenant["searched"]["backup_vault_name"] == world["vault"]
    assert tenant["searched"]["resource_name"] == world["buckets"]["1"]
    assert tenant["searched"]["resource_type"] == "S3"
    assert out["rds"]["recovery_point"]["recovery_point_arn"] == db["RecoveryPointArn"]
    assert out["checked"]["recovery_point"]["recovery_point_arn"] == expected["RecoveryPointArn"]


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
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["throttled", "repeated", "with_partial"])
    emulator.control("faults", method="DELETE")
    faulted = emulator.control("counters")["faults"].get("backup", {}).get("ListRecoveryPointsByBackupVault", 0)
    assert faulted > 0, "no request was throttled: the test proves nothing"
    assert {r["recovery_point"]["recovery_point_arn"] for r in out["repeated"]["results"]} == {before["RecoveryPointArn"]}
    assert out["throttled"]["recovery_point"]["recovery_point_arn"] == before["RecoveryPointArn"]
    assert fresh not in {p["recovery_point_arn"] for p in out["throttled"]["recovery_points"]}
    assert out["throttled"]["seen"]["by_status"]["PARTIAL"]["count"] >= 1
    assert out["with_partial"]["recovery_point"]["recovery_point_arn"] == fresh

    tasks = [
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
    (tmp_path / "second").mkdir()
    out = run_playbook(emulator, tmp_path / "second", tasks, ["unknown", "future", "empty", "quiet"])
    assert out["unknown"]["failed"] is True
    assert "no-such-vault" in out["unknown"]["msg"]
    assert out["future"]["failed"] is True
    assert "point_in_time='2999-01-01T00:00:00Z'" in out["future"]["msg"]
    assert out["empty"]["failed"] is True
    assert world["vault"] in out["empty"]["msg"] and "multi-tenant-app-prod-tenant-999" in out["empty"]["msg"]
    assert "COMPLETED" in out["empty"]["msg"]
    assert out["quiet"]["recovery_points"] == [] and "recovery_point" not in out["quiet"]


def test_action_group_reaches_restorekit_and_amazon_aws(emulator, world, tmp_path):
    """`module_defaults: group/restorekit.aws.aws` reaches our module and amazon.aws's; plain `group/aws` reaches
    amazon.aws only, so recovery_point_info runs without a region. No region or endpoint comes from the environment."""
    tasks = [
        {"name": "Ours", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "register": "ours", "ignore_errors": True},
        {"name": "amazon.aws", "amazon.aws.backup_vault_info": {"backup_vault_names": [world["vault"]]},
         "register": "theirs", "ignore_errors": True},
    ]
    defaults = {"endpoint_url": emulator.endpoint, "region": REGION}
    drop = ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_ENDPOINT_URL", "RESTOREKIT_ENDPOINT_URL")
    (tmp_path / "ours").mkdir()
    (tmp_path / "plain").mkdir()
    ours = run_playbook(emulator, tmp_path / "ours", tasks, ["ours", "theirs"],
                        module_defaults={"group/restorekit.aws.aws": defaults}, drop_env=drop)
    plain = run_playbook(emulator, tmp_path / "plain", tasks, ["ours", "theirs"],
                         module_defaults={"group/aws": defaults}, drop_env=drop)

    assert not ours["ours"].get("failed"), ours["ours"]
    assert ours["ours"]["recovery_point"]["resource_arn"] == "arn:aws:s3:::%s" % world["buckets"]["1"]
    assert not ours["theirs"].get("failed"), ours["theirs"]
    assert [v["backup_vault_name"] for v in ours["theirs"]["backup_vaults"]] == [world["vault"]]

    assert not plain["theirs"].get("failed"), plain["theirs"]
    assert [v["backup_vault_name"] for v in plain["theirs"]["backup_vaults"]] == [world["vault"]]
    assert plain["ours"]["failed"] is True
    assert "region" in plain["ours"]["msg"], plain["ours"]["msg"]
    assert CREDENTIALS["AWS_ACCESS_KEY_ID"]  # credentials still come from the environment in both plays
