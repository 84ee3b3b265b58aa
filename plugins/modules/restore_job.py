#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_job
short_description: Start an AWS Backup restore exactly once, safely, and wait for it
version_added: 0.1.0
description:
  - Starts a restore job from an AWS Backup recovery point (runbook sections 5.2 and 6.2), or adopts the one
    a previous run already started, and waits for it while showing its progress at each poll.
  - The metadata sent is the recovery point's own restore metadata (GetRecoveryPointRestoreMetadata) with
    O(metadata) on top, normalised for the resource type. Keys are matched to the API's spelling regardless of
    letter case; the runbook's C(SubnetGroupName)/C(DbSubnetGroupName) pair is folded when equal and refused
    when different; values become strings, lists become JSON (a bare security group string becomes a
    one-element list), booleans become C("true")/C("false"). Unknown keys are sent as given, with a warning.
  - B(Never onto the source by accident.) A recovery point's own metadata names the resource it was taken
    from. The target (O(target_name), or the metadata's C(DBInstanceIdentifier)/C(DestinationBucketName)) must
    be given and must differ from that source unless O(allow_source_target=true).
  - B(Exactly once.) The request carries an idempotency token derived from the recovery point and the target;
    before starting, recent restore jobs of the same recovery point are read and their metadata compared, so a
    job that is C(PENDING)/C(RUNNING), or C(COMPLETED) with its created resource still present, is adopted
    (C(changed=false)) instead of starting a second restore. A C(COMPLETED) job whose resource is gone does not
    block a new restore.
  - With O(wait=true) the task shows one progress line per poll (state and percent done) while it waits, in
    C(ansible-playbook) and AWX output alike. A timeout leaves the job running in AWS and says so; re-running
    the task adopts it.
  - In check mode nothing starts; the module returns the final request (ARN, role, normalised metadata) and
    any job it would adopt.
author:
  - restorekit contributors (@restorekit)
options:
  recovery_point_arn:
    description:
      - The recovery point to restore, as returned by M(restorekit.aws.recovery_point_info).
      - Mutually exclusive with O(restore_job_id).
    type: str
  restore_job_id:
    description:
      - Describe, and with O(wait=true) wait for, an existing restore job instead of starting one.
    type: str
  restore_job_ids:
    description:
      - Describe, and with O(wait=true) wait for, several existing restore jobs at once (the jobs a play started
        with O(wait=false), one per tenant for example). Each poll describes the jobs still running; the wait ends
        when all have ended, so N jobs take as long as the slowest instead of N waits in a row.
      - The results are in RV(restore_jobs), in this order. The task fails when any job ends C(FAILED) or
        C(ABORTED) (after all have ended, naming each), or on timeout (naming those still running).
      - Mutually exclusive with O(recovery_point_arn) and O(restore_job_id).
    type: list
    elements: str
  restores:
    description:
      - Several restores in one task (one per tenant, say) instead of O(recovery_point_arn), O(target_name) and
        O(metadata); every other option applies to each. Each is started, or adopted, exactly as a single restore;
        all are started before any is waited for, and with O(wait=true) they are waited for together (as with
        O(restore_job_ids)).
      - The results are in RV(restore_jobs), in this order, each as a single restore returns it.
      - Every restore is checked (reads only) before the first one starts; two restores into the same target are refused.
    type: list
    elements: dict
    suboptions:
      recovery_point_arn:
        description: The recovery point to restore.
        type: str
        required: true
      target_name:
        description: What the restore creates (see O(target_name)).
        type: str
      metadata:
        description: Restore metadata overrides (see O(metadata)).
        type: dict
        default: {}
  backup_vault_name:
    description:
      - The vault that holds the recovery point (GetRecoveryPointRestoreMetadata needs it).
      - When omitted, derived as C(<project_name>-<environment>-backup-vault), the runbook's name.
    type: str
  backup_vault_account_id:
    description:
      - The account that owns the vault, when it is not the caller's; for a logically air-gapped vault another account
        shares with this one through AWS RAM. The restore runs in the caller's account, and what it creates is there.
      - The recovery point ARNs must be of that account; O(iam_role_arn) (or the runbook's backup role) is the
        caller's own.
      - Twelve digits, as text (quote it in YAML).
    type: str
  resource_type:
    description:
      - The recovery point's resource type. Inferred from the ARN or the recovery point when omitted; a value
        that contradicts either is refused.
    type: str
    choices: [RDS, S3, EC2]
  target_name:
    description:
      - What the restore creates, by name. For C(RDS) the new DB identifier, for C(S3) the destination bucket.
      - C(EC2) restores always launch a new instance and take no target name.
    type: str
  metadata:
    description:
      - Restore metadata overrides, merged over the recovery point's own. Keys as the AWS Backup documentation
        spells them, in any letter case; values may be strings, booleans, numbers or lists.
      - Values AWS would take only to fail the job later are refused before it starts, naming C(metadata.<Key>) - a KMS
        key (C(KmsKeyId), C(KMSKey)) that is malformed or of another region, security group and subnet ids, instance
        types and classes, subnet and parameter group names, ports and availability zones.
    type: dict
    default: {}
  allow_source_target:
    description:
      - Allow the target to be the recovery point's source resource (a restore aimed at what the point was taken
        from). Off by default; AWS refuses most such restores anyway, and the ones it accepts overwrite nothing
        only by luck.
    type: bool
    default: false
  iam_role_arn:
    description:
      - The role AWS Backup assumes for the restore. When omitted, derived as
        C(arn:<partition>:iam::<account>:role/<project_name>-<environment>-backup-role), the runbook's role, in the
        caller's account and partition.
      - Must be an IAM role ARN of the account the restore runs in, the caller's (read with sts:GetCallerIdentity
        before the restore starts), whichever account owns the recovery point; anything else is refused before any
        restore starts.
    type: str
  copy_source_tags:
    description: Copy the source resource's tags to the restored one (CopySourceTagsToRestoredResource).
    type: bool
    default: false
  adopt_window_hours:
    description: How far back to look for a restore job of the same point and target to adopt, 1 to 8784 hours (a year).
    type: int
    default: 72
  wait:
    description: Wait for the job to end. The task fails when it ends C(FAILED) or C(ABORTED).
    type: bool
    default: true
  wait_slice:
    description:
      - With O(wait=false), keep checking a single job that was just started or adopted for at most this many
        seconds within this module run (first after 0.2 seconds, then at doubling intervals), and return it as soon as
        it ends, or as it is after that time; running out of time is not a failure.
      - The task's own wait (O(wait=true)) uses it for its first module run, so a job that ends within a second or
        two needs no second module run; V(0) checks only once, right after the start.
      - At most 10.
    type: float
    default: 0
