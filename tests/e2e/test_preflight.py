# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role restorekit.aws.preflight, run by ansible-playbook against the seeded emulator, and the emulator's
SimulatePrincipalPolicy evaluator (emulator/iam_sim.py) that its pass-role check relies on.

Each play runs the role once, inside block/rescue: every check's result (recorded before the role's last task fails
with the failed ones) and the failure message a responder sees. Results are asserted in Python.
"""

import json
import os
import subprocess
import uuid

from emulator import iam_sim
from emulator.client import DR_REGION, REGION

from tests.e2e.helpers import ACTION_PLUGINS, ANSIBLE_PLAYBOOK, PYTHON, ROOT

S3_RESTORE = "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore"
READ_PREFIXES = ("Describe", "Get", "List", "Head", "Simulate")


def run_preflight(emulator, tmp_path, extra_vars=None, credentials=None, check_mode=False):
    """Run the role; return {'report': results, 'failure': message or None, 'permissions': ..., 'opt_in': ...}."""
    role_vars = {"preflight_project_name": "multi-tenant-app", "preflight_environment": "prod"}
    role_vars.update(extra_vars or {})
    out = tmp_path / "results.json"
    play = [{
        "name": "preflight against the emulator", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}},
        "tasks": [
            {"name": "Preflight", "block": [
                {"name": "Preflight", "ansible.builtin.include_role": {"name": "restorekit.aws.preflight"}, "vars": role_vars},
                {"name": "No failure", "ansible.builtin.set_fact": {"pf_failure": None}}],
             # The role records every check before its last task fails with the failed ones.
             "rescue": [{"name": "Keep the failure", "ansible.builtin.set_fact": {"pf_failure": "{{ ansible_failed_result.msg }}"}}]},
            {"name": "Keep the report", "ansible.builtin.set_fact": {
                "pf_report": "{{ preflight_results }}",
                "pf_permissions": "{{ preflight_permissions | default([]) }}", "pf_opt_in": "{{ preflight_opt_in | default({}) }}"}},
            {"name": "Save", "save_results": {
                "content": "{{ {'report': pf_report, 'failure': pf_failure, 'permissions': pf_permissions,"
                           " 'opt_in': pf_opt_in} | to_nice_json }}", "dest": str(out)}},
        ],
    }]
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(json.dumps(play, indent=2), encoding="utf-8")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    env = dict(emulator.env())
    env.update(credentials or {})
    env.update({
        "PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": os.environ.get("LANG") or "C.UTF-8",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS,
    })
    cmd = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)] + (["--check"] if check_mode else [])
    proc = subprocess.run(cmd, cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "ansible-playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return json.loads(out.read_text(encoding="utf-8"))


def by_check(report, words):
    found = [r for r in report if words in r["check"]]
    assert len(found) == 1, "expected one check about %r in %s" % (words, [r["check"] for r in report])
    return found[0]


def test_seeded_world_passes_and_nothing_changes(emulator, world, tmp_path):
    """Every check passes against the runbook's world, free targets included, and the role sends no mutating request."""
    targets = [{"type": "rds", "name": "multi-tenant-app-prod-db-restore"},
               {"type": "s3", "name": "multi-tenant-app-prod-tenant-1-restore"},
               {"type": "ec2", "name": "multi-tenant-app-prod-app-restore"}]
    emulator.control("counters", method="DELETE")
    out = run_preflight(emulator, tmp_path, {"preflight_targets": targets}, check_mode=True)
    counters = emulator.control("counters")["requests"]

    report = out["report"]
    assert out["failure"] is None, out
    assert [r for r in report if r["ok"] is not True] == []
    checks = " / ".join(r["check"] for r in report)
    for words in ("caller identity", world["vault"], "KMS key", "managed policies", "pass the backup role",
                  "multi-tenant-app-prod-db-restore", "multi-tenant-app-prod-tenant-1-restore", "multi-tenant-app-prod-app-restore"):
        assert words in checks, (words, checks)
    assert world["kms_key_arn"] in by_check(report, "KMS key")["detail"]
    assert S3_RESTORE in by_check(report, "managed policies")["detail"]

    operations = {"%s:%s" % (service, op) for service, ops in counters.items() for op in ops}
    assert "iam:SimulatePrincipalPolicy" in operations and "backup:DescribeBackupVault" in operations, operations
    mutating = sorted(op for op in operations if not op.split(":", 1)[1].startswith(READ_PREFIXES))
    assert mutating == [], "the preflight sent mutating requests: %s" % mutating


