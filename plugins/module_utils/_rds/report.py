# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the restore report of ``playbooks/rds_restore.yml`` says about the restore, from the ``restorekit.aws.rds_restore``
result (filter ``restorekit.aws.rds_restore_report``): the recovery point and the restore job used, what was created,
changed and left alone, the notes and the outcome, also when the run failed before or during the restore."""

from __future__ import annotations


def restore_report(result, checks=None, validate=False, failure=""):
    """{recovery_points, restore_jobs, checks, resources, notes, outcome}.

    RESULT is the registered result of the rds_restore module ({} when the run failed before it); CHECKS what
    validate_mysql found (None when it did not run); VALIDATE whether validation was asked for; FAILURE why the run
    failed ('' when it did not).
    """
    result = result if isinstance(result, dict) else {}
    finished = not result.get("failed") and "method" in result
    method = result.get("method") or ""
    point = result.get("recovery_point") or {}
    job = result.get("restore_job") or {}
    instance_arn = (result.get("instance") or {}).get("db_instance_arn") if finished else None
    adopted = bool(result.get("adopted"))
    source_arn = (result.get("source") or {}).get("db_instance_arn")
    if finished:
        notes = list(result.get("notes") or [])
    else:
        notes = ["%s restore: %s" % (method or "no", result.get("reason") or "not decided")]
    if failure:
        notes.append("failed at %s" % failure)
    if not validate or checks is None:
        notes.append("rds_restore_validate is false or no table declarations given: not validated")
    return {
        "recovery_points": [point] if method == "backup" and point else [],
        "restore_jobs": [job] if "restore_job" in job else [],
        "checks": list(checks or []),
        "resources": {"created": [instance_arn] if instance_arn and not adopted else [],
                      "changed": [instance_arn] if instance_arn and adopted else [],
                      "left_alone": [source_arn] if source_arn else []},
        "notes": notes,
        "outcome": "failed" if failure else "succeeded",
    }
