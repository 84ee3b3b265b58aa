"""tools/startup_gc.py, as the venv's processes run with it: what a process builds while it starts is frozen out of the
cyclic collector's walks, what it makes afterwards is collected (and finalized, at exit too) as usual, the interpreter
shuts down quietly, and the switch turns it off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "startup_gc.py")

# A process with this checkout's tool enabled (-S: not the copy the venv's .pth line enables), its start-up shortened
# by argv[2] (CPU seconds) and argv[3] (wall seconds). It builds long-lived objects while it starts and lets the
# collector run; then it waits the start-up out (burning CPU or sleeping) and makes a reference cycle it drops: that
# cycle must be collected. A second cycle, alive at exit, has a finalizer that must still run then.
PROBE = """
import gc, json, sys, time, weakref
sys.path.insert(0, sys.argv[1])
import startup_gc
startup_gc.STARTUP_CPU_SECONDS, startup_gc.STARTUP_WALL_SECONDS = float(sys.argv[2]), float(sys.argv[3])
enabled = startup_gc.enable()
kept = [[index] for index in range(50000)]
gc.collect()
frozen_at_start = gc.get_freeze_count()
started = time.monotonic()
while time.process_time() < float(sys.argv[2]) + 0.05 and time.monotonic() < started + float(sys.argv[3]) + 0.05:
    if sys.argv[4] == "sleep":
        time.sleep(0.01)
class Node:
    def __del__(self):
        if getattr(self, "say", None):
            sys.stdout.write(self.say)
node = Node()
node.self = node
alive = weakref.ref(node)
del node
gc.collect()
at_exit = Node()
at_exit.self, at_exit.say = at_exit, "finalized at exit\\n"
print(json.dumps({"enabled": enabled, "frozen_at_start": frozen_at_start, "frozen_after": gc.get_freeze_count(),
                  "late_cycle_collected": alive() is None, "callbacks": len(gc.callbacks)}))
del at_exit
"""


def probe(switch, cpu="0.3", wall="60", wait="burn"):
    out = subprocess.run([sys.executable, "-S", "-c", PROBE, os.path.dirname(TOOL), cpu, wall, wait], capture_output=True,
                         text=True, check=True, env=dict(os.environ, RESTOREKIT_STARTUP_GC=switch))
    assert out.stderr == ""
    lines = out.stdout.splitlines()
    assert lines[1:] == ["finalized at exit"], out.stdout  # a cycle made after the start-up is finalized at exit
    return json.loads(lines[0])


def test_the_venv_runs_this_checkouts_tool():
    """make venv installs the tool; a copy older than the checkout's would be the one every process uses."""
    installed = os.path.join(sysconfig.get_paths()["purelib"], "restorekit_startup_gc.py")
    if os.path.exists(installed):
        with open(installed, "rb") as copy, open(TOOL, "rb") as source:
            assert copy.read() == source.read(), "run make venv: the installed startup_gc differs from " + TOOL


def test_start_up_survivors_are_frozen_and_a_cycle_made_after_the_start_up_is_collected():
    on = probe("1")
    assert on["enabled"] and on["callbacks"] == 1
    assert on["frozen_at_start"] >= 50000, on
    # After the start-up's CPU a collection freezes nothing more, and a cycle made then is collected.
    assert on["frozen_after"] == on["frozen_at_start"], on
    assert on["late_cycle_collected"]


def test_a_process_that_idles_leaves_its_start_up_after_the_wall_seconds():
    idle = probe("1", cpu="30", wall="0.5", wait="sleep")
    assert idle["frozen_at_start"] >= 50000 and idle["frozen_after"] == idle["frozen_at_start"], idle
    assert idle["late_cycle_collected"]


def test_the_switch_turns_it_off():
    off = probe("0")
    assert off == {"enabled": False, "frozen_at_start": 0, "frozen_after": 0, "late_cycle_collected": True, "callbacks": 0}


def test_enable_twice_registers_one_callback():
    out = subprocess.run([sys.executable, "-S", "-c", "import gc, sys; sys.path.insert(0, %r); import startup_gc; "
                          "startup_gc.enable(); startup_gc.enable(); print(len(gc.callbacks))" % os.path.dirname(TOOL)],
                         capture_output=True, text=True, check=True, env=dict(os.environ, RESTOREKIT_STARTUP_GC="1"))
    assert out.stdout.strip() == "1"


# Objects whose finalizers allocate while the interpreter tears its modules down, held by a module imported before the
# tool (so freed after the tool's own module was cleared): the collector runs then, and the callback must still work
# (no "Exception ignored in" on stderr).
TEARDOWN = """
import os, sys
sys.path.insert(0, sys.argv[1])
import startup_gc
startup_gc.enable()
class Heavy:
    def __del__(self):
        [[index] for index in range(2000)]
os.restorekit_heavy = [Heavy() for _ in range(200)]
"""


def test_the_interpreter_shuts_down_quietly():
    out = subprocess.run([sys.executable, "-S", "-c", TEARDOWN, os.path.dirname(TOOL)], capture_output=True, text=True,
                         check=True, env=dict(os.environ, RESTOREKIT_STARTUP_GC="1"))
    assert out.stderr == ""
