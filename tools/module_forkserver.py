# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fork server for the module runs of the test suites: a module's process starts from one that has imported boto3.

Every task of a play runs its module in a new process of the venv's Python (with pipelining, as this collection's
plays and ansible.cfg set it: ``python`` reading the AnsiballZ wrapper on its standard input). Before a module of this
collection or amazon.aws does anything it imports boto3 and botocore: about 0.18 s of CPU here, two thirds of a short
module run, paid again by each of the suites' thousands of tasks.

``serve`` is a process that imports them once (boto3, botocore, s3transfer, urllib3 and the standard library they use)
and waits on a Unix socket. When a process of the venv's Python starts as ansible-core runs a pipelined module - no
argument, the program on standard input - and ``RESTOREKIT_MODULE_FORKSERVER`` names that socket, the ``.pth`` line
of this file reads the program, and, when it is an AnsiballZ wrapper, hands it over with the process's arguments,
working directory, environment, umask, ``sys.path`` and standard streams (their descriptors, and how its ``sys.stdin``,
``stdout`` and ``stderr`` were made). The server forks a handler, the handler forks the runner: the runner takes all
of that as its own and runs the wrapper as ``__main__``, as the interpreter would have; the module imports its
module_utils from the wrapper's payload, as usual (the server imports nothing of ``ansible`` or a collection), and
boto3 from the modules already imported. The process that started waits and exits with the runner's status, or dies
of the signal that killed it, passing on the signals it gets (a task's timeout, a Ctrl-C). When it is killed, the
handler kills the runner and what the runner started. Anything else - a program that is not a wrapper, no server at
the socket, another user, interpreter settings the server did not start with (``_interpreter_settings``) - runs as it
would have without this file: the process starts again with the same program on its standard input.

What changes is the time: the module's code, its arguments and its answers are those of a process of its own. Not
the same: the module's parent process is the handler, not the one ansible-core started (which waits for it).

The suites turn it on (tests/e2e/conftest.py, one server per pytest process; tests/integration/runner.py) by setting
the variable in the environment of the plays they run; a bastion never has it: ``make venv`` installs it into the
project's ``.venv`` only, like the caches beside it (``--install``, ``--uninstall``).
"""

from __future__ import annotations

import contextlib
import os
import sys

MODULE = "restorekit_module_forkserver"
SWITCH = "RESTOREKIT_MODULE_FORKSERVER"
# The line of every AnsiballZ wrapper that says what it is (ansible-core's _internal/_ansiballz/_wrapper.py).
WRAPPER_MARK = b"\n_ANSIBALLZ_WRAPPER = True\n"
# What the server imports before it forks: the third-party packages a module of this collection or amazon.aws imports
# from site-packages (never ``ansible`` or ``ansible_collections``: a module imports those from its payload).
PRELOAD = ("boto3", "boto3.session", "botocore.session", "botocore.client", "botocore.endpoint", "botocore.parsers",
           "botocore.serialize", "botocore.waiter", "botocore.paginate", "botocore.exceptions", "botocore.config",
           "botocore.loaders", "botocore.regions", "botocore.credentials", "botocore.httpsession", "botocore.stub",
           "s3transfer.manager", "urllib3", "dateutil.parser", "dateutil.tz", "jmespath", "pymysql",
           "json", "datetime", "typing", "dataclasses", "base64", "shutil", "tempfile", "zipfile", "hashlib",
           "concurrent.futures", "locale", "signal", "traceback",
           # what ansible.module_utils.basic and amazon.aws's module_utils import from outside the payload
           "ctypes", "argparse", "distro", "packaging.version", "gettext", "typing_extensions", "unicodedata",
           "encodings.idna", "stringprep", "pkgutil", "grp", "pwd", "syslog")
# What the child takes over from the process that waits, whatever the server started with: sys.path, the standard
# streams as they were made, and sys.dont_write_bytecode.
TAKEN_OVER = ("PYTHONPATH", "PYTHONIOENCODING", "PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE")
# The switches of the venv's other start-up hooks (tools/): read once, when a process starts.
HOOK_SWITCHES = ("_BYTECODE_CACHE", "_BUILD_CACHE", "_BOTOCORE_DATA_CACHE", "_STARTUP_GC")
FORWARDED = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGALRM")


def _read_all(fd):
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _send_message(sock, data, fds=()):
    import socket  # pylint: disable=import-outside-toplevel

    header = len(data).to_bytes(8, "big")
    if fds:
        socket.send_fds(sock, [header], list(fds))
    else:
        sock.sendall(header)
    sock.sendall(data)


def _receive_exactly(sock, size):
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive_message(sock, fds=0):
    import socket  # pylint: disable=import-outside-toplevel

    received = []
    if fds:
        header, received, _flags, _address = socket.recv_fds(sock, 8, fds)
        if len(header) < 8:
            header += _receive_exactly(sock, 8 - len(header))
    else:
        header = _receive_exactly(sock, 8)
    return _receive_exactly(sock, int.from_bytes(header, "big")), received


def _start_again(source):
    """Run SOURCE as the program of this interpreter, as it would have without the server: start again (same command
    line, the variable removed) with SOURCE on standard input."""
    os.environ.pop(SWITCH, None)
    read_end, write_end = os.pipe()
    writer = os.fork()
    if writer == 0:  # the pipe may hold less than SOURCE: a grandchild writes it, nobody's child once this one exits
        try:
            if os.fork() == 0:
                os.close(read_end)
                for fd in (0, 1, 2):
                    os.close(fd)
                view = memoryview(source)
                while view:
                    view = view[os.write(write_end, view):]
        finally:
            os._exit(0)  # pylint: disable=protected-access
    os.waitpid(writer, 0)
    os.close(write_end)
    os.dup2(read_end, 0)
    os.close(read_end)
    os.execv(sys.executable, getattr(sys, "orig_argv", None) or [sys.executable])


def _die_of(signum):
    """Exit as a process killed by SIGNUM does."""
    import signal  # pylint: disable=import-outside-toplevel

    if signum not in (signal.SIGKILL, signal.SIGSTOP):
        signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signum])
    os.kill(os.getpid(), signum)
    os._exit(128 + signum)  # pylint: disable=protected-access


def _streams():
    """How this process's sys.stdin, stdout and stderr are made: encoding, errors, line buffering, write-through, and
    whether the text layer writes to the descriptor without a buffer (-u, PYTHONUNBUFFERED)."""
    import io  # pylint: disable=import-outside-toplevel

    return [[stream.encoding, stream.errors, stream.line_buffering, stream.write_through,
             isinstance(stream.buffer, io.FileIO)] if stream is not None else None
            for stream in (sys.stdin, sys.stdout, sys.stderr)]


def _interpreter_settings(environ):
    """What the server's imports and the other hooks of the venv read once, when a process starts: a module run goes to
    the server only when these are the server's."""
    return sorted((name, value) for name, value in environ.items()
                  if (name.startswith("PYTHON") and name not in TAKEN_OVER)
                  or (name.startswith("RESTOREKIT_") and name.endswith(HOOK_SWITCHES)))


def _hand_over(path, source):
    """Have the server at PATH run SOURCE; exit with its status. False when there is no server to take it."""
    import json  # pylint: disable=import-outside-toplevel
    import signal  # pylint: disable=import-outside-toplevel
    import socket  # pylint: disable=import-outside-toplevel

    forwarded = [getattr(signal, name) for name in FORWARDED]
    # Held until they can be passed on: one that came before the runner's pid would end this process and leave the run.
    signal.pthread_sigmask(signal.SIG_BLOCK, forwarded)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
        umask = os.umask(0o22)
        os.umask(umask)
        request = json.dumps({"argv": sys.argv, "cwd": os.getcwd(), "env": dict(os.environ), "path": sys.path,
                              "executable": sys.executable, "umask": umask, "streams": _streams(),
                              "dont_write_bytecode": sys.dont_write_bytecode,
                              "settings": _interpreter_settings(os.environ)}).encode("utf-8")
        _send_message(sock, request, fds=(0, 1, 2))
        _send_message(sock, source)
        child = int(_receive_message(sock)[0])
    except (OSError, EOFError, ValueError):
        sock.close()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, forwarded)
        return False
    received = []

    def forward(signum, _frame):
        received.append(signum)
        try:
            os.kill(child, signum)
        except OSError:
            pass

    for signum in forwarded:
        signal.signal(signum, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, forwarded)
    try:
        status = int(_receive_message(sock)[0])
    except (OSError, EOFError, ValueError):
        # The server went away before the run ended: die by the signal passed on, or as killed.
        _die_of(received[-1] if received else signal.SIGKILL)
    if status < 0:
        _die_of(-status)
    os._exit(status)  # pylint: disable=protected-access


