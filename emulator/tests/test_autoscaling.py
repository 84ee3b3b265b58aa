"""The emulator's instance refresh and target health, through boto3 (so every response is parsed by botocore).

A refresh must really replace a group's instances from its launch template's current AMI, never take the count of
InService instances below the minimum healthy percentage, and report its progress; target health must report what
a test set, not moto's constant "healthy".
"""

import time
import uuid

import botocore.exceptions
import pytest

TIMEOUT = 60


def wait_refresh(autoscaling, group, refresh_id):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        refresh = autoscaling.describe_instance_refreshes(AutoScalingGroupName=group, InstanceRefreshIds=[refresh_id])["InstanceRefreshes"][0]
        if refresh["Status"] in ("Successful", "Failed", "Cancelled"):
            return refresh
        time.sleep(0.2)
    raise AssertionError("instance refresh %s did not finish" % refresh_id)


@pytest.fixture
def group(emulator, world):
    """A fresh two-instance group on its own launch template and target group, and a second AMI to roll out."""
    ec2, autoscaling, elbv2 = emulator.client("ec2"), emulator.client("autoscaling"), emulator.client("elbv2")
    name = "refresh-%s" % uuid.uuid4().hex[:8]
    images = [i["ImageId"] for i in ec2.describe_images(Owners=["amazon"])["Images"][:2]]
    template = ec2.create_launch_template(LaunchTemplateName=name, LaunchTemplateData={
        "ImageId": images[0], "InstanceType": "t3.small", "SecurityGroupIds": [world["app_security_group_id"]]})["LaunchTemplate"]
    target_group = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=world["vpc_id"], TargetType="instance")["TargetGroups"][0]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name, MinSize=1, MaxSize=4, DesiredCapacity=2, VPCZoneIdentifier=",".join(world["subnet_ids"]),
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Latest"},
        TargetGroupARNs=[target_group["TargetGroupArn"]])
    emulator.control("instance-refresh/warmup", {"seconds": 0.05})
    yield {"name": name, "template_id": template["LaunchTemplateId"], "images": images, "target_group_arn": target_group["TargetGroupArn"]}
    emulator.control("target-health", method="DELETE")


def members(autoscaling, name):
    return autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["Instances"]


@pytest.mark.parametrize("min_healthy", [100, 50])
def test_refresh_replaces_every_instance_from_the_new_ami_above_the_floor(emulator, group, min_healthy):
    ec2, autoscaling = emulator.client("ec2"), emulator.client("autoscaling")
    before = {i["InstanceId"] for i in members(autoscaling, group["name"])}
    assert len(before) == 2
    # A new version that inherits everything from version 1 but the AMI (moto alone would drop the rest).
    ec2.create_launch_template_version(LaunchTemplateId=group["template_id"], SourceVersion="1", LaunchTemplateData={"ImageId": group["images"][1]})
    version = ec2.describe_launch_template_versions(LaunchTemplateId=group["template_id"], Versions=["2"])["LaunchTemplateVersions"][0]
    assert version["LaunchTemplateData"]["ImageId"] == group["images"][1]
    assert version["LaunchTemplateData"]["InstanceType"] == "t3.small"

    refresh_id = autoscaling.start_instance_refresh(AutoScalingGroupName=group["name"],
                                                    Preferences={"MinHealthyPercentage": min_healthy, "InstanceWarmup": 60})["InstanceRefreshId"]
    refresh = wait_refresh(autoscaling, group["name"], refresh_id)
    assert refresh["Status"] == "Successful"
    assert refresh["PercentageComplete"] == 100
    assert refresh["InstancesToUpdate"] == 2
    assert refresh["Preferences"]["MinHealthyPercentage"] == min_healthy

    after = members(autoscaling, group["name"])
    assert len(after) == 2
    assert not {i["InstanceId"] for i in after} & before
    assert all(i["LifecycleState"] == "InService" for i in after)
    described = ec2.describe_instances(InstanceIds=[i["InstanceId"] for i in after])["Reservations"]
    assert {inst["ImageId"] for r in described for inst in r["Instances"]} == {group["images"][1]}
    old = ec2.describe_instances(InstanceIds=sorted(before))["Reservations"]
    assert {inst["State"]["Name"] for r in old for inst in r["Instances"]} == {"terminated"}

    record = next(r for r in emulator.control("instance-refresh")["refreshes"] if r["id"] == refresh_id)
    floor = 2 * min_healthy // 100
    assert min(h["in_service"] for h in record["history"]) >= floor
    if min_healthy == 50:
        # With room above the floor an old instance goes first, so the floor is reached, not just respected.
        assert min(h["in_service"] for h in record["history"]) == floor


