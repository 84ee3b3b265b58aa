#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_health_info
version_added: 0.2.0
short_description: Read, in one run, everything the backup health check compares with the policy
description:
  - Reads the caller (STS GetCallerIdentity); the backup, copy and restore job health of a window, the protected
    resources against the RPO and the legal holds (as M(restorekit.aws.backup_job_info) does); the backup plan by name
    and its selections; the backup vault and its KMS key; and the DB instances, buckets and live EC2 instances the
    backup tag could select.
  - Returns them under RV(gathered), in the shapes the amazon.aws info module of each read gives, for the
    C(restorekit.aws.backup_health) filter, which turns them into findings. The C(restorekit.aws.backup_health) role
    runs it once, in place of one module run per read.
  - What is missing is a finding for the filter, not an error here. No plan gives an empty
    RV(gathered.plan.backup_plans). A vault AWS Backup will not describe (it answers a missing vault with
    C(AccessDeniedException), as it answers a caller without permission) gives an empty RV(gathered.vault.backup_vaults)
    with the error. A key that cannot be read, or selections that cannot be listed, are left empty with the error too.
  - Any other failed read (the caller, the jobs, the plans, the tagged resources) fails the module, naming the call.
  - Read-only; it changes nothing in AWS and never reports a change.
author:
  - restorekit contributors (@restorekit)
options:
  backup_plan_name:
    description: The backup plan to read, by name, with its selections.
    type: str
    required: true
  backup_vault_name:
    description: The backup vault to describe, and whose KMS key to read.
    type: str
    required: true
  resource_types:
    description:
      - The resource types whose tagged resources are read (DescribeDBInstances, ListBuckets with GetBucketTagging,
        DescribeInstances). A type left out is not read; its key of RV(gathered) is empty.
    type: list
    elements: str
    choices: ['RDS', 'S3', 'EC2']
    default: ['RDS', 'S3', 'EC2']
  tag_key:
    description: The tag the backup plan selects by; EC2 instances are read only when they carry it with O(tag_value).
    type: str
    default: Backup
  tag_value:
    description: The value of O(tag_key) the plan selects.
    type: str
    default: "true"
  job_states:
    description:
      - The job states to keep, as M(restorekit.aws.backup_job_info)'s O(restorekit.aws.backup_job_info#module:states).
      - All states when not given.
    type: list
    elements: str
    choices: ['ABORTED', 'ABORTING', 'COMPLETED', 'CREATED', 'EXPIRED', 'FAILED', 'PARTIAL', 'PENDING', 'RUNNING']
  since:
    description:
      - Start of the job window, as M(restorekit.aws.backup_job_info)'s O(restorekit.aws.backup_job_info#module:since)
        (ISO 8601 with an offset, V(now), or relative to now like V(-24h)).
    type: str
    default: "-24h"
  until:
    description: End of the job window, in the same formats; now when not given.
    type: str
  rpo_hours:
    description: A protected resource whose newest usable recovery point is older than this many hours is stale.
    type: float
    default: 26
notes:
  - Supports check mode; the module only reads.
  - Needs sts:GetCallerIdentity; backup:ListBackupJobs, ListCopyJobs, ListRestoreJobs, ListProtectedResources,
    ListRecoveryPointsByResource, ListLegalHolds, ListRecoveryPointsByLegalHold, ListBackupPlans, GetBackupPlan,
    ListBackupSelections, GetBackupSelection, DescribeBackupVault; kms:DescribeKey; rds:DescribeDBInstances;
    s3:ListAllMyBuckets and s3:GetBucketTagging; ec2:DescribeInstances.
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Read what the backup health check compares with the policy
  restorekit.aws.backup_health_info:
    backup_plan_name: multi-tenant-app-prod-backup-plan
    backup_vault_name: multi-tenant-app-prod-backup-vault
    job_states: [FAILED, ABORTED, EXPIRED, PARTIAL]
    since: "-24h"
    rpo_hours: 26
  register: health_read

- name: Turn it into findings
  ansible.builtin.set_fact:
    health: "{{ health_read.gathered | restorekit.aws.backup_health(settings) }}"
  vars:
    settings:
      project_name: multi-tenant-app
      environment: prod
      backup_plan_name: multi-tenant-app-prod-backup-plan
      backup_vault_name: multi-tenant-app-prod-backup-vault
