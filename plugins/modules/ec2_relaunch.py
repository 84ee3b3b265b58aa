#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_relaunch
short_description: Relaunch an autoscaling group from an EC2 recovery point's AMI, or roll it back, in one run
version_added: 0.1.0
description:
  - Runbook 7 (relaunch) in one module run. Reads the group, its launch template and every version (never a version's
    user data into the result), the recovery point and its AMI, and the group's instances; decides; creates a new
    launch template version with the recovery point's AMI (every earlier version is kept, the template's default
    version is left as it is); points the group at it; starts an instance refresh that keeps
    O(min_healthy_percentage) of the group in service; waits for it; and checks that every instance of the group runs
    the restored AMI.
  - B(The recovery point.) The newest COMPLETED EC2 recovery point in the vault (or the newest at or before
    O(target_time)) of O(instance_id), else of the instances with the Name tag O(instance_name), else of every
    instance the group ever launched (terminated ones too). O(image_id), when given, must be its AMI; the AMI must be
    available.
  - B(A rollback.) With O(rollback_to_version) the group goes back to that kept version; no recovery point is read.
  - B(Only what differs.) No new version when the current one has the AMI (and the instance type, and no new user
    data is given); no refresh when every instance already runs the target AMI. A re-run after a relaunch changes
    nothing. An instance refresh already running is waited for only when the run would change nothing else and it keeps
    O(min_healthy_percentage) with no desired configuration of its own (a re-run after a timeout); any other is refused
    before anything changes.
  - With O(wait=true) the action plugin shows the plan and each change with the first progress lines (the changes are
    made by then - run in check mode to read the plan before anything changes), then a progress line per poll of the
    instance refresh (status, percent complete, instances still to update), in C(ansible-playbook) and AWX alike.
  - Messages name an option as O(variable_prefix) followed by its name, so the C(ec2_restore) role's messages name its
    own variables.
author:
  - restorekit contributors (@restorekit)
options:
  group_name:
    description: The autoscaling group to relaunch; it must use a launch template.
    type: str
    required: true
  backup_vault_name:
    description:
      - The vault holding the EC2 recovery points. Default C(<project_name>-<environment>-backup-vault).
    type: str
  instance_id:
    description: The instance whose recovery points qualify.
    type: str
    default: ""
  instance_name:
    description: Without O(instance_id), the instances with this Name tag are the ones whose points qualify.
    type: str
    default: ""
  target_time:
    description: The newest recovery point at or before this time (ISO 8601) instead of the newest.
    type: str
    default: ""
  image_id:
    description: When given, must be the selected recovery point's AMI - a guard against restoring the wrong image.
    type: str
    default: ""
  instance_type:
    description: The new version's instance type; empty keeps the current version's.
    type: str
    default: ""
  user_data:
    description: New user data for the new version, base64-encoded (never returned or logged).
    type: str
    default: ""
  rollback_to_version:
    description: Roll the group back to this kept launch template version instead of relaunching from a recovery point.
    type: str
    default: ""
  min_healthy_percentage:
    description: The share of the group the instance refresh keeps in service, 0 to 100.
    type: int
    default: 90
  instance_warmup:
    description: Seconds a new instance warms up before the refresh counts it healthy.
    type: int
    default: 300
  wait:
    description: Wait for the instance refresh to end. With V(false) the result has RV(pending) set.
    type: bool
    default: true
  resume:
    description:
      - The RV(resume) of an earlier run of the same relaunch; the run waits for that instance refresh and finishes. The
        action plugin passes it between slices.
    type: dict
  variable_prefix:
    description: Messages name an option as this prefix followed by the option's name (the C(ec2_restore) role passes V(ec2_restore_)).
    type: str
    default: ""
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
    description: Reads everything and returns the plan and the version the group would run; changes nothing.
    support: full
  idempotent:
    description: A re-run after a relaunch finds the version made and every instance on the AMI, and changes nothing.
    support: full
"""

EXAMPLES = r"""
- name: Relaunch the app servers from the newest recovery point of the group's instances
  restorekit.aws.ec2_relaunch:
    group_name: multi-tenant-app-prod-app-asg
    backup_vault_name: multi-tenant-app-prod-backup-vault
    min_healthy_percentage: 50
  register: relaunched

