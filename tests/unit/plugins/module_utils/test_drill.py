# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drill's rules without AWS: which resources a drill may delete, the record, finding a job lost by a kill, the S3 check."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _drill

UTC = datetime.timezone.utc
OPENED = datetime.datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
DB = "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-d1-db"
BUCKET = "arn:aws:s3:::multi-tenant-app-prod-drill-d1-tenant-12"
SOURCE_DB = "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"


def record(**extra):
    rec = _drill.new_record("d1", 7, 3600, {}, when=OPENED)
    rec["recovery_points"] = [{"recovery_point_arn": "rp-db", "resource_arn": SOURCE_DB}]
    rec.update(extra)
    return rec


def found(tags=None, created=OPENED + datetime.timedelta(minutes=5)):
    return {"exists": True, "tags": tags or {}, "created": created, "detail": {}}


@pytest.mark.parametrize("drill_id", ["d1", "20261124-030000", "a", "x" * 24])
def test_good_drill_ids(drill_id):
    assert _drill.check_drill_id(drill_id) == drill_id


@pytest.mark.parametrize("drill_id", ["", "D1", "-d1", "d1-", "d--1", "d_1", "x" * 25, "d1/../x"])
def test_bad_drill_ids_are_refused_naming_the_option(drill_id):
    with pytest.raises(_drill.DrillError, match="drill_id="):
        _drill.check_drill_id(drill_id)


def test_own_tag_may_be_deleted():
    assert _drill.ownership(record(), DB, found({_drill.TAG_KEY: "d1"}), 300) is None


def test_another_drills_tag_is_refused():
    reason = _drill.ownership(record(), DB, found({_drill.TAG_KEY: "d2"}), 300)
    assert reason and "another drill" in reason


def test_untagged_and_newer_than_the_record_may_be_deleted():
    # Killed before tagging: the resource came from a job of the record, after the record was opened.
    assert _drill.ownership(record(), DB, found(), 300) is None


def test_untagged_and_older_than_the_record_is_refused():
    reason = _drill.ownership(record(), DB, found(created=OPENED - datetime.timedelta(hours=2)), 300)
    assert reason and "before the drill opened its record" in reason


def test_within_the_clock_allowance_counts_as_newer():
    assert _drill.ownership(record(), DB, found(created=OPENED - datetime.timedelta(seconds=100)), 300) is None


def test_a_recovery_points_source_is_never_the_drills_even_when_tagged():
    reason = _drill.ownership(record(), SOURCE_DB, found({_drill.TAG_KEY: "d1"}), 300)
    assert reason and "source" in reason


def test_unknown_creation_time_untagged_is_refused():
    assert _drill.ownership(record(), DB, found(created=None), 300)


def test_candidates_are_the_record_and_its_jobs_only():
    rec = record(resources=[DB], jobs=[{"restore_job_id": "j1", "created_resource_arn": BUCKET},
                                       {"restore_job_id": "j2"}])
    assert _drill.candidates(rec) == [DB, BUCKET]


def test_add_to_record_is_idempotent():
    rec = record()
    job = {"restore_job_id": "j1", "resource_type": "RDS", "status": "RUNNING"}
    assert _drill.add_to_record(rec, job=job)
    assert not _drill.add_to_record(rec, job=dict(job))
    assert _drill.add_to_record(rec, job={"restore_job_id": "j1", "status": "COMPLETED", "created_resource_arn": DB})
    assert rec["jobs"] == [{"restore_job_id": "j1", "resource_type": "RDS", "status": "COMPLETED", "created_resource_arn": DB}]
    assert _drill.add_to_record(rec, resource_arn=DB) and not _drill.add_to_record(rec, resource_arn=DB)


@pytest.mark.parametrize("arn, service", [(DB, "rds"), (BUCKET, "s3"), ("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc", "ec2")])
def test_services(arn, service):
    assert _drill.service_of(arn) == service


@pytest.mark.parametrize("arn", ["arn:aws:rds:us-east-1:123456789012:snapshot:x", "arn:aws:ec2:us-east-1:1:volume/vol-1", "db-1"])
def test_nothing_else_is_a_drills_resource(arn):
    with pytest.raises(_drill.DrillError):
        _drill.service_of(arn)


def test_lease():
    rec = record()
    assert not _drill.lease_expired(rec, OPENED + datetime.timedelta(minutes=59))
    assert _drill.lease_expired(rec, OPENED + datetime.timedelta(minutes=60))


class Pages:
    def __init__(self, pages):
        self.pages = pages

    def paginate(self, **request):
        del request
        return self.pages


class FakeClient:
    """Just enough of a client for list calls: one page per method."""

    def __init__(self, **pages):
        self.pages = pages

    def get_paginator(self, method):
        return Pages(self.pages[method])


