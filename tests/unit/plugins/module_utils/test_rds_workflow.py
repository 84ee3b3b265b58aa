"""restorekit.aws.rds_restore's rules (module_utils/_rds/workflow.py), without Ansible or AWS: the decision and the
target it may adopt, what the restore sends, what it changes after, what the report says, and the wait in slices."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._rds import workflow
from tests.unit.fake_clock import Clock

UTC = datetime.timezone.utc
NOW = "2026-11-24T12:00:00Z"
POINT = {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1",
         "creation_date": "2026-11-24T05:00:00.734512+00:00"}
SOURCE = {"db_instance_identifier": "app-db", "latest_restorable_time": "2026-11-24T11:55:00+00:00", "backup_retention_period": 7,
          "instance_create_time": "2026-11-01T00:00:00+00:00", "master_username": "admin", "db_instance_class": "db.t3.medium",
          "db_parameter_groups": [{"db_parameter_group_name": "app-mysql80"}]}
RETAINED = {"db_instance_automated_backups_arn": "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-x", "master_username": "root",
            "restore_window": {"earliest_time": "2026-11-20T00:00:00+00:00", "latest_time": "2026-11-23T23:00:00+00:00"}}


def params(**over):
    base = dict(source_db_instance_identifier="app-db", target_db_instance_identifier="app-db-restore", backup_vault_name="app-vault",
                project_name=None, environment=None, iam_role_arn="arn:aws:iam::123456789012:role/app-backup-role", method="auto",
                target_time="", db_instance_class="", db_subnet_group_name="", security_group_names=[], multi_az=False,
                publicly_accessible=False, db_parameter_group_name="", backup_retention_period=7, deletion_protection=True, tags={},
                metadata={}, wait=True, wait_timeout=600, poll_interval=15, wait_slice=0, resume=None)
    base.update(over)
    return base


def state(**over):
    base = dict(source=SOURCE, target={}, automated_backups=[], retained_automated_backup={}, recovery_point=POINT,
                recovery_point_message="", security_groups=[], missing_security_group_names=[])
    base.update(over)
    return base


def test_the_newest_point_is_restored_as_of_its_exact_creation_date():
    decided = workflow.decide(state(), params(), now=NOW)
    assert (decided["method"], decided["data_time"], decided["adopted"]) == ("backup", "2026-11-24T05:00:00.734512Z", False)
    assert decided["restored_from"] == POINT["recovery_point_arn"]


def test_a_target_tagged_by_this_restore_is_adopted_and_any_other_is_refused_naming_the_option():
    mine = {"db_instance_identifier": "app-db-restore", "tags": {workflow.RESTORED_FROM: POINT["recovery_point_arn"]}}
    assert workflow.decide(state(target=mine), params(), now=NOW)["adopted"] is True
    theirs = {"db_instance_identifier": "app-db-restore", "tags": {workflow.RESTORED_FROM: "pitr:other@2026-11-01T00:00:00Z"}}
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.decide(state(target=theirs), params(), now=NOW)
    assert "rds_restore_target_identifier=app-db-restore already exists" in e.value.message
    assert "pitr:other@2026-11-01T00:00:00Z" in e.value.message
    # A native restore never adopts an untagged instance; a backup restore may (its restore job made it untagged).
    untagged = {"db_instance_identifier": "app-db-restore", "tags": {}}
    with pytest.raises(workflow.WorkflowError):
        workflow.decide(state(target=untagged), params(method="native", target_time="2026-11-24T11:00:00Z"), now=NOW)
    assert workflow.decide(state(target=untagged), params(), now=NOW)["adopted"] is False


def test_nothing_to_restore_from_and_a_missing_security_group_stop_before_anything_starts():
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.decide(state(recovery_point={}), params(), now=NOW)
    assert "no COMPLETED recovery point in vault app-vault" in e.value.message
    with pytest.raises(workflow.WorkflowError) as e:
        workflow.decide(state(missing_security_group_names=["app-db-sg"]), params(security_group_names=["app-db-sg"]), now=NOW)
    assert e.value.message == "rds_restore_security_group_names: no security group named app-db-sg in this region"


def test_a_resumed_run_carries_the_first_decision_on_and_reads_the_decided_point_by_its_arn():
    first = workflow.decide(state(), params(), now=NOW)
    resume = workflow.resume_of(first, POINT)
    assert resume["recovery_point_arn"] == POINT["recovery_point_arn"]
    newer = dict(POINT, recovery_point_arn=POINT["recovery_point_arn"] + "-newer", creation_date="2026-11-24T11:00:00+00:00")
    again = workflow.decide(state(recovery_point=newer), params(resume=resume), now=NOW)
    assert {k: again[k] for k in resume if k in again} == {k: first[k] for k in resume if k in first}
    # A resumed run looks for no point by time: it reads the decided one by its ARN.
    assert workflow.point_query(params(resume=resume)) is None
    assert workflow.point_query(params(method="native")) is None
    assert workflow.point_query(params()) is not None

    class Backup:
        def __init__(self, found):
            self.found = found

        def describe_recovery_point(self, **request):
            if not self.found:
                from botocore.exceptions import ClientError
                raise ClientError({"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}, "DescribeRecoveryPoint")
            assert request["RecoveryPointArn"] == POINT["recovery_point_arn"]
            return {"RecoveryPointArn": POINT["recovery_point_arn"], "CreationDate": POINT["creation_date"], "ResponseMetadata": {}}

    assert workflow.resumed_point(lambda service: Backup(True), params(resume=resume))["recovery_point_arn"] == POINT["recovery_point_arn"]
    with pytest.raises(workflow.WorkflowError, match="the recovery point this restore decided on is gone"):
        workflow.resumed_point(lambda service: Backup(False), params(resume=resume))
    assert workflow.resumed_point(lambda service: Backup(True), params(resume=dict(resume, method="native", recovery_point_arn=""))) == {}


def test_a_time_the_decision_cannot_read_is_refused_naming_it():
    with pytest.raises(workflow.WorkflowError, match="rds_restore_target_time='-2h' is not an ISO 8601 time"):
        workflow.decide(state(), params(target_time="-2h"), now=NOW)


def test_backup_metadata_carries_the_network_and_leaves_the_point_its_own_where_the_play_says_nothing():
    groups = [{"group_id": "sg-1", "group_name": "app-db-sg"}]
    meta = workflow.backup_metadata(params(db_subnet_group_name="app-subnets", security_group_names=["app-db-sg"],
                                           metadata={"DeletionProtection": False}), state(security_groups=groups))
    assert meta == {"MultiAZ": False, "PubliclyAccessible": False, "DBSubnetGroupName": "app-subnets", "VpcSecurityGroupIds": ["sg-1"],
                    "DeletionProtection": False}
    assert workflow.backup_metadata(params(multi_az=None, publicly_accessible=None), state()) == {}


def test_native_requests_come_from_the_live_source_or_the_retained_backups_and_carry_the_adoption_tags():
    decided = workflow.decide(state(), params(target_time="2026-11-24T11:00:00.5Z"), now=NOW)
    assert decided["method"] == "native"
    live = workflow.native_request(params(target_time="2026-11-24T11:00:00.5Z"), state(), decided)
    assert live["SourceDBInstanceIdentifier"] == "app-db" and live["DBInstanceClass"] == "db.t3.medium"
    assert live["RestoreTime"] == datetime.datetime(2026, 11, 24, 11, 0, 0, 500000, tzinfo=UTC)
    assert {"Key": workflow.RESTORED_FROM, "Value": "pitr:app-db@2026-11-24T11:00:00.500000Z"} in live["Tags"]
    gone = state(source={}, retained_automated_backup=RETAINED)
    decided = workflow.decide(gone, params(target_time="2026-11-22T00:00:00Z"), now=NOW)
    request = workflow.native_request(params(target_time="2026-11-22T00:00:00Z"), gone, decided)
    assert request["SourceDBInstanceAutomatedBackupsArn"] == RETAINED["db_instance_automated_backups_arn"]
    assert "SourceDBInstanceIdentifier" not in request


def test_only_the_settings_that_differ_are_changed_and_the_source_parameter_group_is_the_default():
    instance = {"DBParameterGroups": [{"DBParameterGroupName": "default.mysql8.0"}], "BackupRetentionPeriod": 1,
                "DeletionProtection": False, "PubliclyAccessible": False}
    assert workflow.settings_changes(instance, state(), params()) == {"DBParameterGroupName": "app-mysql80", "BackupRetentionPeriod": 7,
                                                                      "DeletionProtection": True}
    done = dict(instance, DBParameterGroups=[{"DBParameterGroupName": "app-mysql80"}], BackupRetentionPeriod=7, DeletionProtection=True)
    assert workflow.settings_changes(done, state(), params()) == {}
    # Nothing given, nothing changed; a deleted source has no parameter group to give.
    assert workflow.settings_changes(instance, state(source={}), params(backup_retention_period=None, deletion_protection=None,
                                                                        publicly_accessible=None)) == {}


def test_credentials_and_notes_say_who_logs_in_and_what_was_restored():
    creds = workflow.credentials(state())
    assert creds == {"user": "admin", "source": "source-master-password", "secret_arn": ""}
    secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1"
    assert workflow.credentials(state(source=dict(SOURCE, master_user_secret={"secret_arn": secret})))["source"] == "rds-managed-secret"
    assert workflow.credentials(state(source={}, retained_automated_backup=RETAINED))["user"] == "root"
    decided = dict(workflow.decide(state(), params(), now=NOW), adopted=True)
    lines = workflow.notes(decided, params(), creds, {"PubliclyAccessible": False})
    assert lines[0].startswith("backup restore: no target time")
    assert lines[1] == "data as of 2026-11-24T05:00:00.734512Z (restorekit:restored-from=%s)" % POINT["recovery_point_arn"]
    assert lines[2] == "adopted the existing app-db-restore made by an earlier run of this restore"
    assert lines[-1] == "publicly accessible: False"


class FakeRds:
    """describe_db_instances answers from a list of statuses, one per call (the last repeats)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.calls = []

    def describe_db_instances(self, aws_retry=True, **request):
        self.calls.append("describe")
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return {"DBInstances": [{"DBInstanceIdentifier": "app-db-restore", "DBInstanceStatus": status, "DBInstanceArn": "arn:db",
                                 "BackupRetentionPeriod": 7, "DeletionProtection": True, "PubliclyAccessible": False,
                                 "DBParameterGroups": [{"DBParameterGroupName": "app-mysql80"}],
                                 "TagList": [{"Key": workflow.RESTORED_FROM, "Value": "pitr:app-db@t"},
                                             {"Key": workflow.SOURCE_TAG, "Value": "app-db"}]}]}


