# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An EC2 relaunch (runbook 7, ``ec2_restore_method: relaunch``) in one module run: restorekit.aws.ec2_relaunch.

Reads the group, its launch template and versions, the recovery point (the newest of the candidate instances', or the
newest at or before a time) and its AMI, and the group's instances; decides with ``relaunch_plan``; then creates the
new launch template version, points the group at it, starts the instance refresh (or, on a re-run that changes
nothing else, waits for the one an earlier run started) and waits for it, polling on the collection's cadence
(``_poll``) in the first slice and once per poll interval in later ones, when the action plugin shows progress.
Every AWS call goes through amazon.aws's helpers and error handlers where they exist."""

from __future__ import annotations

import hashlib
import json
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils import ec2 as amazon_ec2
from ansible_collections.amazon.aws.plugins.module_utils._autoscaling.common import AutoScalingErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils._autoscaling.groups import describe_auto_scaling_groups
from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import relaunch_plan as plan
from ansible_collections.restorekit.aws.plugins.module_utils._ec2.restore_job_plan import image_id as point_image
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

RUNNING = ("Pending", "InProgress", "Cancelling", "RollbackInProgress", "Baking")
RESUME_KEYS = ("refresh_id", "current", "relaunch", "version", "point")


class RelaunchError(Exception):
    """A relaunch that cannot go on; RESULT is what the run read and did until then."""

    def __init__(self, message, result=None):
        super().__init__(message)
        self.message = message
        self.result = result or {}


# --- reads and changes (amazon.aws's helpers where it has them)
def read_group(autoscaling, name):
    """The group, in snake_case as amazon.aws.autoscaling_group_info gives it, or None."""
    groups = describe_auto_scaling_groups(autoscaling, group_names=[name])
    return camel_dict_to_snake_dict(groups[0]) if len(groups) == 1 else None


def read_template(ec2, template_id):
    """The launch template with every version, as amazon.aws.ec2_launch_template_info gives it (snake_case)."""
    templates = amazon_ec2.describe_launch_templates(ec2, launch_template_ids=[template_id])
    if not templates:
        return None
    template = camel_dict_to_snake_dict(templates[0])
    versions = amazon_ec2.describe_launch_template_versions(ec2, LaunchTemplateId=template_id)
    template["versions"] = [camel_dict_to_snake_dict(version) for version in versions]
    return template


def instances(ec2, instance_ids=None, filters=None):
    """[{instance_id, image_id, state}] of the instances named or matched (every state: a relaunched instance is gone)."""
    if instance_ids is not None and not instance_ids:
        return []
    request = {"InstanceIds": list(instance_ids)} if instance_ids else {"Filters": filters}
    found = []
    for reservation in amazon_ec2.describe_instances(ec2, **request):
        for instance in reservation.get("Instances") or []:
            found.append({"instance_id": instance["InstanceId"], "image_id": instance.get("ImageId"),
                          "state": (instance.get("State") or {}).get("Name")})
    return found


def image_state(ec2, image_id):
    """The AMI's state ('available', 'pending', ...), or '' when it does not exist (deregistered): EC2 answers such an
    id with InvalidAMIID.NotFound, which amazon.aws's helper leaves to the caller, or with nothing."""
    try:
        images = amazon_ec2.describe_images(ec2, ImageIds=[image_id])
    except amazon_ec2.AnsibleEC2Error as e:
        if isinstance(e.exception, is_boto3_error_code("InvalidAMIID.NotFound", e=e.exception)):
            return ""
        raise
    return (images[0].get("State") or "") if images else ""


@AutoScalingErrorHandler.common_error_handler("update auto scaling group")
@jittered_backoff()
def point_group(autoscaling, group_name, template_id, version):
    autoscaling.update_auto_scaling_group(AutoScalingGroupName=group_name,
                                          LaunchTemplate={"LaunchTemplateId": template_id, "Version": str(version)})


@AutoScalingErrorHandler.common_error_handler("describe instance refreshes")
@jittered_backoff()
def refreshes(autoscaling, group_name, refresh_ids=None):
    """The group's instance refreshes, newest first, as the API gives them."""
    request = {"AutoScalingGroupName": group_name}
    if refresh_ids:
        request["InstanceRefreshIds"] = list(refresh_ids)
    return autoscaling.describe_instance_refreshes(**request).get("InstanceRefreshes") or []


