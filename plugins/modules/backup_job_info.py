#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: backup_job_info
version_added: 0.1.0
short_description: AWS Backup job health over a time window - failed, expired, aborted and missing backups
description:
  - Lists the backup, copy and restore jobs created in a time window (ListBackupJobs, ListCopyJobs, ListRestoreJobs),
    across all pages, with server-side filters on the window, the resource type, the state (when exactly one
    state applies) and, for backup jobs, the backup vault.
  - Counts the jobs per state and lists the jobs that went wrong (V(FAILED), V(ABORTED), V(EXPIRED), V(PARTIAL))
    with their resource and status message.
  - For every protected resource (ListProtectedResources), finds its newest usable (V(COMPLETED) or V(AVAILABLE))
    recovery point by CreationDate across all pages of ListRecoveryPointsByResource, its age in hours, and flags it
    stale when it is older than O(rpo_hours) or when there is none. ListProtectedResources' C(LastBackupTime) alone is
    never trusted, because it also moves for backups that did not leave a usable point.
  - Read-only; it changes nothing in AWS and never reports a change.
author:
  - restorekit contributors (@restorekit)
options:
  job_types:
    description:
      - The kinds of jobs to list. A kind left out is neither listed nor counted.
    type: list
    elements: str
    choices: ['backup', 'copy', 'restore']
    default: ['backup', 'copy', 'restore']
  since:
    description:
      - Start of the window; jobs created at or after this time are listed.
      - ISO 8601 with an offset (V(2026-11-20T05:00:00+00:00) or V(2026-11-20T05:00:00Z)), V(now), or relative to now
        (V(-30m), V(-26h), V(-7d), V(-1w)). Times without an offset are refused.
      - Must not be in the future, nor later than O(until).
      - The window is in the real time of the host that runs the module.
    type: str
    default: "-24h"
  until:
    description:
      - End of the window; jobs created at or before this time are listed. Same formats as O(since).
      - Defaults to now.
    type: str
  states:
    description:
      - The job states to keep; all states when not given.
      - When exactly one of the states applies to a kind of job, the list call filters on it server-side; a kind of job
        that can be in none of the states (for example V(EXPIRED) for restore jobs) is not listed at all.
      - Restore jobs call their state a status; the same values are used here.
    type: list
    elements: str
    choices: ['ABORTED', 'ABORTING', 'COMPLETED', 'CREATED', 'EXPIRED', 'FAILED', 'PARTIAL', 'PENDING', 'RUNNING']
  resource_type:
    description:
      - Keep only jobs and protected resources of this AWS Backup resource type (server-side for jobs).
    type: str
    choices: ['Aurora', 'DynamoDB', 'EBS', 'EC2', 'EFS', 'RDS', 'S3']
  backup_vault_name:
    description:
      - Keep only backup jobs into this vault (server-side, C(ByBackupVaultName)).
      - Copy jobs, restore jobs and protected resources are not filtered by vault; the AWS list calls offer no such filter.
    type: str
  protected_resources:
    description:
      - Whether to report, for every protected resource, its newest usable recovery point and whether it is stale.
      - This makes one paginated ListRecoveryPointsByResource call per protected resource; turn it off to list jobs only.
    type: bool
    default: true
  legal_holds:
    description:
      - Whether to list the account's legal holds in this region (ListLegalHolds), with the recovery points of each
        hold in force (C(CREATING), C(ACTIVE) or C(CANCELING); ListRecoveryPointsByLegalHold). A point under such a hold
        cannot be deleted until the hold is cancelled.
      - Needs backup:ListLegalHolds and backup:ListRecoveryPointsByLegalHold.
    type: bool
    default: false
  rpo_hours:
    description:
      - The recovery point objective in hours. A protected resource whose newest usable recovery point is older than
        this, or that has none, is reported with RV(protected_resources[].stale=true).
      - The default of 26 hours is a daily backup plus two hours of slack for the backup window. Greater than 0, at
        most 8784 (a year).
    type: float
    default: 26
notes:
  - Supports check mode; the module only reads.
  - Times and ages are computed against the real clock of the host that runs the module. Against the local AWS Backup
    emulator, whose clock tests may move, jobs and points are dated on the emulator's clock instead.
  - AWS keeps job history for a limited time (about 30 days); a window reaching further back returns fewer jobs.
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
# Note: These examples do not set authentication details, see the AWS Guide for details.

