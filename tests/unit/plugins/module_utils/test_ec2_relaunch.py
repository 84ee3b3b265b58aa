# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.ec2_relaunch's run (module_utils/_ec2/relaunch.py), without Ansible or AWS: what it reads, what it
changes and in which order, what it refuses before changing anything, and the wait in slices."""

from __future__ import annotations

import datetime

import pytest
from botocore.exceptions import ClientError

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import relaunch
from tests.unit.fake_clock import Clock

UTC = datetime.timezone.utc
ARN = "arn:aws:ec2:us-east-1::image/%s"
MUTATING = ("create_launch_template_version", "update_auto_scaling_group", "start_instance_refresh")


class Pages:
    def __init__(self, answer):
        self.answer = answer

    def paginate(self, **request):
        return self

    def build_full_result(self):
        return self.answer


class Fake:
    """A client answering each operation from ANSWERS (a value, a list of values in turn, or a function of the
    request); every call is recorded in CALLS as (operation, request)."""

    def __init__(self, calls, **answers):
        self.calls = calls
        self.answers = answers

    def answer(self, operation, request):
        self.calls.append((operation, request))
        found = self.answers[operation]
        if callable(found):
            return found(request)
        if isinstance(found, list):
            return found.pop(0) if len(found) > 1 else found[0]
        return found

    def can_paginate(self, operation):
        return True

    def get_paginator(self, operation):
        outer = self

        class Paginator:
            def paginate(self, **request):
                return Pages(outer.answer(operation, request))
        return Paginator()

    def __getattr__(self, operation):
        if operation.startswith("_") or operation not in self.answers:
            raise AttributeError(operation)
        return lambda **request: self.answer(operation, request)


def point(image, instance, day):
    return {"RecoveryPointArn": ARN % image, "ResourceArn": "arn:aws:ec2:us-east-1:123456789012:instance/%s" % instance,
            "ResourceType": "EC2", "Status": "COMPLETED", "CreationDate": datetime.datetime(2026, 11, day, 5, tzinfo=UTC)}


def instances(*pairs):
    return {"Reservations": [{"Instances": [{"InstanceId": i, "ImageId": image, "State": {"Name": "running"}} for i, image in pairs]}]}


def world(members=(("i-0000000a", "ami-00000003"), ("i-0000000b", "ami-00000003")), after=None, refreshes=None, start=None,
          group_version="$Latest", running=()):
    """Clients of a group on version 3 (ami-00000003) of lt-1; points of i-0000000a (day 20, ami-0000000a) and of a
    terminated i-0000000c (day 22, ami-0000000c)."""
    calls = []
    group = {"AutoScalingGroupName": "app-asg", "DesiredCapacity": 2, "Instances": [{"InstanceId": pair[0]} for pair in members],
             "LaunchTemplate": {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "app", "Version": group_version}}
    after = after or members
    group_after = dict(group, Instances=[{"InstanceId": pair[0]} for pair in after])
    data = {n: {"ImageId": "ami-0000000%d" % n, "InstanceType": "t3.small", "UserData": "c2VjcmV0"} for n in (1, 2, 3)}
    versions = [{"VersionNumber": n, "LaunchTemplateData": data[n]} for n in (1, 2, 3)]

    def describe_instances(request):
        if "Filters" in request:
            return instances(("i-0000000a", "ami-00000001"), ("i-0000000c", "ami-00000002"))
        known = dict(list(members) + list(after))
        return instances(*[(i, known[i]) for i in request["InstanceIds"]])

    asg_answers = [{"AutoScalingGroups": [group]}, {"AutoScalingGroups": [group_after]}]
    answers = list(refreshes or [{"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "Successful", "PercentageComplete": 100,
                                                         "InstancesToUpdate": 0}]}])

    def describe_refreshes(request):
        """The group's refreshes (RUNNING, before any start), or the next answer about the one started."""
        if "InstanceRefreshIds" not in request:
            return {"InstanceRefreshes": list(running)}
        return answers.pop(0) if len(answers) > 1 else answers[0]

    template = {"LaunchTemplateId": "lt-1", "LaunchTemplateName": "app", "LatestVersionNumber": 3, "DefaultVersionNumber": 1}
    points = [point("ami-0000000a", "i-0000000a", 20), point("ami-0000000c", "i-0000000c", 22), point("ami-0000000d", "i-0000000d", 23)]
    clients = {
        "autoscaling": Fake(calls, describe_auto_scaling_groups=asg_answers, update_auto_scaling_group={},
                            start_instance_refresh=start or {"InstanceRefreshId": "r-1"},
                            describe_instance_refreshes=describe_refreshes),
        "ec2": Fake(calls, describe_launch_templates={"LaunchTemplates": [template]},
                    describe_launch_template_versions={"LaunchTemplateVersions": versions}, describe_instances=describe_instances,
                    describe_images=lambda request: {"Images": [{"ImageId": request["ImageIds"][0], "State": "available"}]},
                    create_launch_template_version={"LaunchTemplateVersion": {"VersionNumber": 4}}),
        "backup": Fake(calls, list_recovery_points_by_backup_vault={"RecoveryPoints": points}),
    }
    return clients, calls


