# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore_report filter's measurements: RPO achieved, RTO, phases, the post-incident checklist and the Gantt chart.

What a reviewer reads after an incident: how much data was lost (incident minus the data restored), how long the
service was down (decision to validated), where the time went, and what is still left to do. The Gantt chart is
checked with Mermaid's own parser (tests/e2e/mermaid_gantt.py), every report against the shipped schema.
"""

import copy
import json
import os

import jsonschema
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.restore_report import restore_report
from ansible_collections.restorekit.aws.plugins.filter.restore_report_gantt import restore_report_gantt
from ansible_collections.restorekit.aws.plugins.filter.restore_report_step_phases import restore_report_step_phases
from tests.mermaid_gantt import MermaidRejects, gantt_charts

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
SCHEMA = os.path.join(ROOT, "docs", "restore-report.schema.json")
POINT_ARN = "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e-1111-2222-3333-444455556666"
DB_ARN = "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"
RESTORED_ARN = DB_ARN + "-restore"

# validate_mysql's check for a live table, as plugins/module_utils/_mysql/integrity.py checks_for_report writes it.
ORDERS_CHECK = {
    "name": "mysql table app.orders", "target": "multi-tenant-app-prod-db-restore", "result": "pass",
    "details": {"reasons": [], "rows": 1187, "check_table": "OK", "freshness": {
        "table": "app.orders", "column": "created_at", "newest": "2026-11-24T04:52:30", "lag_minutes": 7.5,
        "max_staleness_minutes": 60, "recovery_point_time": "2026-11-24T05:00:00+00:00", "ok": True}},
}


def inputs(**extra):
    data = {
        "run": {"id": "rds-restore-test", "playbook": "rds-restore", "started": "2026-11-24T06:10:00Z",
                "finished": "2026-11-24T07:02:00Z", "user": "oncall", "host": "bastion"},
        "recovery_points": [{"recovery_point_arn": POINT_ARN, "resource_arn": DB_ARN, "resource_type": "RDS",
                             "creation_date": "2026-11-24T05:00:00+00:00", "backup_vault_name": "multi-tenant-app-prod-backup-vault",
                             "status": "COMPLETED"}],
        "restore_jobs": [{"restore_job_id": "0f6f6b3c-aaaa-bbbb-cccc-ddddeeeeffff", "status": "COMPLETED", "resource_type": "RDS",
                          "recovery_point_arn": POINT_ARN, "creation_date": "2026-11-24T06:12:00Z",
                          "completion_date": "2026-11-24T06:37:10Z", "created_resource_arn": RESTORED_ARN}],
        "checks": [copy.deepcopy(ORDERS_CHECK)],
        "resources": {"created": [RESTORED_ARN], "left_alone": [DB_ARN]},
        "notes": [],
        "outcome": "succeeded",
    }
    data.update(extra)
    return data


def validate(report):
    with open(SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)


def by_id(report):
    return {item["id"]: item for item in report["checklist"]}


def test_rpo_is_the_incident_minus_the_point_and_minus_the_newest_restored_row():
    report = restore_report(inputs(incident_time="2026-11-24T06:00:00+00:00"))
    validate(report)
    rpo = report["rpo"]
    assert rpo["incident_time"] == "2026-11-24T06:00:00Z"
    assert rpo["recovery_points"] == [{"recovery_point_arn": POINT_ARN, "resource_arn": DB_ARN, "resource_type": "RDS",
                                       "creation_date": "2026-11-24T05:00:00Z", "rpo_seconds": 3600}]
    assert rpo["seconds"] == 3600
    # The data itself ends 7.5 minutes before the point: 67.5 minutes lost, not 60.
    assert rpo["data_freshness"] == [{
        "check": "mysql table app.orders", "target": "multi-tenant-app-prod-db-restore", "table": "app.orders",
        "column": "created_at", "newest": "2026-11-24T04:52:30Z", "recovery_point_time": "2026-11-24T05:00:00Z",
        "behind_recovery_point_seconds": 450, "rpo_seconds": 4050, "ok": True}]
    assert rpo["data_seconds"] == 4050
    assert by_id(report)["rpo"]["status"] == "done"
    assert "1h 00m 00s from the recovery point; 1h 07m 30s from the newest restored data" in by_id(report)["rpo"]["answer"]


def test_rpo_takes_the_worst_point_and_warns_about_a_point_newer_than_the_incident():
    second = {"recovery_point_arn": POINT_ARN + "-s3", "resource_type": "S3", "creation_date": "2026-11-24T03:00:00Z"}
    after = {"recovery_point_arn": POINT_ARN + "-late", "resource_type": "EC2", "creation_date": "2026-11-24T06:30:00Z"}
    data = inputs(incident_time="2026-11-24T06:00:00Z")
    data["recovery_points"] += [second, after]
    report = restore_report(data)
    validate(report)
    assert [p["rpo_seconds"] for p in report["rpo"]["recovery_points"]] == [3600, 10800, -1800]
    assert report["rpo"]["seconds"] == 10800
    assert any(POINT_ARN + "-late" in note and "after the incident" in note for note in report["notes"])


def test_without_an_incident_time_the_rpo_is_left_to_a_human():
    report = restore_report(inputs())
    validate(report)
    assert report["rpo"]["seconds"] is None and report["rpo"]["data_seconds"] is None
    # The data's lag to its recovery point is still measured; only the incident is unknown.
    assert report["rpo"]["data_freshness"][0]["behind_recovery_point_seconds"] == 450
    item = by_id(report)["rpo"]
    assert item["status"] == "todo" and item["answer"].startswith("To do by a human") and "restore_report_incident_time" in item["answer"]


@pytest.mark.parametrize("freshness", [
    {"app.orders": ORDERS_CHECK["details"]["freshness"]},
    [ORDERS_CHECK["details"]["freshness"]],
], ids=["by-table", "list"])
def test_freshness_by_table_or_as_a_list_is_read_too(freshness):
    data = inputs(incident_time="2026-11-24T06:00:00Z")
    data["checks"][0]["details"]["freshness"] = freshness
    report = restore_report(data)
    assert [entry["rpo_seconds"] for entry in report["rpo"]["data_freshness"]] == [4050]


def test_freshness_that_is_not_a_time_is_left_out_not_an_error():
    data = inputs(incident_time="2026-11-24T06:00:00Z")
    data["checks"][0]["details"]["freshness"] = {"table": "app.orders", "newest": "never", "lag_minutes": None, "ok": False}
    report = restore_report(data)
    validate(report)
    assert report["rpo"]["data_freshness"][0]["newest"] is None and report["rpo"]["data_seconds"] is None


def test_rto_runs_from_the_decision_to_the_last_timed_check():
    data = inputs(decision_time="2026-11-24T06:05:00Z")
    data["checks"][0]["time"] = "2026-11-24T06:50:00Z"
    data["checks"].append({"name": "smoke", "target": "db", "result": "pass", "time": "2026-11-24T06:55:30Z"})
    report = restore_report(data)
    validate(report)
    assert report["rto"] == {"decision_time": "2026-11-24T06:05:00Z", "decision_source": "restore_report_decision_time",
                             "validated_time": "2026-11-24T06:55:30Z", "validated_source": "checks", "seconds": 3030,
                             "validation_passed": True}
    assert by_id(report)["rto"]["status"] == "done"


def test_rto_defaults_to_the_run_and_says_when_validation_failed():
    data = inputs()
    data["checks"][0]["result"] = "fail"
    report = restore_report(data)
    validate(report)
    rto = report["rto"]
    assert (rto["decision_time"], rto["decision_source"]) == ("2026-11-24T06:10:00Z", "run.started")
    assert (rto["validated_time"], rto["validated_source"], rto["seconds"]) == ("2026-11-24T07:02:00Z", "run.finished", 3120)
    assert rto["validation_passed"] is False
    assert by_id(report)["rto"]["status"] == "attention" and "not validated" in by_id(report)["rto"]["answer"]
    assert by_id(report)["validation"]["status"] == "attention"


def test_rto_ends_at_the_validate_phase_when_no_check_is_timed():
    phases = [{"name": "restore", "start": "2026-11-24T06:12:00Z", "end": "2026-11-24T06:37:10Z"},
              {"name": "Validate", "start": "2026-11-24T06:37:10Z", "end": "2026-11-24T06:41:00Z"}]
    report = restore_report(inputs(phases=phases))
    assert (report["rto"]["validated_time"], report["rto"]["validated_source"], report["rto"]["seconds"]) == (
        "2026-11-24T06:41:00Z", "phases", 1860)


def test_a_decision_after_validation_is_not_an_rto():
    report = restore_report(inputs(decision_time="2026-11-24T08:00:00Z"))
    validate(report)
    assert report["rto"]["seconds"] is None and by_id(report)["rto"]["status"] == "todo"
    assert any("RTO not measured" in note for note in report["notes"])


def test_phases_are_kept_in_order_with_durations_and_statuses():
    phases = [
        {"name": "preflight", "start": "2026-11-24T06:10:00Z", "end": "2026-11-24T06:10:40Z"},
        {"name": "restore", "start": "2026-11-24T07:12:00+01:00", "end": "2026-11-24T06:37:10Z", "status": "done"},
        {"name": "copy", "status": "skipped"},
        {"name": "swap", "start": "2026-11-24T06:50:00Z", "status": "FAILED"},
        {"name": "wait", "start": "2026-11-24T06:40:00Z"},
    ]
    report = restore_report(inputs(phases=phases))
    validate(report)
    assert [(p["name"], p["start"], p["end"], p["duration_seconds"], p["status"], p["source"]) for p in report["phases"]] == [
        ("preflight", "2026-11-24T06:10:00Z", "2026-11-24T06:10:40Z", 40, "done", "restore_report_phases"),
        ("restore", "2026-11-24T06:12:00Z", "2026-11-24T06:37:10Z", 1510, "done", "restore_report_phases"),
        ("copy", None, None, None, "skipped", "restore_report_phases"),
        ("swap", "2026-11-24T06:50:00Z", None, None, "failed", "restore_report_phases"),
        ("wait", "2026-11-24T06:40:00Z", None, None, "running", "restore_report_phases"),
    ]


def test_without_phases_the_restore_phase_comes_from_the_jobs():
    data = inputs()
    data["restore_jobs"].append({"restore_job_id": "second", "status": "FAILED", "creation_date": "2026-11-24T06:20:00Z",
                                 "completion_date": "2026-11-24T06:45:00Z"})
    data["checks"][0]["time"] = "2026-11-24T06:50:00Z"
    report = restore_report(data)
    validate(report)
    assert [(p["name"], p["start"], p["end"], p["status"], p["source"]) for p in report["phases"]] == [
        ("restore", "2026-11-24T06:12:00Z", "2026-11-24T06:45:00Z", "failed", "restore_jobs"),
        ("validate", "2026-11-24T06:50:00Z", "2026-11-24T06:50:00Z", "done", "checks"),
    ]
    running = inputs()
    running["restore_jobs"][0].update(status="RUNNING", completion_date=None)
    assert [(p["end"], p["status"]) for p in restore_report(running)["phases"]] == [(None, "running")]
    assert restore_report(inputs(restore_jobs=[]))["phases"] == []


def test_a_restore_testing_jobs_validation_and_deletion_status_are_kept_as_aws_reports_them():
    data = inputs()
    data["restore_jobs"][0]["restore_job"] = dict(data["restore_jobs"][0], validation_status="SUCCESSFUL", deletion_status="DELETING")
    report = restore_report(data)
    validate(report)
    assert (report["restore_jobs"][0]["validation_status"], report["restore_jobs"][0]["deletion_status"]) == ("SUCCESSFUL", "DELETING")
    assert (restore_report(inputs())["restore_jobs"][0]["validation_status"], restore_report(inputs())["restore_jobs"][0]["deletion_status"]) == (None, None)


def test_phase_marks_become_phases_each_ending_where_the_next_begins():
    marks = [{"name": "preflight", "start": "2026-11-24T06:10:00Z"}, {"name": "restore", "start": "2026-11-24T06:11:00Z"},
             {"name": "validate", "start": "2026-11-24T06:40:00Z"}]
    report = restore_report(inputs(phase_marks=marks))
    validate(report)
    assert [(p["name"], p["start"], p["end"], p["status"], p["source"]) for p in report["phases"]] == [
        ("preflight", "2026-11-24T06:10:00Z", "2026-11-24T06:11:00Z", "done", "restore_report_phases"),
        ("restore", "2026-11-24T06:11:00Z", "2026-11-24T06:40:00Z", "done", "restore_report_phases"),
        ("validate", "2026-11-24T06:40:00Z", "2026-11-24T07:02:00Z", "done", "restore_report_phases"),
    ]
    failed = restore_report(inputs(phase_marks=marks, outcome="failed"))
    assert [p["status"] for p in failed["phases"]] == ["done", "done", "failed"]
    # Phases given win over marks; a mark that is not a time is named.
    given = [{"name": "restore", "start": "2026-11-24T06:12:00Z", "end": "2026-11-24T06:37:10Z"}]
    assert [p["name"] for p in restore_report(inputs(phases=given, phase_marks=marks))["phases"]] == ["restore"]
    with pytest.raises(AnsibleFilterError, match=r"restore_report_phase_marks\[0\]\.start='soon' is not an ISO 8601 time"):
        restore_report(inputs(phase_marks=[{"name": "restore", "start": "soon"}]))
    with pytest.raises(AnsibleFilterError, match=r"restore_report_phase_marks\[1\]='restore' must be a dictionary"):
        restore_report(inputs(phase_marks=marks[:1] + ["restore"]))


def test_recorded_steps_become_phases_from_the_step_before():
    steps = [{"step": "snapshot", "phase": "swap", "result": "done", "at": "2026-11-24T06:10:00Z"},
             {"step": "stop_writers", "phase": "swap", "result": "not needed", "at": "2026-11-24T06:11:00Z"},
             {"step": "restore", "phase": "swap", "result": "failed", "at": "2026-11-24T06:30:00Z"},
             {"step": "switch", "phase": "rollback", "result": "done", "at": "2026-11-24T06:31:00Z"}]
    assert restore_report_step_phases(steps) == [
        {"name": "swap snapshot", "start": "2026-11-24T06:10:00Z", "end": "2026-11-24T06:10:00Z", "status": "done"},
        {"name": "swap stop_writers", "start": "2026-11-24T06:10:00Z", "end": "2026-11-24T06:11:00Z", "status": "skipped"},
        {"name": "swap restore", "start": "2026-11-24T06:11:00Z", "end": "2026-11-24T06:30:00Z", "status": "failed"},
        {"name": "rollback switch", "start": "2026-11-24T06:30:00Z", "end": "2026-11-24T06:31:00Z", "status": "done"},
    ]
    report = restore_report(inputs(phases=restore_report_step_phases(steps)))
    assert [(p["name"], p["status"]) for p in report["phases"]][2:] == [("swap restore", "failed"), ("rollback switch", "done")]
    assert restore_report_step_phases([]) == []
    with pytest.raises(AnsibleFilterError, match="step 1 is not a dictionary"):
        restore_report_step_phases(["snapshot"])
    with pytest.raises(AnsibleFilterError, match="expects a list of recorded steps"):
        restore_report_step_phases("snapshot")


@pytest.mark.parametrize("phase, message", [
    ({"start": "2026-11-24T06:10:00Z"}, r"restore_report_phases\[0\]=.*must be a dictionary with at least name"),
    ({"name": "restore"}, r"restore_report_phases\[0\]\.start=None is required"),
    ({"name": "restore", "start": "2026-11-24T06:10:00Z", "end": "2026-11-24T06:00:00Z"},
     r"restore_report_phases\[0\]\.end='2026-11-24T06:00:00Z' is before the phase's start 2026-11-24T06:10:00Z"),
    ({"name": "restore", "start": "soon"}, r"restore_report_phases\[0\]\.start='soon' is not an ISO 8601 time"),
    ({"name": "restore", "start": "2026-11-24T06:10:00Z", "status": "maybe"}, r"restore_report_phases\[0\]\.status='maybe' must be one of"),
])
def test_bad_phases_fail_naming_the_variable(phase, message):
    with pytest.raises(AnsibleFilterError, match=message):
        restore_report(inputs(phases=[phase]))


def test_bad_incident_and_decision_times_fail_naming_the_variable():
    with pytest.raises(AnsibleFilterError, match=r"restore_report_incident_time='last night'"):
        restore_report(inputs(incident_time="last night"))
    with pytest.raises(AnsibleFilterError, match=r"restore_report_decision_time='now'"):
        restore_report(inputs(decision_time="now"))
    with pytest.raises(AnsibleFilterError, match=r"restore_report_checks\[0\]\.time='later'"):
        restore_report(inputs(checks=[dict(ORDERS_CHECK, time="later")]))


def test_the_checklist_is_the_runbooks_then_the_runs_own():
    report = restore_report(inputs(incident_time="2026-11-24T06:00:00Z", notes=["Kept the restore for the copy."]))
    validate(report)
    items = report["checklist"]
    assert [(i["id"], i["source"]) for i in items] == [
        ("update_runbook", "runbook"), ("record_ids", "runbook"), ("retention", "runbook"), ("postmortem", "runbook"),
        ("validation", "run"), ("rpo", "run"), ("rto", "run")]
    assert [i["item"] for i in items[:4]] == [
        "Update `docs/backup-restore-runbook.md` with findings.",
        "Record the recovery point ARN and restore job IDs.",
        "Verify backup vault retention policies and compliance requirements.",
        "Conduct a blameless postmortem and assign remediation actions."]
    checklist = by_id(report)
    assert checklist["record_ids"]["status"] == "done"
    assert POINT_ARN in checklist["record_ids"]["answer"] and "0f6f6b3c-aaaa-bbbb-cccc-ddddeeeeffff" in checklist["record_ids"]["answer"]
    for key in ("update_runbook", "retention", "postmortem"):
        assert checklist[key]["status"] == "todo" and checklist[key]["answer"].startswith("To do by a human")
    assert "1 note" in checklist["update_runbook"]["answer"]
    assert "multi-tenant-app-prod-backup-vault" in checklist["retention"]["answer"]
    assert [checklist[key]["status"] for key in ("validation", "rpo", "rto")] == ["done", "done", "done"]


def test_a_run_that_recorded_nothing_leaves_the_checklist_to_a_human():
    report = restore_report({"run": {"finished": "2026-11-24T07:00:00Z"}, "outcome": "failed"})
    validate(report)
    assert [item["status"] for item in report["checklist"]] == ["todo"] * 6 + ["attention"]
    assert "recorded no recovery point and no restore job" in by_id(report)["record_ids"]["answer"]
    assert "no check was made" in by_id(report)["rto"]["answer"]


def test_a_job_whose_point_was_not_passed_still_counts_as_recorded():
    report = restore_report(inputs(recovery_points=[]))
    validate(report)
    assert report["rpo"]["recovery_points"] == [{"recovery_point_arn": POINT_ARN, "resource_arn": None, "resource_type": "RDS",
                                                 "creation_date": None, "rpo_seconds": None}]
    assert by_id(report)["record_ids"]["status"] == "done"


def test_a_report_of_schema_1_0_still_validates_and_1_1_needs_the_new_sections():
    report = restore_report(inputs())
    old = {key: value for key, value in report.items() if key not in ("rpo", "rto", "phases", "checklist")}
    old["schema_version"] = "1.0"
    for check in old["checks"]:
        del check["time"]
    validate(old)
    del report["checklist"]
    with pytest.raises(jsonschema.ValidationError, match="'checklist' is a required property"):
        validate(report)


NASTY = [
    "copy: tenant #12; then swap",
    "section 2 of the copy",
    "excludes weekends",
    "Title restore",
    "2026-11-24 catch-up",
    "click here",
    "100% of objects",
    "%% not a comment",
    "`backticks` and <b>html</b> & \"quotes\"",
    "accTitle: x",
    "line\nbreak\ttab",
    "   ",
    "weekday monday",
    "tickInterval 1day",
]


def test_the_gantt_chart_is_what_mermaid_reads_even_with_hostile_names():
    phases = [{"name": name, "start": "2026-11-24T06:%02d:00Z" % (10 + index), "end": "2026-11-24T06:%02d:30Z" % (10 + index),
               "status": ("done", "failed", "running", "skipped")[index % 4]} for index, name in enumerate(NASTY)]
    report = restore_report(inputs(incident_time="2026-11-24T05:40:00Z", decision_time="2026-11-24T06:05:00Z", phases=phases))
    text = restore_report_gantt(report)
    (chart,) = gantt_charts(text)
    assert chart["dateFormat"] == "YYYY-MM-DD HH:mm:ss" and chart["axisFormat"] == "%H:%M"
    assert chart["title"] == "Timeline of rds-restore-test (UTC)"
    assert chart["sections"] == ["Run", "Phases", "Restore jobs"]
    tasks = chart["tasks"]
    run = [t for t in tasks if t["section"] == "Run"]
    assert [(t["id"], t["start"], t["end"], t["tags"]) for t in run] == [
        ("incident", "2026-11-24T05:40:00Z", "2026-11-24T05:40:00Z", ["crit", "milestone"]),
        ("decision", "2026-11-24T06:05:00Z", "2026-11-24T06:05:00Z", ["milestone"]),
        ("run", "2026-11-24T06:10:00Z", "2026-11-24T07:02:00Z", ["done"]),
        ("validated", "2026-11-24T07:02:00Z", "2026-11-24T07:02:00Z", ["milestone"]),
    ]
    # Every phase is a task of its own, at its own times, none swallowed as a statement, a comment or a date.
    drawn = [t for t in tasks if t["section"] == "Phases"]
    assert [(t["id"], t["start"], t["end"]) for t in drawn] == [(p_id, p["start"], p["end"]) for p_id, p in zip(
        ["phase%d" % (index + 1) for index in range(len(NASTY))], report["phases"])]
    assert [t["tags"] for t in drawn] == [{"done": ["done"], "failed": ["crit"], "running": ["active"], "skipped": []}[p["status"]]
                                          for p in report["phases"]]
    names = [t["name"] for t in drawn]
    assert names[0] == "copy - tenant 12, then swap"
    assert names[1] == '"section 2 of the copy"' and names[4] == '"2026-11-24 catch-up"'
    assert names[6] == "100 percent of objects" and names[10] == "line break tab" and names[11] == "unnamed"
    for name in names:
        assert not set(name) & set(":;#`\n")
    (job,) = [t for t in tasks if t["section"] == "Restore jobs"]
    assert (job["name"], job["start"], job["end"], job["tags"]) == (
        "RDS multi-tenant-app-prod-db-restore", "2026-11-24T06:12:00Z", "2026-11-24T06:37:10Z", ["done"])


def test_the_gantt_chart_marks_failures_and_unfinished_work():
    data = inputs(outcome="failed", phases=[{"name": "restore", "start": "2026-11-24T06:12:00Z"}])
    data["restore_jobs"][0].update(status="RUNNING", completion_date=None)
    data["checks"][0]["result"] = "fail"
    (chart,) = gantt_charts(restore_report_gantt(restore_report(data)))
    tasks = {t["id"]: t for t in chart["tasks"]}
    assert tasks["run"]["tags"] == ["crit"]
    assert tasks["validated"]["name"] == "end of run, not validated" and tasks["validated"]["tags"] == ["crit", "milestone"]
    # Unfinished: drawn up to the end of the run, as still going.
    assert (tasks["phase1"]["end"], tasks["phase1"]["tags"]) == ("2026-11-24T07:02:00Z", ["active"])
    assert (tasks["job1"]["end"], tasks["job1"]["tags"]) == ("2026-11-24T07:02:00Z", ["active"])
    # No incident time given: no incident milestone; the decision is the run's start.
    assert "incident" not in tasks and tasks["decision"]["start"] == "2026-11-24T06:10:00Z"


def test_a_chart_spanning_days_shows_the_day_on_its_axis():
    report = restore_report(inputs(incident_time="2026-11-21T23:00:00Z"))
    (chart,) = gantt_charts(restore_report_gantt(report))
    assert chart["axisFormat"] == "%m-%d %H:%M"
    assert chart["tasks"][0]["start"] == "2026-11-21T23:00:00Z"


def test_the_parser_check_can_fail():
    """The check above means something: Mermaid does reject what the escaping prevents."""
    with pytest.raises(MermaidRejects):
        gantt_charts("gantt\n    dateFormat YYYY-MM-DD HH:mm:ss\n    section Run\n"
                     "    copy: tenant 1 :done, p1, 2026-11-24 06:10:00, 2026-11-24 06:11:00\n")
    with pytest.raises(MermaidRejects):
        gantt_charts("gantt\n    dateFormat YYYY-MM-DD HH:mm:ss\n    section Run\n"
                     "    click :done, p1, 2026-11-24 06:10:00, 2026-11-24 06:11:00\n")
