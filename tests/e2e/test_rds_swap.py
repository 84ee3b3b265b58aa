# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/rds_restore_in_place.yml (role restorekit.aws.rds_swap), run by ansible-playbook against the seeded emulator.

What a responder relies on during the worst hour: without the confirmation nothing changes; with it the snapshot comes
first; a failure after any later step leaves production as it was (same instance under its name, same endpoint,
production's own rows, writers at their sizes, no lock left); a second responder's run is refused, naming the holder;
no password shows in any output or in the report.

Production is identified by its DbiResourceId (stable across renames), and its data by a marker row written into it
before each run: a restore of the backup does not have that row, so reading it through production's endpoint proves
that the endpoint still answers with production's data.
"""

import base64
import json
import os
import subprocess
import time
import urllib.parse
import uuid

import pymysql
import pytest

from emulator.seed import DB_PASSWORD, seed
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env
from emulator.testing import own_emulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """A world of this module's own: a successful swap renames production, which no other test may see."""
    with own_emulator(tmp_path_factory, "swap-emulator") as emu:
        yield emu


@pytest.fixture(scope="module")
def world(emulator):  # pylint: disable=redefined-outer-name
    return seed(emulator)


PLAYBOOK = os.path.join(ROOT, "playbooks", "rds_restore_in_place.yml")
INVENTORY = os.path.join(ROOT, "inventories", "emulator")
PRODUCTION = "multi-tenant-app-prod-db"
WRITERS = "multi-tenant-app-prod-app-asg"
LOCK = "/restorekit/locks/" + PRODUCTION
STEPS = ["snapshot", "stop_writers", "restore", "validate", "switch", "start_writers"]
# Requests that change something, per service; everything else the swap calls is a Describe/List/Get.
READ_PREFIXES = ("Describe", "List", "Get", "SimulatePrincipalPolicy")
# All a refused run may be served: reads (S3 reads with Head).
READS = ("Describe", "Get", "List", "Head")
FUTURE = "2999-01-01T00:00:00Z"


def swap_vars(**extra):
    base = {
        "rds_restore_mode": "in_place",
        "rds_swap_confirm": PRODUCTION,
        "rds_swap_db_password": DB_PASSWORD,
        "rds_swap_writer_asgs": [WRITERS],
        "rds_swap_writer_steps": [50, 100],
        "rds_swap_step_pause": 0,
        "rds_swap_connections_poll": 1,
        "rds_swap_rollback_delete_restored": True,
    }
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def command(workdir, variables, verbose=False):
    extra = workdir / ("vars-%s.json" % uuid.uuid4().hex[:8])
    extra.write_text(json.dumps(variables), encoding="utf-8")
    return [ANSIBLE_PLAYBOOK, "-i", INVENTORY, PLAYBOOK, "-e", "@%s" % extra] + (["-vvvv"] if verbose else [])


def run_swap(emulator, workdir, variables, verbose=False):
    """Run the playbook in WORKDIR (its report lands in WORKDIR/reports); return (process, report or None)."""
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(command(workdir, variables, verbose), cwd=str(workdir), env=ansible_env(emulator, workdir),
                          capture_output=True, text=True, timeout=1200, check=False)
    reports = sorted((workdir / "reports").glob("*.json")) if (workdir / "reports").exists() else []
    report = json.loads(reports[-1].read_text(encoding="utf-8")) if reports else None
    return proc, report


def output(proc):
    return proc.stdout + proc.stderr


def mutating(emulator, services=("rds", "autoscaling", "s3", "ssm", "secretsmanager", "backup")):
    counts = emulator.control("counters")["requests"]
    return {"%s:%s" % (service, op): n for service in services for op, n in counts.get(service, {}).items()
            if not op.startswith(READ_PREFIXES)}


def production(emulator):
    """Production as a responder checks it: which instance carries the name, its endpoint, its marker, the writers."""
    rds = emulator.client("rds")
    instance = rds.describe_db_instances(DBInstanceIdentifier=PRODUCTION)["DBInstances"][0]
    group = emulator.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[WRITERS])["AutoScalingGroups"][0]
    names = sorted(d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"])
    return {
        "resource_id": instance["DbiResourceId"], "status": instance["DBInstanceStatus"],
        "endpoint": (instance["Endpoint"]["Address"], instance["Endpoint"]["Port"]),
        "deletion_protection": instance["DeletionProtection"],
        "writers": (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]),
        "instances": names,
    }


