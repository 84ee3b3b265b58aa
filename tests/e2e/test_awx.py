# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every AWX job template's playbook, run the way AWX runs it: ansible-runner, the survey's defaults as extra variables.

The survey is awx/surveys/<id>.json as awx/configure.yml gives it to AWX. What the playbook receives is what AWX would
hand it at launch (awx/tools/surveys.py launch_extra_vars: each default that passes its own question's checks, then
the answers, refused as AWX refuses them): booleans as the strings "true"/"false", multiselect defaults as lists,
numbers as numbers. The only answers given are those a responder must type, the required questions without a usable
default. Beside them, only the poll cadence of waits is shortened; no survey question is overridden.

A world of this module's own: the templates restore into it and relaunch its app group. The in-place swap gets a second
world, because it renames production and stops the writers the other templates read.
"""

import concurrent.futures
import glob
import importlib.util
import json
import os
import threading
import time

import ansible_runner
import pytest

from emulator.client import Emulator
from emulator.seed import ASG, DB_IDENTIFIER, DB_PASSWORD, PREFIX, VAULT, seed
from emulator.testing import air_gapped_copy, newest, points_of
from tests.e2e.helpers import PYTHON, ROOT, take_todays_daily_backup

INVENTORY = os.path.join(ROOT, "inventories", "emulator")
_SPEC = importlib.util.spec_from_file_location("restorekit_awx_surveys", os.path.join(ROOT, "awx", "tools", "surveys.py"))
surveys = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(surveys)

# What a responder types: the required questions whose default AWX would refuse (an empty text).
ANSWERS = {
    "rds_restore_in_place": {"rds_swap_confirm": DB_IDENTIFIER, "rds_swap_db_password": DB_PASSWORD},
    "s3_restore": {"s3_restore_tenant_ids": "12"},
    "ec2_restore": {"ec2_restore_group_name": ASG},
}
# Not asked by any survey (set in the template's extra_vars in AWX, where the survey's answers take precedence):
# how often waits poll. A run with AWS's pace would poll every 15 s.
CADENCE = {
    "rds_restore_poll_interval": 1, "s3_restore_poll_interval": 1, "ec2_restore_poll_interval": 1, "validate_ec2_delay": 1,
    "rds_swap_connections_poll": 1, "restore_drill_poll_interval": 1, "restore_drill_ec2_validate_delay": 1,
    "restore_access_vault_poll_interval": 1,
}
# What an AWX credential would put in a job's environment: the emulator inventory reads the drill's database password
# from it (inventories/emulator/group_vars/all/drill.yml).
ENVIRONMENT = {"restore_drill": {"RESTOREKIT_DEMO_DB_PASSWORD": DB_PASSWORD}}
# Templates that change what other templates read run in a world of their own.
OWN_WORLD = ("rds_restore_in_place",)
TEMPLATES = [entry for entry in surveys.load_templates() if surveys.playbook_exists(entry)]
# The incident the tenant restore answers: an object deleted from tenant 12's bucket after the last backup.
LOST_BUCKET, LOST_KEY = PREFIX + "-tenant-12", "docs/read me.txt"
pytestmark = pytest.mark.slow


def _world(tmp_path_factory, name):
    state = tmp_path_factory.mktemp(name + "-state")
    emu = Emulator(state_dir=str(state), log_path=str(tmp_path_factory.getbasetemp() / (name + ".log"))).start()
    try:
        # Today's backup taken: the backup health template finds a clean world at any hour.
        take_todays_daily_backup(emu, seed(emu))
    except Exception:
        emu.stop()
        raise
    return emu


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    """Two seeded worlds, started side by side: the shared one and the swap's own."""
    # pytest makes its base temporary folder on first use and is not thread-safe there: two threads starting at once
    # both tried to create it (FileExistsError). Made here, before the threads, each thread only adds its own folder.
    tmp_path_factory.getbasetemp()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        futures = {name: pool.submit(_world, tmp_path_factory, "awx-" + name) for name in ("shared", "swap")}
    started = {}
    try:
        for name, future in futures.items():
            started[name] = future.result()
        started["shared"].client("s3").delete_object(Bucket=LOST_BUCKET, Key=LOST_KEY)
        yield started
    finally:
        for emu in started.values():
            emu.stop()


