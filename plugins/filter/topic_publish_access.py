# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: topic_publish_access
version_added: 0.1.0
short_description: Whether an SNS topic's access policy lets a service publish to it (used by the backup_alerts role)
description:
  - Evaluates the topic's access policy for one request - the service principal, the action C(sns:Publish) and the
    topic's ARN - as IAM evaluates a resource-based policy. An explicit C(Deny) that matches wins over every C(Allow).
  - Reads C(Principal) and C(NotPrincipal), C(Action) and C(NotAction) (case-insensitive, with the C(*) and C(?)
    wildcards), C(Resource) and C(NotResource).
  - A statement with a C(Condition) cannot be evaluated here; each is named in C(conditional). A conditional C(Allow)
    counts as allowing only when its principal names the service itself (the documented form, limited by
    C(aws:SourceArn) or C(aws:SourceAccount)); one that reaches the service only through a wildcard principal, such as
    SNS's default policy, does not. A conditional C(Deny) does not count as denying.
options:
  _input:
    description:
      - The topic's access policy, as a JSON string (what M(community.aws.sns_topic_info) returns) or a dictionary.
      - An empty or missing policy allows nothing.
    type: raw
    required: true
  topic_arn:
    description: The topic's ARN, matched against each statement's resources.
    type: str
    required: true
  service:
    description: The service principal that publishes.
    type: str
    default: events.amazonaws.com
"""

EXAMPLES = r"""
- name: Check that EventBridge may publish to the topic
  ansible.builtin.assert:
    that:
      - backup_alerts_access.allowed
    fail_msg: "Denied by {{ backup_alerts_access.denied_by }}, allowed by {{ backup_alerts_access.allowed_by }}"
  vars:
    backup_alerts_access: "{{ topic.result.sns_topic.policy | restorekit.aws.topic_publish_access(topic_arn) }}"
"""

RETURN = r"""
_value:
  description: Who in the policy decides.
  type: dict
  contains:
    allowed:
      description: A matching C(Allow) and no matching unconditional C(Deny).
      type: bool
    allowed_by:
      description: The C(Sid)s of the matching C(Allow) statements (C(statement N) for a statement without one).
      type: list
      elements: str
    denied_by:
      description: The C(Sid)s of the matching unconditional C(Deny) statements.
      type: list
      elements: str
    conditional:
      description: The C(Sid)s of the matching statements with a C(Condition).
      type: list
      elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils import _topic_policy


def topic_publish_access(policy, topic_arn, service="events.amazonaws.com"):
    try:
        return _topic_policy.publish_access(policy, topic_arn, service)
    except _topic_policy.PolicyError as e:
        raise AnsibleFilterError("topic_publish_access: %s" % e)


class FilterModule(object):
    """restorekit.aws SNS topic policy filter."""

    def filters(self):
        return {"topic_publish_access": topic_publish_access}
