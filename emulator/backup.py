"""AWS Backup as the emulator serves it: recovery points, backup/copy/restore jobs, selections, restore testing.

moto keeps plans and vaults (we read them from its backends, and UpdateBackupPlan, which moto lacks, changes its plans);
everything else of AWS Backup lives here.
Jobs move through the states the API defines over a configurable real-time duration, driven by a ticker
thread, while their work (a database dump, a bucket capture, an AMI, a restore) runs beside them.
"""

import base64
import datetime
import fnmatch
import hashlib
import json
import random
import re
import threading
import time
import traceback
import uuid

from moto.backup.models import backup_backends

from .backup_more import BackupMoreMixin
from .backup_holds import HOLD_SECONDS, HoldsMixin, check_lifecycle, lifecycle_days, supports_cold_storage
from .backup_airgap import AirGapMixin
from .backup_restore_tests import DEFAULT_VALIDATION_WINDOW_HOURS, RestoreTestCleanupMixin
from .backup_shared import SharedVaultsMixin
from .protocol import ApiError

ACCOUNT_ID = "123456789012"
UTC = datetime.timezone.utc
MAX_RESULTS = 1000
RESOURCE_TYPES = ("RDS", "S3", "EC2")
RP_ACTIVE = ("COMPLETED", "AVAILABLE", "PARTIAL")
# The resource types DescribeRegionSettings names (all opted in, as in an account created today) and those with
# a management preference (advanced features).
OPT_IN_TYPES = ("Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS",
                "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine")
MANAGEMENT_TYPES = ("DynamoDB", "EFS")
# What AWS fills in for a backup rule's optional members (amazon.aws's backup_plan documents them as AWS's defaults); moto
# fills the same on CreateBackupPlan, and UpdateBackupPlan here does too.
RULE_DEFAULTS = {"ScheduleExpression": "cron(0 5 ? * * *)", "StartWindowMinutes": 480, "CompletionWindowMinutes": 10080,
                 "ScheduleExpressionTimezone": "Etc/UTC"}
# GetBackupSelection returns these lists, and Conditions with these four operators, even when empty (docs/emulator-fidelity.md).
SELECTION_LISTS = ("Resources", "NotResources", "ListOfTags")
CONDITION_OPERATORS = ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")


# The kinds of jobs whose durations --job-seconds sets (world.durations also holds "legal_hold", which it does not).
JOB_KINDS = ("backup", "copy", "restore", "deletion")


class Clock:
    """The emulator's clock: real time shifted by an offset that tests move (so a point can be days old).

    Every offset it has had is kept with the real time it began (``history``), so a real instant - a MariaDB binary log
    event, which carries real time - is dated as the clock dated it then (``to_clock``), and a time on the clock is
    found back in real time (``to_real``): RDS's point-in-time window is on this clock too (pitr.py).
    """

    def __init__(self):
        self.offset = 0.0
        self.lock = threading.Lock()
        self.history = [(time.time(), 0.0)]  # (real epoch from which it holds, offset), oldest first
        self.listeners = []  # called with the real epoch of every move (pitr.py marks its binary logs there)

    def now(self):
        return datetime.datetime.now(tz=UTC) + datetime.timedelta(seconds=self.offset)

    def set(self, when):
        self._offset_to((when - datetime.datetime.now(tz=UTC)).total_seconds())

    def advance(self, seconds):
        self._offset_to(self.offset + seconds)

    def _offset_to(self, offset):
        with self.lock:
            moved = time.time()
            self.offset = offset
            self.history.append((moved, offset))
        for listener in list(self.listeners):
            listener(moved)

    def to_clock(self, real_epoch):
        """The clock's epoch seconds at the real instant REAL_EPOCH."""
        with self.lock:
            offsets = [offset for since, offset in self.history if since <= real_epoch]
        return real_epoch + (offsets[-1] if offsets else 0.0)  # before the emulator started: real time

    def to_real(self, clock_epoch):
        """The real instant at which the clock read CLOCK_EPOCH since the emulator started: the latest, should it have read
        it more than once (tests move the clock back and forth); a time the clock jumped over maps to the instant it first
        jumped over it; a time the clock never came near, to now's offset."""
        with self.lock:
            starts = [since for since, _offset in self.history]
            spans = [(since, until, offset) for (since, offset), until in zip(self.history, starts[1:] + [float("inf")])]
        found = [clock_epoch - offset for since, until, offset in spans if since + offset <= clock_epoch < until + offset]
        if found:
            return max(found)
        jumps = [later[0] for earlier, later in zip(spans, spans[1:]) if earlier[1] + earlier[2] <= clock_epoch < later[0] + later[2]]
        return min(jumps) if jumps else clock_epoch - self.offset


def not_found(what, name):
    return ApiError("ResourceNotFoundException", "%s not found: %s" % (what, name))


def invalid(message):
    return ApiError("InvalidParameterValueException", message)


# AWS answers DescribeBackupVault and ListRecoveryPointsByBackupVault for a vault that does not exist as it answers a
# caller without the permission: 403 AccessDeniedException (docs/emulator-fidelity.md names the reports).
DENIED_FOR_A_MISSING_VAULT = "Insufficient privileges to perform this action."


def denied():
    return ApiError("AccessDeniedException", DENIED_FOR_A_MISSING_VAULT, status=403)


def new_id():
    return str(uuid.uuid4()).upper()


def new_version_id():
    """A backup plan VersionId in AWS's form: a UUID, base64-encoded (48 characters)."""
    return base64.b64encode(str(uuid.uuid4()).encode()).decode()


class RecoveryPoint:
    """One recovery point in one vault. `payload` is what the resource driver needs to restore it."""

    def __init__(self, **kw):
        self.arn = kw["arn"]
        self.region = kw["region"]
        self.vault_name = kw["vault_name"]
        self.vault_arn = kw["vault_arn"]
        self.resource_arn = kw["resource_arn"]
        self.resource_type = kw["resource_type"]
        self.resource_name = kw.get("resource_name")
        self.created = kw["created"]
        self.completed = kw.get("completed", self.created)
        self.status = kw.get("status", "COMPLETED")
        self.status_message = kw.get("status_message")
        self.size = kw.get("size", 0)
        self.iam_role_arn = kw.get("iam_role_arn")
        self.created_by = kw.get("created_by")
        self.lifecycle = kw.get("lifecycle") or {}
        self.encryption_key_arn = kw.get("encryption_key_arn")
        self.source_vault_arn = kw.get("source_vault_arn")
        self.restore_metadata = kw.get("restore_metadata") or {}
        self.payload = kw.get("payload")
        self.last_restore = None
        self.tags = kw.get("tags") or {}

    def calculated_lifecycle(self):
        """DeleteAt, and MoveToColdStorageAt where the resource type has cold storage (AWS ignores it elsewhere)."""
        out = {}
        cold = lifecycle_days(self.lifecycle, "MoveToColdStorageAfterDays")
        if cold and supports_cold_storage(self.resource_type):
            out["MoveToColdStorageAt"] = self.created + datetime.timedelta(days=cold)
        delete = lifecycle_days(self.lifecycle, "DeleteAfterDays")
        if delete:
            out["DeleteAt"] = self.created + datetime.timedelta(days=delete)
        return out or None

    def storage_class(self, now):
        cold_at = (self.calculated_lifecycle() or {}).get("MoveToColdStorageAt")
        return "COLD" if cold_at and now >= cold_at else "WARM"

    def describe(self, now):
        return {
            "RecoveryPointArn": self.arn,
            "BackupVaultName": self.vault_name,
            "BackupVaultArn": self.vault_arn,
            "SourceBackupVaultArn": self.source_vault_arn,
            "ResourceArn": self.resource_arn,
            "ResourceType": self.resource_type,
            "ResourceName": self.resource_name,
            "CreatedBy": self.created_by,
            "IamRoleArn": self.iam_role_arn,
            "Status": self.status,
            "StatusMessage": self.status_message,
            "CreationDate": self.created,
            "InitiationDate": self.created,
            "CompletionDate": self.completed,
            "BackupSizeInBytes": self.size,
            "BackupSizeBytes": self.size,
            "CalculatedLifecycle": self.calculated_lifecycle(),
            "Lifecycle": self.lifecycle or None,
            "EncryptionKeyArn": self.encryption_key_arn,
            "IsEncrypted": bool(self.encryption_key_arn),
            "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY" if self.encryption_key_arn else "AWS_OWNED_KMS_KEY",
            "StorageClass": self.storage_class(now),
            "LastRestoreTime": self.last_restore,
            "IsParent": False,
            "VaultType": "BACKUP_VAULT",
        }


