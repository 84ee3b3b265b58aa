# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWS connection options that module_defaults of group/restorekit.aws.aws hand every member of the group.

The controller-side actions of the group (check_inputs, run_phase) call no AWS API; they accept these options and
ignore them (check_inputs reads the region), so that a play's module_defaults never make them fail.
"""

from __future__ import annotations

AWS_CONNECTION_OPTIONS = frozenset((
    "access_key", "aws_access_key_id", "aws_access_key", "secret_key", "aws_secret_access_key", "aws_secret_key",
    "session_token", "aws_session_token", "profile", "aws_profile", "endpoint_url", "aws_endpoint_url", "validate_certs",
    "aws_ca_bundle", "aws_config", "debug_botocore_endpoint_logs", "aws_region", "region",
))


def unknown_options(args, options):
    """The task arguments that are neither OPTIONS nor connection options, sorted."""
    return sorted(set(args) - set(options) - AWS_CONNECTION_OPTIONS)
