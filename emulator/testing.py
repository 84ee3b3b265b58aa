"""What every suite that runs against the emulator shares: the pytest fixtures of a seeded world, emulators of a test
module's own, and the few boto3 reads tests make of it.

The fixtures are imported by the conftest.py of both suites, so the emulator's self-tests
(`emulator/tests/`) and the collection's end-to-end tests (`tests/e2e/`) get the same ones:
- `emulator`: one emulator per test session (per pytest worker), and `world`, the runbook's world seeded in it;
- `clean_faults`: faults and job durations a test sets are undone after it;
- `backup`: a boto3 AWS Backup client of the emulator.

`air_gapped_copy` makes a logically air-gapped vault holding a copy of a point (a seeded one, say) without touching the
seeded world; `wait_vault_available` waits for a new vault as a client must.
"""

import contextlib
import json
import os
import subprocess
import sys
import time

import botocore.exceptions
import pytest

from emulator.client import CREDENTIALS, REGION, Emulator
from emulator.seed import seed

# A safety net against hangs only (attempts, not seconds).
MAX_POLLS = 3000
# The Multi-party approval team the suites associate with their air-gapped vaults (there is no MPA service here).
MPA_TEAM = "arn:aws:mpa:us-east-1:210987654321:approval-team/recovery-team-1"
PYTHON = sys.executable
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")


@contextlib.contextmanager
def own_emulator(tmp_path_factory, name):
    """Start an emulator with its state and log under the session's temporary folder; stop it, whatever happened.

    For changes no other test may see (renamed production, deleted resources, other names); the session's shared
    world is the `emulator` fixture."""
    base = tmp_path_factory.mktemp(name)
    emu = Emulator(state_dir=str(base / "state"), log_path=str(base / "emulator.log")).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with own_emulator(tmp_path_factory, "emulator") as emu:
        yield emu


@pytest.fixture(scope="session")
def world(emulator):  # pylint: disable=redefined-outer-name
    """The seeded world's names and ARNs (see emulator/seed.py)."""
    return seed(emulator)


@pytest.fixture
def clean_faults(emulator):  # pylint: disable=redefined-outer-name
    """Faults and job settings a test changes are undone after it."""
    yield emulator
    emulator.control("faults", method="DELETE")
    emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 0, "deletion": 0})


@pytest.fixture
def backup(emulator):  # pylint: disable=redefined-outer-name
    return emulator.client("backup")


def points_of(backup_client, vault, **filters):
    """Every recovery point of VAULT (all pages), with ListRecoveryPointsByBackupVault's FILTERS."""
    pages = backup_client.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=vault, **filters)
    return [p for page in pages for p in page["RecoveryPoints"]]


def newest(points):
    """The newest COMPLETED point: other tests may leave newer points in other states."""
    return max((p for p in points if p["Status"] == "COMPLETED"), key=lambda p: p["CreationDate"])


def newest_scheduled(points):
    """The newest COMPLETED point a backup plan made. Tests that need the seeded history (production moved on after its
    last backup) use this one: other tests on the same worker may start on-demand backups, whose points hold later data."""
    return newest(p for p in points if (p.get("CreatedBy") or {}).get("BackupPlanId"))


def wait_restore(backup_client, job_id, interval=0.1):
    """Poll DescribeRestoreJob until the job is final; return the last description."""
    for _attempt in range(MAX_POLLS):
        job = backup_client.describe_restore_job(RestoreJobId=job_id)
        if job["Status"] in ("COMPLETED", "FAILED", "ABORTED"):
            return job
        time.sleep(interval)
    raise AssertionError("restore job %s did not finish" % job_id)


def wait_deletion(backup_client, job_id, interval=0.1):
    """Poll DescribeRestoreJob until the deletion of what a restore test restored has ended (DeletionStatus SUCCESSFUL
    or FAILED); return the last description."""
    for _attempt in range(MAX_POLLS):
        job = backup_client.describe_restore_job(RestoreJobId=job_id)
        if job.get("DeletionStatus") in ("SUCCESSFUL", "FAILED"):
            return job
        time.sleep(interval)
    raise AssertionError("the deletion of what restore job %s restored did not end" % job_id)


