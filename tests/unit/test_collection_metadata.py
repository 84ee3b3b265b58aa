# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's metadata keeps the promises playbooks rely on.

- `module_defaults: group/restorekit.aws.aws` must reach every module of this collection and, through
  extend_group, amazon.aws and community.aws: a module missing from the action group silently runs
  without the play's region, endpoint_url and credentials.
- The dependencies declared in galaxy.yml must be the ones the development environment provides.
- From a checkout, the collection must resolve by its FQCN (ansible.cfg + the link `make venv` creates).
"""

from __future__ import annotations

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


def installed_collection_version(fqcn):
    """Version of a collection shipped with the ansible package, or None."""
    namespace, name = fqcn.split('.')
    try:
        # pylint: disable-next=import-outside-toplevel
        import ansible_collections
    except ImportError:
        return None
    for base in ansible_collections.__path__:
        manifest = pathlib.Path(base) / namespace / name / 'MANIFEST.json'
        if manifest.is_file():
            return json.loads(manifest.read_text(encoding='utf-8'))['collection_info']['version']
    return None


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