@AutoScalingErrorHandler.common_error_handler("start instance refresh")
@jittered_backoff()
def start_refresh(autoscaling, group_name, min_healthy_percentage, instance_warmup):
    """A new instance refresh's id (AWS refuses one while another runs: InstanceRefreshInProgress)."""
    return autoscaling.start_instance_refresh(
        AutoScalingGroupName=group_name,
        Preferences={"MinHealthyPercentage": int(min_healthy_percentage), "InstanceWarmup": int(instance_warmup)})["InstanceRefreshId"]


def running_refresh(autoscaling, group_name):
    """The group's instance refresh that has not ended, or None."""
    return next((item for item in refreshes(autoscaling, group_name) if item.get("Status") in RUNNING), None)


def version_token(now, data):
    """CreateLaunchTemplateVersion's ClientToken: the same version asked again (a retry after a lost answer) is made
    once. At most 64 ASCII characters."""
    text = json.dumps([now["launch_template_id"], now["version"], data], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:64]


def progress_line(group_name, refresh):
    return ("Instance refresh %s of %s: %s, %s%% complete, %s instance(s) still to update"
            % (refresh.get("InstanceRefreshId"), group_name, refresh.get("Status"), refresh.get("PercentageComplete", 0),
               refresh.get("InstancesToUpdate", "?")))


# --- the recovery point
def candidates(ec2, params):
    """The instances whose recovery points qualify: the one named, those with the Name tag, or every instance the group
    ever launched (terminated ones too: after a relaunch the backed-up instance is gone, its points are not)."""
    if params["instance_id"]:
        return [params["instance_id"]]
    if params["instance_name"]:
        found = instances(ec2, filters=[{"Name": "tag:Name", "Values": [params["instance_name"]]}])
    else:
        found = instances(ec2, filters=[{"Name": "tag:aws:autoscaling:groupName", "Values": [params["group_name"]]}])
    return list(dict.fromkeys(instance["instance_id"] for instance in found))


def select_point(backup, params, instance_ids, region=None):
    """The newest recovery point (or the newest at or before target_time) of any of INSTANCE_IDS, snake_case; {}."""
    query = rp.build_query({"backup_vault_name": params["backup_vault_name"], "project_name": params["project_name"],
                            "environment": params["environment"], "resource_type": "EC2",
                            "select": "at_or_before" if params["target_time"] else "latest",
                            "point_in_time": params["target_time"] or None}, region=region)
    listed = rp.list_recovery_points(backup, query) if instance_ids else []
    chosen = [rp.find_recovery_points(listed, dict(query, resource_name=instance_id))["recovery_point"] for instance_id in instance_ids]
    chosen = [point for point in chosen if point]
    return camel_dict_to_snake_dict(rp.newest_first(chosen)[0]) if chosen else {}, query["vault"]


