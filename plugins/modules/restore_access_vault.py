#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_access_vault
version_added: 0.1.0
short_description: Request, wait for or revoke an AWS Backup restore access vault of a logically air-gapped vault
description:
  - Restores from a logically air-gapped vault when the account that owns it cannot (compromised, locked out). In the
    recovery account, O(state=present) requests a restore access vault with the air-gapped vault as source
    (CreateRestoreAccessBackupVault). The air-gapped vault's Multi-party approval (MPA) team approves or rejects the
    request; until then the restore access vault is C(CREATING). Once C(AVAILABLE) it shows the air-gapped vault's
    recovery points under its own name, and every restore of this collection restores them when given that name as
    its backup vault.
  - Idempotent. An existing restore access vault of the same source (C(AVAILABLE), else C(CREATING)) is adopted, so a
    re-run never asks the approval team twice. A request the team rejected (C(FAILED)) stops the run and is asked
    again only with O(request_again=true).
  - With O(wait=true) the module waits for the approval with the collection's poll cadence and returns the progress
    lines of the wait in RV(progress).
  - O(state=absent) runs in the account that owns the air-gapped vault, since revoking is the owner's call. It lists the
    source's restore access vaults, in whichever account they were requested (ListRestoreAccessBackupVaults), and
    sends a revoke request (RevokeRestoreAccessBackupVault) for each C(AVAILABLE) one (or the one named by
    O(backup_vault_name)), with O(reason) as the approvers' comment; the team's approval deletes the vault. A pending
    revoke request is not sent again. Run in another account (sts:GetCallerIdentity says which), it fails before any
    revoke, naming the account to run it in.
  - Every option is checked before any AWS call. In check mode nothing is requested or revoked.
author:
  - restorekit contributors (@restorekit)
