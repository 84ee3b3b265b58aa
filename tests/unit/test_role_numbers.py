# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every int or float option of a role is cast where Jinja compares or computes with it.

`-e name=5` and an AWX text survey hand a role the string "5". Its argument spec (`type: int`) accepts the string
but does not convert the variable, so `name >= 1` fails with "'>=' not supported between 'str' and 'int'" and
`name * 3600` repeats a string. Options handed to a module need no cast (the module converts); a comparison,
arithmetic, a slice or range() in the role's own Jinja needs `| int` or `| float` on the option.

This reads every role's meta/argument_specs.yml and the Jinja of its tasks, handlers and templates (conditionals are
bare expressions, other strings are templates) and names each place an int/float option is used raw: as an operand
of a comparison or of arithmetic, a slice bound, an argument of range(), or the value a comparison test
(select('le', ...), selectattr(NAME, 'le', ...)) checks, where the options nested in a list or dict are named by
their key.
"""

from __future__ import annotations

import pathlib
import warnings

import jinja2
from jinja2 import nodes
import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLES = sorted(path.parent.parent.name for path in (ROOT / 'roles').glob('*/meta/argument_specs.yml'))
CONDITIONAL_KEYS = {'when', 'that', 'failed_when', 'changed_when', 'until'}
ARITHMETIC = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Pow)
# A filter or test that leaves a string a string: `x | default(0)` is still "5" when x is "5".
PASS_THROUGH = {'default', 'd', 'mandatory', 'trim'}
COMPARISON_TESTS = {'eq', 'equalto', '==', 'ne', '!=', 'lt', 'lessthan', '<', 'le', '<=', 'gt', 'greaterthan', '>',
                    'ge', '>='}
ENV = jinja2.Environment(extensions=['jinja2.ext.do', 'jinja2.ext.loopcontrols'])


def numeric_options(role):
    """(top-level names, nested names) of the role's int/float options, over all its entry points."""
    spec = yaml.safe_load((ROOT / 'roles' / role / 'meta' / 'argument_specs.yml').read_text(encoding='utf-8'))
    top, nested = set(), set()

    def walk(options, into):
        for name, option in (options or {}).items():
            if option.get('type') in ('int', 'float'):
                into.add(name)
            walk(option.get('options'), nested)

    for entry_point in spec['argument_specs'].values():
        walk(entry_point.get('options'), top)
    return top, nested


def jinja_strings(path):
    """(line, template source) for each string of a tasks/handlers file that Ansible templates."""
    found = []

    def walk(node, conditional):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, isinstance(key, yaml.ScalarNode) and key.value in CONDITIONAL_KEYS)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item, conditional)
        elif isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            text = node.value
            if '{{' in text or '{%' in text:
                found.append((node.start_mark.line + 1, text))
            elif conditional and node.tag == 'tag:yaml.org,2002:str' and text.strip():
                found.append((node.start_mark.line + 1, '{{ %s }}' % text))

    with open(path, encoding='utf-8') as handle:
        for document in yaml.compose_all(handle):
            walk(document, False)
    return found


def raw_name(node, top, nested):
    """The option NODE is, when it evaluates to the option's value uncast; else None."""
    while isinstance(node, nodes.Filter) and node.name in PASS_THROUGH:
        node = node.node
    if isinstance(node, nodes.Name) and node.name in top:
        return node.name
    if isinstance(node, nodes.Getattr) and node.attr in nested:
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and node.arg.value in nested:
        return node.arg.value
    return None


def raw_uses(template, top, nested):
    """(option, how) for each raw use of an int/float option in TEMPLATE."""
    uses = []

    def check(node, how):
        name = raw_name(node, top, nested)
        if name:
            uses.append((name, how))

    with warnings.catch_warnings():
        # Regular expressions in Jinja string literals ('\\d') make the lexer warn; they are not what this checks.
        warnings.simplefilter('ignore', DeprecationWarning)
        tree = ENV.parse(template)
    for node in tree.find_all(nodes.Node):
        if isinstance(node, nodes.Compare):
            check(node.expr, 'compared')
            for operand in node.ops:
                check(operand.expr, 'compared')
        elif isinstance(node, ARITHMETIC):
            check(node.left, 'used in arithmetic')
            check(node.right, 'used in arithmetic')
        elif isinstance(node, nodes.Mod):
            check(node.left, 'used in arithmetic')  # on the right of %, a value is formatted into a string: fine
        elif isinstance(node, nodes.Neg):
            check(node.node, 'used in arithmetic')
        elif isinstance(node, nodes.Slice):
            for bound in (node.start, node.stop, node.step):
                check(bound, 'a slice bound')
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == 'range':
            for arg in node.args:
                check(arg, 'an argument of range()')
        elif isinstance(node, (nodes.Filter, nodes.Test)) and node.name in ('select', 'reject', 'selectattr', 'rejectattr'):
            consts = [arg.value for arg in node.args if isinstance(arg, nodes.Const)]
            if any(test in COMPARISON_TESTS for test in consts):
                for arg in node.args:
                    check(arg, 'compared by %s()' % node.name)
                attribute = consts[0] if node.name.endswith('attr') and consts else None
                if attribute in nested:
                    uses.append((attribute, 'compared by %s()' % node.name))
    return uses


def role_files(role):
    base = ROOT / 'roles' / role
    yield from sorted((base / 'tasks').glob('*.yml'))
    yield from sorted((base / 'handlers').glob('*.yml'))
    yield from sorted((base / 'templates').glob('*.j2'))


def uncast_uses(role):
    top, nested = numeric_options(role)
    found = []
    for path in role_files(role):
        sources = [(1, path.read_text(encoding='utf-8'))] if path.suffix == '.j2' else jinja_strings(path)
        for line, source in sources:
            for name, how in raw_uses(source, top, nested):
                found.append('%s:%d: %s is %s without | int or | float' % (path.relative_to(ROOT), line, name, how))
    return found


@pytest.mark.parametrize('role', ROLES)
def test_numeric_options_are_cast_where_jinja_uses_them(role):
    assert uncast_uses(role) == []


def test_the_check_finds_an_uncast_comparison_and_computation():
    """The check itself: the shapes of use it must catch, and the casts it must accept."""
    top, nested = {'demo_retries', 'demo_hours'}, {'delete_after_days'}
    caught = [
        'demo_retries >= 1',
        'demo_retries | default(3) > 0',
        '(demo_hours / 10) | int',
        "now().timestamp() - demo_hours * 3600",
        'items[:demo_retries]',
        'range(demo_retries)',
        "rules | selectattr('delete_after_days', 'le', 0) | list",
        "rules | select('ge', demo_retries) | list",
        'want.delete_after_days != 3',
    ]
    accepted = [
        'demo_retries | int >= 1',
        'demo_retries | default(3) | int > 0',
        '(demo_hours | float / 10) | int',
        "'%s hours' % demo_hours",
        "rules | map(attribute='delete_after_days') | map('int') | select('le', 0) | list",
        'demo_retries | length > 0',
    ]
    assert [expr for expr in caught if not raw_uses('{{ %s }}' % expr, top, nested)] == []
    assert [expr for expr in accepted if raw_uses('{{ %s }}' % expr, top, nested)] == []
