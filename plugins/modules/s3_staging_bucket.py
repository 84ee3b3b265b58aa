#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_staging_bucket
version_added: 0.1.0
short_description: Read tenant and staging buckets before a restore, and make staging buckets private, many at once
description:
  - For each pair of O(buckets) (a production tenant bucket and the staging bucket a restore writes into), in one
    module run on O(concurrency) threads, so a restore of many tenants does not pay a module start-up per tenant.
  - O(secure=false) reads only. Per pair it returns whether the production bucket exists, which event notifications
    (SNS, SQS, Lambda, EventBridge) and how many replication rules fire on every object written into it, whether the
    staging bucket exists, and its tags (a staging bucket tagged C(restorekit:staging-for=<production bucket>) is a
    restore's own).
  - O(secure=true) makes each staging bucket private (all four public access blocks on) and adds the pair's
    O(buckets[].tags), keeping every other tag. It never deletes a bucket and never touches the production bucket;
    without O(prepare), a staging bucket that does not exist fails the task.
  - O(prepare=true) (with O(secure=true)) readies staging buckets that an AWS Backup restore writes into as they are
    (C(NewBucket=false)) - made before a restore of more items than one job takes, or left by an earlier run. A
    missing one is created in the module's region with ACLs enabled (object ownership C(BucketOwnerPreferred)); an
    existing one whose ownership disables ACLs (C(BucketOwnerEnforced), the default for buckets made since April 2023)
    gets C(BucketOwnerPreferred), since an S3 restore into a bucket without ACLs fails. Public access stays blocked.
author:
  - restorekit contributors (@restorekit)
options:
  buckets:
    description: The production/staging pairs, in the order the results come back.
    type: list
    elements: dict
    required: true
    suboptions:
      production_bucket:
        description: The production tenant bucket (only read).
        type: str
        required: true
      staging_bucket:
        description:
          - The staging bucket a restore writes into.
          - A name S3 refuses (capitals, underscores, spaces, outside 3 to 63 characters) is refused before any call,
            naming it, rather than reported as missing. Each staging bucket may appear once.
        type: str
        required: true
      tags:
        description: With O(secure=true), tags to set on the staging bucket (other tags are kept).
        type: dict
        default: {}
  secure:
    description:
      - V(false) reads only. V(true) blocks public access on each staging bucket and sets its tags.
    type: bool
    default: false
  prepare:
    description:
      - With O(secure=true), create a missing staging bucket and enable ACLs on one that disables them, before an AWS
        Backup restore writes into it. Ignored without O(secure=true).
    type: bool
    default: false
  concurrency:
    description: Pairs handled at the same time (1 to 64).
    type: int
    default: 8
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Required permissions. O(secure=false) - s3:ListBucket (HeadBucket), s3:GetBucketNotification,
    s3:GetReplicationConfiguration, s3:GetBucketOwnershipControls on production buckets; s3:ListBucket,
    s3:GetBucketTagging, s3:GetBucketOwnershipControls on staging buckets.
    O(secure=true) - also s3:GetBucketPublicAccessBlock, s3:PutBucketPublicAccessBlock, s3:PutBucketTagging on
    staging buckets. O(prepare=true) - also s3:CreateBucket, s3:GetBucketOwnershipControls, s3:PutBucketOwnershipControls.
  - Undo. Public access blocks, tags and object ownership are bucket settings; change them with M(amazon.aws.s3_bucket).
    A bucket O(prepare=true) created is a staging bucket, tagged as the restore's when O(buckets[].tags) says so; remove
    it as any staging bucket. Nothing else is changed.
attributes:
  check_mode:
    description: With O(secure=true), reports what it would change and changes nothing.
    support: full
  idempotent:
    description: A second run with the same tags changes nothing.
    support: full
"""

EXAMPLES = r"""
- name: Read tenant 12's and 13's production and staging buckets
  restorekit.aws.s3_staging_bucket:
    buckets:
      - production_bucket: multi-tenant-app-prod-tenant-12
        staging_bucket: multi-tenant-app-prod-tenant-12-restore
      - production_bucket: multi-tenant-app-prod-tenant-13
        staging_bucket: multi-tenant-app-prod-tenant-13-restore
  register: pairs

- name: Make the staging buckets private and mark them as this restore's
  restorekit.aws.s3_staging_bucket:
    secure: true
    buckets:
      - production_bucket: multi-tenant-app-prod-tenant-12
        staging_bucket: multi-tenant-app-prod-tenant-12-restore
        tags:
          "restorekit:staging-for": multi-tenant-app-prod-tenant-12
          "restorekit:run": s3-restore-20261124T031500Z
"""

RETURN = r"""
buckets:
  description: One entry per pair of O(buckets), in that order.
  returned: always
  type: list
  elements: dict
  contains:
    production_bucket:
      description: The production bucket.
      type: str
    staging_bucket:
      description: The staging bucket.
      type: str
    production_exists:
      description: Whether the production bucket exists (O(secure=false)).
      type: bool
    production_notifications:
      description: The kinds of event notification the production bucket sends (O(secure=false)).
      type: list
      elements: str
    production_replication_rules:
      description: How many replication rules the production bucket has (O(secure=false)).
      type: int
    staging_exists:
      description: Whether the staging bucket exists (O(secure=false)).
      type: bool
    staging_tags:
      description:
        - The staging bucket's tags (after the change with O(secure=true)), tag key to value - the bucket's own tags
          with the pair's C(tags) set over them; empty when the bucket has none.
      type: dict
      sample: {"restorekit:run": "s3-restore-20261124T031000Z", "restorekit:staging-for": "multi-tenant-app-prod-tenant-12"}
    production_acls_enabled:
      description:
        - Whether the production bucket has ACLs enabled (object ownership other than C(BucketOwnerEnforced))
          (O(secure=false)). Its objects may then carry public ACLs, which AWS Backup does not restore into a bucket
          that blocks public access.
      type: bool
    staging_acls_enabled:
      description: Whether the staging bucket, when it exists, has ACLs enabled, as a restore into it needs (O(secure=false)).
      type: bool
    changed:
      description: Whether this staging bucket was (or in check mode would be) changed (O(secure=true)).
      type: bool
    public_access_blocked:
      description: Whether public access had to be blocked (O(secure=true)).
      type: bool
    created:
      description: Whether the staging bucket was (or in check mode would be) created (O(prepare=true)).
      type: bool
    acls_enabled:
      description: Whether ACLs had to be enabled (object ownership C(BucketOwnerPreferred)) (O(prepare=true)).
      type: bool
    tags_set:
      description: The tag keys that were added or changed (O(secure=true)).
      type: list
      elements: str
    error:
      description: Why this pair could not be read or changed; the task then fails.
      type: str
  sample:
    - production_bucket: multi-tenant-app-prod-tenant-12
      staging_bucket: multi-tenant-app-prod-tenant-12-restore
      production_exists: true
      production_notifications: [QueueConfigurations]
      production_replication_rules: 0
      staging_exists: false
      staging_tags: {}
"""

try:
    import botocore  # pylint: disable=unused-import
except ImportError:
    pass  # Handled by AnsibleAWSModule.

from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import buckets as staging
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import client_config
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params):
    """Every option checked before any S3 call; InputError names the option (``buckets[N].option``) and its value."""
    inputs.integer(params["concurrency"], "concurrency", 1, 64)
    if not params["buckets"]:
        inputs.fail("buckets", params["buckets"], "names no bucket pair")
    for index, pair in enumerate(params["buckets"]):
        for option in ("production_bucket", "staging_bucket"):
            inputs.bucket_name(pair[option], "buckets[%d].%s" % (index, option))
        inputs.tags(pair["tags"], "buckets[%d].tags" % index)
    inputs.unique([pair["staging_bucket"] for pair in params["buckets"]], "buckets[].staging_bucket")
    staging = set(pair["staging_bucket"] for pair in params["buckets"])
    for index, pair in enumerate(params["buckets"]):
        if pair["production_bucket"] in staging and pair["production_bucket"] != pair["staging_bucket"]:
            inputs.fail("buckets[%d].production_bucket" % index, pair["production_bucket"],
                        "is another pair's staging bucket; a production bucket is never a staging bucket")


def main():
    argument_spec = dict(
        buckets=dict(type="list", elements="dict", required=True, options=dict(
            production_bucket=dict(type="str", required=True),
            staging_bucket=dict(type="str", required=True),
            tags=dict(type="dict", default={}),
        )),
        secure=dict(type="bool", default=False),
        prepare=dict(type="bool", default=False),
        concurrency=dict(type="int", default=8),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    for index, pair in enumerate(params["buckets"]):
        if pair["production_bucket"] == pair["staging_bucket"]:
            module.fail_json(msg="buckets[{0}]: production_bucket and staging_bucket are both {1!r}; a staging bucket is a bucket "
                                 "of its own".format(index, pair["staging_bucket"]))
    client = module.client("s3", config=client_config(max_pool_connections=params["concurrency"]))
    if not params["secure"]:
        results = staging.for_each(lambda pair: staging.read_pair(client, pair), params["buckets"], params["concurrency"])
        changed = False
    else:
        results = staging.for_each(lambda pair: staging.harden(client, pair, module.check_mode, params["prepare"]), params["buckets"], params["concurrency"])
        changed = any(result.get("changed") for result in results)
    failed = [result for result in results if result.get("error")]
    if failed:
        module.fail_json(msg="; ".join("{0}: {1}".format(result["staging_bucket"], result["error"]) for result in failed),
                         changed=changed, buckets=results)
    module.exit_json(changed=changed, buckets=results)


if __name__ == "__main__":
    module_process()
    main()
