# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of backup_job_info: window and filters, counting, problems, newest point and staleness, without AWS."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health as jh

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def hours_ago(hours):
    return NOW - datetime.timedelta(hours=hours)


def backup_job(job_id, state, created, message=None, resource="arn:aws:s3:::multi-tenant-app-prod-tenant-1"):
    return {"BackupJobId": job_id, "State": state, "CreationDate": created, "ResourceArn": resource, "ResourceType": "S3",
            "ResourceName": resource.rsplit(":", 1)[1], "StatusMessage": message,
            "RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:%s" % job_id}


def restore_job(job_id, status, created, message=None):
    return {"RestoreJobId": job_id, "Status": status, "CreationDate": created, "ResourceType": "RDS",
            "SourceResourceArn": "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db", "StatusMessage": message,
            "RecoveryPointArn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-%s" % job_id}


def point(suffix, created, status="COMPLETED"):
    return {"RecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:%s" % suffix, "CreationDate": created,
            "Status": status, "BackupVaultName": "multi-tenant-app-prod-backup-vault"}


# --- options -----------------------------------------------------------------------------------------------

def test_defaults_are_the_last_24_hours_all_types_all_states():
    query = jh.build_query({}, now=NOW)
    assert query["job_types"] == ["backup", "copy", "restore"]
    assert (query["since"], query["until"]) == (hours_ago(24), NOW)
    assert query["states"] is None and query["rpo_hours"] == 26.0 and query["protected_resources"] is True
    for job_type in jh.JOB_TYPES:
        assert query["requests"][job_type] == {"ByCreatedAfter": hours_ago(24), "ByCreatedBefore": NOW}
    assert jh.window(query) == {"since": "2026-11-23T12:00:00+00:00", "until": "2026-11-24T12:00:00+00:00"}


def test_server_side_filters_per_job_type():
    query = jh.build_query({"since": "-7d", "until": "2026-11-24T06:00:00+02:00", "states": ["FAILED"], "resource_type": "S3",
                            "backup_vault_name": "vault-a"}, now=NOW)
    window = {"ByCreatedAfter": NOW - datetime.timedelta(days=7), "ByCreatedBefore": datetime.datetime(2026, 11, 24, 4, 0, tzinfo=UTC)}
    assert query["requests"]["backup"] == dict(window, ByResourceType="S3", ByState="FAILED", ByBackupVaultName="vault-a")
    # ListCopyJobs has no vault filter; ListRestoreJobs spells the state filter ByStatus.
    assert query["requests"]["copy"] == dict(window, ByResourceType="S3", ByState="FAILED")
    assert query["requests"]["restore"] == dict(window, ByResourceType="S3", ByStatus="FAILED")


def test_one_applicable_state_goes_server_side_none_skips_the_call():
    # EXPIRED is a backup job state only: copy and restore jobs are not listed; FAILED is the one state left for them.
    query = jh.build_query({"states": ["expired"]}, now=NOW)
    assert query["requests"]["backup"]["ByState"] == "EXPIRED"
    assert query["requests"]["copy"] is None and query["requests"]["restore"] is None
    query = jh.build_query({"states": ["FAILED", "EXPIRED"]}, now=NOW)
    assert "ByState" not in query["requests"]["backup"]
    assert query["requests"]["copy"]["ByState"] == "FAILED"
    assert query["requests"]["restore"]["ByStatus"] == "FAILED"


@pytest.mark.parametrize("params, named", [
    ({"since": "2999-01-01T00:00:00Z"}, "since='2999-01-01T00:00:00Z' is in the future"),
    ({"since": "-1h", "until": "-2h"}, "since='-1h'"),
    ({"since": "-1h", "until": "-2h"}, "until='-2h'"),
    ({"since": "yesterday"}, "since='yesterday'"),
    ({"since": "2026-11-20T05:00:00"}, "since='2026-11-20T05:00:00'"),
    ({"until": "soon"}, "until='soon'"),
    ({"states": ["FAILED", "BROKEN"]}, "BROKEN is not a job state"),
    ({"states": ["FAILED", "BROKEN"]}, "states="),
    ({"job_types": ["backup", "snapshot"]}, "job_types="),
    ({"resource_type": "s3"}, "resource_type='s3'"),
    ({"rpo_hours": 0}, "rpo_hours=0"),
])
def test_bad_options_name_the_option_and_value(params, named):
    with pytest.raises(jh.JobHealthError) as caught:
        jh.build_query(params, now=NOW)
    assert named in caught.value.message


