# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Python's cyclic garbage collector kept off what a process of the venv builds while it starts.

The test suites start thousands of Python processes: ``ansible-playbook`` and its task workers, module runs
(amazon.aws's among them), pytest, molecule, ansible-lint. Each imports a few hundred modules (ansible-core, botocore,
boto3) and builds its clients, leaving a few hundred thousand objects that live until it ends; the cyclic collector
walks them again in each of its collections while the process starts, and all of them again while the interpreter
shuts down. This collection's own modules already freeze what their imports made (``module_utils/_process.py``); this
does the same for every process of the venv: after each collection in a process's start-up (its first two seconds of
CPU time, and at most its first ten seconds), what survived it is frozen (``gc.freeze``: the collector leaves it alone,
reference counting still frees whatever is let go). After the start-up, collections are as usual. Measured here: a
one-task play took 0.46 s of CPU without it and 0.37 s with it; a 100-task play 2.38 s and 2.27 s (the task workers
fork from a frozen heap); a process importing ansible's module_utils and boto3 and making four clients 0.39 s and
0.26 s.

What it costs: a reference cycle that was alive at one of those collections and dies later is never collected, even at
exit, so a finalizer in such a cycle (``__del__``, a ``NamedTemporaryFile`` left open in one) does not run. Such
leftovers are bounded by what a process holds during its start-up; cycles made after it are collected and finalized
as usual, at exit too. A forked child starts with its parent's state: within the parent's ten seconds, its own first
two seconds of CPU count as start-up (``time.process_time`` starts again at fork), which suits Ansible's short-lived
task workers.

``make venv`` installs it into the project's ``.venv`` only, like the caches beside it (``--install``: this file as a
module of site-packages and a ``.pth`` line that enables it when the venv's Python starts). ``RESTOREKIT_STARTUP_GC=0``
turns it off for one run; ``--uninstall`` removes it. The benchmarks turn it off for every side they compare: a
bastion has no such hook.
"""

from __future__ import annotations

import gc
import os
import sys
import time

MODULE = "restorekit_startup_gc"
SWITCH = "RESTOREKIT_STARTUP_GC"
STARTUP_CPU_SECONDS = 2.0
STARTUP_WALL_SECONDS = 10.0


def enable():
    """Freeze the survivors of the collections in the process's start-up (once per process); True, or False when turned
    off."""
    if os.environ.get(SWITCH, "1") == "0":
        return False
    if any(getattr(callback, "restorekit_startup_gc", False) for callback in gc.callbacks):
        return True
    deadline = time.monotonic() + STARTUP_WALL_SECONDS
    over = []

    # Everything the callback uses is bound here: it may run while the interpreter tears modules down.
    def after_collection(phase, _info, cpu_limit=STARTUP_CPU_SECONDS, process_time=time.process_time,
                         monotonic=time.monotonic, freeze=gc.freeze):
        if phase != "stop" or over:
            return
        if process_time() < cpu_limit and monotonic() < deadline:
            freeze()
        else:
            over.append(True)  # from now on, collections are as usual (gc.callbacks is left as it is)

    after_collection.restorekit_startup_gc = True
    gc.callbacks.append(after_collection)
    return True


if __name__ == "__main__":
    # Run from the checkout (make venv), so this directory is on the path: the command line (install, uninstall) is
    # tools/ansiballz_bytecode_cache.py's.
    from ansiballz_bytecode_cache import command_line  # pylint: disable=import-error

    sys.exit(command_line(sys.argv[1:], os.path.abspath(__file__), MODULE))
