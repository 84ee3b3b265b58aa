# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a failed preflight says, and how its checks read in the restore report (_backup/preflight_report, behind the
preflight_report filter): every failed check numbered with its fix; could-not-verify is a warning, never a pass."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.preflight_report import preflight_report
from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight
from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight_report as report

CHECKS = [
    preflight.result("backup vault", True, "vault app-prod-backup-vault exists"),
    preflight.result("pass role", False, "the caller may not pass app-prod-backup-role", "allow iam:PassRole on it"),
    preflight.result("target name", None, "could not check whether app-db-restore is free", "check it by hand"),
    preflight.result("kms key", False, "key alias/app is disabled", "enable the key"),
]


def test_the_message_numbers_every_failed_check_with_its_fix():
    assert report.failure_message(CHECKS) == (
        "Restore preflight failed; nothing was changed. 2 check(s) failed: "
        "[1] the caller may not pass app-prod-backup-role. Fix: allow iam:PassRole on it. "
        "[2] key alias/app is disabled. Fix: enable the key.")
    assert report.failure_message(CHECKS[:1] + CHECKS[2:3]) is None


def test_report_checks_pass_fail_and_unverified_as_warn():
    assert report.report_checks(CHECKS) == [
        {"name": "preflight: backup vault", "target": None, "details": "vault app-prod-backup-vault exists", "result": "pass"},
        {"name": "preflight: pass role", "target": None, "details": "the caller may not pass app-prod-backup-role", "result": "fail"},
        {"name": "preflight: target name", "target": None, "details": "could not check whether app-db-restore is free", "result": "warn"},
        {"name": "preflight: kms key", "target": None, "details": "key alias/app is disabled", "result": "fail"},
    ]


def test_the_filter_gives_all_three_and_refuses_what_is_not_a_list_of_checks():
    summary = preflight_report(CHECKS)
    assert summary["failed"] == 2 and summary["message"].startswith("Restore preflight failed") and len(summary["checks"]) == 4
    assert preflight_report([]) == {"failed": 0, "message": None, "checks": []}
    for bad in ("checks", [1], None):
        with pytest.raises(AnsibleFilterError, match="expects the list of preflight checks"):
            preflight_report(bad)
