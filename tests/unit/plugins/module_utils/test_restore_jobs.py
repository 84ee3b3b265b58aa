# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restore_jobs.wait_many: one wait for several restore jobs (fake client and clock)."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs as jobs
from tests.unit.fake_clock import Clock


class FakeBackup:
    """DescribeRestoreJob answers from a script: job id -> list of statuses, one per describe (the last repeats)."""

    def __init__(self, script):
        self.script = dict((job_id, list(statuses)) for job_id, statuses in script.items())
        self.calls = []

    def describe_restore_job(self, RestoreJobId):  # pylint: disable=invalid-name
        self.calls.append(RestoreJobId)
        statuses = self.script[RestoreJobId]
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        return {"RestoreJobId": RestoreJobId, "Status": status, "StatusMessage": "boom" if status == "FAILED" else None}


def test_waits_for_all_in_order_and_stops_describing_finished_jobs():
    client, clock = FakeBackup({"a": ["RUNNING", "COMPLETED"], "b": ["RUNNING", "RUNNING", "RUNNING", "COMPLETED"]}), Clock()
    polls = []
    done = jobs.wait_many(client, ["b", "a"], 600, 2, lambda polled, waited: polls.append([j["Status"] for j in polled]),
                          sleep=clock.sleep, clock=clock)
    assert [j["RestoreJobId"] for j in done] == ["b", "a"]
    assert polls[-1] == ["COMPLETED", "COMPLETED"]
    assert client.calls.count("a") == 2  # not described again once COMPLETED
    assert clock.now == pytest.approx(0.2 * 3)  # one sleep per round, not one wait per job


def test_a_job_that_ends_in_seconds_is_seen_ended_within_one_quick_check():
    client, clock = FakeBackup({"quick": ["RUNNING", "COMPLETED"]}), Clock()
    jobs.wait(client, "quick", 600, 15, sleep=clock.sleep, clock=clock)
    assert clock.now == pytest.approx(0.2)


def test_a_failed_job_fails_after_all_have_ended_naming_it():
    client, clock = FakeBackup({"bad": ["FAILED"], "good": ["RUNNING", "COMPLETED"]}), Clock()
    with pytest.raises(jobs.RestoreJobError) as raised:
        jobs.wait_many(client, ["bad", "good"], 600, 1, sleep=clock.sleep, clock=clock)
    assert "restore job bad FAILED: boom" in raised.value.message and "good" not in raised.value.message
    assert [j["Status"] for j in raised.value.jobs] == ["FAILED", "COMPLETED"]


def test_timeout_names_only_the_jobs_still_running():
    client, clock = FakeBackup({"slow": ["RUNNING"], "quick": ["COMPLETED"]}), Clock()
    with pytest.raises(jobs.RestoreJobError) as raised:
        jobs.wait_many(client, ["quick", "slow"], 5, 2, sleep=clock.sleep, clock=clock)
    assert "restore job slow is still RUNNING" in raised.value.message and "quick" not in raised.value.message


def test_no_jobs_returns_at_once():
    assert not jobs.wait_many(FakeBackup({}), [], 10, 1, sleep=pytest.fail)


def test_settle_returns_a_quick_job_ended_and_a_slow_one_as_it_is_without_failing():
    """Within one module run: a job that ends within the slice comes back COMPLETED; one that does not comes back
    RUNNING once the slice is spent, with no error."""
    client, clock = FakeBackup({"quick": ["PENDING", "RUNNING", "COMPLETED"]}), Clock()
    assert jobs.settle(client, "quick", 2, sleep=clock.sleep, clock=clock)["Status"] == "COMPLETED"
    assert clock.now == pytest.approx(0.2 + 0.2)
    client, clock = FakeBackup({"slow": ["RUNNING"]}), Clock()
    assert jobs.settle(client, "slow", 2, sleep=clock.sleep, clock=clock)["Status"] == "RUNNING"
    assert clock.now <= 2
    assert jobs.settle(FakeBackup({"x": ["RUNNING"]}), "x", 0, sleep=pytest.fail)["Status"] == "RUNNING"


class FakeSts:
    def get_caller_identity(self):
        return {"Account": "210987654321", "Arn": "arn:aws:iam::210987654321:user/responder", "UserId": "AIDA"}


def test_the_runbook_role_is_named_in_the_callers_account():
    assert jobs.runbook_role_arn(FakeSts().get_caller_identity(), "acme-shop", "dr") == "arn:aws:iam::210987654321:role/acme-shop-dr-backup-role"