extends_documentation_fragment:
  - restorekit.aws.project
  - restorekit.aws.attributes.change
  - restorekit.aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Requires C(backup:StartRestoreJob), C(backup:DescribeRestoreJob), C(backup:ListRestoreJobs),
    C(backup:GetRestoreJobMetadata), C(backup:DescribeRecoveryPoint), C(backup:GetRecoveryPointRestoreMetadata),
    C(iam:PassRole) on the backup role, and read access to the restored resource type (to tell whether a completed
    job's resource still exists).
attributes:
  check_mode:
    description: Returns the request it would send and the job it would adopt; starts nothing.
    support: full
  idempotent:
    description: Re-running adopts the job already started for the same recovery point and target.
    support: full
"""

EXAMPLES = r"""
- name: Pick the newest completed RDS point (runbook 5.1, done right)
  restorekit.aws.recovery_point_info:
    project_name: multi-tenant-app
    environment: prod
    resource_type: RDS
    resource_name: multi-tenant-app-prod-db
    select: latest
  register: point

- name: Restore it to a new instance (runbook 5.2) and wait, showing progress
  restorekit.aws.restore_job:
    project_name: multi-tenant-app
    environment: prod
    recovery_point_arn: "{{ point.recovery_point.recovery_point_arn }}"
    target_name: multi-tenant-app-prod-db-restore
    metadata:
      DBInstanceClass: db.t3.medium
      SubnetGroupName: multi-tenant-app-prod-db-subnet-group
      VpcSecurityGroupIds: sg-0123456789abcdef0
      MultiAZ: false
    wait_timeout: 3600
  register: restore

- name: Show the final metadata without starting anything
  restorekit.aws.restore_job:
    backup_vault_name: multi-tenant-app-prod-backup-vault
    recovery_point_arn: "{{ point.recovery_point.recovery_point_arn }}"
    target_name: multi-tenant-app-prod-db-restore
    iam_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
  check_mode: true

- name: Restore tenant 12's bucket to its staging bucket (runbook 6.2)
  restorekit.aws.restore_job:
    project_name: multi-tenant-app
    environment: prod
    recovery_point_arn: "{{ tenant_point.recovery_point.recovery_point_arn }}"
    target_name: multi-tenant-app-prod-tenant-12-restore
    metadata:
      NewBucket: true

- name: In a recovery account, restore tenant 12 from the air-gapped vault the backup account shares with it (AWS RAM)
  restorekit.aws.restore_job:
    backup_vault_name: multi-tenant-app-prod-airgapped
    backup_vault_account_id: "123456789012"
    recovery_point_arn: "{{ shared_point.recovery_point.recovery_point_arn }}"
    target_name: multi-tenant-app-prod-tenant-12-recovered
    iam_role_arn: arn:aws:iam::210987654321:role/multi-tenant-app-prod-backup-role
    metadata:
      NewBucket: true

- name: Start without waiting, then wait for it later
  restorekit.aws.restore_job:
    project_name: multi-tenant-app
    environment: prod
    recovery_point_arn: "{{ point.recovery_point.recovery_point_arn }}"
    target_name: multi-tenant-app-prod-db-restore
    wait: false
  register: started

- name: Wait for the job started above
  restorekit.aws.restore_job:
    restore_job_id: "{{ started.restore_job_id }}"
    wait_timeout: 7200

- name: Restore two tenants' buckets to staging buckets in one task, waiting for both together
  restorekit.aws.restore_job:
    project_name: multi-tenant-app
    environment: prod
    restores:
      - recovery_point_arn: "{{ tenant_12_point.recovery_point.recovery_point_arn }}"
        target_name: multi-tenant-app-prod-tenant-12-restore
        metadata: {NewBucket: true}
      - recovery_point_arn: "{{ tenant_13_point.recovery_point.recovery_point_arn }}"
        target_name: multi-tenant-app-prod-tenant-13-restore
        metadata: {NewBucket: true}

- name: Wait for every job a loop started with wait=false, in one task
  restorekit.aws.restore_job:
    restore_job_ids: "{{ started_many.results | map(attribute='restore_job_id') | list }}"
    wait_timeout: 7200
"""

RETURN = r"""
restore_job_id:
  description: The restore job's id.
  returned: when a job was started, adopted or described
  type: str
  sample: "1043ABAA-F694-4692-A5C8-75D4270A478F"
adopted:
  description: Whether an existing job of the same recovery point and target was adopted instead of starting one.
  returned: when a job was started or adopted
  type: bool
  sample: false
restore_job:
  description: The restore job as DescribeRestoreJob returns it, in snake_case.
  returned: when a job was started, adopted or described
  type: dict
  sample:
    restore_job_id: "1043ABAA-F694-4692-A5C8-75D4270A478F"
    status: COMPLETED
    percent_done: "100.00%"
    recovery_point_arn: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-3089bc46"
    created_resource_arn: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
  contains:
    restore_job_id:
      description:
        - The job's id. The job is AWS's DescribeRestoreJob answer in snake_case, with every other member AWS returns (for example
          C(iam_role_arn), C(backup_size_in_bytes), C(expected_completion_time_minutes), C(validation_status)).
      type: str
      returned: always
      sample: 1043ABAA-1111-2222-3333-444455556666
    recovery_point_arn:
      description: The recovery point restored.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: RDS
    status:
      description: C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED) or C(FAILED).
      type: str
      returned: always
      sample: COMPLETED
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: when AWS returns it
      sample: "DB instance already exists"
    percent_done:
      description: How far the job is, as AWS says (a percentage as text).
      type: str
      returned: while AWS reports it
      sample: "45.00%"
    creation_date:
      description: When the job was created.
      type: str
      returned: always
      sample: "2026-11-20T06:00:00+00:00"
    completion_date:
      description: When the job ended.
      type: str
      returned: when the job has ended
      sample: "2026-11-20T06:25:00+00:00"
    created_resource_arn:
      description: What the job created.
      type: str
      returned: when the job has created it
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
created_resource_arn:
  description: What the restore created, once the job completed.
  returned: when the job completed
  type: str
  sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
