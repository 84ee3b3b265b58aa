#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_plan
version_added: 0.1.0
short_description: Manage an AWS Backup restore testing plan and its selections
description:
  - Creates, updates or deletes an AWS Backup restore testing plan (runbook section 9, "schedule automated restore
    tests") and its restore testing selections. Neither amazon.aws nor community.aws has a module for these.
  - AWS restores the selected recovery points on the plan's schedule and waits for a validation result;
    C(playbooks/validate_restore_tests.yml) validates what was restored and reports back
    (M(restorekit.aws.restore_validation_result)). AWS deletes each restored resource once its result is reported or
    the selection's validation window ends, whichever comes first.
  - Idempotent. A plan or selection member that differs is updated in place (UpdateRestoreTestingPlan,
    UpdateRestoreTestingSelection); a selection whose resource type changed is deleted and created again.
    Members an option leaves out keep their value. With O(purge_selections=true) the plan's selections not listed
    in O(selections) are deleted.
  - In check mode nothing changes; RV(actions) says what would be done and C(changed) whether anything would.
author:
  - restorekit contributors (@restorekit)
options:
  name:
    description:
      - The restore testing plan's name, 1 to 50 letters, digits or underscores (AWS's rule; no hyphens).
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the plan and the selections; V(absent) deletes its selections, then the plan.
    type: str
    choices: [present, absent]
    default: present
  schedule_expression:
    description:
      - When AWS runs the plan, a C(cron()) or C(rate()) expression. Required with O(state=present).
    type: str
  schedule_expression_timezone:
    description: Time zone of O(schedule_expression). AWS uses UTC when it is not given.
    type: str
  start_window_hours:
    description:
      - Hours after the scheduled time within which the restores must start, 1 to 168 (AWS's maximum, a week).
        V(0) or more than 168 is refused before any call.
    type: int
  recovery_point_selection:
    description: Which recovery points AWS picks for each selected resource.
    type: dict
    default: {}
    suboptions:
      algorithm:
        description: The newest point in the window, or a random one.
        type: str
        choices: [LATEST_WITHIN_WINDOW, RANDOM_WITHIN_WINDOW]
        default: LATEST_WITHIN_WINDOW
      include_vaults:
        description: Vault ARNs (or V(*)) whose points may be picked.
        type: list
        elements: str
        default: ['*']
      exclude_vaults:
        description: Vault ARNs whose points are never picked.
        type: list
        elements: str
      recovery_point_types:
        description: Kinds of recovery point that may be picked.
        type: list
        elements: str
        choices: [CONTINUOUS, SNAPSHOT]
        default: [SNAPSHOT]
      selection_window_days:
        description: How many days back a point may be (1 to 365).
        type: int
  selections:
    description: The plan's restore testing selections, one per resource type and group of resources.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The selection's name, 1 to 50 letters, digits or underscores.
        type: str
        required: true
      protected_resource_type:
        description: The resource type it restores.
        type: str
        required: true
        choices: [RDS, S3, EC2]
      iam_role_arn:
        description: The role AWS Backup restores with, normally the backup role.
        type: str
        required: true
      protected_resource_arns:
        description: The resources whose points are restored, or V(['*']) for every protected resource of the type.
        type: list
        elements: str
      protected_resource_conditions:
        description: Tag conditions (C(StringEquals)/C(StringNotEquals) lists of C({Key, Value})), as AWS takes them.
        type: dict
      restore_metadata_overrides:
        description:
          - Restore metadata over the recovery point's own (for RDS the subnet group and security groups of the test
            restore, for example). Values are sent as strings.
        type: dict
      validation_window_hours:
        description:
          - Hours AWS keeps the restored resource for validation before deleting it (1 to 168); AWS deletes it sooner once
            a validation result is reported.
          - AWS also takes 0 (deleted as soon as the restore completes, before any validation), which is refused here.
        type: int
  purge_selections:
    description: Delete the plan's selections that O(selections) does not list.
    type: bool
    default: true
  tags:
    description: Tags of a plan created by this module (not changed on an existing plan).
    type: dict
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  idempotent:
    description: A second run with the same plan and selections changes nothing (RV(actions) is empty).
    support: full
"""

EXAMPLES = r"""
- name: Restore-test the database and the tenant buckets every Sunday, validating within 4 hours
  restorekit.aws.restore_testing_plan:
    name: multi_tenant_app_prod_restore_testing
    schedule_expression: cron(0 8 ? * SUN *)
    recovery_point_selection:
      algorithm: RANDOM_WITHIN_WINDOW
      include_vaults:
        - arn:aws:backup:us-east-1:123456789012:backup-vault:multi-tenant-app-prod-backup-vault
      selection_window_days: 7
    selections:
      - name: database
        protected_resource_type: RDS
        iam_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
        protected_resource_arns:
          - arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db
        restore_metadata_overrides:
          DBSubnetGroupName: multi-tenant-app-prod-db-subnet-group
        validation_window_hours: 4
      - name: tenant_buckets
        protected_resource_type: S3
        iam_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
        protected_resource_arns: ['*']
        validation_window_hours: 4

