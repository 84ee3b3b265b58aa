# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The responders' own playbooks with the DR inventory: after a loss of the primary region, RDS, S3 and EC2 are
restored from the 90-day copies in the DR vault (inventories/emulator-dr names it), into the DR region, with nothing
but the inventory changed. Preflight checks the inventory's vault, not one derived from the project's name."""

import json
import os
import subprocess
import uuid

import pymysql
import pytest

from emulator.seed import DB_PASSWORD
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env


def run(emulator, tmp_path, playbook, extra):
    """ansible-playbook -i inventories/emulator-dr playbooks/PLAYBOOK with EXTRA; (returncode, output, report)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = ansible_env(emulator, tmp_path, RESTOREKIT_ENDPOINT_URL=emulator.endpoint)
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name, None)
    extra = dict({"restore_report_dir": str(tmp_path / "reports")}, **extra)
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator-dr"),
                           os.path.join(ROOT, "playbooks", playbook), "-e", json.dumps(extra)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    reports = sorted((tmp_path / "reports").glob("*.json"))
    report = json.loads(reports[-1].read_text(encoding="utf-8")) if reports else None
    return proc.returncode, proc.stdout + proc.stderr, report


def dr_points(emulator, world, **filters):
    backup = emulator.client("backup", region=world["dr_region"])
    pages = backup.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=world["dr_vault"], **filters)
    return [p for page in pages for p in page["RecoveryPoints"] if p["Status"] == "COMPLETED"]


def restore_jobs(emulator, world):
    return emulator.client("backup", region=world["dr_region"]).list_restore_jobs()["RestoreJobs"]


def test_rds_restore_from_the_dr_copy_vault(emulator, world, tmp_path):
    target = "dr-db-%s" % uuid.uuid4().hex[:6]
    newest = max(dr_points(emulator, world, ByResourceType="RDS"), key=lambda p: p["CreationDate"])
    code, output, report = run(emulator, tmp_path, "rds_restore.yml", {"rds_restore_target_identifier": target, "rds_restore_poll_interval": 1})
    assert code == 0, output[-6000:]
    assert [(p["arn"], p["vault"]) for p in report["recovery_points"]] == [(newest["RecoveryPointArn"], world["dr_vault"])]
    rds = emulator.client("rds", region=world["dr_region"])
    restored = rds.describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
    assert [g["VpcSecurityGroupId"] for g in restored["VpcSecurityGroups"]] == [world["dr_db_security_group_id"]]
    with pymysql.connect(host=restored["Endpoint"]["Address"], port=restored["Endpoint"]["Port"], user="admin", password=DB_PASSWORD,
                         database="app", connect_timeout=10) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM plans")
        assert cur.fetchone()[0] == 3
    rds.modify_db_instance(DBInstanceIdentifier=target, DeletionProtection=False, ApplyImmediately=True)


def test_s3_restore_from_the_dr_copy_vault(emulator, world, tmp_path):
    """A tenant object lost in production comes back from the DR vault's copy: restored into a staging bucket in the DR
    region, copied back, validated, and the staging bucket removed."""
    tenant = "100"
    bucket = world["buckets"][tenant]
    s3 = emulator.client("s3")
    lost = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"])[0]
    body = s3.get_object(Bucket=bucket, Key=lost)["Body"].read()
    newest = max(dr_points(emulator, world, ByResourceArn="arn:aws:s3:::%s" % bucket), key=lambda p: p["CreationDate"])
    before = len(restore_jobs(emulator, world))
    s3.delete_object(Bucket=bucket, Key=lost)
    code, output, report = run(emulator, tmp_path, "s3_restore.yml", {
        "s3_restore_tenant_ids": [tenant], "s3_restore_run_id": "dr-" + uuid.uuid4().hex[:6], "s3_restore_poll_interval": 1,
        "validate_s3_remove_staging": True})
    assert code == 0, output[-6000:]
    assert report["outcome"] == "succeeded"
    assert [(p["arn"], p["vault"]) for p in report["recovery_points"]] == [(newest["RecoveryPointArn"], world["dr_vault"])]
    jobs = restore_jobs(emulator, world)
    assert len(jobs) == before + 1
    assert s3.get_object(Bucket=bucket, Key=lost)["Body"].read() == body
    assert "%s-restore" % bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


@pytest.fixture(scope="module")
def dr_profile(emulator):
    profile = "dr-app-%s" % uuid.uuid4().hex[:8]
    emulator.client("iam").create_instance_profile(InstanceProfileName=profile)
    return profile


def test_ec2_restore_from_the_dr_copy_vault(emulator, world, tmp_path, dr_profile):
    instance_id = world["app"]["instance_id"]
    newest = max(dr_points(emulator, world, ByResourceType="EC2"), key=lambda p: p["CreationDate"])
    code, output, report = run(emulator, tmp_path, "ec2_restore.yml", {
        "ec2_restore_method": "restore_job", "ec2_restore_instance_id": instance_id, "ec2_restore_instance_type": "t3.medium",
        "ec2_restore_subnet_id": world["dr_subnet_ids"][0], "ec2_restore_security_group_ids": [world["dr_db_security_group_id"]],
        "ec2_restore_instance_profile_name": dr_profile, "ec2_restore_poll_interval": 1,
        "validate_ec2_delay": 1, "validate_ec2_retries": 3})
    assert code == 0, output[-6000:]
    assert [(p["arn"], p["vault"]) for p in report["recovery_points"]] == [(newest["RecoveryPointArn"], world["dr_vault"])]
    ec2 = emulator.client("ec2", region=world["dr_region"])
    restored = ec2.describe_instances(Filters=[{"Name": "tag:restorekit:restored-from", "Values": [newest["RecoveryPointArn"]]}])
    instances = [i for r in restored["Reservations"] for i in r["Instances"]]
    assert instances and instances[0]["SubnetId"] == world["dr_subnet_ids"][0]
