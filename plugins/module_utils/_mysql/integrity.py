# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logic of restorekit.aws.mysql_integrity: gather facts of a MySQL/MariaDB database, compare them, report.

Three parts, each usable without Ansible:
  - validation of the declarations (`build_request`), which fails naming the option and its value;
  - gathering (`gather`): the schema inventory from information_schema, then CHECK TABLE, exact COUNT(*),
    CHECKSUM TABLE EXTENDED and the newest value of a declared timestamp column, one statement per task on a
    bounded pool of connections (one per worker), biggest tables first so a large table does not finish last;
  - comparison (`compare_schema`, `compare_data`, `freshness`, `smoke_differences`): pure functions from gathered
    facts to differences, each naming its table and saying why.

A restore is a copy of the past. Comparing it with the live source must not cry wolf, so only the schema and the
tables declared static are compared exactly with a source; live tables are compared by a row count tolerance and by
data freshness (the newest timestamp must be at or before the recovery point, and not older than the allowed lag).
A baseline, captured when the backup was taken, is the past itself: against it, every table must match exactly.

Nothing here ever sees a DSN with a password in it: connections come from a factory the caller builds.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import os
import queue
import threading

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._files import replace_atomically

MODES = ("inspect", "baseline", "compare")
SYSTEM_DATABASES = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
BASELINE_FORMAT = 1
MAX_PARALLELISM = 64
# Statement kinds, in the order a table's statements are queued (the costliest first).
KINDS = ("checksum", "check", "count", "newest")
# Client errors that mean the connection itself is gone: the whole gather fails rather than one table.
_CONNECTION_ERRORS = frozenset({2003, 2006, 2013, 2055})
_OK_STATUSES = ("ok", "table is already up to date")
UTC = datetime.timezone.utc


class IntegrityError(Exception):
    """Bad input or a failure that stops the module; the message names the option or the table."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- input validation

def parse_time(value, option):
    """An ISO 8601 time with an offset (or Z) as an aware UTC datetime (``_inputs.parse_time``, no relative times: the
    data time of a restore is one moment); times without an offset are refused."""
    try:
        return inputs.parse_time(value, option, relative=False)
    except inputs.InputError as e:
        raise IntegrityError("%s=%r %s" % (option, value, e.reason)) from None


def _number(entry, key, option, minimum, maximum=None):
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise IntegrityError("%s %s=%r must be a number" % (option, key, value))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise IntegrityError("%s %s=%r must be a number" % (option, key, value)) from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = "at least %s" % minimum if maximum is None else "between %s and %s" % (minimum, maximum)
        raise IntegrityError("%s %s=%r must be %s" % (option, key, value, bounds))
    return int(number) if number == int(number) else number


MAX_CONNECT_TIMEOUT = 3600
# A login or database name as MySQL and MariaDB take them (at most 64 characters for a database, 80 for a user).
MAX_DATABASE_NAME = 64


def _check_inputs(params):
    """The _inputs rules on the connection and declaration options (each only when given): hosts without blanks,
    ports in range, names not empty and each declared once, source options only with a source."""
    for option in ("login_host", "source_host"):
        if params.get(option) is not None:
            inputs.text(params[option], option, 255, strip=False)
            if any(ch.isspace() for ch in params[option]):
                inputs.fail(option, params[option], "a host name cannot hold spaces")
    for option in ("login_port", "source_port"):
        if params.get(option) is not None:
            inputs.integer(params[option], option, 1, 65535)
    if params.get("login_user") is not None:
        inputs.text(params["login_user"], "login_user", 80, strip=False)
    for option in ("login_db", "source_db"):
        if params.get(option) is not None:
            inputs.text(params[option], option, MAX_DATABASE_NAME, strip=False)
    if params.get("databases") is not None:
        inputs.each(params["databases"], "databases", inputs.text, MAX_DATABASE_NAME, False)
        inputs.unique(params["databases"], "databases")
    if params.get("connect_timeout") is not None:
        inputs.integer(params["connect_timeout"], "connect_timeout", 1, MAX_CONNECT_TIMEOUT)
    if params.get("max_staleness_minutes") is not None:
        inputs.number(params["max_staleness_minutes"], "max_staleness_minutes", 0)
    inputs.unique([str(name).strip() for name in params.get("static_tables") or []], "static_tables")
    inputs.unique([entry.get("name") for entry in params.get("live_tables") or [] if isinstance(entry, dict)], "live_tables")
    if not params.get("source_host"):
        for option in ("source_user", "source_db"):
            if params.get(option):
                inputs.contradiction([(option, params[option]), ("source_host", params.get("source_host"))],
                                     "%s is only used with a source to compare with (source_host)" % option)
    if params.get("recovery_point_time"):
        inputs.past_time(params["recovery_point_time"], "recovery_point_time")


def build_request(params):
    """Validate the module's parameters into a request; raise IntegrityError naming the option and value."""
    try:
        return _build_request(params)
    except inputs.InputError as e:
        raise IntegrityError(e.message) from None


