# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.restore_job against the seeded emulator: safe, exactly once, visible while it waits.

Elsewhere: the check mode -> restore -> re-run adopts -> amazon.aws.backup_restore_job_info sequence, and the refusals
of no target and of the source bucket as target, are the integration target restore_job's; the other bad options
(malformed recovery point, unknown vault, contradicting resource_type, wait_timeout=0, NewBucket, a target S3 refuses)
are cases of tests/e2e/test_bad_input.py's single run."""

import json
import os
import signal
import subprocess
import time

import pytest

from emulator.client import REGION
from emulator.testing import points_of as all_points
from tests.e2e.helpers import run_playbook
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, PYTHON, ROOT

PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}


def newest_point(emulator, world, resource_arn):
    points = [p for p in all_points(emulator.client("backup"), world["vault"], ByResourceArn=resource_arn) if p["Status"] == "COMPLETED"]
    return max(points, key=lambda p: p["CreationDate"])["RecoveryPointArn"]


def tenant_point(emulator, world, tenant):
    return newest_point(emulator, world, "arn:aws:s3:::%s" % world["buckets"][tenant])


def restore_task(name, register, **options):
    task = {"name": name, "restorekit.aws.restore_job": dict(PROJECT, poll_interval=1, **options), "register": register,
            "ignore_errors": True}
    return task


def starts(emulator):
    return emulator.control("counters")["requests"].get("backup", {}).get("StartRestoreJob", 0)


def jobs_for(emulator, point_arn, target):
    backup = emulator.client("backup")
    found = []
    for job in backup.list_restore_jobs()["RestoreJobs"]:
        if job["RecoveryPointArn"] != point_arn:
            continue
        metadata = backup.get_restore_job_metadata(RestoreJobId=job["RestoreJobId"])["Metadata"]
        if target in metadata.values():
            found.append(job)
    return found


def test_check_mode_shows_the_runbook_sample_normalised_and_starts_nothing(emulator, world, tmp_path):
    """The runbook's 5.2 metadata file is accepted; check mode shows the final metadata and starts no job."""
    emulator.control("counters", method="DELETE")
    sample = {"SubnetGroupName": world["db_subnet_group"], "VpcSecurityGroupIds": world["db_security_group_id"],
              "DbInstanceIdentifier": "multi-tenant-app-prod-db-restore-cm", "DbInstanceClass": "db.t3.medium",
              "DbSubnetGroupName": world["db_subnet_group"], "Engine": "mysql"}
    point = newest_point(emulator, world, world["db"]["arn"])
    task = restore_task("Check mode", "result", recovery_point_arn=point, metadata=sample)
    task["check_mode"] = True
    result = run_playbook(emulator, tmp_path, [task], ["result"])["result"]
    assert not result.get("failed"), result
    assert result["changed"] is True and result["adopted"] is False
    metadata = result["metadata"]
    assert metadata["DBInstanceIdentifier"] == "multi-tenant-app-prod-db-restore-cm"
    assert metadata["DBSubnetGroupName"] == world["db_subnet_group"]
    assert json.loads(metadata["VpcSecurityGroupIds"]) == [world["db_security_group_id"]]
    assert "SubnetGroupName" not in metadata and "DbInstanceIdentifier" not in metadata
    assert result["request"]["IamRoleArn"] == world["backup_role_arn"]
    assert result["request"]["Metadata"] == metadata and result["source"] == world["db"]["identifier"]
    assert starts(emulator) == 0


