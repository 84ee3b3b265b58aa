"""Tests of emulator/mariadb.py: private MariaDB servers, endpoint proxies and the fleet.

The fleet tests run real mariadbd processes (marked slow). No test asserts on durations: the machine is
shared and noisy, so every wait is for a condition, with a generous safety timeout.
"""

import os
import socket
import subprocess
import threading
import time

import pymysql
import pytest

from emulator import mariadb


MASTER_USER = "admin"
MASTER_PASSWORD = "Not-on-the-cmdline_7x"
# A safety net against hangs only; never a performance expectation.
SAFETY_TIMEOUT = 300


def _connect(endpoint, database=None, **kwargs):
    """Connect to an endpoint as the master user, the way an RDS client would."""
    return pymysql.connect(host=endpoint[0], port=endpoint[1], user=kwargs.pop("user", MASTER_USER),
                           password=kwargs.pop("password", MASTER_PASSWORD), database=database,
                           autocommit=True, connect_timeout=30, **kwargs)


def _query(endpoint, sql, database=None, args=None):
    conn = _connect(endpoint, database)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall()
    finally:
        conn.close()


def _query_as(endpoint, user, password, sql):
    conn = _connect(endpoint, user=user, password=password)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _alive(pid):
    """True if pid is a live process (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except (OSError, IndexError):
        return False


def _fleet_pids(fleet):
    """Live mariadbd processes whose datadir is under the fleet's directory (read from /proc)."""
    prefix = f"--datadir={fleet.base_dir}/".encode()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                args = cmdline.read().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"mariadbd") and any(arg.startswith(prefix) for arg in args) and _alive(int(entry)):
            pids.append(int(entry))
    return pids


def _assert_dead(endpoint):
    """A dead endpoint: the proxy closes the connection (or nothing listens), so a MySQL login fails."""
    with pytest.raises(pymysql.err.OperationalError):
        _connect(endpoint).close()


@pytest.fixture(scope="module", name="fleet")
def fixture_fleet(tmp_path_factory):
    fleet = mariadb.MariaDBFleet(str(tmp_path_factory.mktemp("fleet")))
    yield fleet
    fleet.shutdown()
    assert not _fleet_pids(fleet)


@pytest.mark.slow
def test_create_connect_and_write(fleet):
    endpoint = fleet.create("db-basic", MASTER_USER, MASTER_PASSWORD)
    assert endpoint[0] == "127.0.0.1"
    assert endpoint == fleet.endpoint("db-basic")
    server = fleet.server("db-basic")
    assert server.running and server.port != endpoint[1]  # clients go through the proxy, not the real port

    conn = _connect(endpoint)
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE app")
        cur.execute("CREATE TABLE app.notes (id INT PRIMARY KEY, body VARCHAR(100)) ENGINE=InnoDB")
        cur.execute("INSERT INTO app.notes VALUES (1, %s), (2, %s)", ("first", "snow \u2603"))
    conn.close()
    # A new connection sees the data: it was committed on the server, not buffered in the proxy.
    assert _query(endpoint, "SELECT id, body FROM notes ORDER BY id", "app") == ((1, "first"), (2, "snow \u2603"))
    direct = server.connect("app")
    assert direct.cursor().execute("SELECT * FROM notes") == 2
    direct.close()

    # The master user may do anything, including granting; the passwordless root accounts are not reachable.
    assert "WITH GRANT OPTION" in _query(endpoint, "SHOW GRANTS")[0][0]
    with pytest.raises(pymysql.err.OperationalError):
        _connect(endpoint, user="root", password="").close()
    with pytest.raises(pymysql.err.OperationalError):
        _connect(endpoint, password="wrong").close()


@pytest.mark.slow
def test_password_is_not_on_any_command_line(fleet):
    fleet.create("db-secret", MASTER_USER, MASTER_PASSWORD)
    server = fleet.server("db-secret")
    with open(f"/proc/{server.pid}/cmdline", "rb") as cmdline:
        assert MASTER_PASSWORD.encode() not in cmdline.read()
    assert MASTER_PASSWORD not in repr(server)


@pytest.mark.slow
def test_servers_have_private_tmpdirs(fleet):
    # A starting mariadbd deletes every "#sql*" file in its tmpdir: a shared one would lose live temporary tables.
    tmpdirs = [_query(fleet.create(name, MASTER_USER, MASTER_PASSWORD), "SELECT @@tmpdir")[0][0] for name in ("db-tmp-1", "db-tmp-2")]
    assert tmpdirs[0] != tmpdirs[1]
    assert all(os.path.normpath(path) not in ("/tmp", "/var/tmp") for path in tmpdirs)


