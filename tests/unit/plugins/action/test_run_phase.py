"""restorekit.aws.run_phase, the playbook skeleton's action: what a task with it sets, without a playbook."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.restorekit.aws.plugins.action import run_phase


class Task:
    def __init__(self, args):
        self.args = args


def run(args, task_vars, monkeypatch):
    plugin = run_phase.ActionModule.__new__(run_phase.ActionModule)
    plugin._task = Task(args)
    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    return plugin.run(task_vars=task_vars)


def test_a_phase_mark_is_appended_to_the_marks_so_far(monkeypatch):
    first = run({"name": "preflight", "endpoint_url": "http://127.0.0.1:4566", "region": "us-east-1"}, {}, monkeypatch)
    marks = first["ansible_facts"]["restorekit_phase_marks"]
    assert [m["name"] for m in marks] == ["preflight"] and marks[0]["start"].endswith("Z")
    second = run({"name": "restore"}, {"restorekit_phase_marks": marks}, monkeypatch)
    assert [m["name"] for m in second["ansible_facts"]["restorekit_phase_marks"]] == ["preflight", "restore"]


def test_a_rescue_records_the_failed_task_and_its_message(monkeypatch):
    facts = run({"failed": True}, {"ansible_failed_task": {"name": "Restore the database"}, "ansible_failed_result": {"msg": "no point"}},
                monkeypatch)["ansible_facts"]
    assert facts == {"restorekit_run_failure": "Restore the database: no point"}


def test_a_run_begins_from_nothing_even_when_a_fact_cache_kept_the_last_runs_marks_and_failure(monkeypatch):
    stale = {"restorekit_phase_marks": [{"name": "preflight", "start": "2026-11-01T00:00:00Z"}], "restorekit_run_failure": "Restore: boom"}
    assert run({"start": "true"}, stale, monkeypatch)["ansible_facts"] == {"restorekit_phase_marks": [], "restorekit_run_failure": ""}


def test_misuse_is_refused_naming_what_is_wrong(monkeypatch):
    assert "give one of start=true" in run({}, {}, monkeypatch)["msg"]
    assert "give one of start=true" in run({"name": "x", "failed": True}, {}, monkeypatch)["msg"]
    # The string "false" is false, not a non-empty (true) string.
    assert "give one of start=true" in run({"failed": "false"}, {}, monkeypatch)["msg"]
    assert "start and failed are booleans" in run({"failed": "maybe"}, {}, monkeypatch)["msg"]
    assert "only in a rescue" in run({"failed": True}, {}, monkeypatch)["msg"]
    assert run({"name": "x", "phases": 3}, {}, monkeypatch)["msg"] == "unsupported option(s) phases; supported: start, name, failed"
