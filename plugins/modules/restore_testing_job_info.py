#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_testing_job_info
version_added: 0.1.0
short_description: List the restore jobs an AWS Backup restore testing plan ran
description:
  - Lists the restore jobs created by one restore testing plan (ListRestoreJobs with C(ByRestoreTestingPlanArn), all
    pages), optionally created within a window, or describes one such job by id. M(amazon.aws.backup_restore_job_info)
    cannot filter by plan.
  - Each job comes with what it created, by kind and name (the restored DB instance identifier, bucket name or
    instance id, from C(CreatedResourceArn)), the source resource's name, and its validation status.
  - Jobs are returned oldest first, ordered explicitly (AWS documents no order).
  - Read-only.
author:
  - restorekit contributors (@restorekit)
options:
  restore_testing_plan:
    description:
      - The restore testing plan, by name or ARN. Required unless O(restore_job_id) is given.
    type: str
  restore_job_id:
    description:
      - One restore job. It must have been created by a restore testing plan (by O(restore_testing_plan) when given).
    type: str
  created_after:
    description: Only jobs created at or after this time (ISO 8601 with an offset, for example V(2026-11-24T00:00:00+00:00)).
    type: str
  created_before:
    description: Only jobs created at or before this time (ISO 8601 with an offset).
    type: str
  status:
    description: Only jobs in this state.
    type: str
    choices: [PENDING, RUNNING, COMPLETED, ABORTED, FAILED]
  wait:
    description:
      - Wait until none of the jobs found is C(PENDING) or C(RUNNING) (reading the same jobs again, first after 0.2
        seconds, the interval doubling up to O(wait_delay)), for at most O(wait_timeout) seconds. Jobs still running then are returned as they
        are, with a warning; the task does not fail.
    type: bool
    default: false
  wait_timeout:
    description: Seconds to wait at most with O(wait=true), 0 to 604800 (a week).
    type: int
    default: 3600
  wait_delay:
    description: Seconds between two readings with O(wait=true) once the jobs have run a while, 1 to 3600.
    type: int
    default: 15
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: The jobs the plan ran in the last day
  restorekit.aws.restore_testing_job_info:
    restore_testing_plan: multi_tenant_app_prod_restore_testing
    created_after: "{{ '%Y-%m-%dT%H:%M:%S+00:00' | strftime(now(utc=true).timestamp() - 86400, utc=true) }}"
  register: tested

- name: One job
  restorekit.aws.restore_testing_job_info:
    restore_job_id: 0D2C3E4F-1A2B-4C5D-8E9F-0A1B2C3D4E5F
"""

RETURN = r"""
restore_testing_plan_arn:
  description: The plan's ARN (resolved from its name when a name was given).
  returned: when O(restore_testing_plan) is given
  type: str
restore_jobs:
  description: The jobs, oldest first, as DescribeRestoreJob/ListRestoreJobs return them (snake_case), plus the keys below.
  returned: always
  type: list
  elements: dict
  contains:
    restore_job_id:
      description: The job's id.
      type: str
    status:
      description: The job's state.
      type: str
    resource_type:
      description: RDS, S3 or EC2.
      type: str
    created_resource_arn:
      description: What the job created, once COMPLETED.
      type: str
    created_resource_kind:
      description: V(db), V(bucket) or V(instance); V(null) while nothing is created.
      type: str
    created_resource_name:
      description: The restored DB instance identifier, bucket name or instance id.
      type: str
    source_resource_arn:
      description: The resource the recovery point was taken from.
      type: str
    source_resource_name:
      description: Its DB instance identifier, bucket name or instance id.
      type: str
    recovery_point_arn:
      description: The recovery point restored.
      type: str
    recovery_point_creation_date:
      description: When that recovery point was made.
      type: str
    restore_testing_plan_arn:
      description: The plan that created the job.
      type: str
    validation_status:
      description: C(VALIDATING) until a result is reported, then C(SUCCESSFUL), C(FAILED) or C(TIMED_OUT).
      type: str
    deletion_status:
      description:
        - The deletion of what the job restored, which AWS Backup deletes once a result is reported or the validation
          window ends - C(DELETING), then C(SUCCESSFUL) or C(FAILED); absent before.
      type: str
    deletion_status_message:
      description: Why the deletion failed, when it did.
      type: str
