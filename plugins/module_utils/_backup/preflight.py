# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore preflight checks that no amazon.aws module covers: ``restorekit.aws.restore_preflight_info``.

- May the caller pass the backup role (``iam:PassRole``)? Answered by IAM's policy simulator, which evaluates the
  caller's identity policies. When the simulator itself is refused or unavailable, the answer is "could not verify",
  never a pass.
- Is an S3 bucket name free? Bucket names are global: HeadBucket tells a name that is free (404) from one that
  exists in this account (200) or belongs to another account (403) - a bucket listing sees only the first two.

Every check is a dict ``{check, ok, status, detail, fix}``: ``ok`` is True (passed), False (failed) or None
(could not verify, or a warning: something AWS will do that the responder must know); ``status`` says which in words. Nothing here changes anything in AWS.
"""

from __future__ import annotations

import re

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._backup import advice
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import buckets
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import tenant_restore

ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/(?P<name>[^/]+)/.+$")
# A Condition on iam:PassRole normally names the service the role is passed to; the simulator needs that context.
PASS_ROLE_CONTEXT = [{"ContextKeyName": "iam:PassedToService", "ContextKeyValues": ["backup.amazonaws.com"], "ContextKeyType": "string"}]


def result(check, ok, detail, fix=None, status=None):
    status = status or {True: "passed", False: "failed", None: "unverified"}[ok]
    return {"check": check, "ok": ok, "status": status, "detail": detail, "fix": fix}


def warning(check, detail, fix=None):
    """A check that does not fail the preflight but must be read: what AWS will do that the responder may not expect."""
    return result(check, None, detail, fix, status="warning")


def _error_code(error):
    return error.response.get("Error", {}).get("Code", "") if hasattr(error, "response") else ""


def principal_arn(iam, caller_arn):
    """The IAM ARN the simulator accepts for CALLER_ARN: an STS assumed-role session stands for its role."""
    match = ASSUMED_ROLE.match(caller_arn or "")
    if not match:
        return caller_arn
    try:
        # The role's real ARN carries its path, which the session ARN drops.
        return iam.get_role(aws_retry=True, RoleName=match.group("name"))["Role"]["Arn"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        return "arn:%s:iam::%s:role/%s" % (match.group("partition"), match.group("account"), match.group("name"))


def check_pass_role(iam, caller_arn, role_arn):
    """Whether CALLER_ARN may pass ROLE_ARN to AWS Backup (iam:PassRole), by IAM's policy simulator."""
    check = "caller may pass the backup role"
    principal = principal_arn(iam, caller_arn)
    try:
        # botocore's own retries only: when the simulator is down the answer is "could not verify", not a long wait.
        response = iam.simulate_principal_policy(PolicySourceArn=principal, ActionNames=["iam:PassRole"], ResourceArns=[role_arn],
                                                 ContextEntries=PASS_ROLE_CONTEXT)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        code = _error_code(e) or type(e).__name__
        return result(check, None, "could not verify that %s may pass %s: the policy simulator answered %s (%s)"
                      % (principal, role_arn, code, e),
                      "allow iam:SimulatePrincipalPolicy to the caller to verify this, or confirm by hand that %s "
                      "allows iam:PassRole on %s" % (principal, role_arn))
    decisions = [r.get("EvalDecision") for r in response.get("EvaluationResults", [])]
    if decisions and all(d == "allowed" for d in decisions):
        return result(check, True, "%s may pass %s (iam:PassRole allowed)" % (principal, role_arn))
    decision = next((d for d in decisions if d != "allowed"), "no evaluation result")
    matched = [s.get("SourcePolicyId") for r in response.get("EvaluationResults", []) for s in r.get("MatchedStatements", [])]
    if decision == "explicitDeny":
        detail = "%s may not pass %s: iam:PassRole is explicitly denied by %s" % (principal, role_arn, ", ".join(matched) or "a policy")
        fix = "remove the Deny of iam:PassRole on %s from %s, or run as a principal that may pass it" % (role_arn, ", ".join(matched) or principal)
    else:
        detail = "%s may not pass %s: iam:PassRole is not allowed (%s)" % (principal, role_arn, decision)
        fix = "allow iam:PassRole on %s to %s, or run as a principal that may pass it" % (role_arn, principal)
    return result(check, False, detail, fix)


