#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: run_lock
version_added: 0.1.0
short_description: Take or release a run lock that a second responder's run cannot take
description:
  - Guards a destructive run (the in-place swap of runbook 5.3) so that two responders never change the same
    resource at once. The lock is one SSM Parameter Store parameter, written with C(PutParameter) and
    C(Overwrite=false), which SSM carries out for exactly one caller and refuses to every other.
  - The parameter holds a JSON record of the holder (user and AWX job), since when, the run id and the purpose.
    A run that finds the lock held fails with a message naming the holder and since when.
  - O(state=absent) deletes the parameter only when O(run_id) holds it; a lock held by another run is left alone.
  - A lock whose run is known to be dead (a killed job) is broken only by naming that run's id in O(break_run_id).
  - In check mode nothing is written; the result says whether the lock would be taken or released.
author:
  - restorekit contributors (@restorekit)
options:
  name:
    description:
      - Name of the SSM parameter that is the lock, for example V(/restorekit/locks/multi-tenant-app-prod-db).
      - SSM's naming rules are checked before any call - letters, digits, V(_), V(.), V(-) and V(/) between levels
        (a hierarchy starts with V(/)), no spaces, at most 15 levels and 1011 characters, not starting with V(aws) or
        V(ssm).
    type: str
    required: true
  state:
    description:
      - V(present) takes the lock (fails when another run holds it), V(absent) releases it.
    type: str
    choices: [present, absent]
    default: present
  run_id:
    description:
      - Identifies this run. Taking a lock this run id already holds changes nothing; release only deletes a lock
        this run id holds.
    type: str
    required: true
  holder:
    description:
      - Who holds the lock, as a responder would read it, for example V(alice (AWX job 42, template rds restore)).
      - Required with O(state=present).
    type: str
  purpose:
    description: What the run is doing, recorded in the lock.
    type: str
    default: ""
  break_run_id:
    description:
      - Break a stale lock. Only when it equals the run id of the run holding the lock is that lock deleted and
        taken; any other value is refused and breaks nothing. Use only when that run is known to be dead.
    type: str
notes:
  - SSM has no conditional delete. Release reads the record, then deletes it if it is this run's; between the two
    only a deliberate O(break_run_id) could change the holder.
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  idempotent:
    description: Taking a lock the same run already holds changes nothing.
    support: full
"""

EXAMPLES = r"""
- name: Take the swap lock for the production database
  restorekit.aws.run_lock:
    name: /restorekit/locks/multi-tenant-app-prod-db
    run_id: "{{ rds_swap_run_id }}"
    holder: "{{ lookup('ansible.builtin.env', 'USER') }}"
    purpose: in-place swap of multi-tenant-app-prod-db

- name: Release it (in an always block)
  restorekit.aws.run_lock:
    name: /restorekit/locks/multi-tenant-app-prod-db
    run_id: "{{ rds_swap_run_id }}"
    state: absent

- name: Break the lock of a killed run, naming that run
  restorekit.aws.run_lock:
    name: /restorekit/locks/multi-tenant-app-prod-db
    run_id: "{{ rds_swap_run_id }}"
    holder: bob
    break_run_id: swap-20261124T030000Z-1234
"""

RETURN = r"""
lock:
  description: The lock record taken, or with O(state=absent) the record found (null when nobody held it).
  returned: always
  type: dict
  contains:
    holder:
      description: Who holds the lock.
      type: str
      sample: alice (AWX job 42)
    run_id:
      description: The run holding the lock.
      type: str
      sample: swap-20261124T031000Z-4821
    since:
      description: When the lock was taken, UTC.
      type: str
      sample: "2026-11-24T03:10:00Z"
    purpose:
      description: What the run is doing.
      type: str
      sample: in-place swap of multi-tenant-app-prod-db
broken_lock:
  description: The record of a stale lock that O(break_run_id) deleted, else null.
  returned: always
  type: dict
  sample: null
  contains:
    holder:
      description: Who held the lock.
      type: str
      returned: always
      sample: bob (AWX job 41)
    run_id:
      description: The run that held it (O(break_run_id)).
      type: str
      returned: always
      sample: swap-20261123T221500Z-1177
    since:
      description: When it was taken, UTC.
      type: str
      returned: always
      sample: "2026-11-23T22:15:00Z"
    purpose:
      description: What that run was doing (empty when not said).
      type: str
      returned: always
      sample: in-place swap of multi-tenant-app-prod-db
held_by_other:
  description: With O(state=absent), true when the lock was found held by another run and left alone.
  returned: always
  type: bool
  sample: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _lock
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params):
    """Every option checked before any SSM call; InputError names the option and its value."""
    inputs.ssm_parameter_name(params["name"], "name")
    inputs.text(params["run_id"], "run_id", strip=False)
    if params["state"] == "present":
        inputs.text(params["holder"], "holder", strip=False)
    if params["break_run_id"] is not None:
        inputs.text(params["break_run_id"], "break_run_id", strip=False)
        if params["state"] == "absent":
            inputs.contradiction([("break_run_id", params["break_run_id"]), ("state", "absent")],
                                 "a lock is broken only to take it (state=present)")


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        run_id=dict(type="str", required=True),
        holder=dict(type="str"),
        purpose=dict(type="str", default=""),
        break_run_id=dict(type="str"),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[["state", "present", ["holder"]]],
    )
    params = module.params
    if not params["run_id"].strip():
        module.fail_json(msg="run_id must not be empty: it is how this run proves the lock is its own.")
    try:
        check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    client = module.client("ssm")
    try:
        if params["state"] == "present":
            record = _lock.make_record(params["holder"], params["run_id"], params["purpose"])
            changed, lock, broken = _lock.acquire(client, params["name"], record, params["break_run_id"], module.check_mode)
            module.exit_json(changed=changed, lock=lock, broken_lock=broken, held_by_other=False)
        changed, found = _lock.release(client, params["name"], params["run_id"], module.check_mode)
        other = found is not None and found["run_id"] != params["run_id"]
        if other:
            module.warn("The run lock %s is held by another run (%s since %s, run id %s); it was left alone."
                        % (params["name"], found["holder"], found["since"], found["run_id"]))
        module.exit_json(changed=changed, lock=found, broken_lock=None, held_by_other=other)
    except _lock.LockError as e:
        module.fail_json(msg=e.message, lock=e.lock)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)


if __name__ == "__main__":
    module_process()
    main()
