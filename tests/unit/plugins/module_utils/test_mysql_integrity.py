# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The comparison rules of mysql_integrity, from gathered facts to differences, without a database or Ansible."""

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity as mi

RECOVERY_POINT = "2026-11-20T05:00:00Z"


def table(name, rows, checksum, columns=(("id", "int(11)", False),), indexes=(("PRIMARY", ("id",), True),), newest=None,
          check=("status", "OK"), engine="InnoDB"):
    entry = {"database": "app", "table": name, "type": "table", "engine": engine, "errors": {},
             "columns": [{"name": c, "type": t, "nullable": n} for c, t, n in columns],
             "indexes": [{"name": i, "columns": list(c), "unique": u} for i, c, u in indexes],
             "check": mi.parse_check([("app.%s" % name, "check") + check]), "rows": rows, "checksum": checksum}
    if newest is not None:
        entry["newest"] = {"column": "created_at", "value": newest}
    return entry


STAMPED = (("id", "bigint(20)", False), ("created_at", "datetime(3)", False))


def restored_db():
    return {"databases": ["app"], "tables": {
        "app.plans": table("plans", 3, 111),
        "app.tenants": table("tenants", 3, 222),
        "app.orders": table("orders", 320, 333, columns=STAMPED, newest="2026-11-20T04:34:00"),
        "app.audit_log": table("audit_log", 8, 444, columns=STAMPED, newest="2026-11-20T04:55:00"),
    }}


def source_db():
    """Production, a day later: live tables grew (and their checksums moved), static ones did not."""
    source = copy.deepcopy(restored_db())
    source["tables"]["app.orders"].update(rows=360, checksum=999)
    source["tables"]["app.audit_log"].update(rows=9, checksum=998)
    return source


def request(**overrides):
    params = {"mode": "compare", "login_db": "app", "source_host": "prod", "static_tables": ["plans", "tenants"],
              "live_tables": [{"name": "orders", "tolerance_percent": 20, "timestamp_column": "created_at"},
                              {"name": "audit_log", "tolerance_rows": 2, "timestamp_column": "created_at"}],
              "recovery_point_time": RECOVERY_POINT}
    params.update(overrides)
    return mi.build_request(params)


def reasons(outcome):
    return [d["reason"] for d in outcome["differences"]]


def test_faithful_restore_of_a_source_that_moved_on_passes():
    """Live tables grew and their checksums changed after the backup: within tolerance and fresh, no wolf cried."""
    outcome = mi.compare(restored_db(), request(), source=source_db())
    assert outcome["differences"] == []
    assert outcome["freshness"]["orders"]["lag_minutes"] == 26.0 and outcome["freshness"]["orders"]["ok"] is True
    assert outcome["freshness"]["audit_log"]["lag_minutes"] == 5.0


def test_the_same_restore_fails_when_every_table_is_compared_exactly():
    """Without the live declarations, the grown tables are differences: the declarations are what makes it pass."""
    outcome = mi.compare(restored_db(), request(live_tables=[], static_tables=["plans", "tenants", "orders", "audit_log"]),
                         source=source_db())
    assert sorted(d["table"] for d in outcome["differences"]) == ["audit_log", "orders"]
    assert "static table orders: checksum 333 != source 999 (rows 320, source 360)" in reasons(outcome)


def test_changed_static_row_missing_table_and_broken_table_are_named():
    restored = restored_db()
    restored["tables"]["app.plans"]["checksum"] = 123
    del restored["tables"]["app.tenants"]
    restored["tables"]["app.audit_log"]["check"] = mi.parse_check([
        ("app.audit_log", "check", "error", "Can't read indexpage from filepos: 1024"), ("app.audit_log", "check", "error", "Corrupt")])
    got = reasons(mi.compare(restored, request(), source=source_db()))
    assert "static table plans: checksum 123 != source 111 (rows 3, source 3)" in got
    assert "table tenants missing (present in the source)" in got
    assert any(r.startswith("CHECK TABLE audit_log: Corrupt") and "indexpage" in r for r in got)
    assert len(got) == 3


def test_check_table_status_other_than_ok_is_a_difference_even_without_a_reference():
    restored = restored_db()
    restored["tables"]["app.orders"]["check"] = mi.parse_check([("app.orders", "check", "warning", "Size mismatch"),
                                                               ("app.orders", "check", "status", "Operation failed")])
    outcome = mi.compare(restored, request(mode="inspect", source_host=None))
    assert reasons(outcome) == ["CHECK TABLE orders: Operation failed (warning: Size mismatch)"]


