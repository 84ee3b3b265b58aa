"""The action plugins that show progress while a module waits (restorekit.aws.rds_restore, restorekit.aws.restore_job),
without a playbook: each module run is replaced by a scripted answer, and what the task returns and displays is checked."""

from __future__ import annotations

import pytest

from ansible.plugins.action import ActionBase

from ansible_collections.restorekit.aws.plugins.action import ec2_relaunch as ec2_action
from ansible_collections.restorekit.aws.plugins.action import rds_restore as rds_action
from ansible_collections.restorekit.aws.plugins.action import restore_job as job_action
from ansible_collections.restorekit.aws.plugins.plugin_utils import progress


class Task:
    def __init__(self, args, check_mode=False):
        self.args = args
        self.check_mode = check_mode


def action(module, args, answers, monkeypatch, check_mode=False):
    """An ActionModule of MODULE whose module runs answer ANSWERS in turn; returns (plugin, calls, shown)."""
    plugin = module.ActionModule.__new__(module.ActionModule)
    plugin._task = Task(args, check_mode)
    calls, shown = [], []

    def execute(module_name=None, module_args=None, task_vars=None):
        calls.append(dict(module_args))
        return dict(answers.pop(0))

    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    monkeypatch.setattr(plugin, "_execute_module", execute, raising=False)
    # One display and one time module serve every progress action (plugin_utils/progress.py).
    monkeypatch.setattr(progress.display, "display", shown.append)
    monkeypatch.setattr(progress.time, "sleep", lambda seconds: None)
    return plugin, calls, shown


RDS_ARGS = {"source_db_instance_identifier": "app-db", "target_db_instance_identifier": "app-db-restore", "poll_interval": 15,
            "wait_timeout": 3600}


def test_rds_restore_ends_in_one_module_run_when_the_restore_ends_within_the_first_slice(monkeypatch):
    done = {"changed": True, "pending": False, "adopted": False, "resume": {"method": "backup"}, "progress": ["restore job 1: RUNNING"]}
    plugin, calls, shown = action(rds_action, RDS_ARGS, [done], monkeypatch)
    result = plugin.run(task_vars={})
    assert len(calls) == 1 and calls[0]["wait_slice"] == 15.0
    assert result["changed"] is True and result["progress"] == ["restore job 1: RUNNING"]
    assert shown == ["restore job 1: RUNNING"]


def test_rds_restore_goes_on_slice_by_slice_with_the_first_decision_and_keeps_what_the_first_run_did(monkeypatch):
    resume = {"method": "native", "data_time": "2026-11-24T11:00:00Z"}
    answers = [{"changed": True, "pending": True, "stage": "instance", "adopted": False, "resume": resume, "request": {"A": 1},
                "progress": ["DB instance app-db-restore: creating (waited 14s)"]},
               {"changed": False, "pending": True, "stage": "instance", "adopted": False, "resume": resume,
                "settings_applied": ["DeletionProtection"], "progress": ["DB instance app-db-restore: creating (waited 15s)"]},
               {"changed": False, "pending": False, "stage": "done", "adopted": False, "resume": resume, "endpoint": {"port": 3306},
                "progress": []}]
    plugin, calls, shown = action(rds_action, RDS_ARGS, answers, monkeypatch)
    result = plugin.run(task_vars={})
    assert len(calls) == 3
    assert "resume" not in calls[0] and calls[1]["resume"] == resume and calls[2]["resume"] == resume
    assert result["changed"] is True and result["request"] == {"A": 1} and result["endpoint"] == {"port": 3306}
    assert result["stage"] == "done" and len(shown) == 2 and result["progress"] == shown
    # What a middle slice applied is kept.
    assert result["settings_applied"] == ["DeletionProtection"]


def test_rds_restore_is_changed_when_only_a_middle_slice_changed_something(monkeypatch):
    resume = {"method": "backup"}
    answers = [{"changed": False, "pending": True, "adopted": True, "resume": resume},
               {"changed": True, "pending": True, "resume": resume, "settings_applied": ["BackupRetentionPeriod"]},
               {"changed": False, "pending": False, "resume": resume}]
    plugin, calls, shown = action(rds_action, RDS_ARGS, answers, monkeypatch)
    result = plugin.run(task_vars={})
    assert result["changed"] is True and result["adopted"] is True and result["settings_applied"] == ["BackupRetentionPeriod"]


def test_rds_restore_stops_at_wait_timeout_saying_the_restore_goes_on(monkeypatch):
    pending = {"changed": True, "pending": True, "stage": "restore_job", "resume": {"method": "backup"}, "progress": []}
    plugin, calls, shown = action(rds_action, dict(RDS_ARGS, wait_timeout=1), [pending] * 100, monkeypatch)
    clock = iter(range(0, 1000, 1))
    monkeypatch.setattr(progress.time, "monotonic", lambda: float(next(clock)))
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert "app-db-restore is still restore_job after wait_timeout=1s" in result["msg"]


@pytest.mark.parametrize("args,check_mode", [(dict(RDS_ARGS, wait=False), False), (RDS_ARGS, True), (dict(RDS_ARGS, wait="maybe"), False)])
def test_rds_restore_without_a_wait_in_check_mode_or_with_a_bad_value_is_one_plain_module_run(monkeypatch, args, check_mode):
    plugin, calls, shown = action(rds_action, args, [{"changed": False, "msg": "from the module"}], monkeypatch, check_mode)
    result = plugin.run(task_vars={})
    assert calls == [args] and result["msg"] == "from the module"


