"""playbooks/ec2_restore.yml (roles restorekit.aws.ec2_restore and validate_ec2) against the seeded emulator, through ansible-playbook.

The seeded group multi-tenant-app-prod-app-asg runs one instance tagged Backup=true, backed up daily as AMIs. The
relaunch must give the group a new launch template version whose AMI is the newest recovery point's, replace every
instance with one from that AMI without InService dropping below the minimum healthy percentage (read from the
emulator's record of the refresh), keep the previous version, and roll back to it on request. Check mode and bad
input change nothing: the launch template's versions and the group's instances are compared before and after. Numbers
are also given as strings, as `-e name=value` and AWX text surveys give them.

The restore job path must launch one instance with the requested type, subnet, security groups, instance profile and
IMDSv2, tagged with the recovery point it came from, adopt it on a re-run, and attach it to the group when asked.
validate_ec2 must name a target the emulator reports unhealthy (instance, target group, reason).
"""

import base64
import datetime
import glob
import json
import os
import subprocess
import uuid

import pytest

from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env

ASG = "multi-tenant-app-prod-app-asg"
TEMPLATE = "multi-tenant-app-prod-app-lt"
VAULT = "multi-tenant-app-prod-backup-vault"
FUTURE = "2999-01-01T00:00:00Z"
READS = ("Describe", "Get", "List", "Head")


def run(emulator, tmp_path, extra, check=False, playbook=None, save="ec2_restore_result", verbosity=0):
    """ansible-playbook -i inventories/emulator PLAYBOOK (playbooks/ec2_restore.yml); (returncode, output, the fact `save` or None)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "result.json"
    wrapper = tmp_path / "wrapper.yml"
    # Run the real playbook, then save the role's result for the assertions.
    wrapper.write_text(json.dumps([
        {"ansible.builtin.import_playbook": playbook or os.path.join(ROOT, "playbooks", "ec2_restore.yml")},
        {"name": "Save the result", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [
            {"name": "Save", "save_results": {"content": "{{ %s | to_nice_json }}" % save, "dest": str(out)}}]},
    ]), encoding="utf-8")
    env = ansible_env(emulator, tmp_path, RESTOREKIT_ENDPOINT_URL=emulator.endpoint)
    extra = dict({"ec2_restore_poll_interval": 1, "ec2_restore_instance_warmup": 0, "restore_report_dir": str(tmp_path / "reports"),
                  "validate_ec2_delay": 1, "validate_ec2_retries": 3}, **extra)
    cmd = [ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"), str(wrapper), "-e", json.dumps(extra)]
    if check:
        cmd.append("--check")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
    return proc.returncode, proc.stdout + proc.stderr, result


def validation(name, role_vars, refused=False):
    """Tasks that run the role restorekit.aws.validate_ec2 with ROLE_VARS and keep, under NAME in the fact
    validate_runs, its checks; or, when it is expected to fail (REFUSED), the failure's message (a run that does not
    fail keeps nothing)."""
    include = {"name": "Validate (%s)" % name, "ansible.builtin.include_role": {"name": "restorekit.aws.validate_ec2"}, "vars": role_vars}
    if not refused:
        return [include, {"name": "Keep the checks (%s)" % name, "ansible.builtin.set_fact": {
            "validate_runs": "{{ validate_runs | combine({%s: validate_ec2_result}) }}" % json.dumps(name)}}]
    return [{"name": "Validate, expecting a failure (%s)" % name, "block": [include], "rescue": [
        {"name": "Keep the failure (%s)" % name, "ansible.builtin.set_fact": {
            "validate_runs": "{{ validate_runs | combine({%s: ansible_failed_result.msg}) }}" % json.dumps(name)}}]}]


def validate(emulator, tmp_path, tasks):
    """TASKS (validation() and others) in one play, with the module defaults of the responders' playbooks; (returncode,
    output, validate_runs or None)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    play = tmp_path / "validate.yml"
    play.write_text(json.dumps([{
        "name": "Validate EC2 instances", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"region": "{{ restorekit_region }}", "endpoint_url": "{{ restorekit_endpoint_url }}"}},
        "vars": {"validate_runs": {}}, "tasks": tasks,
    }]), encoding="utf-8")
    return run(emulator, tmp_path, {}, playbook=str(play), save="validate_runs")