- name: Roll the group back to the version it ran before
  restorekit.aws.ec2_relaunch:
    group_name: multi-tenant-app-prod-app-asg
    rollback_to_version: "{{ relaunched.relaunch.previous_version | string }}"

- name: Show the plan of a relaunch from the point of 14:30, changing nothing
  restorekit.aws.ec2_relaunch:
    group_name: multi-tenant-app-prod-app-asg
    project_name: multi-tenant-app
    environment: prod
    target_time: "2026-11-20T14:30:00Z"
  check_mode: true
"""

RETURN = r"""
plan:
  description: What the run does (or would do, in check mode), in the words a responder reads.
  returned: when the group and the point were read
  type: list
  elements: str
  sample: ["Autoscaling group: app-asg (2 desired, 2 now)", "New version: 4 from version 3 with AMI ami-0abc", "Applying."]
progress:
  description: The plan, each change made and a line per poll of the instance refresh.
  returned: always
  type: list
  elements: str
pending:
  description: Whether the instance refresh still runs (O(wait=false), or O(wait_slice) ended first).
  returned: always
  type: bool
resume:
  description: What a later run needs to wait for this relaunch's instance refresh and finish (O(resume)).
  returned: when an instance refresh was started or adopted
  type: dict
  contains:
    refresh_id:
      description: The instance refresh waited for.
      type: str
    current:
      description: The group's launch template version before the relaunch, each version's AMI and instance type.
      type: dict
    relaunch:
      description: The plan - target AMI, whether a new version and a refresh were needed, the AMIs run before.
      type: dict
    version:
      description: The version the group runs from now on, and whether it was pointed at it.
      type: dict
    point:
      description: The recovery point restored.
      type: dict
recovery_point:
  description: The recovery point selected (ListRecoveryPointsByBackupVault's answer in snake_case); empty for a rollback.
  returned: always
  type: dict
  contains:
    recovery_point_arn:
      description: The recovery point's ARN (an EC2 point's is its AMI's).
      type: str
    resource_arn:
      description: The instance it was taken of.
      type: str
    creation_date:
      description: When it was taken (ISO 8601).
      type: str
    status:
      description: C(COMPLETED).
      type: str
instance_refresh:
  description: The instance refresh as last described (DescribeInstanceRefreshes in snake_case); empty when none was needed.
  returned: when the run got that far
  type: dict
  contains:
    instance_refresh_id:
      description: The instance refresh.
      type: str
    status:
      description: C(Successful), C(Failed), C(Cancelled), or while it runs C(Pending), C(InProgress) and the like.
      type: str
    status_reason:
      description: Why it ended as it did, when AWS says.
      type: str
    percentage_complete:
      description: Percent of the instances replaced.
      type: int
    instances_to_update:
      description: Instances still to replace.
      type: int
relaunch:
  description: The relaunch's result, what the C(ec2_restore) role records as C(ec2_restore_result).
  returned: when done
  type: dict
  contains:
    method:
      description: V(relaunch).
      type: str
    group_name:
      description: The group.
      type: str
    launch_template_id:
      description: The group's launch template.
      type: str
    launch_template_name:
      description: Its name.
      type: str
    previous_version:
      description: The version the group ran before (kept, for a rollback).
      type: int
    version:
      description: The version the group runs now.
      type: int
    image_id:
      description: The AMI every instance runs now.
      type: str
    recovery_point:
      description: The recovery point restored (empty for a rollback).
      type: dict
      contains:
        recovery_point_arn:
          description: The recovery point's ARN (an EC2 point's is its AMI's).
          type: str
        resource_arn:
          description: The instance it was taken of.
          type: str
        creation_date:
          description: When it was taken (ISO 8601).
          type: str
        status:
          description: C(COMPLETED).
          type: str
    rollback:
      description: Whether this was a rollback.
      type: bool
    instance_refresh:
      description: The instance refresh, as it ended (empty when none was needed).
      type: dict
      contains:
        instance_refresh_id:
          description: The instance refresh.
          type: str
        status:
          description: C(Successful), C(Failed), C(Cancelled), or while it runs C(Pending), C(InProgress) and the like.
          type: str
        status_reason:
          description: Why it ended as it did, when AWS says.
          type: str
        percentage_complete:
          description: Percent of the instances replaced.
          type: int
        instances_to_update:
          description: Instances still to replace.
          type: int
    instances_before:
      description: The group's instances before.
      type: list
      elements: str
    instances:
      description: The group's instances after (empty in check mode).
      type: list
      elements: str
    images:
      description: The AMIs those instances run.
      type: list
      elements: str
    check_mode:
      description: Whether this was a dry run.
      type: bool
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import relaunch
from ansible_collections.restorekit.aws.plugins.module_utils._retries import client_for
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params):
    """Every option a run cannot use, named with its value, before any AWS call."""
    prefix = params["variable_prefix"]
    if params["instance_id"]:
        inputs.ec2_id(params["instance_id"], prefix + "instance_id", "i")
    if params["image_id"]:
        inputs.ec2_id(params["image_id"], prefix + "image_id", "ami")
    if params["rollback_to_version"]:
        inputs.integer(params["rollback_to_version"], prefix + "rollback_to_version", 1)
        if params["user_data"]:  # never shown: it may hold secrets
            inputs.fail(prefix + "user_data", "(not shown)", "a rollback to %srollback_to_version=%s makes no new version, so it takes no new "
                        "user data" % (prefix, params["rollback_to_version"]))
        for option in ("image_id", "target_time", "instance_type"):
            if params[option]:
                inputs.contradiction([(prefix + "rollback_to_version", params["rollback_to_version"]), (prefix + option, params[option])],
                                     "a rollback selects no recovery point and makes no new version")
    inputs.integer(params["min_healthy_percentage"], prefix + "min_healthy_percentage", 0, 100)
    inputs.integer(params["instance_warmup"], prefix + "instance_warmup", 0)
    inputs.integer(params["wait_timeout"], prefix + "wait_timeout", 1, _poll.MAX_WAIT_TIMEOUT)
    inputs.integer(params["poll_interval"], prefix + "poll_interval", 1, _poll.MAX_POLL_INTERVAL)
    inputs.number(params["wait_slice"], "wait_slice", 0)
    if params["resume"]:
        missing = [key for key in relaunch.RESUME_KEYS if key not in params["resume"]]
        if missing:
            inputs.fail("resume", params["resume"], "is not the resume an earlier run of this module returned (lacks %s)" % ", ".join(missing))


