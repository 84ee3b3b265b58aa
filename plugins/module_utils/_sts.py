# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""STS, in amazon.aws's shape (``module_utils/errors.py``): who is running.

- ``AnsibleSTSError``: an STS call that failed.
- ``STSErrorHandler``: decorates one STS call (STS has nothing to be missing: ``_is_missing`` is amazon.aws's default).
- ``caller_identity``: sts:GetCallerIdentity, retried on throttling.
- ``partition_of`` and ``backup_role_arn``: the caller's ARN partition, and the runbook's backup role in the caller's
  account and partition (``arn:aws-cn:...`` in China, ``arn:aws-us-gov:...`` in GovCloud).
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff


class AnsibleSTSError(AnsibleAWSError):
    """An STS call that failed."""


class STSErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSTSError


@STSErrorHandler.common_error_handler("read the caller identity (sts:GetCallerIdentity)")
@jittered_backoff()
def caller_identity(client):
    return client.get_caller_identity()


def partition_of(caller_arn):
    """The ARN partition (aws, aws-cn, aws-us-gov) of the caller's ARN, as GetCallerIdentity answers it; aws when unknown."""
    parts = str(caller_arn or "").split(":")
    return parts[1] if len(parts) > 2 and parts[1].startswith("aws") else "aws"


def backup_role_arn(caller_arn, account, project_name, environment):
    """The runbook's backup role ``<project_name>-<environment>-backup-role`` in the caller's account and partition."""
    return "arn:%s:iam::%s:role/%s-%s-backup-role" % (partition_of(caller_arn), account, project_name, environment)
