#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: recovery_point_info
version_added: 0.1.0
short_description: Find and select AWS Backup recovery points of a vault
description:
  - Lists the recovery points of one AWS Backup vault, across all pages, with the server-side filters of
    ListRecoveryPointsByBackupVault (resource type, resource ARN, creation window, backup plan).
  - Narrows them exactly, client-side, to one resource by name (S3 bucket, RDS DB identifier, EC2 instance id) or
    to one tenant's bucket, and to the requested statuses (C(COMPLETED) only by default).
  - Optionally selects one recovery point - the latest, the latest at or before a time, or a random one
    (reproducible with O(seed)) - for a restore.
  - Avoids the runbook's traps. The runbook's V(RecoveryPoints[?Status==COMPLETED]|[0]) trusts the order
    in which the API returns points, which AWS does not document; this module always selects by CreationDate,
    explicitly, across all pages. The runbook's V(contains(ResourceArn, 'tenant-1')) also matches tenant-12 and
    tenant-100; this module compares the bucket name exactly.
  - Read-only; it changes nothing in AWS and never reports a change.
author:
  - restorekit contributors (@restorekit)
options:
  backup_vault_name:
    description:
      - The backup vault to search.
      - One of O(backup_vault_name) or O(project_name) and O(environment) is required.
      - Takes precedence over the vault name derived from O(project_name) and O(environment), for example to search
        the DR copy vault while O(tenant_id) still derives the tenant bucket from O(project_name) and O(environment).
    type: str
  backup_vault_account_id:
    description:
      - The account that owns the vault, when it is not the caller's; for a logically air-gapped vault another account
        shares with this one through AWS RAM (C(aws backup list-backup-vaults --by-shared) lists it).
      - Its points are then restored in the caller's account, with M(restorekit.aws.restore_job) and the same option.
      - Twelve digits, as text (quote it in YAML).
    type: str
  project_name:
    description:
      - The runbook's project name. With O(environment), names the vault V({project_name}-{environment}-backup-vault)
        when O(backup_vault_name) is not given, and the tenant bucket of O(tenant_id).
    type: str
  environment:
    description:
      - The runbook's environment, for example V(prod). Required together with O(project_name).
    type: str
  resource_type:
    description:
      - Server-side filter on the AWS Backup resource type.
      - Must agree with the service of O(resource_arn) when both are given.
    type: str
    choices: ['Aurora', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'RDS', 'S3']
  resource_arn:
    description:
      - Server-side filter on the ARN of the protected resource, for example V(arn:aws:s3:::bucket) or
        V(arn:aws:rds:us-east-1:123456789012:db:mydb). Must start with V(arn:aws).
    type: str
  resource_name:
    description:
      - Exact name of the protected resource, derived from each recovery point's resource ARN; never a substring match.
      - The bucket name for S3, the DB identifier for RDS, the instance id for EC2.
      - Mutually exclusive with O(tenant_id).
      - With O(resource_type=S3), the bucket's ARN is the server-side filter, so only its recovery points are listed.
    type: str
  tenant_id:
    description:
      - Shortcut for a tenant's S3 bucket, V({project_name}-{environment}-tenant-{tenant_id}), matched exactly, so
        tenant V(1) never matches V(...-tenant-12). Implies O(resource_type=S3).
      - Requires O(project_name) and O(environment). Mutually exclusive with O(resource_name).
      - Lower-case letters, digits, hyphens and dots, a letter or digit at both ends; V(..), V(.-), V(-.), V(/),
        spaces, capitals and other characters are refused, as is a bucket name outside 3 to 63 characters. A dot is
        accepted with a warning (S3 advises against dots in bucket names for virtual-hosted-style HTTPS).
      - The bucket's ARN is known from its name, so only its recovery points are listed (server-side O(resource_arn)
        filter).
    type: str
  created_after:
    description:
      - Server-side filter, only points created after this time.
      - ISO 8601 with an offset (V(2026-11-20T05:00:00+00:00) or V(2026-11-20T05:00:00Z)), V(now), or relative to now
        (V(-30m), V(-2h), V(-1d), V(-1w)). Times without an offset are refused.
    type: str
  created_before:
    description:
      - Server-side filter, only points created before this time. Same formats as O(created_after).
      - Must not be earlier than O(created_after).
    type: str
  backup_plan_id:
    description:
      - Server-side filter, only points created by this backup plan.
    type: str
  statuses:
    description:
      - The recovery point statuses to keep. The default keeps only completed points, so a V(PARTIAL), V(EXPIRED) or
        V(DELETING) point is never selected unless asked for.
    type: list
    elements: str
    default: ['COMPLETED']
    choices: ['AVAILABLE', 'COMPLETED', 'CREATING', 'DELETING', 'EXPIRED', 'PARTIAL', 'STOPPED']
  select:
    description:
      - V(all) returns every matching point and selects none.
      - V(latest) selects the point with the greatest CreationDate (never the first one listed).
      - V(at_or_before) selects the newest point created at or before O(point_in_time).
      - V(random) selects one point at random, for a restore drill; see O(seed).
    type: str
    choices: ['all', 'latest', 'at_or_before', 'random']
    default: all
  point_in_time:
    description:
      - The time for O(select=at_or_before). Same formats as O(created_before). A time in the future is refused.
      - Required when O(select=at_or_before), and refused with any other O(select).
    type: str
  seed:
    description:
      - Seed for O(select=random). The same seed and the same candidate points select the same point (candidates
        are ordered by CreationDate, then ARN, before choosing). Refused with any other O(select).
    type: int
  fail_on_empty:
    description:
      - Fail when no recovery point matches (or none is selected), with a message that says what was searched and
        what the vault held before the client-side filters (count, statuses, newest CreationDate per status).
      - When V(false), return an empty RV(recovery_points) and no RV(recovery_point) instead.
    type: bool
    default: true
