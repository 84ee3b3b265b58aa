# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's metadata keeps the promises playbooks rely on.

- `module_defaults: group/restorekit.aws.aws` must reach every module of this collection and every module of
  amazon.aws and community.aws that takes the AWS connection options (through extend_group, or by FQCN where their
  own groups leave one out): a module missing from the action group silently runs without the play's region,
  endpoint_url and credentials, against the real AWS endpoint.
- The collection's playbooks set module_defaults through `group/restorekit.aws.runbook`, the modules their roles
  call (a short group loads faster): it must reach every module a role or playbook calls with the connection options.
- The dependencies declared in galaxy.yml must be the ones the development environment provides.
- From a checkout, the collection must resolve by its FQCN (ansible.cfg + the link `make venv` creates).
"""

from __future__ import annotations

import ast
import functools
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from packaging.version import Version
from ansible.release import __version__ as ansible_core_version

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_yaml(relative):
    with open(ROOT / relative, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def installed_collection_path(fqcn):
    """Root of a collection shipped with the ansible package, or None."""
    namespace, name = fqcn.split('.')
    try:
        # pylint: disable-next=import-outside-toplevel
        import ansible_collections
    except ImportError:
        return None
    for base in ansible_collections.__path__:
        root = pathlib.Path(base) / namespace / name
        if (root / 'MANIFEST.json').is_file():
            return root
    return None


def installed_collection_version(fqcn):
    """Version of a collection shipped with the ansible package, or None."""
    root = installed_collection_path(fqcn)
    if root is None:
        return None
    return json.loads((root / 'MANIFEST.json').read_text(encoding='utf-8'))['collection_info']['version']


def minimum(requirement):
    match = re.fullmatch(r'\s*>=\s*([0-9][0-9.]*)\s*', requirement)
    assert match, 'galaxy.yml dependencies are written as ">=X.Y.Z", found %r' % requirement
    return match.group(1)


def test_every_module_is_in_the_aws_action_group():
    group = load_yaml('meta/runtime.yml')['action_groups']['aws']
    listed = set(item for item in group if isinstance(item, str))
    modules = set(path.stem for path in (ROOT / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__')

    assert modules - listed == set(), 'add these modules to action_groups.aws in meta/runtime.yml'


def test_aws_action_group_extends_amazon_and_community_aws():
    group = load_yaml('meta/runtime.yml')['action_groups']['aws']

    assert group[0] == {'metadata': {'extend_group': ['amazon.aws.aws', 'community.aws.aws']}}


# The collections whose modules the group promises to reach, and the doc fragments that give a module the AWS
# connection options module_defaults sets (endpoint_url and credentials; region).
DEPENDENCIES = ('amazon.aws', 'community.aws')
CONNECTION_FRAGMENTS = {'amazon.aws.common.modules', 'amazon.aws.region.modules'}


def collection_root(collection):
    if collection == 'restorekit.aws':
        return ROOT
    root = installed_collection_path(collection)
    assert root is not None, '%s is not installed (make venv)' % collection
    return root


@functools.lru_cache(maxsize=None)
def collection_runtime(collection):
    with open(collection_root(collection) / 'meta' / 'runtime.yml', encoding='utf-8') as handle:
        return yaml.safe_load(handle) or {}


def fqcn_of(collection, name):
    return name if name.count('.') >= 2 else '%s.%s' % (collection, name)


def resolve_module(fqcn):
    """FQCN after the owning collections' plugin_routing redirects, as ansible-core resolves a group entry."""
    seen = []
    while fqcn not in seen:
        seen.append(fqcn)
        namespace, name, short = fqcn.split('.', 2)
        routing = collection_runtime('%s.%s' % (namespace, name)).get('plugin_routing', {}).get('modules', {})
        target = (routing.get(short) or {}).get('redirect')
        if not target:
            return fqcn
        fqcn = target
    raise AssertionError('redirect loop: %s' % ' -> '.join(seen))