def params(**over):
    base = dict(group_name="app-asg", backup_vault_name="app-vault", project_name=None, environment=None, instance_id="", instance_name="",
                target_time="", image_id="", instance_type="", user_data="", rollback_to_version="", min_healthy_percentage=50,
                instance_warmup=0, wait=True, wait_timeout=600, poll_interval=15, wait_slice=0, resume=None, variable_prefix="ec2_restore_")
    base.update(over)
    return base


def run(clients, check_mode=False, clock=None, **over):
    clock = clock or Clock()
    return relaunch.Run(clients.__getitem__, params(**over), "us-east-1", check_mode=check_mode, sleep=clock.sleep, clock=clock)


def operations(calls):
    return [call[0] for call in calls]


def test_a_relaunch_makes_a_version_from_the_newest_point_points_the_group_and_waits_for_the_refresh():
    after = (("i-0000000e", "ami-0000000c"), ("i-0000000f", "ami-0000000c"))
    refreshes = [{"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "Pending", "PercentageComplete": 0, "InstancesToUpdate": 2}]},
                 {"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "InProgress", "PercentageComplete": 50, "InstancesToUpdate": 1}]},
                 {"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "Successful", "PercentageComplete": 100, "InstancesToUpdate": 0}]}]
    clients, calls = world(after=after, refreshes=refreshes)
    result = run(clients).run()
    done = result["relaunch"]
    # The newest point of the group's instances, the terminated one's included; never another instance's (i-0000000d).
    assert done["recovery_point"]["recovery_point_arn"] == ARN % "ami-0000000c"
    assert (done["previous_version"], done["version"], done["image_id"]) == (3, 4, "ami-0000000c")
    assert done["images"] == ["ami-0000000c"] and done["instances"] == ["i-0000000e", "i-0000000f"]
    made = dict(calls)["create_launch_template_version"]
    assert made["SourceVersion"] == "3" and made["LaunchTemplateData"] == {"ImageId": "ami-0000000c"}
    assert dict(calls)["update_auto_scaling_group"]["LaunchTemplate"] == {"LaunchTemplateId": "lt-1", "Version": "4"}
    assert dict(calls)["start_instance_refresh"]["Preferences"] == {"MinHealthyPercentage": 50, "InstanceWarmup": 0}
    order = [op for op in operations(calls) if op in MUTATING]
    assert order == list(MUTATING)
    assert result["changed"] is True and result["pending"] is False
    assert "New version: 4 from version 3 with AMI ami-0000000c" in result["plan"]
    assert [line for line in result["progress"] if "InProgress, 50% complete, 1 instance(s) still to update" in line]
    assert "c2VjcmV0" not in repr(result)


def test_a_rerun_after_the_relaunch_changes_nothing():
    # After a relaunch the group runs a numbered version (a group on $Latest is pointed at the number once).
    on_target = (("i-0000000e", "ami-00000003"), ("i-0000000f", "ami-00000003"))
    clients, calls = world(members=on_target, group_version="3")
    clients["backup"].answers["list_recovery_points_by_backup_vault"] = {"RecoveryPoints": [point("ami-00000003", "i-0000000a", 22)]}
    result = run(clients).run()
    assert not set(operations(calls)) & set(MUTATING)
    assert result["changed"] is False and result["relaunch"]["version"] == 3
    assert "No new version: the current one already has AMI ami-00000003" in result["plan"]


def test_a_rollback_reads_no_recovery_point_and_puts_the_group_back_on_the_kept_version():
    clients, calls = world(after=(("i-0000000e", "ami-00000001"),))
    result = run(clients, rollback_to_version="1").run()
    assert "list_recovery_points_by_backup_vault" not in operations(calls)
    assert "create_launch_template_version" not in operations(calls)
    assert dict(calls)["update_auto_scaling_group"]["LaunchTemplate"]["Version"] == "1"
    assert result["relaunch"]["rollback"] is True and result["relaunch"]["images"] == ["ami-00000001"]


def test_check_mode_reads_and_plans_but_changes_nothing():
    clients, calls = world()
    result = run(clients, check_mode=True).run()
    assert not set(operations(calls)) & set(MUTATING)
    # Changed is what a real run would change.
    assert result["changed"] is True and result["relaunch"]["check_mode"] is True and result["relaunch"]["instances"] == []
    assert result["plan"][-1] == "Check mode: nothing is changed."
    on_target = (("i-0000000e", "ami-00000003"), ("i-0000000f", "ami-00000003"))
    clients, calls = world(members=on_target, group_version="3")
    clients["backup"].answers["list_recovery_points_by_backup_vault"] = {"RecoveryPoints": [point("ami-00000003", "i-0000000a", 22)]}
    assert run(clients, check_mode=True).run()["changed"] is False


@pytest.mark.parametrize("over, message", [
    ({"image_id": "ami-00000009"}, "ec2_restore_image_id=ami-00000009 is not the AMI of the selected recovery point"),
    ({"instance_id": "i-00000009"}, "No COMPLETED EC2 recovery point in vault app-vault for ec2_restore_instance_id=i-00000009 "
                                    "(instances searched: i-00000009)"),
    ({"target_time": "2026-11-01T00:00:00Z"}, "No COMPLETED EC2 recovery point in vault app-vault for the instances of "
                                              "ec2_restore_group_name=app-asg at or before 2026-11-01T00:00:00Z"),
    ({"rollback_to_version": "7"}, "ec2_restore_rollback_to_version=7 is not a version of launch template app (versions: 1, 2, 3)"),
])
def test_what_cannot_be_relaunched_is_refused_before_anything_changes_naming_the_variable(over, message):
    clients, calls = world()
    with pytest.raises(relaunch.RelaunchError) as e:
        run(clients, **over).run()
    assert message in e.value.message
    assert not set(operations(calls)) & set(MUTATING)


def test_a_missing_group_or_an_unavailable_ami_is_refused_before_anything_changes():
    clients, calls = world()
    clients["autoscaling"].answers["describe_auto_scaling_groups"] = {"AutoScalingGroups": []}
    with pytest.raises(relaunch.RelaunchError) as e:
        run(clients, variable_prefix="").run()
    assert e.value.message.startswith("Autoscaling group group_name=app-asg does not exist")
    clients, calls = world()
    clients["ec2"].answers["describe_images"] = {"Images": []}
    with pytest.raises(relaunch.RelaunchError) as e:
        run(clients).run()
    assert e.value.message == "The recovery point's AMI ami-0000000c is missing (deregistered?)"
    assert not set(operations(calls)) & set(MUTATING)


def test_a_failed_refresh_says_which_version_the_group_runs_and_how_to_go_back():
    failed = [{"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "Failed", "StatusReason": "instances unhealthy"}]}]
    clients = world(refreshes=failed)[0]
    with pytest.raises(relaunch.RelaunchError) as e:
        run(clients).run()
    assert e.value.message == ("Instance refresh r-1 of app-asg ended Failed (instances unhealthy); the group runs launch template "
                               "version 4; to go back, set ec2_restore_rollback_to_version=3")


def test_a_refresh_already_running_is_waited_for_only_on_a_rerun_that_changes_nothing_else():
    # A re-run after a timeout: the group already runs the new version; the refresh this module started still runs.
    on_version = (("i-0000000a", "ami-00000003"), ("i-0000000b", "ami-0000000c"))
    mine = {"InstanceRefreshId": "r-0", "Status": "InProgress", "Preferences": {"MinHealthyPercentage": 50}}
    done = [{"InstanceRefreshes": [dict(mine, Status="Successful", PercentageComplete=100)]}]
    clients, calls = world(members=on_version, after=(("i-0000000e", "ami-0000000c"),), refreshes=done, running=[mine], group_version="4")
    versions = clients["ec2"].answers["describe_launch_template_versions"]["LaunchTemplateVersions"]
    versions.append({"VersionNumber": 4, "LaunchTemplateData": {"ImageId": "ami-0000000c"}})
    clients["ec2"].answers["describe_launch_templates"]["LaunchTemplates"][0]["LatestVersionNumber"] = 4
    result = run(clients).run()
    assert not set(operations(calls)) & set(MUTATING)
    assert result["changed"] is False and result["relaunch"]["instance_refresh"]["instance_refresh_id"] == "r-0"
    assert "Instance refresh r-0 of app-asg was already running (an earlier run's): waiting for it" in result["progress"]


@pytest.mark.parametrize("theirs", [
    {"InstanceRefreshId": "r-9", "Status": "InProgress", "Preferences": {"MinHealthyPercentage": 50}},  # and a new version is due
    {"InstanceRefreshId": "r-9", "Status": "Cancelling", "Preferences": {"MinHealthyPercentage": 10}},
])
def test_another_refresh_running_is_refused_before_anything_changes(theirs):
    clients, calls = world(running=[theirs])
    with pytest.raises(relaunch.RelaunchError) as e:
        run(clients).run()
    assert e.value.message.startswith("Instance refresh r-9 of app-asg is %s and was not started by a run like this one" % theirs["Status"])
    assert not set(operations(calls)) & set(MUTATING)


def test_a_version_asked_again_carries_the_same_client_token():
    tokens = []
    for _attempt in range(2):
        clients, calls = world(after=(("i-0000000e", "ami-0000000c"),))
        run(clients).run()
        tokens.append(dict(calls)["create_launch_template_version"]["ClientToken"])
    assert tokens[0] == tokens[1] and len(tokens[0]) <= 64


def test_the_wait_goes_on_slice_by_slice_and_the_next_run_only_waits_and_finishes():
    long_refresh = [{"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "InProgress", "PercentageComplete": 10}]}]
    clients, calls = world(after=(("i-0000000e", "ami-0000000c"),), refreshes=long_refresh)
    first = run(clients, wait_slice=15).run()
    assert first["pending"] is True and first["resume"]["refresh_id"] == "r-1" and "relaunch" not in first
    clients["autoscaling"].answers["describe_instance_refreshes"] = {"InstanceRefreshes": [{"InstanceRefreshId": "r-1", "Status": "Successful"}]}
    calls.clear()
    clock = Clock()
    second = run(clients, clock=clock, wait_slice=15, resume=first["resume"]).run()
    assert not set(operations(calls)) & set(MUTATING)
    # A later slice looks once, a poll_interval in: the quick first seconds are the first slice's only.
    assert operations(calls).count("describe_instance_refreshes") == 1 and clock.now == 15
    assert second["pending"] is False and second["relaunch"]["version"] == 4


def test_without_wait_the_refresh_is_started_and_left_running_with_what_a_later_run_needs():
    clients, calls = world(after=(("i-0000000e", "ami-0000000c"),))
    result = run(clients, wait=False).run()
    assert [op for op in operations(calls) if op in MUTATING] == list(MUTATING)
    # No look at the refresh it started, no read of the group after it.
    assert [request for op, request in calls if op == "describe_instance_refreshes" and "InstanceRefreshIds" in request] == []
    assert operations(calls).count("describe_auto_scaling_groups") == 1
    assert result["changed"] is True and result["pending"] is True
    assert result["instance_refresh"] == {"instance_refresh_id": "r-1"} and result["resume"]["refresh_id"] == "r-1"


def test_a_failure_after_the_version_was_made_says_what_was_changed():
    """The refresh cannot be started: the run fails, and its result says that the version was made and the group pointed
    (changed), so a responder knows what the failed run left (a re-run reuses the version: the same client token)."""
    clients, calls = world()

    def refused(request):
        raise ClientError({"Error": {"Code": "ValidationError", "Message": "An Instance Refresh is already in progress"}}, "StartInstanceRefresh")

    clients["autoscaling"].answers["start_instance_refresh"] = refused
    runner = run(clients)
    with pytest.raises(AnsibleAWSError):
        runner.run()
    assert [op for op in operations(calls) if op in MUTATING] == list(MUTATING)
    assert runner.result["changed"] is True and "resume" not in runner.result
    assert "Launch template app: version 4 made with AMI ami-0000000c" in runner.progress
    assert "Group app-asg now runs launch template version 4" in runner.progress
