"""AWS Backup's protections of recovery points, as the emulator serves them: legal holds, Vault Lock enforcement,
recovery point lifecycles (UpdateRecoveryPointLifecycle) and which resource types move to cold storage.

`HoldsMixin` is inherited by `backup.BackupWorld`; it reads the world's points, vaults (moto keeps them, with their
Vault Lock settings), clock and ticker. Each behaviour, the AWS page or user report it follows and its test are rows of
docs/emulator-fidelity.md; the tests are emulator/tests/test_holds.py. This module imports nothing of backup.py, which
imports it.
"""

import datetime
import time
import uuid

from moto.backup.models import backup_backends

from .protocol import ApiError

UTC = datetime.timezone.utc

# Which resource types AWS Backup moves to cold storage: the column "Lifecycle to cold storage" of the table "Feature
# availability by resource", AWS Backup developer guide
# (https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html#features-by-resource).
# The page says "Support for a feature or service should not be assumed unless explicitly mentioned", so a type not
# listed here is taken as not supported. For a type without support "AWS Backup ignores this expression"
# (MoveToColdStorageAfterDays; API reference, Lifecycle): its points stay WARM.
COLD_STORAGE_SUPPORT = {
    "EC2": False,
    "S3": False,
    "RDS": False,
    "Aurora": False,
    "EBS": True,
    "EFS": True,
    # The row "DynamoDB with AWS Backup advanced features": on by default for customers who started using AWS Backup
    # after November 2021 (developer guide, "Advanced DynamoDB backup"), as DescribeRegionSettings answers here;
    # plain DynamoDB backups have no cold tier.
    "DynamoDB": True,
}
# DeleteAfterDays "must be at least 90 days after the number of days specified in MoveToColdStorageAfterDays"
# (API reference, Lifecycle); AWS's message as users met it (hashicorp/terraform-provider-aws#7350).
COLD_MINIMUM_DAYS = 90
COLD_TOO_SHORT = "Invalid lifecycle. DeleteAfterDays cannot be less than 90 days apart from MoveToColdStorageAfterDays"
# Legal holds (developer guide, "Legal holds and AWS Backup"): at most 50 active at one time per account; a cancelled
# hold's record is kept 180 days unless CancelLegalHold's RetainRecordInDays says otherwise; points EXPIRED or DELETING
# are not held. A hold is CREATING, then ACTIVE; CANCELING, then CANCELED: the ticker moves it after HOLD_SECONDS (AWS
# gives no figure), or what `POST /_restorekit/jobs/duration {"legal_hold": s}` sets.
LEGAL_HOLD_LIMIT = 50
RETAIN_RECORD_DAYS = 180
HOLD_SECONDS = 2.0
HOLD_PROTECTS = ("ACTIVE", "CANCELING")
HOLD_COUNTS = ("CREATING", "ACTIVE", "CANCELING")
NOT_HELD = ("EXPIRED", "DELETING")
# AWS's message for a held point (AWS re:Post knowledge center, "How do I delete recovery points that are under a legal
# hold or stored in a locked backup vault for AWS Backup?").
HELD_MESSAGE = "The recovery point cannot be deleted because it has active legal hold(s)"


def supports_cold_storage(resource_type):
    """Whether AWS Backup moves points of RESOURCE_TYPE to cold storage (COLD_STORAGE_SUPPORT)."""
    return COLD_STORAGE_SUPPORT.get(resource_type, False)


def lifecycle_days(lifecycle, key):
    """A lifecycle's number of days for KEY, or None when not set; -1 (AWS's "keep indefinitely") is None too."""
    value = (lifecycle or {}).get(key)
    if value is None or value == -1:
        return None
    return value


def check_lifecycle(lifecycle):
    """Refuse a lifecycle AWS refuses: a day count below 1 (other than -1), or deletion less than 90 days after the
    move to cold storage."""
    for key in ("MoveToColdStorageAfterDays", "DeleteAfterDays"):
        value = (lifecycle or {}).get(key)
        if value is not None and value != -1 and value < 1:
            raise ApiError("InvalidParameterValueException", "Invalid lifecycle. %s must be a positive number of days" % key)
    cold, delete = lifecycle_days(lifecycle, "MoveToColdStorageAfterDays"), lifecycle_days(lifecycle, "DeleteAfterDays")
    if cold is not None and delete is not None and delete - cold < COLD_MINIMUM_DAYS:
        raise ApiError("InvalidParameterValueException", COLD_TOO_SHORT)


