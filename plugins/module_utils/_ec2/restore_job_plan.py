# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of an EC2 restore by AWS Backup restore job (runbook 7, ``ec2_restore_method: restore_job``), reached
through the ``restorekit.aws.ec2_restore_job_plan`` filter: what of the network and profile asked for does not exist
(``problems``), the recovery point picked from the candidate instances' (``point``) and its AMI (``image_id``, also for
a relaunch), the restore metadata (``metadata``), whether the group has room (``no_room``), what the responder reads
before anything starts (``show``), the restored instance's id (``instance_id``) and the role's result (``result``).
The role reads (amazon.aws modules, restorekit.aws.restore_job in check mode); deciding is here."""

from __future__ import annotations

import datetime
import json
import re

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

_INSTANCE = re.compile(r"instance/(i-[0-9a-f]+)$")
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_IMAGE = re.compile(r":image/(ami-[0-9a-f]+)$")
JOB_KEYS = ("restore_job_id", "restore_job", "created_resource_arn", "adopted", "elapsed_seconds")


class PlanError(ValueError):
    """Data a step cannot use; the message names it."""


def _first(items):
    return (items or [{}])[0] or {}


def point(points):
    """The newest recovery point of the recovery_point_info loop over the candidate instances ({} when none has one)."""
    found = [item["recovery_point"] for item in (points or {}).get("results") or [] if isinstance(item, dict) and item.get("recovery_point")]
    dated = sorted(found, key=lambda candidate: inputs.parse_time(candidate.get("creation_date"), "creation_date") or _EPOCH)
    return dated[-1] if dated else {}


def image_id(recovery_point):
    """The AMI of an EC2 recovery point (its ARN is the image's), or '' when it is no AMI or there is no point."""
    match = _IMAGE.search((recovery_point or {}).get("recovery_point_arn") or "")
    return match.group(1) if match else ""


def problems(subnet_id="", subnet_info=None, security_group_ids=(), security_group_info=None, instance_profile_name="",
             instance_profile_info=None):
    """Each subnet, security group or instance profile asked for that does not exist, and groups of another VPC than
    the subnet's; the _info modules' results are the role's reads ({} when not read)."""
    found = []
    subnets = (subnet_info or {}).get("subnets") or []
    if subnet_id and len(subnets) != 1:
        found.append("ec2_restore_subnet_id=%s does not exist" % subnet_id)
    groups = (security_group_info or {}).get("security_groups") or []
    known = {group.get("group_id") for group in groups}
    missing = [group_id for group_id in security_group_ids or [] if group_id not in known]
    if missing:
        found.append("ec2_restore_security_group_ids: %s do not exist" % ", ".join(missing))
    if subnet_id and subnets:
        vpc = subnets[0].get("vpc_id") or ""
        elsewhere = [group.get("group_id") for group in groups if group.get("vpc_id") != vpc]
        if elsewhere:
            found.append("ec2_restore_security_group_ids: %s are not in the VPC of subnet %s" % (", ".join(elsewhere), subnet_id))
    if instance_profile_name and len((instance_profile_info or {}).get("iam_instance_profiles") or []) != 1:
        found.append("ec2_restore_instance_profile_name=%s does not exist" % instance_profile_name)
    return found


def _interface(point_metadata):
    """The recovery point's first network interface, from its own restore metadata (NetworkInterfaces, JSON)."""
    raw = ((point_metadata or {}).get("metadata") or {}).get("NetworkInterfaces") or "[]"
    try:
        interfaces = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise PlanError("the recovery point's NetworkInterfaces metadata is not JSON: %r" % (raw,)) from None
    return _first(interfaces) if isinstance(interfaces, list) else {}


def metadata(point_metadata, require_imdsv2=True, instance_type="", instance_profile_name="", subnet_id="", security_group_ids=(),
             subnet_info=None):
    """The restore metadata. The point's own metadata carries its network interfaces (subnet and groups of the backed-up
    instance); EC2 refuses interfaces together with an instance-level subnet or groups. A subnet or groups asked for
    therefore replace the interfaces, and what was not asked for (the groups, or the subnet) is taken from them, so
    nothing is lost. A subnet of another availability zone also replaces the point's placement."""
    meta = {"RequireIMDSv2": require_imdsv2}
    if instance_type:
        meta["InstanceType"] = instance_type
    if instance_profile_name:
        meta["IamInstanceProfileName"] = instance_profile_name
    if subnet_id or security_group_ids:
        interface = _interface(point_metadata)
        subnet = subnet_id or interface.get("SubnetId") or ""
        if subnet:
            meta["SubnetId"] = subnet
        meta["SecurityGroupIds"] = list(security_group_ids or interface.get("Groups") or [])
    if subnet_id:
        meta["Placement"] = {"AvailabilityZone": _first((subnet_info or {}).get("subnets")).get("availability_zone")}
    return meta


def instance_id(job):
    """The restored instance's id, from the restore job's CreatedResourceArn ('' when it created none yet)."""
    match = _INSTANCE.search((job or {}).get("created_resource_arn") or "")
    return match.group(1) if match else ""


def no_room(group, plan, group_name=""):
    """Why the restored instance cannot join GROUP (autoscaling_group_info's entry): it runs at its maximum size, and the
    instance is not already a member (a job this run adopts). '' when it can."""
    members = [member.get("instance_id") for member in group.get("instances") or []]
    if instance_id(plan) and instance_id(plan) in members:
        return ""
    if int(group.get("desired_capacity") or 0) < int(group.get("max_size") or 0):
        return ""
    return ("Autoscaling group %s runs at its maximum size (%s): attaching the restored instance would exceed it. Raise MaxSize "
            "first, or set ec2_restore_attach_to_group=false." % (group_name, group.get("max_size")))


def _sent(meta):
    return {key: value for key, value in (meta or {}).items() if key != "UserData"}


def show(point, image_id, plan, group=None, group_name="", attach=False, user_data_template="", check_mode=False):
    """What the responder reads before anything starts: the point, the AMI, the job (new or adopted), the instance's
    settings, the metadata sent (never the user data) and the group it joins."""
    final = plan.get("metadata") or {}
    groups = final.get("SecurityGroupIds") or "[]"
    groups = json.loads(groups) if isinstance(groups, str) else groups
    lines = ["Recovery point: %s (%s, of %s)" % (point.get("recovery_point_arn"), point.get("creation_date"), point.get("resource_arn")),
             "AMI: %s" % image_id,
             ("Restore job: %s already started for this request, adopted (no second restore)" % plan.get("restore_job_id"))
             if plan.get("adopted") else "Restore job: a new one, run by %s" % (plan.get("request") or {}).get("IamRoleArn"),
             "Instance type: %s" % final.get("InstanceType", "as in the recovery point"),
             "Subnet: %s" % final.get("SubnetId", "as in the recovery point (its network interface)"),
             "Security groups: %s" % (", ".join(groups) or "as in the recovery point (its network interface)"),
             "Instance profile: %s" % final.get("IamInstanceProfileName", "none"),
             "IMDSv2 required: %s" % final.get("RequireIMDSv2", "false"),
             "User data: %s" % (("new, rendered from %s" % user_data_template) if user_data_template else
                                "none (AWS Backup does not back up user data: set ec2_restore_user_data_template to give it)"),
             "Metadata sent: %s" % json.dumps(_sent(final))]
    if boolean(attach, strict=False):
        desired = int((group or {}).get("desired_capacity") or 0)
        lines.append("Autoscaling group: the instance is attached to %s (desired capacity %d -> %d)"
                     % (group_name, desired, desired + 1))
    else:
        lines.append("Autoscaling group: none (the instance stands alone)")
    lines.append("Check mode: nothing is changed." if boolean(check_mode, strict=False) else "Applying.")
    return lines


def result(job, point, image_id, plan, group_name="", attach=False, described=None, check_mode=False):
    """ec2_restore_result of a restore job: the job as the report shows it (never the user data, which may hold
    secrets), the metadata sent, and the restored instance as described (DESCRIBED: ec2_instance_info's result)."""
    check_mode = boolean(check_mode, strict=False)
    found = instance_id(job) if not check_mode else ""
    member = {} if check_mode else _first((described or {}).get("instances"))
    shown_job = {} if check_mode else dict({key: job[key] for key in JOB_KEYS if key in (job or {})}, metadata=_sent((job or {}).get("metadata")))
    instance = {} if check_mode else {
        "instance_id": found, "image_id": member.get("image_id"), "instance_type": member.get("instance_type"),
        "state": (member.get("state") or {}).get("name"), "subnet_id": member.get("subnet_id") or "",
        "security_group_ids": [group.get("group_id") for group in member.get("security_groups") or []],
        "http_tokens": (member.get("metadata_options") or {}).get("http_tokens") or "",
        "instance_profile_arn": (member.get("iam_instance_profile") or {}).get("arn") or "", "tags": member.get("tags") or {}}
    return {"method": "restore_job", "group_name": group_name, "attached": boolean(attach, strict=False) and not check_mode, "image_id": image_id,
            "recovery_point": point, "restore_job": shown_job, "metadata": _sent(plan.get("metadata")), "instance_id": found,
            "instance": instance, "instances": [] if check_mode else [found], "check_mode": check_mode}
