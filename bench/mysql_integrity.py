# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: mysql_integrity's gather on ~1M rows over 20 tables (issue 4's first performance point).

    bench/run                                   (all benchmarks)
    .venv/bin/python bench/mysql_integrity.py [--rows 1000000] [--tables 20] [--parallelism N] [--repeat 9]
                                              [--no-playbook] [--json OUT]

Targets from the issue: the module's wall time within 1.2x of the floor (the same SQL statements issued by a bare
parallel PyMySQL script with the same parallelism), and at least 2x faster than the same statements run sequentially.

A private MariaDB (emulator/mariadb.py) is created in a temporary folder and filled with INSERT ... SELECT
doubling: 4 tables of 10%, 8 of 5% and 8 of 2.5% of the rows. Its buffer pool is raised to hold the data, and one
untimed run of every variant precedes the timed ones, so every variant reads from memory; the bench prints the
buffer pool's reads from disk during the timed runs (0 when the cache was warm for all).

Like with like: the statements of the floor and of the sequential run are the ones the module issued, recorded from
a run of integrity.gather() (the schema inventory on one connection, then per table CHECK TABLE, COUNT(*), CHECKSUM
TABLE EXTENDED, biggest tables first). The server's own counters (Com_*) are read around every timed run and printed
per variant, so a reader can see that all variants sent the server the same statements.

Variants, run in turn within each of REPEAT rounds (so a burst of load from elsewhere hits all of them), median shown:
  ours, in-process   integrity.gather() with the module's connection defaults
  floor              the recorded statements: the inventory on one connection, then the per-table ones on a bare
                       ThreadPoolExecutor of PARALLELISM threads, one PyMySQL connection each, opened without the
                       TLS probe (the server offers none): the cheapest connections a client can open
  sequential         the recorded statements, one after another, on one such connection
  ours, playbook     ansible-playbook with one restorekit.aws.mysql_integrity task (mode inspect)
  playbook, no SQL   the same play with the task replaced by ansible.builtin.ping: ansible-playbook's start-up and
                       the cost of shipping and starting any module (AnsiballZ, a Python process, module_utils.basic)
CPU accounting per variant (mean seconds of CPU per run): mariadbd (from /proc/PID/stat), this process (the client)
and the rest of the machine (from /proc/stat: other jobs on a shared machine). The statements are server-side scans and
the sequential client waits while the server works, so sequential's wall is its CPU on an idle machine, and no
parallel run can take less than (server CPU + client CPU) / CPUs: the bench prints the speedup over sequential that
this bound allows, next to the 2x target, so a target out of the machine's reach shows as such.
The default parallelism is the number of CPUs: CHECKSUM TABLE and COUNT(*) are server-side scans, so more workers
than cores only queue on the server.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# tools/startup_gc.py (the venv's start-up GC hook) is off for every process a benchmark starts, on every side it
# compares: a bastion has no such hook.
os.environ["RESTOREKIT_STARTUP_GC"] = "0"
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
for path in (ROOT, os.path.join(ROOT, ".venv", "collections")):
    if path not in sys.path:
        sys.path.insert(0, path)

# pylint: disable=wrong-import-position
import pymysql
import pymysql.cursors

from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity as mi
from emulator.mariadb import MariaDBServer

USER = "bench"
# A throwaway server on loopback, deleted at the end: not a secret.
PASSWORD = "bench-only-pw"
DATABASE = "benchdb"
TICKS = os.sysconf("SC_CLK_TCK")
# Server counters read around each timed run: the statements (by command) and connections each variant cost.
# (Questions is not used: it also counts COM_QUIT, which the server may handle after the run returned.)
COUNTERS = ("Com_check", "Com_checksum", "Com_select", "Com_set_option", "Connections")
STATEMENTS = ("Com_check", "Com_checksum", "Com_select", "Com_set_option")
BUFFER_POOL = 512 * 1024 * 1024