def _build_request(params):
    mode = params.get("mode") or "inspect"
    if mode not in MODES:
        raise IntegrityError("mode=%r must be one of %s" % (mode, ", ".join(MODES)))
    parallelism = params.get("parallelism", 4)
    if not isinstance(parallelism, int) or isinstance(parallelism, bool) or not 1 <= parallelism <= MAX_PARALLELISM:
        raise IntegrityError("parallelism=%r must be an integer between 1 and %d" % (parallelism, MAX_PARALLELISM))
    timeout = params.get("connect_timeout", 10)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        raise IntegrityError("connect_timeout=%r must be a positive number of seconds" % (timeout,))
    staleness = params.get("max_staleness_minutes", 60)
    if staleness is None or isinstance(staleness, bool) or float(staleness) < 0:
        raise IntegrityError("max_staleness_minutes=%r must be zero or more" % (staleness,))
    if mode == "baseline" and not params.get("baseline_path"):
        raise IntegrityError("mode=baseline needs baseline_path, the JSON file to write")
    if mode == "compare" and not (params.get("source_host") or params.get("baseline_path")):
        raise IntegrityError("mode=compare needs source_host (the source endpoint) or baseline_path (a saved baseline), or both")
    databases = list(params.get("databases") or ([params["login_db"]] if params.get("login_db") else []))
    for name in databases:
        if not name or name in SYSTEM_DATABASES:
            raise IntegrityError("databases: %r is not a user database" % (name,))

    static = []
    for name in params.get("static_tables") or []:
        if not isinstance(name, str) or not name.strip():
            raise IntegrityError("static_tables: %r is not a table name" % (name,))
        static.append(name.strip())
    live = []
    for entry in params.get("live_tables") or []:
        if isinstance(entry, str):
            raise IntegrityError("live_tables: %r needs a tolerance: give {name: %s, tolerance_percent: N} or tolerance_rows" % (entry, entry))
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise IntegrityError("live_tables: %r needs a name" % (entry,))
        unknown = set(entry) - {"name", "tolerance_percent", "tolerance_rows", "timestamp_column"}
        if unknown:
            raise IntegrityError("live_tables %s: unknown keys %s" % (entry["name"], ", ".join(sorted(unknown))))
        option = "live_tables %s" % entry["name"]
        percent = _number(entry, "tolerance_percent", option, 0, 100)
        rows = _number(entry, "tolerance_rows", option, 0)
        if (percent is None) == (rows is None):
            raise IntegrityError("%s: give exactly one of tolerance_percent or tolerance_rows (got %r)" % (option, entry))
        column = entry.get("timestamp_column")
        if column is not None and (not isinstance(column, str) or not column.strip()):
            raise IntegrityError("%s: timestamp_column=%r is not a column name" % (option, column))
        live.append({"name": entry["name"].strip(), "tolerance_percent": percent, "tolerance_rows": rows,
                     "timestamp_column": column.strip() if column else None})
    both = sorted(set(static) & {entry["name"] for entry in live})
    if both:
        raise IntegrityError("tables declared both static and live: %s" % ", ".join(both))
    smoke = []
    for entry in params.get("smoke_queries") or []:
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("sql"):
            raise IntegrityError("smoke_queries: %r needs name and sql" % (entry,))
        if "expect" not in entry:
            raise IntegrityError("smoke_queries %s: expect is required (a scalar, or a list of rows)" % entry["name"])
        smoke.append({"name": str(entry["name"]), "sql": str(entry["sql"]), "expect": entry["expect"]})
    names = [entry["name"] for entry in smoke]
    if len(set(names)) != len(names):
        raise IntegrityError("smoke_queries: names must be unique, got %s" % ", ".join(names))

    recovery_point = None
    if params.get("recovery_point_time"):
        recovery_point = parse_time(params["recovery_point_time"], "recovery_point_time")
    _check_inputs(params)
    if mode == "compare" and recovery_point is None and any(entry["timestamp_column"] for entry in live):
        raise IntegrityError("recovery_point_time is required: live tables declare a timestamp_column, whose freshness is "
                             "measured against the recovery point")
    return {"mode": mode, "parallelism": parallelism, "databases": databases, "static_tables": static, "live_tables": live,
            "smoke_queries": smoke, "recovery_point_time": recovery_point, "max_staleness_minutes": float(staleness),
            "baseline_path": params.get("baseline_path")}


