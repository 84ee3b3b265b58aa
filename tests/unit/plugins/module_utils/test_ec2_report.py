# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the restore report of ec2_restore.yml says of the restore (module_utils/_ec2/report.py), without Ansible."""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import report

POINT = {"recovery_point_arn": "arn:aws:ec2:us-east-1::image/ami-0abc", "resource_arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0src"}
RELAUNCH = {"method": "relaunch", "check_mode": False, "recovery_point": POINT, "launch_template_name": "shop-dr-app", "version": 8,
            "previous_version": 7, "group_name": "shop-dr-app-asg", "instances_before": ["i-1", "i-2"], "instances": ["i-3", "i-4"],
            "image_id": "ami-0abc"}
JOB = {"restore_job_id": "j1", "created_resource_arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-9"}
RESTORE_JOB = {"method": "restore_job", "check_mode": False, "recovery_point": POINT, "attached": True, "group_name": "shop-dr-app-asg",
               "instance_id": "i-9", "image_id": "ami-0abc", "restore_job": JOB}


def test_a_relaunch_changed_the_template_and_group_and_names_the_version_to_roll_back_to():
    said = report.restore_report(RELAUNCH, checks=[{"name": "running", "result": "pass"}])
    assert said["resources"] == {"created": [], "changed": ["launch template shop-dr-app version 8", "autoscaling group shop-dr-app-asg"],
                                 "left_alone": ["launch template shop-dr-app version 7 (rollback: ec2_restore_rollback_to_version=7)"]}
    assert said["notes"] == ["Instances i-1, i-2 replaced by i-3, i-4 from ami-0abc"] and said["outcome"] == "succeeded"
    assert said["recovery_points"] == [POINT] and said["restore_jobs"] == []


def test_a_restore_job_created_its_instance_and_attached_it():
    said = report.restore_report(RESTORE_JOB)
    assert said["resources"]["created"] == ["arn:aws:ec2:us-east-1:123456789012:instance/i-9"]
    assert said["resources"]["changed"] == ["autoscaling group shop-dr-app-asg (instance i-9 attached)"]
    assert said["resources"]["left_alone"] == ["source instance %s" % POINT["resource_arn"]]
    assert said["notes"] == ["Instance i-9 restored from ami-0abc, tagged restorekit:restored-from=%s" % POINT["recovery_point_arn"]]


def test_check_mode_claims_no_change_and_a_failure_is_noted():
    said = report.restore_report(dict(RELAUNCH, check_mode=True), failure="Relaunch: refresh failed")
    assert said["resources"]["changed"] == [] and said["notes"] == ["failed at Relaunch: refresh failed"] and said["outcome"] == "failed"
    early = report.restore_report({}, failure="Preflight: vault not found")
    assert early["resources"] == {"created": [], "changed": [], "left_alone": []} and early["recovery_points"] == []
