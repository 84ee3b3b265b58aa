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

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import AnsibleS3Error
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import S3ErrorHandler

PUBLIC_ACCESS_BLOCK = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
NOTIFICATION_KINDS = ("TopicConfigurations", "QueueConfigurations", "LambdaFunctionConfigurations", "EventBridgeConfiguration")
# ACLs enabled, the bucket owner owning every object written with bucket-owner-full-control: what an AWS Backup restore
# into an existing bucket needs (S3 user guide, "Controlling ownership of objects and disabling ACLs").
ACLS_ENABLED = "BucketOwnerPreferred"
ACLS_DISABLED = "BucketOwnerEnforced"


# Every call here fails with AnsibleS3Error ("Failed to <what was being done>: <what S3 said>"); a bucket or a setting
# that is not there is the reader's default (S3ErrorHandler's list handler).

@S3ErrorHandler.list_error_handler("read bucket", default_value=False)
def bucket_exists(client, bucket):
    """True when BUCKET exists (and the caller may see it); False on 404."""
    client.head_bucket(Bucket=bucket)
    return True


@S3ErrorHandler.list_error_handler("get bucket tags", default_value={})
def bucket_tags(client, bucket):
    tag_set = client.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
    return dict((tag["Key"], tag["Value"]) for tag in tag_set)


@S3ErrorHandler.common_error_handler("get bucket notification configuration")
def notification_kinds(client, bucket):
    """The kinds of event notification BUCKET sends (SNS, SQS, Lambda, EventBridge), in a fixed order."""
    configuration = client.get_bucket_notification_configuration(Bucket=bucket)
    return [kind for kind in NOTIFICATION_KINDS if configuration.get(kind)]


@S3ErrorHandler.list_error_handler("get bucket replication", default_value=0)
def replication_rules(client, bucket):
    return len(client.get_bucket_replication(Bucket=bucket).get("ReplicationConfiguration", {}).get("Rules", []))


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


@S3ErrorHandler.list_error_handler("get bucket public access block", default_value={})
def public_access_block(client, bucket):
    return client.get_public_access_block(Bucket=bucket).get("PublicAccessBlockConfiguration", {})


@S3ErrorHandler.list_error_handler("get bucket ownership controls", default_value="ObjectWriter")
def object_ownership(client, bucket):
    """BUCKET's object ownership; a bucket without the setting has ACLs enabled (``ObjectWriter``)."""
    rules = client.get_bucket_ownership_controls(Bucket=bucket).get("OwnershipControls", {}).get("Rules") or []
    return rules[0].get("ObjectOwnership", "ObjectWriter") if rules else "ObjectWriter"


def acls_enabled(client, bucket):
    """Whether BUCKET's object ownership lets ACLs work (anything but ``BucketOwnerEnforced``)."""
    return object_ownership(client, bucket) != ACLS_DISABLED


@S3ErrorHandler.common_error_handler("create bucket")
def _make(client, bucket, check_mode):
    """Create BUCKET in the client's region with ACLs enabled; True (in check mode: would be)."""
    if not check_mode:
        request = {"Bucket": bucket, "ObjectOwnership": ACLS_ENABLED}
        region = client.meta.region_name
        if region and region != "us-east-1":
            request["CreateBucketConfiguration"] = {"LocationConstraint": region}
        client.create_bucket(**request)
    return True


@S3ErrorHandler.common_error_handler("enable bucket ACLs")
def _enable_acls(client, bucket):
    client.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": ACLS_ENABLED}]})


@S3ErrorHandler.common_error_handler("block public access")
def _block_public_access(client, bucket):
    client.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict(PUBLIC_ACCESS_BLOCK))


@S3ErrorHandler.common_error_handler("tag bucket")
def _tag(client, bucket, tags):
    client.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


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
            _enable_acls(client, staging)
    # S3 blocks all public access on a bucket it creates (since April 2023); read it unless the bucket is not made yet.
    current_block = dict(PUBLIC_ACCESS_BLOCK) if created and check_mode else public_access_block(client, staging)
    block_needed = any(current_block.get(name) is not True for name in PUBLIC_ACCESS_BLOCK)
    tags = {} if created else bucket_tags(client, staging)
    wanted = dict(tags)
    wanted.update((str(key), str(value)) for key, value in (pair.get("tags") or {}).items())
    tags_needed = wanted != tags
    if not check_mode:
        if block_needed:
            _block_public_access(client, staging)
        if tags_needed:
            _tag(client, staging, wanted)
    return {"production_bucket": pair["production_bucket"], "staging_bucket": staging,
            "changed": created or acls_turned_on or block_needed or tags_needed, "created": created, "acls_enabled": acls_turned_on,
            "public_access_blocked": block_needed, "tags_set": sorted(k for k in wanted if tags.get(k) != wanted[k]),
            "staging_tags": wanted}


class StagingBucketError(AnsibleS3Error):
    """A staging bucket that cannot be made private and tagged."""


def for_each(function, pairs, concurrency):
    """FUNCTION(pair) for every pair on at most CONCURRENCY threads; results in the order of PAIRS.

    An error is returned in place of its pair's result (``{"error": message, ...}``), so one bucket that cannot be
    read or changed does not hide the others.
    """
    def one(pair):
        try:
            return function(pair)
        except AnsibleAWSError as error:
            return {"production_bucket": pair["production_bucket"], "staging_bucket": pair["staging_bucket"], "error": str(error)}

    if not pairs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(pairs)))) as pool:
        return list(pool.map(one, pairs))
