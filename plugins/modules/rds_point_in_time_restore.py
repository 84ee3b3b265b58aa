#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: rds_point_in_time_restore
version_added: 0.1.0
short_description: Native RDS point-in-time restore into a new instance, also from the retained automated backups of a deleted instance
description:
  - Calls RestoreDBInstanceToPointInTime to make a NEW instance holding the data of a time inside the source's
    automated-backup window.
  - The source is a live instance (O(source_db_instance_identifier)) or, the disaster case, the automated backups RDS
    kept when the instance was deleted with C(DeleteAutomatedBackups=false)
    (O(source_db_instance_automated_backups_arn) or O(source_dbi_resource_id), as
    M(restorekit.aws.rds_restore_info) returns them). M(amazon.aws.rds_instance) restores only from a live instance.
  - Idempotent by target. When O(target_db_instance_identifier) exists, nothing is restored. It is adopted when its
    tags include every one of O(tags) (a re-run of the same restore), and refused otherwise.
  - Tags go on with the restore itself, so a restore interrupted right after the call is still recognisable.
  - Bad input fails naming the option and the value, before any AWS call.
author:
  - restorekit contributors (@restorekit)
options:
  target_db_instance_identifier:
    description: The new instance. Must differ from the source.
    type: str
    required: true
  source_db_instance_identifier:
    description: A live source instance.
    type: str
  source_dbi_resource_id:
    description: The DbiResourceId of the source, live or deleted with its automated backups retained.
    type: str
  source_db_instance_automated_backups_arn:
    description: The ARN of the source's (retained) automated backups (C(arn:aws:rds:REGION:ACCOUNT:auto-backup:ab-...)).
    type: str
  restore_time:
    description:
      - The time whose data to restore, ISO 8601 with an offset (C(2026-11-20T14:30:00Z)); fractions of a second are kept.
      - Omitted, the latest restorable time.
      - A time in the future, or outside the source's restorable window (its automated backups' C(RestoreWindow)), is
        refused naming this option before anything is restored.
    type: str
  use_latest_restorable_time:
    description: Restore the latest restorable time. The default when O(restore_time) is not given.
    type: bool
    default: false
  db_instance_class:
    description: Instance class of the new instance. Omitted, the source's.
    type: str
  db_subnet_group_name:
    description: DB subnet group of the new instance.
    type: str
  vpc_security_group_ids:
    description: VPC security group IDs of the new instance.
    type: list
    elements: str
  multi_az:
    description: Make the new instance Multi-AZ.
    type: bool
  publicly_accessible:
    description: Make the new instance publicly accessible.
    type: bool
  db_parameter_group_name:
    description: DB parameter group of the new instance.
    type: str
  deletion_protection:
    description: Deletion protection of the new instance.
    type: bool
  tags:
    description: Tags for the new instance. An existing target carrying all of them is adopted.
    type: dict
    default: {}
  wait:
    description: Wait until the new instance is available.
    type: bool
    default: true
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - restorekit.aws.wait
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    description: Validates, checks for an existing target and reports what would be restored; restores nothing.
    support: full
  idempotent:
    description: Re-running adopts the instance the first run restored (by its tags) instead of restoring again.
    support: full
"""

EXAMPLES = r"""
- name: Find the retained automated backups of the deleted production instance
  restorekit.aws.rds_restore_info:
    source_db_instance_identifier: multi-tenant-app-prod-db
  register: restore_info

- name: Restore the deleted production instance as of 14:30 into a new instance
  restorekit.aws.rds_point_in_time_restore:
    source_db_instance_automated_backups_arn: "{{ restore_info.retained_automated_backup.db_instance_automated_backups_arn }}"
    target_db_instance_identifier: multi-tenant-app-prod-db-restore
    restore_time: "2026-11-20T14:30:00Z"
    db_subnet_group_name: multi-tenant-app-prod-db-subnet-group
    vpc_security_group_ids: [sg-0123456789abcdef0]
    publicly_accessible: false
    tags:
      restorekit:restored-from: "pitr:multi-tenant-app-prod-db@2026-11-20T14:30:00Z"
    wait: true
