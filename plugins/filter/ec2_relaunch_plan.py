# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ec2_relaunch_plan
version_added: 0.1.0
short_description: One decision of an EC2 relaunch from a recovery point's AMI (the ec2_restore role)
description:
  - The rules are in C(plugins/module_utils/_ec2/relaunch_plan.py); the P(restorekit.aws.ec2_restore#role) role holds the
    order of the steps (C(ec2_restore_method=relaunch)).
  - C(group_problem) - why the group cannot be relaunched, or empty (the input - M(amazon.aws.autoscaling_group_info)'s
    result; O(group_name)).
  - C(current) - the group's launch template and the version it runs, with each version's AMI and never its user data
    (the input - the group; O(template), M(amazon.aws.ec2_launch_template_info)'s template).
  - C(plan) - the target AMI, whether a new version and an instance refresh are needed (the input - C(current)'s answer;
    O(point_image), O(rollback_to), O(instance_type), O(user_data_template), O(members_before)).
  - C(show) - what the responder reads before anything changes (the input - C(current)'s answer; O(relaunch),
    O(group_name), O(point), O(rollback_to), O(instance_type), O(user_data_template), O(min_healthy_percentage), O(check_mode)).
  - C(version) - the version the group runs from now on and whether the group must be pointed at it (the input -
    C(current)'s answer; O(relaunch), O(template_after), O(rollback_to), O(check_mode)).
  - C(result) - the role's C(ec2_restore_result) (the input - C(current)'s answer; O(relaunch), O(group_name),
    O(target_version), O(point), O(rollback_to), O(refresh), O(members_after), O(check_mode)).
extends_documentation_fragment:
  - restorekit.aws.filter_options.check_mode
  - restorekit.aws.steps
options:
  step:
    choices: [group_problem, current, plan, show, version, result]
  group_name:
    description: The autoscaling group.
    type: str
  template:
    description: The group's launch template with its versions.
    type: dict
  point_image:
    description: The recovery point's AMI.
    type: str
  rollback_to:
    description: The version a rollback goes back to; empty for a relaunch.
    type: raw
  instance_type:
    description: The instance type asked for.
    type: str
  user_data_template:
    description: The user data template, when new user data is rendered.
    type: str
  members_before:
    description: M(amazon.aws.ec2_instance_info)'s result for the group's instances before.
    type: dict
  members_after:
    description: The same, after the refresh.
    type: dict
  relaunch:
    description: C(plan)'s answer.
    type: dict
  point:
    description: The recovery point.
    type: dict
  min_healthy_percentage:
    description: The share of the group the refresh keeps in service.
    type: raw
  template_after:
    description: M(amazon.aws.ec2_launch_template_info)'s result after the new version.
    type: dict
  target_version:
    description: C(version)'s C(number).
    type: int
  refresh:
    description: The instance refresh as it ended.
    type: dict
"""

EXAMPLES = r"""
- name: Work out the plan
  ansible.builtin.set_fact:
    ec2_restore_relaunch: >-
      {{ ec2_restore_current | restorekit.aws.ec2_relaunch_plan('plan', point_image=ec2_restore_point_image,
                                                                members_before=ec2_restore_members_before) }}
"""

RETURN = r"""
_value:
  description: The step's answer - a dictionary, a list of lines (C(show)) or a string (C(group_problem)).
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import relaunch_plan as plan
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {name: getattr(plan, name) for name in ("group_problem", "current", "plan", "show", "version", "result")}


def ec2_relaunch_plan(data, step, **options):
    return run_step("ec2_relaunch_plan", STEPS, data, step, options, errors=(TypeError, ValueError, KeyError))


class FilterModule(object):
    """restorekit.aws EC2 relaunch filter."""

    def filters(self):
        return {"ec2_relaunch_plan": ec2_relaunch_plan}
