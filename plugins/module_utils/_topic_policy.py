# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether an SNS topic's access policy lets an AWS service (EventBridge, for the backup alerts) publish to it.

The policy is evaluated as IAM evaluates a resource-based policy for one request - principal, action ``sns:Publish``
and the topic's ARN: an explicit Deny that matches wins over every Allow; without one, a matching Allow grants it.
``Principal``/``NotPrincipal``, ``Action``/``NotAction`` and ``Resource``/``NotResource`` are all read, actions
case-insensitively and with the ``*`` and ``?`` wildcards IAM allows (``sns:Pub*``).

A statement's ``Condition`` cannot be evaluated from here, and every matching conditional statement is named in
``conditional``. A conditional Allow that names the service itself counts as allowing: that is the form AWS documents
(``aws:SourceArn``/``aws:SourceAccount``, which EventBridge sends, against confused deputies). A conditional Allow
that reaches the service only through a wildcard principal does not count: SNS's own default policy is one
(``{"AWS": "*"}`` limited by ``AWS:SourceOwner``, a key EventBridge does not send), and EventBridge cannot publish
through it. A conditional Deny does not count either (the usual one refuses requests without TLS, which EventBridge
does not make).
"""

from __future__ import annotations

import json
import re

ACTION = "sns:Publish"


class PolicyError(ValueError):
    """A policy that is not a JSON policy document."""


def _as_list(value):
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _matches(pattern, value, case_sensitive):
    """IAM's wildcard match of one pattern (``*``: any run of characters, ``?``: one character; nothing else is special)."""
    pattern, value = str(pattern), str(value)
    if not case_sensitive:
        pattern, value = pattern.lower(), value.lower()
    expression = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(expression, value, re.DOTALL) is not None


def _any(patterns, value, case_sensitive=True):
    return any(_matches(pattern, value, case_sensitive) for pattern in _as_list(patterns))


def _names_service(principal, service):
    return isinstance(principal, dict) and service in _as_list(principal.get("Service"))


def _principal_matches(principal, service):
    """``"*"``, ``{"AWS": "*"}`` (everyone, services included) or ``{"Service": [...]}`` naming the service."""
    if principal == "*":
        return True
    return _names_service(principal, service) or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))


def _applies(statement, service, topic_arn):
    if "NotPrincipal" in statement:
        principal = not _principal_matches(statement["NotPrincipal"], service)
    else:
        principal = _principal_matches(statement.get("Principal"), service)
    if "NotAction" in statement:
        action = not _any(statement["NotAction"], ACTION, case_sensitive=False)
    else:
        action = _any(statement.get("Action"), ACTION, case_sensitive=False)
    if "NotResource" in statement:
        resource = not _any(statement["NotResource"], topic_arn)
    else:
        resource = "Resource" not in statement or _any(statement["Resource"], topic_arn)
    return principal and action and resource


def load(policy):
    """The policy as a dict, from a dict, a JSON string, or nothing (an empty policy)."""
    if policy is None or policy == "":
        return {}
    if isinstance(policy, dict):
        return policy
    try:
        loaded = json.loads(policy)
    except (TypeError, ValueError) as e:
        raise PolicyError("the topic policy is not JSON: %s" % e)
    if not isinstance(loaded, dict):
        raise PolicyError("the topic policy is not a JSON object: %r" % (loaded,))
    return loaded


def publish_access(policy, topic_arn, service="events.amazonaws.com"):
    """Who, in POLICY, decides whether SERVICE may publish to TOPIC_ARN.

    Returns ``allowed`` (a matching Allow and no matching unconditional Deny), ``allowed_by`` and ``denied_by`` (the
    Sids, ``statement N`` for those without one) and ``conditional`` (Sids of matching statements with a Condition).
    """
    statements = _as_list(load(policy).get("Statement"))
    allowed_by, denied_by, conditional = [], [], []
    for index, statement in enumerate(statements, start=1):
        if not isinstance(statement, dict) or not _applies(statement, service, topic_arn):
            continue
        name = statement.get("Sid") or "statement %d" % index
        if statement.get("Condition"):
            conditional.append(name)
        effect = statement.get("Effect")
        if effect == "Deny" and not statement.get("Condition"):
            denied_by.append(name)
        elif effect == "Allow" and (not statement.get("Condition") or _names_service(statement.get("Principal"), service)):
            allowed_by.append(name)
    return {"allowed": bool(allowed_by) and not denied_by, "allowed_by": allowed_by, "denied_by": denied_by,
            "conditional": conditional}