def check_bucket_free(s3, name):
    """Whether the S3 bucket name NAME is free: nobody, in any account, owns it."""
    check = "target S3 bucket %s is free" % name
    try:
        s3.head_bucket(aws_retry=True, Bucket=name)
    except botocore.exceptions.ClientError as e:
        code = _error_code(e)
        if code in ("404", "NoSuchBucket", "NotFound"):
            return result(check, True, "no bucket is named %s" % name)
        if code in ("403", "AccessDenied", "Forbidden"):
            return result(check, False, "the bucket name %s is taken by another account" % name,
                          "choose another target bucket name; S3 bucket names are global")
        if code in ("301", "PermanentRedirect"):
            return result(check, False, "the bucket %s exists in another region" % name,
                          "choose another target bucket name: %s exists and a restore never overwrites it" % name)
        return result(check, None, "could not verify that %s is free: %s" % (name, e), "check the name with aws s3api head-bucket")
    except botocore.exceptions.BotoCoreError as e:
        return result(check, None, "could not verify that %s is free: %s" % (name, e), "check the name with aws s3api head-bucket")
    return result(check, False, "the bucket %s already exists in this account" % name,
                  "choose another target bucket name: %s exists and a restore never overwrites it" % name)


# ------------------------------------------------------------------------------------------ the world a restore needs
# Caller identity, vault, its KMS key, backup role and its policies, target names: the checks the role
# restorekit.aws.preflight makes, in one module run (each task of a role pays a module start-up).
CREDENTIALS_FIX = ("provide AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or an instance role) "
                   "that can call sts:GetCallerIdentity")
KEY_FIXES = {
    "PendingDeletion": "aws kms cancel-key-deletion --key-id {key} && aws kms enable-key --key-id {key} (before its deletion "
                       "date, or every recovery point in the vault becomes unreadable)",
    "Disabled": "aws kms enable-key --key-id {key}",
}
TARGET_KINDS = {"rds": "RDS DB identifier", "ec2": "EC2 instance Name"}
LIVE_INSTANCE_STATES = ["pending", "running", "stopping", "stopped"]


def _message(error):
    """An AWS error's message (what amazon.aws modules report as msg), else the error itself."""
    if hasattr(error, "response"):
        return error.response.get("Error", {}).get("Message") or str(error)
    return str(error)


def check_caller(sts):
    """(identity or None, check): who is running, as sts:GetCallerIdentity answers."""
    check = "caller identity"
    try:
        identity = sts.get_caller_identity(aws_retry=True)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        return None, result(check, False, "no caller identity: %s" % _message(e), CREDENTIALS_FIX)
    return identity, result(check, True, "running as %s in account %s" % (identity["Arn"], identity["Account"]))


def check_vault(backup, name, runbook_name=None):
    """(vault or {}, check): the backup vault exists (DescribeBackupVault)."""
    check = "backup vault %s exists" % name
    try:
        vault = backup.describe_backup_vault(aws_retry=True, BackupVaultName=name)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        code = _error_code(e)
        if code in ("AccessDeniedException", "ResourceNotFoundException"):
            detail, fix = advice.vault_not_found_or_denied(name, "backup:DescribeBackupVault", code=code)
            return {}, result(check, False, detail, fix + ("; the runbook names the vault %s" % runbook_name if runbook_name else ""))
        return {}, result(check, False, "vault %s not found: %s" % (name, _message(e)),
                          "check the vault name and the region" + ("; the runbook names the vault %s" % runbook_name if runbook_name else ""))
    return vault, result(check, True, "found %s" % vault["BackupVaultArn"])


