# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/s3_restore.yml (roles s3_restore and validate_s3) against the seeded emulator, as a responder runs it.

Each test makes its own tenants (buckets ...-tenant-5x, tagged Backup=true, backed up with StartBackupJob), so the
seeded tenant buckets other tests read stay untouched. The incident happens after the backup: objects deleted, one
overwritten. The emulator dates the recovery point with its clock, which runs with real time here, so the overwrite is
newer than the point - exactly what skip_newer must never replace.
"""

import glob
import io
import json
import os
import subprocess
import time
import zipfile


from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import read_manifest


from emulator.testing import air_gapped_copy
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, ROOT, ansible_env
PROJECT, ENVIRONMENT = "multi-tenant-app", "prod"
OBJECTS = {
    "docs/read me.txt": b"the tenant's readme",
    "docs/contract+v2 100%.pdf": b"%PDF contract bytes",
    "reports/day-01.csv": b"id,total\n1,10\n",
    "deep/a/b/c/naïve ☕.json": b'{"k": 1}',
    "keep/unchanged.txt": b"never touched",
}
DELETED = ["docs/read me.txt", "deep/a/b/c/naïve ☕.json"]
OVERWRITTEN = "reports/day-01.csv"
LAMBDA = "multi-tenant-app-prod-tenant-provisioning"


def bucket(tenant):
    return "%s-%s-tenant-%s" % (PROJECT, ENVIRONMENT, tenant)


def make_tenant(emulator, world, tenant, objects=None):
    """A tenant bucket with tagged, described objects (OBJECTS unless given), backed up now; returns the backup job."""
    s3, backup = emulator.client("s3"), emulator.client("backup")
    name = bucket(tenant)
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "Backup", "Value": "true"}, {"Key": "Tenant", "Value": tenant}]})
    for key, body in (objects or OBJECTS).items():
        s3.put_object(Bucket=name, Key=key, Body=body, ContentType="text/plain", CacheControl="max-age=60",
                      Metadata={"owner": "tenant-%s" % tenant}, Tagging="tenant=%s&class=doc" % tenant)
    job = backup.start_backup_job(BackupVaultName=world["vault"], ResourceArn="arn:aws:s3:::%s" % name,
                                  IamRoleArn=world["backup_role_arn"])
    deadline = time.monotonic() + 60
    while backup.describe_backup_job(BackupJobId=job["BackupJobId"])["State"] != "COMPLETED":
        assert time.monotonic() < deadline, "backup of %s did not complete" % name
        time.sleep(0.2)
    return job


def damage(emulator, tenant):
    """The incident, after the backup: two objects deleted, one overwritten by a legitimate write."""
    s3 = emulator.client("s3")
    time.sleep(1.1)  # S3 dates objects to the second: the overwrite must be strictly newer than the recovery point
    for key in DELETED:
        s3.delete_object(Bucket=bucket(tenant), Key=key)
    s3.put_object(Bucket=bucket(tenant), Key=OVERWRITTEN, Body=b"id,total\n1,10\n2,20\n", Tagging="edited=after-backup")


def run_s3_restore(emulator, tmp_path, extra_vars, expect_rc=0):
    """ansible-playbook -i inventories/emulator playbooks/s3_restore.yml -e @vars; returns (proc, newest report)."""
    workdir = tmp_path / "run"
    workdir.mkdir(exist_ok=True)
    before = set(glob.glob(str(workdir / "reports" / "*.json")))
    extra = tmp_path / ("vars-%d.json" % time.monotonic_ns())
    extra.write_text(json.dumps(dict({"s3_restore_poll_interval": 1}, **extra_vars)), encoding="utf-8")
    env = ansible_env(emulator, tmp_path)
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", os.path.join(ROOT, "inventories", "emulator"),
                           os.path.join(ROOT, "playbooks", "s3_restore.yml"), "-e", "@%s" % extra],
                          cwd=str(workdir), env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == expect_rc, "ansible-playbook exited %d:\n%s\n%s" % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    reports = sorted(set(glob.glob(str(workdir / "reports" / "*.json"))) - before)
    report = json.loads(open(reports[-1], encoding="utf-8").read()) if reports else None
    return proc, report


def checks(report, name_part, target=None):
    return [c for c in report["checks"] if name_part in c["name"] and (target is None or c["target"] == target)]


def keys(emulator, name):
    pages = emulator.client("s3").get_paginator("list_objects_v2").paginate(Bucket=name)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def body(emulator, name, key):
    return emulator.client("s3").get_object(Bucket=name, Key=key)["Body"].read()


def bucket_tags(emulator, name):
    return dict((t["Key"], t["Value"]) for t in emulator.client("s3").get_bucket_tagging(Bucket=name)["TagSet"])


def restore_job_count(backup):
    return sum(len(page["RestoreJobs"]) for page in backup.get_paginator("list_restore_jobs").paginate())


def provisioning_lambda(emulator, world):
    """The tenant provisioning function, created in moto (Invoke is answered by the emulator, which records it)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("index.py", "def handler(event, context):\n    return {'status': 'ok'}\n")
    client = emulator.client("lambda")
    try:
        client.create_function(FunctionName=LAMBDA, Runtime="python3.11", Role=world["backup_role_arn"], Handler="index.handler",
                               Code={"ZipFile": archive.getvalue()})
    except client.exceptions.ResourceConflictException:
        pass  # created by an earlier test of the session


