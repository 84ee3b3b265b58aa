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
  - A result other than C(VALIDATING) ends the validation - AWS Backup then deletes what the job restored (the job's
    C(DeletionStatus), C(DELETING) then C(SUCCESSFUL) or C(FAILED), in RV(restore_job)). Validate before reporting.
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
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  idempotent:
    description: A job that already carries the same status and message is not changed.
    support: full
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
  contains:
    validation_status:
      description: The validation status before the report (V(FAILED), V(SUCCESSFUL), V(TIMED_OUT) or V(VALIDATING); null when none was reported).
      type: str
      returned: always
      sample: VALIDATING
    validation_status_message:
      description: Its message, or null.
      type: str
      returned: always
      sample: "12 checks passed"
after:
  description: The validation status and message reported.
  returned: always
  type: dict
  sample: {"validation_status": "SUCCESSFUL", "validation_status_message": "12 checks passed"}
  contains:
    validation_status:
      description: The validation status reported (V(FAILED), V(SUCCESSFUL), V(TIMED_OUT) or V(VALIDATING); null when none was reported).
      type: str
      returned: always
      sample: VALIDATING
    validation_status_message:
      description: Its message, or null.
      type: str
      returned: always
      sample: "12 checks passed"
restore_job:
  description: The job as DescribeRestoreJob returns it after the report (snake_case; before it in check mode).
  returned: always
  type: dict
  contains:
    restore_job_id:
      description:
        - The job's id. The job is AWS's DescribeRestoreJob answer in snake_case, with every other member AWS returns (for example
          C(iam_role_arn), C(backup_size_in_bytes), C(expected_completion_time_minutes)).
      type: str
      returned: always
      sample: 1043ABAA-1111-2222-3333-444455556666
    recovery_point_arn:
      description: The recovery point restored.
      type: str
      returned: always
      sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
    resource_type:
      description: The AWS Backup resource type.
      type: str
      returned: always
      sample: RDS
    status:
      description: C(PENDING), C(RUNNING), C(COMPLETED), C(ABORTED) or C(FAILED).
      type: str
      returned: always
      sample: COMPLETED
    status_message:
      description: Why the job ended so, as AWS says.
      type: str
      returned: when AWS returns it
      sample: "DB instance already exists"
    percent_done:
      description: How far the job is, as AWS says (a percentage as text).
      type: str
      returned: while AWS reports it
      sample: "45.00%"
    creation_date:
      description: When the job was created.
      type: str
      returned: always
      sample: "2026-11-20T06:00:00+00:00"
    completion_date:
      description: When the job ended.
      type: str
      returned: when the job has ended
      sample: "2026-11-20T06:25:00+00:00"
    created_resource_arn:
      description: What the job created.
      type: str
      returned: when the job has created it
      sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"
    validation_status:
      description: The job's validation status, as AWS Backup has it.
      type: str
      returned: when one was reported
      sample: SUCCESSFUL
    validation_status_message:
      description: Its message.
      type: str
      returned: when one was reported
      sample: "12 checks passed"
    created_by:
      description: What started the job.
      type: dict
      returned: always
      contains:
        restore_testing_plan_arn:
          description: The restore testing plan that started it.
          type: str
          returned: always
          sample: "arn:aws:backup:us-east-1:123456789012:restore-testing-plan:multi_tenant_app_prod_restore_testing-abc"
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process

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
    module_process()
    main()
