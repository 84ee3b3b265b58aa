# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ec2_instance_status_info: a missing instance never hides the others' status, never passes, and bad ids fail early."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from ansible.module_utils.testing import patch_module_args

from ansible_collections.restorekit.aws.plugins.modules import ec2_instance_status_info as module

REGION = "us-east-1"
MISSING = "i-0123456789abcdef0"


@pytest.fixture(name="ec2")
def ec2_fixture(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        yield boto3.client("ec2", region_name=REGION)


def launch(ec2, count=1):
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    return [i["InstanceId"] for i in ec2.run_instances(ImageId=image, MinCount=count, MaxCount=count, InstanceType="t3.micro")["Instances"]]


def run_main(args, capsys):
    """Run the module's main() with ARGS; (exit code, the JSON it printed)."""
    with patch_module_args(dict(args, region=REGION)):
        with pytest.raises(SystemExit) as exited:
            module.main()
    return exited.value.code, json.loads(capsys.readouterr().out)


def test_a_missing_id_does_not_hide_the_statuses_of_the_others(ec2):
    running, stopped = launch(ec2, 2)
    ec2.stop_instances(InstanceIds=[stopped])
    # One call with a missing id fails as a whole in EC2; the module asks again one id at a time.
    found = module.describe_each(ec2, [running, MISSING, stopped])
    assert sorted(s["InstanceId"] for s in found) == sorted([running, stopped])
    # Stopped instances are included (IncludeAllInstances), so "stopped" is reported, not "missing".
    assert {s["InstanceId"]: s["InstanceState"]["Name"] for s in found} == {running: "running", stopped: "stopped"}


def test_summarise_passes_only_running_with_both_checks_ok():
    def status(state, system, instance):
        return {"InstanceId": "i-1", "AvailabilityZone": "us-east-1a", "InstanceState": {"Name": state},
                "SystemStatus": {"Status": system, "Details": [{"Name": "reachability", "Status": "passed" if system == "ok" else "failed"}]},
                "InstanceStatus": {"Status": instance, "Details": [{"Name": "reachability", "Status": "passed" if instance == "ok" else "failed",
                                                                    **({} if instance == "ok" else {"ImpairedSince": "2026-11-24T05:00:00Z"})}]}}

    assert module.summarise("i-1", status("running", "ok", "ok"))["passed"] is True
    impaired = module.summarise("i-1", status("running", "ok", "impaired"))
    assert impaired["passed"] is False and impaired["instance_status"] == "impaired"
    assert impaired["details"] == [{"check": "system", "name": "reachability", "status": "passed"},
                                   {"check": "instance", "name": "reachability", "status": "failed", "impaired_since": "2026-11-24T05:00:00Z"}]
    assert module.summarise("i-1", status("running", "initializing", "ok"))["passed"] is False
    assert module.summarise("i-1", status("stopped", "ok", "ok"))["passed"] is False
    missing = module.summarise("i-1", None)
    assert missing["found"] is False and missing["state"] == "missing" and missing["passed"] is False


def test_main_reports_in_the_order_asked_duplicates_included(ec2, capsys):
    (running,) = launch(ec2)
    code, result = run_main({"instance_ids": [MISSING, running, MISSING]}, capsys)
    assert code == 0 and result["changed"] is False
    assert [(s["instance_id"], s["found"], s["state"]) for s in result["statuses"]] == [
        (MISSING, False, "missing"), (running, True, "running"), (MISSING, False, "missing")]


@pytest.mark.parametrize("ids,message", [
    (["web-1"], "instance_ids: 'web-1' is not an instance id"),
    (["i-12345"], "instance_ids: 'i-12345' is not an instance id"),
    (["I-0123456789ABCDEF0", "i-0123456789abcdef0"], "instance_ids: 'I-0123456789ABCDEF0' is not an instance id"),
    (["x%d" % n for n in range(7)], "instance_ids: 'x0', 'x1', 'x2', 'x3', 'x4' and 2 more are not an instance id"),
    (["i-%017x" % n for n in range(101)], "instance_ids: 101 given, at most 100 per call"),
])
def test_bad_ids_fail_before_any_call(monkeypatch, capsys, ids, message):
    # No AWS at all: a call would fail on the missing credentials, not with the message.
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.setattr(module, "describe_each", lambda *a: pytest.fail("called AWS"))
    code, result = run_main({"instance_ids": ids}, capsys)
    assert code == 1 and result["failed"] is True
    assert message in result["msg"]


def test_a_group_is_read_with_its_instances_their_state_in_it_and_its_targets_health(ec2, capsys):
    """One run for validate_ec2's round: the group's members (none named), each instance described, its status checks,
    and the health of the targets of the group's own target groups; an unknown group is not found, and nothing is read."""
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    subnet = ec2.describe_subnets()["Subnets"][0]
    template = ec2.create_launch_template(LaunchTemplateName="app", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"})
    elbv2 = boto3.client("elbv2", region_name=REGION)
    target_group = elbv2.create_target_group(Name="app-tg", Protocol="HTTP", Port=80, VpcId=subnet["VpcId"],
                                             TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    autoscaling.create_auto_scaling_group(AutoScalingGroupName="app-asg", MinSize=2, MaxSize=2, DesiredCapacity=2,
                                          LaunchTemplate={"LaunchTemplateId": template["LaunchTemplate"]["LaunchTemplateId"]},
                                          VPCZoneIdentifier=subnet["SubnetId"], TargetGroupARNs=[target_group])
    members = [i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]["Instances"]]

    code, out = run_main({"group_name": "app-asg", "describe_instances": True}, capsys)
    assert code == 0 and out["changed"] is False and out["group_found"] is True
    assert out["instance_ids"] == members and len(members) == 2
    assert [m["instance_id"] for m in out["group"]["instances"]] == members
    assert all(m["lifecycle_state"] == "InService" for m in out["group"]["instances"])
    assert sorted(i["instance_id"] for i in out["instances"]) == sorted(members) and {i["image_id"] for i in out["instances"]} == {image}
    assert [s["instance_id"] for s in out["statuses"]] == members
    assert [g["target_group_arn"] for g in out["target_groups"]] == [target_group]
    assert sorted(t["target"]["id"] for t in out["target_groups"][0]["targets_health_description"]) == sorted(members)

    code, out = run_main({"group_name": "no-such-group"}, capsys)
    assert code == 0 and out["group_found"] is False and out["instance_ids"] == [] and out["statuses"] == [] and out["target_groups"] == []


def test_neither_instances_nor_a_group_is_refused(capsys):
    code, out = run_main({}, capsys)
    assert code == 1 and "instance_ids" in out["msg"] and "group_name" in out["msg"]


def test_a_missing_id_does_not_hide_the_other_instances_images(ec2, capsys):
    """EC2 fails a DescribeInstances naming one unknown id as a whole; each instance that exists is still described,
    so validate_ec2 checks its AMI instead of reporting it as running none."""
    first, second = launch(ec2, 2)
    images = {i["InstanceId"]: i["ImageId"] for r in ec2.describe_instances(InstanceIds=[first, second])["Reservations"] for i in r["Instances"]}

    code, out = run_main({"instance_ids": [first, MISSING, second], "describe_instances": True}, capsys)

    assert code == 0
    assert sorted((i["instance_id"], i["image_id"]) for i in out["instances"]) == sorted(images.items())
    assert [s["state"] for s in out["statuses"]] == ["running", "missing", "running"]
