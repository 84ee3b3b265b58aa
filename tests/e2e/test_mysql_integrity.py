# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.mysql_integrity and the validate_mysql role on real restores of the seeded production database.

The seeded database kept taking writes after its last backup (orders and audit_log rows exist only in production),
so a faithful restore differs from production: the validation must pass it when those tables are declared live,
and must catch, naming the table, a changed static row, a missing table, a corrupt table and stale data.
"""

import base64
import datetime
import json
import os
import subprocess
import urllib.parse

import pymysql
import pytest

from emulator.seed import DB_PASSWORD
from emulator.testing import newest_scheduled, points_of, wait_restore
from tests.e2e.helpers import run_playbook
from tests.e2e.helpers import ACTION_PLUGINS, ANSIBLE_PLAYBOOK, PYTHON, ROOT

STATIC = ["plans", "tenants"]
# The seed writes 40 orders and one audit row a day, and one more day after the last backup: about 11% more rows
# in production than in the restore. The tolerances say how far production may move on between two backups.
LIVE = [{"name": "orders", "tolerance_percent": 20, "timestamp_column": "created_at"},
        {"name": "audit_log", "tolerance_rows": 2, "timestamp_column": "created_at"}]
# The newest point may be the weekly one at 06:00, an hour after the daily rows: allow for it on any weekday.
STALENESS = 120


def restore_newest(emulator, world, identifier):
    """Restore the production database's newest recovery point to IDENTIFIER; return (endpoint, point time)."""
    backup = emulator.client("backup")
    point = newest_scheduled(points_of(backup, world["vault"], ByResourceArn=world["db"]["arn"]))
    job = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"],
                                   Metadata={"DBInstanceIdentifier": identifier, "DBInstanceClass": "db.t3.medium"})
    assert wait_restore(backup, job["RestoreJobId"])["Status"] == "COMPLETED"
    endpoint = emulator.client("rds").describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["Endpoint"]
    return {"host": endpoint["Address"], "port": endpoint["Port"], "identifier": identifier,
            "point_time": point["CreationDate"].astimezone(datetime.timezone.utc)}


