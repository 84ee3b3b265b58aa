#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_selective_copy
version_added: 0.1.0
short_description: Copy chosen objects from a staging bucket into a production bucket, server-side and conflict-safe
description:
  - Copies objects selected by prefix, glob, explicit key list and last-modified window from O(source_bucket)
    (the staging bucket a recovery point was restored into) to O(dest_bucket) (production).
  - Server-side only. Objects up to O(multipart_threshold) are copied with CopyObject; larger ones with
    CreateMultipartUpload, UploadPartCopy and CompleteMultipartUpload. No object body passes through the host
    running the module.
  - Never deletes anything in O(dest_bucket). Keys that exist only in the destination are not looked at.
  - By default (O(conflict_policy=skip_newer)) a destination object modified after O(recovery_point_time) is never
    replaced, because that change happened after the backup and restoring over it would lose it.
  - Identical objects are skipped. Identity is proven from the ETag only for single-part objects not encrypted with
    SSE-KMS (there the ETag is the MD5 of the content); otherwise both objects must report a checksum of the same
    algorithm (CRC32, CRC32C, CRC64NVME, SHA1, SHA256; read with HeadObject and ChecksumMode=ENABLED) with the same
    value. An object whose identity cannot be proven is treated as different. Copies ask S3 for the source's
    checksum algorithm so a later run can prove identity.
  - Copies keep user metadata, content headers (type, encoding, cache control, disposition, language) and object
    tags (CopyObject with MetadataDirective=COPY and TaggingDirective=COPY; multipart copies are created with the
    source's metadata, headers and tags, which UploadPartCopy alone would drop).
  - Both buckets are listed page by page and merge-joined, so memory does not grow with the number of keys.
    Copies run on O(parallelism) threads; throttling and 5xx errors are retried per call with backoff, and each
    object is retried as a whole O(object_retries) times.
  - Every run writes O(manifest_path), one JSON line per selected key with C(key), C(action)
    (V(copy), V(skip_identical), V(skip_newer), V(skip_existing), or V(error)), C(reason), C(size) and C(result).
    A dry run (O(dry_run) or check mode) writes the same manifest with the same actions, and copies nothing.
  - A re-run after an interruption copies only what is still missing or different.
author:
  - restorekit contributors (@restorekit)
options:
  source_bucket:
    description:
      - The bucket to copy from, normally the staging bucket V(...-tenant-<ID>-restore).
      - Required unless O(copies) is given.
    type: str
  dest_bucket:
    description:
      - The bucket to copy into, normally the production tenant bucket. Must differ from O(source_bucket).
      - Required with O(source_bucket).
    type: str
  copies:
    description:
      - Several copies in one run instead of O(source_bucket) and O(dest_bucket), for example one per tenant. Each
        takes every other option of this module (prefixes, globs, policies, encryption, parallelism) and its own
        buckets, recovery point time and manifest.
      - Up to O(copy_concurrency) of them run at the same time, each on O(parallelism) threads, over one client.
        One module run for many tenants saves a module start-up per tenant and lets the tenants' copies overlap.
      - The result then carries one entry per copy in RV(copies), in this order.
    type: list
    elements: dict
    suboptions:
      source_bucket:
        description: The bucket to copy from.
        type: str
        required: true
      dest_bucket:
        description: The bucket to copy into.
        type: str
        required: true
      recovery_point_time:
        description: This copy's O(recovery_point_time) (the recovery point's creation time).
        type: str
      manifest_path:
        description: This copy's manifest (see O(manifest_path)).
        type: path
  copy_concurrency:
    description: With O(copies), how many copies run at the same time (1 to 64).
    type: int
    default: 4
  prefixes:
    description:
      - Copy only keys starting with one of these prefixes (only these prefixes are listed). Default the whole bucket.
    type: list
    elements: str
    default: []
  include_globs:
    description:
      - If given, copy only keys matching at least one of these shell-style patterns (case-sensitive;
        V(*) also matches V(/), so V(*.csv) matches V(reports/day-01.csv)).
      - A V([) that is never closed is refused (write a literal V([) as V([[]) rather than taken literally.
    type: list
    elements: str
    default: []
  exclude_globs:
    description: Never copy keys matching one of these patterns. Exclusion wins over inclusion.
    type: list
    elements: str
    default: []
  keys_file:
    description:
      - A file on the host running the module with the exact keys to copy, one per line (line ends stripped,
        nothing else, so keys may contain spaces). Combined with the other selections.
      - The keys are held in memory; the buckets are still listed (under O(prefixes)) to find them.
    type: path
  modified_after:
    description:
      - Copy only source objects last modified after this time (ISO 8601 with an offset, V(now) or relative
        such as V(-2h)). Note that a restore gives every staging object the restore time as LastModified.
    type: str
  modified_before:
    description: Copy only source objects last modified at or before this time (same formats as O(modified_after)).
    type: str
  conflict_policy:
    description:
      - What to do when the key exists in O(dest_bucket) with different content.
      - V(skip_newer) replaces it only if it was last modified at or before O(recovery_point_time).
      - V(skip_existing) never replaces an existing object.
      - V(overwrite) replaces it. The previous content survives only if the destination bucket is versioned.
      - Identical objects are skipped under every policy.
    type: str
    choices: [skip_newer, skip_existing, overwrite]
    default: skip_newer
  recovery_point_time:
    description:
      - The creation time of the recovery point the staging bucket was restored from (ISO 8601 with an offset),
        for example RV(restorekit.aws.recovery_point_info#module:recovery_point.creation_date).
      - Required with O(conflict_policy=skip_newer).
    type: str
  encryption:
    description:
      - V(destination_default) sends no encryption headers, so the destination bucket's default encryption applies.
      - V(kms) encrypts every copy with O(kms_key_id).
      - V(preserve) keeps each source object's own encryption (its KMS key, or SSE-S3). This costs one HeadObject
        per copied object to learn the key, which a listing does not return.
    type: str
    choices: [destination_default, kms, preserve]
    default: destination_default
  kms_key_id:
    description:
      - The KMS key (ID, ARN, V(alias/<name>) or alias ARN) for O(encryption=kms).
      - A malformed key, or a key ARN of another region than the buckets', is refused before any call.
    type: str
  multipart_threshold:
    description:
      - Objects larger than this many bytes are copied by multipart copy. Between 5 MiB and 5 GiB (the
        CopyObject limit); default 5 GiB.
    type: int
    default: 5368709120
  part_size:
    description:
      - Bytes per part of a multipart copy, at least 5 MiB (grown when 10,000 parts would not hold the object).
    type: int
    default: 536870912
  parallelism:
    description: Objects copied at the same time (threads, and the client's connection pool). 1 to 256.
    type: int
    default: 16
  object_retries:
    description:
      - How many times one object is retried as a whole after a throttling or 5xx error that outlived the
        per-call retries. An object that still fails is listed in RV(errors) and the module fails.
    type: int
    default: 3
  dry_run:
    description: Plan only; same as check mode. Writes the manifest, copies nothing.
    type: bool
    default: false
  manifest_path:
    description:
      - Where to write the JSON-lines manifest on the host running the module (overwritten).
      - Without it, no manifest is written; the counts and first keys are still returned.
    type: path
  sample_size:
    description: How many keys of each action RV(actions) lists, 0 to 10000.
    type: int
    default: 10
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Undo. Nothing is deleted. With O(conflict_policy=skip_newer) or V(skip_existing) only missing objects and
    objects older than the recovery point are written; on a versioned destination the previous versions remain
    and M(restorekit.aws.s3_point_in_time) can bring them back.
  - Tags are copied by S3 itself (TaggingDirective=COPY), which works within one account.
  - Required permissions, source - s3:ListBucket, s3:GetObject, s3:GetObjectTagging (and kms:Decrypt);
    destination - s3:ListBucket, s3:PutObject, s3:PutObjectTagging (and kms:GenerateDataKey).
attributes:
  check_mode:
    description: Check mode plans, writes the manifest and copies nothing, exactly like O(dry_run).
    support: full
"""

EXAMPLES = r"""
- name: Show the plan for tenant 12 (nothing is copied)
  restorekit.aws.s3_selective_copy:
    source_bucket: multi-tenant-app-prod-tenant-12-restore
    dest_bucket: multi-tenant-app-prod-tenant-12
    recovery_point_time: "{{ point.recovery_point.creation_date }}"
    prefixes: [docs/, reports/]
    exclude_globs: ["*.tmp"]
    manifest_path: /var/tmp/tenant-12-plan.jsonl
    dry_run: true
  register: plan

- name: Copy back, never replacing what changed in production after the backup
  restorekit.aws.s3_selective_copy:
    source_bucket: multi-tenant-app-prod-tenant-12-restore
    dest_bucket: multi-tenant-app-prod-tenant-12
    recovery_point_time: "{{ point.recovery_point.creation_date }}"
    prefixes: [docs/, reports/]
    exclude_globs: ["*.tmp"]
    encryption: preserve
    manifest_path: /var/tmp/tenant-12-copy.jsonl

- name: Put back an explicit list of keys, replacing whatever production holds now
  restorekit.aws.s3_selective_copy:
    source_bucket: multi-tenant-app-prod-tenant-12-restore
    dest_bucket: multi-tenant-app-prod-tenant-12
    keys_file: /var/tmp/keys-to-restore.txt
    conflict_policy: overwrite
    encryption: kms
    kms_key_id: arn:aws:kms:us-east-1:123456789012:alias/multi-tenant-app-prod-security

- name: Plan the copy back of several tenants in one run, two tenants at a time
  restorekit.aws.s3_selective_copy:
    copies:
      - source_bucket: multi-tenant-app-prod-tenant-12-restore
        dest_bucket: multi-tenant-app-prod-tenant-12
        recovery_point_time: "2026-11-23T05:00:00Z"
        manifest_path: /var/tmp/tenant-12-plan.jsonl
      - source_bucket: multi-tenant-app-prod-tenant-13-restore
        dest_bucket: multi-tenant-app-prod-tenant-13
        recovery_point_time: "2026-11-23T05:01:00Z"
        manifest_path: /var/tmp/tenant-13-plan.jsonl
    copy_concurrency: 2
    dry_run: true
  register: plans
"""

RETURN = r"""
dry_run:
  description: Whether this was a plan only (O(dry_run) or check mode).
  returned: always
  type: bool
  sample: false
selected:
  description: Source objects selected by the prefixes, globs, key list and time window.
  returned: when O(copies) is not given
  type: int
  sample: 5
actions:
  description:
    - Per action (C(copy), C(skip_identical), C(skip_newer), C(skip_existing)), the number of objects, their bytes
      and its first keys (up to O(sample_size), in key order as S3 lists them, so a re-run names the same keys). In a
      dry run, what a real run would do.
  returned: always
  type: dict
  sample:
    copy: {count: 2, bytes: 120, first_keys: ["docs/read me.txt", "docs/a+b=c.txt"]}
    skip_identical: {count: 2, bytes: 90, first_keys: ["deep/a/b/c/d/e/f/leaf.json", "docs/100% done.txt"]}
    skip_newer: {count: 1, bytes: 40, first_keys: ["docs/naïve café ☕.txt"]}
    skip_existing: {count: 0, bytes: 0, first_keys: []}
  contains:
    copy:
      description: The objects copied (or to copy in a dry run).
      type: dict
      returned: always
      sample: {count: 2, bytes: 120, first_keys: ["docs/read me.txt", "docs/a+b=c.txt"]}
      contains:
        count:
          description: How many objects.
          type: int
          returned: always
          sample: 2
        bytes:
          description: Their bytes.
          type: int
          returned: always
          sample: 120
        first_keys:
          description: Their first keys, up to O(sample_size).
          type: list
          elements: str
          returned: always
          sample: ["docs/read me.txt", "docs/a+b=c.txt"]
    skip_identical:
      description: The objects left alone, the destination holding the same content.
      type: dict
      returned: always
      sample: {count: 2, bytes: 90, first_keys: ["deep/a/b/c/d/e/f/leaf.json"]}
      contains:
        count:
          description: How many objects.
          type: int
          returned: always
          sample: 2
        bytes:
          description: Their bytes.
          type: int
          returned: always
          sample: 90
        first_keys:
          description: Their first keys, up to O(sample_size).
          type: list
          elements: str
          returned: always
          sample: ["deep/a/b/c/d/e/f/leaf.json"]
    skip_newer:
      description: The objects left alone, the destination's object being newer.
      type: dict
      returned: always
      sample: {count: 1, bytes: 40, first_keys: ["docs/naive cafe.txt"]}
      contains:
        count:
          description: How many objects.
          type: int
          returned: always
          sample: 1
        bytes:
          description: Their bytes.
          type: int
          returned: always
          sample: 40
        first_keys:
          description: Their first keys, up to O(sample_size).
          type: list
          elements: str
          returned: always
          sample: ["docs/naive cafe.txt"]
    skip_existing:
      description: The objects left alone by the conflict policy, the destination holding the key.
      type: dict
      returned: always
      sample: {count: 0, bytes: 0, first_keys: []}
      contains:
        count:
          description: How many objects.
          type: int
          returned: always
          sample: 0
        bytes:
          description: Their bytes.
          type: int
          returned: always
          sample: 0
        first_keys:
          description: Their first keys, up to O(sample_size).
          type: list
          elements: str
          returned: always
          sample: []
copied:
  description: Objects actually copied and their bytes (0 in a dry run).
  returned: always
  type: dict
  sample: {count: 2, bytes: 120}
  contains:
    count:
      description: How many objects were copied.
      type: int
      returned: always
      sample: 2
    bytes:
      description: Their bytes.
      type: int
      returned: always
      sample: 120
multipart_copies:
  description: How many of the copies were multipart copies.
  returned: always
  type: int
  sample: 0
errors:
  description: Objects that could not be copied after all retries, with the error. The module fails if any.
  returned: always
  type: list
  elements: dict
  sample: []
  contains:
    key:
      description: The object key.
      type: str
      returned: always
      sample: docs/read me.txt
    error:
      description: The last error.
      type: str
      returned: always
      sample: "An error occurred (AccessDenied) when calling the CopyObject operation: Access Denied"
manifest_path:
  description: The manifest written, or null.
  returned: when O(copies) is not given
  type: str
  sample: /var/tmp/tenant-12-copy.jsonl
copies:
  description:
    - With O(copies), one result per copy in the order given, each with C(source_bucket), C(dest_bucket) and the
      keys above (C(selected), C(actions), C(copied), C(multipart_copies), C(errors), C(manifest_path), C(dry_run));
      C(failed) and C(msg) when that copy's listing failed. The module fails if any copy failed or has errors.
  returned: when O(copies) is given
  type: list
  elements: dict
  sample:
    - source_bucket: multi-tenant-app-prod-tenant-12-restore
      dest_bucket: multi-tenant-app-prod-tenant-12
      dry_run: true
      selected: 3
      actions: {copy: {count: 3, bytes: 120, first_keys: [docs/readme.txt]}}
      copied: {count: 0, bytes: 0}
      multipart_copies: 0
      errors: []
      manifest_path: /var/tmp/tenant-12-plan.jsonl
  contains:
    source_bucket:
      description: The copy's source bucket.
      type: str
      returned: always
      sample: multi-tenant-app-prod-tenant-12-restore
    dest_bucket:
      description: Its destination bucket.
      type: str
      returned: always
      sample: multi-tenant-app-prod-tenant-12
    changed:
      description: Whether this copy copied objects (in a dry run, would copy).
      type: bool
      returned: always
      sample: true
    dry_run:
      description: As RV(dry_run).
      type: bool
      returned: always
      sample: true
    selected:
      description: As RV(selected), for this copy.
      type: int
      returned: always
      sample: 3
    actions:
      description: As RV(actions), for this copy.
      type: dict
      returned: always
      sample: {copy: {count: 3, bytes: 120, first_keys: [docs/readme.txt]}}
      contains:
        copy:
          description: The objects copied (or to copy in a dry run).
          type: dict
          returned: always
          sample: {count: 2, bytes: 120, first_keys: ["docs/read me.txt", "docs/a+b=c.txt"]}
          contains:
            count:
              description: How many objects.
              type: int
              returned: always
              sample: 2
            bytes:
              description: Their bytes.
              type: int
              returned: always
              sample: 120
            first_keys:
              description: Their first keys, up to O(sample_size).
              type: list
              elements: str
              returned: always
              sample: ["docs/read me.txt", "docs/a+b=c.txt"]
        skip_identical:
          description: The objects left alone, the destination holding the same content.
          type: dict
          returned: always
          sample: {count: 2, bytes: 90, first_keys: ["deep/a/b/c/d/e/f/leaf.json"]}
          contains:
            count:
              description: How many objects.
              type: int
              returned: always
              sample: 2
            bytes:
              description: Their bytes.
              type: int
              returned: always
              sample: 90
            first_keys:
              description: Their first keys, up to O(sample_size).
              type: list
              elements: str
              returned: always
              sample: ["deep/a/b/c/d/e/f/leaf.json"]
        skip_newer:
          description: The objects left alone, the destination's object being newer.
          type: dict
          returned: always
          sample: {count: 1, bytes: 40, first_keys: ["docs/naive cafe.txt"]}
          contains:
            count:
              description: How many objects.
              type: int
              returned: always
              sample: 1
            bytes:
              description: Their bytes.
              type: int
              returned: always
              sample: 40
            first_keys:
              description: Their first keys, up to O(sample_size).
              type: list
              elements: str
              returned: always
              sample: ["docs/naive cafe.txt"]
        skip_existing:
          description: The objects left alone by the conflict policy, the destination holding the key.
          type: dict
          returned: always
          sample: {count: 0, bytes: 0, first_keys: []}
          contains:
            count:
              description: How many objects.
              type: int
              returned: always
              sample: 0
            bytes:
              description: Their bytes.
              type: int
              returned: always
              sample: 0
            first_keys:
              description: Their first keys, up to O(sample_size).
              type: list
              elements: str
              returned: always
              sample: []
    copied:
      description: As RV(copied), for this copy.
      type: dict
      returned: always
      sample: {count: 0, bytes: 0}
      contains:
        count:
          description: How many objects were copied.
          type: int
          returned: always
          sample: 2
        bytes:
          description: Their bytes.
          type: int
          returned: always
          sample: 120
    multipart_copies:
      description: As RV(multipart_copies), for this copy.
      type: int
      returned: always
      sample: 0
    errors:
      description: As RV(errors), for this copy.
      type: list
      elements: dict
      returned: always
      sample: []
      contains:
        key:
          description: The object key.
          type: str
          returned: always
          sample: docs/read me.txt
        error:
          description: The last error.
          type: str
          returned: always
          sample: "An error occurred (AccessDenied) when calling the CopyObject operation: Access Denied"
    manifest_path:
      description: As RV(manifest_path), for this copy.
      type: str
      returned: always
      sample: /var/tmp/tenant-12-plan.jsonl
    failed:
      description: True when this copy's listing failed.
      type: bool
      returned: when the copy's listing failed
      sample: true
    msg:
      description: Why it failed.
      type: str
      returned: when the copy's listing failed
      sample: "listing failed: An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation"
"""

try:
    import botocore  # pylint: disable=unused-import
except ImportError:
    pass  # Handled by AnsibleAWSModule.

from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import RecoveryPointError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import parse_time
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import client_config
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import read_keys_file
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


SHARED = ("prefixes", "include_globs", "exclude_globs", "conflict_policy", "encryption", "kms_key_id", "multipart_threshold",
          "part_size", "parallelism", "object_retries")


MAX_SAMPLE = 10000


def check_options(params, region=None, now=None):
    """What the copy engine does not check, before any AWS call; InputError names the option (``copies[N].option``
    for an entry) and its value. REGION is where the copy runs: a KMS key of another region is refused."""
    now = now or inputs.utc_now()
    entries = [(params, "")] if params["copies"] is None else [(copy, "copies[%d]." % index) for index, copy in enumerate(params["copies"])]
    for entry, where in entries:
        for option in ("source_bucket", "dest_bucket"):
            if entry[option] is not None:
                inputs.bucket_name(entry[option], where + option)
        if entry["recovery_point_time"] is not None:
            inputs.past_time(entry["recovery_point_time"], where + "recovery_point_time", now)
    if params["copies"] is not None:
        inputs.unique([copy["dest_bucket"] for copy in params["copies"]], "copies[].dest_bucket")
    if params["modified_after"] is not None:
        inputs.past_time(params["modified_after"], "modified_after", now)
    inputs.unique(params["prefixes"], "prefixes")
    inputs.globs(params["include_globs"], "include_globs")
    inputs.globs(params["exclude_globs"], "exclude_globs")
    if params["kms_key_id"] is not None:
        inputs.kms_key(params["kms_key_id"], "kms_key_id", region=region)
    inputs.integer(params["copy_concurrency"], "copy_concurrency", 1, 64)
    inputs.integer(params["sample_size"], "sample_size", 0, MAX_SAMPLE)


def check(module):
    """check_options, failing the module: after the engine's own checks, before any AWS call."""
    try:
        check_options(module.params, module.region)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)


def build_options(module, copy=None, where=""):
    """The engine's options from the module's parameters (and one entry of ``copies``); times parsed, the keys file
    read. Fails on bad input, naming the option (``copies[N].option`` for an entry)."""
    params = module.params
    own = copy if copy is not None else params
    options = dict((name, params[name]) for name in SHARED)
    for name in ("source_bucket", "dest_bucket", "manifest_path"):
        options[name] = own[name]
    options["dry_run"] = params["dry_run"] or module.check_mode
    options["sample"] = params["sample_size"]
    try:
        options["recovery_point_time"] = parse_time(own["recovery_point_time"], where + "recovery_point_time")
        for name in ("modified_after", "modified_before"):
            options[name] = parse_time(params[name], name)
    except RecoveryPointError as e:
        module.fail_json(msg=e.message)
    if params["keys_file"]:
        try:
            options["keys"] = read_keys_file(params["keys_file"])
        except (OSError, UnicodeDecodeError) as e:
            module.fail_json(msg="keys_file={0!r} cannot be read: {1}".format(params["keys_file"], e))
    try:
        copy_engine.validate(options)
    except copy_engine.CopyError as e:
        module.fail_json(msg=where + e.message)
    return options


def run_copies(module):
    """Several copies over one client, up to copy_concurrency at a time; exits the module."""
    params = module.params
    if not 1 <= params["copy_concurrency"] <= 64:
        module.fail_json(msg="copy_concurrency={0!r} must be between 1 and 64".format(params["copy_concurrency"]))
    if not params["copies"]:
        module.exit_json(changed=False, dry_run=params["dry_run"] or module.check_mode, copies=[])
    all_options = [build_options(module, copy, "copies[{0}].".format(index)) for index, copy in enumerate(params["copies"])]
    manifests = [options["manifest_path"] for options in all_options if options["manifest_path"]]
    if len(set(manifests)) != len(manifests):
        module.fail_json(msg="copies: two copies name the same manifest_path; each copy needs its own")
    check(module)
    concurrency = min(params["copy_concurrency"], len(all_options))
    client = module.client("s3", config=client_config(max_pool_connections=params["parallelism"] * concurrency))
    runs = [copy_engine.SelectiveCopy(client, options) for options in all_options]
    results = copy_engine.run_many(runs, concurrency)
    for options, result in zip(all_options, results):
        result["source_bucket"], result["dest_bucket"] = options["source_bucket"], options["dest_bucket"]
    changed = any(result["changed"] for result in results)
    failed = [result for result in results if result.get("failed") or result["errors"]]
    if failed:
        module.fail_json(msg="{0} of {1} copies failed: {2}; see copies and their manifests".format(
            len(failed), len(results), ", ".join("{0} -> {1}".format(r["source_bucket"], r["dest_bucket"]) for r in failed)),
            changed=changed, dry_run=all_options[0]["dry_run"], copies=results)
    module.exit_json(changed=changed, dry_run=all_options[0]["dry_run"], copies=results)


def main():
    argument_spec = dict(
        source_bucket=dict(type="str"),
        dest_bucket=dict(type="str"),
        copies=dict(type="list", elements="dict", options=dict(
            source_bucket=dict(type="str", required=True),
            dest_bucket=dict(type="str", required=True),
            recovery_point_time=dict(type="str"),
            manifest_path=dict(type="path"),
        )),
        copy_concurrency=dict(type="int", default=copy_engine.DEFAULT_COPY_CONCURRENCY),
        prefixes=dict(type="list", elements="str", default=[]),
        include_globs=dict(type="list", elements="str", default=[]),
        exclude_globs=dict(type="list", elements="str", default=[]),
        keys_file=dict(type="path"),
        modified_after=dict(type="str"),
        modified_before=dict(type="str"),
        conflict_policy=dict(type="str", choices=copy_engine.CONFLICT_POLICIES, default="skip_newer"),
        recovery_point_time=dict(type="str"),
        encryption=dict(type="str", choices=copy_engine.ENCRYPTION_POLICIES, default="destination_default"),
        kms_key_id=dict(type="str"),
        multipart_threshold=dict(type="int", default=copy_engine.DEFAULT_MULTIPART_THRESHOLD),
        part_size=dict(type="int", default=copy_engine.DEFAULT_PART_SIZE),
        parallelism=dict(type="int", default=copy_engine.DEFAULT_PARALLELISM),
        object_retries=dict(type="int", default=3),
        dry_run=dict(type="bool", default=False),
        manifest_path=dict(type="path"),
        sample_size=dict(type="int", default=copy_engine.DEFAULT_SAMPLE),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        # conflict_policy=skip_newer needs a recovery point time: checked per copy by build_options.
        required_if=[["encryption", "kms", ["kms_key_id"]]],
        required_one_of=[["source_bucket", "copies"]],
        mutually_exclusive=[["source_bucket", "copies"], ["dest_bucket", "copies"], ["recovery_point_time", "copies"],
                            ["manifest_path", "copies"]],
        required_together=[["source_bucket", "dest_bucket"]],
    )
    if module.params["copies"] is not None:
        run_copies(module)
    options = build_options(module)
    check(module)
    client = module.client("s3", config=client_config(max_pool_connections=options["parallelism"]))
    try:
        result = copy_engine.SelectiveCopy(client, options).run()
    except copy_engine.CopyError as e:
        module.fail_json(msg=e.message)
    if result["errors"]:
        module.fail_json(msg="{0} object(s) could not be copied; see errors and the manifest".format(len(result["errors"])), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