def check_key(kms, key_arn):
    """The vault's KMS key is Enabled (a key pending deletion or disabled makes every recovery point unreadable)."""
    check = "vault KMS key is enabled"
    try:
        metadata = kms.describe_key(aws_retry=True, KeyId=key_arn)["KeyMetadata"]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
        metadata = {}
    state = metadata.get("KeyState") or "unknown"
    if state == "Enabled":
        return result(check, True, "key %s is Enabled" % key_arn)
    deletion = metadata.get("DeletionDate")
    if hasattr(deletion, "isoformat"):
        deletion = deletion.isoformat()
    detail = "key %s is %s%s" % (key_arn, state, (" (deletion date %s)" % deletion) if state == "PendingDeletion" else "")
    fix = KEY_FIXES.get(state, "check that the key exists and the caller may call kms:DescribeKey on it").format(key=key_arn)
    return result(check, False, detail, fix)


def check_backup_role(iam, name, required_policies):
    """(role ARN or None, [checks]): the backup role exists and carries REQUIRED_POLICIES (AWS managed policy ARNs)."""
    check = "backup role %s exists" % name
    try:
        role = iam.get_role(aws_retry=True, RoleName=name)["Role"]
        attached = [policy["PolicyArn"] for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
                    for policy in page.get("AttachedPolicies", [])]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        reason = "no such role" if _error_code(e) == "NoSuchEntity" else _message(e)
        return None, [result(check, False, "role %s not found: %s" % (name, reason),
                             "create the AWS Backup service role %s (trust backup.amazonaws.com) or name another backup role" % name)]
    checks = [result(check, True, "found %s" % role["Arn"])]
    missing = [arn for arn in required_policies if arn not in attached]
    check = "backup role carries the AWS Backup managed policies"
    if missing:
        checks.append(result(check, False, "%s lacks %s" % (name, ", ".join(missing)),
                             "; ".join("attach %s to role %s" % (arn, name) for arn in missing)))
    else:
        checks.append(result(check, True, "%s carries %s" % (name, ", ".join(required_policies))))
    return role["Arn"], checks


def _target(kind, name, found, error=None):
    check = "target %s %s is free" % (kind, name)
    if error is not None:
        return result(check, None, "could not look up %s: %s" % (name, error), "check that the caller may describe %s resources" % kind)
    if found:
        return result(check, False, "%s %s already exists" % (kind, name),
                      "choose another target name: %s exists and a restore never overwrites it" % name)
    return result(check, True, "no %s named %s" % (kind, name))


def check_rds_free(rds, name):
    """The RDS DB instance identifier NAME is not taken."""
    try:
        found = rds.describe_db_instances(aws_retry=True, DBInstanceIdentifier=name).get("DBInstances", [])
    except botocore.exceptions.ClientError as e:
        if _error_code(e) == "DBInstanceNotFound":
            return _target(TARGET_KINDS["rds"], name, False)
        return _target(TARGET_KINDS["rds"], name, None, _message(e))
    except botocore.exceptions.BotoCoreError as e:
        return _target(TARGET_KINDS["rds"], name, None, _message(e))
    return _target(TARGET_KINDS["rds"], name, bool(found))


def check_ec2_free(ec2, name):
    """No live EC2 instance (pending, running, stopping, stopped) carries the Name tag NAME."""
    try:
        reservations = [r for page in ec2.get_paginator("describe_instances").paginate(
            Filters=[{"Name": "tag:Name", "Values": [name]}, {"Name": "instance-state-name", "Values": LIVE_INSTANCE_STATES}])
            for r in page.get("Reservations", [])]
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        return _target(TARGET_KINDS["ec2"], name, None, _message(e))
    return _target(TARGET_KINDS["ec2"], name, any(r.get("Instances") for r in reservations))