@pytest.mark.slow
def test_master_password_change_and_a_master_user_called_root(fleet):
    endpoint = fleet.create("db-rooted", "root", MASTER_PASSWORD)
    assert _query_as(endpoint, "root", MASTER_PASSWORD, "SELECT CURRENT_USER()") == (("root@%",),)
    with pytest.raises(pymysql.err.OperationalError):
        _connect(endpoint, user="root", password="").close()
    server = fleet.server("db-rooted")
    server.set_master_password("Changed-Password2")  # the socket access for administration still works
    assert _query_as(endpoint, "root", "Changed-Password2", "SELECT 1") == ((1,),)
    with pytest.raises(pymysql.err.OperationalError):
        _connect(endpoint, user="root").close()
    client = _connect(endpoint, user="root", password="Changed-Password2")
    fleet.reboot("db-rooted")
    with pytest.raises(pymysql.err.OperationalError):
        client.cursor().execute("SELECT 1")  # a reboot cuts open connections
    assert fleet.endpoint("db-rooted") == endpoint
    assert _query_as(endpoint, "root", "Changed-Password2", "SELECT 1") == ((1,),)


@pytest.mark.slow
def test_create_rejects_a_taken_identifier(fleet):
    fleet.create("db-taken", MASTER_USER, MASTER_PASSWORD)
    with pytest.raises(mariadb.MariaDBError):
        fleet.create("db-taken", MASTER_USER, MASTER_PASSWORD)


@pytest.mark.slow
def test_rename_moves_the_endpoint(fleet):
    old_endpoint = fleet.create("db-old-name", MASTER_USER, MASTER_PASSWORD)
    _query(old_endpoint, "CREATE DATABASE kept")
    _query(old_endpoint, "CREATE TABLE kept.t (id INT PRIMARY KEY) ENGINE=InnoDB")
    _query(old_endpoint, "INSERT INTO kept.t VALUES (42)")
    survivor = _connect(old_endpoint, "kept")  # opened before the rename

    new_endpoint = fleet.rename("db-old-name", "db-new-name")
    assert new_endpoint == fleet.endpoint("db-new-name") != old_endpoint
    assert fleet.endpoint("db-old-name") == old_endpoint  # the port stays reserved for the old name
    assert _query(new_endpoint, "SELECT id FROM t", "kept") == ((42,),)
    _assert_dead(old_endpoint)
    with pytest.raises(mariadb.MariaDBError):
        fleet.server("db-old-name")
    assert "db-new-name" in fleet.identifiers() and "db-old-name" not in fleet.identifiers()
    # A connection established before the rename keeps working, as a TCP connection to RDS would.
    with survivor.cursor() as cur:
        cur.execute("SELECT id FROM t")
        assert cur.fetchall() == ((42,),)
    survivor.close()

    # And back: each name keeps its own port.
    assert fleet.rename("db-new-name", "db-old-name") == old_endpoint
    assert _query(old_endpoint, "SELECT id FROM t", "kept") == ((42,),)
    _assert_dead(new_endpoint)


@pytest.mark.slow
def test_endpoint_is_stable_across_delete_and_recreate(fleet):
    reserved = fleet.endpoint("db-stable")  # known before the instance exists
    _assert_dead(reserved)
    assert fleet.create("db-stable", MASTER_USER, MASTER_PASSWORD) == reserved
    _query(reserved, "CREATE DATABASE first_life")
    fleet.delete("db-stable")
    assert fleet.endpoint("db-stable") == reserved
    assert fleet.create("db-stable", MASTER_USER, "another-Password1") == reserved
    conn = _connect(reserved, password="another-Password1")
    with conn.cursor() as cur:
        cur.execute("SHOW DATABASES")
        databases = {row[0] for row in cur.fetchall()}
    conn.close()
    assert "first_life" not in databases  # a recreated instance starts empty


class _Writer(threading.Thread):
    """Inserts rows with ids 1, 2, 3... as fast as it can, one autocommit INSERT each, until stopped."""

    def __init__(self, endpoint):
        super().__init__(daemon=True)
        self.endpoint = endpoint
        self.committed = 0  # the highest id whose INSERT has returned, so is committed
        self.error = None
        self.stopping = threading.Event()
        self.progress = threading.Condition()

    def run(self):
        try:
            conn = _connect(self.endpoint, "app")
            with conn.cursor() as cur:
                while not self.stopping.is_set():
                    cur.execute("INSERT INTO seq (id, note) VALUES (%s, %s)", (self.committed + 1, "row"))
                    with self.progress:
                        self.committed += 1
                        self.progress.notify_all()
            conn.close()
        except Exception as exc:  # pylint: disable=broad-except
            self.error = exc
            with self.progress:
                self.progress.notify_all()

    def wait_for(self, count):
        with self.progress:
            self.progress.wait_for(lambda: self.committed >= count or self.error is not None, SAFETY_TIMEOUT)
        assert self.error is None, self.error
        assert self.committed >= count

    def finish(self):
        self.stopping.set()
        self.join(SAFETY_TIMEOUT)
        assert self.error is None, self.error
        return self.committed


