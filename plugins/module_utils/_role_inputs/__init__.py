# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input rules of the collection's roles and playbooks, by variable, on top of ``_inputs``.

A role's first task is ``restorekit.aws.check_inputs`` with the role's name: the action plugin resolves each variable
the role's rules read (``-e``, AWX survey answers, the inventory, the role's defaults) and fails, before any AWS call,
with every bad one named with its value. Inside the role it first checks the role's argument spec (types, choices,
required options: ``argument_spec_errors``, in place of ansible-core's own validation task); these rules check what a
type cannot say: names AWS refuses, ARNs of the wrong service or region, times in the future, ranges,
duplicates, and options that contradict each other. Numbers are read as ``-e`` and AWX surveys give them (``"5"``).

``RULES`` maps a role (``role`` or ``role:entry_point``, or a playbook's name for its own variables) to a function of
an ``Inputs``; the rules live by family in the modules beside this one. ``role:settings`` checks what a responder sets
for a validation role (the playbooks check it before their restore); ``DERIVED`` names the role's other variables,
which a playbook gives it from the restore's result. A unit test holds that every option of every
role's argument spec is read by its rules, so a new variable cannot go unchecked.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs import operate, restore, validate
from ansible_collections.restorekit.aws.plugins.module_utils._role_inputs.common import Inputs

RULES = {}
EXAMPLES = {}
DERIVED = {}
for _family in (restore, operate, validate):
    RULES.update(_family.RULES)
    EXAMPLES.update(_family.EXAMPLES)
    DERIVED.update(getattr(_family, "DERIVED", {}))


def check(role, resolve, region=None, now=None):
    """Check ROLE's variables; an ``Inputs`` with ``errors``, ``warnings`` and the normalised ``values``."""
    if role not in RULES:
        raise KeyError("no input rules for role %r (known: %s)" % (role, ", ".join(sorted(RULES))))
    inputs = Inputs(resolve, region=region, now=now)
    RULES[role](inputs)
    return inputs


def entry_point(role):
    """(role name, argument spec entry point) of a RULES key: ``rds_restore`` is rds_restore's ``main``,
    ``restore_testing:validate`` its ``validate`` (``role:settings`` names no entry point: see the module's doc)."""
    name, _sep, entry = role.partition(":")
    return name, entry or "main"


def argument_spec_errors(options, values):
    """What ansible-core's role argument validation says of VALUES, the role's variables the play defines (templated),
    against OPTIONS, the ``options`` of the role's argument spec entry point: the same validator, the same messages.

    The role's own ``check_inputs`` task (its first) does this in place of the validation task ansible-core would put
    before it, which the collection's plays turn off (``rolespec_validate: false``): one task checks a role's input."""
    return list(ArgumentSpecValidator(options).validate(values, validate_role_argument_spec=True).error_messages)