metadata:
  description:
    - The final restore metadata (sent, or that would be sent in check mode). EC2 C(UserData) is replaced by its length.
    - Its keys are AWS Backup's restore metadata keys of the resource type (the recovery point's own, merged with
      O(metadata) and the target), its values text, as AWS takes them.
  returned: when a restore was requested
  type: dict
  sample:
    DBInstanceIdentifier: multi-tenant-app-prod-db-restore
    DBSubnetGroupName: multi-tenant-app-prod-db-subnet-group
    VpcSecurityGroupIds: '["sg-0123456789abcdef0"]'
    MultiAZ: "false"
request:
  description: The StartRestoreJob request in full (check mode shows it instead of sending it).
  returned: when a restore was requested
  type: dict
  sample:
    RecoveryPointArn: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-3089bc46"
    IamRoleArn: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
    ResourceType: RDS
    IdempotencyToken: "restorekit-5b1c..."
    Metadata: {}
  contains:
    RecoveryPointArn:
      description: The recovery point restored.
      type: str
      returned: always
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    ResourceType:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: S3
    IamRoleArn:
      description: The role AWS Backup restores with.
      type: str
      returned: always
      sample: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
    Metadata:
      description: The restore metadata sent (as RV(metadata) shows it, EC2 user data not shown).
      type: dict
      returned: always
      sample: {"DestinationBucketName": "multi-tenant-app-prod-tenant-1-restore", "NewBucket": "false"}
    IdempotencyToken:
      description: The token that makes a second start of the same restore the same job.
      type: str
      returned: always
      sample: restorekit-6f1c2e3d4b5a69788796a5b4c3d2e1f04a3b2c1d
    CopySourceTagsToRestoredResource:
      description: True when the restored resource gets the source's tags.
      type: bool
      returned: when asked for
      sample: true