- name: Job health of the last 26 hours, and every protected resource against a 26 hour RPO
  restorekit.aws.backup_job_info:
    since: "-26h"
  register: health

- name: Fail when a job failed or a protected resource has no recent recovery point
  ansible.builtin.assert:
    that:
      - health.problems | length == 0
      - health.protected_resources | selectattr('stale') | list | length == 0
    fail_msg: >-
      {{ health.problems | length }} failed/aborted/expired/partial jobs,
      stale: {{ health.protected_resources | selectattr('stale') | map(attribute='resource_arn') | list }}

- name: Failed backup jobs of the production vault in the last week
  restorekit.aws.backup_job_info:
    job_types: [backup]
    states: [FAILED]
    since: "-7d"
    backup_vault_name: multi-tenant-app-prod-backup-vault
    protected_resources: false
  register: failed_backups

- name: S3 restore jobs during an incident window, and tenant buckets against a 24 hour RPO
  restorekit.aws.backup_job_info:
    job_types: [restore]
    resource_type: S3
    since: "2026-11-20T05:00:00+00:00"
    until: "2026-11-20T09:00:00+00:00"
    rpo_hours: 24
  register: s3_restores
"""

RETURN = r"""
backup_jobs:
  description:
    - The backup jobs of the window that match the filters, newest first (by CreationDate).
    - The keys of ListBackupJobs, in snake_case.
  returned: when V(backup) is in O(job_types)
  type: list
  elements: dict
  sample:
    - backup_job_id: "6B2E8F4A-1111-2222-3333-444455556666"
      backup_vault_name: "multi-tenant-app-prod-backup-vault"
      resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
      resource_type: "S3"
      state: "COMPLETED"
      creation_date: "2026-11-20T05:00:00+00:00"
      recovery_point_arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
  contains:
    backup_job_id:
      description:
        - The job's id. Each job is AWS's ListBackupJobs answer for it in snake_case, with every other member AWS returns
          (for example C(backup_size_in_bytes), C(iam_role_arn), C(created_by), C(percent_done)).
      type: str
      returned: always
      sample: "6B2E8F4A-1111-2222-3333-444455556666"
    backup_vault_name:
      description: The vault the recovery point is saved in.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-backup-vault"
    resource_arn:
      description: The protected resource.
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: "S3"
    state:
      description: The job's state (C(CREATED), C(PENDING), C(RUNNING), C(COMPLETED), C(FAILED), C(ABORTED), C(EXPIRED), C(PARTIAL), ...).
      type: str
      returned: always
      sample: "COMPLETED"
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: when AWS returns it
      sample: "Access denied to the bucket"
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-20T05:00:00+00:00"
    completion_date:
      description: When the job ended (ISO 8601).
      type: str
      returned: when the job has ended
      sample: "2026-11-20T05:20:00+00:00"
    recovery_point_arn:
      description: The recovery point the job made.
      type: str
      returned: when the job made one
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
copy_jobs:
  description:
    - The copy jobs of the window that match the filters, newest first. The keys of ListCopyJobs, in snake_case.
  returned: when V(copy) is in O(job_types)
  type: list
  elements: dict
  sample:
    - copy_job_id: "9A1C7D3E-1111-2222-3333-444455556666"
      resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
      destination_backup_vault_arn: "arn:aws:backup:us-west-2:123456789012:backup-vault:multi-tenant-app-prod-backup-vault-dr"
      state: "COMPLETED"
      creation_date: "2026-11-20T05:10:00+00:00"
  contains:
    copy_job_id:
      description:
        - The job's id. Each job is AWS's ListCopyJobs answer for it in snake_case, with every other member AWS returns
          (for example C(backup_size_in_bytes), C(iam_role_arn), C(parent_job_id)).
      type: str
      returned: always
      sample: "9A1C7D3E-1111-2222-3333-444455556666"
    resource_arn:
      description: The protected resource whose recovery point is copied.
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: "S3"
    source_backup_vault_arn:
      description: The vault copied from.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:backup-vault:multi-tenant-app-prod-backup-vault"
    source_recovery_point_arn:
      description: The recovery point copied.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    destination_backup_vault_arn:
      description: The vault copied to.
      type: str
      returned: always
      sample: "arn:aws:backup:us-west-2:123456789012:backup-vault:multi-tenant-app-prod-backup-vault-dr"
    destination_recovery_point_arn:
      description: The copy, in the destination vault.
      type: str
      returned: when the copy exists
      sample: "arn:aws:backup:us-west-2:123456789012:recovery-point:7d1e2f3a-1111-2222-3333-444455556666"
    state:
      description: The job's state (C(CREATED), C(RUNNING), C(COMPLETED), C(FAILED), C(PARTIAL)).
      type: str
      returned: always
      sample: "COMPLETED"
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: when AWS returns it
      sample: "Access denied to the destination vault"
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-20T05:10:00+00:00"
    completion_date:
      description: When the job ended (ISO 8601).
      type: str
      returned: when the job has ended
      sample: "2026-11-20T05:15:00+00:00"
