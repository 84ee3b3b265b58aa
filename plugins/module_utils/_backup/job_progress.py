# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The line a responder reads for a restore job while it is waited for: by the modules that wait (``restore_job``,
``rds_restore``) and by the ``restore_job`` action plugin, which shows it on the control node between module runs.
Nothing here calls AWS, so the action plugin loads it without boto3.
"""

from __future__ import annotations


def progress_line(job, elapsed):
    """One line a responder reads while waiting: job, state, percent done, the validation and deletion status AWS reports
    for a restore testing job (``ValidationStatus``, ``DeletionStatus``), time waited. JOB as DescribeRestoreJob answers
    it, or snake_cased as the modules return it."""
    def get(camel, snake):
        return job.get(camel, job.get(snake)) or ""

    line = "restore job %s: %s %s" % (get("RestoreJobId", "restore_job_id"), get("Status", "status"), get("PercentDone", "percent_done"))
    for label, camel, snake in (("validation", "ValidationStatus", "validation_status"), ("deletion", "DeletionStatus", "deletion_status")):
        if get(camel, snake):
            line = "%s; %s %s" % (line.rstrip(), label, get(camel, snake))
    return "%s (waited %ds)" % (line, int(elapsed))
