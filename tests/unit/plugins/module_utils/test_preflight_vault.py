# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight's vault check reads AWS's answer to a missing vault (AccessDeniedException, as for a caller without
backup:DescribeBackupVault) as "not found, or not allowed", with how to tell which."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff


@pytest.fixture(name="backup")
def backup_fixture():
    return boto3.client("backup", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException"])
def test_a_missing_vault_is_not_found_or_not_allowed(backup, code):
    stubber = Stubber(backup)
    stubber.add_client_error("describe_backup_vault", service_error_code=code, service_message="Insufficient privileges to perform this action.",
                             http_status_code=403)
    with stubber:
        vault, check = preflight.check_vault(RetryingBotoClientWrapper(backup, jittered_backoff()), "shop-prod-vault",
                                             runbook_name="shop-prod-backup-vault")
    assert vault == {}
    assert check["ok"] is False
    assert check["detail"] == "backup vault shop-prod-vault not found, or not allowed (backup_vault_name=shop-prod-vault): AWS answers both with " + code
    assert "aws backup list-backup-vaults" in check["fix"] and "backup:DescribeBackupVault" in check["fix"]
    assert "the runbook names the vault shop-prod-backup-vault" in check["fix"]


def test_another_error_is_shown_as_it_came(backup):
    stubber = Stubber(backup)
    stubber.add_client_error("describe_backup_vault", service_error_code="InvalidParameterValueException", service_message="bad name",
                             http_status_code=400)
    with stubber:
        vault, check = preflight.check_vault(RetryingBotoClientWrapper(backup, jittered_backoff()), "shop prod")
    assert vault == {} and check["ok"] is False and "bad name" in check["detail"]
