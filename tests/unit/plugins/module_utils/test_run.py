"""The playbook skeleton's rules (module_utils/_run.py): phase marks and the failure a rescue records."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _run

AT = datetime.datetime(2026, 11, 24, 3, 10, 0, 750000, tzinfo=datetime.timezone.utc)


def test_each_mark_adds_a_phase_start_in_utc_whole_seconds():
    marks = _run.add_phase(None, "preflight", AT)
    marks = _run.add_phase(marks, " restore ", AT + datetime.timedelta(minutes=1))
    assert marks == [{"name": "preflight", "start": "2026-11-24T03:10:00Z"}, {"name": "restore", "start": "2026-11-24T03:11:00Z"}]
    with pytest.raises(_run.RunError, match="a phase needs a name"):
        _run.add_phase(marks, "", AT)
    with pytest.raises(_run.RunError, match="restorekit_phase_marks='restore' is not a list"):
        _run.add_phase("restore", "validate", AT)


def test_the_failure_names_the_failed_task_and_its_message():
    assert _run.failure({"name": "Restore the database"}, {"msg": "no recovery point"}) == "Restore the database: no recovery point"
    assert _run.failure(None, {"failed": True}) == "a task: failed"
