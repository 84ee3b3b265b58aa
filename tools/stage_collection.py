# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Copy the collection's source files to DEST for ansible-test.

ansible-test must run from a directory that really is ``.../ansible_collections/<ns>/<name>``
(it resolves symlinks), so ``make sanity`` tests a fresh copy under
``.build/ansible_collections/restorekit/aws``.

Which files: in a git checkout, exactly the files git would commit (tracked plus untracked
files that .gitignore does not exclude, less files deleted from the work tree), so local state,
virtual environments and caches never reach the tests. Without git, every file except the
directories in EXCLUDED_DIRS.

The copy gets a fresh, empty git repository of its own: ansible-test looks for ``.git`` in the
collection root and then in every parent directory, and would otherwise find the checkout's
repository, in which ``.build/`` is ignored, and test no file at all. In the new repository
every copied file is untracked and not ignored, so ansible-test tests exactly what was copied.

Usage: python tools/stage_collection.py DEST
       python tools/stage_collection.py --list    (print the file list, one per line)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

EXCLUDED_DIRS = {
    '.git', '.venv', '.build', '.ansible', '.cache', '.tox', '.pytest_cache', '.mypy_cache',
    '.ruff_cache', '__pycache__', 'reports', 'output', 'state', '.state',
}
EXCLUDED_SUFFIXES = ('.pyc', '.pyo', '.tar.gz', '.log', '.pid', '.sock')


def git_files(root):
    """Return the files git would commit, or None when ROOT is not a git work tree."""
    try:
        inside = subprocess.run(['git', '-C', root, 'rev-parse', '--is-inside-work-tree'],
                                capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None
    if inside.returncode != 0 or inside.stdout.strip() != 'true':
        return None

    listed = subprocess.run(['git', '-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                            capture_output=True, check=True).stdout.decode().split('\0')
    return sorted(path for path in set(listed) if path and os.path.lexists(os.path.join(root, path)))


def walked_files(root):
    """Return every file under ROOT except excluded directories and suffixes."""
    paths = []
    for directory, dir_names, file_names in os.walk(root):
        dir_names[:] = [name for name in dir_names if name not in EXCLUDED_DIRS]
        for name in file_names:
            if not name.endswith(EXCLUDED_SUFFIXES):
                paths.append(os.path.relpath(os.path.join(directory, name), root))
    return sorted(paths)


def source_files(root):
    """Return the source files of the checkout at ROOT, relative to it."""
    paths = git_files(root)
    if paths is None:
        paths = walked_files(root)
    return paths


def stage(root, dest):
    """Replace DEST with a copy of ROOT's source files; return how many were copied."""
    paths = source_files(root)

    dest_real = os.path.realpath(dest)
    paths = [path for path in paths if not os.path.realpath(os.path.join(root, path)).startswith(dest_real + os.sep)]

    if os.path.lexists(dest):
        shutil.rmtree(dest)
    os.makedirs(dest)

    for path in paths:
        source = os.path.join(root, path)
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        elif os.path.isfile(source):
            shutil.copy2(source, target)

    subprocess.run(['git', 'init', '--quiet', dest], check=True)
    return len(paths)


def main():
    """Entry point."""
    if len(sys.argv) != 2:
        sys.stderr.write('usage: %s DEST | --list\n' % sys.argv[0])
        return 2
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if sys.argv[1] == '--list':
        for path in source_files(root):
            print(path)
        return 0
    count = stage(root, sys.argv[1])
    print('staged %d files in %s' % (count, sys.argv[1]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
