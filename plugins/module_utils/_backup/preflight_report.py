# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a preflight's checks (``_backup/preflight.py``, run by ``restore_preflight_info``) say once they are made: the
message a failed preflight stops with, and the checks as the restore report lists them. Read on the control node by the
``preflight_report`` filter; nothing here calls AWS.
"""

from __future__ import annotations


def failure_message(checks):
    """The message a failed preflight stops with: every failed check, numbered, with its fix; None when none failed."""
    failed = [check for check in checks if check.get("ok") is False]
    if not failed:
        return None
    return "Restore preflight failed; nothing was changed. %d check(s) failed: %s" % (len(failed), " ".join(
        "[%d] %s. Fix: %s." % (index, check.get("detail"), check.get("fix")) for index, check in enumerate(failed, start=1)))


def report_checks(checks):
    """The checks as the restore report's checks: passed is pass, failed is fail, could not verify is warn."""
    return [{"name": "preflight: %s" % check.get("check"), "target": None, "details": check.get("detail"),
             "result": "pass" if check.get("ok") is True else "fail" if check.get("ok") is False else "warn"}
            for check in checks]
