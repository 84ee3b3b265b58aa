"""restorekit.aws.restore_report_write: the report built from what the run gathered (or taken built), written as two
files, and returned; without a playbook (the Markdown template's rendering is the controller's templar's, stubbed here)."""

from __future__ import annotations

import json

from ansible.plugins.action import ActionBase

from ansible_collections.restorekit.aws.plugins.action import restore_report_write

GATHERED = {"run": {"id": "rds-restore-incident-4711", "playbook": "rds-restore", "started": "2026-11-24T03:00:00Z",
                    "finished": "2026-11-24T03:20:00Z"},
            "checks": [{"name": "mysql table plans", "target": "db-restored", "result": "pass", "details": {"rows": 3}}],
            "notes": ["restored for incident 4711"], "outcome": "succeeded"}


class Task:
    def __init__(self, args):
        self.args = args


def run(args, monkeypatch):
    plugin = restore_report_write.ActionModule.__new__(restore_report_write.ActionModule)
    plugin._task = Task(args)
    monkeypatch.setattr(ActionBase, "run", lambda self, tmp=None, task_vars=None: {})
    monkeypatch.setattr(plugin, "_find_needle", lambda folder, name: name, raising=False)
    monkeypatch.setattr(plugin, "_render", lambda source, data, task_vars: "# %s: %s\n" % (data["run"]["id"], data["outcome"]), raising=False)
    return plugin.run(task_vars={})


def test_the_report_is_built_from_what_the_run_gathered_written_and_returned(monkeypatch, tmp_path):
    result = run({"report": GATHERED, "dest_dir": str(tmp_path / "reports"), "region": "us-east-1"}, monkeypatch)
    assert result["changed"] is True, result
    data = result["data"]
    assert data["run"]["id"] == "rds-restore-incident-4711" and data["run"]["duration_seconds"] == 1200
    assert data["summary"]["checks"]["pass"] == 1 and data["outcome"] == "succeeded"
    assert json.loads((tmp_path / "reports" / "rds-restore-incident-4711.json").read_text()) == data
    assert (tmp_path / "reports" / "rds-restore-incident-4711.md").read_text() == "# rds-restore-incident-4711: succeeded\n"
    assert result["paths"]["json"] == str(tmp_path / "reports" / "rds-restore-incident-4711.json")
    # The same report again changes nothing.
    assert run({"report": GATHERED, "dest_dir": str(tmp_path / "reports")}, monkeypatch)["changed"] is False


def test_a_report_built_beforehand_is_written_as_it_is(monkeypatch, tmp_path):
    data = restore_report_write.restore_report(GATHERED)
    result = run({"data": data, "dest_dir": str(tmp_path)}, monkeypatch)
    assert result["data"] == data and (tmp_path / "rds-restore-incident-4711.json").exists()


def test_bad_input_names_the_option_and_writes_nothing(monkeypatch, tmp_path):
    both = run({"data": {"run": {"id": "x"}}, "report": GATHERED, "dest_dir": str(tmp_path)}, monkeypatch)
    assert both["failed"] is True and "exactly one of data" in both["msg"]
    assert "exactly one of data" in run({"dest_dir": str(tmp_path)}, monkeypatch)["msg"]
    bad = run({"report": dict(GATHERED, outcome="partly"), "dest_dir": str(tmp_path)}, monkeypatch)
    assert bad["failed"] is True and "restore_report_outcome='partly' must be one of succeeded, failed" in bad["msg"]
    leaky = run({"report": dict(GATHERED, run={"id": "../up", "password": "hunter2"}), "dest_dir": str(tmp_path)}, monkeypatch)
    assert leaky["failed"] is True and "restore_report_name" in leaky["msg"] and "hunter2" not in leaky["msg"]
    assert list(tmp_path.iterdir()) == []
