# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bucket side of a tenant restore, for many tenants in one run (``restorekit.aws.s3_staging_bucket``).

- ``read_pair``: what a restore must know before it starts: does the production bucket exist, which event
  notifications and replication rules fire on every object copied into it, does the staging bucket exist and what
  are its tags (is it this restore's own?).
- ``harden``: a staging bucket made private (all four public access blocks) and tagged, other tags kept; with
  ``prepare``, first made when missing and given ACLs (object ownership ``BucketOwnerPreferred``), as an AWS Backup
  restore into an existing bucket needs (one that disables ACLs, ``BucketOwnerEnforced``, fails the restore).
- ``for_each``: either over many pairs on a bounded thread pool, results in input order.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import AnsibleS3Error

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
NOTIFICATION_KINDS = ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations", "EventBridgeConfiguration")
MISSING_BUCKET = ("404", "NoSuchBucket", "NotFound")
# ACLs enabled, the bucket owner owning every object written with bucket-owner-full-control: what an AWS Backup restore
# into an existing bucket needs (S3 user guide, "Controlling ownership of objects and disabling ACLs").
ACLS_ENABLED = "BucketOwnerPreferred"
ACLS_DISABLED = "BucketOwnerEnforced"


def bucket_exists(client, bucket):
    """True when BUCKET exists (and the caller may see it); False on 404."""
    try:
        client.head_bucket(Bucket=bucket)
        return True
    except is_boto3_error_code(MISSING_BUCKET):
        return False


def bucket_tags(client, bucket):
    try:
        tag_set = client.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    except is_boto3_error_code("NoSuchTagSet"):
        return {}
    return dict((tag["Key"], tag["Value"]) for tag in tag_set)


def notification_kinds(client, bucket):
    """The kinds of event notification BUCKET sends (SNS, SQS, Lambda, EventBridge), in a fixed order."""
    configuration = client.get_bucket_notification_configuration(Bucket=bucket)
    return [kind for kind in NOTIFICATION_KINDS if configuration.get(kind)]


def replication_rules(client, bucket):
    try:
        return len(client.get_bucket_replication(Bucket=bucket).get("ReplicationConfiguration", {}).get("Rules", []))
    except is_boto3_error_code("ReplicationConfigurationNotFoundError"):
        return 0


def read_pair(client, pair):
    """Facts of one production/staging pair; reads only."""
    production, staging = pair["production_bucket"], pair["staging_bucket"]
    out = {"production_bucket": production, "staging_bucket": staging, "production_exists": bucket_exists(client, production),
           "production_notifications": [], "production_replication_rules": 0, "staging_exists": bucket_exists(client, staging),
           "staging_tags": {}}
    if out["production_exists"]:
        out["production_notifications"] = notification_kinds(client, production)
        out["production_replication_rules"] = replication_rules(client, production)
        # With ACLs enabled an object may carry a public ACL; AWS Backup does not restore such an object into a bucket
        # that blocks public access (every staging bucket).
        out["production_acls_enabled"] = acls_enabled(client, production)
    if out["staging_exists"]:
        out["staging_tags"] = bucket_tags(client, staging)
        # A restore into a bucket with ACLs disabled fails (prepare enables them on this restore's own).
        out["staging_acls_enabled"] = acls_enabled(client, staging)
    return out


def public_access_block(client, bucket):
    try:
        return client.get_public_access_block(Bucket=bucket).get("PublicAccessBlockConfiguration", {})
    except is_boto3_error_code("NoSuchPublicAccessBlockConfiguration"):
        return {}


def object_ownership(client, bucket):
    """BUCKET's object ownership; a bucket without the setting has ACLs enabled (``ObjectWriter``)."""
    try:
        rules = client.get_bucket_ownership_controls(Bucket=bucket).get("OwnershipControls", {}).get("Rules") or []
    except is_boto3_error_code("OwnershipControlsNotFoundError"):
        return "ObjectWriter"
    return rules[0].get("ObjectOwnership", "ObjectWriter") if rules else "ObjectWriter"


def acls_enabled(client, bucket):
    """Whether BUCKET's object ownership lets ACLs work (anything but ``BucketOwnerEnforced``)."""
    return object_ownership(client, bucket) != ACLS_DISABLED


def _make(client, bucket, check_mode):
    """Create BUCKET in the client's region with ACLs enabled; True (in check mode: would be)."""
    if not check_mode:
        request = {"Bucket": bucket, "ObjectOwnership": ACLS_ENABLED}
        region = client.meta.region_name
        if region and region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(**request)
    return True


def harden(client, pair, check_mode=False, prepare=False):
    """Block all public access on the staging bucket and merge PAIR's ``tags`` into its tags (others kept). PREPARE: first
    create a missing staging bucket (ACLs enabled), and enable ACLs on one that disables them.

    Returns the pair's facts with ``changed`` and what changed (``created``, ``acls_enabled``, ``public_access_blocked``,
    ``tags_set``). A staging bucket that does not exist, without PREPARE, raises ``StagingBucketError``.
    """
    staging = pair["staging_bucket"]
    created = acls_turned_on = False
    if not bucket_exists(client, staging):
        if not prepare:
            raise StagingBucketError("staging bucket {0} does not exist (the restore job did not create it)".format(staging))
        created = _make(client, staging, check_mode)
    elif prepare and not acls_enabled(client, staging):
        acls_turned_on = True
        if not check_mode:
            client.put_bucket_ownership_controls(Bucket=staging, OwnershipControls={"Rules": [{"ObjectOwnership": ACLS_ENABLED}]})
    # S3 blocks all public access on a bucket it creates (since April 2023); read it unless the bucket is not made yet.
    current_block = dict(PUBLIC_ACCESS_BLOCK) if created and check_mode else public_access_block(client, staging)
    block_needed = any(current_block.get(name) is not True for name in PUBLIC_ACCESS_BLOCK)
    tags = {} if created else bucket_tags(client, staging)
    wanted = dict(tags)
    wanted.update((str(key), str(value)) for key, value in (pair.get("tags") or {}).items())
    tags_needed = wanted != tags
    if not check_mode:
        if block_needed:
            client.put_public_access_block(Bucket=staging, PublicAccessBlockConfiguration=dict(PUBLIC_ACCESS_BLOCK))
        if tags_needed:
            client.put_bucket_tagging(Bucket=staging, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(wanted.items())]})
    return {"production_bucket": pair["production_bucket"], "staging_bucket": staging,
            "changed": created or acls_turned_on or block_needed or tags_needed, "created": created, "acls_enabled": acls_turned_on,
            "public_access_blocked": block_needed, "tags_set": sorted(k for k in wanted if tags.get(k) != wanted[k]),
            "staging_tags": wanted}


class StagingBucketError(AnsibleS3Error):
    """A staging bucket that cannot be made private and tagged."""

    def __init__(self, message, exception=None):
        super().__init__(message=message, exception=exception)


def for_each(function, pairs, concurrency):
    """FUNCTION(pair) for every pair on at most CONCURRENCY threads; results in the order of PAIRS.

    An error is returned in place of its pair's result (``{"error": message, ...}``), so one bucket that cannot be
    read or changed does not hide the others.
    """
    def one(pair):
        try:
            return function(pair)
        except StagingBucketError as error:
            return {"production_bucket": pair["production_bucket"], "staging_bucket": pair["staging_bucket"], "error": error.message}
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            return {"production_bucket": pair["production_bucket"], "staging_bucket": pair["staging_bucket"], "error": str(error)}

    if not pairs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(pairs)))) as pool:
        return list(pool.map(one, pairs))