def report(tmp_path):
    """The restore report the run wrote (the playbook writes it even when a step failed)."""
    paths = glob.glob(str(tmp_path / "reports" / "*.json"))
    assert len(paths) == 1, paths
    with open(paths[0], encoding="utf-8") as handle:
        return json.load(handle)


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
])
def test_bad_input_fails_before_any_change(emulator, two_instances, tmp_path, extra, message):
    before = state(emulator)
    code, output, _result = run(emulator, tmp_path, dict({"ec2_restore_group_name": ASG}, **extra))
    assert code != 0
    assert message in output, output[-2500:]
    assert state(emulator) == before


def test_bad_input_known_without_aws_is_named_before_any_call_that_changes_anything(emulator, two_instances, tmp_path):
    """Variables that are bad whatever AWS holds, given as a responder gives them (numbers and versions as strings, as
    `-e name=value` and AWX text surveys give them): the playbook's input check names each one with its value, in one
    message, before any AWS call that changes anything; the report still says the run failed."""
    before = state(emulator)
    emulator.control("counters", method="DELETE")
    code, output, _result = run(emulator, tmp_path, {
        "ec2_restore_group_name": ASG, "ec2_restore_instance_type": "t3small", "ec2_restore_target_time": FUTURE,
        "ec2_restore_rollback_to_version": "1", "ec2_restore_image_id": "ami-0123456789abcdef0",
        "ec2_restore_subnet_id": "subnet-0123456789abcdef0", "ec2_restore_min_healthy_percentage": "101"})
    served = emulator.control("counters")["requests"]
    assert code != 0
    for message in (
            "ec2_restore_instance_type='t3small': not an EC2 instance type",
            "ec2_restore_target_time='%s': is in the future" % FUTURE,
            # A rollback takes the kept version as it is: an AMI or time asked for beside it would be ignored, so it is refused.
            "ec2_restore_rollback_to_version=1 and ec2_restore_image_id='ami-0123456789abcdef0': a rollback selects no recovery point",
            # A relaunch takes the network from the group's launch template: a subnet asked for would be ignored.
            "ec2_restore_subnet_id='subnet-0123456789abcdef0' and ec2_restore_method='relaunch'",
            "ec2_restore_min_healthy_percentage='101': must be between 0 and 100"):
        assert message in output, (message, output[-4000:])
    operations = sorted("%s:%s" % (service, op) for service, ops in served.items() for op in ops)
    assert [op for op in operations if not op.split(":", 1)[1].startswith(READS)] == [], operations
    assert state(emulator) == before
    assert report(tmp_path)["outcome"] == "failed"


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
    # Validated as a group: every new instance running, passing its status checks, InService, from the restored AMI.
    checks = report(tmp_path / "relaunch")["checks"]
    assert checks and all(c["result"] == "pass" for c in checks), checks
    assert {c["target"] for c in checks if c["name"] == "instance runs the restored AMI %s" % ami} == set(after["instances"])
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


