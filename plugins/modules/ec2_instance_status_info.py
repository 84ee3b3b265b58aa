#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: ec2_instance_status_info
version_added: 0.1.0
short_description: EC2 instance state and status checks (system and instance reachability) of given instances
description:
  - Reads DescribeInstanceStatus for the given instances, stopped and pending ones included, and says for each
    whether it is running and passes both status checks. amazon.aws's M(amazon.aws.ec2_instance_info) returns the
    instance state but not the status checks.
  - Used by the role M(restorekit.aws.validate_ec2) after a restore, which reads everything a round of its checks needs
    in one run - with O(group_name) the group (its instances, their lifecycle state and health, its target groups),
    with O(describe_instances) the instances themselves, and the health of the target groups in them.
  - Read-only; it changes nothing in AWS and never reports a change. An instance that does not exist is reported
    with RV(statuses[].found=false), not as a failure; the caller decides.
author:
  - restorekit contributors (@restorekit)
options:
  instance_ids:
    description:
      - The instances to read, C(i-) followed by 8 or 17 hexadecimal digits. At most 100 per call of the module.
      - An id that is not of that form fails the module, naming it, before any AWS call.
      - Empty or not given with O(group_name) reads the group's instances. One of O(instance_ids) and O(group_name) is
        required.
    type: list
    elements: str
  group_name:
    description:
      - Also read this autoscaling group (RV(group), RV(group_found)). Its instances are read when O(instance_ids) is
        empty, and its target groups' health when O(target_group_arns) is not given.
    type: str
  target_group_arns:
    description:
      - Also read the health of the targets of these target groups (RV(target_groups)). Default the group's target
        groups with O(group_name), else none.
    type: list
    elements: str
  describe_instances:
    description: Also return the instances as DescribeInstances gives them (RV(instances)).
    type: bool
    default: false
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Requires C(ec2:DescribeInstanceStatus); with O(group_name) C(autoscaling:DescribeAutoScalingGroups); with
    O(describe_instances) C(ec2:DescribeInstances); for target groups C(elasticloadbalancing:DescribeTargetGroups) and
    C(elasticloadbalancing:DescribeTargetHealth).
"""

EXAMPLES = r"""
- name: Are the restored instances running and passing their status checks?
  restorekit.aws.ec2_instance_status_info:
    instance_ids:
      - i-0123456789abcdef0
  register: status

- name: Fail unless every one of them passes
  ansible.builtin.assert:
    that:
      - status.statuses | rejectattr('passed') | list | length == 0
"""

RETURN = r"""
instance_ids:
  description: The instances read - O(instance_ids), or the group's.
  returned: always
  type: list
  elements: str
group_found:
  description: Whether the group O(group_name) exists (false without O(group_name)).
  returned: always
  type: bool
group:
  description: The group as DescribeAutoScalingGroups gives it, in snake_case; empty when not asked or not found.
  returned: always
  type: dict
  contains:
    auto_scaling_group_name:
      description: The group.
      type: str
    desired_capacity:
      description: Its desired capacity.
      type: int
    target_group_arns:
      description: Its target groups.
      type: list
      elements: str
    instances:
      description: Its instances.
      type: list
      elements: dict
      contains:
        instance_id:
          description: The instance.
          type: str
        lifecycle_state:
          description: C(InService), C(Pending), C(Terminating) and the like.
          type: str
        health_status:
          description: C(Healthy) or C(Unhealthy).
          type: str
instances:
  description: The instances as DescribeInstances gives them, in snake_case (with O(describe_instances)).
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance.
      type: str
    image_id:
      description: Its AMI.
      type: str
    private_ip_address:
      description: Its private address.
      type: str
target_groups:
  description: Each target group read, with the health of its targets.
  returned: always
  type: list
  elements: dict
  contains:
    target_group_arn:
      description: The target group.
      type: str
    target_group_name:
      description: Its name.
      type: str
    targets_health_description:
      description: DescribeTargetHealth's answer in snake_case, one entry per target.
      type: list
      elements: dict
      contains:
        target:
          description: The target - C(id) (the instance) and C(port).
          type: dict
          contains:
            id:
              description: The instance.
              type: str
            port:
              description: Its port.
              type: int
        target_health:
          description: Its health - C(state) (C(healthy), C(unhealthy), ...), C(reason) and C(description).
          type: dict
          contains:
            state:
              description: C(healthy), C(unhealthy), C(initial), C(draining), C(unused) or C(unavailable).
              type: str
            reason:
              description: Why, when not healthy.
              type: str
            description:
              description: What the load balancer says.
              type: str
