# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a topic policy lets EventBridge publish (_topic_policy, behind the topic_publish_access filter that the
backup_alerts role asserts on): the forms of policy an operator's monitoring module writes, and the ones that only
look like a grant."""

from __future__ import annotations

import json

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.topic_publish_access import topic_publish_access
from ansible_collections.restorekit.aws.plugins.module_utils import _topic_policy as policy

TOPIC = "arn:aws:sns:us-east-1:123456789012:backup-alerts"
OTHER = "arn:aws:sns:us-east-1:123456789012:other-topic"


def document(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(sid="AllowEventBridge", **fields):
    statement = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sns:Publish",
                 "Resource": TOPIC}
    statement.update(fields)
    return {k: v for k, v in statement.items() if v is not None}


@pytest.mark.parametrize("statement", [
    allow(),
    allow(Principal={"Service": ["lambda.amazonaws.com", "events.amazonaws.com"]}),
    allow(Principal="*"),
    allow(Principal={"AWS": "*"}),
    allow(Action=["SNS:publish"]),
    allow(Action="sns:Pub*"),
    allow(Action="sns:*"),
    allow(Action="*"),
    allow(Resource="arn:aws:sns:us-east-1:123456789012:backup-*"),
    allow(Resource="*"),
    allow(NotAction="sns:DeleteTopic"),
    allow(Principal=None, NotPrincipal={"AWS": "arn:aws:iam::123456789012:root"}),
    allow(Resource=None, NotResource=OTHER),
])
def test_grants_eventbridge_publish(statement):
    result = policy.publish_access(document(statement), TOPIC)
    assert result == {"allowed": True, "allowed_by": [statement["Sid"]], "denied_by": [], "conditional": []}


@pytest.mark.parametrize("statement", [
    allow(Principal={"Service": "lambda.amazonaws.com"}),
    allow(Principal={"AWS": "arn:aws:iam::123456789012:root"}),
    allow(Action="sns:Subscribe"),
    allow(Action="sns:Publish?"),
    allow(Resource=OTHER),
    allow(Resource="arn:aws:sns:us-east-1:123456789012:backup"),
    allow(NotAction="sns:*"),
    allow(Principal=None, NotPrincipal={"Service": "events.amazonaws.com"}),
    allow(Resource=None, NotResource=TOPIC),
    allow(Effect="Deny"),
])
def test_does_not_grant(statement):
    assert policy.publish_access(document(statement), TOPIC)["allowed"] is False


def test_an_explicit_deny_wins_and_is_named():
    deny = allow(sid="DenyAll", Effect="Deny", Principal="*", Action="sns:*")
    result = policy.publish_access(document(allow(), deny), TOPIC)
    assert result == {"allowed": False, "allowed_by": ["AllowEventBridge"], "denied_by": ["DenyAll"], "conditional": []}


def test_conditions_are_named_an_allow_naming_the_service_counts_a_deny_does_not():
    conditional_allow = allow(Condition={"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/*"}})
    insecure = allow(sid="DenyInsecure", Effect="Deny", Principal="*", Action="sns:Publish",
                     Condition={"Bool": {"aws:SecureTransport": "false"}})
    result = policy.publish_access(document(conditional_allow, insecure), TOPIC)
    assert result == {"allowed": True, "allowed_by": ["AllowEventBridge"], "denied_by": [],
                      "conditional": ["AllowEventBridge", "DenyInsecure"]}


def test_snss_default_policy_does_not_let_eventbridge_publish():
    """A new topic's policy: every principal of the owning account (AWS:SourceOwner), which EventBridge is not."""
    default = {"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
               "Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:Subscribe", "SNS:Publish"],
               "Resource": TOPIC, "Condition": {"StringEquals": {"AWS:SourceOwner": "123456789012"}}}
    result = policy.publish_access(document(default), TOPIC)
    assert result == {"allowed": False, "allowed_by": [], "denied_by": [], "conditional": ["__default_statement_ID"]}
    assert policy.publish_access(document(default, allow()), TOPIC)["allowed_by"] == ["AllowEventBridge"]


def test_policy_forms_json_one_statement_no_sid_and_empty():
    unnamed = allow(sid=None)
    assert policy.publish_access(json.dumps({"Statement": unnamed}), TOPIC)["allowed_by"] == ["statement 1"]
    for empty in (None, "", "{}", {}):
        assert policy.publish_access(empty, TOPIC) == {"allowed": False, "allowed_by": [], "denied_by": [], "conditional": []}


def test_the_filter_names_a_policy_that_is_not_json():
    assert topic_publish_access(json.dumps(document(allow())), TOPIC)["allowed"] is True
    with pytest.raises(AnsibleFilterError, match="topic_publish_access: the topic policy is not JSON"):
        topic_publish_access("{not json", TOPIC)
    with pytest.raises(AnsibleFilterError, match="not a JSON object"):
        topic_publish_access("[]", TOPIC)