@pytest.mark.parametrize("source_rows, tolerance, fails", [
    (360, {"tolerance_percent": 20}, False),   # 40 apart, 72 allowed
    (400, {"tolerance_percent": 20}, False),   # 80 apart, 80 allowed: the bound is inclusive
    (401, {"tolerance_percent": 20}, True),
    (330, {"tolerance_rows": 10}, False),
    (331, {"tolerance_rows": 10}, True),
    (300, {"tolerance_rows": 10}, True),      # the restore holding more rows than the source is as suspicious
])
def test_live_row_count_tolerance(source_rows, tolerance, fails):
    source = source_db()
    source["tables"]["app.orders"]["rows"] = source_rows
    live = [dict({"name": "orders", "timestamp_column": "created_at"}, **tolerance)]
    got = reasons(mi.compare(restored_db(), request(live_tables=live, static_tables=["plans", "tenants"]), source=source))
    assert bool(got) is fails, got
    if fails:
        assert got[0].startswith("live table orders: 320 rows, source %d: %d apart" % (source_rows, abs(source_rows - 320)))


def test_stale_data_is_named_with_its_lag():
    got = reasons(mi.compare(restored_db(), request(recovery_point_time="2026-11-20T05:39:00Z"), source=source_db()))
    assert got == ["orders newest created_at 2026-11-20T04:34 is 65 min before the recovery point (max 60)"]


def test_data_newer_than_the_recovery_point_is_a_difference():
    """A restore holding rows written after its recovery point came from another point (or the time is wrong)."""
    got = reasons(mi.compare(restored_db(), request(recovery_point_time="2026-11-20T04:50:00+00:00"), source=source_db()))
    assert got == ["audit_log newest created_at 2026-11-20T04:55 is 5.0 min after the recovery point: the restore holds data "
                   "newer than the point it should come from"]


def test_max_staleness_and_offsets_are_honoured():
    rq = request(recovery_point_time="2026-11-20T07:39:00+02:00", max_staleness_minutes=10)
    got = reasons(mi.compare(restored_db(), rq, source=source_db()))
    assert got == ["audit_log newest created_at 2026-11-20T04:55 is 44 min before the recovery point (max 10)",
                   "orders newest created_at 2026-11-20T04:34 is 65 min before the recovery point (max 10)"]


def test_empty_live_table_cannot_be_dated():
    restored = restored_db()
    restored["tables"]["app.audit_log"]["newest"]["value"] = None
    assert reasons(mi.compare(restored, request(), source=source_db())) == ["audit_log has no rows with a created_at: its data cannot be dated"]


def test_schema_differences_columns_types_nullability_indexes():
    restored = restored_db()
    source = source_db()
    source["tables"]["app.orders"]["columns"].append({"name": "status", "type": "varchar(16)", "nullable": False})
    source["tables"]["app.orders"]["indexes"].append({"name": "idx_orders_created", "columns": ["created_at"], "unique": False})
    restored["tables"]["app.plans"]["columns"][0]["type"] = "bigint(20)"
    restored["tables"]["app.tenants"]["columns"][0]["nullable"] = True
    restored["tables"]["app.extra"] = table("extra", 0, 0)
    got = reasons(mi.compare(restored, request(), source=source))
    assert "table orders: column status missing" in got
    assert "table orders: index idx_orders_created missing" in got
    assert "table plans: column id type bigint(20) != source int(11)" in got
    assert "table tenants: column id NULL, in the source NOT NULL" in got
    assert "table extra extra (not in the source)" in got


def test_baseline_is_compared_exactly_even_for_live_tables(tmp_path):
    baseline_file = tmp_path / "baseline.json"
    mi.write_baseline(str(baseline_file), restored_db(), "2026-11-20T05:00:00+00:00", {"host": "db", "port": 3306})
    baseline = mi.read_baseline(str(baseline_file))
    assert mi.compare(restored_db(), request(source_host=None, baseline_path=str(baseline_file)), baseline=baseline)["differences"] == []
    restored = restored_db()
    restored["tables"]["app.orders"]["rows"] = 319
    restored["tables"]["app.orders"]["checksum"] = 332
    got = reasons(mi.compare(restored, request(source_host=None, baseline_path=str(baseline_file)), baseline=baseline))
    assert got == ["table orders: checksum 332 != baseline 333 (rows 319, baseline 320)"]


def test_baseline_that_is_not_one_is_refused(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"tables": []}), encoding="utf-8")
    with pytest.raises(mi.IntegrityError, match="is not a mysql_integrity baseline"):
        mi.read_baseline(str(bad))
    with pytest.raises(mi.IntegrityError, match="cannot be read"):
        mi.read_baseline(str(tmp_path / "missing.json"))


def test_smoke_queries_scalar_and_rows():
    results = [{"name": "plans", "expect": 3, "rows": [[3]]}, {"name": "names", "expect": [["starter"], ["team"]], "rows": [["starter"], ["team"]]},
               {"name": "wrong", "expect": 4, "rows": [[3]]}, {"name": "broken", "expect": 1, "error": "Table 'app.x' doesn't exist"}]
    got = reasons(mi.compare(restored_db(), request(), source=source_db(), smoke_results=results))
    assert got == ["smoke query wrong: got 3, expected 4", "smoke query broken failed: Table 'app.x' doesn't exist"]
    assert [r["ok"] for r in results] == [True, True, False, False]