source:
  description: The resource the recovery point was taken from (name), which the target may not be unless allowed.
  returned: when a restore was requested
  type: str
  sample: multi-tenant-app-prod-db
elapsed_seconds:
  description: Seconds from the job's creation to its completion, or to now while it runs.
  returned: when a job was started, adopted or described
  type: float
  sample: 412.5
restore_jobs:
  description:
    - With O(restore_job_ids), one entry per job in that order, each with C(restore_job_id), C(restore_job),
      C(elapsed_seconds) and, once completed, C(created_resource_arn) (as above for one job).
    - With O(restores), one entry per restore in that order, each with the keys a single restore returns
      (C(adopted), C(changed), C(request), C(metadata), C(source) besides the above).
  returned: when O(restore_job_ids) or O(restores) is given
  type: list
  elements: dict
  sample:
    - restore_job_id: "1043ABAA-F694-4692-A5C8-75D4270A478F"
      restore_job: {status: COMPLETED, percent_done: "100.00%"}
      elapsed_seconds: 31.2
      created_resource_arn: "arn:aws:s3:::multi-tenant-app-prod-tenant-12-restore"
  contains:
    restore_job_id:
      description: The restore job's id.
      type: str
      returned: when a job was started, adopted or described
      sample: "1043ABAA-F694-4692-A5C8-75D4270A478F"
    restore_job:
      description: The job as DescribeRestoreJob returns it, in snake_case (as RV(restore_job)).
      type: dict
      returned: when a job was started, adopted or described
      sample: {"status": "COMPLETED", "percent_done": "100.00%"}
      contains:
        restore_job_id:
          description:
            - The job's id. The job is AWS's DescribeRestoreJob answer in snake_case, with every other member AWS returns (for example
              C(iam_role_arn), C(backup_size_in_bytes), C(expected_completion_time_minutes), C(validation_status)).
          type: str
          returned: always
          sample: 1043ABAA-1111-2222-3333-444455556666
        recovery_point_arn:
          description: The recovery point restored.
          type: str
          returned: always
          sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
        resource_type:
          description: The AWS Backup resource type.
          type: str
          returned: always
          sample: RDS
        status:
          description: C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED) or C(FAILED).
          type: str
          returned: always
          sample: COMPLETED
        status_message:
          description: Why the job ended so, as AWS says.
          type: str
          returned: when AWS returns it
          sample: "DB instance already exists"
        percent_done:
          description: How far the job is, as AWS says (a percentage as text).
          type: str
          returned: while AWS reports it
          sample: "45.00%"
        creation_date:
          description: When the job was created.
          type: str
          returned: always
          sample: "2026-11-20T06:00:00+00:00"
        completion_date:
          description: When the job ended.
          type: str
          returned: when the job has ended
          sample: "2026-11-20T06:25:00+00:00"
        created_resource_arn:
          description: What the job created.
          type: str
          returned: when the job has created it
          sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
    elapsed_seconds:
      description: Seconds from the job's creation to its completion, or to now while it runs.
      type: float
      returned: when a job was started, adopted or described
      sample: 31.2
    created_resource_arn:
      description: What the restore created, once the job completed.
      type: str
      returned: when the job completed
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-12-restore"
    adopted:
      description: Whether an existing job of the same restore was adopted (O(restores) only).
      type: bool
      returned: with O(restores)
      sample: false
    changed:
      description: Whether this restore started a job (O(restores) only).
      type: bool
      returned: with O(restores)
      sample: true
    resource_type:
      description: The AWS Backup resource type restored (O(restores) only).
      type: str
      returned: with O(restores)
      sample: S3
    source:
      description: The resource the recovery point was taken from (name) (O(restores) only).
      type: str
      returned: with O(restores)
      sample: multi-tenant-app-prod-tenant-12
    metadata:
      description:
        - The final restore metadata of this restore (O(restores) only), as RV(metadata) - AWS restore metadata keys of
          the resource type, to their values as text.
      type: dict
      returned: with O(restores)
      sample: {"DestinationBucketName": "multi-tenant-app-prod-tenant-12-restore", "NewBucket": "false"}
    request:
      description: The StartRestoreJob request of this restore (O(restores) only), as RV(request).
      type: dict
      returned: with O(restores)
      sample: {"RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e", "ResourceType": "S3"}
      contains:
        RecoveryPointArn:
          description: The recovery point restored.
          type: str
          returned: always
          sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
        ResourceType:
          description: The AWS Backup resource type.
          type: str
          returned: always
          sample: S3
        IamRoleArn:
          description: The role AWS Backup restores with.
          type: str
          returned: always
          sample: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
        Metadata:
          description: The restore metadata sent (as RV(metadata) shows it, EC2 user data not shown).
          type: dict
          returned: always
          sample: {"DestinationBucketName": "multi-tenant-app-prod-tenant-1-restore", "NewBucket": "false"}
        IdempotencyToken:
          description: The token that makes a second start of the same restore the same job.
          type: str
          returned: always
          sample: restorekit-6f1c2e3d4b5a69788796a5b4c3d2e1f04a3b2c1d
        CopySourceTagsToRestoredResource:
          description: True when the restored resource gets the source's tags.
          type: bool
          returned: when asked for
          sample: true