def test_tenant_rehearsal_plan_copy_validate_report_and_cleanup(emulator, world, tmp_path):
    tenant = "51"
    prod, staging = bucket(tenant), bucket(tenant) + "-restore"
    make_tenant(emulator, world, tenant)
    damage(emulator, tenant)
    overwritten = body(emulator, prod, OVERWRITTEN)
    provisioning_lambda(emulator, world)

    # 1. Plan only: restores to a private, tagged staging bucket and shows the plan; production is not written.
    proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": tenant, "s3_restore_plan_only": True,
                                                       "s3_restore_run_id": "rehearsal-a"})
    assert sorted(set(OBJECTS) - set(DELETED)) == keys(emulator, prod)
    assert keys(emulator, staging) == sorted(OBJECTS)
    assert bucket_tags(emulator, staging) == {"restorekit:staging-for": prod, "restorekit:run": "rehearsal-a"}
    block = emulator.client("s3").get_public_access_block(Bucket=staging)["PublicAccessBlockConfiguration"]
    assert all(block[k] for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"))
    plan_manifest = [n for n in report["notes"] if n.endswith("-plan.jsonl")][0].split("manifest: ", 1)[1]
    plan = dict((r["key"], r["action"]) for r in read_manifest(plan_manifest))
    assert plan == {"docs/read me.txt": "copy", "deep/a/b/c/naïve ☕.json": "copy", OVERWRITTEN: "skip_newer",
                    "docs/contract+v2 100%.pdf": "skip_identical", "keep/unchanged.txt": "skip_identical"}
    assert "copy plan (nothing copied)" in checks(report, "copy plan", prod)[0]["name"]
    assert plan_manifest in proc.stdout

    # 2. A second run (another run id) restores nothing twice: the staging bucket is this restore's and is reused; it
    #    copies back, validates, re-applies tenant policies, and keeps the staging bucket it did not create.
    emulator.control("lambda/invocations", method="DELETE")
    proc, report = run_s3_restore(emulator, tmp_path, {
        "s3_restore_tenant_ids": [tenant], "s3_restore_run_id": "rehearsal-b", "validate_s3_remove_staging": True,
        "validate_s3_critical_keys": ["docs/read me.txt", "docs/contract+v2 100%.pdf"], "validate_s3_provisioning_lambda": LAMBDA})
    assert report["outcome"] == "succeeded"
    assert keys(emulator, prod) == sorted(OBJECTS)
    s3 = emulator.client("s3")
    for key in DELETED:
        assert body(emulator, prod, key) == OBJECTS[key]
        head = s3.head_object(Bucket=prod, Key=key)
        assert head["Metadata"] == {"owner": "tenant-51"} and head["ContentType"] == "text/plain" and head["CacheControl"] == "max-age=60"
        assert s3.get_object_tagging(Bucket=prod, Key=key)["TagSet"] == s3.get_object_tagging(Bucket=staging, Key=key)["TagSet"]
    assert body(emulator, prod, OVERWRITTEN) == overwritten, "an object changed after the recovery point was overwritten"
    copy = checks(report, "copy back from", prod)[0]
    assert copy["result"] == "pass" and copy["details"]["copied"]["count"] == 2
    assert copy["details"]["skipped_newer"] == [OVERWRITTEN]
    validation = checks(report, "restored objects match staging", prod)[0]
    assert validation["result"] == "pass"
    assert validation["details"]["restored_objects"] == 4 and validation["details"]["matched_objects"] == 4
    assert [c["result"] for c in checks(report, "critical key", prod)] == ["pass", "pass"]
    kept = checks(report, "kept by the conflict policy", prod)[0]
    assert kept["result"] == "warn" and [k["key"] for k in kept["details"]["keys"]] == [OVERWRITTEN]
    invocations = emulator.control("lambda/invocations")["invocations"]
    assert [(i["function_name"], i["payload"]) for i in invocations] == [
        (LAMBDA, {"action": "reapply", "tenant_id": tenant, "bucket": prod})]
    assert checks(report, "provisioning Lambda", prod)[0]["result"] == "pass"
    assert keys(emulator, staging) == sorted(OBJECTS), "a staging bucket another run created was removed"
    assert any("kept staging bucket %s" % staging in n for n in report["notes"])
    assert [j["restore_job_id"] for j in report["restore_jobs"]], "the report names the restore job"

    # 3. The run that created the staging bucket removes it when asked; production is already whole, nothing is copied.
    proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": [tenant], "s3_restore_run_id": "rehearsal-a",
                                                       "validate_s3_remove_staging": True})
    assert checks(report, "copy back from", prod)[0]["details"]["copied"]["count"] == 0
    assert checks(report, "restored objects match staging", prod)[0]["result"] == "pass"
    assert staging not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert "removed staging bucket %s" % staging in report["notes"]
    assert body(emulator, prod, OVERWRITTEN) == overwritten


