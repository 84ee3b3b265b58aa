"""Private MariaDB servers that back the emulator's RDS MySQL DB instances.

Every emulated DB instance is served by a real ``mariadbd`` with its own datadir, unix socket and TCP port.
Clients never see that port: each DB instance identifier gets an :class:`EndpointProxy` on a stable
``127.0.0.1`` port, which forwards to whichever server currently carries that identifier, the way an RDS
endpoint's DNS name follows the identifier.

Administrative work (account setup, dumps, loads, shutdown) goes through the unix socket as ``root``, which
needs no password, so the master password never appears on a command line or in a file. Clients connect
through TCP as the master user.

This module depends only on the standard library and PyMySQL; it registers nothing at import time.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pymysql


SYSTEM_DATABASES = frozenset({"information_schema", "mysql", "performance_schema", "sys"})

LOCALHOST = "127.0.0.1"

# Small-footprint settings: many servers may run at once on a small shared machine, and none of them carries
# real load, so memory, threads and fsyncs are cut wherever MariaDB lets us.
_SERVER_OPTIONS = (
    "--binlog-format=ROW",
    "--skip-name-resolve",
    # MySQL's (and RDS MySQL's) default: a crashed MyISAM table stays crashed until someone repairs it. MariaDB's
    # default repairs it silently when it is next opened, which would hide the damage validation must find.
    "--myisam-recover-options=OFF",
    "--performance-schema=OFF",
    "--innodb-buffer-pool-size=16M",
    "--innodb-log-file-size=8M",  # must match the value used by mariadb-install-db, or InnoDB resizes the log at start
    "--innodb-log-buffer-size=2M",  # the minimum
    "--innodb-buffer-pool-dump-at-shutdown=OFF",
    "--innodb-buffer-pool-load-at-startup=OFF",
    # Native AIO reserves kernel AIO contexts per server, and fs.aio-max-nr caps them machine-wide.
    "--innodb-use-native-aio=OFF",
    "--innodb-read-io-threads=1",  # the minimum
    "--innodb-write-io-threads=2",  # the minimum
    "--innodb-purge-threads=1",
    # An emulator need not survive an OS crash: skip the fsync per commit (a clean shutdown still flushes all).
    "--innodb-flush-log-at-trx-commit=2",
    "--innodb-doublewrite=OFF",
    "--sync-binlog=0",
    "--key-buffer-size=1M",
    "--aria-pagecache-buffer-size=2M",
    "--table-open-cache=400",  # the default 2000 asks for more open files than a container usually allows
    "--thread-cache-size=8",
    "--max-allowed-packet=64M",  # the RDS MySQL default
    # With --no-defaults MariaDB falls back to latin1; RDS MySQL 8 defaults to utf8mb4.
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
)

_INSTALL_OPTIONS = (
    "--auth-root-authentication-method=normal",
    "--skip-test-db",
    "--innodb-log-file-size=8M",
    "--performance-schema=OFF",
)

# Unix socket paths are limited to 108 bytes (sun_path) including the terminating NUL.
_MAX_SOCKET_PATH = 100

_CHANGE_MASTER_RE = re.compile(rb"^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\d+);", re.MULTILINE)
_GTID_RE = re.compile(rb"^-- SET GLOBAL gtid_slave_pos='([^']*)';", re.MULTILINE)


class MariaDBError(Exception):
    """A MariaDB server or client tool failed, or a fleet operation was invalid."""


def _binary(*names: str) -> str:
    """Return the absolute path of the first of ``names`` found on PATH or in the sbin directories.

    ``mariadbd`` lives in /usr/sbin, which is not on every PATH; the MySQL-era names are accepted as fallbacks.
    """
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/usr/libexec"])
    for name in names:
        found = shutil.which(name, path=search)
        if found:
            return found
    raise MariaDBError(f"none of {', '.join(names)} is installed")


def _free_port() -> int:
    """Ask the kernel for a currently free TCP port on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def _read_from(path: str, offset: int, limit: int = 4000) -> str:
    """Return at most the last ``limit`` characters written to ``path`` after ``offset`` (for error messages)."""
    try:
        with open(path, "rb") as log:
            log.seek(offset)
            data = log.read()
    except OSError:
        return ""
    return data.decode("utf-8", "replace")[-limit:]