def connect(endpoint):
    return pymysql.connect(host=endpoint[0], port=endpoint[1], user="admin", password=DB_PASSWORD, database="app",
                           autocommit=True, connect_timeout=10)


def write_marker(endpoint):
    """A row only production has (written after every backup), so reading it proves the endpoint serves production."""
    token = uuid.uuid4().hex
    with connect(endpoint) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS swap_marker (token CHAR(32) PRIMARY KEY)")
        cur.execute("INSERT INTO swap_marker VALUES (%s)", (token,))
    return token


def has_marker(endpoint, token):
    with connect(endpoint) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'swap_marker'")
        if cur.fetchone()[0] == 0:
            return False
        cur.execute("SELECT COUNT(*) FROM swap_marker WHERE token = %s", (token,))
        return cur.fetchone()[0] == 1


def lock_record(emulator):
    try:
        return json.loads(emulator.client("ssm").get_parameter(Name=LOCK)["Parameter"]["Value"])
    except emulator.client("ssm").exceptions.ParameterNotFound:
        return None


def checks(report, phase):
    prefix = phase + ": "
    return [(c["name"][len(prefix):], c["result"]) for c in report["checks"] if c["name"].startswith(prefix)]


@pytest.fixture(scope="module")
def seeded(world, emulator):
    """The seeded world, with production's writer group brought to a size the steps can be seen in."""
    emulator.client("autoscaling").update_auto_scaling_group(AutoScalingGroupName=WRITERS, MinSize=1, MaxSize=4, DesiredCapacity=2)
    return world


# Without any confirmation (rds_swap_confirm unset): extensions/molecule/rds_swap's converge runs the role so and asserts
# the refusal "rds_swap_confirm='': must equal the production DB instance identifier" naming multi-tenant-app-prod-db
# and "Bad input for rds_swap, nothing was changed", no mutating RDS, Auto Scaling, SSM or AWS Backup request, and
# its verify that production, the writers and the lock are untouched.
@pytest.mark.parametrize("variables, named", [
    ({"rds_restore_mode": "new_instance"}, ["rds_restore_mode='new_instance': must be in_place"]),
    # Every bad variable of the swap is named by the one check before anything: the wrong confirmation, metadata the
    # restore job would refuse only after the snapshot and with the writers stopped, a point in time in the future and
    # a live table without a tolerance (both found only after the snapshot otherwise).
    ({"rds_swap_confirm": PRODUCTION + "-restore", "rds_swap_restore_metadata": {"KmsKeyId": "not-a-key"},
      "rds_swap_point_in_time": FUTURE, "rds_swap_validate_live_tables": ["orders"]},
     ["rds_swap_confirm='%s-restore': must equal the production DB instance identifier '%s'" % (PRODUCTION, PRODUCTION),
      "rds_swap_restore_metadata.KmsKeyId='not-a-key': not a KMS key",
      "rds_swap_point_in_time='%s': is in the future" % FUTURE,
      "rds_swap_validate_live_tables=['orders']: live_tables: 'orders' needs a tolerance"]),
], ids=["not-in-place", "bad-swap-inputs"])
def test_refused_without_the_confirmation_or_with_bad_input_changes_nothing(emulator, seeded, tmp_path, variables, named):
    before = production(emulator)
    emulator.control("counters", method="DELETE")
    proc, report = run_swap(emulator, tmp_path, swap_vars(**variables))
    assert proc.returncode != 0, output(proc)
    for text in named:
        assert text in output(proc), (text, output(proc)[-3000:])
    assert "Bad input for rds_" in output(proc) and ", nothing was changed: " in output(proc)
    assert mutating(emulator) == {}, "a refused run sent mutating requests"
    served = emulator.control("counters")["requests"]
    assert [(service, op) for service, ops in served.items() for op in ops if not op.startswith(READS)] == [], served
    assert production(emulator) == before
    assert lock_record(emulator) is None
    assert report["outcome"] == "failed"


