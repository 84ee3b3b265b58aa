"""restorekit.aws.check_inputs in a role's first task: it checks the role's argument spec as ansible-core's validation
task would (same messages), then the role's rules; a playbook's check of a role it has yet to run leaves the spec to
the role. And every import of the collection's roles turns ansible-core's task off, where check_inputs does the work."""

from __future__ import annotations

import glob
import os

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.action import ActionBase
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: template text is trusted as it is

    def trust_as_template(value):
        return value

from ansible_collections.restorekit.aws.plugins.action import check_inputs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
INVENTORY = {"restorekit_project_name": "orbit", "restorekit_environment": "dr", "restorekit_region": "eu-west-1",
             "restorekit_account_id": "123456789012"}


class Role:
    def __init__(self, name):
        self.name = name

    def get_name(self, include_role_fqcn=True):
        return ("restorekit.aws." if include_role_fqcn else "") + self.name


class Task:
    def __init__(self, args, role=None):
        self.args = args
        self._role = Role(role) if role else None


def run(role_arg, task_vars, monkeypatch, inside=None):
    plugin = check_inputs.ActionModule.__new__(check_inputs.ActionModule)
    plugin._task = Task({"role": role_arg}, inside)
    plugin._loader = DataLoader()
    plugin._templar = Templar(loader=plugin._loader, variables=task_vars)
    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    return plugin.run(task_vars=task_vars)


def test_in_the_role_a_value_of_the_wrong_type_or_choice_fails_as_ansible_core_says_it(monkeypatch):
    bad = dict(INVENTORY, rds_restore_multi_az="sometimes", rds_restore_method="tape")
    result = run("rds_restore", bad, monkeypatch, inside="rds_restore")
    assert result["failed"] and result["msg"].startswith("Validation of arguments failed:\n")
    assert any("rds_restore_multi_az" in error and "sometimes" in error for error in result["argument_errors"])
    assert any("rds_restore_method" in error and "tape" in error for error in result["argument_errors"])


def test_in_the_role_a_survey_string_of_the_right_type_passes_the_spec(monkeypatch):
    # AWX surveys and -e give strings: "false" is a bool and "7" an int to the spec, as to ansible-core.
    survey = dict(INVENTORY, rds_restore_multi_az="false", rds_restore_backup_retention_period="7",
                  rds_restore_source_identifier="orbit-dr-db")
    result = run("rds_restore", survey, monkeypatch, inside="rds_restore")
    assert "argument_errors" not in result and not result.get("msg", "").startswith("Validation of arguments")


def test_in_the_role_the_spec_sees_values_as_the_role_will_templated_and_from_its_defaults(monkeypatch):
    # A template is checked for what it renders ("{{ 3 + 4 }}" is the int 7), as ansible-core checks it.
    templated = dict(INVENTORY, rds_restore_backup_retention_period=trust_as_template("{{ 3 + 4 }}"))
    assert "argument_errors" not in run("rds_restore", templated, monkeypatch, inside="rds_restore")
    not_a_number = dict(INVENTORY, rds_restore_backup_retention_period=trust_as_template("{{ 'a' ~ 'week' }}"))
    assert any("aweek" in error for error in run("rds_restore", not_a_number, monkeypatch, inside="rds_restore")["argument_errors"])
    # A role default that renders an inventory value of the wrong type: a dictionary for a list of names.
    inventory = dict(INVENTORY, restorekit_db_security_group_names={"app": "sg-1"})
    errors = run("rds_restore", inventory, monkeypatch, inside="rds_restore")["argument_errors"]
    assert any("rds_restore_security_group_names" in error for error in errors)


def test_a_playbooks_check_of_a_role_it_has_yet_to_run_leaves_the_spec_to_the_role(monkeypatch):
    bad = dict(INVENTORY, rds_restore_multi_az="sometimes")
    assert "argument_errors" not in run("rds_restore", bad, monkeypatch)
    assert "argument_errors" not in run("rds_restore", bad, monkeypatch, inside="restore_drill")
    # A validation role's settings, checked before the restore that gives it its endpoint: no spec, no required host.
    assert "argument_errors" not in run("validate_mysql:settings", INVENTORY, monkeypatch, inside="validate_mysql")


def test_an_entry_point_other_than_main_checks_its_own_spec(monkeypatch):
    result = run("restore_testing:validate", dict(INVENTORY, restore_testing_wait_timeout="soon"), monkeypatch, inside="restore_testing")
    assert result["failed"] and any("restore_testing_wait_timeout" in error for error in result["argument_errors"])


def _imports():
    """(file, role, block) of every import_role and include_role of a restorekit.aws role in playbooks and roles."""
    for path in sorted(glob.glob(os.path.join(ROOT, "playbooks", "*.yml")) + glob.glob(os.path.join(ROOT, "roles", "*", "tasks", "*.yml"))):
        with open(path, encoding="utf-8") as handle:
            stack = [yaml.safe_load(handle)]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                for key in [prefix + verb for prefix in ("", "ansible.builtin.", "ansible.legacy.") for verb in ("import_role", "include_role")]:
                    if isinstance(node.get(key), dict) and str(node[key].get("name", "")).startswith("restorekit.aws."):
                        yield os.path.relpath(path, ROOT), node[key]
                # A play's roles: section cannot turn ansible-core's check off: the collection's plays import their roles.
                assert "roles" not in node or "hosts" not in node, "%s: a play with roles:, not an import" % path
                stack.extend(value for value in node.values() if isinstance(value, (list, dict)))


def test_every_import_leaves_the_spec_to_the_roles_first_task_and_that_task_checks_it():
    imports = list(_imports())
    assert len(imports) > 20
    for path, spec in imports:
        assert spec.get("rolespec_validate") is False, "%s imports %s without rolespec_validate: false" % (path, spec["name"])
        role = spec["name"].split(".")[-1]
        entry = spec.get("tasks_from", "main")
        with open(os.path.join(ROOT, "roles", role, "tasks", entry + ".yml"), encoding="utf-8") as handle:
            first = yaml.safe_load(handle)[0]
        expected = role if entry == "main" else "%s:%s" % (role, entry)
        assert (first.get("restorekit.aws.check_inputs") or {}).get("role") == expected, \
            "%s: the first task of %s's %s is not check_inputs(role=%s)" % (path, role, entry, expected)
        assert set(first) <= {"name", "restorekit.aws.check_inputs", "run_once", "register"}, \
            "%s: the check of %s must run as it is (no when, tags, ignore_errors, failed_when)" % (path, role)
