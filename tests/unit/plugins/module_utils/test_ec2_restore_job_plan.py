# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of an EC2 restore by restore job (module_utils/_ec2/restore_job_plan.py), without Ansible or AWS."""

from __future__ import annotations

import json

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import restore_job_plan as plan

SUBNET = {"subnets": [{"subnet_id": "subnet-0a", "vpc_id": "vpc-1", "availability_zone": "us-east-1b"}]}
POINT_META = {"metadata": {"NetworkInterfaces": json.dumps([{"SubnetId": "subnet-0old", "Groups": ["sg-0old"], "DeviceIndex": "0"}])}}
POINT = {"recovery_point_arn": "arn:aws:ec2:us-east-1::image/ami-0abc", "creation_date": "2026-11-23T05:00:00Z",
         "resource_arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0src"}
ARN = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def test_problems_name_what_does_not_exist_and_groups_of_another_vpc():
    groups = {"security_groups": [{"group_id": "sg-1", "vpc_id": "vpc-1"}, {"group_id": "sg-2", "vpc_id": "vpc-9"}]}
    assert plan.problems("subnet-0a", SUBNET, ["sg-1", "sg-2", "sg-3"], groups, "app-profile", {"iam_instance_profiles": []}) == [
        "ec2_restore_security_group_ids: sg-3 do not exist",
        "ec2_restore_security_group_ids: sg-2 are not in the VPC of subnet subnet-0a",
        "ec2_restore_instance_profile_name=app-profile does not exist"]
    assert plan.problems("subnet-0x", {"subnets": []}) == ["ec2_restore_subnet_id=subnet-0x does not exist"]
    assert plan.problems("", {}, [], {}, "", {}) == []


def test_a_subnet_asked_for_replaces_the_point_s_interfaces_keeping_its_groups_and_moves_the_placement():
    meta = plan.metadata(POINT_META, True, "t3.small", "", "subnet-0a", [], SUBNET)
    assert meta == {"RequireIMDSv2": True, "InstanceType": "t3.small", "SubnetId": "subnet-0a", "SecurityGroupIds": ["sg-0old"],
                    "Placement": {"AvailabilityZone": "us-east-1b"}}
    only_groups = plan.metadata(POINT_META, True, security_group_ids=["sg-1"])
    assert only_groups == {"RequireIMDSv2": True, "SubnetId": "subnet-0old", "SecurityGroupIds": ["sg-1"]}
    # Nothing asked for: the point's own network interfaces stay.
    assert plan.metadata(POINT_META, False, instance_profile_name="app-profile") == {"RequireIMDSv2": False, "IamInstanceProfileName": "app-profile"}


def test_a_full_group_has_no_room_unless_the_adopted_instance_is_already_in_it():
    full = {"desired_capacity": 3, "max_size": 3, "instances": [{"instance_id": "i-0123456789abcdef0"}]}
    assert plan.no_room(full, {"created_resource_arn": ARN}, "app-asg") == ""
    assert "app-asg runs at its maximum size (3)" in plan.no_room(full, {}, "app-asg")
    assert plan.no_room(dict(full, max_size=4), {}, "app-asg") == ""


def test_show_says_what_will_be_restored_and_never_the_user_data():
    lines = plan.show(POINT, "ami-0abc", {"adopted": False, "request": {"IamRoleArn": "arn:role"},
                                          "metadata": {"SecurityGroupIds": '["sg-1"]', "UserData": "c2VjcmV0"}},
                      group={"desired_capacity": 2}, group_name="app-asg", attach="true", user_data_template="ud.j2", check_mode=True)
    assert "Restore job: a new one, run by arn:role" in lines and "Security groups: sg-1" in lines
    assert "Autoscaling group: the instance is attached to app-asg (desired capacity 2 -> 3)" in lines
    assert lines[-1] == "Check mode: nothing is changed." and not any("c2VjcmV0" in line for line in lines)


def test_the_result_names_the_restored_instance_and_keeps_the_user_data_out():
    job = {"restore_job_id": "j1", "created_resource_arn": ARN, "metadata": {"UserData": "secret", "InstanceType": "t3.small"}, "changed": True}
    described = {"instances": [{"image_id": "ami-0abc", "instance_type": "t3.small", "state": {"name": "running"},
                                "security_groups": [{"group_id": "sg-1"}], "metadata_options": {"http_tokens": "required"}}]}
    done = plan.result(job, POINT, "ami-0abc", {"metadata": {"UserData": "secret", "RequireIMDSv2": True}}, "app-asg", "true", described, False)
    assert done["instance_id"] == "i-0123456789abcdef0" and done["instances"] == ["i-0123456789abcdef0"] and done["attached"] is True
    assert done["restore_job"] == {"restore_job_id": "j1", "created_resource_arn": ARN, "metadata": {"InstanceType": "t3.small"}}
    assert done["metadata"] == {"RequireIMDSv2": True} and done["instance"]["http_tokens"] == "required"
    dry = plan.result({}, POINT, "ami-0abc", {"metadata": {}}, "app-asg", True, {}, True)
    assert dry["restore_job"] == {} and dry["instances"] == [] and dry["attached"] is False and dry["instance"] == {}


def test_the_newest_point_of_the_candidates_and_its_ami():
    older = {"recovery_point_arn": "arn:aws:ec2:us-east-1::image/ami-0aaa", "creation_date": "2026-11-30T05:00:00+00:00"}
    # Written with another offset, it is still the newer one: times are compared, not strings.
    newer = {"recovery_point_arn": "arn:aws:ec2:us-east-1::image/ami-0bbb", "creation_date": "2026-12-01T01:00:00-05:00"}
    points = {"results": [{"item": "i-1", "recovery_point": older}, {"item": "i-2", "recovery_point": {}},
                          {"item": "i-3", "skipped": True}, {"item": "i-4", "recovery_point": newer}]}
    assert plan.point(points) == newer
    assert plan.image_id(newer) == "ami-0bbb"
    assert plan.point({"results": [{"item": "i-2", "recovery_point": {}}]}) == {} and plan.point(None) == {}
    assert plan.image_id({}) == "" and plan.image_id(None) == ""
    assert plan.image_id({"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:abc"}) == ""
