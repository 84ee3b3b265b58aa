# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cache of botocore's parsed data files, for the test suites' thousands of short-lived module processes.

Each module run is a new Python process, and its first AWS client makes botocore read its data files again: it parses
``endpoints.json`` (1.2 MB) and each service's model, paginators and rules from JSON, and, for each kind of file, lists
its whole ``data`` directory (about 420 services, some 1,700 file-system calls) to learn which services have one. On
these machines that was about a quarter of a module run's CPU time (py-spy over the rds_swap tests).

This cache keeps a parsed file (pickled, so botocore's ordered mappings stay what they are) by its path, size and
modification time, and the listings of botocore's and boto3's own ``data`` directories per kind of file by the
package's version and the directory's modification time, in ``<prefix>/var/restorekit-botocore-data/``. Listings of
other search paths (a user's ``~/.aws/models``, ``AWS_DATA_PATH``) are made as botocore makes them, every time. It
changes nothing but the time: each load returns a fresh object with the same content, as a parse would. An entry that
cannot be read is parsed again.

``make venv`` installs it into the project's ``.venv`` only, like the bytecode caches beside it (``--install``: this
file as a module of site-packages and a ``.pth`` line that hooks ``botocore.loaders`` when a process imports it).
``RESTOREKIT_BOTOCORE_DATA_CACHE=0`` turns it off for one run; ``--uninstall`` removes it. ``bench/rds_restore.py``
turns it off for both sides it compares: the AWS CLI is built on botocore too, and a bastion has no such cache.
"""

from __future__ import annotations

import os
import sys

MODULE = "restorekit_botocore_data_cache"
SWITCH = "RESTOREKIT_BOTOCORE_DATA_CACHE"
TARGET = "botocore.loaders"
DEFAULT_DIRECTORY = os.path.join(sys.prefix, "var", "restorekit-botocore-data")
FORMAT = 1


class Store:
    """Pickled values by key in DIRECTORY: a file per key, written atomically."""

    def __init__(self, directory=DEFAULT_DIRECTORY):
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def path(self, key):
        import hashlib  # pylint: disable=import-outside-toplevel

        digest = hashlib.sha256(repr((FORMAT, sys.version_info[:2]) + key).encode("utf-8")).hexdigest()
        return os.path.join(self.directory, digest[:2], digest + ".pickle")

    def get(self, key, make):
        """The value kept under KEY, or MAKE()'s (kept for the next process when it is not None)."""
        import pickle  # pylint: disable=import-outside-toplevel

        path = self.path(key)
        try:
            with open(path, "rb") as handle:
                value = pickle.load(handle)
        except Exception:  # pylint: disable=broad-except
            # Missing, half-written by an older version or unreadable: parsed again, as without the cache.
            value = None
        if value is not None:
            self.hits += 1
            return value
        self.misses += 1
        value = make()
        if value is not None:
            self._write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        return value

    @staticmethod
    def _write(path, data):
        temporary = "%s.%d.tmp" % (path, os.getpid())
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, path)  # a concurrent process reads the whole file or none of it
        except OSError:
            try:
                os.remove(temporary)
            except OSError:
                pass


def _stat(path):
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def cached_load_file(loaders, store):
    """``JSONFileLoader.load_file``: the first of FILE_PATH + .json, .json.gz that exists, parsed or from STORE."""
    original = loaders.JSONFileLoader.load_file

    def load_file(self, file_path):
        for extension in loaders._JSON_OPEN_METHODS:  # pylint: disable=protected-access
            full_path = file_path + extension
            stamp = _stat(full_path)
            if stamp is None:
                continue
            return store.get(("file", full_path) + stamp, lambda: original(self, file_path))
        return None

    load_file.restorekit_botocore_data_cache = store
    load_file.restorekit_original = original
    return load_file


def _services_in(file_loader, location, type_name):
    """The services with a TYPE_NAME file in LOCATION, as ``Loader.list_available_services`` finds them there."""
    services = set()
    for service_name in os.listdir(location):
        full_dirname = os.path.join(location, service_name)
        if not os.path.isdir(full_dirname):
            continue
        for api_version in os.listdir(full_dirname):
            if file_loader.exists(os.path.join(full_dirname, api_version, type_name)):
                services.add(service_name)
                break
    return sorted(services)


