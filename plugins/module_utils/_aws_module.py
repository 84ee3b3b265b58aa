# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's modules' base: amazon.aws's AnsibleAWSModule, whose clients share one boto3 session per module run.

amazon.aws makes a new boto3 session for every client. A session loads botocore's endpoint data and service models
and registers its event handlers anew, about a twelfth of a second each; a module that reads several services (the
preflight asks STS, IAM, AWS Backup, KMS and RDS) paid that for each. Clients of one session share what the session
loaded. Everything else is amazon.aws's: the connection options (``get_aws_connection_info``: region, endpoint_url,
credentials, profile, aws_config, validate_certs), the errors on a missing region or a bad setting, and the retry
decorator wrapped around a client.
"""

from __future__ import annotations

try:
    import boto3
    import botocore.config
    import botocore.exceptions
except ImportError:
    pass  # AnsibleAWSModule names the missing library.

from ansible.module_utils.ansible_release import __version__ as ANSIBLE_VERSION
from ansible_collections.amazon.aws.plugins.module_utils.botocore import enable_placebo
from ansible_collections.amazon.aws.plugins.module_utils.botocore import get_aws_connection_info
from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule as _AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.restorekit.aws.plugins.module_utils import _sts

USER_AGENT = "APN/1.0 Ansible/%s restorekit.aws" % ANSIBLE_VERSION


def client_config(connect_params):
    """The botocore Config of a client: the user agent, then the module's ``aws_config`` and a caller's ``config``
    (each a Config or a dict), merged in that order as amazon.aws merges them. Pops both from CONNECT_PARAMS."""
    config = botocore.config.Config(user_agent=USER_AGENT)
    for name in ("config", "aws_config"):
        extra = connect_params.pop(name, None)
        if extra:
            config = config.merge(extra if isinstance(extra, botocore.config.Config) else botocore.config.Config(**extra))
    return config


class AnsibleAWSModule(_AnsibleAWSModule):
    """amazon.aws's AnsibleAWSModule; ``client()`` gives clients of one boto3 session (one per profile)."""

    def __init__(self, *args, **kwargs):
        self._sessions = {}
        self._identity = None
        super().__init__(*args, **kwargs)

    def _session(self, profile):
        if profile not in self._sessions:
            session = boto3.session.Session(profile_name=profile)
            enable_placebo(session)
            self._sessions[profile] = session
        return self._sessions[profile]

    def client(self, service, retry_decorator=None, **extra_params):
        """A client of SERVICE with the module's connection options and EXTRA_PARAMS (for example ``config``),
        wrapped in RETRY_DECORATOR when given, as amazon.aws's ``client()``."""
        region, endpoint_url, connect_params = get_aws_connection_info(self)
        connect_params.update(extra_params)
        profile = connect_params.pop("profile_name", None)
        try:
            config = client_config(connect_params)
            client = self._session(profile).client(service, config=config, region_name=region, endpoint_url=endpoint_url,
                                                   **connect_params)
        except botocore.exceptions.NoRegionError:
            self.fail_json(msg="The %s module requires a region and none was found in configuration, environment variables "
                               "or module parameters" % self._name)
        except (ValueError, botocore.exceptions.BotoCoreError) as e:
            self.fail_json_aws(e, msg="Couldn't connect to AWS")
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    def caller_identity(self):
        """sts:GetCallerIdentity (Account, Arn, UserId), read once per module run however many restores ask."""
        if self._identity is None:
            self._identity = _sts.caller_identity(self.client("sts"))
        return self._identity