options:
  source_backup_vault_arn:
    description:
      - The ARN of the logically air-gapped vault whose recovery points are to be restored, in the module's region.
    type: str
    required: true
  state:
    description:
      - V(present) requests (or adopts) a restore access vault; V(absent) asks the approval team to revoke it.
    type: str
    choices: [present, absent]
    default: present
  backup_vault_name:
    description:
      - The restore access vault's name (2 to 50 letters, digits, hyphens, underscores). AWS names it when left out.
      - With O(state=present), the vault of this name is adopted, and no other; with O(state=absent), only the
        source's restore access vaults of this name are revoked (one per account that asked).
    type: str
  requester_comment:
    description: Why restore access is requested, shown to the approval team (for example the incident number).
    type: str
  reason:
    description: Why restore access is revoked, shown to the approval team. Required with O(state=absent).
    type: str
  request_again:
    description:
      - Request a new restore access vault when the source's only request was rejected (C(FAILED)). Without it, a
        rejected request stops the run, naming its MPA session.
    type: bool
    default: false
  tags:
    description: Tags of a restore access vault this module requests (not changed on an adopted one).
    type: dict
  wait:
    description:
      - Wait until the vault is C(AVAILABLE) (O(state=present)) or gone (O(state=absent)), that is until the approval
        team decided. Never in check mode.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait. At the timeout the run fails naming the MPA session still waiting; a re-run adopts the request.
    type: int
    default: 3600
  poll_interval:
    description: Longest pause between two checks in the first minutes of the wait (the collection's poll cadence).
    type: int
    default: 15
  list_recovery_points:
    description: Return the recovery points an C(AVAILABLE) restore access vault shows, in RV(recovery_points).
    type: bool
    default: false
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - AWS Backup answers CreateRestoreAccessBackupVault only for a logically air-gapped vault with an MPA approval team
    associated; the module says which of the two is missing, and what to do.
  - See C(docs/restore-access-vault.md) for the whole procedure.
attributes:
  check_mode:
    description: Finds the existing restore access vault; requests and revokes nothing.
    support: full
  diff_mode:
    description: RV(actions) says what was done.
    support: none
"""

EXAMPLES = r"""
- name: Request restore access to the air-gapped vault and wait for the approval team
  restorekit.aws.restore_access_vault:
    source_backup_vault_arn: arn:aws:backup:us-east-1:123456789012:backup-vault:multi-tenant-app-prod-airgap-vault
    backup_vault_name: multi-tenant-app-prod-restore-access
    requester_comment: INC-4711 production account locked out, restoring tenant 12
    wait: true
    wait_timeout: 14400
    list_recovery_points: true
  register: access

- name: Restore a tenant through it
  ansible.builtin.include_role:
    name: restorekit.aws.s3_restore
  vars:
    s3_restore_tenant_ids: ["12"]
    s3_restore_backup_vault_name: "{{ access.restore_access_vault.backup_vault_name }}"

- name: Revoke the access once the restores are done
  restorekit.aws.restore_access_vault:
    source_backup_vault_arn: arn:aws:backup:us-east-1:123456789012:backup-vault:multi-tenant-app-prod-airgap-vault
    state: absent
    reason: INC-4711 restores done and validated
"""

RETURN = r"""
restore_access_vault:
  description:
    - The restore access vault requested or adopted, as DescribeBackupVault gives it (snake_case). Empty with
      O(state=absent), and in check mode when none exists yet (then only RV(restore_access_vault.backup_vault_name),
      when given).
  returned: always
  type: dict
  contains:
    backup_vault_name:
      description: Its name; the vault name to give the restores (s3_restore_backup_vault_name, rds_restore_backup_vault_name).
      type: str
      sample: multi-tenant-app-prod-restore-access
    backup_vault_arn:
      description: Its ARN.
      type: str
    vault_type:
      description: V(RESTORE_ACCESS_BACKUP_VAULT).
      type: str
    vault_state:
      description: V(CREATING) (waiting for approval), V(AVAILABLE) or V(FAILED) (rejected).
      type: str
    source_backup_vault_arn:
      description: The air-gapped vault it gives access to.
      type: str
    mpa_session_arn:
      description: The MPA session in which the approval team decides the request.
      type: str
    creation_date:
      description: When it was requested (ISO 8601).
      type: str
recovery_points:
  description: The recovery points the vault shows, newest first, with O(list_recovery_points=true) once it is AVAILABLE.
  returned: when O(list_recovery_points=true)
  type: list
  elements: dict
  contains:
    recovery_point_arn:
      description: The point's ARN, to restore.
      type: str
    resource_arn:
      description: The resource it backs up.
      type: str
    resource_type:
      description: The resource type, for example V(S3).
      type: str
    status:
      description: The point's status.
      type: str
    creation_date:
      description: When the backup was taken (ISO 8601).
      type: str
    backup_vault_name:
      description: The restore access vault's name.
      type: str
    source_backup_vault_arn:
      description: The air-gapped vault that holds it.
      type: str
source_backup_vault_arn:
  description: The air-gapped vault given (O(source_backup_vault_arn)), for a report of what was left alone.
  returned: always
  type: str
resources:
  description: The restore report's resources of this run (the restore_report role's C(restore_report_resources)).
  returned: always
  type: dict
  contains:
    created:
      description: The restore access vault this run requested (empty in check mode or when one was adopted).
      type: list
      elements: str
    changed:
      description: The restore access vaults whose revoke this run requested.
      type: list
      elements: str
    left_alone:
      description: The air-gapped vault, only read.
      type: list
      elements: str
revoked:
  description: The ARNs of the restore access vaults whose revoke was requested (or, in check mode, would be).
  returned: when O(state=absent)
  type: list
  elements: str
actions:
  description: What was done (or in check mode would be), one line each.
  returned: always
  type: list
  elements: str
  sample: ["request restore access vault of arn:aws:backup:us-east-1:123456789012:backup-vault:lag"]
notes:
  description:
    - What was found and what to do next, one line each. An adopted vault; the vault name the restores take
      (C(-e restorekit_backup_vault_name=...)) or the MPA session the approval team still has to decide; with
      O(state=absent), a revoke request already pending or a vault that cannot be revoked, and why.
  returned: always
  type: list
  elements: str