statuses:
  description: One entry per instance asked for, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    instance_id:
      description: The instance.
      type: str
      sample: i-0123456789abcdef0
    found:
      description: Whether EC2 knows the instance.
      type: bool
      sample: true
    state:
      description: The instance state (C(pending), C(running), C(stopped), C(terminated), ...), or C(missing).
      type: str
      sample: running
    system_status:
      description: The system status check (C(ok), C(impaired), C(initializing), C(insufficient-data), C(not-applicable)).
      type: str
      sample: ok
    instance_status:
      description: The instance status check, same values as RV(statuses[].system_status).
      type: str
      sample: ok
    details:
      description: Each check's details as EC2 gives them (name, status, impaired since).
      type: list
      elements: dict
      returned: always
      sample: [{"check": "instance", "name": "reachability", "status": "passed"}]
      contains:
        check:
          description: Which status check the detail belongs to, C(system) or C(instance).
          type: str
          returned: always
          sample: instance
        name:
          description: The detail's name (EC2 has C(reachability)).
          type: str
          returned: always
          sample: reachability
        status:
          description: C(passed), C(failed), C(insufficient-data) or C(initializing).
          type: str
          returned: always
          sample: passed
        impaired_since:
          description: When the check started failing, as EC2 gives it.
          type: str
          returned: when the check is failing
          sample: "2026-11-20 05:00:00+00:00"
    events:
      description: Scheduled events of the instance (reboots, retirements), in snake_case.
      type: list
      elements: dict
      returned: always
      sample: []
      contains:
        code:
          description:
            - The event's kind (C(instance-reboot), C(system-reboot), C(system-maintenance), C(instance-retirement),
              C(instance-stop)). Each event is EC2's DescribeInstanceStatus event in snake_case, with every other member
              EC2 returns (for example C(instance_event_id), C(not_before_deadline)).
          type: str
          returned: always
          sample: instance-retirement
        description:
          description: What EC2 says of the event.
          type: str
          returned: always
          sample: "The instance is running on degraded hardware"
        not_before:
          description: The earliest start of the event's window.
          type: str
          returned: always
          sample: "2026-11-27T00:00:00+00:00"
        not_after:
          description: The latest end of the event's window.
          type: str
          returned: when EC2 gives one
          sample: "2026-11-27T04:00:00+00:00"
    availability_zone:
      description: The instance's availability zone.
      type: str
      sample: us-east-1a
    passed:
      description: Running, with both status checks C(ok).
      type: bool
      sample: true
"""

import re

try:
    import botocore.exceptions
except ImportError:
    pass  # AnsibleAWSModule names the missing library.

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils._autoscaling.common import AutoScalingErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import describe_instances

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils._ec2.errors import EC2InstanceErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process

MAX_INSTANCES = 100
INSTANCE_ID = re.compile(r"^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$")


@EC2InstanceErrorHandler.list_error_handler("describe instance status")
@jittered_backoff()
def describe(client, instance_ids):
    """Every page of DescribeInstanceStatus for these instances, not-running ones included; None when one is missing."""
    paginator = client.get_paginator("describe_instance_status")
    return paginator.paginate(InstanceIds=instance_ids, IncludeAllInstances=True).build_full_result()["InstanceStatuses"]


def describe_each(client, instance_ids):
    """Statuses of the instances that exist: a missing id fails the whole call, so it is retried one id at a time."""
    found = describe(client, instance_ids)
    if found is not None:
        return found
    return [status for instance_id in instance_ids for status in describe(client, [instance_id]) or []]


def summarise(instance_id, status):
    """One instance's state and checks, as the module returns them."""
    if status is None:
        return {"instance_id": instance_id, "found": False, "state": "missing", "system_status": "not-applicable",
                "instance_status": "not-applicable", "details": [], "events": [], "availability_zone": "", "passed": False}
    state = status.get("InstanceState", {}).get("Name", "unknown")
    system = status.get("SystemStatus", {}).get("Status", "not-applicable")
    instance = status.get("InstanceStatus", {}).get("Status", "not-applicable")
    details = []
    for check, key in (("system", "SystemStatus"), ("instance", "InstanceStatus")):
        for detail in status.get(key, {}).get("Details", []):
            entry = {"check": check, "name": detail.get("Name"), "status": detail.get("Status")}
            if detail.get("ImpairedSince"):
                entry["impaired_since"] = str(detail["ImpairedSince"])
            details.append(entry)
    events = [camel_dict_to_snake_dict(event) for event in status.get("Events", [])]
    return {"instance_id": instance_id, "found": True, "state": state, "system_status": system, "instance_status": instance,
            "details": details, "events": events, "availability_zone": status.get("AvailabilityZone", ""),
            "passed": state == "running" and system == "ok" and instance == "ok"}


