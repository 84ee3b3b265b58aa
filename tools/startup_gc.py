# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python's cyclic garbage collector kept off what a process of the venv builds while it starts.

The test suites start thousands of Python processes: ``ansible-playbook`` and its task workers, module runs
(amazon.aws's among them), pytest, molecule, ansible-lint. Each imports a few hundred modules (ansible-core, botocore,
boto3) and builds its clients, leaving a few hundred thousand objects that live until it ends; the cyclic collector
walks them again in each of its collections while the process starts, and all of them again while the interpreter
shuts down. This collection's own modules already freeze what their imports made (``module_utils/_process.py``); this
does the same for every process of the venv: after each collection in a process's first two seconds of CPU time, what
survived it is frozen (``gc.freeze``: the collector leaves it alone, reference counting still frees whatever is let
go), and so is everything at exit. What a process makes later is collected as usual. Measured here: a one-task play
took 0.56 s of CPU without it and 0.43 s with it; a 100-task play 2.74 s and 2.54 s (the workers fork from a frozen
heap); a process importing ansible's module_utils and boto3 and making four clients 0.36 s and 0.25 s.

What it costs: a reference cycle that was alive at one of those collections and dies later is never collected, nor
are cycles alive at exit. Such leftovers are bounded by what a process holds during its first two seconds of CPU.
Processes write nothing through them: files are closed by ``with`` or by reference counting, and ``atexit`` handlers
registered after this one (``weakref.finalize``, ``tempfile``) run before the final freeze.

``make venv`` installs it into the project's ``.venv`` only, like the caches beside it (``--install``: this file as a
module of site-packages and a ``.pth`` line that enables it when the venv's Python starts). ``RESTOREKIT_STARTUP_GC=0``
turns it off for one run; ``--uninstall`` removes it. The benchmarks turn it off for every side they compare: a
bastion has no such hook.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
import time

MODULE = "restorekit_startup_gc"
SWITCH = "RESTOREKIT_STARTUP_GC"
STARTUP_CPU_SECONDS = 2.0


def after_collection(phase, _info):
    """A gc callback: at the end of a collection in the process's start-up, freeze what survived it."""
    if phase == "stop" and time.process_time() < STARTUP_CPU_SECONDS:
        gc.freeze()


def enable():
    """Freeze start-up survivors and everything at exit (once per process); True, or False when turned off."""
    if os.environ.get(SWITCH, "1") == "0":
        return False
    if not any(getattr(callback, "restorekit_startup_gc", False) for callback in gc.callbacks):
        after_collection.restorekit_startup_gc = True
        gc.callbacks.append(after_collection)
        atexit.register(gc.freeze)
    return True


def _installer():
    """tools/ansiballz_bytecode_cache.py, whose command line (install, uninstall) this tool uses (only from the checkout)."""
    import importlib.util  # pylint: disable=import-outside-toplevel

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ansiballz_bytecode_cache.py")
    spec = importlib.util.spec_from_file_location("ansiballz_bytecode_cache", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def main(argv):
    return _installer().command_line(argv, os.path.abspath(__file__), MODULE)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
