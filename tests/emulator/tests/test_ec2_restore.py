"""playbooks/ec2_restore.yml (role restorekit.aws.ec2_restore) against the seeded emulator, through ansible-playbook.

The seeded group multi-tenant-app-prod-app-asg runs one instance tagged Backup=true, backed up daily as AMIs. The
relaunch must give the group a new launch template version whose AMI is the newest recovery point's, replace every
instance with one from that AMI without InService dropping below the minimum healthy percentage (read from the
emulator's record of the refresh), keep the previous version, and roll back to it on request. Check mode and bad
input change nothing: the launch template's versions and the group's instances are compared before and after.
"""

import json
import os
import subprocess

import pytest

from tests.emulator.tests.test_recovery_point_info import PYTHON, ROOT, ANSIBLE_PLAYBOOK

ASG = "multi-tenant-app-prod-app-asg"
TEMPLATE = "multi-tenant-app-prod-app-lt"
VAULT = "multi-tenant-app-prod-backup-vault"


def run(emulator, tmp_path, extra, check=False):
    """ansible-playbook -i inventories/emulator playbooks/ec2_restore.yml; (returncode, output, ec2_restore_result or None)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "result.json"
    wrapper = tmp_path / "wrapper.yml"
    # Run the real playbook, then save the role's result for the assertions.
    wrapper.write_text(json.dumps([
        {"ansible.builtin.import_playbook": os.path.join(ROOT, "playbooks", "ec2_restore.yml")},
        {"name": "Save the result", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [
            {"name": "Save", "ansible.builtin.copy": {"content": "{{ ec2_restore_result | to_nice_json }}", "dest": str(out)},
             "check_mode": False}]},
    ]), encoding="utf-8")
    env = dict(emulator.env())
    env.update({
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": os.environ.get("LANG") or "C.UTF-8",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "RESTOREKIT_ENDPOINT_URL": emulator.endpoint,
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    extra = dict({"ec2_restore_poll_interval": 1, "ec2_restore_instance_warmup": 0, "restore_report_dir": str(tmp_path / "reports")}, **extra)
    cmd = [ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"), str(wrapper), "-e", json.dumps(extra)]
    if check:
        cmd.append("--check")
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return proc.returncode, proc.stdout + proc.stderr, result


def state(emulator):
    """What a relaunch changes: the template's versions and default, the group's version and instances."""
    ec2, autoscaling = emulator.client("ec2"), emulator.client("autoscaling")
    template = ec2.describe_launch_templates(LaunchTemplateNames=[TEMPLATE])["LaunchTemplates"][0]
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]
    return {"latest": template["LatestVersionNumber"], "default": template["DefaultVersionNumber"],
            "group_version": group["LaunchTemplate"].get("Version"), "instances": sorted(i["InstanceId"] for i in group["Instances"]),
            "refreshes": len(autoscaling.describe_instance_refreshes(AutoScalingGroupName=ASG)["InstanceRefreshes"])}


def images_of(emulator, instance_ids):
    reservations = emulator.client("ec2").describe_instances(InstanceIds=instance_ids)["Reservations"]
    return {i["InstanceId"]: i["ImageId"] for r in reservations for i in r["Instances"]}


def newest_point(emulator, instance_id):
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/%s" % instance_id
    points = emulator.client("backup").list_recovery_points_by_backup_vault(BackupVaultName=VAULT, ByResourceArn=arn)
    completed = [p for p in points["RecoveryPoints"] if p["Status"] == "COMPLETED"]
    return max(completed, key=lambda p: p["CreationDate"])


@pytest.fixture(scope="module")
def two_instances(emulator, world):
    """Two instances in the group, so that a 50% floor means one, and short warm-ups."""
    autoscaling = emulator.client("autoscaling")
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=ASG, DesiredCapacity=2)
    emulator.control("instance-refresh/warmup", {"seconds": 0.2})
    return world


@pytest.mark.parametrize("extra,message", [
    ({"ec2_restore_image_id": "ami-0123456789abcdef0"}, "is not the AMI of the selected recovery point"),
    ({"ec2_restore_group_name": "no-such-asg"}, "ec2_restore_group_name=no-such-asg does not exist"),
    ({"ec2_restore_instance_type": "t3small"}, "ec2_restore_instance_type=t3small"),
])
def test_bad_input_fails_before_any_change(emulator, two_instances, tmp_path, extra, message):
    before = state(emulator)
    code, output, _result = run(emulator, tmp_path, dict({"ec2_restore_group_name": ASG}, **extra))
    assert code != 0
    assert message in output, output[-2500:]
    assert state(emulator) == before


def test_check_mode_changes_nothing_and_shows_the_plan(emulator, two_instances, tmp_path):
    before = state(emulator)
    point = newest_point(emulator, two_instances["app"]["instance_id"])
    ami = point["RecoveryPointArn"].rsplit("/", 1)[1]
    code, output, result = run(emulator, tmp_path, {"ec2_restore_group_name": ASG}, check=True)
    assert code == 0, output
    assert state(emulator) == before
    assert "New version: %d from version" % (before["latest"] + 1) in output
    assert "with AMI %s" % ami in output
    assert "Autoscaling group: %s" % ASG in output
    assert result["check_mode"] is True


def test_relaunch_then_rollback(emulator, two_instances, tmp_path):
    before = state(emulator)
    point = newest_point(emulator, two_instances["app"]["instance_id"])
    ami = point["RecoveryPointArn"].rsplit("/", 1)[1]
    old_images = set(images_of(emulator, before["instances"]).values())
    assert ami not in old_images

    code, output, result = run(emulator, tmp_path / "relaunch", {"ec2_restore_group_name": ASG, "ec2_restore_min_healthy_percentage": 50})
    assert code == 0, output
    after = state(emulator)
    # A new version with the recovery point's AMI, inheriting the rest (IMDSv2, type) from the previous one.
    assert after["latest"] == before["latest"] + 1
    assert after["group_version"] == str(after["latest"])
    assert after["default"] == before["default"]
    version = emulator.client("ec2").describe_launch_template_versions(LaunchTemplateName=TEMPLATE, Versions=[str(after["latest"])])
    data = version["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    assert data["ImageId"] == ami
    assert data["InstanceType"] == "t3.small"
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    # Every instance replaced, all from that AMI.
    assert len(after["instances"]) == 2
    assert not set(after["instances"]) & set(before["instances"])
    assert set(images_of(emulator, after["instances"]).values()) == {ami}
    assert result["recovery_point"]["recovery_point_arn"] == point["RecoveryPointArn"]
    assert result["previous_version"] == int(before["group_version"]) if before["group_version"].isdigit() else before["latest"]
    # The floor: 50% of 2 is 1, and the refresh never went below it.
    record = [r for r in emulator.control("instance-refresh")["refreshes"] if r["group"] == ASG][-1]
    assert record["status"] == "Successful"
    assert min(h["in_service"] for h in record["history"]) >= 1
    assert "% complete" in output
    # A re-run finds nothing to do.
    code, output, rerun = run(emulator, tmp_path / "rerun", {"ec2_restore_group_name": ASG})
    assert code == 0, output
    assert state(emulator) == after

    # Roll back to the kept version: the group runs it again, from the old AMI.
    code, output, rolled = run(emulator, tmp_path / "rollback", {"ec2_restore_group_name": ASG,
                                                                 "ec2_restore_rollback_to_version": str(result["previous_version"])})
    assert code == 0, output
    back = state(emulator)
    assert back["group_version"] == str(result["previous_version"])
    assert back["latest"] == after["latest"]
    assert set(images_of(emulator, back["instances"]).values()) == old_images
    assert rolled["rollback"] is True
