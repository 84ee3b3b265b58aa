# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""S3 errors: amazon.aws's own (``module_utils/s3.py``), with the not-found codes of the calls this collection makes.

- ``AnsibleS3Error`` is amazon.aws's; the collection's S3 errors derive from it.
- ``S3ErrorHandler`` is amazon.aws's (a 403 raises ``AnsibleS3PermissionsError``, "(permission denied)"); a missing
  bucket, key or bucket configuration is "missing" (``list_error_handler`` returns its default).
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.s3 import AnsibleS3Error
from ansible_collections.amazon.aws.plugins.module_utils.s3 import S3ErrorHandler as AmazonS3ErrorHandler

__all__ = ["AnsibleS3Error", "S3ErrorHandler"]

MISSING = ["404", "NotFound", "NoSuchBucket", "NoSuchKey", "NoSuchTagSet", "NoSuchTagSetError", "NoSuchBucketPolicy",
           "NoSuchLifecycleConfiguration", "NoSuchPublicAccessBlockConfiguration", "OwnershipControlsNotFoundError",
           "NoSuchOwnershipControls", "ReplicationConfigurationNotFoundError", "ObjectLockConfigurationNotFoundError",
           "ServerSideEncryptionConfigurationNotFoundError"]


class S3ErrorHandler(AmazonS3ErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING)
