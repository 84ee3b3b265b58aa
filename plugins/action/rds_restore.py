# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.rds_restore: a progress line at each poll interval while a restore runs.

A module cannot print while it runs, and an RDS restore takes tens of minutes. So the module waits in slices of one
``poll_interval`` (``wait_slice``): the first run decides, starts and waits one slice; while the restore is still
``pending`` the module runs again with the decision of the first run (``resume``), adopting what it started, until the
instance is available and its settings are applied or ``wait_timeout`` has passed. Each slice's progress lines are
displayed as they arrive. A restore that ends within the first slice costs one module run.
"""

from __future__ import annotations

import time

from ansible_collections.restorekit.aws.plugins.plugin_utils.progress import ProgressAction, display

MODULE = "restorekit.aws.rds_restore"


def slice_seconds(poll, remaining):
    """How long one module run waits: one poll interval, never past the wait_timeout left."""
    return max(min(float(poll), remaining), 0.0)


def merge(runs, progress):
    """The task's result: the last run's state, the first run's decision, ``changed`` when any run changed something,
    and every setting any run applied."""
    first, last = runs[0], runs[-1]
    result = dict(last)
    for key in ("adopted", "request"):
        if key in first:
            result[key] = first[key]
    result["changed"] = any(run.get("changed") for run in runs)
    applied = sorted(set(setting for run in runs for setting in run.get("settings_applied") or []))
    if applied:
        result["settings_applied"] = applied
    result["progress"] = progress
    return result


class ActionModule(ProgressAction):
    """Run the module slice by slice, displaying each slice's progress."""

    MODULE = MODULE

    def runs_once(self, args):
        return bool(args.get("wait_slice"))  # the caller slices the wait itself

    def wait(self, result, args, task_vars, timeout, poll):
        started = time.monotonic()
        first = last = self._module(dict(args, wait_slice=slice_seconds(poll, timeout)), task_vars)
        runs = [first]
        progress = list(first.get("progress") or [])
        for line in progress:
            display.display(line)
        while last.get("pending") and not last.get("failed"):
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                result.update(merge(runs, progress), failed=True,
                              msg="rds_restore: %s is still %s after wait_timeout=%gs; the restore goes on in AWS, and re-running the "
                                  "same task adopts it" % (args.get("target_db_instance_identifier"), last.get("stage"), timeout))
                return result
            last = self._module(dict(args, wait_slice=slice_seconds(poll, remaining), resume=first["resume"]), task_vars)
            runs.append(last)
            for line in last.get("progress") or []:
                display.display(line)
                progress.append(line)
        result.update(merge(runs, progress))
        return result
