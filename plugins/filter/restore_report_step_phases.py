# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_report_step_phases
version_added: 0.1.0
short_description: Recorded steps as the restore report's phases (used by the in-place swap's playbook)
description:
  - Turns the steps a role recorded (the in-place swap's C(rds_swap_steps), and those of its rollback) into phases
    for P(restorekit.aws.restore_report#filter).
  - Each step's phase runs from the step before it (the first from its own time) to its own time.
  - A step whose result is C(failed) is a failed phase, C(not needed) a skipped one, anything else a done one.
options:
  _input:
    description: The recorded steps, each a dictionary with C(step), C(phase), C(result) and C(at) (ISO 8601).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Write the swap's report, one phase per step
  ansible.builtin.include_role:
    name: restorekit.aws.restore_report
  vars:
    restore_report_phases: "{{ rds_swap_steps | default([]) | restorekit.aws.restore_report_step_phases }}"
"""

RETURN = r"""
_value:
  description: One phase per step.
  type: list
  elements: dict
  contains:
    name:
      description: The step's phase and name, for example C(swap snapshot) or C(rollback switch).
      type: str
    start:
      description: When the step before it was recorded (the first step's own time).
      type: str
    end:
      description: When the step was recorded.
      type: str
    status:
      description: C(failed), C(skipped) or C(done).
      type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import ReportError
from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import restore_report_step_phases as _step_phases


def restore_report_step_phases(steps):
    try:
        return _step_phases(steps)
    except ReportError as e:
        raise AnsibleFilterError(str(e)) from None


class FilterModule(object):
    """restorekit.aws recorded steps as report phases."""

    def filters(self):
        return {"restore_report_step_phases": restore_report_step_phases}