def _checksum(endpoint, table, password=MASTER_PASSWORD):
    conn = _connect(endpoint, "app", password=password)
    with conn.cursor() as cur:
        cur.execute(f"CHECKSUM TABLE {table}")
        value = cur.fetchone()[1]
    conn.close()
    return value


@pytest.mark.slow
def test_dump_is_transaction_consistent_under_concurrent_writes(fleet, tmp_path):
    source = fleet.create("db-source", MASTER_USER, MASTER_PASSWORD)
    conn = _connect(source)
    with conn.cursor() as cur:
        cur.execute("CREATE DATABASE app")
        cur.execute("CREATE TABLE app.seq (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB")
        cur.execute("CREATE TABLE app.static (id INT PRIMARY KEY, label VARCHAR(64), amount DECIMAL(12,2), raw VARBINARY(16)) "
                    "ENGINE=InnoDB")
        # Enough rows that the dump takes a while, so that many inserts land while it runs.
        for start in range(0, 20000, 1000):
            cur.executemany("INSERT INTO app.static VALUES (%s, %s, %s, %s)",
                            [(i, f"label-{i}", i * 1.25, i.to_bytes(4, "big")) for i in range(start, start + 1000)])
        cur.execute("CREATE TRIGGER app.seq_note BEFORE INSERT ON app.seq FOR EACH ROW SET NEW.note = UPPER(NEW.note)")
    conn.close()

    writer = _Writer(source)
    writer.start()
    try:
        writer.wait_for(200)
        committed_before = writer.committed
        info = fleet.dump("db-source", str(tmp_path / "source.sql"))
        committed_after = writer.committed
        writer.wait_for(committed_after + 200)  # writes go on after the dump
    finally:
        final = writer.finish()

    assert info["databases"] == ["app"]
    assert info["binlog_file"] in [os.path.basename(path) for path in fleet.server("db-source").binlog_files()]
    assert info["binlog_pos"] > 0
    assert info["gtid"]
    assert isinstance(info["taken_at"], float)

    restored = fleet.create("db-restored", MASTER_USER, MASTER_PASSWORD, dump_path=str(tmp_path / "source.sql"))
    count, low, high = _query(restored, "SELECT COUNT(*), MIN(id), MAX(id) FROM seq", "app")[0]
    # ids are a primary key, so COUNT == MAX with MIN == 1 means exactly 1..N: a prefix, without gaps.
    assert (low, high) == (1, count)
    assert committed_before <= count <= committed_after  # everything committed before the dump, nothing after it
    assert count < final
    assert _checksum(restored, "static") == _checksum(source, "static")
    # Triggers came along too.
    assert _query(restored, "SELECT note FROM seq WHERE id = 1", "app") == (("ROW",),)

    # The recorded binlog coordinates are exactly those of the snapshot: replaying the source's binary logs
    # from there onto the copy yields every row the writer committed, each once (a duplicate would fail).
    server = fleet.server("db-source")
    files = server.binlog_files()
    first = [os.path.basename(path) for path in files].index(info["binlog_file"])
    binlog = subprocess.run(["mariadb-binlog", "--no-defaults", f"--start-position={info['binlog_pos']}", *files[first:]],
                            capture_output=True, check=True, timeout=SAFETY_TIMEOUT)
    subprocess.run(["mariadb", "--no-defaults", f"--socket={fleet.server('db-restored').socket}", "--user=root"],
                   input=binlog.stdout, capture_output=True, check=True, timeout=SAFETY_TIMEOUT)
    assert _query(restored, "SELECT COUNT(*), MIN(id), MAX(id) FROM seq", "app")[0] == (final, 1, final)


@pytest.mark.slow
def test_dump_of_a_server_without_databases_restores(fleet, tmp_path):
    fleet.create("db-empty", MASTER_USER, MASTER_PASSWORD)
    info = fleet.dump("db-empty", str(tmp_path / "empty.sql"))
    assert info["databases"] == [] and info["binlog_file"].startswith("binlog.")
    endpoint = fleet.create("db-empty-copy", MASTER_USER, MASTER_PASSWORD, dump_path=str(tmp_path / "empty.sql"))
    assert _query(endpoint, "SELECT 1") == ((1,),)


