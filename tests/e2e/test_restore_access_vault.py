# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/restore_access_vault.yml (role restore_access_vault, module restore_access_vault) against the emulator,
as a responder in a recovery account runs it: the air-gapped vault holds a copy of a tenant's backup, the request
waits for the vault's Multi-party approval team (the emulator's control call decides, as the team would), and the
tenant is restored through the restore access vault by playbooks/s3_restore.yml.

The tenant (bucket ...-tenant-71) and the air-gapped vault are this module's own; the seeded world is not changed."""

import glob
import json
import os
import subprocess
import threading
import time

import pytest

from emulator.testing import MPA_TEAM, air_gapped_copy
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env

TENANT = "71"
BUCKET = "multi-tenant-app-prod-tenant-%s" % TENANT
AIRGAP = "multi-tenant-app-prod-airgap-vault"
ACCESS = "multi-tenant-app-prod-restore-access"
RESTORE_ACCESS = "RESTORE_ACCESS_BACKUP_VAULT"
OBJECTS = {"docs/read me.txt": b"the tenant's readme", "reports/day-01.csv": b"id,total\n1,10\n", "keep.txt": b"kept"}
LOST = ["docs/read me.txt", "reports/day-01.csv"]


def run(emulator, tmp_path, playbook, extra_vars, expect_rc=0, args=()):
    """ansible-playbook -i inventories/emulator playbooks/PLAYBOOK -e @vars: (the run, its newest report)."""
    workdir = tmp_path / "run"
    workdir.mkdir(exist_ok=True)
    before = set(glob.glob(str(workdir / "reports" / "*.json")))
    extra = tmp_path / ("vars-%d.json" % time.monotonic_ns())
    extra.write_text(json.dumps(extra_vars), encoding="utf-8")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"),
                           os.path.join(ROOT, "playbooks", playbook), "-e", "@%s" % extra, *args],
                          cwd=str(workdir), env=ansible_env(emulator, tmp_path), capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode == expect_rc, "%s exited %d:\n%s\n%s" % (playbook, proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    reports = sorted(set(glob.glob(str(workdir / "reports" / "*.json"))) - before)
    return proc, (json.loads(open(reports[-1], encoding="utf-8").read()) if reports else None)


def access_vaults(backup, source_arn):
    """The restore access vaults of SOURCE_ARN, as DescribeBackupVault gives them."""
    vaults = backup.list_backup_vaults(ByVaultType=RESTORE_ACCESS)["BackupVaultList"]
    described = [backup.describe_backup_vault(BackupVaultName=v["BackupVaultName"]) for v in vaults]
    return [v for v in described if v["SourceBackupVaultArn"] == source_arn]


def approve_when_pending(emulator, kind, decision="APPROVED", delay=1.5):
    """The approval team, deciding the first pending session of KIND after DELAY seconds (the playbook waits meanwhile)."""
    def decide():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = [s for s in emulator.control("airgap/mpa-sessions")["sessions"] if s["kind"] == kind]
            if pending:
                time.sleep(delay)
                emulator.control("airgap/mpa-sessions", {"arn": pending[0]["arn"], "decision": decision})
                return
            time.sleep(0.2)
    thread = threading.Thread(target=decide, daemon=True)
    thread.start()
    return thread


@pytest.fixture(name="air_gapped", scope="module")
def fixture_air_gapped(emulator, world):
    """Tenant 71's bucket backed up into the seeded vault and copied into this module's air-gapped vault:
    (the air-gapped vault's ARN, the copy's recovery point ARN)."""
    s3, backup = emulator.client("s3"), emulator.client("backup")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}, {"Key": "Tenant", "Value": TENANT}]})
    for key, body in OBJECTS.items():
        s3.put_object(Bucket=BUCKET, Key=key, Body=body, ContentType="text/plain", Metadata={"owner": "tenant-" + TENANT})
    job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::" + BUCKET,
                                  IamRoleArn=world["backup_role_arn"], Lifecycle={"DeleteAfterDays": 30})
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=job["BackupJobId"])["State"] == "COMPLETED"
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    try:
        return air_gapped_copy(emulator, world["vault"], job["RecoveryPointArn"], world["backup_role_arn"], AIRGAP)
    finally:
        emulator.control("airgap/vault-seconds", {"seconds": 2.0})


def test_bad_input_and_a_vault_without_approval_team_are_refused_before_any_request(emulator, tmp_path, air_gapped):
    """A standard vault's ARN, another region and a bad name are named before any call; a vault without an MPA team
    is refused with what to do, and no restore access vault is left behind."""
    backup = emulator.client("backup")
    bad = {"restore_access_vault_source_arn": air_gapped[0].replace("us-east-1", "eu-west-1"), "restore_access_vault_name": "a b"}
    proc, report = run(emulator, tmp_path, "restore_access_vault.yml", bad, expect_rc=2)
    assert "restore_access_vault_source_arn" in proc.stdout and "eu-west-1" in proc.stdout
    assert "restore_access_vault_name" in proc.stdout and report["outcome"] == "failed"
    proc, _report = run(emulator, tmp_path, "restore_access_vault.yml", {"restore_access_vault_source_arn": air_gapped[0]}, expect_rc=2)
    assert "no Multi-party approval team" in proc.stdout and "associate-backup-vault-mpa-approval-team" in proc.stdout
    standard = backup.describe_backup_vault(BackupVaultName="multi-tenant-app-prod-backup-vault")["BackupVaultArn"]
    proc, _report = run(emulator, tmp_path, "restore_access_vault.yml", {"restore_access_vault_source_arn": standard}, expect_rc=2)
    assert "is not a logically air-gapped vault" in proc.stdout
    assert access_vaults(backup, air_gapped[0]) == []


