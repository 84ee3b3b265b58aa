# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/restore_drill.yml (runbook 4), run by ansible-playbook against an emulator of this module's own.

What an operator relies on: a drill restores, validates and reports, and afterwards nothing it created is left - also
when validation fails, and also when a drill was killed half way (the next one removes what the first created, once its
restore job completed). A production resource that is merely named like a drill's is never touched. Numbers given on
the command line (`-e name=5`) or by an AWX text survey arrive as strings ("5"): the full drill takes every one of
its numbers so (tests/unit/test_role_numbers.py finds the same class of mistake statically in every role).
"""

import json
import os
import subprocess
import time
import uuid

import pytest

from emulator.seed import DB_PASSWORD, seed
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env
from emulator.testing import own_emulator

PLAYBOOK = os.path.join(ROOT, "playbooks", "restore_drill.yml")
INVENTORY = os.path.join(ROOT, "inventories", "emulator")
PREFIX = "multi-tenant-app-prod"
RECORDS = PREFIX + "-drill-records"
RECORD_PREFIX = "restorekit/drills/"
TAG = "restorekit:drill"
PRODUCTION_BUCKETS = {PREFIX + "-tenant-" + t for t in ("1", "12", "100")} | {RECORDS}


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    """A world of this module's own: drills create and delete instances and buckets no other test may see."""
    with own_emulator(tmp_path_factory, "drill-emulator") as emu:
        yield emu


@pytest.fixture(scope="module")
def world(emulator):  # pylint: disable=redefined-outer-name
    seeded = seed(emulator)
    # Restore jobs take a little time, as they do in AWS: long enough to kill a drill while they run.
    emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 3.0})
    return seeded


def env_for(emulator, home):
    return ansible_env(emulator, home, RESTOREKIT_ENDPOINT_URL=emulator.endpoint, RESTOREKIT_DEMO_DB_PASSWORD=DB_PASSWORD)


def drill_vars(drill_id, **extra):
    base = {"restore_drill_id": drill_id, "restore_drill_seed": 4242, "restore_drill_poll_interval": 1,
            "restore_drill_ec2_validate_retries": 5, "restore_drill_ec2_validate_delay": 1, "restore_drill_cleanup_wait": 60}
    base.update(extra)
    return base


def run_drill(emulator, workdir, variables, strings=None):
    """Run the drill in WORKDIR (its report lands in WORKDIR/reports); return (process, report or None).

    VARIABLES go in as one JSON file; each of STRINGS as its own `-e name=value`, so as a string, the way a responder
    types a number on the command line or an AWX text survey hands it over."""
    workdir.mkdir(parents=True, exist_ok=True)
    extra = workdir / ("vars-%s.json" % uuid.uuid4().hex[:8])
    extra.write_text(json.dumps(variables), encoding="utf-8")
    argv = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, PLAYBOOK, "-e", "@%s" % extra]
    for name, value in (strings or {}).items():
        argv += ["-e", "%s=%s" % (name, value)]
    proc = subprocess.run(argv, cwd=str(workdir), env=env_for(emulator, workdir), capture_output=True, text=True, timeout=1800, check=False)
    reports = sorted((workdir / "reports").glob("restore-drill-*.json")) if (workdir / "reports").exists() else []
    report = json.loads(reports[-1].read_text(encoding="utf-8")) if reports else None
    return proc, report


def output(proc):
    return (proc.stdout + proc.stderr)[-8000:]


def record(emulator, drill_id):
    body = emulator.client("s3").get_object(Bucket=RECORDS, Key="%s%s.json" % (RECORD_PREFIX, drill_id))["Body"].read()
    return json.loads(body)


def db_instances(emulator):
    rds = emulator.client("rds")
    return {d["DBInstanceIdentifier"]: {t["Key"]: t["Value"] for t in d.get("TagList", [])}
            for d in rds.describe_db_instances()["DBInstances"]}


def buckets(emulator):
    s3 = emulator.client("s3")
    return {b["Name"] for b in s3.list_buckets()["Buckets"]}


def live_instances(emulator):
    found = emulator.client("ec2").describe_instances()
    return {i["InstanceId"]: {t["Key"]: t["Value"] for t in i.get("Tags", [])}
            for r in found["Reservations"] for i in r["Instances"] if i["State"]["Name"] not in ("terminated", "shutting-down")}


def drill_leftovers(emulator, drill_id):
    """Anything that is the drill's by name or by tag, still there."""
    left = [name for name, tags in db_instances(emulator).items() if "-drill-%s-" % drill_id in name or tags.get(TAG) == drill_id]
    left += [name for name in buckets(emulator) if "-drill-%s-" % drill_id in name]
    left += [iid for iid, tags in live_instances(emulator).items() if tags.get(TAG) == drill_id]
    return left


def recorded_resources(rec):
    return set(rec["resources"]) | {j["created_resource_arn"] for j in rec["jobs"] if j.get("created_resource_arn")}


