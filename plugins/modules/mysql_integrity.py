#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: mysql_integrity
version_added: 0.1.0
short_description: Check a restored MySQL or MariaDB database - CHECK TABLE, row counts, checksums, schema, freshness
description:
  - Connects to a MySQL or MariaDB endpoint (typically a restored RDS instance) and gathers, for every table of the
    chosen databases, C(CHECK TABLE), an exact row count (C(SELECT COUNT) over all rows), C(CHECKSUM TABLE ... EXTENDED), and the schema inventory
    (tables, columns with type and nullability, indexes) from C(information_schema). The statements run in parallel
    on a bounded pool, one connection per worker, biggest tables first.
  - V(inspect) returns those facts. V(baseline) writes them to O(baseline_path), the exact state of the database when
    a backup was taken. V(compare) compares them with a O(source_host) endpoint, a O(baseline_path), or both.
  - A restore is a copy of the past, so a comparison with the live source does not cry wolf. The schema is compared
    always; tables in O(static_tables) must have the source's checksums; tables in O(live_tables) must have row counts
    within their tolerance of the source's, and their newest O(live_tables[].timestamp_column) value must lie at or
    before O(recovery_point_time) and no more than O(max_staleness_minutes) before it (the RPO the data achieved,
    returned in RV(freshness)). Against a baseline every table must match exactly.
  - Differences are reported table by table with the reason; the module fails when there is any, unless
    O(fail_on_difference=false).
  - Only reads the databases. From the source it reads only what the comparison needs (schema, checksums of static
    tables, counts of live tables), and never runs C(CHECK TABLE) there. Smoke queries run in a read-only transaction.
author:
  - restorekit contributors (@restorekit)
requirements:
  - PyMySQL
options:
  login_host:
    description: Host name of the endpoint to check, for example the restored instance's endpoint address.
    type: str
    required: true
  login_port:
    description: TCP port of the endpoint, 1 to 65535.
    type: int
    default: 3306
  login_user:
    description: User to connect as. It needs C(SELECT) on the checked databases (C(CHECK TABLE) needs C(SELECT)).
    type: str
    required: true
  login_password:
    description: Password of O(login_user). Never logged or returned.
    type: str
  login_db:
    description: The one database to check. Mutually exclusive with O(databases). Without both, every non-system database.
    type: str
  databases:
    description: Databases to check. Mutually exclusive with O(login_db). Each must exist on the endpoint.
    type: list
    elements: str
  connect_timeout:
    description: Seconds to wait for each connection, 1 to 3600.
    type: int
    default: 10
  parallelism:
    description:
      - Statements run at once, each worker on its own connection (1 to 64). More workers than the server has CPU
        cores rarely help; C(CHECKSUM TABLE) and the row counts are scans.
    type: int
    default: 4
  mode:
    description:
      - V(inspect) returns the gathered facts; V(baseline) writes them to O(baseline_path); V(compare) compares.
    type: str
    choices: ['inspect', 'baseline', 'compare']
    default: inspect
  baseline_path:
    description:
      - JSON file on the managed host. Written by O(mode=baseline) (atomically, replacing the file); read by
        O(mode=compare), which then requires every table to match it exactly.
    type: path
  source_host:
    description: Host of the source endpoint to compare with (O(mode=compare)), usually production.
    type: str
  source_port:
    description: Port of the source endpoint, 1 to 65535.
    type: int
    default: 3306
  source_user:
    description: User on the source. Defaults to O(login_user).
    type: str
  source_password:
    description: Password on the source. Defaults to O(login_password). Never logged or returned.
    type: str
  source_db:
    description: The source's database when its name differs from the restored one (one database only).
    type: str
  static_tables:
    description:
      - Tables whose content must not change (reference data, closed partitions); their checksums must equal the
        source's or the baseline's. Names are V(table) or V(database.table).
    type: list
    elements: str
    default: []
  live_tables:
    description:
      - Tables that keep taking writes after a backup, compared by row count tolerance and data freshness.
        Each needs exactly one of O(live_tables[].tolerance_percent) or O(live_tables[].tolerance_rows).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The table, V(table) or V(database.table).
        type: str
        required: true
      tolerance_percent:
        description: Allowed difference of the row count, in percent of the source's rows (0 to 100).
        type: float
      tolerance_rows:
        description: Allowed difference of the row count, in rows.
        type: int
      timestamp_column:
        description: Column whose newest value dates the data; naive C(DATETIME) values are read as UTC.
        type: str
  recovery_point_time:
    description:
      - Time of the recovery point the database was restored from, ISO 8601 with an offset. Required in
        O(mode=compare) when a live table declares a O(live_tables[].timestamp_column).
    type: str
  max_staleness_minutes:
    description: How long before O(recovery_point_time) the newest timestamp of a live table may be.
    type: float
    default: 60
  smoke_queries:
    description:
      - Queries with their expected results, run on the checked endpoint in a read-only transaction.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the query in the results and the report.
        type: str
        required: true
      sql:
        description: The query.
        type: str
        required: true
      expect:
        description: A scalar (the query must return one row of one column) or a list of rows (each a list, or a scalar
          for one column).
        type: raw
        required: true
  fail_on_difference:
    description: Fail when any difference is found. With V(false), return them with RV(passed=false).
    type: bool
    default: true
  report_target:
    description: How the checked endpoint is named in RV(checks), for example the restored DB instance identifier.
      Defaults to V(login_host:login_port).
    type: str