@pytest.mark.slow
def test_failed_create_leaves_nothing(fleet, tmp_path):
    broken = tmp_path / "broken.sql"
    broken.write_text("THIS IS NOT SQL;\n", encoding="utf-8")
    before = set(_fleet_pids(fleet))
    with pytest.raises(mariadb.MariaDBError):
        fleet.create("db-broken", MASTER_USER, MASTER_PASSWORD, dump_path=str(broken))
    assert set(_fleet_pids(fleet)) == before
    with pytest.raises(mariadb.MariaDBError):
        fleet.server("db-broken")
    fleet.create("db-broken", MASTER_USER, MASTER_PASSWORD)  # the identifier is free again


@pytest.mark.slow
def test_delete_stops_the_server(fleet):
    endpoint = fleet.create("db-doomed", MASTER_USER, MASTER_PASSWORD)
    server = fleet.server("db-doomed")
    pid, datadir = server.pid, server.datadir
    assert pid in _fleet_pids(fleet)
    client = _connect(endpoint)

    fleet.delete("db-doomed")
    assert not _alive(pid)
    assert pid not in _fleet_pids(fleet)
    assert not os.path.exists(datadir)
    _assert_dead(endpoint)
    with pytest.raises(pymysql.err.OperationalError):
        client.cursor().execute("SELECT 1")
    with pytest.raises(mariadb.MariaDBError):
        fleet.server("db-doomed")


@pytest.mark.slow
def test_shutdown_leaves_no_mariadbd(tmp_path_factory):
    fleet = mariadb.MariaDBFleet(str(tmp_path_factory.mktemp("short-lived")))
    endpoints = [fleet.create(name, MASTER_USER, MASTER_PASSWORD) for name in ("db-a", "db-b")]
    client = _connect(endpoints[0])
    assert len(_fleet_pids(fleet)) == 2
    fleet.shutdown()
    assert not _fleet_pids(fleet)
    for endpoint in endpoints:
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(endpoint, timeout=10).close()
    with pytest.raises(pymysql.err.OperationalError):
        client.cursor().execute("SELECT 1")
    fleet.shutdown()  # idempotent
    with pytest.raises(mariadb.MariaDBError):
        fleet.create("db-c", MASTER_USER, MASTER_PASSWORD)


def _wait_for_spare(fleet):
    """The server the fleet started ahead, once it runs."""
    deadline = time.monotonic() + SAFETY_TIMEOUT
    while time.monotonic() < deadline:
        with fleet._lock:  # pylint: disable=protected-access
            spare = fleet._spare  # pylint: disable=protected-access
            if spare is not None:
                # Published in one step with its pending mark cleared: a shutdown now keeps whatever a create takes.
                assert fleet._spare_pending is not spare  # pylint: disable=protected-access
                return spare
        time.sleep(0.05)
    raise AssertionError("no spare server started")


@pytest.mark.slow
def test_a_spare_server_serves_the_next_create_like_a_new_one(tmp_path_factory, tmp_path):
    fleet = mariadb.MariaDBFleet(str(tmp_path_factory.mktemp("spares")), spare=True)
    try:
        first = fleet.create("db-first", MASTER_USER, MASTER_PASSWORD)
        _query(first, "CREATE DATABASE app")
        _query(first, "CREATE TABLE app.t (id INT PRIMARY KEY) ENGINE=InnoDB")
        _query(first, "INSERT INTO app.t VALUES (1), (2)")
        fleet.dump("db-first", str(tmp_path / "first.sql"))
        spare = _wait_for_spare(fleet)
        # Started ahead, it is no instance: no identifier, no endpoint, no master user, no data.
        assert spare.running and fleet.identifiers() == ["db-first"]
        assert spare.name.endswith(".spare") and spare.pid in _fleet_pids(fleet)
        assert spare.databases() == []

        restored = fleet.create("db-restored", "restorer", "Another-secret_9", dump_path=str(tmp_path / "first.sql"))
        assert fleet.server("db-restored") is spare
        assert _query_as(restored, "restorer", "Another-secret_9", "SELECT id FROM app.t ORDER BY id") == ((1,), (2,))
        with pytest.raises(pymysql.err.OperationalError):
            _connect(restored).close()  # the first create's master user is not this one's
        with pytest.raises(pymysql.err.OperationalError):
            _connect(restored, user="root", password="").close()
        # The take starts the next spare; the instances are the two creates.
        assert _wait_for_spare(fleet) is not spare and fleet.identifiers() == ["db-first", "db-restored"]
        assert len(_fleet_pids(fleet)) == 3
        spare_dir = fleet._spare.datadir  # pylint: disable=protected-access
    finally:
        fleet.shutdown()
    assert not _fleet_pids(fleet)
    assert not os.path.exists(spare_dir)  # a spare holds nothing worth keeping
    assert os.path.isdir(spare.datadir)  # now db-restored's, kept like every instance's


