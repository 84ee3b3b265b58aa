# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error handler per service, in amazon.aws's shape: a missing thing is the list handler's default, any other
failure the service's AnsibleAWSError naming what was being done."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils import _drill
from ansible_collections.restorekit.aws.plugins.module_utils import _lock
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup import errors as backup_errors
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_access
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_testing
from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import errors as ec2_errors
from ansible_collections.restorekit.aws.plugins.module_utils._rds import errors as rds_errors
from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rds_restore
from ansible_collections.restorekit.aws.plugins.module_utils._rds import workflow
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import buckets
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import errors as s3_errors
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import point_in_time

HANDLERS = [
    (backup_errors.BackupErrorHandler, backup_errors.AnsibleBackupError, "ResourceNotFoundException"),
    (rds_errors.RdsErrorHandler, rds_errors.AnsibleRDSError, "DBInstanceNotFound"),
    (rds_errors.RdsErrorHandler, rds_errors.AnsibleRDSError, "DBInstanceAutomatedBackupNotFoundFault"),
    (s3_errors.S3ErrorHandler, s3_errors.AnsibleS3Error, "NoSuchBucket"),
    (s3_errors.S3ErrorHandler, s3_errors.AnsibleS3Error, "NoSuchLifecycleConfiguration"),
    (ec2_errors.EC2InstanceErrorHandler, ec2_errors.AnsibleEC2Error, "InvalidInstanceID.NotFound"),
    (ec2_errors.EC2InstanceErrorHandler, ec2_errors.AnsibleEC2Error, "InvalidInstanceID.Malformed"),
    (_lock.SSMErrorHandler, _lock.AnsibleSSMError, "ParameterNotFound"),
]


def failing(code):
    def call():
        raise botocore.exceptions.ClientError({"Error": {"Code": code, "Message": "the answer"}}, "Operation")
    return call


@pytest.mark.parametrize("handler, error, code", HANDLERS)
def test_a_missing_thing_is_the_list_handlers_default(handler, error, code):
    assert handler.list_error_handler("describe the thing", default_value=[])(failing(code))() == []


@pytest.mark.parametrize("handler, error, code", HANDLERS + [(_sts.STSErrorHandler, _sts.AnsibleSTSError, None)])
def test_any_other_failure_is_the_services_error_naming_what_was_done(handler, error, code):
    with pytest.raises(error) as caught:
        handler.list_error_handler("describe the thing", default_value=[])(failing("ValidationException"))()
    assert isinstance(caught.value, AnsibleAWSError)
    assert caught.value.message == "Failed to describe the thing"
    assert isinstance(caught.value.exception, botocore.exceptions.ClientError)
    assert str(caught.value) == "Failed to describe the thing: %s" % caught.value.exception


@pytest.mark.parametrize("handler, error, code", HANDLERS)
def test_the_common_handler_never_reads_missing_as_empty(handler, error, code):
    with pytest.raises(error, match="Failed to read the thing"):
        handler.common_error_handler("read the thing")(failing(code))()


def test_a_vault_aws_backup_refuses_is_not_found_or_not_allowed_never_empty():
    class Refusing:
        def get_paginator(self, name):
            raise botocore.exceptions.ClientError({"Error": {"Code": "AccessDeniedException", "Message": "denied"}}, "List")

    query = recovery_points.build_query({"backup_vault_name": "v1"})
    with pytest.raises(recovery_points.RecoveryPointError, match="backup vault v1 not found, or not allowed") as caught:
        recovery_points.list_recovery_points(Refusing(), query)
    assert caught.value.exception.response["Error"]["Code"] == "AccessDeniedException"


def test_a_restore_job_that_is_not_there_is_named():
    class Backup:
        def describe_restore_job(self, **request):
            failing("ResourceNotFoundException")()

    with pytest.raises(restore_jobs.RestoreJobError, match="restore_job_id='j1': no such restore job"):
        restore_jobs.describe(Backup(), "j1")


def test_a_restore_testing_plan_or_job_that_is_not_there():
    class Backup:
        def get_restore_testing_plan(self, **request):
            failing("ResourceNotFoundException")()

        def describe_restore_job(self, **request):
            failing("ResourceNotFoundException")()

    assert restore_testing.get_plan(Backup(), "p1") is None
    with pytest.raises(restore_testing.RestoreTestingError, match="restore_testing_plan='p1': no restore testing plan"):
        restore_testing.plan_arn(Backup(), "p1")
    with pytest.raises(restore_testing.RestoreTestingError, match="restore_job_id='j1': no such restore job"):
        restore_testing.put_validation(Backup(), "j1", "SUCCESSFUL", None, False)


