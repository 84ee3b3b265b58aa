"""The modules' base class: clients of one module run share one boto3 session and keep amazon.aws's connection options
(region, endpoint, credentials, aws_config, a caller's config, the retry decorator)."""

from __future__ import annotations

import json

import boto3
import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.restorekit.aws.plugins.module_utils import _aws_module
from ansible_collections.restorekit.aws.plugins.module_utils import _retries


def module_args(**args):
    base = {"region": "eu-west-1", "endpoint_url": "http://127.0.0.1:5999", "access_key": "AKIAEXAMPLE",
            "secret_key": "secret", "aws_config": {"connect_timeout": 7}}
    base.update(args)
    return patch_module_args(base)


def module(**args):
    with module_args(**args):
        return _aws_module.AnsibleAWSModule(argument_spec={})


@pytest.fixture
def sessions(monkeypatch):
    """Every boto3 session the module makes."""
    made = []
    real = boto3.session.Session

    def counting(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(_aws_module.boto3.session, "Session", counting)
    return made


def test_clients_of_one_run_share_one_session(sessions):
    aws = module()
    clients = [aws.client(service) for service in ("sts", "backup", "rds", "backup")]
    assert len(sessions) == 1
    assert {c.meta.region_name for c in clients} == {"eu-west-1"}
    assert {c.meta.endpoint_url for c in clients} == {"http://127.0.0.1:5999"}
    assert clients[1].meta.config.connect_timeout == 7, "aws_config is applied"
    assert clients[1].meta.config.user_agent.startswith("APN/1.0 Ansible/")
    assert clients[1]._request_signer._credentials.access_key == "AKIAEXAMPLE"  # pylint: disable=protected-access


def test_a_missing_profile_fails_as_amazon_aws_says(sessions, monkeypatch, capsys):
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    with module_args(profile="no-such-profile", access_key=None, secret_key=None), pytest.raises(SystemExit):
        _aws_module.AnsibleAWSModule(argument_spec={}).client("sts")
    out = json.loads(capsys.readouterr().out)
    assert out["failed"] and out["msg"].startswith("Couldn't connect to AWS") and "no-such-profile" in out["msg"]
    assert sessions == []


def test_a_callers_config_and_the_retry_decorator_are_kept(sessions):
    aws = module()
    client = aws.client("s3", retry_decorator=_retries.jittered_backoff(), config={"max_pool_connections": 33})
    assert isinstance(client, RetryingBotoClientWrapper)
    assert client.client.meta.config.max_pool_connections == 33
    assert client.client.meta.config.connect_timeout == 7, "the module's aws_config still applies"
    assert len(sessions) == 1


def test_the_caller_identity_is_read_once_per_run(monkeypatch):
    """Several restores in one task ask whose account runs them: one sts:GetCallerIdentity."""
    aws = module()
    calls = []

    class Sts:
        def get_caller_identity(self):
            calls.append(1)
            return {"Account": "210987654321", "Arn": "arn:aws:iam::210987654321:user/me", "UserId": "AIDA"}

    monkeypatch.setattr(aws, "client", lambda service, **kwargs: Sts())
    assert [aws.caller_identity()["Account"] for attempt in range(3)] == ["210987654321"] * 3
    assert len(calls) == 1