def run_with(rds, clock, **over):
    return workflow.Run(lambda service: rds, params(**over), "us-east-1", lambda: "", lambda arn: True, sleep=clock.sleep, clock=clock)


def test_a_slice_that_ends_first_returns_pending_and_the_next_run_finishes():
    clock = Clock()
    run = run_with(FakeRds(["creating"] * 50), clock, wait_slice=5)
    decided = {"method": "native", "restored_from": "pitr:app-db@t", "adopted": False}
    instance = run.finish(state(), decided)
    assert run.result["pending"] is True and run.result["stage"] == "instance"
    assert instance["DBInstanceStatus"] == "creating"
    assert clock.now <= 5
    assert run.progress == ["DB instance app-db-restore: creating (waited %ds)" % waited for waited in range(5)]
    again = run_with(FakeRds(["creating", "available"]), Clock(), wait_slice=5)
    assert again.finish(state(), decided)["DBInstanceStatus"] == "available"
    assert again.result["pending"] is False and again.result["stage"] == "done"


def test_a_slice_is_waiting_time_so_a_run_whose_reads_were_slow_still_waits_its_slice():
    clock = Clock()
    run = run_with(FakeRds(["creating", "creating", "available"]), clock, wait_slice=1)
    clock.sleep(0.9)  # reading the source, the point and the groups, and starting the restore
    decided = {"method": "native", "restored_from": "pitr:app-db@t", "adopted": False}
    assert run.finish(state(), decided)["DBInstanceStatus"] == "available"
    assert run.result["pending"] is False and run.result["stage"] == "done"


