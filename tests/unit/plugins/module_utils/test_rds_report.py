# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the restore report of rds_restore.yml says of the restore (module_utils/_rds/report.py), without Ansible."""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._rds import report

TARGET = "arn:aws:rds:us-east-1:123456789012:db:shop-dr-db-restore"
SOURCE = "arn:aws:rds:us-east-1:123456789012:db:shop-dr-db"
POINT = {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1", "resource_arn": SOURCE}


def result(**changes):
    done = {"changed": True, "method": "backup", "reason": "newest AWS Backup point", "recovery_point": POINT,
            "restore_job": {"restore_job_id": "j1", "restore_job": {"status": "COMPLETED"}}, "instance": {"db_instance_arn": TARGET},
            "adopted": False, "source": {"db_instance_arn": SOURCE}, "notes": ["backup restore: newest AWS Backup point"]}
    done.update(changes)
    return done


def test_a_backup_restore_reports_its_point_job_and_new_instance_and_leaves_the_source_alone():
    checks = [{"name": "three plans", "result": "pass"}]
    said = report.restore_report(result(), checks=checks, validate=True)
    assert said["recovery_points"] == [POINT] and [j["restore_job_id"] for j in said["restore_jobs"]] == ["j1"]
    assert said["resources"] == {"created": [TARGET], "changed": [], "left_alone": [SOURCE]}
    assert said["checks"] == checks and said["notes"] == ["backup restore: newest AWS Backup point"] and said["outcome"] == "succeeded"


def test_an_adopted_native_restore_changed_the_instance_and_has_no_recovery_point():
    said = report.restore_report(result(method="native", adopted=True, restore_job={}), checks=None, validate=False)
    assert said["recovery_points"] == [] and said["restore_jobs"] == []
    assert said["resources"]["created"] == [] and said["resources"]["changed"] == [TARGET]
    assert said["notes"][-1] == "rds_restore_validate is false or no table declarations given: not validated"


def test_a_run_that_failed_before_or_during_the_restore_says_so_and_claims_nothing_created():
    early = report.restore_report({}, failure="Check the world before restoring: vault not found")
    assert early["notes"][:2] == ["no restore: not decided", "failed at Check the world before restoring: vault not found"]
    assert early["outcome"] == "failed" and early["resources"] == {"created": [], "changed": [], "left_alone": []}
    during = report.restore_report({"failed": True, "msg": "timeout", "method": "backup", "reason": "newest point",
                                    "restore_job": {"restore_job_id": "j2", "restore_job": {"status": "RUNNING"}}},
                                   failure="Restore the database: timeout")
    assert during["notes"][0] == "backup restore: newest point" and during["resources"]["created"] == []
    assert [j["restore_job_id"] for j in during["restore_jobs"]] == ["j2"]