@pytest.mark.parametrize("ignore_tokens", [False, True])
def test_killed_mid_wait_rerun_adopts_the_running_job(emulator, world, tmp_path, clean_faults, ignore_tokens):
    """ansible-playbook killed while waiting; the re-run adopts the running job: one restore, not two (tokens honoured or not)."""
    emulator.control("idempotency", {"ignore_tokens": ignore_tokens})
    emulator.control("jobs/duration", {"restore": 8})
    point = tenant_point(emulator, world, "100")
    target = "tenant-100-restore-killed-%s" % str(ignore_tokens).lower()
    task = restore_task("Restore", "result", recovery_point_arn=point, target_name=target, metadata={"NewBucket": True})
    play = [{"name": "restore", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}},
             "tasks": [task]}]
    playbook = tmp_path / "killed.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")
    env = dict(os.environ, **emulator.env())
    env.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "HOME": str(tmp_path),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null"})
    proc = subprocess.Popen([ANSIBLE_PLAYBOOK, "-i", "localhost,", str(playbook)], env=env, cwd=str(tmp_path),  # pylint: disable=consider-using-with
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _attempt in range(600):
            if jobs_for(emulator, point, target):
                break
            time.sleep(0.1)
        assert jobs_for(emulator, point, target), "the first run never started its job"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    first = jobs_for(emulator, point, target)[0]
    assert first["Status"] in ("PENDING", "RUNNING")
    result = run_playbook(emulator, tmp_path, [restore_task("Again", "result", recovery_point_arn=point, target_name=target,
                                                            metadata={"NewBucket": True})], ["result"])["result"]
    assert not result.get("failed"), result
    assert result["adopted"] is True and result["changed"] is False
    assert result["restore_job_id"] == first["RestoreJobId"] and result["restore_job"]["status"] == "COMPLETED"
    assert len(jobs_for(emulator, point, target)) == 1


def test_failed_job_fails_the_task_with_its_message_and_id(emulator, world, tmp_path, clean_faults):
    """A restore that ends FAILED fails the task, with AWS's status message and the job id."""
    emulator.control("jobs/fail-next", {"job_kind": "restore", "resource_type": "S3", "message": "KMS key is disabled"})
    point = tenant_point(emulator, world, "12")
    result = run_playbook(emulator, tmp_path, [restore_task("Restore", "result", recovery_point_arn=point,
                                                            target_name="tenant-12-restore-fails", metadata={"NewBucket": True})],
                          ["result"])["result"]
    assert result["failed"] is True
    assert "KMS key is disabled" in result["msg"] and result["restore_job_id"] in result["msg"]


def test_timeout_names_the_job_and_a_rerun_adopts_it(emulator, world, tmp_path, clean_faults):
    """A wait that times out leaves the job running, says so with its id; the next run adopts and finishes it."""
    emulator.control("jobs/duration", {"restore": 6})
    point = tenant_point(emulator, world, "1")
    common = {"recovery_point_arn": point, "target_name": "tenant-1-restore-timeout", "metadata": {"NewBucket": True}}
    out = run_playbook(emulator, tmp_path, [restore_task("Short wait", "short", wait_timeout=1, **common),
                                            restore_task("Again", "again", wait_timeout=600, **common)], ["short", "again"])
    assert out["short"]["failed"] is True and "adopts" in out["short"]["msg"]
    assert out["short"]["restore_job_id"] in out["short"]["msg"]
    assert out["again"]["adopted"] is True and out["again"]["restore_job"]["status"] == "COMPLETED"
    assert out["again"]["restore_job_id"] == out["short"]["restore_job_id"]


def test_a_completed_job_whose_resource_is_gone_does_not_block(emulator, world, tmp_path):
    """After the restored bucket was deleted, the same task restores again instead of adopting the old job."""
    point = tenant_point(emulator, world, "100")
    target = "tenant-100-restore-gone"
    common = {"recovery_point_arn": point, "target_name": target, "metadata": {"NewBucket": True}}
    tasks = [restore_task("First", "first", **common),
             {"name": "Delete the restored bucket", "amazon.aws.s3_bucket": {"name": target, "state": "absent", "force": True},
              "register": "deleted"},
             restore_task("Second", "second", **common)]
    out = run_playbook(emulator, tmp_path, tasks, ["first", "deleted", "second"])
    first, second = out["first"], out["second"]
    assert first["changed"] is True
    assert out["deleted"]["changed"] is True, out["deleted"]
    assert not second.get("failed"), second
    assert second["changed"] is True and second["adopted"] is False
    assert second["restore_job_id"] != first["restore_job_id"]


def test_restore_succeeds_with_30_percent_of_calls_throttled(emulator, world, tmp_path, clean_faults):
    """Every AWS call of the module retries throttling: with 30% throttled the restore still completes."""
    emulator.control("counters", method="DELETE")
    emulator.control("faults", {"throttle": {"fraction": 0.3}, "seed": 11})
    point = tenant_point(emulator, world, "12")
    result = run_playbook(emulator, tmp_path, [restore_task("Restore", "result", recovery_point_arn=point,
                                                            target_name="tenant-12-restore-throttled", metadata={"NewBucket": True})],
                          ["result"])["result"]
    assert not result.get("failed"), result
    assert result["restore_job"]["status"] == "COMPLETED"
    assert sum(emulator.control("counters")["faults"].get("backup", {}).values()) > 0


def test_one_task_waits_for_several_jobs_and_names_the_failed_one(emulator, world, tmp_path, clean_faults):
    """restore_job_ids: jobs started with wait=false are waited for together. The first wait returns every job
    COMPLETED, in the order given, after about one job's duration (the jobs run side by side); a second set with one
    job that ends FAILED fails the task naming that job and its message, and still reports the other job."""
    emulator.control("jobs/duration", {"restore": 4})
    targets = ["tenant-%s-restore-many" % tenant for tenant in ("1", "12", "100")]
    start = [restore_task("Start %s" % target, "start_%d" % n, recovery_point_arn=tenant_point(emulator, world, tenant),
                          target_name=target, metadata={"NewBucket": True}, wait=False)
             for n, (tenant, target) in enumerate(zip(("1", "12", "100"), targets))]
    wait = restore_task("Wait for all", "waited_all", restore_job_ids="{{ [start_0, start_1, start_2] | map(attribute='restore_job_id') | list }}")
    # The emulator's control API (emulator/README.md): the next S3 restore job started ends FAILED with this message.
    fail_next = {"name": "The next S3 restore fails", "ansible.builtin.uri": {
        "url": emulator.endpoint + "/_restorekit/jobs/fail-next", "method": "POST", "body_format": "json",
        "body": {"job_kind": "restore", "resource_type": "S3", "message": "KMS key is disabled"}}}
    second = [restore_task("Start failing", "bad", recovery_point_arn=tenant_point(emulator, world, "12"),
                           target_name="tenant-12-restore-many-fails", metadata={"NewBucket": True}, wait=False),
              restore_task("Start fine", "good", recovery_point_arn=tenant_point(emulator, world, "1"),
                           target_name="tenant-1-restore-many-fine", metadata={"NewBucket": True}, wait=False),
              restore_task("Wait for both", "waited", restore_job_ids="{{ [bad.restore_job_id, good.restore_job_id] }}")]
    out = run_playbook(emulator, tmp_path, start + [wait, fail_next] + second,
                       ["start_0", "start_1", "start_2", "waited_all", "bad", "good", "waited"])
    waited = out["waited_all"]
    assert not waited.get("failed"), waited
    assert [j["restore_job_id"] for j in waited["restore_jobs"]] == [out["start_%d" % n]["restore_job_id"] for n in range(3)]
    assert [j["restore_job"]["status"] for j in waited["restore_jobs"]] == ["COMPLETED"] * 3
    assert [j["created_resource_arn"] for j in waited["restore_jobs"]] == ["arn:aws:s3:::%s" % t for t in targets]
    assert waited["progress"], waited

    waited = out["waited"]
    assert waited["failed"] is True
    assert out["bad"]["restore_job_id"] in waited["msg"] and "KMS key is disabled" in waited["msg"]
    assert out["good"]["restore_job_id"] not in waited["msg"]
    assert {j["restore_job_id"]: j["restore_job"]["status"] for j in waited["restore_jobs"]} == {
        out["bad"]["restore_job_id"]: "FAILED", out["good"]["restore_job_id"]: "COMPLETED"}
