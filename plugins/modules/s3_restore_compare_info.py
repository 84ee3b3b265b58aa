#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: s3_restore_compare_info
short_description: Check a bucket restored from a recovery point against the bucket the point was taken from
version_added: 0.1.0
description:
  - For a restore drill (runbook section 4) - a new bucket restored by AWS Backup is compared with its source bucket,
    which has moved on since the recovery point. Only what cannot have changed is compared strictly.
  - Checks - the restored bucket holds objects; every key of O(critical_keys) is restored; every source object last
    modified at or before O(recovery_point_time) is restored with the same size and ETag. Objects both buckets hold are
    also counted identical or changed since, for the report.
  - Returns checks in the form of the restorekit.aws.restore_report role's C(restore_report_checks) and whether all
    passed. Read-only; it never fails because a check failed (the play decides).
author:
  - restorekit contributors (@restorekit)
options:
  restored_bucket:
    description: The bucket the restore created.
    type: str
    required: true
  source_bucket:
    description: The bucket the recovery point was taken from.
    type: str
    required: true
  recovery_point_time:
    description:
      - The recovery point's creation time, ISO 8601 with an offset. Source objects last modified after it are not
        compared strictly.
    type: str
    required: true
  critical_keys:
    description: Keys that must be in the restored bucket.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Lists both buckets (C(s3:ListBucket)); reads no object.
  - ETags of multipart or SSE-KMS objects are not digests of the content, but an unchanged object keeps its ETag across
    a restore only when its content is the same; a differing ETag with the same size is reported, not explained.
attributes:
  check_mode:
    description: Read-only; the same in check mode.
    support: full
  diff_mode:
    description: Not supported.
    support: none
  idempotent:
    description: Reads only.
    support: full
"""

EXAMPLES = r"""
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
  description: The checks, each C(name), C(target), C(result) (C(pass) or C(fail)) and C(details).
  returned: always
  type: list
  elements: dict
  sample:
    - name: restored bucket holds objects
      target: multi-tenant-app-prod-drill-20261124-030000-tenant-12
      result: pass
      details: {objects: 14, bytes: 310}
passed:
  description: Whether every check passed.
  returned: always
  type: bool
  sample: true
"""

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore.

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _drill


def main():
    argument_spec = dict(
        restored_bucket=dict(type="str", required=True),
        source_bucket=dict(type="str", required=True),
        recovery_point_time=dict(type="str", required=True),
        critical_keys=dict(type="list", elements="str", default=[], no_log=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        point_time = _drill.parse_iso(params["recovery_point_time"])
    except ValueError:
        point_time = None
    if point_time is None or point_time.tzinfo is None:
        module.fail_json(msg="recovery_point_time=%r is not an ISO 8601 time with an offset" % params["recovery_point_time"])
    if params["restored_bucket"] == params["source_bucket"]:
        module.fail_json(msg="restored_bucket=%r is the source bucket itself; compare a restore with its source" % params["restored_bucket"])
    try:
        checks = _drill.compare_buckets(module.client("s3"), params["restored_bucket"], params["source_bucket"], point_time,
                                        params["critical_keys"])
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
        module.fail_json_aws(e, msg="could not list %s or %s" % (params["restored_bucket"], params["source_bucket"]))
    module.exit_json(changed=False, checks=checks, passed=all(c["result"] == "pass" for c in checks))


if __name__ == "__main__":
    main()
