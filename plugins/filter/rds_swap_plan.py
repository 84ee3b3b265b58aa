# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rds_swap_plan
version_added: 0.1.0
short_description: What the in-place swap decides before it changes anything (the rds_swap role)
description:
  - The rules are in C(plugins/module_utils/_rds/swap_plan.py).
  - C(begin) - this run's id, the names it uses (the restore, production's old name, the snapshot) and who holds the
    lock (the input - production's identifier; O(run_id), O(holder), O(awx_job_id)). The user is read from the control
    node's environment (C(SUDO_USER), C(USER), C(LOGNAME)).
  - C(refusal) - why the swap must not start, or empty (the input - M(amazon.aws.rds_instance_info)'s result for
    production; O(production), O(names_info), O(groups_info)).
extends_documentation_fragment:
  - restorekit.aws.steps
options:
  step:
    choices: [begin, refusal]
  run_id:
    description: With C(begin), the run id asked for; empty draws one.
    type: str
  holder:
    description: With C(begin), who holds the lock; empty means the user.
    type: str
  awx_job_id:
    description: With C(begin), the AWX job, when run by AWX.
    type: raw
  production:
    description: With C(refusal), production's identifier.
    type: str
  names_info:
    description: With C(refusal), the M(amazon.aws.rds_instance_info) result of one read of the names the swap will use
      (O(amazon.aws.rds_instance_info#module:filters) C(db-instance-id)); each instance it found is a name taken.
    type: dict
  groups_info:
    description: With C(refusal), the M(amazon.aws.autoscaling_group_info) loop over the writer groups.
    type: dict
"""

EXAMPLES = r"""
- name: Name this run
  ansible.builtin.set_fact:
    rds_swap_names: "{{ rds_swap_production_identifier | restorekit.aws.rds_swap_plan('begin', run_id=rds_swap_run_id) }}"
"""

RETURN = r"""
_value:
  description: For C(begin), C(stamp), C(run), C(restore_identifier), C(old_identifier), C(snapshot_identifier) and
    C(lock_holder); for C(refusal), a message or an empty string.
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils._rds import swap_plan
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {"begin": swap_plan.begin, "refusal": swap_plan.refusal}


def rds_swap_plan(data, step, **options):
    return run_step("rds_swap_plan", STEPS, data, step, options)


class FilterModule(object):
    """restorekit.aws in-place swap plan filter."""

    def filters(self):
        return {"rds_swap_plan": rds_swap_plan}