def check_s3_restore(s3, pair):
    """What would make an AWS Backup restore of PAIR's production bucket into its staging bucket fail or leave objects
    out ("Restoring S3 data", AWS Backup developer guide): a staging bucket that exists with ACLs disabled
    (BucketOwnerEnforced) fails the restore; a production bucket with ACLs enabled may hold objects with public ACLs,
    which a restore into a bucket that blocks public access (every staging bucket) leaves out."""
    production, staging = pair["production_bucket"], pair["staging_bucket"]
    check = "S3 restore of %s into %s restores every object" % (production, staging)
    try:
        said = []
        if buckets.bucket_exists(s3, staging) and not buckets.acls_enabled(s3, staging):
            said.append(("staging bucket " + tenant_restore.acls_disabled_fails(staging),
                         "s3_restore enables ACLs on its own staging bucket (BucketOwnerPreferred, public access kept blocked) before "
                         "it restores; a bucket that is not the restore's own is refused: remove or rename it"))
        if buckets.bucket_exists(s3, production) and buckets.acls_enabled(s3, production):
            said.append(("production bucket " + tenant_restore.public_acls_left_out(production, staging),
                         "restore them by hand if they must "
                         "come back, or disable ACLs on the production bucket (BucketOwnerEnforced)"))
    except AnsibleAWSError as e:
        return result(check, None, "could not read the buckets' object ownership: %s" % e, "check s3:GetBucketOwnershipControls")
    if not said:
        return result(check, True, "no staging bucket with ACLs disabled, no production object can carry a public ACL")
    return warning(check, "; ".join(detail for detail, _fix in said), "; ".join(fix for _detail, fix in said))


def run_checks(client_factory, caller_arn, pass_role_arn, bucket_names, s3_restores=()):
    """The checks asked for, in order. CLIENT_FACTORY(service) returns a boto3 client with AWSRetry."""
    checks = []
    if pass_role_arn:
        checks.append(check_pass_role(client_factory("iam"), caller_arn, pass_role_arn))
    if bucket_names:
        s3 = client_factory("s3")
        checks.extend(check_bucket_free(s3, name) for name in bucket_names)
    if s3_restores:
        s3 = client_factory("s3")
        checks.extend(check_s3_restore(s3, pair) for pair in s3_restores)
    return checks


# ------------------------------------------------------------------------------------------ responder permissions
# What a responder's own identity needs for each resource type a restore touches (AWS Backup's role does the
# restore itself; these are the calls the playbooks make). One catalogue, documented in docs/preflight.md.
# Each entry: (action, resource family). Families resolve to ARNs from the resources the caller names, or to
# wildcard ARNs of the account and region when none is named.
RESPONDER_ACTIONS = {
    "common": [
        ("backup:ListRecoveryPointsByBackupVault", "vault"),
        ("backup:DescribeBackupVault", "vault"),
        ("backup:DescribeRecoveryPoint", "recovery_point"),
        ("backup:GetRecoveryPointRestoreMetadata", "recovery_point"),
        ("backup:StartRestoreJob", "recovery_point"),
        ("backup:DescribeRestoreJob", "any"),
        ("backup:ListRestoreJobs", "any"),
        ("iam:PassRole", "backup_role"),
        ("kms:Decrypt", "kms_key"),
        ("kms:CreateGrant", "kms_key"),
        ("kms:DescribeKey", "kms_key"),
    ],
    "RDS": [
        ("rds:DescribeDBInstances", "db"),
        ("rds:DescribeDBSnapshots", "any"),
        ("rds:DescribeDBInstanceAutomatedBackups", "any"),
        ("rds:RestoreDBInstanceToPointInTime", "db"),
        ("rds:ModifyDBInstance", "db"),
        ("rds:AddTagsToResource", "db"),
    ],
    "S3": [
        ("s3:ListBucket", "bucket"),
        ("s3:ListBucketVersions", "bucket"),
        ("s3:GetObject", "object"),
        ("s3:GetObjectVersion", "object"),
        ("s3:GetObjectTagging", "object"),
        ("s3:PutObject", "object"),
        ("s3:PutObjectTagging", "object"),
    ],
    "EC2": [
        ("ec2:DescribeInstances", "any"),
        ("ec2:DescribeImages", "any"),
        ("ec2:DescribeLaunchTemplates", "any"),
        ("ec2:DescribeLaunchTemplateVersions", "any"),
        ("ec2:CreateLaunchTemplateVersion", "launch_template"),
        ("ec2:ModifyLaunchTemplate", "launch_template"),
        ("ec2:CreateTags", "instance"),
        ("autoscaling:DescribeAutoScalingGroups", "any"),
        ("autoscaling:StartInstanceRefresh", "autoscaling_group"),
        ("autoscaling:DescribeInstanceRefreshes", "any"),
        ("autoscaling:UpdateAutoScalingGroup", "autoscaling_group"),
    ],
}