# ---------------------------------------------------------------------------------------------- gathering

def quote_ident(name):
    """A MySQL identifier in backticks (backticks inside doubled), for names that come from the server or the play."""
    return "`%s`" % str(name).replace("`", "``")


def table_key(database, table):
    return "%s.%s" % (database, table)


def _plain(value):
    """A database value as JSON can carry it: datetimes as ISO text, decimals as numbers, bytes as text."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return value


def list_databases(cursor):
    cursor.execute("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA")
    return sorted(row[0] for row in cursor.fetchall() if row[0] not in SYSTEM_DATABASES)


def inventory(cursor, databases):
    """Tables, views, columns (type, nullability) and indexes of DATABASES, keyed by `database.table`."""
    if not databases:
        return {}
    marks = ", ".join(["%s"] * len(databases))
    tables = {}
    cursor.execute("SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS FROM information_schema.TABLES "
                   "WHERE TABLE_SCHEMA IN (%s) ORDER BY TABLE_SCHEMA, TABLE_NAME" % marks, databases)
    for schema, name, kind, engine, estimate in cursor.fetchall():
        tables[table_key(schema, name)] = {"database": schema, "table": name, "type": "view" if kind == "VIEW" else "table",
                                           "engine": engine, "estimated_rows": int(estimate or 0), "columns": [], "indexes": []}
    cursor.execute("SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS "
                   "WHERE TABLE_SCHEMA IN (%s) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION" % marks, databases)
    for schema, name, column, column_type, nullable in cursor.fetchall():
        entry = tables.get(table_key(schema, name))
        if entry is not None:
            entry["columns"].append({"name": column, "type": _plain(column_type), "nullable": nullable == "YES"})
    cursor.execute("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.STATISTICS "
                   "WHERE TABLE_SCHEMA IN (%s) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX" % marks, databases)
    indexes = {}
    for schema, name, index, non_unique, column in cursor.fetchall():
        key = table_key(schema, name)
        if key in tables:
            index_entry = indexes.setdefault((key, index), {"name": index, "unique": not int(non_unique), "columns": []})
            index_entry["columns"].append(column)
    for (key, _index), entry in sorted(indexes.items()):
        tables[key]["indexes"].append(entry)
    return tables


def plan_statements(tables, kinds_for):
    """The statements to run: (key, kind, sql), biggest tables first. KINDS_FOR(key, entry) -> {kind: argument}."""
    tasks = []
    for key, entry in tables.items():
        wanted = kinds_for(key, entry)
        name = "%s.%s" % (quote_ident(entry["database"]), quote_ident(entry["table"]))
        for kind in KINDS:
            if kind not in wanted:
                continue
            if entry["type"] == "view" and kind != "check":
                continue
            if kind == "check":
                sql = "CHECK TABLE %s" % name
            elif kind == "count":
                sql = "SELECT COUNT(*) FROM %s" % name
            elif kind == "checksum":
                sql = "CHECKSUM TABLE %s EXTENDED" % name
            else:
                sql = "SELECT MAX(%s) FROM %s" % (quote_ident(wanted[kind]), name)
            tasks.append((key, kind, sql))
    weight = {kind: len(KINDS) - position for position, kind in enumerate(KINDS)}
    tasks.sort(key=lambda task: (-tables[task[0]]["estimated_rows"], -weight[task[1]], task[0]))
    return tasks


def _error_code(error):
    return error.args[0] if error.args and isinstance(error.args[0], int) else None


def follow_transport(connect, first):
    """CONNECT for further connections to FIRST's server, told the transport FIRST settled on, so none negotiates it again.

    PyMySQL's default is "TLS if the server offers it": every connection builds its own SSL context, loading the
    system's CA store, tens of milliseconds of client CPU per connection that the server's scans would rather have
    when client and server share few cores. FIRST has learnt what the server offers: when it runs over TLS, the
    workers require TLS and share its context (none of them can be downgraded); otherwise they skip the offer the
    server does not make. A factory whose connections have no such attributes is returned unchanged.
    """
    context = getattr(first, "ctx", None)
    if context is None:
        return connect
    if getattr(first, "_secure", False):
        return functools.partial(connect, ssl=context)
    if getattr(first, "_ssl_required", False):
        return connect
    return functools.partial(connect, ssl_disabled=True)


def run_parallel(connect, tasks, parallelism, first_connection=None):
    """Run each task's SQL on a pool of min(PARALLELISM, tasks) workers, each with its own connection; return
    {(key, kind): outcome}.

    The pool has its full size whatever the timing: every worker holds one connection for the whole run (the first
    worker FIRST_CONNECTION when given, the others one CONNECT() each), so the server sees exactly the parallelism
    asked for, not fewer connections because an early statement happened to finish before the next worker started.
    An outcome is ("rows", rows) or ("error", message). A lost connection (or one that cannot be opened) stops every
    worker: the facts would be partial. The connections opened here are closed before returning.
    """
    pending = queue.Queue()
    for task in tasks:
        pending.put(task)
    outcomes = {}
    failures = []
    opened = []
    lock = threading.Lock()
    stop = threading.Event()

    def run_one(conn, task):
        key, kind, sql = task
        try:
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return (key, kind), ("rows", cursor.fetchall())
        except Exception as e:  # pylint: disable=broad-exception-caught
            if _error_code(e) in _CONNECTION_ERRORS:
                raise IntegrityError("the connection was lost while running %s on %s: %s" % (kind, key, e)) from e
            return (key, kind), ("error", "%s" % (e.args[1] if len(e.args) > 1 else e))

    def worker(conn):
        try:
            if conn is None:
                conn = connect()
                with lock:
                    opened.append(conn)
            while not stop.is_set():
                try:
                    task = pending.get_nowait()
                except queue.Empty:
                    return
                where, outcome = run_one(conn, task)
                with lock:
                    outcomes[where] = outcome
        except Exception as e:  # pylint: disable=broad-exception-caught
            with lock:
                failures.append(e)
            stop.set()

    workers = max(1, min(parallelism, len(tasks)))
    threads = [threading.Thread(target=worker, args=(first_connection if index == 0 else None,), daemon=True)
               for index in range(workers)]
    try:
        for thread in threads:
            thread.start()
    finally:
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join()
        for conn in opened:
            try:
                conn.close()
            except Exception:  # pylint: disable=broad-exception-caught
                pass
    if failures:
        raise failures[0]
    return outcomes


def parse_check(rows):
    """CHECK TABLE's rows (Table, Op, Msg_type, Msg_text) as {status, ok, messages}."""
    messages = ["%s: %s" % (row[2], row[3]) for row in rows]
    statuses = [str(row[3]) for row in rows if str(row[2]).lower() == "status"]
    errors = [row for row in rows if str(row[2]).lower() == "error"]
    status = statuses[-1] if statuses else (str(errors[-1][3]) if errors else "no status")
    ok = not errors and bool(statuses) and status.lower() in _OK_STATUSES
    return {"status": status, "ok": ok, "messages": messages}