def _pid_alive(pid: int) -> bool:
    """True if ``pid`` is a live (not zombie) process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def server_version() -> str:
    """The ``mariadbd --version`` line of the installed server."""
    result = subprocess.run([_binary("mariadbd", "mysqld"), "--version"], capture_output=True, text=True, check=False)
    return result.stdout.strip()


def install_datadir(datadir: str) -> None:
    """Create a fresh system datadir at ``datadir`` with ``mariadb-install-db``.

    ``root@localhost`` gets no password and normal authentication, so it is reachable through the unix socket
    without any secret.
    """
    if os.path.isdir(datadir) and os.listdir(datadir):
        raise MariaDBError(f"refusing to initialise non-empty datadir {datadir}")
    os.makedirs(datadir, exist_ok=True)
    # A private tmpdir: every starting mariadbd deletes the "#sql*" files in its tmpdir, so in a shared /tmp a
    # server starting elsewhere removes the bootstrap's temporary tables under its feet.
    tmpdir = tempfile.mkdtemp(prefix="install-tmp-", dir=os.path.dirname(os.path.abspath(datadir)))
    command = [_binary("mariadb-install-db", "mysql_install_db"), "--no-defaults", f"--datadir={datadir}", "--user=root",
               *_INSTALL_OPTIONS, f"--tmpdir={tmpdir}"]  # unknown to the script, passed on to mariadbd
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    if result.returncode != 0:
        raise MariaDBError(f"mariadb-install-db failed for {datadir}: {(result.stdout + result.stderr)[-4000:]}")


class MariaDBServer:
    """One private mariadbd: own datadir under a base dir, own unix socket, TCP on 127.0.0.1:<private port>.

    The datadir is ``<base_dir>/<name>``; the server's log goes to ``mariadbd.err`` and its binary logs to
    ``binlog.*`` inside it. The unix socket lives in a short private temporary directory, created on start and
    removed on stop, because socket paths are limited to about 107 bytes; that directory is also the server's
    tmpdir, which must not be shared with other servers.
    """

    def __init__(self, name: str, base_dir: str, master_user: str | None, master_password: str | None, *,
                 template: str | None = None, server_id: int = 1, start_timeout: float = 120.0,
                 stop_timeout: float = 60.0) -> None:
        """Describe a server; nothing runs until :meth:`start`.

        ``template`` is an initialised datadir copied into an empty datadir instead of running
        ``mariadb-install-db``. ``server_id`` should be unique among servers that may ever replicate from each other.
        """
        self.name = name
        self.datadir = os.path.join(os.path.abspath(base_dir), name)
        self.master_user = master_user
        self.master_password = master_password
        self.server_id = server_id
        self.port: int | None = None
        self._last_port: int | None = None  # reused on restart when still free, so the real port rarely changes
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._template = template
        self._proc: subprocess.Popen | None = None
        self._socket_dir: str | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        # Deliberately without the password.
        return f"MariaDBServer(name={self.name!r}, datadir={self.datadir!r}, port={self.port!r}, running={self.running})"

    @property
    def socket(self) -> str | None:
        """Path of the unix socket while the server runs, else None."""
        return os.path.join(self._socket_dir, "mysqld.sock") if self._socket_dir else None

    @property
    def pid(self) -> int | None:
        """Process id of the running mariadbd, else None."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    @property
    def running(self) -> bool:
        """True while this object's mariadbd process is alive."""
        return self.pid is not None

    @property
    def error_log(self) -> str:
        """Path of the server's log (its stdout and stderr)."""
        return os.path.join(self.datadir, "mariadbd.err")

    def start(self) -> None:
        """Initialise the datadir if it is empty, start mariadbd, wait until it accepts connections, set up accounts.

        A no-op if the server already runs. Retries with another port if the chosen one was taken meanwhile.
        """
        with self._lock:
            if self.running:
                return
            self._prepare_datadir()
            try:
                for attempt in range(3):
                    try:
                        self._spawn()
                        break
                    except _PortTaken:
                        if attempt == 2:
                            raise MariaDBError(f"server {self.name}: could not bind a free port") from None
                self._setup_accounts()
            except BaseException:
                self.stop()  # also removes the socket directory
                raise

    def _prepare_datadir(self) -> None:
        if os.path.isdir(self.datadir) and os.listdir(self.datadir):
            return
        if self._template:
            if os.path.isdir(self.datadir):
                os.rmdir(self.datadir)  # copytree wants to create the directory itself
            shutil.copytree(self._template, self.datadir, symlinks=True)
        else:
            install_datadir(self.datadir)

    def _spawn(self) -> None:
        """Start mariadbd on a fresh port and wait for it; raise _PortTaken if that port was grabbed meanwhile."""
        self._socket_dir = self._socket_dir or tempfile.mkdtemp(prefix="rkm-", dir=self._socket_parent())
        if os.path.exists(self.socket):
            os.unlink(self.socket)  # left by a killed server; mariadbd refuses to start over it
        port, self._last_port = self._last_port or _free_port(), None
        command = [
            _binary("mariadbd", "mysqld"), "--no-defaults", f"--datadir={self.datadir}", f"--port={port}",
            f"--bind-address={LOCALHOST}", f"--socket={self.socket}", "--user=root",
            f"--log-bin={os.path.join(self.datadir, 'binlog')}", f"--server-id={self.server_id}",
            f"--pid-file={os.path.join(self.datadir, 'mariadbd.pid')}", *_SERVER_OPTIONS,
            # Private, because a starting mariadbd deletes every "#sql*" file in its tmpdir: in a shared /tmp it
            # would remove the live temporary tables of the other servers.
            f"--tmpdir={self._socket_dir}",
        ]
        with open(self.error_log, "ab") as log:
            offset = log.tell()
            # stdin is closed so that the server never competes for a terminal; the log file stays open in the child.
            # The process outlives this block on purpose: stop() and kill() wait for it.
            self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
                command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, close_fds=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            if self._proc.poll() is not None:
                self._proc = None
                output = _read_from(self.error_log, offset)
                if "Address already in use" in output:
                    raise _PortTaken()
                raise MariaDBError(f"mariadbd for {self.name} exited during start-up:\n{output}")
            try:
                self._admin_connect(timeout=5).close()
                break
            except pymysql.err.MySQLError:
                if time.monotonic() > deadline:
                    self.kill()
                    raise MariaDBError(f"mariadbd for {self.name} did not accept connections within "
                                       f"{self.start_timeout:.0f}s:\n{_read_from(self.error_log, offset)}") from None
                time.sleep(0.05)
        self.port = self._last_port = port

    @staticmethod
    def _socket_parent() -> str:
        parent = tempfile.gettempdir()
        # mkdtemp adds about 12 characters and we add "/mysqld.sock"; fall back to /tmp for long TMPDIRs.
        return parent if len(parent) + 30 < _MAX_SOCKET_PATH else "/tmp"

    def _admin_connect(self, timeout: float = 10) -> pymysql.Connection:
        """Connect as root through the unix socket (passwordless, socket-only account).

        The emulator's own connections (this one and ``connect``) ask for no TLS: PyMySQL otherwise prepares a TLS
        context for each connection (its PREFERRED mode), loading the system's CA certificates, about 10 ms of CPU each,
        a sixth of seeding a world; the servers here are started without TLS, so nothing else changes."""
        if not self.socket:
            raise MariaDBError(f"server {self.name} is not running")
        return pymysql.connect(unix_socket=self.socket, user="root", password="", connect_timeout=timeout,
                               autocommit=True, charset="utf8mb4", ssl_disabled=True)

    def _setup_accounts(self) -> None:
        """Drop the network-reachable passwordless accounts and (re)create the master user.

        The statements are kept out of the binary log: account setup is not part of the data history that a
        later point-in-time restore replays.
        """
        conn = self._admin_connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SET SESSION sql_log_bin = 0")
                # mariadb-install-db also creates root@127.0.0.1, root@::1 and root@<hostname> without a password,
                # which would let anyone in through the endpoint; RDS has no such accounts.
                cur.execute("SELECT user, host FROM mysql.user WHERE (user = 'root' AND host <> 'localhost') OR user = ''")
                for user, host in cur.fetchall():
                    cur.execute("DROP USER %s@%s", (user, host))
                for host in self._master_hosts() if self.master_user else ():  # a spare has none yet
                    cur.execute("CREATE OR REPLACE USER %s@%s IDENTIFIED BY %s", (self.master_user, host, self.master_password))
                    cur.execute("GRANT ALL PRIVILEGES ON *.* TO %s@%s WITH GRANT OPTION", (self.master_user, host))
        finally:
            conn.close()

    def set_master_user(self, master_user: str, master_password: str) -> None:
        """Give a running server that has none (a fleet's spare) its master user."""
        self.master_user, self.master_password = master_user, master_password
        self._setup_accounts()

    def _master_hosts(self) -> tuple[str, ...]:
        # root@localhost must stay passwordless: it is our administrative access through the socket. A master user
        # called root therefore gets only root@'%', which is what TCP clients match under --skip-name-resolve.
        return ("%",) if self.master_user == "root" else ("%", "localhost")

    def set_master_password(self, password: str) -> None:
        """Change the master user's password on the running server (ModifyDBInstance MasterUserPassword)."""
        self.master_password = password
        conn = self._admin_connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SET SESSION sql_log_bin = 0")
                for host in self._master_hosts():
                    cur.execute("ALTER USER %s@%s IDENTIFIED BY %s", (self.master_user, host, password))
        finally:
            conn.close()

    def stop(self) -> None:
        """Shut the server down cleanly; terminate, then kill it if it does not go. Idempotent."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None:
                try:
                    # The SQL SHUTDOWN statement does what ``mariadb-admin shutdown`` does, without that tool's
                    # one-second polling sleep, and we wait on the process itself.
                    conn = self._admin_connect(timeout=5)
                    try:
                        with conn.cursor() as cur:
                            cur.execute("SHUTDOWN")
                    finally:
                        conn.close()
                except pymysql.err.MySQLError:
                    proc.terminate()  # SIGTERM is mariadbd's other clean-shutdown path
                try:
                    proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(timeout=self.stop_timeout)
                    except subprocess.TimeoutExpired:
                        self.kill()
            elif proc is not None:
                proc.wait()  # reap
            self._proc = None
            self.port = None
            if self._socket_dir:
                shutil.rmtree(self._socket_dir, ignore_errors=True)
                self._socket_dir = None

    def kill(self) -> None:
        """Kill the server process at once (SIGKILL), as a crash would; :meth:`stop` still cleans up after it."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None

    def destroy(self) -> None:
        """Stop the server and remove its datadir."""
        with self._lock:
            self.stop()
            shutil.rmtree(self.datadir, ignore_errors=True)

    def connect(self, database: str | None = None, **kwargs) -> pymysql.Connection:
        """Connect as the master user through TCP to the server's real port (not through an endpoint proxy)."""
        if self.port is None:
            raise MariaDBError(f"server {self.name} is not running")
        options = {"connect_timeout": 10, "charset": "utf8mb4", "ssl_disabled": True, **kwargs}
        return pymysql.connect(host=LOCALHOST, port=self.port, user=self.master_user, password=self.master_password,
                               database=database, **options)

    def databases(self) -> list[str]:
        """Names of the non-system databases, sorted."""
        conn = self._admin_connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW DATABASES")
                return sorted(row[0] for row in cur.fetchall() if row[0].lower() not in SYSTEM_DATABASES)
        finally:
            conn.close()

    def binlog_position(self) -> tuple[str, int]:
        """Current (binlog file name, position), as ``SHOW MASTER STATUS`` reports them."""
        conn = self._admin_connect()
        try:
            with conn.cursor() as cur:
                cur.execute("SHOW MASTER STATUS")
                row = cur.fetchone()
        finally:
            conn.close()
        if not row:
            raise MariaDBError(f"server {self.name} has no binary log")
        return row[0], int(row[1])

    def dump(self, path: str) -> dict:
        """Write a transaction-consistent logical backup of all non-system databases to ``path``.

        ``mariadb-dump --single-transaction`` reads everything in one consistent InnoDB snapshot, and
        ``--master-data=2`` records (as a comment) the binary log coordinates of that very snapshot, which a
        point-in-time restore replays from. Returns ``{"binlog_file", "binlog_pos", "gtid", "databases",
        "taken_at"}``; ``binlog_file`` is a base name (see :meth:`binlog_files` for paths); ``taken_at`` is taken
        before the snapshot opens, so every transaction committed before it is in the dump.
        """
        databases = self.databases()
        taken_at = time.time()
        tmp_path = f"{path}.partial"
        if not databases:
            # mariadb-dump refuses --databases without names; there is nothing to be inconsistent with either.
            binlog_file, binlog_pos = self.binlog_position()
            with open(tmp_path, "w", encoding="utf-8") as out:
                out.write(f"-- restorekit emulator dump of {self.name}: no user databases\n"
                          f"-- CHANGE MASTER TO MASTER_LOG_FILE='{binlog_file}', MASTER_LOG_POS={binlog_pos};\n")
        else:
            command = [
                _binary("mariadb-dump", "mysqldump"), "--no-defaults", f"--socket={self.socket}", "--user=root",
                "--single-transaction", "--master-data=2", "--gtid", "--routines", "--triggers", "--events",
                "--hex-blob", "--max-allowed-packet=1G", f"--result-file={tmp_path}", "--databases", *databases,
            ]
            result = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                _unlink(tmp_path)
                raise MariaDBError(f"mariadb-dump of {self.name} failed: {result.stderr[-4000:]}")
        os.replace(tmp_path, path)
        info = read_dump_info(path)
        info.update(databases=databases, taken_at=taken_at)
        return info

    def load(self, path: str, *, log_bin: bool = False) -> None:
        """Load a dump produced by :meth:`dump` into this (fresh) server.

        By default the load is kept out of this server's binary log: the loaded state is the starting point of
        its history, and logging it would only double the disk use and the time.
        """
        if not self.socket:
            raise MariaDBError(f"server {self.name} is not running")
        command = [_binary("mariadb", "mysql"), "--no-defaults", f"--socket={self.socket}", "--user=root",
                   "--binary-mode", "--max-allowed-packet=1G"]
        if not log_bin:
            command.append("--init-command=SET SESSION sql_log_bin = 0")
        with open(path, "rb") as source:
            result = subprocess.run(command, stdin=source, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise MariaDBError(f"loading {path} into {self.name} failed: {result.stderr[-4000:]}")

    def binlog_files(self) -> list[str]:
        """Absolute paths of this server's binary logs, oldest first (read from the binlog index)."""
        index = os.path.join(self.datadir, "binlog.index")
        try:
            with open(index, encoding="utf-8") as lines:
                names = [line.strip() for line in lines if line.strip()]
        except FileNotFoundError:
            return []
        return [os.path.normpath(os.path.join(self.datadir, name)) for name in names]

    def flush_binary_logs(self) -> None:
        """Close the current binary log and open the next, so every file in :meth:`binlog_files` but the last is final."""
        conn = self._admin_connect()
        try:
            with conn.cursor() as cur:
                cur.execute("FLUSH BINARY LOGS")
        finally:
            conn.close()

    def replay_binlogs(self, files: list[str], start_pos: int, stop_datetime: str, stop_position: int | None = None) -> None:
        """Apply ``files`` (oldest first), from ``start_pos`` in the first, up to events dated before ``stop_datetime``
        and, when given, before ``stop_position`` in the last file.

        ``stop_datetime`` is ``YYYY-MM-DD HH:MM:SS`` in UTC: mariadb-binlog reads it in the local time zone, so it
        runs with TZ=UTC. The replay is kept out of this server's own binary log, as :meth:`load` keeps a dump out.
        """
        if not self.socket:
            raise MariaDBError(f"server {self.name} is not running")
        if not files:
            return
        reader = [_binary("mariadb-binlog", "mysqlbinlog"), "--no-defaults", f"--start-position={start_pos}",
                  f"--stop-datetime={stop_datetime}", *([f"--stop-position={stop_position}"] if stop_position is not None else []), *files]
        writer = [_binary("mariadb", "mysql"), "--no-defaults", f"--socket={self.socket}", "--user=root",
                  "--binary-mode", "--max-allowed-packet=1G", "--init-command=SET SESSION sql_log_bin = 0"]
        env = dict(os.environ, TZ="UTC")
        with tempfile.TemporaryFile() as errors:
            # The reader's output goes straight into the client: a day of binlogs need not fit in memory.
            with subprocess.Popen(reader, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, env=env) as source:
                result = subprocess.run(writer, stdin=source.stdout, capture_output=True, text=True, check=False)
                source.stdout.close()
                source.wait()
            errors.seek(0)
            reader_errors = errors.read().decode("utf-8", "replace")
        if source.returncode != 0:
            raise MariaDBError(f"mariadb-binlog failed for {self.name}: {reader_errors[-4000:]}")
        if result.returncode != 0:
            raise MariaDBError(f"replaying binary logs into {self.name} failed: {result.stderr[-4000:]}")


class _PortTaken(Exception):
    """The port picked for a server was taken before mariadbd could bind it."""


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def read_dump_info(path: str) -> dict:
    """Binlog coordinates recorded in a dump made by :meth:`MariaDBServer.dump`: binlog_file, binlog_pos, gtid."""
    with open(path, "rb") as dump:
        head = dump.read(64 * 1024)
        # mariadb-dump --gtid writes the GTID position after the data, at the end of the file.
        dump.seek(max(0, os.fstat(dump.fileno()).st_size - 8 * 1024))
        tail = dump.read()
    match = _CHANGE_MASTER_RE.search(head)
    if not match:
        raise MariaDBError(f"{path} records no binary log position")
    gtid = _GTID_RE.search(tail)
    return {"binlog_file": match.group(1).decode(), "binlog_pos": int(match.group(2)),
            "gtid": gtid.group(1).decode() if gtid else None}


class EndpointProxy:
    """A tiny TCP proxy on 127.0.0.1:<stable port> forwarding to a target (host, port) that can be changed at any time.

    New connections go to the target current when they are accepted; existing ones keep theirs. With target None,
    connections are accepted and closed at once, which a MySQL client reports as a lost connection.
    Each forwarded connection uses two daemon threads, one per direction.
    """

    def __init__(self, port: int = 0, host: str = LOCALHOST) -> None:
        """Bind ``host:port`` (0 picks a free port, see :attr:`port`) and start accepting."""
        self._listener = socket.create_server((host, port), backlog=128)
        self.host, self.port = self._listener.getsockname()[:2]
        self._target: tuple[str, int] | None = None
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self._closed = False
        self._thread = threading.Thread(target=self._accept_loop, name=f"endpoint-proxy-{self.port}", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"EndpointProxy(port={self.port}, target={self._target!r})"

    def __enter__(self) -> EndpointProxy:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def target(self) -> tuple[str, int] | None:
        """Where new connections go, or None."""
        return self._target

    def set_target(self, target: tuple[str, int] | None) -> None:
        """Send new connections to ``target`` from now on (None: close them at once)."""
        with self._lock:
            self._target = (target[0], int(target[1])) if target is not None else None

    def disconnect_all(self) -> None:
        """Cut every forwarded connection (as a reboot or failover does)."""
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            _shutdown(conn)

    def close(self) -> None:
        """Stop listening and cut every forwarded connection. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._target = None
        # On Linux, shutdown() is what wakes a thread blocked in accept(); close() alone would not.
        _shutdown(self._listener)
        self._listener.close()
        self.disconnect_all()
        self._thread.join(timeout=5)

    def _accept_loop(self) -> None:
        while True:
            try:
                client = self._listener.accept()[0]
            except OSError:
                if self._closed:
                    return
                time.sleep(0.05)  # e.g. out of file descriptors: do not spin
                continue
            with self._lock:
                target = None if self._closed else self._target
            if target is None:
                client.close()
                continue
            threading.Thread(target=self._forward, args=(client, target), name=f"endpoint-proxy-{self.port}-conn",
                             daemon=True).start()

    def _forward(self, client: socket.socket, target: tuple[str, int]) -> None:
        try:
            upstream = socket.create_connection(target, timeout=10)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        for sock in (client, upstream):
            # MySQL packets are small request/response exchanges: Nagle's algorithm would add delays.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._closed:
                client.close()
                upstream.close()
                return
            self._connections.update((client, upstream))
        back = threading.Thread(target=self._pump, args=(upstream, client), name=f"endpoint-proxy-{self.port}-pump",
                                daemon=True)
        back.start()
        self._pump(client, upstream)
        back.join()
        with self._lock:
            self._connections.difference_update((client, upstream))
        client.close()
        upstream.close()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        """Copy bytes one way until EOF (then half-close) or an error (then cut both ways)."""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            _shutdown(source)
            _shutdown(sink)
            return
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


class MariaDBFleet:
    """All servers of one emulator process, under ``state_dir/mysql/``. Thread-safe.

    Layout: ``template/`` is a datadir initialised once and copied for every new server (copying is much cheaper
    than ``mariadb-install-db``); ``servers/<seq>-<identifier>/`` are the servers' datadirs, named after the
    identifier they were created with (a rename does not move them), or ``<seq>.spare`` for a server started ahead
    (the instance that takes it keeps that name).

    With ``spare=True`` the fleet keeps one server started ahead from the template once it has created one: the next
    create takes it, gives it its master user and loads its dump, and another spare starts in the background. A
    create then costs the dump's load rather than a datadir copy and a server start, which on a busy disk take a
    quarter to half a second (file creation waits behind the other servers' writes). A spare holds no data and no
    master user, answers at no endpoint, and is removed, datadir and all, at shutdown. A create that finds no spare
    ready starts its own server, as without spares. Off by default: a spare never taken costs a server start, and
    on a busy machine the background start competes with the work that follows the create.
    """

    def __init__(self, state_dir: str, *, start_timeout: float = 120.0, spare: bool = False) -> None:
        """Prepare the fleet's directories and kill servers left running by an earlier process on this state dir."""
        self.base_dir = os.path.join(os.path.abspath(state_dir), "mysql")
        self.servers_dir = os.path.join(self.base_dir, "servers")
        self.template_dir = os.path.join(self.base_dir, "template")
        self.start_timeout = start_timeout
        os.makedirs(self.servers_dir, exist_ok=True)
        self._lock = threading.Condition(threading.RLock())
        self._template_lock = threading.Lock()
        self._template_ready = False
        self._servers: dict[str, MariaDBServer] = {}
        self._pending: dict[str, MariaDBServer | None] = {}
        self._proxies: dict[str, EndpointProxy] = {}
        self._seq = 0
        self._closed = False
        self._spare_wanted = spare
        self._spare: MariaDBServer | None = None  # started, waiting for a create
        self._spare_starting = False
        self._spare_pending: MariaDBServer | None = None  # being started, so that shutdown() can stop it
        self._reap_stale_servers()

    def __enter__(self) -> MariaDBFleet:
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()

    def identifiers(self) -> list[str]:
        """Identifiers that currently have a running server."""
        with self._lock:
            return sorted(self._servers)

    def create(self, identifier: str, master_user: str, master_password: str,
               dump_path: str | None = None) -> tuple[str, int]:
        """Start a new server for ``identifier`` (loading ``dump_path`` into it if given); return its endpoint.

        Several creates may run in parallel; the identifier is reserved while its server starts.
        """
        with self._lock:
            if self._closed:
                raise MariaDBError("the fleet is shut down")
            if identifier in self._servers or identifier in self._pending:
                raise MariaDBError(f"DB instance {identifier} already has a server")
            self._pending[identifier] = None
            self._proxy(identifier)  # reserve the endpoint port now
            name = self._next_name(identifier)
            server_id = self._seq
        server = endpoint = None
        try:
            server = self._take_spare(identifier, master_user, master_password)
            if server is None:
                template = self._ensure_template()
                server = MariaDBServer(name, self.servers_dir, master_user, master_password, template=template,
                                       server_id=server_id, start_timeout=self.start_timeout)
                with self._lock:
                    if self._closed:
                        raise MariaDBError("the fleet was shut down while the server was being prepared")
                    self._pending[identifier] = server  # so that shutdown() can stop it
                server.start()
            if dump_path:
                server.load(dump_path)
            with self._lock:
                if not self._closed:
                    self._servers[identifier] = server
                    self._proxies[identifier].set_target((LOCALHOST, server.port))
                    del self._pending[identifier]
                    self._lock.notify_all()
                    endpoint = LOCALHOST, self._proxies[identifier].port
            if endpoint is None:
                raise MariaDBError("the fleet was shut down while the server started")
        except BaseException:
            if server is not None:
                server.destroy()
            with self._lock:
                self._pending.pop(identifier, None)
                self._lock.notify_all()
            raise
        self._start_spare()
        return endpoint

    def _take_spare(self, identifier: str, master_user: str, master_password: str) -> MariaDBServer | None:
        """The spare, given its master user and reserved for IDENTIFIER; None when there is none, or it died."""
        with self._lock:
            server, self._spare = self._spare, None
            if server is None:
                return None
            self._pending[identifier] = server  # so that shutdown() can stop it
        try:
            server.set_master_user(master_user, master_password)
            return server
        except Exception:  # pylint: disable=broad-except
            # Killed while it waited (out of memory, say): a create without spares would not fail, nor does this one.
            with self._lock:
                self._pending[identifier] = None
            server.destroy()
            return None

    def _start_spare(self) -> None:
        """Start a spare server in the background, unless spares are off or one is there or starting."""
        with self._lock:
            if not self._spare_wanted or self._closed or self._spare is not None or self._spare_starting:
                return
            self._spare_starting = True
            name = self._next_name(None)
            try:
                threading.Thread(target=self._make_spare, args=(name, self._seq), name="mariadb-spare", daemon=True).start()
            except RuntimeError:  # no thread to be had: no spare, and nothing for shutdown() to wait for
                self._spare_starting = False

    def _make_spare(self, name: str, server_id: int) -> None:
        server = None
        try:
            with self._lock:
                if self._closed:
                    return
            server = MariaDBServer(name, self.servers_dir, None, None, template=self._ensure_template(),
                                   server_id=server_id, start_timeout=self.start_timeout)
            with self._lock:
                if self._closed:
                    server = None  # nothing started, nothing to remove
                    return
                self._spare_pending = server
            server.start()
        except Exception:  # pylint: disable=broad-except
            pass  # no spare: the next create starts its own server, and says why if that fails too
        finally:
            with self._lock:
                published = server is not None and server.running and not self._closed
                if published:
                    # Published and no longer pending in one step: a create may take it at once (and start the next
                    # spare), and shutdown() must not then destroy it as a pending spare.
                    self._spare, self._spare_pending, self._spare_starting = server, None, False
                    self._lock.notify_all()
            if not published:
                if server is not None:
                    server.destroy()
                with self._lock:
                    self._spare_pending, self._spare_starting = None, False
                    self._lock.notify_all()

    def _next_name(self, identifier: str | None) -> str:
        """``<seq>-<identifier>``, or ``<seq>.spare`` for a spare (None): no identifier makes that name."""
        safe = ".spare" if identifier is None else "-" + re.sub(r"[^A-Za-z0-9-]", "_", identifier)[:40]
        while True:
            self._seq += 1
            name = f"{self._seq:04d}{safe}"
            # Datadirs of an earlier process on the same state dir are left alone.
            if not os.path.exists(os.path.join(self.servers_dir, name)):
                return name

    def _proxy(self, identifier: str) -> EndpointProxy:
        """The identifier's endpoint proxy, created (with no target) on first use. Call with the lock held."""
        proxy = self._proxies.get(identifier)
        if proxy is None:
            if self._closed:
                raise MariaDBError("the fleet is shut down")
            proxy = self._proxies[identifier] = EndpointProxy()
        return proxy

    def _ensure_template(self) -> str:
        """Initialise the template datadir once per state dir (again if the server version changed)."""
        with self._template_lock:
            if self._template_ready:
                return self.template_dir
            marker = os.path.join(self.base_dir, "template.version")
            version = server_version()
            try:
                with open(marker, encoding="utf-8") as existing:
                    if existing.read() == version and os.path.isdir(self.template_dir):
                        self._template_ready = True
                        return self.template_dir
            except FileNotFoundError:
                pass
            # Build beside the final place and rename, so that a crash never leaves a half-made template in use.
            building = f"{self.template_dir}.building"
            shutil.rmtree(building, ignore_errors=True)
            install_datadir(building)
            _unlink(marker)
            shutil.rmtree(self.template_dir, ignore_errors=True)
            os.rename(building, self.template_dir)
            with open(marker, "w", encoding="utf-8") as out:
                out.write(version)
            self._template_ready = True
            return self.template_dir

    def endpoint(self, identifier: str) -> tuple[str, int]:
        """The identifier's endpoint (address, port): stable for the life of the fleet, even across delete/recreate."""
        with self._lock:
            return LOCALHOST, self._proxy(identifier).port

    def server(self, identifier: str) -> MariaDBServer:
        """The server currently carrying ``identifier``."""
        with self._lock:
            try:
                return self._servers[identifier]
            except KeyError:
                raise MariaDBError(f"DB instance {identifier} has no server") from None

    def rename(self, old_identifier: str, new_identifier: str) -> tuple[str, int]:
        """Move a server to a new identifier: it answers at the new identifier's endpoint, the old one goes dead.

        Connections already open through the old endpoint stay up.
        """
        with self._lock:
            server = self.server(old_identifier)
            if new_identifier in self._servers or new_identifier in self._pending:
                raise MariaDBError(f"DB instance {new_identifier} already has a server")
            proxy = self._proxy(new_identifier)
            del self._servers[old_identifier]
            self._servers[new_identifier] = server
            self._proxies[old_identifier].set_target(None)
            proxy.set_target((LOCALHOST, server.port))
            return LOCALHOST, proxy.port

    def reboot(self, identifier: str) -> None:
        """Restart the identifier's server (RebootDBInstance): open connections are cut, the endpoint is kept."""
        server = self.server(identifier)
        with self._lock:
            self._proxies[identifier].set_target(None)
            self._proxies[identifier].disconnect_all()
        server.stop()
        server.start()
        with self._lock:
            # The server may have been renamed meanwhile: retarget whichever identifier carries it now.
            for current, candidate in self._servers.items():
                if candidate is server:
                    self._proxies[current].set_target((LOCALHOST, server.port))

    def delete(self, identifier: str) -> None:
        """Stop the identifier's server and remove its datadir; its endpoint goes dead (the port stays reserved)."""
        with self._lock:
            server = self.server(identifier)
            del self._servers[identifier]
            proxy = self._proxies[identifier]
            proxy.set_target(None)
        proxy.disconnect_all()
        server.destroy()

    def dump(self, identifier: str, path: str) -> dict:
        """Transaction-consistent dump of the identifier's server; see :meth:`MariaDBServer.dump`."""
        return self.server(identifier).dump(path)

    def shutdown(self, timeout: float = 180.0) -> None:
        """Stop every server and proxy, keeping the datadirs. Idempotent; leaves no mariadbd process behind.

        Servers still starting are stopped too, and their creates fail; we wait up to ``timeout`` for those.
        """
        with self._lock:
            self._closed = True
            servers = list(self._servers.values()) + [s for s in self._pending.values() if s is not None]
            spares = [s for s in (self._spare, self._spare_pending) if s is not None]
            self._spare = None
            self._servers.clear()
            proxies = list(self._proxies.values())
            for proxy in proxies:
                proxy.set_target(None)
        if servers or spares:
            # Stop in parallel: each stop mostly waits for InnoDB to flush. A spare goes with its datadir.
            with ThreadPoolExecutor(max_workers=min(16, len(servers) + len(spares)), thread_name_prefix="mariadb-stop") as pool:
                stopped = pool.map(_stop_quietly, servers)  # submitted at once; the spares go meanwhile
                list(pool.map(_destroy_quietly, spares))
                list(stopped)
        with self._lock:
            # A create (or a spare) that was starting its server when we looked stops and destroys it itself.
            self._lock.wait_for(lambda: not self._pending and not self._spare_starting, timeout=timeout)
        for proxy in proxies:
            proxy.close()

    def _reap_stale_servers(self) -> None:
        """Terminate mariadbd processes that an earlier (killed) process left running on this fleet's datadirs."""
        for name in os.listdir(self.servers_dir):
            datadir = os.path.join(self.servers_dir, name)
            try:
                with open(os.path.join(datadir, "mariadbd.pid"), encoding="ascii") as pid_file:
                    pid = int(pid_file.read().strip())
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    args = cmdline.read().split(b"\0")
            except (OSError, ValueError):
                continue
            if f"--datadir={datadir}".encode() not in args:
                continue  # the pid was reused by an unrelated process
            _terminate_pid(pid)


def _stop_quietly(server: MariaDBServer) -> None:
    try:
        server.stop()
    except Exception:  # pylint: disable=broad-except
        # Shutdown must go on with the other servers: make sure this one is gone, whatever failed.
        server.kill()


def _destroy_quietly(server: MariaDBServer) -> None:
    try:
        server.destroy()
    except Exception:  # pylint: disable=broad-except
        server.kill()
        shutil.rmtree(server.datadir, ignore_errors=True)


def _terminate_pid(pid: int, timeout: float = 30.0) -> None:
    """SIGTERM ``pid`` (a clean shutdown for mariadbd), then SIGKILL it if it is still alive after ``timeout``."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
