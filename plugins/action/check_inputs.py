# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.check_inputs: check a role's variables on the control node, before any AWS call.

Each variable the role's rules (module_utils/_role_inputs.py) read is resolved by name, as the play sees it
(``-e``, AWX survey answers, the inventory, the role's defaults), so a role names its variables once, in Python. In the
role's own first task it checks the role's argument spec first, in place of ansible-core's validation task (the
collection imports its roles with ``rolespec_validate: false``). No module runs, and nothing in AWS is called.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleUndefinedVariable
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase

from ansible_collections.restorekit.aws.plugins.module_utils import _role_inputs
from ansible_collections.restorekit.aws.plugins.plugin_utils.connection import unknown_options

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: template text is trusted as it is

    def trust_as_template(value):
        return value


def _trusted(value):
    """The role's own defaults are templates of this collection, to be rendered as the role will render them."""
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, dict):
        return {key: _trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    return value


COLLECTION_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPTIONS = frozenset(("role", "region"))


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        unknown = unknown_options(args, OPTIONS)
        if unknown:
            result.update(failed=True, msg="unsupported option(s) %s; supported: %s" % (", ".join(unknown), ", ".join(sorted(OPTIONS))))
            return result
        role = to_text(args.get("role") or "")
        if role not in _role_inputs.RULES:
            result.update(failed=True, msg="role=%r has no input rules (known: %s)" % (role, ", ".join(sorted(_role_inputs.RULES))))
            return result

        # A playbook checks a role's inputs before it includes the role (and so before preflight): what the play does
        # not set comes from the role's defaults, as the role will see it.
        defaults = self._role_defaults(role)
        templar = self._templar.copy_with_new_env(available_variables=dict(defaults, **(task_vars or {}))) if defaults else self._templar

        def resolve(name):
            try:
                return templar.resolve_variable_expression(name)
            except AnsibleUndefinedVariable:
                return None

        spec_errors = self._argument_spec_errors(role, templar)
        if spec_errors:
            result.update(failed=True, msg="Validation of arguments failed:\n%s" % "\n".join(spec_errors), argument_errors=spec_errors)
            return result

        inputs = _role_inputs.check(role, resolve, region=to_text(args.get("region") or args.get("aws_region") or "") or None)
        result.update(changed=False, values=inputs.values, derived=inputs.derived, warnings=list(inputs.warnings))
        if inputs.errors:
            result.update(failed=True, msg=inputs.message(role), errors=inputs.errors)
        return result

    def _argument_spec_errors(self, role, templar):
        """In the role's own first task: its argument spec's errors, as ansible-core's validation task would give them
        (the variables the play defines, templated). A playbook's check of a role it has yet to run leaves the spec to
        the role: what the play passes it (an import's vars) is not there yet."""
        name, entry = _role_inputs.entry_point(role)
        own = getattr(self._task, "_role", None)
        if own is None or own.get_name(include_role_fqcn=False) != name:
            return []
        path = os.path.join(COLLECTION_ROOT, "roles", name, "meta", "argument_specs.yml")
        spec = ((self._loader.load_from_file(path) or {}).get("argument_specs") or {}).get(entry) if os.path.isfile(path) else None
        if not spec:
            return []
        options = spec.get("options") or {}
        defined = {option: templar.available_variables[option] for option in options if option in templar.available_variables}
        return _role_inputs.argument_spec_errors(options, templar.template(defined))

    def _role_defaults(self, role):
        """The variables of ROLE's defaults/main.yml (a playbook's own rules have none)."""
        path = os.path.join(COLLECTION_ROOT, "roles", _role_inputs.entry_point(role)[0], "defaults", "main.yml")
        if not os.path.isfile(path):
            return {}
        return _trusted(self._loader.load_from_file(path) or {})
