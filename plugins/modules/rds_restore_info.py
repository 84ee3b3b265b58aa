#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: rds_restore_info
version_added: 0.1.0
short_description: Everything an RDS restore decides on, read in one call
description:
  - Reads, in one task, what the role M(restorekit.aws.rds_restore) needs before it restores, so a responder does not
    wait for one Ansible task per lookup.
  - The source instance and the target instance (each with its tags, as M(amazon.aws.rds_instance_info) returns
    them), the source's automated backups (DescribeDBInstanceAutomatedBackups), active and C(retained) - what is left
    of an instance deleted with C(DeleteAutomatedBackups=false), the disaster restore's starting point, the AWS
    Backup recovery point to restore (with the selection rules of M(restorekit.aws.recovery_point_info)), and the
    security groups named for the new instance.
  - Read-only; it changes nothing in AWS and never reports a change. A source or target that does not exist is
    returned as an empty dict, not an error.
author:
  - restorekit contributors (@restorekit)
options:
  source_db_instance_identifier:
    description: The production DB instance. Its automated backups are listed even when it no longer exists.
    type: str
    required: true
  target_db_instance_identifier:
    description: The instance the restore will create (or adopt). Omit to skip that lookup.
    type: str
  backup_vault_name:
    description: The vault to pick an AWS Backup recovery point of the source from. Omit to skip that lookup.
    type: str
  select:
    description:
      - V(latest) picks the newest COMPLETED recovery point of the source; V(at_or_before) the newest at or before
        O(point_in_time). Only with O(backup_vault_name).
    type: str
    choices: [latest, at_or_before]
    default: latest
  point_in_time:
    description:
      - ISO 8601 time with an offset, for O(select=at_or_before). A time in the future is refused, and so is this
        option with O(select=latest) or without O(backup_vault_name).
    type: str
  security_group_names:
    description: Security group names to look up (EC2 DescribeSecurityGroups, filter C(group-name)).
    type: list
    elements: str
    default: []
  automated_backups:
    description: List the source's automated backups.
    type: bool
    default: true
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Read the source, the target, the automated backups and the recovery point at or before 14:30
  restorekit.aws.rds_restore_info:
    source_db_instance_identifier: multi-tenant-app-prod-db
    target_db_instance_identifier: multi-tenant-app-prod-db-restore
    backup_vault_name: multi-tenant-app-prod-backup-vault
    select: at_or_before
    point_in_time: "2026-11-20T14:30:00Z"
    security_group_names:
      - multi-tenant-app-prod-db-sg
  register: restore_info

- name: The source is gone; restore from its retained automated backups
  ansible.builtin.debug:
    msg: "{{ restore_info.retained_automated_backup.db_instance_automated_backups_arn }}"
  when: not restore_info.source and restore_info.retained_automated_backup
"""

RETURN = r"""
source:
  description: The source instance as DescribeDBInstances returns it (snake_case, C(tags) as a dict); empty when it does not exist.
  returned: always
  type: dict
  sample: {"db_instance_identifier": "multi-tenant-app-prod-db", "db_instance_status": "available", "tags": {"Backup": "true"}}
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
target:
  description: The target instance, the same way; empty when it does not exist or was not asked for.
  returned: always
  type: dict
  sample: {}
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
automated_backups:
  description: The source's automated backups (DescribeDBInstanceAutomatedBackups, snake_case), newest window first.
  returned: always
  type: list
  elements: dict
  sample: [{"status": "retained", "restore_window": {"earliest_time": "2026-11-17T02:00:00+00:00", "latest_time": "2026-11-24T03:10:00+00:00"}}]
  contains:
    db_instance_automated_backups_arn:
      description:
        - The automated backups' ARN, the source of a restore from retained automated backups. Each entry is AWS's
          DescribeDBInstanceAutomatedBackups answer in snake_case, with every other member AWS returns (for example
          C(engine), C(allocated_storage), C(backup_retention_period)).
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc123"
    db_instance_identifier:
      description: The instance the backups are of.
      type: str
      returned: always
      sample: multi-tenant-app-prod-db
    db_instance_arn:
      description: That instance's ARN.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"
    dbi_resource_id:
      description: That instance's resource id.
      type: str
      returned: always
      sample: db-ABCDEFGHIJKLMNOPQRSTUVWXYZ
    status:
      description: C(active) (the instance exists), C(retained) (it was deleted keeping them) or C(creating).
      type: str
      returned: always
      sample: retained
    master_username:
      description: The instance's master user.
      type: str
      returned: always
      sample: admin
    restore_window:
      description: The times a point-in-time restore from these backups can restore to.
      type: dict
      returned: always
      contains:
        earliest_time:
          description: The earliest.
          type: str
          returned: always
          sample: "2026-11-17T02:00:00+00:00"
        latest_time:
          description: The latest.
          type: str
          returned: always
          sample: "2026-11-24T03:10:00+00:00"
