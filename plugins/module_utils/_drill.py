# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore drill's record and its cleanup: the logic of ``restorekit.aws.restore_drill_record``.

A drill (runbook section 4) restores real recovery points into new resources and must remove every one of them,
whatever fails, and nothing else. A process can die half way (an AWX job cancelled, a bastion rebooted) after a restore
job started and before anyone learned what it created. So the drill writes a record before anything exists: one JSON
object per drill in S3, which survives the process and needs no local disk (AWX runs each job in a fresh container).
Each restore job's id goes into the record the moment it is known, each created resource's ARN the moment it is
known, and the resource is tagged ``restorekit:drill=<id>`` right after.

Cleanup deletes a resource only when all of these hold:
- its ARN is in the record, or is the ``CreatedResourceArn`` of a restore job in the record;
- it is not the source of any recovery point the drill restored (production is never a drill's);
- it carries ``restorekit:drill=<this drill>``, or carries no ``restorekit:drill`` tag at all and was created after the
  record was opened (less a clock-skew allowance). A resource merely *named* like a drill's is never found this way,
  and an older resource that took a drill's name is refused by its creation time.

A drill never deletes a recovery point. Cleanup still says which of the points it restored a legal hold in force or a
locked vault protects (``protected_points``), so a responder reading the record knows they stay, and why.
"""

from __future__ import annotations

import datetime
import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health
from ansible_collections.restorekit.aws.plugins.module_utils._backup.errors import BackupErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._ec2.errors import EC2InstanceErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._rds.errors import RdsErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._s3 import compare
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import S3ErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

TAG_KEY = "restorekit:drill"
RECORD_VERSION = 1
DRILL_ID_PATTERN = re.compile(r"^[a-z0-9](?:-?[a-z0-9])*$")
DRILL_ID_MAX = 24
ACTIVE_JOB_STATES = ("CREATED", "PENDING", "RUNNING")
GONE = {"exists": False, "tags": {}, "created": None, "detail": {}}


class DrillError(Exception):
    """A drill request that cannot be carried out; the message names the option or the resource."""


def now_utc():
    return datetime.datetime.now(tz=datetime.timezone.utc)


def iso(when):
    return when.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text):
    """A time the drill wrote (ISO 8601 with Z), or None."""
    if not text:
        return None
    return inputs.parse_time(text, "time", relative=False)


def check_drill_id(drill_id, option="drill_id"):
    """Drill ids become parts of RDS identifiers and bucket names: lower case letters, digits, single hyphens."""
    if not isinstance(drill_id, str) or not DRILL_ID_PATTERN.match(drill_id) or len(drill_id) > DRILL_ID_MAX:
        raise DrillError("%s=%r is not a drill id: use 1 to %d lower-case letters and digits, single hyphens between them "
                         "(it becomes part of DB identifiers and bucket names)" % (option, drill_id, DRILL_ID_MAX))
    return drill_id


def check_prefix(prefix):
    if prefix and (prefix.startswith("/") or not prefix.endswith("/")):
        raise DrillError("record_prefix=%r must not start with '/' and must end with '/'" % prefix)
    return prefix


# ---------------------------------------------------------------------------------------------------------------- calls
# Every AWS call below is retried (_retries) and fails with its service's AnsibleAWSError ("Failed to <what was being
# done>: <what AWS said>"); a thing that is not there is the reader's default (the service's list handler).
@jittered_backoff()
def _call(client, method, **request):
    return getattr(client, method)(**request)


def _paginate(client, method, key, **request):
    @jittered_backoff()
    def pages():
        return list(client.get_paginator(method).paginate(**request))
    for page in pages():
        yield from page.get(key, [])


@S3ErrorHandler.list_error_handler("read bucket", default_value=False)
def _bucket_exists(s3, bucket):
    _call(s3, "head_bucket", Bucket=bucket)
    return True


@S3ErrorHandler.list_error_handler("read the drill record")
def _record_body(s3, bucket, key):
    return _call(s3, "get_object", Bucket=bucket, Key=key)["Body"].read()


@S3ErrorHandler.list_error_handler("get bucket tags", default_value=[])
def _bucket_tag_set(s3, bucket):
    return _call(s3, "get_bucket_tagging", Bucket=bucket).get("TagSet", [])


# ---------------------------------------------------------------------------------------------------------------- record
class RecordStore:
    """One JSON object per drill: s3://<bucket>/<prefix><drill_id>.json."""

    def __init__(self, s3, bucket, prefix):
        self.s3 = s3
        self.bucket = bucket
        self.prefix = check_prefix(prefix)

    def key(self, drill_id):
        return "%s%s.json" % (self.prefix, drill_id)

    def check_bucket(self):
        if not _bucket_exists(self.s3, self.bucket):
            raise DrillError("record_bucket=%r does not exist: the drill keeps its records there; create it first "
                             "(versioned, private)" % self.bucket)

    def read(self, drill_id):
        body = _record_body(self.s3, self.bucket, self.key(drill_id))
        return None if body is None else json.loads(body)

    @S3ErrorHandler.common_error_handler("write the drill record")
    def write(self, record):
        record["updated"] = iso(now_utc())
        _call(self.s3, "put_object", Bucket=self.bucket, Key=self.key(record["drill_id"]),
              Body=json.dumps(record, indent=2, sort_keys=True).encode("utf-8"), ContentType="application/json",
              ServerSideEncryption="AES256")

    @S3ErrorHandler.common_error_handler("list the drill records")
    def list_ids(self):
        ids = []
        for item in _paginate(self.s3, "list_objects_v2", "Contents", Bucket=self.bucket, Prefix=self.prefix):
            name = item["Key"][len(self.prefix):]
            if name.endswith(".json") and "/" not in name:
                ids.append(name[:-len(".json")])
        return sorted(ids)

    def open_records(self):
        records = []
        for drill_id in self.list_ids():
            record = self.read(drill_id)
            if record and record.get("state") == "open":
                records.append(record)
        return records


def new_record(drill_id, seed, lease_seconds, details, when=None):
    when = when or now_utc()
    return {"version": RECORD_VERSION, "drill_id": drill_id, "state": "open", "opened": iso(when),
            "lease_until": iso(when + datetime.timedelta(seconds=lease_seconds)), "seed": seed, "details": details or {},
            "recovery_points": [], "planned": [], "jobs": [], "resources": [], "removed": [], "closed": None, "outcome": None}


def add_to_record(record, job=None, resource_arn=None, recovery_point=None, planned=None):
    """Add a planned restore, a restore job, a created resource and/or a recovery point; returns whether it changed."""
    changed = False
    if planned and planned not in record.setdefault("planned", []):
        record["planned"].append(planned)
        changed = True
    if recovery_point and recovery_point.get("recovery_point_arn") not in [p.get("recovery_point_arn") for p in record["recovery_points"]]:
        record["recovery_points"].append(recovery_point)
        changed = True
    if job:
        known = next((j for j in record["jobs"] if j["restore_job_id"] == job["restore_job_id"]), None)
        if known is None:
            record["jobs"].append(job)
            changed = True
        else:
            for key, value in job.items():
                if value and known.get(key) != value:
                    known[key] = value
                    changed = True
    if resource_arn and resource_arn not in record["resources"]:
        record["resources"].append(resource_arn)
        changed = True
    return changed


# ---------------------------------------------------------------------------------------------------------------- resources
def service_of(arn):
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise DrillError("%r is not an ARN" % arn)
    if parts[2] == "rds" and parts[5] == "db":
        return "rds"
    if parts[2] == "s3":
        return "s3"
    if parts[2] == "ec2" and parts[5].startswith("instance/"):
        return "ec2"
    raise DrillError("%s is not a DB instance, bucket or EC2 instance; a drill creates nothing else" % arn)


def _name(arn):
    service = service_of(arn)
    if service == "rds":
        return arn.split(":")[6]
    if service == "s3":
        return arn.split(":")[5]
    return arn.rsplit("/", 1)[1]


@RdsErrorHandler.list_error_handler("describe DB instance", default_value=GONE)
def _describe_db(rds, name):
    db = _call(rds, "describe_db_instances", DBInstanceIdentifier=name)["DBInstances"][0]
    tags = db.get("TagList")
    if tags is None:
        tags = _call(rds, "list_tags_for_resource", ResourceName=db["DBInstanceArn"]).get("TagList", [])
    return {"exists": db.get("DBInstanceStatus") != "deleting", "tags": {t["Key"]: t["Value"] for t in tags},
            "created": db.get("InstanceCreateTime"), "detail": db}


@S3ErrorHandler.common_error_handler("list buckets")
def _bucket_created(s3, name):
    return next((b.get("CreationDate") for b in _call(s3, "list_buckets").get("Buckets", []) if b["Name"] == name), None)


def _describe_bucket(s3, name):
    if not _bucket_exists(s3, name):
        return GONE
    created = _bucket_created(s3, name)
    return {"exists": True, "tags": {t["Key"]: t["Value"] for t in _bucket_tag_set(s3, name)}, "created": created, "detail": {}}


@EC2InstanceErrorHandler.list_error_handler("describe instance", default_value=GONE)
def _describe_instance(ec2, name):
    found = _call(ec2, "describe_instances", InstanceIds=[name])
    instances = [i for r in found.get("Reservations", []) for i in r.get("Instances", [])]
    if not instances or instances[0]["State"]["Name"] in ("terminated", "shutting-down"):
        return GONE
    return {"exists": True, "tags": {t["Key"]: t["Value"] for t in instances[0].get("Tags", [])},
            "created": instances[0].get("LaunchTime"), "detail": instances[0]}


def describe_resource(clients, arn):
    """{'exists', 'tags', 'created', 'detail'} for a DB instance, bucket or EC2 instance; exists=False when gone."""
    service = service_of(arn)
    name = _name(arn)
    if service == "rds":
        return _describe_db(clients("rds"), name)
    if service == "s3":
        return _describe_bucket(clients("s3"), name)
    return _describe_instance(clients("ec2"), name)


def tag_resource(clients, arn, drill_id):
    """Tag what a drill created restorekit:drill=<id>, keeping its other tags."""
    service = service_of(arn)
    name = _name(arn)
    tag = [{"Key": TAG_KEY, "Value": drill_id}]
    if service == "rds":
        _tag_db(clients("rds"), name, tag)
    elif service == "s3":
        s3 = clients("s3")
        _tag_bucket(s3, name, [t for t in _bucket_tag_set(s3, name) if t["Key"] != TAG_KEY] + tag)
    else:
        _tag_instance(clients("ec2"), name, tag)


@RdsErrorHandler.common_error_handler("tag DB instance")
def _tag_db(rds, name, tag):
    db = _call(rds, "describe_db_instances", DBInstanceIdentifier=name)["DBInstances"][0]
    _call(rds, "add_tags_to_resource", ResourceName=db["DBInstanceArn"], Tags=tag)


@S3ErrorHandler.common_error_handler("tag bucket")
def _tag_bucket(s3, name, tags):
    _call(s3, "put_bucket_tagging", Bucket=name, Tagging={"TagSet": tags})


@EC2InstanceErrorHandler.common_error_handler("tag instance")
def _tag_instance(ec2, name, tag):
    _call(ec2, "create_tags", Resources=[name], Tags=tag)


def ownership(record, arn, found, skew_seconds):
    """Why this drill may delete the resource (None) or why not (a reason)."""
    sources = {p.get("resource_arn") for p in record.get("recovery_points", [])}
    if arn in sources:
        return "it is the source of a recovery point this drill restored (production); never deleted"
    value = found["tags"].get(TAG_KEY)
    if value is not None:
        return None if value == record["drill_id"] else "tagged %s=%s, another drill's" % (TAG_KEY, value)
    opened = parse_iso(record.get("opened"))
    created = found.get("created")
    if not isinstance(created, datetime.datetime) or opened is None:
        return "not tagged %s=%s and its creation time is unknown" % (TAG_KEY, record["drill_id"])
    if created.tzinfo is None:
        created = created.replace(tzinfo=datetime.timezone.utc)
    if created < opened - datetime.timedelta(seconds=skew_seconds):
        return ("not tagged %s=%s and created %s, before the drill opened its record (%s): not this drill's"
                % (TAG_KEY, record["drill_id"], iso(created), record.get("opened")))
    return None


def delete_resource(clients, arn, found):
    """Delete one resource a drill created: RDS without final snapshot, S3 emptied of every version, EC2 terminated."""
    service = service_of(arn)
    name = _name(arn)
    if service == "rds":
        _delete_db(clients("rds"), name, found)
    elif service == "s3":
        _delete_bucket(clients("s3"), name)
    else:
        _terminate_instance(clients("ec2"), name)


@RdsErrorHandler.common_error_handler("delete DB instance")
def _delete_db(rds, name, found):
    if found["detail"].get("DeletionProtection"):
        _call(rds, "modify_db_instance", DBInstanceIdentifier=name, DeletionProtection=False, ApplyImmediately=True)
    _call(rds, "delete_db_instance", DBInstanceIdentifier=name, SkipFinalSnapshot=True, DeleteAutomatedBackups=True)


@S3ErrorHandler.common_error_handler("delete bucket")
def _delete_bucket(s3, name):
    """Every version and delete marker, then the bucket."""
    batch = []
    for page_key in ("Versions", "DeleteMarkers"):
        for item in _paginate(s3, "list_object_versions", page_key, Bucket=name):
            batch.append({"Key": item["Key"], "VersionId": item["VersionId"]})
    for item in _paginate(s3, "list_objects_v2", "Contents", Bucket=name):
        if not any(b["Key"] == item["Key"] for b in batch):
            batch.append({"Key": item["Key"]})
    for start in range(0, len(batch), 1000):
        _call(s3, "delete_objects", Bucket=name, Delete={"Objects": batch[start:start + 1000], "Quiet": True})
    _call(s3, "delete_bucket", Bucket=name)


@EC2InstanceErrorHandler.common_error_handler("terminate instance")
def _terminate_instance(ec2, name):
    _call(ec2, "terminate_instances", InstanceIds=[name])


def planned_target_arn(planned, job):
    """Whether a restore job is the one a planned restore started: same recovery point and the drill-unique target."""
    if job.get("RecoveryPointArn") != planned.get("recovery_point_arn") or not planned.get("target_name"):
        return False
    created = job.get("CreatedResourceArn") or ""
    if job.get("Status") != "COMPLETED":
        return False
    if planned.get("resource_type") == "RDS":
        return created.endswith(":db:%s" % planned["target_name"])
    if planned.get("resource_type") == "S3":
        return created == "arn:aws:s3:::%s" % planned["target_name"]
    return False


@BackupErrorHandler.common_error_handler("list restore jobs")
def _restore_jobs_since(backup, since):
    return list(_paginate(backup, "list_restore_jobs", "RestoreJobs", ByCreatedAfter=since))


@BackupErrorHandler.list_error_handler("describe restore job")
def _describe_restore_job(backup, job_id):
    return _call(backup, "describe_restore_job", RestoreJobId=job_id)


@BackupErrorHandler.common_error_handler("describe backup vault")
def _describe_vault(backup, name):
    return _call(backup, "describe_backup_vault", BackupVaultName=name)


def find_unrecorded_jobs(backup, record):
    """A kill between StartRestoreJob and the record's write loses the job id: find such jobs by the planned restores.

    Only plans with a drill-unique target (RDS, S3) can be matched; the job must have been created after the record was
    opened, from the planned recovery point, and have created exactly the planned target."""
    known_points = {j.get("recovery_point_arn") for j in record["jobs"]}
    open_plans = [p for p in record.get("planned", []) if p.get("recovery_point_arn") not in known_points and p.get("target_name")]
    opened = parse_iso(record.get("opened"))
    if not open_plans or opened is None:
        return [], []
    found, undecided = [], []
    for job in _restore_jobs_since(backup, opened - datetime.timedelta(minutes=5)):
        for plan in open_plans:
            if planned_target_arn(plan, job):
                found.append({"restore_job_id": job["RestoreJobId"], "resource_type": plan["resource_type"],
                              "target_name": plan["target_name"], "recovery_point_arn": job["RecoveryPointArn"],
                              "found_by": "planned target"})
            elif (job.get("RecoveryPointArn") == plan["recovery_point_arn"] and job.get("Status") in ACTIVE_JOB_STATES
                  and (not job.get("CreatedResourceArn") or planned_target_arn(plan, dict(job, Status="COMPLETED")))):
                # Possibly this drill's, not yet telling what it creates: decide once it has ended.
                undecided.append(job["RestoreJobId"])
    return found, undecided


def refresh_jobs(backup, record):
    """Describe every restore job of the record: learn CreatedResourceArn of jobs that ended after the record was written.

    Returns the jobs still running (their resources may appear later)."""
    found, running = find_unrecorded_jobs(backup, record)
    for job in found:
        if job["restore_job_id"] not in [j["restore_job_id"] for j in record["jobs"]]:
            record["jobs"].append(job)
    for job in record["jobs"]:
        described = _describe_restore_job(backup, job["restore_job_id"])
        if described is None:
            job["status"] = "NOT_FOUND"
            continue
        job["status"] = described.get("Status")
        # Only a completed job has created its resource; a failed one may name a resource that was already there.
        if described.get("CreatedResourceArn") and job["status"] == "COMPLETED":
            job["created_resource_arn"] = described["CreatedResourceArn"]
        if job["status"] in ACTIVE_JOB_STATES:
            running.append(job["restore_job_id"])
    return running


def candidates(record):
    arns = list(record.get("resources", []))
    for job in record["jobs"]:
        arn = job.get("created_resource_arn")
        if arn and arn not in arns:
            arns.append(arn)
    return arns


def cleanup(clients, record, skew_seconds, check_mode):
    """Delete what the record's drill created. Returns a summary; closes nothing (the caller decides)."""
    running = refresh_jobs(clients("backup"), record)
    removed, gone, refused = [], [], []
    for arn in candidates(record):
        found = describe_resource(clients, arn)
        if not found["exists"]:
            gone.append(arn)
            continue
        reason = ownership(record, arn, found, skew_seconds)
        if reason:
            refused.append({"arn": arn, "reason": reason})
            continue
        if not check_mode:
            delete_resource(clients, arn, found)
        removed.append(arn)
    kept, unread = protected_points(clients("backup"), record)
    return {"drill_id": record["drill_id"], "removed": removed, "already_gone": gone, "refused": refused,
            "running_jobs": running, "complete": not running, "protected_points": kept, "protection_unread": unread}


def protected_points(backup, record):
    """The record's recovery points that a legal hold in force or a Vault Lock protects: ``[{recovery_point_arn,
    reason}]``, and a line saying what could not be read (a caller without backup:ListLegalHolds, say) or None."""
    points = {p.get("recovery_point_arn"): p for p in record.get("recovery_points") or [] if p.get("recovery_point_arn")}
    if not points:
        return [], None
    reasons = {}
    try:
        # The holds in force and the points each holds (those of other holds come back empty).
        for hold in jobs_health.list_legal_holds(backup):
            for held in hold["recovery_points"]:
                if held["recovery_point_arn"] in points:
                    reasons.setdefault(held["recovery_point_arn"], []).append(
                        "under legal hold %r (%s, %s)" % (hold["title"], hold["legal_hold_id"], hold["status"]))
        for vault_name in sorted(set(p.get("backup_vault_name") for p in points.values() if p.get("backup_vault_name"))):
            vault = _describe_vault(backup, vault_name)
            if vault.get("Locked"):
                for arn, point in points.items():
                    if point.get("backup_vault_name") == vault_name:
                        reasons.setdefault(arn, []).append("in vault %s under a Vault Lock (minimum retention %s days)"
                                                           % (vault_name, vault.get("MinRetentionDays", "none")))
    except AnsibleAWSError as e:
        return ([{"recovery_point_arn": arn, "reason": "; ".join(why)} for arn, why in reasons.items()],
                "legal holds and vault locks not fully read (%s): the drill deletes no recovery point either way" % e)
    return [{"recovery_point_arn": arn, "reason": "; ".join(why)} for arn, why in reasons.items()], None


def lease_expired(record, when=None):
    until = parse_iso(record.get("lease_until"))
    return until is None or (when or now_utc()) >= until


# ---------------------------------------------------------------------------------------------------------------- S3 check
def compare_buckets(s3, restored, source, point_time, critical_keys, parallelism=compare.DEFAULT_PARALLELISM):
    """Check a bucket restored by a drill against the bucket its recovery point was taken from.

    The collection's one S3 comparison (``_s3.compare.compare_with_source``): every source object last modified at or
    before the point must be in the restore with the same content; objects both hold are counted identical or changed;
    the critical keys must be in the restore; the restore must not be empty."""
    compared = S3ErrorHandler.common_error_handler(f"compare {restored} with {source}")(compare.compare_with_source)
    return compared(s3, restored, source, point_time, critical_keys, parallelism)
