# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The skeleton every restore playbook shares, reached through ``restorekit.aws.run_phase``.

A playbook marks where each phase starts (``restorekit_phase_marks``, which the restore report turns into phases,
each ending where the next begins), and its rescue records why the run failed (``restorekit_run_failure``, the failed
task's name and message), so that the report is written with the failure and the run fails after it.
"""

from __future__ import annotations

import datetime

MARKS = "restorekit_phase_marks"
FAILURE = "restorekit_run_failure"


class RunError(ValueError):
    """Options or variables the skeleton cannot use, named."""


def utc_text(now=None):
    """The time a phase starts, as the report reads it: UTC, ISO 8601, whole seconds."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_phase(marks, name, now=None):
    """MARKS (the phases marked so far) with NAME starting now."""
    if not isinstance(name, str) or not name.strip():
        raise RunError("name=%r: a phase needs a name, for example restore" % (name,))
    if marks is None:
        marks = []
    if not isinstance(marks, list):
        raise RunError("%s=%r is not a list of phase marks" % (MARKS, marks))
    return list(marks) + [{"name": name.strip(), "start": utc_text(now)}]


def failure(task, result):
    """Why the run failed, from a rescue's ansible_failed_task and ansible_failed_result: '<task name>: <message>'."""
    name = (task or {}).get("name") if isinstance(task, dict) else None
    message = (result or {}).get("msg") if isinstance(result, dict) else None
    return "%s: %s" % (name or "a task", message or "failed")