def responder_actions(resource_types):
    """[(action, family)] a responder needs for RESOURCE_TYPES (the common ones first), without duplicates."""
    wanted = []
    for kind in ["common"] + list(resource_types):
        for entry in RESPONDER_ACTIONS[kind]:
            if entry not in wanted:
                wanted.append(entry)
    return wanted


def resource_arns(family, resources, partition, region, account):
    """The ARNs an action of FAMILY is simulated on: those RESOURCES names, else the account's wildcard ARN."""
    names = resources or {}

    def several(key, template, fallback):
        values = names.get(key) or []
        return [template % value for value in values] if values else [fallback]

    base = (partition, region, account)
    if family == "vault":
        return [names["vault_arn"]] if names.get("vault_arn") else ["arn:%s:backup:%s:%s:backup-vault:*" % base]
    if family == "recovery_point":
        return ["arn:%s:backup:%s:%s:recovery-point:*" % base]
    if family == "backup_role":
        return [names["backup_role_arn"]] if names.get("backup_role_arn") else ["arn:%s:iam::%s:role/*" % (partition, account)]
    if family == "kms_key":
        return [names["kms_key_arn"]] if names.get("kms_key_arn") else ["arn:%s:kms:%s:%s:key/*" % base]
    if family == "db":
        return several("db_instances", "arn:%s:rds:%s:%s:db:%%s" % base, "arn:%s:rds:%s:%s:db:*" % base)
    if family == "bucket":
        return several("buckets", "arn:%s:s3:::%%s" % partition, "arn:%s:s3:::*" % partition)
    if family == "object":
        return several("buckets", "arn:%s:s3:::%%s/*" % partition, "arn:%s:s3:::*/*" % partition)
    if family == "launch_template":
        return ["arn:%s:ec2:%s:%s:launch-template/*" % base]
    if family == "instance":
        return ["arn:%s:ec2:%s:%s:instance/*" % base]
    if family == "autoscaling_group":
        return several("autoscaling_groups", "arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/%%s" % base,
                       "arn:%s:autoscaling:%s:%s:autoScalingGroup:*:autoScalingGroupName/*" % base)
    return ["*"]


def _simulate(iam, principal, actions, resource):
    """[(action, decision, matched statement ids)] for ACTIONS on RESOURCE, all pages."""
    request = {"PolicySourceArn": principal, "ActionNames": list(actions), "ResourceArns": [resource]}
    if "iam:PassRole" in actions:
        request["ContextEntries"] = PASS_ROLE_CONTEXT
    out = []
    # botocore's own retries only: when the simulator is down the answer is "could not verify", not a long wait.
    for page in iam.get_paginator("simulate_principal_policy").paginate(**request):
        for evaluation in page.get("EvaluationResults", []):
            matched = [s.get("SourcePolicyId") for s in evaluation.get("MatchedStatements", []) if s.get("SourcePolicyId")]
            out.append((evaluation["EvalActionName"], evaluation.get("EvalDecision"), matched))
    return out