def test_without_a_slice_the_wait_timeout_fails_saying_the_restore_goes_on():
    run = run_with(FakeRds(["creating"]), Clock(), wait_timeout=30, poll_interval=10)
    with pytest.raises(workflow.WorkflowError) as e:
        run.finish(state(), {"method": "native", "restored_from": "pitr:app-db@t", "adopted": False})
    assert "app-db-restore is still instance after wait_timeout=30s" in e.value.message
    assert "re-running the same task adopts it" in e.value.message


def test_an_instance_that_will_never_be_available_fails_at_once():
    run = run_with(FakeRds(["creating", "incompatible-restore"]), Clock())
    with pytest.raises(workflow.WorkflowError, match="app-db-restore is incompatible-restore and will not become available"):
        run.finish(state(), {"method": "native", "restored_from": "pitr:app-db@t", "adopted": False})


# A re-run after a timeout, asking again for the newest data: the newest has moved on (a later latest restorable time,
# a newer recovery point), and the target is this source's restore of what was newest when the first run started it.
SOURCE_ARN = "arn:aws:rds:us-east-1:123456789012:db:app-db"
OLDER = {"recovery_point_arn": "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0", "resource_arn": SOURCE_ARN,
         "creation_date": "2026-11-23T05:00:00.125+00:00", "status": "COMPLETED"}


