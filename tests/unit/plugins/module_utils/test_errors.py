# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One error handler per service, in amazon.aws's shape: a missing thing is the list handler's default, any other
failure the service's AnsibleAWSError naming what was being done."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup import errors as backup_errors
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_access
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs
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
