# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: validate_ec2_outcome
version_added: 0.1.0
short_description: Whether a restored EC2 fleet validated, or whether one round of reads passes
description:
  - From what the P(restorekit.aws.validate_ec2#role) role read (the same dictionary as
    P(restorekit.aws.validate_ec2_checks#filter) takes), the rules in C(plugins/module_utils/_ec2/validation.py).
  - C(outcome) - C(checks) (as P(restorekit.aws.validate_ec2_checks#filter) returns them), C(passed) (no check failed) and
    C(message) (the failure message, one line per failed check).
  - C(round) - C(passed) (every instance passes its status checks, is InService and Healthy in the group when there is
    one, and healthy in every target group) and C(line) (each instance's state and instance status), for the role's
    rounds of reads; the HTTP check and the AMI are checked once, after them.
options:
  _input:
    description: What the role read (see P(restorekit.aws.validate_ec2_checks#filter)).
    type: dict
    required: true
  step:
    description: Which answer.
    type: str
    choices: [outcome, round]
    default: outcome
"""

EXAMPLES = r"""
- name: Read again while an instance is not passing yet
  ansible.builtin.include_tasks: poll.yml
  when: not (validate_ec2_read | restorekit.aws.validate_ec2_outcome('round')).passed
"""

RETURN = r"""
_value:
  description: For C(outcome), C(checks), C(passed) and C(message); for C(round), C(passed) and C(line).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._ec2 import validation


def validate_ec2_outcome(read, step="outcome"):
    if not isinstance(read, dict):
        raise AnsibleFilterError("validate_ec2_outcome: expects a dictionary of what the role read, got %r" % (read,))
    if step == "outcome":
        return validation.outcome(read)
    if step == "round":
        return {"passed": validation.round_passed(read), "line": validation.round_line(read)}
    raise AnsibleFilterError("validate_ec2_outcome: step=%r is not one of outcome, round" % (step,))


class FilterModule(object):
    """restorekit.aws EC2 validation outcome filter."""

    def filters(self):
        return {"validate_ec2_outcome": validate_ec2_outcome}
