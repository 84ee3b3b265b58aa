# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a restored EC2 fleet (_ec2/validation, behind the validate_ec2_checks filter the validate_ec2 role
records its result with): one check per question and instance, each failing one naming what it found."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.validate_ec2_checks import validate_ec2_checks
from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import validation

GROUP = "app-prod-asg"
TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/app-tg/0123456789abcdef"


def status(instance_id, passed=True, state="running"):
    return {"instance_id": instance_id, "passed": passed, "state": state, "system_status": "ok" if passed else "impaired",
            "instance_status": "ok" if passed else "initializing", "details": [], "events": []}


def member(instance_id, lifecycle="InService", health="Healthy"):
    return {"instance_id": instance_id, "lifecycle_state": lifecycle, "health_status": health}


def target(instance_id, state="healthy", reason=None, description=None):
    health = {k: v for k, v in {"state": state, "reason": reason, "description": description}.items() if v}
    return {"target": {"id": instance_id, "port": 8080}, "target_health": health}


def read(**extra):
    data = {
        "instance_ids": ["i-a", "i-b"],
        "instances": [{"instance_id": "i-a", "image_id": "ami-new"}, {"instance_id": "i-b", "image_id": "ami-new"}],
        "statuses": [status("i-a"), status("i-b")],
        "group_name": GROUP,
        "groups": [{"desired_capacity": 2, "instances": [member("i-a"), member("i-b")]}],
        "target_groups": [{"target_group_name": "app-tg", "target_group_arn": TG_ARN,
                           "targets_health_description": [target("i-a"), target("i-b")]}],
        "http": [], "http_url": "", "http_status_codes": [200], "expected_image_id": "ami-new", "rounds": "2",
    }
    data.update(extra)
    return data


def failing(checks):
    return [(check["name"], check["target"], check["summary"]) for check in checks if check["result"] == "fail"]


def test_a_healthy_group_passes_every_check_in_order():
    checks = validation.checks(read())
    assert [(c["name"], c["target"]) for c in checks] == [
        ("autoscaling group has its desired capacity InService", GROUP),
        ("instance running and passing its status checks", "i-a"), ("instance runs the restored AMI ami-new", "i-a"),
        ("InService in autoscaling group " + GROUP, "i-a"), ("healthy in target group app-tg", "i-a"),
        ("instance running and passing its status checks", "i-b"), ("instance runs the restored AMI ami-new", "i-b"),
        ("InService in autoscaling group " + GROUP, "i-b"), ("healthy in target group app-tg", "i-b"),
    ]
    assert failing(checks) == []
    assert checks[1]["details"]["rounds"] == 2
    assert checks[0]["details"] == {"desired_capacity": 2, "in_service": ["i-a", "i-b"], "instances": ["i-a: InService", "i-b: InService"]}


def test_each_failure_names_what_was_found():
    checks = validation.checks(read(
        instances=[{"instance_id": "i-a", "image_id": "ami-old"}],
        statuses=[status("i-a"), status("i-b", passed=False, state="pending")],
        groups=[{"desired_capacity": 3, "instances": [member("i-a"), member("i-b", "Pending", "Healthy")]}],
        target_groups=[{"target_group_name": "app-tg", "target_group_arn": TG_ARN, "targets_health_description": [
            target("i-a", "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [502]")]}]))
    assert failing(checks) == [
        ("autoscaling group has its desired capacity InService", GROUP, GROUP + ": 1 of 3 desired instance(s) InService (i-b Pending)"),
        ("instance runs the restored AMI ami-new", "i-a", "i-a: runs ami-old, not ami-new"),
        ("healthy in target group app-tg", "i-a",
         "i-a is unhealthy in target group app-tg (Target.ResponseCodeMismatch: Health checks failed with these codes: [502])"),
        ("instance running and passing its status checks", "i-b", "i-b: pending, system status impaired, instance status initializing"),
        ("instance runs the restored AMI ami-new", "i-b", "i-b: runs no AMI (not found), not ami-new"),
        ("InService in autoscaling group " + GROUP, "i-b", "i-b: Pending, Healthy in autoscaling group " + GROUP),
        ("healthy in target group app-tg", "i-b", "i-b is not registered in target group app-tg"),
    ]