def test_missing_s3_restore_policy_and_taken_rds_identifier_fail_with_fixes(emulator, world, tmp_path):
    """A backup role without the S3 restore policy and a target DB identifier that exists both fail, named, with fixes."""
    iam = emulator.client("iam")
    role = world["backup_role_arn"].rsplit("/", 1)[-1]
    iam.detach_role_policy(RoleName=role, PolicyArn=S3_RESTORE)
    try:
        out = run_preflight(emulator, tmp_path, {"preflight_targets": [{"type": "rds", "name": world["db"]["identifier"]}]})
        (tmp_path / "rds-only").mkdir()
        without_s3 = run_preflight(emulator, tmp_path / "rds-only", {"preflight_resource_types": ["RDS"]})
    finally:
        iam.attach_role_policy(RoleName=role, PolicyArn=S3_RESTORE)

    policies = by_check(out["report"], "managed policies")
    assert policies["ok"] is False
    assert S3_RESTORE in policies["detail"]
    assert policies["fix"] == "attach %s to role %s" % (S3_RESTORE, role)
    taken = by_check(out["report"], world["db"]["identifier"])
    assert taken["ok"] is False and "already exists" in taken["detail"]
    assert [r["check"] for r in out["report"] if r["ok"] is False] == [policies["check"], taken["check"]]
    failure = out["failure"]
    assert failure and "2 check(s) failed" in failure
    assert "attach %s to role %s" % (S3_RESTORE, role) in failure
    assert world["db"]["identifier"] in failure
    # A restore of RDS alone does not need the S3 policies.
    assert without_s3["failure"] is None and by_check(without_s3["report"], "managed policies")["ok"] is True


def test_vault_key_pending_deletion_fails_with_cancel_fix(emulator, tmp_path):
    """A vault whose KMS key is scheduled for deletion fails, and the fix says cancel-key-deletion."""
    kms = emulator.client("kms")
    backup = emulator.client("backup")
    metadata = kms.create_key(Description="preflight test key")["KeyMetadata"]
    key = metadata["Arn"]
    vault = "preflight-test-%s-backup-vault" % uuid.uuid4().hex[:8]
    backup.create_backup_vault(BackupVaultName=vault, EncryptionKeyArn=key)
    kms.schedule_key_deletion(KeyId=metadata["KeyId"], PendingWindowInDays=7)  # moto accepts the key id only
    try:
        out = run_preflight(emulator, tmp_path, {"preflight_backup_vault_name": vault})
    finally:
        backup.delete_backup_vault(BackupVaultName=vault)
    check = by_check(out["report"], "KMS key")
    assert check["ok"] is False
    assert "PendingDeletion" in check["detail"] and key in check["detail"]
    assert "aws kms cancel-key-deletion --key-id %s" % key in check["fix"]
    assert "cancel-key-deletion" in out["failure"]


def test_missing_vault_and_role_fail_named(emulator, tmp_path):
    """Names that do not exist fail naming them, and the role continues to report the rest."""
    out = run_preflight(emulator, tmp_path, {"preflight_backup_vault_name": "no-such-vault", "preflight_backup_role_name": "no-such-role"})
    failed = [r for r in out["report"] if r["ok"] is False]
    assert [r["check"] for r in failed] == ["backup vault no-such-vault exists", "backup role no-such-role exists"]
    assert "no-such-vault" in out["failure"] and "no-such-role" in out["failure"]
    assert by_check(out["report"], "caller identity")["ok"] is True


