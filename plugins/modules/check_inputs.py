#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: check_inputs
version_added: 0.1.0
short_description: Check a role's variables before any AWS call, naming every bad one with its value
description:
  - The first task of each of this collection's roles. Reads every variable of the role by name, as the play has it
    (C(-e), AWX survey answers, the inventory, the role's defaults), and fails when any is bad, naming each bad
    variable with its value and what it must be. Nothing in AWS is called, so bad input never changes anything.
  - Checks what the role argument spec cannot say - names AWS refuses (buckets, vaults, DB identifiers), ARNs of the
    wrong service, region or account, times in the future or unparseable, numbers out of range (also when they
    arrive as strings, as C(-e) and AWX surveys pass them), duplicates in lists, options that contradict each other.
  - Runs on the control node as an action plugin; it cannot run as a module on a host.
author:
  - restorekit contributors (@restorekit)
options:
  role:
    description:
      - The role whose variables are checked, for example C(s3_restore); C(role:entry_point) for another entry point of
        the role's argument spec (C(restore_testing:validate)), or a playbook's name for its own variables (C(rds_restore.yml)).
      - C(validate_ec2:settings), C(validate_s3:settings) and C(validate_mysql:settings) check only what a responder sets
        for a validation role, not what the restore's result gives it; a playbook checks them before its restore.
    type: str
    required: true
  region:
    description: The region the role works in; a KMS key ARN of another region is refused.
    type: str
notes:
  - A dotted tenant id such as C(1.2) is accepted with a warning - bucket names may contain dots, but AWS advises
    against them for virtual-hosted TLS.
extends_documentation_fragment:
  - restorekit.aws.attributes.controller
attributes:
  check_mode:
    description: Reads variables only; the same in check mode.
    support: full
  idempotent:
    description: Changes nothing.
    support: full
"""

EXAMPLES = r"""
- name: Check the inputs before any AWS call
  restorekit.aws.check_inputs:
    role: s3_restore
    region: "{{ restorekit_region }}"

- name: Check the validation's settings (-e validate_s3_parallelism=...) before the restore
  restorekit.aws.check_inputs:
    role: validate_s3:settings
    region: "{{ restorekit_region }}"
"""

RETURN = r"""
values:
  description: Each variable read, normalised (numbers given as strings become numbers; times become ISO 8601 UTC).
  returned: always
  type: dict
  sample: {"s3_restore_parallelism": 16, "s3_restore_target_time": "2026-11-20T05:00:00+00:00"}
derived:
  description: What the role's rules work out from the values, for the role to use (C(tenants) for P(restorekit.aws.s3_restore#role) - each tenant's
    C(id), C(production_bucket) and C(staging_bucket)).
  returned: always
  type: dict
  sample: {"tenants": [{"id": "12", "production_bucket": "app-prod-tenant-12", "staging_bucket": "app-prod-tenant-12-restore"}]}
  contains:
    tenants:
      description: The tenants to restore, in the order given, each with its production and staging bucket.
      type: list
      elements: dict
      returned: when O(role) is V(s3_restore) and its variables are good
      contains:
        id:
          description: The tenant's id, as given in C(s3_restore_tenant_ids).
          type: str
          returned: always
          sample: "12"
        production_bucket:
          description: The tenant's production bucket, C(<project>-<environment>-tenant-<id>).
          type: str
          returned: always
          sample: "app-prod-tenant-12"
        staging_bucket:
          description: The bucket the tenant is restored into, C(<project>-<environment>-tenant-<id>-restore).
          type: str
          returned: always
          sample: "app-prod-tenant-12-restore"
errors:
  description: One line per bad variable - its name, its value and what it must be.
  returned: failure
  type: list
  elements: str
  sample: ["s3_restore_kms_key_arn='not-a-key': not a KMS key (arn:aws:kms:<region>:<12-digit account>:key/<key id> or :alias/<name>)"]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def main():
    module = AnsibleModule(
        argument_spec=dict(role=dict(type="str", required=True), region=dict(type="str")),
        supports_check_mode=True,
    )
    # The work is done by the action plugin of the same name, on the control node.
    module.fail_json(msg="restorekit.aws.check_inputs runs as an action plugin on the control node; it cannot run as a module")


if __name__ == "__main__":
    module_process()
    main()
