"""Logically air-gapped vaults and restore access backup vaults, as AWS Backup keeps them (a mixin of BackupWorld).

moto keeps every vault (its `Vault` objects), so the vaults made here are moto vaults too, marked with the attributes
AWS Backup adds: `vault_type`, `vault_state` and, for restore access vaults, the source vault and the Multi-party
approval (MPA) session that creates them. Every other operation that reads a vault (`BackupWorld.vault`) finds them.

- A logically air-gapped vault (CreateLogicallyAirGappedBackupVault) is locked in compliance mode with the minimum and
  maximum retention it was made with; it is CREATING for `airgap_vault_seconds` of real time, then AVAILABLE. A copy
  into it whose retention falls outside those bounds is failed by the vault; a point copied into it is encrypted
  with an AWS-owned key (or the vault's customer-managed key) and reports the vault's type.
- An MPA approval team associated with such a vault approves what needs approval: replacing or removing the team,
  creating a restore access backup vault (CREATING until approved, then AVAILABLE, or FAILED when rejected) and
  revoking one (deleted when approved). There is no MPA service here: the control API decides a session
  (`POST /_restorekit/airgap/mpa-sessions {"arn", "decision"}`).
- An AVAILABLE restore access vault exposes the air-gapped vault's recovery points under their own ARNs, so
  StartRestoreJob restores them as any other point.
"""

import datetime
import re
import time
import uuid

from moto.backup.models import backup_backends

from .protocol import ApiError

LAG = "LOGICALLY_AIR_GAPPED_BACKUP_VAULT"
RESTORE_ACCESS = "RESTORE_ACCESS_BACKUP_VAULT"
STANDARD = "BACKUP_VAULT"
# "The minimum value accepted is 7 days" (CreateLogicallyAirGappedBackupVault, MinRetentionDays).
LAG_MIN_RETENTION_FLOOR = 7
MPA_TEAM_ARN = re.compile(r"^arn:aws:mpa:[a-z0-9-]+:\d{12}:approval-team/[A-Za-z0-9_-]+$")
LIST_VAULT_MEMBERS = ("BackupVaultName", "BackupVaultArn", "VaultType", "VaultState", "CreationDate", "EncryptionKeyArn",
                      "CreatorRequestId", "NumberOfRecoveryPoints", "Locked", "MinRetentionDays", "MaxRetentionDays",
                      "LockDate", "EncryptionKeyType")
UTC = datetime.timezone.utc
# The resource types (of those the emulator backs up) with full AWS Backup management: their backups are AWS Backup's own,
# encrypted independently (developer guide, "Encryption for backups in AWS Backup"); RDS and EC2 are their services' snapshots.
FULLY_MANAGED = ("S3",)


def _invalid(message):
    return ApiError("InvalidParameterValueException", message)


def _bad_request(message):
    return ApiError("InvalidRequestException", message)


def vault_type(vault):
    """The VaultType of a moto vault: BACKUP_VAULT unless this module made it."""
    return getattr(vault, "vault_type", STANDARD)


class AirGappedPoint:
    """Marks a RecoveryPoint as stored in a logically air-gapped vault: its description says so (mixed into its class)."""

    def describe(self, now):
        out = super().describe(now)  # pylint: disable=no-member
        key = self.encryption_key_arn  # pylint: disable=no-member
        out.update({"VaultType": LAG, "IsEncrypted": True, "EncryptionKeyArn": key,
                    "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY" if key else "AWS_OWNED_KMS_KEY"})
        return out


class ExposedPoint:
    """A point of an air-gapped vault as a restore access vault shows it: same ARN and data, the access vault's name."""

    def __init__(self, point, access_vault):
        self.point = point
        self.vault_name = access_vault.backup_vault_name
        self.vault_arn = access_vault.backup_vault_arn
        self.exposed = True

    def __getattr__(self, name):
        return getattr(self.point, name)

    def describe(self, now):
        out = self.point.describe(now)
        out.update({"BackupVaultName": self.vault_name, "BackupVaultArn": self.vault_arn, "VaultType": RESTORE_ACCESS,
                    "SourceBackupVaultArn": self.point.vault_arn})
        return out


