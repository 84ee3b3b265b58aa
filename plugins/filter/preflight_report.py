# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: preflight_report
version_added: 0.1.0
short_description: The restore preflight's checks as a failure message and as restore report checks
description:
  - Reads the checks of M(restorekit.aws.restore_preflight_info) (the P(restorekit.aws.preflight#role) role's
    C(preflight_results)).
  - Gives the number of failed checks and the message a failed preflight stops with - every failed check, numbered,
    with its fix.
  - Gives the checks as checks of P(restorekit.aws.restore_report#role) - passed is C(pass), failed is C(fail), and
    could not verify is C(warn).
options:
  _input:
    description: The checks, each a dictionary with C(check), C(ok) (true, false or null), C(status), C(detail) and C(fix).
    type: list
    elements: dict
    required: true
seealso:
  - module: restorekit.aws.restore_preflight_info
    description: Runs the checks this filter reads.
  - plugin: restorekit.aws.restore_report
    plugin_type: filter
    description: Builds the restore report that takes the checks.
"""

EXAMPLES = r"""
# After restorekit.aws.restore_preflight_info (registered as preflight_check, failed_when false): one message naming
# every failed check with its fix, rather than the first problem alone.
- name: Fail with every failed check and its fix
  ansible.builtin.fail:
    msg: "{{ preflight_summary.message }}"
  vars:
    preflight_summary: "{{ preflight_results | restorekit.aws.preflight_report }}"
  when: preflight_summary.failed > 0
"""

RETURN = r"""
_value:
  description: The failed count, the failure message and the report's checks.
  type: dict
  contains:
    failed:
      description: How many checks failed.
      type: int
    message:
      description: The failure message, or null when no check failed.
      type: str
    checks:
      description: The checks for C(restore_report_checks), named C(preflight - <check>).
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight_report as report


def preflight_report(checks):
    if not isinstance(checks, (list, tuple)) or not all(isinstance(check, dict) for check in checks):
        raise AnsibleFilterError("preflight_report: expects the list of preflight checks, got %r" % (checks,))
    return {"failed": sum(1 for check in checks if check.get("ok") is False), "message": report.failure_message(checks),
            "checks": report.report_checks(checks)}


class FilterModule(object):
    """restorekit.aws preflight report filter."""

    def filters(self):
        return {"preflight_report": preflight_report}