def test_two_tenants_restore_in_parallel(emulator, world, tmp_path, clean_faults):
    for tenant in ("52", "53"):
        make_tenant(emulator, world, tenant)
        damage(emulator, tenant)
    emulator.control("jobs/duration", {"restore": 4})
    proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": ["52", "53"]})
    backup = emulator.client("backup")
    jobs = [backup.describe_restore_job(RestoreJobId=j["restore_job_id"]) for j in report["restore_jobs"]]
    assert sorted(j["CreatedResourceArn"] for j in jobs) == ["arn:aws:s3:::%s-restore" % bucket(t) for t in ("52", "53")]
    first, second = sorted(jobs, key=lambda j: j["CreationDate"])
    # Both jobs were running at the same time: the second started before the first completed.
    assert second["CreationDate"] < first["CompletionDate"]
    for tenant in ("52", "53"):
        assert keys(emulator, bucket(tenant)) == sorted(OBJECTS)
        assert checks(report, "restored objects match staging", bucket(tenant))[0]["result"] == "pass"


def test_more_items_than_one_job_takes_are_restored_by_several_jobs_and_adopted_together_on_a_rerun(emulator, world, tmp_path):
    """AWS Backup takes at most 5 items per S3 restore job: 7 items are 2 jobs into one staging bucket the role makes first
    (ACLs enabled, as a restore into an existing bucket needs, and public access blocked); a re-run starts nothing."""
    tenant = "55"
    objects = dict(("items/%d.txt" % n, b"item %d" % n) for n in range(7))
    objects["other/left-out.txt"] = b"not asked for"
    make_tenant(emulator, world, tenant, objects)
    s3, backup = emulator.client("s3"), emulator.client("backup")
    for key in objects:
        s3.delete_object(Bucket=bucket(tenant), Key=key)
    items = sorted(key for key in objects if key.startswith("items/"))
    emulator.control("jobs/duration", {"restore": 2})
    before = restore_job_count(backup)
    variables = {"s3_restore_tenant_ids": [tenant], "s3_restore_items": items, "s3_restore_run_id": "items-55"}
    _proc, report = run_s3_restore(emulator, tmp_path, variables)
    staging = bucket(tenant) + "-restore"
    assert restore_job_count(backup) == before + 2
    jobs = [backup.describe_restore_job(RestoreJobId=j["restore_job_id"]) for j in report["restore_jobs"]]
    assert [j["Status"] for j in jobs] == ["COMPLETED", "COMPLETED"]
    # The two jobs ran side by side.
    first, second = sorted(jobs, key=lambda j: j["CreationDate"])
    assert second["CreationDate"] < first["CompletionDate"]
    assert keys(emulator, staging) == items and keys(emulator, bucket(tenant)) == items
    assert s3.get_bucket_ownership_controls(Bucket=staging)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerPreferred"}]
    assert all(s3.get_public_access_block(Bucket=staging)["PublicAccessBlockConfiguration"].values())
    assert bucket_tags(emulator, staging)["restorekit:staging-for"] == bucket(tenant)
    assert staging in report["resources"]["created"]
    # The re-run adopts both jobs and starts none.
    _proc, again = run_s3_restore(emulator, tmp_path, variables)
    assert restore_job_count(backup) == before + 2
    assert sorted(j["restore_job_id"] for j in again["restore_jobs"]) == sorted(j["restore_job_id"] for j in report["restore_jobs"])


