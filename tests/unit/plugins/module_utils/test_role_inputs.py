"""The roles' input rules (module_utils/_role_inputs/), without Ansible: every variable of a role's argument spec is
read by its rules, and each class of bad value that applies to a variable is refused, naming it and its value."""

from __future__ import annotations

import datetime
import os

import pytest
import yaml

from ansible_collections.restorekit.aws.plugins.module_utils import _role_inputs as ri

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)
KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def role_options(role):
    name, _sep, entry = role.partition(":")
    # A playbook named like a role ("rds_restore.yml") has its own variables' rules under its file name.
    if name.endswith(".yml"):
        return playbook_variables(name[:-4])
    if not os.path.exists(os.path.join(ROOT, "roles", name)):
        return playbook_variables(name)
    with open(os.path.join(ROOT, "roles", name, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]
    if entry == "settings":
        # What a responder sets; a playbook gives the role the rest (DERIVED) from its restore's result.
        return {key: value for key, value in specs["main"]["options"].items() if key not in ri.DERIVED[name]}
    return specs[entry or "main"].get("options", {})


def playbook_variables(name):
    """A playbook's own variables: its play vars, and those its first task gives defaults (restore_drill.yml)."""
    with open(os.path.join(ROOT, "playbooks", name + ".yml"), encoding="utf-8") as handle:
        play = yaml.safe_load(handle)[0]
    found = {key: value for key, value in (play.get("vars") or {}).items() if not key.startswith("ansible_")}
    found.update(play["tasks"][0].get("ansible.builtin.set_fact") or {})
    return found


def run(role, **changes):
    values = dict(ri.EXAMPLES[role], **changes)
    return ri.check(role, values.get, region="us-east-1", now=NOW)


@pytest.mark.parametrize("role", sorted(ri.RULES))
def test_every_variable_of_the_role_is_read_by_its_rules(role):
    """A variable added to a role's argument spec without a rule fails here, named."""
    checked = run(role)
    assert checked.errors == [], checked.errors
    missing = sorted(set(role_options(role)) - set(checked.raw))
    assert missing == [], "%s: no input rule reads %s" % (role, ", ".join(missing))
    if role.endswith(":settings"):
        # Before the restore, what the restore will give the role is not there yet: its defaults are not checked.
        assert sorted(set(checked.raw) & set(ri.DERIVED[role.partition(":")[0]])) == []


def test_every_role_with_an_argument_spec_has_rules():
    """Each role whose tasks start with restorekit.aws.check_inputs has rules, and the other way round."""
    using = set()
    for role in os.listdir(os.path.join(ROOT, "roles")):
        main = os.path.join(ROOT, "roles", role, "tasks", "main.yml")
        if os.path.exists(main) and "restorekit.aws.check_inputs:" in open(main, encoding="utf-8").read():
            using.add(role)
    for name in os.listdir(os.path.join(ROOT, "playbooks")):
        if name.endswith(".yml") and "restorekit.aws.check_inputs:" in open(os.path.join(ROOT, "playbooks", name), encoding="utf-8").read():
            using.add(name[:-4])
    assert using == {name.partition(":")[0].removesuffix(".yml") for name in ri.RULES}


def test_every_role_has_an_example():
    assert sorted(ri.EXAMPLES) == sorted(ri.RULES)


def test_the_argument_spec_check_is_ansible_cores_with_its_messages():
    options = role_options("rds_restore")
    assert ri.argument_spec_errors(options, {"rds_restore_multi_az": "no", "rds_restore_backup_retention_period": "7"}) == []
    errors = ri.argument_spec_errors(options, {"rds_restore_multi_az": "sometimes", "rds_restore_method": "tape"})
    assert any("rds_restore_multi_az" in error and "sometimes" in error and "bool" in error for error in errors)
    assert any("rds_restore_method" in error and "tape" in error and "must be one of" in error for error in errors)
    assert ri.entry_point("rds_restore") == ("rds_restore", "main")
    assert ri.entry_point("restore_testing:validate") == ("restore_testing", "validate")