@pytest.mark.parametrize("error, service", [
    (restore_jobs.RestoreJobError, backup_errors.AnsibleBackupError),
    (recovery_points.RecoveryPointError, backup_errors.AnsibleBackupError),
    (jobs_health.JobHealthError, backup_errors.AnsibleBackupError),
    (restore_access.RestoreAccessError, backup_errors.AnsibleBackupError),
    (rds_restore.RdsRestoreError, rds_errors.AnsibleRDSError),
    (workflow.WorkflowError, rds_errors.AnsibleRDSError),
    (buckets.StagingBucketError, s3_errors.AnsibleS3Error),
    (copy_engine.CopyError, s3_errors.AnsibleS3Error),
    (point_in_time.PointInTimeError, s3_errors.AnsibleS3Error),
])
def test_the_collections_errors_around_aws_calls_are_their_services(error, service):
    assert issubclass(error, service) and issubclass(service, AnsibleAWSError)


class Bucket:
    """S3 answering HeadBucket with CODE (None: the bucket is there, with no tags and no settings)."""

    def __init__(self, code=None):
        self.code = code
        self.calls = []

    def head_bucket(self, Bucket):  # pylint: disable=invalid-name
        if self.code:
            raise botocore.exceptions.ClientError({"Error": {"Code": self.code, "Message": "the answer"}}, "HeadBucket")

    def __getattr__(self, name):
        def call(**request):
            self.calls.append(name)
            if name.startswith("get_"):
                failing({"get_bucket_tagging": "NoSuchTagSet", "get_public_access_block": "NoSuchPublicAccessBlockConfiguration",
                         "get_bucket_ownership_controls": "OwnershipControlsNotFoundError"}[name])()
        return call


def pair():
    return {"production_bucket": "prod", "staging_bucket": "prod-restore", "tags": {"restore": "r1"}}


def test_a_staging_bucket_without_settings_reads_as_their_defaults_and_is_hardened():
    client = Bucket()
    done = buckets.for_each(lambda p: buckets.harden(client, p), [pair()], 1)[0]
    assert done["changed"] and done["public_access_blocked"] and done["tags_set"] == ["restore"]
    assert client.calls == ["get_public_access_block", "get_bucket_tagging", "put_public_access_block", "put_bucket_tagging"]


@pytest.mark.parametrize("code, error", [
    ("404", "staging bucket prod-restore does not exist (the restore job did not create it)"),
    ("403", "Failed to read bucket (permission denied): An error occurred (403) when calling the HeadBucket operation: the answer"),
    ("InternalError", "Failed to read bucket: An error occurred (InternalError) when calling the HeadBucket operation: the answer"),
])
def test_a_bucket_that_cannot_be_hardened_is_named_and_the_others_go_on(code, error):
    failed, done = buckets.for_each(lambda p: buckets.harden(Bucket(code) if p["staging_bucket"] == "prod-restore" else Bucket(), p),
                                    [pair(), dict(pair(), staging_bucket="other-restore")], 2)
    assert failed == {"production_bucket": "prod", "staging_bucket": "prod-restore", "error": error}
    assert done["changed"] and "error" not in done


class Parameters:
    """SSM holding PARAMETERS (name -> value); a put of an existing name is refused, as with Overwrite=false."""

    def __init__(self, parameters=None, put_error=None):
        self.parameters = dict(parameters or {})
        self.put_error = put_error

    def get_parameter(self, Name):  # pylint: disable=invalid-name
        if Name not in self.parameters:
            failing("ParameterNotFound")()
        return {"Parameter": {"Value": self.parameters[Name]}}

    def put_parameter(self, Name, Value, **request):  # pylint: disable=invalid-name
        if self.put_error:
            failing(self.put_error)()
        if Name in self.parameters:
            failing("ParameterAlreadyExists")()
        self.parameters[Name] = Value

    def delete_parameter(self, Name):  # pylint: disable=invalid-name
        if Name not in self.parameters:
            failing("ParameterNotFound")()
        del self.parameters[Name]


def test_the_run_lock_is_taken_once_and_released_only_by_its_run():
    ssm = Parameters()
    mine = _lock.make_record("me", "run-1")
    assert _lock.read_lock(ssm, "/lock") is None
    assert _lock.acquire(ssm, "/lock", mine)[0] is True
    with pytest.raises(_lock.LockError, match="held by me"):
        _lock.acquire(ssm, "/lock", _lock.make_record("you", "run-2"))
    assert _lock.release(ssm, "/lock", "run-2") == (False, _lock.read_lock(ssm, "/lock"))
    assert _lock.release(ssm, "/lock", "run-1")[0] is True and _lock.read_lock(ssm, "/lock") is None