def mine(restored_from, source="app-db"):
    tags = {workflow.RESTORED_FROM: restored_from}
    if source:
        tags[workflow.SOURCE_TAG] = source
    return {"db_instance_identifier": "app-db-restore", "tags": tags}


def test_a_rerun_asking_for_the_newest_adopts_its_native_restore_of_what_was_newest_then():
    earlier = mine("pitr:app-db@2026-11-24T11:40:00Z")
    decided = workflow.decide(state(target=earlier), params(method="native"), now=NOW)
    assert (decided["method"], decided["data_time"], decided["adopted"]) == ("native", "2026-11-24T11:40:00Z", True)
    assert decided["restored_from"] == "pitr:app-db@2026-11-24T11:40:00Z"
    assert "no rds_restore_target_time: app-db-restore is this restore to what was newest" in decided["reason"]
    assert workflow.decide(state(target=earlier), params(), now=NOW)["data_time"] == "2026-11-24T11:40:00Z"  # auto too
    # Made within the adopt window (72 h) it is carried on; a restore of another day under that name is refused.
    recent = dict(earlier, instance_create_time="2026-11-21T12:30:00+00:00")
    assert workflow.decide(state(target=recent), params(method="native"), now=NOW)["adopted"] is True
    with pytest.raises(workflow.WorkflowError, match="already exists and was not restored from"):
        workflow.decide(state(target=dict(earlier, instance_create_time="2026-11-21T11:30:00+00:00")), params(method="native"), now=NOW)
    # A time asked for, another source's restore, an untagged source, or a backup asked for: refused as before.
    for target, over in ((earlier, dict(method="native", target_time="2026-11-24T11:50:00Z")), (earlier, dict(method="backup")),
                         (mine("pitr:other-db@2026-11-24T11:40:00Z", source="other-db"), dict(method="native")),
                         (mine("pitr:app-db@2026-11-24T11:40:00Z", source=None), dict(method="native"))):
        with pytest.raises(workflow.WorkflowError, match="already exists and was not restored from"):
            workflow.decide(state(target=target), params(**over), now=NOW)


def test_a_rerun_asking_for_the_newest_adopts_its_restore_of_an_older_point_of_this_source():
    earlier = mine(OLDER["recovery_point_arn"])
    source = dict(SOURCE, db_instance_arn=SOURCE_ARN)
    decided = workflow.decide(state(source=source, target=earlier, tagged_point=OLDER), params(), now=NOW)
    assert (decided["method"], decided["data_time"], decided["adopted"]) == ("backup", "2026-11-23T05:00:00.125000Z", True)
    assert decided["restored_from"] == OLDER["recovery_point_arn"]
    # The tagged point of another database, or none read (gone): refused.
    other = dict(OLDER, resource_arn="arn:aws:rds:us-east-1:123456789012:db:other-db")
    for tagged in (other, {}):
        with pytest.raises(workflow.WorkflowError, match="already exists and was not restored from"):
            workflow.decide(state(source=source, target=earlier, tagged_point=tagged), params(), now=NOW)
    # Read only when it can matter: no target time, and a tag that is not the point found.
    reads = []

    class Backup:
        def describe_recovery_point(self, **request):
            reads.append(request["RecoveryPointArn"])
            return {"RecoveryPointArn": OLDER["recovery_point_arn"], "ResourceArn": SOURCE_ARN, "ResponseMetadata": {}}

    found = workflow.tagged_point(lambda service: Backup(), state(target=earlier), params())
    assert found["resource_arn"] == SOURCE_ARN and reads == [OLDER["recovery_point_arn"]]
    assert workflow.tagged_point(lambda service: Backup(), state(target=earlier), params(target_time="2026-11-24T04:00:00Z")) == {}
    assert workflow.tagged_point(lambda service: Backup(), state(target=mine(POINT["recovery_point_arn"])), params()) == {}
    assert reads == [OLDER["recovery_point_arn"]]