"""

RETURN = r"""
gathered:
  description: What was read, by the name the C(restorekit.aws.backup_health) filter reads it under.
  returned: always
  type: dict
  contains:
    caller:
      description: The caller, as amazon.aws.aws_caller_info gives it.
      type: dict
      returned: always
      contains:
        account:
          description: The caller's account.
          type: str
          returned: always
          sample: "123456789012"
        arn:
          description: The caller's ARN.
          type: str
          returned: always
          sample: "arn:aws:iam::123456789012:user/oncall"
        user_id:
          description: The caller's unique id.
          type: str
          returned: always
          sample: "AIDAEXAMPLE"
    jobs:
      description:
        - The job health of the window, as M(restorekit.aws.backup_job_info) returns it with O(restorekit.aws.backup_job_info#module:legal_holds=true)
          (its C(counts), C(problems), C(window), C(protected_resources) and C(legal_holds), described there), without the
          job lists themselves.
      type: dict
      returned: always
      contains:
        counts:
          description: Jobs per state, per kind of job.
          type: dict
          returned: always
        problems:
          description: The jobs that went wrong, newest first.
          type: list
          elements: dict
          returned: always
        window:
          description: The window searched, C(since) and C(until) in ISO 8601 UTC.
          type: dict
          returned: always
        protected_resources:
          description: Every protected resource with its newest usable recovery point and whether it is stale.
          type: list
          elements: dict
          returned: always
        legal_holds:
          description: The legal holds, with the recovery points of each hold in force.
          type: list
          elements: dict
          returned: always
    plan:
      description: The plan, as amazon.aws.backup_plan_info gives it.
      type: dict
      returned: always
      contains:
        backup_plans:
          description: The plan of that name (GetBackupPlan in snake_case, with C(backup_plan_name)); empty when there is none.
          type: list
          elements: dict
          returned: always
    selections:
      description: The plan's selections, as amazon.aws.backup_selection_info gives them.
      type: dict
      returned: always
      contains:
        backup_selections:
          description: Each selection (GetBackupSelection in snake_case, the selection's members at the top); empty without a plan.
          type: list
          elements: dict
          returned: always
        error:
          description: Why the selections could not be read, when they could not.
          type: str
          returned: when the read failed
    vault:
      description: The vault, as amazon.aws.backup_vault_info gives it.
      type: dict
      returned: always
      contains:
        backup_vaults:
          description: The vault (DescribeBackupVault in snake_case); empty when AWS Backup did not describe it.
          type: list
          elements: dict
          returned: always
        error:
          description: Why the vault was not described (a missing vault and a denied caller get the same answer).
          type: str
          returned: when the read failed
    key:
      description: The vault's KMS key, as amazon.aws.kms_key_info gives it.
      type: dict
      returned: always
      contains:
        kms_keys:
          description: The key (DescribeKey's KeyMetadata in snake_case); empty when the vault names none or it cannot be read.
          type: list
          elements: dict
          returned: always
        error:
          description: Why the key could not be read.
          type: str
          returned: when the read failed
    rds:
      description: The DB instances; empty when V(RDS) is not in O(resource_types).
      type: dict
      returned: always
      contains:
        instances:
          description: Every DB instance.
          type: list
          elements: dict
          returned: when V(RDS) is in O(resource_types)
          contains:
            db_instance_identifier:
              description: The instance's identifier.
              type: str
              returned: always
            db_instance_arn:
              description: The instance's ARN.
              type: str
              returned: always
            backup_retention_period:
              description: Days its native automated backups are kept.
              type: int
              returned: always
            preferred_backup_window:
              description: Its native backup window, in UTC.
              type: str
              returned: always
            tags:
              description: Its tags, key to value.
              type: dict
              returned: always
    s3:
      description: The buckets; empty when V(S3) is not in O(resource_types).
      type: dict
      returned: always
      contains:
        buckets:
          description: Every bucket.
          type: list
          elements: dict
          returned: when V(S3) is in O(resource_types)
          contains:
            name:
              description: The bucket's name.
              type: str
              returned: always
            bucket_tagging:
              description: Its tags, key to value (empty when it has none).
              type: dict
              returned: always
    ec2:
      description: The live instances tagged O(tag_key)=O(tag_value); empty when V(EC2) is not in O(resource_types).
      type: dict
      returned: always
      contains:
        instances:
          description: Each instance, pending, running, stopping or stopped.
          type: list
          elements: dict
          returned: when V(EC2) is in O(resource_types)
          contains:
            instance_id:
              description: The instance's id.
              type: str
              returned: always
            placement:
              description: Where it runs.
              type: dict
              returned: always
              contains:
                availability_zone:
                  description: Its availability zone.
                  type: str
                  returned: always
            state:
              description: Its state.
              type: dict
              returned: always
              contains:
                name:
                  description: The state's name.
                  type: str
                  returned: always
            tags:
              description: Its tags, key to value.
              type: dict
              returned: always
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import health_gather
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health as jh
from ansible_collections.restorekit.aws.plugins.module_utils._retries import client_for
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process

MAX_RPO_HOURS = 24 * 366


def build_query(params):
    """The jobs' query (backup_job_info's, with the legal holds), after checking what it does not; InputError or
    JobHealthError names the option."""
    inputs.backup_vault_name(params["backup_vault_name"], "backup_vault_name")
    inputs.unique(params["resource_types"], "resource_types")
    inputs.unique(params["job_states"] or [], "job_states")
    inputs.number(params["rpo_hours"], "rpo_hours", maximum=MAX_RPO_HOURS, above=0)
    return jh.build_query({"job_types": ["backup", "copy"], "since": params["since"], "until": params["until"],
                           "states": params["job_states"], "resource_type": None, "backup_vault_name": None,
                           "protected_resources": True, "legal_holds": True, "rpo_hours": params["rpo_hours"]})


def main():
    argument_spec = dict(
        backup_plan_name=dict(type="str", required=True),
        backup_vault_name=dict(type="str", required=True),
        resource_types=dict(type="list", elements="str", choices=list(health_gather.RESOURCE_TYPES), default=list(health_gather.RESOURCE_TYPES)),
        tag_key=dict(type="str", default="Backup", no_log=False),
        tag_value=dict(type="str", default="true"),
        job_states=dict(type="list", elements="str", choices=jh.JOB_STATES),
        since=dict(type="str", default=jh.DEFAULT_SINCE),
        until=dict(type="str"),
        rpo_hours=dict(type="float", default=jh.DEFAULT_RPO_HOURS),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        query = build_query(params)
    except (inputs.InputError, jh.JobHealthError) as e:
        module.fail_json(msg=e.message)

    try:
        gathered = health_gather.gather(client_for(module, retrying=False), query, params["backup_plan_name"], params["backup_vault_name"],
                                        params["resource_types"], params["tag_key"], params["tag_value"])
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, gathered=gathered)


if __name__ == "__main__":
    module_process()
    main()