progress:
  description: The progress lines shown while waiting, one per poll.
  returned: when the module waited
  type: list
  elements: str
  sample: ["restore job 1043ABAA: RUNNING 45.00% (waited 60s)"]
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup.job_progress import progress_line
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs as jobs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process

MAX_ADOPT_WINDOW_HOURS = 24 * 366


job_result = jobs.job_result


def wait_for(module, client, job_id, result):
    progress = []

    def on_poll(job, elapsed):
        progress.append(progress_line(job, elapsed))

    try:
        job = jobs.wait(client, job_id, module.params["wait_timeout"], module.params["poll_interval"], on_poll)
    except jobs.RestoreJobError as e:
        result.update(job_result(e.job) if e.job else {})
        module.fail_json(msg=e.message, progress=progress, **result)
    result.update(job_result(job))
    result["progress"] = progress
    return result


def check_options(params, region=None):
    """Every option checked before any AWS call; InputError or MetadataError names the option and its value.

    REGION is where the module runs (a recovery point, KMS key or availability zone of another region is refused)."""
    if params["adopt_window_hours"] is not None:
        inputs.integer(params["adopt_window_hours"], "adopt_window_hours", 1, MAX_ADOPT_WINDOW_HOURS)
    inputs.integer(params["wait_timeout"], "wait_timeout", 1, _poll.MAX_WAIT_TIMEOUT)
    inputs.integer(params["poll_interval"], "poll_interval", 1, _poll.MAX_POLL_INTERVAL)
    inputs.number(params["wait_slice"], "wait_slice", 0, 10)
    if params["backup_vault_name"] is not None:
        inputs.backup_vault_name(params["backup_vault_name"], "backup_vault_name")
    owner = params["backup_vault_account_id"]
    if owner is not None:
        inputs.account_id(owner, "backup_vault_account_id")
    for option in ("project_name", "environment"):
        if params[option] is not None:
            inputs.text(params[option], option, strip=False)
    if params["project_name"] and params["environment"]:
        derived = [("%s-%s-backup-vault" % (params["project_name"], params["environment"]), inputs.backup_vault_name, "vault"),
                   ("%s-%s-backup-role" % (params["project_name"], params["environment"]), inputs.iam_role_name, "backup role")]
        for name, rule, what in derived:
            try:
                rule(name, what)
            except inputs.InputError as e:
                inputs.contradiction([("project_name", params["project_name"]), ("environment", params["environment"])],
                                     "the runbook's %s name %r is not valid: %s" % (what, name, e.reason))
    if params["restore_job_id"] is not None:
        inputs.text(params["restore_job_id"], "restore_job_id")
    if params["restore_job_ids"] is not None:
        inputs.each(params["restore_job_ids"], "restore_job_ids", inputs.text)
        inputs.unique(params["restore_job_ids"], "restore_job_ids")
    entries = []
    if params["restores"] is not None:
        if not params["restores"]:
            inputs.fail("restores", params["restores"], "names no restore")
        entries = [(entry, "restores[%d]." % index) for index, entry in enumerate(params["restores"])]
    elif params["recovery_point_arn"] is not None:
        entries = [(params, "")]
    if params["iam_role_arn"] is not None:  # its account is checked against the caller's before a restore starts
        inputs.iam_role_arn(params["iam_role_arn"], "iam_role_arn")
    targets = []
    for entry, where in entries:
        arn = entry["recovery_point_arn"]
        declared = rm.resource_type_from_arn(arn) or params["resource_type"]
        point_region = inputs.region_of(arn)
        if region and point_region and point_region != region:
            inputs.fail(where + "recovery_point_arn", arn, "a recovery point of region %s, but this runs in %s (set region)"
                        % (point_region, region))
        if owner is not None and inputs.account_of(arn) not in (None, owner):
            inputs.fail(where + "recovery_point_arn", arn, "a recovery point of account %s, but backup_vault_account_id is %s"
                        % (inputs.account_of(arn), owner))
        target = entry["target_name"]
        if target is not None:
            check_target_name(target, where + "target_name", declared)
        if declared in rm.RESOURCE_TYPES:
            rm.check_values(declared, entry["metadata"], point_region or region, where + "metadata")
        named = target_of(entry)
        if named is not None:
            ours = dict(entry["metadata"] or {}, **{rm.TARGET_KEYS.get(declared) or "target": named[1]})
            for other_where, other_type, theirs in targets:
                if other_type == (declared or "?") and (rm.clashes(declared, ours, theirs) if declared in rm.RESOURCE_TYPES
                                                        else ours["target"].lower() == theirs["target"].lower()):
                    inputs.fail(where + named[0], named[1], "the same target as %s: two restores into one %s%s"
                                % (other_where, "bucket" if declared == "S3" else "target",
                                   " with items in common" if declared == "S3" and rm.items_of(ours) and rm.items_of(theirs) else ""))
            targets.append((where.rstrip(".") or "recovery_point_arn", declared or "?", ours))
    if params["restores"] is not None:
        inputs.unique([(entry["recovery_point_arn"], entry["target_name"], rm.items_of(entry["metadata"])) for entry in params["restores"]],
                      "restores")