def gather(connect, request, kinds_for, first_connection=None):
    """Inventory and statements for one endpoint; returns {"databases": [...], "tables": {key: facts}}.

    CONNECT() opens one connection; FIRST_CONNECTION (optional) is reused for the inventory and then by a worker.
    Every connection, the first included, is closed on return.
    """
    conn = first_connection or connect()
    try:
        with conn.cursor() as cursor:
            databases = list(request["databases"]) or list_databases(cursor)
            if request["databases"]:
                present = set(list_databases(cursor))
                missing = [name for name in databases if name not in present]
                if missing:
                    raise IntegrityError("databases: %s not found on the server (it has: %s)"
                                         % (", ".join(missing), ", ".join(sorted(present)) or "no user database"))
            tables = inventory(cursor, databases)
    except IntegrityError:
        conn.close()
        raise
    except Exception as e:
        conn.close()
        raise IntegrityError("reading the schema inventory failed: %s" % (e,)) from e
    tasks = plan_statements(tables, kinds_for)
    try:
        outcomes = run_parallel(follow_transport(connect, conn), tasks, request["parallelism"], first_connection=conn)
    finally:
        try:
            conn.close()
        except Exception:  # pylint: disable=broad-exception-caught
            pass
    for key, entry in tables.items():
        entry["errors"] = {}
        for kind in KINDS:
            outcome = outcomes.get((key, kind))
            if outcome is None:
                continue
            status, value = outcome
            if status == "error":
                entry["errors"][kind] = value
            elif kind == "check":
                entry["check"] = parse_check(value)
            elif kind == "count":
                entry["rows"] = int(value[0][0])
            elif kind == "checksum":
                entry["checksum"] = None if value[0][1] is None else int(value[0][1])
            else:
                entry["newest"] = {"column": kinds_for(key, entry)["newest"], "value": _plain(value[0][0])}
        del entry["estimated_rows"]
    return {"databases": databases, "tables": tables}