def test_a_password_secret_without_its_key_stops_the_swap_before_the_lock(emulator, seeded, tmp_path):
    """A secret holding the bare password, read at the default key: named before the lock, nothing changed, no password."""
    secret = "multi-tenant-app-prod-db-plain-password"
    emulator.client("secretsmanager").create_secret(Name=secret, SecretString=DB_PASSWORD)
    before = production(emulator)
    emulator.control("counters", method="DELETE")
    proc, report = run_swap(emulator, tmp_path, swap_vars(rds_swap_db_password=None, rds_swap_db_password_secret=secret))
    assert proc.returncode != 0, output(proc)
    assert "the secret is not JSON, so it has no key 'password'" in output(proc), output(proc)[-3000:]
    assert DB_PASSWORD not in output(proc)
    assert mutating(emulator) == {}, "a refused run sent mutating requests"
    assert production(emulator) == before and lock_record(emulator) is None
    assert report["outcome"] == "failed"


def test_swap_snapshot_first_then_restore_under_production_name_without_leaking_the_password(emulator, seeded, tmp_path):
    before = production(emulator)
    token = write_marker(before["endpoint"])
    emulator.control("counters", method="DELETE")
    proc, report = run_swap(emulator, tmp_path, swap_vars(), verbose=True)
    assert proc.returncode == 0, output(proc)[-6000:]

    swap = checks(report, "swap")
    assert [entry[0] for entry in swap] == [
        "snapshot", "stop_writers", "restore", "validate", "switch", "writers_50_percent", "writers_100_percent", "start_writers"]
    assert {entry[1] for entry in swap} == {"pass"}
    # The report's timeline is the recorded steps (the lock's, then the swap's), each from the step before it.
    phases = report["phases"]
    assert [(p["name"], p["status"]) for p in phases if p["name"].startswith("swap ")] == [("swap " + entry[0], "done") for entry in swap]
    assert [p["name"] for p in phases if not p["name"].startswith("swap ")] == ["lock lock", "lock unlock"]
    assert all(earlier["end"] == later["start"] for earlier, later in zip(phases, phases[1:]))
    by_name = {c["name"]: c["details"] for c in report["checks"]}
    # The snapshot was available before the writers were touched, before the restore and before any rename.
    assert by_name["swap: snapshot"]["status"] == "available"
    assert by_name["swap: snapshot"]["at"] <= by_name["swap: stop_writers"]["at"] <= by_name["swap: switch"]["at"]
    snapshot = emulator.client("rds").describe_db_snapshots(DBSnapshotIdentifier=by_name["swap: snapshot"]["db_snapshot_identifier"])
    assert snapshot["DBSnapshots"][0]["DBInstanceIdentifier"] in (PRODUCTION, by_name["swap: switch"]["old_production"])
    changes = mutating(emulator)
    assert changes["rds:CreateDBSnapshot"] == 1 and changes["rds:ModifyDBInstance"] >= 2
    assert changes["autoscaling:UpdateAutoScalingGroup"] >= 3 and changes["backup:StartRestoreJob"] == 1

    after = production(emulator)
    old = by_name["swap: switch"]["old_production"]
    assert old.startswith(PRODUCTION + "-old-") and old in after["instances"]
    assert after["resource_id"] != before["resource_id"], "the restore should carry production's name now"
    assert after["endpoint"] == before["endpoint"], "the endpoint follows the name"
    assert not has_marker(after["endpoint"], token), "production's endpoint should answer with the restored data"
    assert after["writers"] == before["writers"]
    assert after["deletion_protection"] == before["deletion_protection"]
    old_instance = emulator.client("rds").describe_db_instances(DBInstanceIdentifier=old)["DBInstances"][0]
    assert old_instance["DbiResourceId"] == before["resource_id"]
    assert has_marker((old_instance["Endpoint"]["Address"], old_instance["Endpoint"]["Port"]), token), "the old data is kept"
    assert lock_record(emulator) is None
    assert report["outcome"] == "succeeded"

    # The password in any encoding a log or an AWX event could carry it.
    raw = DB_PASSWORD.encode()
    forms = {DB_PASSWORD, base64.b64encode(raw).decode(), urllib.parse.quote(DB_PASSWORD), raw.hex(),
             json.dumps(DB_PASSWORD)[1:-1]}
    texts = [output(proc)] + [p.read_text(encoding="utf-8") for p in (tmp_path / "reports").iterdir()]
    for text in texts:
        for form in forms:
            assert form not in text