"""


from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def check_options(params, region=None, now=None):
    """Every option checked before any AWS call: (created_after, created_before) as aware UTC datetimes, or
    InputError naming the option and its value."""
    plan = params["restore_testing_plan"]
    if plan is not None:
        if isinstance(plan, str) and plan.startswith("arn:"):
            inputs.arn(plan, "restore_testing_plan", "backup", ("restore-testing-plan",), region=region,
                       what="a restore testing plan ARN", shape="arn:aws:backup:<region>:<account>:restore-testing-plan:<name>-<id>")
        else:
            inputs.testing_name(plan, "restore_testing_plan")
    if params["restore_job_id"] is not None:
        inputs.text(params["restore_job_id"], "restore_job_id", strip=False)
    now = now or inputs.utc_now()
    after = inputs.past_time(params["created_after"], "created_after", now) if params["created_after"] else None
    before = inputs.parse_time(params["created_before"], "created_before", now) if params["created_before"] else None
    inputs.time_order(after, "created_after", before, "created_before", params["created_after"], params["created_before"])
    inputs.integer(params["wait_timeout"], "wait_timeout", 0, _poll.MAX_WAIT_TIMEOUT)
    inputs.integer(params["wait_delay"], "wait_delay", 1, 3600)
    return after, before


def running(jobs):
    return [job for job in jobs if job["Status"] in ("PENDING", "RUNNING")]


def wait_for(module, backup, arn, jobs):
    """JOBS once none is running, or as they are after wait_timeout (with a warning naming those still running).

    Each poll (the collection's cadence, with wait_delay as its interval) reads the same jobs again, one by one: a
    window read later could also bring in jobs started since."""
    state = {"jobs": jobs, "read": True}

    def check(waited):
        if not state["read"]:
            state["jobs"] = [restore_testing.list_jobs(backup, arn, restore_job_id=job["RestoreJobId"])[0] for job in state["jobs"]]
        state["read"] = False
        return not running(state["jobs"]), state["jobs"]

    try:
        return _poll.poll(check, module.params["wait_timeout"], module.params["wait_delay"])
    except _poll.PollTimeout as e:
        module.warn("restore jobs still running after %d s: %s" % (module.params["wait_timeout"], ", ".join(
            job["RestoreJobId"] for job in running(e.last))))
        return e.last


def main():
    argument_spec = dict(
        restore_testing_plan=dict(type="str"),
        restore_job_id=dict(type="str"),
        created_after=dict(type="str"),
        created_before=dict(type="str"),
        status=dict(type="str", choices=["PENDING", "RUNNING", "COMPLETED", "ABORTED", "FAILED"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=3600),
        wait_delay=dict(type="int", default=15),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True,
                              required_one_of=[("restore_testing_plan", "restore_job_id")],
                              mutually_exclusive=[("restore_job_id", "created_after"), ("restore_job_id", "created_before"),
                                                  ("restore_job_id", "status")])
    try:
        after, before = check_options(module.params, module.region)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    backup = module.client("backup", retry_decorator=jittered_backoff())
    result = dict(changed=False)
    try:
        arn = None
        if module.params["restore_testing_plan"]:
            arn = restore_testing.plan_arn(backup, module.params["restore_testing_plan"])
            result["restore_testing_plan_arn"] = arn
        jobs = restore_testing.list_jobs(backup, arn, after, before, module.params["restore_job_id"], module.params["status"])
        if module.params["wait"]:
            jobs = wait_for(module, backup, arn, jobs)
    except restore_testing.RestoreTestingError as e:
        module.fail_json(msg=str(e))
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    result["restore_jobs"] = [camel_dict_to_snake_dict(job) for job in jobs]
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