def test_until_in_the_future_is_allowed():
    query = jh.build_query({"since": "-1h", "until": "2999-01-01T00:00:00Z"}, now=NOW)
    assert query["until"].year == 2999


# --- jobs ---------------------------------------------------------------------------------------------------

def test_keep_jobs_filters_states_and_sorts_newest_first_whatever_the_api_order():
    jobs = [backup_job("B", "COMPLETED", hours_ago(5)), backup_job("A", "FAILED", hours_ago(1)),
            backup_job("C", "COMPLETED", hours_ago(20)), backup_job("D", "RUNNING", hours_ago(1))]
    assert [j["BackupJobId"] for j in jh.keep_jobs("backup", jobs)] == ["D", "A", "B", "C"]
    assert [j["BackupJobId"] for j in jh.keep_jobs("backup", jobs, ["COMPLETED"])] == ["B", "C"]


def test_count_states_per_type_uses_restore_status():
    backups = [backup_job("A", "COMPLETED", hours_ago(1)), backup_job("B", "FAILED", hours_ago(2)),
               backup_job("C", "COMPLETED", hours_ago(3))]
    assert jh.count_states("backup", backups) == {"COMPLETED": 2, "FAILED": 1}
    restores = [restore_job("R1", "ABORTED", hours_ago(1)), restore_job("R2", "COMPLETED", hours_ago(2))]
    assert jh.count_states("restore", restores) == {"ABORTED": 1, "COMPLETED": 1}
    assert jh.count_states("copy", []) == {}


def test_problems_are_failed_aborted_expired_partial_with_resource_and_message():
    jobs = {
        "backup": [backup_job("OK", "COMPLETED", hours_ago(1)), backup_job("RUN", "RUNNING", hours_ago(1)),
                   backup_job("F", "FAILED", hours_ago(3), "Access denied", "arn:aws:s3:::multi-tenant-app-prod-tenant-100"),
                   backup_job("E", "EXPIRED", hours_ago(9), "Backup window passed"),
                   backup_job("P", "PARTIAL", hours_ago(2), "Some objects were skipped")],
        "copy": [{"CopyJobId": "CP", "State": "FAILED", "CreationDate": hours_ago(4), "ResourceArn": "arn:aws:s3:::b",
                  "ResourceType": "S3", "StatusMessage": "KMS key not usable in us-west-2",
                  "SourceRecoveryPointArn": "arn:aws:backup:us-east-1:123456789012:recovery-point:src"}],
        "restore": [restore_job("R", "ABORTED", hours_ago(5), "Cancelled"), restore_job("RC", "COMPLETED", hours_ago(5))],
    }
    found = jh.problems(jobs)
    assert [(p["job_type"], p["job_id"], p["state"]) for p in found] == [
        ("backup", "P", "PARTIAL"), ("backup", "F", "FAILED"), ("copy", "CP", "FAILED"), ("restore", "R", "ABORTED"),
        ("backup", "E", "EXPIRED")]
    failed = found[1]
    assert failed["resource_arn"] == "arn:aws:s3:::multi-tenant-app-prod-tenant-100"
    assert failed["status_message"] == "Access denied"
    assert failed["creation_date"] == hours_ago(3).isoformat()
    assert found[2]["recovery_point_arn"].endswith(":src")
    assert found[3]["resource_arn"] == "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"


# --- protected resources ------------------------------------------------------------------------------------

@pytest.mark.parametrize("order", [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 4, 0, 3, 1]])
def test_newest_point_is_the_max_creation_date_of_usable_points_in_any_order(order):
    points = [point("old", hours_ago(48)), point("newest-ok", hours_ago(5)), point("partial", hours_ago(1), "PARTIAL"),
              point("expired", hours_ago(2), "EXPIRED"), point("available", hours_ago(30), "AVAILABLE")]
    chosen = jh.newest_point([points[i] for i in order])
    assert chosen["RecoveryPointArn"].endswith(":newest-ok")