def run_smoke_queries(connect, queries):
    """Each smoke query in a read-only transaction (a query that writes is refused by the server); rows as plain values."""
    results = []
    if not queries:
        return results
    conn = connect()
    try:
        for entry in queries:
            result = {"name": entry["name"], "expect": entry["expect"]}
            try:
                with conn.cursor() as cursor:
                    cursor.execute("START TRANSACTION READ ONLY")
                    try:
                        cursor.execute(entry["sql"])
                        result["rows"] = [[_plain(value) for value in row] for row in (cursor.fetchall() or ())]
                    finally:
                        cursor.execute("ROLLBACK")
            except Exception as e:  # pylint: disable=broad-exception-caught
                if _error_code(e) in _CONNECTION_ERRORS:
                    raise IntegrityError("the connection was lost while running smoke query %s: %s" % (entry["name"], e)) from e
                result["error"] = "%s" % (e.args[1] if len(e.args) > 1 else e)
            results.append(result)
    finally:
        conn.close()
    return results


# ---------------------------------------------------------------------------------------------- declarations

def resolve(name, databases, keys, option):
    """A declared table name (`table` or `database.table`) as a `database.table` key."""
    if "." in name:
        return name
    if len(databases) == 1:
        return table_key(databases[0], name)
    matches = sorted(key for key in keys if key.split(".", 1)[1] == name)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise IntegrityError("%s: %s is ambiguous (%s); name it as database.table" % (option, name, ", ".join(matches)))
    raise IntegrityError("%s: %s is in none of the databases %s; name it as database.table" % (option, name, ", ".join(databases)))


def resolve_declarations(request, databases, keys):
    static = [resolve(name, databases, keys, "static_tables") for name in request["static_tables"]]
    live = {}
    for entry in request["live_tables"]:
        live[resolve(entry["name"], databases, keys, "live_tables")] = entry
    return static, live


def kinds_for_restore(live):
    """Everything, on every table of the restore: it is ours to read, and the report wants all of it.

    LIVE maps declared names (`table` or `database.table`) to their declarations.
    """
    def kinds(key, entry):
        wanted = {"check": None, "count": None, "checksum": None}
        column = (live.get(key) or live.get(entry["table"]) or {}).get("timestamp_column")
        if column:
            wanted["newest"] = column
        return wanted
    return kinds


def kinds_for_source(static, live):
    """Only what the comparison needs from production: checksums of static tables, counts of live ones; no CHECK TABLE."""
    def kinds(key, _entry):
        if key in static:
            return {"checksum": None, "count": None}
        if key in live:
            return {"count": None}
        return {}
    return kinds


# ---------------------------------------------------------------------------------------------- comparison

def display_names(keys):
    """`table` when every key is in one database, else `database.table`."""
    keys = list(keys)
    databases = {key.split(".", 1)[0] for key in keys}
    return {key: key.split(".", 1)[1] if len(databases) <= 1 else key for key in keys}


def _difference(table, check, reason, against=None):
    entry = {"table": table, "check": check, "reason": reason}
    if against:
        entry["against"] = against
    return entry


def check_table_differences(restored, names):
    found = []
    for key, entry in sorted(restored["tables"].items()):
        name = names.get(key, key)
        if "check" in entry.get("errors", {}):
            found.append(_difference(key, "check_table", "CHECK TABLE %s failed: %s" % (name, entry["errors"]["check"])))
        elif "check" in entry and not entry["check"]["ok"]:
            details = [m for m in entry["check"]["messages"] if not m.lower().startswith("status:")]
            found.append(_difference(key, "check_table", "CHECK TABLE %s: %s%s" % (
                name, entry["check"]["status"], " (%s)" % "; ".join(details) if details else "")))
        for kind in ("count", "checksum", "newest"):
            if kind in entry.get("errors", {}):
                label = {"count": "COUNT(*)", "checksum": "CHECKSUM TABLE", "newest": "the newest timestamp of"}[kind]
                found.append(_difference(key, "error", "%s %s failed: %s" % (label, name, entry["errors"][kind])))
    return found


