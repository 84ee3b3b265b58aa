#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_restore_compare_info
short_description: Compare restored S3 objects with their staging bucket, or a restored bucket with its source
version_added: 0.1.0
description:
  - The collection's one S3 comparison, in two forms. Read-only; it never fails because a check failed (the play
    decides). Returns checks in the form of the restorekit.aws.restore_report role's C(restore_report_checks).
  - With O(restores) (the restorekit.aws.validate_s3 role, runbook 6.3) - each production bucket is compared with the
    staging bucket it was copied back from, every tenant and every key in one module run. The restored set is every
    staging object, or with a C(copy_manifest) the objects the copy wrote or found identical; an object the copy kept in
    production by its conflict policy is listed in a V(warn) check, unless it is identical by now. Each restored object
    is read once in each bucket (HeadObject) - its size, content, user metadata, content headers (type, encoding, cache
    control, disposition, language) and encryption (SSE type and KMS key) are compared. Tags
    (GetObjectTagging in each bucket) are compared for O(critical_keys) and the first O(detail_sample) restored keys.
    O(critical_keys) must exist in every production bucket and match staging.
  - With O(restored_bucket) (a restore drill, runbook section 4) - a new bucket restored by AWS Backup is compared with
    its source bucket, which has moved on since the recovery point, so only what cannot have changed is compared
    strictly. Checks - the restored bucket holds objects; every key of O(critical_keys) is restored; every source object
    last modified at or before O(recovery_point_time) is restored with the same content. Objects both buckets hold are
    also counted identical or changed since, for the report.
  - Content identity, strictest proof first - sizes; the ETag of single-part objects not encrypted with SSE-KMS (the
    MD5 of the bytes); a checksum both objects report (the rule of M(restorekit.aws.s3_selective_copy)). Where nothing
    proves it (multipart or SSE-KMS objects without a common checksum) both objects are read (GetObject) and the SHA-256
    of their bytes compared, streamed - nothing is kept in memory or on disk. The drill compares listings first and
    reads only source objects older than the point whose ETag differs in the restore.
  - Both buckets of a pair are listed page by page and joined by key; objects are compared on O(parallelism) threads
    shared by all pairs, and up to four pairs are listed at the same time.
author:
  - restorekit contributors (@restorekit)