def test_drill_restores_validates_reports_and_leaves_nothing(emulator, world, tmp_path):
    """Every number the drill takes is given as `-e name=value` (a string, as on the command line or from an AWX text
    survey): the drill reads them as numbers, down to validate_ec2's status-check rounds."""
    instances_before = set(live_instances(emulator))
    numbers = dict(drill_vars("t1"), restore_drill_wait_timeout=600, restore_drill_lease_seconds=4200,
                   restore_drill_mysql_max_staleness_minutes=90.5)
    proc, report = run_drill(emulator, tmp_path, {}, strings=numbers)
    assert proc.returncode == 0, output(proc)

    rec = record(emulator, "t1")
    assert rec["state"] == "closed" and rec["outcome"] == "succeeded"
    assert rec["seed"] == 4242
    assert {j["resource_type"] for j in rec["jobs"]} == {"RDS", "S3", "EC2"}
    assert all(j["status"] == "COMPLETED" for j in rec["jobs"])
    created = recorded_resources(rec)
    assert len(created) == 3
    assert "arn:aws:rds:us-east-1:123456789012:db:%s-drill-t1-db" % PREFIX in created
    assert any(arn.startswith("arn:aws:s3:::%s-drill-t1-tenant-" % PREFIX) for arn in created)
    assert set(rec["removed"]) == created

    # Nothing of the drill's is left, and production is all there.
    assert drill_leftovers(emulator, "t1") == []
    assert set(live_instances(emulator)) == instances_before
    assert PRODUCTION_BUCKETS <= buckets(emulator)
    assert PREFIX + "-db" in db_instances(emulator)

    assert report is not None and report["outcome"] == "succeeded"
    assert {p["resource_type"] for p in report["recovery_points"]} == {"RDS", "S3", "EC2"}
    assert {p["arn"] for p in report["recovery_points"]} == {j["recovery_point_arn"] for j in rec["jobs"]}
    results = {c["name"]: c["result"] for c in report["checks"]}
    assert results and set(results.values()) <= {"pass", True, "warn"}, results
    assert any("smoke" in name or "three plans" in name for name in results), results
    assert "critical keys restored" in results
    assert any("seed 4242" in note for note in report["notes"])
    status = next(c for c in report["checks"] if c["name"] == "instance running and passing its status checks")
    assert status["result"] == "pass" and 1 <= status["details"]["rounds"] <= 5, status


def test_same_seed_picks_the_same_recovery_points(emulator, world, tmp_path):
    first = record(emulator, "t1")
    proc, unused_report = run_drill(emulator, tmp_path, drill_vars("t1b", restore_drill_resource_types=["S3"]))
    assert proc.returncode == 0, output(proc)
    again = record(emulator, "t1b")
    # Candidates are the same (no new backup ran), so the seed picks the same S3 point.
    assert [p["recovery_point_arn"] for p in again["recovery_points"]] == \
        [p["recovery_point_arn"] for p in first["recovery_points"] if p["resource_type"] == "S3"]


def test_a_drill_of_a_point_under_legal_hold_cleans_up_and_leaves_the_point_alone(emulator, world, tmp_path):
    """Every point of the vault is under a legal hold: the drill restores, validates and removes what it created, the
    point stays (AWS refuses to delete it, and a drill never tries), and the record and the report say why it stays."""
    backup = emulator.client("backup")
    hold = backup.create_legal_hold(Title="litigation drill-hold", Description="every point of the vault",
                                    RecoveryPointSelection={"VaultNames": [world["vault"]]})["LegalHoldId"]
    try:
        for _attempt in range(100):
            if backup.get_legal_hold(LegalHoldId=hold)["Status"] == "ACTIVE":
                break
            time.sleep(0.1)
        proc, report = run_drill(emulator, tmp_path, drill_vars("held", restore_drill_resource_types=["S3"]))
        assert proc.returncode == 0, output(proc)
        rec = record(emulator, "held")
        assert rec["state"] == "closed" and rec["outcome"] == "succeeded"
        assert set(rec["removed"]) == recorded_resources(rec) and drill_leftovers(emulator, "held") == []
        [point] = rec["recovery_points"]
        described = backup.describe_recovery_point(BackupVaultName=point["backup_vault_name"], RecoveryPointArn=point["recovery_point_arn"])
        assert described["Status"] == "COMPLETED"
        said = "recovery point %s left alone" % point["recovery_point_arn"]
        assert any(note.startswith(said) and "under legal hold 'litigation drill-hold'" in note for note in rec["notes"]), rec["notes"]
        assert any(note.startswith(said) for note in report["notes"]), report["notes"]
    finally:
        backup.cancel_legal_hold(LegalHoldId=hold, CancelDescription="drill test done")


