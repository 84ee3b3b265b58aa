# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cache of the module_utils that Ansible packs into a module's AnsiballZ payload, kept from one run to the next.

ansible-core builds each module's payload once per ``ansible-playbook`` run (its ``ansiballz_cache`` lives in the run's
own temporary directory): it parses the module and every module_utils file it reaches (``ast``), follows the imports,
and zips the sources. For this collection's modules that is about 100 files and 0.2 s of CPU per module per run; the
test suites run about 180 plays, so the same payloads were built some 600 times.

This cache keeps what ``module_common.recursive_finder`` put in the zip (names and sources) and the module's metadata,
by the digest of the module's source, its name, the ansible-core and Python versions, the extensions in use and the
module_utils search paths, in ``<prefix>/var/restorekit-ansiballz-build/``. An entry also records every source file it
holds with its size and modification time, and the same for each file's directory (a file added beside them, which an
optional import could now find, changes the directory's time): an entry whose files or directories changed is built
again. A hit writes the same names and the same bytes into the zip as a build would. Payloads that need a debugger's
source mapping, and any whose sources do not all come from files, are built as usual and not kept.

``make venv`` installs it into the project's ``.venv`` only, like the bytecode cache beside it (``--install``: this file
as a module of site-packages and a ``.pth`` line that hooks ``ansible.executor.module_common`` when a play imports it).
``RESTOREKIT_BUILD_CACHE=0`` turns it off for one run (``RESTOREKIT_BUILD_CACHE_DIR`` names another directory);
``--uninstall`` removes it.
"""

from __future__ import annotations

import os
import sys

MODULE = "restorekit_ansiballz_build_cache"
SWITCH = "RESTOREKIT_BUILD_CACHE"
TARGET = "ansible.executor.module_common"
DIRECTORY_VARIABLE = "RESTOREKIT_BUILD_CACHE_DIR"  # another directory (the tests use their own)
DEFAULT_DIRECTORY = os.path.join(sys.prefix, "var", "restorekit-ansiballz-build")
FORMAT = 1
KEEP = 100  # entries kept (about half a megabyte each); the least recently used go first when a new one is written
# The package stubs recursive_finder writes itself (from its own text and ansible-core's version).
ANSIBLE_STUBS = ("ansible/__init__.py", "ansible/module_utils/__init__.py")


class Store:
    """Entries on disk by key."""

    def __init__(self, directory=DEFAULT_DIRECTORY):
        self.directory = directory

    def path(self, key):
        return os.path.join(self.directory, key[:2], key + ".pickle")

    def load(self, key):
        """The entry under KEY when every file and directory it names is as it was, else None."""
        import pickle  # pylint: disable=import-outside-toplevel

        try:
            with open(self.path(key), "rb") as handle:
                entry = pickle.load(handle)
        except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        for path, stamp in entry["stamps"]:
            if _stamp(path) != stamp:
                return None
        try:
            os.utime(self.path(key))  # used now: pruning removes the least recently used entries first
        except OSError:
            pass
        return entry

    def save(self, key, entry):
        import pickle  # pylint: disable=import-outside-toplevel

        path = self.path(key)
        temporary = "%s.%d.tmp" % (path, os.getpid())
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(temporary, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)  # atomic: a concurrent play reads all of it or none
        except OSError:
            _remove(temporary)
            return
        self.prune()

    def prune(self, keep=KEEP):
        try:
            entries = [os.path.join(top, name) for top, _dirs, names in os.walk(self.directory)
                       for name in names if name.endswith(".pickle")]
            if len(entries) <= keep:
                return
            entries.sort(key=lambda entry: os.stat(entry).st_mtime_ns)
        except OSError:
            return
        for entry in entries[:len(entries) - keep]:
            _remove(entry)


def _stamp(path):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns)


def _plain(data):
    """DATA (tagged by ansible-core with where it came from) as plain bytes or text, for pickling."""
    return bytes(data) if isinstance(data, (bytes, bytearray)) else str(data)


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


class _Recorder:
    """Stands in for the payload's ZipFile while recursive_finder fills it: passes every call on, notes each entry."""

    def __init__(self, archive):
        self._archive = archive
        self.entries = []

    def writestr(self, zinfo, data, *args, **kwargs):
        self.entries.append((zinfo.filename if hasattr(zinfo, "filename") else zinfo, data))
        return self._archive.writestr(zinfo, data, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._archive, name)