"""

RETURN = r"""
db_instance:
  description: The new (or adopted) instance as DescribeDBInstances returns it, snake_case, C(tags) as a dict.
  returned: unless check mode restores nothing
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
adopted:
  description: The target existed with the asked tags; nothing was restored.
  returned: always
  type: bool
  sample: false
request:
  description: The RestoreDBInstanceToPointInTime request made (or, in check mode, that would be made).
  returned: always
  type: dict
  sample: {"SourceDBInstanceAutomatedBackupsArn": "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc", "RestoreTime": "2026-11-20T14:30:00+00:00"}
  contains:
    TargetDBInstanceIdentifier:
      description: The new instance.
      type: str
      returned: always
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
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rr
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def shown(request):
    return {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in request.items()}


def check_options(params):
    """The options point_in_time_request does not check, before any AWS call; InputError names the option."""
    optional = (("db_instance_class", inputs.db_instance_class), ("db_subnet_group_name", inputs.db_subnet_group_name),
                ("db_parameter_group_name", inputs.db_parameter_group_name))
    for option, rule in optional:
        if params[option] is not None and params[option] != "":
            rule(params[option], option)
    if params["vpc_security_group_ids"] is not None:
        inputs.each(params["vpc_security_group_ids"], "vpc_security_group_ids", inputs.ec2_id, "sg")
        inputs.unique(params["vpc_security_group_ids"], "vpc_security_group_ids")
    inputs.tags(params["tags"], "tags")
    inputs.integer(params["wait_timeout"], "wait_timeout", 1, _poll.MAX_WAIT_TIMEOUT)
    inputs.integer(params["poll_interval"], "poll_interval", 1, _poll.MAX_POLL_INTERVAL)


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            target_db_instance_identifier=dict(type="str", required=True),
            source_db_instance_identifier=dict(type="str"),
            source_dbi_resource_id=dict(type="str"),
            source_db_instance_automated_backups_arn=dict(type="str"),
            restore_time=dict(type="str"),
            use_latest_restorable_time=dict(type="bool", default=False),
            db_instance_class=dict(type="str"),
            db_subnet_group_name=dict(type="str"),
            vpc_security_group_ids=dict(type="list", elements="str"),
            multi_az=dict(type="bool"),
            publicly_accessible=dict(type="bool"),
            db_parameter_group_name=dict(type="str"),
            deletion_protection=dict(type="bool"),
            tags=dict(type="dict", default={}),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=7200),
            poll_interval=dict(type="int", default=15),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        request = rr.point_in_time_request(params)
        check_options(params)
    except rr.RdsRestoreError as e:
        module.fail_json(msg=e.message)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    target = params["target_db_instance_identifier"]
    result = dict(changed=False, adopted=False, request=shown(request))
    try:
        client = module.client("rds", retry_decorator=jittered_backoff())
        existing = rr.describe_instance(client, target)
        if existing is None:
            # A time outside the source's restorable window is refused here, naming restore_time, not by RDS.
            rr.check_window(request, rr.restore_window(client, request), params["restore_time"])
        if existing is not None:
            tags = rr.tags_of(existing)
            wanted = {key: str(value) for key, value in params["tags"].items()}
            if not wanted or any(tags.get(key) != value for key, value in wanted.items()):
                module.fail_json(msg="target_db_instance_identifier=%s already exists and is not this restore (its tags %s lack %s); "
                                     "choose another target" % (target, tags, wanted), **result)
            result["adopted"] = True
        elif module.check_mode:
            result["changed"] = True
            module.exit_json(**result)
        else:
            rr.restore_to_point_in_time(client, request)
            result["changed"] = True
        instance = existing
        if params["wait"] and not module.check_mode:
            instance = rr.wait_available(client, target, params["wait_timeout"], params["poll_interval"])
        elif result["changed"]:
            instance = rr.describe_instance(client, target)
        result["db_instance"] = rr.snake_instance(instance)
    except rr.RdsRestoreError as e:
        module.fail_json(msg=e.message, **result)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