retained_automated_backup:
  description: The newest C(retained) entry of RV(automated_backups) (the source was deleted keeping them); empty when none.
  returned: always
  type: dict
  sample: {"db_instance_automated_backups_arn": "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc123", "dbi_resource_id": "db-ABC"}
  contains:
    db_instance_automated_backups_arn:
      description:
        - The automated backups' ARN, the source of a restore from retained automated backups. Each entry is AWS's
          DescribeDBInstanceAutomatedBackups answer in snake_case, with every other member AWS returns (for example
          C(engine), C(allocated_storage), C(backup_retention_period)).
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc123"
    db_instance_identifier:
      description: The instance the backups are of.
      type: str
      returned: always
      sample: multi-tenant-app-prod-db
    db_instance_arn:
      description: That instance's ARN.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"
    dbi_resource_id:
      description: That instance's resource id.
      type: str
      returned: always
      sample: db-ABCDEFGHIJKLMNOPQRSTUVWXYZ
    status:
      description: C(active) (the instance exists), C(retained) (it was deleted keeping them) or C(creating).
      type: str
      returned: always
      sample: retained
    master_username:
      description: The instance's master user.
      type: str
      returned: always
      sample: admin
    restore_window:
      description: The times a point-in-time restore from these backups can restore to.
      type: dict
      returned: always
      contains:
        earliest_time:
          description: The earliest.
          type: str
          returned: always
          sample: "2026-11-17T02:00:00+00:00"
        latest_time:
          description: The latest.
          type: str
          returned: always
          sample: "2026-11-24T03:10:00+00:00"
recovery_point:
  description: The recovery point selected (as M(restorekit.aws.recovery_point_info) returns it); empty when none matched.
  returned: always
  type: dict
  sample: {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1", "creation_date": "2026-11-20T02:00:00+00:00"}
  contains:
    recovery_point_arn:
      description:
        - The ARN of the recovery point. The point is AWS's ListRecoveryPointsByBackupVault answer for it in snake_case,
          with every other member AWS returns (for example C(backup_size_in_bytes), C(completion_date), C(lifecycle)).
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
    resource_arn:
      description: The ARN of the protected resource.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: RDS
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
recovery_point_message:
  description: Why no recovery point was selected; empty when one was.
  returned: always
  type: str
  sample: ""
security_groups:
  description: The security groups found by name.
  returned: always
  type: list
  elements: dict
  sample: [{"group_id": "sg-0123", "group_name": "multi-tenant-app-prod-db-sg", "vpc_id": "vpc-0123"}]
  contains:
    group_id:
      description: The security group's id.
      type: str
      returned: always
      sample: sg-0123
    group_name:
      description: Its name.
      type: str
      returned: always
      sample: multi-tenant-app-prod-db-sg
    vpc_id:
      description: Its VPC.
      type: str
      returned: always
      sample: vpc-0123
missing_security_group_names:
  description: Names in O(security_group_names) with no security group in the region.
  returned: always
  type: list
  elements: str
  sample: []
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rr
from ansible_collections.restorekit.aws.plugins.module_utils._rds import workflow
from ansible_collections.restorekit.aws.plugins.module_utils._retries import client_for
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params):
    """Every option checked before any AWS call: the recovery point query (None without a vault), or InputError /
    RecoveryPointError naming the option and its value."""
    if params["point_in_time"] is not None and params["backup_vault_name"] is None:
        inputs.contradiction([("point_in_time", params["point_in_time"]), ("backup_vault_name", None)],
                             "point_in_time picks a recovery point, which needs backup_vault_name")
    inputs.each(params["security_group_names"], "security_group_names", inputs.text, 255, False)
    inputs.unique(params["security_group_names"], "security_group_names")
    if params["backup_vault_name"] is None:
        return None
    return rp.build_query({"backup_vault_name": params["backup_vault_name"], "resource_type": "RDS",
                           "resource_name": params["source_db_instance_identifier"], "select": params["select"],
                           "point_in_time": params["point_in_time"]})


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            source_db_instance_identifier=dict(type="str", required=True),
            target_db_instance_identifier=dict(type="str"),
            backup_vault_name=dict(type="str"),
            select=dict(type="str", choices=["latest", "at_or_before"], default="latest"),
            point_in_time=dict(type="str"),
            security_group_names=dict(type="list", elements="str", default=[]),
            automated_backups=dict(type="bool", default=True),
        ),
        required_if=[["select", "at_or_before", ["point_in_time"]]],
        supports_check_mode=True,
    )
    params = module.params
    for option in ("source_db_instance_identifier", "target_db_instance_identifier"):
        if params[option] is not None and not rr.IDENTIFIER.match(params[option]):
            module.fail_json(msg="%s=%s is not a DB instance identifier (1-63 letters, digits or hyphens, starting with a letter, "
                                 "no '--' and no '-' at the end)" % (option, params[option]))
    try:
        query = check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    except rp.RecoveryPointError as e:
        module.fail_json(msg=e.message)
    result = dict(changed=False)
    try:
        result.update(workflow.read(client_for(module), params["source_db_instance_identifier"], params["target_db_instance_identifier"],
                                    query, params["security_group_names"], params["automated_backups"]))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
