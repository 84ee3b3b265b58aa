# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 errors: amazon.aws's own (``module_utils/ec2.py``).

- ``AnsibleEC2Error`` is amazon.aws's; the collection's EC2 errors derive from it.
- ``EC2InstanceErrorHandler`` is amazon.aws's, with a malformed instance id also "missing": an id that cannot exist
  names no instance (``list_error_handler`` returns its default).
- ``EC2SecurityGroupsErrorHandler`` is amazon.aws's (``InvalidGroup.NotFound`` is missing).
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import AnsibleEC2Error
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import EC2InstanceErrorHandler as AmazonEC2InstanceErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.ec2 import EC2SecurityGroupsErrorHandler

__all__ = ["AnsibleEC2Error", "EC2InstanceErrorHandler", "EC2SecurityGroupsErrorHandler"]

MISSING = ["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"]


class EC2InstanceErrorHandler(AmazonEC2InstanceErrorHandler):
    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code(MISSING)