options:
  restores:
    description:
      - The restores to validate, each a dictionary with C(staging_bucket) and C(production_bucket) (different buckets),
        optionally C(copy_manifest) (the path of the copy's manifest, as M(restorekit.aws.s3_selective_copy) wrote it)
        and C(tenant_id). Other keys are ignored, so the restorekit.aws.s3_restore role's C(s3_restore_result) fits as
        it is. Each production bucket once.
      - Mutually exclusive with O(restored_bucket), O(source_bucket) and O(recovery_point_time).
    type: list
    elements: dict
  restored_bucket:
    description: The bucket a drill's restore created. Requires O(source_bucket) and O(recovery_point_time).
    type: str
  source_bucket:
    description: The bucket the recovery point was taken from.
    type: str
  recovery_point_time:
    description:
      - The recovery point's creation time, ISO 8601 with an offset. Source objects last modified after it are not
        compared strictly.
    type: str
  critical_keys:
    description:
      - Keys that must be in the restored bucket. With O(restores) - in every production bucket, matching staging in
        content, metadata, encryption and tags.
    type: list
    elements: str
    default: []
  detail_sample:
    description:
      - With O(restores) - besides O(critical_keys), how many restored keys of each restore (in key order) also get
        their tags compared, one GetObjectTagging in each bucket. V(0) or more.
    type: int
    default: 20
  parallelism:
    description: Objects compared at the same time (threads, and the client's connection pool). 1 to 256.
    type: int
    default: 16
  staging_run_id:
    description:
      - With O(restores) - the run id a staging bucket must carry (tag C(restorekit:run)), besides
        C(restorekit:staging-for=<production bucket>), for RV(restores[].staging_removable). One GetBucketTagging per
        staging bucket; nothing is removed here.
    type: str
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Permissions - s3:ListBucket on both buckets of each pair; s3:GetObject on their objects (HeadObject, and GetObject
    where identity needs both objects read); s3:GetObjectTagging with O(restores); s3:GetBucketTagging on staging
    buckets with O(staging_run_id).
  - The drill takes equal size and ETag from the listings as identity, as AWS Backup keeps them across a restore of an
    unchanged object; an object of the same size whose ETag differs is read before it is called different.
"""

EXAMPLES = r"""
- name: Validate a tenant restore - every tenant and key in one run
  restorekit.aws.s3_restore_compare_info:
    restores:
      - staging_bucket: multi-tenant-app-prod-tenant-12-restore
        production_bucket: multi-tenant-app-prod-tenant-12
        copy_manifest: reports/s3-restore/20261124T031500Z-tenant-12-copy.jsonl
      - staging_bucket: multi-tenant-app-prod-tenant-100-restore
        production_bucket: multi-tenant-app-prod-tenant-100
    critical_keys: [contracts/master.pdf]
    staging_run_id: 20261124T031500Z
  register: s3_validation

- name: Check a drill's restored tenant bucket against production
  restorekit.aws.s3_restore_compare_info:
    restored_bucket: multi-tenant-app-prod-drill-20261124-030000-tenant-12
    source_bucket: multi-tenant-app-prod-tenant-12
    recovery_point_time: "2026-11-23T05:00:00+00:00"
    critical_keys: [contracts/master.pdf]
  register: s3_drill_check
"""

RETURN = r"""
checks:
  description:
    - The checks, each C(name), C(target), C(result) and C(details); with O(restores) also C(summary) (the finding in
      one line).
    - With O(restores), per restore - C(restored objects match staging <staging bucket> ...) (V(pass) or V(fail);
      details C(restored_objects), C(restored_bytes), C(matched_objects), C(content_proven_by), C(differences),
      C(details_compared), C(tags_compared), C(detail_differences), C(not_selected_by_the_copy)), one
      C(critical key <key>) per critical key (details C(reasons)), and C(production objects kept by the conflict
      policy (not restored)) (V(warn)) when the copy kept any. A restore whose buckets cannot be listed has one failed
      check saying so.
  returned: always
  type: list
  elements: dict
  sample:
    - name: restored bucket holds objects
      target: multi-tenant-app-prod-drill-20261124-030000-tenant-12
      result: pass
      details: {objects: 14, bytes: 310}
  contains:
    name:
      description: The check's name.
      type: str
      returned: always
      sample: restored bucket holds objects
    target:
      description: The bucket checked.
      type: str
      returned: always
      sample: multi-tenant-app-prod-drill-20261124-030000-tenant-12
    result:
      description: V(pass), V(fail) or V(warn).
      type: str
      returned: always
      sample: pass
    summary:
      description: The finding in one line (empty for the kept-objects check).
      type: str
      returned: with O(restores)
      sample: "multi-tenant-app-prod-tenant-12: 0 of 4 restored object(s) differ in content"
    details:
      description: The check's figures; which keys depends on the check (see RV(checks)).
      type: dict
      returned: always
      sample: {objects: 14, bytes: 310}
      contains:
        restored_objects:
          description: The objects in the restored set (in the restored-objects check).
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 4
        restored_bytes:
          description: Their bytes.
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 310
        matched_objects:
          description: Restored objects whose content matches staging.
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 4
        content_proven_by:
          description: How many were proven equal by ETag or checksum, how many by reading both objects.
          type: dict
          returned: with O(restores), in the restored-objects check
          sample: {"etag_or_checksum": 4, "sha256_of_both_objects_read": 0}
          contains:
            etag_or_checksum:
              description: Proven by ETag or checksum.
              type: int
              returned: always
              sample: 4
            sha256_of_both_objects_read:
              description: Proven by reading both objects.
              type: int
              returned: always
              sample: 0
        differences:
          description: The first 50 objects whose content differs or is missing, each C(key) and C(reason).
          type: list
          elements: dict
          returned: with O(restores), in the restored-objects check
          sample: []
          contains:
            key:
              description: The object key.
              type: str
              returned: always
              sample: reports/day-01.csv
            reason:
              description: How it differs.
              type: str
              returned: always
              sample: "missing in production"
        details_compared:
          description: Objects whose metadata, headers and encryption were compared.
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 4
        tags_compared:
          description: Objects whose tags were compared (a sample).
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 4
        detail_differences:
          description: The first 50 objects whose metadata, headers, encryption or tags differ.
          type: list
          elements: dict
          returned: with O(restores), in the restored-objects check
          sample: []
          contains:
            key:
              description: The object key.
              type: str
              returned: always
              sample: reports/day-01.csv
            critical:
              description: False (a critical key's differences are in its own check).
              type: bool
              returned: always
              sample: false
            reasons:
              description: What differs.
              type: list
              elements: str
              returned: always
              sample: ["ContentType differs: \"application/octet-stream\" in production, \"text/csv\" in staging"]
        not_selected_by_the_copy:
          description: Staging objects not in the copy's manifest, so not compared.
          type: int
          returned: with O(restores), in the restored-objects check
          sample: 0
        reasons:
          description: Why the check failed (empty when it passed).
          type: list
          elements: str
          returned: in a critical key check, and when the comparison of a restore did not run
          sample: []
        count:
          description: How many objects the check lists.
          type: int
          returned: in the kept-objects check, and without O(restores) in the public ACL check
          sample: 1
        keys:
          description: The first 50 of them - object keys, or for the kept objects each C(key), C(action) and C(reason).
          type: list
          elements: raw
          returned: in the kept-objects check, and without O(restores) in the public ACL check
          sample: ["reports/day-01.csv"]
        objects:
          description: The objects in the restored bucket.
          type: int
          returned: without O(restores), in the holds-objects check
          sample: 14
        bytes:
          description: Their bytes.
          type: int
          returned: without O(restores), in the holds-objects check
          sample: 310
        critical_keys:
          description: The critical keys asked for.
          type: list
          elements: str
          returned: without O(restores), in the critical keys check
          sample: ["config/tenant.json"]
        missing:
          description: The critical keys, or objects unchanged since the point, missing from the restore (at most 50 of the latter).
          type: list
          elements: str
          returned: without O(restores), in the critical keys and unchanged-objects checks
          sample: []
        source:
          description: The source bucket compared with.
          type: str
          returned: without O(restores), in the unchanged-objects and public ACL checks
          sample: multi-tenant-app-prod-tenant-12
        source_objects:
          description: The objects of the source.
          type: int
          returned: without O(restores), in the unchanged-objects check
          sample: 16
        older_than_point:
          description: Source objects last modified at or before the point.
          type: int
          returned: without O(restores), in the unchanged-objects check
          sample: 14
        newer_than_point:
          description: Source objects modified after it.
          type: int
          returned: without O(restores), in the unchanged-objects check
          sample: 2
        different:
          description: The first 50 objects unchanged since the point whose restored content differs.
          type: list
          elements: str
          returned: without O(restores), in the unchanged-objects check
          sample: []
        why:
          description: Why such objects are not restored.
          type: str
          returned: without O(restores), in the public ACL check
          sample: "not restored: it carries a public ACL ..."
        identical:
          description: Objects identical in both buckets.
          type: int
          returned: without O(restores), in the compared-with-the-source check
          sample: 14
        changed_since:
          description: Objects changed in the source since the point.
          type: int
          returned: without O(restores), in the compared-with-the-source check
          sample: 2
        only_in_restore:
          description: Objects only in the restore.
          type: int
          returned: without O(restores), in the compared-with-the-source check
          sample: 0
        only_in_source:
          description: Objects only in the source.
          type: int
          returned: without O(restores), in the compared-with-the-source check
          sample: 2
passed:
  description:
    - Whether no check failed (V(warn) passes). Without O(restores) every check is V(pass) or V(fail).
  returned: always
  type: bool
  sample: true
restores:
  description: With O(restores), one summary per restore, in their order.
  returned: when O(restores) is given
  type: list
  elements: dict
  contains:
    production_bucket:
      description: The production bucket.
      type: str
    staging_bucket:
      description: The staging bucket.
      type: str
    tenant_id:
      description: The restore's C(tenant_id), if it had one.
      type: str
    compared:
      description: Whether both buckets could be listed.
      type: bool
    error:
      description: Why the comparison did not run, else null.
      type: str
    restored_objects:
      description: Objects in the restored set.
      type: int
    matched_objects:
      description: Restored objects whose content matches staging.
      type: int
    differences:
      description: Restored objects whose content differs or is missing.
      type: int
    detail_differences:
      description: Restored objects (not critical) whose metadata, headers, encryption or tags differ.
      type: int
    kept_objects:
      description: Objects the copy kept in production by its conflict policy, and that still differ.
      type: int
    not_selected_by_the_copy:
      description: Staging objects not in the copy's manifest, so not compared.
      type: int
    staging_removable:
      description:
        - Whether the staging bucket carries C(restorekit:run=<staging_run_id>) and
          C(restorekit:staging-for=<production bucket>).
      type: bool
      returned: when O(staging_run_id) is given
    staging_note:
      description: Why the staging bucket is to be kept, else null.
      type: str
      returned: when O(staging_run_id) is given
  sample:
    - production_bucket: multi-tenant-app-prod-tenant-12
      staging_bucket: multi-tenant-app-prod-tenant-12-restore
      tenant_id: "12"
      compared: true
      error: null
      restored_objects: 4
      matched_objects: 4
      differences: 0
      detail_differences: 0
      kept_objects: 1
      not_selected_by_the_copy: 0
      staging_removable: true
      staging_note: null
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _drill
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import compare
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import client_config
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def validate_restores(module):
    """Every restore and key in one run; exits the module."""
    params = module.params
    # One pool for the object threads, one listing (and its prefetch) per restore listed at once.
    client = module.client("s3", config=client_config(max_pool_connections=params["parallelism"] + 2 * compare.RESTORE_CONCURRENCY))
    try:
        result = compare.compare_restores(client, params["restores"], params["critical_keys"], params["detail_sample"],
                                          params["parallelism"], params["staging_run_id"])
    except compare.CompareError as e:
        module.fail_json(msg=e.message)
    module.exit_json(changed=False, **result)


def main():
    argument_spec = dict(
        restores=dict(type="list", elements="dict"),
        restored_bucket=dict(type="str"),
        source_bucket=dict(type="str"),
        recovery_point_time=dict(type="str"),
        critical_keys=dict(type="list", elements="str", default=[], no_log=False),
        detail_sample=dict(type="int", default=compare.DEFAULT_DETAIL_SAMPLE),
        parallelism=dict(type="int", default=compare.DEFAULT_PARALLELISM),
        staging_run_id=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["restores", "restored_bucket"]],
        mutually_exclusive=[["restores", "restored_bucket"], ["restores", "source_bucket"], ["restores", "recovery_point_time"]],
        required_together=[["restored_bucket", "source_bucket", "recovery_point_time"]],
    )
    params = module.params
    if not 1 <= params["parallelism"] <= compare.MAX_PARALLELISM:
        module.fail_json(msg="parallelism={0!r} must be between 1 and {1}".format(params["parallelism"], compare.MAX_PARALLELISM))
    if params["restores"] is not None:
        validate_restores(module)
    if params["staging_run_id"] is not None:
        module.fail_json(msg="staging_run_id={0!r} is only used with restores".format(params["staging_run_id"]))
    try:
        point_time = _drill.parse_iso(params["recovery_point_time"])
    except ValueError:
        point_time = None
    if point_time is None or point_time.tzinfo is None:
        module.fail_json(msg="recovery_point_time=%r is not an ISO 8601 time with an offset" % params["recovery_point_time"])
    if params["restored_bucket"] == params["source_bucket"]:
        module.fail_json(msg="restored_bucket=%r is the source bucket itself; compare a restore with its source" % params["restored_bucket"])
    client = module.client("s3", config=client_config(max_pool_connections=params["parallelism"] + 2))
    try:
        checks = _drill.compare_buckets(client, params["restored_bucket"], params["source_bucket"], point_time,
                                        params["critical_keys"], params["parallelism"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, checks=checks, passed=all(c["result"] == "pass" for c in checks))


if __name__ == "__main__":
    module_process()
    main()