def test_without_a_group_or_an_expected_ami_only_the_instances_are_checked():
    checks = validation.checks(read(group_name="", expected_image_id="", target_groups=[], instance_ids=["i-a"],
                                    statuses=[]))
    assert failing(checks) == [("instance running and passing its status checks", "i-a",
                                "i-a: missing, system status not read, instance status not read")]
    outsider = validation.checks(read(groups=[{"desired_capacity": 1, "instances": [member("i-a")]}], instance_ids=["i-b"]))
    assert ("InService in autoscaling group " + GROUP, "i-b", "i-b: not a member in autoscaling group " + GROUP) in failing(outsider)


def test_an_empty_group_is_a_failure_not_a_pass():
    checks = validation.checks(read(instance_ids=[], groups=[{"desired_capacity": 0, "instances": []}]))
    assert failing(checks) == [
        ("autoscaling group has its desired capacity InService", GROUP, GROUP + ": 0 of 0 desired instance(s) InService"),
        ("instances to validate", GROUP, GROUP + ": the group has no instances"),
    ]


def test_http_calls_pass_on_an_expected_code_and_skipped_calls_are_left_out():
    calls = [{"item": {"instance_id": "i-a"}, "url": "http://10.0.1.5:8080/health", "status": 200, "elapsed": 0},
             {"item": {"instance_id": "i-b"}, "url": "http://10.0.1.6:8080/health", "status": 503, "msg": "Status code was 503"},
             {"item": {"instance_id": ""}, "status": -1, "failed": True, "msg": "Connection refused"},
             {"item": {"instance_id": "i-c"}, "skipped": True}]
    checks = validation.checks(read(http=calls, http_url="http://{address}:8080/health", http_status_codes=[200, 204]))
    http = [c for c in checks if c["name"] == "HTTP health check"]
    assert [(c["target"], c["result"], c["summary"]) for c in http] == [
        ("i-a", "pass", "i-a: http://10.0.1.5:8080/health answered 200, expected 200 or 204"),
        ("i-b", "fail", "i-b: http://10.0.1.6:8080/health answered 503 (Status code was 503), expected 200 or 204"),
        ("http://{address}:8080/health", "fail",
         "http://{address}:8080/health: http://{address}:8080/health answered -1 (Connection refused), expected 200 or 204"),
    ]


def test_the_filter_refuses_what_is_not_a_dictionary():
    assert validate_ec2_checks(read())[0]["result"] == "pass"
    with pytest.raises(AnsibleFilterError, match="expects a dictionary of what the role read"):
        validate_ec2_checks(["i-a"])


@pytest.mark.parametrize("change, passes", [
    ({}, True),
    ({"statuses": [status("i-a"), status("i-b", passed=False)]}, False),
    ({"groups": [{"desired_capacity": 2, "instances": [member("i-a"), member("i-b", lifecycle="Pending")]}]}, False),
    ({"groups": [{"desired_capacity": 2, "instances": [member("i-a"), member("i-b", health="Unhealthy")]}]}, False),
    # Not in a group: its membership is not asked for.
    ({"group_name": "", "groups": []}, True),
    ({"target_groups": [{"target_group_name": "app-tg", "targets_health_description": [target("i-a"), target("i-b", "initial")]}]}, False),
    ({"target_groups": [{"target_group_name": "app-tg", "targets_health_description": [target("i-a")]}]}, False),
    # The HTTP check and the AMI are checked once, after the rounds.
    ({"http": [{"status": 500, "url": "http://x"}], "expected_image_id": "ami-other"}, True),
])
def test_a_round_passes_when_every_instance_passes_its_status_group_and_target_checks(change, passes):
    assert validation.round_passed(read(**change)) is passes


def test_the_outcome_fails_naming_each_failed_check():
    done = validation.outcome(read(statuses=[status("i-a"), status("i-b", passed=False, state="stopped")]))
    assert done["passed"] is False and done["message"][0] == "EC2 restore validation failed:"
    assert any("i-b: stopped" in line for line in done["message"][1:])
    assert validation.outcome(read())["passed"] is True
    assert validation.round_line(read()) == "i-a running ok, i-b running ok"
