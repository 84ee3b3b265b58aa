# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore_testing role's decisions (module_utils/_backup/restore_test_steps.py), without Ansible or AWS."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_test_steps as rt

ROLE = {"iam_roles": [{"arn": "arn:aws:iam::123456789012:role/shop-dr-backup-role"}]}
DBS = {"results": [{"item": "shop-dr-db", "instances": [{"db_instance_arn": "arn:aws:rds:us-east-1:123456789012:db:shop-dr-db"}]}]}


def job(kind="S3", status="COMPLETED", validation=None, **extra):
    names = {"RDS": "shop-dr-db-restored", "S3": "shop-dr-tenant-7-restored", "EC2": "i-0123456789abcdef0"}
    entry = {"restore_job_id": "job-%s-%s" % (kind, status), "resource_type": kind, "status": status, "validation_status": validation,
             "created_resource_name": names[kind], "created_resource_arn": "arn:%s" % names[kind], "source_resource_name": "src",
             "source_resource_arn": "arn:src"}
    entry.update(extra)
    return entry


def test_problems_name_the_vault_the_role_and_each_missing_database():
    missing = {"results": [{"item": "a", "instances": []}, {"item": "b", "instances": [{}]}, {"item": "c", "skipped": True}]}
    assert rt.problems({"backup_vaults": []}, {"iam_roles": []}, missing, "shop-dr-vault", "shop-dr-backup-role") == [
        "vault shop-dr-vault not found", "backup role shop-dr-backup-role not found", "DB instance(s) not found: a"]
    assert rt.problems({"backup_vaults": [{}]}, ROLE, {"skipped": True}, "v", "r") == []


def test_selections_follow_the_resource_types_and_name_the_tenants_buckets():
    picked = rt.selections(["S3", "RDS"], ROLE, DBS, ["7", "12"], "shop", "dr", {"RDS": {"DBInstanceClass": "db.t3.small"}}, 24)
    assert [s["name"] for s in picked] == ["rds", "s3"]
    assert picked[0]["protected_resource_arns"] == ["arn:aws:rds:us-east-1:123456789012:db:shop-dr-db"]
    assert picked[0]["restore_metadata_overrides"] == {"DBInstanceClass": "db.t3.small"}
    assert picked[1]["protected_resource_arns"] == ["arn:aws:s3:::shop-dr-tenant-7", "arn:aws:s3:::shop-dr-tenant-12"]
    assert "restore_metadata_overrides" not in picked[1] and picked[1]["validation_window_hours"] == 24
    assert rt.selections(["S3", "EC2"], ROLE, None, [], "shop", "dr", {}, 8)[0]["protected_resource_arns"] == ["*"]


def test_the_window_starts_at_the_given_time_or_the_lookback_before_now():
    now = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)
    assert rt.window("", "48", now=now) == "2026-11-22T12:00:00+00:00"
    assert rt.window("2026-11-23T00:00:00Z", 48, now=now) == "2026-11-23T00:00:00Z"


@pytest.mark.parametrize("revalidate, count", [(False, 2), ("false", 2), ("true", 3)])
def test_sort_validates_completed_jobs_once_unless_asked_again(revalidate, count):
    jobs = [job(), job("RDS", validation="VALIDATING"), job("EC2", validation="SUCCESSFUL"), job("S3", "FAILED", status_message="AccessDenied"),
            job("RDS", "RUNNING")]
    sorted_jobs = rt.sort(jobs, revalidate)
    assert len(sorted_jobs["to_validate"]) == count
    assert [(o["validation_status"], o["message"]) for o in sorted_jobs["outcomes"]] == [
        ("FAILED", "the restore job is FAILED: AccessDenied"), ("NOT_VALIDATED", "the restore job is RUNNING")]
    assert [c["result"] for c in sorted_jobs["checks"]] == ["fail", "skip"]


@pytest.mark.parametrize("revalidate", [False, True])
def test_sort_leaves_jobs_whose_restore_aws_deleted(revalidate):
    """A job whose restore AWS Backup deleted (its window ended, or its result was reported) is not validated: there is
    nothing to read, and a result put now would overwrite the real one. Never validated: a warning; re-validation of a
    reported one: skipped, its result standing."""
    missed = job("RDS", validation="VALIDATING", deletion_status="SUCCESSFUL")
    reported = job("S3", validation="SUCCESSFUL", deletion_status="DELETING")
    failed_deletion = job("EC2", validation=None, deletion_status="FAILED", deletion_status_message="OperationNotPermitted")
    sorted_jobs = rt.sort([missed, reported, failed_deletion, job()], revalidate)
    assert sorted_jobs["to_validate"] == [job()]
    expected = [missed, failed_deletion] + ([reported] if revalidate else [])
    assert sorted(j["restore_job_id"] for j in sorted_jobs["deleted"]) == sorted(j["restore_job_id"] for j in expected)
    outcomes = {o["restore_job_id"]: o for o in sorted_jobs["outcomes"]}
    assert {o["validation_status"] for o in outcomes.values()} == {"NOT_VALIDATED"}
    assert not any(o["reported"] for o in outcomes.values())
    assert outcomes[missed["restore_job_id"]]["message"] == (
        "AWS Backup deleted what the job restored (deletion SUCCESSFUL) before it was validated (its validation window "
        "ended); its validation stays VALIDATING")
    assert "(deletion FAILED: OperationNotPermitted)" in outcomes[failed_deletion["restore_job_id"]]["message"]
    checks = {c["name"]: c for c in sorted_jobs["checks"]}
    assert checks["restore testing job %s" % missed["restore_job_id"]]["result"] == "warn"
    if revalidate:
        assert outcomes[reported["restore_job_id"]]["message"].endswith("after its validation was reported; its validation stays SUCCESSFUL")
        assert checks["restore testing job %s" % reported["restore_job_id"]]["result"] == "skip"


