#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_validation_result
version_added: 0.1.0
short_description: Report the validation result of a restore testing job to AWS Backup
description:
  - Reports whether what a restore testing plan restored is valid (PutRestoreValidationResult), so AWS Backup shows
    the job's C(ValidationStatus) as C(SUCCESSFUL) or C(FAILED) with a message.
  - Only restore jobs created by a restore testing plan, and only once COMPLETED, take a result; any other job is
    refused before the call, naming it.
  - Idempotent - a job that already carries the same status and message is not changed. In check mode nothing is
    sent; C(changed) says whether it would be.
author:
  - restorekit contributors (@restorekit)
options:
  restore_job_id:
    description: The restore job a restore testing plan created.
    type: str
    required: true
  validation_status:
    description: The outcome of the validation.
    type: str
    required: true
    choices: [SUCCESSFUL, FAILED, TIMED_OUT, VALIDATING]
  validation_status_message:
    description: What was checked and, on failure, what failed. Longer messages are cut to 1000 characters.
    type: str
    default: ""
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The restored database passed its checks
  restorekit.aws.restore_validation_result:
    restore_job_id: "{{ job.restore_job_id }}"
    validation_status: SUCCESSFUL
    validation_status_message: "12 checks passed (restorekit.aws validate_restore_tests)"
"""

RETURN = r"""
before:
  description: The job's validation status and message before.
  returned: always
  type: dict
  sample: {"validation_status": "VALIDATING", "validation_status_message": null}
after:
  description: The validation status and message reported.
  returned: always
  type: dict
  sample: {"validation_status": "SUCCESSFUL", "validation_status_message": "12 checks passed"}
restore_job:
  description: The job as DescribeRestoreJob returns it after the report (snake_case; before it in check mode).
  returned: always
  type: dict
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing

MAX_MESSAGE = 1000


def main():
    argument_spec = dict(
        restore_job_id=dict(type="str", required=True),
        validation_status=dict(type="str", required=True, choices=list(restore_testing.VALIDATION_STATUSES)),
        validation_status_message=dict(type="str", default=""),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        inputs.text(params["restore_job_id"], "restore_job_id", strip=False)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    message = params["validation_status_message"] or None
    if message and len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE - 3] + "..."
    backup = module.client("backup", retry_decorator=jittered_backoff())
    try:
        changed, before, after, job = restore_testing.put_validation(
            backup, params["restore_job_id"], params["validation_status"], message, module.check_mode)
    except restore_testing.RestoreTestingError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, before=camel_dict_to_snake_dict(before), after=camel_dict_to_snake_dict(after),
                     restore_job=camel_dict_to_snake_dict(job))


if __name__ == "__main__":
    main()
