# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RDS errors: amazon.aws's own (``module_utils/rds.py``), with the not-found codes of the calls this collection makes.

- ``AnsibleRDSError`` is amazon.aws's; the collection's RDS errors derive from it.
- ``RdsErrorHandler`` is amazon.aws's ``RDSErrorHandler``; a missing DB instance or automated backup is "missing"
  (``list_error_handler`` returns its default), whichever spelling of the code (with or without ``Fault``) answers.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.rds import AnsibleRDSError
from ansible_collections.amazon.aws.plugins.module_utils.rds import RDSErrorHandler

__all__ = ["AnsibleRDSError", "RdsErrorHandler"]

MISSING = ["DBInstanceNotFound", "DBInstanceNotFoundFault", "DBInstanceAutomatedBackupNotFound",
           "DBInstanceAutomatedBackupNotFoundFault", "DBSnapshotNotFound", "DBClusterNotFound", "DBClusterSnapshotNotFoundFault"]


class RdsErrorHandler(RDSErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING)
