# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Starting an AWS Backup restore exactly once, and waiting for it: the AWS side of ``restorekit.aws.restore_job``.

Restores run for a long time and a responder's session can die mid-wait. Re-running must find the job already
started, not start a second one. Two independent guards: a deterministic idempotency token (AWS returns the same
job for the same token), and a look at recent jobs of the same recovery point and target before starting (which
also holds where tokens are not honoured, and across token expiry).
"""

from __future__ import annotations

import datetime
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import AnsibleBackupError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._ec2.errors import EC2InstanceErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._rds.errors import RdsErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import S3ErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._backup import advice
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._backup.restore_metadata import same_target

ACTIVE = ("PENDING", "RUNNING")
FAILED = ("FAILED", "ABORTED")
FINAL = ("COMPLETED",) + FAILED
RESTORABLE_POINT_STATUSES = ("COMPLETED", "AVAILABLE")


class RestoreJobError(AnsibleBackupError):
    """A restore that cannot go on; ``job`` is the restore job as AWS describes it, when there is one, and ``jobs``
    every job of a ``wait_many`` (their last state)."""

    def __init__(self, message, job=None, jobs=None):
        super().__init__(message=message)
        self.job = job
        self.jobs = jobs or []


@jittered_backoff()
def _paginate(client, method, **request):
    return client.get_paginator(method).paginate(**request).build_full_result()


@jittered_backoff()
def _call(client, method, **request):
    return getattr(client, method)(**request)


def _vault(vault, account):
    """The arguments that name a vault: another account's (BackupVaultAccountId) when ACCOUNT is given."""
    return dict({"BackupVaultName": vault}, **({"BackupVaultAccountId": account} if account else {}))


@BackupErrorHandler.common_error_handler("describe recovery point")
def describe_recovery_point(client, vault, arn, account=None):
    """DescribeRecoveryPoint, with a message that names the vault and the point when either is unknown; ACCOUNT: the
    vault's owner, for a vault another account shares with this one."""
    try:
        return _call(client, "describe_recovery_point", RecoveryPointArn=arn, **_vault(vault, account))
    except is_boto3_error_code("ResourceNotFoundException") as e:
        raise RestoreJobError("backup_vault_name=%r / recovery_point_arn=%r: %s" % (vault, arn, e.response["Error"].get("Message"))) from None
    except is_boto3_error_code("AccessDeniedException") as e:
        if not account:
            raise
        raise RestoreJobError("%s. Fix: %s" % advice.shared_vault_not_found_or_denied(vault, account, "backup:DescribeRecoveryPoint")) from e


@BackupErrorHandler.common_error_handler("get recovery point restore metadata")
def recovery_point_metadata(client, vault, arn, account=None):
    return _call(client, "get_recovery_point_restore_metadata", RecoveryPointArn=arn, **_vault(vault, account)).get("RestoreMetadata", {})


@BackupErrorHandler.list_error_handler("describe restore job")
def _describe_restore_job(client, job_id):
    return _call(client, "describe_restore_job", RestoreJobId=job_id)


def describe(client, job_id):
    job = _describe_restore_job(client, job_id)
    if job is None:
        raise RestoreJobError("restore_job_id=%r: no such restore job in this account and region" % job_id)
    return job


def runbook_role_arn(identity, project_name, environment):
    """The runbook's backup role of PROJECT_NAME and ENVIRONMENT, in the account and partition of IDENTITY (the
    caller's, as sts:GetCallerIdentity answers it)."""
    return _sts.backup_role_arn(identity.get("Arn"), identity["Account"], project_name, environment)


@BackupErrorHandler.common_error_handler("start restore job")
def start(client, request):
    return _call(client, "start_restore_job", **request)["RestoreJobId"]


@BackupErrorHandler.common_error_handler("list restore jobs")
def _restore_jobs(client, resource_type, since):
    return _paginate(client, "list_restore_jobs", ByResourceType=resource_type, ByCreatedAfter=since).get("RestoreJobs", [])


@BackupErrorHandler.common_error_handler("get restore job metadata")
def _restore_job_metadata(client, job_id):
    return _call(client, "get_restore_job_metadata", RestoreJobId=job_id).get("Metadata", {})


def find_existing(client, recovery_point_arn, resource_type, metadata, since, resource_exists):
    """(job, superseded): the newest job of this recovery point (any point: None) and target that is still running, or
    completed with its resource present; and the ids of completed jobs of the same restore whose resource is gone.

    ListRestoreJobs carries no target, so each candidate's metadata is read (GetRestoreJobMetadata) and compared.
    A COMPLETED job whose created resource is gone does not count: restoring again is then what the play wants.
    """
    jobs = _restore_jobs(client, resource_type, since)
    candidates = [j for j in jobs if recovery_point_arn in (None, j.get("RecoveryPointArn")) and j.get("Status") in ACTIVE + ("COMPLETED",)]
    candidates.sort(key=lambda j: j.get("CreationDate") or datetime.datetime.min.replace(tzinfo=datetime.timezone.utc), reverse=True)
    superseded = []
    for job in candidates:
        theirs = _restore_job_metadata(client, job["RestoreJobId"])
        if not same_target(resource_type, metadata, theirs):
            continue
        if job["Status"] in ACTIVE:
            return job, superseded
        if job.get("CreatedResourceArn") and resource_exists(job["CreatedResourceArn"]):
            return job, superseded
        superseded.append(job["RestoreJobId"])
    return None, superseded


