# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore access backup vaults: the rules behind ``restorekit.aws.restore_access_vault``.

When the account that owns a logically air-gapped vault is unavailable, a recovery account restores through a restore
access vault: CreateRestoreAccessBackupVault names the air-gapped vault as source, the vault's Multi-party approval
(MPA) team approves the request, and once AVAILABLE the restore access vault shows the air-gapped vault's recovery
points under its own name, which StartRestoreJob restores as any other. RevokeRestoreAccessBackupVault, approved by
the same team, removes it.

The restore access vault is made in the account that asks (the recovery account), which finds it again by its source
(DescribeBackupVault's ``SourceBackupVaultArn``), so a re-run adopts the request an earlier run made rather than asking
the approval team twice. The air-gapped vault's owner lists the restore access vaults of its vault, in whichever
account they are (ListRestoreAccessBackupVaults), and revokes them. Everything here except the
functions that take a client is pure and unit-tested without Ansible or AWS.
"""

from __future__ import annotations

import re
import time

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import AnsibleBackupError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler

RESTORE_ACCESS = "RESTORE_ACCESS_BACKUP_VAULT"
# A backup vault's ARN; the name follows CreateBackupVault's pattern (2 to 50 letters, digits, hyphens, underscores).
VAULT_ARN = re.compile(r"^arn:(aws[a-z-]*):backup:([a-z0-9-]+):(\d{12}):backup-vault:([a-zA-Z0-9_-]{2,50})$")
VAULT_NAME = re.compile(r"^[a-zA-Z0-9_-]{2,50}$")
# RequesterComment: AWS documents no limit; the MPA console shows it to the approvers, so keep it readable.
MAX_COMMENT = 1024
STATE_ORDER = {"AVAILABLE": 0, "CREATING": 1, "FAILED": 2}


class RestoreAccessError(AnsibleBackupError):
    """A refusal or a failure, with what to do about it; ``vault`` is the restore access vault concerned, if any."""

    def __init__(self, message, vault=None, progress=None):
        super().__init__(message=message)
        self.vault = vault
        self.progress = progress or []


def parse_vault_arn(arn):
    """(partition, region, account, name) of a backup vault ARN, or None."""
    match = VAULT_ARN.match(arn or "")
    return match.groups() if match else None


def validate_params(params, region):
    """Every bad option, named with its value, before any AWS call; raises RestoreAccessError."""
    errors = []
    source = params.get("source_backup_vault_arn")
    parsed = parse_vault_arn(source)
    if parsed is None:
        errors.append("source_backup_vault_arn=%r is not a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)"
                      % (source,))
    elif region and parsed[1] != region:
        errors.append("source_backup_vault_arn=%s is in region %s, not %s: its recovery points are restored in their own"
                      " region, so the restore access vault is requested there; run with region=%s" % (source, parsed[1], region, parsed[1]))
    name = params.get("backup_vault_name")
    if name is not None and not VAULT_NAME.match(name):
        errors.append("backup_vault_name=%r must be 2 to 50 letters, digits, hyphens or underscores" % (name,))
    for option in ("requester_comment", "reason"):
        value = params.get(option)
        if value is not None and len(value) > MAX_COMMENT:
            errors.append("%s is %d characters; at most %d" % (option, len(value), MAX_COMMENT))
    if params.get("state") == "absent" and not (params.get("reason") or "").strip():
        errors.append("reason=%r: state=absent sends a revoke request to the approval team, which needs the reason"
                      % (params.get("reason"),))
    for option in ("wait_timeout", "poll_interval"):
        if params.get(option) is not None and params[option] <= 0:
            errors.append("%s=%r must be more than 0 seconds" % (option, params[option]))
    for key, value in (params.get("tags") or {}).items():
        if not isinstance(value, str):
            errors.append("tags.%s=%r must be a string (AWS Backup tags are strings)" % (key, value))
    if errors:
        raise RestoreAccessError("; ".join(errors))


def describe_fields(described):
    """The members of a DescribeBackupVault answer this module returns (the response metadata left out)."""
    return {k: v for k, v in described.items() if k != "ResponseMetadata"}


def order(vaults):
    """Restore access vaults, most usable first: AVAILABLE, CREATING, FAILED, newest first within each."""
    newest_first = sorted(vaults, key=lambda v: str(v.get("CreationDate") or ""), reverse=True)
    return sorted(newest_first, key=lambda v: STATE_ORDER.get(v.get("VaultState"), 3))


def choose(vaults, name=None, request_again=False):
    """The restore access vault to reuse, or None to request one; raises RestoreAccessError when the only request
    there is was rejected (or the named vault was), unless REQUEST_AGAIN."""
    if name is not None:
        vaults = [v for v in vaults if v.get("BackupVaultName") == name]
    usable = [v for v in order(vaults) if v.get("VaultState") in ("AVAILABLE", "CREATING")]
    if usable:
        return usable[0]
    failed = order(vaults)
    if failed and not request_again:
        vault = failed[0]
        raise RestoreAccessError(
            "restore access vault %s of %s is FAILED: the approval team rejected the request (MPA session %s), or it"
            " failed. Ask the approvers why; to ask again, re-run with request_again=true%s"
            % (vault.get("BackupVaultName"), vault.get("SourceBackupVaultArn"), vault.get("MpaSessionArn") or "unknown",
               " and another backup_vault_name (the rejected vault keeps this one)" if name else ""), vault=vault)
    return None


def create_request(params):
    """The CreateRestoreAccessBackupVault request of the module's options."""
    request = {"SourceBackupVaultArn": params["source_backup_vault_arn"]}
    if params.get("backup_vault_name"):
        request["BackupVaultName"] = params["backup_vault_name"]
    if params.get("requester_comment"):
        request["RequesterComment"] = params["requester_comment"]
    if params.get("tags"):
        request["BackupVaultTags"] = dict(params["tags"])
    return request


def explain(code, message, params):
    """What a refused CreateRestoreAccessBackupVault means for a responder, and what to do."""
    source = params.get("source_backup_vault_arn")
    text = message or code
    if code == "InvalidParameterValueException":
        return ("source_backup_vault_arn=%s is not a logically air-gapped vault in this region (%s): only a logically"
                " air-gapped vault can be restored through a restore access vault; restore from a standard vault by"
                " its name (s3_restore_backup_vault_name, rds_restore_backup_vault_name)" % (source, text))
    if code == "InvalidRequestException" and "MPA" in text.upper():
        return ("source_backup_vault_arn=%s has no Multi-party approval team associated (%s): nobody could approve"
                " the request. The vault's owner associates one (aws backup associate-backup-vault-mpa-approval-team);"
                " without the owning account, this vault cannot be reached" % (source, text))
    if code == "InvalidRequestException":
        return ("source_backup_vault_arn=%s cannot give restore access now (%s): a new air-gapped vault is CREATING"
                " for some minutes; re-run once it is AVAILABLE" % (source, text))
    if code in ("ResourceNotFoundException", "AccessDeniedException"):
        return ("source_backup_vault_arn=%s not found, or not shared with this account (%s): check the ARN, and that"
                " the vault is shared with this account through AWS RAM (aws backup list-backup-vaults --by-shared)"
                % (source, text))
    if code == "AlreadyExistsException":
        return ("backup_vault_name=%s is taken, by a rejected request of %s or by another vault (%s): choose another"
                " name, or leave backup_vault_name out" % (params.get("backup_vault_name"), source, text))
    return "CreateRestoreAccessBackupVault of %s failed: %s" % (source, text)


def progress_line(vault, waited):
    """One line of the wait, as a responder reads it."""
    state = vault.get("VaultState")
    line = "%ds: restore access vault %s is %s" % (int(waited), vault.get("BackupVaultName"), state)
    if state == "CREATING":
        line += ", waiting for the approval team (MPA session %s)" % (vault.get("MpaSessionArn") or "unknown")
    return line


def restore_hint(vault):
    """What the responder does next with VAULT: which name the restores take, or whom to ask."""
    name, state = vault.get("BackupVaultName"), vault.get("VaultState")
    if state == "AVAILABLE":
        return ("restore through restore access vault %s: run the restore playbooks with -e restorekit_backup_vault_name=%s"
                " (or s3_restore_backup_vault_name, rds_restore_backup_vault_name, ec2_restore_backup_vault_name)" % (name, name))
    return ("restore access vault %s is %s: the approval team decides MPA session %s; re-run with wait=true to wait"
            " (the request is adopted, not made again)" % (name, state, vault.get("MpaSessionArn") or "unknown"))


def wait_available(describe, vault, timeout, poll_interval, sleep=time.sleep, clock=time.monotonic):
    """Poll DESCRIBE(name) until VAULT is AVAILABLE; (the vault, the progress lines). Raises RestoreAccessError when
    it is FAILED (rejected) or still CREATING at TIMEOUT seconds, with the progress so far."""
    progress = []
    name = vault["BackupVaultName"]

    def check(waited):
        current = describe_fields(describe(name))
        progress.append(progress_line(current, waited))
        return current.get("VaultState") != "CREATING", current

    try:
        current = _poll.poll(check, timeout, poll_interval, sleep=sleep, clock=clock)
    except _poll.PollTimeout as timed_out:
        raise RestoreAccessError(
            "restore access vault %s is still CREATING after %ds: the approval team has not decided MPA session %s."
            " Ask an approver to approve it (Multi-party approval console), then re-run: the run adopts this request"
            " and asks nothing again" % (name, int(timed_out.waited), vault.get("MpaSessionArn") or "unknown"),
            vault=timed_out.last, progress=progress)
    if current.get("VaultState") == "FAILED":
        raise RestoreAccessError(
            "restore access vault %s is FAILED: the approval team rejected MPA session %s. Ask the approvers why; to ask"
            " again, re-run with request_again=true" % (name, current.get("MpaSessionArn") or "unknown"),
            vault=current, progress=progress)
    return current, progress


def revoke_plan(vaults, name=None):
    """(to revoke, notes) for state=absent: AVAILABLE vaults without a pending revoke request are revoked; the others
    are said as they are. Each vault carries ``LatestRevokeRequest`` when ListRestoreAccessBackupVaults gave one."""
    revoke, notes = [], []
    for vault in vaults:
        if name is not None and vault.get("BackupVaultName") != name:
            continue
        state = vault.get("VaultState")
        pending = (vault.get("LatestRevokeRequest") or {}).get("Status") == "PENDING"
        if state == "AVAILABLE" and not pending:
            revoke.append(vault)
        elif state == "AVAILABLE":
            notes.append("%s: a revoke request is already waiting for the approval team (MPA session %s)"
                         % (vault.get("BackupVaultName"), vault["LatestRevokeRequest"].get("MpaSessionArn")))
        elif state == "CREATING":
            session = "MPA session %s" % vault["MpaSessionArn"] if vault.get("MpaSessionArn") else "the pending request"
            notes.append("%s: CREATING, not approved yet, so it cannot be revoked; ask the approvers to reject %s"
                         % (vault.get("BackupVaultName"), session))
        else:
            notes.append("%s: %s, it gives no access; nothing to revoke" % (vault.get("BackupVaultName"), state))
    return revoke, notes


def wait_revoked(current, arns, timeout, poll_interval, sleep=time.sleep, clock=time.monotonic):
    """Poll CURRENT() (the source's restore access vaults with their revoke requests) until none of ARNS is left;
    the progress lines. Raises RestoreAccessError when a revoke request is rejected or still pending at TIMEOUT."""
    progress = []

    def check(waited):
        left = [v for v in current() if v.get("BackupVaultArn") in arns]
        rejected = [v for v in left if (v.get("LatestRevokeRequest") or {}).get("Status") == "FAILED"]
        if rejected:
            first = rejected[0]
            raise RestoreAccessError(
                "the approval team rejected the revoke request of %s (MPA session %s): the vault still gives restore"
                " access; ask the approvers why, then re-run"
                % (first.get("BackupVaultName"), first["LatestRevokeRequest"].get("MpaSessionArn")), vault=first, progress=progress)
        pending = ", ".join("%s revoke pending" % v.get("BackupVaultName") for v in left)
        progress.append("%ds: %s" % (int(waited), pending or "revoked"))
        return not left, left

    try:
        _poll.poll(check, timeout, poll_interval, sleep=sleep, clock=clock)
    except _poll.PollTimeout as timed_out:
        raise RestoreAccessError(
            "the revoke request of %s is still waiting for the approval team after %ds; ask an approver to approve it,"
            " then re-run (no second request is sent)" % (", ".join(v.get("BackupVaultName") for v in timed_out.last),
                                                          int(timed_out.waited)), progress=progress)
    return progress


def snake_point(point):
    """The members of an exposed recovery point a restore needs, snake_case."""
    return {
        "recovery_point_arn": point.get("RecoveryPointArn"), "resource_arn": point.get("ResourceArn"),
        "resource_type": point.get("ResourceType"), "status": point.get("Status"),
        "creation_date": point["CreationDate"].isoformat() if hasattr(point.get("CreationDate"), "isoformat") else point.get("CreationDate"),
        "backup_vault_name": point.get("BackupVaultName"), "source_backup_vault_arn": point.get("SourceBackupVaultArn"),
    }


# ------------------------------------------------------------------------------------------ calls
# A failed call raises AnsibleBackupError ("Failed to <what was being done>: <what AWS said>").

def request_vault(client, params):
    """CreateRestoreAccessBackupVault of PARAMS (the module's options); its answer. A refusal is said in the
    responder's words, by its code (``explain``): RestoreAccessError."""
    @BackupErrorHandler.common_error_handler("request restore access vault")
    def create():
        try:
            return client.create_restore_access_backup_vault(**create_request(params))
        except botocore.exceptions.ClientError as error:
            raise RestoreAccessError(explain(error.response["Error"].get("Code"), error.response["Error"].get("Message"), params)) from error

    return create()


@BackupErrorHandler.common_error_handler("describe restore access vault")
def describe_vault(client, name):
    """The vault NAME as DescribeBackupVault gives it (``describe_fields``)."""
    return describe_fields(client.describe_backup_vault(BackupVaultName=name))


@BackupErrorHandler.common_error_handler("revoke restore access vault")
def revoke(client, source_name, vault_arn, comment):
    client.revoke_restore_access_backup_vault(BackupVaultName=source_name, RestoreAccessBackupVaultArn=vault_arn, RequesterComment=comment)


@BackupErrorHandler.common_error_handler("list restore access vaults")
def access_vaults_of(client, source_arn):
    """Every restore access vault of this account and region whose source is SOURCE_ARN, as DescribeBackupVault gives
    it; found from the vault's side (ListBackupVaults by type), so it works in a recovery account."""
    found = []
    paginator = client.get_paginator("list_backup_vaults")
    for page in paginator.paginate(ByVaultType=RESTORE_ACCESS):
        for member in page.get("BackupVaultList", []):
            try:
                described = describe_fields(client.describe_backup_vault(BackupVaultName=member["BackupVaultName"]))
            except botocore.exceptions.ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("ResourceNotFoundException", "AccessDeniedException"):
                    continue  # revoked between the list and the describe
                raise
            if described.get("SourceBackupVaultArn") == source_arn:
                found.append(described)
    return order(found)


@BackupErrorHandler.common_error_handler("list restore access vaults of the source vault")
def source_access_vaults(client, source_arn):
    """Every restore access vault of SOURCE_ARN, in whichever account asked for it, as the air-gapped vault's owner
    sees them (ListRestoreAccessBackupVaults, every page): ``BackupVaultArn``, ``BackupVaultName`` (from the ARN),
    ``VaultState``, ``CreationDate``, ``ApprovalDate``, ``LatestRevokeRequest``; most usable first.

    Run by the owner (``check_revoker``); a vault AWS answers as missing or not allowed is a RestoreAccessError."""
    found = []
    source_name = parse_vault_arn(source_arn)[3]
    try:
        for page in client.get_paginator("list_restore_access_backup_vaults").paginate(BackupVaultName=source_name):
            for member in page.get("RestoreAccessBackupVaults", []):
                arn = member.get("RestoreAccessBackupVaultArn")
                found.append({"BackupVaultArn": arn, "BackupVaultName": (parse_vault_arn(arn) or (None,) * 4)[3],
                              "VaultState": member.get("VaultState"), "CreationDate": member.get("CreationDate"),
                              "ApprovalDate": member.get("ApprovalDate"), "LatestRevokeRequest": member.get("LatestRevokeRequest")})
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("ResourceNotFoundException", "AccessDeniedException"):
            raise
        raise RestoreAccessError(
            "the air-gapped vault %s not found, or not allowed (AWS answered %s): check the vault name and region of"
            " source_backup_vault_arn, and grant backup:ListRestoreAccessBackupVaults on it"
            % (source_arn, error.response["Error"]["Code"])) from None
    return order(found)


def check_revoker(caller_account, source_arn):
    """Revoking restore access is the air-gapped vault owner's call (RevokeRestoreAccessBackupVault takes the source
    vault's name, in the caller's account): a RestoreAccessError naming the account to run in, for any other caller."""
    owner = parse_vault_arn(source_arn)[2]
    if caller_account != owner:
        raise RestoreAccessError(
            "revoking restore access is the air-gapped vault owner's call: run state=absent with the credentials of"
            " account %s, which owns %s (this is account %s)" % (owner, source_arn, caller_account))


@BackupErrorHandler.common_error_handler("list recovery points of restore access vault")
def exposed_points(client, name):
    """The recovery points a restore access vault shows, all pages, newest first."""
    points = []
    paginator = client.get_paginator("list_recovery_points_by_backup_vault")
    for page in paginator.paginate(BackupVaultName=name):
        points.extend(snake_point(p) for p in page.get("RecoveryPoints", []))
    return sorted(points, key=lambda p: str(p["creation_date"]), reverse=True)


def report_resources(source_arn, requested_arn=None, revoked=()):
    """The restore report's resources of a run: the restore access vault it requested (created), the ones it revoked
    (changed: they go away once the revoke is approved), and the air-gapped vault it only read (left alone)."""
    return {"created": [requested_arn] if requested_arn else [], "changed": list(revoked), "left_alone": [source_arn]}
