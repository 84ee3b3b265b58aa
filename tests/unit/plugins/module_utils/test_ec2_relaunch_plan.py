# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of an EC2 relaunch (module_utils/_ec2/relaunch_plan.py), without Ansible or AWS."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import relaunch_plan as rp

GROUP = {"launch_template": {"launch_template_id": "lt-1", "version": "$Latest"}, "desired_capacity": 2,
         "instances": [{"instance_id": "i-1"}, {"instance_id": "i-2"}]}
DATA = {n: {"image_id": "ami-%d" % n, "instance_type": "t3.small", "user_data": "c2VjcmV0"} for n in (1, 2, 3)}
TEMPLATE = {"launch_template_id": "lt-1", "launch_template_name": "shop-dr-app", "latest_version_number": 3, "default_version_number": 1,
            "versions": [{"version_number": n, "launch_template_data": DATA[n]} for n in (1, 2, 3)]}
BEFORE = {"instances": [{"image_id": "ami-3"}, {"image_id": "ami-3"}]}


def test_the_group_must_exist_and_use_a_launch_template():
    assert "does not exist" in rp.group_problem({"results": []}, "app-asg")
    assert "does not use a launch template" in rp.group_problem({"results": [{"launch_template": {}}]}, "app-asg")
    assert rp.group_problem({"results": [GROUP]}, "app-asg") == ""


@pytest.mark.parametrize("version, expected", [("$Latest", 3), ("$Default", 1), ("2", 2), (None, 3)])
def test_current_reads_the_version_the_group_runs_and_never_user_data(version, expected):
    now = rp.current(dict(GROUP, launch_template={"launch_template_id": "lt-1", "version": version}), TEMPLATE)
    assert now["version"] == expected and now["image_id"] == "ami-%d" % expected
    assert "c2VjcmV0" not in repr(now)


def test_a_new_version_and_a_refresh_only_when_something_differs():
    now = rp.current(GROUP, TEMPLATE)
    assert rp.plan(now, "ami-3", members_before=BEFORE) == {"target_image": "ami-3", "new_version": False, "refresh": False,
                                                            "images_before": ["ami-3"]}
    fresh = rp.plan(now, "ami-9", members_before=BEFORE)
    assert fresh["new_version"] and fresh["refresh"]
    assert rp.plan(now, "ami-3", instance_type="t3.large", members_before=BEFORE)["new_version"]
    # An instance still on an older AMI is replaced though the version is right.
    assert rp.plan(now, "ami-3", members_before={"instances": [{"image_id": "ami-3"}, {"image_id": "ami-2"}]})["refresh"]


def test_a_rollback_goes_to_a_kept_version_and_refuses_one_the_template_lacks():
    now = rp.current(GROUP, TEMPLATE)
    back = rp.plan(now, rollback_to="1", members_before=BEFORE)
    assert back == {"target_image": "ami-1", "new_version": False, "refresh": True, "images_before": ["ami-3"]}
    with pytest.raises(rp.PlanError, match="ec2_restore_rollback_to_version=7 is not a version of launch template shop-dr-app"):
        rp.plan(now, rollback_to=7)
    assert rp.version(now, back, rollback_to="1") == {"number": 1, "point_group": True}


def test_show_and_the_version_follow_the_plan():
    now = rp.current(GROUP, TEMPLATE)
    relaunch = rp.plan(now, "ami-9", members_before=BEFORE)
    lines = rp.show(now, relaunch, "app-asg", point={"recovery_point_arn": "arn:rp"}, instance_type="t3.large", min_healthy_percentage=90)
    assert lines[3] == "New version: 4 from version 3 with AMI ami-9, instance type t3.large"
    assert lines[5] == "Instance refresh: every instance replaced, at least 90% of 2 kept in service" and lines[-1] == "Applying."
    assert rp.version(now, relaunch, {"launch_templates": [{"latest_version_number": 4}]}) == {"number": 4, "point_group": True}
    # A dry run creates no version: the group stays where it is.
    assert rp.version(now, relaunch, None, check_mode=True)["number"] == 3
    done = rp.result(now, relaunch, "app-asg", 4, refresh={"status": "Successful"},
                     members_after={"instances": [{"instance_id": "i-8", "image_id": "ami-9"}, {"instance_id": "i-9", "image_id": "ami-9"}]})
    assert done["previous_version"] == 3 and done["version"] == 4 and done["images"] == ["ami-9"] and done["instances_before"] == ["i-1", "i-2"]