def build(server, rows, tables):
    """Tables t00..tNN filled by doubling; returns {table: rows}."""
    sizes = []
    for index in range(tables):
        share = 0.10 if index < tables // 5 else (0.05 if index < tables * 3 // 5 else 0.025)
        sizes.append(max(1, int(rows * share * 20 / tables)))
    conn = pymysql.connect(host="127.0.0.1", port=server.port, user=USER, password=PASSWORD, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL innodb_buffer_pool_size = %d" % BUFFER_POOL)
        cur.execute("CREATE DATABASE %s" % DATABASE)
        cur.execute("USE %s" % DATABASE)
        created = {}
        for index, size in enumerate(sizes):
            name = "t%02d" % index
            cur.execute("CREATE TABLE %s (id BIGINT AUTO_INCREMENT PRIMARY KEY, tenant_id VARCHAR(16) NOT NULL, amount_cents INT NOT NULL, "
                        "note VARCHAR(64) NOT NULL, created_at DATETIME(3) NOT NULL, INDEX idx_%s_created (created_at)) ENGINE=InnoDB"
                        % (name, name))
            cur.execute("INSERT INTO %s (tenant_id, amount_cents, note, created_at) VALUES ('1', 100, 'seed row', NOW(3))" % name)
            have = 1
            while have < size:
                step = min(have, size - have)
                cur.execute("INSERT INTO %s (tenant_id, amount_cents, note, created_at) SELECT CONCAT(id %% 97), amount_cents + id, "
                            "CONCAT('note ', id), created_at - INTERVAL id SECOND FROM %s LIMIT %d" % (name, name, step))
                have += step
            created[name] = have
        cur.execute("ANALYZE TABLE %s" % ", ".join(created))
        cur.fetchall()
    conn.close()
    return created


def connector(server, **options):
    def connect(**more):
        return pymysql.connect(host="127.0.0.1", port=server.port, user=USER, password=PASSWORD, database=DATABASE, autocommit=True,
                               **dict(options, **more))
    return connect


def bare_connector(server):
    """The floor's and the sequential run's connections: the server offers no TLS, so none is probed for."""
    return connector(server, ssl_disabled=True)


def request(parallelism):
    return {"databases": [DATABASE], "parallelism": parallelism}


def record_statements(server, expected_rows):
    """The statements gather() sends, in order: (inventory, per-table). Recorded from a run with one worker."""
    log = []

    class Recording(pymysql.cursors.Cursor):
        def execute(self, query, args=None):
            log.append(self.mogrify(query, args))
            return super().execute(query, args)

    facts = mi.gather(connector(server, cursorclass=Recording), request(1), mi.kinds_for_restore({}))
    counted = sum(entry["rows"] for entry in facts["tables"].values())
    assert counted == expected_rows, "counted %d rows, built %d" % (counted, expected_rows)
    split = next(index for index, sql in enumerate(log) if "information_schema" not in sql)
    return log[:split], log[split:]


def ours(server, parallelism):
    facts = mi.gather(connector(server), request(parallelism), mi.kinds_for_restore({}))
    assert all(entry["check"]["ok"] and entry["checksum"] is not None and entry["rows"] for entry in facts["tables"].values())
    return facts


def floor(server, inventory, per_table, parallelism):
    """A bare client: the inventory on one connection, then the per-table statements on PARALLELISM threads, a connection each."""
    connect = bare_connector(server)
    local = threading.local()
    first = connect()
    with first.cursor() as cur:
        for sql in inventory:
            cur.execute(sql)
            cur.fetchall()
    opened = [first]
    idle = [first]
    lock = threading.Lock()

    def run(sql):
        if not hasattr(local, "conn"):
            with lock:
                local.conn = idle.pop() if idle else None
            if local.conn is None:
                local.conn = connect()
                with lock:
                    opened.append(local.conn)
        with local.conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()

    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        list(pool.map(run, per_table))
    for conn in opened:
        conn.close()


def sequential(server, inventory, per_table):
    conn = bare_connector(server)()
    with conn.cursor() as cur:
        for sql in inventory + per_table:
            cur.execute(sql)
            cur.fetchall()
    conn.close()


def playbook(server, parallelism, tmp, with_module=True):
    task = {"name": "Gather", "restorekit.aws.mysql_integrity": {
        "login_host": "127.0.0.1", "login_port": server.port, "login_user": USER, "login_password": PASSWORD, "login_db": DATABASE,
        "parallelism": parallelism}} if with_module else {"name": "Start-up", "ansible.builtin.ping": {}}
    play = [{"name": "bench", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [task]}]
    path = os.path.join(tmp, "play.yml")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(play, handle)
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_PYTHON_INTERPRETER=os.path.join(VENV_BIN, "python"),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    proc = subprocess.run([os.path.join(VENV_BIN, "ansible-playbook"), "-i", "localhost,", path], env=env, cwd=tmp,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("the playbook failed:\n%s\n%s" % (proc.stdout[-3000:], proc.stderr[-3000:]))


def process_cpu(pid):
    """CPU seconds (user + system) a process has used, its exited threads included."""
    with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def own_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + children.ru_utime + children.ru_stime


def machine_cpu():
    """CPU seconds all processes of the machine have used (busy time of /proc/stat, all CPUs)."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(value) for value in handle.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / TICKS


class Counters:
    """The server's global status counters, read on a connection of their own (SHOW is not among the counters read)."""

    def __init__(self, server):
        self.conn = bare_connector(server)()

    def read(self):
        with self.conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN (%s)" % ", ".join(["%s"] * len(COUNTERS)), COUNTERS)
            return {name: int(value) for name, value in cur.fetchall()}

    def delta(self, before, after):
        changed = {name: after[name] - before[name] for name in COUNTERS}
        changed["statements"] = sum(changed[name] for name in STATEMENTS)
        return changed

    def disk_reads(self):
        with self.conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'")
            return int(cur.fetchone()[1])


def measure(variants, server, counters, repeat):
    """Every variant once per round, REPEAT rounds; per variant the walls, CPU splits and counter deltas."""
    results = {name: {"wall": [], "server": [], "client": [], "other": [], "counters": []} for name, _function in variants}
    pid = server.pid
    for _round in range(repeat):
        for name, function in variants:
            before = counters.read()
            server0, client0, machine0 = process_cpu(pid), own_cpu(), machine_cpu()
            started = time.perf_counter()
            function()
            wall = time.perf_counter() - started
            server1, client1, machine1 = process_cpu(pid), own_cpu(), machine_cpu()
            entry = results[name]
            entry["counters"].append(counters.delta(before, counters.read()))
            entry["wall"].append(wall)
            entry["server"].append(server1 - server0)
            entry["client"].append(client1 - client0)
            entry["other"].append(max(0.0, (machine1 - machine0) - (server1 - server0) - (client1 - client0)))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--parallelism", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--no-playbook", action="store_true", help="skip the two ansible-playbook variants")
    parser.add_argument("--json", help="write the measurements here")
    args = parser.parse_args(argv)
    cpus = os.cpu_count() or 1

    with tempfile.TemporaryDirectory(prefix="restorekit-bench-mysql-") as tmp:
        server = MariaDBServer("bench", tmp, USER, PASSWORD)
        server.start()
        try:
            started = time.perf_counter()
            tables = build(server, args.rows, args.tables)
            expected = sum(tables.values())
            inventory, per_table = record_statements(server, expected)
            counters = Counters(server)
            with counters.conn.cursor() as cur:
                cur.execute("SELECT SUM(DATA_LENGTH + INDEX_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s", (DATABASE,))
                size = int(cur.fetchone()[0])
                cur.execute("SELECT @@innodb_buffer_pool_size")
                pool_size = int(cur.fetchone()[0])
            print("built %d rows in %d tables (%.0f MiB, buffer pool %.0f MiB) in %.1fs; parallelism %d on %d CPUs; median of %d rounds"
                  % (expected, len(tables), size / 2**20, pool_size / 2**20, time.perf_counter() - started, args.parallelism, cpus,
                     args.repeat))
            variants = [
                ("ours, in-process", lambda: ours(server, args.parallelism)),
                ("floor", lambda: floor(server, inventory, per_table, args.parallelism)),
                ("sequential", lambda: sequential(server, inventory, per_table)),
            ]
            if not args.no_playbook:
                variants += [
                    ("ours, playbook", lambda: playbook(server, args.parallelism, tmp)),
                    ("playbook, no SQL", lambda: playbook(server, args.parallelism, tmp, with_module=False)),
                ]
            for _name, function in variants:  # warm-up: every variant once, untimed (the buffer pool holds the data afterwards)
                function()
            load_before = os.getloadavg()[0]
            reads_before = counters.disk_reads()
            results = measure(variants, server, counters, args.repeat)
            disk_reads = counters.disk_reads() - reads_before
            load_after = os.getloadavg()[0]
            counters.conn.close()
        finally:
            server.stop()

    median = {name: statistics.median(entry["wall"]) for name, entry in results.items()}
    # CPU in clock ticks (1/100 s): the mean over the rounds is finer than any one round's figure.
    cpu = {name: {kind: statistics.fmean(entry[kind]) for kind in ("server", "client", "other")} for name, entry in results.items()}
    print("load average %.2f before the timed rounds, %.2f after; buffer pool reads from disk during them: %d"
          % (load_before, load_after, disk_reads))
    print("statements the server received per run (SHOW GLOBAL STATUS deltas; the module's: %d inventory + %d per table):"
          % (len(inventory), len(per_table)))
    print("  %-18s %10s %10s %13s %10s %10s %12s" % ("variant", "statements", "CHECK", "CHECKSUM", "SELECT", "SET", "connections"))
    for name, entry in results.items():
        if name.startswith("playbook"):
            continue
        last = entry["counters"][-1]
        same = all(delta == last for delta in entry["counters"])
        print("  %-18s %10d %10d %13d %10d %10d %12d%s" % (name, last["statements"], last["Com_check"], last["Com_checksum"], last["Com_select"],
                                                           last["Com_set_option"], last["Connections"], "" if same else "  (varied)"))
    print("wall seconds (median of %d) and CPU seconds (mean): CPU of mariadbd, of this process (the client), of the rest of the machine" % args.repeat)
    for name, entry in results.items():
        print("  %-18s %7.3fs   cpu server %.3f  client %.3f  other %.3f   (walls %s)" % (
            name, median[name], cpu[name]["server"], cpu[name]["client"], cpu[name]["other"],
            ", ".join("%.3f" % value for value in entry["wall"])))

    in_process = median["ours, in-process"] / median["floor"]
    speedup = median["sequential"] / median["ours, in-process"]
    floor_speedup = median["sequential"] / median["floor"]
    # The sequential run keeps one core busy (the client waits while the server scans): its CPU is its wall on an idle
    # machine. A parallel run cannot take less than the CPU it needs spread over every core.
    needed = cpu["ours, in-process"]["server"] + cpu["ours, in-process"]["client"]
    serial = cpu["sequential"]["server"] + cpu["sequential"]["client"]
    bound = cpus * serial / needed if needed else float("inf")
    verdicts = [("ours in-process within 1.2x of the floor", in_process, in_process <= 1.2)]
    fixed = None
    if not args.no_playbook:
        startup = median["playbook, no SQL"]
        through_ansible = (median["ours, playbook"] - startup) / median["floor"]
        verdicts.append(("ours via playbook, minus a ping module's playbook (%.2fs), within 1.2x of the floor" % startup, through_ansible,
                         through_ansible <= 1.2))
        fixed = median["ours, playbook"] - startup - median["ours, in-process"]
        fixed_cpu = cpu["ours, playbook"]["client"] - cpu["playbook, no SQL"]["client"] - cpu["ours, in-process"]["client"]
    verdicts.append(("ours at least 2x faster than sequential", speedup, speedup >= 2.0))
    for label, ratio, ok in verdicts:
        print("%s  %-90s ratio %.2f" % ("PASS" if ok else "FAIL", label, ratio))
    print("      the floor is %.2fx faster than sequential. CPU bound: sequential needed %.3fs of CPU (server %.3f + client %.3f), %.0f%% "
          "of its wall; ours needed %.3fs (server %.3f + client %.3f), which %d CPUs cannot run in less than %.3fs: on an idle machine "
          "ours can be at most %.2fx faster than sequential"
          % (floor_speedup, serial, cpu["sequential"]["server"], cpu["sequential"]["client"], 100.0 * serial / median["sequential"],
             needed, cpu["ours, in-process"]["server"], cpu["ours, in-process"]["client"], cpus, needed / cpus, bound))
    if not args.no_playbook:
        print("      the module's own fixed cost, beyond a ping module and beyond the gather itself (importing PyMySQL and the "
              "module's code, validating the arguments, returning the facts): %.3fs of wall, %.3fs of client CPU" % (fixed, fixed_cpu))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"median_seconds": median, "cpu_seconds": cpu, "ratios": {label: ratio for label, ratio, _ok in verdicts},
                       "floor_vs_sequential": floor_speedup, "cpu_bound_speedup": bound, "parallelism": args.parallelism, "cpus": cpus,
                       "load_average": [load_before, load_after], "disk_reads": disk_reads, "module_fixed_cost": fixed,
                       "statements": {name: entry["counters"][-1] for name, entry in results.items()}}, handle, indent=2)
    return 0 if all(ok for _label, _ratio, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
