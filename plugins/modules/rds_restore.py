#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: rds_restore
short_description: Restore an RDS database to a new instance - native point in time or AWS Backup - in one run
version_added: 0.1.0
description:
  - Runbook 5.2 in one module run. Reads the source instance, the target, the source's automated backups (active and
    retained), the AWS Backup recovery point and the security groups; decides how to restore; starts the restore or
    adopts the one an earlier run started; waits for it; applies what a restore does not carry; and returns the
    instance, its endpoint and where its credentials come from.
  - B(The decision.) With O(target_time) inside the source's native automated-backup window and later than the
    nearest AWS Backup recovery point, a native point-in-time restore (RestoreDBInstanceToPointInTime) gives the
    data of that time, from the live source, or from the retained automated backups of a deleted source
    (SourceDBInstanceAutomatedBackupsArn). Otherwise the newest AWS Backup recovery point at or before that time (or
    the newest one) is restored with an AWS Backup restore job. RV(reason) says which and why.
  - B(Times keep their fractions.) RV(data_time) is the recovery point's exact CreationDate, or the exact native
    restore time; a busy database commits rows in the same second as its backup.
  - B(Exactly once.) The instance is tagged C(restorekit:restored-from) (the recovery point ARN, or
    C(pitr:<source>@<time>)) and C(restorekit:source). A re-run adopts an instance with the same tag, and the restore
    job of the same point and target, instead of restoring twice; a target that exists with another tag (or with
    none, and no restore job of this point made it) is refused before anything changes.
  - B(A re-run asking for the newest data carries the first run's restore on.) Without O(target_time) the newest
    moves on between runs (a later latest restorable time, a newer recovery point completed meanwhile), so an existing
    target tagged C(restorekit:source) with this source and restored to what was newest then (C(pitr:<source>@<time>)
    for O(method=auto) or C(native); an older recovery point of this source for C(auto) or C(backup)), or the untagged
    target of a restore job of an older point of this source still running, made within the last 72 hours, is
    adopted with that earlier decision, and RV(reason) says so; an older one is refused as any other target. To
    restore the newer data, choose another O(target_db_instance_identifier).
  - B(What a restore does not carry.) The parameter group (O(db_parameter_group_name), else the source's), the backup
    retention, deletion protection and public accessibility are applied with ModifyDBInstance once the instance is
    available, and the tags added; only what differs is changed.
  - With O(wait=true) the action plugin shows a progress line at each O(poll_interval) (the restore job's state and
    percent done, then the instance's status), in C(ansible-playbook) and AWX output alike. A timeout leaves the
    restore running in AWS and says so; re-running the task adopts it.
  - In check mode nothing starts; the module returns the decision, the request it would send and the instance it
    would adopt.
author:
  - restorekit contributors (@restorekit)
options:
  source_db_instance_identifier:
    description: The production instance to restore (it is only read; it may be gone, with retained automated backups).
    type: str
    required: true
  target_db_instance_identifier:
    description: The NEW instance the restore makes; never the source.
    type: str
    required: true
  backup_vault_name:
    description:
      - The vault that holds the source's recovery points.
      - When omitted, C(<project_name>-<environment>-backup-vault), the runbook's name.
    type: str
  iam_role_arn:
    description:
      - The role AWS Backup restores with. When omitted, C(<project_name>-<environment>-backup-role) of the caller's account.
    type: str
  method:
    description:
      - C(auto) chooses native point in time when it gives a finer RPO, else the AWS Backup recovery point.
      - C(native) and C(backup) force one; the run fails when it is not possible, saying why.
    type: str
    choices: [auto, native, backup]
    default: auto
  target_time:
    description:
      - ISO 8601 with an offset (for example C(2026-11-20T14:30:00Z)); the data of that time. Empty for the newest
        recovery point (or, with O(method=native), the latest restorable time).
    type: str
    default: ""
  db_instance_class:
    description: The class of the new instance; empty keeps the recovery point's (or the source's).
    type: str
    default: ""
  db_subnet_group_name:
    description: The DB subnet group of the new instance; empty keeps the recovery point's.
    type: str
    default: ""
  security_group_names:
    description: VPC security groups of the new instance, by name; every name must exist in the region.
    type: list
    elements: str
    default: []
  multi_az:
    description: Whether the new instance is Multi-AZ. Omitted, as the recovery point (or the source) was.
    type: bool
  publicly_accessible:
    description:
      - Whether the new instance is publicly accessible, set at the restore and checked after it.
      - Omitted, as the recovery point (or the source) was.
    type: bool
  db_parameter_group_name:
    description: The parameter group of the new instance; empty takes the source's.
    type: str
    default: ""
  backup_retention_period:
    description: Days of automated backups on the new instance, 0 to 35. Omitted, as the restore left it.
    type: int
  deletion_protection:
    description: Whether the new instance is protected from deletion. Omitted, as the restore left it.
    type: bool
  tags:
    description: Tags for the new instance, besides C(restorekit:restored-from) and C(restorekit:source).
    type: dict
    default: {}
  metadata:
    description:
      - AWS Backup restore metadata over the recovery point's own and the options above, as M(restorekit.aws.restore_job)
        takes it (for example C(DeletionProtection) set to false). AWS Backup restores only.
    type: dict
    default: {}
  wait:
    description: Wait until the instance is available and its settings applied. With C(false), return once started.
    type: bool
    default: true
  resume:
    description:
      - The RV(resume) of an earlier run of the same restore. The run carries that decision on (the same method,
        recovery point and data time) instead of deciding again; the action plugin passes it between slices.
    type: dict
extends_documentation_fragment:
  - restorekit.aws.project
  - restorekit.aws.attributes.change
  - restorekit.aws.wait
  - restorekit.aws.wait.sliced
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Returns the decision, the request it would send and the instance it would restore into; starts nothing.
    support: full
  idempotent:
    description: Re-running adopts the restore the first run started, or the instance it made, instead of restoring again.
    support: full
"""

EXAMPLES = r"""
- name: Restore production to a new instance, the data of 14:30 (native point in time when the window allows)
  restorekit.aws.rds_restore:
    source_db_instance_identifier: multi-tenant-app-prod-db
    target_db_instance_identifier: multi-tenant-app-prod-db-restore
    backup_vault_name: multi-tenant-app-prod-backup-vault
    iam_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
    target_time: "2026-11-20T14:30:00Z"
    db_subnet_group_name: multi-tenant-app-prod-db-subnet-group
    security_group_names: [multi-tenant-app-prod-db-sg]
  register: restored

- name: Say how to reach it
  ansible.builtin.debug:
    msg: "{{ restored.endpoint.address }}:{{ restored.endpoint.port }} as {{ restored.credentials.user }} ({{ restored.reason }})"
"""

RETURN = r"""
method:
  description: C(native) or C(backup), the restore chosen.
  returned: when decided
  type: str
  sample: backup
reason:
  description: Why that restore, in the words a responder reads.
  returned: when decided
  type: str
  sample: "no target time: the newest AWS Backup recovery point, as the runbook restores (arn:aws:rds:...)"
data_time:
  description: The exact time the restored data is as of (ISO 8601, fractions of a second kept).
  returned: when decided
  type: str
  sample: "2026-11-20T02:00:00.512000Z"
restored_from:
  description: The C(restorekit:restored-from) tag of the instance, the key a re-run adopts it by.
  returned: when decided
  type: str
  sample: "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"
window:
  description: The source's native automated-backup window, as text (C(none) without one).
  returned: when decided
  type: str
  sample: "2026-11-13T14:30:00Z to 2026-11-20T14:55:00Z"
adopted:
  description: Whether the target existed already, made by an earlier run of this restore.
  returned: when decided
  type: bool
  sample: false
source:
  description: The source instance (DescribeDBInstances, snake_case, tags as a dict); empty when it is gone.
  returned: always
  type: dict
  sample: {"db_instance_identifier": "multi-tenant-app-prod-db", "master_username": "admin"}
  contains:
    db_instance_identifier:
      description:
        - The instance's identifier. The instance is AWS's DescribeDBInstances answer in snake_case, with every other member AWS
          returns (for example C(engine), C(engine_version), C(allocated_storage), C(vpc_security_groups), C(db_subnet_group)).
      type: str
      returned: always
      sample: multi-tenant-app-prod-db-restore
    db_instance_arn:
      description: The instance's ARN.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
    dbi_resource_id:
      description: The instance's resource id (its automated backups keep it after the instance is deleted).
      type: str
      returned: always
      sample: db-ABCDEFGHIJKLMNOPQRSTUVWXYZ
    db_instance_status:
      description: C(creating), C(available), C(modifying), C(backing-up), C(deleting), ...
      type: str
      returned: always
      sample: available
    db_instance_class:
      description: The instance class.
      type: str
      returned: always
      sample: db.t3.medium
    db_name:
      description: The database created with the instance.
      type: str
      returned: when the instance has one
      sample: app
    master_username:
      description: The master user (a restore keeps the source's).
      type: str
      returned: always
      sample: admin
    master_user_secret:
      description: The RDS-managed secret of the master password.
      type: dict
      returned: when RDS manages the master password
      contains:
        secret_arn:
          description: The secret's ARN.
          type: str
          returned: always
          sample: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"
        secret_status:
          description: C(creating), C(active), C(rotating) or C(impaired).
          type: str
          returned: always
          sample: active
    endpoint:
      description: Where the instance is reached.
      type: dict
      returned: once the instance has an endpoint
      contains:
        address:
          description: Its DNS name.
          type: str
          returned: always
          sample: multi-tenant-app-prod-db-restore.abc.us-east-1.rds.amazonaws.com
        port:
          description: Its port.
          type: int
          returned: always
          sample: 3306
        hosted_zone_id:
          description: The Route 53 hosted zone of the DNS name.
          type: str
          returned: always
          sample: Z2R2ITUGPM61AM
    instance_create_time:
      description: When the instance was created.
      type: str
      returned: once created
      sample: "2026-11-20T14:40:00+00:00"
    latest_restorable_time:
      description: The latest time a point-in-time restore of the instance can restore to.
      type: str
      returned: when the instance has automated backups
      sample: "2026-11-20T14:55:00+00:00"
    backup_retention_period:
      description: Days the automated backups are kept (0 for none).
      type: int
      returned: always
      sample: 7
    multi_az:
      description: Whether the instance is Multi-AZ.
      type: bool
      returned: always
      sample: false
    publicly_accessible:
      description: Whether the instance has a public address.
      type: bool
      returned: always
      sample: false
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
      returned: always
      sample: false
    db_parameter_groups:
      description: The instance's parameter groups.
      type: list
      elements: dict
      returned: always
      contains:
        db_parameter_group_name:
          description: The group's name.
          type: str
          returned: always
          sample: multi-tenant-app-prod-mysql8
        parameter_apply_status:
          description: C(in-sync), C(pending-reboot) or C(applying).
          type: str
          returned: always
          sample: in-sync
    tags:
      description: The instance's tags, tag key to value (AWS's TagList made a dict; empty for none).
      type: dict
      returned: always
      sample: {"restorekit:restored-from": "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"}
recovery_point:
  description: The AWS Backup recovery point selected (snake_case); empty when none was needed or found.
  returned: always
  type: dict
  contains:
    recovery_point_arn:
      description: Its ARN.
      type: str
    creation_date:
      description: When it was created.
      type: str
  sample: {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"}
restore_job:
  description: The AWS Backup restore job started or adopted (backup restores only).
  returned: when a restore job was started or adopted
  type: dict
  contains:
    restore_job_id:
      description: The job's id.
      type: str
    restore_job:
      description: The job as DescribeRestoreJob returns it, snake_case.
      type: dict
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
      description: Seconds from its creation to its completion, or to now while it runs.
      type: float
    created_resource_arn:
      description: What it created, once COMPLETED.
      type: str
  sample: {"restore_job_id": "1043ABAA", "restore_job": {"status": "COMPLETED"}, "elapsed_seconds": 412.5}
instance:
  description: The restored instance as it was left (DescribeDBInstances, snake_case, tags as a dict).
  returned: always
  type: dict
  sample: {"db_instance_identifier": "multi-tenant-app-prod-db-restore", "db_instance_status": "available"}
  contains:
    db_instance_identifier:
      description:
        - The instance's identifier. The instance is AWS's DescribeDBInstances answer in snake_case, with every other member AWS
          returns (for example C(engine), C(engine_version), C(allocated_storage), C(vpc_security_groups), C(db_subnet_group)).
      type: str
      returned: always
      sample: multi-tenant-app-prod-db-restore
    db_instance_arn:
      description: The instance's ARN.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
    dbi_resource_id:
      description: The instance's resource id (its automated backups keep it after the instance is deleted).
      type: str
      returned: always
      sample: db-ABCDEFGHIJKLMNOPQRSTUVWXYZ
    db_instance_status:
      description: C(creating), C(available), C(modifying), C(backing-up), C(deleting), ...
      type: str
      returned: always
      sample: available
    db_instance_class:
      description: The instance class.
      type: str
      returned: always
      sample: db.t3.medium
    db_name:
      description: The database created with the instance.
      type: str
      returned: when the instance has one
      sample: app
    master_username:
      description: The master user (a restore keeps the source's).
      type: str
      returned: always
      sample: admin
    master_user_secret:
      description: The RDS-managed secret of the master password.
      type: dict
      returned: when RDS manages the master password
      contains:
        secret_arn:
          description: The secret's ARN.
          type: str
          returned: always
          sample: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf"
        secret_status:
          description: C(creating), C(active), C(rotating) or C(impaired).
          type: str
          returned: always
          sample: active
    endpoint:
      description: Where the instance is reached.
      type: dict
      returned: once the instance has an endpoint
      contains:
        address:
          description: Its DNS name.
          type: str
          returned: always
          sample: multi-tenant-app-prod-db-restore.abc.us-east-1.rds.amazonaws.com
        port:
          description: Its port.
          type: int
          returned: always
          sample: 3306
        hosted_zone_id:
          description: The Route 53 hosted zone of the DNS name.
          type: str
          returned: always
          sample: Z2R2ITUGPM61AM
    instance_create_time:
      description: When the instance was created.
      type: str
      returned: once created
      sample: "2026-11-20T14:40:00+00:00"
    latest_restorable_time:
      description: The latest time a point-in-time restore of the instance can restore to.
      type: str
      returned: when the instance has automated backups
      sample: "2026-11-20T14:55:00+00:00"
    backup_retention_period:
      description: Days the automated backups are kept (0 for none).
      type: int
      returned: always
      sample: 7
    multi_az:
      description: Whether the instance is Multi-AZ.
      type: bool
      returned: always
      sample: false
    publicly_accessible:
      description: Whether the instance has a public address.
      type: bool
      returned: always
      sample: false
    deletion_protection:
      description: Whether deletion protection is on.
      type: bool
      returned: always
      sample: false
    db_parameter_groups:
      description: The instance's parameter groups.
      type: list
      elements: dict
      returned: always
      contains:
        db_parameter_group_name:
          description: The group's name.
          type: str
          returned: always
          sample: multi-tenant-app-prod-mysql8
        parameter_apply_status:
          description: C(in-sync), C(pending-reboot) or C(applying).
          type: str
          returned: always
          sample: in-sync
    tags:
      description: The instance's tags, tag key to value (AWS's TagList made a dict; empty for none).
      type: dict
      returned: always
      sample: {"restorekit:restored-from": "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"}
endpoint:
  description: Where to reach the restored instance.
  returned: always
  type: dict
  contains:
    address:
      description: Its DNS name.
      type: str
    port:
      description: Its port.
      type: int
  sample: {"address": "multi-tenant-app-prod-db-restore.abc.us-east-1.rds.amazonaws.com", "port": 3306}
credentials:
  description: Who logs in and where the password comes from (a restore keeps the source's master user).
  returned: when decided
  type: dict
  contains:
    user:
      description: The master user.
      type: str
    source:
      description: C(rds-managed-secret) or C(source-master-password).
      type: str
    secret_arn:
      description: The RDS-managed secret of the source; empty without one.
      type: str
  sample: {"user": "admin", "source": "source-master-password", "secret_arn": ""}
notes:
  description: What the restore report says about this restore, one line each.
  returned: when decided
  type: list
  elements: str
  sample: ["backup restore: ...", "data as of 2026-11-20T02:00:00Z (restorekit:restored-from=arn:...)"]
settings_applied:
  description: The ModifyDBInstance settings that differed and were applied.
  returned: when settings were applied
  type: list
  elements: str
  sample: ["BackupRetentionPeriod", "DeletionProtection"]
request:
  description:
    - The restore request sent (or, in check mode, that would be sent) - RestoreDBInstanceToPointInTime's arguments
      for a native restore, AWS Backup StartRestoreJob's for a backup restore.
  returned: when a restore was started or planned
  type: dict
  sample: {"TargetDBInstanceIdentifier": "multi-tenant-app-prod-db-restore"}
  contains:
    TargetDBInstanceIdentifier:
      description: The new instance.
      type: str
      returned: for a native restore
      sample: multi-tenant-app-prod-db-restore
    SourceDBInstanceIdentifier:
      description: The source instance, when restoring from a live one.
      type: str
      returned: when the source is named by its identifier
      sample: multi-tenant-app-prod-db
    SourceDbiResourceId:
      description: The source's resource id.
      type: str
      returned: when the source is named by its resource id
      sample: db-ABCDEFGHIJKLMNOPQRSTUVWXYZ
    SourceDBInstanceAutomatedBackupsArn:
      description: The retained automated backups of a deleted source.
      type: str
      returned: when restoring from retained automated backups
      sample: "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc123"
    RestoreTime:
      description: The time restored to (ISO 8601).
      type: str
      returned: when a time is restored to
      sample: "2026-11-20T14:30:00+00:00"
    UseLatestRestorableTime:
      description: True when restoring to the latest restorable time.
      type: bool
      returned: when no time is given
      sample: true
    DBInstanceClass:
      description: The instance class asked for.
      type: str
      returned: when given
      sample: db.t3.medium
    DBSubnetGroupName:
      description: The subnet group asked for.
      type: str
      returned: when given
      sample: multi-tenant-app-prod-db-subnets
    VpcSecurityGroupIds:
      description: The security groups asked for.
      type: list
      elements: str
      returned: when given
      sample: ["sg-0123"]
    MultiAZ:
      description: Multi-AZ, as asked.
      type: bool
      returned: when given
      sample: false
    PubliclyAccessible:
      description: Public address, as asked.
      type: bool
      returned: when given
      sample: false
    DBParameterGroupName:
      description: The parameter group asked for.
      type: str
      returned: when given
      sample: multi-tenant-app-prod-mysql8
    DeletionProtection:
      description: Deletion protection, as asked.
      type: bool
      returned: when given
      sample: false
    Tags:
      description: The tags the new instance is made with.
      type: list
      elements: dict
      returned: when tags are given
      sample: [{"Key": "restorekit:restored-from", "Value": "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"}]
      contains:
        Key:
          description: The tag's key.
          type: str
          returned: always
          sample: restorekit:restored-from
        Value:
          description: The tag's value.
          type: str
          returned: always
          sample: "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"
    RecoveryPointArn:
      description: The recovery point restored.
      type: str
      returned: for a backup restore
      sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
    ResourceType:
      description: The AWS Backup resource type.
      type: str
      returned: for a backup restore
      sample: S3
    IamRoleArn:
      description: The role AWS Backup restores with.
      type: str
      returned: for a backup restore
      sample: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role"
    Metadata:
      description: The restore metadata sent, AWS restore metadata keys of the RDS recovery point to their values as text.
      type: dict
      returned: for a backup restore
      sample: {"DestinationBucketName": "multi-tenant-app-prod-tenant-1-restore", "NewBucket": "false"}
    IdempotencyToken:
      description: The token that makes a second start of the same restore the same job.
      type: str
      returned: for a backup restore
      sample: restorekit-6f1c2e3d4b5a69788796a5b4c3d2e1f04a3b2c1d
    CopySourceTagsToRestoredResource:
      description: True when the restored resource gets the source's tags.
      type: bool
      returned: when asked for
      sample: true
pending:
  description: Whether the restore is still going on (O(wait=false), or O(wait_slice) ended first).
  returned: always
  type: bool
  sample: false
stage:
  description: What was waited for last - C(restore_job), C(instance), C(settings), C(started) or C(done).
  returned: when the module waited or started
  type: str
  sample: done
progress:
  description: The progress lines of this run's polls.
  returned: when the module waited
  type: list
  elements: str
  sample: ["restore job 1043ABAA: RUNNING 45.00% (waited 60s)", "DB instance multi-tenant-app-prod-db-restore: creating (waited 90s)"]
resume:
  description: The decision, for O(resume) of a later run of the same restore.
  returned: when decided
  type: dict
  sample: {"method": "backup", "data_time": "2026-11-20T02:00:00Z", "recovery_point_arn": "arn:aws:rds:..."}
  contains:
    method:
      description: RV(method).
      type: str
      returned: always
      sample: backup
    reason:
      description: RV(reason).
      type: str
      returned: always
      sample: "no target time: the newest AWS Backup recovery point, as the runbook restores (arn:aws:rds:...)"
    data_time:
      description: RV(data_time).
      type: str
      returned: always
      sample: "2026-11-20T02:00:00Z"
    restored_from:
      description: RV(restored_from).
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
    window:
      description: RV(window).
      type: str
      returned: always
      sample: "2026-11-13T14:30:00Z to 2026-11-20T14:55:00Z"
    adopted:
      description: RV(adopted).
      type: bool
      returned: always
      sample: false
    recovery_point_arn:
      description: The recovery point of a backup restore; empty for a native one.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
"""

import datetime

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs as jobs
from ansible_collections.restorekit.aws.plugins.module_utils._rds import workflow
from ansible_collections.restorekit.aws.plugins.module_utils._retries import client_for
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params):
    """Every option checked before any AWS call; InputError names the option and its value."""
    source = inputs.db_identifier(params["source_db_instance_identifier"], "source_db_instance_identifier")
    target = inputs.db_identifier(params["target_db_instance_identifier"], "target_db_instance_identifier")
    if source.lower() == target.lower():
        inputs.fail("target_db_instance_identifier", target, "is the source; the restore makes a new instance, never the source")
    for option in ("project_name", "environment"):
        if params[option] is not None:
            inputs.text(params[option], option)
    if params["backup_vault_name"] is None:
        if not (params["project_name"] and params["environment"]):
            inputs.fail("backup_vault_name", None, "is needed, or project_name and environment for the runbook's name")
        params["backup_vault_name"] = rp.vault_name(None, params["project_name"], params["environment"])
    inputs.backup_vault_name(params["backup_vault_name"], "backup_vault_name")
    if params["iam_role_arn"]:
        inputs.iam_role_arn(params["iam_role_arn"], "iam_role_arn")
    elif params["method"] != "native" and not (params["project_name"] and params["environment"]):
        inputs.fail("iam_role_arn", params["iam_role_arn"], "is needed for an AWS Backup restore, or project_name and environment "
                    "for the runbook's backup role")
    if params["target_time"]:
        # A relative time (-2h) becomes one absolute time for the whole run: the decision and its tag must not move.
        moment = inputs.past_time(params["target_time"], "target_time")
        params["target_time"] = moment.astimezone(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
    for option, rule in (("db_instance_class", inputs.db_instance_class), ("db_subnet_group_name", inputs.db_subnet_group_name),
                         ("db_parameter_group_name", inputs.db_parameter_group_name)):
        if params[option]:
            rule(params[option], option)
    inputs.each(params["security_group_names"], "security_group_names", inputs.text, 255, False)
    inputs.unique(params["security_group_names"], "security_group_names")
    if params["backup_retention_period"] is not None:
        inputs.integer(params["backup_retention_period"], "backup_retention_period", 0, 35)
    inputs.tags(params["tags"], "tags")
    inputs.integer(params["wait_timeout"], "wait_timeout", 1, _poll.MAX_WAIT_TIMEOUT)
    inputs.integer(params["poll_interval"], "poll_interval", 1, _poll.MAX_POLL_INTERVAL)
    inputs.number(params["wait_slice"], "wait_slice", 0)
    if params["resume"]:
        missing = [key for key in workflow.RESUME_KEYS if key not in params["resume"]]
        if missing or params["resume"].get("method") not in ("native", "backup"):
            inputs.fail("resume", params["resume"], "is not the resume an earlier run of this module returned (lacks %s)"
                        % ", ".join(missing or ["a method"]))


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            source_db_instance_identifier=dict(type="str", required=True),
            target_db_instance_identifier=dict(type="str", required=True),
            backup_vault_name=dict(type="str"),
            project_name=dict(type="str"),
            environment=dict(type="str"),
            iam_role_arn=dict(type="str"),
            method=dict(type="str", choices=["auto", "native", "backup"], default="auto"),
            target_time=dict(type="str", default=""),
            db_instance_class=dict(type="str", default=""),
            db_subnet_group_name=dict(type="str", default=""),
            security_group_names=dict(type="list", elements="str", default=[]),
            multi_az=dict(type="bool"),
            publicly_accessible=dict(type="bool"),
            db_parameter_group_name=dict(type="str", default=""),
            backup_retention_period=dict(type="int"),
            deletion_protection=dict(type="bool"),
            tags=dict(type="dict", default={}),
            metadata=dict(type="dict", default={}),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=7200),
            poll_interval=dict(type="int", default=15),
            wait_slice=dict(type="float", default=0),
            resume=dict(type="dict"),
        ),
        required_together=[["project_name", "environment"]],
        supports_check_mode=True,
    )
    params = module.params
    try:
        check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)

    clients = client_for(module)

    def role_of():
        return jobs.runbook_role_arn(module.caller_identity(), params["project_name"], params["environment"])

    run = workflow.Run(clients, params, module.region, role_of, lambda arn: jobs.resource_exists(clients, arn),
                       check_mode=module.check_mode)
    try:
        result = run.run()
    except workflow.WorkflowError as e:
        fail(module, e.message, dict(run.result, **e.result))
    except (rp.RecoveryPointError, jobs.RestoreJobError) as e:
        fail(module, e.message, run.result)
    except AnsibleAWSError as e:
        # What the run did and learnt until then goes with the failure: a re-run resumes from it.
        warn(module, run.result)
        module.fail_json_aws(e.exception or e, msg="Could not restore %s into %s: %s" % (
            params["source_db_instance_identifier"], params["target_db_instance_identifier"], e.message), **run.result)
    warn(module, result)
    module.exit_json(**result)


def warn(module, result):
    """Show the warnings the run gathered (a native restore given metadata, metadata keys sent as given)."""
    for warning in result.pop("warnings", []):
        module.warn(warning)


def fail(module, message, result):
    warn(module, result)
    module.fail_json(msg=message, **result)


if __name__ == "__main__":
    module_process()
    main()