class FakeBackup:
    """The AWS Backup calls of a restore's plan: two points of app-db (POINT the newest), and an earlier run's RUNNING
    job of OLDER into app-db-restore."""

    JOB = {"RestoreJobId": "job-earlier", "RecoveryPointArn": OLDER["recovery_point_arn"], "Status": "RUNNING",
           "CreationDate": datetime.datetime(2026, 11, 24, 11, 0, tzinfo=UTC), "ResourceType": "RDS"}

    def describe_recovery_point(self, **request):
        arn = request["RecoveryPointArn"]
        created = OLDER["creation_date"] if arn == OLDER["recovery_point_arn"] else POINT["creation_date"]
        return {"RecoveryPointArn": arn, "ResourceArn": SOURCE_ARN, "ResourceType": "RDS", "Status": "COMPLETED", "CreationDate": created}

    def get_recovery_point_restore_metadata(self, **request):
        return {"RestoreMetadata": {"DBInstanceIdentifier": "app-db", "Engine": "mysql"}}

    def get_paginator(self, method):
        assert method == "list_restore_jobs"
        job = self.JOB

        class Pages:
            def paginate(self, **request):
                return self

            def build_full_result(self):
                return {"RestoreJobs": [job]}

        return Pages()

    def get_restore_job_metadata(self, **request):
        return {"Metadata": {"DBInstanceIdentifier": "app-db-restore"}}


def test_a_rerun_asking_for_the_newest_adopts_the_running_job_of_an_older_point_into_the_untagged_target():
    rds = FakeRds(["creating"])
    clients = {"backup": FakeBackup(), "rds": rds}
    run = workflow.Run(lambda service: clients[service], params(), "us-east-1", lambda: "", lambda arn: True, clock=Clock())
    untagged = {"db_instance_identifier": "app-db-restore", "tags": {}}
    the_state = state(source=dict(SOURCE, db_instance_arn=SOURCE_ARN), target=untagged)
    decided = workflow.decide(the_state, params(), now=NOW)
    assert decided["restored_from"] == POINT["recovery_point_arn"] and decided["adopted"] is False
    run.start(the_state, decided)
    assert run.result["restore_job"]["restore_job_id"] == "job-earlier"
    assert (decided["restored_from"], decided["data_time"], decided["adopted"]) == (OLDER["recovery_point_arn"], "2026-11-23T05:00:00.125000Z", True)
    assert the_state["recovery_point"]["recovery_point_arn"] == OLDER["recovery_point_arn"]
    assert run.result["changed"] is False and run.result["data_time"] == "2026-11-23T05:00:00.125000Z"
    # With a time asked for, the same untagged target is someone else's: refused.
    timed = workflow.Run(lambda service: clients[service], params(target_time="2026-11-24T06:00:00Z"), "us-east-1", lambda: "",
                         lambda arn: True, clock=Clock())
    with pytest.raises(workflow.WorkflowError, match="already exists and was not restored from"):
        timed.start(state(source=dict(SOURCE, db_instance_arn=SOURCE_ARN), target=untagged), decided=dict(decided, adopted=False, earlier=False))


def test_a_point_is_the_sources_by_its_arn_or_when_the_source_is_gone_by_its_identifier():
    live = state(source=dict(SOURCE, db_instance_arn=SOURCE_ARN))
    assert workflow.is_point_of(OLDER, live, "app-db")
    assert not workflow.is_point_of(dict(OLDER, resource_arn=SOURCE_ARN + "-2"), live, "app-db")
    gone = state(source={}, retained_automated_backup={})
    assert workflow.is_point_of(OLDER, gone, "app-db")
    assert not workflow.is_point_of(dict(OLDER, resource_arn="arn:aws:rds:us-east-1:123456789012:db:other-db"), gone, "app-db")