class SharedVault:
    """AWS Backup reads of a vault another account shares: records each request; DENIED answers AccessDeniedException."""

    def __init__(self, denied=False):
        self.denied = denied
        self.requests = []

    def describe_recovery_point(self, **request):
        self.requests.append(("describe_recovery_point", request))
        if self.denied:
            raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, "DescribeRecoveryPoint")
        return {"ResourceType": "S3", "Status": "COMPLETED"}

    def get_recovery_point_restore_metadata(self, **request):
        self.requests.append(("get_recovery_point_restore_metadata", request))
        return {"RestoreMetadata": {"DestinationBucketName": "b"}}


def test_a_shared_vaults_point_is_read_with_its_owners_account():
    client = SharedVault()
    jobs.describe_recovery_point(client, "shared-airgap", "arn:p", "210987654321")
    jobs.recovery_point_metadata(client, "shared-airgap", "arn:p", "210987654321")
    jobs.describe_recovery_point(client, "own-vault", "arn:q")
    assert [request for _call, request in client.requests] == [
        {"BackupVaultName": "shared-airgap", "BackupVaultAccountId": "210987654321", "RecoveryPointArn": "arn:p"},
        {"BackupVaultName": "shared-airgap", "BackupVaultAccountId": "210987654321", "RecoveryPointArn": "arn:p"},
        {"BackupVaultName": "own-vault", "RecoveryPointArn": "arn:q"}]


def test_a_point_of_a_vault_not_shared_names_the_vault_its_owner_and_the_share():
    with pytest.raises(jobs.RestoreJobError) as raised:
        jobs.describe_recovery_point(SharedVault(denied=True), "shared-airgap", "arn:p", "210987654321")
    assert "backup vault shared-airgap of account 210987654321 not found, not shared with this account" in raised.value.message
    assert "backup:DescribeRecoveryPoint" in raised.value.message
    # In the caller's own account AccessDeniedException stays AWS's error, for the module's one handler.
    with pytest.raises(jobs.AnsibleBackupError) as other:
        jobs.describe_recovery_point(SharedVault(denied=True), "own-vault", "arn:p")
    assert not isinstance(other.value, jobs.RestoreJobError)
    assert other.value.exception.response["Error"]["Code"] == "AccessDeniedException"


def plan_params(**given):
    params = {"recovery_point_arn": "arn:aws:backup:us-east-1:210987654321:recovery-point:p1", "backup_vault_name": "shared-airgap",
              "backup_vault_account_id": "210987654321", "project_name": None, "environment": None, "resource_type": None,
              "metadata": {"NewBucket": True}, "target_name": "tenant-12-recovered", "allow_source_target": False,
              "iam_role_arn": "arn:aws:iam::123456789012:role/backup", "adopt_window_hours": 24, "copy_source_tags": False}
    params.update(given)
    return params


def test_the_role_must_be_of_the_callers_account_whichever_account_owns_the_point():
    """A point of a vault shared with the caller: the role is the caller's (123456789012), not the point's owner's."""
    class Backup(SharedVault):
        def get_paginator(self, name):
            assert name == "list_restore_jobs"
            return type("Pages", (), {"paginate": lambda self, **request: type("R", (), {"build_full_result": lambda self: {}})()})()

    planned = jobs.plan(Backup(), plan_params(), "us-east-1", role_of=None, exists=None, caller_account=lambda: "123456789012")
    assert planned["request"]["IamRoleArn"] == "arn:aws:iam::123456789012:role/backup"
    with pytest.raises(jobs.RestoreJobError) as raised:
        jobs.plan(Backup(), plan_params(iam_role_arn="arn:aws:iam::210987654321:role/backup"), "us-east-1", role_of=None,
                  exists=None, caller_account=lambda: "123456789012")
    assert "iam_role_arn='arn:aws:iam::210987654321:role/backup'" in raised.value.message
    assert "restore runs in account 123456789012" in raised.value.message


class GovCloudSts:
    def get_caller_identity(self):
        return {"Account": "210987654321", "Arn": "arn:aws-us-gov:sts::210987654321:assumed-role/responder/me", "UserId": "AROA"}


def test_the_runbook_role_is_in_the_callers_partition():
    assert jobs.runbook_role_arn(GovCloudSts().get_caller_identity(), "acme-shop", "dr") == "arn:aws-us-gov:iam::210987654321:role/acme-shop-dr-backup-role"
