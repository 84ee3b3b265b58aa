#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_preflight_info
version_added: 0.1.0
short_description: Restore preflight checks that no amazon.aws module covers
description:
  - Answers two questions a restore depends on, before anything changes.
  - May the caller pass the AWS Backup role? StartRestoreJob passes the role to AWS Backup, which needs
    C(iam:PassRole) on it. Asked of IAM's policy simulator (SimulatePrincipalPolicy) for the caller's identity; an
    STS assumed-role session is simulated as its role. If the simulator is refused or unavailable the check reports
    that it could not verify, with RV(checks[].ok) V(null), never a pass.
  - Is a target S3 bucket name free? Bucket names are global, so a listing of this account's buckets cannot tell;
    HeadBucket tells a free name (404) from one that exists here (200) or in another account (403).
  - Used by the role M(restorekit.aws.preflight), which adds the checks amazon.aws modules answer (caller identity,
    vault, KMS key, backup role and its policies, RDS identifiers).
  - Read-only; it changes nothing in AWS and never reports a change. It does not fail when a check fails; the
    caller decides.
author:
  - restorekit contributors (@restorekit)
options:
  pass_role_arn:
    description:
      - ARN of the role the caller must be allowed to pass, normally the AWS Backup role.
      - Must be an IAM role ARN, V(arn:aws:iam::ACCOUNT:role/NAME).
    type: str
  caller_arn:
    description:
      - ARN of the principal to simulate. Defaults to the caller (STS GetCallerIdentity).
    type: str
  bucket_names:
    description:
      - S3 bucket names that must be free (not exist in any account).
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: May the caller pass the backup role, and is the staging bucket name free?
  restorekit.aws.restore_preflight_info:
    pass_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
    bucket_names:
      - multi-tenant-app-prod-tenant-1-restore
  register: preflight_extra

- name: Stop on a failed check
  ansible.builtin.assert:
    that: preflight_extra.checks | selectattr('ok', 'false') | list | length == 0
    fail_msg: "{{ preflight_extra.checks | selectattr('ok', 'false') | map(attribute='fix') | list }}"
"""

RETURN = r"""
caller_arn:
  description: The principal whose permissions were simulated.
  returned: when O(pass_role_arn) is given
  type: str
  sample: arn:aws:iam::123456789012:user/oncall
checks:
  description: One entry per check, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    check:
      description: What was checked.
      type: str
      sample: caller may pass the backup role
    ok:
      description: V(true) passed, V(false) failed, V(null) could not be verified.
      type: bool
    status:
      description: The same in words.
      type: str
      sample: passed
      choices: [passed, failed, unverified]
    detail:
      description: What was found.
      type: str
    fix:
      description: How to fix a failed or unverified check; V(null) when passed.
      type: str
"""

import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight

ROLE_ARN = r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"


def main():
    argument_spec = dict(
        pass_role_arn=dict(type="str", no_log=False),
        caller_arn=dict(type="str"),
        bucket_names=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    role_arn = params["pass_role_arn"]
    if role_arn is not None and not re.match(ROLE_ARN, role_arn):
        module.fail_json(msg="pass_role_arn=%r is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" % role_arn)
    empty = [name for name in params["bucket_names"] if not name or not name.strip()]
    if empty:
        module.fail_json(msg="bucket_names=%r contains an empty name" % params["bucket_names"])

    def client(service):
        return module.client(service, retry_decorator=jittered_backoff())

    result = dict(changed=False)
    caller = params["caller_arn"]
    if role_arn and not caller:
        try:
            caller = client("sts").get_caller_identity(aws_retry=True)["Arn"]
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg="Failed to read the caller identity (sts:GetCallerIdentity)")
    if role_arn:
        result["caller_arn"] = caller
    result["checks"] = preflight.run_checks(client, caller, role_arn, params["bucket_names"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