def sql(target, statement, fetch=True):
    with pymysql.connect(host=target["host"], port=target["port"], user="admin", password=DB_PASSWORD, database="app",
                         autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(statement)
        return cur.fetchall() if fetch else None


def corrupt_index(target, name):
    """Overwrite the second page of a MyISAM table's index file, as a failing disk would."""
    sql(target, "FLUSH TABLES %s" % name, fetch=False)
    datadir = sql(target, "SELECT @@datadir")[0][0]
    with open(os.path.join(datadir, "app", "%s.MYI" % name), "r+b") as handle:
        handle.seek(1024)
        handle.write(b"\xff" * 1024)


@pytest.fixture(scope="module")
def faithful(emulator, world):
    return restore_newest(emulator, world, "multi-tenant-app-prod-db-validate")


def module_task(world, target, register, **options):
    args = {"mode": "compare", "login_host": target["host"], "login_port": target["port"], "login_user": "admin",
            "login_password": DB_PASSWORD, "login_db": "app", "source_host": world["db"]["host"], "source_port": world["db"]["port"],
            "static_tables": STATIC, "live_tables": LIVE, "recovery_point_time": target["point_time"].isoformat(),
            "max_staleness_minutes": STALENESS, "report_target": target["identifier"]}
    args.update(options)
    return {"name": "Check %s" % target["identifier"], "restorekit.aws.mysql_integrity": args, "register": register, "ignore_errors": True}


def role_play(emulator, tmp_path, role_vars, verbosity=0):
    """The role in a play that saves validate_mysql_result even when the role fails the play; returns (rc, output, saved)."""
    saved = tmp_path / "role-result.json"
    play = [{"name": "validate", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": [{
        "name": "Validate", "block": [{"name": "Run the role", "ansible.builtin.include_role": {"name": "restorekit.aws.validate_mysql"},
                                       "vars": role_vars}],
        "always": [{"name": "Save", "save_results": {
            "content": "{{ {'result': validate_mysql_result | default(None), 'passed': validate_mysql_passed | default(None)} | to_json }}",
            "dest": str(saved)}}]}]}]
    playbook = tmp_path / "role.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    env = dict(emulator.env())
    env.update({"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C.UTF-8", "AWS_CONFIG_FILE": "/dev/null",
                "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"),
                "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "false",
                "ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS})
    command = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)] + (["-" + "v" * verbosity] if verbosity else [])
    proc = subprocess.run(command, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    return proc.returncode, proc.stdout + proc.stderr, json.loads(saved.read_text(encoding="utf-8"))


def encodings(secret):
    raw = secret.encode()
    return {secret, base64.b64encode(raw).decode(), urllib.parse.quote(secret), raw.hex(), json.dumps(secret)[1:-1]}


def test_faithful_restore_passes_through_the_role_with_a_secret_and_no_password_at_vvvv(emulator, world, faithful, tmp_path):
    """Production moved on after the backup; with orders/audit_log declared live the restore passes, and the RPO is measured."""
    secret = emulator.client("secretsmanager").create_secret(
        Name="multi-tenant-app-prod-db-master-validate", SecretString=json.dumps({"username": "admin", "password": DB_PASSWORD}))
    role_vars = {"validate_mysql_host": faithful["host"], "validate_mysql_port": faithful["port"],
                 "validate_mysql_password_secret": secret["ARN"], "validate_mysql_aws_endpoint_url": emulator.endpoint,
                 "validate_mysql_aws_region": world["region"], "validate_mysql_identifier": faithful["identifier"],
                 "validate_mysql_source_host": world["db"]["host"], "validate_mysql_source_port": world["db"]["port"],
                 "validate_mysql_static_tables": STATIC, "validate_mysql_live_tables": LIVE,
                 "validate_mysql_recovery_point_time": faithful["point_time"].isoformat(),
                 "validate_mysql_max_staleness_minutes": STALENESS,
                 "validate_mysql_smoke_queries": [{"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3}]}
    emulator.control("counters", method="DELETE")
    rc, output, saved = role_play(emulator, tmp_path, role_vars, verbosity=4)
    assert rc == 0, output[-6000:]
    # The secret is read once: the source, with no secret or password of its own, logs in with the same password.
    assert emulator.control("counters")["requests"]["secretsmanager"] == {"GetSecretValue": 1}
    for form in encodings(DB_PASSWORD):
        assert form not in output, "the password appears in the -vvvv output as %r" % form
    assert saved["passed"] is True
    checks = {c["name"]: c for c in saved["result"]}
    assert set(checks) == {"mysql table plans", "mysql table tenants", "mysql table orders", "mysql table audit_log",
                           "mysql smoke query three plans"}
    assert all(c["result"] == "pass" and c["target"] == faithful["identifier"] for c in checks.values())
    # The restore really differs from production: the role passed because the tables are declared live.
    restored_orders = sql(faithful, "SELECT COUNT(*), MAX(created_at) FROM orders")[0]
    production_orders = sql(world["db"], "SELECT COUNT(*) FROM orders")[0][0]
    assert restored_orders[0] < production_orders and checks["mysql table orders"]["details"]["rows"] == restored_orders[0]
    lag = (faithful["point_time"] - restored_orders[1].replace(tzinfo=datetime.timezone.utc)).total_seconds() / 60
    assert checks["mysql table orders"]["details"]["freshness"]["lag_minutes"] == round(lag, 1)


def test_damaged_restore_changed_static_row_missing_table_corrupt_table(emulator, world, tmp_path):
    """Each damage is named with its table: UPDATE in a static table, a dropped table, an on-disk corrupt index file."""
    target = restore_newest(emulator, world, "multi-tenant-app-prod-db-damaged")
    sql(target, "UPDATE plans SET monthly_cents = monthly_cents + 1 WHERE id = 2", fetch=False)
    sql(target, "DROP TABLE tenants", fetch=False)
    # InnoDB cannot be broken from SQL; a MyISAM copy of audit_log whose index file is overwritten on disk is a real
    # corruption that CHECK TABLE detects. The restored server is local, so its datadir is reachable.
    sql(target, "ALTER TABLE audit_log ENGINE=MyISAM", fetch=False)
    corrupt_index(target, "audit_log")

    result = run_playbook(emulator, tmp_path, [module_task(world, target, "result")], ["result"])["result"]
    assert result["failed"] is True
    reasons = [d["reason"] for d in result["differences"]]
    assert any(r.startswith("static table plans: checksum ") and "!= source" in r for r in reasons), reasons
    assert "table tenants missing (present in the source)" in reasons
    assert any(r.startswith("CHECK TABLE audit_log: Corrupt") for r in reasons), reasons
    assert {d["table"] for d in result["differences"]} == {"plans", "tenants", "audit_log"}
    assert not any(d["table"] == "orders" for d in result["differences"])

    # Through the role: the play fails with the reasons, and the report's checks say which tables failed.
    role_vars = {"validate_mysql_host": target["host"], "validate_mysql_port": target["port"], "validate_mysql_password": DB_PASSWORD,
                 "validate_mysql_identifier": target["identifier"], "validate_mysql_source_host": world["db"]["host"],
                 "validate_mysql_source_port": world["db"]["port"], "validate_mysql_static_tables": STATIC,
                 "validate_mysql_live_tables": LIVE, "validate_mysql_recovery_point_time": target["point_time"].isoformat(),
                 "validate_mysql_max_staleness_minutes": STALENESS}
    # MariaDB repairs a MyISAM table marked crashed when it next opens it (myisam_recover_options), so break it again.
    corrupt_index(target, "audit_log")
    rc, output, saved = role_play(emulator, tmp_path, role_vars)
    assert rc != 0 and "table tenants missing" in output and "CHECK TABLE audit_log" in output, output[-5000:]
    assert DB_PASSWORD not in output
    failed = sorted(c["name"] for c in saved["result"] if c["result"] == "fail")
    assert failed == ["mysql table audit_log", "mysql table plans", "mysql table tenants"]


def test_module_cries_wolf_catches_staleness_and_bad_input_and_keeps_a_baseline(emulator, world, faithful, tmp_path):
    """One module run on the faithful restore:
    - every table declared static shows what the live declarations prevent: orders and audit_log differ;
    - a recovery point time half a day after the restored one: the data is older than the RPO allows, named per table
      (the seed's newest point is yesterday's, so half a day later is still in the past, at any hour the test runs),
      and one two days after it is refused as a time in the future, naming the option;
    - bad input fails naming the option (a live table with no tolerance) before connecting, and a wrong password names
      the server, never the password;
    - mode=baseline in check mode writes nothing; the real run captures the restore, and a compare against it passes.
    A second run, after one live row changed, finds that row's table different from the baseline."""
    path = tmp_path / "baseline.json"
    late = (faithful["point_time"] + datetime.timedelta(hours=12)).isoformat()
    check = module_task(world, faithful, "check", mode="baseline", baseline_path=str(path))
    check["check_mode"] = True
    again = module_task(world, faithful, "again", source_host=None, baseline_path=str(path))
    tasks = [
        module_task(world, faithful, "wolf", static_tables=STATIC + ["orders", "audit_log"], live_tables=[]),
        module_task(world, faithful, "stale", recovery_point_time=late),
        module_task(world, faithful, "future", recovery_point_time=(faithful["point_time"] + datetime.timedelta(days=2)).isoformat()),
        module_task(world, faithful, "no_tolerance", live_tables=[{"name": "orders", "timestamp_column": "created_at"}]),
        module_task(world, faithful, "wrong", login_password="not-the-password"),
        check,
        {"name": "Is there a baseline after check mode", "ansible.builtin.stat": {"path": str(path)}, "register": "after_check"},
        module_task(world, faithful, "write", mode="baseline", baseline_path=str(path)),
        again,
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["wolf", "stale", "future", "no_tolerance", "wrong", "check", "after_check", "write", "again"])

    result = out["wolf"]
    assert result["failed"] is True, result
    assert sorted({d["table"] for d in result["differences"]}) == ["audit_log", "orders"]

    result = out["stale"]
    assert result["failed"] is True
    reasons = [d["reason"] for d in result["differences"]]
    assert [d["table"] for d in result["differences"]] == ["audit_log", "orders"], reasons
    assert all("min before the recovery point (max %d)" % STALENESS in r for r in reasons)
    assert reasons[1].startswith("orders newest created_at ")
    assert result["freshness"]["orders"]["ok"] is False and result["freshness"]["orders"]["lag_minutes"] > 12 * 60

    result = out["future"]
    assert result["failed"] is True and "recovery_point_time" in result["msg"] and "is in the future" in result["msg"], result
    assert "differences" not in result

    result = out["no_tolerance"]
    assert result["failed"] is True and "live_tables orders: give exactly one of tolerance_percent or tolerance_rows" in result["msg"]
    result = out["wrong"]
    assert result["failed"] is True and "cannot connect to %s:%d as admin" % (faithful["host"], faithful["port"]) in result["msg"]
    assert "not-the-password" not in json.dumps(result)

    assert out["check"]["changed"] is True and out["after_check"]["stat"]["exists"] is False
    assert out["write"]["changed"] is True and path.exists() and DB_PASSWORD not in path.read_text(encoding="utf-8")
    assert out["again"]["passed"] is True, out["again"]["msg"]

    sql(faithful, "UPDATE orders SET amount_cents = amount_cents + 1 ORDER BY id LIMIT 1", fetch=False)
    try:
        (tmp_path / "changed").mkdir()
        result = run_playbook(emulator, tmp_path / "changed", [again], ["again"])["again"]
    finally:
        sql(faithful, "UPDATE orders SET amount_cents = amount_cents - 1 ORDER BY id LIMIT 1", fetch=False)
    assert result["failed"] is True
    assert [d["table"] for d in result["differences"]] == ["orders"]
    assert result["differences"][0]["reason"].startswith("table orders: checksum ") and "!= baseline" in result["differences"][0]["reason"]


def self_signed(folder):
    """A key and a self-signed certificate for localhost, as PEM files in FOLDER; returns their paths."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "key.pem", folder / "cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


@pytest.mark.parametrize("tls", [True, False], ids=["server-offers-tls", "server-without-tls"])
def test_every_pool_connection_uses_the_transport_the_server_offers_and_all_are_closed(tmp_path, monkeypatch, tls):
    """The workers skip PyMySQL's per-connection TLS set-up by following the first connection: over TLS when the
    server offers it (never a plain worker next to an encrypted first connection), plain when it does not."""
    from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity  # pylint: disable=import-outside-toplevel
    from emulator import mariadb  # pylint: disable=import-outside-toplevel
    if tls:
        key, cert = self_signed(tmp_path)
        extra = ("--ssl-cert=%s" % cert, "--ssl-key=%s" % key)
        monkeypatch.setattr(mariadb, "_SERVER_OPTIONS", mariadb._SERVER_OPTIONS + extra)  # pylint: disable=protected-access
    server = mariadb.MariaDBServer("tls" if tls else "plain", str(tmp_path), "checker", "checker-test-pw")
    server.start()
    try:
        admin = pymysql.connect(host="127.0.0.1", port=server.port, user="checker", password="checker-test-pw", autocommit=True)
        with admin.cursor() as cur:
            cur.execute("CREATE DATABASE shop")
            for index in range(6):
                cur.execute("CREATE TABLE shop.t%d (id INT PRIMARY KEY, note VARCHAR(20)) ENGINE=InnoDB" % index)
                cur.execute("INSERT INTO shop.t%d VALUES (1, 'a'), (2, 'b')" % index)
            cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections', 'Ssl_accepts')")
            before = {name: int(value) for name, value in cur.fetchall()}
        opened = []

        def connect(**options):
            conn = pymysql.connect(host="127.0.0.1", port=server.port, user="checker", password="checker-test-pw", autocommit=True,
                                   **options)
            opened.append(conn)
            return conn

        facts = integrity.gather(connect, {"databases": ["shop"], "parallelism": 3}, integrity.kinds_for_restore({}))
        with admin.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN ('Connections', 'Ssl_accepts')")
            after = {name: int(value) for name, value in cur.fetchall()}
        admin.close()
    finally:
        server.stop()
    assert sorted(facts["tables"]) == ["shop.t%d" % index for index in range(6)]
    assert all(entry["rows"] == 2 and entry["check"]["ok"] for entry in facts["tables"].values())
    assert len(opened) == 3 and after["Connections"] - before["Connections"] == 3
    assert after["Ssl_accepts"] - before["Ssl_accepts"] == (3 if tls else 0)
    assert [conn.open for conn in opened] == [False, False, False]