class AirGapMixin:
    """CreateLogicallyAirGappedBackupVault, restore access vaults, MPA teams, and what they change in the other calls."""

    airgap_vault_seconds = 2.0

    # ------------------------------------------------------------------ helpers
    def mpa_session_table(self):
        if not hasattr(self, "mpa_sessions"):
            self.mpa_sessions = {}
        return self.mpa_sessions

    def _new_session(self, region, kind, vault, account=None, **extra):
        """A PENDING approval session about VAULT; ACCOUNT: the account whose vault the decision changes (this one's
        unless said: a restore access vault lives in the account that asked for it)."""
        arn = "arn:aws:mpa:%s:%s:session/%s" % (region, self.account_id, uuid.uuid4().hex)
        self.mpa_session_table()[arn] = dict(extra, arn=arn, kind=kind, region=region, vault=vault.backup_vault_name,
                                             account=account or self.account_id, status="PENDING", initiated=self.clock.now())
        return arn

    def vault_state(self, vault):
        """CREATING, AVAILABLE or FAILED; an air-gapped vault becomes AVAILABLE once its creation time has passed."""
        state = getattr(vault, "vault_state", "AVAILABLE")
        if state == "CREATING" and vault_type(vault) == LAG and time.monotonic() >= vault.available_at:
            vault.vault_state = state = "AVAILABLE"
        return state

    def _air_gapped(self, region, name):
        """The air-gapped vault NAME (ResourceNotFoundException when missing, InvalidRequestException when another type)."""
        vault = self.vault(region, name)
        if vault_type(vault) != LAG:
            raise _bad_request("Backup vault %s is a %s, not a logically air-gapped backup vault" % (name, vault_type(vault)))
        return vault

    def _retried(self, region, kind, request_id, **same):
        """The vault an earlier call with this CreatorRequestId made (an idempotency token: boto3 fills one in)."""
        if not request_id:
            return None
        for vault in backup_backends[self.account_id][region].vaults.values():
            if vault_type(vault) == kind and vault.creator_request_id == request_id and all(
                    getattr(vault, key, None) == value for key, value in same.items()):
                return vault
        return None

    def _moto_vault(self, region, name, tags, key_arn, request_id):
        backend = backup_backends[self.account_id][region]
        if name in backend.vaults:
            raise ApiError("AlreadyExistsException", "Backup vault with the same name already exists")
        return backend.create_backup_vault(backup_vault_name=name, backup_vault_tags=tags, encryption_key_arn=key_arn,
                                           creator_request_id=request_id)

    # ------------------------------------------------------------------ logically air-gapped vaults
    def create_logically_air_gapped_backup_vault(self, region, params):
        """A vault locked with its retention bounds, CREATING for `airgap_vault_seconds`, then AVAILABLE."""
        low, high = params["MinRetentionDays"], params["MaxRetentionDays"]
        if low < LAG_MIN_RETENTION_FLOOR:
            raise _invalid("MinRetentionDays must be at least %d days" % LAG_MIN_RETENTION_FLOOR)
        if high < low:
            raise _invalid("MaxRetentionDays must be greater than or equal to MinRetentionDays")
        vault = self._retried(region, LAG, params.get("CreatorRequestId"), backup_vault_name=params["BackupVaultName"],
                              min_retention_days=low, max_retention_days=high)
        if vault is not None:
            return {"BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn,
                    "CreationDate": datetime.datetime.fromtimestamp(vault.creation_date, tz=UTC), "VaultState": self.vault_state(vault)}
        vault = self._moto_vault(region, params["BackupVaultName"], params.get("BackupVaultTags"),
                                 params.get("EncryptionKeyArn"), params.get("CreatorRequestId"))
        vault.vault_type, vault.vault_state = LAG, "CREATING"
        vault.available_at = time.monotonic() + self.airgap_vault_seconds
        vault.locked, vault.min_retention_days, vault.max_retention_days = True, low, high
        vault.lock_date = vault.creation_date  # compliance mode from the start: moto refuses to change or remove the lock
        vault.mpa_team_arn, vault.mpa_update = None, None
        return {"BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn,
                "CreationDate": datetime.datetime.fromtimestamp(vault.creation_date, tz=UTC), "VaultState": "CREATING"}

    def airgap_vault_fields(self, vault):
        """What DescribeBackupVault adds for the vault types of this module (VaultType, VaultState, MPA, source)."""
        kind = vault_type(vault)
        out = {"VaultType": kind, "VaultState": self.vault_state(vault)}
        if kind == LAG:
            out["EncryptionKeyType"] = "CUSTOMER_MANAGED_KMS_KEY" if vault.encryption_key_arn else "AWS_OWNED_KMS_KEY"
            out["MpaApprovalTeamArn"] = vault.mpa_team_arn
            update = vault.mpa_update
            if update:
                out["LatestMpaApprovalTeamUpdate"] = {
                    "MpaSessionArn": update["arn"], "Status": update["status"], "InitiationDate": update["initiated"],
                    "StatusMessage": update.get("message")}
        elif kind == RESTORE_ACCESS:
            out.update({"SourceBackupVaultArn": vault.source_vault_arn, "MpaSessionArn": vault.mpa_session_arn,
                        "EncryptionKeyType": None, "Locked": None})
        return out

    def list_backup_vaults(self, region, params):
        """Every vault of the Region with its type and state, filtered by ByVaultType, in pages; ByShared: the vaults
        other accounts share with this one through AWS RAM instead (backup_shared.py)."""
        if params.get("ByShared"):
            vaults = self.shared_vaults(region)
        else:
            vaults = [(self, v) for v in backup_backends[self.account_id][region].vaults.values()]
        if params.get("ByVaultType"):
            vaults = [(owner, v) for owner, v in vaults if vault_type(v) == params["ByVaultType"]]
        vaults = self._unordered(vaults, lambda pair: pair[1].backup_vault_arn)
        page, token = self._page(vaults, params, self._salt("ListBackupVaults", dict(params, region=region)))
        members = []
        for owner, vault in page:
            described = owner.describe_backup_vault(region, {"BackupVaultName": vault.backup_vault_name})
            members.append({k: described.get(k) for k in LIST_VAULT_MEMBERS})
        return {"BackupVaultList": members, "NextToken": token}

    # ------------------------------------------------------------------ what copies and backups into an air-gapped vault get
    def airgap_copy_job(self, job, dest_vault):
        """Mark a copy job into an air-gapped vault. The vault is locked from its creation, so the Vault Lock rule
        (backup_holds.py ``vault_lock_failure``) fails a copy whose retention is outside its bounds."""
        if vault_type(dest_vault) == LAG:
            job.fields["DestinationVaultType"] = LAG

    def airgap_backup_vaults(self, region, vault, params, resource_type):
        """(the vault a backup is written to, the air-gapped vault its temporary backup is then copied into, or None).

        BackupVaultName names a backup vault; an air-gapped vault is the target of LogicallyAirGappedBackupVaultArn
        (same account and Region): a fully managed type (S3 here) is backed up into it directly, the others (RDS, EC2)
        into the backup vault, copied, and the temporary backup removed."""
        if vault_type(vault) != STANDARD:
            raise _invalid("Backup vault %s is a %s: back up to a backup vault, with LogicallyAirGappedBackupVaultArn for an "
                           "air-gapped one" % (vault.backup_vault_name, vault_type(vault)))
        arn = params.get("LogicallyAirGappedBackupVaultArn")
        if not arn:
            return vault, None
        lag_region, lag = self.vault_by_arn(arn)
        if lag_region != region or arn.split(":")[4] != self.account_id or vault_type(lag) != LAG:
            raise _invalid("LogicallyAirGappedBackupVaultArn must be a logically air-gapped vault of this account and Region: %s" % arn)
        if self.vault_state(lag) != "AVAILABLE":
            raise _bad_request("Backup vault %s is %s" % (lag.backup_vault_name, self.vault_state(lag)))
        return (lag, None) if resource_type in FULLY_MANAGED else (vault, lag)

    def airgap_backup_job(self, job, vault, copy_to):
        """Mark a backup written straight into an air-gapped vault (failed outside its retention bounds by the Vault Lock
        rule, as any locked vault's), and remember where a temporary backup is copied to."""
        job.fields["air_gapped_copy_to"] = copy_to
        if vault_type(vault) == LAG:
            job.fields["VaultType"] = LAG

    def airgap_after_backup(self, region, point, job, role, lifecycle, created_by):
        """The temporary backup of a type AWS Backup does not fully manage is copied into the air-gapped vault, then removed."""
        target = job.fields.get("air_gapped_copy_to")
        if target is None:
            return
        copy_job = self._start_copy(region, point, target.backup_vault_arn, role, lifecycle, created_by, job.id)
        copied = copy_job.on_complete

        def then_remove_the_temporary_backup(done, value):
            copied(done, value)
            if point.arn in self.recovery_points:
                self.delete_recovery_point(region, {"BackupVaultName": point.vault_name, "RecoveryPointArn": point.arn})

        copy_job.on_complete = then_remove_the_temporary_backup

    @staticmethod
    def airgap_point(point, dest_vault):
        """A point copied into an air-gapped vault describes itself as stored there."""
        if vault_type(dest_vault) == LAG and not isinstance(point, AirGappedPoint):
            point.__class__ = type("AirGapped" + point.__class__.__name__, (AirGappedPoint, point.__class__), {})
        return point

    def airgap_refuse_delete(self, point):
        """A point shown by a restore access vault is only restored through it; one in an air-gapped vault is under its
        compliance-mode lock, which fails delete operations on its points (DescribeBackupVault's `Locked`)."""
        if getattr(point, "exposed", False):
            raise _bad_request("A restore access backup vault only restores its recovery points")
        vault = backup_backends[self.account_id][point.region].vaults.get(point.vault_name)
        if vault is not None and vault_type(vault) == LAG:
            raise _bad_request("Recovery point %s is in logically air-gapped vault %s, locked in compliance mode"
                               % (point.arn, point.vault_name))

    # ------------------------------------------------------------------ restore access vaults
    def _access_vaults_of(self, region, source_arn):
        """The restore access vaults of SOURCE_ARN, in whichever accounts asked for them."""
        return [v for world in list((self.accounts or {self.account_id: self}).values())
                for v in backup_backends[world.account_id][region].vaults.values()
                if vault_type(v) == RESTORE_ACCESS and v.source_vault_arn == source_arn]

    def exposed_points(self, region, vault_name):
        """The points an AVAILABLE restore access vault shows: those of its air-gapped source vault (in this account or
        in the one that owns it)."""
        vault = backup_backends[self.account_id][region].vaults.get(vault_name)
        if vault is None or vault_type(vault) != RESTORE_ACCESS or self.vault_state(vault) != "AVAILABLE":
            return []
        owner = (self.accounts or {}).get(vault.source_vault_arn.split(":")[4], self)
        return [ExposedPoint(p, vault) for p in list(owner.recovery_points.values())
                if p.region == region and p.vault_arn == vault.source_vault_arn]

    def exposed_point(self, region, arn):
        """The point of ARN as one of this account's AVAILABLE restore access vaults shows it, or None."""
        for vault in list(backup_backends[self.account_id][region].vaults.values()):
            if vault_type(vault) == RESTORE_ACCESS:
                for point in self.exposed_points(region, vault.backup_vault_name):
                    if point.arn == arn:
                        return point.point
        return None

    def create_restore_access_backup_vault(self, region, params):
        """A restore access vault, in this (the recovery) account, of an AVAILABLE air-gapped vault of this account or
        another; CREATING until the air-gapped vault's approval team decides."""
        source_region, source = self.vault_by_arn(params["SourceBackupVaultArn"], any_account=True)
        if source_region != region or vault_type(source) != LAG:
            raise _invalid("Source backup vault %s is not a logically air-gapped backup vault in %s"
                           % (params["SourceBackupVaultArn"], region))
        if self.vault_state(source) != "AVAILABLE":
            raise _bad_request("Backup vault %s is %s" % (source.backup_vault_name, self.vault_state(source)))
        if not source.mpa_team_arn:
            raise _bad_request("Backup vault %s has no MPA approval team to approve restore access" % source.backup_vault_name)
        vault = self._retried(region, RESTORE_ACCESS, params.get("CreatorRequestId"), source_vault_arn=source.backup_vault_arn)
        if vault is not None:
            return self._access_vault_created(vault)
        name = params.get("BackupVaultName") or "restore-access-%s" % uuid.uuid4().hex[:12]
        vault = self._moto_vault(region, name, params.get("BackupVaultTags"), None, params.get("CreatorRequestId"))
        vault.vault_type, vault.vault_state, vault.source_vault_arn = RESTORE_ACCESS, "CREATING", source.backup_vault_arn
        vault.approval_date, vault.revoke = None, None
        vault.mpa_session_arn = self._new_session(region, "restore-access", source, access_vault=name,
                                                  comment=params.get("RequesterComment"))
        return self._access_vault_created(vault)

    def _access_vault_created(self, vault):
        return {"RestoreAccessBackupVaultArn": vault.backup_vault_arn, "RestoreAccessBackupVaultName": vault.backup_vault_name,
                "VaultState": self.vault_state(vault), "CreationDate": datetime.datetime.fromtimestamp(vault.creation_date, tz=UTC)}

    def list_restore_access_backup_vaults(self, region, params):
        """The restore access vaults of an air-gapped vault, with their approval and latest revoke request."""
        source = self._air_gapped(region, params["BackupVaultName"])
        vaults = self._unordered(self._access_vaults_of(region, source.backup_vault_arn), lambda v: v.backup_vault_arn)
        page, token = self._page(vaults, params, self._salt("ListRestoreAccessBackupVaults", dict(params, region=region)))
        members = []
        for vault in page:
            revoke = vault.revoke
            members.append({
                "RestoreAccessBackupVaultArn": vault.backup_vault_arn, "VaultState": self.vault_state(vault),
                "CreationDate": datetime.datetime.fromtimestamp(vault.creation_date, tz=UTC), "ApprovalDate": vault.approval_date,
                "LatestRevokeRequest": revoke and {"MpaSessionArn": revoke["arn"], "Status": revoke["status"],
                                                   "InitiationDate": revoke["initiated"], "StatusMessage": revoke.get("message")}})
        return {"RestoreAccessBackupVaults": members, "NextToken": token}

    def revoke_restore_access_backup_vault(self, region, params):
        """A revoke request (the air-gapped vault owner's call) the approval team decides on; approved, the restore
        access vault is deleted from the account that asked for it."""
        source = self._air_gapped(region, params["BackupVaultName"])
        found = [v for v in self._access_vaults_of(region, source.backup_vault_arn)
                 if v.backup_vault_arn == params["RestoreAccessBackupVaultArn"]]
        if not found:
            raise ApiError("ResourceNotFoundException", "Restore access backup vault not found: %s" % params["RestoreAccessBackupVaultArn"])
        vault = found[0]
        if self.vault_state(vault) != "AVAILABLE":
            raise _bad_request("Restore access backup vault %s is %s" % (vault.backup_vault_name, self.vault_state(vault)))
        if vault.revoke and vault.revoke["status"] == "PENDING":
            raise _bad_request("A revoke request for %s is already pending approval" % vault.backup_vault_name)
        session = self._new_session(region, "revoke", source, account=vault.backup_vault_arn.split(":")[4],
                                    access_vault=vault.backup_vault_name, comment=params.get("RequesterComment"))
        vault.revoke = self.mpa_session_table()[session]
        return {}

    # ------------------------------------------------------------------ MPA approval teams
    def associate_backup_vault_mpa_approval_team(self, region, params):
        """The first team is associated at once; another replaces it once the current team approves."""
        vault = self._air_gapped(region, params["BackupVaultName"])
        team = params["MpaApprovalTeamArn"]
        if not MPA_TEAM_ARN.match(team):
            raise _invalid("Invalid MpaApprovalTeamArn: %s" % team)
        self._no_pending_update(vault)
        if not vault.mpa_team_arn:
            vault.mpa_team_arn = team  # the first team is associated at once; a later one needs the current team's approval
            return {}
        session = self._new_session(region, "team-update", vault, team=team, comment=params.get("RequesterComment"))
        vault.mpa_update = self.mpa_session_table()[session]
        return {}

    def disassociate_backup_vault_mpa_approval_team(self, region, params):
        """The team is removed once it approves the request."""
        vault = self._air_gapped(region, params["BackupVaultName"])
        if not vault.mpa_team_arn:
            raise _bad_request("Backup vault %s has no MPA approval team" % vault.backup_vault_name)
        self._no_pending_update(vault)
        session = self._new_session(region, "team-update", vault, team=None, comment=params.get("RequesterComment"))
        vault.mpa_update = self.mpa_session_table()[session]
        return {}

    @staticmethod
    def _no_pending_update(vault):
        if vault.mpa_update and vault.mpa_update["status"] == "PENDING":
            raise _bad_request("An MPA approval team update for %s is already pending approval" % vault.backup_vault_name)

    # ------------------------------------------------------------------ the approval team's decision (control API)
    def decide_mpa_session(self, arn, decision, message=None):
        """What the approval team decides on a pending session: APPROVED or REJECTED."""
        session = self.mpa_session_table().get(arn)
        if session is None or session["status"] != "PENDING":
            raise ApiError("ResourceNotFoundException", "No pending MPA session %s" % arn)
        if decision not in ("APPROVED", "REJECTED"):
            raise ApiError("BadControlRequest", "decision must be APPROVED or REJECTED")
        backend = backup_backends[session["account"]][session["region"]]
        session["status"] = decision if decision == "APPROVED" else "FAILED"
        session["message"] = message or ("Rejected by the approval team" if decision == "REJECTED" else None)
        getattr(self, "_decided_" + session["kind"].replace("-", "_"))(backend, session, decision == "APPROVED")
        return {"arn": arn, "status": session["status"]}

    def _decided_restore_access(self, backend, session, approved):
        vault = backend.vaults.get(session["access_vault"])
        if vault is not None:
            vault.vault_state = "AVAILABLE" if approved else "FAILED"
            vault.approval_date = self.clock.now() if approved else None

    @staticmethod
    def _decided_revoke(backend, session, approved):
        if approved:
            backend.vaults.pop(session["access_vault"], None)

    @staticmethod
    def _decided_team_update(backend, session, approved):
        vault = backend.vaults.get(session["vault"])
        if vault is not None and approved:
            vault.mpa_team_arn = session["team"]

    def airgap_control(self, method, path, spec):
        """The control calls of this module: `vault-seconds` and `mpa-sessions`."""
        if path == "vault-seconds":
            if method == "POST":
                self.airgap_vault_seconds = float(spec["seconds"])
            return {"seconds": self.airgap_vault_seconds}
        if path == "mpa-sessions":
            if method == "POST":
                return self.decide_mpa_session(spec["arn"], spec.get("decision", "APPROVED"), spec.get("message"))
            return {"sessions": [dict(s, initiated=s["initiated"].isoformat()) for s in self.mpa_session_table().values()
                                 if s["status"] == "PENDING"]}
        raise ApiError("BadControlRequest", "Unknown control call %s airgap/%s" % (method, path))