def launch_vars(entry):
    spec = json.loads(open(surveys.survey_path(entry), encoding="utf-8").read())
    answers = ANSWERS.get(entry["id"], {})
    return spec, answers, surveys.launch_extra_vars(spec, answers)


def job_env(emulator, home):
    env = dict(emulator.env())
    env.update({
        # ansible-runner starts ansible-playbook from PATH, as the execution environment has it.
        "PATH": os.pathsep.join([os.path.dirname(PYTHON), os.environ.get("PATH", "")]), "HOME": str(home),
        "LANG": os.environ.get("LANG") or "C.UTF-8", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    return env


def run_restore_testing_plan(emulator, workdir):
    """What AWS Backup does before the validator's job: the runbook's restore testing plan (made by the restore_testing
    role's main entry point, over tenant 12's bucket, under its default name) runs and its restore jobs complete."""
    private = workdir / "restore-testing-plan"
    (private / "project").mkdir(parents=True)
    play = [{"name": "Restore testing plan", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": "{{ restorekit_endpoint_url }}",
                                                              "region": "{{ restorekit_region }}"}},
             "tasks": [{"name": "Create the plan", "ansible.builtin.include_role": {"name": "restorekit.aws.restore_testing"},
                        "vars": {"restore_testing_project_name": "{{ restorekit_project_name }}",
                                 "restore_testing_environment": "{{ restorekit_environment }}",
                                 "restore_testing_resource_types": ["S3"], "restore_testing_tenants": ["12"]}}]}]
    (private / "project" / "plan.yml").write_text(json.dumps(play), encoding="utf-8")
    result = ansible_runner.run(private_data_dir=str(private), playbook="plan.yml", inventory=INVENTORY,
                                envvars=job_env(emulator, private), quiet=True, ident="plan")
    assert result.rc == 0, result.stdout.read()[-6000:]
    plan_name = "%s_restore_testing" % PREFIX.replace("-", "_")
    job_ids = emulator.control("restore-testing/run", {"region": "us-east-1", "plan_name": plan_name})["restore_job_ids"]
    backup = emulator.client("backup")
    while any(backup.describe_restore_job(RestoreJobId=job_id)["Status"] in ("PENDING", "RUNNING") for job_id in job_ids):
        time.sleep(0.5)
    return job_ids


def approve_restore_access(emulator, workdir):  # pylint: disable=unused-argument
    """What the owning account did before the incident (the inventory's air-gapped vault, holding a copy of tenant 12's
    newest point, with an MPA approval team), and the approval team, which approves the job's request while it waits."""
    backup = emulator.client("backup")
    role = emulator.client("iam").get_role(RoleName=PREFIX + "-backup-role")["Role"]["Arn"]
    point = newest(points_of(backup, VAULT, ByResourceArn="arn:aws:s3:::%s-tenant-12" % PREFIX))
    emulator.control("airgap/vault-seconds", {"seconds": 0.3})
    vault_arn, copy_arn = air_gapped_copy(emulator, VAULT, point["RecoveryPointArn"], role, PREFIX + "-airgap-vault")
    backup.associate_backup_vault_mpa_approval_team(BackupVaultName=PREFIX + "-airgap-vault",
                                                    MpaApprovalTeamArn="arn:aws:mpa:us-east-1:210987654321:approval-team/recovery")

    def approve():
        for _attempt in range(600):
            pending = [s for s in emulator.control("airgap/mpa-sessions")["sessions"] if s["kind"] == "restore-access"]
            if pending:
                emulator.control("airgap/mpa-sessions", {"arn": pending[0]["arn"], "decision": "APPROVED"})
                return
            time.sleep(0.2)

    threading.Thread(target=approve, daemon=True).start()
    return vault_arn, copy_arn


