# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.restore_job: progress at each poll while a restore runs.

A module cannot print while it runs; a responder watching a restore of an hour needs to see it move. So the
wait happens here: the module starts (or adopts) the job without waiting, then is called again with
``restore_job_id`` at each poll, and each poll's state and percent done is displayed as it arrives, in
ansible-playbook's output and in AWX job output alike.
"""

from __future__ import annotations

import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

display = Display()

MODULE = "restorekit.aws.restore_job"
# Options that describe the restore itself; a poll passes only the connection options and the job id.
RESTORE_OPTIONS = ("recovery_point_arn", "backup_vault_name", "project_name", "environment", "resource_type", "target_name",
                   "metadata", "allow_source_target", "iam_role_arn", "copy_source_tags", "adopt_window_hours", "wait",
                   "wait_timeout", "poll_interval", "restore_job_id")
FINAL = ("COMPLETED", "FAILED", "ABORTED")
MAX_POLL_SECONDS = 60.0


def progress_line(job, waited):
    return "restore job %s: %s %s (waited %ds)" % (job.get("restore_job_id"), job.get("status"), job.get("percent_done", ""), int(waited))


class ActionModule(ActionBase):
    """Start or adopt with the module, then poll it, displaying each poll."""

    def _module(self, args, task_vars):
        return self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        try:
            wait = boolean(args.get("wait", True), strict=True)
            timeout = int(args.get("wait_timeout", 7200))
            poll = float(args.get("poll_interval", 15))
        except (TypeError, ValueError):
            wait, timeout, poll = False, 0, 0  # the module reports the bad value, naming the option
        if not wait or self._task.check_mode or timeout <= 0 or poll <= 0:
            result.update(self._module(args, task_vars))
            return result

        first = self._module(dict(args, wait=False), task_vars)
        if first.get("failed") or not first.get("restore_job_id"):
            result.update(first)
            return result
        job = first.get("restore_job") or {}
        poll_args = {k: v for k, v in args.items() if k not in RESTORE_OPTIONS}
        poll_args.update(restore_job_id=first["restore_job_id"], wait=False)
        started = time.monotonic()
        delay = poll
        progress = [progress_line(job, 0)]
        display.display(progress[-1])
        last = first
        while job.get("status") not in FINAL:
            waited = time.monotonic() - started
            if waited + delay > timeout:
                result.update(first, restore_job=job, progress=progress, failed=True,
                              msg="restore job %s is still %s after wait_timeout=%ss; it goes on in AWS. Re-running the same task "
                                  "adopts it instead of starting another." % (job.get("restore_job_id"), job.get("status"), timeout))
                return result
            time.sleep(delay)
            delay = min(delay * 1.5, MAX_POLL_SECONDS)
            last = self._module(poll_args, task_vars)
            if not last.get("restore_job"):
                result.update(first, progress=progress, failed=True, msg=last.get("msg", "polling the restore job failed"))
                return result
            job = last["restore_job"]
            progress.append(progress_line(job, time.monotonic() - started))
            display.display(progress[-1])

        result.update(first)
        result.update(restore_job=job, elapsed_seconds=last.get("elapsed_seconds"), progress=progress)
        if job.get("status") == "COMPLETED" and job.get("created_resource_arn"):
            result["created_resource_arn"] = job["created_resource_arn"]
        if job.get("status") != "COMPLETED":
            result.update(failed=True, msg="restore job %s %s: %s" % (job.get("restore_job_id"), job.get("status"),
                                                                      job.get("status_message") or "no status message"))
        return result
