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
(could not verify); ``status`` says the same in words. Nothing here changes anything in AWS.
"""

from __future__ import annotations

import re

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

ASSUMED_ROLE = re.compile(r"^arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/(?P<name>[^/]+)/.+$")


def result(check, ok, detail, fix=None):
    status = {True: "passed", False: "failed", None: "unverified"}[ok]
    return {"check": check, "ok": ok, "status": status, "detail": detail, "fix": fix}


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
        response = iam.simulate_principal_policy(PolicySourceArn=principal, ActionNames=["iam:PassRole"], ResourceArns=[role_arn])
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


def run_checks(client_factory, caller_arn, pass_role_arn, bucket_names):
    """The checks asked for, in order. CLIENT_FACTORY(service) returns a boto3 client with AWSRetry."""
    checks = []
    if pass_role_arn:
        checks.append(check_pass_role(client_factory("iam"), caller_arn, pass_role_arn))
    if bucket_names:
        s3 = client_factory("s3")
        checks.extend(check_bucket_free(s3, name) for name in bucket_names)
    return checks