# Per template, what the world holds before AWX would run it.
PREPARE = {"validate_restore_tests": run_restore_testing_plan, "restore_access_vault": approve_restore_access}


def run_template(entry, emulator, workdir):
    """ansible-runner, as AWX runs a job: private data dir, project dir as the working directory, extra vars file."""
    prepared = PREPARE[entry["id"]](emulator, workdir) if entry["id"] in PREPARE else None
    spec, extravars = launch_vars(entry)[0], launch_vars(entry)[2]
    asked = {question["variable"] for question in spec["spec"]}
    cadence = {key: value for key, value in CADENCE.items() if key not in asked}
    private = workdir / entry["id"]
    (private / "project").mkdir(parents=True)
    env = job_env(emulator, private)
    env.update(ENVIRONMENT.get(entry["id"], {}))
    result = ansible_runner.run(
        private_data_dir=str(private), playbook=os.path.join(ROOT, entry["playbook"]), inventory=INVENTORY,
        extravars=dict(cadence, **entry.get("extra_vars", {}), **extravars), envvars=env, quiet=True, ident="job")
    reports = sorted(glob.glob(str(private / "project" / "reports" / "*.json")))
    return {
        "rc": result.rc, "status": result.status, "stdout": result.stdout.read(), "extravars": extravars, "prepared": prepared,
        "report": json.loads(open(reports[-1], encoding="utf-8").read()) if reports else None,
    }


# The health check first: it sees the world as a responder's AWX finds it on an ordinary day. After the EC2 relaunch
# the group's new instances (tagged Backup=true) have no recovery point until the next backup, which it rightly reports.
FIRST = ("backup_health",)


@pytest.fixture(scope="module")
def jobs(worlds, tmp_path_factory):
    """Every template's job in the shared world one after the other, as an AWX instance with one execution slot runs
    them (side by side on 2 cores they cost a third more CPU and left the health check's outcome to which job got there
    first). The in-place swap runs meanwhile in its own world: most of its time is the survey's pause between writer
    steps (rds_swap_step_pause, 30 s by default), and nothing it does is seen by the other jobs."""
    workdir = tmp_path_factory.mktemp("awx-jobs")
    ordered = sorted(TEMPLATES, key=lambda entry: entry["id"] not in FIRST)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        own = {entry["id"]: pool.submit(run_template, entry, worlds["swap"], workdir) for entry in ordered if entry["id"] in OWN_WORLD}
        done = {entry["id"]: run_template(entry, worlds["shared"], workdir) for entry in ordered if entry["id"] not in OWN_WORLD}
        done.update((template, future.result()) for template, future in own.items())
    return done


def test_the_answers_are_only_what_a_responder_must_type():
    """Each answer is a required question whose default AWX would refuse; everything else is the survey's default."""
    for entry in TEMPLATES:
        spec, answers = launch_vars(entry)[:2]
        questions = {question["variable"]: question for question in spec["spec"]}
        for variable in answers:
            if variable == "rds_swap_db_password":
                # Not required (a secret may hold it instead), but the swap validates with it: a responder types one.
                assert questions[variable]["type"] == "password"
                continue
            question = questions[variable]
            assert question["required"], variable
            with pytest.raises(surveys.SurveyError, match=variable):
                surveys.launch_extra_vars(spec, {})


@pytest.mark.parametrize("entry", TEMPLATES, ids=[entry["id"] for entry in TEMPLATES])
def test_job_template_runs_under_ansible_runner_with_its_survey_defaults(jobs, entry):
    job = jobs[entry["id"]]
    assert job["status"] == "successful" and job["rc"] == 0, job["stdout"][-8000:]
    # AWX's forms of the defaults reached the playbook: strings for booleans, lists for multiselect.
    spec = launch_vars(entry)[0]
    for question in spec["spec"]:
        if question["type"] == "multiselect" and question["variable"] in job["extravars"]:
            assert isinstance(job["extravars"][question["variable"]], list)
    if job["report"] is not None:
        assert job["report"]["outcome"] == "succeeded", job["report"]