restore_jobs:
  description:
    - The restore jobs of the window that match the filters, newest first. The keys of ListRestoreJobs, in snake_case
      (their state is in C(status)).
  returned: when V(restore) is in O(job_types)
  type: list
  elements: dict
  sample:
    - restore_job_id: "4F0B2C6D-1111-2222-3333-444455556666"
      recovery_point_arn: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234"
      resource_type: "RDS"
      status: "COMPLETED"
      created_resource_arn: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
      creation_date: "2026-11-20T06:00:00+00:00"
  contains:
    restore_job_id:
      description:
        - The job's id. Each job is AWS's ListRestoreJobs answer for it in snake_case, with every other member AWS returns
          (for example C(iam_role_arn), C(percent_done), C(backup_size_in_bytes), C(expected_completion_time_minutes)).
      type: str
      returned: always
      sample: "4F0B2C6D-1111-2222-3333-444455556666"
    recovery_point_arn:
      description: The recovery point restored from.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1234"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: "RDS"
    status:
      description: The job's state (C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED), C(FAILED)).
      type: str
      returned: always
      sample: "COMPLETED"
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: when AWS returns it
      sample: "DB instance already exists"
    created_resource_arn:
      description: The resource the restore made.
      type: str
      returned: when the restore made one
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-20T06:00:00+00:00"
    completion_date:
      description: When the job ended (ISO 8601).
      type: str
      returned: when the job has ended
      sample: "2026-11-20T06:25:00+00:00"
counts:
  description:
    - For each kind of job in O(job_types), the number of listed jobs in each state.
  returned: always
  type: dict
  contains:
    backup:
      description: The backup jobs listed, by state (a job state such as C(COMPLETED) to its number of jobs; only states seen).
      type: dict
      returned: when V(backup) is in O(job_types)
      sample: {"COMPLETED": 40, "FAILED": 1}
    copy:
      description: The copy jobs listed, by state (a job state to its number of jobs; only states seen).
      type: dict
      returned: when V(copy) is in O(job_types)
      sample: {"COMPLETED": 40}
    restore:
      description: The restore jobs listed, by status (a job status to its number of jobs; only statuses seen).
      type: dict
      returned: when V(restore) is in O(job_types)
      sample: {}
  sample:
    backup:
      COMPLETED: 40
      FAILED: 1
    copy:
      COMPLETED: 40
    restore: {}