def assert_production_as_it_was(emulator, proc, report, step, before, token):
    """After a failure injected after STEP: the rollback said so and production is as it was, serving its own data."""
    assert proc.returncode != 0
    assert "Failure injected after the step %s" % step in output(proc)
    assert "Production is as it was before the run." in output(proc), output(proc)[-4000:]

    after = production(emulator)
    assert after == before, "production moved: %s -> %s" % (before, after)
    assert has_marker(after["endpoint"], token), "production's endpoint no longer answers with production's data"
    assert lock_record(emulator) is None

    done = [entry[0] for entry in checks(report, "swap") if entry[0] in STEPS]
    assert done == STEPS[:STEPS.index(step) + 1]
    # The timeline shows the swap's steps, then the rollback's.
    names = [phase["name"] for phase in report["phases"]]
    assert [name for name in names if name.startswith("swap ") and name[len("swap "):] in STEPS] == ["swap " + s for s in done]
    assert any(name.startswith("rollback ") for name in names[names.index("swap " + step):]), names
    rollback = dict(checks(report, "rollback"))
    assert rollback["production_check"] == "pass"
    assert "fail" not in rollback.values(), rollback
    if STEPS.index(step) >= STEPS.index("switch"):
        assert rollback["names_back"] == "pass"
    if STEPS.index(step) >= STEPS.index("restore"):
        assert rollback["restored_instance"] == "pass"  # deleted: this run created it


# A failure right after the snapshot: test_stale_lock_is_broken_only_by_naming_its_run's last run fails there.
@pytest.mark.parametrize("step", STEPS[1:])
def test_failure_after_each_step_leaves_production_as_it_was(emulator, seeded, tmp_path, step):
    before = production(emulator)
    token = write_marker(before["endpoint"])
    emulator.control("counters", method="DELETE")
    proc, report = run_swap(emulator, tmp_path, swap_vars(rds_swap_fail_after=step))
    assert_production_as_it_was(emulator, proc, report, step, before, token)