- name: Remove the plan and its selections
  restorekit.aws.restore_testing_plan:
    name: multi_tenant_app_prod_restore_testing
    state: absent
"""

RETURN = r"""
actions:
  description: What was done (or, in check mode, would be done), one line each; empty when nothing changed.
  returned: always
  type: list
  elements: str
  sample: ["create plan multi_tenant_app_prod_restore_testing", "create selection database (RDS)"]
restore_testing_plan:
  description: The plan as AWS Backup describes it after the run (snake_case), empty when absent.
  returned: always
  type: dict
  contains:
    restore_testing_plan_arn:
      description: The plan's ARN; V(null) in check mode for a plan not created yet.
      type: str
    restore_testing_plan_name:
      description: Its name.
      type: str
    schedule_expression:
      description: Its schedule.
      type: str
    recovery_point_selection:
      description: How points are picked.
      type: dict
      returned: always
      sample: {"algorithm": "LATEST_WITHIN_WINDOW", "include_vaults": ["*"], "recovery_point_types": ["SNAPSHOT"]}
      contains:
        algorithm:
          description: V(LATEST_WITHIN_WINDOW) or V(RANDOM_WITHIN_WINDOW).
          type: str
          returned: always
          sample: LATEST_WITHIN_WINDOW
        include_vaults:
          description: The vaults (names, ARNs or V(*)) points are picked from.
          type: list
          elements: str
          returned: always
          sample: ["*"]
        exclude_vaults:
          description: The vaults left out.
          type: list
          elements: str
          returned: when set
          sample: []
        recovery_point_types:
          description: V(SNAPSHOT) and/or V(CONTINUOUS).
          type: list
          elements: str
          returned: always
          sample: ["SNAPSHOT"]
        selection_window_days:
          description: How many days back points are picked from.
          type: int
          returned: when set
          sample: 7
restore_testing_selections:
  description:
    - The plan's selections after the run, by selection name, each as AWS Backup's GetRestoreTestingSelection gives it
      in snake_case (without timestamps and its plan name) - C(restore_testing_selection_name), C(protected_resource_type),
      C(iam_role_arn), C(protected_resource_arns), C(protected_resource_conditions), C(validation_window_hours),
      C(restore_metadata_overrides) (whose restore metadata keys keep their spelling).
  returned: always
  type: dict
  sample:
    database:
      restore_testing_selection_name: database
      protected_resource_type: RDS
      iam_role_arn: "arn:aws:iam::123456789012:role/multi-tenant-app-prod-restore-testing-role"
      protected_resource_arns: ["arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"]
      validation_window_hours: 4
      restore_metadata_overrides: {"DBInstanceClass": "db.t3.small"}
