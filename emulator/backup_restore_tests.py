"""What AWS Backup does with what a restore test restored: it deletes it, and the restore job reports the deletion.

"Once the optional validation completes or the validation window closes, AWS Backup deletes the resources involved with
the restore test" (developer guide, "Restore testing"); the selection's ValidationWindowHours is the window, "0 to 168",
and "the data will be deleted upon the completion of the validation script or the end of the specified retention
period, whichever comes first" (API reference, RestoreTestingSelectionForCreate). The restore job then carries
DeletionStatus DELETING, then SUCCESSFUL or FAILED, with DeletionStatusMessage (RestoreJobsListMember,
DescribeRestoreJob; the values are botocore's RestoreDeletionStatus).

`RestoreTestCleanupMixin` is inherited by `backup.BackupWorld`; it reads the world's restore jobs, drivers, durations and
clock. The window is on the emulator's clock, counted from the job's completion; the deletion itself takes
``durations["deletion"]`` seconds of real time at least (`POST /_restorekit/jobs/duration {"deletion": s}`), like a job.
Each behaviour, its source and its test are rows of docs/emulator-fidelity.md; the tests are
emulator/tests/test_restore_testing_deletion.py.
"""

import datetime
import threading
import time

from .protocol import ApiError

# A selection without ValidationWindowHours: AWS's service model gives the member the default 0 (SDKs generated from it
# send 0 when it is left out), and 0 deletes the restore as soon as the job completes (hashicorp/terraform-provider-aws
# #41156). Unconfirmed for the API itself: docs/emulator-fidelity.md.
DEFAULT_VALIDATION_WINDOW_HOURS = 0
# A validation result other than VALIDATING completes the validation.
VALIDATION_IN_PROGRESS = "VALIDATING"


class Deletion:
    """The deletion of one restore test's resource: started at a real instant, its outcome once the driver is done."""

    def __init__(self):
        self.started = time.monotonic()
        self.outcome = None  # (ok, message) once the driver's deletion ended

    def run(self, work):
        """Delete on a thread (a database server takes a moment to stop); its error becomes the outcome's message."""
        def target():
            try:
                work()
                self.outcome = (True, None)
            except Exception as exc:  # pylint: disable=broad-except
                message = exc.message if isinstance(exc, ApiError) else str(exc)
                self.outcome = (False, message or exc.__class__.__name__)
        threading.Thread(target=target, name="restore-test-deletion", daemon=True).start()


class RestoreTestCleanupMixin:
    """Deletion of what restore testing jobs restored: when a validation result ends the validation, or when the
    selection's validation window ends, whichever comes first."""

    @staticmethod
    def is_restore_test(job):
        """Whether JOB was started by a restore testing plan."""
        return bool((job.fields.get("CreatedBy") or {}).get("RestoreTestingPlanArn"))

    def tick_restore_tests(self, now):
        """Start the deletions whose validation window has ended; finish those whose driver is done."""
        for job in list(self.jobs["restore"].values()):
            if job.state != "COMPLETED" or not self.is_restore_test(job):
                continue
            deletion = getattr(job, "deletion", None)
            if deletion is None:
                hours = getattr(job, "validation_window_hours", DEFAULT_VALIDATION_WINDOW_HOURS)
                if job.completed is not None and now >= job.completed + datetime.timedelta(hours=hours):
                    self.delete_restored(job)
            elif deletion.outcome is not None and time.monotonic() - deletion.started >= self.durations.get("deletion", 0.0):
                ok, message = deletion.outcome
                job.fields["DeletionStatus"] = "SUCCESSFUL" if ok else "FAILED"
                job.fields["DeletionStatusMessage"] = None if ok else message

    def delete_restored(self, job):
        """DELETING: the driver deletes what JOB created (a job that created nothing has nothing to delete)."""
        created = job.fields.get("CreatedResourceArn")
        if getattr(job, "deletion", None) is not None or not created:
            return
        job.deletion = Deletion()
        job.fields["DeletionStatus"] = "DELETING"
        job.deletion.run(lambda: self.drivers[job.fields["ResourceType"]].delete_restored(created))

    def validation_result_put(self, job, status):
        """PutRestoreValidationResult recorded STATUS: a completed validation sends the restore for deletion."""
        if status != VALIDATION_IN_PROGRESS:
            self.delete_restored(job)
