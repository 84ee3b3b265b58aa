#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_point_in_time
version_added: 0.1.0
short_description: Roll a versioned S3 bucket (or part of it) back to its state at a point in time
description:
  - The runbook's "S3 versioning provides point-in-time recovery", made usable. For every key of a bucket with
    versioning enabled (or of some prefixes, or matching include and exclude globs), finds the version that was
    current at O(point_in_time) and, when the key changed since, copies that version on top of the key
    (CopyObject with the source VersionId, server-side, so no object bytes pass through the client).
  - The copy carries the version's user metadata, content headers, tags (S3 keeps tags per version) and encryption
    (SSE-S3, or SSE-KMS with the version's own key); its storage class is kept.
  - Keys whose current version already is (or reads exactly like) the version at that time are not touched, so a
    re-run after a completed run changes nothing. A key deleted after that time (a delete marker is current) is
    brought back.
  - A key created after that time is left and reported (action V(created_after)), unless O(delete_created_after)
    is set; then it gets a delete marker, which hides it and keeps all its versions.
  - A key whose surviving history starts after that time, so that what it held then is unknown (a history that
    begins with a delete marker, a first version written while versioning was off, or a bucket whose lifecycle
    rules expire noncurrent versions), is reported (action V(unknown_history)) and never touched.
  - Nothing is ever permanently deleted; the module never deletes a version or a delete marker. Every change is a
    new version or a new delete marker, so the roll-back itself can be rolled back by running this module again
    with the time just before it.
  - The listing (ListObjectVersions) is streamed page by page and each key is decided as soon as its versions have
    arrived, so memory does not grow with the number of keys. Copies run on a bounded thread pool; throttling and
    server errors are retried with backoff.
  - In check mode, or with O(dry_run), nothing changes; the module returns the plan (counts and bytes per action,
    the first keys of each) and writes the same manifest a real run writes.
author:
  - restorekit contributors (@restorekit)
options:
  bucket:
    description:
      - The bucket to roll back. Its versioning must be V(Enabled); a bucket whose versioning was never enabled or
        is suspended is refused, since it has no versions to go back to (restore it from an AWS Backup recovery point
        with M(restorekit.aws.restore_job) instead).
    type: str
    required: true
  point_in_time:
    description:
      - The time to go back to. Each key is brought back to the version that was current then.
      - ISO 8601 with an offset (V(2026-11-20T05:00:00+00:00) or V(2026-11-20T05:00:00Z)) or relative to now
        (V(-30m), V(-2h), V(-1d), V(-1w)). A time without an offset, or in the future, is refused.
      - S3 dates versions to the second. A version written in the same second as O(point_in_time) counts as written
        at or before it. When a version and a delete marker of a key share the second that decides the key, their
        order is unknown and the key is reported as V(ambiguous), not guessed at.
    type: str
    required: true
  prefixes:
    description:
      - Only keys starting with one of these prefixes (each listed on its own). The whole bucket when not given.
    type: list
    elements: str
  include_globs:
    description:
      - Only keys matching at least one of these shell globs (V(*) also matches V(/), so V(*.csv) matches V(a/b.csv)).
      - A V([) that is never closed is refused (write a literal V([) as V([[]) rather than taken literally.
    type: list
    elements: str
  exclude_globs:
    description:
      - Keys matching any of these globs are left out; exclusion wins over O(include_globs).
    type: list
    elements: str
  delete_created_after:
    description:
      - Give keys created after O(point_in_time) a delete marker, so the bucket reads as it did then.
      - Their versions are kept; removing the delete marker (or running this module with a later time) brings them back.
      - When V(false), they are left and reported with action V(created_after).
    type: bool
    default: false
  dry_run:
    description:
      - Plan only, as in check mode. List, decide and write the manifest, change nothing.
    type: bool
    default: false
  manifest_path:
    description:
      - Write one JSON line per selected key to this file (created or replaced on the controller-side host that runs
        the module), with V(key), V(action), V(reason), V(version_id) (the version copied on top, or the version
        the key is at) and V(size).
      - A dry run writes the same lines the real run writes. Lines appear as keys are settled, so a run that dies
        midway leaves the record of what it had done.
    type: path
  concurrency:
    description:
      - How many copies run at once (1 to 256). Each worker holds one connection.
    type: int
    default: 16
  plan_sample:
    description:
      - How many keys of each action RV(plan.first_keys) lists, 0 to 10000.
    type: int
    default: 10
notes:
  - Supports check mode. Idempotent, a second run after a complete one reports V(changed=false).
  - A key restored by an earlier run is recognised by equal size and ETag, then equal headers, metadata, encryption
    and tags (two HeadObject and two GetObjectTagging requests). An object uploaded in parts has an ETag that its
    copy does not share, so such a key is copied again on every run (each time a new, identical version).
  - A version in V(GLACIER) or V(DEEP_ARCHIVE), or over 5 GiB, is reported as V(unsupported) and not copied.
  - The module fails after settling every key when any copy or delete marker failed after its retries, naming them.
  - Tags changed after O(point_in_time) on the very version that was current then cannot be undone; S3 keeps no
    history of tags.
  - "Requires the IAM permissions s3:GetBucketVersioning, s3:GetLifecycleConfiguration, s3:ListBucketVersions,
    s3:GetObjectVersion, s3:GetObjectVersionTagging, s3:GetObject, s3:GetObjectTagging, s3:PutObject,
    s3:PutObjectTagging, and kms:Decrypt / kms:GenerateDataKey on the keys of SSE-KMS objects."
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Plans only, as O(dry_run) - lists, decides and writes the manifest; changes nothing.
    support: full
  idempotent:
    description: A second run after a complete one reports V(changed=false).
    support: full
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Show what rolling tenant 12's bucket back two hours would do (changes nothing)
  restorekit.aws.s3_point_in_time:
    bucket: multi-tenant-app-prod-tenant-12
    point_in_time: "-2h"
    manifest_path: /var/tmp/tenant-12-pit-plan.jsonl
  check_mode: true
  register: pit_plan

- name: Show the plan
  ansible.builtin.debug:
    msg: "{{ pit_plan.plan.counts }} first keys: {{ pit_plan.plan.first_keys }}"

- name: Roll tenant 12's reports back to just before the incident
  restorekit.aws.s3_point_in_time:
    bucket: multi-tenant-app-prod-tenant-12
    point_in_time: "2026-11-20T04:59:00+00:00"
    prefixes:
      - reports/
    exclude_globs:
      - "*.tmp"
    manifest_path: /var/tmp/tenant-12-pit.jsonl

- name: The whole bucket as it was, hiding what was written since behind delete markers (all versions kept)
  restorekit.aws.s3_point_in_time:
    bucket: multi-tenant-app-prod-tenant-1
    point_in_time: "2026-11-20T05:00:00Z"
    delete_created_after: true
    concurrency: 32
"""

RETURN = r"""
plan:
  description:
    - What the run did (or, in check mode and with O(dry_run), would do), per action.
    - Actions V(restore) (changed after the time, its version then is copied on top), V(undelete) (deleted after
      the time, brought back), V(delete_marker) (created after the time, hidden, with O(delete_created_after)),
      V(unchanged), V(created_after) (created after the time, left), V(unknown_history) (history starts after the
      time, not touched), V(ambiguous) (a same-second version and delete marker decide it, not touched),
      V(unsupported) (archived or over 5 GiB, not touched) and V(failed) (a real run's call failed after retries).
  returned: always
  type: dict
  contains:
    counts:
      description: How many keys per action (every action present, zero when none).
      type: dict
      returned: always
      sample: {"restore": 3, "undelete": 1, "delete_marker": 0, "unchanged": 120, "created_after": 2,
               "unknown_history": 0, "ambiguous": 0, "unsupported": 0, "failed": 0}
      contains:
        restore:
          description: The keys of V(restore) (changed after the time, its version then copied on top).
          type: int
          returned: always
          sample: 3
        undelete:
          description: The keys of V(undelete) (deleted after the time, brought back).
          type: int
          returned: always
          sample: 1
        delete_marker:
          description: The keys of V(delete_marker) (created after the time, hidden).
          type: int
          returned: always
          sample: 0
        unchanged:
          description: The keys of V(unchanged) (as they were at the time).
          type: int
          returned: always
          sample: 120
        created_after:
          description: The keys of V(created_after) (created after the time, left).
          type: int
          returned: always
          sample: 2
        unknown_history:
          description: The keys of V(unknown_history) (history starting after the time, not touched).
          type: int
          returned: always
          sample: 0
        ambiguous:
          description: The keys of V(ambiguous) (decided by a same-second version and delete marker, not touched).
          type: int
          returned: always
          sample: 0
        unsupported:
          description: The keys of V(unsupported) (archived or over 5 GiB, not touched).
          type: int
          returned: always
          sample: 0
        failed:
          description: The keys of V(failed) (whose call failed after retries).
          type: int
          returned: always
          sample: 0
    bytes:
      description: The bytes of the versions concerned, per action (every action present, zero when none).
      type: dict
      returned: always
      sample: {"restore": 3072, "undelete": 17, "unchanged": 1048576}
      contains:
        restore:
          description: The bytes of the versions of V(restore) (changed after the time, its version then copied on top).
          type: int
          returned: always
          sample: 3072
        undelete:
          description: The bytes of the versions of V(undelete) (deleted after the time, brought back).
          type: int
          returned: always
          sample: 17
        delete_marker:
          description: The bytes of the versions of V(delete_marker) (created after the time, hidden).
          type: int
          returned: always
          sample: 0
        unchanged:
          description: The bytes of the versions of V(unchanged) (as they were at the time).
          type: int
          returned: always
          sample: 1048576
        created_after:
          description: The bytes of the versions of V(created_after) (created after the time, left).
          type: int
          returned: always
          sample: 2048
        unknown_history:
          description: The bytes of the versions of V(unknown_history) (history starting after the time, not touched).
          type: int
          returned: always
          sample: 0
        ambiguous:
          description: The bytes of the versions of V(ambiguous) (decided by a same-second version and delete marker, not touched).
          type: int
          returned: always
          sample: 0
        unsupported:
          description: The bytes of the versions of V(unsupported) (archived or over 5 GiB, not touched).
          type: int
          returned: always
          sample: 0
        failed:
          description: The bytes of the versions of V(failed) (whose call failed after retries).
          type: int
          returned: always
          sample: 0
    first_keys:
      description: The first O(plan_sample) keys of each action that has any, in listing order.
      type: dict
      returned: always
      sample: {"restore": ["reports/day-01.csv"], "created_after": ["reports/day-09.csv"]}
      contains:
        restore:
          description: The first keys of V(restore) (changed after the time, its version then copied on top).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-01.csv"]
        undelete:
          description: The first keys of V(undelete) (deleted after the time, brought back).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-02.csv"]
        delete_marker:
          description: The first keys of V(delete_marker) (created after the time, hidden).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["tmp/scratch.csv"]
        unchanged:
          description: The first keys of V(unchanged) (as they were at the time).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-00.csv"]
        created_after:
          description: The first keys of V(created_after) (created after the time, left).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-09.csv"]
        unknown_history:
          description: The first keys of V(unknown_history) (history starting after the time, not touched).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["logs/new.log"]
        ambiguous:
          description: The first keys of V(ambiguous) (decided by a same-second version and delete marker, not touched).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-03.csv"]
        unsupported:
          description: The first keys of V(unsupported) (archived or over 5 GiB, not touched).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["archive/2025.tar"]
        failed:
          description: The first keys of V(failed) (whose call failed after retries).
          type: list
          elements: str
          returned: when the action has keys
          sample: ["reports/day-04.csv"]
    keys_total:
      description: The number of keys selected.
      type: int
      returned: always
      sample: 126
bucket:
  description: The bucket rolled back.
  returned: always
  type: str
  sample: multi-tenant-app-prod-tenant-12
point_in_time:
  description: The time rolled back to, resolved to ISO 8601 in UTC.
  returned: always
  type: str
  sample: "2026-11-20T04:59:00+00:00"
dry_run:
  description: Whether this was a plan only (check mode or O(dry_run)).
  returned: always
  type: bool
  sample: false
manifest_path:
  description: The manifest written, when O(manifest_path) was given.
  returned: when O(manifest_path) is given
  type: str
  sample: /var/tmp/tenant-12-pit.jsonl
failures:
  description: The keys whose copy or delete marker failed, with the error (at most 100).
  returned: when a key failed
  type: list
  elements: dict
  sample: [{"key": "reports/day-01.csv", "reason": "restore failed: An error occurred (AccessDenied) ..."}]
  contains:
    key:
      description: The object key.
      type: str
      returned: always
      sample: reports/day-01.csv
    reason:
      description: What was tried and the error.
      type: str
      returned: always
      sample: "restore failed: An error occurred (AccessDenied) ..."
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import point_in_time as pit
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import client_config
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import tune_client
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


MAX_PLAN_SAMPLE = 10000


def check_options(params):
    """What point_in_time.build_request does not check, before any AWS call; InputError names the option."""
    inputs.bucket_name(params["bucket"], "bucket")
    inputs.unique(params["prefixes"], "prefixes")
    for option in ("include_globs", "exclude_globs"):
        if params[option] is not None:
            inputs.globs(params[option], option)
    inputs.integer(params["plan_sample"], "plan_sample", 0, MAX_PLAN_SAMPLE)


def main():
    argument_spec = dict(
        bucket=dict(type="str", required=True),
        point_in_time=dict(type="str", required=True),
        prefixes=dict(type="list", elements="str"),
        include_globs=dict(type="list", elements="str"),
        exclude_globs=dict(type="list", elements="str"),
        delete_created_after=dict(type="bool", default=False),
        dry_run=dict(type="bool", default=False),
        manifest_path=dict(type="path"),
        concurrency=dict(type="int", default=16),
        plan_sample=dict(type="int", default=10),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    try:
        check_options(module.params)
        request = pit.build_request(module.params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    except pit.PointInTimeError as e:
        module.fail_json(msg=e.message)
    dry_run = module.check_mode or module.params["dry_run"]

    client = tune_client(module.client("s3", config=client_config(max_pool_connections=request["concurrency"])))
    run = pit.PointInTime(client, request, dry_run=dry_run)
    try:
        run.check_bucket()
        plan = run.run()
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    for warning in run.warnings:
        module.warn(warning)

    result = dict(
        changed=plan.changes > 0,
        plan=plan.as_dict(),
        bucket=request["bucket"],
        point_in_time=request["point_in_time"].isoformat(),
        dry_run=dry_run,
    )
    if request["manifest_path"]:
        result["manifest_path"] = request["manifest_path"]
    if plan.failures:
        result["failures"] = plan.failures
        module.fail_json(msg=f"{plan.counts[pit.FAILED]} keys of bucket {request['bucket']!r} failed after retries "
                             f"(first: {plan.failures[0]['key']!r}: {plan.failures[0]['reason']}); the others were settled. "
                             "Run again to finish: keys already restored are left as they are", **result)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
