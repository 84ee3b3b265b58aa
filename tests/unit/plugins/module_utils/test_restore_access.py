"""Restore access vaults (module_utils/_backup/restore_access.py): what is refused before any call, which vault a re-run
adopts, what a rejected or slow approval tells the responder, and what is revoked."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_access as ra
from tests.unit.fake_clock import Clock

SOURCE = "arn:aws:backup:us-east-1:123456789012:backup-vault:app-prod-airgap-vault"
SESSION = "arn:aws:mpa:us-east-1:123456789012:session/abc"


def params(**over):
    base = {"source_backup_vault_arn": SOURCE, "state": "present", "backup_vault_name": None, "requester_comment": None,
            "reason": None, "request_again": False, "tags": None, "wait": False, "wait_timeout": 3600, "poll_interval": 15,
            "list_recovery_points": False}
    base.update(over)
    return base


def vault(name, state, day=1, **extra):
    return dict({"BackupVaultName": name, "BackupVaultArn": SOURCE.rsplit(":", 1)[0] + ":" + name, "VaultState": state,
                 "SourceBackupVaultArn": SOURCE, "MpaSessionArn": SESSION + name,
                 "CreationDate": datetime.datetime(2026, 12, day, tzinfo=datetime.timezone.utc)}, **extra)


def refusal(**over):
    with pytest.raises(ra.RestoreAccessError) as err:
        ra.validate_params(params(**over), "us-east-1")
    return str(err.value)


def test_good_options_pass():
    ra.validate_params(params(backup_vault_name="app-prod-restore_access", tags={"incident": "INC-1"}), "us-east-1")
    ra.validate_params(params(state="absent", reason="INC-1 done"), "us-east-1")


@pytest.mark.parametrize("over, named", [
    ({"source_backup_vault_arn": "app-prod-airgap-vault"}, "source_backup_vault_arn='app-prod-airgap-vault' is not a backup vault ARN"),
    ({"source_backup_vault_arn": "arn:aws:s3:::bucket"}, "is not a backup vault ARN"),
    ({"source_backup_vault_arn": SOURCE.replace("us-east-1", "eu-west-1")}, "is in region eu-west-1, not us-east-1"),
    ({"backup_vault_name": "a b"}, "backup_vault_name='a b' must be 2 to 50"),
    ({"backup_vault_name": "x"}, "backup_vault_name='x'"),
    ({"state": "absent"}, "reason=None: state=absent sends a revoke request"),
    ({"state": "absent", "reason": "  "}, "reason='  '"),
    ({"wait_timeout": 0}, "wait_timeout=0 must be more than 0"),
    ({"poll_interval": -1}, "poll_interval=-1"),
    ({"requester_comment": "x" * 1025}, "requester_comment is 1025 characters"),
    ({"tags": {"n": 3}}, "tags.n=3 must be a string"),
])
def test_each_bad_option_is_named_with_its_value(over, named):
    assert named in refusal(**over)


def test_every_bad_option_is_named_at_once():
    message = refusal(backup_vault_name="a b", wait_timeout=0, source_backup_vault_arn="nope")
    assert "backup_vault_name" in message and "wait_timeout" in message and "source_backup_vault_arn" in message


def test_a_re_run_adopts_the_available_vault_then_the_newest_creating_one():
    available, creating_old, creating_new = vault("a", "AVAILABLE", 1), vault("b", "CREATING", 2), vault("c", "CREATING", 3)
    assert ra.choose([creating_old, available, creating_new]) is available
    assert ra.choose([creating_old, creating_new, vault("f", "FAILED", 4)]) is creating_new
    assert ra.choose([]) is None


def test_a_named_vault_is_the_only_one_adopted():
    assert ra.choose([vault("a", "AVAILABLE")], name="mine") is None
    mine = vault("mine", "CREATING")
    assert ra.choose([vault("a", "AVAILABLE"), mine], name="mine") is mine


def test_a_rejected_request_stops_the_run_unless_asked_again():
    rejected = vault("r", "FAILED")
    with pytest.raises(ra.RestoreAccessError) as err:
        ra.choose([rejected])
    assert "FAILED" in str(err.value) and SESSION + "r" in str(err.value) and "request_again=true" in str(err.value)
    assert err.value.vault is rejected
    assert ra.choose([rejected], request_again=True) is None
    with pytest.raises(ra.RestoreAccessError, match="another backup_vault_name"):
        ra.choose([rejected], name="r")


def test_the_create_request_carries_only_what_was_given():
    assert ra.create_request(params()) == {"SourceBackupVaultArn": SOURCE}
    assert ra.create_request(params(backup_vault_name="n", requester_comment="INC-1", tags={"k": "v"})) == {
        "SourceBackupVaultArn": SOURCE, "BackupVaultName": "n", "RequesterComment": "INC-1", "BackupVaultTags": {"k": "v"}}


@pytest.mark.parametrize("code, message, says", [
    ("InvalidParameterValueException", "not a logically air-gapped backup vault", "is not a logically air-gapped vault"),
    ("InvalidRequestException", "Backup vault x has no MPA approval team", "associate-backup-vault-mpa-approval-team"),
    ("InvalidRequestException", "Backup vault x is CREATING", "re-run once it is AVAILABLE"),
    ("ResourceNotFoundException", "nope", "not shared with this account"),
    ("AccessDeniedException", "nope", "not shared with this account"),
    ("AlreadyExistsException", "exists", "choose another name"),
    ("ThrottlingException", "slow down", "CreateRestoreAccessBackupVault of %s failed" % SOURCE),
])
def test_a_refused_request_says_what_to_do(code, message, says):
    explained = ra.explain(code, message, params(backup_vault_name="n"))
    assert says in explained and SOURCE in explained


def test_the_hint_names_the_vault_the_restores_take_or_the_session_to_approve():
    assert "-e restorekit_backup_vault_name=a" in ra.restore_hint(vault("a", "AVAILABLE"))
    assert SESSION + "b" in ra.restore_hint(vault("b", "CREATING"))


def describer(states):
    answers = list(states)

    def describe(name):
        state = answers.pop(0) if len(answers) > 1 else answers[0]
        return dict(vault(name, state), ResponseMetadata={"HTTPStatusCode": 200})

    return describe


def test_the_wait_ends_when_approved_with_a_progress_line_per_check():
    clock = Clock()
    current, progress = ra.wait_available(describer(["CREATING", "CREATING", "AVAILABLE"]), vault("a", "CREATING"), 60, 5,
                                          clock.sleep, clock)
    assert current["VaultState"] == "AVAILABLE" and "ResponseMetadata" not in current
    assert len(progress) == 3 and "waiting for the approval team (MPA session %sa)" % SESSION in progress[0]
    assert progress[-1].endswith("is AVAILABLE")


def test_a_rejection_during_the_wait_fails_naming_the_session():
    clock = Clock()
    with pytest.raises(ra.RestoreAccessError) as err:
        ra.wait_available(describer(["CREATING", "FAILED"]), vault("a", "CREATING"), 60, 5, clock.sleep, clock)
    assert "rejected MPA session %sa" % SESSION in str(err.value) and len(err.value.progress) == 2


def test_a_wait_past_its_timeout_says_the_re_run_adopts_the_request():
    clock = Clock()
    with pytest.raises(ra.RestoreAccessError) as err:
        ra.wait_available(describer(["CREATING"]), vault("a", "CREATING"), 10, 5, clock.sleep, clock)
    assert "still CREATING after" in str(err.value) and "re-run: the run adopts this request" in str(err.value)
    assert err.value.vault["VaultState"] == "CREATING" and err.value.progress


def test_only_available_vaults_without_a_pending_revoke_are_revoked():
    pending = vault("p", "AVAILABLE", LatestRevokeRequest={"Status": "PENDING", "MpaSessionArn": "s-p"})
    again = vault("g", "AVAILABLE", LatestRevokeRequest={"Status": "FAILED", "MpaSessionArn": "s-g"})
    revoke, notes = ra.revoke_plan([vault("a", "AVAILABLE"), pending, again, vault("c", "CREATING"), vault("f", "FAILED")])
    assert [v["BackupVaultName"] for v in revoke] == ["a", "g"]
    assert any("already waiting" in n and "s-p" in n for n in notes)
    assert any(n.startswith("c: CREATING") and "reject" in n for n in notes)
    assert any(n.startswith("f: FAILED") for n in notes)
    assert [v["BackupVaultName"] for v in ra.revoke_plan([vault("a", "AVAILABLE"), vault("b", "AVAILABLE")], name="b")[0]] == ["b"]


def test_the_revoke_wait_ends_when_the_vault_is_gone_and_fails_when_rejected():
    clock = Clock()
    seen = [[vault("a", "AVAILABLE", LatestRevokeRequest={"Status": "PENDING"})], []]
    progress = ra.wait_revoked(lambda: seen.pop(0), {vault("a", "AVAILABLE")["BackupVaultArn"]}, 60, 5, clock.sleep, clock)
    assert progress[0].endswith("a revoke pending") and progress[-1].endswith("revoked")
    rejected = [vault("a", "AVAILABLE", LatestRevokeRequest={"Status": "FAILED", "MpaSessionArn": "s-a"})]
    with pytest.raises(ra.RestoreAccessError, match="rejected the revoke request of a .MPA session s-a."):
        ra.wait_revoked(lambda: rejected, {rejected[0]["BackupVaultArn"]}, 60, 5, clock.sleep, clock)


def test_exposed_points_are_snake_case_with_iso_dates():
    point = {"RecoveryPointArn": "arn:rp", "ResourceArn": "arn:aws:s3:::b", "ResourceType": "S3", "Status": "COMPLETED",
             "CreationDate": datetime.datetime(2026, 12, 1, 5, tzinfo=datetime.timezone.utc), "BackupVaultName": "a",
             "SourceBackupVaultArn": SOURCE}
    assert ra.snake_point(point) == {
        "recovery_point_arn": "arn:rp", "resource_arn": "arn:aws:s3:::b", "resource_type": "S3", "status": "COMPLETED",
        "creation_date": "2026-12-01T05:00:00+00:00", "backup_vault_name": "a", "source_backup_vault_arn": SOURCE}


def stubbed_backup():
    client = boto3.client("backup", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    return client, Stubber(client)


def test_the_vaults_of_a_source_are_found_from_this_account_across_pages_and_a_vanished_one_is_skipped():
    """ListBackupVaults by type (every page), then DescribeBackupVault each: only the source's are kept, most usable
    first; one revoked between the list and the describe is not an error."""
    client, stub = stubbed_backup()
    stub.add_response("list_backup_vaults", {"BackupVaultList": [{"BackupVaultName": "old"}, {"BackupVaultName": "other"}],
                                             "NextToken": "t"}, {"ByVaultType": ra.RESTORE_ACCESS})
    stub.add_response("describe_backup_vault", vault("old", "FAILED", 1), {"BackupVaultName": "old"})
    stub.add_response("describe_backup_vault", dict(vault("other", "AVAILABLE"), SourceBackupVaultArn=SOURCE + "-2"),
                      {"BackupVaultName": "other"})
    stub.add_response("list_backup_vaults", {"BackupVaultList": [{"BackupVaultName": "gone"}, {"BackupVaultName": "new"}]},
                      {"ByVaultType": ra.RESTORE_ACCESS, "NextToken": "t"})
    stub.add_client_error("describe_backup_vault", "AccessDeniedException", expected_params={"BackupVaultName": "gone"})
    stub.add_response("describe_backup_vault", vault("new", "AVAILABLE", 2), {"BackupVaultName": "new"})
    with stub:
        found = ra.access_vaults_of(client, SOURCE)
    assert [(v["BackupVaultName"], v["VaultState"]) for v in found] == [("new", "AVAILABLE"), ("old", "FAILED")]
    stub.assert_no_pending_responses()


def test_the_owner_lists_the_sources_restore_access_vaults_in_any_account_with_their_revoke_requests():
    """ListRestoreAccessBackupVaults (every page) of the source's name: each vault named from its ARN (it may be another
    account's), most usable first."""
    client, stub = stubbed_backup()
    theirs = "arn:aws:backup:us-east-1:210987654321:backup-vault:recovery-access"
    ours = "arn:aws:backup:us-east-1:123456789012:backup-vault:old-access"
    stub.add_response("list_restore_access_backup_vaults", {"RestoreAccessBackupVaults": [
        {"RestoreAccessBackupVaultArn": ours, "VaultState": "FAILED"}], "NextToken": "t"}, {"BackupVaultName": "app-prod-airgap-vault"})
    stub.add_response("list_restore_access_backup_vaults", {"RestoreAccessBackupVaults": [
        {"RestoreAccessBackupVaultArn": theirs, "VaultState": "AVAILABLE", "LatestRevokeRequest": {"Status": "PENDING"}}]},
        {"BackupVaultName": "app-prod-airgap-vault", "NextToken": "t"})
    with stub:
        found = ra.source_access_vaults(client, SOURCE)
    assert [(v["BackupVaultName"], v["BackupVaultArn"], v["VaultState"]) for v in found] == [
        ("recovery-access", theirs, "AVAILABLE"), ("old-access", ours, "FAILED")]
    assert found[0]["LatestRevokeRequest"] == {"Status": "PENDING"}
    revoke, notes = ra.revoke_plan(found + [{"BackupVaultName": "asked", "VaultState": "CREATING"}])
    assert revoke == [] and "already waiting" in notes[0] and notes[-1].endswith("ask the approvers to reject the pending request")


