# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Backup Restore Testing in the emulator: the role restorekit.aws.restore_testing creates the plan and its
selections (idempotent, check mode), the emulator runs the plan, and playbooks/validate_restore_tests.yml validates
what it restored and reports back - a good restore SUCCESSFUL, a damaged one FAILED - as DescribeRestoreJob shows.
Once a result is reported AWS Backup deletes what the job restored (DeletionStatus): the validation reads it first, the
report shows the deletion, and a job whose restore is gone is not validated again.

Numbers arrive as strings from an AWX text survey or `-e name=value`: the plan is made from string settings and the
validations take theirs so (tests/unit/test_role_numbers.py finds the same class of mistake statically in every role)."""

import datetime
import json
import os
import subprocess
import uuid

import botocore.exceptions
import pymysql
import pytest

from emulator.client import REGION
from emulator.seed import DB_PASSWORD
from emulator.testing import wait_deletion
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env

PLAYBOOK = os.path.join(ROOT, "playbooks", "validate_restore_tests.yml")
INVENTORY = os.path.join(ROOT, "inventories", "emulator")
CRITICAL_KEY = "docs/read me.txt"
# How the seeded database is validated: reference data exactly, the tables written every day by tolerance.
MYSQL = {
    "restore_testing_mysql_password": DB_PASSWORD,
    "restore_testing_mysql_static_tables": ["plans", "tenants"],
    "restore_testing_mysql_live_tables": [{"name": "orders", "tolerance_percent": 25}, {"name": "audit_log", "tolerance_rows": 3}],
    "restore_testing_mysql_smoke_queries": [{"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3}],
    "restore_testing_s3_critical_keys": [CRITICAL_KEY],
}


def plan_play(name, includes):
    """A play including the role's main entry point once per (role variables, include options, where its result goes)."""
    tasks = []
    for role_vars, include, result_path in includes:
        tasks += [
            {"name": "Plan", "ansible.builtin.include_role": dict({"name": "restorekit.aws.restore_testing"}, **include),
             "vars": dict({"restore_testing_project_name": "{{ restorekit_project_name }}",
                           "restore_testing_environment": "{{ restorekit_environment }}",
                           "restore_testing_plan_name": name}, **role_vars)},
            {"name": "Save", "save_results": {
                "content": "{{ restore_testing_plan | to_nice_json }}", "dest": str(result_path)}},
        ]
    return [{
        "name": "restore testing plan", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": "{{ restorekit_endpoint_url }}", "region": REGION}},
        "tasks": tasks,
    }]


def run_plan_roles(emulator, tmp_path, name, includes, check=False):
    """One ansible-playbook run of the role's main entry point for each of INCLUDES, (role variables, include_role
    options) in order, with --check when CHECK; return their module results (changed, actions, plan, selections)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    results = [tmp_path / ("plan-%d.json" % index) for index in range(len(includes))]
    playbook = tmp_path / "plan.yml"
    playbook.write_text(json.dumps(plan_play(name, [(role_vars, include, result) for (role_vars, include), result in zip(includes, results)])),
                        encoding="utf-8")
    argv = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, str(playbook)]
    proc = subprocess.run(argv + (["--check"] if check else []), cwd=str(tmp_path), env=ansible_env(emulator, tmp_path),
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "%s\n%s" % (proc.stdout[-6000:], proc.stderr[-3000:])
    return [json.loads(result.read_text(encoding="utf-8")) for result in results]


def run_plan_role(emulator, tmp_path, name, role_vars):
    """Run the role's main entry point once; return its module result."""
    return run_plan_roles(emulator, tmp_path, name, [(role_vars, {})])[0]


