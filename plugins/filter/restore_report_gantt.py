# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: restore_report_gantt
version_added: 0.1.0
short_description: Draw a restore report's timeline as a Mermaid Gantt chart
description:
  - Takes the report built by P(restorekit.aws.restore_report#filter) and returns the text of a Mermaid Gantt chart
    (what goes inside a C(```mermaid) fence), as the P(restorekit.aws.restore_report#role) role puts it in the Markdown
    report.
  - "Section C(Run): the incident (when known) and the decision to restore as milestones, the whole run as a bar, and
    the moment the restore was validated (or, when it was not, the end of the run, marked critical)."
  - "Section C(Phases): each phase with a start, at its start and end; C(done) phases are drawn done, C(failed) ones
    critical, C(running) ones active and ended at the end of the run. Skipped phases without times are left out."
  - "Section C(Restore jobs): each restore job from its creation to its completion date, named by resource type and
    created resource."
  - Times are UTC, written as C(YYYY-MM-DD HH:mm:ss) (the chart's C(dateFormat)); the axis shows hours and minutes,
    and the day too when the chart spans more than a day.
  - Names are made safe for Mermaid's Gantt grammar, which would otherwise drop or misread the line. C(:) becomes
    C( -), C(;) becomes C(,), C(#) is dropped, C(%) becomes C(percent), a backtick becomes a quote, line breaks
    become spaces. A name that starts like a Gantt statement (C(section), C(title), C(excludes), C(click), ...) or
    with a date is put in double quotes.
author:
  - restorekit contributors (@restorekit)
options:
  _input:
    description: The report, as P(restorekit.aws.restore_report#filter) returns it.
    type: dict
    required: true
seealso:
  - module: restorekit.aws.restore_report_write
    description: Writes the report whose phases the chart draws.
"""

EXAMPLES = r"""
# A report written by an earlier run (its JSON file), drawn as a timeline beside it for a wiki page.
- name: Draw the timeline of a written report
  ansible.builtin.copy:
    content: "```mermaid\n{{ lookup('ansible.builtin.file', report_json) | from_json | restorekit.aws.restore_report_gantt }}```\n"
    dest: "{{ report_json | regex_replace('[.]json$', '-timeline.md') }}"
    mode: "0644"
  vars:
    report_json: /home/oncall/reports/rds-restore-20261124T031000Z.json
"""

RETURN = r"""
_value:
  description: The Mermaid Gantt chart, starting with C(gantt) and ending with a newline.
  type: str
"""

import datetime
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
JOB_FAILED = ("FAILED", "ABORTED")
# What Mermaid's Gantt lexer reads as a statement, not a task, when a line starts with it (case-insensitive),
# and a date at the start of a line, which it reads as a date token.
GANTT_STATEMENT = re.compile(
    r"(gantt|dateformat|inclusiveenddates|topaxis|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend"
    r"|title|accdescription|acctitle|accdescr|section|click|call|href)\b|[0-9]{4}-[0-9]{2}-[0-9]{2}",
    re.IGNORECASE)
GANTT_DATE_FORMAT = "YYYY-MM-DD HH:mm:ss"


def _seconds_between(started, finished):
    start = datetime.datetime.strptime(started, ISO_FORMAT)
    end = datetime.datetime.strptime(finished, ISO_FORMAT)
    return int((end - start).total_seconds())


def _gantt_text(value):
    """VALUE as Mermaid Gantt text: a task name, section or title that the Gantt lexer reads as one."""
    text = to_text(value)
    # ':' ends a task name, '#' and ';' end its data, '%' starts a comment, a backtick could close the Markdown fence.
    text = text.replace(":", " -").replace(";", ",").replace("#", "").replace("`", "'")
    text = re.sub(r"%+", " percent", text)
    text = re.sub(r"[\s\x00-\x1f\x7f]+", " ", text).strip()
    if not text:
        return "unnamed"
    if GANTT_STATEMENT.match(text):
        # A name such as "section 2" or "2026-11-24 copy" would be read as a statement or a date.
        return '"%s"' % text
    return text


def _gantt_time(value):
    return value.replace("T", " ").rstrip("Z")


def restore_report_gantt(report):
    """The report's timeline as a Mermaid Gantt chart (the text inside a ```mermaid fence)."""
    if not isinstance(report, dict) or "run" not in report:
        raise AnsibleFilterError("restore_report_gantt: the input must be the report built by restorekit.aws.restore_report")
    run = report["run"]
    rto = report.get("rto") or {}
    rpo = report.get("rpo") or {}
    finished = run["finished"]
    sections = []

    def task(name, tags, task_id, start, end):
        end = max(end or finished, start)
        if end == start and "milestone" not in tags:
            tags = tags + ["milestone"]
        data = tags + [task_id, _gantt_time(start), _gantt_time(end)]
        return (name, data, start, end)

    milestones = []
    if rpo.get("incident_time"):
        milestones.append(task("incident", ["crit", "milestone"], "incident", rpo["incident_time"], rpo["incident_time"]))
    if rto.get("decision_time"):
        milestones.append(task("decision to restore", ["milestone"], "decision", rto["decision_time"], rto["decision_time"]))
    milestones.append(task("run %s" % run["playbook"], ["done" if report.get("outcome") == "succeeded" else "crit"], "run",
                           run["started"], finished))
    if rto.get("validated_time"):
        label = "validated" if rto.get("validation_passed") else "end of run, not validated"
        milestones.append(task(label, ["milestone"] if rto.get("validation_passed") else ["crit", "milestone"], "validated",
                               rto["validated_time"], rto["validated_time"]))
    sections.append(("Run", milestones))

    tags_by_status = {"done": ["done"], "failed": ["crit"], "running": ["active"], "skipped": []}
    phases = [task(phase["name"], tags_by_status.get(phase["status"], []), "phase%d" % (index + 1), phase["start"], phase["end"])
              for index, phase in enumerate(report.get("phases") or []) if phase.get("start")]
    if phases:
        sections.append(("Phases", phases))

    jobs = []
    for index, job in enumerate(report.get("restore_jobs") or []):
        if not job.get("started"):
            continue
        if job.get("status") == "COMPLETED":
            tags = ["done"]
        elif job.get("status") in JOB_FAILED:
            tags = ["crit"]
        else:
            tags = ["active"]
        created = job.get("created_resource_arn") or ""
        what = re.split(r"[:/]", created)[-1] if created else job["restore_job_id"][:8]
        # The resource type, else the service named in the created resource's ARN (arn:aws:rds:... is RDS).
        kind = job.get("resource_type") or (created.split(":")[2].upper() if created.count(":") >= 5 else "restore")
        jobs.append(task("%s %s" % (kind, what), tags, "job%d" % (index + 1), job["started"], job.get("finished")))
    if jobs:
        sections.append(("Restore jobs", jobs))

    times = [when for _title, tasks in sections for item in tasks for when in item[2:]]
    span = _seconds_between(min(times), max(times)) or 0
    lines = [
        "gantt",
        "    title %s (UTC)" % _gantt_text("Timeline of %s" % run["id"]),
        "    dateFormat %s" % GANTT_DATE_FORMAT,
        # Hours and minutes for a night's incident; the day as well when the chart spans more than one.
        "    axisFormat %s" % ("%H:%M" if span <= 86400 else "%m-%d %H:%M"),
        "    todayMarker off",
    ]
    for title, tasks in sections:
        lines.append("    section %s" % title)
        for name, data, _start, _end in tasks:
            lines.append("    %s :%s" % (_gantt_text(name), ", ".join(data)))
    return "\n".join(lines) + "\n"


class FilterModule(object):
    """restorekit.aws restore report timeline filter."""

    def filters(self):
        return {"restore_report_gantt": restore_report_gantt}
