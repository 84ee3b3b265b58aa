# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restorekit.aws.restore_report role, run by ansible-playbook after recovery_point_info against the emulator.

The report is what a responder hands over after an incident: the assertions are about what it says (the recovery point
that was really selected, the failing check up front, who ran it) and what it must never say (a credential).
"""

import datetime
import json
import os
import subprocess

import jsonschema
import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.restore_report import restore_report
from tests.mermaid_gantt import gantt_charts
from tests.e2e.helpers import ACTION_PLUGINS, ANSIBLE_PLAYBOOK, PYTHON, ROOT, ansible_env

SCHEMA = os.path.join(ROOT, "docs", "restore-report.schema.json")
SECRET = "hunter2-do-not-print"
PROJECT = {"project_name": "multi-tenant-app", "environment": "prod"}

# A restore job as the restorekit.aws.restore_job module returns it, and a bare DescribeRestoreJob dict of a failed one.
JOB_RESULT = {
    "changed": True,
    "restore_job": {
        "restore_job_id": "11111111-2222-3333-4444-555555555555", "status": "COMPLETED",
        "creation_date": "2026-11-24T02:00:00.250000+00:00", "completion_date": "2026-11-24T02:12:34.900000+00:00",
        "created_resource_arn": "arn:aws:s3:::multi-tenant-app-prod-tenant-1-restore", "status_message": None,
    },
    "created_resource_arn": "arn:aws:s3:::multi-tenant-app-prod-tenant-1-restore",
    "metadata": {"DestinationBucketName": "multi-tenant-app-prod-tenant-1-restore", "NewBucket": "true",
                 "KmsSecretKeyHint": SECRET},
    "elapsed_seconds": 755,
}
BARE_FAILED_JOB = {
    "restore_job_id": "66666666-7777-8888-9999-000000000000", "status": "FAILED",
    "creation_date": "2026-11-24T02:20:00Z", "completion_date": "2026-11-24T02:21:00Z",
    "status_message": "Bucket multi-tenant-app-prod-tenant-1-restore already exists | try another name",
    "recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:bare",
}


def report_tasks(reports, **extra_vars):
    """recovery_point_info for tenant 1, then the role with that point, the two jobs and two checks (one fails).

    Without EXTRA_VARS the role gets exactly what the existing playbooks pass (no incident, decision or phases)."""
    tasks = [
        {"name": "Tenant 1, latest", "restorekit.aws.recovery_point_info": dict(PROJECT, tenant_id="1", select="latest"),
         "register": "point"},
        {"name": "Report", "ansible.builtin.include_role": {"name": "restorekit.aws.restore_report"}, "vars": {
            "restore_report_dir": str(reports),
            "restore_report_playbook": "tenant bucket restore",
            "restore_report_recovery_points": ["{{ point.recovery_point }}"],
            "restore_report_restore_jobs": [
                dict(JOB_RESULT, restore_job=dict(JOB_RESULT["restore_job"], recovery_point_arn="{{ point.recovery_point.recovery_point_arn }}")),
                BARE_FAILED_JOB,
            ],
            "restore_report_checks": [
                {"name": "objects restored", "target": "multi-tenant-app-prod-tenant-1-restore", "result": "pass",
                 "details": {"objects": 12}},
                {"name": "invoice PDFs present", "target": "multi-tenant-app-prod-tenant-1-restore", "result": False,
                 "details": {"missing": ["invoices/2026-11.pdf"], "password": SECRET, "nested": [{"Api_Token": SECRET}]}},
            ],
            "restore_report_resources": {"created": ["arn:aws:s3:::multi-tenant-app-prod-tenant-1-restore"],
                                         "left_alone": ["arn:aws:s3:::multi-tenant-app-prod-tenant-1"]},
            "restore_report_notes": ["Staging bucket kept for the selective copy."],
            "restore_report_outcome": "failed",
        }},
        {"name": "Save what the play knows", "save_results": {
            "content": "{{ {'point': point, 'paths': restore_report_paths} | to_nice_json }}", "dest": str(reports / "play.json")},
         "check_mode": False},
    ]
    tasks[1]["vars"].update(extra_vars)
    return tasks


def run_playbook(emulator, tmp_path, tasks, extra_vars=None, check=False):
    play = [{"name": "restore_report against the emulator", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": "us-east-1"}},
             "tasks": tasks}]
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(json.dumps(play, indent=2), encoding="utf-8")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    env = ansible_env(emulator, tmp_path, USER="oncall-responder")
    env.pop("SUDO_USER", None)
    command = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    if check:
        command.append("--check")
    proc = subprocess.run(command, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "ansible-playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return proc.stdout


def validate(report):
    with open(SCHEMA, encoding="utf-8") as handle:
        schema = json.load(handle)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(report)


def newest_completed(backup, vault, resource_arn, before=None):
    """The newest completed point of RESOURCE_ARN, of those created at or before BEFORE when given."""
    pages = backup.get_paginator("list_recovery_points_by_backup_vault").paginate(BackupVaultName=vault, ByResourceArn=resource_arn)
    points = [p for page in pages for p in page["RecoveryPoints"] if p["Status"] == "COMPLETED" and (before is None or p["CreationDate"] <= before)]
    return max(points, key=lambda p: p["CreationDate"])


def read_report(reports):
    play = json.loads((reports / "play.json").read_text(encoding="utf-8"))
    paths = play["paths"]
    assert os.path.dirname(paths["json"]) == str(reports) and os.path.dirname(paths["markdown"]) == str(reports)
    with open(paths["json"], encoding="utf-8") as handle:
        json_text = handle.read()
    with open(paths["markdown"], encoding="utf-8") as handle:
        markdown = handle.read()
    return play, json.loads(json_text), json_text, markdown


def test_report_of_an_awx_run(emulator, world, tmp_path):
    """AWX run: the report names the AWX job, the recovery point really selected, both jobs, the failing check first,
    validates against the shipped schema and holds no credential."""
    expected = newest_completed(emulator.client("backup"), world["vault"], "arn:aws:s3:::%s" % world["buckets"]["1"])
    reports = tmp_path / "reports"
    awx = {"awx_job_id": 4711, "awx_job_template_name": "Restore | tenant bucket", "awx_user_name": "alice"}
    run_playbook(emulator, tmp_path, report_tasks(reports), extra_vars=awx)
    play, report, json_text, markdown = read_report(reports)

    validate(report)
    assert sorted(os.listdir(str(reports))) == sorted([report["run"]["id"] + ".json", report["run"]["id"] + ".md", "play.json"])
    assert report["run"]["who"] == {"kind": "awx", "awx_job_id": "4711", "awx_job_template": "Restore | tenant bucket", "awx_user": "alice"}
    assert "AWX job 4711" in markdown and "alice" in markdown and "oncall-responder" not in markdown

    point = report["recovery_points"][0]
    assert point["arn"] == expected["RecoveryPointArn"] == play["point"]["recovery_point"]["recovery_point_arn"]
    assert point["resource_arn"] == "arn:aws:s3:::%s" % world["buckets"]["1"]
    assert point["vault"] == world["vault"] and point["resource_type"] == "S3"
    assert point["creation_date"] == expected["CreationDate"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "`%s`" % expected["RecoveryPointArn"] in markdown

    done, failed = report["restore_jobs"]
    assert done["restore_job_id"] == JOB_RESULT["restore_job"]["restore_job_id"]
    assert done["recovery_point_arn"] == expected["RecoveryPointArn"]
    assert (done["started"], done["finished"], done["duration_seconds"]) == ("2026-11-24T02:00:00Z", "2026-11-24T02:12:34Z", 754)
    assert done["created_resource_arn"] == "arn:aws:s3:::multi-tenant-app-prod-tenant-1-restore"
    assert done["metadata"] == {"DestinationBucketName": "multi-tenant-app-prod-tenant-1-restore", "NewBucket": "true"}
    assert (failed["status"], failed["duration_seconds"]) == ("FAILED", 60)
    assert "0h 12m 34s" in markdown
    # Started defaults to the first restore job's start, not to the moment the report was written.
    assert report["run"]["started"] == "2026-11-24T02:00:00Z"

    assert [c["result"] for c in report["checks"]] == ["pass", "fail"]
    assert report["summary"]["checks"] == {"pass": 1, "fail": 1, "warn": 0, "skip": 0}
    assert report["outcome"] == "failed" and markdown.startswith("# FAILED, 1 check failed: tenant bucket restore\n")
    attention = markdown.split("## Needs attention", 1)[1].split("## Recovery points", 1)[0]
    assert "FAILED check **invoice PDFs present**" in attention and BARE_FAILED_JOB["restore_job_id"] in attention
    assert "| **FAIL** | invoice PDFs present |" in markdown
    # A pipe inside a value must not break the table row.
    assert "already exists \\| try another name" in markdown

    assert report["resources"] == {"created": ["arn:aws:s3:::multi-tenant-app-prod-tenant-1-restore"], "changed": [],
                                   "left_alone": ["arn:aws:s3:::multi-tenant-app-prod-tenant-1"]}
    assert "Staging bucket kept for the selective copy." in markdown

    for text in (json_text, markdown):
        assert SECRET not in text
        assert "password" not in text.lower() and "token" not in text.lower()
    assert report["checks"][1]["details"] == {"missing": ["invoices/2026-11.pdf"], "nested": [{}]}
    expected_redacted = ["restore_jobs[0].metadata (1 key)", "checks[1].details (1 key)", "checks[1].details.nested[0] (1 key)"]
    assert sorted(report["redacted"]) == sorted(expected_redacted)

    # A caller that passes none of the timeline variables still gets a timeline: the restore phase from its jobs (one
    # failed), the RTO from the run's start to its end, no RPO (no incident time) and a checklist saying what is left.
    assert [(p["name"], p["start"], p["end"], p["status"], p["source"]) for p in report["phases"]] == [
        ("restore", "2026-11-24T02:00:00Z", "2026-11-24T02:21:00Z", "failed", "restore_jobs")]
    assert (report["rto"]["decision_source"], report["rto"]["validated_source"]) == ("run.started", "run.finished")
    assert report["rto"]["validation_passed"] is False
    assert report["rpo"]["incident_time"] is None and report["rpo"]["seconds"] is None
    assert [p["recovery_point_arn"] for p in report["rpo"]["recovery_points"]] == [expected["RecoveryPointArn"],
                                                                                   BARE_FAILED_JOB["recovery_point_arn"]]
    checklist = {item["id"]: item for item in report["checklist"]}
    assert checklist["record_ids"]["status"] == "done" and BARE_FAILED_JOB["restore_job_id"] in checklist["record_ids"]["answer"]
    assert checklist["validation"]["status"] == "attention" and checklist["rpo"]["status"] == "todo"
    (chart,) = gantt_charts(markdown)
    assert [(t["section"], t["id"], t["tags"]) for t in chart["tasks"] if t["section"] != "Run"] == [
        ("Phases", "phase1", ["crit"]),
        ("Restore jobs", "job1", ["done"]),
        ("Restore jobs", "job2", ["crit"]),
    ]


def test_report_of_a_local_check_mode_run(emulator, world, tmp_path):
    """A local run names the user and host; in check mode the report is still written and says it was a dry run."""
    reports = tmp_path / "reports"
    run_playbook(emulator, tmp_path, report_tasks(reports), check=True)
    play, report, json_text, markdown = read_report(reports)

    validate(report)
    assert report["run"]["who"]["kind"] == "local" and report["run"]["who"]["user"] == "oncall-responder"
    assert report["run"]["who"]["host"]
    assert "awx" not in json_text.lower()
    assert report["run"]["check_mode"] is True and "**yes**: a dry run" in markdown
    assert report["recovery_points"][0]["arn"] == play["point"]["recovery_point"]["recovery_point_arn"]


def test_bad_inputs_fail_naming_the_variable():
    """Wrong shapes fail before anything is written, naming the role variable; a credential in the bad value is hidden."""
    with pytest.raises(AnsibleFilterError, match=r"restore_report_checks\[0\]\.result='maybe'"):
        restore_report({"checks": [{"name": "x", "result": "maybe"}]})
    with pytest.raises(AnsibleFilterError, match=r"restore_report_restore_jobs\[0\].*no restore_job_id") as caught:
        restore_report({"restore_jobs": [{"status": "COMPLETED", "secret_access_key": SECRET}]})
    assert SECRET not in str(caught.value)
    with pytest.raises(AnsibleFilterError, match=r"restore_report_recovery_points\[0\]\.creation_date='yesterday'"):
        restore_report({"recovery_points": [{"recovery_point_arn": "arn:aws:backup:x", "creation_date": "yesterday"}]})
    with pytest.raises(AnsibleFilterError, match=r"restore_report_resources=.*unknown keys deleted"):
        restore_report({"resources": {"deleted": ["arn:aws:s3:::b"]}})
    with pytest.raises(AnsibleFilterError, match=r"restore_report_name='\.\./etc'"):
        restore_report({"run": {"id": "../etc"}})


def test_a_restore_job_that_never_started_becomes_a_note():
    """Written from an `always:` section after restore_job failed before AWS gave it an id, the report still says so."""
    report = restore_report({"restore_jobs": [
        {"failed": True, "msg": "target_db_instance_identifier='multi-tenant-app-prod-db' is the source"},
        BARE_FAILED_JOB,
    ], "outcome": "failed"})
    assert [job["restore_job_id"] for job in report["restore_jobs"]] == [BARE_FAILED_JOB["restore_job_id"]]
    assert report["notes"] == ["Restore job 1 was refused before it started: "
                               "target_db_instance_identifier='multi-tenant-app-prod-db' is the source"]
    validate(report)


def test_the_full_report_measures_rpo_and_rto_draws_the_timeline_and_closes_with_the_checklist(emulator, world, tmp_path):
    """With the incident and decision times, the phases and a validate_mysql freshness check: the RPO is measured from
    the recovery point really selected, the RTO to the last check, Mermaid reads the timeline as the JSON says, and the
    runbook's checklist closes the Markdown, answered where the run knows.

    The point is the newest at least three hours old, so that the incident 95 minutes after it and the run after the
    incident lie in the past whatever backups the session took (a time in the future is refused)."""
    cutoff = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=3)
    expected = newest_completed(emulator.client("backup"), world["vault"], "arn:aws:s3:::%s" % world["buckets"]["1"], before=cutoff)
    created = expected["CreationDate"].astimezone(datetime.timezone.utc).replace(microsecond=0)
    incident = created + datetime.timedelta(minutes=95)
    iso = "%Y-%m-%dT%H:%M:%SZ"
    decision = incident + datetime.timedelta(minutes=25)

    def at(seconds):
        """A time of the run, SECONDS after the decision to restore."""
        return (decision + datetime.timedelta(seconds=seconds)).strftime(iso)

    phases = [
        {"name": "preflight", "start": at(180), "end": at(220)},
        {"name": "select: newest point", "start": at(220), "end": at(240)},
        {"name": "restore", "start": at(300), "end": at(1560), "status": "failed"},
        {"name": "validate", "start": at(1560), "end": at(2100)},
        {"name": "copy", "status": "skipped"},
    ]
    freshness = {"table": "app.orders", "column": "created_at", "lag_minutes": 12.0, "max_staleness_minutes": 60, "ok": True,
                 "newest": (created - datetime.timedelta(minutes=12)).strftime("%Y-%m-%dT%H:%M:%S"),
                 "recovery_point_time": created.isoformat()}
    tasks = report_tasks(tmp_path / "reports",
                         restore_report_incident_time=incident.strftime(iso),
                         restore_report_decision_time=at(0),
                         restore_report_phases=phases)
    tasks[0]["restorekit.aws.recovery_point_info"].update(select="at_or_before", point_in_time=cutoff.strftime(iso))
    tasks[1]["vars"]["restore_report_checks"] = [
        {"name": "mysql table app.orders", "target": "multi-tenant-app-prod-db-restore", "result": "pass",
         "details": {"reasons": [], "freshness": freshness}, "time": at(2040)},
        {"name": "objects restored", "target": "multi-tenant-app-prod-tenant-1-restore", "result": True, "time": at(2070)},
    ]
    tasks[1]["vars"]["restore_report_outcome"] = "succeeded"
    run_playbook(emulator, tmp_path, tasks)
    _play, report, _json_text, markdown = read_report(tmp_path / "reports")
    validate(report)

    assert report["schema_version"] == "1.1"
    rpo = report["rpo"]
    assert rpo["incident_time"] == incident.strftime(iso)
    assert rpo["recovery_points"][0]["recovery_point_arn"] == expected["RecoveryPointArn"]
    assert rpo["recovery_points"][0]["rpo_seconds"] == 95 * 60 == rpo["seconds"]
    assert rpo["data_freshness"][0]["behind_recovery_point_seconds"] == 12 * 60
    assert rpo["data_freshness"][0]["rpo_seconds"] == 107 * 60 == rpo["data_seconds"]
    assert report["rto"] == {"decision_time": at(0), "decision_source": "restore_report_decision_time",
                             "validated_time": at(2070), "validated_source": "checks", "seconds": 2070,
                             "validation_passed": True}
    assert [(p["name"], p["status"], p["duration_seconds"]) for p in report["phases"]] == [
        ("preflight", "done", 40), ("select: newest point", "done", 20), ("restore", "failed", 1260), ("validate", "done", 540),
        ("copy", "skipped", None)]

    header = markdown.split("## Needs attention", 1)[0]
    assert "| RPO achieved | 1h 35m 00s (incident to recovery point, worst); data: 1h 47m 00s (incident to newest restored row) |" in header
    assert "| RTO | 0h 34m 30s (decision to validated) |" in header

    # The timeline, as Mermaid reads it, is the JSON's: every dated phase at its times, the skipped one left out.
    (chart,) = gantt_charts(markdown)
    drawn = [t for t in chart["tasks"] if t["section"] == "Phases"]
    assert [(t["name"], t["start"], t["end"], t["tags"]) for t in drawn] == [
        ("preflight", at(180), at(220), ["done"]),
        ("select - newest point", at(220), at(240), ["done"]),
        ("restore", at(300), at(1560), ["crit"]),
        ("validate", at(1560), at(2100), ["done"]),
    ]
    milestones = {t["id"]: t["start"] for t in chart["tasks"] if t["section"] == "Run"}
    assert milestones == {"incident": incident.strftime(iso), "decision": at(0),
                          "run": report["run"]["started"], "validated": at(2070)}
    assert "| copy | skipped | - | - | - |" in markdown

    # The checklist is the closing section, the runbook's four items first, each ticked only when the run did it.
    assert markdown.rstrip().rsplit("\n## ", 1)[1].startswith("Post-incident checklist")
    closing = markdown.rsplit("## Post-incident checklist", 1)[1]
    assert "- [x] Record the recovery point ARN and restore job IDs." in closing and expected["RecoveryPointArn"] in closing
    for line in ("- [ ] Update `docs/backup-restore-runbook.md` with findings.",
                 "- [ ] Verify backup vault retention policies and compliance requirements.",
                 "- [ ] Conduct a blameless postmortem and assign remediation actions."):
        assert line in closing and closing.split(line, 1)[1].lstrip().startswith("- To do by a human")
    assert "- [x] Measure the RPO achieved" in closing and "- [x] Measure the RTO" in closing
    assert [item["status"] for item in report["checklist"]] == ["todo", "done", "todo", "todo", "done", "done", "done"]


def run_bad_cases(tmp_path, cases):
    """Each of CASES (role variables) in its own block of one play, the role's failure rescued and saved; returns
    (the failures by case, the play's output, each case's report folder)."""
    folders = [tmp_path / ("reports-%d" % index) for index in range(len(cases))]
    tasks = []
    for index, (role_vars, folder) in enumerate(zip(cases, folders)):
        tasks.append({"name": "Case %d" % index, "block": [
            {"name": "Report %d" % index, "ansible.builtin.include_role": {"name": "restorekit.aws.restore_report"},
             "vars": dict(role_vars, restore_report_dir=str(folder))},
            {"name": "Case %d did not fail" % index, "ansible.builtin.set_fact": {"case_%d" % index: {"failed": False}}},
        ], "rescue": [
            {"name": "Case %d failed" % index, "ansible.builtin.set_fact": {"case_%d" % index: {
                "failed": True, "task": "{{ ansible_failed_task.name }}", "result": "{{ ansible_failed_result }}"}}},
        ]})
    saved = tmp_path / "cases.json"
    content = "{{ [%s] | to_json }}" % ", ".join("case_%d" % index for index in range(len(cases)))
    tasks.append({"name": "Save the cases", "save_results": {"content": content, "dest": str(saved)}})
    play = [{"name": "bad report inputs", "hosts": "localhost", "connection": "local", "gather_facts": False, "tasks": tasks}]
    playbook = tmp_path / "bad.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1", HOME=str(tmp_path),
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_ACTION_PLUGINS=ACTION_PLUGINS)
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", "-e", "ansible_python_interpreter=%s" % PYTHON, str(playbook)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(saved.read_text(encoding="utf-8")), proc.stdout, folders


def test_bad_timeline_variables_stop_the_role_before_anything_is_written(tmp_path):
    """The role's argument spec refuses a phase without a name or with an unknown status; the filter refuses an end
    before its start; no file is written either way."""
    cases = (
        ([{"start": "2026-11-24T02:00:00Z"}], "missing required arguments: name found in restore_report_phases"),
        ([{"name": "restore", "start": "2026-11-24T02:00:00Z", "status": "maybe"}],
         "value of status must be one of: done, failed, running, skipped, got: maybe found in restore_report_phases"),
        ([{"name": "restore", "start": "2026-11-24T02:00:00Z", "end": "2026-11-24T01:00:00Z"}],
         "restore_report_phases[0].end='2026-11-24T01:00:00Z' is before the phase's start 2026-11-24T02:00:00Z"),
    )
    failures, output, folders = run_bad_cases(tmp_path, [{"restore_report_phases": phases} for phases, _message in cases])
    for (phases, message), failure, folder in zip(cases, failures, folders):
        assert failure["failed"] is True, (phases, failure)
        assert message in json.dumps(failure["result"]) and message in output, (message, failure)
        assert not folder.exists() or not os.listdir(str(folder))


def test_a_time_or_name_the_report_would_misstate_stops_the_role_before_anything_is_written(tmp_path):
    """An incident time in the future, a decision before the incident (both would give a wrong RPO and RTO), and a report
    name that is no plain file name are refused, naming the variable and its value; no file is written."""
    cases = (
        ({"restore_report_incident_time": "2999-01-01T00:00:00Z"}, "restore_report_incident_time='2999-01-01T00:00:00Z': is in the future"),
        ({"restore_report_incident_time": "2026-11-24T02:00:00Z", "restore_report_decision_time": "2026-11-24T01:50:00Z"},
         "restore_report_incident_time='2026-11-24T02:00:00Z' and restore_report_decision_time='2026-11-24T01:50:00Z': "
         "restore_report_incident_time must be at or before restore_report_decision_time"),
        ({"restore_report_name": "incident 42"}, "restore_report_name='incident 42': must be a plain file name"),
    )
    failures, output, folders = run_bad_cases(tmp_path, [role_vars for role_vars, _message in cases])
    for (role_vars, message), failure, folder in zip(cases, failures, folders):
        assert failure["failed"] is True, (role_vars, failure)
        assert message in failure["result"]["msg"] and message in output, (message, failure)
        assert failure["result"]["msg"].startswith("Bad input for restore_report, nothing was changed: "), failure
        assert not folder.exists() or not os.listdir(str(folder))
