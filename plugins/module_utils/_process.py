# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A module run is one short process, and a responder waits for its start and its end at every task.

The imports of a module run (ansible's module_utils, botocore, boto3, amazon.aws) and its clients leave a few hundred
thousand objects that live until the process ends. Python's cyclic garbage collector walks all of them in each of its
full collections, and again several times while the interpreter shuts down. Freezing them saves about 0.07 s of CPU per
module run, a fifth of it (``bench/module_process.py`` measures it against the same module run without this).

``module_process()``, called by each module file under ``if __name__ == "__main__"`` (never when a module is imported,
as by the unit tests), freezes what exists once the imports are done (``gc.freeze``: the collector leaves those
objects alone; reference counting still frees whatever is let go) and does the same again at exit. What a run makes
afterwards is collected as usual. Left uncollected at exit are only cycles still alive then; the process writes
nothing through them (files are written with ``with``, the result goes to stdout, which the interpreter flushes).
"""

from __future__ import annotations

import atexit
import gc


def module_process():
    """Freeze what the imports made, and everything at exit (see the module's docstring)."""
    gc.freeze()
    atexit.register(gc.freeze)
