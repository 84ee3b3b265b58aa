# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the action plugins that show progress while their module waits (restore_job, rds_restore, ec2_relaunch).

A module cannot print while it runs; a responder watching a restore of an hour needs to see it move. Such an action
runs its module once as given when there is nothing to wait for (``wait: false``, check mode, or a wait option that is
not valid, which the module then names), and otherwise hands the task to ``wait``, which runs the module again and
again, displaying each poll's line as it arrives. ``SlicedAction`` is that wait for a module that waits in slices of
one ``poll_interval`` (``wait_slice``) and carries its first run's decision on (``resume``): rds_restore, ec2_relaunch.
"""

from __future__ import annotations

import time

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.restorekit.aws.plugins.module_utils._poll import wait_options

display = Display()


class ProgressAction(ActionBase):
    """Run MODULE once, or wait with ``wait(result, args, task_vars, timeout, poll)``."""

    MODULE = ""

    def _module(self, args, task_vars):
        return self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars)

    def runs_once(self, args):
        """Whether these arguments ask for one module run even with a wait (see the subclass)."""
        return False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        options = wait_options(args, self._task.check_mode)
        if options is None or self.runs_once(args):
            result.update(self._module(args, task_vars))
            return result
        return self.wait(result, args, task_vars, *options)

    def wait(self, result, args, task_vars, timeout, poll):
        raise NotImplementedError


def slice_seconds(poll, remaining):
    """How long one module run waits: one poll interval, never past the wait_timeout left."""
    return max(min(float(poll), remaining), 0.0)


class SlicedAction(ProgressAction):
    """The first run decides, starts and waits one slice; while the result is ``pending`` the module runs again with
    the first run's ``resume`` until it is done or ``wait_timeout`` has passed. A wait that ends within the first
    slice costs one module run. KEEP are the first run's keys the task's result keeps (what it decided or did)."""

    KEEP = ()

    def runs_once(self, args):
        return bool(args.get("wait_slice"))  # the caller slices the wait itself

    def timeout_message(self, args, last, timeout):
        raise NotImplementedError

    def merge(self, runs, progress):
        """The task's result: the last run's state, the first run's KEEP keys, ``changed`` when any run changed
        something, and every progress line."""
        first, last = runs[0], runs[-1]
        result = dict(last)
        for key in self.KEEP:
            if key in first:
                result[key] = first[key]
        result["changed"] = any(run.get("changed") for run in runs)
        result["progress"] = progress
        return result

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
                result.update(self.merge(runs, progress), failed=True, msg=self.timeout_message(args, last, timeout))
                return result
            last = self._module(dict(args, wait_slice=slice_seconds(poll, remaining), resume=first["resume"]), task_vars)
            runs.append(last)
            for line in last.get("progress") or []:
                display.display(line)
                progress.append(line)
        result.update(self.merge(runs, progress))
        return result
