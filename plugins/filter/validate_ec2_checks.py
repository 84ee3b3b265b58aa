# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: validate_ec2_checks
version_added: 0.1.0
short_description: The checks of a restored EC2 fleet, from what the validate_ec2 role read
description:
  - Decides, from what the P(restorekit.aws.validate_ec2#role) role read, the checks it records for the restore
    report (C(restore_report_checks)), each C({name, target, result, summary, details}).
  - With a group - whether the group has its desired capacity InService, and each instance InService and Healthy in it.
  - Per instance - running and passing its status checks, running the expected AMI (when one is given), and healthy in
    each target group.
  - One check per call of the HTTP health check - the answer is one of the expected status codes.
  - No instance to validate is a failed check.
options:
  _input:
    description:
      - A dictionary - C(instance_ids), C(instances) (M(amazon.aws.ec2_instance_info)'s), C(statuses)
        (M(restorekit.aws.ec2_instance_status_info)'s), C(group_name), C(groups) (M(amazon.aws.autoscaling_group_info)'s
        results), C(target_groups) (M(community.aws.elb_target_group_info)'s, with health), C(http) (the results of
        the M(ansible.builtin.uri) loop), C(http_url), C(http_status_codes), C(expected_image_id) and C(rounds).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Record the checks
  ansible.builtin.set_fact:
    validate_ec2_result: "{{ validate_ec2_read | restorekit.aws.validate_ec2_checks }}"
  vars:
    validate_ec2_read:
      instance_ids: "{{ validate_ec2_instances }}"
      instances: "{{ validate_ec2_instance_info.instances | default([]) }}"
      statuses: "{{ validate_ec2_status.statuses | default([]) }}"
      group_name: "{{ validate_ec2_group_name }}"
      groups: "{{ validate_ec2_group_now.results | default([], true) }}"
"""

RETURN = r"""
_value:
  description: The checks, in the order above.
  type: list
  elements: dict
  contains:
    name:
      description: What was checked, for example C(healthy in target group app-tg).
      type: str
    target:
      description: The instance id, the group's name or the URL's target.
      type: str
    result:
      description: C(pass) or C(fail).
      type: str
    summary:
      description: One line for the responder.
      type: str
    details:
      description: What the check read.
      type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import validation


def validate_ec2_checks(read):
    if not isinstance(read, dict):
        raise AnsibleFilterError("validate_ec2_checks: expects a dictionary of what the role read, got %r" % (read,))
    return validation.checks(read)


class FilterModule(object):
    """restorekit.aws EC2 validation filter."""

    def filters(self):
        return {"validate_ec2_checks": validate_ec2_checks}
