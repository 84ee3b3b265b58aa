# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""recovery_point_info with tenant_id (or an S3 bucket by name) lists with the server-side filter ByResourceArn: in a
vault of 2,500 points it makes ceil(matching/1000) calls, within the ceil(matching/1000)+1 that bench/README.md promises,
instead of listing every S3 point of the vault and filtering by name afterwards."""

from __future__ import annotations

import datetime
import math

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
VAULT = "multi-tenant-app-prod-backup-vault"
PAGE = 1000  # ListRecoveryPointsByBackupVault returns at most 1,000 points a page


def vault_points(total=2500, tenant_points=1200):
    """TOTAL points: TENANT_POINTS of tenant 1's bucket, the rest spread over tenants 10..99 (tenant 12 and 100 among them)."""
    points = []
    for index in range(total):
        tenant = "1" if index < tenant_points else str(10 + index % 90)
        points.append({
            "RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:%08d" % index,
            "BackupVaultName": VAULT, "ResourceArn": "arn:aws:s3:::multi-tenant-app-prod-tenant-%s" % tenant,
            "ResourceType": "S3", "Status": "COMPLETED",
            "CreationDate": NOW - datetime.timedelta(hours=index + 1),
        })
    return points


def stub_server(client, points, request):
    """Answer REQUEST as AWS would (its filters, pages of 1,000), each page expected with exactly these parameters."""
    stubber = Stubber(client)
    wanted = [p for p in points if p["ResourceType"] == request.get("ByResourceType", p["ResourceType"])
              and p["ResourceArn"] == request.get("ByResourceArn", p["ResourceArn"])]
    pages = [wanted[start:start + PAGE] for start in range(0, len(wanted), PAGE)] or [[]]
    for number, page in enumerate(pages):
        expected = dict(request)
        if number:
            expected["NextToken"] = "page-%d" % number
        response = {"RecoveryPoints": page}
        if number + 1 < len(pages):
            response["NextToken"] = "page-%d" % (number + 1)
        stubber.add_response("list_recovery_points_by_backup_vault", response, expected)
    return stubber