notes:
  - The AWS connection options are accepted so that C(module_defaults) for C(group/restorekit.aws.aws), which reach
    this module as a member of the collection's action group, apply without error. The module makes no AWS call and
    ignores them; to read a password from Secrets Manager use the restorekit.aws.validate_mysql role or the
    amazon.aws.secretsmanager_secret lookup.
  - Supports check mode. Only O(mode=baseline) changes anything (the baseline file); in check mode it gathers and
    reports that it would write the file.
  - C(CHECKSUM TABLE) values are comparable between servers of the same engine family and version (a MariaDB restore
    of a MariaDB source, a MySQL 8 restore of a MySQL 8 source).
  - The statements on different tables run on different connections, so the facts of a source that keeps taking writes
    are not one snapshot; that is what the live tables' tolerance is for.
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
attributes:
  check_mode:
    description: Reads the databases only; runs the same in check mode.
    support: full
"""

EXAMPLES = r"""
- name: Compare the restored database with production
  restorekit.aws.mysql_integrity:
    mode: compare
    login_host: multi-tenant-app-prod-db-restore.abc123.us-east-1.rds.amazonaws.com
    login_user: admin
    login_password: "{{ db_password }}"
    login_db: app
    source_host: multi-tenant-app-prod-db.abc123.us-east-1.rds.amazonaws.com
    static_tables: [plans, tenants]
    live_tables:
      - name: orders
        tolerance_percent: 20
        timestamp_column: created_at
      - name: audit_log
        tolerance_rows: 500
        timestamp_column: created_at
    recovery_point_time: "{{ rds_point.recovery_point.creation_date }}"
    max_staleness_minutes: 60
    smoke_queries:
      - name: three plans
        sql: SELECT COUNT(*) FROM plans
        expect: 3
  register: integrity

- name: Capture a baseline right after a backup
  restorekit.aws.mysql_integrity:
    mode: baseline
    login_host: "{{ db_host }}"
    login_user: admin
    login_password: "{{ db_password }}"
    login_db: app
    baseline_path: /var/lib/restorekit/app-baseline.json

- name: Compare a restore with that baseline, exactly
  restorekit.aws.mysql_integrity:
    mode: compare
    login_host: "{{ restored_host }}"
    login_user: admin
    login_password: "{{ db_password }}"
    login_db: app
    baseline_path: /var/lib/restorekit/app-baseline.json
"""

RETURN = r"""
passed:
  description: True when no difference was found.
  returned: always
  type: bool