@AutoScalingErrorHandler.list_error_handler("describe auto scaling groups", [])
@jittered_backoff()
def describe_group(client, name):
    return client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]


@jittered_backoff()
def target_health(client, arns):
    """Each target group with the health of its targets, in snake_case (community.aws.elb_target_group_info's keys)."""
    groups = []
    for group in client.describe_target_groups(TargetGroupArns=list(arns))["TargetGroups"]:
        health = client.describe_target_health(TargetGroupArn=group["TargetGroupArn"])["TargetHealthDescriptions"]
        groups.append({"target_group_arn": group["TargetGroupArn"], "target_group_name": group.get("TargetGroupName"),
                       "targets_health_description": [camel_dict_to_snake_dict(item) for item in health]})
    return groups


def read_group(module, name):
    """(found, group in snake_case): the group O(group_name) as it is now."""
    try:
        groups = describe_group(module.client("autoscaling"), name)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    return (True, camel_dict_to_snake_dict(groups[0], ignore_list=["Tags"])) if groups else (False, {})


def described(module, client, instance_ids):
    """DescribeInstances of INSTANCE_IDS in snake_case (tags kept as they are). EC2 fails the whole call when one id is
    unknown (InvalidInstanceID.NotFound), and amazon.aws's describe_instances answers that with nothing at all: the ids
    are then described one at a time, so a missing instance does not hide the others (its status says it is missing)."""
    try:
        reservations = describe_instances(client, InstanceIds=list(instance_ids))
        if not reservations and len(instance_ids) > 1:
            reservations = [found for instance_id in instance_ids for found in describe_instances(client, InstanceIds=[instance_id])]
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    return [camel_dict_to_snake_dict(instance, ignore_list=["Tags"]) for reservation in reservations for instance in reservation["Instances"]]


def main():
    module = AnsibleAWSModule(argument_spec=dict(instance_ids=dict(type="list", elements="str"),
                                                 group_name=dict(type="str"),
                                                 target_group_arns=dict(type="list", elements="str"),
                                                 describe_instances=dict(type="bool", default=False)),
                              required_one_of=[["instance_ids", "group_name"]], supports_check_mode=True)
    params = module.params
    result = dict(changed=False, group_found=False, group={}, instances=[], target_groups=[])
    if params["group_name"]:
        result["group_found"], result["group"] = read_group(module, params["group_name"])
    instance_ids = params["instance_ids"] or [member["instance_id"] for member in result["group"].get("instances") or []]
    if params["instance_ids"] is None and not params["group_name"]:
        module.fail_json(msg="instance_ids: give the instances to read, or group_name")
    result["instance_ids"] = instance_ids
    bad = [i for i in instance_ids if not INSTANCE_ID.match(i)]
    if bad:
        shown = ", ".join(repr(i) for i in bad[:5]) + (" and %d more" % (len(bad) - 5) if len(bad) > 5 else "")
        module.fail_json(msg="instance_ids: %s %s not an instance id (i- and 8 or 17 hexadecimal digits)"
                         % (shown, "is" if len(bad) == 1 else "are"))
    if len(instance_ids) > MAX_INSTANCES:
        module.fail_json(msg="instance_ids: %d given, at most %d per call" % (len(instance_ids), MAX_INSTANCES))
    arns = params["target_group_arns"] if params["target_group_arns"] is not None else result["group"].get("target_group_arns") or []
    if arns:
        try:
            result["target_groups"] = target_health(module.client("elbv2"), arns)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            module.fail_json_aws(e, msg="Could not read the health of target groups %s" % ", ".join(arns))
    if not instance_ids:
        module.exit_json(statuses=[], **result)
    client = module.client("ec2")
    if params["describe_instances"]:
        result["instances"] = described(module, client, dict.fromkeys(instance_ids))
    try:
        found = {s["InstanceId"]: s for s in describe_each(client, list(dict.fromkeys(instance_ids)))}
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(statuses=[summarise(i, found.get(i)) for i in instance_ids], **result)


if __name__ == "__main__":
    module_process()
    main()