def stored_lifecycle(lifecycle):
    """The lifecycle a point keeps: -1 removes a member ("keep your recovery points indefinitely")."""
    return {k: v for k, v in (lifecycle or {}).items() if v is not None and v != -1}


def _ms(when):
    """A time as AWS compares them: "accurate to milliseconds" (the wire's precision)."""
    return round(when.timestamp(), 3)


class LegalHold:
    """One legal hold: what it selects, the points it holds, and its state."""

    def __init__(self, region, account_id, params, created, points):
        self.region = region
        self.id = str(uuid.uuid4())
        self.arn = "arn:aws:backup:%s:%s:legal-hold:%s" % (region, account_id, self.id)
        self.title = params["Title"]
        self.description = params["Description"]
        self.selection = params.get("RecoveryPointSelection")
        self.tags = params.get("Tags") or {}
        self.created = created
        self.points = points
        self.status = "CREATING"
        self.since = time.monotonic()
        self.cancel_description = None
        self.cancelled = None
        self.retain_until = None

    def summary(self):
        """The hold as ListLegalHolds lists it."""
        return {"Title": self.title, "Status": self.status, "Description": self.description, "LegalHoldId": self.id,
                "LegalHoldArn": self.arn, "CreationDate": self.created, "CancellationDate": self.cancelled}

    def detail(self):
        """The hold as GetLegalHold answers it."""
        return dict(self.summary(), CancelDescription=self.cancel_description, RetainRecordUntil=self.retain_until,
                    RecoveryPointSelection=self.selection)


