# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a responder reads when AWS cannot say which of two things went wrong, written once for every module that
meets it (recovery points, the preflight's vault check, backup health's vault finding)."""

from __future__ import annotations


def vault_not_found_or_denied(vault, action, option="backup_vault_name", code="AccessDeniedException"):
    """(what happened, what to do) for a backup vault AWS answered with CODE: AWS Backup answers a vault that does not
    exist as it answers a caller without ACTION on it (docs/emulator-fidelity.md), so both are said, and how to tell
    them apart."""
    return ("backup vault %s not found, or not allowed (%s=%s): AWS answers both with %s" % (vault, option, vault, code),
            "if `aws backup list-backup-vaults` in this account and region does not list %s, the name or the region is wrong;"
            " if it does, grant %s on it" % (vault, action))


def shared_vault_not_found_or_denied(vault, account, action):
    """(what happened, what to do) for another account's vault (BackupVaultAccountId) AWS answered AccessDeniedException:
    not there, not shared with this account through AWS RAM, or the action not granted."""
    return ("backup vault %s of account %s not found, not shared with this account, or not allowed (backup_vault_name=%s, "
            "backup_vault_account_id=%s): AWS answers all three with AccessDeniedException" % (vault, account, vault, account),
            "if `aws backup list-backup-vaults --by-shared` in this account and region does not list it, the vault's owner must "
            "share it through AWS RAM (and this account accept the invitation, outside the owner's organization); if it does, "
            "grant %s" % action)
