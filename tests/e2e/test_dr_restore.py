# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Disaster recovery is a change of inventory: the same play restores from the DR copy vault in another region."""

import json
import os
import subprocess

import pymysql
import pytest

from emulator.seed import DB_PASSWORD
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, PYTHON, ROOT

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "restore_latest_db.yml")


@pytest.mark.parametrize("inventory, region, vault_key", [("emulator", "us-east-1", "vault"), ("emulator-dr", "us-west-2", "dr_vault")])
def test_same_play_restores_in_primary_and_dr_region(emulator, world, tmp_path, inventory, region, vault_key):
    """inventories/emulator and inventories/emulator-dr differ in region, vault and network only; both restores hold the data."""
    target = "multi-tenant-app-prod-db-restore-%s" % region
    results = tmp_path / "results.json"
    env = dict(os.environ, **emulator.env(region))
    env.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "HOME": str(tmp_path),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1"})
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", inventory), PLAYBOOK,
                           "-e", "restore_target=%s" % target, "-e", "restore_results_file=%s" % results],
                          env=env, cwd=str(tmp_path), capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = json.loads(results.read_text(encoding="utf-8"))
    assert out["point"]["backup_vault_name"] == world[vault_key]
    assert out["point"]["recovery_point_arn"].split(":")[3] == region
    assert out["restore"]["created_resource_arn"] == "arn:aws:rds:%s:123456789012:db:%s" % (region, target)
    expected_group = world["db_security_group_id"] if region == "us-east-1" else world["dr_db_security_group_id"]
    assert json.loads(out["restore"]["metadata"]["VpcSecurityGroupIds"]) == [expected_group]
    instance = emulator.client("rds", region=region).describe_db_instances(DBInstanceIdentifier=target)["DBInstances"][0]
    with pymysql.connect(host=instance["Endpoint"]["Address"], port=instance["Endpoint"]["Port"], user="admin", password=DB_PASSWORD,
                         database="app", connect_timeout=10) as conn, conn.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM plans")
        assert cur.fetchone()[0] == 3
