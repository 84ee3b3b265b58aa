# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup errors, in amazon.aws's shape (``module_utils/errors.py``, ``module_utils/_autoscaling/common.py``).

- ``AnsibleBackupError``: an AWS Backup call that failed; the collection's Backup errors derive from it, so a module
  catches ``AnsibleAWSError`` once and calls ``module.fail_json_aws_error(e)``.
- ``BackupErrorHandler``: decorates one AWS Backup call: ``common_error_handler(description)`` raises
  ``AnsibleBackupError("Failed to <description>")``; ``list_error_handler(description, default)`` returns DEFAULT
  when the thing asked for does not exist (``ResourceNotFoundException``).
- ``VAULT_MISSING``: AWS Backup answers a backup vault that does not exist as it answers a caller without permission
  on it (``AccessDeniedException``). A missing vault is never read as "empty": the callers that meet it say
  "not found, or not allowed" (``advice.vault_not_found_or_denied``) and handle it explicitly.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

MISSING = ["ResourceNotFoundException"]
VAULT_MISSING = ["AccessDeniedException", "ResourceNotFoundException"]


class AnsibleBackupError(AnsibleAWSError):
    """An AWS Backup call that failed, or an answer of AWS Backup a restore cannot go on with."""


class BackupErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleBackupError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING)