def test_checks_for_the_report_name_each_table():
    restored = restored_db()
    restored["tables"]["app.plans"]["checksum"] = 123
    outcome = mi.compare(restored, request(), source=source_db())
    checks = {c["name"]: c for c in mi.checks_for_report(restored, outcome, "db-restore")}
    assert checks["mysql table plans"]["result"] == "fail" and checks["mysql table plans"]["target"] == "db-restore"
    assert checks["mysql table plans"]["details"]["reasons"] == ["static table plans: checksum 123 != source 111 (rows 3, source 3)"]
    assert checks["mysql table orders"]["result"] == "pass" and checks["mysql table orders"]["details"]["freshness"]["lag_minutes"] == 26.0


@pytest.mark.parametrize("overrides, named", [
    ({"parallelism": 0}, "parallelism=0"),
    ({"mode": "compare", "source_host": None}, "mode=compare needs source_host"),
    ({"mode": "baseline"}, "mode=baseline needs baseline_path"),
    ({"live_tables": ["orders"]}, "live_tables: 'orders' needs a tolerance"),
    ({"live_tables": [{"name": "orders", "tolerance_percent": 120}]}, "tolerance_percent=120 must be between 0 and 100"),
    ({"live_tables": [{"name": "orders", "tolerance_percent": 5, "tolerance_rows": 3}]}, "exactly one of"),
    ({"live_tables": [{"name": "plans", "tolerance_rows": 3}]}, "both static and live: plans"),
    ({"recovery_point_time": "2026-11-20T05:00:00"}, "recovery_point_time='2026-11-20T05:00:00' has no UTC offset"),
    ({"recovery_point_time": "yesterday"}, "recovery_point_time='yesterday' is not an ISO 8601 time"),
    ({"recovery_point_time": None}, "recovery_point_time is required"),
    ({"smoke_queries": [{"name": "x", "sql": "select 1"}]}, "smoke_queries x: expect is required"),
    ({"databases": ["mysql"], "login_db": None}, "databases: 'mysql' is not a user database"),
])
def test_bad_input_names_the_option(overrides, named):
    with pytest.raises(mi.IntegrityError) as caught:
        request(**overrides)
    assert named in caught.value.message


def test_bare_names_are_ambiguous_across_databases():
    with pytest.raises(mi.IntegrityError, match="plans is ambiguous"):
        mi.resolve("plans", ["a", "b"], {"a.plans", "b.plans"}, "static_tables")
    assert mi.resolve("plans", ["a", "b"], {"a.plans", "b.orders"}, "static_tables") == "a.plans"


def test_statements_quote_names_and_put_big_tables_first():
    tables = {"app.small": dict(table("small", 1, 1), estimated_rows=10), "app.we`ird": dict(table("we`ird", 1, 1), estimated_rows=5000)}
    tasks = mi.plan_statements(tables, lambda key, entry: {"check": None, "count": None, "checksum": None, "newest": "created_at"})
    assert tasks[0] == ("app.we`ird", "checksum", "CHECKSUM TABLE `app`.`we``ird` EXTENDED")
    assert [t[0] for t in tasks[:4]] == ["app.we`ird"] * 4
    assert ("app.small", "newest", "SELECT MAX(`created_at`) FROM `app`.`small`") in tasks


class FakeConnection:
    """Answers every statement at once (the timing that let an early worker take all the work), or loses itself."""

    def __init__(self, log, lose_on=None):
        self.log, self.lose_on, self.closed = log, lose_on, False

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql):
        if self.lose_on and self.lose_on in sql:
            raise LostConnection(2013, "Lost connection to MySQL server during query")
        self.log.append((id(self), sql))

    def fetchall(self):
        return ((1,),)

    def close(self):
        self.closed = True


class LostConnection(Exception):
    """Shaped like PyMySQL's OperationalError: (code, message)."""


def pool_tasks(count):
    return [("app.t%d" % index, "count", "SELECT COUNT(*) FROM `app`.`t%d`" % index) for index in range(count)]


@pytest.mark.parametrize("parallelism, tasks, expected", [(3, 12, 3), (4, 2, 2), (1, 5, 1)])
def test_the_pool_opens_the_parallelism_asked_for_whatever_the_timing_and_closes_what_it_opened(parallelism, tasks, expected):
    log, opened = [], []
    first = FakeConnection(log)

    def connect(**_options):
        conn = FakeConnection(log)
        opened.append(conn)
        return conn

    outcomes = mi.run_parallel(connect, pool_tasks(tasks), parallelism, first_connection=first)
    assert len(outcomes) == tasks and all(status == "rows" for status, _rows in outcomes.values())
    assert len(opened) == expected - 1 and all(conn.closed for conn in opened)
    assert not first.closed  # the caller's connection is the caller's to close
    assert len(log) == tasks


def test_a_lost_connection_stops_the_pool_and_names_the_statement():
    log, opened = [], []

    def connect(**_options):
        conn = FakeConnection(log, lose_on="`t0`")
        opened.append(conn)
        return conn

    with pytest.raises(mi.IntegrityError, match="connection was lost while running count on app.t0"):
        mi.run_parallel(connect, pool_tasks(40), 2, first_connection=FakeConnection(log, lose_on="`t0`"))
    assert len(opened) == 1 and opened[0].closed
