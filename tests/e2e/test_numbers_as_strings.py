# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Numbers given on the command line (`-e name=5`) or by an AWX text survey arrive as strings ("5"). A role's
argument spec accepts them (`type: int` checks that "5" is a number) without converting them, so every role must
cast where it compares or computes. Here the responders' playbooks run with every numeric variable they take given as
`-e name=value`, against an emulator of this module's own (the drill creates and deletes an instance):

- the drill (restore_drill.yml, EC2 only): restore_drill_ec2_validate_retries=5 reaches validate_ec2's input check;
- ec2_restore.yml in check mode: the role's input check of the refresh's percentage, warm-up, timeout and interval;
- validate_restore_tests.yml: restore_testing's window (lookback hours), its wait and the S3 count percentage, for a
  plan made by the role from string settings as an AWX survey gives them.

tests/unit/test_role_numbers.py finds the same class of mistake statically in every role.
"""

import json
import os
import subprocess
import uuid

import pytest

from emulator.client import REGION
from emulator.seed import DB_PASSWORD, seed
from emulator.testing import own_emulator
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env

INVENTORY = os.path.join(ROOT, "inventories", "emulator")
ASG = "multi-tenant-app-prod-app-asg"
TAG = "restorekit:drill"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with own_emulator(tmp_path_factory, "numbers-emulator") as emu:
        yield emu


@pytest.fixture(scope="module")
def world(emulator):  # pylint: disable=redefined-outer-name
    return seed(emulator)


def run(emulator, workdir, playbook, strings, json_vars=None, check=False):  # pylint: disable=redefined-outer-name
    """ansible-playbook -i inventories/emulator PLAYBOOK, every item of STRINGS as its own `-e name=value` (so a
    string), JSON_VARS (lists, names) as one JSON `-e`; return the process."""
    workdir.mkdir(parents=True, exist_ok=True)
    argv = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, playbook]
    if json_vars:
        argv += ["-e", json.dumps(json_vars)]
    for name, value in strings.items():
        argv += ["-e", "%s=%s" % (name, value)]
    if check:
        argv.append("--check")
    env = ansible_env(emulator, workdir, RESTOREKIT_ENDPOINT_URL=emulator.endpoint, RESTOREKIT_DEMO_DB_PASSWORD=DB_PASSWORD)
    return subprocess.run(argv, cwd=str(workdir), env=env, capture_output=True, text=True, timeout=1800, check=False)


def output(proc):
    return (proc.stdout + proc.stderr)[-8000:]


def report_of(workdir, pattern):
    paths = sorted((workdir / "reports").glob(pattern))
    assert len(paths) == 1, paths
    return json.loads(paths[0].read_text(encoding="utf-8"))


def live_drill_instances(emulator, drill_id):  # pylint: disable=redefined-outer-name
    found = emulator.client("ec2").describe_instances()
    return [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]
            if i["State"]["Name"] not in ("terminated", "shutting-down")
            and {t["Key"]: t["Value"] for t in i.get("Tags", [])}.get(TAG) == drill_id]


def test_drill_validates_the_instance_with_retries_given_as_a_string(emulator, world, tmp_path):
    """`-e restore_drill_ec2_validate_retries=5`: the drill restores the app server, validate_ec2 checks it, and
    the drill succeeds and removes the instance."""
    drill_id = "n%s" % uuid.uuid4().hex[:6]
    proc = run(emulator, tmp_path, os.path.join(ROOT, "playbooks", "restore_drill.yml"), {
        "restore_drill_id": drill_id, "restore_drill_seed": 4242, "restore_drill_ec2_validate_retries": 5,
        "restore_drill_ec2_validate_delay": 1, "restore_drill_poll_interval": 1, "restore_drill_wait_timeout": 600,
        "restore_drill_cleanup_wait": 60, "restore_drill_lease_seconds": 4200, "restore_drill_mysql_max_staleness_minutes": 90.5,
        "restore_report_dir": str(tmp_path / "reports"),
    }, json_vars={"restore_drill_resource_types": ["EC2"]})

    assert proc.returncode == 0, output(proc)
    report = report_of(tmp_path, "restore-drill-*.json")
    assert report["outcome"] == "succeeded", report
    checks = {c["name"]: c for c in report["checks"]}
    status = checks["instance running and passing its status checks"]
    assert status["result"] == "pass" and 1 <= status["details"]["rounds"] <= 5, status
    assert live_drill_instances(emulator, drill_id) == []


def test_ec2_restore_checks_its_numbers_given_as_strings(emulator, world, tmp_path):
    """ec2_restore.yml in check mode with its refresh settings as strings: the inputs pass their checks and the plan
    is shown; nothing changes. An out-of-range percentage given as a string is still refused by name."""
    playbook = os.path.join(ROOT, "playbooks", "ec2_restore.yml")
    numbers = {"ec2_restore_group_name": ASG, "ec2_restore_min_healthy_percentage": 50, "ec2_restore_instance_warmup": 0,
               "ec2_restore_wait_timeout": 600, "ec2_restore_poll_interval": 1, "validate_ec2_retries": 3, "validate_ec2_delay": 1,
               "validate_ec2_http_timeout": 5, "restore_report_dir": str(tmp_path / "reports")}
    template = emulator.client("ec2").describe_launch_templates(LaunchTemplateNames=["multi-tenant-app-prod-app-lt"])["LaunchTemplates"][0]

    proc = run(emulator, tmp_path / "good", playbook, numbers, check=True)
    assert proc.returncode == 0, output(proc)
    assert "Autoscaling group: %s" % ASG in proc.stdout

    proc = run(emulator, tmp_path / "bad", playbook, dict(numbers, ec2_restore_min_healthy_percentage=101), check=True)
    assert proc.returncode != 0
    assert "ec2_restore_min_healthy_percentage='101': must be between 0 and 100" in output(proc)
    after = emulator.client("ec2").describe_launch_templates(LaunchTemplateNames=["multi-tenant-app-prod-app-lt"])["LaunchTemplates"][0]
    assert after["LatestVersionNumber"] == template["LatestVersionNumber"]


def plan_play(name):
    """The restore_testing role's plan, with its numbers as strings, as an AWX survey's text answers give them."""
    return [{
        "name": "restore testing plan", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": "{{ restorekit_endpoint_url }}", "region": REGION}},
        "tasks": [{"name": "Plan", "ansible.builtin.include_role": {"name": "restorekit.aws.restore_testing"}, "vars": {
            "restore_testing_project_name": "{{ restorekit_project_name }}", "restore_testing_environment": "{{ restorekit_environment }}",
            "restore_testing_plan_name": name, "restore_testing_resource_types": ["S3"], "restore_testing_tenants": ["1"],
            "restore_testing_algorithm": "LATEST_WITHIN_WINDOW", "restore_testing_selection_window_days": "30",
            "restore_testing_start_window_hours": "24", "restore_testing_validation_window_hours": "4"}}],
    }]


def test_restore_testing_validates_with_its_numbers_given_as_strings(emulator, world, tmp_path):
    """A plan made from string settings has them as numbers in AWS Backup; its S3 restore is validated with the
    lookback window, the wait and the count percentage given as `-e name=value`, and reported SUCCESSFUL."""
    backup = emulator.client("backup")
    name = "rt_%s" % uuid.uuid4().hex[:8]
    (tmp_path / "plan").mkdir()
    plan = tmp_path / "plan" / "plan.yml"
    plan.write_text(json.dumps(plan_play(name)), encoding="utf-8")
    proc = run(emulator, tmp_path / "plan", str(plan), {})
    assert proc.returncode == 0, output(proc)
    stored = backup.get_restore_testing_plan(RestoreTestingPlanName=name)["RestoreTestingPlan"]
    assert (stored["StartWindowHours"], stored["RecoveryPointSelection"]["SelectionWindowDays"]) == (24, 30)
    selection = backup.get_restore_testing_selection(RestoreTestingPlanName=name, RestoreTestingSelectionName="s3")
    assert selection["RestoreTestingSelection"]["ValidationWindowHours"] == 4

    job_ids = emulator.control("restore-testing/run", {"region": REGION, "plan_name": name})["restore_job_ids"]
    emulator.wait_for_jobs()
    assert len(job_ids) == 1

    proc = run(emulator, tmp_path / "validate", os.path.join(ROOT, "playbooks", "validate_restore_tests.yml"), {
        "restore_testing_plan_name": name, "restore_testing_lookback_hours": 48, "restore_testing_wait_timeout": 600,
        "restore_testing_wait_delay": 1, "restore_testing_s3_min_count_percent": 90, "restore_testing_ec2_retries": 2,
        "restore_testing_ec2_delay": 1, "restore_testing_mysql_max_staleness_minutes": 60.5,
        "restore_report_dir": str(tmp_path / "validate" / "reports"), "restore_report_name": "numbers",
    })

    assert proc.returncode == 0, output(proc)
    after = backup.describe_restore_job(RestoreJobId=job_ids[0])
    assert after["ValidationStatus"] == "SUCCESSFUL", (after.get("ValidationStatusMessage"), output(proc))
    report = report_of(tmp_path / "validate", "numbers.json")
    assert [job["restore_job_id"] for job in report["restore_jobs"]] == job_ids
    count = [c for c in report["checks"] if c["name"] == "restored object count against the source bucket"]
    assert len(count) == 1 and count[0]["result"] == "pass", report["checks"]
    source = len([o for page in emulator.client("s3").get_paginator("list_objects_v2").paginate(Bucket=world["buckets"]["1"])
                  for o in page.get("Contents", [])])
    assert count[0]["details"]["min_count_percent"] == 90
    assert count[0]["details"]["needed"] == -(-source * 90 // 100)