@RdsErrorHandler.list_error_handler("describe DB instance", default_value=False)
def _db_instance_exists(client, identifier):
    _call(client, "describe_db_instances", DBInstanceIdentifier=identifier)
    return True


@S3ErrorHandler.list_error_handler("read bucket", default_value=False)
def _bucket_exists(client, name):
    _call(client, "head_bucket", Bucket=name)
    return True


@EC2InstanceErrorHandler.list_error_handler("describe instance", default_value=False)
def _instance_exists(client, instance_id):
    found = _call(client, "describe_instances", InstanceIds=[instance_id])
    states = [i["State"]["Name"] for r in found.get("Reservations", []) for i in r.get("Instances", [])]
    return any(state not in ("terminated", "shutting-down") for state in states)


def resource_exists(clients, arn):
    """Whether what a restore created still exists (an RDS instance, a bucket, a running or stopped instance)."""
    service = arn.split(":")[2]
    if service == "rds":
        return _db_instance_exists(clients("rds"), arn.rsplit(":", 1)[1])
    if service == "s3":
        return _bucket_exists(clients("s3"), arn.rsplit(":", 1)[1])
    if service == "ec2":
        return _instance_exists(clients("ec2"), arn.rsplit("/", 1)[1])
    return True


def wait(client, job_id, timeout, poll_interval, on_poll=None, sleep=time.sleep, clock=time.monotonic):
    """Poll (the collection's cadence, module_utils/_poll.py) until the job ends; fail on FAILED/ABORTED or timeout."""
    def check(waited):
        job = describe(client, job_id)
        if on_poll:
            on_poll(job, waited)
        if job["Status"] in FAILED:
            raise RestoreJobError(failure_message(job), job)
        return job["Status"] == "COMPLETED", job

    try:
        return _poll.poll(check, timeout, poll_interval, sleep, clock)
    except _poll.PollTimeout as e:
        raise RestoreJobError(timeout_message(e.last, timeout), e.last) from None


def settle(client, job_id, seconds, job=None, sleep=time.sleep, clock=time.monotonic):
    """The job's state once it has ended or SECONDS have passed, whichever comes first; never raises for the time.

    The collection's cadence (module_utils/_poll.py): within one module run, a job that ends in seconds is seen ended,
    with no further module run to poll it."""
    def check(waited):
        current = describe(client, job_id)
        return current["Status"] in FINAL, current

    job = job or describe(client, job_id)
    if seconds <= 0:
        return job
    try:
        return _poll.poll(check, seconds, seconds, sleep, clock, first=(job["Status"] in FINAL, job))
    except _poll.PollTimeout as e:
        return e.last


def wait_many(client, job_ids, timeout, poll_interval, on_poll=None, sleep=time.sleep, clock=time.monotonic):
    """Poll several jobs together until every one has ended; return them in the order of JOB_IDS.

    One wait for all the restores of a run: each round describes only the jobs still active, then sleeps once (the
    same backoff as ``wait``), so N jobs take as long as the slowest, not N waits in a row. Raises
    ``RestoreJobError`` when any ended FAILED/ABORTED (after all have ended, naming each) or on timeout (naming
    those still running); the error's ``jobs`` holds every job's last state.
    """
    latest = {}

    def check(waited):
        for job_id in job_ids:
            if job_id not in latest or latest[job_id]["Status"] not in FINAL:
                latest[job_id] = describe(client, job_id)
        jobs = [latest[job_id] for job_id in job_ids]
        if on_poll:
            on_poll(jobs, waited)
        return all(job["Status"] in FINAL for job in jobs), jobs

    try:
        jobs = _poll.poll(check, timeout, poll_interval, sleep, clock)
    except _poll.PollTimeout as e:
        active = [job for job in e.last if job["Status"] not in FINAL]
        raise RestoreJobError("; ".join(timeout_message(job, timeout) for job in active), active[0], e.last) from None
    failed = [job for job in jobs if job["Status"] in FAILED]
    if failed:
        raise RestoreJobError("; ".join(failure_message(job) for job in failed), failed[0], jobs)
    return jobs


def failure_message(job):
    return "restore job %s %s: %s" % (job["RestoreJobId"], job["Status"], job.get("StatusMessage") or "no status message")