def test_relaunch_renders_user_data_with_secrets_it_never_prints(emulator, two_instances, tmp_path):
    """New user data from a template, with one value from Secrets Manager and one from SSM Parameter Store: the new
    launch template version carries the rendered text, and neither the secret nor the user data holding it is printed,
    even at -vvv, nor written into the report. The dry run that follows (--check) shows its plan and changes nothing."""
    token = uuid.uuid4().hex
    secret_value = "db-pass-%s" % token
    parameter_value = "https://api-%s.example.internal" % token
    secret_name = "app/db-password-%s" % token[:8]
    parameter_name = "/app/%s/api-url" % token[:8]
    emulator.client("secretsmanager").create_secret(Name=secret_name, SecretString=secret_value)
    emulator.client("ssm").put_parameter(Name=parameter_name, Value=parameter_value, Type="SecureString")
    template = tmp_path / "user_data.sh.j2"
    template.write_text("#!/bin/bash\n"
                        "echo 'DB_PASSWORD={{ ec2_restore_secrets.db_password }}' > /etc/app.env\n"
                        "echo 'API_URL={{ ec2_restore_secrets.api_url }}' >> /etc/app.env\n"
                        "echo 'TENANT_MODE={{ tenant_mode }}' >> /etc/app.env\n", encoding="utf-8")
    before = state(emulator)

    code, output, result = run(emulator, tmp_path / "run", {
        "ec2_restore_group_name": ASG, "ec2_restore_min_healthy_percentage": 50,
        "ec2_restore_user_data_template": str(template), "ec2_restore_user_data_vars": {"tenant_mode": "multi"},
        "ec2_restore_user_data_secrets": [{"name": "db_password", "secret_id": secret_name},
                                          {"name": "api_url", "ssm_parameter": parameter_name}]}, verbosity=3)
    assert code == 0, output[-4000:]
    after = state(emulator)
    assert after["latest"] == before["latest"] + 1 and after["group_version"] == str(after["latest"])
    version = emulator.client("ec2").describe_launch_template_versions(LaunchTemplateName=TEMPLATE, Versions=[str(after["latest"])])
    user_data = version["LaunchTemplateVersions"][0]["LaunchTemplateData"]["UserData"]
    rendered = base64.b64decode(user_data).decode()
    assert "echo 'DB_PASSWORD=%s' > /etc/app.env\n" % secret_value in rendered
    assert "echo 'API_URL=%s' >> /etc/app.env\n" % parameter_value in rendered
    assert "echo 'TENANT_MODE=multi' >> /etc/app.env\n" in rendered
    assert result["version"] == after["latest"]
    # Nowhere in the output, in clear or as the user data's base64, nor in the report.
    assert "ESTABLISH LOCAL CONNECTION" in output  # really at -vvv
    for leaked in (secret_value, user_data):
        assert leaked not in output
        assert leaked not in json.dumps(report(tmp_path / "run"))
    # The SSM value is no secret of the same kind, but it came through the same no_log path.
    assert parameter_value not in output
    # A later run reads the template's versions, this one's user data included: still never printed. It is a dry run
    # (--check) of a relaunch to another instance type, so a new version from this one is planned; its numbers are
    # strings, as `-e name=value` and AWX text surveys give them. It passes its input checks, shows the plan and
    # changes nothing.
    ami = newest_point(emulator, two_instances["app"]["instance_id"])["RecoveryPointArn"].rsplit("/", 1)[1]
    code, output, planned = run(emulator, tmp_path / "again", {
        "ec2_restore_group_name": ASG, "ec2_restore_instance_type": "t3.medium", "ec2_restore_min_healthy_percentage": "50",
        "ec2_restore_instance_warmup": "0", "ec2_restore_wait_timeout": "600", "ec2_restore_poll_interval": "1",
        "validate_ec2_retries": "3", "validate_ec2_delay": "1", "validate_ec2_http_timeout": "5"}, check=True, verbosity=3)
    assert code == 0, output[-4000:]
    assert "ESTABLISH LOCAL CONNECTION" in output
    for leaked in (secret_value, user_data, parameter_value):
        assert leaked not in output
    assert state(emulator) == after
    assert "New version: %d from version %d with AMI %s, instance type t3.medium" % (after["latest"] + 1, after["latest"], ami) in output
    assert "Autoscaling group: %s" % ASG in output
    assert "Instance refresh: every instance replaced, at least 50% of 2 kept in service" in output
    assert planned["check_mode"] is True


# ------------------------------------------------------------------------------------------------ restore job
def restore_jobs(emulator):
    return emulator.client("backup").list_restore_jobs()["RestoreJobs"]


def restored_instances(emulator, point_arn):
    """Running instances tagged as restored from this recovery point."""
    reservations = emulator.client("ec2").describe_instances(Filters=[
        {"Name": "tag:restorekit:restored-from", "Values": [point_arn]}, {"Name": "instance-state-name", "Values": ["running", "pending"]}])
    return [i for r in reservations["Reservations"] for i in r["Instances"]]