def compare_schema(restored, reference, names, against):
    """Tables missing or extra, and per common table the engine, columns (type, nullability) and indexes."""
    found = []
    mine, theirs = restored["tables"], reference["tables"]
    for key in sorted(set(theirs) - set(mine)):
        found.append(_difference(key, "schema", "table %s missing (present in the %s)" % (names.get(key, key), against), against))
    for key in sorted(set(mine) - set(theirs)):
        found.append(_difference(key, "schema", "table %s extra (not in the %s)" % (names.get(key, key), against), against))
    for key in sorted(set(mine) & set(theirs)):
        name = names.get(key, key)
        ours, other = mine[key], theirs[key]
        if ours.get("type") != other.get("type"):
            found.append(_difference(key, "schema", "%s is a %s, in the %s a %s" % (name, ours.get("type"), against, other.get("type")), against))
        if ours.get("engine") != other.get("engine"):
            found.append(_difference(key, "schema", "table %s engine %s != %s %s" % (name, ours.get("engine"), against, other.get("engine")),
                                     against))
        columns = {c["name"]: c for c in ours.get("columns", [])}
        other_columns = {c["name"]: c for c in other.get("columns", [])}
        for column in [c["name"] for c in other.get("columns", []) if c["name"] not in columns]:
            found.append(_difference(key, "schema", "table %s: column %s missing" % (name, column), against))
        for column in [c["name"] for c in ours.get("columns", []) if c["name"] not in other_columns]:
            found.append(_difference(key, "schema", "table %s: column %s extra (not in the %s)" % (name, column, against), against))
        for column, entry in columns.items():
            if column not in other_columns:
                continue
            if entry["type"] != other_columns[column]["type"]:
                found.append(_difference(key, "schema", "table %s: column %s type %s != %s %s" % (
                    name, column, entry["type"], against, other_columns[column]["type"]), against))
            if entry["nullable"] != other_columns[column]["nullable"]:
                found.append(_difference(key, "schema", "table %s: column %s %s, in the %s %s" % (
                    name, column, "NULL" if entry["nullable"] else "NOT NULL", against,
                    "NULL" if other_columns[column]["nullable"] else "NOT NULL"), against))
        indexes = {i["name"]: i for i in ours.get("indexes", [])}
        other_indexes = {i["name"]: i for i in other.get("indexes", [])}
        for index in sorted(set(other_indexes) - set(indexes)):
            found.append(_difference(key, "schema", "table %s: index %s missing" % (name, index), against))
        for index in sorted(set(indexes) - set(other_indexes)):
            found.append(_difference(key, "schema", "table %s: index %s extra (not in the %s)" % (name, index, against), against))
        for index in sorted(set(indexes) & set(other_indexes)):
            a, b = indexes[index], other_indexes[index]
            if a["columns"] != b["columns"] or a["unique"] != b["unique"]:
                found.append(_difference(key, "schema", "table %s: index %s is %s(%s), in the %s %s(%s)" % (
                    name, index, "UNIQUE " if a["unique"] else "", ", ".join(a["columns"]), against,
                    "UNIQUE " if b["unique"] else "", ", ".join(b["columns"])), against))
    return found


def _tolerance(entry, source_rows):
    if entry.get("tolerance_rows") is not None:
        return entry["tolerance_rows"], "%s rows" % entry["tolerance_rows"]
    allowed = source_rows * entry["tolerance_percent"] / 100.0
    return allowed, "%s%% (%d rows)" % (entry["tolerance_percent"], int(allowed))


