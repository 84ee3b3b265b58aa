# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""amazon.aws's ``is_boto3_error_code``, with its module imported when an error is examined, not before.

amazon.aws's ``module_utils/botocore.py`` imports boto3 when it is imported (about a seventh of a second). The rules
in this collection's module_utils are imported on the control node too: by ``restorekit.aws.check_inputs`` before
every role, by the ``restore_job`` action plugin and by filters such as ``preflight_report``. Through this function
they load without boto3 (a controller that has no boto3 checks a responder's input all the same), and a module run,
which imports amazon.aws's module anyway, pays nothing more.
"""

from __future__ import annotations


def is_boto3_error_code(code, e=None):
    """amazon.aws's ``module_utils.botocore.is_boto3_error_code``: for ``except is_boto3_error_code("X"):`` clauses and
    ``isinstance`` tests, an exception class matching a botocore ClientError whose code is CODE (a code or a list)."""
    # pylint: disable-next=import-outside-toplevel
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code as amazon_aws_is_boto3_error_code

    return amazon_aws_is_boto3_error_code(code, e=e)