@pytest.fixture(scope="module")
def restore_target(emulator, world):
    """Where a restored instance goes: the subnet the source does not run in, a security group of its own, a profile."""
    ec2, iam = emulator.client("ec2"), emulator.client("iam")
    source = ec2.describe_instances(InstanceIds=[world["app"]["instance_id"]])["Reservations"][0]["Instances"][0]
    subnet = [s for s in world["subnet_ids"] if s != source["SubnetId"]][0]
    group = ec2.create_security_group(GroupName="restore-%s" % uuid.uuid4().hex[:8], Description="restored app server",
                                      VpcId=world["vpc_id"])["GroupId"]
    profile = "app-restore-%s" % uuid.uuid4().hex[:8]
    iam.create_instance_profile(InstanceProfileName=profile)
    return {"subnet": subnet, "source_subnet": source["SubnetId"], "groups": [group, world["app_security_group_id"]], "profile": profile}


def restore_job_vars(target, **extra):
    return dict({"ec2_restore_method": "restore_job", "ec2_restore_instance_name": "multi-tenant-app-prod-app",
                 "ec2_restore_instance_type": "t3.medium", "ec2_restore_subnet_id": target["subnet"],
                 "ec2_restore_security_group_ids": target["groups"], "ec2_restore_instance_profile_name": target["profile"]}, **extra)


# An AMI that is not the recovery point's, a group that does not exist (with ec2_restore_attach_to_group) and a
# malformed instance type are refused by name before any restore job or instance starts in the integration target
# ec2_restore_restore_job (tests/integration/targets/ec2_restore_restore_job/tasks/main.yml, "Each refusal names the
# input; neither they nor the dry run started a job or an instance").
@pytest.mark.parametrize("extra,messages", [
    # Both known bad without AWS: the input check names both at once.
    ({"ec2_restore_attach_to_group": True,
      # The role tags the instance with where it came from; a tag of the same key would be silently replaced.
      "ec2_restore_tags": {"restorekit:restore-job": "mine"}},
     ["ec2_restore_attach_to_group=True and ec2_restore_group_name='': ec2_restore_attach_to_group=true needs the group",
      "tag key 'restorekit:restore-job' is set by the role itself"]),
    # All three asked of AWS before anything starts, and refused in one message.
    ({"ec2_restore_subnet_id": "subnet-0123456789abcdef0", "ec2_restore_security_group_ids": ["sg-0123456789abcdef0"],
      "ec2_restore_instance_profile_name": "no-such-profile"},
     ["ec2_restore_subnet_id=subnet-0123456789abcdef0 does not exist", "sg-0123456789abcdef0 do not exist",
      "ec2_restore_instance_profile_name=no-such-profile does not exist"]),
], ids=["known-bad-without-aws", "not-in-aws"])
def test_restore_job_bad_input_fails_before_any_change(emulator, world, restore_target, tmp_path, extra, messages):
    jobs, instances = len(restore_jobs(emulator)), len(emulator.client("ec2").describe_instances()["Reservations"])
    code, output, _result = run(emulator, tmp_path, restore_job_vars(restore_target, **extra))
    assert code != 0
    for message in messages:
        assert message in output, (message, output[-2500:])
    assert len(restore_jobs(emulator)) == jobs
    assert len(emulator.client("ec2").describe_instances()["Reservations"]) == instances


def test_restore_job_check_mode_changes_nothing_and_shows_the_metadata(emulator, world, restore_target, tmp_path):
    point = newest_point(emulator, world["app"]["instance_id"])
    jobs = len(restore_jobs(emulator))
    code, output, result = run(emulator, tmp_path, restore_job_vars(restore_target), check=True)
    assert code == 0, output
    assert len(restore_jobs(emulator)) == jobs
    assert result["check_mode"] is True and result["instances"] == []
    assert result["recovery_point"]["recovery_point_arn"] == point["RecoveryPointArn"]
    # The point's own network interface is replaced, not sent beside the subnet and groups.
    assert "NetworkInterfaces" not in result["metadata"]
    assert result["metadata"]["SubnetId"] == restore_target["subnet"]
    assert json.loads(result["metadata"]["SecurityGroupIds"]) == restore_target["groups"]
    assert "AMI: %s" % point["RecoveryPointArn"].rsplit("/", 1)[1] in output
    assert "Subnet: %s" % restore_target["subnet"] in output
    assert "Instance type: t3.medium" in output


