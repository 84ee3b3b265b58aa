#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_preflight_info
version_added: 0.1.0
short_description: Read-only checks of everything a restore depends on, in one module run
description:
  - Answers the questions a restore depends on, before anything changes, in one module run (the role
    M(restorekit.aws.preflight) makes every check through it, so a responder waits for one module start-up, not ten).
  - Who is running? With O(check_caller), sts:GetCallerIdentity; no identity is a failed check, not a module failure.
  - Does the backup vault O(backup_vault_name) exist, and is its KMS key enabled (not disabled, not pending deletion)?
    A key pending deletion fails with the fix C(aws kms cancel-key-deletion).
  - Does the backup role O(backup_role_name) exist, and does it carry O(backup_role_policies)? Its ARN is then the
    role of the pass-role check and of the permission table, unless O(pass_role_arn) names another.
  - Is each name of O(targets) free? An RDS DB instance identifier, an S3 bucket name (global, see below) or the Name
    tag of a live EC2 instance.
  - May the caller pass the AWS Backup role? StartRestoreJob passes the role to AWS Backup, which needs
    C(iam:PassRole) on it. Asked of IAM's policy simulator (SimulatePrincipalPolicy) for the caller's identity; an
    STS assumed-role session is simulated as its role. If the simulator is refused or unavailable the check reports
    that it could not verify, with RV(checks[].ok) V(null), never a pass.
  - Is a target S3 bucket name free? Bucket names are global, so a listing of this account's buckets cannot tell;
    HeadBucket tells a free name (404) from one that exists here (200) or in another account (403).
  - May the caller make every call a restore of the asked resource types needs? With O(simulate_permissions), each
    action of the documented list (see O(resource_types)) is simulated on the resources named in
    O(responder_resources) (or the account's wildcard ARNs) and returned as a table, RV(permissions) - action,
    resource, decision and the statements that decided it. A denied action fails the check of its resource type,
    naming the action, the resource and the denying policy.
  - Is AWS Backup opted in to the resource types? With O(check_opt_in), DescribeRegionSettings is read and every type
    of O(resource_types) whose C(ResourceTypeOptInPreference) is not true fails its check, naming the type.
  - The checks come back in this order - caller identity, vault, KMS key, backup role, its policies, pass-role, bucket
    names, RDS identifiers, EC2 Name tags, permissions per resource type, opt-in per resource type - each only when
    asked for.
  - Read-only; it changes nothing in AWS and never reports a change. It does not fail when a check fails; the
    caller decides.
author:
  - restorekit contributors (@restorekit)
options:
  check_caller:
    description:
      - Record the caller identity (sts:GetCallerIdentity) as the first check. When it cannot be read the check fails
        (with how to provide credentials) and the checks that need the caller are unverified; the module does not fail.
    type: bool
    default: false
  backup_vault_name:
    description:
      - The backup vault that must exist (DescribeBackupVault). When it does, its KMS key must be C(Enabled)
        (DescribeKey); its ARN and its key's ARN are the defaults of O(responder_resources.vault_arn) and
        O(responder_resources.kms_key_arn).
    type: str
  backup_role_name:
    description:
      - The AWS Backup role that must exist (GetRole) and carry O(backup_role_policies) (ListAttachedRolePolicies).
      - When it exists, its ARN is the default of O(pass_role_arn).
    type: str
  backup_role_policies:
    description:
      - Managed policy ARNs O(backup_role_name) must carry; a missing one fails the check, named with the fix.
    type: list
    elements: str
    default: []
  targets:
    description:
      - Names the restore will create; each must not exist yet.
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description:
          - V(rds) a DB instance identifier, V(s3) a bucket name (checked as O(bucket_names) are, after them), V(ec2)
            the Name tag of an instance that is pending, running, stopping or stopped.
        type: str
        required: true
        choices: [rds, s3, ec2]
      name:
        description:
          - The name that must be free. A name the type cannot have (an RDS DB identifier with underscores, a bucket
            name with capitals) is refused before any call, naming it.
        type: str
        required: true
  pass_role_arn:
    description:
      - ARN of the role the caller must be allowed to pass, normally the AWS Backup role. Defaults to the ARN of
        O(backup_role_name) when that role exists.
      - Must be an IAM role ARN, V(arn:aws:iam::ACCOUNT:role/NAME).
    type: str
  caller_arn:
    description:
      - ARN of the principal to simulate. Defaults to the caller (STS GetCallerIdentity).
    type: str
  bucket_names:
    description:
      - S3 bucket names that must be free (not exist in any account).
    type: list
    elements: str
    default: []
  s3_restores:
    description:
      - Tenant S3 restores (production bucket, staging bucket) to check for what would make an AWS Backup restore fail
        or leave objects out. A staging bucket that exists with ACLs disabled (object ownership C(BucketOwnerEnforced))
        fails the restore; a production bucket with ACLs enabled may hold objects with a public ACL, which a restore
        into a bucket that blocks public access (every staging bucket) leaves out. Each is a warning (status
        C(warning)), not a failure; a pair with neither passes.
      - Needs s3:ListBucket and s3:GetBucketOwnershipControls on both buckets.
    type: list
    elements: dict
    default: []
    suboptions:
      production_bucket:
        description: The production tenant bucket (only read).
        type: str
        required: true
      staging_bucket:
        description: The staging bucket the restore writes into.
        type: str
        required: true
  resource_types:
    description:
      - The resource types the restore touches, for O(simulate_permissions) and O(check_opt_in).
      - The actions simulated for every restore are C(backup:ListRecoveryPointsByBackupVault),
        C(backup:DescribeBackupVault), C(backup:DescribeRecoveryPoint), C(backup:GetRecoveryPointRestoreMetadata),
        C(backup:StartRestoreJob), C(backup:DescribeRestoreJob), C(backup:ListRestoreJobs), C(iam:PassRole) on the
        backup role (with C(iam:PassedToService=backup.amazonaws.com)) and C(kms:Decrypt), C(kms:CreateGrant),
        C(kms:DescribeKey) on the vault key.
      - V(RDS) adds C(rds:DescribeDBInstances), C(rds:DescribeDBSnapshots), C(rds:DescribeDBInstanceAutomatedBackups),
        C(rds:RestoreDBInstanceToPointInTime), C(rds:ModifyDBInstance), C(rds:AddTagsToResource).
      - V(S3) adds C(s3:ListBucket), C(s3:ListBucketVersions) on the buckets and C(s3:GetObject),
        C(s3:GetObjectVersion), C(s3:GetObjectTagging), C(s3:PutObject), C(s3:PutObjectTagging) on their objects.
      - V(EC2) adds C(ec2:DescribeInstances), C(ec2:DescribeImages), C(ec2:DescribeLaunchTemplates),
        C(ec2:DescribeLaunchTemplateVersions), C(ec2:CreateLaunchTemplateVersion), C(ec2:ModifyLaunchTemplate),
        C(ec2:CreateTags), C(autoscaling:DescribeAutoScalingGroups), C(autoscaling:StartInstanceRefresh),
        C(autoscaling:DescribeInstanceRefreshes), C(autoscaling:UpdateAutoScalingGroup).
    type: list
    elements: str
    choices: [RDS, S3, EC2]
    default: []
  simulate_permissions:
    description:
      - Simulate the responder actions of O(resource_types) for the caller (or O(caller_arn)) with
        SimulatePrincipalPolicy. Identity policies only, as the simulator evaluates them for a principal.
    type: bool
    default: false
  check_opt_in:
    description:
      - Check that AWS Backup is opted in (DescribeRegionSettings) to each of O(resource_types) in the region.
    type: bool
    default: false
  responder_resources:
    description:
      - The resources the responder's actions are simulated on. A family left out is simulated on the account's
        wildcard ARN (for example C(arn:aws:rds:REGION:ACCOUNT:db:*)).
    type: dict
    default: {}
    suboptions:
      vault_arn:
        description: The backup vault's ARN.
        type: str
      backup_role_arn:
        description: The backup role's ARN, for C(iam:PassRole). Defaults to O(pass_role_arn).
        type: str
      kms_key_arn:
        description: The vault's KMS key ARN.
        type: str
      db_instances:
        description: RDS DB instance identifiers, the sources and the restore targets.
        type: list
        elements: str
        default: []
      buckets:
        description: S3 bucket names, staging and production.
        type: list
        elements: str
        default: []
      autoscaling_groups:
        description: Auto Scaling group names.
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - restorekit.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Every preflight check of a restore of RDS, in one module run
  restorekit.aws.restore_preflight_info:
    check_caller: true
    backup_vault_name: multi-tenant-app-prod-backup-vault
    backup_role_name: multi-tenant-app-prod-backup-role
    backup_role_policies:
      - arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup
      - arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores
    targets:
      - type: rds
        name: multi-tenant-app-prod-db-restore
    resource_types: [RDS]
    simulate_permissions: true
    check_opt_in: true
  register: preflight_check

- name: May the caller pass the backup role, and is the staging bucket name free?
  restorekit.aws.restore_preflight_info:
    pass_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
    bucket_names:
      - multi-tenant-app-prod-tenant-1-restore
  register: preflight_extra

- name: May the caller restore RDS and S3, and is AWS Backup opted in to both?
  restorekit.aws.restore_preflight_info:
    resource_types: [RDS, S3]
    simulate_permissions: true
    check_opt_in: true
    responder_resources:
      vault_arn: arn:aws:backup:us-east-1:123456789012:backup-vault:multi-tenant-app-prod-backup-vault
      backup_role_arn: arn:aws:iam::123456789012:role/multi-tenant-app-prod-backup-role
      db_instances: [multi-tenant-app-prod-db, multi-tenant-app-prod-db-restore]
      buckets: [multi-tenant-app-prod-tenant-1, multi-tenant-app-prod-tenant-1-restore]
  register: preflight_permissions

- name: Show what is denied
  ansible.builtin.debug:
    msg: "{{ preflight_permissions.permissions | rejectattr('allowed') | map(attribute='action') | list }}"

- name: Stop on a failed check
  ansible.builtin.assert:
    that: preflight_extra.checks | selectattr('ok', 'false') | list | length == 0
    fail_msg: "{{ preflight_extra.checks | selectattr('ok', 'false') | map(attribute='fix') | list }}"
"""

RETURN = r"""
caller_arn:
  description: The principal whose permissions were simulated.
  returned: when O(pass_role_arn) is given or O(simulate_permissions=true), and the caller is known
  type: str
  sample: arn:aws:iam::123456789012:user/oncall
account:
  description: The caller's account.
  returned: when O(check_caller=true) and the identity was read
  type: str
  sample: "123456789012"
backup_vault_arn:
  description: The ARN of O(backup_vault_name).
  returned: when O(backup_vault_name) is given and the vault exists
  type: str
kms_key_arn:
  description: The vault's KMS key ARN.
  returned: when O(backup_vault_name) is given and the vault exists
  type: str
backup_role_arn:
  description: The ARN of O(backup_role_name).
  returned: when O(backup_role_name) is given and the role exists
  type: str
checks:
  description: One entry per check, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    check:
      description: What was checked.
      type: str
      sample: caller may pass the backup role
    ok:
      description: V(true) passed, V(false) failed, V(null) could not be verified or is a warning (see RV(checks[].status)).
      type: bool
    status:
      description: The same in words; V(warning) for what AWS will do that the responder must know (O(s3_restores)).
      type: str
      sample: passed
      choices: [passed, failed, unverified, warning]
    detail:
      description: What was found.
      type: str
    fix:
      description: How to fix a failed or unverified check, or what to do about a warning; V(null) when passed.
      type: str
permissions:
  description:
    - One row per action and resource simulated, in the order of the documented action list.
    - Empty when the simulator could not answer (the permission check is then unverified).
  returned: when O(simulate_permissions=true)
  type: list
  elements: dict
  contains:
    action:
      description: The IAM action.
      type: str
      sample: rds:RestoreDBInstanceToPointInTime
    resource:
      description: The resource ARN it was simulated on.
      type: str
      sample: arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db-restore
    resource_types:
      description: Which restores need it, V(common) for every restore.
      type: list
      elements: str
      sample: [RDS]
    decision:
      description: IAM's decision.
      type: str
      choices: [allowed, explicitDeny, implicitDeny]
    allowed:
      description: Whether the decision is V(allowed).
      type: bool
    matched_statements:
      description: The policies whose statements decided it (an Allow's, or a Deny's).
      type: list
      elements: str
      sample: [arn:aws:iam::123456789012:policy/oncall-restore]
opt_in:
  description:
    - AWS Backup's C(ResourceTypeOptInPreference) for the region, as read - a resource type to whether AWS Backup is
      opted in to it, for every type AWS lists (C(Aurora), C(DynamoDB), C(EBS), C(EFS) and others besides the three this
      collection restores); empty when the settings could not be read.
  returned: when O(check_opt_in=true)
  type: dict
  sample: {"RDS": true, "S3": false, "EC2": true}
  contains:
    RDS:
      description: Whether AWS Backup protects RDS in the region.
      type: bool
      returned: when the region settings could be read
      sample: true
    S3:
      description: Whether AWS Backup protects S3 in the region.
      type: bool
      returned: when the region settings could be read
      sample: false
    EC2:
      description: Whether AWS Backup protects EC2 in the region.
      type: bool
      returned: when the region settings could be read
      sample: true
"""

import re

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import client_for

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _sts
from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process

ROLE_ARN = r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"
TARGET_RULES = {"rds": inputs.db_identifier, "s3": inputs.bucket_name,
                "ec2": lambda value, option: inputs.text(value, option, 255, strip=False)}


def check_options(params, region=None):
    """Every option checked before any AWS call; InputError names the option and its value. REGION is where the
    checks run: a vault or KMS key ARN of another region is refused."""
    if params["backup_vault_name"] is not None:
        inputs.backup_vault_name(params["backup_vault_name"], "backup_vault_name")
    if params["backup_role_name"] is not None:
        inputs.iam_role_name(params["backup_role_name"], "backup_role_name")
    for index, policy in enumerate(params["backup_role_policies"]):
        inputs.arn(policy, "backup_role_policies[%d]" % index, "iam", ("policy",), what="an IAM managed policy ARN",
                   shape="arn:aws:iam::aws:policy/<name> or arn:aws:iam::<account>:policy/<name>")
    inputs.unique(params["backup_role_policies"], "backup_role_policies")
    for index, target in enumerate(params["targets"]):
        TARGET_RULES[target["type"]](target["name"], "targets[%d].name" % index)
    inputs.unique(params["targets"], "targets", key=lambda target: (target["type"], target["name"].lower()))
    if params["pass_role_arn"] is not None:
        inputs.iam_role_arn(params["pass_role_arn"], "pass_role_arn")
    if params["caller_arn"] is not None:
        parsed = inputs.arn(params["caller_arn"], "caller_arn", what="an IAM or STS principal ARN",
                            shape="arn:aws:iam::<account>:user/<name>, :role/<name> or arn:aws:sts::<account>:assumed-role/<role>/<session>")
        principal = parsed["resource_type"] in ("user", "role", "assumed-role", "federated-user") or parsed["resource"] == "root"
        if parsed["service"] not in ("iam", "sts") or not principal:
            inputs.fail("caller_arn", params["caller_arn"], "not an IAM or STS principal ARN (a user, role or assumed-role session)")
    inputs.each(params["bucket_names"], "bucket_names", inputs.bucket_name)
    inputs.unique(params["bucket_names"], "bucket_names")
    for index, pair in enumerate(params["s3_restores"]):
        for option in ("production_bucket", "staging_bucket"):
            inputs.bucket_name(pair[option], "s3_restores[%d].%s" % (index, option))
    inputs.unique(params["resource_types"], "resource_types")
    resources = params["responder_resources"] or {}
    where = "responder_resources."
    if resources.get("vault_arn"):
        inputs.backup_vault_arn(resources["vault_arn"], where + "vault_arn", region=region)
    if resources.get("backup_role_arn"):
        inputs.iam_role_arn(resources["backup_role_arn"], where + "backup_role_arn")
    if resources.get("kms_key_arn"):
        inputs.kms_key(resources["kms_key_arn"], where + "kms_key_arn", region=region, arn_only=True)
    for option, rule in (("db_instances", inputs.db_identifier), ("buckets", inputs.bucket_name),
                         ("autoscaling_groups", lambda value, name: inputs.text(value, name, 255, strip=False))):
        inputs.each(resources.get(option) or [], where + option, rule)
        inputs.unique(resources.get(option) or [], where + option)


def main():
    argument_spec = dict(
        check_caller=dict(type="bool", default=False),
        backup_vault_name=dict(type="str"),
        backup_role_name=dict(type="str"),
        backup_role_policies=dict(type="list", elements="str", default=[]),
        targets=dict(type="list", elements="dict", default=[], options=dict(
            type=dict(type="str", required=True, choices=["rds", "s3", "ec2"]),
            name=dict(type="str", required=True),
        )),
        pass_role_arn=dict(type="str", no_log=False),
        caller_arn=dict(type="str"),
        bucket_names=dict(type="list", elements="str", default=[]),
        s3_restores=dict(type="list", elements="dict", default=[], options=dict(
            production_bucket=dict(type="str", required=True),
            staging_bucket=dict(type="str", required=True),
        )),
        resource_types=dict(type="list", elements="str", default=[], choices=["RDS", "S3", "EC2"]),
        simulate_permissions=dict(type="bool", default=False),
        check_opt_in=dict(type="bool", default=False),
        responder_resources=dict(type="dict", default={}, options=dict(
            vault_arn=dict(type="str"),
            backup_role_arn=dict(type="str", no_log=False),
            kms_key_arn=dict(type="str", no_log=False),
            db_instances=dict(type="list", elements="str", default=[]),
            buckets=dict(type="list", elements="str", default=[]),
            autoscaling_groups=dict(type="list", elements="str", default=[]),
        )),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    try:
        check_options(params, module.region)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    role_arn = params["pass_role_arn"]
    if role_arn is not None and not re.match(ROLE_ARN, role_arn):
        module.fail_json(msg="pass_role_arn=%r is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" % role_arn)
    empty = [name for name in params["bucket_names"] if not name or not name.strip()]
    if empty:
        module.fail_json(msg="bucket_names=%r contains an empty name" % params["bucket_names"])
    for option in ("backup_vault_name", "backup_role_name"):
        if params[option] is not None and not params[option].strip():
            module.fail_json(msg="%s=%r is empty" % (option, params[option]))
    blank = [target for target in params["targets"] if not target["name"].strip()]
    if blank:
        module.fail_json(msg="targets=%r contains an empty name" % params["targets"])

    client = client_for(module)

    resources = dict(params["responder_resources"] or {})
    for option in ("vault_arn", "backup_role_arn", "kms_key_arn"):
        if resources.get(option) and not resources[option].startswith("arn:"):
            module.fail_json(msg="responder_resources.%s=%r is not an ARN" % (option, resources[option]))
    if (params["simulate_permissions"] or params["check_opt_in"]) and not params["resource_types"]:
        module.fail_json(msg="resource_types=[] names no resource type; simulate_permissions and check_opt_in need at least one")

    result = dict(changed=False)
    checks = []
    caller = params["caller_arn"]
    account = caller.split(":")[4] if caller and caller.count(":") >= 5 else None
    caller_known = True
    if params["check_caller"]:
        identity, check = preflight.check_caller(client("sts"))
        checks.append(check)
        if identity:
            caller = caller or identity["Arn"]
            account = identity["Account"]
            result["account"] = account
        caller_known = bool(caller and account)
    if params["backup_vault_name"]:
        vault, check = preflight.check_vault(client("backup"), params["backup_vault_name"])
        checks.append(check)
        if vault:
            result["backup_vault_arn"] = vault["BackupVaultArn"]
            resources["vault_arn"] = resources.get("vault_arn") or vault["BackupVaultArn"]
            if vault.get("EncryptionKeyArn"):
                result["kms_key_arn"] = vault["EncryptionKeyArn"]
                resources["kms_key_arn"] = resources.get("kms_key_arn") or vault["EncryptionKeyArn"]
                checks.append(preflight.check_key(client("kms"), vault["EncryptionKeyArn"]))
    if params["backup_role_name"]:
        found_role, role_checks = preflight.check_backup_role(client("iam"), params["backup_role_name"], params["backup_role_policies"])
        checks.extend(role_checks)
        if found_role:
            result["backup_role_arn"] = found_role
            role_arn = role_arn or found_role
    resources["backup_role_arn"] = resources.get("backup_role_arn") or role_arn

    wants_caller = bool(role_arn or params["simulate_permissions"])
    if wants_caller and caller_known and not (caller and account):
        try:
            identity = _sts.caller_identity(client("sts"))
        except AnsibleAWSError as e:
            module.fail_json_aws_error(e)
        caller = caller or identity["Arn"]
        account = identity["Account"]
    if wants_caller and caller_known:
        result["caller_arn"] = caller
    buckets = params["bucket_names"] + [target["name"] for target in params["targets"] if target["type"] == "s3"]
    if caller_known:
        checks.extend(preflight.run_checks(client, caller, role_arn, buckets, params["s3_restores"]))
    else:
        if role_arn:
            checks.append(preflight.result("caller may pass the backup role", None,
                                           "could not verify that the caller may pass %s: no caller identity" % role_arn,
                                           "see the caller identity check"))
        checks.extend(preflight.run_checks(client, None, None, buckets, params["s3_restores"]))
    for target in params["targets"]:
        if target["type"] == "rds":
            checks.append(preflight.check_rds_free(client("rds"), target["name"]))
    for target in params["targets"]:
        if target["type"] == "ec2":
            checks.append(preflight.check_ec2_free(client("ec2"), target["name"]))
    if params["simulate_permissions"]:
        # iam:PassRole on the role of pass_role_arn has its own check above: one denial, one failed check.
        covered = {("iam:PassRole", role_arn)} if role_arn else set()
        if caller_known:
            iam = client("iam")
            partition = caller.split(":")[1]
            table, error = preflight.simulate_responder_permissions(
                iam, caller, params["resource_types"], resources, partition, module.region, account)
            principal = preflight.principal_arn(iam, caller)
        else:
            table, error, principal = [], "nothing: there is no caller identity to simulate", "the caller"
        result["permissions"] = table
        checks.extend(preflight.permission_checks(table, error, principal, params["resource_types"], covered))
    if params["check_opt_in"]:
        result["opt_in"], opt_in_checks = preflight.check_opt_in(client("backup"), params["resource_types"])
        checks.extend(opt_in_checks)
    result["checks"] = checks
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