def simulate_responder_permissions(iam, caller_arn, resource_types, resources, partition, region, account):
    """(table, error): one row per (action, resource) a responder needs for RESOURCE_TYPES, as IAM's simulator decides.

    A row is {action, resource, resource_types, decision, allowed, matched_statements}. ERROR is the simulator's
    error when it could not answer (the table is then empty)."""
    principal = principal_arn(iam, caller_arn)
    by_resource = {}
    kinds = {}
    for kind in ["common"] + list(resource_types):
        for action, family in RESPONDER_ACTIONS[kind]:
            kinds.setdefault(action, []).append(kind)
            for arn in resource_arns(family, resources, partition, region, account):
                if action not in by_resource.setdefault(arn, []):
                    by_resource[arn].append(action)
    table = []
    try:
        for arn, actions in by_resource.items():
            for action, decision, matched in _simulate(iam, principal, actions, arn):
                table.append({"action": action, "resource": arn, "resource_types": sorted(set(kinds.get(action, []))),
                              "decision": decision, "allowed": decision == "allowed", "matched_statements": matched})
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        return [], "%s (%s)" % (_error_code(e) or type(e).__name__, e)
    order = {action: index for index, (action, _family) in enumerate(responder_actions(resource_types))}
    table.sort(key=lambda row: (order.get(row["action"], len(order)), row["resource"]))
    return table, None


def permission_checks(table, error, principal, resource_types, covered=()):
    """One check per resource type (and one for the common actions): passed when every row is allowed.

    Rows whose (action, resource) is in COVERED have a check of their own (the pass-role check): they stay in the
    table but do not fail a second check."""
    if error:
        return [result("responder permissions (%s)" % ", ".join(["common"] + list(resource_types)), None,
                       "could not verify the permissions of %s: the policy simulator answered %s" % (principal, error),
                       "allow iam:SimulatePrincipalPolicy to the caller to verify this, or review its policies by hand "
                       "against the action list in docs/preflight.md")]
    checks = []
    for kind in ["common"] + list(resource_types):
        rows = [row for row in table if kind in row["resource_types"]]
        denied = [row for row in rows if not row["allowed"] and (row["action"], row["resource"]) not in covered]
        check = "responder permissions for %s" % ("every restore" if kind == "common" else kind)
        if not denied:
            checks.append(result(check, True, "%s is allowed all %d action(s) needed for %s"
                                 % (principal, len(rows), "every restore" if kind == "common" else kind)))
            continue
        named = ["%s on %s (%s%s)" % (row["action"], row["resource"], row["decision"],
                                      (" by " + ", ".join(row["matched_statements"])) if row["matched_statements"] else "")
                 for row in denied]
        checks.append(result(check, False, "%s may not call %s" % (principal, "; ".join(named)),
                             "allow %s to %s (and remove any Deny of them)"
                             % (", ".join(sorted({row["action"] for row in denied})), principal)))
    return checks


# ------------------------------------------------------------------------------------------ service opt-in
def check_opt_in(backup, resource_types):
    """One check per resource type: AWS Backup protects only the types the region's settings opt in."""
    try:
        settings = backup.describe_region_settings(aws_retry=True)
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as e:
        code = _error_code(e) or type(e).__name__
        return {}, [result("AWS Backup opt-in for %s" % kind, None,
                           "could not read the AWS Backup region settings: %s (%s)" % (code, e),
                           "allow backup:DescribeRegionSettings to the caller, or check Settings > Service opt-in in the "
                           "AWS Backup console") for kind in resource_types]
    preferences = settings.get("ResourceTypeOptInPreference") or {}
    checks = []
    for kind in resource_types:
        opted = preferences.get(kind)
        check = "AWS Backup opt-in for %s" % kind
        if opted is True:
            checks.append(result(check, True, "AWS Backup is opted in to %s in this region" % kind))
        else:
            checks.append(result(check, False, "AWS Backup is %s %s in this region: backup plans do not protect it, so there "
                                 "are no new recovery points to restore"
                                 % ("opted out of" if opted is False else "not configured for", kind),
                                 "aws backup update-region-settings --resource-type-opt-in-preference %s=true" % kind))
    return preferences, checks
