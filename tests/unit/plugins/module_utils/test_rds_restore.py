# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules of rds_point_in_time_restore and rds_restore_info, without AWS: the request, bad input, retained backups."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rr

UTC = datetime.timezone.utc
ARN = "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-abc123def456"


def params(**overrides):
    base = {"target_db_instance_identifier": "app-prod-db-restore", "source_db_instance_identifier": None,
            "source_dbi_resource_id": None, "source_db_instance_automated_backups_arn": ARN, "restore_time": None,
            "use_latest_restorable_time": False, "tags": {}}
    base.update(overrides)
    return base


def test_request_from_retained_backups_at_a_time_with_tags_and_settings():
    request = rr.point_in_time_request(params(restore_time="2026-11-20T14:30:00.750+02:00", publicly_accessible=False,
                                              multi_az=False, vpc_security_group_ids=["sg-1"], db_subnet_group_name="",
                                              tags={"restorekit:restored-from": "pitr:app-prod-db@2026-11-20T12:30:00Z"}))
    assert request == {
        "TargetDBInstanceIdentifier": "app-prod-db-restore", "SourceDBInstanceAutomatedBackupsArn": ARN,
        # The same instant, in UTC, to the fraction of a second.
        "RestoreTime": datetime.datetime(2026, 11, 20, 12, 30, 0, 750000, tzinfo=UTC),
        # An explicit false is sent (it is not the same as leaving it to AWS); an empty string is not.
        "PubliclyAccessible": False, "MultiAZ": False, "VpcSecurityGroupIds": ["sg-1"],
        "Tags": [{"Key": "restorekit:restored-from", "Value": "pitr:app-prod-db@2026-11-20T12:30:00Z"}],
    }


def test_no_time_is_the_latest_restorable_time():
    request = rr.point_in_time_request(params(source_db_instance_automated_backups_arn=None, source_dbi_resource_id="db-ABC123"))
    assert request == {"TargetDBInstanceIdentifier": "app-prod-db-restore", "SourceDbiResourceId": "db-ABC123",
                       "UseLatestRestorableTime": True}


@pytest.mark.parametrize("overrides, named", [
    ({"restore_time": "yesterday"}, "restore_time=yesterday"),
    ({"restore_time": "2026-11-20T14:30:00"}, "restore_time=2026-11-20T14:30:00"),  # no offset: which zone?
    ({"target_db_instance_identifier": "1-bad"}, "target_db_instance_identifier=1-bad"),
    ({"source_db_instance_identifier": "app-prod-db"}, "exactly one of"),
    ({"source_db_instance_automated_backups_arn": None}, "exactly one of"),
    ({"source_db_instance_automated_backups_arn": "arn:aws:rds:us-east-1:123456789012:db:app"}, "not an automated-backups ARN"),
    ({"source_db_instance_automated_backups_arn": None, "source_dbi_resource_id": "app-prod-db"}, "source_dbi_resource_id=app-prod-db"),
    ({"source_db_instance_automated_backups_arn": None, "source_db_instance_identifier": "app-prod-db-restore"}, "is the source itself"),
    ({"restore_time": "2026-11-20T14:30:00Z", "use_latest_restorable_time": True}, "exclude each other"),
])
def test_bad_input_is_refused_naming_the_option_and_value(overrides, named):
    with pytest.raises(rr.RdsRestoreError) as err:
        rr.point_in_time_request(params(**overrides))
    assert named in err.value.message


def window(earliest_hours, latest_hours):
    now = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    return {"EarliestTime": now - datetime.timedelta(hours=earliest_hours), "LatestTime": now - datetime.timedelta(hours=latest_hours)}


def test_the_retained_backup_is_the_newest_retained_one():
    backups = [{"Status": "active", "RestoreWindow": window(10, 0), "DbiResourceId": "db-NEW"},
               {"Status": "retained", "RestoreWindow": window(200, 100), "DbiResourceId": "db-OLDEST"},
               {"Status": "retained", "RestoreWindow": window(90, 20), "DbiResourceId": "db-OLD"}]
    assert rr.retained_backup(backups)["DbiResourceId"] == "db-OLDEST"  # in the order given...

    class Paginator:  # ...which automated_backups() sorts newest window first
        def paginate(self, **request):
            assert request == {"DBInstanceIdentifier": "app-prod-db"}
            return [{"DBInstanceAutomatedBackups": backups[:2]}, {"DBInstanceAutomatedBackups": backups[2:]}]

    class Client:
        def get_paginator(self, name):
            assert name == "describe_db_instance_automated_backups"
            return Paginator()

    ordered = rr.automated_backups(Client(), "app-prod-db")
    assert [b["DbiResourceId"] for b in ordered] == ["db-NEW", "db-OLD", "db-OLDEST"]
    assert rr.retained_backup(ordered)["DbiResourceId"] == "db-OLD"
    assert rr.in_window(ordered[1], window(50, 0)["EarliestTime"])
    assert not rr.in_window(ordered[1], window(10, 0)["EarliestTime"])


def test_waiting_stops_on_a_status_that_never_becomes_available():
    class Client:
        def describe_db_instances(self, DBInstanceIdentifier, aws_retry=False):  # noqa: N803 - boto3's own spelling
            assert aws_retry
            return {"DBInstances": [{"DBInstanceIdentifier": DBInstanceIdentifier, "DBInstanceStatus": "incompatible-restore"}]}

    with pytest.raises(rr.RdsRestoreError) as err:
        rr.wait_available(Client(), "app-prod-db-restore", 60, 1, sleep=lambda s: None)
    assert "incompatible-restore" in err.value.message