notes:
  - Supports check mode; the module only reads.
  - The vault name given in O(backup_vault_name) or derived from O(project_name) and O(environment) must exist,
    otherwise the module fails naming it.
extends_documentation_fragment:
  - restorekit.aws.project
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

# Runbook 5.1, done right: the newest COMPLETED RDS recovery point by CreationDate, across all pages.
- name: Latest completed recovery point of the production database
  restorekit.aws.recovery_point_info:
    project_name: multi-tenant-app
    environment: prod
    resource_type: RDS
    resource_name: multi-tenant-app-prod-db
    select: latest
  register: rds_point

- name: Show the recovery point ARN
  ansible.builtin.debug:
    msg: "{{ rds_point.recovery_point.recovery_point_arn }}"

# Runbook 6.1, done right: tenant 1's bucket exactly, never tenant 12's or tenant 100's.
- name: Latest completed recovery point of tenant 1
  restorekit.aws.recovery_point_info:
    project_name: multi-tenant-app
    environment: prod
    tenant_id: "1"
    select: latest
  register: tenant_point

- name: The newest point taken at or before the incident (before the data was damaged)
  restorekit.aws.recovery_point_info:
    backup_vault_name: multi-tenant-app-prod-backup-vault
    resource_arn: arn:aws:s3:::multi-tenant-app-prod-tenant-12
    select: at_or_before
    point_in_time: "2026-11-20T05:00:00+00:00"
  register: before_incident

- name: A random recovery point of the last week for a restore drill, reproducible with its seed
  restorekit.aws.recovery_point_info:
    project_name: multi-tenant-app
    environment: prod
    resource_type: S3
    created_after: "-1w"
    select: random
    seed: 20261120
  register: drill_point

- name: The newest point of a tenant bucket in the air-gapped vault the backup account shares with this recovery account
  restorekit.aws.recovery_point_info:
    backup_vault_name: multi-tenant-app-prod-airgapped
    backup_vault_account_id: "123456789012"
    resource_name: multi-tenant-app-prod-tenant-12
    resource_type: S3
    select: latest
  register: shared_point

- name: Every point of the DR copy vault, including partial ones, without failing when there is none
  restorekit.aws.recovery_point_info:
    backup_vault_name: multi-tenant-app-prod-backup-vault-dr
    region: us-west-2
    statuses: [COMPLETED, PARTIAL]
    fail_on_empty: false
  register: dr_points
"""

RETURN = r"""
recovery_points:
  description:
    - The recovery points that match every filter, newest first (by CreationDate).
    - The keys of ListRecoveryPointsByBackupVault, in snake_case.
  returned: always
  type: list
  elements: dict
  contains:
    recovery_point_arn:
      description: The ARN of the recovery point.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    resource_arn:
      description: The ARN of the protected resource.
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: "S3"
    status:
      description: The status of the recovery point.
      type: str
      returned: always
      sample: "COMPLETED"
    creation_date:
      description: When the recovery point was created.
      type: str
      returned: always
      sample: "2026-11-20T05:00:00+00:00"
    backup_vault_name:
      description: The vault that holds the recovery point.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-backup-vault"
    iam_role_arn:
      description: The IAM role that created the recovery point.
      type: str
      returned: when AWS returns it
      sample: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
  sample:
    - recovery_point_arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
      resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
      resource_type: "S3"
      status: "COMPLETED"
      creation_date: "2026-11-20T05:00:00+00:00"
      backup_vault_name: "multi-tenant-app-prod-backup-vault"
recovery_point:
  description:
    - The selected recovery point, in the same form as the elements of RV(recovery_points).
  returned: when O(select) is not V(all) and a point was selected
  type: dict
  sample:
    recovery_point_arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    resource_type: "S3"
    status: "COMPLETED"
    creation_date: "2026-11-20T05:00:00+00:00"
  contains:
    recovery_point_arn:
      description:
        - The ARN of the recovery point. The point is AWS's ListRecoveryPointsByBackupVault answer for it in snake_case,
          with every other member AWS returns (for example C(backup_size_in_bytes), C(completion_date), C(lifecycle)).
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    resource_arn:
      description: The ARN of the protected resource.
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: S3
    status:
      description: The status of the recovery point.
      type: str
      returned: always
      sample: COMPLETED
    creation_date:
      description: When the recovery point was created (the time its data is as of).
      type: str
      returned: always
      sample: "2026-11-20T02:00:00+00:00"
    backup_vault_name:
      description: The vault that holds the recovery point.
      type: str
      returned: always
      sample: multi-tenant-app-prod-backup-vault