@pytest.fixture(name="client")
def client_fixture():
    return boto3.client("backup", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


def count_calls(client):
    calls = []
    client.meta.events.register("before-call.backup.ListRecoveryPointsByBackupVault", lambda **kwargs: calls.append(kwargs["params"]))
    return calls


@pytest.mark.parametrize("total, tenant_points", [(2500, 300), (5000, 1200)])
@pytest.mark.parametrize("params", [
    {"project_name": "multi-tenant-app", "environment": "prod", "tenant_id": "1"},
    {"backup_vault_name": VAULT, "resource_type": "S3", "resource_name": "multi-tenant-app-prod-tenant-1"},
])
def test_a_tenant_bucket_is_listed_by_its_arn_in_few_calls(client, params, total, tenant_points):
    points = vault_points(total, tenant_points)
    query = rp.build_query(dict(params, select="latest"), now=NOW, region="us-east-1")
    arn = "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    calls = count_calls(client)
    with stub_server(client, points, query["request"]) as stubber:
        listed = rp.list_recovery_points(client, query)
        stubber.assert_no_pending_responses()
    matching = [p for p in points if p["ResourceArn"] == arn]
    # bench/README.md: at most ceil(matching/1000) + 1 calls, whatever the size of the vault.
    assert len(calls) <= math.ceil(len(matching) / PAGE) + 1, "%d calls for %d matching points" % (len(calls), len(matching))
    assert all(call.get("ByResourceArn") == arn for call in calls)
    assert query["request"] == {"BackupVaultName": VAULT, "ByResourceType": "S3", "ByResourceArn": arn}
    assert len(listed) == len(matching) == tenant_points
    found = rp.find_recovery_points(listed, query)
    assert found["recovery_point"]["RecoveryPointArn"] == max(matching, key=lambda p: p["CreationDate"])["RecoveryPointArn"]


def test_tenant_1_never_selects_tenant_12_or_100_even_if_the_server_returned_them(client):
    """The exact client-side name filter stays: a point of another bucket in a page is never selected."""
    query = rp.build_query({"project_name": "multi-tenant-app", "environment": "prod", "tenant_id": "1", "select": "latest"}, now=NOW)
    points = vault_points(total=30, tenant_points=3)
    stray = dict(points[-1], ResourceArn="arn:aws:s3:::multi-tenant-app-prod-tenant-12", CreationDate=NOW)
    found = rp.find_recovery_points(points[:3] + [stray], query)
    assert found["recovery_point"]["RecoveryPointArn"] == points[0]["RecoveryPointArn"]


def test_the_arn_carries_the_partition_of_the_region():
    query = rp.build_query({"project_name": "app", "environment": "prod", "tenant_id": "1"}, now=NOW, region="cn-north-1")
    assert query["request"]["ByResourceArn"] == "arn:aws-cn:s3:::app-prod-tenant-1"


def test_a_dotted_tenant_is_listed_with_a_warning():
    query = rp.build_query({"project_name": "app", "environment": "prod", "tenant_id": "1.2"}, now=NOW)
    assert query["request"]["ByResourceArn"] == "arn:aws:s3:::app-prod-tenant-1.2"
    assert len(query["warnings"]) == 1 and "tenant_id='1.2'" in query["warnings"][0]


@pytest.mark.parametrize("tenant", ["1/2", "..", "1..2", "1.-2", "Tenant1", "a b", "x" * 60])
def test_a_tenant_that_cannot_be_a_bucket_is_refused_before_any_call(tenant):
    with pytest.raises(rp.RecoveryPointError) as caught:
        rp.build_query({"project_name": "app", "environment": "prod", "tenant_id": tenant}, now=NOW)
    assert "tenant_id=%r" % tenant in caught.value.message


def test_a_vault_aws_answers_access_denied_for_reads_as_not_found_or_not_allowed(client):
    """AWS answers a missing vault as a caller without the permission: the message says both and how to tell them apart."""
    stubber = Stubber(client)
    stubber.add_client_error("list_recovery_points_by_backup_vault", service_error_code="AccessDeniedException",
                             service_message="Insufficient privileges to perform this action.", http_status_code=403)
    with stubber, pytest.raises(rp.RecoveryPointError) as raised:
        rp.list_recovery_points(client, {"vault": "shop-prod-vault", "request": {"BackupVaultName": "shop-prod-vault"}})
    message = raised.value.message
    assert message.startswith("backup vault shop-prod-vault not found, or not allowed (backup_vault_name=shop-prod-vault)")
    assert "aws backup list-backup-vaults" in message and "backup:ListRecoveryPointsByBackupVault" in message


def test_a_shared_vault_is_listed_with_its_owners_account_and_an_account_id_is_checked_first():
    query = rp.build_query({"backup_vault_name": "shared-airgap", "backup_vault_account_id": "210987654321"}, now=NOW)
    assert query["request"] == {"BackupVaultName": "shared-airgap", "BackupVaultAccountId": "210987654321"}
    assert rp.searched(query)["backup_vault_account_id"] == "210987654321"
    assert rp.searched(rp.build_query({"backup_vault_name": "own"}, now=NOW))["backup_vault_account_id"] is None
    for bad in ("12345", "21098765432a", " 210987654321"):
        with pytest.raises(rp.RecoveryPointError) as caught:
            rp.build_query({"backup_vault_name": "shared-airgap", "backup_vault_account_id": bad}, now=NOW)
        assert "backup_vault_account_id=%r" % bad in caught.value.message and "12 digits" in caught.value.message


def test_another_accounts_vault_aws_refuses_is_not_found_not_shared_or_not_allowed(client):
    """With BackupVaultAccountId, AccessDeniedException also means the owner has not shared the vault through AWS RAM."""
    stubber = Stubber(client)
    stubber.add_client_error("list_recovery_points_by_backup_vault", service_error_code="AccessDeniedException",
                             service_message="Insufficient privileges to perform this action.", http_status_code=403)
    request = {"BackupVaultName": "shared-airgap", "BackupVaultAccountId": "210987654321"}
    with stubber, pytest.raises(rp.RecoveryPointError) as raised:
        rp.list_recovery_points(client, {"vault": "shared-airgap", "request": request})
    message = raised.value.message
    assert message.startswith("backup vault shared-airgap of account 210987654321 not found, not shared with this account, or not allowed")
    assert "list-backup-vaults --by-shared" in message and "accept the invitation" in message
