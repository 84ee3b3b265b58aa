"""The RDS restore's decision (native point in time, AWS Backup point, or nothing) and its exact data time, without
Ansible or AWS."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._rds import choice

NOW = "2026-11-24T12:00:00Z"
POINT = {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1",
         "creation_date": "2026-11-24T05:00:00.734512+00:00"}
LIVE = {"latest_restorable_time": "2026-11-24T11:55:00.250000+00:00", "backup_retention_period": 7,
        "instance_create_time": "2026-11-01T00:00:00+00:00"}
RETAINED = {"db_instance_automated_backups_arn": "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-x",
            "restore_window": {"earliest_time": "2026-11-20T00:00:00.5+00:00", "latest_time": "2026-11-23T23:00:00+00:00"}}


def decide(method="auto", target_time="", source=None, retained=None, point=None):
    return choice.choose(method, target_time, LIVE if source is None else source, retained or {},
                         POINT if point is None else point, "app-db", "app-vault", now=NOW)


def test_the_newest_point_keeps_its_fraction_of_a_second():
    """A row committed in the same second as the backup is not 'newer than the point': the data time is exact."""
    chosen = decide()
    assert chosen["method"] == "backup"
    assert chosen["data_time"] == "2026-11-24T05:00:00.734512Z"
    assert chosen["restored_from"] == POINT["recovery_point_arn"]
    assert chosen["reason"].startswith("no target time: the newest AWS Backup recovery point")
    assert chosen["error"] == ""


def test_a_time_inside_the_window_and_after_the_point_restores_natively_to_that_exact_time():
    chosen = decide(target_time="2026-11-24T10:30:00.125Z")
    assert chosen["method"] == "native"
    assert chosen["data_time"] == "2026-11-24T10:30:00.125000Z"
    assert chosen["restored_from"] == "pitr:app-db@2026-11-24T10:30:00.125000Z"
    assert "finer than the AWS Backup point of 2026-11-24T05:00:00.734512Z, 329 min earlier" in chosen["reason"]


def test_a_whole_second_target_stays_a_whole_second():
    assert decide(target_time="2026-11-24T10:30:00+00:00")["restored_from"] == "pitr:app-db@2026-11-24T10:30:00Z"


def test_the_point_at_the_target_time_itself_is_used():
    chosen = decide(target_time=POINT["creation_date"])
    assert chosen["method"] == "backup"
    assert "at the target time itself" in chosen["reason"]


def test_a_time_outside_the_window_uses_the_point_and_says_why():
    chosen = decide(target_time="2026-10-01T00:00:00Z")
    assert chosen["method"] == "backup"
    assert "outside the native automated-backup window of app-db (2026-11-17T12:00:00Z to 2026-11-24T11:55:00.250000Z)" in chosen["reason"]


def test_retention_zero_has_no_native_window():
    chosen = decide(method="native", source=dict(LIVE, backup_retention_period=0))
    assert chosen["method"] == "none"
    assert "automated backups are off on app-db (retention 0)" in chosen["error"]


def test_a_gone_source_restores_from_its_retained_automated_backups():
    older = dict(POINT, creation_date="2026-11-21T05:00:00Z")
    chosen = decide(target_time="2026-11-22T00:00:00Z", source={}, retained=RETAINED, point=older)
    assert chosen["method"] == "native"
    assert "from its retained automated backups arn:aws:rds:us-east-1:123456789012:auto-backup:ab-x" in chosen["reason"]


def test_the_retained_window_opens_at_its_exact_earliest_time():
    assert decide(method="native", target_time="2026-11-20T00:00:00.4Z", source={}, retained=RETAINED)["method"] == "none"
    assert decide(method="native", target_time="2026-11-20T00:00:00.5Z", source={}, retained=RETAINED)["method"] == "native"


def test_nothing_to_restore_from_names_the_vault_and_the_time():
    chosen = decide(target_time="2026-10-01T00:00:00Z", source={}, point={})
    assert chosen["error"] == ("Nothing to restore app-db from at or before rds_restore_target_time=2026-10-01T00:00:00Z: "
                               "no COMPLETED recovery point in vault app-vault and no native window covering it")
    native = decide(method="native", source={}, point={})
    assert "was not found and left no retained automated backups" in native["error"]


def test_backup_is_used_when_asked_even_inside_the_window():
    chosen = decide(method="backup", target_time="2026-11-24T10:30:00Z")
    assert chosen["method"] == "backup"
    assert chosen["reason"] == "rds_restore_method=backup: the AWS Backup recovery point as asked"


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "fast"}, "rds_restore_method='fast' is not one of auto, native, backup"),
    ({"target_time": "yesterday"}, "rds_restore_target_time='yesterday' is not an ISO 8601 time"),
    ({"target_time": "2026-11-24T10:30:00"}, "rds_restore_target_time='2026-11-24T10:30:00' has no UTC offset"),
])
def test_bad_input_names_the_variable_and_its_value(kwargs, message):
    with pytest.raises(choice.ChoiceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decide(**kwargs)