def compare_data(restored, reference, static, live, names, against, exact=False):
    """Static tables by checksum, live tables by row count tolerance; with EXACT (a baseline), every table exactly."""
    found = []
    mine, theirs = restored["tables"], reference["tables"]
    for key in sorted(set(mine) & set(theirs)):
        name = names.get(key, key)
        ours, other = mine[key], theirs[key]
        if ours.get("type") == "view":
            continue
        if exact or key in static:
            label = "static table %s" % name if key in static else "table %s" % name
            if ours.get("checksum") is not None and other.get("checksum") is not None and ours["checksum"] != other["checksum"]:
                rows = ""
                if ours.get("rows") is not None and other.get("rows") is not None:
                    rows = " (rows %d, %s %d)" % (ours["rows"], against, other["rows"])
                reason = "%s: checksum %s != %s %s%s" % (label, ours["checksum"], against, other["checksum"], rows)
                found.append(_difference(key, "checksum", reason, against))
            elif ours.get("rows") is not None and other.get("rows") is not None and ours["rows"] != other["rows"]:
                found.append(_difference(key, "row_count", "%s: %d rows != %s %d" % (label, ours["rows"], against, other["rows"]), against))
        elif key in live and ours.get("rows") is not None and other.get("rows") is not None:
            allowed, text = _tolerance(live[key], other["rows"])
            apart = abs(ours["rows"] - other["rows"])
            if apart > allowed:
                found.append(_difference(key, "row_count", "live table %s: %d rows, %s %d: %d apart, more than the tolerance of %s" % (
                    name, ours["rows"], against, other["rows"], apart, text), against))
    for key in sorted(set(static) | set(live)):
        if key not in mine and key not in theirs:
            found.append(_difference(key, "schema", "declared table %s exists neither in the restore nor in the %s" % (
                names.get(key, key), against), against))
    return found


def _as_utc(value):
    if isinstance(value, (str, datetime.datetime)):
        # Naive DATETIME values are read as UTC, the time zone of RDS MySQL unless a parameter group changes it.
        try:
            return inputs.parse_time(value, "value", relative=False, naive_utc=True)
        except inputs.InputError:
            return None
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _minutes(delta):
    return round(delta.total_seconds() / 60.0, 1)


def freshness(restored, live, names, recovery_point, max_staleness_minutes):
    """Per live table with a timestamp column: the newest value and its lag to the recovery point (the RPO achieved).

    Returns (freshness by table key, differences).
    """
    report = {}
    found = []
    for key, entry in sorted(live.items()):
        column = entry.get("timestamp_column")
        if not column:
            continue
        name = names.get(key, key)
        facts = restored["tables"].get(key)
        item = {"table": name, "column": column, "newest": None, "lag_minutes": None, "max_staleness_minutes": max_staleness_minutes,
                "recovery_point_time": recovery_point.isoformat() if recovery_point else None, "ok": False}
        report[key] = item
        if facts is None:
            continue  # the missing table is reported by the schema comparison
        if column not in [c["name"] for c in facts.get("columns", [])]:
            found.append(_difference(key, "freshness", "%s has no column %s (its timestamp_column)" % (name, column)))
            continue
        if "newest" in facts.get("errors", {}):
            continue  # reported with the statement errors
        value = (facts.get("newest") or {}).get("value")
        if value is None:
            found.append(_difference(key, "freshness", "%s has no rows with a %s: its data cannot be dated" % (name, column)))
            continue
        newest = _as_utc(value)
        if newest is None:
            found.append(_difference(key, "freshness", "%s newest %s %r is not a date or time" % (name, column, value)))
            continue
        item["newest"] = newest.replace(tzinfo=None).isoformat(timespec="seconds")
        if recovery_point is None:
            item["ok"] = None
            continue
        lag = recovery_point - newest
        item["lag_minutes"] = _minutes(lag)
        shown = newest.strftime("%Y-%m-%dT%H:%M")
        if lag < datetime.timedelta(0):
            found.append(_difference(key, "freshness", "%s newest %s %s is %s min after the recovery point: the restore holds data "
                                                       "newer than the point it should come from" % (name, column, shown, _minutes(-lag))))
        elif lag > datetime.timedelta(minutes=max_staleness_minutes):
            found.append(_difference(key, "freshness", "%s newest %s %s is %s min before the recovery point (max %s)" % (
                name, column, shown, _format_minutes(lag), _format_minutes(datetime.timedelta(minutes=max_staleness_minutes)))))
        else:
            item["ok"] = True
    return report, found


def _format_minutes(delta):
    minutes = delta.total_seconds() / 60.0
    return "%d" % minutes if minutes == int(minutes) else "%.1f" % minutes


def _same(value, expected):
    if value == expected:
        return True
    if isinstance(value, bool) or isinstance(expected, bool):
        return False
    return str(value) == str(expected)