def test_restore_job_selects_at_or_before_a_time(emulator, world, restore_target, tmp_path):
    arn = "arn:aws:ec2:us-east-1:123456789012:instance/%s" % world["app"]["instance_id"]
    points = emulator.client("backup").list_recovery_points_by_backup_vault(BackupVaultName=VAULT, ByResourceArn=arn)["RecoveryPoints"]
    ordered = sorted((p for p in points if p["Status"] == "COMPLETED"), key=lambda p: p["CreationDate"])
    wanted = ordered[-3]
    # A second before the next point: the one before it is the newest at or before that time.
    stamp = (ordered[-2]["CreationDate"] - datetime.timedelta(seconds=1)).astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, output, result = run(emulator, tmp_path, restore_job_vars(restore_target, ec2_restore_target_time=stamp,
                                                                    ec2_restore_instance_name="",
                                                                    ec2_restore_instance_id=world["app"]["instance_id"]), check=True)
    assert code == 0, output
    assert result["recovery_point"]["recovery_point_arn"] == wanted["RecoveryPointArn"]


def test_restore_job_launches_what_was_asked_and_joins_the_group(emulator, world, restore_target, tmp_path):
    autoscaling = emulator.client("autoscaling")
    group = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=ASG, MaxSize=group["DesiredCapacity"] + 1)
    point = newest_point(emulator, world["app"]["instance_id"])
    ami = point["RecoveryPointArn"].rsplit("/", 1)[1]
    extra = restore_job_vars(restore_target, ec2_restore_group_name=ASG, ec2_restore_attach_to_group=True)
    code, output, result = run(emulator, tmp_path / "restore", extra)
    assert code == 0, output[-4000:]
    instance_id = result["instance_id"]
    instance = emulator.client("ec2").describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]
    assert instance["ImageId"] == ami
    assert instance["InstanceType"] == "t3.medium"
    assert instance["SubnetId"] == restore_target["subnet"] != restore_target["source_subnet"]
    assert sorted(g["GroupId"] for g in instance["SecurityGroups"]) == sorted(restore_target["groups"])
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["IamInstanceProfile"]["Arn"].endswith("/" + restore_target["profile"])
    tags = {t["Key"]: t["Value"] for t in instance["Tags"]}
    assert tags["restorekit:restored-from"] == point["RecoveryPointArn"]
    assert tags["restorekit:source-instance"] == world["app"]["instance_id"]
    # In the group, InService, its desired capacity one more.
    after = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]
    assert after["DesiredCapacity"] == group["DesiredCapacity"] + 1
    assert {i["InstanceId"]: i["LifecycleState"] for i in after["Instances"]}[instance_id] == "InService"
    # The report: the job, the instance created, and validation of the instance in the group.
    data = report(tmp_path / "restore")
    assert [j["created_resource_arn"] for j in data["restore_jobs"]] == [result["restore_job"]["created_resource_arn"]]
    assert all("UserData" not in (j["metadata"] or {}) for j in data["restore_jobs"])
    assert data["checks"] and all(c["result"] == "pass" for c in data["checks"]), data["checks"]
    assert "InService in autoscaling group %s" % ASG in {c["name"] for c in data["checks"] if c["target"] == instance_id}
    # A re-run adopts the job: no second restore, no second instance.
    jobs = len(restore_jobs(emulator))
    code, output, rerun = run(emulator, tmp_path / "rerun", extra)
    assert code == 0, output[-4000:]
    assert rerun["instance_id"] == instance_id and rerun["restore_job"]["adopted"] is True
    assert len(restore_jobs(emulator)) == jobs
    assert [i["InstanceId"] for i in restored_instances(emulator, point["RecoveryPointArn"])] == [instance_id]