def test_second_run_during_the_swap_is_refused_naming_the_holder(emulator, seeded, tmp_path):
    hold = tmp_path / "hold"
    hold.write_text("held by the test\n", encoding="utf-8")
    first_dir = tmp_path / "first"
    first_dir.mkdir()
    before = production(emulator)
    first = subprocess.Popen(  # pylint: disable=consider-using-with
        command(first_dir, swap_vars(rds_swap_hold_after="snapshot", rds_swap_hold_file=str(hold), rds_swap_fail_after="snapshot",
                                     rds_swap_holder="alice (AWX job 41)")),
        cwd=str(first_dir), env=ansible_env(emulator, first_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300
        while lock_record(emulator) is None:
            assert first.poll() is None, first.stdout.read()
            assert time.monotonic() < deadline, "the first run never took the lock"
            time.sleep(0.5)
        held = lock_record(emulator)
        assert held["holder"] == "alice (AWX job 41)"
        # The first run is inside the swap, past its snapshot, when its snapshot exists (named after the run's stamp).
        snapshot = "%s-pre-swap-%s" % (PRODUCTION, held["run_id"].split("-")[1])
        while not [s for s in emulator.client("rds").describe_db_snapshots()["DBSnapshots"]
                   if s["DBSnapshotIdentifier"] == snapshot and s["Status"] == "available"]:
            assert first.poll() is None, first.stdout.read()
            assert time.monotonic() < deadline, "the first run never took its snapshot"
            time.sleep(0.5)

        emulator.control("counters", method="DELETE")
        proc, _report = run_swap(emulator, tmp_path / "second", swap_vars(rds_swap_holder="bob"))
        assert proc.returncode != 0
        assert "is held by alice (AWX job 41) since %s" % held["since"] in output(proc)
        assert mutating(emulator) == {}, "the refused run changed something"
        assert lock_record(emulator) == held, "the refused run must not touch the holder's lock"
    finally:
        hold.unlink()
        first_output = first.communicate(timeout=600)[0]
    assert "Failure injected after the step snapshot" in first_output
    assert lock_record(emulator) is None
    assert production(emulator) == before


def test_stale_lock_is_broken_only_by_naming_its_run(emulator, seeded, tmp_path):
    stale = {"holder": "carol (AWX job 7)", "run_id": "swap-20260101000000-1", "since": "2026-01-01T00:00:00Z", "purpose": ""}
    emulator.client("ssm").put_parameter(Name=LOCK, Value=json.dumps(stale), Type="String")
    # Without rds_swap_break_lock the lock is refused naming its holder, as
    # test_second_run_during_the_swap_is_refused_naming_the_holder shows (the module does not tell a stale lock from a live one).
    try:
        proc, _report = run_swap(emulator, tmp_path / "wrong", swap_vars(rds_swap_break_lock="swap-other"))
        assert proc.returncode != 0 and "break_run_id=swap-other does not name the run holding the lock" in output(proc)
        assert lock_record(emulator) == stale

        # Broken by naming its run; this run then fails right after its snapshot and rolls back.
        before = production(emulator)
        token = write_marker(before["endpoint"])
        emulator.control("counters", method="DELETE")
        proc, report = run_swap(emulator, tmp_path / "break", swap_vars(rds_swap_break_lock=stale["run_id"], rds_swap_fail_after="snapshot"))
        lock = next(c["details"] for c in report["checks"] if c["name"] == "lock: lock")
        assert lock["broke_stale_lock"]["holder"] == "carol (AWX job 7)"
        assert_production_as_it_was(emulator, proc, report, "snapshot", before, token)
        # Nothing but the lock and the snapshot was written: the snapshot came before any other change.
        assert set(mutating(emulator)) == {"ssm:PutParameter", "ssm:DeleteParameter", "rds:CreateDBSnapshot"}
    finally:
        emulator.client("ssm").delete_parameters(Names=[LOCK])


def test_endpoint_update_keeps_names_and_rolls_the_configuration_back(emulator, seeded, tmp_path):
    parameter, secret = "/multi-tenant-app/prod/db-endpoint", "multi-tenant-app-prod-db-connection"
    before = production(emulator)
    old_value = "%s:%s" % before["endpoint"]
    secret_value = {"username": "admin", "password": DB_PASSWORD, "host": before["endpoint"][0], "port": before["endpoint"][1]}
    emulator.client("ssm").put_parameter(Name=parameter, Value=old_value, Type="String", Overwrite=True)
    emulator.client("secretsmanager").create_secret(Name=secret, SecretString=json.dumps(secret_value))
    variables = dict(rds_swap_strategy="endpoint_update", rds_swap_endpoint_ssm_parameter=parameter, rds_swap_endpoint_secret=secret)

    proc, report = run_swap(emulator, tmp_path / "rehearsal", swap_vars(rds_swap_fail_after="start_writers", **variables))
    assert "Production is as it was before the run." in output(proc), output(proc)[-4000:]
    assert dict(checks(report, "rollback"))["endpoint_back"] == "pass"
    assert emulator.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"] == old_value
    assert json.loads(emulator.client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]) == secret_value
    assert production(emulator) == before

    proc, report = run_swap(emulator, tmp_path / "swap", swap_vars(**variables))
    assert proc.returncode == 0, output(proc)[-6000:]
    switch = next(c["details"] for c in report["checks"] if c["name"] == "swap: switch")
    assert switch["new_production"].startswith(PRODUCTION + "-swap-")
    after = production(emulator)
    assert after["resource_id"] == before["resource_id"] and after["endpoint"] == before["endpoint"], "names must stay"
    restored = emulator.client("rds").describe_db_instances(DBInstanceIdentifier=switch["new_production"])["DBInstances"][0]
    new_endpoint = (restored["Endpoint"]["Address"], restored["Endpoint"]["Port"])
    assert emulator.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"] == "%s:%s" % new_endpoint
    assert json.loads(emulator.client("secretsmanager").get_secret_value(SecretId=secret)["SecretString"]) == dict(
        secret_value, host=new_endpoint[0], port=new_endpoint[1])
    for run in (tmp_path / "rehearsal", tmp_path / "swap"):
        for path in (run / "reports").iterdir():
            assert DB_PASSWORD not in path.read_text(encoding="utf-8")
    assert DB_PASSWORD not in output(proc)