def test_reported_brings_the_job_up_to_date_and_keeps_the_rest():
    """The job reported on takes AWS's answer (validation, deletion) over what it was listed with; its own keys stay."""
    jobs = [job("RDS", validation="VALIDATING"), job("S3", validation="VALIDATING")]
    answered = {"restore_job_id": "job-S3-COMPLETED", "validation_status": "SUCCESSFUL", "deletion_status": "DELETING"}
    updated = rt.reported(jobs, job=answered)
    assert [j["restore_job_id"] for j in updated] == ["job-RDS-COMPLETED", "job-S3-COMPLETED"]
    assert updated[0] == jobs[0]
    assert (updated[1]["validation_status"], updated[1]["deletion_status"]) == ("SUCCESSFUL", "DELETING")
    assert updated[1]["created_resource_name"] == "shop-dr-tenant-7-restored"
    assert rt.reported(jobs, job=None) == jobs and rt.reported(None, job=answered) == []


def test_bucket_checks_count_against_the_source_and_name_missing_critical_keys():
    restored = {"s3_keys": ["a", "b", "c"]}
    checks = rt.bucket_checks(job(), restored, {"s3_keys": ["a", "b", "c", "d"]}, 80, ["a", "z"])
    assert [c["result"] for c in checks] == ["pass", "fail", "fail"]
    assert checks[1]["details"]["needed"] == 4 and checks[2]["details"]["missing"] == ["z"]
    # The source cannot be listed (deleted since): the count is a warning; no critical keys: skipped.
    checks = rt.bucket_checks(job(), restored, {"skipped": True}, 80, [])
    assert [c["result"] for c in checks] == ["pass", "warn", "skip"]
    unlisted = rt.bucket_checks(job(), {"msg": "AccessDenied"}, {}, 80, ["a"])
    assert unlisted[0]["details"]["reasons"] == ["could not list shop-dr-tenant-7-restored: AccessDenied"]
    assert [c["result"] for c in unlisted] == ["fail", "warn", "fail"]


def test_a_job_succeeds_only_when_its_own_checks_ran_and_passed():
    passed = [{"name": "three plans", "target": "db", "result": "pass"}]
    outcome = rt.job_outcome(job("RDS"), described={"instances": [{"endpoint": {"address": "h"}}]}, mysql=passed,
                             ec2=[{"name": "other job's", "result": "fail"}])
    assert outcome["status"] == "SUCCESSFUL" and outcome["message"] == "1 check(s) passed on shop-dr-db-restored"
    assert outcome["checks"][0]["restore_job_id"] == "job-RDS-COMPLETED" and outcome["outcome"]["reported"] is True
    # Unreachable: validate_mysql did not run, and what it found for an earlier job is not this job's.
    unreachable = rt.job_outcome(job("RDS"), described={"instances": [], "msg": "DBInstanceNotFound"}, mysql=passed)
    assert unreachable["status"] == "FAILED" and unreachable["message"].startswith("1 of 1 check(s) failed on shop-dr-db-restored")
    assert "DBInstanceNotFound" in unreachable["checks"][0]["details"]["reasons"][0]
    none_ran = rt.job_outcome(job("EC2"), check_mode=True, ec2=[])
    assert none_ran["message"] == "no check could run on i-0123456789abcdef0" and none_ran["outcome"]["reported"] is False


def test_the_report_notes_each_outcome_and_fails_on_a_failed_validation_or_run():
    outcomes = [{"restore_job_id": "j1", "validation_status": "FAILED", "message": "1 of 2 check(s) failed"},
                {"restore_job_id": "j2", "validation_status": "SUCCESSFUL", "message": "2 check(s) passed"}]
    done = rt.report(outcomes, jobs=[{"created_resource_arn": "arn:a"}, {"created_resource_arn": None}])
    assert done["outcome"] == "failed" and done["notes"] == ["j1 FAILED 1 of 2 check(s) failed", "j2 SUCCESSFUL 2 check(s) passed"]
    assert done["resources"]["left_alone"] == ["arn:a"]
    assert done["failed_message"] == "1 restore testing job(s) failed validation: j1: 1 of 2 check(s) failed"
    assert rt.report([], jobs=[])["notes"] == ["no restore job of the plan in the window"]
    early = rt.report([], jobs=None, failure="Find the restore jobs the plan ran: AccessDenied")
    assert early["outcome"] == "failed" and early["notes"] == ["failed at Find the restore jobs the plan ran: AccessDenied"]
    assert rt.summary_lines(outcomes[1:], [1, 2], [1], "plan")[0] == "2 restore job(s) of plan found, 1 validated"