def cached_finder(module_common, original, store):
    """A recursive_finder for MODULE_COMMON that answers from STORE and keeps what ORIGINAL builds."""
    import hashlib  # pylint: disable=import-outside-toplevel

    origin_type = module_common.Origin

    def recursive_finder(name, module_fqn, module_data, zf, date_time, extension_manager):
        if getattr(extension_manager, "debugger_enabled", True):
            return original(name, module_fqn, module_data, zf, date_time, extension_manager)
        key_text = repr((FORMAT, module_common.__version__, sys.version, name, module_fqn,
                         tuple(getattr(extension_manager, "extension_names", None) or ()),
                         tuple(getattr(extension_manager, "module_names", None) or ()),
                         # The directories recursive_finder searches: those that exist (a play's HOME may be new each run).
                         tuple(path for path in module_common.module_utils_loader._get_paths(subdirs=False)  # pylint: disable=protected-access
                               if os.path.isdir(path)),
                         module_common._MODULE_UTILS_PATH))  # pylint: disable=protected-access
        key = hashlib.sha256(key_text.encode("utf-8") + b"\0" + bytes(module_data)).hexdigest()
        entry = store.load(key)
        if entry is not None:
            for filename, data in entry["entries"]:
                zf.writestr(module_common._make_zinfo(filename, date_time, zf=zf), data)  # pylint: disable=protected-access
            return entry["metadata"]
        recorder = _Recorder(zf)
        metadata = original(name, module_fqn, module_data, recorder, date_time, extension_manager)
        stamps = {}
        for filename, data in recorder.entries:
            origin = origin_type.get_tag(data)
            path = getattr(origin, "path", None)
            if not path:
                if not data or filename in ANSIBLE_STUBS:
                    continue  # an empty package or ansible-core's own stubs: its version is in the key
                return metadata  # a source made up by ansible (a redirect shim): built every time, never kept
            for stamped in (path, os.path.dirname(path)):
                stamps[stamped] = _stamp(stamped)
        store.save(key, {"format": FORMAT, "metadata": metadata, "stamps": sorted(stamps.items()),
                         "entries": [(filename, _plain(data)) for filename, data in recorder.entries]})
        return metadata

    recursive_finder.restorekit_build_cache = store
    return recursive_finder


def patch(module_common, directory=None):
    """Route MODULE_COMMON's recursive_finder through a Store; the Store, or None when this ansible-core differs."""
    original = getattr(module_common, "recursive_finder", None)
    needed = ("Origin", "_make_zinfo", "module_utils_loader", "_MODULE_UTILS_PATH", "__version__")
    if original is None or not all(hasattr(module_common, name) for name in needed):
        return None
    if hasattr(original, "restorekit_build_cache"):
        return original.restorekit_build_cache
    store = Store(directory or os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY)
    module_common.recursive_finder = cached_finder(module_common, original, store)
    return store


class _Hook:
    """A meta path finder that lets the other finders load ansible.executor.module_common, then patches it."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TARGET:
            return None
        import importlib.machinery  # pylint: disable=import-outside-toplevel

        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module):
            execute(module)
            try:
                patch(module)
            except Exception:  # pylint: disable=broad-except
                pass  # a cache that cannot hook in leaves ansible-core as it is

        loader.exec_module = exec_module
        return spec


def enable():
    """Hook module_common's import (once per process); the hook, or None when turned off."""
    if os.environ.get(SWITCH, "1") == "0":
        return None
    for finder in sys.meta_path:
        if getattr(finder, "restorekit_build_cache", False):
            return finder
    if TARGET in sys.modules:
        patch(sys.modules[TARGET])
    hook = _Hook()
    hook.restorekit_build_cache = True
    sys.meta_path.insert(0, hook)
    return hook


if __name__ == "__main__":
    # Run from the checkout (make venv), so this directory is on the path: the command line (install, uninstall) is
    # tools/ansiballz_bytecode_cache.py's.
    from ansiballz_bytecode_cache import command_line  # pylint: disable=import-error

    sys.exit(command_line(sys.argv[1:], os.path.abspath(__file__), MODULE))
