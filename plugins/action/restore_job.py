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

from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup.job_progress import progress_line
from ansible_collections.restorekit.aws.plugins.plugin_utils.progress import ProgressAction, display

MODULE = "restorekit.aws.restore_job"
# Options that describe the restore itself; a poll passes only the connection options and the job id.
RESTORE_OPTIONS = ("recovery_point_arn", "backup_vault_name", "backup_vault_account_id", "project_name", "environment", "resource_type",
                   "target_name", "metadata", "allow_source_target", "iam_role_arn", "copy_source_tags", "adopt_window_hours", "wait",
                   "wait_timeout", "poll_interval", "restore_job_id", "restore_job_ids", "restores", "wait_slice")
FINAL = ("COMPLETED", "FAILED", "ABORTED")
# The starting module run keeps checking the job it started for up to this long (wait_slice): a job that ends within it
# needs no second module run, which costs far more than a describe.
START_SLICE_SECONDS = 2.0


def summary_line(jobs, waited):
    """One line for several jobs: how many are in each state."""
    counts = {}
    for job in jobs:
        counts[job.get("status")] = counts.get(job.get("status"), 0) + 1
    return "%d restore job(s): %s (waited %ds)" % (
        len(jobs), ", ".join("%d %s" % (count, status) for status, count in sorted(counts.items(), key=lambda i: str(i[0]))), int(waited))


class PollFailed(Exception):
    """A poll's module run returned no job: its message ends the wait."""


class ActionModule(ProgressAction):
    """Start or adopt with the module, then poll it, displaying each poll."""

    MODULE = MODULE

    def wait(self, result, args, task_vars, timeout, poll):
        if args.get("restores") is not None or args.get("restore_job_ids") is not None:
            return self._run_many(result, args, task_vars, timeout, poll)

        try:
            slice_seconds = float(args["wait_slice"]) if args.get("wait_slice") is not None else min(START_SLICE_SECONDS, poll, timeout)
        except (TypeError, ValueError):
            slice_seconds = 0.0  # the module reports the bad value, naming the option
        first = self._module(dict(args, wait=False, wait_slice=args.get("wait_slice", slice_seconds)), task_vars)
        if first.get("failed") or not first.get("restore_job_id"):
            result.update(first)
            return result
        job = first.get("restore_job") or {}
        poll_args = {k: v for k, v in args.items() if k not in RESTORE_OPTIONS}
        poll_args.update(restore_job_id=first["restore_job_id"], wait=False)
        progress = [progress_line(job, 0)]
        display.display(progress[-1])
        seen = {"last": first}

        def check(waited):
            last = seen["last"] = self._module(poll_args, task_vars)
            if not last.get("restore_job"):
                raise PollFailed(last.get("msg", "polling the restore job failed"))
            progress.append(progress_line(last["restore_job"], waited))
            display.display(progress[-1])
            return last["restore_job"].get("status") in FINAL, last["restore_job"]

        try:
            # The module already watched the job for slice_seconds, and its last answer is the first check.
            job = _poll.poll(check, timeout, poll, time.sleep, time.monotonic, already=slice_seconds,
                             first=(job.get("status") in FINAL, job))
        except _poll.PollTimeout as e:
            job = e.last
            result.update(first, restore_job=job, progress=progress, failed=True,
                          msg="restore job %s is still %s after wait_timeout=%gs; it goes on in AWS. Re-running the same task "
                              "adopts it instead of starting another." % (job.get("restore_job_id"), job.get("status"), timeout))
            return result
        except PollFailed as e:
            result.update(first, progress=progress, failed=True, msg=str(e))
            return result
        last = seen["last"]
        result.update(first)
        result.update(restore_job=job, elapsed_seconds=last.get("elapsed_seconds"), progress=progress)
        if job.get("status") == "COMPLETED" and job.get("created_resource_arn"):
            result["created_resource_arn"] = job["created_resource_arn"]
        if job.get("status") != "COMPLETED":
            result.update(failed=True, msg="restore job %s %s: %s" % (job.get("restore_job_id"), job.get("status"),
                                                                      job.get("status_message") or "no status message"))
        return result

    def _run_many(self, result, args, task_vars, timeout, poll):
        """restores or restore_job_ids: start (or describe) them all with one module run, then poll them all together.

        Each poll is one module run for the jobs still active, and one line of counts per state is displayed.
        """
        first = self._module(dict(args, wait=False), task_vars)
        # A job that has already FAILED fails the describe, which still returns every job: the others are waited for,
        # and the failure is reported once all have ended.
        if not first.get("restore_jobs"):
            result.update(first)
            return result
        first.pop("failed", None)
        first.pop("msg", None)
        entries = first["restore_jobs"]
        latest = dict((entry["restore_job_id"], entry) for entry in entries if entry.get("restore_job_id"))
        poll_args = {k: v for k, v in args.items() if k not in RESTORE_OPTIONS}
        progress = [summary_line([entry.get("restore_job") or {} for entry in latest.values()], 0)]
        display.display(progress[-1])

        def active():
            return [job_id for job_id, entry in latest.items() if (entry.get("restore_job") or {}).get("status") not in FINAL]

        def check(waited):
            last = self._module(dict(poll_args, restore_job_ids=active(), wait=False), task_vars)
            if not last.get("restore_jobs"):
                raise PollFailed(last.get("msg", "polling the restore jobs failed"))
            for polled in last["restore_jobs"]:
                latest[polled["restore_job_id"]] = dict(latest.get(polled["restore_job_id"], {}), **polled)
            progress.append(summary_line([entry.get("restore_job") or {} for entry in latest.values()], waited))
            display.display(progress[-1])
            return not active(), None

        try:
            # The starting run has just described the jobs: its answer is the first check.
            _poll.poll(check, timeout, poll, time.sleep, time.monotonic, first=(not active(), None))
        except _poll.PollTimeout:
            result.update(first, progress=progress, failed=True,
                          msg="restore job(s) %s still running after wait_timeout=%gs; they go on in AWS. Re-running the same "
                              "task adopts them instead of starting others." % (", ".join(active()), timeout))
            return result
        except PollFailed as e:
            result.update(first, progress=progress, failed=True, msg=str(e))
            return result

        result.update(first)
        result["restore_jobs"] = [latest.get(entry.get("restore_job_id"), entry) for entry in entries]
        result["progress"] = progress
        failed = [entry for entry in result["restore_jobs"] if (entry.get("restore_job") or {}).get("status") != "COMPLETED"]
        if failed:
            result.update(failed=True, msg="; ".join(
                "restore job %s %s: %s" % (entry.get("restore_job_id"), entry["restore_job"].get("status"),
                                           entry["restore_job"].get("status_message") or "no status message") for entry in failed))
        return result