class HoldsMixin:
    """Legal holds, Vault Lock enforcement and recovery point lifecycles; BackupWorld inherits it."""

    # ------------------------------------------------------------------ state (BackupWorld.__init__ knows nothing of it)
    @property
    def legal_holds(self):
        """Every legal hold of the account, by id."""
        if "_legal_holds" not in self.__dict__:
            self.__dict__["_legal_holds"] = {}
        return self.__dict__["_legal_holds"]

    def _hold(self, hold_id):
        hold = self.legal_holds.get(hold_id)
        if hold is None:
            raise ApiError("ResourceNotFoundException", "Legal hold not found: %s" % hold_id)
        return hold

    def point_held(self, arn):
        """Whether an ACTIVE (or still CANCELING) legal hold holds the recovery point ARN."""
        return any(h.status in HOLD_PROTECTS and arn in h.points for h in self.legal_holds.values())

    def tick_holds(self, now):
        """Move holds on (CREATING -> ACTIVE, CANCELING -> CANCELED) and forget records past RetainRecordUntil."""
        for hold in list(self.legal_holds.values()):
            if hold.status in ("CREATING", "CANCELING") and time.monotonic() - hold.since >= self.durations.get("legal_hold", HOLD_SECONDS):
                hold.status = "ACTIVE" if hold.status == "CREATING" else "CANCELED"
                hold.points = {arn for arn in hold.points if arn in self.recovery_points}
            if hold.status == "CANCELED" and hold.retain_until is not None and now >= hold.retain_until:
                del self.legal_holds[hold.id]

    # ------------------------------------------------------------------ legal holds
    def _selected_points(self, region, selection):
        """The set of ARNs of the region's points a RecoveryPointSelection selects (all of them when it names nothing)."""
        vaults = selection.get("VaultNames") or []
        resources = selection.get("ResourceIdentifiers") or []
        dates = selection.get("DateRange")
        chosen = set()
        for point in self.recovery_points.values():
            if point.region != region or point.status in NOT_HELD:
                continue
            if vaults and point.vault_name not in vaults:
                continue
            if resources and point.resource_arn not in resources:
                continue
            if dates and not _ms(dates["FromDate"]) <= _ms(point.created) <= _ms(dates["ToDate"]):
                continue
            chosen.add(point.arn)
        return chosen

    def _check_selection(self, selection):
        dates = selection.get("DateRange")
        if dates is None:
            return
        missing = [key for key in ("FromDate", "ToDate") if key not in dates]
        if missing:
            raise ApiError("MissingParameterValueException", "DateRange needs %s" % " and ".join(missing))
        now = self.clock.now()
        if dates["FromDate"] > now or dates["ToDate"] > now:
            raise ApiError("InvalidParameterValueException", "Future DateTime values are not permitted in DateRange")
        if dates["FromDate"] > dates["ToDate"]:
            raise ApiError("InvalidParameterValueException", "DateRange FromDate must not be after ToDate")

    def create_legal_hold(self, region, params):
        """CreateLegalHold: the points the selection names now are held once the hold is ACTIVE."""
        request = repr(sorted((k, repr(v)) for k, v in params.items() if k != "IdempotencyToken"))
        existing = self._idempotent("CreateLegalHold", params.get("IdempotencyToken"), request)
        if existing and existing in self.legal_holds:
            return self._created_view(self.legal_holds[existing])
        selection = params.get("RecoveryPointSelection") or {}
        self._check_selection(selection)
        if sum(1 for h in self.legal_holds.values() if h.status in HOLD_COUNTS) >= LEGAL_HOLD_LIMIT:
            raise ApiError("LimitExceededException", "An account can have at most %d active legal holds" % LEGAL_HOLD_LIMIT)
        hold = LegalHold(region, self.account_id, params, self.clock.now(), self._selected_points(region, selection))
        self.legal_holds[hold.id] = hold
        self._remember_token("CreateLegalHold", params.get("IdempotencyToken"), request, hold.id)
        return self._created_view(hold)

    @staticmethod
    def _created_view(hold):
        view = hold.summary()
        view.pop("CancellationDate")
        view["RecoveryPointSelection"] = hold.selection
        return view

    def get_legal_hold(self, region, params):
        """GetLegalHold."""
        return self._regional_hold(region, params["LegalHoldId"]).detail()

    def _regional_hold(self, region, hold_id):
        hold = self._hold(hold_id)
        if hold.region != region:
            raise ApiError("ResourceNotFoundException", "Legal hold not found: %s" % hold_id)
        return hold

    def list_legal_holds(self, region, params):
        """ListLegalHolds: active and previous holds of the region (until their record is forgotten)."""
        holds = self._unordered([h for h in self.legal_holds.values() if h.region == region], lambda h: h.id)
        page, token = self._page(holds, params, self._salt("ListLegalHolds", dict(params, region=region)))
        return {"LegalHolds": [h.summary() for h in page], "NextToken": token}

    def cancel_legal_hold(self, region, params):
        """CancelLegalHold: ACTIVE -> CANCELING -> CANCELED; the record is kept RetainRecordInDays (180 by default)."""
        hold = self._regional_hold(region, params["LegalHoldId"])
        if hold.status != "ACTIVE":
            raise ApiError("InvalidResourceStateException", "Legal hold %s is %s and cannot be canceled" % (hold.id, hold.status))
        days = params.get("RetainRecordInDays")
        if days is not None and days < 0:
            raise ApiError("InvalidParameterValueException", "RetainRecordInDays must not be negative")
        now = self.clock.now()
        hold.status, hold.since = "CANCELING", time.monotonic()
        hold.cancel_description = params["CancelDescription"]
        hold.cancelled = now
        hold.retain_until = now + datetime.timedelta(days=RETAIN_RECORD_DAYS if days is None else days)
        return {}

    def list_recovery_points_by_legal_hold(self, region, params):
        """ListRecoveryPointsByLegalHold: the points the hold holds (none once it is CANCELED)."""
        hold = self._regional_hold(region, params["LegalHoldId"])
        arns = [] if hold.status == "CANCELED" else [a for a in hold.points if a in self.recovery_points]
        points = self._points_unordered([self.recovery_points[a] for a in arns])
        page, token = self._page(points, params, self._salt("ListRecoveryPointsByLegalHold", dict(params, region=region)))
        return {"RecoveryPoints": [{"RecoveryPointArn": p.arn, "ResourceArn": p.resource_arn, "ResourceType": p.resource_type,
                                    "BackupVaultName": p.vault_name} for p in page], "NextToken": token}

    # ------------------------------------------------------------------ Vault Lock
    def refuse_protected_delete(self, region, point):
        """DeleteRecoveryPoint's refusals: a point under a legal hold, and a point of a locked vault whose lifecycle has
        not completed (developer guide, "AWS Backup Vault Lock": "Backups within a locked vault cannot be deleted until
        their lifecycle completes", in both modes and during the grace time)."""
        if self.point_held(point.arn):
            raise ApiError("InvalidRequestException", HELD_MESSAGE)
        vault = self.vault(region, point.vault_name)
        if vault.locked and not self._lifecycle_complete(point):
            raise ApiError("InvalidRequestException", "The recovery point cannot be deleted: backup vault %s is locked by Vault "
                           "Lock and the recovery point's retention period has not ended" % vault.backup_vault_name)

    def _lifecycle_complete(self, point):
        delete_at = (point.calculated_lifecycle() or {}).get("DeleteAt")
        return point.status == "EXPIRED" or (delete_at is not None and self.clock.now() >= delete_at)

    @staticmethod
    def vault_lock_failure(vault, lifecycle):
        """Why a backup or copy job into VAULT fails under its Vault Lock (its retention outside Min/MaxRetentionDays;
        no DeleteAfterDays is kept forever, longer than any maximum), or None."""
        if not vault.locked:
            return None
        days = lifecycle_days(lifecycle, "DeleteAfterDays")
        shown = "no retention (kept forever)" if days is None else "a retention of %d days" % days
        if vault.min_retention_days is not None and days is not None and days < vault.min_retention_days:
            return ("Backup vault %s is locked with MinRetentionDays %d: the job's lifecycle has %s"
                    % (vault.backup_vault_name, vault.min_retention_days, shown))
        if vault.max_retention_days is not None and (days is None or days > vault.max_retention_days):
            return ("Backup vault %s is locked with MaxRetentionDays %d: the job's lifecycle has %s"
                    % (vault.backup_vault_name, vault.max_retention_days, shown))
        return None

    def delete_backup_vault(self, region, params):
        """DeleteBackupVault: only an empty vault is deleted ("A vault can be deleted only if it is empty"); a vault in
        compliance mode past its grace time is deletable when empty, as any other."""
        name = params["BackupVaultName"]
        self.vault(region, name)
        if self._vault_points(region, name):
            raise ApiError("InvalidRequestException", "Backup vault cannot be deleted because it contains recovery points.")
        backup_backends[self.account_id][region].delete_backup_vault(name)
        return {}

    # ------------------------------------------------------------------ lifecycles
    def update_recovery_point_lifecycle(self, region, params):
        """UpdateRecoveryPointLifecycle: the given Lifecycle replaces the point's (members not given become null)."""
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        lifecycle = params.get("Lifecycle") or {}
        check_lifecycle(lifecycle)
        new = stored_lifecycle(lifecycle)
        if point.storage_class(self.clock.now()) == "COLD" and \
                new.get("MoveToColdStorageAfterDays") != point.lifecycle.get("MoveToColdStorageAfterDays"):
            raise ApiError("InvalidParameterValueException",
                           "MoveToColdStorageAfterDays cannot be changed after the recovery point has moved to cold storage")
        vault = self.vault(region, point.vault_name)
        if vault.locked and new != stored_lifecycle(point.lifecycle):
            raise ApiError("InvalidRequestException", "The lifecycle of a recovery point in backup vault %s cannot be changed: "
                           "the vault is locked by Vault Lock" % vault.backup_vault_name)
        point.lifecycle = new
        return {"BackupVaultArn": point.vault_arn, "RecoveryPointArn": point.arn, "Lifecycle": new or None,
                "CalculatedLifecycle": point.calculated_lifecycle()}