def enable():
    """At start-up (the .pth line): hand a pipelined module run over to the server the switch names. Returns False
    when this process is not one, or the switch is off; does not return otherwise."""
    path = os.environ.get(SWITCH, "")
    if path in ("", "0") or getattr(sys, "restorekit_module_forkserver", False):
        return False
    sys.restorekit_module_forkserver = True  # the .pth line runs once per site directory (lib and lib64)
    if len(getattr(sys, "orig_argv", ())) != 1 or sys.argv != [""] or sys.flags.interactive or os.isatty(0):
        return False
    source = _read_all(0)
    if WRAPPER_MARK not in source or not _hand_over(path, source):
        _start_again(source)
    return False  # not reached


# The server.

def _new_streams(settings):
    """sys.stdin, stdout and stderr over descriptors 0, 1 and 2, with the encoding, errors and buffering the process
    that waits has (they follow its locale and PYTHONIOENCODING)."""
    import io  # pylint: disable=import-outside-toplevel

    def text(fd, mode, setting):
        if setting is None:
            return None
        encoding, errors, line_buffering, write_through, unbuffered = setting
        raw = io.FileIO(fd, mode, closefd=False)
        buffered = raw if unbuffered else io.BufferedReader(raw) if mode == "r" else io.BufferedWriter(raw)
        return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, line_buffering=line_buffering,
                                write_through=write_through)

    sys.stdin = sys.__stdin__ = text(0, "r", settings[0])
    sys.stdout = sys.__stdout__ = text(1, "w", settings[1])
    sys.stderr = sys.__stderr__ = text(2, "w", settings[2])