def group_members(fq_group, seen=None):
    """FQCNs of the modules module_defaults' `group/FQ_GROUP` reaches: its entries and those of the groups it extends."""
    seen = set() if seen is None else seen
    if fq_group in seen:
        return set()
    seen.add(fq_group)
    namespace, name, group = fq_group.split('.', 2)
    collection = '%s.%s' % (namespace, name)
    members = set()
    for entry in collection_runtime(collection).get('action_groups', {}).get(group, []):
        if isinstance(entry, str):
            members.add(resolve_module(fqcn_of(collection, entry)))
            continue
        extends = entry.get('metadata', {}).get('extend_group', [])
        for extended in [extends] if isinstance(extends, str) else extends:
            members |= group_members(fqcn_of(collection, extended), seen)
    return members


def module_fragments(path):
    """The doc fragments a module's DOCUMENTATION extends."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) == 'DOCUMENTATION' for target in node.targets):
            fragments = (yaml.safe_load(node.value.value) or {}).get('extends_documentation_fragment') or []
            return set([fragments] if isinstance(fragments, str) else fragments)
    raise AssertionError('%s has no DOCUMENTATION' % path)


@functools.lru_cache(maxsize=None)
def modules_taking_connection_options(collection):
    """FQCN -> the connection fragments it extends, for every module of an installed COLLECTION that has them."""
    found = {}
    for path in sorted((collection_root(collection) / 'plugins' / 'modules').glob('*.py')):
        if path.stem != '__init__':
            fragments = module_fragments(path) & CONNECTION_FRAGMENTS
            if fragments:
                found['%s.%s' % (collection, path.stem)] = sorted(fragments)
    return found


@pytest.mark.parametrize('collection', DEPENDENCIES)
def test_group_reaches_every_dependency_module_that_takes_the_connection_options(collection):
    """A module of amazon.aws or community.aws that takes endpoint_url/region, in neither its collection's `aws`
    group nor ours, would run against the default AWS endpoint in a play that sets them through our group."""
    reached = group_members('restorekit.aws.aws')
    missed = dict((fqcn, fragments) for fqcn, fragments in modules_taking_connection_options(collection).items()
                  if fqcn not in reached)

    assert missed == {}, ('add these modules by FQCN to action_groups.aws in meta/runtime.yml: '
                          'they take the AWS connection options but no group reaches them: %s' % missed)


def test_group_names_only_installed_modules_that_take_the_connection_options():
    """An FQCN entry that names no module is dropped silently by ansible-core (a typo reaches nothing), and
    module_defaults would hand a module without the connection options parameters it refuses."""
    entries = [entry for entry in load_yaml('meta/runtime.yml')['action_groups']['aws']
               if isinstance(entry, str) and entry.count('.') >= 2]
    taking = {}
    for collection in DEPENDENCIES:
        taking.update(modules_taking_connection_options(collection))

    assert entries, 'the group names the modules amazon.aws and community.aws leave out of their own groups'
    assert [entry for entry in entries if resolve_module(entry) not in taking] == []


def task_files():
    """The collection's task files and playbooks: where its roles and playbooks call modules."""
    for pattern in ('roles/*/tasks/*.yml', 'roles/*/handlers/*.yml', 'playbooks/*.yml'):
        yield from sorted(ROOT.glob(pattern))


def modules_called():
    """FQCN -> the first file that calls it, for every amazon.aws, community.aws and restorekit.aws module a task names."""
    called = {}
    for path in task_files():
        for fqcn in re.findall(r'^\s*(?:-\s+)?((?:amazon|community|restorekit)\.aws\.[a-z0-9_]+):', path.read_text(encoding='utf-8'), re.M):
            called.setdefault(fqcn, str(path.relative_to(ROOT)))
    return called