diff:
  description: Before and after, when run with C(--diff).
  returned: when diff mode is on
  type: dict
  contains:
    before:
      description:
        - The plan and its selections before the run, as AWS Backup's GetRestoreTestingPlan
          and GetRestoreTestingSelection give them (without timestamps); empty when absent.
      type: dict
      returned: always
      contains:
        plan:
          description: The plan.
          type: dict
          returned: when the plan exists
          contains:
            RestoreTestingPlanName:
              description: The plan's name.
              type: str
              returned: always
              sample: multi_tenant_app_prod_restore_testing
            RestoreTestingPlanArn:
              description: The plan's ARN; V(null) in check mode for a plan not created yet.
              type: str
              returned: always
              sample: "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:multi_tenant_app_prod_restore_testing-abc"
            ScheduleExpression:
              description: Its schedule.
              type: str
              returned: always
              sample: cron(0 5 ? * SUN *)
            ScheduleExpressionTimezone:
              description: The schedule's time zone.
              type: str
              returned: when set
              sample: Etc/UTC
            StartWindowHours:
              description: Hours a test may wait to start.
              type: int
              returned: when set
              sample: 1
            RecoveryPointSelection:
              description: How points are picked.
              type: dict
              returned: always
              contains:
                Algorithm:
                  description: V(LATEST_WITHIN_WINDOW) or V(RANDOM_WITHIN_WINDOW).
                  type: str
                  returned: always
                  sample: LATEST_WITHIN_WINDOW
                IncludeVaults:
                  description: The vaults (names, ARNs or V(*)) points are picked from.
                  type: list
                  elements: str
                  returned: always
                  sample: ["*"]
                ExcludeVaults:
                  description: The vaults left out.
                  type: list
                  elements: str
                  returned: when set
                  sample: []
                RecoveryPointTypes:
                  description: V(SNAPSHOT) and/or V(CONTINUOUS).
                  type: list
                  elements: str
                  returned: always
                  sample: ["SNAPSHOT"]
                SelectionWindowDays:
                  description: How many days back points are picked from.
                  type: int
                  returned: when set
                  sample: 7
        selections:
          description: The selections, by selection name, each as GetRestoreTestingSelection gives it (without its plan name).
          type: dict
          returned: when the plan exists
          sample: {"database": {"ProtectedResourceType": "RDS", "IamRoleArn": "arn:aws:iam::123456789012:role/restore-testing"}}
    after:
      description:
        - The plan and its selections after the run, as AWS Backup's GetRestoreTestingPlan
          and GetRestoreTestingSelection give them (without timestamps); empty when absent.
      type: dict
      returned: always
      contains:
        plan:
          description: The plan.
          type: dict
          returned: when the plan exists
          contains:
            RestoreTestingPlanName:
              description: The plan's name.
              type: str
              returned: always
              sample: multi_tenant_app_prod_restore_testing
            RestoreTestingPlanArn:
              description: The plan's ARN; V(null) in check mode for a plan not created yet.
              type: str
              returned: always
              sample: "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:multi_tenant_app_prod_restore_testing-abc"
            ScheduleExpression:
              description: Its schedule.
              type: str
              returned: always
              sample: cron(0 5 ? * SUN *)
            ScheduleExpressionTimezone:
              description: The schedule's time zone.
              type: str
              returned: when set
              sample: Etc/UTC
            StartWindowHours:
              description: Hours a test may wait to start.
              type: int
              returned: when set
              sample: 1
            RecoveryPointSelection:
              description: How points are picked.
              type: dict
              returned: always
              contains:
                Algorithm:
                  description: V(LATEST_WITHIN_WINDOW) or V(RANDOM_WITHIN_WINDOW).
                  type: str
                  returned: always
                  sample: LATEST_WITHIN_WINDOW
                IncludeVaults:
                  description: The vaults (names, ARNs or V(*)) points are picked from.
                  type: list
                  elements: str
                  returned: always
                  sample: ["*"]
                ExcludeVaults:
                  description: The vaults left out.
                  type: list
                  elements: str
                  returned: when set
                  sample: []
                RecoveryPointTypes:
                  description: V(SNAPSHOT) and/or V(CONTINUOUS).
                  type: list
                  elements: str
                  returned: always
                  sample: ["SNAPSHOT"]
                SelectionWindowDays:
                  description: How many days back points are picked from.
                  type: int
                  returned: when set
                  sample: 7
        selections:
          description: The selections, by selection name, each as GetRestoreTestingSelection gives it (without its plan name).
          type: dict
          returned: when the plan exists
          sample: {"database": {"ProtectedResourceType": "RDS", "IamRoleArn": "arn:aws:iam::123456789012:role/restore-testing"}}
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def snake_view(view):
    plan = view.get("plan") or {}
    selections = {}
    for name, selection in (view.get("selections") or {}).items():
        overrides = selection.get("RestoreMetadataOverrides")
        snake = camel_dict_to_snake_dict({k: v for k, v in selection.items() if k != "RestoreMetadataOverrides"})
        if overrides is not None:
            snake["restore_metadata_overrides"] = overrides
        selections[name] = snake
    return camel_dict_to_snake_dict(plan), selections


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        schedule_expression=dict(type="str"),
        schedule_expression_timezone=dict(type="str"),
        start_window_hours=dict(type="int"),
        recovery_point_selection=dict(type="dict", default={}, options=dict(
            algorithm=dict(type="str", choices=["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"], default="LATEST_WITHIN_WINDOW"),
            include_vaults=dict(type="list", elements="str", default=["*"]),
            exclude_vaults=dict(type="list", elements="str"),
            recovery_point_types=dict(type="list", elements="str", choices=["CONTINUOUS", "SNAPSHOT"], default=["SNAPSHOT"]),
            selection_window_days=dict(type="int"),
        )),
        selections=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            protected_resource_type=dict(type="str", required=True, choices=["RDS", "S3", "EC2"]),
            iam_role_arn=dict(type="str", required=True),
            protected_resource_arns=dict(type="list", elements="str"),
            protected_resource_conditions=dict(type="dict"),
            restore_metadata_overrides=dict(type="dict"),
            validation_window_hours=dict(type="int"),
        )),
        purge_selections=dict(type="bool", default=True),
        tags=dict(type="dict"),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              required_if=[("state", "present", ["schedule_expression"])])
    params = module.params
    try:
        restore_testing.validate_params(params, module.region)
    except restore_testing.RestoreTestingError as e:
        module.fail_json(msg=str(e))
    backup = module.client("backup", retry_decorator=jittered_backoff())
    try:
        changed, actions, before, after = restore_testing.ensure_plan(backup, params, module.check_mode)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    plan, selections = snake_view(after)
    result = dict(changed=changed, actions=actions, restore_testing_plan=plan, restore_testing_selections=selections)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
