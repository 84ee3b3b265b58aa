#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_drill_record
short_description: Keep a restore drill's record in S3 and clean up exactly what the drill created
version_added: 0.1.0
description:
  - A restore drill (runbook section 4) restores real recovery points into new resources and must remove them all,
    whatever fails, and nothing else. This module keeps the drill's record - one JSON object per drill,
    C(s3://<record_bucket>/<record_prefix><drill_id>.json) - which survives a killed process and needs no local disk,
    so it works the same from a bastion and from AWX.
  - O(state=open) writes the record (state C(open)) before anything is restored.
  - O(state=add) adds a recovery point, a restore job (the moment its id is known) and, once the job has created
    something, the created resource's ARN; then it tags that resource C(restorekit:drill=<drill_id>).
    With O(restore_job_id) the job is described and its C(CreatedResourceArn), when AWS already knows it, is added too.
  - O(state=cleanup) describes the record's restore jobs (learning what jobs that ended after a kill created), deletes
    the resources the drill owns, and closes the record once nothing can appear any more. With O(drill_id) it cleans
    that drill; without it, every open record whose lease has run out (drills killed half way).
  - B(Deletes only what the drill created.) A resource is deleted only when its ARN is in the record or is the
    C(CreatedResourceArn) of a restore job in the record, it is not the source of a recovery point the drill
    restored, and it is tagged C(restorekit:drill=<drill_id>) - or, untagged (killed before tagging), it was created
    after the record was opened. A resource merely named like a drill's is never considered; one tagged for another
    drill, or older than the record, is refused and reported.
  - Deleting - an RDS instance - deletion protection off, no final snapshot, automated backups deleted; a bucket - every
    object version and delete marker, then the bucket; an EC2 instance - terminated.
  - O(state=close) closes the record with the drill's outcome.
  - In check mode nothing is written, tagged or deleted; the result says what would be.
author:
  - restorekit contributors (@restorekit)
options:
  state:
    description: What to do with the record.
    type: str
    choices: [open, add, cleanup, close, read]
    default: read
  drill_id:
    description:
      - The drill, 1 to 24 lower-case letters and digits with single hyphens (it becomes part of DB identifiers and
        bucket names).
      - Required unless O(state=cleanup), where omitting it cleans every open record whose lease has run out.
    type: str
  record_bucket:
    description:
      - The bucket that holds the drill records. It must exist; the module never creates it.
      - An empty or invalid bucket name is refused before any call.
    type: str
    required: true
  record_prefix:
    description: Key prefix of the records in O(record_bucket); ends with C(/).
    type: str
    default: restorekit/drills/
  seed:
    description: With O(state=open), the seed of the random recovery point selection, kept in the record.
    type: int
  lease_seconds:
    description:
      - With O(state=open), how long the drill may run. Until then its open record is left alone by other drills'
        cleanup (it may be alive); afterwards any drill cleans it up. A drill known dead is cleaned sooner by naming
        its O(drill_id) with O(state=cleanup). 1 to 604800 (a week).
    type: int
    default: 14400
  details:
    description: With O(state=open), free-form facts kept in the record (resource types asked for, who ran it).
    type: dict
    default: {}
  recovery_point:
    description:
      - With O(state=add), a recovery point as M(restorekit.aws.recovery_point_info) returns it.
      - With O(resource_type) and O(target_name) and no O(restore_job_id), also the restore about to start (a plan).
        Should the process die between StartRestoreJob and recording the job's id, the cleanup finds the job by the
        plan - created after the record was opened, from that point, creating that drill-unique target (RDS and S3).
    type: dict
  restore_job_id:
    description: With O(state=add), a restore job this drill started; it is described to learn what it created.
    type: str
  resource_type:
    description: With O(state=add) and O(restore_job_id), the job's resource type, for the record.
    type: str
    choices: [RDS, S3, EC2]
  target_name:
    description: With O(state=add), the name the restore was asked to create (a DB identifier or a bucket).
    type: str
  created_resource_arn:
    description: With O(state=add), a resource this drill created (DB instance, bucket or EC2 instance ARN).
    type: str
  tag:
    description: With O(state=add), tag the created resource C(restorekit:drill=<drill_id>) once recorded.
    type: bool
    default: true
  exclude_drill_ids:
    description: With O(state=cleanup) and no O(drill_id), records left alone (the running drill's own).
    type: list
    elements: str
    default: []
  wait_timeout:
    description:
      - With O(state=cleanup), seconds to wait for restore jobs of the record that are still running, so that what they
        create can be deleted now. C(0) does not wait; the record then stays open for a later cleanup. At most 86400.
    type: int
    default: 0
  poll_interval:
    description:
      - Seconds between two looks at running restore jobs while waiting, once they have run a while (the first look
        comes after 0.2 seconds, the interval doubling up to this), 1 to 3600.
    type: int
    default: 10
  skew_seconds:
    description:
      - Clock allowance when an untagged resource's creation time is compared with the record's opening time, 0 to
        86400 seconds.
    type: int
    default: 300
  outcome:
    description: With O(state=close) or O(state=cleanup), the drill's outcome, kept in the record when it is closed.
    type: str
    choices: [succeeded, failed, abandoned]
  notes:
    description: With O(state=close) or O(state=cleanup), lines kept in the closed record.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - restorekit.aws.attributes.change
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - Requires C(s3:GetObject), C(s3:PutObject), C(s3:ListBucket) on the record bucket; C(backup:DescribeRestoreJob);
    to tag - C(rds:AddTagsToResource), C(s3:PutBucketTagging), C(ec2:CreateTags); to clean up - C(rds:ModifyDBInstance),
    C(rds:DeleteDBInstance), C(s3:ListBucketVersions), C(s3:DeleteObjectVersion), C(s3:DeleteBucket),
    C(ec2:TerminateInstances), and the matching describe calls.
attributes:
  check_mode:
    description: Nothing is written, tagged or deleted; the result shows what would be.
    support: full
  idempotent:
    description: Opening an open record, adding what is recorded, closing a closed record or cleaning a clean one changes nothing.
    support: full
"""

EXAMPLES = r"""
- name: Open the drill's record before anything is restored
  restorekit.aws.restore_drill_record:
    state: open
    drill_id: "20261124-030000"
    record_bucket: multi-tenant-app-prod-drill-records
    seed: 81722
    details:
      resource_types: [RDS, S3]

- name: Record a restore job the moment it started
  restorekit.aws.restore_drill_record:
    state: add
    drill_id: "20261124-030000"
    record_bucket: multi-tenant-app-prod-drill-records
    restore_job_id: "{{ started.restore_job_id }}"
    resource_type: RDS
    target_name: multi-tenant-app-prod-drill-20261124-030000-db

- name: After the wait, record and tag what it created
  restorekit.aws.restore_drill_record:
    state: add
    drill_id: "20261124-030000"
    record_bucket: multi-tenant-app-prod-drill-records
    restore_job_id: "{{ started.restore_job_id }}"

- name: Clean up drills killed half way (their lease has run out)
  restorekit.aws.restore_drill_record:
    state: cleanup
    record_bucket: multi-tenant-app-prod-drill-records
    exclude_drill_ids: ["20261124-030000"]
    outcome: abandoned

- name: Always - remove what this drill created and close its record
  restorekit.aws.restore_drill_record:
    state: cleanup
    drill_id: "20261124-030000"
    record_bucket: multi-tenant-app-prod-drill-records
    wait_timeout: 600
    outcome: succeeded
"""

RETURN = r"""
record:
  description: The drill's record after the call (with O(drill_id)); null when there is none.
  returned: always
  type: dict
  sample:
    drill_id: "20261124-030000"
    state: open
    opened: "2026-11-24T03:00:00Z"
    lease_until: "2026-11-24T07:00:00Z"
    seed: 81722
    recovery_points: []
    jobs:
      - restore_job_id: "1043ABAA-F694-4692-A5C8-75D4270A478F"
        resource_type: RDS
        target_name: multi-tenant-app-prod-drill-20261124-030000-db
        status: COMPLETED
        created_resource_arn: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-20261124-030000-db"
    resources: ["arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-20261124-030000-db"]
    removed: []
    closed: null
    outcome: null
  contains:
    version:
      description: The version of the record's format.
      type: int
      returned: always
      sample: 1
    drill_id:
      description: The drill's id.
      type: str
      returned: always
      sample: "20261124-030000"
    state:
      description: C(open) or C(closed).
      type: str
      returned: always
      sample: open
    opened:
      description: When the record was opened (ISO 8601 UTC).
      type: str
      returned: always
      sample: "2026-11-24T03:00:00Z"
    lease_until:
      description: Until when other drills' cleanup leaves the open record alone.
      type: str
      returned: always
      sample: "2026-11-24T07:00:00Z"
    seed:
      description: The drill's seed (its random choices), as given at O(state=open).
      type: int
      returned: always
      sample: 81722
    details:
      description: The free-form facts O(details) gave at O(state=open), as given.
      type: dict
      returned: always
      sample: {"resource_types": ["RDS", "S3"]}
    recovery_points:
      description: The recovery points the drill restores from, each as O(recovery_point) gave it (as M(restorekit.aws.recovery_point_info) returns it).
      type: list
      elements: dict
      returned: always
      sample: []
      contains:
        recovery_point_arn:
          description:
            - The ARN of the recovery point. The point is AWS's ListRecoveryPointsByBackupVault answer for it in snake_case,
              with every other member AWS returns (for example C(backup_size_in_bytes), C(completion_date), C(lifecycle)).
          type: str
          returned: always
          sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
        resource_arn:
          description: The ARN of the protected resource.
          type: str
          returned: always
          sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-db"
        resource_type:
          description: The AWS Backup resource type.
          type: str
          returned: always
          sample: RDS
        status:
          description: The status of the recovery point.
          type: str
          returned: always
          sample: COMPLETED
        creation_date:
          description: When the recovery point was created (the time its data is as of).
          type: str
          returned: always
          sample: "2026-11-20T02:00:00+00:00"
        backup_vault_name:
          description: The vault that holds the recovery point.
          type: str
          returned: always
          sample: multi-tenant-app-prod-backup-vault
    planned:
      description: The restores about to start, recorded before their job id is known (the cleanup finds their jobs by them).
      type: list
      elements: dict
      returned: always
      contains:
        resource_type:
          description: C(RDS), C(S3) or C(EC2).
          type: str
          returned: always
          sample: RDS
        target_name:
          description: The name the restore creates.
          type: str
          returned: always
          sample: multi-tenant-app-prod-drill-20261124-030000-db
        recovery_point_arn:
          description: The recovery point it restores.
          type: str
          returned: always
          sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
    jobs:
      description: The drill's restore jobs, as last described.
      type: list
      elements: dict
      returned: always
      contains:
        restore_job_id:
          description: The job's id.
          type: str
          returned: always
          sample: "1043ABAA-F694-4692-A5C8-75D4270A478F"
        resource_type:
          description: C(RDS), C(S3) or C(EC2).
          type: str
          returned: when known
          sample: RDS
        target_name:
          description: The name the restore was asked to create.
          type: str
          returned: when known
          sample: multi-tenant-app-prod-drill-20261124-030000-db
        recovery_point_arn:
          description: The recovery point restored.
          type: str
          returned: when known
          sample: "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-1"
        status:
          description: The job's status when last described.
          type: str
          returned: when known
          sample: COMPLETED
        created_resource_arn:
          description: What the job created, once COMPLETED.
          type: str
          returned: once the job has completed
          sample: "arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-20261124-030000-db"
        found_by:
          description: C(planned target) for a job the cleanup found by a planned restore.
          type: str
          returned: for a job found by its plan
          sample: planned target
    resources:
      description: The ARNs of what the drill created.
      type: list
      elements: str
      returned: always
      sample: ["arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-20261124-030000-db"]
    removed:
      description: The ARNs deleted by its cleanup.
      type: list
      elements: str
      returned: always
      sample: []
    closed:
      description: When the record was closed, or null.
      type: str
      returned: always
      sample: null
    outcome:
      description: The drill's outcome once closed (C(succeeded) unless O(outcome) says otherwise), or null.
      type: str
      returned: always
      sample: null
    notes:
      description: The closing notes (O(notes), and why a resource was not deleted).
      type: list
      elements: str
      returned: once closed
      sample: []
tagged:
  description: With O(state=add), the resources tagged C(restorekit:drill=<drill_id>) by this call.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:s3:::multi-tenant-app-prod-drill-20261124-030000-tenant-12"]
cleaned:
  description: With O(state=cleanup), one summary per record cleaned.
  returned: always
  type: list
  elements: dict
  sample:
    - drill_id: "20261124-030000"
      removed: ["arn:aws:s3:::multi-tenant-app-prod-drill-20261124-030000-tenant-12"]
      already_gone: []
      refused: []
      running_jobs: []
      complete: true
      closed: true
      protected_points:
        - recovery_point_arn: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e"
          reason: "under legal hold 'litigation 2026-114' (1e1f5b2c-aaaa-bbbb-cccc-ddddeeeeffff, ACTIVE)"
      protection_unread: null
  contains:
    drill_id:
      description: The record cleaned.
      type: str
      returned: always
      sample: "20261124-030000"
    removed:
      description: The resources deleted (or, in check mode, that would be).
      type: list
      elements: str
      returned: always
      sample: ["arn:aws:s3:::multi-tenant-app-prod-drill-20261124-030000-tenant-12"]
    already_gone:
      description: The resources of the record that no longer existed.
      type: list
      elements: str
      returned: always
      sample: []
    refused:
      description: The resources not deleted, each with C(arn) and C(reason) (as in RV(refused), without C(drill_id)).
      type: list
      elements: dict
      returned: always
      sample: []
      contains:
        arn:
          description: The resource not deleted.
          type: str
          returned: always
          sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-12"
        reason:
          description: Why it was not deleted.
          type: str
          returned: always
          sample: "it is the source of a recovery point this drill restored (production); never deleted"
    running_jobs:
      description: The ids of the record's restore jobs still running.
      type: list
      elements: str
      returned: always
      sample: []
    complete:
      description: True when no restore job of the record still runs.
      type: bool
      returned: always
      sample: true
    closed:
      description: Whether the record was closed (it is, once complete).
      type: bool
      returned: always
      sample: true
    protected_points:
      description:
        - The recovery points the drill restored that a legal hold in force or a Vault Lock protects, each with
          C(recovery_point_arn) and C(reason). A drill never deletes a recovery point; these are said so the record
          (its closing notes) tells why they stay. Needs backup:ListLegalHolds, backup:ListRecoveryPointsByLegalHold
          and backup:DescribeBackupVault.
      type: list
      elements: dict
      returned: always
      contains:
        recovery_point_arn:
          description: The protected recovery point.
          type: str
          returned: always
          sample: "arn:aws:backup:us-east-1:123456789012:recovery-point:3c5b9a2e"
        reason:
          description: What protects it - each legal hold in force and Vault Lock, joined by C(; ).
          type: str
          returned: always
          sample: "under legal hold 'litigation 2026-114' (1e1f5b2c-aaaa-bbbb-cccc-ddddeeeeffff, ACTIVE)"
    protection_unread:
      description: Why legal holds or vault locks could not be read (a permission missing), or null.
      type: str
removed:
  description: Every resource deleted (or, in check mode, that would be), over all records cleaned.
  returned: always
  type: list
  elements: str
  sample: ["arn:aws:rds:us-east-1:123456789012:db:multi-tenant-app-prod-drill-20261124-030000-db"]
refused:
  description: Resources a record pointed at that were not deleted, each with C(arn), C(reason) and C(drill_id).
  returned: always
  type: list
  elements: dict
  sample: []
  contains:
    arn:
      description: The resource not deleted.
      type: str
      returned: always
      sample: "arn:aws:s3:::multi-tenant-app-prod-tenant-12"
    reason:
      description: Why it was not deleted.
      type: str
      returned: always
      sample: "it is the source of a recovery point this drill restored (production); never deleted"
    drill_id:
      description: The record that pointed at it.
      type: str
      returned: always
      sample: "20261124-030000"
left_open:
  description: Records left open because restore jobs of theirs still run (or their lease has not run out).
  returned: always
  type: list
  elements: str
  sample: []
"""


from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils._aws_module import AnsibleAWSModule

from ansible_collections.restorekit.aws.plugins.module_utils import _drill
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def closed(record, outcome, notes, removed):
    record["state"] = "closed"
    record["closed"] = _drill.iso(_drill.now_utc())
    record["outcome"] = outcome or record.get("outcome") or "succeeded"
    record["notes"] = list(record.get("notes") or []) + list(notes)
    record["removed"] = sorted(set(record.get("removed") or []) | set(removed))
    return record


def do_open(module, store, result):
    params = module.params
    record = store.read(params["drill_id"])
    if record is not None:
        if record["state"] != "open":
            module.fail_json(msg="drill_id=%s was already used by a drill that is %s; choose a new drill id"
                             % (params["drill_id"], record["state"]), **dict(result, record=record))
        result["record"] = record
        return result
    record = _drill.new_record(params["drill_id"], params["seed"], params["lease_seconds"], params["details"])
    if not module.check_mode:
        store.write(record)
    result.update(changed=True, record=record)
    return result


def do_add(module, store, result):
    params = module.params
    record = store.read(params["drill_id"])
    if record is None:
        module.fail_json(msg="drill_id=%s has no record in s3://%s/%s: open it first (state=open)"
                         % (params["drill_id"], params["record_bucket"], store.key(params["drill_id"])), **result)
    if record["state"] != "open":
        module.fail_json(msg="the record of drill_id=%s is %s; nothing can be added" % (params["drill_id"], record["state"]),
                         **dict(result, record=record))
    created = params["created_resource_arn"]
    job = None
    if params["restore_job_id"]:
        described = restore_jobs.describe(module.client("backup"), params["restore_job_id"])
        job = {"restore_job_id": params["restore_job_id"], "resource_type": params["resource_type"] or described.get("ResourceType"),
               "target_name": params["target_name"], "recovery_point_arn": described.get("RecoveryPointArn"),
               "status": described.get("Status"),
               "created_resource_arn": described.get("CreatedResourceArn") if described.get("Status") == "COMPLETED" else None}
        job = {k: v for k, v in job.items() if v}
        if described.get("Status") == "COMPLETED" and described.get("CreatedResourceArn"):
            created = created or described["CreatedResourceArn"]
    planned = None
    if params["recovery_point"] and params["target_name"] and params["resource_type"] and not params["restore_job_id"]:
        planned = {"resource_type": params["resource_type"], "target_name": params["target_name"],
                   "recovery_point_arn": params["recovery_point"].get("recovery_point_arn")}
    changed = _drill.add_to_record(record, job=job, resource_arn=created, recovery_point=params["recovery_point"], planned=planned)
    if changed and not module.check_mode:
        # The record first, then the tag: a kill in between leaves a recorded, untagged resource the cleanup still finds.
        store.write(record)
    if created and params["tag"]:
        found = _drill.describe_resource(module.client, created)
        if found["exists"] and found["tags"].get(_drill.TAG_KEY) != params["drill_id"]:
            if _drill.TAG_KEY in found["tags"]:
                module.fail_json(msg="%s is already tagged %s=%s, another drill's; not re-tagged"
                                 % (created, _drill.TAG_KEY, found["tags"][_drill.TAG_KEY]), **dict(result, record=record))
            if not module.check_mode:
                _drill.tag_resource(module.client, created, params["drill_id"])
            result["tagged"].append(created)
            changed = True
    result.update(changed=changed, record=record)
    return result


def wait_for_jobs(module, record):
    """The record's restore jobs still running once all have ended or wait_timeout has passed (the collection's poll
    cadence)."""
    backup = module.client("backup")

    def check(waited):
        running = _drill.refresh_jobs(backup, record)
        return not running, running

    try:
        return _poll.poll(check, module.params["wait_timeout"], module.params["poll_interval"])
    except _poll.PollTimeout as e:
        return e.last


def clean_one(module, store, record, result):
    params = module.params
    if params["wait_timeout"] > 0:
        wait_for_jobs(module, record)
    summary = _drill.cleanup(module.client, record, params["skew_seconds"], module.check_mode)
    record["removed"] = sorted(set(record.get("removed") or []) | set(summary["removed"]))
    summary["closed"] = summary["complete"]
    if summary["complete"]:
        notes = (list(params["notes"]) + ["%s not deleted: %s" % (r["arn"], r["reason"]) for r in summary["refused"]]
                 + ["recovery point %s left alone: %s" % (p["recovery_point_arn"], p["reason"]) for p in summary["protected_points"]]
                 + ([summary["protection_unread"]] if summary["protection_unread"] else []))
        closed(record, params["outcome"], notes, summary["removed"])
    else:
        result["left_open"].append(record["drill_id"])
    if not module.check_mode and (summary["removed"] or summary["complete"] or record.get("jobs")):
        store.write(record)
    result["cleaned"].append(summary)
    result["removed"].extend(summary["removed"])
    result["refused"].extend(dict(r, drill_id=record["drill_id"]) for r in summary["refused"])
    if summary["removed"] or summary["complete"]:
        result["changed"] = True
    return record


def do_cleanup(module, store, result):
    params = module.params
    if params["drill_id"]:
        record = store.read(params["drill_id"])
        if record is None:
            result["record"] = None
            return result
        if record["state"] == "open":
            record = clean_one(module, store, record, result)
        result["record"] = record
        return result
    for record in store.open_records():
        if record["drill_id"] in params["exclude_drill_ids"]:
            continue
        if not _drill.lease_expired(record):
            result["left_open"].append(record["drill_id"])
            continue
        clean_one(module, store, record, result)
    return result


def do_close(module, store, result):
    params = module.params
    record = store.read(params["drill_id"])
    if record is None:
        module.fail_json(msg="drill_id=%s has no record to close" % params["drill_id"], **result)
    if record["state"] != "closed":
        closed(record, params["outcome"], params["notes"], [])
        if not module.check_mode:
            store.write(record)
        result["changed"] = True
    result["record"] = record
    return result


MAX_LEASE_SECONDS = 7 * 24 * 3600
MAX_WAIT_SECONDS = 24 * 3600


def check_options(params):
    """The options _drill does not check, before any AWS call; InputError names the option and its value."""
    inputs.bucket_name(params["record_bucket"], "record_bucket")
    if params["record_prefix"] and ".." in params["record_prefix"].split("/"):
        inputs.fail("record_prefix", params["record_prefix"], "a key prefix of the record bucket cannot hold a '..' level")
    inputs.integer(params["lease_seconds"], "lease_seconds", 1, MAX_LEASE_SECONDS)
    inputs.integer(params["wait_timeout"], "wait_timeout", 0, MAX_WAIT_SECONDS)
    inputs.integer(params["poll_interval"], "poll_interval", 1, 3600)
    inputs.integer(params["skew_seconds"], "skew_seconds", 0, MAX_WAIT_SECONDS)
    inputs.unique(params["exclude_drill_ids"], "exclude_drill_ids")
    if params["restore_job_id"] is not None:
        inputs.text(params["restore_job_id"], "restore_job_id", strip=False)
    if params["target_name"] is not None:
        rule = {"RDS": inputs.db_identifier, "S3": inputs.bucket_name}.get(params["resource_type"])
        if params["resource_type"] == "EC2":
            inputs.contradiction([("target_name", params["target_name"]), ("resource_type", "EC2")],
                                 "an EC2 restore launches a new instance and takes no target name")
        if rule is None:
            inputs.contradiction([("target_name", params["target_name"]), ("resource_type", None)],
                                 "a target name needs its resource_type (RDS or S3) to be recorded and found again")
        rule(params["target_name"], "target_name")
    if params["recovery_point"] is not None:
        point_arn = params["recovery_point"].get("recovery_point_arn")
        if not isinstance(point_arn, str) or not point_arn.startswith("arn:"):
            inputs.fail("recovery_point", params["recovery_point"], "needs recovery_point_arn, as recovery_point_info returns it")
    state = params["state"]
    only = (("seed", ("open",)), ("recovery_point", ("add",)), ("restore_job_id", ("add",)), ("created_resource_arn", ("add",)),
            ("target_name", ("add",)), ("outcome", ("close", "cleanup")))
    for option, states in only:
        if params[option] is not None and state not in states:
            inputs.contradiction([(option, params[option]), ("state", state)], "%s is only used with state=%s" % (option, "/".join(states)))
    if params["exclude_drill_ids"] and (state != "cleanup" or params["drill_id"]):
        inputs.contradiction([("exclude_drill_ids", params["exclude_drill_ids"]), ("drill_id", params["drill_id"])],
                             "exclude_drill_ids is only used by state=cleanup without drill_id (the cleanup of every expired drill)")


def main():
    argument_spec = dict(
        state=dict(type="str", choices=["open", "add", "cleanup", "close", "read"], default="read"),
        drill_id=dict(type="str"),
        record_bucket=dict(type="str", required=True),
        record_prefix=dict(type="str", default="restorekit/drills/"),
        seed=dict(type="int"),
        lease_seconds=dict(type="int", default=14400),
        details=dict(type="dict", default={}),
        recovery_point=dict(type="dict"),
        restore_job_id=dict(type="str"),
        resource_type=dict(type="str", choices=["RDS", "S3", "EC2"]),
        target_name=dict(type="str"),
        created_resource_arn=dict(type="str"),
        tag=dict(type="bool", default=True),
        exclude_drill_ids=dict(type="list", elements="str", default=[]),
        wait_timeout=dict(type="int", default=0),
        poll_interval=dict(type="int", default=10),
        skew_seconds=dict(type="int", default=300),
        outcome=dict(type="str", choices=["succeeded", "failed", "abandoned"]),
        notes=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleAWSModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        required_if=[["state", "open", ["drill_id"]], ["state", "add", ["drill_id"]], ["state", "close", ["drill_id"]],
                     ["state", "read", ["drill_id"]]],
    )
    params = module.params
    try:
        check_options(params)
    except inputs.InputError as e:
        module.fail_json(msg=e.message)
    try:
        if params["drill_id"] is not None:
            _drill.check_drill_id(params["drill_id"])
        for drill_id in params["exclude_drill_ids"]:
            _drill.check_drill_id(drill_id, "exclude_drill_ids")
        if params["created_resource_arn"]:
            _drill.service_of(params["created_resource_arn"])
        store = _drill.RecordStore(module.client("s3"), params["record_bucket"], params["record_prefix"])
    except _drill.DrillError as e:
        module.fail_json(msg=str(e))
    for option in ("lease_seconds", "poll_interval"):
        if params[option] <= 0:
            module.fail_json(msg="%s=%r must be greater than 0" % (option, params[option]))
    for option in ("wait_timeout", "skew_seconds"):
        if params[option] < 0:
            module.fail_json(msg="%s=%r must not be negative" % (option, params[option]))
    if params["state"] == "add" and not (params["restore_job_id"] or params["created_resource_arn"] or params["recovery_point"]):
        module.fail_json(msg="state=add needs restore_job_id, created_resource_arn or recovery_point")
    result = dict(changed=False, record=None, tagged=[], cleaned=[], removed=[], refused=[], left_open=[])
    try:
        store.check_bucket()
        if params["state"] == "open":
            result = do_open(module, store, result)
        elif params["state"] == "add":
            result = do_add(module, store, result)
        elif params["state"] == "cleanup":
            result = do_cleanup(module, store, result)
        elif params["state"] == "close":
            result = do_close(module, store, result)
        else:
            result["record"] = store.read(params["drill_id"])
    except _drill.DrillError as e:
        module.fail_json(msg=str(e), **result)
    except AnsibleAWSError as e:
        module.fail_json_aws_error(e)
    module.exit_json(**result)


if __name__ == "__main__":
    module_process()
    main()