def newest_completed(backup_client, vault, resource_arn):
    """The newest COMPLETED recovery point of one resource, chosen by CreationDate across all pages."""
    points = [p for p in points_of(backup_client, vault, ByResourceArn=resource_arn) if p["Status"] == "COMPLETED"]
    assert points, "no completed recovery point of %s" % resource_arn
    return max(points, key=lambda p: p["CreationDate"])


def run_aws_playbook(emulator, tmp_path, tasks, registered):
    """Run `tasks` on localhost with every amazon.aws module aimed at the emulator; return the registered results.

    The play ends by writing each variable named in `registered` into one JSON file, so assertions are made in Python.
    Nothing of the machine's Ansible or AWS configuration is read: config, HOME and collections path are tmp_path's.
    """
    results = tmp_path / "results.json"
    content = "{{ {%s} | to_nice_json }}" % ", ".join("'%s': %s" % (name, name) for name in registered)
    play = [{
        "name": "amazon.aws against the emulator", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/aws": {"endpoint_url": emulator.endpoint, "region": REGION,
                                          "access_key": CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                          "secret_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"]}},
        "tasks": tasks + [{"name": "Save the registered results", "ansible.builtin.copy": {"content": content, "dest": str(results)}}],
    }]
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(json.dumps(play, indent=2), encoding="utf-8")  # JSON is YAML, and needs no quoting care
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\nretry_files_enabled = false\n", encoding="utf-8")
    (tmp_path / "collections").mkdir(exist_ok=True)
    env = dict(emulator.env())
    env.update({
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": os.environ.get("LANG") or "C.UTF-8",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "ANSIBLE_CONFIG": str(config), "ANSIBLE_COLLECTIONS_PATH": str(tmp_path / "collections"),
        "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "ansible-playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return json.loads(results.read_text(encoding="utf-8"))


def wait_vault_available(backup_client, vault_name, interval=0.1):
    """Poll DescribeBackupVault until the vault's VaultState is AVAILABLE (a new air-gapped vault is CREATING first)."""
    for _attempt in range(MAX_POLLS):
        state = backup_client.describe_backup_vault(BackupVaultName=vault_name)["VaultState"]
        if state == "AVAILABLE":
            return
        assert state == "CREATING", "vault %s is %s" % (vault_name, state)
        time.sleep(interval)
    raise AssertionError("vault %s stayed CREATING" % vault_name)


def air_gapped_copy(emulator, source_vault, point_arn, role_arn, name, days=14, min_days=7, max_days=35):  # pylint: disable=redefined-outer-name
    """Make the logically air-gapped vault NAME (retention MIN_DAYS..MAX_DAYS), copy POINT_ARN of SOURCE_VAULT into it to be
    kept DAYS days, and return (vault ARN, the copy's recovery point ARN). The copy job must complete."""
    backup_client = emulator.client("backup")
    vault = backup_client.create_logically_air_gapped_backup_vault(
        BackupVaultName=name, MinRetentionDays=min_days, MaxRetentionDays=max_days)
    wait_vault_available(backup_client, name)
    job = backup_client.start_copy_job(RecoveryPointArn=point_arn, SourceBackupVaultName=source_vault, IamRoleArn=role_arn,
                                       DestinationBackupVaultArn=vault["BackupVaultArn"], Lifecycle={"DeleteAfterDays": days})
    emulator.wait_for_jobs()
    copied = backup_client.describe_copy_job(CopyJobId=job["CopyJobId"])["CopyJob"]
    assert copied["State"] == "COMPLETED", copied.get("StatusMessage")
    return vault["BackupVaultArn"], copied["DestinationRecoveryPointArn"]


def error_of(call, *args, **kwargs):
    """The (code, HTTP status, message) a client sees for CALL, which must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(*args, **kwargs)
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def code_of(call, *args, **kwargs):
    """The error code a client sees for CALL, which must fail."""
    return error_of(call, *args, **kwargs)[0]


@contextlib.contextmanager
def recovery_organization(emulator):  # pylint: disable=redefined-outer-name
    """The seeded account as an organization's management account with a recovery account in it, AWS RAM sharing with
    the organization enabled; yields the recovery account's id, and leaves no organization behind."""
    organizations = emulator.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    recovery = organizations.create_account(AccountName="recovery", Email="recovery@example.com")["CreateAccountStatus"]["AccountId"]
    try:
        emulator.client("ram").enable_sharing_with_aws_organization()
        yield recovery
    finally:
        organizations.remove_account_from_organization(AccountId=recovery)
        organizations.delete_organization()
