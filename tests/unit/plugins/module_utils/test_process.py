# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""module_utils/_process.py: a module run freezes what its imports made, and everything at exit; an import does not."""

from __future__ import annotations

import ast
import glob
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
COLLECTIONS = os.path.join(ROOT, ".venv", "collections")
PROCESS = "ansible_collections.restorekit.aws.plugins.module_utils._process"


def python(code):
    """Run CODE in a new interpreter that imports the collection as ansible-playbook's module runs do, without the
    venv's start-up GC hook (tools/startup_gc.py), which would freeze what the start-up made at its first collection."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([COLLECTIONS, os.environ.get("PYTHONPATH", "")]),
               RESTOREKIT_STARTUP_GC="0")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.split()


def test_module_process_freezes_what_exists_and_again_at_exit():
    # The handler registered first runs last (atexit is last in, first out): it sees what module_process's left.
    before, after, at_exit = python(
        "import atexit, gc\n"
        "from %s import module_process\n"
        "before = gc.get_freeze_count()\n"
        "made_later = []\n"
        "atexit.register(lambda: print(before, after, gc.get_freeze_count() - after))\n"
        "module_process()\n"
        "after = gc.get_freeze_count()\n"
        "made_later.extend([[index] for index in range(1000)])\n" % PROCESS)
    assert int(before) == 0
    assert int(after) > 1000  # the interpreter's and the imports' objects
    # The thousand lists made after the first freeze were frozen at exit (a few frozen objects were freed since).
    assert int(at_exit) > 900


def test_importing_the_module_utils_freezes_nothing():
    assert python("import gc\nimport %s\nprint(gc.get_freeze_count())" % PROCESS) == ["0"]


def test_every_module_calls_it_when_run_and_only_then():
    """Each module file ends `if __name__ == "__main__": module_process(); main()`; nothing else calls it, so a unit
    test that imports a module (or calls its main()) leaves the test process's collector alone."""
    files = sorted(glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")))
    assert files
    for path in files:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        guard = [node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "__name__ == '__main__'"]
        assert len(guard) == 1, path
        assert [ast.unparse(statement) for statement in guard[0].body] == ["module_process()", "main()"], path
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "module_process"]
        assert len(calls) == 1, path