def test_a_second_refresh_is_refused_while_one_runs_and_cancel_stops_it(emulator, group):
    autoscaling = emulator.client("autoscaling")
    emulator.control("instance-refresh/warmup", {"seconds": 2})
    refresh_id = autoscaling.start_instance_refresh(AutoScalingGroupName=group["name"], Preferences={"MinHealthyPercentage": 100})["InstanceRefreshId"]
    with pytest.raises(botocore.exceptions.ClientError) as err:
        autoscaling.start_instance_refresh(AutoScalingGroupName=group["name"])
    assert err.value.response["Error"]["Code"] == "InstanceRefreshInProgress"
    assert autoscaling.cancel_instance_refresh(AutoScalingGroupName=group["name"])["InstanceRefreshId"] == refresh_id
    assert wait_refresh(autoscaling, group["name"], refresh_id)["Status"] == "Cancelled"


def test_refresh_of_a_missing_group_is_a_validation_error(emulator, world):
    with pytest.raises(botocore.exceptions.ClientError) as err:
        emulator.client("autoscaling").start_instance_refresh(AutoScalingGroupName="no-such-group")
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert "no-such-group" in err.value.response["Error"]["Message"]


def test_target_health_reports_what_was_set(emulator, group):
    autoscaling, elbv2 = emulator.client("autoscaling"), emulator.client("elbv2")
    ids = sorted(i["InstanceId"] for i in members(autoscaling, group["name"]))
    health = elbv2.describe_target_health(TargetGroupArn=group["target_group_arn"])["TargetHealthDescriptions"]
    assert {h["Target"]["Id"]: h["TargetHealth"]["State"] for h in health} == {i: "healthy" for i in ids}

    emulator.control("target-health", {"target_group_arn": group["target_group_arn"], "instance_id": ids[0], "state": "unhealthy",
                                       "reason": "Target.ResponseCodeMismatch", "description": "Health checks failed with these codes: [502]"})
    health = {h["Target"]["Id"]: h["TargetHealth"] for h in
              elbv2.describe_target_health(TargetGroupArn=group["target_group_arn"])["TargetHealthDescriptions"]}
    assert health[ids[0]]["State"] == "unhealthy"
    assert health[ids[0]]["Reason"] == "Target.ResponseCodeMismatch"
    assert health[ids[1]]["State"] == "healthy"
    one = elbv2.describe_target_health(TargetGroupArn=group["target_group_arn"], Targets=[{"Id": ids[0]}])["TargetHealthDescriptions"]
    assert [h["TargetHealth"]["State"] for h in one] == ["unhealthy"]


def test_target_health_control_refuses_an_unknown_state(emulator, group):
    with pytest.raises(Exception) as err:
        emulator.control("target-health", {"target_group_arn": group["target_group_arn"], "instance_id": "i-0", "state": "sick"})
    assert "sick" in str(err.value)


def test_metrics_collection_can_be_disabled(emulator, world):
    """DisableMetricsCollection (which amazon.aws.autoscaling_group calls) answers and clears the group's metrics."""
    asg = emulator.client("autoscaling")
    name = world["app"]["asg"]
    asg.enable_metrics_collection(AutoScalingGroupName=name, Granularity="1Minute", Metrics=["GroupInServiceInstances"])
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0]["EnabledMetrics"]
    asg.disable_metrics_collection(AutoScalingGroupName=name)
    assert asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"][0].get("EnabledMetrics", []) == []