differences:
  description: Every difference, with the table (C(null) for smoke queries), the kind of check and the reason.
  returned: always
  type: list
  elements: dict
  sample:
    - table: plans
      check: checksum
      against: source
      reason: "static table plans: checksum 123 != source 456 (rows 3, source 3)"
  contains:
    table:
      description: The table, C(database.table) (C(null) for a smoke query).
      type: str
      returned: always
      sample: app.plans
    check:
      description:
        - The kind of check - C(schema), C(check_table), C(checksum), C(row_count), C(freshness), C(smoke_query)
          or C(error) (a statement that failed).
      type: str
      returned: always
      sample: checksum
    against:
      description: What the table was compared with, C(source) or C(baseline).
      type: str
      returned: when the difference comes from a comparison
      sample: source
    reason:
      description: The difference in words.
      type: str
      returned: always
      sample: "static table plans: checksum 123 != source 456 (rows 3, source 3)"
tables:
  description: The facts gathered on the checked endpoint, keyed by C(database.table) - type, engine, columns, indexes,
    C(check) (status, ok, messages), C(rows), C(checksum), C(newest) (of a live table's timestamp column), C(errors).
  returned: always
  type: dict
  sample:
    app.plans:
      database: app
      table: plans
      type: table
      engine: InnoDB
      columns: [{"name": "id", "type": "int(11)", "nullable": false}]
      indexes: [{"name": "PRIMARY", "unique": true, "columns": ["id"]}]
      check: {"status": "OK", "ok": true, "messages": []}
      rows: 3
      checksum: 123
      errors: {}
freshness:
  description: Per live table with a timestamp column, keyed by its name - C(table), C(column), its C(newest) value,
    C(lag_minutes) to the recovery point (the RPO the data achieved), C(max_staleness_minutes), C(recovery_point_time),
    and C(ok), whether it is within O(max_staleness_minutes) (null without a recovery point time).
  returned: always
  type: dict
  sample:
    orders:
      column: created_at
      newest: "2026-11-23T04:34:00"
      lag_minutes: 26.0
      max_staleness_minutes: 60.0
      recovery_point_time: "2026-11-23T05:00:00+00:00"
      ok: true
smoke_queries:
  description: Each smoke query's rows and expected value, in the order given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The smoke query's name.
      type: str
      returned: always
      sample: plans_count
    expect:
      description: The expected value, as given.
      type: raw
      returned: always
      sample: 3
    rows:
      description: The rows the query returned, each a list of plain values.
      type: list
      elements: list
      returned: when the query ran
      sample: [[3]]
    error:
      description: The server's error message, when the query failed.
      type: str
      returned: when the query failed
      sample: "Table 'app.plan' doesn't exist"
undeclared_tables:
  description: Tables neither static nor live, compared by schema and C(CHECK TABLE) only (against a source).
  returned: always
  type: list
  elements: str
checks:
  description: One check per table and per smoke query, shaped for the restorekit.aws.restore_report role
    (C(name), C(target), C(result) V(pass) or V(fail), C(details)).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: C(mysql table <table>) or C(mysql smoke query <name>).
      type: str
      returned: always
      sample: mysql table plans
    target:
      description: O(report_target), or C(host:port) of the checked endpoint.
      type: str
      returned: always
      sample: "multi-tenant-app-prod-db-restore:3306"
    result:
      description: V(pass) or V(fail).
      type: str
      returned: always
      sample: pass
    details:
      description:
        - C(reasons) (the differences found). For a table also its C(rows), C(checksum), C(check_table) status and
          C(freshness) when known; for a smoke query its C(rows) and C(expect).
      type: dict
      returned: always
      sample: {"reasons": [], "rows": 3, "checksum": 123, "check_table": "OK"}
      contains:
        reasons:
          description: The reason of each difference found for the table or smoke query.
          type: list
          elements: str
          returned: always
          sample: []
        rows:
          description: The table's row count, or the smoke query's rows.
          type: raw
          returned: when counted or when the smoke query ran
          sample: 3
        checksum:
          description: The table's C(CHECKSUM TABLE) value.
          type: int
          returned: when the table was checksummed
          sample: 123
        check_table:
          description: The C(CHECK TABLE) status.
          type: str
          returned: when the table was checked
          sample: OK
        freshness:
          description: The table's entry of RV(freshness).
          type: dict
          returned: for a live table with a timestamp column
          sample: {"table": "orders", "column": "created_at", "newest": "2026-11-23T04:34:00", "lag_minutes": 26.0, "ok": true}
          contains:
            table:
              description: The table's name.
              type: str
              returned: always
              sample: orders
            column:
              description: Its timestamp column.
              type: str
              returned: always
              sample: created_at
            newest:
              description: The newest value of the column (UTC, without offset), or null when it cannot be dated.
              type: str
              returned: always
              sample: "2026-11-23T04:34:00"
            lag_minutes:
              description: Minutes from that value to the recovery point, or null.
              type: float
              returned: always
              sample: 26.0
            max_staleness_minutes:
              description: O(max_staleness_minutes).
              type: float
              returned: always
              sample: 60.0
            recovery_point_time:
              description: O(recovery_point_time) in ISO 8601, or null.
              type: str
              returned: always
              sample: "2026-11-23T05:00:00+00:00"
            ok:
              description: Within O(max_staleness_minutes); null without a recovery point time.
              type: bool
              returned: always
              sample: true
        expect:
          description: The smoke query's expected value.
          type: raw
          returned: for a smoke query
          sample: 3
baseline_path:
  description: The baseline written (O(mode=baseline)).
  returned: when O(mode=baseline)
  type: str
msg:
  description: A summary, with every reason when there are differences.
  returned: always
  type: str
"""

import datetime
import functools

try:
    import pymysql
except ImportError:
    pymysql = None
    PYMYSQL_IMPORT_ERROR = True
else:
    PYMYSQL_IMPORT_ERROR = False

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity as mi
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def connector(host, port, user, password, database, timeout):
    # A factory, so worker threads open their own connections and no DSN string (with a password) is ever built.
    return functools.partial(pymysql.connect, host=host, port=port, user=user, password=password or "", database=database,
                             connect_timeout=timeout, autocommit=True, charset="utf8mb4")


def open_first(connect, where, user):
    try:
        return connect()
    except Exception as e:  # pylint: disable=broad-exception-caught
        raise mi.IntegrityError("cannot connect to %s as %s: %s" % (where, user, e)) from None


def run(module):
    params = module.params
    request = mi.build_request(params)
    where = "%s:%d" % (params["login_host"], params["login_port"])
    connect = connector(params["login_host"], params["login_port"], params["login_user"], params["login_password"],
                        params["login_db"], params["connect_timeout"])
    first = open_first(connect, where, params["login_user"])
    # Declared names resolve to tables once the inventory is read; `name` or `database.table` both select here.
    live = {entry["name"]: entry for entry in request["live_tables"]}
    restored = mi.gather(connect, request, mi.kinds_for_restore(live), first_connection=first)
    smoke = mi.run_smoke_queries(mi.follow_transport(connect, first), request["smoke_queries"])

    result = {"changed": False}
    source = baseline = None
    if request["mode"] == "compare":
        if params["source_host"]:
            source = gather_source(params, request, restored)
        if request["baseline_path"]:
            baseline = mi.read_baseline(request["baseline_path"])
    outcome = mi.compare(restored, request, source=source, baseline=baseline, smoke_results=smoke)
    if request["mode"] == "baseline":
        result["changed"] = True
        result["baseline_path"] = request["baseline_path"]
        if not module.check_mode:
            taken = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
            mi.write_baseline(request["baseline_path"], restored, taken, {"host": params["login_host"], "port": params["login_port"]})
    target = params["report_target"] or where
    differences = outcome["differences"]
    result.update(passed=not differences, differences=differences, tables=restored["tables"], freshness=outcome["freshness"],
                  smoke_queries=smoke, undeclared_tables=outcome["undeclared_tables"],
                  checks=mi.checks_for_report(restored, outcome, target, smoke))
    if differences:
        result["msg"] = "%d difference(s) on %s: %s" % (len(differences), target, "; ".join(d["reason"] for d in differences))
        if params["fail_on_difference"]:
            module.fail_json(**result)
    else:
        result["msg"] = "%d table(s) on %s checked, no difference" % (len(restored["tables"]), target)
    module.exit_json(**result)


def gather_source(params, request, restored):
    where = "source %s:%d" % (params["source_host"], params["source_port"])
    user = params["source_user"] or params["login_user"]
    password = params["source_password"] if params["source_password"] is not None else params["login_password"]
    databases = restored["databases"]
    if params["source_db"]:
        if len(databases) != 1:
            raise mi.IntegrityError("source_db=%r needs exactly one checked database (login_db), not %s" % (params["source_db"], databases))
        databases = [params["source_db"]]
    connect = connector(params["source_host"], params["source_port"], user, password, params["source_db"] or params["login_db"],
                        params["connect_timeout"])
    first = open_first(connect, where, user)
    static, live = mi.resolve_declarations(request, restored["databases"], set(restored["tables"]))
    source_request = dict(request, databases=databases)
    renamed = {}
    if params["source_db"]:
        renamed = {params["source_db"]: restored["databases"][0]}

    def kinds(key, entry):
        return mi.kinds_for_source(static, live)(mi.table_key(renamed.get(entry["database"], entry["database"]), entry["table"]), entry)

    facts = mi.gather(connect, source_request, kinds, first_connection=first)
    if renamed:
        # Compare as if the source's database had the restored one's name.
        facts = {"databases": restored["databases"], "tables": {
            mi.table_key(restored["databases"][0], entry["table"]): dict(entry, database=restored["databases"][0])
            for entry in facts["tables"].values()}}
    return facts


# The options of the amazon.aws common and region doc fragments, accepted and ignored so that group module_defaults
# (region, endpoint_url, credentials) apply to this module without error. Spelled out rather than imported from
# amazon.aws, whose module_utils import boto3 and botocore: a cost on every run of a module that never calls AWS.
AWS_OPTIONS = dict(
    access_key=dict(type="str", aliases=["aws_access_key_id", "aws_access_key"], no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key", "aws_secret_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    profile=dict(type="str", aliases=["aws_profile"]),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"]),
    validate_certs=dict(type="bool", default=True),
    aws_ca_bundle=dict(type="path"),
    aws_config=dict(type="dict"),
    debug_botocore_endpoint_logs=dict(type="bool", default=False),
    region=dict(type="str", aliases=["aws_region"]),
)


def main():
    argument_spec = dict(
        login_host=dict(type="str", required=True),
        login_port=dict(type="int", default=3306),
        login_user=dict(type="str", required=True),
        login_password=dict(type="str", no_log=True),
        login_db=dict(type="str"),
        databases=dict(type="list", elements="str"),
        connect_timeout=dict(type="int", default=10),
        parallelism=dict(type="int", default=4),
        mode=dict(type="str", choices=list(mi.MODES), default="inspect"),
        baseline_path=dict(type="path"),
        source_host=dict(type="str"),
        source_port=dict(type="int", default=3306),
        source_user=dict(type="str"),
        source_password=dict(type="str", no_log=True),
        source_db=dict(type="str"),
        static_tables=dict(type="list", elements="str", default=[]),
        live_tables=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            tolerance_percent=dict(type="float"),
            tolerance_rows=dict(type="int"),
            timestamp_column=dict(type="str"),
        )),
        recovery_point_time=dict(type="str"),
        max_staleness_minutes=dict(type="float", default=60),
        smoke_queries=dict(type="list", elements="dict", default=[], options=dict(
            name=dict(type="str", required=True),
            sql=dict(type="str", required=True),
            expect=dict(type="raw", required=True),
        )),
        fail_on_difference=dict(type="bool", default=True),
        report_target=dict(type="str"),
    )
    # Accepted and ignored: group module_defaults (region, endpoint_url, credentials) must not break this module.
    argument_spec.update(AWS_OPTIONS)
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, mutually_exclusive=[["login_db", "databases"]])
    if PYMYSQL_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("PyMySQL"))
    try:
        run(module)
    except mi.IntegrityError as e:
        module.fail_json(msg=e.message)


if __name__ == "__main__":
    module_process()
    main()
