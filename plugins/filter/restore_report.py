# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_report
version_added: 0.1.0
short_description: Build the restore report data of one run (used by the restorekit.aws.restore_report role)
description:
  - Turns the inputs of the P(restorekit.aws.restore_report#role) role into the report that the role writes as JSON and
    renders as Markdown. The shape is described by C(docs/restore-report.schema.json).
  - Accepts recovery points as M(restorekit.aws.recovery_point_info) returns them (its RV(recovery_point) or an element
    of its RV(recovery_points)), and restore jobs either as the full result of the C(restorekit.aws.restore_job)
    module (with its C(restore_job), C(created_resource_arn) and C(metadata)) or as a bare snake_case
    DescribeRestoreJob dictionary. A registered loop result (a dictionary with C(results)) is flattened. A failed or
    skipped C(restorekit.aws.restore_job) result without a job id becomes a note rather than an error, so that a report
    written from an C(always) section still says what happened.
  - Computes each restore job's duration from its creation and completion dates, and normalises every time to
    ISO 8601 in UTC.
  - Measures the RPO achieved (the incident time minus each recovery point's creation time and, for databases, minus
    the newest row that validation found, from the C(freshness) in a check's details as
    P(restorekit.aws.validate_mysql#role) reports it) and the RTO (from the decision to the last validation check, or
    to the end of the run).
  - Lists the phases of the run with their start and end (given, from the playbook's phase marks, or derived from the
    restore jobs' creation and completion dates), and the runbook's post-incident checklist (section 10), answered where the run knows the answer.
    P(restorekit.aws.restore_report_gantt#filter) draws the phases as a Mermaid Gantt chart.
  - Drops, at any depth, every dictionary key that matches C(password), C(secret) or C(token) (case-insensitive),
    and lists in C(redacted) where keys were dropped and how many (never their names or values).
  - Fails with a message naming the role variable and the bad value when an input has the wrong shape.
author:
  - restorekit contributors (@restorekit)
options:
  _input:
    description:
      - A dictionary with the keys C(run) (C(id), C(playbook), C(started), C(finished), C(check_mode), C(user),
        C(host), C(awx_job_id), C(awx_job_template), C(awx_user)), C(recovery_points), C(restore_jobs), C(checks),
        C(resources), C(notes), C(outcome), C(incident_time), C(decision_time), C(phases) and C(phase_marks), as the
        role assembles them from its variables.
      - C(phase_marks) (C([{name, start}]), where a playbook marked each phase's start) gives the phases when C(phases)
        is empty - each ends where the next begins, the last at the report's time, and the last failed when the
        outcome is C(failed).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Build the report data
  ansible.builtin.set_fact:
    restore_report_data: >-
      {{ {'run': {'playbook': 'rds_restore', 'finished': '2026-11-24T03:10:00Z', 'user': 'oncall', 'host': 'bastion'},
          'recovery_points': [point.recovery_point],
          'restore_jobs': [job],
          'checks': [{'name': 'CHECK TABLE', 'target': 'app', 'result': 'pass'}],
          'resources': {'created': [job.created_resource_arn]},
          'incident_time': '2026-11-24T01:40:00Z',
          'phases': [{'name': 'restore', 'start': '2026-11-24T02:00:00Z', 'end': '2026-11-24T02:25:10Z'}],
          'notes': [], 'outcome': 'succeeded'} | restorekit.aws.restore_report }}
"""

RETURN = r"""
_value:
  description:
    - The report, with C(schema_version), C(run), C(recovery_points), C(restore_jobs), C(checks), C(resources),
      C(summary), C(rpo), C(rto), C(phases), C(checklist), C(notes), C(redacted) and C(outcome).
      See C(docs/restore-report.md).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import ReportError
from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import restore_report as _restore_report


def restore_report(data):
    """Build the report of one run from the role's inputs (see DOCUMENTATION)."""
    try:
        return _restore_report(data)
    except ReportError as e:
        raise AnsibleFilterError(str(e)) from None


class FilterModule(object):
    """restorekit.aws restore report filters."""

    def filters(self):
        return {"restore_report": restore_report}
