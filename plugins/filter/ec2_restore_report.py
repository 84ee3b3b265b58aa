# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: ec2_restore_report
version_added: 0.1.0
short_description: What the restore report says of an EC2 restore
description:
  - From C(ec2_restore_result), the fact the P(restorekit.aws.ec2_restore#role) role sets (the input; empty when the run
    failed before it), the report's recovery points, restore jobs, checks, resources (the launch template version and
    group a relaunch changed, the instance a restore job created, what a rollback goes back to), notes and outcome.
  - The rules are in C(plugins/module_utils/_ec2/report.py).
extends_documentation_fragment:
  - restorekit.aws.filter_options.report
options:
  _input:
    description: C(ec2_restore_result), or an empty dictionary.
    type: dict
    required: true
  checks:
    description: What P(restorekit.aws.validate_ec2#role) found.
    type: list
    elements: dict
"""

EXAMPLES = r"""
# The report of playbooks/ec2_restore.yml: written in its always section, so a failed run is reported too.
- name: Write the restore report of the EC2 relaunch
  ansible.builtin.include_role:
    name: restorekit.aws.restore_report
  vars:
    ec2_report: >-
      {{ ec2_restore_result | default({}) | restorekit.aws.ec2_restore_report(checks=validate_ec2_result | default([]),
                                                                            failure=restorekit_run_failure) }}
    restore_report_playbook: ec2_restore
    restore_report_recovery_points: "{{ ec2_report.recovery_points }}"
    restore_report_restore_jobs: "{{ ec2_report.restore_jobs }}"
    restore_report_checks: "{{ ec2_report.checks }}"
    restore_report_resources: "{{ ec2_report.resources }}"
    restore_report_notes: "{{ ec2_report.notes }}"
    restore_report_outcome: "{{ ec2_report.outcome }}"
"""

RETURN = r"""
_value:
  description: C(recovery_points), C(restore_jobs), C(checks), C(resources), C(notes) and C(outcome) for the report.
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import report


def ec2_restore_report(result, checks=None, failure=""):
    try:
        return report.restore_report(result, checks=checks, failure=failure or "")
    except (TypeError, ValueError, AttributeError) as e:
        raise AnsibleFilterError("ec2_restore_report: %s" % e) from None


class FilterModule(object):
    """restorekit.aws EC2 restore report filter."""

    def filters(self):
        return {"ec2_restore_report": ec2_restore_report}
