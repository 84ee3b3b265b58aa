# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.run_phase: mark a phase's start, or record why the run failed, on the control node.

The rules are in module_utils/_run.py; no module runs and nothing in AWS is called.
"""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.restorekit.aws.plugins.module_utils import _run
from ansible_collections.restorekit.aws.plugins.plugin_utils.connection import unknown_options


class ActionModule(ActionBase):
    """Set restorekit_phase_marks or restorekit_run_failure."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        unknown = unknown_options(args, ("start", "name", "failed"))
        if unknown:
            return dict(result, failed=True, msg="unsupported option(s) %s; supported: start, name, failed" % ", ".join(unknown))
        try:
            start, failed = (boolean(args.get(option, False), strict=True) for option in ("start", "failed"))
        except TypeError as e:
            return dict(result, failed=True, msg="start and failed are booleans: %s" % e)
        if [start, "name" in args, failed].count(True) != 1:
            return dict(result, failed=True, msg="give one of start=true (a run begins), name (a phase starts) or failed=true (in a rescue)")
        try:
            if start:
                # Facts set by an action are cached where fact caching is on: a run starts from nothing, not the last run's.
                result.update(changed=False, ansible_facts={_run.MARKS: [], _run.FAILURE: ""})
            elif failed:
                if "ansible_failed_task" not in task_vars:
                    raise _run.RunError("failed=true records a failure only in a rescue (no ansible_failed_task here)")
                reason = _run.failure(task_vars.get("ansible_failed_task"), task_vars.get("ansible_failed_result"))
                result.update(changed=False, failure=reason, ansible_facts={_run.FAILURE: reason})
            else:
                marks = _run.add_phase(task_vars.get(_run.MARKS), args["name"])
                result.update(changed=False, phase=marks[-1], ansible_facts={_run.MARKS: marks})
        except _run.RunError as e:
            result.update(failed=True, msg=str(e))
        return result
