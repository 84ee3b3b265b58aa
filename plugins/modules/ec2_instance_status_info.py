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
  - Used by the role M(restorekit.aws.validate_ec2) after a restore.
  - Read-only; it changes nothing in AWS and never reports a change. An instance that does not exist is reported
    with RV(statuses[].found=false), not as a failure; the caller decides.
author:
  - restorekit contributors (@restorekit)
options:
  instance_ids:
    description:
      - The instances to read, C(i-) followed by 8 or 17 hexadecimal digits. At most 100 per call of the module.
      - An id that is not of that form fails the module, naming it, before any AWS call.
    type: list
    elements: str
    required: true
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Requires C(ec2:DescribeInstanceStatus).
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

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils._ec2.errors import EC2InstanceErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

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


def main():
    module = AnsibleAWSModule(argument_spec=dict(instance_ids=dict(type="list", elements="str", required=True)),
                              supports_check_mode=True)
    instance_ids = module.params["instance_ids"]
    bad = [i for i in instance_ids if not INSTANCE_ID.match(i)]
    if bad:
        shown = ", ".join(repr(i) for i in bad[:5]) + (" and %d more" % (len(bad) - 5) if len(bad) > 5 else "")
        module.fail_json(msg="instance_ids: %s %s not an instance id (i- and 8 or 17 hexadecimal digits)"
                         % (shown, "is" if len(bad) == 1 else "are"))
    if len(instance_ids) > MAX_INSTANCES:
        module.fail_json(msg="instance_ids: %d given, at most %d per call" % (len(instance_ids), MAX_INSTANCES))
    if not instance_ids:
        module.exit_json(changed=False, statuses=[])
    client = module.client("ec2")
    try:
        found = {s["InstanceId"]: s for s in describe_each(client, list(dict.fromkeys(instance_ids)))}
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=False, statuses=[summarise(i, found.get(i)) for i in instance_ids])


if __name__ == "__main__":
    main()
