"""The collection's retry policy retries what every protocol returns when it throttles, and nothing else."""

from __future__ import annotations

import botocore.exceptions
import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _retries


def flaky(codes):
    """A call that fails with each code in turn, then succeeds; counts its attempts."""
    attempts = []

    @_retries.jittered_backoff(retries=5, delay=0.01, max_delay=0.02)
    def call():
        attempts.append(1)
        if len(attempts) <= len(codes):
            raise botocore.exceptions.ClientError({"Error": {"Code": codes[len(attempts) - 1], "Message": "x"}}, "Op")
        return "answer"

    return call, attempts


@pytest.mark.parametrize("code", ["ThrottlingException", "SlowDown", "Throttling", "RequestLimitExceeded", "ServiceUnavailableException"])
def test_throttling_of_every_protocol_is_retried(code):
    call, attempts = flaky([code, code, code])
    assert call() == "answer" and len(attempts) == 4


def test_a_real_error_is_not_retried():
    call, attempts = flaky(["ResourceNotFoundException"])
    with pytest.raises(botocore.exceptions.ClientError):
        call()
    assert len(attempts) == 1
