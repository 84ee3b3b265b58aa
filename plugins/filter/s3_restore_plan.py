# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: s3_restore_plan
version_added: 0.1.0
short_description: One step of the tenant S3 restore's per-tenant plan (used by the s3_restore role)
description:
  - Turns what the P(restorekit.aws.s3_restore#role) role read into what its next module takes, one entry per tenant
    in the order of the tenants. The rules are in C(plugins/module_utils/_s3/tenant_restore.py).
  - C(staging_pairs) - the production/staging pairs of M(restorekit.aws.s3_staging_bucket); with O(tag=true), the tags
    that mark each staging bucket as this restore's.
  - C(requests) - the C(restores) of M(restorekit.aws.restore_job) - each tenant's recovery point (from O(points)), its
    staging bucket and the restore metadata (encryption, C(ItemsToRestore) as C(s3://<bucket>/<key>), C(NewBucket)); more
    O(items) than one job takes (5) make one job per group of 5 into the staging bucket (C(NewBucket=false)).
    O(first_only) gives each tenant's first job only.
  - C(prepare) - the staging pairs, tagged, of the tenants whose restore writes into the bucket as it is, for
    M(restorekit.aws.s3_staging_bucket) with O(restorekit.aws.s3_staging_bucket#module:prepare=true).
  - C(decide) - each tenant with its recovery point and its staging bucket's standing - new, this restore's own
    (tagged C(restorekit:staging-for)), an earlier run's to adopt (O(probes)), or someone else's.
  - C(foreign), C(missing_production), C(warnings) - the staging buckets to refuse, the production buckets that do not
    exist, and the warning lines for production buckets that fire on every PUT.
  - C(copies) - the C(copies) of M(restorekit.aws.s3_selective_copy), staging to production, with manifests named
    by O(run) and O(kind).
  - C(plan_lines) - what the responder reads of each tenant's copy plan (O(plans)).
  - C(result) - one record per tenant for P(restorekit.aws.validate_s3#role) and the restore report.
  - C(report) - from those records, the report's C(recovery_points), C(restore_jobs), C(checks), C(resources), C(notes).
extends_documentation_fragment:
  - restorekit.aws.filter_options.check_mode
  - restorekit.aws.steps
options:
  _input:
    description: The tenants (C(s3_restore_tenants)); for C(report), the records C(result) made.
    type: list
    elements: dict
    required: true
  step:
    choices: [staging_pairs, requests, decide, prepare, foreign, missing_production, warnings, copies, plan_lines, result, report]
  tag:
    description: With C(staging_pairs), add the tags that mark each staging bucket as this restore's.
    type: bool
    default: false
  points:
    description: The results of the M(restorekit.aws.recovery_point_info) loop, one per tenant.
    type: list
    elements: dict
  buckets:
    description: The C(buckets) M(restorekit.aws.s3_staging_bucket) read, one per tenant.
    type: list
    elements: dict
  probes:
    description: The results of the check-mode M(restorekit.aws.restore_job) loop, one per tenant.
    type: list
    elements: dict
  run:
    description: This run's id.
    type: str
  items:
    description: Keys or prefixes to restore (C(ItemsToRestore)), for C(requests) and C(decide); empty restores whole buckets.
    type: list
    elements: str
  first_only:
    description: With C(requests), each tenant's first restore only.
    type: bool
    default: false
  encryption_type:
    description: The restore's C(EncryptionType).
    type: str
  kms_key_arn:
    description: The KMS key of C(SSE-KMS).
    type: str
  manifest_dir:
    description: Where the copy manifests go.
    type: str
  kind:
    description: C(plan) or C(copy), for the manifests' names.
    type: str
  started:
    description: The registered result of the M(restorekit.aws.restore_job) task that started the restores.
    type: dict
  plans:
    description: The registered result of the dry-run M(restorekit.aws.s3_selective_copy).
    type: dict
  copied:
    description: The registered result of the M(restorekit.aws.s3_selective_copy) that copied.
    type: dict
  conflict_policy:
    description: The copy's conflict policy.
    type: str
  plan_only:
    description: Whether nothing is copied.
    type: bool
"""

EXAMPLES = r"""
- name: Decide, per tenant, whether the staging bucket is new, this restore's own, or someone else's
  ansible.builtin.set_fact:
    s3_restore_tenants: >-
      {{ s3_restore_tenants | restorekit.aws.s3_restore_plan('decide', points=s3_restore_points.results,
                                                              buckets=s3_restore_bucket_info.buckets,
                                                              probes=s3_restore_probe.results, run=s3_restore_run) }}
"""

RETURN = r"""
_value:
  description: The step's answer - a list (one entry per tenant, or lines), or for C(report) a dictionary.
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import tenant_restore
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {
    "staging_pairs": tenant_restore.staging_pairs,
    "requests": tenant_restore.requests,
    "decide": tenant_restore.decide,
    "prepare": tenant_restore.prepare,
    "foreign": tenant_restore.foreign,
    "missing_production": tenant_restore.missing_production,
    "warnings": tenant_restore.warnings,
    "copies": tenant_restore.copies,
    "plan_lines": tenant_restore.plan_lines,
    "result": tenant_restore.result,
    "report": tenant_restore.report,
}


def s3_restore_plan(data, step, **options):
    if step in STEPS and not isinstance(data, list):
        raise AnsibleFilterError("s3_restore_plan(%s): expects the list of tenants (or records), got %r" % (step, data))
    return run_step("s3_restore_plan", STEPS, data, step, options, errors=(TypeError, tenant_restore.PlanError))


class FilterModule(object):
    """restorekit.aws tenant S3 restore filter."""

    def filters(self):
        return {"s3_restore_plan": s3_restore_plan}
