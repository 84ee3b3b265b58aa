# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bytecode cache for the module_utils that Ansible ships inside each module's AnsiballZ payload.

Every task runs its module from a zip file (the AnsiballZ payload) through ``zipimport``, which cannot use
``__pycache__``: each module_utils file (``ansible.module_utils.basic``, amazon.aws's, this collection's) is compiled
from source on every task, and on Python 3.11 twice (``zipimport.find_spec`` compiles to learn the file name, then
``exec_module`` compiles again). Measured with py-spy on a play of 30 ``ansible.builtin.ping`` tasks, compiling was a
third of the whole run's CPU time.

On the control node, ansible-core's collection loader (``_AnsibleCollectionPkgLoaderBase.get_code``) does the same for
every collection file a play imports - action plugins, filters and the module_utils they use - in every
``ansible-playbook`` process and in each task's worker that imports one: that compile() goes through a second cache
of the same kind (``<directory>/collections``).

This cache keeps the compiled code of such a source file by the SHA-256 of its text (with the interpreter's cache tag
and optimisation level), in ``<prefix>/var/restorekit-ansiballz-bytecode/``, and hands each import a copy carrying its
own file name, so tracebacks name the file being run. It changes nothing but the time: the same source gives the same
code, as ``__pycache__`` does for ordinary imports. A cache file that cannot be read is compiled again.

The collection loader also parses, in every process, the routing data of each collection it loads (``meta/runtime.yml``,
through ``_meta_yml_to_dict``, which ansible-core leaves to be replaced by one that caches, its docstring says):
ansible-core's own (``ansible/config/ansible_builtin_runtime.yml``, 370 KB) took about 70 ms of every
``ansible-playbook``, ``ansible-doc`` and ``ansible-lint`` start here, a sixth of it. A RoutingCache keeps the parsed
data (PyYAML's BaseLoader: plain mappings, lists and strings, marshalled) by the digest of the file's bytes, in
``<directory>/routing``, tagged with the versions of Python, PyYAML and ansible-core and the name of the parse it
replaced.

``make venv`` installs it into the project's ``.venv`` only (``python tools/ansiballz_bytecode_cache.py --install``:
this file as a module of site-packages, and a ``.pth`` line importing it at start-up). ``RESTOREKIT_BYTECODE_CACHE=0``
turns it off for one run; ``--uninstall`` removes it.
"""

from __future__ import annotations

import marshal
import os
import sys
import types
import zipimport

MODULE = "restorekit_ansiballz_bytecode_cache"
PTH = MODULE + ".pth"
SWITCH = "RESTOREKIT_BYTECODE_CACHE"
DEFAULT_DIRECTORY = os.path.join(sys.prefix, "var", "restorekit-ansiballz-bytecode")
# ansible-core's loader of collection code on the control node (plugins and the module_utils they import): it compiles
# every file from source in every process, with no __pycache__ either.
COLLECTION_LOADER = "ansible.utils.collection_loader._collection_finder"


class Cache:
    """Compiled code by source digest: in memory for this process, on disk in DIRECTORY for the next ones."""

    def __init__(self, compile_source, directory=DEFAULT_DIRECTORY):
        self.compile_source = compile_source
        self.directory = directory
        self.memory = {}
        self.compiled = 0
        self.loaded = 0

    def path(self, digest):
        name = "%s.%s-o%d.bin" % (digest, sys.implementation.cache_tag, sys.flags.optimize)
        return os.path.join(self.directory, digest[:2], name)

    def __call__(self, pathname, source):
        # Imported here, not at start-up: every Python of the venv loads this module, few of them zipimport anything.
        import hashlib  # pylint: disable=import-outside-toplevel

        digest = hashlib.sha256(source if isinstance(source, bytes) else source.encode("utf-8")).hexdigest()
        code = self.memory.get(digest)
        if code is None:
            code = self._read(digest)
            if code is None:
                code = self.compile_source(pathname, source)
                self.compiled += 1
                self._write(digest, code)
            else:
                self.loaded += 1
            self.memory[digest] = code
        return renamed(code, pathname)

    def _read(self, digest, kind=types.CodeType):
        try:
            with open(self.path(digest), "rb") as handle:
                code = marshal.loads(handle.read())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return code if isinstance(code, kind) else None

    def _write(self, digest, code):
        path = self.path(digest)
        temporary = "%s.%d.tmp" % (path, os.getpid())
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps(code))
            # Atomic: a concurrent task reads the whole file or none of it.
            os.replace(temporary, path)
        except (OSError, ValueError):  # ValueError: marshal met a type it cannot write
            try:
                os.remove(temporary)
            except OSError:
                pass


class RoutingCache(Cache):
    """The collection loader's parse of a collection's meta/runtime.yml (PARSE: ``_meta_yml_to_dict``) by the digest of
    the file's bytes, on disk in DIRECTORY; each call gets a mapping of its own, as a parse gives."""

    tag = None

    def path(self, digest):
        if self.tag is None:
            # Imported at the first parse, not when the loader is patched: a process that loads no collection needs
            # neither. Both are imported by then (ansible-core's parse imports yaml).
            import yaml  # pylint: disable=import-outside-toplevel

            from ansible import release  # pylint: disable=import-outside-toplevel

            import hashlib  # pylint: disable=import-outside-toplevel

            # The parse replaced: ansible-core's own, or another (ansible-test's import sanity test brings its own).
            parser = "%s.%s" % (getattr(self.compile_source, "__module__", ""), getattr(self.compile_source, "__qualname__", ""))
            self.tag = "%s-yaml%s%s-ansible%s-%s" % (sys.implementation.cache_tag, yaml.__version__,
                                                     "c" if getattr(yaml, "__with_libyaml__", False) else "", release.__version__,
                                                     hashlib.sha256(parser.encode("utf-8")).hexdigest()[:8])
        return os.path.join(self.directory, digest[:2], "%s.%s.bin" % (digest, self.tag))

    def __call__(self, yaml_string_data, content_id):
        import hashlib  # pylint: disable=import-outside-toplevel

        data = bytes(yaml_string_data) if isinstance(yaml_string_data, (bytes, bytearray)) else str(yaml_string_data).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        routing = self._read(digest, dict)
        if routing is not None:
            self.loaded += 1
            return routing
        routing = self.compile_source(yaml_string_data, content_id)
        self.compiled += 1
        if isinstance(routing, dict):
            self._write(digest, routing)
        return routing