def test_failed_validation_still_cleans_up_and_leaves_look_alikes(emulator, world, tmp_path):
    """A drill whose validation fails still removes what it created, and only that: a database named like an older
    drill's ("t0") and a bucket named like this drill's own, created directly (no record, no tag), are left as they were."""
    rds = emulator.client("rds")
    s3 = emulator.client("s3")
    lookalike_db = "%s-drill-t0-db" % PREFIX
    rds.create_db_instance(DBInstanceIdentifier=lookalike_db, DBInstanceClass="db.t3.micro", Engine="mysql",
                           AllocatedStorage=20, MasterUsername="admin", MasterUserPassword=DB_PASSWORD)
    lookalike_bucket = "%s-drill-t2-tenant-999" % PREFIX
    s3.create_bucket(Bucket=lookalike_bucket)
    s3.put_object(Bucket=lookalike_bucket, Key="keep.txt", Body=b"keep")
    wrong = [{"name": "four plans (wrong on purpose)", "sql": "SELECT COUNT(*) FROM plans", "expect": 4}]
    try:
        proc, report = run_drill(emulator, tmp_path, drill_vars("t2", restore_drill_resource_types=["RDS", "S3"],
                                                                restore_drill_mysql_smoke_queries=wrong))
        assert proc.returncode != 0
        assert "four plans" in output(proc)
        rec = record(emulator, "t2")
        assert rec["state"] == "closed" and rec["outcome"] == "failed"
        assert len(recorded_resources(rec)) == 2 and set(rec["removed"]) == recorded_resources(rec)
        assert report["outcome"] == "failed"
        # The wrong smoke query is what failed, and nothing else: the look-alikes disturbed neither the drill nor its cleanup.
        failed = [c["name"] for c in report["checks"] if c["result"] in ("fail", False)]
        assert failed and all("four plans" in name for name in failed), report["checks"]

        assert lookalike_db in db_instances(emulator)
        assert lookalike_bucket in buckets(emulator)
        assert s3.get_object(Bucket=lookalike_bucket, Key="keep.txt")["Body"].read() == b"keep"
    finally:
        rds.delete_db_instance(DBInstanceIdentifier=lookalike_db, SkipFinalSnapshot=True)
        s3.delete_object(Bucket=lookalike_bucket, Key="keep.txt")
        s3.delete_bucket(Bucket=lookalike_bucket)
    assert drill_leftovers(emulator, "t2") == []


def test_killed_drill_is_cleaned_up_by_the_next(emulator, world, tmp_path):
    # Drill t4 dies right after its restore jobs started: its record is open, nothing is tagged yet.
    killed = drill_vars("t4", restore_drill_resource_types=["RDS", "S3"], restore_drill_stop_after="started", restore_drill_lease_seconds=1)
    # Jobs held running until the drill has died (however slow the machine), then let end, from their own start.
    emulator.control("jobs/duration", {"restore": 3600.0})
    try:
        proc, unused_report = run_drill(emulator, tmp_path / "killed", killed)
        rec = record(emulator, "t4")
    finally:
        emulator.control("jobs/duration", {"restore": 3.0, "running": True})
    assert proc.returncode == 0, output(proc)
    assert rec["state"] == "open" and len(rec["jobs"]) == 2
    assert not any(j.get("created_resource_arn") for j in rec["jobs"]), "the drill should have died before its jobs ended"
    emulator.wait_for_jobs()
    # The jobs completed after the kill: the resources exist, untagged and unrecorded except through their jobs.
    assert "%s-drill-t4-db" % PREFIX in db_instances(emulator)
    assert TAG not in db_instances(emulator)["%s-drill-t4-db" % PREFIX]
    assert any(name.startswith("%s-drill-t4-tenant-" % PREFIX) for name in buckets(emulator))

    proc, report = run_drill(emulator, tmp_path / "next", drill_vars("t5", restore_drill_resource_types=["S3"]))
    assert proc.returncode == 0, output(proc)
    assert drill_leftovers(emulator, "t4") == []
    assert drill_leftovers(emulator, "t5") == []
    old = record(emulator, "t4")
    assert old["state"] == "closed" and old["outcome"] == "abandoned"
    assert set(old["removed"]) == recorded_resources(old) and len(old["removed"]) == 2
    assert any("left by drills killed earlier" in note for note in report["notes"])


def test_production_resource_with_the_drills_own_target_name_survives(emulator, world, tmp_path):
    """A resource already carrying the exact name the drill restores to: the restore cannot take it, cleanup leaves it."""
    rds = emulator.client("rds")
    taken = "%s-drill-t6-db" % PREFIX
    rds.create_db_instance(DBInstanceIdentifier=taken, DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
                           MasterUsername="admin", MasterUserPassword=DB_PASSWORD, DeletionProtection=True)
    try:
        proc, report = run_drill(emulator, tmp_path, drill_vars("t6", restore_drill_resource_types=["RDS"]))
        assert proc.returncode != 0, output(proc)
        assert taken in db_instances(emulator), "a drill deleted a resource it did not create"
        assert TAG not in db_instances(emulator)[taken]
        rec = record(emulator, "t6")
        assert rec["state"] == "closed" and rec["outcome"] == "failed"
        assert rec["removed"] == []
        assert report is not None, "no drill report: " + output(proc)
        assert report["outcome"] == "failed"
    finally:
        rds.modify_db_instance(DBInstanceIdentifier=taken, DeletionProtection=False, ApplyImmediately=True)
        rds.delete_db_instance(DBInstanceIdentifier=taken, SkipFinalSnapshot=True)