def smoke_differences(results):
    """A scalar expect matches a one-row, one-column result; a list expect matches the rows (a row may be a scalar)."""
    found = []
    for result in results:
        result["ok"] = False
        if "error" in result:
            found.append(_difference(None, "smoke_query", "smoke query %s failed: %s" % (result["name"], result["error"])))
            continue
        rows, expect = result["rows"], result["expect"]
        if isinstance(expect, list):
            wanted = [row if isinstance(row, list) else [row] for row in expect]
            ok = len(wanted) == len(rows) and all(len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b)) for a, b in zip(rows, wanted))
            got = json.dumps(rows, default=str)
        else:
            ok = len(rows) == 1 and len(rows[0]) == 1 and _same(rows[0][0], expect)
            got = json.dumps(rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows, default=str)
        if ok:
            result["ok"] = True
        else:
            found.append(_difference(None, "smoke_query", "smoke query %s: got %s, expected %s" % (
                result["name"], got, json.dumps(expect, default=str))))
    return found


def compare(restored, request, source=None, baseline=None, smoke_results=None):
    """Every difference of the restore, table by table: CHECK TABLE, schema, data, freshness, smoke queries.

    Returns {"differences", "freshness", "undeclared_tables"}; differences carry `table` as `database.table`.
    """
    keys = set(restored["tables"])
    for reference in (source, baseline):
        if reference:
            keys |= set(reference["tables"])
    static, live = resolve_declarations(request, restored["databases"], keys)
    names = display_names(keys | set(static) | set(live))
    differences = check_table_differences(restored, names)
    if source is not None:
        differences += compare_schema(restored, source, names, "source")
        differences += compare_data(restored, source, static, live, names, "source")
    if baseline is not None:
        differences += compare_schema(restored, baseline, names, "baseline")
        differences += compare_data(restored, baseline, static, live, names, "baseline", exact=True)
    fresh, stale = freshness(restored, live, names, request["recovery_point_time"], request["max_staleness_minutes"])
    differences += stale
    differences += smoke_differences(smoke_results or [])
    for entry in differences:
        if entry["table"] is not None:
            entry["table"] = names.get(entry["table"], entry["table"])
    undeclared = sorted(names[key] for key in restored["tables"] if key not in static and key not in live)
    return {"differences": differences, "freshness": {names[key]: value for key, value in fresh.items()},
            "undeclared_tables": undeclared}


def checks_for_report(restored, outcome, target, smoke_results=None):
    """The restore_report role's checks: one per table (restored or expected) and one per smoke query."""
    names = display_names(restored["tables"])
    per_table = {}
    for entry in outcome["differences"]:
        if entry["table"] is not None:
            per_table.setdefault(entry["table"], []).append(entry["reason"])
    checks = []
    for table in sorted(set(names.values()) | set(per_table)):
        key = next((k for k, v in names.items() if v == table), None)
        facts = restored["tables"].get(key, {}) if key else {}
        details = {"reasons": per_table.get(table, [])}
        for field in ("rows", "checksum"):
            if field in facts:
                details[field] = facts[field]
        if "check" in facts:
            details["check_table"] = facts["check"]["status"]
        if table in outcome["freshness"]:
            details["freshness"] = outcome["freshness"][table]
        checks.append({"name": "mysql table %s" % table, "target": target, "result": "fail" if per_table.get(table) else "pass",
                       "details": details})
    for result in smoke_results or []:
        reasons = [d["reason"] for d in outcome["differences"] if d["check"] == "smoke_query"
                   and d["reason"].startswith("smoke query %s" % result["name"])]
        checks.append({"name": "mysql smoke query %s" % result["name"], "target": target, "result": "fail" if reasons else "pass",
                       "details": {"reasons": reasons, "rows": result.get("rows"), "expect": result["expect"]}})
    return checks


# ---------------------------------------------------------------------------------------------- baselines

def write_baseline(path, facts, taken_at, endpoint):
    """Write the gathered facts as a baseline (atomically: a crash leaves the old file or the new one, never half)."""
    document = {"format": BASELINE_FORMAT, "taken_at": taken_at, "endpoint": endpoint, "databases": facts["databases"],
                "tables": facts["tables"]}
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise IntegrityError("baseline_path=%r: folder %s does not exist" % (path, directory))
    replace_atomically(path, (json.dumps(document, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return document


def read_baseline(path):
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as e:
        raise IntegrityError("baseline_path=%r cannot be read: %s" % (path, e.strerror)) from None
    except ValueError as e:
        raise IntegrityError("baseline_path=%r is not JSON: %s" % (path, e)) from None
    if not isinstance(document, dict) or document.get("format") != BASELINE_FORMAT or not isinstance(document.get("tables"), dict):
        raise IntegrityError("baseline_path=%r is not a mysql_integrity baseline (format %d)" % (path, BASELINE_FORMAT))
    document.setdefault("databases", sorted({key.split(".", 1)[0] for key in document["tables"]}))
    return document
