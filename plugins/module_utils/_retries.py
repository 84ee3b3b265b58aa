# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one retry policy for AWS calls.

amazon.aws's ``AWSRetry`` retries the query protocol's ``Throttling`` and ``RequestLimitExceeded``, but not the codes
the JSON services send when they throttle (``ThrottlingException``: AWS Backup, KMS, Secrets Manager, SSM) nor
S3's ``SlowDown``. A restore drill makes hundreds of such calls, so each must survive throttling, not only the first
few attempts botocore makes on its own.
"""

from __future__ import annotations

from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

RETRY_CODES = [
    "ThrottlingException",
    "ThrottledException",
    "SlowDown",
    "ServiceUnavailableException",
    "InternalServerError",
    "InternalServerException",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "PriorRequestNotComplete",
]


def jittered_backoff(retries=10, delay=3, max_delay=60):
    """``AWSRetry.jittered_backoff`` with the throttling and 5xx codes of every protocol the collection talks to."""
    return AWSRetry.jittered_backoff(retries=retries, delay=delay, max_delay=max_delay, catch_extra_error_codes=RETRY_CODES)


def client_for(module, retrying=True):
    """A function giving MODULE's client of a service, made once per module run with this retry policy: each new client
    costs about a tenth of a second, and a run that reads several things asks for the same service many times.
    RETRYING=False gives plain clients, for code that calls amazon.aws's helpers (they retry on their own) and
    decorates its own calls with ``jittered_backoff``."""
    clients = {}

    def get(service):
        if service not in clients:
            clients[service] = module.client(service, retry_decorator=jittered_backoff()) if retrying else module.client(service)
        return clients[service]

    return get
