# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rds_swap_steps
version_added: 0.1.0
short_description: The steps of the in-place swap and its rollback (the rds_swap role)
description:
  - The rules are in C(plugins/module_utils/_rds/swap_steps.py); the P(restorekit.aws.rds_swap#role) role holds the
    order of the steps.
  - C(record) - C(steps) (the input - C(rds_swap_steps) - with one more step) and C(checks) (O(checks) with the same step
    as a check of the restore report); O(name), O(phase), O(result), O(details) or O(outcome), O(target).
  - C(writer_sizes) - each writer group's name and sizes, as read before the writers stop (the input - the
    M(amazon.aws.autoscaling_group_info) loop's result).
  - C(exists) - which of O(identifiers) exist now (the input - the M(amazon.aws.rds_instance_info) result of one read of
    them, O(amazon.aws.rds_instance_info#module:filters) C(db-instance-id); a failed read finds none).
  - C(names_back), C(endpoint_back), C(restored_instance), C(writers_back), C(production_check) - a rollback step's
    C(result) and C(details) for the report, from the registered results of its tasks.
  - C(failed) - whether any rollback step failed (the input - C(rds_swap_steps)).
extends_documentation_fragment:
  - restorekit.aws.steps
options:
  _input:
    description: The step's data - for C(names_back), the answer of C(exists); for C(endpoint_back), what was read before
      the swap; for C(restored_instance) and C(production_check), M(amazon.aws.rds_instance_info)'s result; for
      C(writers_back), the writer groups loop's result.
    type: raw
    required: true
  step:
    choices: [record, writer_sizes, exists, names_back, endpoint_back, restored_instance, writers_back, production_check, failed]
  name:
    description: With C(record), the step's name.
    type: str
  phase:
    description: With C(record), C(swap) or C(rollback).
    type: str
  result:
    description: With C(record), the step's result (C(done), C(deleted), C(failed), C(not needed), or another word, a warning).
    type: str
  details:
    description: With C(record), what the step did.
    type: dict
  outcome:
    description: With C(record), a rollback step's answer (C(result) and C(details)), replacing O(result) and O(details).
    type: dict
  target:
    description: With C(record), the production instance.
    type: str
  checks:
    description: With C(record), the report's checks so far (C(rds_swap_report_checks)).
    type: list
    elements: dict
  restore_away:
    description:
      - With C(names_back), the registered result of renaming the restore away from production's name (skipped when
        the swap never gave it that name).
    type: dict
  production_back:
    description: With C(names_back), the registered rename of production from O(old_identifier) back to its own name.
    type: dict
  old_identifier:
    description: With C(names_back), the temporary name production carried during the swap (C(rds_swap_old_identifier)).
    type: str
  restore_identifier:
    description:
      - With C(names_back), the name the restore goes back to (C(rds_swap_restore_identifier)); empty in the answer
        when it was never renamed.
    type: str
  ssm:
    description: With C(endpoint_back), the registered write of the endpoint's previous value to O(parameter).
    type: dict
  secret:
    description: With C(endpoint_back), the registered write of the previous endpoint into O(secret_name).
    type: dict
  parameter:
    description: With C(endpoint_back), the SSM parameter that holds the endpoint (C(rds_swap_endpoint_ssm_parameter)).
    type: str
  secret_name:
    description: With C(endpoint_back), the Secrets Manager secret that holds the endpoint; empty when there is none.
    type: str
  delete:
    description:
      - With C(restored_instance), the registered deletion of the restore (skipped when it is left for inspection).
    type: dict
  identifier:
    description:
      - With C(restored_instance), the restore's identifier; with C(production_check), production's, whose
        C(DbiResourceId) must be the one from before the swap.
    type: str
  sizes:
    description:
      - With C(writers_back), C(writer_sizes)'s answer - each writer group's name with the minimum, maximum and
        desired capacity it had before it was stopped.
    type: list
    elements: dict
  resource_id_before:
    description: Production's DbiResourceId before the swap.
    type: str
"""

EXAMPLES = r"""
# roles/rds_swap/vars/main.yml: values read from what the role's tasks registered.
rds_swap_writer_sizes: "{{ rds_swap_asg_info | restorekit.aws.rds_swap_steps('writer_sizes') }}"
rds_swap_rb_exists: >-
  {{ rds_swap_rollback_info | restorekit.aws.rds_swap_steps('exists', identifiers=[rds_swap_production_identifier,
                                                                                 rds_swap_old_identifier, rds_swap_restore_identifier]) }}
"""

RETURN = r"""
_value:
  description: For C(exists), a dictionary of booleans; for C(failed), a boolean; for C(writer_sizes), a list; else
    C(result) and C(details).
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils._rds import swap_steps
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {name: getattr(swap_steps, name)
         for name in ("record", "writer_sizes", "exists", "names_back", "endpoint_back", "restored_instance", "writers_back", "production_check", "failed")}


def rds_swap_steps(data, step, **options):
    return run_step("rds_swap_steps", STEPS, data, step, options, errors=(TypeError, ValueError, AttributeError))


class FilterModule(object):
    """restorekit.aws in-place swap steps filter."""

    def filters(self):
        return {"rds_swap_steps": rds_swap_steps}
