"""tools/module_forkserver.py, as the venv's processes run with it: a pipelined AnsiballZ program runs in a child of the
server with the process's arguments, directory, environment, streams and exit status; anything else runs as usual; a
signal reaches the module, and the module dies with the process that waits for it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(ROOT, "tools")
PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
sys.path.insert(0, TOOLS)
import module_forkserver as tool  # noqa: E402  pylint: disable=import-error,wrong-import-position

del sys.path[0]

# A program as ansible-core pipelines a module: the wrapper's mark, then what the module would do.
WRAPPER = tool.WRAPPER_MARK.decode() + """
import json, os, sys
import __main__
parent = open("/proc/%d/stat" % os.getppid()).read().rsplit(")", 1)[1].split()
print(json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "said": os.environ.get("SAID"), "grandparent": int(parent[2]),
                  "streams": [[stream.encoding, stream.errors, stream.line_buffering, stream.write_through,
                               type(stream.buffer).__name__] for stream in (sys.stdin, sys.stdout, sys.stderr)],
                  "dont_write_bytecode": sys.dont_write_bytecode,
                  "umask": os.umask(0o22),
                  "globals": sorted(globals()), "file": __main__.__file__, "spec": __spec__, "doc": __doc__,
                  "stdin": sys.stdin.read(), "main": __name__, "path0": sys.path[0], "boto3": "boto3" in sys.modules}))
sys.stderr.write("to stderr\\n")
sys.exit(int(os.environ.get("STATUS", "0")))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("forkserver") / "socket")
    proc = tool.start(path, python=PYTHON)
    yield proc, path
    tool.stop(proc)
    assert not os.path.exists(path)  # the server removes its socket when it stops


def run(program, path, cwd, **env):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    environment.update(env)
    environment.pop("RESTOREKIT_MODULE_FORKSERVER", None)
    if path is not None:
        environment["RESTOREKIT_MODULE_FORKSERVER"] = path
    return subprocess.run([PYTHON], input=program, cwd=str(cwd), env=environment, capture_output=True, encoding="utf-8",
                          errors="surrogateescape",
                          check=False, timeout=120)


