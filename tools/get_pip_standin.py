# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline-friendly stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into every virtual environment it creates (the per-test sanity
environments, ``--venv``) by running a get-pip.py script that it downloads from
ci-files.testing.ansible.com. That host is not reachable from every machine this project runs on
(only the package registries are). Before downloading, ansible-test looks for the script in
``~/.ansible/test/cache/get_pip_<version with dots as underscores>.py``; this file is copied there
(``make venv`` runs ``python tools/get_pip_standin.py --install``).

How ansible-test runs it (ansible_test/_util/target/setup/requirements.py, ``bootstrap``): its
``quiet_pip.py`` wrapper is started with the environment variable GET_PIP pointing at the cached
script, which it then runs as ``__main__`` with the wrapper's arguments, for example::

    --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel

Like get-pip.py, this stand-in takes pip install arguments plus ``--no-setuptools``,
``--no-wheel`` and ``--no-pip``, and adds pip (and, unless told not to, setuptools and wheel)
when no requirement names them. It then:

1. bootstraps pip with the standard library's ``ensurepip`` (no network needed);
2. installs the requested requirements (the exact pip version ansible-test pins) from the
   configured package index with that pip;
3. if step 2 fails (no index reachable), keeps the ensurepip pip and says so, unless the
   environment variable RESTOREKIT_GET_PIP_STRICT=1 asks for a failure instead;
4. removes the setuptools that ensurepip brings along on Python < 3.12 when ``--no-setuptools``
   was given, so the environment matches what the real get-pip.py leaves behind.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

MARKER = 'restorekit get-pip stand-in'
STRICT_ENV = 'RESTOREKIT_GET_PIP_STRICT'
CACHE_DIR = os.path.expanduser('~/.ansible/test/cache')
NAME_RE = re.compile(r'^\s*([A-Za-z0-9][A-Za-z0-9._-]*)')


def log(message):
    """Report progress on stderr, where ansible-test shows bootstrap output."""
    sys.stderr.write('get-pip stand-in: %s\n' % message)
    sys.stderr.flush()


def requirement_name(arg):
    """Return the normalised project name of a requirement argument, or None for an option."""
    if arg.startswith('-'):
        return None
    match = NAME_RE.match(arg)
    if not match:
        return None
    return re.sub(r'[-_.]+', '-', match.group(1)).lower()


def parse_args(argv):
    """Split get-pip.py arguments into pip install arguments and the packages to add implicitly."""
    skip = {'pip': False, 'setuptools': sys.version_info >= (3, 12), 'wheel': sys.version_info >= (3, 12)}
    pip_args = []
    for arg in argv:
        if arg in ('--no-pip', '--no-setuptools', '--no-wheel'):
            skip[arg[len('--no-'):]] = True
        else:
            pip_args.append(arg)

    named = set(name for name in (requirement_name(arg) for arg in pip_args) if name)
    implicit = [name for name in ('pip', 'setuptools', 'wheel') if not skip[name] and name not in named]
    return pip_args, implicit, skip['setuptools']


def installed(name):
    """Tell whether a distribution is installed in this interpreter's environment."""
    command = [sys.executable, '-c', 'import importlib.metadata as m, sys; m.distribution(sys.argv[1])', name]
    return subprocess.call(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def pip_works():
    """Tell whether ``python -m pip`` runs in this interpreter."""
    command = [sys.executable, '-m', 'pip', '--version']
    return subprocess.call(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def bootstrap(argv):
    """Install pip the way get-pip.py would, preferring the exact requested version."""
    pip_args, implicit, no_setuptools = parse_args(argv)
    had_setuptools = installed('setuptools')

    if not pip_works():
        log('bootstrapping pip with ensurepip')
        subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])

    packages = [arg for arg in pip_args if requirement_name(arg)] + implicit
    if packages:
        command = [sys.executable, '-m', 'pip', 'install', '--upgrade'] + pip_args + implicit
        log('installing %s' % ' '.join(packages))
        result = subprocess.call(command)
        if result != 0:
            if os.environ.get(STRICT_ENV) == '1':
                log('pip install failed (exit %d) and %s=1: failing' % (result, STRICT_ENV))
                return result
            version = subprocess.check_output([sys.executable, '-m', 'pip', '--version'], text=True).strip()
            log('pip install failed (exit %d); keeping the pip from ensurepip: %s' % (result, version))

    if no_setuptools and not had_setuptools and installed('setuptools'):
        # ensurepip on Python < 3.12 always adds setuptools; get-pip.py --no-setuptools does not.
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'])

    return 0


def wanted_pip_versions():
    """Return the pip versions that the installed ansible-test bootstraps, one per Python version."""
    # pylint: disable-next=import-outside-toplevel
    from ansible_test._internal import python_requirements

    versions = set()
    for python_version in ('%d.%d' % sys.version_info[:2],) + tuple('3.%d' % minor for minor in range(8, 16)):
        python = type('PythonStub', (), {'version': python_version})()
        versions.add(python_requirements.get_venv_packages(python)['pip'])
    return sorted(versions)


def install_into_cache():
    """Copy this script into ansible-test's cache under every name ansible-test may look for."""
    with open(__file__, 'rb') as source:
        content = source.read()

    os.makedirs(CACHE_DIR, exist_ok=True)
    for version in wanted_pip_versions():
        path = os.path.join(CACHE_DIR, 'get_pip_%s.py' % version.replace('.', '_'))
        if os.path.exists(path):
            with open(path, 'rb') as existing:
                current = existing.read()
            if current == content:
                continue
            if MARKER.encode() not in current:
                print('keeping the get-pip script already cached at %s' % path)
                continue
        shutil.copyfile(__file__, path)
        print('pip %s bootstrap for ansible-test: %s' % (version, path))
    return 0


def main():
    """Entry point: ``--install`` copies the stand-in into place, anything else bootstraps pip."""
    if sys.argv[1:] == ['--install']:
        return install_into_cache()
    return bootstrap(sys.argv[1:])


if __name__ == '__main__':
    sys.exit(main())