def _run_program(source):
    """In the runner: run SOURCE as the interpreter runs a program read on standard input; never returns."""
    import atexit  # pylint: disable=import-outside-toplevel
    import importlib.machinery  # pylint: disable=import-outside-toplevel
    import signal  # pylint: disable=import-outside-toplevel
    import threading  # pylint: disable=import-outside-toplevel
    import types  # pylint: disable=import-outside-toplevel

    main = types.ModuleType("__main__")  # as the interpreter makes it for a program read on standard input
    main.__dict__.update({"__builtins__": __builtins__, "__file__": "<stdin>", "__cached__": None,
                          "__loader__": importlib.machinery.BuiltinImporter, "__annotations__": {}})
    sys.modules["__main__"] = main
    status, interrupted = 1, False
    try:
        exec(compile(source, "<stdin>", "exec", dont_inherit=True), main.__dict__)  # pylint: disable=exec-used
        status = 0
    except SystemExit as exit_:
        if exit_.code is None:
            status = 0
        elif isinstance(exit_.code, int):
            status = exit_.code
        else:
            sys.stderr.write("%s\n" % (exit_.code,))
    except BaseException as error:  # pylint: disable=broad-except
        interrupted = isinstance(error, KeyboardInterrupt)
        error.__traceback__ = error.__traceback__.tb_next  # without this function's frame
        sys.excepthook(type(error), error, error.__traceback__)
    try:
        threading._shutdown()  # pylint: disable=protected-access  # as at the interpreter's exit: wait for its threads
        atexit._run_exitfuncs()  # pylint: disable=protected-access
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except BaseException:  # pylint: disable=broad-except
        pass
    if interrupted:  # the interpreter dies of SIGINT after an uncaught KeyboardInterrupt
        _die_of(signal.SIGINT)
    os._exit(status & 0xFF)  # pylint: disable=protected-access