def renamed(code, filename):
    """CODE with FILENAME as the file name of it and of every function and class body in it."""
    if code.co_filename == filename:
        return code
    consts = tuple(renamed(const, filename) if isinstance(const, types.CodeType) else const for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def _compile_plugin(pathname, source):
    """What ansible-core's collection loader does with a plugin's source (``_AnsibleCollectionPkgLoaderBase.get_code``)."""
    return compile(source, pathname, "exec", flags=0, dont_inherit=True)


def cached_get_code(cache):
    """``_AnsibleCollectionPkgLoaderBase.get_code`` with its compile() through CACHE."""

    def get_code(self, fullname):
        # pylint: disable=protected-access
        if self._compiled_code:
            return self._compiled_code
        filename = self.get_filename(fullname) or "<string>"
        source = self.get_source(fullname)
        if source is None:  # a synthetic package: no code at all, as ansible-core answers
            return None
        self._compiled_code = cache(filename, source)
        return self._compiled_code

    get_code.restorekit_bytecode_cache = cache
    return get_code


def patch_collection_loader(finder_module, directory=DEFAULT_DIRECTORY):
    """Route the collection loader's compile() (FINDER_MODULE) through a Cache of its own, and its parse of the collections'
    routing data through a RoutingCache; the Cache, or None when this ansible-core has no such loader."""
    parse = getattr(finder_module, "_meta_yml_to_dict", None)
    if parse is not None and not isinstance(parse, RoutingCache):
        finder_module._meta_yml_to_dict = RoutingCache(parse, os.path.join(directory, "routing"))  # pylint: disable=protected-access
    base = getattr(finder_module, "_AnsibleCollectionPkgLoaderBase", None)
    if base is None or not hasattr(base, "get_code") or not hasattr(base, "get_source"):
        return None
    current = getattr(base.get_code, "restorekit_bytecode_cache", None)
    if current is not None:
        return current
    cache = Cache(_compile_plugin, os.path.join(directory, "collections"))
    base.get_code = cached_get_code(cache)
    return cache


class _AfterImport:
    """A meta path finder that lets the other finders load COLLECTION_LOADER, then patches it."""

    restorekit_bytecode_cache = True

    def __init__(self, directory):
        self.directory = directory

    def find_spec(self, fullname, path=None, target=None):
        if fullname != COLLECTION_LOADER:
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
                patch_collection_loader(module, directory)
            except Exception:  # pylint: disable=broad-except
                pass  # a cache that cannot hook in leaves ansible-core as it is

        spec.loader.exec_module = exec_module
        return spec


def enable(directory=DEFAULT_DIRECTORY):
    """Route zipimport's compilation through a Cache, and the collection loader's once it is imported (once per
    process); zipimport's Cache, or None when turned off."""
    if os.environ.get(SWITCH, "1") == "0" or not hasattr(zipimport, "_compile_source"):
        return None
    if COLLECTION_LOADER in sys.modules:
        patch_collection_loader(sys.modules[COLLECTION_LOADER], directory)
    elif not any(getattr(finder, "restorekit_bytecode_cache", False) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(directory))
    current = zipimport._compile_source  # pylint: disable=protected-access
    if isinstance(current, Cache):
        return current
    cache = Cache(current, directory)
    zipimport._compile_source = cache  # pylint: disable=protected-access
    return cache


def install(purelib=None, source=None, module=MODULE):
    """Copy SOURCE (this file) into PURELIB as MODULE and write the .pth line that enables it at interpreter start-up."""
    import shutil  # pylint: disable=import-outside-toplevel
    import sysconfig  # pylint: disable=import-outside-toplevel

    purelib = purelib or sysconfig.get_paths()["purelib"]
    target = os.path.join(purelib, module + ".py")
    source = source or os.path.abspath(__file__)
    with open(source, "rb") as handle:
        wanted = handle.read()
    current = None
    if os.path.exists(target):
        with open(target, "rb") as handle:
            current = handle.read()
    if current != wanted:
        shutil.copyfile(source, target)
    line = "import %s; %s.enable()\n" % (module, module)
    pth = os.path.join(purelib, module + ".pth")
    written = None
    if os.path.exists(pth):
        with open(pth, encoding="utf-8") as handle:
            written = handle.read()
    if written != line:
        with open(pth, "w", encoding="utf-8") as handle:
            handle.write(line)
    return target, pth


def uninstall(purelib=None, module=MODULE):
    import sysconfig  # pylint: disable=import-outside-toplevel

    purelib = purelib or sysconfig.get_paths()["purelib"]
    for name in (module + ".pth", module + ".py"):
        path = os.path.join(purelib, name)
        if os.path.exists(path):
            os.remove(path)
    # Its bytecode too, as pip removes a module's: __pycache__/<module>.<tag>.pyc, and the folder when nothing else is left.
    pycache = os.path.join(purelib, "__pycache__")
    if os.path.isdir(pycache):
        for name in os.listdir(pycache):
            if name.startswith(module + ".") and name.endswith(".pyc"):
                os.remove(os.path.join(pycache, name))
        if not os.listdir(pycache):
            os.rmdir(pycache)


def command_line(argv, source=None, module=MODULE):
    """``--install`` or ``--uninstall`` SOURCE as MODULE: this tool's command line, and that of the tools installed the
    same way (tools/ansiballz_build_cache.py, tools/botocore_data_cache.py, tools/startup_gc.py)."""
    if argv == ["--install"]:
        install(source=source, module=module)
        return 0
    if argv == ["--uninstall"]:
        uninstall(module=module)
        return 0
    sys.stderr.write("usage: %s --install | --uninstall\n" % os.path.basename(sys.argv[0]))
    return 2


def main(argv):
    return command_line(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