def test_newest_point_accepts_available_and_none_without_usable():
    assert jh.newest_point([point("a", hours_ago(3), "AVAILABLE"), point("c", hours_ago(7))])["RecoveryPointArn"].endswith(":a")
    assert jh.newest_point([point("p", hours_ago(1), "PARTIAL"), point("d", hours_ago(1), "DELETING")]) is None
    assert jh.newest_point([]) is None


def test_resource_health_age_and_staleness_at_the_rpo_boundary():
    resource = {"ResourceArn": "arn:aws:s3:::t1", "ResourceType": "S3", "ResourceName": "t1",
                # LastBackupTime says fresh, but that backup left no usable point: never trusted alone.
                "LastBackupTime": hours_ago(1)}
    fresh = jh.resource_health(resource, [point("x", hours_ago(26)), point("p", hours_ago(1), "PARTIAL")], NOW, 26.0)
    assert fresh["age_hours"] == 26.0 and fresh["stale"] is False
    assert fresh["newest_recovery_point_arn"].endswith(":x")
    assert fresh["newest_creation_date"] == hours_ago(26).isoformat()
    older = jh.resource_health(resource, [point("x", hours_ago(26) - datetime.timedelta(minutes=1))], NOW, 26.0)
    assert older["age_hours"] == 26.02 and older["stale"] is True
    missing = jh.resource_health(resource, [point("p", hours_ago(1), "PARTIAL")], NOW, 26.0)
    assert missing["stale"] is True and missing["age_hours"] is None and missing["newest_recovery_point_arn"] is None


def test_summarize_resources_puts_stale_and_oldest_first():
    def res(name):
        return {"ResourceArn": "arn:aws:s3:::%s" % name, "ResourceType": "S3", "ResourceName": name}

    pairs = [(res("fresh"), [point("f", hours_ago(2))]), (res("missing"), []), (res("old"), [point("o", hours_ago(50))]),
             (res("older-fresh"), [point("g", hours_ago(20))])]
    summary = jh.summarize_resources(pairs, NOW, 26.0)
    assert [(r["resource_name"], r["stale"]) for r in summary] == [
        ("missing", True), ("old", True), ("older-fresh", False), ("fresh", False)]


# --- the AWS calls, against a fake paginating client --------------------------------------------------------

class FakeClient:
    """Pages of canned results per paginator; records each paginate() request."""

    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def get_paginator(self, name):
        client = self

        class Paginator:
            def paginate(self, **request):
                client.calls.append((name, request))
                pages = client.pages[name] if not callable(client.pages[name]) else client.pages[name](request)

                class Result:
                    def build_full_result(self):
                        merged = {}
                        for page in pages:
                            for key, value in page.items():
                                merged.setdefault(key, []).extend(value)
                        return merged

                return Result()

        return Paginator()


def test_job_health_lists_every_page_and_asks_each_resource_for_its_points():
    arn1, arn2 = "arn:aws:s3:::t1", "arn:aws:rds:us-east-1:123456789012:db:d"
    client = FakeClient({
        "list_backup_jobs": [{"BackupJobs": [backup_job("A", "COMPLETED", hours_ago(2))]},
                             {"BackupJobs": [backup_job("B", "FAILED", hours_ago(1), "boom")]}],
        "list_copy_jobs": [{"CopyJobs": []}],
        "list_restore_jobs": [{"RestoreJobs": [restore_job("R", "COMPLETED", hours_ago(3))]}],
        "list_protected_resources": [{"Results": [{"ResourceArn": arn1, "ResourceType": "S3"}]},
                                     {"Results": [{"ResourceArn": arn2, "ResourceType": "RDS"}]}],
        "list_recovery_points_by_resource": lambda request: {
            arn1: [{"RecoveryPoints": [point("t1-old", hours_ago(40))]}, {"RecoveryPoints": [point("t1-new", hours_ago(4))]}],
            arn2: [{"RecoveryPoints": [point("d-old", hours_ago(30))]}],
        }[request["ResourceArn"]],
    })
    health = jh.job_health(client, jh.build_query({}, now=NOW))
    assert [j["BackupJobId"] for j in health["jobs"]["backup"]] == ["B", "A"]
    assert health["counts"] == {"backup": {"COMPLETED": 1, "FAILED": 1}, "copy": {}, "restore": {"COMPLETED": 1}}
    assert [p["job_id"] for p in health["problems"]] == ["B"]
    by_arn = {r["resource_arn"]: r for r in health["protected_resources"]}
    assert by_arn[arn1]["newest_recovery_point_arn"].endswith(":t1-new") and by_arn[arn1]["stale"] is False
    assert by_arn[arn2]["stale"] is True and by_arn[arn2]["age_hours"] == 30.0
    assert ("list_recovery_points_by_resource", {"ResourceArn": arn2}) in client.calls


