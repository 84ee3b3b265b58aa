# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ec2_restore_job_plan
version_added: 0.1.0
short_description: One decision of an EC2 restore by AWS Backup restore job (the ec2_restore role)
description:
  - The rules are in C(plugins/module_utils/_ec2/restore_job_plan.py); the P(restorekit.aws.ec2_restore#role) role holds
    the order of the steps (C(ec2_restore_method=restore_job)).
  - C(problems) - each subnet, security group or instance profile asked for that does not exist, and security groups of
    another VPC than the subnet's (the input - the subnet asked for; O(subnet_info), O(security_group_ids),
    O(security_group_info), O(instance_profile_name), O(instance_profile_info)).
  - C(point) - the newest recovery point of the candidate instances (the input - the
    M(restorekit.aws.recovery_point_info) loop's result), or an empty dictionary.
  - C(image_id) - the AMI of an EC2 recovery point, whose ARN is the image's (the input - the recovery point), or an
    empty string when it is no AMI.
  - C(metadata) - the restore metadata (the input - the check-mode M(restorekit.aws.restore_job) result of the point's
    own metadata; O(require_imdsv2), O(instance_type), O(instance_profile_name), O(subnet_id), O(security_group_ids),
    O(subnet_info)). A subnet or security groups asked for replace the point's network interfaces, keeping what was not
    asked for from them.
  - C(no_room) - why the instance cannot join the group, or empty (the input - the group; O(plan), O(group_name)).
  - C(show) - what the responder reads before anything starts (the input - the recovery point; O(image_id), O(plan),
    O(group), O(group_name), O(attach), O(user_data_template), O(check_mode)).
  - C(instance_id) - the restored instance's id (the input - the restore job's result).
  - C(result) - the role's C(ec2_restore_result) (the input - the restore job's result; O(point), O(image_id), O(plan),
    O(group_name), O(attach), O(described), O(check_mode)).
extends_documentation_fragment:
  - restorekit.aws.filter_options.check_mode
  - restorekit.aws.steps
options:
  step:
    choices: [problems, point, image_id, metadata, no_room, show, instance_id, result]
  subnet_id:
    description: The subnet asked for (C(ec2_restore_subnet_id)); empty keeps the recovery point's network interfaces.
    type: str
  subnet_info:
    description:
      - The registered M(amazon.aws.ec2_vpc_subnet_info) lookup of O(subnet_id); its C(subnets) say whether the subnet
        exists and in which VPC, against which the security groups are checked.
    type: dict
  security_group_ids:
    description: The security groups asked for (C(ec2_restore_security_group_ids)), each an C(sg-) id.
    type: list
    elements: str
  security_group_info:
    description: The registered M(amazon.aws.ec2_security_group_info) lookup of O(security_group_ids).
    type: dict
  instance_profile_name:
    description: The instance profile the restored instance gets, when one is asked for.
    type: str
  instance_profile_info:
    description:
      - The registered M(amazon.aws.iam_instance_profile_info) lookup of O(instance_profile_name); a missing profile is
        one of C(problems)' answers.
    type: dict
  require_imdsv2:
    description: Whether the instance requires IMDSv2.
    type: raw
  instance_type:
    description: The instance type asked for.
    type: str
  plan:
    description: The check-mode M(restorekit.aws.restore_job) result of the final request.
    type: dict
  group:
    description: The group, as M(amazon.aws.autoscaling_group_info) returns it.
    type: dict
  group_name:
    description: The group's name.
    type: str
  attach:
    description: Whether the instance joins the group.
    type: raw
  user_data_template:
    description: The user data template, when new user data is rendered.
    type: str
  image_id:
    description: The recovery point's AMI.
    type: str
  point:
    description: The recovery point.
    type: dict
  described:
    description: M(amazon.aws.ec2_instance_info)'s result for the restored instance.
    type: dict
"""

EXAMPLES = r"""
# Before the restore starts: every network object asked for that does not exist, named at once.
- name: Refuse a subnet, security group or instance profile that does not exist, or groups of another VPC
  ansible.builtin.assert:
    that: ec2_restore_problems | length == 0
    fail_msg: "{{ ec2_restore_problems | join('; ') }}"
    quiet: true
  vars:
    ec2_restore_problems: >-
      {{ ec2_restore_subnet_id | restorekit.aws.ec2_restore_job_plan('problems', subnet_info=ec2_restore_subnet_info,
           security_group_ids=ec2_restore_security_group_ids, security_group_info=ec2_restore_sg_info,
           instance_profile_name=ec2_restore_instance_profile_name, instance_profile_info=ec2_restore_profile_info) }}
"""

RETURN = r"""
_value:
  description: The step's answer - a list (C(problems), C(show)), a dictionary (C(metadata), C(result)) or a string.
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import restore_job_plan as plan
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {name: getattr(plan, name) for name in ("problems", "point", "image_id", "metadata", "no_room", "show", "instance_id", "result")}


def ec2_restore_job_plan(data, step, **options):
    return run_step("ec2_restore_job_plan", STEPS, data, step, options)


class FilterModule(object):
    """restorekit.aws EC2 restore job filter."""

    def filters(self):
        return {"ec2_restore_job_plan": ec2_restore_job_plan}