def main():
    module = AnsibleAWSModule(
        argument_spec=dict(
            group_name=dict(type="str", required=True),
            backup_vault_name=dict(type="str"),
            project_name=dict(type="str"),
            environment=dict(type="str"),
            instance_id=dict(type="str", default=""),
            instance_name=dict(type="str", default=""),
            target_time=dict(type="str", default=""),
            image_id=dict(type="str", default=""),
            instance_type=dict(type="str", default=""),
            user_data=dict(type="str", default="", no_log=True),
            rollback_to_version=dict(type="str", default=""),
            min_healthy_percentage=dict(type="int", default=90),
            instance_warmup=dict(type="int", default=300),
            wait=dict(type="bool", default=True),
            wait_timeout=dict(type="int", default=7200),
            poll_interval=dict(type="int", default=15),
            wait_slice=dict(type="float", default=0),
            resume=dict(type="dict"),
            variable_prefix=dict(type="str", default=""),
        ),
        required_together=[["project_name", "environment"]],
        supports_check_mode=True,
    )
    params = module.params
    try:
        check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    if not params["rollback_to_version"] and not params["backup_vault_name"] and not params["project_name"]:
        module.fail_json(msg="%sbackup_vault_name or project_name and environment: the vault of the recovery points is needed"
                         % params["variable_prefix"])

    # amazon.aws's helpers retry on their own; relaunch.py's own calls carry the collection's retry policy.
    run = relaunch.Run(client_for(module, retrying=False), params, module.region, check_mode=module.check_mode)
    try:
        result = run.run()
    except relaunch.RelaunchError as e:
        module.fail_json(msg=e.message, **e.result)
    except rp.RecoveryPointError as e:
        module.fail_json(msg=e.message, **run.result)
    except AnsibleAWSError as e:
        module.fail_json_aws(e.exception or e, msg="Could not relaunch %s: %s" % (params["group_name"], e.message), **run.result)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
