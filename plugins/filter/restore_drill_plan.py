# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_drill_plan
version_added: 0.1.0
short_description: One decision of the restore drill (used by the restore_drill role)
description:
  - The rules are in C(plugins/module_utils/_drill_plan.py); the P(restorekit.aws.restore_drill#role) role holds the
    order of the steps.
  - C(begin) - the drill's id (the input; empty means the start time), seed (O(seed); empty means a random one), start
    time and the prefix of everything it creates (O(project), O(environment)).
  - C(restores) - from the M(restorekit.aws.recovery_point_info) loop's registered result or its C(results) (the input;
    a loop that failed plans nothing, an empty dictionary), the recovery points,
    the drill-unique target names (with O(prefix)) and each restore's request (O(settings) - C(db_subnet_group),
    C(db_instance_class), C(ec2_instance_type), C(ec2_subnet_id), C(ec2_security_group_ids)).
  - C(created) - from the wait for the restore jobs (the input - the registered result of
    M(restorekit.aws.restore_job) with O(restorekit.aws.restore_job#module:restore_job_ids)), what each restore created
    and what validation reads (O(points) - the points C(restores) returned); an empty dictionary until the wait
    succeeded.
  - C(failed_checks) - C(<check> on <target>) for each failed check of the validations (the input - a list of check lists).
  - C(summary) - after the cleanup, the outcome, the report's notes, the notification and the message the drill fails
    with (the input - a list of check lists; O(drill), O(record), O(failure), O(cleanup), O(leftovers), O(resource_types)).
  - C(report_jobs) - the restore jobs for the report - the waited-for ones (the input - the wait's registered result),
    else O(started).
extends_documentation_fragment:
  - restorekit.aws.steps
options:
  step:
    choices: [begin, restores, created, failed_checks, summary, report_jobs]
  seed:
    description: With C(begin), the seed to replay; empty for a random one.
    type: raw
  project:
    description: With C(begin), the project name.
    type: str
  environment:
    description: With C(begin), the environment name.
    type: str
  prefix:
    description: With C(restores), the prefix of the drill's names (C(begin)'s C(prefix)).
    type: str
  settings:
    description: With C(restores), the restores' settings.
    type: dict
  points:
    description: With C(created), the recovery points by resource type (C(restores)'s C(points)).
    type: dict
  drill:
    description: With C(summary), C(begin)'s answer.
    type: dict
  record:
    description: With C(summary), the record's C(bucket) and C(prefix).
    type: dict
  failure:
    description: With C(summary), why the drill failed; empty when it did not.
    type: str
  cleanup:
    description: With C(summary), the registered result of the drill's own cleanup.
    type: dict
  leftovers:
    description: With C(summary), the registered results of the cleanups of drills killed earlier.
    type: list
    elements: dict
  resource_types:
    description: With C(summary), the resource types drilled.
    type: list
    elements: str
  started:
    description: With C(report_jobs), the jobs the drill's record holds, used when the wait did not answer.
    type: list
    elements: dict
"""

EXAMPLES = r"""
- name: Plan the restores with drill-unique names
  ansible.builtin.set_fact:
    restore_drill_plan: >-
      {{ restore_drill_selected | restorekit.aws.restore_drill_plan('restores', prefix=restore_drill.prefix,
                                                                             settings={'db_subnet_group': 'app-db-subnets'}) }}
"""

RETURN = r"""
_value:
  description: The step's answer - a dictionary, or for C(failed_checks) and C(report_jobs) a list.
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils import _drill_plan
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {
    "begin": _drill_plan.begin,
    "restores": _drill_plan.restores,
    "created": _drill_plan.created,
    "failed_checks": _drill_plan.failed_checks,
    "summary": _drill_plan.summary,
    "report_jobs": _drill_plan.report_jobs,
}


def restore_drill_plan(data, step, **options):
    return run_step("restore_drill_plan", STEPS, data, step, options, errors=(TypeError, _drill_plan.DrillPlanError))


class FilterModule(object):
    """restorekit.aws restore drill filter."""

    def filters(self):
        return {"restore_drill_plan": restore_drill_plan}