def check_target_name(target, option, resource_type):
    """A target name valid for RESOURCE_TYPE; when the type is not known yet (an AWS Backup ARN), valid for one of
    the types that take a target (RDS, S3)."""
    if resource_type == "RDS":
        return inputs.db_identifier(target, option)
    if resource_type == "S3":
        return inputs.bucket_name(target, option)
    if resource_type == "EC2":
        inputs.contradiction([(option, target), ("resource_type", "EC2")], "an EC2 restore always launches a new instance and takes no target name")
    reasons = []
    for rule, what in ((inputs.bucket_name, "bucket name"), (inputs.db_identifier, "DB identifier")):
        try:
            return rule(target, option)
        except inputs.InputError as e:
            reasons.append("a valid %s (%s)" % (what, e.reason))
    inputs.fail(option, target, "is not " + " nor ".join(reasons))


def target_of(entry):
    """(option, name) of what a restore creates, as far as the options say it (target_name, or the metadata's
    target key), or None."""
    if entry.get("target_name"):
        return "target_name", entry["target_name"]
    for key, value in (entry.get("metadata") or {}).items():
        if str(key).lower() in ("dbinstanceidentifier", "destinationbucketname") and value:
            return "metadata.%s" % key, str(value)
    return None


def validate(module, recovery_point_arn=None):
    params = module.params
    recovery_point_arn = recovery_point_arn or params["recovery_point_arn"]
    if recovery_point_arn:
        try:
            rm.resource_type_from_arn(recovery_point_arn)
        except rm.MetadataError as e:
            module.fail_json(msg=str(e))
    if not params["backup_vault_name"] and not (params["project_name"] and params["environment"]):
        module.fail_json(msg="recovery_point_arn needs its vault: set backup_vault_name, or project_name and environment")
    if not params["iam_role_arn"] and not (params["project_name"] and params["environment"]):
        module.fail_json(msg="set iam_role_arn, or project_name and environment to use the runbook's backup role")