def test_revoking_is_the_owners_call_and_a_missing_source_is_not_found_or_not_allowed():
    ra.check_revoker(SOURCE.split(":")[4], SOURCE)
    with pytest.raises(ra.RestoreAccessError) as raised:
        ra.check_revoker("210987654321", SOURCE)
    assert "run state=absent with the credentials of account %s" % SOURCE.split(":")[4] in raised.value.message
    assert "this is account 210987654321" in raised.value.message
    client, stub = stubbed_backup()
    stub.add_client_error("list_restore_access_backup_vaults", "AccessDeniedException",
                          expected_params={"BackupVaultName": "app-prod-airgap-vault"})
    with stub, pytest.raises(ra.RestoreAccessError) as raised:
        ra.source_access_vaults(client, SOURCE)
    assert "not found, or not allowed (AWS answered AccessDeniedException)" in raised.value.message
    assert "backup:ListRestoreAccessBackupVaults" in raised.value.message


def test_the_report_names_the_vault_requested_the_vaults_revoked_and_leaves_the_air_gapped_vault_alone():
    source = "arn:aws:backup:us-east-1:123456789012:backup-vault:lag"
    assert ra.report_resources(source, "arn:aws:backup:us-east-1:123456789012:backup-vault:access") == {
        "created": ["arn:aws:backup:us-east-1:123456789012:backup-vault:access"], "changed": [], "left_alone": [source]}
    assert ra.report_resources(source, revoked=["arn:x"]) == {"created": [], "changed": ["arn:x"], "left_alone": [source]}
    assert ra.report_resources(source) == {"created": [], "changed": [], "left_alone": [source]}
