# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_testing_steps
version_added: 0.1.0
short_description: One decision of the restore_testing role
description:
  - The rules are in C(plugins/module_utils/_backup/restore_test_steps.py); the P(restorekit.aws.restore_testing#role)
    role holds the order of the steps.
  - C(problems) - why the plan cannot be built (the input - the vault's info result; O(role), O(dbs), O(vault_name), O(role_name)).
  - C(selections) - the plan's selections (the input - the resource types; O(role), O(dbs), O(tenants), O(project),
    O(environment), O(metadata_overrides), O(validation_window_hours)).
  - C(window) - the start of the window of jobs to validate (the input - C(restore_testing_created_after); O(lookback_hours)).
  - C(sort) - the jobs to validate, and the outcomes and checks of those that cannot be (the input - the jobs; O(revalidate)).
  - C(db_unreachable) - the check of a restored DB instance that cannot be reached (the input - the job; O(described)).
  - C(bucket_checks) - a restored bucket's checks (the input - the job; O(restored), O(source), O(min_count_percent),
    O(critical_keys)).
  - C(job_outcome) - a validated job's status, message, outcome and checks (the input - the job; by what it restored,
    O(described) and O(mysql), O(restored), O(source), O(min_count_percent) and O(critical_keys), or O(ec2); O(check_mode)).
  - C(reported) - the jobs with the one just reported on as AWS Backup answered the result, its validation and deletion
    status (the input - the jobs; O(job)).
  - C(summary_lines) - what the responder reads (the input - the outcomes; O(jobs), O(to_validate), O(plan_name)).
  - C(report) - the report's notes, outcome and resources, and the jobs that failed validation (the input - the
    outcomes; O(jobs), O(failure)).
extends_documentation_fragment:
  - restorekit.aws.filter_options.check_mode
  - restorekit.aws.steps
options:
  step:
    choices: [problems, selections, window, sort, db_unreachable, bucket_checks, job_outcome, reported, summary_lines, report]
  role:
    description: The registered result of M(amazon.aws.iam_role_info) for the backup role.
    type: dict
  dbs:
    description: The registered result of the M(amazon.aws.rds_instance_info) loop over the databases.
    type: dict
  vault_name:
    description: The vault's name.
    type: str
  role_name:
    description: The backup role's name.
    type: str
  tenants:
    description: The tenants whose buckets are restore-tested.
    type: list
    elements: str
  project:
    description: The project name.
    type: str
  environment:
    description: The environment.
    type: str
  metadata_overrides:
    description: Restore metadata overrides by resource type (C(RDS), C(EC2)).
    type: dict
  validation_window_hours:
    description:
      - With C(selections), how many hours AWS Backup keeps each restored resource for validation before it deletes it
        (C(ValidationWindowHours), 1 to 168); omitted, AWS Backup's default.
    type: int
  lookback_hours:
    description: With C(window), how far back from now the jobs are looked for when the input gives no start.
    type: int
    default: 48
  revalidate:
    description:
      - With C(sort), whether jobs that already carry a final validation result (C(SUCCESSFUL), C(FAILED) or
        C(TIMED_OUT)) are validated again; by default only jobs not yet validated are.
    type: bool
    default: false
  described:
    description: The registered result of M(amazon.aws.rds_instance_info) for the restored instance.
    type: dict
  restored:
    description: The registered result of M(amazon.aws.s3_object) C(mode=list) of the restored bucket.
    type: dict
  source:
    description: The same for the source bucket.
    type: dict
  min_count_percent:
    description: The share of the source's objects the restored bucket must hold.
    type: int
  critical_keys:
    description: Keys the restored bucket must hold.
    type: list
    elements: str
  mysql:
    description: With C(job_outcome) of a database, the checks P(restorekit.aws.validate_mysql#role) found (C(validate_mysql_result)).
    type: list
    elements: dict
  ec2:
    description: With C(job_outcome) of an instance, the checks P(restorekit.aws.validate_ec2#role) found (C(validate_ec2_result)).
    type: list
    elements: dict
  jobs:
    description: The jobs found; omitted when the validation did not get as far as listing them.
    type: list
    elements: dict
  job:
    description: With C(reported), the job as M(restorekit.aws.restore_validation_result) returned it (its C(restore_job)).
    type: dict
  to_validate:
    description: The jobs validated.
    type: list
    elements: dict
  plan_name:
    description: The restore testing plan's name.
    type: str
  failure:
    description: Why the run failed; empty when it did not.
    type: str
"""

EXAMPLES = r"""
- name: Decide the job's validation status
  ansible.builtin.set_fact:
    restore_testing_job_outcome: >-
      {{ restore_testing_job | restorekit.aws.restore_testing_steps('job_outcome', described=restore_testing_restored_db,
                                                                    mysql=validate_mysql_result | default([]),
                                                                    check_mode=ansible_check_mode) }}
"""

RETURN = r"""
_value:
  description: The step's answer.
  type: raw
"""

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_test_steps as steps
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step

STEPS = {name: getattr(steps, name) for name in ("problems", "selections", "window", "sort", "db_unreachable", "bucket_checks",
                                                 "job_outcome", "reported", "summary_lines", "report")}


def restore_testing_steps(data, step, **options):
    return run_step("restore_testing_steps", STEPS, data, step, options, errors=(TypeError, ValueError, KeyError))


class FilterModule(object):
    """restorekit.aws restore testing filter."""

    def filters(self):
        return {"restore_testing_steps": restore_testing_steps}