def prepare(module, client, params):
    """Everything a restore decides before it starts, with reads only: the recovery point, the final metadata (checked),
    the role, and a job of the same restore to adopt. Returns the plan that ``begin`` carries out; fails the module on
    anything a restore could not carry out."""
    try:
        planned = jobs.plan(client, params, module.region, lambda: runbook_role(module, params),
                            lambda created: jobs.resource_exists(module.client, created),
                            caller_account=lambda: module.caller_identity()["Account"])
    except (rm.MetadataError, jobs.RestoreJobError) as e:
        module.fail_json(msg=getattr(e, "message", str(e)))
    for warning in planned["warnings"]:
        module.warn(warning)
    return planned


def runbook_role(module, params):
    """The runbook's backup role of PROJECT_NAME and ENVIRONMENT, in the caller's account."""
    return jobs.runbook_role_arn(module.caller_identity(), params["project_name"], params["environment"])


def begin(module, client, plan, params, wait):
    """Start the planned restore (or adopt the job found) and, when asked, wait for it."""
    request, existing, result = plan["request"], plan["existing"], plan["result"]
    if existing is not None:
        result.update(adopted=True, **job_result(existing))
        if wait and existing["Status"] not in jobs.FINAL and not module.check_mode:
            result = wait_for(module, client, existing["RestoreJobId"], result)
        elif not wait and params.get("wait_slice") and existing["Status"] not in jobs.FINAL and not module.check_mode:
            result.update(job_result(jobs.settle(client, existing["RestoreJobId"], params["wait_slice"], existing)))
        return result
    result.update(adopted=False, changed=True)
    if module.check_mode:
        return result
    job_id = jobs.start(client, request)
    job = jobs.describe(client, job_id)
    if not wait and params.get("wait_slice"):
        job = jobs.settle(client, job_id, params["wait_slice"], job)
    result.update(job_result(job))
    if wait:
        result = wait_for(module, client, job_id, result)
    return result


def restore(module, client, params=None, wait=None):
    """Start the restore (or adopt the one already started) and, when asked, wait for it.

    PARAMS defaults to the module's; ``restores`` passes each entry merged over them, with WAIT=False (they are
    waited for together afterwards)."""
    params = params or module.params
    wait = params["wait"] if wait is None else wait
    return begin(module, client, prepare(module, client, params), params, wait)


def restore_many(module, client):
    """restores given: check every restore first (reads only), then start (or adopt) each, then wait for all together."""
    params = module.params
    plans, entries = [], []
    for index, entry in enumerate(params["restores"]):
        entry_params = dict(params)
        entry_params.update(entry)
        entry_params["wait_slice"] = 0  # several jobs are waited for together, below
        entry_params["_where"] = "restores[%d]." % index
        plans.append(prepare(module, client, entry_params))
        entries.append(entry_params)
    # Targets as the final metadata names them (the recovery point's own metadata may name one too): one restore each.
    for index, plan in enumerate(plans):
        if plan["target"] is None:
            continue
        kind = plan["request"]["ResourceType"]
        for other in range(index):
            if plans[other]["request"]["ResourceType"] == kind and rm.clashes(kind, plan["request"]["Metadata"], plans[other]["request"]["Metadata"]):
                module.fail_json(msg="Bad option restores[%d].target_name=%r: the same target as restores[%d]: two restores into one %s"
                                 % (index, plan["target"], other, "bucket" if kind == "S3" else "DB instance"))
    results = [begin(module, client, plan, entry_params, False) for plan, entry_params in zip(plans, entries)]
    out = dict(changed=any(result["changed"] for result in results), restore_jobs=results)
    if module.check_mode:
        return out
    pending = [result["restore_job_id"] for result in results if result["restore_job"]["status"] not in jobs.FINAL]
    if params["wait"] and pending:
        progress = []

        def on_poll(polled, elapsed):
            progress.append(progress_summary(polled, elapsed))

        try:
            done = jobs.wait_many(client, pending, params["wait_timeout"], params["poll_interval"], on_poll)
            polled = dict((job["RestoreJobId"], job) for job in done)
        except jobs.RestoreJobError as e:
            for result in results:
                for job in e.jobs:
                    if job["RestoreJobId"] == result["restore_job_id"]:
                        result.update(job_result(job))
            module.fail_json(msg=e.message, progress=progress, **out)
        for result in results:
            if result["restore_job_id"] in polled:
                result.update(job_result(polled[result["restore_job_id"]]))
        out["progress"] = progress
    failed = [result for result in results if result["restore_job"]["status"] in jobs.FAILED]
    if failed and params["wait"]:
        module.fail_json(msg="; ".join("restore job %s %s" % (r["restore_job_id"], r["restore_job"]["status"]) for r in failed), **out)
    return out