def _package_data(modules=("botocore", "boto3")):
    """The data directories of the installed packages among MODULES: what a reinstall alone changes."""
    found = set()
    for name in modules:
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            found.add((os.path.realpath(os.path.join(os.path.dirname(module.__file__), "data")), getattr(module, "__version__", "")))
    return dict(found)


def cached_list_available_services(original, store):
    """``Loader.list_available_services``: the listing of botocore's and boto3's own data directories from STORE (by
    the package's version and the directory's time); other search paths (``~/.aws/models``, AWS_DATA_PATH) listed as
    botocore lists them, every time."""

    def list_available_services(self, type_name):
        key = ("list_available_services", type_name)
        if key in self._cache:  # pylint: disable=protected-access
            return self._cache[key]  # pylint: disable=protected-access
        packaged = _package_data()
        services = set()
        for location in self._potential_locations():  # pylint: disable=protected-access
            version = packaged.get(os.path.realpath(location))
            stamp = _stat(location)
            if version is None or stamp is None:
                services.update(_services_in(self.file_loader, location, type_name))
                continue
            services.update(store.get(("services", os.path.realpath(location), version, type(self.file_loader).__name__, type_name) + stamp,
                                      lambda location=location: _services_in(self.file_loader, location, type_name)))
        self._cache[key] = sorted(services)  # pylint: disable=protected-access
        return self._cache[key]  # pylint: disable=protected-access

    list_available_services.restorekit_botocore_data_cache = store
    list_available_services.restorekit_original = original
    return list_available_services


def patch(loaders, directory=None):
    """Route LOADERS' file loads and builtin listings through a Store; the Store, or None when this botocore differs."""
    needed = ("JSONFileLoader", "Loader", "_JSON_OPEN_METHODS")
    if not all(hasattr(loaders, name) for name in needed) or \
            not all(hasattr(loaders.Loader, name) for name in ("BUILTIN_DATA_PATH", "_potential_locations", "list_available_services")):
        return None
    current = getattr(loaders.JSONFileLoader.load_file, "restorekit_botocore_data_cache", None)
    if current is not None:
        return current
    store = Store(directory or DEFAULT_DIRECTORY)
    original = loaders.Loader.list_available_services
    loaders.JSONFileLoader.load_file = cached_load_file(loaders, store)
    loaders.Loader.list_available_services = cached_list_available_services(original, store)
    return store


class _Hook:
    """A meta path finder that lets the other finders load botocore.loaders, then patches it."""

    restorekit_botocore_data_cache = True

    def __init__(self, directory):
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        if fullname != TARGET:
            return None
        import importlib.machinery  # pylint: disable=import-outside-toplevel

        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        execute = spec.loader.exec_module
        directory = self.directory

        def exec_module(module):
            execute(module)
            try:
                patch(module, directory)
            except Exception:  # pylint: disable=broad-except
                pass  # a cache that cannot hook in leaves botocore as it is

        spec.loader.exec_module = exec_module
        return spec


def enable(directory=DEFAULT_DIRECTORY):
    """Hook botocore.loaders' import (once per process); the hook, or None when turned off."""
    if os.environ.get(SWITCH, "1") == "0":
        return None
    for finder in sys.meta_path:
        if getattr(finder, "restorekit_botocore_data_cache", False):
            return finder
    if TARGET in sys.modules:
        patch(sys.modules[TARGET], directory)
    hook = _Hook(directory)
    sys.meta_path.insert(0, hook)
    return hook


if __name__ == "__main__":
    # Run from the checkout (make venv), so this directory is on the path: the command line (install, uninstall) is
    # tools/ansiballz_bytecode_cache.py's.
    from ansiballz_bytecode_cache import command_line  # pylint: disable=import-error

    sys.exit(command_line(sys.argv[1:], os.path.abspath(__file__), MODULE))