def test_the_restore_to_a_new_instance_kept_its_survey_defaults(jobs, worlds):
    """The survey's defaults (deletion protection true, 7 days of backups, single AZ, private) are what was built."""
    if "rds_restore" not in jobs:
        pytest.fail("no rds_restore job template")
    assert jobs["rds_restore"]["rc"] == 0, jobs["rds_restore"]["stdout"][-4000:]
    rds = worlds["shared"].client("rds")
    restored = rds.describe_db_instances(DBInstanceIdentifier=DB_IDENTIFIER + "-restore")["DBInstances"][0]
    assert restored["DeletionProtection"] is True
    assert restored["BackupRetentionPeriod"] == 7
    assert restored["MultiAZ"] is False and restored["PubliclyAccessible"] is False


def test_the_swap_replaced_production_in_its_own_world(jobs, worlds):
    if "rds_restore_in_place" not in jobs:
        pytest.fail("no rds_restore_in_place job template")
    job = jobs["rds_restore_in_place"]
    assert job["rc"] == 0, job["stdout"][-4000:]
    names = [db["DBInstanceIdentifier"] for db in worlds["swap"].client("rds").describe_db_instances()["DBInstances"]]
    assert DB_IDENTIFIER in names and any(name.startswith(DB_IDENTIFIER + "-old-") for name in names), names
    # The other world's production was never touched by the swap.
    shared = [db["DBInstanceIdentifier"] for db in worlds["shared"].client("rds").describe_db_instances()["DBInstances"]]
    assert not any(name.startswith(DB_IDENTIFIER + "-old-") for name in shared), shared


def test_the_tenant_restore_copied_back_what_was_lost(jobs, worlds):
    """With the survey's defaults (s3_restore_plan_only "false") the restore copies back, not only plans."""
    if "s3_restore" not in jobs:
        pytest.fail("no s3_restore job template")
    job = jobs["s3_restore"]
    assert job["rc"] == 0, job["stdout"][-4000:]
    body = worlds["shared"].client("s3").get_object(Bucket=LOST_BUCKET, Key=LOST_KEY)["Body"].read().decode()
    assert body == "%s of tenant 12\n" % LOST_KEY
    assert not any("plan only" in note for note in job["report"]["notes"]), job["report"]["notes"]


def test_the_restore_testing_validator_reported_back_to_aws_backup(jobs, worlds):
    """With the survey's defaults (the last 48 hours) the validator finds the plan's jobs and records a validation."""
    if "validate_restore_tests" not in jobs:
        pytest.fail("no validate_restore_tests job template")
    job = jobs["validate_restore_tests"]
    assert job["rc"] == 0, job["stdout"][-4000:]
    backup = worlds["shared"].client("backup")
    statuses = [backup.describe_restore_job(RestoreJobId=job_id).get("ValidationStatus") for job_id in job["prepared"]]
    assert job["prepared"] and statuses == ["SUCCESSFUL"] * len(job["prepared"]), statuses


def test_the_restore_access_request_was_approved_and_shows_the_air_gapped_point(jobs, worlds):
    """With the survey's defaults (wait "true") the job waits for the approval team, then names the vault to restore from."""
    if "restore_access_vault" not in jobs:
        pytest.fail("no restore_access_vault job template")
    job = jobs["restore_access_vault"]
    assert job["rc"] == 0, job["stdout"][-4000:]
    backup = worlds["shared"].client("backup")
    vault_arn, copy_arn = job["prepared"]
    access = [backup.describe_backup_vault(BackupVaultName=v["BackupVaultName"])
              for v in backup.list_backup_vaults(ByVaultType="RESTORE_ACCESS_BACKUP_VAULT")["BackupVaultList"]]
    assert [(v["SourceBackupVaultArn"], v["VaultState"]) for v in access] == [(vault_arn, "AVAILABLE")]
    exposed = points_of(backup, access[0]["BackupVaultName"])
    assert [p["RecoveryPointArn"] for p in exposed] == [copy_arn]
    assert any("restorekit_backup_vault_name=%s" % access[0]["BackupVaultName"] in note for note in job["report"]["notes"])
