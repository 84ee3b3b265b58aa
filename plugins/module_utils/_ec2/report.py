# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the restore report of ``playbooks/ec2_restore.yml`` says about the restore, from the ``ec2_restore`` role's
result (``ec2_restore_result``; filter ``restorekit.aws.ec2_restore_report``): a relaunch of the group from a recovery
point's image, or one instance restored by AWS Backup - also when the run failed before the role had a result."""

from __future__ import annotations


def restore_report(result, checks=None, failure=""):
    """{recovery_points, restore_jobs, checks, resources, notes, outcome}. RESULT is ec2_restore_result ({} when the
    run failed before the role set it); CHECKS what validate_ec2 found; FAILURE why the run failed ('' when it did not)."""
    result = result if isinstance(result, dict) else {}
    method = result.get("method")
    real = bool(result) and not result.get("check_mode")
    point = result.get("recovery_point") or {}
    job = result.get("restore_job") or {}
    created, changed, left_alone, notes = [], [], [], []
    if method == "relaunch":
        template = result.get("launch_template_name")
        previous = result.get("previous_version")
        if real:
            changed += ["launch template %s version %s" % (template, result.get("version")), "autoscaling group %s" % result.get("group_name")]
            notes.append("Instances %s replaced by %s from %s" % (", ".join(result.get("instances_before") or []),
                                                                  ", ".join(result.get("instances") or []), result.get("image_id")))
        left_alone.append("launch template %s version %s (rollback: ec2_restore_rollback_to_version=%s)" % (template, previous, previous))
    elif method == "restore_job":
        if real:
            created.append(job.get("created_resource_arn"))
            notes.append("Instance %s restored from %s, tagged restorekit:restored-from=%s"
                         % (result.get("instance_id"), result.get("image_id"), point.get("recovery_point_arn")))
        if result.get("attached"):
            changed.append("autoscaling group %s (instance %s attached)" % (result.get("group_name"), result.get("instance_id")))
        left_alone.append("source instance %s" % point.get("resource_arn"))
    if failure:
        notes.append("failed at %s" % failure)
    return {"recovery_points": [point] if point else [], "restore_jobs": [job] if job else [], "checks": list(checks or []),
            "resources": {"created": created, "changed": changed, "left_alone": left_alone}, "notes": notes,
            "outcome": "failed" if failure else "succeeded"}
