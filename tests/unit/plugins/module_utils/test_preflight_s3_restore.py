"""Preflight of a tenant S3 restore (module_utils/_backup/preflight.py ``check_s3_restore``): what would make AWS Backup's
restore fail or leave objects out is named before anything starts; S3 in-process (moto)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight
from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight_report

PAIR = {"production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore"}


@pytest.fixture
def s3():
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1")


def test_a_tenant_restore_with_nothing_in_its_way_passes(s3):
    s3.create_bucket(Bucket=PAIR["production_bucket"], ObjectOwnership="BucketOwnerEnforced")
    check = preflight.check_s3_restore(s3, PAIR)
    assert (check["ok"], check["status"]) == (True, "passed")


def test_acls_disabled_on_an_existing_staging_bucket_and_public_acls_in_production_are_warnings_with_what_to_do(s3):
    s3.create_bucket(Bucket=PAIR["production_bucket"], ObjectOwnership="ObjectWriter")
    s3.create_bucket(Bucket=PAIR["staging_bucket"], ObjectOwnership="BucketOwnerEnforced")
    check = preflight.check_s3_restore(s3, PAIR)
    assert (check["ok"], check["status"]) == (None, "warning")
    assert "staging bucket app-prod-tenant-12-restore exists with ACLs disabled" in check["detail"]
    assert "production bucket app-prod-tenant-12 has ACLs enabled: objects that carried a public ACL" in check["detail"]
    assert "s3_restore enables ACLs on its own staging bucket" in check["fix"] and "not as lost" in check["detail"]
    assert "restore them by hand if they must come back" in check["fix"]
    report = preflight_report.report_checks([check])
    assert report[0]["result"] == "warn"
    assert preflight_report.failure_message([check]) in ("", None)