def progress_summary(polled, elapsed):
    """One line for several jobs: how many are in each state, and the time waited."""
    counts = {}
    for job in polled:
        counts[job.get("Status")] = counts.get(job.get("Status"), 0) + 1
    return "%d restore job(s): %s (waited %ds)" % (
        len(polled), ", ".join("%d %s" % (count, status) for status, count in sorted(counts.items())), int(elapsed))


def describe_many(module, client):
    """restore_job_ids given: describe the jobs and, when asked, wait for all of them in one wait."""
    params = module.params
    job_ids = params["restore_job_ids"]
    if len(set(job_ids)) != len(job_ids) or not all(job_ids):
        module.fail_json(msg="restore_job_ids=%r must name each job once" % (job_ids,))
    progress = []

    def on_poll(polled, elapsed):
        progress.append(progress_summary(polled, elapsed))

    wait = params["wait"] and not module.check_mode
    try:
        if wait:
            polled = jobs.wait_many(client, job_ids, params["wait_timeout"], params["poll_interval"], on_poll)
        else:
            polled = [jobs.describe(client, job_id) for job_id in job_ids]
    except jobs.RestoreJobError as e:
        module.fail_json(msg=e.message, progress=progress, restore_jobs=[job_result(job) for job in e.jobs])
    result = dict(changed=False, restore_jobs=[job_result(job) for job in polled])
    if wait:
        result["progress"] = progress
    failed = [job for job in polled if job["Status"] in jobs.FAILED]
    if failed:
        module.fail_json(msg="; ".join(jobs.failure_message(job) for job in failed), **result)
    return result


def describe_existing(module, client):
    """restore_job_id given: describe the job and, when asked, wait for it."""
    params = module.params
    try:
        job = jobs.describe(client, params["restore_job_id"])
    except jobs.RestoreJobError as e:
        module.fail_json(msg=e.message)
    result = dict(changed=False, **job_result(job))
    if params["wait"] and job["Status"] not in jobs.FINAL and not module.check_mode:
        result = wait_for(module, client, job["RestoreJobId"], result)
    elif job["Status"] in jobs.FAILED:
        module.fail_json(msg=jobs.failure_message(job), **result)
    return result


def main():
    argument_spec = dict(
        recovery_point_arn=dict(type="str"),
        restore_job_id=dict(type="str"),
        restore_job_ids=dict(type="list", elements="str"),
        restores=dict(type="list", elements="dict", options=dict(
            recovery_point_arn=dict(type="str", required=True),
            target_name=dict(type="str"),
            metadata=dict(type="dict", default={}),
        )),
        backup_vault_name=dict(type="str"),
        backup_vault_account_id=dict(type="str"),
        project_name=dict(type="str"),
        environment=dict(type="str"),
        resource_type=dict(type="str", choices=list(rm.RESOURCE_TYPES)),
        target_name=dict(type="str"),
        metadata=dict(type="dict", default={}),
        allow_source_target=dict(type="bool", default=False),
        iam_role_arn=dict(type="str"),
        copy_source_tags=dict(type="bool", default=False),
        adopt_window_hours=dict(type="int", default=72),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=7200),
        poll_interval=dict(type="int", default=15),
        wait_slice=dict(type="float", default=0),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_one_of=[["recovery_point_arn", "restore_job_id", "restore_job_ids", "restores"]],
        mutually_exclusive=[["recovery_point_arn", "restore_job_id", "restore_job_ids", "restores"], ["restores", "target_name"],
                            ["restores", "metadata"]],
        required_together=[["project_name", "environment"]],
    )
    params = module.params
    try:
        check_options(params, module.region)
    except (inputs.InputError, rm.MetadataError) as e:
        module.fail_json(msg=str(e))
    client = module.client("backup")
    try:
        if params["restore_job_id"]:
            module.exit_json(**describe_existing(module, client))
        if params["restore_job_ids"] is not None:
            module.exit_json(**describe_many(module, client))
        if params["restores"] is not None:
            for entry in params["restores"]:
                validate(module, entry["recovery_point_arn"])
            module.exit_json(**restore_many(module, client))
        validate(module)
        module.exit_json(**restore(module, client))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    module_process()
    main()
