#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_preflight_info
version_added: 0.1.0
short_description: Restore preflight checks that no amazon.aws module covers
description:
  - Answers two questions a restore depends on, before anything changes.
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
  - Used by the role M(restorekit.aws.preflight), which adds the checks amazon.aws modules answer (caller identity,
    vault, KMS key, backup role and its policies, RDS identifiers).
  - Read-only; it changes nothing in AWS and never reports a change. It does not fail when a check fails; the
    caller decides.
author:
  - restorekit contributors (@restorekit)
options:
  pass_role_arn:
    description:
      - ARN of the role the caller must be allowed to pass, normally the AWS Backup role.
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
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
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
  returned: when O(pass_role_arn) is given or O(simulate_permissions=true)
  type: str
  sample: arn:aws:iam::123456789012:user/oncall
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
      description: V(true) passed, V(false) failed, V(null) could not be verified.
      type: bool
    status:
      description: The same in words.
      type: str
      sample: passed
      choices: [passed, failed, unverified]
    detail:
      description: What was found.
      type: str
    fix:
      description: How to fix a failed or unverified check; V(null) when passed.
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
  description: AWS Backup's C(ResourceTypeOptInPreference) for the region, as read.
  returned: when O(check_opt_in=true)
  type: dict
  sample: {"RDS": true, "S3": false, "EC2": true}
"""

import re

try:
    import botocore
except ImportError:
    pass  # Handled by AnsibleAWSModule

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight

ROLE_ARN = r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$"


def main():
    argument_spec = dict(
        pass_role_arn=dict(type="str", no_log=False),
        caller_arn=dict(type="str"),
        bucket_names=dict(type="list", elements="str", default=[]),
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
    role_arn = params["pass_role_arn"]
    if role_arn is not None and not re.match(ROLE_ARN, role_arn):
        module.fail_json(msg="pass_role_arn=%r is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)" % role_arn)
    empty = [name for name in params["bucket_names"] if not name or not name.strip()]
    if empty:
        module.fail_json(msg="bucket_names=%r contains an empty name" % params["bucket_names"])

    def client(service):
        return module.client(service, retry_decorator=jittered_backoff())

    resources = dict(params["responder_resources"] or {})
    resources["backup_role_arn"] = resources.get("backup_role_arn") or role_arn
    for option in ("vault_arn", "backup_role_arn", "kms_key_arn"):
        if resources.get(option) and not resources[option].startswith("arn:"):
            module.fail_json(msg="responder_resources.%s=%r is not an ARN" % (option, resources[option]))
    if (params["simulate_permissions"] or params["check_opt_in"]) and not params["resource_types"]:
        module.fail_json(msg="resource_types=[] names no resource type; simulate_permissions and check_opt_in need at least one")

    result = dict(changed=False)
    caller = params["caller_arn"]
    account = caller.split(":")[4] if caller and caller.count(":") >= 5 else None
    if (role_arn or params["simulate_permissions"]) and not (caller and account):
        try:
            identity = client("sts").get_caller_identity(aws_retry=True)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
            module.fail_json_aws(e, msg="Failed to read the caller identity (sts:GetCallerIdentity)")
        caller = caller or identity["Arn"]
        account = identity["Account"]
    if role_arn or params["simulate_permissions"]:
        result["caller_arn"] = caller
    checks = preflight.run_checks(client, caller, role_arn, params["bucket_names"])
    if params["simulate_permissions"]:
        iam = client("iam")
        partition = caller.split(":")[1]
        table, error = preflight.simulate_responder_permissions(
            iam, caller, params["resource_types"], resources, partition, module.region, account)
        result["permissions"] = table
        # iam:PassRole on the role of pass_role_arn has its own check above: one denial, one failed check.
        covered = {("iam:PassRole", role_arn)} if role_arn else set()
        checks.extend(preflight.permission_checks(table, error, preflight.principal_arn(iam, caller), params["resource_types"], covered))
    if params["check_opt_in"]:
        result["opt_in"], opt_in_checks = preflight.check_opt_in(client("backup"), params["resource_types"])
        checks.extend(opt_in_checks)
    result["checks"] = checks
    module.exit_json(**result)


if __name__ == "__main__":
    main()
