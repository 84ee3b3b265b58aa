# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""restorekit.aws.backup_job_info, run by ansible-playbook against the seeded emulator.

Every expectation is computed independently with boto3 over the same window (absolute times, so the module and the
test search exactly the same window). The emulator lists jobs and points in a shuffled order, so a module that
trusted the API's order would report the wrong newest recovery point here.
"""

import datetime

from tests.e2e.helpers import run_playbook

UTC = datetime.timezone.utc
# Per job type: paginator, list key, id key (boto3), id key (module, snake_case), state key (boto3).
JOB_LISTS = {
    "backup": {"paginator": "list_backup_jobs", "items": "BackupJobs", "id": "BackupJobId", "snake_id": "backup_job_id", "state": "State"},
    "copy": {"paginator": "list_copy_jobs", "items": "CopyJobs", "id": "CopyJobId", "snake_id": "copy_job_id", "state": "State"},
    "restore": {"paginator": "list_restore_jobs", "items": "RestoreJobs", "id": "RestoreJobId", "snake_id": "restore_job_id",
                "state": "Status"},
}


def iso(when):
    return when.astimezone(UTC).isoformat()


def listed_jobs(backup, job_type, since, until):
    api = JOB_LISTS[job_type]
    pages = backup.get_paginator(api["paginator"]).paginate(ByCreatedAfter=since, ByCreatedBefore=until)
    return [job for page in pages for job in page[api["items"]]]


def expected_counts(backup, since, until):
    counts = {}
    for job_type, api in JOB_LISTS.items():
        per = counts.setdefault(job_type, {})
        for job in listed_jobs(backup, job_type, since, until):
            per[job[api["state"]]] = per.get(job[api["state"]], 0) + 1
    return counts


def expected_newest(backup, resource_type=None):
    """Per protected resource ARN, the newest COMPLETED/AVAILABLE point ARN and its CreationDate, from boto3."""
    resources = [r for page in backup.get_paginator("list_protected_resources").paginate() for r in page["Results"]
                 if resource_type is None or r["ResourceType"] == resource_type]
    newest = {}
    for resource in resources:
        pages = backup.get_paginator("list_recovery_points_by_resource").paginate(ResourceArn=resource["ResourceArn"])
        points = [p for page in pages for p in page["RecoveryPoints"] if p["Status"] in ("COMPLETED", "AVAILABLE")]
        best = max(points, key=lambda p: (p["CreationDate"], p["RecoveryPointArn"])) if points else None  # as the module breaks a tie
        newest[resource["ResourceArn"]] = (best["RecoveryPointArn"], best["CreationDate"]) if best else (None, None)
    return newest


# A future `since`, `since` after `until`, an unknown state and a time without offset fail with the option and value,
# before any AWS call (the counters are read right after these tasks).
BAD_INPUT = [
    {"name": "Future since", "restorekit.aws.backup_job_info": {"since": "2999-01-01T00:00:00Z"},
     "register": "future", "ignore_errors": True},
    {"name": "Since after until", "restorekit.aws.backup_job_info": {"since": "-1h", "until": "-2h"},
     "register": "inverted", "ignore_errors": True},
    {"name": "Unknown state", "restorekit.aws.backup_job_info": {"states": ["FAILED", "BROKEN"]},
     "register": "unknown", "ignore_errors": True},
    {"name": "No offset", "restorekit.aws.backup_job_info": {"since": "2026-11-20T05:00:00"},
     "register": "naive", "ignore_errors": True},
]
BAD_INPUT_NAMES = ["future", "inverted", "unknown", "naive"]


def check_bad_input(out):
    assert out["after_bad"]["json"]["requests"].get("backup", {}) == {}
    assert out["future"]["failed"] is True and "since='2999-01-01T00:00:00Z' is in the future" in out["future"]["msg"]
    assert out["inverted"]["failed"] is True
    assert "since='-1h'" in out["inverted"]["msg"] and "until='-2h'" in out["inverted"]["msg"]
    assert out["unknown"]["failed"] is True and "states" in out["unknown"]["msg"] and "BROKEN" in out["unknown"]["msg"]
    assert out["naive"]["failed"] is True and "since='2026-11-20T05:00:00'" in out["naive"]["msg"]


def test_failed_backup_is_a_problem_and_counts_match_boto3_throttled_or_not(emulator, world, tmp_path, clean_faults):
    """A backup job that failed shows in `problems` with its resource and message; counts, job lists and the newest
    recovery point of every protected resource are what boto3 lists independently, and what the module returns for the
    same window with 30% of the requests throttled. Bad input fails first, with no AWS call at all."""
    backup = emulator.client("backup")
    since = datetime.datetime.now(UTC) - datetime.timedelta(days=10)
    failing_arn = "arn:aws:s3:::%s" % world["buckets"]["100"]
    message = "Injected: access denied to %s" % world["buckets"]["100"]
    emulator.control("jobs/fail-next", {"job_kind": "backup", "resource_type": "S3", "message": message})
    failed = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=failing_arn, IamRoleArn=world["backup_role_arn"])
    emulator.wait_for_jobs()
    assert backup.describe_backup_job(BackupJobId=failed["BackupJobId"])["State"] == "FAILED"
    until = datetime.datetime.now(UTC) + datetime.timedelta(seconds=1)
    window = {"since": iso(since), "until": iso(until)}

    control = emulator.endpoint + "/_restorekit/"
    tasks = BAD_INPUT + [
        {"name": "Requests served so far", "ansible.builtin.uri": {"url": control + "counters"}, "register": "after_bad"},
        {"name": "All jobs of the window", "restorekit.aws.backup_job_info": window, "register": "health"},
        {"name": "Failed S3 backup jobs into the vault", "restorekit.aws.backup_job_info":
            dict(window, job_types=["backup"], states=["FAILED"], resource_type="S3", backup_vault_name=world["vault"],
                 protected_resources=False), "register": "failed"},
        {"name": "Check mode", "restorekit.aws.backup_job_info": window, "check_mode": True, "register": "checked"},
        # The same window again with 30% of AWS Backup requests throttled (the emulator's control API).
        {"name": "Forget the requests so far", "ansible.builtin.uri": {"url": control + "counters", "method": "DELETE"}},
        {"name": "Throttle 30% of AWS Backup requests", "ansible.builtin.uri": {
            "url": control + "faults", "method": "POST", "body_format": "json",
            "body": {"throttle": {"fraction": 0.3, "services": ["backup"]}, "seed": 7}}},
        {"name": "All jobs of the window, throttled", "restorekit.aws.backup_job_info": window, "register": "throttled"},
        {"name": "Requests throttled", "ansible.builtin.uri": {"url": control + "counters"}, "register": "after_throttled"},
        {"name": "No more throttling", "ansible.builtin.uri": {"url": control + "faults", "method": "DELETE"}},
    ]
    emulator.control("counters", method="DELETE")
    out = run_playbook(emulator, tmp_path, tasks, BAD_INPUT_NAMES + ["after_bad", "health", "failed", "checked", "throttled",
                                                                     "after_throttled"])
    check_bad_input(out)

    health = out["health"]
    assert health["changed"] is False
    assert health["window"] == {"since": iso(since), "until": iso(until)}
    assert health["counts"] == expected_counts(backup, since, until)
    assert health["counts"]["backup"]["COMPLETED"] > 0 and health["counts"]["copy"]["COMPLETED"] > 0
    for job_type, api in JOB_LISTS.items():
        returned = health["%s_jobs" % job_type]
        assert sorted(j[api["snake_id"]] for j in returned) == sorted(j[api["id"]] for j in listed_jobs(backup, job_type, since, until))
        dates = [j["creation_date"] for j in returned]
        assert dates == sorted(dates, reverse=True), "%s jobs not newest first" % job_type

    problem = [p for p in health["problems"] if p["job_id"] == failed["BackupJobId"]]
    assert problem == [dict(problem[0], job_type="backup", state="FAILED", resource_arn=failing_arn, resource_type="S3",
                            status_message=message)]
    assert {p["state"] for p in health["problems"]} <= {"FAILED", "ABORTED", "EXPIRED", "PARTIAL"}

    newest = expected_newest(backup)
    assert {r["resource_arn"]: r["newest_recovery_point_arn"] for r in health["protected_resources"]} == \
        {arn: found[0] for arn, found in newest.items()}
    # The failed job left no recovery point: tenant 100's newest point is the one boto3 finds, made by an earlier job.
    assert newest[failing_arn][0] is not None

    assert [j["backup_job_id"] for j in out["failed"]["backup_jobs"]] == \
        [j["BackupJobId"] for j in listed_jobs(backup, "backup", since, until) if j["State"] == "FAILED" and j["ResourceType"] == "S3"]
    assert failed["BackupJobId"] in [j["backup_job_id"] for j in out["failed"]["backup_jobs"]]
    assert set(out["failed"]["counts"]) == {"backup"} and set(out["failed"]["counts"]["backup"]) == {"FAILED"}
    assert "copy_jobs" not in out["failed"] and "protected_resources" not in out["failed"]
    assert out["checked"]["counts"] == health["counts"]

    # With 30% of requests throttled, the module retries and returns what it returned unthrottled.
    faulted = out["after_throttled"]["json"]["faults"].get("backup", {})
    assert sum(faulted.values()) > 0, "no request was throttled: the test proves nothing"
    throttled = out["throttled"]
    assert throttled["counts"] == health["counts"]
    for job_type, api in JOB_LISTS.items():
        key = api["snake_id"]
        assert [j[key] for j in throttled["%s_jobs" % job_type]] == [j[key] for j in health["%s_jobs" % job_type]]
    assert [(r["resource_arn"], r["newest_recovery_point_arn"]) for r in throttled["protected_resources"]] == \
        [(r["resource_arn"], r["newest_recovery_point_arn"]) for r in health["protected_resources"]]
    assert [p["job_id"] for p in throttled["problems"]] == [p["job_id"] for p in health["problems"]]


def test_bucket_older_than_rpo_is_stale(emulator, world, tmp_path):
    """A bucket whose only recovery point was taken 30 hours ago is stale against a 26 hour RPO, fresh against 48."""
    backup = emulator.client("backup")
    s3 = emulator.client("s3")
    bucket = "multi-tenant-app-prod-tenant-stale"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="reports/day-01.csv", Body=b"day,1\n")
    arn = "arn:aws:s3:::%s" % bucket
    emulator.control("clock", {"advance_seconds": -30 * 3600})
    try:
        job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn=arn, IamRoleArn=world["backup_role_arn"])
        emulator.wait_for_jobs()
    finally:
        emulator.control("clock", {"advance_seconds": 30 * 3600})
    point_arn = backup.describe_backup_job(BackupJobId=job["BackupJobId"])["RecoveryPointArn"]

    tasks = [
        {"name": "S3 resources against 26 hours", "restorekit.aws.backup_job_info":
            {"job_types": ["backup"], "resource_type": "S3", "rpo_hours": 26}, "register": "strict"},
        {"name": "S3 resources against 48 hours", "restorekit.aws.backup_job_info":
            {"job_types": ["backup"], "resource_type": "S3", "rpo_hours": 48}, "register": "lenient"},
    ]
    out = run_playbook(emulator, tmp_path, tasks, ["strict", "lenient"])

    strict = {r["resource_arn"]: r for r in out["strict"]["protected_resources"]}
    assert strict[arn]["stale"] is True
    assert strict[arn]["newest_recovery_point_arn"] == point_arn
    assert 29.5 < strict[arn]["age_hours"] < 31
    lenient = {r["resource_arn"]: r for r in out["lenient"]["protected_resources"]}
    assert lenient[arn]["stale"] is False and lenient[arn]["newest_recovery_point_arn"] == point_arn

    newest = expected_newest(backup, "S3")
    assert set(strict) == set(newest) and {r["resource_type"] for r in strict.values()} == {"S3"}
    for resource_arn, resource in strict.items():
        assert resource["newest_recovery_point_arn"] == newest[resource_arn][0]
        assert resource["stale"] is (resource["age_hours"] is None or resource["age_hours"] > 26)
    order = [r["stale"] for r in out["strict"]["protected_resources"]]
    assert order == sorted(order, reverse=True), "stale resources are not listed first"
    # The backup job ran 30 hours ago on the emulator's clock: outside the default 24 hour window.
    assert job["BackupJobId"] not in [j["backup_job_id"] for j in out["strict"]["backup_jobs"]]