progress:
  description: One line per check while waiting, for example V(12s restore access vault x is CREATING, waiting ...).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_access as ra
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def snake_vault(vault):
    out = camel_dict_to_snake_dict(vault or {})
    for key, value in list(out.items()):
        if hasattr(value, "isoformat"):
            out[key] = value.isoformat()
    return out


def ensure_present(module, backup):
    params = module.params
    source = params["source_backup_vault_arn"]
    vault = ra.choose(ra.access_vaults_of(backup, source), params["backup_vault_name"], params["request_again"])
    result = dict(changed=False, actions=[], notes=[], progress=[])
    if vault is None:
        result.update(changed=True, actions=["request restore access vault of %s" % source])
        if module.check_mode:
            result["restore_access_vault"] = {"backup_vault_name": params["backup_vault_name"]} if params["backup_vault_name"] else {}
            result["resources"] = ra.report_resources(source)
            return result
        made = ra.request_vault(backup, params)
        vault = ra.describe_vault(backup, made["RestoreAccessBackupVaultName"])
    else:
        result["notes"].append("adopted restore access vault %s (%s)" % (vault["BackupVaultName"], vault["VaultState"]))
    if params["wait"] and not module.check_mode and vault.get("VaultState") == "CREATING":
        vault, result["progress"] = ra.wait_available(
            lambda name: ra.describe_vault(backup, name), vault, params["wait_timeout"], params["poll_interval"])
    result["restore_access_vault"] = vault
    result["resources"] = ra.report_resources(source, vault.get("BackupVaultArn") if result["actions"] else None)
    result["notes"].append(ra.restore_hint(vault))
    if params["list_recovery_points"]:
        result["recovery_points"] = ra.exposed_points(backup, vault["BackupVaultName"]) if vault.get("VaultState") == "AVAILABLE" else []
    return result


def ensure_absent(module, backup):
    params = module.params
    source = params["source_backup_vault_arn"]
    source_name = ra.parse_vault_arn(source)[3]

    ra.check_revoker(module.caller_identity()["Account"], source)

    def current():
        return ra.source_access_vaults(backup, source)

    revoke, notes = ra.revoke_plan(current(), params["backup_vault_name"])
    result = dict(changed=bool(revoke), actions=["revoke restore access vault %s" % v["BackupVaultName"] for v in revoke],
                  notes=notes, progress=[], revoked=[v["BackupVaultArn"] for v in revoke], restore_access_vault={})
    result["resources"] = ra.report_resources(source, revoked=result["revoked"])
    if module.check_mode:
        return result
    for vault in revoke:
        ra.revoke(backup, source_name, vault["BackupVaultArn"], params["reason"])
    if params["wait"] and result["revoked"]:
        result["progress"] = ra.wait_revoked(current, set(result["revoked"]), params["wait_timeout"], params["poll_interval"])
    return result


def main():
    argument_spec = dict(
        source_backup_vault_arn=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        backup_vault_name=dict(type="str"),
        requester_comment=dict(type="str"),
        reason=dict(type="str"),
        request_again=dict(type="bool", default=False),
        tags=dict(type="dict"),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=3600),
        poll_interval=dict(type="int", default=15),
        list_recovery_points=dict(type="bool", default=False),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    try:
        ra.validate_params(module.params, module.region)
    except ra.RestoreAccessError as e:
        module.fail_json(msg=str(e))
    backup = module.client("backup", retry_decorator=jittered_backoff())
    try:
        if module.params["state"] == "present":
            result = ensure_present(module, backup)
        else:
            result = ensure_absent(module, backup)
    except ra.RestoreAccessError as e:
        module.fail_json(msg=str(e), restore_access_vault=snake_vault(e.vault), progress=e.progress)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    result["restore_access_vault"] = snake_vault(result.get("restore_access_vault"))
    result["source_backup_vault_arn"] = module.params["source_backup_vault_arn"]
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