def test_job_health_skips_impossible_types_and_filters_resources_by_type():
    client = FakeClient({
        "list_backup_jobs": [{"BackupJobs": [backup_job("E", "EXPIRED", hours_ago(2))]}],
        "list_protected_resources": [{"Results": [{"ResourceArn": "arn:aws:s3:::t1", "ResourceType": "S3"},
                                                  {"ResourceArn": "arn:aws:rds:us-east-1:1:db:d", "ResourceType": "RDS"}]}],
        "list_recovery_points_by_resource": [{"RecoveryPoints": []}],
    })
    health = jh.job_health(client, jh.build_query({"states": ["EXPIRED"], "resource_type": "RDS"}, now=NOW))
    assert [call[0] for call in client.calls if call[0].endswith("_jobs")] == ["list_backup_jobs"]
    assert health["jobs"]["copy"] == [] and health["counts"]["restore"] == {}
    assert [r["resource_arn"] for r in health["protected_resources"]] == ["arn:aws:rds:us-east-1:1:db:d"]


def test_job_health_without_protected_resources_makes_no_resource_call():
    client = FakeClient({"list_backup_jobs": [{"BackupJobs": []}]})
    health = jh.job_health(client, jh.build_query({"job_types": ["backup"], "protected_resources": False}, now=NOW))
    assert health["protected_resources"] is None
    assert [call[0] for call in client.calls] == ["list_backup_jobs"]


def test_legal_holds_are_listed_when_asked_with_the_points_of_those_in_force_only():
    point = {"RecoveryPointArn": "arn:aws:backup:us-east-1:1:recovery-point:p1", "ResourceArn": "arn:aws:s3:::t1", "ResourceType": "S3",
             "BackupVaultName": "v"}
    client = FakeClient({
        "list_backup_jobs": [{"BackupJobs": []}],
        "list_legal_holds": [{"LegalHolds": [{"LegalHoldId": "h1", "Title": "litigation", "Status": "ACTIVE", "CreationDate": hours_ago(5)}]},
                             {"LegalHolds": [{"LegalHoldId": "h0", "Title": "old", "Status": "CANCELED", "CreationDate": hours_ago(90)}]}],
        "list_recovery_points_by_legal_hold": [{"RecoveryPoints": [point]}],
    })
    health = jh.job_health(client, jh.build_query({"job_types": ["backup"], "protected_resources": False, "legal_holds": True}, now=NOW))
    assert [(h["legal_hold_id"], h["status"], len(h["recovery_points"])) for h in health["legal_holds"]] == [("h1", "ACTIVE", 1), ("h0", "CANCELED", 0)]
    assert health["legal_holds"][0]["recovery_points"][0] == {"recovery_point_arn": point["RecoveryPointArn"], "resource_arn": "arn:aws:s3:::t1",
                                                              "resource_type": "S3", "backup_vault_name": "v"}
    assert ("list_recovery_points_by_legal_hold", {"LegalHoldId": "h1"}) in client.calls
    assert ("list_recovery_points_by_legal_hold", {"LegalHoldId": "h0"}) not in client.calls
    assert jh.job_health(FakeClient({"list_backup_jobs": [{"BackupJobs": []}]}),
                         jh.build_query({"job_types": ["backup"], "protected_resources": False}, now=NOW))["legal_holds"] is None