problems:
  description:
    - The listed jobs in state V(FAILED), V(ABORTED), V(EXPIRED) or V(PARTIAL), newest first.
  returned: always
  type: list
  elements: dict
  contains:
    job_type:
      description: V(backup), V(copy) or V(restore).
      type: str
      returned: always
      sample: "backup"
    job_id:
      description: The job's id.
      type: str
      returned: always
      sample: "6B2E8F4A-1111-2222-3333-444455556666"
    state:
      description: The job's state (a restore job's status).
      type: str
      returned: always
      sample: "FAILED"
    resource_arn:
      description: The protected resource (for a restore job, the source resource of its recovery point).
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-100"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: "S3"
    resource_name:
      description: The resource's name, when AWS returns it.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-tenant-100"
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: always
      sample: "Access denied to the bucket"
    creation_date:
      description: When the job was created (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-20T05:00:00+00:00"
    completion_date:
      description: When the job ended (ISO 8601), or null.
      type: str
      returned: always
      sample: "2026-11-20T05:20:00+00:00"
    recovery_point_arn:
      description: The recovery point the job made, copied or restored from, when there is one.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
protected_resources:
  description:
    - Every protected resource (of O(resource_type) when given), stale ones first, then oldest first.
  returned: when O(protected_resources=true)
  type: list
  elements: dict
  contains:
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
    resource_name:
      description: The resource's name, when AWS returns it.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-tenant-1"
    newest_recovery_point_arn:
      description: The newest COMPLETED or AVAILABLE recovery point by CreationDate, in any vault of the region; null when none.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    newest_creation_date:
      description: Its CreationDate (ISO 8601), or null.
      type: str
      returned: always
      sample: "2026-11-20T05:00:00+00:00"
    newest_backup_vault_name:
      description: The vault that holds it, or null.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-backup-vault"
    age_hours:
      description: Its age in hours against the module's clock, rounded to 0.01; null when there is no usable point.
      type: float
      returned: always
      sample: 7.25
    stale:
      description: True when there is no usable recovery point or it is older than O(rpo_hours).
      type: bool
      returned: always
      sample: false
legal_holds:
  description: Every legal hold of the region, with the recovery points of those in force.
  returned: when O(legal_holds=true)
  type: list
  elements: dict
  contains:
    legal_hold_id:
      description: The hold's id.
      type: str
      returned: always
      sample: "1e1f5b2c-aaaa-bbbb-cccc-ddddeeeeffff"
    title:
      description: The hold's title.
      type: str
      returned: always
      sample: "litigation 2026-114"
    status:
      description: C(CREATING), C(ACTIVE), C(CANCELING) or C(CANCELED).
      type: str
      returned: always
      sample: "ACTIVE"
    creation_date:
      description: When the hold was created (ISO 8601).
      type: str
      returned: always
      sample: "2026-11-20T05:00:00+00:00"
    recovery_points:
      description: The recovery points the hold holds (empty for a cancelled hold).
      type: list
      elements: dict
      returned: always
      contains:
        recovery_point_arn:
          description: The held recovery point.
          type: str
          returned: always
          sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e"
        resource_arn:
          description: The resource it is a recovery point of.
          type: str
          returned: always
          sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-1"
        resource_type:
          description: The AWS Backup resource type.
          type: str
          returned: always
          sample: "S3"
        backup_vault_name:
          description: The vault that holds it.
          type: str
          returned: always
          sample: "multi-tenant-app-prod-backup-vault"
      sample: [{recovery_point_arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e", resource_type: "S3",
                resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-1", backup_vault_name: "multi-tenant-app-prod-backup-vault"}]
window:
  description: The window searched, resolved to ISO 8601 in UTC.
  returned: always
  type: dict
  contains:
    since:
      description: Jobs created at or after this time were listed.
      type: str
      returned: always
      sample: "2026-11-19T12:00:00+00:00"
    until:
      description: Jobs created before this time were listed (now when O(until) is not given).
      type: str
      returned: always
      sample: "2026-11-20T12:00:00+00:00"
  sample:
    since: "2026-11-19T12:00:00+00:00"
    until: "2026-11-20T12:00:00+00:00"
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health as jh
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


MAX_RPO_HOURS = 24 * 366


def check_options(params):
    """What jobs_health.build_query does not check, before any AWS call; InputError names the option."""
    if params["backup_vault_name"] is not None:
        inputs.backup_vault_name(params["backup_vault_name"], "backup_vault_name")
    inputs.unique(params["job_types"], "job_types")
    inputs.unique(params["states"], "states")
    inputs.number(params["rpo_hours"], "rpo_hours", maximum=MAX_RPO_HOURS, above=0)


def main():
    argument_spec = dict(
        job_types=dict(type="list", elements="str", choices=jh.JOB_TYPES, default=jh.JOB_TYPES),
        since=dict(type="str", default=jh.DEFAULT_SINCE),
        until=dict(type="str"),
        states=dict(type="list", elements="str", choices=jh.JOB_STATES),
        resource_type=dict(type="str", choices=jh.RESOURCE_TYPES),
        backup_vault_name=dict(type="str"),
        protected_resources=dict(type="bool", default=True),
        legal_holds=dict(type="bool", default=False),
        rpo_hours=dict(type="float", default=jh.DEFAULT_RPO_HOURS),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)

    try:
        check_options(module.params)
        query = jh.build_query(module.params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    except jh.JobHealthError as e:
        module.fail_json(msg=e.message)

    client = module.client("backup")
    try:
        health = jh.job_health(client, query)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)

    result = dict(changed=False, counts=health["counts"], problems=health["problems"], window=jh.window(query))
    for job_type, jobs in health["jobs"].items():
        result[f"{job_type}_jobs"] = [camel_dict_to_snake_dict(job) for job in jobs]
    if health["protected_resources"] is not None:
        result["protected_resources"] = health["protected_resources"]
    if health["legal_holds"] is not None:
        result["legal_holds"] = health["legal_holds"]
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
