"""A tenant restore's staging bucket made ready (module_utils/_s3/buckets.py ``harden``): with ``prepare``, an existing
bucket that disables ACLs gets them enabled (AWS Backup's S3 restore fails into a bucket without ACLs), public access
stays blocked, its own tags are kept; check mode says the same and changes nothing. S3 in-process (moto)."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import buckets

PAIR = {"production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore",
        "tags": {"restorekit:purpose": "staging"}}


@pytest.fixture
def s3():
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=PAIR["staging_bucket"], ObjectOwnership="BucketOwnerEnforced")
        client.put_bucket_tagging(Bucket=PAIR["staging_bucket"], Tagging={"TagSet": [{"Key": "owner", "Value": "platform"}]})
        yield client


def ownership(s3):
    return s3.get_bucket_ownership_controls(Bucket=PAIR["staging_bucket"])["OwnershipControls"]["Rules"][0]["ObjectOwnership"]


def test_prepare_enables_acls_on_an_existing_bucket_that_disables_them(s3):
    result = buckets.harden(s3, PAIR, prepare=True)
    assert (result["changed"], result["created"], result["acls_enabled"]) == (True, False, True)
    assert ownership(s3) == buckets.ACLS_ENABLED
    assert buckets.acls_enabled(s3, PAIR["staging_bucket"])
    assert s3.get_public_access_block(Bucket=PAIR["staging_bucket"])["PublicAccessBlockConfiguration"] == buckets.PUBLIC_ACCESS_BLOCK
    assert result["staging_tags"] == {"owner": "platform", "restorekit:purpose": "staging"}
    again = buckets.harden(s3, PAIR, prepare=True)
    assert (again["changed"], again["acls_enabled"]) == (False, False)


def test_prepare_in_check_mode_says_so_and_changes_nothing(s3):
    result = buckets.harden(s3, PAIR, check_mode=True, prepare=True)
    assert (result["changed"], result["acls_enabled"]) == (True, True)
    assert ownership(s3) == "BucketOwnerEnforced"


def test_without_prepare_an_existing_bucket_keeps_its_ownership(s3):
    result = buckets.harden(s3, PAIR)
    assert result["acls_enabled"] is False
    assert ownership(s3) == "BucketOwnerEnforced"