def test_bad_names_fail_naming_the_variables_before_any_aws_call(emulator, tmp_path):
    """Names AWS cannot hold (a DB identifier with underscores, a bucket with capitals, a region that is none) are
    refused as what they are, each variable named with its value, before the checks read anything; even with
    preflight_fail=false, which only makes failed checks informational."""
    role_vars = {"preflight_project_name": "multi-tenant-app", "preflight_environment": "prod", "preflight_fail": False,
                 "preflight_region": "us_east_1",
                 "preflight_targets": [{"type": "rds", "name": "multi_tenant_app_restore"}],
                 "preflight_responder_buckets": ["Multi-Tenant-App-Prod-Tenant-1"]}
    play = [{"name": "preflight with bad names", "hosts": "localhost", "connection": "local", "gather_facts": False,
             "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}},
             "tasks": [{"name": "Preflight", "ansible.builtin.include_role": {"name": "restorekit.aws.preflight"}, "vars": role_vars}]}]
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")
    env = dict(emulator.env(), PATH=os.environ.get("PATH", ""), HOME=str(tmp_path), AWS_CONFIG_FILE="/dev/null",
               AWS_SHARED_CREDENTIALS_FILE="/dev/null", ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false")
    emulator.control("counters", method="DELETE")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", "-e", "ansible_python_interpreter=%s" % PYTHON, str(playbook)],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode != 0, proc.stdout[-3000:]
    for named in ("Bad input for preflight, nothing was changed: ", "preflight_region='us_east_1': not an AWS region",
                  "preflight_targets[0].name='multi_tenant_app_restore': an RDS DB identifier cannot hold underscores",
                  "preflight_responder_buckets[0]='Multi-Tenant-App-Prod-Tenant-1': an S3 bucket name cannot hold capital letters"):
        assert named in proc.stdout, (named, proc.stdout[-3000:])
    assert emulator.control("counters")["requests"] == {}, "the refused preflight called AWS"


def test_empty_preflight_region_keeps_the_plays_region(emulator, world, tmp_path):
    """With preflight_region empty the play's module_defaults region is used, even when the environment names another
    region (the vault lives in the play's region only); a preflight_region that is set wins over both."""
    elsewhere = {"AWS_DEFAULT_REGION": DR_REGION, "AWS_REGION": DR_REGION}
    out = run_preflight(emulator, tmp_path, {"preflight_region": ""}, credentials=elsewhere)
    vault = by_check(out["report"], "backup vault")
    assert vault["ok"] is True, vault
    assert ":%s:" % REGION in vault["detail"] and world["vault"] in vault["detail"], vault
    assert out["failure"] is None, out

    (tmp_path / "dr").mkdir()
    in_dr = run_preflight(emulator, tmp_path / "dr", {"preflight_region": DR_REGION})
    vault = by_check(in_dr["report"], "backup vault")
    assert vault["ok"] is False and "not found" in vault["detail"], vault


def test_caller_denied_pass_role_fails(emulator, world, tmp_path):
    """Run with the credentials of an IAM user whose policy denies iam:PassRole: the pass-role check fails, naming the
    user and the denying policy. The emulator attributes requests to the user by access key (as moto's STS does)."""
    iam = emulator.client("iam")
    user = "preflight-denied-%s" % uuid.uuid4().hex[:8]
    iam.create_user(UserName=user)
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::*:role/*-backup-role"}]}
    iam.put_user_policy(UserName=user, PolicyName="no-pass-role", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    try:
        out = run_preflight(emulator, tmp_path, credentials={"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                                             "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
    finally:
        iam.delete_access_key(UserName=user, AccessKeyId=key["AccessKeyId"])
        iam.delete_user_policy(UserName=user, PolicyName="no-pass-role")
        iam.delete_user(UserName=user)
    assert user in by_check(out["report"], "caller identity")["detail"]
    check = by_check(out["report"], "pass the backup role")
    assert check["ok"] is False
    assert "explicitly denied" in check["detail"] and "no-pass-role" in check["detail"]
    assert world["backup_role_arn"] in check["fix"]
    assert [r["check"] for r in out["report"] if r["ok"] is False] == [check["check"]]
    assert user in out["failure"]


def test_simulator_unavailable_is_a_warning_not_a_pass(emulator, tmp_path, clean_faults):
    """When SimulatePrincipalPolicy errors, the pass-role check is unverified (ok null), and the play does not fail on it."""
    emulator.control("faults", {"errors": {"fraction": 1.0, "services": ["iam"], "operations": ["SimulatePrincipalPolicy"]}})
    out = run_preflight(emulator, tmp_path)
    check = by_check(out["report"], "pass the backup role")
    assert check["ok"] is None and check["status"] == "unverified"
    assert "could not verify" in check["detail"]
    assert out["failure"] is None


def test_role_with_a_deny_shows_denied_in_the_table(emulator, world, tmp_path):
    """Run as an assumed role whose attached managed policies allow everything but deny the point-in-time restore
    of *-restore instances: that row of the table is explicitDeny, matched by the denying policy, the RDS permission
    check fails naming the action, and the rest of the table (the same action on other instances included) is allowed."""
    iam = emulator.client("iam")
    sts = emulator.client("sts")
    suffix = uuid.uuid4().hex[:8]
    role = "oncall-%s" % suffix
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]}
    role_arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    allow = iam.create_policy(PolicyName="allow-all-%s" % suffix, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))["Policy"]["Arn"]
    deny = iam.create_policy(PolicyName="no-restore-%s" % suffix, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "rds:RestoreDBInstanceToPointInTime",
                                                "Resource": "arn:aws:rds:*:*:db:*-restore"}]}))["Policy"]["Arn"]
    for policy in (allow, deny):
        iam.attach_role_policy(RoleName=role, PolicyArn=policy)
    target = "multi-tenant-app-prod-db-restore"
    try:
        session = sts.assume_role(RoleArn=role_arn, RoleSessionName="responder")["Credentials"]
        out = run_preflight(emulator, tmp_path, {
            "preflight_targets": [{"type": "rds", "name": target}],
            "preflight_responder_db_instances": [world["db"]["identifier"]]},
            credentials={"AWS_ACCESS_KEY_ID": session["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": session["SecretAccessKey"],
                         "AWS_SESSION_TOKEN": session["SessionToken"]})
    finally:
        for policy in (allow, deny):
            iam.detach_role_policy(RoleName=role, PolicyArn=policy)
            iam.delete_policy(PolicyArn=policy)
        iam.delete_role(RoleName=role)

    table = out["permissions"]
    target_arn = "arn:aws:rds:%s:123456789012:db:%s" % (REGION, target)
    denied = [row for row in table if row["decision"] != "allowed"]
    assert [(row["action"], row["resource"], row["decision"]) for row in denied] == [
        ("rds:RestoreDBInstanceToPointInTime", target_arn, "explicitDeny")], denied
    assert denied[0]["matched_statements"] == [deny]
    source_row = [row for row in table if row["action"] == "rds:RestoreDBInstanceToPointInTime" and row["resource"] != target_arn]
    assert [row["decision"] for row in source_row] == ["allowed"] and source_row[0]["matched_statements"] == [allow]
    actions = {row["action"] for row in table}
    for needed in ("backup:StartRestoreJob", "iam:PassRole", "kms:Decrypt", "kms:CreateGrant", "rds:ModifyDBInstance",
                   "s3:PutObject", "autoscaling:StartInstanceRefresh"):
        assert needed in actions, (needed, sorted(actions))
    pass_role = [row for row in table if row["action"] == "iam:PassRole"]
    assert [row["resource"] for row in pass_role] == [world["backup_role_arn"]]

    rds = by_check(out["report"], "responder permissions for RDS")
    assert rds["ok"] is False
    assert "rds:RestoreDBInstanceToPointInTime on %s (explicitDeny by %s)" % (target_arn, deny) in rds["detail"]
    assert [r["check"] for r in out["report"] if r["ok"] is False] == [rds["check"]]
    assert "rds:RestoreDBInstanceToPointInTime" in out["failure"] and "1 check(s) failed" in out["failure"]
    assert role in by_check(out["report"], "caller identity")["detail"]


def test_opted_out_type_fails_naming_it(emulator, backup, tmp_path):
    """With AWS Backup opted out of S3 in the region (UpdateRegionSettings), the S3 opt-in check fails naming S3 and
    the fix; RDS and EC2 pass. Opted in again, every opt-in check passes."""
    backup.update_region_settings(ResourceTypeOptInPreference={"S3": False})
    try:
        out = run_preflight(emulator, tmp_path)
    finally:
        backup.update_region_settings(ResourceTypeOptInPreference={"S3": True})
    assert out["opt_in"]["S3"] is False and out["opt_in"]["RDS"] is True
    s3 = by_check(out["report"], "opt-in for S3")
    assert s3["ok"] is False and "opted out of S3" in s3["detail"]
    assert s3["fix"] == "aws backup update-region-settings --resource-type-opt-in-preference S3=true"
    assert by_check(out["report"], "opt-in for RDS")["ok"] is True and by_check(out["report"], "opt-in for EC2")["ok"] is True
    assert [r["check"] for r in out["report"] if r["ok"] is False] == [s3["check"]]
    assert "opted out of S3" in out["failure"]
    (tmp_path / "again").mkdir()
    again = run_preflight(emulator, tmp_path / "again", {"preflight_resource_types": ["S3"]})
    assert again["failure"] is None and by_check(again["report"], "opt-in for S3")["ok"] is True


def test_region_settings_api(backup):
    """DescribeRegionSettings answers every type opted in by default; UpdateRegionSettings changes only what it names
    and refuses an unknown type."""
    before = backup.describe_region_settings()["ResourceTypeOptInPreference"]
    assert before["RDS"] is True and before["S3"] is True and before["EC2"] is True
    backup.update_region_settings(ResourceTypeOptInPreference={"EC2": False})
    try:
        after = backup.describe_region_settings()["ResourceTypeOptInPreference"]
        assert after == dict(before, EC2=False)
    finally:
        backup.update_region_settings(ResourceTypeOptInPreference={"EC2": True})
    try:
        backup.update_region_settings(ResourceTypeOptInPreference={"NoSuchType": True})
        raise AssertionError("an unknown resource type was accepted")
    except backup.exceptions.InvalidParameterValueException as err:
        assert "NoSuchType" in str(err)


def test_pass_role_allowed_only_to_aws_backup_passes(emulator, world):
    """The usual least-privilege grant, iam:PassRole on the backup role with iam:PassedToService=backup.amazonaws.com, is
    a pass: the simulation carries that context (the dedicated check and the table alike)."""
    from ansible_collections.restorekit.aws.plugins.module_utils._backup import preflight

    iam = emulator.client("iam")
    user = "preflight-conditional-%s" % uuid.uuid4().hex[:8]
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    document = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": world["backup_role_arn"],
        "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}}]}
    iam.put_user_policy(UserName=user, PolicyName="pass-to-backup", PolicyDocument=json.dumps(document))
    try:
        check = preflight.check_pass_role(iam, user_arn, world["backup_role_arn"])
        table, error = preflight.simulate_responder_permissions(
            iam, user_arn, [], {"backup_role_arn": world["backup_role_arn"]}, "aws", REGION, "123456789012")
    finally:
        iam.delete_user_policy(UserName=user, PolicyName="pass-to-backup")
        iam.delete_user(UserName=user)
    assert check["ok"] is True, check
    assert error is None
    rows = {row["action"]: row for row in table}
    assert rows["iam:PassRole"]["decision"] == "allowed" and rows["iam:PassRole"]["matched_statements"] == ["%s_pass-to-backup" % user]
    assert rows["backup:StartRestoreJob"]["decision"] == "implicitDeny"


def _sources(*statements):
    return [("test-policy", "IAM Policy", {"Version": "2012-10-17", "Statement": list(statements)})]


def test_evaluator_rules():
    """The emulator's evaluator: wildcards, case-insensitive actions, NotAction, explicit Deny wins, implicit deny,
    conditions reported as missing context, and administrators allowed."""
    role = "arn:aws:iam::123456789012:role/app-backup-role"
    allow_all = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "IAM:Pass*", "Resource": "arn:aws:iam::*:role/*backup*"}
    assert iam_sim.evaluate(_sources(allow_all), "iam:PassRole", role)[0] == "allowed"
    assert iam_sim.evaluate(_sources(allow_all, deny), "iam:PassRole", role)[0] == "explicitDeny"
    assert iam_sim.evaluate(_sources(allow_all, deny), "iam:PassRole", "arn:aws:iam::123456789012:role/other")[0] == "allowed"
    assert iam_sim.evaluate(_sources({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}), "iam:PassRole", role)[0] == "implicitDeny"
    assert iam_sim.evaluate(_sources({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), "iam:PassRole", role)[0] == "implicitDeny"
    assert iam_sim.evaluate(_sources({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}), "iam:PassRole", role)[0] == "allowed"
    conditional = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                   "Condition": {"StringEquals": {"iam:PassedToService": "backup.amazonaws.com"}}}
    assert iam_sim.evaluate(_sources(conditional), "iam:PassRole", role) == ("implicitDeny", [], ["iam:PassedToService"])
    passed_to = {"iam:PassedToService": ["backup.amazonaws.com"]}
    assert iam_sim.evaluate(_sources(conditional), "iam:PassRole", role, passed_to)[:2] == ("allowed", [
        {"SourcePolicyId": "test-policy", "SourcePolicyType": "IAM Policy"}])
    assert iam_sim.evaluate(_sources(conditional), "iam:PassRole", role, {"iam:PassedToService": ["ec2.amazonaws.com"]})[0] == "implicitDeny"
    like = dict(conditional, Condition={"StringLikeIfExists": {"iam:PassedToService": "*.amazonaws.com"}})
    assert iam_sim.evaluate(_sources(like), "iam:PassRole", role)[0] == "allowed"
    assert iam_sim.principal_policies("123456789012", "arn:aws:iam::123456789012:root") is None
    assert iam_sim.evaluate(None, "iam:PassRole", role)[0] == "allowed"
