"""Logically air-gapped vaults shared with other accounts through AWS RAM (a mixin of BackupWorld, and RAM's part).

The emulator serves every account a caller's credentials belong to (moto maps the keys STS AssumeRole hands out to the
role's account); each account has its own BackupWorld, all on one clock and one lock (app.py ``world_for``).

- AWS RAM shares a vault by its ARN (moto's RAM, taught the ``backup-vault`` resource type). The recipient sees it only
  as AWS RAM grants it: an account in the owner's organization, when the owner has enabled sharing with AWS
  Organizations, gets it without an invitation; any other principal gets an invitation it must accept first (RAM user
  guide, "Using shared AWS resources"). Invitations are not emulated: such a share stays pending, the vault unseen.
- Only a logically air-gapped vault is shared this way ("Share a logically air-gapped vault", developer guide); a
  standard vault in a share stays invisible to the recipient, as does a vault still CREATING.
- The recipient lists the vault with ListBackupVaults ByShared, reads it and its points with BackupVaultAccountId (the
  owner's account) on DescribeBackupVault, ListRecoveryPointsByBackupVault, DescribeRecoveryPoint,
  GetRecoveryPointRestoreMetadata, GetRestoreTestingInferredMetadata and ListProtectedResourcesByBackupVault, and
  restores a point with StartRestoreJob in its own account: the job is the recipient's, what it creates is in the
  recipient's account. A vault not shared with the caller answers as a missing vault does: AccessDeniedException.
"""

import re

from moto.backup.models import backup_backends
from moto.organizations.models import organizations_backends
from moto.ram.models import ResourceAccessManagerBackend, ResourceShare, ram_backends

from .backup_airgap import LAG, vault_type
from .protocol import ApiError

# Operations that read another account's vault when given its BackupVaultAccountId (botocore's backup model).
VAULT_ACCOUNT_OPERATIONS = ("DescribeBackupVault", "ListRecoveryPointsByBackupVault", "DescribeRecoveryPoint",
                            "GetRecoveryPointRestoreMetadata", "GetRestoreTestingInferredMetadata",
                            "ListProtectedResourcesByBackupVault")
ORGANIZATION_PRINCIPAL = re.compile(r"^arn:aws:organizations::(\d{12}):organization/(o-[a-z0-9]+)$")
_INSTALLED = []


def install():
    """Teach moto's RAM the backup vault resource type, and remember EnableSharingWithAwsOrganization (moto checks
    the organization and forgets the setting)."""
    if _INSTALLED:
        return
    _INSTALLED.append(True)
    ResourceShare.SHAREABLE_RESOURCES = list(ResourceShare.SHAREABLE_RESOURCES) + ["backup-vault"]
    original = ResourceAccessManagerBackend.enable_sharing_with_aws_organization

    def enable_sharing_with_aws_organization(backend):
        out = original(backend)
        backend.sharing_with_organization = True
        return out

    ResourceAccessManagerBackend.enable_sharing_with_aws_organization = enable_sharing_with_aws_organization


def organization_of(account_id):
    """The management account of ACCOUNT_ID's organization (moto's Organizations), None outside any."""
    backend = organizations_backends[account_id]["aws"]
    if backend.org is not None:
        return account_id
    master = organizations_backends.master_accounts.get(account_id)
    return master[0] if master else None


def shares_with(owner, region, resource_arn, recipient):
    """Whether OWNER's AWS RAM shares RESOURCE_ARN with the account RECIPIENT in a way that gives access now."""
    backend = ram_backends[owner][region]
    organization = organization_of(owner)
    in_organization = (organization is not None and organization_of(recipient) == organization
                       and getattr(backend, "sharing_with_organization", False))
    for share in backend.resource_shares:
        if share.status != "ACTIVE" or resource_arn not in share.resource_arns:
            continue
        for principal in share.principals:
            account = principal if principal.isdigit() else None
            if account is None and principal.startswith("arn:aws:iam::"):
                account = principal.split(":")[4]
            if account == recipient and in_organization:
                return True  # outside the organization it would be an invitation to accept (not emulated)
            if ORGANIZATION_PRINCIPAL.match(principal) and in_organization:
                return True
    return False


def _denied():
    from .backup import denied  # pylint: disable=import-outside-toplevel
    return denied()


class SharedVaultsMixin:
    """What a recipient account reads and restores of air-gapped vaults other accounts share with it."""

    accounts = None  # {account id: BackupWorld}, every account the emulator has served (app.py sets it)

    def _peers(self):
        return [world for account, world in sorted((self.accounts or {}).items()) if account != self.account_id]

    def _usable_shared(self, owner, region, vault):
        return (vault_type(vault) == LAG and owner.vault_state(vault) == "AVAILABLE"
                and shares_with(owner.account_id, region, vault.backup_vault_arn, self.account_id))

    def shared_vaults(self, region):
        """[(owner world, vault)] of the air-gapped vaults other accounts share with this one in REGION."""
        out = []
        for owner in self._peers():
            for vault in list(backup_backends[owner.account_id][region].vaults.values()):
                if self._usable_shared(owner, region, vault):
                    out.append((owner, vault))
        return out

    def shared_vault_owner(self, region, account_id, name):
        """The world of ACCOUNT_ID when its vault NAME is shared with this account; AccessDeniedException otherwise,
        as for a missing vault (a caller cannot tell a vault it may not see from one that does not exist)."""
        owner = (self.accounts or {}).get(account_id)
        if owner is None:
            raise _denied()
        vault = backup_backends[owner.account_id][region].vaults.get(name)
        if vault is None or not self._usable_shared(owner, region, vault):
            raise _denied()
        return owner

    def route_vault_account(self, operation, region, params):
        """(world, params) that answer OPERATION: the owner's, for a shared vault named with BackupVaultAccountId."""
        account = params.get("BackupVaultAccountId")
        if operation not in VAULT_ACCOUNT_OPERATIONS or account in (None, self.account_id):
            return self, params
        owner = self.shared_vault_owner(region, account, params["BackupVaultName"])
        return owner, {k: v for k, v in params.items() if k != "BackupVaultAccountId"}

    def shared_point(self, region, arn):
        """A recovery point of another account's vault this one may restore, or None: one that an AVAILABLE restore
        access vault of this account shows (backup_airgap.py), or one of a vault shared with it through AWS RAM."""
        exposed = self.exposed_point(region, arn)
        if exposed is not None:
            return exposed
        for owner in self._peers():
            point = owner.recovery_points.get(arn)
            if point is None or point.region != region:
                continue
            vault = backup_backends[owner.account_id][region].vaults.get(point.vault_name)
            if vault is not None and self._usable_shared(owner, region, vault):
                return point
            raise ApiError("AccessDeniedException", "User is not authorized to restore recovery point %s" % arn, status=403)
        return None