def run_validation(emulator, tmp_path, report_name, extra, strings=None):
    """Run playbooks/validate_restore_tests.yml; return (return code, JSON report, output).

    EXTRA goes in as JSON; each of STRINGS as its own `-e name=value`, so as a string, the way a responder types a
    number on the command line or an AWX text survey hands it over."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    report_dir = tmp_path / "reports"
    extra_vars = dict({"restore_report_dir": str(report_dir), "restore_report_name": report_name,
                       "restore_testing_wait_timeout": 600, "restore_testing_wait_delay": 1}, **MYSQL)
    extra_vars.update(extra)
    for name in strings or {}:
        extra_vars.pop(name, None)
    argv = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, PLAYBOOK, "-e", json.dumps(extra_vars)]
    for name, value in (strings or {}).items():
        argv += ["-e", "%s=%s" % (name, value)]
    proc = subprocess.run(argv, cwd=str(tmp_path), env=ansible_env(emulator, tmp_path), capture_output=True, text=True,
                          timeout=1800, check=False)
    path = report_dir / (report_name + ".json")
    assert path.exists(), "no report written (%d):\n%s\n%s" % (proc.returncode, proc.stdout[-8000:], proc.stderr[-3000:])
    return proc.returncode, json.loads(path.read_text(encoding="utf-8")), proc.stdout + proc.stderr


def emulator_now(emulator):
    return datetime.datetime.fromisoformat(emulator.control("health")["now"])


@pytest.fixture(scope="module")
def plan(emulator, world, tmp_path_factory):
    """A plan over the seeded database and the buckets of tenants 1 and 12, made by the role with its numbers as
    strings, as an AWX survey's text answers give them; removed afterwards.

    The same ansible-playbook --check run applies the role again (for real: idempotence), then with a changed setting
    in check mode (the preview)."""
    name = "rt_%s" % uuid.uuid4().hex[:8]
    role_vars = {"restore_testing_tenants": ["1", "12"], "restore_testing_algorithm": "LATEST_WITHIN_WINDOW",
                 "restore_testing_selection_window_days": "30", "restore_testing_start_window_hours": "24",
                 "restore_testing_validation_window_hours": "4"}
    changed_vars = dict(role_vars, restore_testing_validation_window_hours=8, restore_testing_tenants=["1"])
    for_real = {"apply": {"check_mode": False}}
    created, again, preview = run_plan_roles(emulator, tmp_path_factory.mktemp("plan"), name, [
        (role_vars, for_real), (role_vars, for_real), (changed_vars, {})], check=True)
    yield {"name": name, "vars": role_vars, "created": created, "again": again, "preview": preview}
    run_plan_role(emulator, tmp_path_factory.mktemp("plan-absent"), name, {"restore_testing_state": "absent"})


def run_plan_now(emulator, backup, plan_name):
    """The emulator runs the plan now; wait until its jobs are no longer running; return the jobs by resource type."""
    job_ids = emulator.control("restore-testing/run", {"region": REGION, "plan_name": plan_name})["restore_job_ids"]
    emulator.wait_for_jobs()
    jobs = [backup.describe_restore_job(RestoreJobId=job_id) for job_id in job_ids]
    assert all(job["Status"] == "COMPLETED" for job in jobs), [(j["RestoreJobId"], j["Status"], j.get("StatusMessage")) for j in jobs]
    assert all(job["ValidationStatus"] == "VALIDATING" for job in jobs)
    return jobs


def restored_exists(emulator, job):
    """Whether what the job restored (a DB instance, a bucket or an instance not terminated) is still there."""
    arn = job["CreatedResourceArn"]
    try:
        if ":db:" in arn:
            emulator.client("rds").describe_db_instances(DBInstanceIdentifier=arn.split(":db:")[1])
        elif ":::" in arn:
            emulator.client("s3").head_bucket(Bucket=arn.split(":::")[1])
        else:
            described = emulator.client("ec2").describe_instances(InstanceIds=[arn.rsplit("/", 1)[1]])
            return described["Reservations"][0]["Instances"][0]["State"]["Name"] != "terminated"
    except botocore.exceptions.ClientError:
        return False
    return True


def by_source(jobs, fragment):
    found = [job for job in jobs if job["SourceResourceArn"].endswith(fragment)]
    assert len(found) == 1, (fragment, [job["SourceResourceArn"] for job in jobs])
    return found[0]


def test_role_creates_the_plan_idempotently(emulator, world, plan):
    """The role made the plan and one selection per type over the runbook's resources, its numbers given as strings
    stored as numbers; a second run changes nothing, and a changed setting shows in check mode without being applied."""
    backup = emulator.client("backup")
    created = plan["created"]
    assert created["changed"] is True
    assert created["actions"][0] == "create plan %s" % plan["name"]
    stored = backup.get_restore_testing_plan(RestoreTestingPlanName=plan["name"])["RestoreTestingPlan"]
    vault_arn = backup.describe_backup_vault(BackupVaultName=world["vault"])["BackupVaultArn"]
    assert stored["RecoveryPointSelection"]["IncludeVaults"] == [vault_arn]
    assert (stored["StartWindowHours"], stored["RecoveryPointSelection"]["SelectionWindowDays"]) == (24, 30)
    selections = {s["RestoreTestingSelectionName"]: backup.get_restore_testing_selection(
        RestoreTestingPlanName=plan["name"], RestoreTestingSelectionName=s["RestoreTestingSelectionName"])["RestoreTestingSelection"]
        for s in backup.list_restore_testing_selections(RestoreTestingPlanName=plan["name"])["RestoreTestingSelections"]}
    assert sorted(selections) == ["rds", "s3"]
    assert selections["rds"]["ProtectedResourceArns"] == [world["db"]["arn"]]
    assert selections["rds"]["IamRoleArn"] == world["backup_role_arn"]
    assert sorted(selections["s3"]["ProtectedResourceArns"]) == sorted(
        "arn:aws:s3:::%s" % world["buckets"][tenant] for tenant in ("1", "12"))
    assert [selections[kind]["ValidationWindowHours"] for kind in ("rds", "s3")] == [4, 4]

    again = plan["again"]
    assert again["changed"] is False and again["actions"] == []

    preview = plan["preview"]
    assert preview["changed"] is True
    assert "update selection s3 (ProtectedResourceArns, ValidationWindowHours)" in preview["actions"]
    assert "update selection rds (ValidationWindowHours)" in preview["actions"]
    untouched = backup.get_restore_testing_selection(RestoreTestingPlanName=plan["name"], RestoreTestingSelectionName="s3")
    assert len(untouched["RestoreTestingSelection"]["ProtectedResourceArns"]) == 2
    assert untouched["RestoreTestingSelection"]["ValidationWindowHours"] == 4


def test_good_restores_are_reported_successful(emulator, world, plan, tmp_path):
    """The plan runs; the playbook validates every job in the window and AWS Backup shows each SUCCESSFUL."""
    backup = emulator.client("backup")
    started = emulator_now(emulator) - datetime.timedelta(seconds=1)
    jobs = run_plan_now(emulator, backup, plan["name"])
    assert sorted(job["ResourceType"] for job in jobs) == ["RDS", "S3", "S3"]
    # Its numbers as `-e name=value` strings (the lookback is only checked: the window is given).
    rc, report, output = run_validation(emulator, tmp_path, "good", {
        "restore_testing_plan_name": plan["name"], "restore_testing_created_after": started.isoformat()}, strings={
        "restore_testing_lookback_hours": 48, "restore_testing_wait_timeout": 600, "restore_testing_wait_delay": 1,
        "restore_testing_s3_min_count_percent": 90, "restore_testing_ec2_retries": 2, "restore_testing_ec2_delay": 1,
        "restore_testing_mysql_max_staleness_minutes": 60.5})
    assert rc == 0, output[-6000:]
    for job in jobs:
        after = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
        assert after["ValidationStatus"] == "SUCCESSFUL", (job["ResourceType"], after.get("ValidationStatusMessage"), output[-6000:])
        assert "check(s) passed" in after["ValidationStatusMessage"]
        # Validated while it existed; the result reported, AWS Backup deletes it.
        assert wait_deletion(backup, job["RestoreJobId"])["DeletionStatus"] == "SUCCESSFUL"
        assert not restored_exists(emulator, job)
    assert report["outcome"] == "succeeded"
    assert sorted(job["restore_job_id"] for job in report["restore_jobs"]) == sorted(job["RestoreJobId"] for job in jobs)
    # The report shows each job as AWS answered the result: validated, its restore being deleted.
    assert {(job["validation_status"], job["deletion_status"] in ("DELETING", "SUCCESSFUL")) for job in report["restore_jobs"]} == {
        ("SUCCESSFUL", True)}, report["restore_jobs"]
    names = [check["name"] for check in report["checks"]]
    assert "critical keys restored" in names and any("plans" in name for name in names), names
    # The count percentage given as a string is computed with as a number.
    counts = [check for check in report["checks"] if check["name"] == "restored object count against the source bucket"]
    assert len(counts) == 2 and {check["result"] for check in counts} == {"pass"}, counts
    for check in counts:
        source = len([o for page in emulator.client("s3").get_paginator("list_objects_v2").paginate(Bucket=check["details"]["source"])
                      for o in page.get("Contents", [])])
        assert check["details"]["min_count_percent"] == 90 and check["details"]["source_now"] == source, check
        assert check["details"]["needed"] == -(-source * 90 // 100), check


def test_damaged_restores_are_reported_failed(emulator, world, plan, tmp_path):
    """A static table altered in the restored database and a critical object removed from one restored bucket: those
    two jobs are FAILED with a message naming what failed, the untouched bucket's job is SUCCESSFUL, earlier jobs
    outside the window are not touched, and the play fails when asked to."""
    backup = emulator.client("backup")
    earlier = [job["RestoreJobId"] for job in backup.list_restore_jobs(ByRestoreTestingPlanArn=plan["created"]["restore_testing_plan"]
                                                                       ["restore_testing_plan_arn"])["RestoreJobs"]]
    before_messages = {job_id: backup.describe_restore_job(RestoreJobId=job_id).get("ValidationStatusMessage") for job_id in earlier}
    started = emulator_now(emulator) - datetime.timedelta(seconds=1)
    jobs = run_plan_now(emulator, backup, plan["name"])
    db_job = by_source(jobs, ":db:%s" % world["db"]["identifier"])
    damaged_bucket_job = by_source(jobs, ":::%s" % world["buckets"]["12"])
    good_bucket_job = by_source(jobs, ":::%s" % world["buckets"]["1"])

    restored_db = db_job["CreatedResourceArn"].split(":db:")[1]
    endpoint = emulator.client("rds").describe_db_instances(DBInstanceIdentifier=restored_db)["DBInstances"][0]["Endpoint"]
    with pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user=world["db"]["user"], password=DB_PASSWORD,
                         database=world["db"]["name"], autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("UPDATE plans SET monthly_cents = monthly_cents + 1 WHERE id = 2")
    emulator.client("s3").delete_object(Bucket=damaged_bucket_job["CreatedResourceArn"].split(":::")[1], Key=CRITICAL_KEY)

    rc, report, output = run_validation(emulator, tmp_path, "damaged", {
        "restore_testing_plan_name": plan["name"], "restore_testing_created_after": started.isoformat(),
        "restore_testing_fail_on_failure": True})
    assert rc != 0, "the play did not fail although asked to:\n" + output[-6000:]

    db_after = backup.describe_restore_job(RestoreJobId=db_job["RestoreJobId"])
    assert db_after["ValidationStatus"] == "FAILED", db_after.get("ValidationStatusMessage")
    assert restored_db in db_after["ValidationStatusMessage"] and "plans" in db_after["ValidationStatusMessage"]
    bucket_after = backup.describe_restore_job(RestoreJobId=damaged_bucket_job["RestoreJobId"])
    assert bucket_after["ValidationStatus"] == "FAILED"
    assert "critical keys restored" in bucket_after["ValidationStatusMessage"]
    assert backup.describe_restore_job(RestoreJobId=good_bucket_job["RestoreJobId"])["ValidationStatus"] == "SUCCESSFUL"
    for job_id, message in before_messages.items():
        assert backup.describe_restore_job(RestoreJobId=job_id).get("ValidationStatusMessage") == message

    assert report["outcome"] == "failed"
    assert db_job["RestoreJobId"] in output and damaged_bucket_job["RestoreJobId"] in output
    failed = [check for check in report["checks"] if check["result"] == "fail"]
    assert {check["target"] for check in failed} == {restored_db, damaged_bucket_job["CreatedResourceArn"].split(":::")[1]}, failed


def test_one_job_by_id_and_refusals(emulator, world, plan, tmp_path):
    """One job by id, re-validation asked for: AWS Backup deleted the damaged database once its FAILED result was
    reported, so it is not validated again - listed NOT_VALIDATED with the deletion, its FAILED result left as it is.
    A restore job not made by a restore testing plan is refused by name."""
    backup = emulator.client("backup")
    arn = plan["created"]["restore_testing_plan"]["restore_testing_plan_arn"]
    failed = [job for job in backup.list_restore_jobs(ByRestoreTestingPlanArn=arn)["RestoreJobs"]
              if job["ResourceType"] == "RDS" and job.get("ValidationStatus") == "FAILED"]
    assert len(failed) == 1
    rc, report, output = run_validation(emulator, tmp_path / "one", "one", {
        "restore_testing_plan_name": plan["name"], "restore_testing_job_id": failed[0]["RestoreJobId"],
        "restore_testing_revalidate": True})
    assert rc == 0, output[-6000:]
    assert [job["restore_job_id"] for job in report["restore_jobs"]] == [failed[0]["RestoreJobId"]]
    assert report["restore_jobs"][0]["deletion_status"] == "SUCCESSFUL"
    after = backup.describe_restore_job(RestoreJobId=failed[0]["RestoreJobId"])
    assert (after["ValidationStatus"], after["ValidationStatusMessage"]) == ("FAILED", failed[0]["ValidationStatusMessage"])
    assert any(note.startswith("%s NOT_VALIDATED AWS Backup deleted what the job restored (deletion SUCCESSFUL) after its "
                               "validation was reported" % failed[0]["RestoreJobId"]) for note in report["notes"]), report["notes"]
    assert [check["result"] for check in report["checks"]
            if check["name"] == "restore testing job %s" % failed[0]["RestoreJobId"]] == ["skip"], report["checks"]

    points = backup.list_recovery_points_by_backup_vault(BackupVaultName=world["vault"], ByResourceType="S3")["RecoveryPoints"]
    point = next(p for p in points if p["Status"] == "COMPLETED")
    manual = backup.start_restore_job(RecoveryPointArn=point["RecoveryPointArn"], IamRoleArn=world["backup_role_arn"], Metadata={
        "DestinationBucketName": "rt-manual-%s" % uuid.uuid4().hex[:8], "NewBucket": "true"})["RestoreJobId"]
    emulator.wait_for_jobs()
    rc, report, output = run_validation(emulator, tmp_path / "manual", "manual", {
        "restore_testing_plan_name": plan["name"], "restore_testing_job_id": manual})
    assert rc != 0
    assert "restore_job_id=%r was not created by a restore testing plan" % manual in output
    assert report["outcome"] == "failed"


def test_restored_instance_is_validated(emulator, world, tmp_path):
    """A plan over EC2: the restored instance is validated by restorekit.aws.validate_ec2 (running, status checks) and
    reported SUCCESSFUL; the plan made by the role is removed by it afterwards."""
    backup = emulator.client("backup")
    name = "rt_ec2_%s" % uuid.uuid4().hex[:8]
    role_vars = {"restore_testing_resource_types": ["EC2"], "restore_testing_selection_window_days": 30}
    run_plan_role(emulator, tmp_path / "plan", name, role_vars)
    try:
        jobs = run_plan_now(emulator, backup, name)
        assert jobs and all(job["ResourceType"] == "EC2" for job in jobs)
        # The plan is this test's own: its jobs are found by the lookback window, given as a string as -e gives it.
        rc, report, output = run_validation(emulator, tmp_path / "validate", "ec2", {
            "restore_testing_plan_name": name, "restore_testing_fail_on_failure": True}, strings={
            "restore_testing_lookback_hours": 48, "restore_testing_ec2_retries": 4, "restore_testing_ec2_delay": 1})
        assert rc == 0, output[-6000:]
        assert sorted(job["restore_job_id"] for job in report["restore_jobs"]) == sorted(job["RestoreJobId"] for job in jobs)
        for job in jobs:
            after = backup.describe_restore_job(RestoreJobId=job["RestoreJobId"])
            assert after["ValidationStatus"] == "SUCCESSFUL", after.get("ValidationStatusMessage")
            instance_id = job["CreatedResourceArn"].rsplit("/", 1)[1]
            assert instance_id in after["ValidationStatusMessage"]
        assert {check["target"] for check in report["checks"]} >= {job["CreatedResourceArn"].rsplit("/", 1)[1] for job in jobs}
    finally:
        run_plan_role(emulator, tmp_path / "absent", name, {"restore_testing_state": "absent"})
    assert name not in [p["RestoreTestingPlanName"] for p in backup.list_restore_testing_plans()["RestoreTestingPlans"]]
