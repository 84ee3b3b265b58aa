# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: mysql_integrity's gather on ~1M rows over 20 tables (issue 4's first performance point).

    bench/run                                   (all benchmarks)
    .venv/bin/python bench/mysql_integrity.py [--rows 1000000] [--tables 20] [--parallelism N] [--repeat 3] [--json OUT]

Targets from the issue: the module's wall time within 1.2x of the floor (the same SQL statements issued by a bare
parallel PyMySQL script with the same parallelism), and at least 2x faster than the same statements run sequentially.

A private MariaDB (tests/emulator/mariadb.py) is created in a temporary folder and filled with INSERT ... SELECT
doubling: 4 tables of 10%, 8 of 5% and 8 of 2.5% of the rows. Its buffer pool is raised to hold the data, so the
runs measure the server's work, not the first read from disk; one untimed warm-up run precedes the timed ones.
Measured, each REPEAT times, median reported:
  ours, in-process   integrity.gather() (inventory, then CHECK TABLE, COUNT(*), CHECKSUM TABLE EXTENDED per table)
  ours, playbook     ansible-playbook with one restorekit.aws.mysql_integrity task (mode inspect)
  playbook, no SQL   the same play with the task replaced by ansible.builtin.ping: ansible-playbook's start-up and
                       the cost of shipping and starting any module (AnsiballZ, a Python process, module_utils.basic)
  floor              the same statements from a bare ThreadPoolExecutor, one PyMySQL connection per worker
  sequential         the same statements, one after another, on one connection
The default parallelism is the number of CPUs: CHECKSUM TABLE and COUNT(*) are server-side scans, so more workers
than cores only queue on the server.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
for path in (ROOT, os.path.join(ROOT, ".venv", "collections")):
    if path not in sys.path:
        sys.path.insert(0, path)

# pylint: disable=wrong-import-position
import pymysql

from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity as mi
from tests.emulator.mariadb import MariaDBServer

USER = "bench"
# A throwaway server on loopback, deleted at the end: not a secret.
PASSWORD = "bench-only-pw"
DATABASE = "benchdb"


def build(server, rows, tables):
    """Tables t00..tNN filled by doubling; returns {table: rows}."""
    sizes = []
    for index in range(tables):
        share = 0.10 if index < tables // 5 else (0.05 if index < tables * 3 // 5 else 0.025)
        sizes.append(max(1, int(rows * share * 20 / tables)))
    conn = pymysql.connect(host="127.0.0.1", port=server.port, user=USER, password=PASSWORD, autocommit=True)
    with conn.cursor() as cur:
        cur.execute("SET GLOBAL innodb_buffer_pool_size = %d" % (512 * 1024 * 1024))
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


def statements(tables):
    """What the module runs: three inventory queries, then per table the three checks (as plan_statements orders them)."""
    entries = {mi.table_key(DATABASE, name): {"database": DATABASE, "table": name, "type": "table", "estimated_rows": rows}
               for name, rows in tables.items()}
    planned = mi.plan_statements(entries, lambda key, entry: {"check": None, "count": None, "checksum": None})
    return [sql for _key, _kind, sql in planned]


def inventory_sql():
    return ["SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA IN ('%s')" % DATABASE,
            "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN ('%s')"
            % DATABASE,
            "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ('%s')"
            % DATABASE]


def connector(server):
    return functools.partial(pymysql.connect, host="127.0.0.1", port=server.port, user=USER, password=PASSWORD, database=DATABASE,
                             autocommit=True)


def ours(server, parallelism, expected_rows=None):
    request = {"databases": [DATABASE], "parallelism": parallelism}
    facts = mi.gather(connector(server), request, mi.kinds_for_restore({}))
    assert all(entry["check"]["ok"] and entry["checksum"] is not None for entry in facts["tables"].values())
    if expected_rows is not None:
        counted = sum(entry["rows"] for entry in facts["tables"].values())
        assert counted == expected_rows, "counted %d rows, built %d" % (counted, expected_rows)
    return facts


def floor(server, sqls, parallelism):
    """A bare client: inventory on one connection, then the statements on PARALLELISM threads, a connection each."""
    connect = connector(server)
    local = threading.local()
    opened = []
    first = connect()
    with first.cursor() as cur:
        for sql in inventory_sql():
            cur.execute(sql)
            cur.fetchall()
    opened.append(first)
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
        list(pool.map(run, sqls))
    for conn in opened:
        conn.close()


def sequential(server, sqls):
    conn = connector(server)()
    with conn.cursor() as cur:
        for sql in inventory_sql() + sqls:
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


def timed(function, repeat):
    times = []
    for _attempt in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--parallelism", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="write the measurements here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="restorekit-bench-mysql-") as tmp:
        server = MariaDBServer("bench", tmp, USER, PASSWORD)
        server.start()
        try:
            started = time.perf_counter()
            tables = build(server, args.rows, args.tables)
            print("built %d rows in %d tables in %.1fs; parallelism %d on %d CPUs (load average %.1f); median of %d runs"
                  % (sum(tables.values()), len(tables), time.perf_counter() - started, args.parallelism, os.cpu_count() or 0,
                     os.getloadavg()[0], args.repeat))
            sqls = statements(tables)
            ours(server, args.parallelism, sum(tables.values()))  # warm-up (the buffer pool holds the data afterwards), checked
            rows = [
                ("ours, in-process", timed(lambda: ours(server, args.parallelism), args.repeat)),
                ("floor", timed(lambda: floor(server, sqls, args.parallelism), args.repeat)),
                ("sequential", timed(lambda: sequential(server, sqls), args.repeat)),
                ("ours, playbook", timed(lambda: playbook(server, args.parallelism, tmp), args.repeat)),
                ("playbook, no SQL", timed(lambda: playbook(server, args.parallelism, tmp, with_module=False), args.repeat)),
            ]
        finally:
            server.stop()
    median = {name: value[0] for name, value in rows}
    for name, (value, times) in rows:
        print("  %-18s %7.2fs   (%s)" % (name, value, ", ".join("%.2f" % t for t in times)))
    in_process = median["ours, in-process"] / median["floor"]
    startup = median["playbook, no SQL"]
    through_ansible = (median["ours, playbook"] - startup) / median["floor"]
    speedup = median["sequential"] / median["ours, in-process"]
    floor_speedup = median["sequential"] / median["floor"]
    verdicts = [
        ("ours in-process within 1.2x of the floor", in_process, in_process <= 1.2),
        ("ours via playbook, minus a ping module's playbook (%.2fs), within 1.2x of the floor" % startup, through_ansible, through_ansible <= 1.2),
        ("ours at least 2x faster than sequential", speedup, speedup >= 2.0),
    ]
    for label, ratio, ok in verdicts:
        print("%s  %-90s ratio %.2f" % ("PASS" if ok else "FAIL", label, ratio))
    print("      (the floor itself is %.2fx faster than sequential: the bound the parallelism allows on this machine)" % floor_speedup)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"median_seconds": median, "ratios": {label: ratio for label, ratio, _ok in verdicts},
                       "floor_vs_sequential": floor_speedup, "parallelism": args.parallelism, "cpus": os.cpu_count()}, handle, indent=2)
    return 0 if all(ok for _label, _ratio, ok in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