def timeout_message(job, timeout):
    return ("restore job %s is still %s after wait_timeout=%ss; it goes on in AWS. Re-running the same task adopts it "
            "instead of starting another." % (job["RestoreJobId"], job.get("Status"), timeout))


def elapsed_seconds(job, now=None):
    """Seconds from the job's creation to its completion (or to now, while it runs)."""
    created = job.get("CreationDate")
    if not isinstance(created, datetime.datetime):
        return None
    end = job.get("CompletionDate") if isinstance(job.get("CompletionDate"), datetime.datetime) else None
    end = end or now or datetime.datetime.now(tz=created.tzinfo or datetime.timezone.utc)
    return round((end - created).total_seconds(), 1)


def point_is_restorable(point):
    if point.get("Status") not in RESTORABLE_POINT_STATUSES:
        raise RestoreJobError("recovery point %s is %s%s; only COMPLETED points restore"
                              % (point.get("RecoveryPointArn"), point.get("Status"),
                                 " (%s)" % point["StatusMessage"] if point.get("StatusMessage") else ""))


def job_result(job):
    """A restore job as the modules return it: its id, the job (snake_case), the seconds it took and, once
    COMPLETED, what it created."""
    job = {k: v for k, v in job.items() if k != "ResponseMetadata"}
    out = {"restore_job_id": job["RestoreJobId"], "restore_job": camel_dict_to_snake_dict(job),
           "elapsed_seconds": elapsed_seconds(job)}
    if job.get("CreatedResourceArn") and job.get("Status") == "COMPLETED":
        out["created_resource_arn"] = job["CreatedResourceArn"]
    return out


def plan(client, params, region, role_of, exists, now=None, caller_account=None):
    """Everything a restore decides before it starts, with reads only: the recovery point, the final metadata
    (checked), the role, and a job of the same restore to adopt.

    PARAMS holds restore_job's options (recovery_point_arn, backup_vault_name or project_name and environment,
    backup_vault_account_id,
    resource_type, metadata, target_name, allow_source_target, iam_role_arn, copy_source_tags, adopt_window_hours,
    and ``_where``, the prefix an entry of ``restores`` is named by). ROLE_OF() gives the runbook's backup role ARN when
    iam_role_arn is empty, CALLER_ACCOUNT() the caller's account (an iam_role_arn of another is refused); EXISTS(arn)
    says whether what a completed job created is still there. Returns the plan
    (``request``, ``existing``, ``result``, ``target``, ``warnings``); raises RestoreJobError or MetadataError.
    """
    arn = params["recovery_point_arn"]
    vault = params["backup_vault_name"] or "%s-%s-backup-vault" % (params["project_name"], params["environment"])
    account = params.get("backup_vault_account_id")
    point = describe_recovery_point(client, vault, arn, account)
    resource_type = rm.check_resource_type(arn, params["resource_type"], point.get("ResourceType"))
    point_is_restorable(point)
    rm.check_values(resource_type, params["metadata"], inputs.region_of(arn) or region, params.get("_where", "") + "metadata")
    own = recovery_point_metadata(client, vault, arn, account)
    metadata, warnings = rm.merge(resource_type, own, params["metadata"], params["target_name"])
    source = rm.source_name(resource_type, own, point.get("ResourceArn"))
    rm.check_target(resource_type, metadata, source, params["allow_source_target"])
    if params["iam_role_arn"] and caller_account is not None:
        # AWS Backup is passed a role of the account the restore runs in: the caller's, whichever account owns the point
        # (a vault shared with this one, a restore access vault).
        try:
            inputs.iam_role_arn(params["iam_role_arn"], "iam_role_arn", account=caller_account())
        except inputs.InputError as e:
            raise RestoreJobError(e.message) from None
    role = params["iam_role_arn"] or role_of()
    since = (now or datetime.datetime.now(tz=datetime.timezone.utc)) - datetime.timedelta(hours=params["adopt_window_hours"])
    existing, superseded = find_existing(client, arn, resource_type, metadata, since, exists)
    request = {"RecoveryPointArn": arn, "Metadata": metadata, "IamRoleArn": role, "ResourceType": resource_type,
               "IdempotencyToken": rm.idempotency_token(arn, resource_type, metadata, superseded)}
    if params["copy_source_tags"]:
        request["CopySourceTagsToRestoredResource"] = True
    # EC2 user data (the point's own, or new) may carry secrets: it is sent, never shown.
    shown = dict(metadata, UserData="(user data, %d characters, not shown)" % len(metadata["UserData"])) if metadata.get("UserData") else metadata
    result = dict(changed=False, metadata=shown, request=dict(request, Metadata=shown), source=source, resource_type=resource_type)
    target = metadata.get(rm.TARGET_KEYS[resource_type]) if rm.TARGET_KEYS[resource_type] else None
    return {"request": request, "existing": existing, "result": result, "target": target, "warnings": warnings, "point": point}