def test_a_tenant_restores_from_a_logically_air_gapped_vault_in_the_owning_account(emulator, world, tmp_path):
    """The tenant's point copied into a logically air-gapped vault (locked, AWS-owned key): the playbook, pointed at that
    vault, restores the tenant from the copy, copies back what is missing and validates it."""
    tenant = "56"
    job = make_tenant(emulator, world, tenant)
    backup = emulator.client("backup")
    source_point = backup.describe_backup_job(BackupJobId=job["BackupJobId"])["RecoveryPointArn"]
    vault_arn, copy_arn = air_gapped_copy(emulator, world["vault"], source_point, world["backup_role_arn"], "multi-tenant-app-prod-lag-vault")
    damage(emulator, tenant)
    _proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": [tenant],
                                                        "s3_restore_backup_vault_name": "multi-tenant-app-prod-lag-vault"})
    assert [p["arn"] for p in report["recovery_points"]] == [copy_arn]
    [restore] = [backup.describe_restore_job(RestoreJobId=j["restore_job_id"]) for j in report["restore_jobs"]]
    assert restore["Status"] == "COMPLETED" and restore["BackupVaultArn"] == vault_arn
    assert keys(emulator, bucket(tenant)) == sorted(OBJECTS)
    assert body(emulator, bucket(tenant), OVERWRITTEN) == b"id,total\n1,10\n2,20\n"  # the edit after the backup is kept
    assert checks(report, "restored objects match staging", bucket(tenant))[0]["result"] == "pass"


def test_refuses_a_staging_bucket_it_did_not_create(emulator, world, tmp_path):
    tenant = "54"
    make_tenant(emulator, world, tenant)
    foreign = bucket(tenant) + "-restore"
    emulator.client("s3").create_bucket(Bucket=foreign)
    emulator.client("s3").put_object(Bucket=foreign, Key="someone-elses.txt", Body=b"not ours")
    backup = emulator.client("backup")
    before = restore_job_count(backup)
    proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": [tenant]}, expect_rc=2)
    assert "%s already exist(s)" % foreign in proc.stdout
    assert restore_job_count(backup) == before, "a restore started into a bucket that is not ours"
    assert keys(emulator, foreign) == ["someone-elses.txt"]
    assert report["outcome"] == "failed"


