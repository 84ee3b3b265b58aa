#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: run_phase
version_added: 0.1.0
short_description: Mark where a phase of a restore run starts, or record in a rescue why the run failed
description:
  - The skeleton every restore playbook of this collection shares. With O(name), appends C({name, start}) (UTC, whole
    seconds) to the fact C(restorekit_phase_marks); the P(restorekit.aws.restore_report#role) role turns the marks into
    the report's phases, each ending where the next begins.
  - With O(failed=true), in a C(rescue), sets the fact C(restorekit_run_failure) to the failed task's name and message,
    so that the report says the run failed and where, and the play fails after writing it. A run failed when that
    fact is a non-empty text.
  - With O(start=true), the first task of a playbook, both are emptied.
  - Runs as an action plugin on the control node; no AWS call. The AWS connection options that C(module_defaults) of
    C(group/restorekit.aws.aws) hand it are accepted and ignored.
author:
  - restorekit contributors (@restorekit)
options:
  start:
    description:
      - A run begins - the first task of a playbook. Empties C(restorekit_phase_marks) and C(restorekit_run_failure), because
        a fact cache (AWX's, or C(jsonfile)) keeps the facts an action sets, and a run must not inherit the last run's.
    type: bool
    default: false
  name:
    description: The phase that starts now, for example C(restore).
    type: str
  failed:
    description: Record the failure of the block this rescue belongs to.
    type: bool
    default: false
extends_documentation_fragment:
  - restorekit.aws.attributes.controller
attributes:
  check_mode:
    description: Records the same in check mode.
    support: full
  idempotent:
    description: Each run marks the time it ran.
    support: none
"""

EXAMPLES = r"""
- name: Begin the run (no phase marks or failure left from an earlier run)
  restorekit.aws.run_phase:
    start: true

- name: Restore and report
  block:
    - name: Mark the start of the restore phase
      restorekit.aws.run_phase:
        name: restore
    - name: Restore the database
      ansible.builtin.include_role:
        name: restorekit.aws.rds_restore
  rescue:
    - name: Remember that the run failed, and where
      restorekit.aws.run_phase:
        failed: true
  always:
    - name: Write the restore report (it reads restorekit_phase_marks)
      ansible.builtin.include_role:
        name: restorekit.aws.restore_report
      vars:
        restore_report_outcome: "{{ 'failed' if restorekit_run_failure | default('') | length > 0 else 'succeeded' }}"
"""

RETURN = r"""
phase:
  description: The mark added.
  returned: with O(name)
  type: dict
  contains:
    name:
      description: The phase.
      type: str
    start:
      description: When it started, UTC.
      type: str
  sample: {"name": "restore", "start": "2026-11-24T03:10:00Z"}
failure:
  description: The failed task's name and message.
  returned: with O(failed=true)
  type: str
  sample: "Restore the database: rds_restore_target_identifier=app-db-restore already exists"
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def main():
    module = AnsibleModule(argument_spec=dict(start=dict(type="bool", default=False), name=dict(type="str"), failed=dict(type="bool", default=False)),
                           supports_check_mode=True)
    # The work is done by the action plugin of the same name, on the control node.
    module.fail_json(msg="restorekit.aws.run_phase runs as an action plugin on the control node; it cannot run as a module")


if __name__ == "__main__":
    module_process()
    main()