def test_the_venv_runs_this_checkouts_tool():
    """make venv installs the tool; a copy older than the checkout's would be the one every process uses."""
    purelib = subprocess.run([PYTHON, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(purelib, tool.MODULE + ".py"), "rb") as installed, \
            open(os.path.join(TOOLS, "module_forkserver.py"), "rb") as checkout:
        assert installed.read() == checkout.read()
    with open(os.path.join(purelib, tool.MODULE + ".pth"), encoding="utf-8") as pth:
        assert pth.read() == "import %s; %s.enable()\n" % (tool.MODULE, tool.MODULE)


TAKEN_OVER = {"PYTHONUNBUFFERED": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "latin-1:replace"}


@pytest.mark.parametrize("taken_over", [{}, TAKEN_OVER])
def test_a_wrapper_runs_in_a_child_of_the_server_as_it_would_in_a_process_of_its_own(server, tmp_path, taken_over):
    proc, path = server
    forked = run(WRAPPER, path, tmp_path, SAID="hello", STATUS="3", **taken_over)
    alone = run(WRAPPER, None, tmp_path, SAID="hello", STATUS="3", **taken_over)
    assert (forked.returncode, alone.returncode) == (3, 3)
    assert forked.stderr == alone.stderr == "to stderr\n"
    ran, expected = json.loads(forked.stdout), json.loads(alone.stdout)
    assert ran.pop("grandparent") == proc.pid and expected.pop("grandparent") != proc.pid
    assert ran.pop("boto3") and not expected.pop("boto3")  # the child starts with what the server imported
    assert ran == expected
    assert ran["argv"] == [""] and ran["cwd"] == str(tmp_path) and ran["said"] == "hello" and ran["stdin"] == ""
    assert ran["main"] == "__main__" and ran["path0"] == "" and ran["file"] == "<stdin>"


@pytest.mark.parametrize("body, status", [
    ("raise ValueError('bad input')", 1),
    ("import sys; sys.exit('stopped here')", 1),
    ("raise KeyboardInterrupt", -signal.SIGINT),
    ("import os, signal; os.kill(os.getpid(), signal.SIGSEGV)", -signal.SIGSEGV),
    ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", -signal.SIGKILL),
    ("print('a', '\\udcff')", 0),
])
def test_exceptions_exits_and_deaths_end_as_in_a_process_of_its_own(server, tmp_path, body, status):
    _proc, path = server
    program = tool.WRAPPER_MARK.decode() + body + "\n"
    forked, alone = run(program, path, tmp_path), run(program, None, tmp_path)
    assert forked.returncode == alone.returncode == status
    assert (forked.stdout, forked.stderr) == (alone.stdout, alone.stderr)


def test_other_interpreter_settings_run_the_wrapper_as_usual(server, tmp_path):
    """A hook's switch or a PYTHON* variable the server did not start with: the process runs the wrapper itself."""
    proc, path = server
    for setting in ({"RESTOREKIT_STARTUP_GC": "0"}, {"PYTHONHASHSEED": "7"}):
        done = run(WRAPPER, path, tmp_path, **setting)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["grandparent"] != proc.pid


def test_any_other_program_runs_as_usual_whole(server, tmp_path):
    _proc, path = server
    padding = "#" * (1 << 18) + "\n"  # more than a pipe holds
    program = padding + "import os, sys; print(os.getppid(), sys.argv, 'boto3' in sys.modules)\n"
    done = run(program, path, tmp_path)
    assert done.returncode == 0, done.stderr
    ppid, argv, preloaded = done.stdout.split()
    assert int(ppid) != server[0].pid and argv == "['']" and preloaded == "False"


def test_no_server_at_the_socket_runs_the_wrapper_as_usual(tmp_path):
    done = run(WRAPPER, str(tmp_path / "nothing-here"), tmp_path, SAID="alone")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["said"] == "alone" and not json.loads(done.stdout)["boto3"]


def wait_gone(pid, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def start_sleeper(path, tmp_path):
    """A wrapper that starts a subprocess and waits: the waiting process, the module's pid and its subprocess's."""
    program = tool.WRAPPER_MARK.decode() + (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen(['sleep', '600'])\n"
        "open(sys.argv[0] or %r, 'w').write('%%d %%d' %% (os.getpid(), child.pid))\n"
        "time.sleep(600)\n" % str(tmp_path / "pids"))
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    environment["RESTOREKIT_MODULE_FORKSERVER"] = path
    waiting = subprocess.Popen([PYTHON], stdin=subprocess.PIPE, env=environment, cwd=str(tmp_path),  # pylint: disable=consider-using-with
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    waiting.stdin.write(program.encode())
    waiting.stdin.close()
    deadline = time.monotonic() + 60
    while not (tmp_path / "pids").exists() or len((tmp_path / "pids").read_text().split()) < 2:
        assert time.monotonic() < deadline and waiting.poll() is None, waiting.stderr.read()
        time.sleep(0.05)
    return waiting, [int(pid) for pid in (tmp_path / "pids").read_text().split()]


def test_the_module_and_what_it_started_die_with_the_process_that_waits(server, tmp_path):
    _proc, path = server
    waiting, (module, started) = start_sleeper(path, tmp_path)
    assert module != waiting.pid
    os.kill(waiting.pid, signal.SIGKILL)
    assert waiting.wait(timeout=30) == -signal.SIGKILL
    assert wait_gone(module) and wait_gone(started)


def test_a_signal_reaches_the_module_and_the_process_dies_of_it(server, tmp_path):
    _proc, path = server
    waiting, (module, started) = start_sleeper(path, tmp_path)
    os.kill(waiting.pid, signal.SIGTERM)
    assert waiting.wait(timeout=30) == -signal.SIGTERM
    assert wait_gone(module)
    os.kill(started, signal.SIGKILL)  # a module killed by a signal leaves what it started, as a process of its own does


def test_a_signal_at_any_moment_of_the_hand_over_leaves_no_module_behind(server, tmp_path):
    """SIGTERM to the waiting process early or late in the hand-over: it dies of it, and no runner is left running."""
    _proc, path = server
    environment = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    environment["RESTOREKIT_MODULE_FORKSERVER"] = path
    for attempt in range(24):
        pids = tmp_path / ("pids-%d" % attempt)
        program = tool.WRAPPER_MARK.decode() + (
            "import os, time\nopen(%r, 'w').write(str(os.getpid()))\ntime.sleep(600)\n" % str(pids))
        waiting = subprocess.Popen([PYTHON], stdin=subprocess.PIPE, env=environment, cwd=str(tmp_path),  # pylint: disable=consider-using-with
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        waiting.stdin.write(program.encode())
        waiting.stdin.close()
        time.sleep(0.01 * attempt)  # from before the hand-over to well after the module started
        waiting.send_signal(signal.SIGTERM)
        assert waiting.wait(timeout=30) == -signal.SIGTERM
        time.sleep(0.05)  # a runner that was about to write its pid has done so
        if pids.exists() and pids.read_text():
            assert wait_gone(int(pids.read_text())), attempt


def test_serving_names_its_server_while_the_block_runs_and_is_off_at_zero(tmp_path, monkeypatch):
    monkeypatch.delenv("RESTOREKIT_MODULE_FORKSERVER", raising=False)
    with tool.serving(python=PYTHON) as path:
        assert os.environ["RESTOREKIT_MODULE_FORKSERVER"] == path
        done = run(WRAPPER, path, tmp_path)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["boto3"]  # run by the server
    assert "RESTOREKIT_MODULE_FORKSERVER" not in os.environ and not os.path.exists(path)
    monkeypatch.setenv("RESTOREKIT_MODULE_FORKSERVER", "0")
    with tool.serving(python=PYTHON) as path:
        assert path is None and os.environ["RESTOREKIT_MODULE_FORKSERVER"] == "0"
