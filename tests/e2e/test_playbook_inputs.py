# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input to the responders' playbooks, given as a responder gives it (-e key=value, JSON, AWX survey strings),
fails before any AWS call that changes anything, naming the variable and its value; the report still says so.

The emulator's request counters, reset before each run, prove it: nothing but reads (Describe, Get, List, Head) was
served. The rules themselves, variable by variable, are unit-tested in tests/unit/plugins/module_utils/test_role_inputs.py."""

import json
import os
import subprocess

import pytest

from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env

READS = ("Describe", "Get", "List", "Head")
FUTURE = "2999-01-01T00:00:00Z"

CASES = [
    # (case id, playbook, extra vars, what the output must name)
    ("s3-kms-not-a-key", "s3_restore.yml",
     {"s3_restore_tenant_ids": ["12"], "s3_restore_encryption_type": "SSE-KMS", "s3_restore_kms_key_arn": "not-a-key"},
     "s3_restore_kms_key_arn='not-a-key'"),
    ("s3-future-target-time", "s3_restore.yml", {"s3_restore_tenant_ids": "12", "s3_restore_target_time": FUTURE},
     "s3_restore_target_time='%s': is in the future" % FUTURE),
    ("s3-tenant-with-a-slash", "s3_restore.yml", {"s3_restore_tenant_ids": ["12", "1/2"]}, "s3_restore_tenant_ids[1]='1/2'"),
    ("s3-parallelism-as-a-survey-string", "s3_restore.yml", {"s3_restore_tenant_ids": "12", "s3_restore_parallelism": "0"},
     "s3_restore_parallelism='0': must be between 1 and 256"),
    # A mistyped mode is named, reported, and restores nothing (it is neither new nor in_place).
    ("rds-mode-mistyped", "rds_restore.yml", {"rds_restore_mode": "in-place"}, "rds_restore_mode='in-place': must be one of new, in_place"),
    ("rds-retention-out-of-range", "rds_restore.yml", {"rds_restore_backup_retention_period": "99"},
     "rds_restore_backup_retention_period='99': must be between 0 and 35"),
    ("rds-target-is-the-source", "rds_restore.yml", {"rds_restore_target_identifier": "multi-tenant-app-prod-db"}, "never the source"),
    # Both found by the drill's one check of its inputs, in one message.
    ("drill-empty-project-and-unparseable-created-after", "restore_drill.yml",
     {"restorekit_project_name": "", "restore_drill_created_after": "last tuesday"},
     ("restorekit_project_name='': is empty", "restore_drill_created_after='last tuesday': is not a time")),
    ("rds-validate-table-declared-twice", "rds_restore.yml", {"rds_restore_validate": True, "rds_restore_validate_static_tables": ["plans", "plans"]},
     "rds_restore_validate_static_tables=['plans', 'plans']: names 'plans' twice"),
    # backup_health.yml's bad input: tests/e2e/test_backup_health.py::test_bad_input_fails_before_anything.
    ("restore-tests-count-percent-as-a-survey-string", "validate_restore_tests.yml", {"restore_testing_s3_min_count_percent": "101"},
     "restore_testing_s3_min_count_percent='101': must be between 0 and 100"),
    ("restore-tests-one-job-and-a-window", "validate_restore_tests.yml",
     {"restore_testing_job_id": "0D2C3E4F-1A2B-4C5D-8E9F-0A1B2C3D4E5F", "restore_testing_created_after": "-1d"},
     "validate either one job (restore_testing_job_id) or the jobs of a window, not both"),
    # ec2_restore.yml's bad input known without AWS (a future ec2_restore_target_time, a subnet a relaunch would ignore, ...):
    # tests/e2e/test_ec2_restore.py::test_bad_input_known_without_aws_is_named_before_any_call_that_changes_anything.
    # rds_restore_in_place.yml's bad input: tests/e2e/test_rds_swap.py::test_refused_without_the_confirmation_or_with_bad_input_changes_nothing.
    # A validation role's settings, given with -e, are checked before the restore whose result it validates.
    ("ec2-validate-retries-zero", "ec2_restore.yml", {"ec2_restore_group_name": "multi-tenant-app-prod-app-asg", "validate_ec2_retries": "0"},
     "validate_ec2_retries='0'"),
    ("s3-validate-parallelism-zero", "s3_restore.yml", {"s3_restore_tenant_ids": "12", "validate_s3_parallelism": "0"},
     "validate_s3_parallelism='0'"),
    ("rds-validate-mysql-parallelism-zero", "rds_restore.yml",
     {"rds_restore_validate": "true", "rds_restore_validate_static_tables": ["plans"], "validate_mysql_parallelism": "0"},
     "validate_mysql_parallelism='0'"),
    ("drill-validate-ec2-url-not-http", "restore_drill.yml", {"validate_ec2_http_url": "ftp://app"}, "validate_ec2_http_url='ftp://app'"),
    ("in-place-validate-mysql-timeout-zero", "rds_restore_in_place.yml",
     {"rds_restore_mode": "in_place", "rds_swap_confirm": "multi-tenant-app-prod-db", "rds_swap_db_password": "not-shown",
      "validate_mysql_connect_timeout": "0"}, "validate_mysql_connect_timeout='0'"),
]


@pytest.mark.parametrize("case, playbook, extra, named", CASES, ids=[c[0] for c in CASES])
def test_bad_input_fails_before_any_change_naming_the_variable(emulator, world, tmp_path, case, playbook, extra, named):
    env = ansible_env(emulator, tmp_path, RESTOREKIT_ENDPOINT_URL=emulator.endpoint)
    extra = dict(extra, restore_report_dir=str(tmp_path / "reports"))
    emulator.control("counters", method="DELETE")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"), os.path.join(ROOT, "playbooks", playbook),
                           "-e", json.dumps(extra)], cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=600, check=False)
    served = emulator.control("counters")["requests"]
    operations = sorted("%s:%s" % (service, op) for service, ops in served.items() for op in ops)
    assert proc.returncode != 0, proc.stdout[-3000:]
    for text in (named,) if isinstance(named, str) else named:
        assert text in proc.stdout, (text, proc.stdout[-3000:])
    assert [op for op in operations if not op.split(":", 1)[1].startswith(READS)] == [], operations
    if playbook != "restore_drill.yml":
        reports = sorted((tmp_path / "reports").glob("*.json"))
        assert json.loads(reports[-1].read_text(encoding="utf-8"))["outcome"] == "failed"
