"""tools/startup_gc.py, as the venv's processes run with it: what a process builds while it starts is frozen out of the
cyclic collector's walks, what it makes afterwards is collected as usual, and the switch turns it off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "startup_gc.py")

# A process with this checkout's tool enabled (-S: not the copy the venv's .pth line enables). It builds long-lived
# objects while it starts, lets the collector run, then burns the start-up's CPU budget and makes a reference cycle it
# drops: that cycle must be collected.
PROBE = """
import gc, json, sys, time, weakref
sys.path.insert(0, sys.argv[1])
import startup_gc
enabled = startup_gc.enable()
kept = [[index] for index in range(50000)]
gc.collect()
frozen_at_start = gc.get_freeze_count()
while time.process_time() < startup_gc.STARTUP_CPU_SECONDS + 0.05:
    pass
class Node:
    pass
node = Node()
node.self = node
alive = weakref.ref(node)
del node
gc.collect()
print(json.dumps({"enabled": enabled, "frozen_at_start": frozen_at_start, "frozen_after": gc.get_freeze_count(),
                  "late_cycle_collected": alive() is None, "callbacks": len(gc.callbacks)}))
"""


def probe(switch):
    out = subprocess.run([sys.executable, "-S", "-c", PROBE, os.path.dirname(TOOL)], capture_output=True, text=True,
                         check=True, env=dict(os.environ, RESTOREKIT_STARTUP_GC=switch))
    return json.loads(out.stdout)


def test_the_venv_runs_this_checkouts_tool():
    """make venv installs the tool; a copy older than the checkout's would be the one every process uses."""
    installed = os.path.join(sysconfig.get_paths()["purelib"], "restorekit_startup_gc.py")
    if os.path.exists(installed):
        with open(installed, "rb") as copy, open(TOOL, "rb") as source:
            assert copy.read() == source.read(), "run make venv: the installed startup_gc differs from " + TOOL


def test_start_up_survivors_are_frozen_and_a_later_cycle_is_still_collected():
    on = probe("1")
    assert on["enabled"] and on["callbacks"] == 1
    assert on["frozen_at_start"] >= 50000, on
    # After the start-up budget a collection freezes nothing more, and a cycle made then is collected.
    assert on["frozen_after"] == on["frozen_at_start"], on
    assert on["late_cycle_collected"]


def test_the_switch_turns_it_off():
    off = probe("0")
    assert off == {"enabled": False, "frozen_at_start": 0, "frozen_after": 0, "late_cycle_collected": True, "callbacks": 0}


def test_enable_twice_registers_one_callback():
    out = subprocess.run([sys.executable, "-S", "-c", "import gc, sys; sys.path.insert(0, %r); import startup_gc; "
                          "startup_gc.enable(); startup_gc.enable(); print(len(gc.callbacks))" % os.path.dirname(TOOL)],
                         capture_output=True, text=True, check=True, env=dict(os.environ, RESTOREKIT_STARTUP_GC="1"))
    assert out.stdout.strip() == "1"