class Job:
    """A backup, copy or restore job. State is derived from elapsed real time and the outcome of its work."""

    def __init__(self, kind, region, created, duration, **fields):
        self.kind = kind
        self.id = fields.pop("job_id", None) or new_id()
        self.region = region
        self.created = created
        self.duration = duration
        self.started = time.monotonic()
        self.completed = None
        self.state = "CREATED" if kind in ("backup", "copy") else "PENDING"
        self.message = None
        self.percent = 0.0
        self.fields = fields
        self.outcome = None  # (ok: bool, value or message) once the work has ended
        self.fail_with = None
        self.on_complete = None

    @property
    def final(self):
        return self.state in ("COMPLETED", "FAILED", "ABORTED", "EXPIRED", "PARTIAL")

    def run(self, work):
        """Start the job's work on a thread; its result or error becomes the job's outcome."""
        def target():
            try:
                self.outcome = (True, work())
            except Exception as exc:  # pylint: disable=broad-except
                message = exc.message if isinstance(exc, ApiError) else str(exc)
                self.outcome = (False, message or exc.__class__.__name__)
        threading.Thread(target=target, name="job-%s" % self.id, daemon=True).start()


class BackupWorld(BackupMoreMixin, HoldsMixin, AirGapMixin, RestoreTestCleanupMixin, SharedVaultsMixin):
    """Everything AWS Backup knows of one account in one emulator process, across regions.

    Another account's world shares the first one's clock and lock (app.py ``world_for``)."""

    def __init__(self, drivers, account_id=ACCOUNT_ID, clock=None, lock=None):
        self.lock = lock or threading.RLock()
        self.account_id = account_id
        self.accounts = {account_id: self}
        self.clock = clock or Clock()
        self.drivers = drivers
        self.recovery_points = {}
        self.jobs = {"backup": {}, "copy": {}, "restore": {}}
        self.selections = {}
        self.testing_plans = {}
        self.testing_selections = {}
        self.region_settings = {}
        self.tokens = {}
        # "deletion": how long the deletion of what a restore test restored takes at least (backup_restore_tests.py).
        # "legal_hold": how long a legal hold stays CREATING, or CANCELING (backup_holds.py); not a job: --job-seconds
        # leaves it as it is.
        self.durations = {"backup": 0.0, "copy": 0.0, "restore": 0.0, "deletion": 0.0, "legal_hold": HOLD_SECONDS}
        self.fail_next = []
        self.ignore_idempotency_tokens = False
        self.rng = random.Random(0)
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick_loop, name="backup-ticker", daemon=True)
        self._ticker.start()

    # ------------------------------------------------------------------ plumbing
    def stop(self):
        self._stop.set()

    def _tick_loop(self):
        while not self._stop.wait(0.05):
            try:
                self.tick()
            except Exception:  # pylint: disable=broad-except
                # The ticker must survive any one job's surprise; the emulator's log shows it.
                traceback.print_exc()

    def tick(self):
        """Advance every active job, and expire recovery points whose retention has passed."""
        with self.lock:
            for jobs in self.jobs.values():
                for job in list(jobs.values()):
                    if not job.final:
                        self._advance(job)
            now = self.clock.now()
            self.tick_holds(now)
            self.tick_restore_tests(now)
            for point in self.recovery_points.values():
                delete_at = (point.calculated_lifecycle() or {}).get("DeleteAt")
                if delete_at and now >= delete_at and point.status in RP_ACTIVE and not self.point_held(point.arn):
                    point.status = "EXPIRED"
                    point.status_message = "The recovery point passed its retention period"

    def _advance(self, job):
        elapsed = time.monotonic() - job.started
        duration = max(job.duration, 0.0)
        fraction = 1.0 if duration == 0 else min(elapsed / duration, 1.0)
        if job.outcome is None or fraction < 1.0:
            if fraction >= 0.1 or job.outcome is not None:
                job.state = "RUNNING"
            job.percent = min(fraction * 100.0, 99.0)
            return
        ok, value = job.outcome
        if job.fail_with:
            ok, value = False, job.fail_with
        job.completed = self.clock.now()
        if ok:
            job.state = "COMPLETED"
            job.percent = 100.0
            if job.on_complete:
                job.on_complete(job, value)
        else:
            job.state = "FAILED"
            job.message = value

    def vault(self, region, name):
        try:
            return backup_backends[self.account_id][region].describe_backup_vault(name)
        except Exception:  # moto's ResourceNotFoundException
            raise not_found("Backup vault", name) from None

    def vault_by_arn(self, arn, any_account=False):
        """(region, vault) of a vault ARN of this account (ANY_ACCOUNT: of any account the emulator serves). Another
        account's vault is not found: cross-account copies are not emulated."""
        match = re.match(r"^arn:aws:backup:([a-z0-9-]+):(\d{12}):backup-vault:(.+)$", arn or "")
        if not match:
            raise invalid("Invalid backup vault ARN: %s" % arn)
        owner = self if match.group(2) == self.account_id else (self.accounts or {}).get(match.group(2)) if any_account else None
        if owner is None:
            raise not_found("Backup vault", arn)
        return match.group(1), owner.vault(match.group(1), match.group(3))

    def driver_for_arn(self, resource_arn):
        for driver in self.drivers.values():
            if driver.owns_resource_arn(resource_arn):
                return driver
        raise invalid("Unsupported resource ARN: %s" % resource_arn)

    def _consume_failure(self, kind, resource_type):
        for index, rule in enumerate(self.fail_next):
            if rule.get("job_kind", kind) == kind and rule.get("resource_type") in (None, resource_type):
                del self.fail_next[index]
                return rule.get("message") or "Injected failure"
        return None

    def _idempotent(self, operation, token, request):
        """The job a previous identical call with this token started, if AWS would return it again."""
        if not token or self.ignore_idempotency_tokens:
            return None
        seen = self.tokens.get((operation, token))
        if seen is None:
            return None
        job_id, fingerprint = seen
        if fingerprint != request:
            raise ApiError("InvalidRequestException", "The idempotency token was used with different parameters")
        return job_id

    def _remember_token(self, operation, token, request, job_id):
        if token:
            self.tokens[(operation, token)] = (job_id, request)

    @staticmethod
    def _page(items, params, salt):
        """Slice a list for MaxResults/NextToken; the token is bound to the query so it cannot be replayed elsewhere."""
        limit = params.get("MaxResults") or MAX_RESULTS
        if limit < 1 or limit > MAX_RESULTS:
            raise invalid("MaxResults must be between 1 and %d" % MAX_RESULTS)
        start = 0
        if params.get("NextToken"):
            try:
                decoded = json.loads(base64.urlsafe_b64decode(params["NextToken"].encode()).decode())
                if decoded["q"] != salt:
                    raise ValueError("token of another query")
                start = int(decoded["o"])
            except (ValueError, KeyError, TypeError):
                raise invalid("Invalid NextToken") from None
        page = items[start:start + limit]
        token = None
        if start + limit < len(items):
            token = base64.urlsafe_b64encode(json.dumps({"o": start + limit, "q": salt}).encode()).decode()
        return page, token

    @staticmethod
    def _salt(operation, params):
        stable = {k: str(v) for k, v in params.items() if k not in ("NextToken", "MaxResults")}
        return hashlib.sha256(("%s%s" % (operation, sorted(stable.items()))).encode()).hexdigest()[:16]

    @staticmethod
    def _unordered(items, key):
        """AWS documents no order for list results: serve a stable shuffle, so no client can lean on one."""
        return sorted(items, key=lambda item: hashlib.sha256(key(item).encode()).hexdigest())

    def _points_unordered(self, points):
        """A stable shuffle of recovery points whose newest never comes first (nor on the first page)."""
        ordered = self._unordered(points, lambda p: p.arn)
        if len(ordered) > 1:
            newest = max(ordered, key=lambda p: p.created)
            ordered.remove(newest)
            ordered.append(newest)
        return ordered

    # ------------------------------------------------------------------ vaults (moto keeps them; it omits the point count)
    def vault_or_denied(self, region, name):
        """The vault, or AWS's answer to a missing one on the calls users saw it on: AccessDeniedException."""
        try:
            return self.vault(region, name)
        except ApiError as e:
            if e.code != "ResourceNotFoundException":
                raise
            raise denied() from None

    def describe_backup_vault(self, region, params):
        vault = self.vault_or_denied(region, params["BackupVaultName"])
        return {
            "BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn, "VaultType": "BACKUP_VAULT",
            "VaultState": "AVAILABLE", "EncryptionKeyArn": vault.encryption_key_arn,
            "CreationDate": datetime.datetime.fromtimestamp(vault.creation_date, tz=UTC),
            "CreatorRequestId": vault.creator_request_id,
            "NumberOfRecoveryPoints": len(self._vault_points(region, vault.backup_vault_name)),
            "Locked": bool(vault.locked), "MinRetentionDays": vault.min_retention_days, "MaxRetentionDays": vault.max_retention_days,
            "LockDate": datetime.datetime.fromtimestamp(vault.lock_date, tz=UTC) if vault.lock_date else None,
            "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY" if vault.encryption_key_arn else "AWS_OWNED_KMS_KEY",
        } | self.airgap_vault_fields(vault)

    # ------------------------------------------------------------------ recovery points
    def point(self, region, vault_name, arn):
        self.vault(region, vault_name)
        point = self.recovery_points.get(arn)
        if point is None or point.region != region or point.vault_name != vault_name:
            point = next((p for p in self.exposed_points(region, vault_name) if p.arn == arn), None)  # restore access vaults
        if point is None:
            raise not_found("Recovery point", arn)
        return point

    def _vault_points(self, region, vault_name):
        own = [p for p in self.recovery_points.values() if p.region == region and p.vault_name == vault_name]
        return own + self.exposed_points(region, vault_name)

    def add_point(self, point):
        self.recovery_points[point.arn] = point
        vault = self.vault(point.region, point.vault_name)
        vault.num_of_recovery_points = len(self._vault_points(point.region, point.vault_name))

    def list_recovery_points_by_backup_vault(self, region, params):
        self.vault_or_denied(region, params["BackupVaultName"])
        now = self.clock.now()
        points = self._vault_points(region, params["BackupVaultName"])
        if params.get("ByResourceArn"):
            points = [p for p in points if p.resource_arn == params["ByResourceArn"]]
        if params.get("ByResourceType"):
            if params["ByResourceType"] not in RESOURCE_TYPES:
                raise invalid("Invalid resource type: %s" % params["ByResourceType"])
            points = [p for p in points if p.resource_type == params["ByResourceType"]]
        if params.get("ByBackupPlanId"):
            points = [p for p in points if (p.created_by or {}).get("BackupPlanId") == params["ByBackupPlanId"]]
        if params.get("ByCreatedBefore"):
            points = [p for p in points if p.created <= params["ByCreatedBefore"]]
        if params.get("ByCreatedAfter"):
            points = [p for p in points if p.created >= params["ByCreatedAfter"]]
        if params.get("ByParentRecoveryPointArn"):
            points = []
        points = self._points_unordered(points)
        page, token = self._page(points, params, self._salt("ListRecoveryPointsByBackupVault", dict(params, region=region)))
        return {"RecoveryPoints": [p.describe(now) for p in page], "NextToken": token}

    def list_recovery_points_by_resource(self, region, params):
        now = self.clock.now()
        points = [p for p in self.recovery_points.values() if p.region == region and p.resource_arn == params["ResourceArn"]]
        points = self._points_unordered(points)
        page, token = self._page(points, params, self._salt("ListRecoveryPointsByResource", dict(params, region=region)))
        return {"RecoveryPoints": [p.describe(now) for p in page], "NextToken": token}

    def describe_recovery_point(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        return point.describe(self.clock.now())

    def get_recovery_point_restore_metadata(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        return {
            "BackupVaultArn": point.vault_arn,
            "RecoveryPointArn": point.arn,
            "ResourceType": point.resource_type,
            "RestoreMetadata": dict(point.restore_metadata),
        }

    def delete_recovery_point(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        if point.status == "DELETING":
            raise ApiError("InvalidRequestException", "The recovery point is already being deleted")
        self.refuse_protected_delete(region, point)
        self.airgap_refuse_delete(point)
        del self.recovery_points[point.arn]
        # A copy shares its source's data (dump, objects): release it only when no point holds it any more.
        shared = any(other.payload == point.payload for other in self.recovery_points.values())
        if not shared and not (point.payload or {}).get("bulk"):
            self.drivers[point.resource_type].delete_recovery_point(point)
        vault = self.vault(region, point.vault_name)
        vault.num_of_recovery_points = len(self._vault_points(region, point.vault_name))
        return {}

    def protected_results(self, points):
        """The protected resources of POINTS as ListProtectedResources answers them: each resource once, with its newest
        active point, in no particular order."""
        latest = {}
        for point in points:
            if point.status not in RP_ACTIVE:
                continue
            if point.resource_arn not in latest or point.created > latest[point.resource_arn].created:
                latest[point.resource_arn] = point
        return [self._protected(p) for p in self._unordered(list(latest.values()), lambda p: p.resource_arn)]

    def list_protected_resources(self, region, params):
        results = self.protected_results(p for p in self.recovery_points.values() if p.region == region)
        page, token = self._page(results, params, self._salt("ListProtectedResources", dict(params, region=region)))
        return {"Results": page, "NextToken": token}

    def describe_protected_resource(self, region, params):
        result = self.list_protected_resources(region, {"MaxResults": MAX_RESULTS})["Results"]
        for item in result:
            if item["ResourceArn"] == params["ResourceArn"]:
                restores = [j for j in self.jobs["restore"].values()
                            if j.region == region and j.fields["SourceResourceArn"] == params["ResourceArn"]]
                if restores:
                    newest = max(restores, key=lambda j: j.created)
                    item["LatestRestoreJobCreationDate"] = newest.created
                    item["LatestRestoreRecoveryPointCreationDate"] = newest.fields.get("RecoveryPointCreationDate")
                return item
        raise not_found("Protected resource", params["ResourceArn"])

    @staticmethod
    def _protected(point):
        return {
            "ResourceArn": point.resource_arn,
            "ResourceType": point.resource_type,
            "ResourceName": point.resource_name,
            "LastBackupTime": point.created,
            "LastBackupVaultArn": point.vault_arn,
            "LastRecoveryPointArn": point.arn,
        }

    # ------------------------------------------------------------------ backup jobs
    def start_backup_job(self, region, params, created_by=None):
        vault = self.vault(region, params["BackupVaultName"])
        resource_arn = params["ResourceArn"]
        driver = self.driver_for_arn(resource_arn)
        vault, air_gapped_copy = self.airgap_backup_vaults(region, vault, params, driver.resource_type)
        if not re.match(r"^arn:aws:iam::\d{12}:role/.+", params.get("IamRoleArn", "")):
            raise invalid("Invalid IamRoleArn: %s" % params.get("IamRoleArn"))
        request = json.dumps({k: v for k, v in params.items() if k != "IdempotencyToken"}, sort_keys=True, default=str)
        existing = self._idempotent("StartBackupJob", params.get("IdempotencyToken"), request)
        if existing:
            job = self.jobs["backup"][existing]
            return {"BackupJobId": job.id, "RecoveryPointArn": job.fields["RecoveryPointArn"], "CreationDate": job.created, "IsParent": False}
        resource = driver.describe_resource(resource_arn)
        created = self.clock.now()
        lifecycle = params.get("Lifecycle") or {}
        check_lifecycle(lifecycle)
        job = Job("backup", region, created, self.durations["backup"],
                  BackupVaultName=vault.backup_vault_name, BackupVaultArn=vault.backup_vault_arn,
                  ResourceArn=resource_arn, ResourceType=driver.resource_type, ResourceName=resource.get("name"),
                  IamRoleArn=params["IamRoleArn"], CreatedBy=created_by, RecoveryPointLifecycle=lifecycle or None,
                  EncryptionKeyArn=vault.encryption_key_arn)
        # The snapshot is taken now, at the job's creation time, so the point holds the data of that moment.
        captured_now = driver.capture(region, resource_arn, job.id)
        job.fields["RecoveryPointArn"] = captured_now["arn"]
        job.fail_with = self._consume_failure("backup", driver.resource_type) or self.vault_lock_failure(vault, lifecycle)
        self.airgap_backup_job(job, vault, air_gapped_copy)
        self.jobs["backup"][job.id] = job
        self._remember_token("StartBackupJob", params.get("IdempotencyToken"), request, job.id)

        def complete(job, captured):
            point = RecoveryPoint(
                arn=job.fields["RecoveryPointArn"], region=region, vault_name=vault.backup_vault_name,
                vault_arn=vault.backup_vault_arn, resource_arn=resource_arn, resource_type=driver.resource_type,
                resource_name=resource.get("name"), created=created, completed=job.completed,
                size=captured["size"], iam_role_arn=params["IamRoleArn"], created_by=created_by, lifecycle=lifecycle,
                encryption_key_arn=vault.encryption_key_arn, restore_metadata=captured["restore_metadata"],
                payload=captured["payload"], tags=params.get("RecoveryPointTags"))
            job.fields["BackupSizeInBytes"] = captured["size"]
            self.add_point(self.airgap_point(point, vault))
            for action in job.fields.get("copy_actions") or []:
                self._start_copy(region, point, action["DestinationBackupVaultArn"], params["IamRoleArn"],
                                 action.get("Lifecycle") or {}, created_by, job.id)
            self.airgap_after_backup(region, point, job, params["IamRoleArn"], lifecycle, created_by)

        job.on_complete = complete
        job.run(lambda: captured_now)
        return {"BackupJobId": job.id, "RecoveryPointArn": job.fields["RecoveryPointArn"], "CreationDate": created, "IsParent": False}

    def _backup_job_view(self, job):
        view = {
            "AccountId": self.account_id, "BackupJobId": job.id, "State": job.state, "StatusMessage": job.message,
            "CreationDate": job.created, "CompletionDate": job.completed, "InitiationDate": job.created,
            "PercentDone": "%.1f" % job.percent, "BackupType": "", "IsParent": False,
            "StartBy": job.created + datetime.timedelta(hours=8),
            "ExpectedCompletionDate": job.created + datetime.timedelta(seconds=max(job.duration, 1)),
            "IsEncrypted": True, "VaultType": "BACKUP_VAULT", "BytesTransferred": job.fields.get("BackupSizeInBytes", 0),
        }
        view.update({k: v for k, v in job.fields.items() if k[0].isupper()})
        view["RecoveryPointLifecycle"] = job.fields.get("RecoveryPointLifecycle")
        return view

    def describe_backup_job(self, region, params):
        job = self.jobs["backup"].get(params["BackupJobId"])
        if job is None or job.region != region:
            raise not_found("Backup job", params["BackupJobId"])
        return self._backup_job_view(job)

    def list_backup_jobs(self, region, params):
        jobs = [j for j in self.jobs["backup"].values() if j.region == region]
        jobs = self._filter_jobs(jobs, params, {
            "ByBackupVaultName": lambda j, v: j.fields["BackupVaultName"] == v,
            "ByMessageCategory": lambda j, v: v == "ANY" or (v == "SUCCESS") == (j.state == "COMPLETED"),
        })
        page, token = self._page(jobs, params, self._salt("ListBackupJobs", dict(params, region=region)))
        return {"BackupJobs": [self._backup_job_view(j) for j in page], "NextToken": token}

    def _filter_jobs(self, jobs, params, extra):
        """The filters all job lists share, plus each list's own; then the API's lack of order."""
        checks = {
            "ByResourceArn": lambda j, v: j.fields.get("ResourceArn") == v,
            "ByResourceType": lambda j, v: j.fields["ResourceType"] == v,
            "ByState": lambda j, v: j.state == v,
            "ByStatus": lambda j, v: j.state == v,
            "ByAccountId": lambda j, v: v == self.account_id,
            "ByParentJobId": lambda j, v: False,
        }
        checks.update(extra)
        checks.setdefault("ByCreatedBefore", lambda j, v: j.created <= v)
        checks.setdefault("ByCreatedAfter", lambda j, v: j.created >= v)
        checks.setdefault("ByCompleteBefore", lambda j, v: j.completed is not None and j.completed <= v)
        checks.setdefault("ByCompleteAfter", lambda j, v: j.completed is not None and j.completed >= v)
        for name, value in params.items():
            if name in checks and value is not None:
                jobs = [j for j in jobs if checks[name](j, value)]
        return self._unordered(jobs, lambda j: j.id)

    # ------------------------------------------------------------------ copy jobs
    def start_copy_job(self, region, params):
        source_vault = self.vault(region, params["SourceBackupVaultName"])
        point = self.point(region, source_vault.backup_vault_name, params["RecoveryPointArn"])
        self.vault_by_arn(params["DestinationBackupVaultArn"])
        request = json.dumps({k: v for k, v in params.items() if k != "IdempotencyToken"}, sort_keys=True, default=str)
        existing = self._idempotent("StartCopyJob", params.get("IdempotencyToken"), request)
        if existing:
            job = self.jobs["copy"][existing]
            return {"CopyJobId": job.id, "CreationDate": job.created, "IsParent": False}
        if point.status not in RP_ACTIVE:
            raise ApiError("InvalidRequestException", "Recovery point %s is %s and cannot be copied" % (point.arn, point.status))
        check_lifecycle(params.get("Lifecycle"))
        job = self._start_copy(region, point, params["DestinationBackupVaultArn"], params["IamRoleArn"],
                               params.get("Lifecycle") or {}, None, None)
        self._remember_token("StartCopyJob", params.get("IdempotencyToken"), request, job.id)
        return {"CopyJobId": job.id, "CreationDate": job.created, "IsParent": False}

    def _start_copy(self, region, point, destination_vault_arn, role_arn, lifecycle, created_by, backup_job_id):
        dest_region, dest_vault = self.vault_by_arn(destination_vault_arn)
        driver = self.drivers[point.resource_type]
        created = self.clock.now()
        job = Job("copy", region, created, self.durations["copy"],
                  SourceBackupVaultArn=point.vault_arn, SourceRecoveryPointArn=point.arn,
                  DestinationBackupVaultArn=dest_vault.backup_vault_arn, ResourceArn=point.resource_arn,
                  ResourceType=point.resource_type, ResourceName=point.resource_name, IamRoleArn=role_arn,
                  BackupSizeInBytes=point.size, CreatedBy=created_by, CreatedByBackupJobId=backup_job_id,
                  DestinationRecoveryPointLifecycle=lifecycle or None, DestinationEncryptionKeyArn=dest_vault.encryption_key_arn)
        job.fail_with = self._consume_failure("copy", point.resource_type) or self.vault_lock_failure(dest_vault, lifecycle)
        self.airgap_copy_job(job, dest_vault)
        self.jobs["copy"][job.id] = job

        def complete(job, copied):
            # A copy keeps its source's creation date, and its retention counts from it ("Backup and tag copy").
            new_point = RecoveryPoint(
                arn=copied["arn"], region=dest_region, vault_name=dest_vault.backup_vault_name,
                vault_arn=dest_vault.backup_vault_arn, resource_arn=point.resource_arn, resource_type=point.resource_type,
                resource_name=point.resource_name, created=point.created, completed=job.completed, size=point.size,
                iam_role_arn=role_arn, created_by=point.created_by, lifecycle=lifecycle,
                encryption_key_arn=dest_vault.encryption_key_arn, source_vault_arn=point.vault_arn,
                restore_metadata=copied["restore_metadata"], payload=copied["payload"])
            self.airgap_point(new_point, dest_vault)
            job.fields["DestinationRecoveryPointArn"] = new_point.arn
            self.add_point(new_point)

        job.on_complete = complete
        job.run(lambda: driver.copy(point, dest_region, job.id))
        return job

    def _copy_job_view(self, job):
        view = {"AccountId": self.account_id, "CopyJobId": job.id, "State": job.state, "StatusMessage": job.message,
                "CreationDate": job.created, "CompletionDate": job.completed, "IsParent": False,
                "DestinationVaultType": "BACKUP_VAULT"}
        view.update({k: v for k, v in job.fields.items() if k[0].isupper()})
        return view

    def describe_copy_job(self, region, params):
        job = self.jobs["copy"].get(params["CopyJobId"])
        if job is None or job.region != region:
            raise not_found("Copy job", params["CopyJobId"])
        return {"CopyJob": self._copy_job_view(job)}

    def list_copy_jobs(self, region, params):
        jobs = [j for j in self.jobs["copy"].values() if j.region == region]
        jobs = self._filter_jobs(jobs, params, {
            "ByDestinationVaultArn": lambda j, v: j.fields["DestinationBackupVaultArn"] == v,
            "BySourceRecoveryPointArn": lambda j, v: j.fields["SourceRecoveryPointArn"] == v,
        })
        page, token = self._page(jobs, params, self._salt("ListCopyJobs", dict(params, region=region)))
        return {"CopyJobs": [self._copy_job_view(j) for j in page], "NextToken": token}

    # ------------------------------------------------------------------ restore jobs
    def _find_point_anywhere(self, region, arn):
        point = self.recovery_points.get(arn)
        if point is None or point.region != region:
            point = self.shared_point(region, arn)  # another account's air-gapped vault shared through AWS RAM
        if point is None:
            raise not_found("Recovery point", arn)
        return point

    def start_restore_job(self, region, params, created_by=None):
        point = self._find_point_anywhere(region, params["RecoveryPointArn"])
        driver = self.drivers[point.resource_type]
        if params.get("ResourceType") and params["ResourceType"] != point.resource_type:
            raise invalid("ResourceType %s does not match the recovery point's resource type %s"
                          % (params["ResourceType"], point.resource_type))
        if point.status not in RP_ACTIVE:
            raise ApiError("InvalidRequestException", "Recovery point %s is %s and cannot be restored" % (point.arn, point.status))
        if (point.payload or {}).get("bulk"):
            raise ApiError("InvalidRequestException", "Recovery point %s holds no data (a bulk point for scale tests)" % point.arn)
        role = params.get("IamRoleArn")
        if role is not None and not re.match(r"^arn:aws:iam::\d{12}:role/.+", role):
            raise invalid("Invalid IamRoleArn: %s" % role)
        request = json.dumps({k: v for k, v in params.items() if k != "IdempotencyToken"}, sort_keys=True, default=str)
        existing = self._idempotent("StartRestoreJob", params.get("IdempotencyToken"), request)
        if existing:
            return {"RestoreJobId": existing}
        metadata = driver.validate_restore_metadata(point, normalise_metadata_keys(params["Metadata"]))
        created = self.clock.now()
        job = Job("restore", region, created, self.durations["restore"],
                  RecoveryPointArn=point.arn, SourceResourceArn=point.resource_arn, BackupVaultArn=point.vault_arn,
                  IamRoleArn=role, ResourceType=point.resource_type, BackupSizeInBytes=point.size,
                  RecoveryPointCreationDate=point.created, CreatedBy=created_by,
                  ExpectedCompletionTimeMinutes=max(1, int(self.durations["restore"] / 60) + 1))
        job.metadata = metadata
        job.fail_with = self._consume_failure("restore", point.resource_type)
        self.jobs["restore"][job.id] = job
        self._remember_token("StartRestoreJob", params.get("IdempotencyToken"), request, job.id)

        def complete(job, created_arn):
            job.fields["CreatedResourceArn"] = created_arn
            point.last_restore = job.completed
            if job.fields.get("CreatedBy"):
                job.fields["ValidationStatus"] = "VALIDATING"

        job.on_complete = complete
        copy_tags = params.get("CopySourceTagsToRestoredResource", False)
        job.run(lambda: driver.restore(point, metadata, job.id, copy_tags))
        return {"RestoreJobId": job.id}

    def _restore_job_view(self, job):
        view = {"AccountId": self.account_id, "RestoreJobId": job.id, "Status": job.state, "StatusMessage": job.message,
                "CreationDate": job.created, "CompletionDate": job.completed, "PercentDone": "%.2f%%" % job.percent,
                "IsParent": False}
        view.update({k: v for k, v in job.fields.items() if k[0].isupper()})
        return view

    def restore_job(self, region, job_id):
        job = self.jobs["restore"].get(job_id)
        if job is None or job.region != region:
            raise not_found("Restore job", job_id)
        return job

    def describe_restore_job(self, region, params):
        return self._restore_job_view(self.restore_job(region, params["RestoreJobId"]))

    def get_restore_job_metadata(self, region, params):
        job = self.restore_job(region, params["RestoreJobId"])
        return {"RestoreJobId": job.id, "Metadata": dict(job.metadata)}

    def list_restore_jobs(self, region, params):
        jobs = [j for j in self.jobs["restore"].values() if j.region == region]
        jobs = self._filter_jobs(jobs, params, {
            "ByRestoreTestingPlanArn": lambda j, v: (j.fields.get("CreatedBy") or {}).get("RestoreTestingPlanArn") == v,
        })
        page, token = self._page(jobs, params, self._salt("ListRestoreJobs", dict(params, region=region)))
        return {"RestoreJobs": [self._restore_job_view(j) for j in page], "NextToken": token}

    def list_restore_jobs_by_protected_resource(self, region, params):
        jobs = [j for j in self.jobs["restore"].values()
                if j.region == region and j.fields["SourceResourceArn"] == params["ResourceArn"]]
        jobs = self._filter_jobs(jobs, params, {
            "ByRecoveryPointCreationDateAfter": lambda j, v: j.fields["RecoveryPointCreationDate"] >= v,
            "ByRecoveryPointCreationDateBefore": lambda j, v: j.fields["RecoveryPointCreationDate"] <= v,
        })
        page, token = self._page(jobs, params, self._salt("ListRestoreJobsByProtectedResource", dict(params, region=region)))
        return {"RestoreJobs": [self._restore_job_view(j) for j in page], "NextToken": token}

    def put_restore_validation_result(self, region, params):
        job = self.restore_job(region, params["RestoreJobId"])
        if not (job.fields.get("CreatedBy") or {}).get("RestoreTestingPlanArn"):
            raise ApiError("InvalidRequestException", "Only restore jobs created by a restore testing plan accept a validation result")
        if job.state != "COMPLETED":
            raise ApiError("InvalidRequestException", "Restore job %s is %s; validation results need a COMPLETED job" % (job.id, job.state))
        job.fields["ValidationStatus"] = params["ValidationStatus"]
        job.fields["ValidationStatusMessage"] = params.get("ValidationStatusMessage")
        self.validation_result_put(job, params["ValidationStatus"])
        return {}

    # ------------------------------------------------------------------ backup selections and plans
    def _plan(self, region, plan_id):
        try:
            return backup_backends[self.account_id][region].get_backup_plan(plan_id, None)
        except Exception:
            raise not_found("Backup plan", plan_id) from None

    def create_backup_selection(self, region, params):
        self._plan(region, params["BackupPlanId"])
        selection = params["BackupSelection"]
        if not re.match(r"^arn:aws:iam::\d{12}:role/.+", selection["IamRoleArn"]):
            raise invalid("Invalid IamRoleArn: %s" % selection["IamRoleArn"])
        if not selection.get("ListOfTags") and not selection.get("Resources"):
            # AWS's answer, as users met it (docs/emulator-fidelity.md): conditions or NotResources alone select nothing.
            raise invalid("Invalid backup selection. Either 'ListOfTags' or 'Resources' section must be non-empty.")
        plan_selections = self.selections.setdefault((region, params["BackupPlanId"]), {})
        for existing in plan_selections.values():
            if existing["BackupSelection"]["SelectionName"] == selection["SelectionName"]:
                raise ApiError("AlreadyExistsException", "Selection %s already exists" % selection["SelectionName"])
        selection_id = str(uuid.uuid4())
        plan_selections[selection_id] = {
            "BackupSelection": selection, "SelectionId": selection_id, "BackupPlanId": params["BackupPlanId"],
            "CreationDate": self.clock.now(), "CreatorRequestId": params.get("CreatorRequestId"),
        }
        return {"SelectionId": selection_id, "BackupPlanId": params["BackupPlanId"], "CreationDate": plan_selections[selection_id]["CreationDate"]}

    def _selection(self, region, plan_id, selection_id):
        self._plan(region, plan_id)
        found = self.selections.get((region, plan_id), {}).get(selection_id)
        if found is None:
            raise not_found("Backup selection", selection_id)
        return found

    @staticmethod
    def _selection_as_aws_returns_it(selection):
        """The selection document as GetBackupSelection answers it: Resources, NotResources and ListOfTags always there
        (empty when not given), and Conditions with all four operators, each an empty list when not given."""
        out = dict(selection)
        for key in SELECTION_LISTS:
            out[key] = list(selection.get(key) or [])
        conditions = selection.get("Conditions") or {}
        out["Conditions"] = {operator: list(conditions.get(operator) or []) for operator in CONDITION_OPERATORS}
        return out

    def get_backup_selection(self, region, params):
        found = self._selection(region, params["BackupPlanId"], params["SelectionId"])
        return dict(found, BackupSelection=self._selection_as_aws_returns_it(found["BackupSelection"]))

    def delete_backup_selection(self, region, params):
        self._selection(region, params["BackupPlanId"], params["SelectionId"])
        del self.selections[(region, params["BackupPlanId"])][params["SelectionId"]]
        return {}

    def list_backup_selections(self, region, params):
        self._plan(region, params["BackupPlanId"])
        items = [dict(SelectionName=s["BackupSelection"]["SelectionName"], IamRoleArn=s["BackupSelection"]["IamRoleArn"], **s)
                 for s in self.selections.get((region, params["BackupPlanId"]), {}).values()]
        items.sort(key=lambda s: s["CreationDate"])
        page, token = self._page(items, params, self._salt("ListBackupSelections", dict(params, region=region)))
        return {"BackupSelectionsList": page, "NextToken": token}

    def update_backup_plan(self, region, params):
        """moto keeps plans but lacks UpdateBackupPlan: the new document replaces the plan's rules and settings under a new
        VersionId, which a later GetBackupPlan returns. Each rule of the new version gets a RuleId of its own."""
        plan = self._plan(region, params["BackupPlanId"])
        if plan.deletion_date is not None:
            raise not_found("Backup plan", params["BackupPlanId"])
        self.keep_plan_version(region, plan)
        document = params["BackupPlan"]
        for rule in document["Rules"]:
            for key, value in RULE_DEFAULTS.items():
                rule.setdefault(key, value)
            rule["RuleId"] = str(uuid.uuid4())
        plan.backup_plan = document
        plan.advanced_backup_settings = document.get("AdvancedBackupSettings") or []
        plan.version_id = new_version_id()
        self.keep_plan_version(region, plan)
        return {"BackupPlanId": plan.backup_plan_id, "BackupPlanArn": plan.backup_plan_arn,
                "CreationDate": datetime.datetime.fromtimestamp(plan.creation_date, tz=UTC), "VersionId": plan.version_id,
                "AdvancedBackupSettings": document.get("AdvancedBackupSettings")}

    def selected_resources(self, region, plan_id):
        """The resource ARNs the plan's selections cover now, as the AWS Backup scheduler would pick them."""
        chosen = []
        for selection in self.selections.get((region, plan_id), {}).values():
            spec = selection["BackupSelection"]
            for driver in self.drivers.values():
                for arn, tags in driver.list_resources(region):
                    if arn not in chosen and selection_matches(spec, arn, tags):
                        chosen.append(arn)
        return chosen

    def run_backup_rule(self, region, plan_id, rule_name):
        """What AWS Backup's scheduler does when a rule fires: a backup job per selected resource, then its copies."""
        plan = self._plan(region, plan_id)
        rules = [r for r in plan.backup_plan["Rules"] if r["RuleName"] == rule_name]
        if not rules:
            raise not_found("Backup rule", rule_name)
        rule = rules[0]
        created_by = {"BackupPlanId": plan.backup_plan_id, "BackupPlanArn": plan.backup_plan_arn,
                      "BackupPlanName": plan.backup_plan.get("BackupPlanName"), "BackupPlanVersion": plan.version_id,
                      "BackupRuleId": rule["RuleId"], "BackupRuleName": rule["RuleName"],
                      "BackupRuleCron": rule.get("ScheduleExpression"), "BackupRuleTimezone": rule.get("ScheduleExpressionTimezone")}
        role = None
        for selection in self.selections.get((region, plan_id), {}).values():
            role = selection["BackupSelection"]["IamRoleArn"]
        job_ids = []
        for arn in self.selected_resources(region, plan_id):
            started = self.start_backup_job(region, {
                "BackupVaultName": rule["TargetBackupVaultName"], "ResourceArn": arn, "IamRoleArn": role,
                "Lifecycle": rule.get("Lifecycle"), "LogicallyAirGappedBackupVaultArn": rule.get("TargetLogicallyAirGappedBackupVaultArn")},
                created_by=created_by)
            job = self.jobs["backup"][started["BackupJobId"]]
            job.fields["copy_actions"] = rule.get("CopyActions") or []
            job_ids.append(job.id)
        return job_ids

    # ------------------------------------------------------------------ restore testing
    def create_restore_testing_plan(self, region, params):
        plan = params["RestoreTestingPlan"]
        name = plan["RestoreTestingPlanName"]
        if (region, name) in self.testing_plans:
            raise ApiError("AlreadyExistsException", "Restore testing plan %s already exists" % name)
        if not re.match(r"^[a-zA-Z0-9_]{1,50}$", name):
            raise invalid("Invalid RestoreTestingPlanName: %s" % name)
        arn = "arn:aws:backup:%s:%s:restore-testing-plan:%s-%s" % (region, self.account_id, name, uuid.uuid4().hex[:6])
        stored = dict(plan, RestoreTestingPlanArn=arn, CreationTime=self.clock.now(), CreatorRequestId=params.get("CreatorRequestId"))
        self.testing_plans[(region, name)] = stored
        return {"CreationTime": stored["CreationTime"], "RestoreTestingPlanArn": arn, "RestoreTestingPlanName": name}

    def _testing_plan(self, region, name):
        plan = self.testing_plans.get((region, name))
        if plan is None:
            raise not_found("Restore testing plan", name)
        return plan

    def get_restore_testing_plan(self, region, params):
        return {"RestoreTestingPlan": dict(self._testing_plan(region, params["RestoreTestingPlanName"]))}

    def list_restore_testing_plans(self, region, params):
        items = sorted((p for (r, _name), p in self.testing_plans.items() if r == region), key=lambda p: p["CreationTime"])
        page, token = self._page(items, params, self._salt("ListRestoreTestingPlans", dict(params, region=region)))
        return {"RestoreTestingPlans": page, "NextToken": token}

    def delete_restore_testing_plan(self, region, params):
        self._testing_plan(region, params["RestoreTestingPlanName"])
        if any(r == region and p == params["RestoreTestingPlanName"] for (r, p, _name) in self.testing_selections):
            raise ApiError("InvalidRequestException", "Delete the plan's restore testing selections first")
        del self.testing_plans[(region, params["RestoreTestingPlanName"])]
        return {}

    def create_restore_testing_selection(self, region, params):
        plan = self._testing_plan(region, params["RestoreTestingPlanName"])
        selection = params["RestoreTestingSelection"]
        key = (region, plan["RestoreTestingPlanName"], selection["RestoreTestingSelectionName"])
        if key in self.testing_selections:
            raise ApiError("AlreadyExistsException", "Restore testing selection %s already exists" % key[2])
        if selection["ProtectedResourceType"] not in RESOURCE_TYPES:
            raise invalid("Invalid ProtectedResourceType: %s" % selection["ProtectedResourceType"])
        stored = dict(selection, RestoreTestingPlanName=plan["RestoreTestingPlanName"], CreationTime=self.clock.now(),
                      CreatorRequestId=params.get("CreatorRequestId"))
        self.testing_selections[key] = stored
        return {"CreationTime": stored["CreationTime"], "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "RestoreTestingPlanName": plan["RestoreTestingPlanName"],
                "RestoreTestingSelectionName": selection["RestoreTestingSelectionName"]}

    def _testing_selection(self, region, plan_name, name):
        self._testing_plan(region, plan_name)
        found = self.testing_selections.get((region, plan_name, name))
        if found is None:
            raise not_found("Restore testing selection", name)
        return found

    def get_restore_testing_selection(self, region, params):
        return {"RestoreTestingSelection": dict(self._testing_selection(
            region, params["RestoreTestingPlanName"], params["RestoreTestingSelectionName"]))}

    def list_restore_testing_selections(self, region, params):
        self._testing_plan(region, params["RestoreTestingPlanName"])
        items = sorted((s for (r, p, _name), s in self.testing_selections.items()
                        if r == region and p == params["RestoreTestingPlanName"]), key=lambda s: s["CreationTime"])
        page, token = self._page(items, params, self._salt("ListRestoreTestingSelections", dict(params, region=region)))
        return {"RestoreTestingSelections": page, "NextToken": token}

    def delete_restore_testing_selection(self, region, params):
        self._testing_selection(region, params["RestoreTestingPlanName"], params["RestoreTestingSelectionName"])
        del self.testing_selections[(region, params["RestoreTestingPlanName"], params["RestoreTestingSelectionName"])]
        return {}

    def update_restore_testing_plan(self, region, params):
        plan = self._testing_plan(region, params["RestoreTestingPlanName"])
        update = params["RestoreTestingPlan"]
        if "RecoveryPointSelection" in update:
            # Given members replace the stored ones; members not given keep their value, as AWS documents.
            plan["RecoveryPointSelection"] = dict(plan.get("RecoveryPointSelection") or {}, **update["RecoveryPointSelection"])
        for key in ("ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours"):
            if key in update:
                plan[key] = update[key]
        plan["LastUpdateTime"] = self.clock.now()
        return {"CreationTime": plan["CreationTime"], "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "RestoreTestingPlanName": plan["RestoreTestingPlanName"], "UpdateTime": plan["LastUpdateTime"]}

    def update_restore_testing_selection(self, region, params):
        plan = self._testing_plan(region, params["RestoreTestingPlanName"])
        selection = self._testing_selection(region, params["RestoreTestingPlanName"], params["RestoreTestingSelectionName"])
        update = params["RestoreTestingSelection"]
        for key in ("IamRoleArn", "ProtectedResourceArns", "ProtectedResourceConditions", "RestoreMetadataOverrides",
                    "ValidationWindowHours"):
            if key in update:
                selection[key] = update[key]
        updated = self.clock.now()
        return {"CreationTime": selection["CreationTime"], "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
                "RestoreTestingPlanName": plan["RestoreTestingPlanName"],
                "RestoreTestingSelectionName": selection["RestoreTestingSelectionName"], "UpdateTime": updated}

    # ------------------------------------------------------------------ region settings (service opt-in)
    def _region_settings(self, region):
        return self.region_settings.setdefault(region, {
            "ResourceTypeOptInPreference": {name: True for name in OPT_IN_TYPES},
            "ResourceTypeManagementPreference": {name: True for name in MANAGEMENT_TYPES},
        })

    def describe_region_settings(self, region, params):
        settings = self._region_settings(region)
        return {key: dict(value) for key, value in settings.items()}

    def update_region_settings(self, region, params):
        settings = self._region_settings(region)
        for key, known in (("ResourceTypeOptInPreference", OPT_IN_TYPES), ("ResourceTypeManagementPreference", MANAGEMENT_TYPES)):
            for name, value in (params.get(key) or {}).items():
                if name not in known:
                    raise invalid("Invalid resource type in %s: %s" % (key, name))
                settings[key][name] = bool(value)
        return {}

    def opted_in(self, region, resource_type):
        return self._region_settings(region)["ResourceTypeOptInPreference"].get(resource_type, False)

    def run_restore_testing_plan(self, region, plan_name):
        """What AWS does when a restore testing plan's schedule fires: per selection, pick points and restore them."""
        plan = self._testing_plan(region, plan_name)
        selection_rule = plan["RecoveryPointSelection"]
        window = datetime.timedelta(days=selection_rule.get("SelectionWindowDays", 30))
        now = self.clock.now()
        vault_patterns = selection_rule.get("IncludeVaults") or ["*"]
        excluded = selection_rule.get("ExcludeVaults") or []
        job_ids = []
        for (r, p, _name), selection in sorted(self.testing_selections.items()):
            if r != region or p != plan_name:
                continue
            candidates = [pt for pt in self.recovery_points.values()
                          if pt.region == region and pt.resource_type == selection["ProtectedResourceType"]
                          and pt.status in RP_ACTIVE and now - pt.created <= window
                          and any(fnmatch.fnmatch(pt.vault_arn, v) or v == "*" for v in vault_patterns)
                          and not any(fnmatch.fnmatch(pt.vault_arn, v) for v in excluded)]
            arns = selection.get("ProtectedResourceArns") or ["*"]
            candidates = [pt for pt in candidates if "*" in arns or pt.resource_arn in arns]
            by_resource = {}
            for pt in candidates:
                by_resource.setdefault(pt.resource_arn, []).append(pt)
            for resource_arn in sorted(by_resource):
                points = sorted(by_resource[resource_arn], key=lambda pt: pt.created)
                if selection_rule.get("Algorithm") == "RANDOM_WITHIN_WINDOW":
                    chosen = self.rng.choice(points)
                else:
                    chosen = points[-1]
                metadata = self.drivers[chosen.resource_type].restore_testing_metadata(chosen)
                metadata.update(selection.get("RestoreMetadataOverrides") or {})
                started = self.start_restore_job(region, {
                    "RecoveryPointArn": chosen.arn, "Metadata": metadata, "IamRoleArn": selection["IamRoleArn"]},
                    created_by={"RestoreTestingPlanArn": plan["RestoreTestingPlanArn"]})
                self.jobs["restore"][started["RestoreJobId"]].validation_window_hours = selection.get(
                    "ValidationWindowHours", DEFAULT_VALIDATION_WINDOW_HOURS)
                job_ids.append(started["RestoreJobId"])
        plan["LastExecutionTime"] = now
        return job_ids


def normalise_metadata_keys(metadata):
    """AWS treats restore metadata keys case-insensitively; two spellings of one key with different values are refused."""
    out = {}
    seen = {}
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise invalid("Metadata value for %s must be a string" % key)
        lowered = key.lower()
        if lowered in seen and out[seen[lowered]] != value:
            raise invalid("Metadata keys %s and %s conflict" % (seen[lowered], key))
        seen.setdefault(lowered, key)
        out[seen[lowered]] = value
    return out


def selection_matches(spec, arn, tags):
    """Whether a backup selection (Resources, NotResources, ListOfTags, Conditions) covers a resource."""
    resources = spec.get("Resources") or []
    tag_rules = spec.get("ListOfTags") or []
    if not resources and not tag_rules and not spec.get("Conditions"):
        return False
    if resources and not any(fnmatch.fnmatchcase(arn, pattern) for pattern in resources):
        return False
    if any(fnmatch.fnmatchcase(arn, pattern) for pattern in spec.get("NotResources") or []):
        return False
    if tag_rules and not any(tags.get(rule["ConditionKey"]) == rule["ConditionValue"] for rule in tag_rules):
        return False
    conditions = spec.get("Conditions") or {}
    for rule in conditions.get("StringEquals") or []:
        if tags.get(rule["ConditionKey"].replace("aws:ResourceTag/", "")) != rule["ConditionValue"]:
            return False
    for rule in conditions.get("StringNotEquals") or []:
        if tags.get(rule["ConditionKey"].replace("aws:ResourceTag/", "")) == rule["ConditionValue"]:
            return False
    return True


OPERATIONS = {
    "DescribeBackupVault": "describe_backup_vault",
    "ListRecoveryPointsByBackupVault": "list_recovery_points_by_backup_vault",
    "ListRecoveryPointsByResource": "list_recovery_points_by_resource",
    "DescribeRecoveryPoint": "describe_recovery_point",
    "GetRecoveryPointRestoreMetadata": "get_recovery_point_restore_metadata",
    "DeleteRecoveryPoint": "delete_recovery_point",
    "ListProtectedResources": "list_protected_resources",
    "DescribeProtectedResource": "describe_protected_resource",
    "StartBackupJob": "start_backup_job",
    "DescribeBackupJob": "describe_backup_job",
    "ListBackupJobs": "list_backup_jobs",
    "StartCopyJob": "start_copy_job",
    "DescribeCopyJob": "describe_copy_job",
    "ListCopyJobs": "list_copy_jobs",
    "StartRestoreJob": "start_restore_job",
    "DescribeRestoreJob": "describe_restore_job",
    "ListRestoreJobs": "list_restore_jobs",
    "ListRestoreJobsByProtectedResource": "list_restore_jobs_by_protected_resource",
    "GetRestoreJobMetadata": "get_restore_job_metadata",
    "PutRestoreValidationResult": "put_restore_validation_result",
    "UpdateBackupPlan": "update_backup_plan",
    "CreateBackupSelection": "create_backup_selection",
    "GetBackupSelection": "get_backup_selection",
    "ListBackupSelections": "list_backup_selections",
    "DeleteBackupSelection": "delete_backup_selection",
    "CreateRestoreTestingPlan": "create_restore_testing_plan",
    "GetRestoreTestingPlan": "get_restore_testing_plan",
    "ListRestoreTestingPlans": "list_restore_testing_plans",
    "DeleteRestoreTestingPlan": "delete_restore_testing_plan",
    "CreateRestoreTestingSelection": "create_restore_testing_selection",
    "GetRestoreTestingSelection": "get_restore_testing_selection",
    "ListRestoreTestingSelections": "list_restore_testing_selections",
    "DeleteRestoreTestingSelection": "delete_restore_testing_selection",
    "UpdateRestoreTestingPlan": "update_restore_testing_plan",
    "UpdateRestoreTestingSelection": "update_restore_testing_selection",
    "DescribeRegionSettings": "describe_region_settings",
    "UpdateRegionSettings": "update_region_settings",
    "ListBackupJobSummaries": "list_backup_job_summaries",
    "ListCopyJobSummaries": "list_copy_job_summaries",
    "ListRestoreJobSummaries": "list_restore_job_summaries",
    "GetRestoreTestingInferredMetadata": "get_restore_testing_inferred_metadata",
    "GetSupportedResourceTypes": "get_supported_resource_types",
    "DescribeGlobalSettings": "describe_global_settings",
    "UpdateGlobalSettings": "update_global_settings",
    "GetBackupVaultAccessPolicy": "get_backup_vault_access_policy",
    "PutBackupVaultAccessPolicy": "put_backup_vault_access_policy",
    "DeleteBackupVaultAccessPolicy": "delete_backup_vault_access_policy",
    "GetBackupVaultNotifications": "get_backup_vault_notifications",
    "PutBackupVaultNotifications": "put_backup_vault_notifications",
    "DeleteBackupVaultNotifications": "delete_backup_vault_notifications",
    "ListProtectedResourcesByBackupVault": "list_protected_resources_by_backup_vault",
    "ListBackupPlanVersions": "list_backup_plan_versions",
    "StopBackupJob": "stop_backup_job",
    "DisassociateRecoveryPoint": "disassociate_recovery_point",
    "DisassociateRecoveryPointFromParent": "disassociate_recovery_point_from_parent",
    # emulator/backup_holds.py: legal holds, Vault Lock enforcement, recovery point lifecycles
    "CreateLegalHold": "create_legal_hold",
    "GetLegalHold": "get_legal_hold",
    "ListLegalHolds": "list_legal_holds",
    "CancelLegalHold": "cancel_legal_hold",
    "ListRecoveryPointsByLegalHold": "list_recovery_points_by_legal_hold",
    "UpdateRecoveryPointLifecycle": "update_recovery_point_lifecycle",
    "DeleteBackupVault": "delete_backup_vault",
    # logically air-gapped and restore access vaults (backup_airgap.py)
    "CreateLogicallyAirGappedBackupVault": "create_logically_air_gapped_backup_vault",
    "ListBackupVaults": "list_backup_vaults",
    "CreateRestoreAccessBackupVault": "create_restore_access_backup_vault",
    "ListRestoreAccessBackupVaults": "list_restore_access_backup_vaults",
    "RevokeRestoreAccessBackupVault": "revoke_restore_access_backup_vault",
    "AssociateBackupVaultMpaApprovalTeam": "associate_backup_vault_mpa_approval_team",
    "DisassociateBackupVaultMpaApprovalTeam": "disassociate_backup_vault_mpa_approval_team",
}
