# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rds_restore_report
version_added: 0.1.0
short_description: What the restore report says of an RDS restore to a new instance
description:
  - From the registered result of M(restorekit.aws.rds_restore) (the input; empty when the run failed before it), the
    report's recovery points, restore jobs, checks, resources (created, or changed when an earlier restore was
    adopted; the source left alone), notes and outcome. The rules are in C(plugins/module_utils/_rds/report.py).
extends_documentation_fragment:
  - restorekit.aws.filter_options.report
options:
  _input:
    description: The registered result of M(restorekit.aws.rds_restore), or an empty dictionary.
    type: dict
    required: true
  checks:
    description: What P(restorekit.aws.validate_mysql#role) found; omitted or null when it did not run.
    type: list
    elements: dict
  validate:
    description: Whether validation was asked for.
    type: bool
    default: false
"""

EXAMPLES = r"""
# A restore asked to be validated that never got as far: the report says validation did not run, not that it passed.
- name: Say what the report would say of the restore so far
  ansible.builtin.debug:
    msg: "{{ rds_report.outcome }}: {{ rds_report.notes | join('; ') }}"
  vars:
    rds_report: >-
      {{ rds_restore_result | default({}) | restorekit.aws.rds_restore_report(checks=validate_mysql_result | default(none),
                                                                            validate=true, failure=restorekit_run_failure) }}
"""

RETURN = r"""
_value:
  description: C(recovery_points), C(restore_jobs), C(checks), C(resources), C(notes) and C(outcome) for the report.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.restorekit.aws.plugins.module_utils._rds import report


def rds_restore_report(result, checks=None, validate=False, failure=""):
    try:
        return report.restore_report(result, checks=checks, validate=boolean(validate, strict=False), failure=failure or "")
    except (TypeError, ValueError) as e:
        raise AnsibleFilterError("rds_restore_report: %s" % e) from None


class FilterModule(object):
    """restorekit.aws RDS restore report filter."""

    def filters(self):
        return {"rds_restore_report": rds_restore_report}