def test_a_lock_lost_in_the_race_names_its_holder():
    class Racing(Parameters):
        def get_parameter(self, Name):  # pylint: disable=invalid-name
            if not self.parameters.get("seen"):
                self.parameters["seen"] = "1"
                failing("ParameterNotFound")()
            return {"Parameter": {"Value": '{"holder": "you", "run_id": "run-2"}'}}

        def put_parameter(self, Name, Value, **request):  # pylint: disable=invalid-name
            failing("ParameterAlreadyExists")()

    with pytest.raises(_lock.LockError, match="held by you"):
        _lock.acquire(Racing(), "/lock", _lock.make_record("me", "run-1"))


def test_a_lock_ssm_refuses_is_an_ssm_error():
    with pytest.raises(_lock.AnsibleSSMError, match="Failed to take the run lock: .*AccessDeniedException"):
        _lock.acquire(Parameters(put_error="AccessDeniedException"), "/lock", _lock.make_record("me", "run-1"))


class Answering:
    """A client of any service whose every call fails with CODE."""

    def __init__(self, code):
        self.code = code

    def __getattr__(self, name):
        return lambda **request: failing(self.code)()


@pytest.mark.parametrize("arn, missing, error", [
    ("arn:aws:rds:eu-west-1:123456789012:db:drill-db", "DBInstanceNotFound", rds_errors.AnsibleRDSError),
    ("arn:aws:s3:::drill-bucket", "404", s3_errors.AnsibleS3Error),
    ("arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0", "InvalidInstanceID.NotFound", ec2_errors.AnsibleEC2Error),
])
def test_what_a_drill_made_is_gone_when_its_service_says_missing_and_a_refusal_is_that_services_error(arn, missing, error):
    assert _drill.describe_resource(lambda service: Answering(missing), arn) == _drill.GONE
    with pytest.raises(error, match="ValidationException"):
        _drill.describe_resource(lambda service: Answering("ValidationException"), arn)


class Versioned:
    """A bucket answering GetBucketVersioning with VERSIONING (a code: that error) and no lifecycle configuration."""

    def __init__(self, versioning):
        self.versioning = versioning

    def get_bucket_versioning(self, Bucket):  # pylint: disable=invalid-name
        if not isinstance(self.versioning, dict):
            failing(self.versioning)()
        return self.versioning

    def get_bucket_lifecycle_configuration(self, Bucket):  # pylint: disable=invalid-name
        failing("NoSuchLifecycleConfiguration")()


@pytest.mark.parametrize("versioning, error, message", [
    ({"Status": "Enabled"}, None, None),
    ("NoSuchBucket", point_in_time.PointInTimeError, "bucket='b1' does not exist"),
    ({"Status": "Suspended"}, point_in_time.PointInTimeError, "versioning suspended"),
    ("AccessDenied", s3_errors.AnsibleS3Error, "Failed to read the versioning of bucket 'b1' \\(permission denied\\)"),
])
def test_a_point_in_time_bucket_is_checked_through_the_s3_handler(versioning, error, message):
    run = point_in_time.PointInTime(Versioned(versioning), {"bucket": "b1", "plan_sample": 1})
    if error is None:
        run.check_bucket()
        assert run.history_complete and not run.warnings
    else:
        with pytest.raises(error, match=message):
            run.check_bucket()


class Rds:
    """RDS answering every read with CODE."""

    def __init__(self, code):
        self.code = code

    def describe_db_instances(self, **request):
        failing(self.code)()

    def get_paginator(self, name):
        return self

    def paginate(self, **request):
        failing(self.code)()


def test_an_rds_instance_or_backup_that_is_not_there_is_none_and_a_refusal_is_an_rds_error():
    assert rds_restore.describe_instance(Rds("DBInstanceNotFound"), "db1") is None
    assert rds_restore.automated_backups(Rds("DBInstanceAutomatedBackupNotFoundFault"), "db1") == []
    # The restorable window is a best effort: unread, it is not checked (RDS checks the time itself).
    assert rds_restore.restore_window(Rds("AccessDenied"), {"SourceDBInstanceIdentifier": "db1"}) is None
    with pytest.raises(rds_errors.AnsibleRDSError, match="Failed to describe DB instance: .*AccessDenied"):
        rds_restore.describe_instance(Rds("AccessDenied"), "db1")