EC2_ARGS = {"group_name": "app-asg", "poll_interval": 15, "wait_timeout": 3600}


def test_ec2_relaunch_shows_the_plan_first_then_each_poll_and_keeps_the_first_runs_plan_and_point(monkeypatch):
    resume = {"refresh_id": "r-1"}
    answers = [{"changed": True, "pending": True, "resume": resume, "plan": ["New version: 4"], "recovery_point": {"recovery_point_arn": "arn:p"},
                "progress": ["New version: 4", "Instance refresh r-1 of app-asg: InProgress, 10% complete"]},
               {"changed": False, "pending": False, "resume": resume, "plan": [], "relaunch": {"version": 4},
                "progress": ["Instance refresh r-1 of app-asg: Successful, 100% complete"]}]
    plugin, calls, shown = action(ec2_action, EC2_ARGS, answers, monkeypatch)
    result = plugin.run(task_vars={})
    # The second run is given the first's resume only: it waits for that refresh and changes nothing more.
    assert calls[0]["wait_slice"] == 15.0 and "resume" not in calls[0] and calls[1]["resume"] == resume
    assert shown[0] == "New version: 4" and shown[-1].endswith("Successful, 100% complete")
    assert result["plan"] == ["New version: 4"] and result["recovery_point"] == {"recovery_point_arn": "arn:p"}
    assert result["changed"] is True and result["relaunch"] == {"version": 4} and result["progress"] == shown


def test_ec2_relaunch_stops_at_wait_timeout_naming_the_refresh_that_goes_on(monkeypatch):
    pending = {"changed": True, "pending": True, "resume": {"refresh_id": "r-1"},
               "instance_refresh": {"instance_refresh_id": "r-1", "status": "InProgress"}}
    plugin, calls, shown = action(ec2_action, dict(EC2_ARGS, wait_timeout=1), [pending] * 100, monkeypatch)
    clock = iter(range(0, 1000, 1))
    monkeypatch.setattr(progress.time, "monotonic", lambda: float(next(clock)))
    result = plugin.run(task_vars={})
    assert result["failed"] is True
    assert result["msg"].startswith("ec2_relaunch: instance refresh r-1 of app-asg is still InProgress after wait_timeout=1s")


def test_restore_job_polls_the_job_it_started_until_it_completes(monkeypatch):
    args = {"recovery_point_arn": "arn:p", "target_name": "t", "poll_interval": 15, "wait_timeout": 3600}
    answers = [{"changed": True, "restore_job_id": "J", "restore_job": {"restore_job_id": "J", "status": "RUNNING", "percent_done": "10%"}},
               {"restore_job": {"restore_job_id": "J", "status": "COMPLETED", "percent_done": "100%", "created_resource_arn": "arn:db"},
                "elapsed_seconds": 3.0}]
    plugin, calls, shown = action(job_action, args, answers, monkeypatch)
    result = plugin.run(task_vars={})
    # A poll passes the job id only: nothing that could start another restore.
    assert calls[1] == {"restore_job_id": "J", "wait": False}
    assert result["created_resource_arn"] == "arn:db" and result["changed"] is True and not result.get("failed")
    assert shown[0].startswith("restore job J: RUNNING") and shown[-1].startswith("restore job J: COMPLETED")


def test_restore_job_fails_when_the_job_fails_naming_it(monkeypatch):
    args = {"recovery_point_arn": "arn:p", "target_name": "t", "poll_interval": 15}
    answers = [{"changed": True, "restore_job_id": "J", "restore_job": {"restore_job_id": "J", "status": "RUNNING"}},
               {"restore_job": {"restore_job_id": "J", "status": "FAILED", "status_message": "no capacity"}}]
    plugin, calls, shown = action(job_action, args, answers, monkeypatch)
    result = plugin.run(task_vars={})
    assert result["failed"] is True and result["msg"] == "restore job J FAILED: no capacity"


def test_restore_job_waits_for_several_jobs_together_and_names_each_failure(monkeypatch):
    args = {"restores": [{"recovery_point_arn": "a"}, {"recovery_point_arn": "b"}], "poll_interval": 15}
    answers = [{"restore_jobs": [{"restore_job_id": "A", "restore_job": {"status": "RUNNING"}},
                                 {"restore_job_id": "B", "restore_job": {"status": "RUNNING"}}]},
               {"restore_jobs": [{"restore_job_id": "A", "restore_job": {"status": "COMPLETED"}},
                                 {"restore_job_id": "B", "restore_job": {"status": "FAILED", "status_message": "denied"}}]}]
    plugin, calls, shown = action(job_action, args, answers, monkeypatch)
    result = plugin.run(task_vars={})
    assert calls[1]["restore_job_ids"] == ["A", "B"]
    assert result["failed"] is True and result["msg"] == "restore job B FAILED: denied"
    assert shown[0] == "2 restore job(s): 2 RUNNING (waited 0s)" and "1 COMPLETED, 1 FAILED" in shown[-1]