def test_a_job_lost_by_a_kill_is_found_by_its_planned_target_only():
    rec = record(planned=[{"resource_type": "RDS", "recovery_point_arn": "rp-db", "target_name": "multi-tenant-app-prod-drill-d1-db"}])
    backup = FakeClient(list_restore_jobs=[{"RestoreJobs": [
        # Someone else's restore of the same point to another name: not the drill's.
        {"RestoreJobId": "other", "RecoveryPointArn": "rp-db", "Status": "COMPLETED",
         "CreatedResourceArn": "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore"},
        {"RestoreJobId": "mine", "RecoveryPointArn": "rp-db", "Status": "COMPLETED", "CreatedResourceArn": DB},
        {"RestoreJobId": "undecided", "RecoveryPointArn": "rp-db", "Status": "RUNNING"},
    ]}])
    jobs, undecided = _drill.find_unrecorded_jobs(backup, rec)
    assert [j["restore_job_id"] for j in jobs] == ["mine"]
    assert undecided == ["undecided"]


def obj(key, size, etag, modified):
    return {"Key": key, "Size": size, "ETag": etag, "LastModified": modified}


def test_compare_buckets():
    point = OPENED
    before, after = OPENED - datetime.timedelta(days=1), OPENED + datetime.timedelta(days=1)
    s3 = {
        "restored": [obj("a", 1, "e1", point), obj("b", 2, "e2", point), obj("gone-since", 3, "e3", point)],
        "source": [obj("a", 1, "e1", before), obj("b", 2, "changed", after), obj("new", 4, "e4", after), obj("lost", 5, "e5", before)],
    }

    class S3:
        def get_paginator(self, method):
            assert method == "list_objects_v2"
            return self

        def paginate(self, Bucket):  # pylint: disable=invalid-name
            return [{"Contents": s3[Bucket]}]

        def get_object_acl(self, Bucket, Key):  # pylint: disable=invalid-name
            del Bucket, Key
            return {"Grants": []}  # private: a missing object is lost, not skipped for a public ACL

    checks = {c["name"]: c for c in _drill.compare_buckets(S3(), "restored", "source", point, ["a", "missing"])}
    assert checks["restored bucket holds objects"]["result"] == "pass"
    assert checks["critical keys restored"]["details"]["missing"] == ["missing"]
    unchanged = checks["objects unchanged since the recovery point restored identically"]
    assert unchanged["result"] == "fail" and unchanged["details"]["missing"] == ["lost"]
    compared = checks["objects compared with the source"]["details"]
    assert compared == {"identical": 1, "changed_since": 1, "only_in_restore": 1, "only_in_source": 2}


class HoldsClient:
    """Legal holds per id (paginators with build_full_result, as jobs_health reads them), and vaults by name."""

    def __init__(self, holds, points_by_hold, vaults):
        self.holds = holds
        self.points_by_hold = points_by_hold
        self.vaults = vaults

    def get_paginator(self, method):
        client = self

        class Full:
            def __init__(self, result):
                self.result = result

            def build_full_result(self):
                return self.result

        class Paginator:
            def paginate(self, **request):
                if method == "list_legal_holds":
                    return Full({"LegalHolds": client.holds})
                return Full({"RecoveryPoints": client.points_by_hold[request["LegalHoldId"]]})
        return Paginator()

    def describe_backup_vault(self, BackupVaultName):  # pylint: disable=invalid-name
        return self.vaults[BackupVaultName]


def test_cleanup_says_which_restored_points_a_legal_hold_or_a_vault_lock_protects():
    rec = record()
    rec["recovery_points"] = [{"recovery_point_arn": "rp-held", "backup_vault_name": "v"},
                              {"recovery_point_arn": "rp-free", "backup_vault_name": "v"},
                              {"recovery_point_arn": "rp-locked", "backup_vault_name": "locked"}]
    backup = HoldsClient(
        holds=[{"LegalHoldId": "h1", "Title": "litigation", "Status": "ACTIVE"}, {"LegalHoldId": "h0", "Title": "old", "Status": "CANCELED"}],
        points_by_hold={"h1": [{"RecoveryPointArn": "rp-held"}, {"RecoveryPointArn": "someone-elses"}], "h0": [{"RecoveryPointArn": "rp-free"}]},
        vaults={"v": {"Locked": False}, "locked": {"Locked": True, "MinRetentionDays": 7}})
    kept, unread = _drill.protected_points(backup, rec)
    assert unread is None
    assert kept == [{"recovery_point_arn": "rp-held", "reason": "under legal hold 'litigation' (h1, ACTIVE)"},
                    {"recovery_point_arn": "rp-locked", "reason": "in vault locked under a Vault Lock (minimum retention 7 days)"}]
    assert _drill.protected_points(backup, record()) == ([], None)