def test_a_tenant_is_restored_through_an_approved_restore_access_vault_then_the_access_is_revoked(emulator, tmp_path, air_gapped):
    """Requested without waiting (CREATING), adopted by the re-run that waits for the approval, restored through it,
    revoked with the team's approval: one request, never two."""
    vault_arn, copy_arn = air_gapped
    backup, s3 = emulator.client("backup"), emulator.client("s3")
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName=AIRGAP, MpaApprovalTeamArn=MPA_TEAM)
    # The air-gapped vault is the inventory's (restorekit_airgap_vault_arn): no source given.
    asked = {"restore_access_vault_name": ACCESS,
             "restore_access_vault_comment": "INC-71 restore tenant 71", "restore_access_vault_poll_interval": 1}

    proc, report = run(emulator, tmp_path, "restore_access_vault.yml", asked, args=("--check",))
    assert access_vaults(backup, vault_arn) == [] and emulator.control("airgap/mpa-sessions")["sessions"] == []
    assert any(note.startswith("request restore access vault of") for note in report["notes"]), report["notes"]

    proc, report = run(emulator, tmp_path, "restore_access_vault.yml", dict(asked, restore_access_vault_wait=False))
    [vault] = access_vaults(backup, vault_arn)
    assert (vault["BackupVaultName"], vault["VaultState"]) == (ACCESS, "CREATING")
    assert any("MPA session %s" % vault["MpaSessionArn"] in note for note in report["notes"]), report["notes"]
    assert report["resources"]["created"] == [vault["BackupVaultArn"]] and report["resources"]["left_alone"] == [vault_arn]

    # The session is pending since the first run: the team decides once this run has had the time to start waiting.
    approver = approve_when_pending(emulator, "restore-access", delay=10)
    proc, report = run(emulator, tmp_path, "restore_access_vault.yml", asked)
    approver.join(5)
    [vault] = access_vaults(backup, vault_arn)
    assert vault["VaultState"] == "AVAILABLE"
    assert "is CREATING, waiting for the approval team" in proc.stdout
    assert any("restorekit_backup_vault_name=%s" % ACCESS in note for note in report["notes"]), report["notes"]
    assert report["resources"]["created"] == [] and report["outcome"] == "succeeded"

    # The incident: two objects lost. The tenant comes back through the restore access vault, by its name.
    for key in LOST:
        s3.delete_object(Bucket=BUCKET, Key=key)
    proc, report = run(emulator, tmp_path, "s3_restore.yml", {"s3_restore_tenant_ids": [TENANT], "restorekit_backup_vault_name": ACCESS,
                                                              "s3_restore_poll_interval": 1})
    assert report["outcome"] == "succeeded", report
    assert [(p["arn"], p["vault"]) for p in report["recovery_points"]] == [(copy_arn, ACCESS)]
    for key, body in OBJECTS.items():
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body, key

    approver = approve_when_pending(emulator, "revoke")
    proc, report = run(emulator, tmp_path, "restore_access_vault.yml",
                       dict(asked, restore_access_vault_revoke_reason="INC-71 restored and validated"))
    approver.join(5)
    assert access_vaults(backup, vault_arn) == []
    assert any("revoke restore access vault %s" % ACCESS in note for note in report["notes"]), report["notes"]


def test_a_rejected_request_stops_the_run_and_is_asked_again_only_by_name(emulator, tmp_path, air_gapped):
    """The team rejects: the waiting run fails naming the session; a re-run says so without asking again, until
    request_again (under another name, since the rejected vault keeps its own)."""
    vault_arn = air_gapped[0]
    backup = emulator.client("backup")
    if not backup.describe_backup_vault(BackupVaultName=AIRGAP).get("MpaApprovalTeamArn"):
        backup.associate_backup_vault_mpa_approval_team(BackupVaultName=AIRGAP, MpaApprovalTeamArn=MPA_TEAM)
    asked = {"restore_access_vault_source_arn": vault_arn, "restore_access_vault_name": "rejected-access",
             "restore_access_vault_poll_interval": 1}
    rejecter = approve_when_pending(emulator, "restore-access", decision="REJECTED")
    proc, report = run(emulator, tmp_path, "restore_access_vault.yml", asked, expect_rc=2)
    rejecter.join(5)
    assert "rejected MPA session" in proc.stdout and report["outcome"] == "failed"
    proc, _report = run(emulator, tmp_path, "restore_access_vault.yml", asked, expect_rc=2)
    assert "request_again=true" in proc.stdout
    assert [v["VaultState"] for v in access_vaults(backup, vault_arn)] == ["FAILED"]
    approver = approve_when_pending(emulator, "restore-access")
    run(emulator, tmp_path, "restore_access_vault.yml",
        dict(asked, restore_access_vault_name="second-access", restore_access_vault_request_again=True))
    approver.join(5)
    states = sorted((v["BackupVaultName"], v["VaultState"]) for v in access_vaults(backup, vault_arn))
    assert states == [("rejected-access", "FAILED"), ("second-access", "AVAILABLE")]