@pytest.mark.slow
def test_a_spare_that_died_while_it_waited_does_not_fail_the_create(tmp_path_factory):
    fleet = mariadb.MariaDBFleet(str(tmp_path_factory.mktemp("dead-spare")), spare=True)
    try:
        fleet.create("db-first", MASTER_USER, MASTER_PASSWORD)
        dead = _wait_for_spare(fleet)
        dead.kill()  # as the out-of-memory killer would
        endpoint = fleet.create("db-second", MASTER_USER, MASTER_PASSWORD)
        assert fleet.server("db-second") is not dead and _query(endpoint, "SELECT 1") == ((1,),)
        assert not os.path.exists(dead.datadir)
        assert _wait_for_spare(fleet) is not dead  # and the next one is on its way
    finally:
        fleet.shutdown()
    assert not _fleet_pids(fleet)


@pytest.mark.slow
def test_a_fleet_without_spares_starts_none(fleet):
    fleet.create("db-alone", MASTER_USER, MASTER_PASSWORD)
    # A create decides on the next spare before it returns.
    assert fleet._spare is None and not fleet._spare_starting  # pylint: disable=protected-access
    assert not any(name.endswith(".spare") for name in os.listdir(fleet.servers_dir))


@pytest.mark.slow
def test_a_fleet_reaps_servers_left_by_a_killed_process(tmp_path_factory):
    state_dir = str(tmp_path_factory.mktemp("reaped"))
    first = mariadb.MariaDBFleet(state_dir)
    first.create("db-orphan", MASTER_USER, MASTER_PASSWORD)
    pid = first.server("db-orphan").pid
    # As if the emulator had died without shutdown(): a new fleet on the same state dir finds the server running.
    second = mariadb.MariaDBFleet(state_dir)
    try:
        deadline = time.monotonic() + SAFETY_TIMEOUT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)
        assert second.create("db-orphan", MASTER_USER, MASTER_PASSWORD)
    finally:
        second.shutdown()
        first.shutdown()
    assert not _fleet_pids(second)


class _TaggingServer:
    """A TCP server that answers each received chunk with its tag followed by the chunk."""

    def __init__(self, tag):
        self.tag = tag
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.address = self.listener.getsockname()[:2]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn = self.listener.accept()[0]
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    def _echo(self, conn):
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    return
                conn.sendall(self.tag + data)

    def close(self):
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()


def _roundtrip(conn, payload):
    conn.sendall(payload)
    return conn.recv(4096)


def test_endpoint_proxy_retargets_new_connections_only():
    first, second = _TaggingServer(b"A:"), _TaggingServer(b"B:")
    proxy = mariadb.EndpointProxy()
    try:
        assert proxy.port > 0
        address = ("127.0.0.1", proxy.port)

        # No target: accepted, then closed at once.
        with socket.create_connection(address, timeout=30) as conn:
            assert conn.recv(10) == b""

        proxy.set_target(first.address)
        old = socket.create_connection(address, timeout=30)
        assert _roundtrip(old, b"x") == b"A:x"

        proxy.set_target(second.address)
        new = socket.create_connection(address, timeout=30)
        assert _roundtrip(new, b"y") == b"B:y"
        assert _roundtrip(old, b"z") == b"A:z"  # an existing connection keeps its target

        proxy.set_target(None)
        with socket.create_connection(address, timeout=30) as conn:
            assert conn.recv(10) == b""
        assert _roundtrip(new, b"still") == b"B:still"

        proxy.close()
        assert old.recv(10) == b"" and new.recv(10) == b""  # close() cuts forwarded connections
        old.close()
        new.close()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address, timeout=30).close()
    finally:
        proxy.close()
        first.close()
        second.close()


def test_endpoint_proxy_to_an_unreachable_target_closes_the_client():
    with mariadb.EndpointProxy() as proxy:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            dead_port = probe.getsockname()[1]
        proxy.set_target(("127.0.0.1", dead_port))
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=30) as conn:
            assert conn.recv(10) == b""