def test_bad_tenant_id_fails_before_any_call(emulator, world, tmp_path):
    backup = emulator.client("backup")
    before = restore_job_count(backup)
    proc, report = run_s3_restore(emulator, tmp_path, {"s3_restore_tenant_ids": ["12", "Tenant_7"]}, expect_rc=2)
    assert "s3_restore_tenant_ids[1]='Tenant_7': a tenant id (part of a bucket name) cannot hold capital letters" in proc.stdout
    assert restore_job_count(backup) == before


def run_validate_s3(emulator, tmp_path, role_vars, saved):
    """ansible-playbook of the validate_s3 role alone, as a play that composes it would include it; returns
    (proc, the SAVED variables after the role)."""
    results = tmp_path / "results.json"
    play = [{
        "name": "Validate a tenant restore", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": "us-east-1"}},
        "tasks": [
            {"name": "Validate", "ansible.builtin.include_role": {"name": "restorekit.aws.validate_s3"}, "vars": role_vars},
            {"name": "Save the results", "save_results": {
                "dest": str(results), "content": "{{ {%s} | to_nice_json }}" % ", ".join("'%s': %s" % (n, n) for n in saved)}},
        ],
    }]
    playbook = tmp_path / "validate.yml"
    playbook.write_text(json.dumps(play), encoding="utf-8")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", "localhost,", str(playbook)], cwd=str(tmp_path), env=ansible_env(emulator, tmp_path),
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "ansible-playbook exited %d:\n%s\n%s" % (proc.returncode, proc.stdout[-6000:], proc.stderr[-3000:])
    return proc, json.loads(results.read_text(encoding="utf-8"))


def test_validation_is_one_module_run_reading_each_object_once_per_bucket(emulator, world, tmp_path):
    """Two tenants of 30 objects: one comparison task for every tenant and key, one HeadObject per object per bucket."""
    s3 = emulator.client("s3")
    keys = ["many/key-%03d.txt" % n for n in range(30)]
    restores = []
    for tenant in ("57", "58"):
        prod, staging = bucket(tenant), bucket(tenant) + "-restore"
        for name in (prod, staging):
            s3.create_bucket(Bucket=name)
            for key in keys:
                s3.put_object(Bucket=name, Key=key, Body=("%s of tenant %s" % (key, tenant)).encode(), ContentType="text/plain",
                              Metadata={"owner": "tenant-%s" % tenant}, Tagging="tenant=%s" % tenant)
        restores.append({"tenant_id": tenant, "production_bucket": prod, "staging_bucket": staging})
    emulator.control("counters", method="DELETE")
    proc, out = run_validate_s3(emulator, tmp_path, {
        "validate_s3_restores": restores, "validate_s3_critical_keys": [keys[-1]], "validate_s3_detail_sample": 3},
        ["validate_s3_passed", "validate_s3_result"])
    reads = emulator.control("counters")["requests"]["s3"]

    assert out["validate_s3_passed"] is True
    for tenant in ("57", "58"):
        check = checks({"checks": out["validate_s3_result"]}, "restored objects match staging", bucket(tenant))[0]
        assert check["result"] == "pass" and check["details"]["matched_objects"] == 30
        assert check["details"]["details_compared"] == 30 and check["details"]["tags_compared"] == 3 + 1
    # Each object once in each bucket; tags for the critical key and the sample of 3, in each bucket; nothing read whole.
    assert reads["HeadObject"] == 2 * 2 * len(keys)
    assert reads["GetObjectTagging"] == 2 * 2 * (3 + 1)
    assert "GetObject" not in reads
    # One module run whatever the number of keys and tenants: no task of the role loops over objects.
    assert proc.stdout.count("TASK [restorekit.aws.validate_s3 : Compare") == 1
    assert "many/key-" not in proc.stdout