def _handle(conn, settings):
    """In the server's child: take the request on CONN, fork the runner, wait for it and send its exit status; never
    returns. SETTINGS are the server's interpreter settings."""
    import json  # pylint: disable=import-outside-toplevel
    import locale  # pylint: disable=import-outside-toplevel
    import select  # pylint: disable=import-outside-toplevel
    import signal  # pylint: disable=import-outside-toplevel
    import socket  # pylint: disable=import-outside-toplevel
    import struct  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel

    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        request, fds = _receive_message(conn, fds=3)
        source = _receive_message(conn)[0]
        request = json.loads(request)
        peer = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
        if (request["executable"] != sys.executable or len(fds) != 3 or peer[1:] != (os.getuid(), os.getgid())
                or [list(pair) for pair in settings] != request["settings"]):
            os._exit(0)  # pylint: disable=protected-access  # the process starts again on its own
        runner = os.fork()
        if runner == 0:
            conn.close()  # what the module forks does not hold the connection open
            for target, fd in enumerate(fds):
                os.dup2(fd, target)
                os.close(fd)
            os.setpgid(0, 0)  # what the module starts goes with it when the process that waits is killed
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.umask(request["umask"])
            os.chdir(request["cwd"])
            os.environ.clear()
            os.environ.update(request["env"])
            time.tzset()
            try:
                locale.setlocale(locale.LC_CTYPE, "")
            except locale.Error:
                pass
            sys.argv = request["argv"]
            sys.path = [""] + request["path"]
            sys.dont_write_bytecode = request["dont_write_bytecode"]
            _new_streams(request["streams"])
            _run_program(source)
        try:
            os.setpgid(runner, runner)  # as the runner does: whichever comes first
        except OSError:
            pass
        try:
            for fd in fds:
                os.close(fd)
            _send_message(conn, str(runner).encode())
            exited = os.pidfd_open(runner)
            while True:
                ready = select.select([conn, exited], [], [])[0]
                if exited in ready:
                    break
                if not conn.recv(1):
                    raise EOFError("the process that waits died")
            status = os.waitstatus_to_exitcode(os.waitpid(runner, 0)[1])
        except BaseException:  # pylint: disable=broad-except
            # Nobody waits for the run any more (killed, or gone before it learnt the runner's pid): it ends, and
            # what it started with it.
            try:
                os.killpg(runner, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(runner, 0)
            raise
        _send_message(conn, str(status).encode())
    finally:
        os._exit(0)  # pylint: disable=protected-access


def serve(path):
    """Import PRELOAD, listen at PATH and fork a child per connection until standard input closes."""
    import gc  # pylint: disable=import-outside-toplevel
    import importlib  # pylint: disable=import-outside-toplevel
    import select  # pylint: disable=import-outside-toplevel
    import signal  # pylint: disable=import-outside-toplevel
    import socket  # pylint: disable=import-outside-toplevel

    if sys.path and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]  # a module of tools/ never shadows one a module imports
    settings = _interpreter_settings(os.environ)
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    gc.collect()
    gc.freeze()  # the children leave the imported modules' pages alone
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies: nobody waits for a child here
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(64)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    try:
        while True:
            ready = select.select([server, sys.stdin], [], [])[0]
            if sys.stdin in ready:
                return 0
            conn = server.accept()[0]
            if os.fork() == 0:
                server.close()
                _handle(conn, settings)  # never returns
            conn.close()
    finally:
        server.close()
        os.unlink(path)


def start(path, python=None, env=None):
    """Start a server at PATH under PYTHON (default: this interpreter) in ENV (default: this process's environment
    without its PYTHON* variables, as the suites' plays have it); the Popen, once it listens. Closing its standard input
    stops it."""
    import subprocess  # pylint: disable=import-outside-toplevel

    if env is None:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    proc = subprocess.Popen([python or sys.executable, os.path.abspath(__file__), "--serve", path],  # pylint: disable=consider-using-with
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, start_new_session=True, env=env)
    if proc.stdout.readline() != b"ready\n":
        proc.wait()
        raise RuntimeError("the module fork server did not start (exit %s)" % proc.returncode)
    return proc


def stop(proc):
    proc.stdin.close()
    proc.stdout.close()
    proc.wait()


@contextlib.contextmanager
def serving(python=None, env=None):
    """A server for the suites while the block runs, named by RESTOREKIT_MODULE_FORKSERVER in this process's
    environment (the plays' environments are made from it); yields its socket's path, or None when
    RESTOREKIT_MODULE_FORKSERVER=0, when PYTHON's venv does not have the .pth line, or when it does not start. PYTHON
    and ENV as start()'s."""
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import tempfile  # pylint: disable=import-outside-toplevel
    import warnings  # pylint: disable=import-outside-toplevel

    purelib = subprocess.run([python or sys.executable, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    server = path = None
    if os.environ.get(SWITCH) != "0" and os.path.exists(os.path.join(purelib, MODULE + ".pth")):
        # A Unix socket's path is at most 107 bytes: under /tmp, whatever TMPDIR is.
        directory = tempfile.mkdtemp(prefix="rk-forkserver-", dir="/tmp" if os.path.isdir("/tmp") else None)
        path = os.path.join(directory, "socket")
        try:
            server = start(path, python=python, env=env)
            os.environ[SWITCH] = path
        except (OSError, RuntimeError) as error:
            warnings.warn("no module fork server, the plays' modules start on their own: %s" % error)
            shutil.rmtree(directory, ignore_errors=True)
    try:
        yield path if server else None
    finally:
        if server:
            os.environ.pop(SWITCH, None)
            stop(server)
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"] and len(sys.argv) == 3:
        sys.exit(serve(sys.argv[2]))
    # Run from the checkout (make venv), so this directory is on the path: the command line (install, uninstall) is
    # tools/ansiballz_bytecode_cache.py's.
    from ansiballz_bytecode_cache import command_line  # pylint: disable=import-error

    sys.exit(command_line(sys.argv[1:], os.path.abspath(__file__), MODULE))