def test_runbook_group_reaches_every_module_the_roles_and_playbooks_call():
    """The collection's playbooks set module_defaults through `runbook`: a module a role calls with the AWS connection
    options, missing from it, would run against the default AWS endpoint from the playbooks (and the real account)."""
    runbook = group_members('restorekit.aws.runbook')
    taking = {}
    for collection in DEPENDENCIES:
        taking.update(modules_taking_connection_options(collection))
    ours = set('restorekit.aws.%s' % path.stem for path in (ROOT / 'plugins' / 'modules').glob('*.py') if path.stem != '__init__')
    called = modules_called()

    assert 'amazon.aws.rds_instance_info' in called and 'restorekit.aws.rds_restore' in called  # the scan finds tasks
    missing = dict((fqcn, where) for fqcn, where in called.items()
                   if (fqcn in ours or resolve_module(fqcn) in taking) and resolve_module(fqcn) not in runbook)
    assert missing == {}, 'add these modules to action_groups.runbook in meta/runtime.yml: %s' % missing
    assert ours - runbook == set(), 'add these modules to action_groups.runbook in meta/runtime.yml'


def test_runbook_group_is_part_of_the_aws_group_and_holds_only_what_is_called():
    """`runbook` is the playbooks' short list of `aws`: nothing in it that a play of one's own would not reach, and no
    module of another collection that no role or playbook calls (each costs a lookup per play)."""
    runbook = group_members('restorekit.aws.runbook')
    called = set(resolve_module(fqcn) for fqcn in modules_called())

    assert runbook - group_members('restorekit.aws.aws') == set()
    assert sorted(fqcn for fqcn in runbook if not fqcn.startswith('restorekit.aws.') and fqcn not in called) == []


def test_playbooks_set_module_defaults_through_the_runbook_group():
    for path in sorted(ROOT.glob('playbooks/*.yml')):
        for play in yaml.safe_load(path.read_text(encoding='utf-8')):
            defaults = play.get('module_defaults')
            if defaults is not None:
                assert list(defaults) == ['group/restorekit.aws.runbook'], path.name


def test_galaxy_identity():
    galaxy = load_yaml('galaxy.yml')

    assert (galaxy['namespace'], galaxy['name']) == ('restorekit', 'aws')
    assert galaxy['license'] == ['GPL-3.0-or-later']
    assert (ROOT / 'LICENSE').read_text(encoding='utf-8').lstrip().startswith('GNU GENERAL PUBLIC LICENSE')


@pytest.mark.parametrize('fqcn', ['amazon.aws', 'community.aws'])
def test_declared_dependency_is_met_by_the_development_environment(fqcn):
    wanted = minimum(load_yaml('galaxy.yml')['dependencies'][fqcn])
    found = installed_collection_version(fqcn)

    assert found is not None, '%s is not installed (make venv)' % fqcn
    assert Version(found) >= Version(wanted)


def test_running_ansible_core_meets_requires_ansible():
    wanted = minimum(load_yaml('meta/runtime.yml')['requires_ansible'])

    assert Version(ansible_core_version) >= Version(wanted)


def test_collection_resolves_by_fqcn_from_any_directory(tmp_path):
    galaxy = pathlib.Path(sys.executable).with_name('ansible-galaxy')
    galaxy = str(galaxy) if galaxy.is_file() else shutil.which('ansible-galaxy')
    link = ROOT / '.venv' / 'collections' / 'ansible_collections' / 'restorekit' / 'aws'
    if galaxy is None or not link.is_symlink():
        pytest.skip('needs the checkout set up by `make venv`')

    env = dict(os.environ, ANSIBLE_CONFIG=str(ROOT / 'ansible.cfg'))
    env.pop('ANSIBLE_COLLECTIONS_PATH', None)
    result = subprocess.run([galaxy, 'collection', 'list', 'restorekit.aws', '--format', 'json'],
                            cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    found = json.loads(result.stdout)

    paths = [path for path, collections in found.items() if 'restorekit.aws' in collections]
    assert [pathlib.Path(path).resolve() for path in paths] == [link.parent.parent.resolve()]
    assert pathlib.Path(paths[0], 'restorekit', 'aws').resolve() == ROOT