searched:
  description:
    - The vault and the filters used; times resolved to ISO 8601 in UTC. Unused filters are null.
  returned: always
  type: dict
  sample:
    backup_vault_name: "multi-tenant-app-prod-backup-vault"
    resource_type: "S3"
    resource_arn: null
    resource_name: "multi-tenant-app-prod-tenant-1"
    created_after: null
    created_before: null
    backup_plan_id: null
    statuses: ["COMPLETED"]
    select: "latest"
    point_in_time: null
    seed: null
  contains:
    backup_vault_name:
      description: The vault searched (O(backup_vault_name), or named after O(project_name) and O(environment)).
      type: str
      returned: always
      sample: multi-tenant-app-prod-backup-vault
    backup_vault_account_id:
      description: O(backup_vault_account_id), or null for a vault of the caller's account.
      type: str
      returned: always
      sample: "123456789012"
    resource_type:
      description: O(resource_type), or null.
      type: str
      returned: always
      sample: S3
    resource_arn:
      description: O(resource_arn), or null.
      type: str
      returned: always
      sample: null
    resource_name:
      description: The resource name filtered on (O(resource_name), or the bucket of O(tenant_id)), or null.
      type: str
      returned: always
      sample: multi-tenant-app-prod-tenant-1
    created_after:
      description: O(created_after) in ISO 8601 UTC, or null.
      type: str
      returned: always
      sample: null
    created_before:
      description: O(created_before) in ISO 8601 UTC, or null.
      type: str
      returned: always
      sample: null
    backup_plan_id:
      description: O(backup_plan_id), or null.
      type: str
      returned: always
      sample: null
    statuses:
      description: The statuses kept.
      type: list
      returned: always
      elements: str
      sample: ["COMPLETED"]
    select:
      description: O(select).
      type: str
      returned: always
      sample: latest
    point_in_time:
      description: O(point_in_time) in ISO 8601 UTC, or null.
      type: str
      returned: always
      sample: null
    seed:
      description: O(seed), or null.
      type: raw
      returned: always
      sample: null
seen:
  description:
    - What the server-side filters returned, before the resource name and status filters.
  returned: always
  type: dict
  contains:
    total:
      description: How many recovery points the server-side filters returned, all pages.
      type: int
      returned: always
      sample: 12
    by_status:
      description: For each status seen, its count and the newest CreationDate (ISO 8601).
      type: dict
      returned: always
      sample:
        COMPLETED:
          count: 11
          newest_creation_date: "2026-11-23T05:00:00+00:00"
  sample:
    total: 12
    by_status:
      COMPLETED:
        count: 11
        newest_creation_date: "2026-11-23T05:00:00+00:00"
      PARTIAL:
        count: 1
        newest_creation_date: "2026-11-24T01:00:00+00:00"
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def main():
    argument_spec = dict(
        backup_vault_name=dict(type="str"),
        backup_vault_account_id=dict(type="str"),
        project_name=dict(type="str"),
        environment=dict(type="str"),
        resource_type=dict(type="str", choices=rp.RESOURCE_TYPES),
        resource_arn=dict(type="str"),
        resource_name=dict(type="str"),
        tenant_id=dict(type="str"),
        created_after=dict(type="str"),
        created_before=dict(type="str"),
        backup_plan_id=dict(type="str"),
        statuses=dict(type="list", elements="str", default=rp.DEFAULT_STATUSES, choices=rp.STATUSES),
        select=dict(type="str", choices=rp.SELECT_MODES, default="all"),
        point_in_time=dict(type="str"),
        seed=dict(type="int"),
        fail_on_empty=dict(type="bool", default=True),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["backup_vault_name", "project_name"]],
        required_together=[["project_name", "environment"]],
        mutually_exclusive=[["resource_name", "tenant_id"]],
        required_by={"tenant_id": ["project_name", "environment"]},
        required_if=[["select", "at_or_before", ["point_in_time"]]],
    )

    try:
        query = rp.build_query(module.params, region=module.region)
    except rp.RecoveryPointError as e:
        module.fail_json(msg=e.message)
    for warning in query["warnings"]:
        module.warn(warning)
    searched = rp.searched(query)

    client = module.client("backup")
    try:
        points = rp.list_recovery_points(client, query)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    found = rp.find_recovery_points(points, query)
    if found["message"] and module.params["fail_on_empty"]:
        module.fail_json(msg=found["message"], searched=searched, seen=found["seen"])

    result = dict(
        changed=False,
        recovery_points=[camel_dict_to_snake_dict(point) for point in found["recovery_points"]],
        searched=searched,
        seen=found["seen"],
    )
    if found["recovery_point"] is not None:
        result["recovery_point"] = camel_dict_to_snake_dict(found["recovery_point"])
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