class Run(_poll.WaitingRun):
    """One module run of the relaunch (``_poll.WaitingRun``: clients, options, the wait's sleep and clock, progress)."""

    def __init__(self, client_for, params, region=None, check_mode=False, sleep=time.sleep, clock=time.monotonic):
        super().__init__(client_for, params, region, check_mode, sleep, clock)
        self.result = dict(changed=False, pending=False, plan=[], recovery_point={})

    def name(self, option):
        """How a message names an option: as the role's variable when the role says so (variable_prefix)."""
        return self.params["variable_prefix"] + option

    def fail(self, message):
        raise RelaunchError(message, self.result)

    def run(self):
        params = self.params
        if params.get("resume"):
            resumed = params["resume"]
            return self.finish(resumed["refresh_id"], *(resumed[key] for key in RESUME_KEYS[1:]))
        ec2, autoscaling = self.client_for("ec2"), self.client_for("autoscaling")
        group = read_group(autoscaling, params["group_name"])
        problem = plan.group_problem({"results": [group] if group else []}, params["group_name"], prefix=params["variable_prefix"])
        if problem:
            self.fail(problem)
        template = read_template(ec2, group["launch_template"]["launch_template_id"])
        if template is None:
            self.fail("The launch template %s of group %s does not exist" % (group["launch_template"]["launch_template_id"], params["group_name"]))
        try:
            now = plan.current(group, template)
        except plan.PlanError as e:
            self.fail(str(e))
        point = {} if params["rollback_to_version"] else self.point(ec2)
        members = instances(ec2, now["instances"])
        try:
            relaunch = plan.plan(now, point_image(point), params["rollback_to_version"], params["instance_type"],
                                 "new" if params["user_data"] else "", {"instances": members}, prefix=params["variable_prefix"])
        except plan.PlanError as e:
            self.fail(str(e))
        self.result["plan"] = plan.show(now, relaunch, params["group_name"], point, params["rollback_to_version"], params["instance_type"],
                                        params["user_data"], params["min_healthy_percentage"], self.check_mode)
        self.progress.extend(self.result["plan"])
        if self.check_mode:
            version = plan.version(now, relaunch, rollback_to=params["rollback_to_version"], check_mode=True)
            # What a real run would change: a new version, the group pointed elsewhere, an instance refresh.
            self.result["changed"] = bool(relaunch["new_version"] or relaunch["refresh"] or version["point_group"])
            return self.done(now, relaunch, version, point, {}, members_after={})
        running = running_refresh(autoscaling, params["group_name"]) if relaunch["refresh"] else None
        if running:
            refresh_id = self.adoptable(now, relaunch, running)
        version = self.apply(ec2, autoscaling, now, relaunch, point)
        if not relaunch["refresh"]:
            return self.after(now, relaunch, version, point, {})
        if running:
            self.progress.append("Instance refresh %s of %s was already running (an earlier run's): waiting for it"
                                 % (refresh_id, params["group_name"]))
        else:
            refresh_id = start_refresh(autoscaling, params["group_name"], params["min_healthy_percentage"], params["instance_warmup"])
            self.result["changed"] = True
        self.result["resume"] = dict(zip(RESUME_KEYS, (refresh_id, now, relaunch, version, point)))
        if not params["wait"]:
            self.result.update(pending=True, instance_refresh={"instance_refresh_id": refresh_id})
            return self.described()
        return self.finish(refresh_id, now, relaunch, version, point)

    def adoptable(self, now, relaunch, running):
        """A refresh already running is waited for only when this run would change nothing else and it was started as
        this module starts one (a re-run after a timeout); anything else is refused before any change: it may keep
        fewer instances in service, or end on another configuration (DesiredConfiguration)."""
        params = self.params
        preferences = running.get("Preferences") or {}
        ours = (not relaunch["new_version"] and not plan.version(now, relaunch, rollback_to=params["rollback_to_version"])["point_group"]
                and not running.get("DesiredConfiguration") and preferences.get("MinHealthyPercentage") == int(params["min_healthy_percentage"]))
        if not ours:
            self.fail("Instance refresh %s of %s is %s and was not started by a run like this one: wait for it to end (or cancel "
                      "it), then run again; nothing was changed" % (running.get("InstanceRefreshId"), params["group_name"], running.get("Status")))
        return running["InstanceRefreshId"]

    def point(self, ec2):
        """The recovery point and its AMI, checked: it exists, it is an AMI, it is the one asked for, it is available."""
        params = self.params
        searched = candidates(ec2, params)
        point, vault = select_point(self.client_for("backup"), params, searched, self.region)
        self.result["recovery_point"] = point
        if not point:
            if params["instance_id"]:
                who = "%s=%s" % (self.name("instance_id"), params["instance_id"])
            elif params["instance_name"]:
                who = "%s=%s" % (self.name("instance_name"), params["instance_name"])
            else:
                who = "the instances of %s=%s" % (self.name("group_name"), params["group_name"])
            self.fail("No COMPLETED EC2 recovery point in vault %s for %s%s (instances searched: %s)"
                      % (vault, who, (" at or before %s" % params["target_time"]) if params["target_time"] else "",
                         ", ".join(searched) or "none"))
        image = point_image(point)
        if not image:
            self.fail("Recovery point %s is not an AMI" % point["recovery_point_arn"])
        if params["image_id"] and params["image_id"] != image:
            self.fail("%s=%s is not the AMI of the selected recovery point %s (%s)"
                      % (self.name("image_id"), params["image_id"], point["recovery_point_arn"], image))
        state = image_state(ec2, image)
        if state != "available":
            self.fail("The recovery point's AMI %s is %s" % (image, state or "missing (deregistered?)"))
        return point

    def apply(self, ec2, autoscaling, now, relaunch, point):
        """The new launch template version (when planned) and the group pointed at the version it is to run."""
        params = self.params
        template_after = None
        if relaunch["new_version"]:
            data = {"ImageId": relaunch["target_image"]}
            if params["instance_type"]:
                data["InstanceType"] = params["instance_type"]
            if params["user_data"]:
                data["UserData"] = params["user_data"]
            made = amazon_ec2.create_launch_template_version(
                ec2, data, LaunchTemplateId=now["launch_template_id"], SourceVersion=str(now["version"]), ClientToken=version_token(now, data),
                VersionDescription=("restorekit ec2_restore: %s" % point.get("recovery_point_arn", ""))[:255])
            self.result["changed"] = True
            template_after = {"launch_templates": [{"latest_version_number": made["VersionNumber"]}]}
            self.progress.append("Launch template %s: version %s made with AMI %s"
                                 % (now["launch_template_name"], made["VersionNumber"], relaunch["target_image"]))
        version = plan.version(now, relaunch, template_after, params["rollback_to_version"])
        if version["point_group"]:
            point_group(autoscaling, params["group_name"], now["launch_template_id"], version["number"])
            self.result["changed"] = True
            self.progress.append("Group %s now runs launch template version %s" % (params["group_name"], version["number"]))
        return version

    def finish(self, refresh_id, now, relaunch, version, point):
        """Wait for the instance refresh (within this run's slice, when sliced), then read the group as it is left."""
        params = self.params
        autoscaling = self.client_for("autoscaling")
        self.result["resume"] = dict(zip(RESUME_KEYS, (refresh_id, now, relaunch, version, point)))

        def check(waited):
            found = refreshes(autoscaling, params["group_name"], [refresh_id])
            if not found:
                self.fail("Instance refresh %s of %s is gone" % (refresh_id, params["group_name"]))
            self.note(progress_line(params["group_name"], found[0]))
            return found[0].get("Status") not in RUNNING, found[0]

        limit = params["wait_slice"] or params["wait_timeout"]
        try:
            # A later slice of a long wait looks once per poll_interval, not the quick first seconds again.
            refresh = _poll.poll(check, limit, params["poll_interval"], self.sleep, self.clock,
                                 later_slice=bool(params["wait_slice"] and params.get("resume")))
        except _poll.PollTimeout as e:
            self.result.update(pending=True, instance_refresh=camel_dict_to_snake_dict(e.last or {}))
            if not params["wait_slice"]:
                self.fail("Instance refresh %s of %s is still %s after wait_timeout=%ss; it goes on in AWS, and re-running the same "
                          "task waits for it" % (refresh_id, params["group_name"], (e.last or {}).get("Status"), params["wait_timeout"]))
            return self.described()
        shown = camel_dict_to_snake_dict(refresh)
        if refresh.get("Status") != "Successful":
            self.result["instance_refresh"] = shown
            self.fail("Instance refresh %s of %s ended %s (%s); the group runs launch template version %s; to go back, set "
                      "%s=%s" % (refresh_id, params["group_name"], refresh.get("Status"), refresh.get("StatusReason") or "no reason given",
                                 version["number"], self.name("rollback_to_version"), now["version"]))
        return self.after(now, relaunch, version, point, shown)

    def after(self, now, relaunch, version, point, refresh):
        """The group's instances after the refresh: each must run the target AMI."""
        group = read_group(self.client_for("autoscaling"), self.params["group_name"]) or {}
        ids = [member.get("instance_id") for member in group.get("instances") or []]
        members = instances(self.client_for("ec2"), ids)
        result = self.done(now, relaunch, version, point, refresh, {"instances": members})["relaunch"]
        if members and result["images"] != [relaunch["target_image"]]:
            self.fail("After the refresh the group %s runs AMIs %s, not only %s: instances %s"
                      % (self.params["group_name"], ", ".join(str(i) for i in result["images"]), relaunch["target_image"],
                         ", ".join(result["instances"])))
        return self.result

    def done(self, now, relaunch, version, point, refresh, members_after):
        self.result.update(pending=False, instance_refresh=refresh)
        self.result["relaunch"] = plan.result(now, relaunch, self.params["group_name"], version["number"], point,
                                              self.params["rollback_to_version"], refresh, members_after, self.check_mode)
        return self.described()

    def described(self):
        self.result["progress"] = self.progress
        return self.result