# ------------------------------------------------------------------------------------------------ validate_ec2
def test_validate_ec2_names_an_unhealthy_target(emulator, world, tmp_path):
    """One play: the group validates while its target group reports every instance healthy; once the emulator reports
    one unhealthy (its control API, called between the runs), that instance and target group are named with the
    reason, as a failed check, and the role fails by default."""
    elbv2, autoscaling = emulator.client("elbv2"), emulator.client("autoscaling")
    name = "app-tg-%s" % uuid.uuid4().hex[:8]
    target_group = elbv2.create_target_group(Name=name, Protocol="HTTP", Port=80, VpcId=world["vpc_id"], TargetType="instance")["TargetGroups"][0]
    arn = target_group["TargetGroupArn"]
    autoscaling.attach_load_balancer_target_groups(AutoScalingGroupName=ASG, TargetGroupARNs=[arn])
    try:
        members = [i["InstanceId"] for i in autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]["Instances"]]
        registered = [d["Target"]["Id"] for d in elbv2.describe_target_health(TargetGroupArn=arn)["TargetHealthDescriptions"]]
        assert sorted(registered) == sorted(members)
        sick = members[0]
        code, output, runs = validate(emulator, tmp_path, validation("healthy", {"validate_ec2_group_name": ASG}) + [
            {"name": "The target group reports %s unhealthy" % sick, "ansible.builtin.uri": {
                "url": "{{ restorekit_endpoint_url }}/_restorekit/target-health", "method": "POST", "body_format": "json",
                "body": {"target_group_arn": arn, "instance_id": sick, "state": "unhealthy", "reason": "Target.FailedHealthChecks",
                         "description": "Health checks failed with these codes: [502]"}}},
        ] + validation("sick", {"validate_ec2_group_name": ASG, "validate_ec2_fail_on_difference": False})
            + validation("fail", {"validate_ec2_group_name": ASG}, refused=True))
        assert code == 0, output[-3000:]
        assert {c["target"] for c in runs["healthy"] if c["name"] == "healthy in target group %s" % name} == set(members)

        failed = [c for c in runs["sick"] if c["result"] == "fail"]
        assert [(c["name"], c["target"]) for c in failed] == [("healthy in target group %s" % name, sick)]
        assert failed[0]["details"]["reason"] == "Target.FailedHealthChecks"
        assert "%s is unhealthy in target group %s (Target.FailedHealthChecks: Health checks failed with these codes: [502])" % (sick, name) \
            == failed[0]["summary"]
        # Failing by default, naming it.
        assert "fail" in runs, output[-3000:]
        assert "%s is unhealthy in target group %s" % (sick, name) in json.dumps(runs["fail"])
        assert "%s is unhealthy in target group %s" % (sick, name) in output
    finally:
        emulator.control("target-health", method="DELETE")
        autoscaling.detach_load_balancer_target_groups(AutoScalingGroupName=ASG, TargetGroupARNs=[arn])


def test_validate_ec2_http_check_and_bad_input(emulator, world, tmp_path):
    group = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[ASG])["AutoScalingGroups"][0]
    members = [i["InstanceId"] for i in group["Instances"]]
    # Nothing listens on port 9: the HTTP check (a URL without {address}, so called once) fails and says what it got.
    code, output, runs = validate(emulator, tmp_path, validation("http", {
        "validate_ec2_instance_ids": members[:1], "validate_ec2_http_url": "http://127.0.0.1:9/health",
        "validate_ec2_http_timeout": 2, "validate_ec2_fail_on_difference": False})
        + validation("bad", {"validate_ec2_group_name": "no-such-asg"}, refused=True))
    assert code == 0, output[-3000:]
    http = [c for c in runs["http"] if c["name"] == "HTTP health check"]
    assert len(http) == 1 and http[0]["result"] == "fail" and "answered -1" in http[0]["summary"]
    assert "bad" in runs, output[-3000:]
    assert "validate_ec2_group_name=no-such-asg does not exist" in runs["bad"]
    assert "validate_ec2_group_name=no-such-asg does not exist" in output
