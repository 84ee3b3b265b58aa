# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runbook 5.2 in one module run: the AWS side of ``restorekit.aws.rds_restore``.

``read`` gathers what the decision depends on (source, target, automated backups, recovery point, security groups);
``decide`` picks native point in time, the AWS Backup point, or the retained automated backups (``choice.choose``) and
refuses a target that is not this restore; ``carry_out`` starts or adopts the restore, waits for it, applies what a
restore does not carry (parameter group, retention, deletion protection, exposure, tags) and returns the instance,
its endpoint and where its credentials come from. Every rule is a function here, tested without Ansible.

A wait may be cut into slices (``wait_slice``): the run then returns ``pending`` and the same options, with the
decision it made (``resume``), carry the restore on in the next run. Each run adopts what the ones before started.
"""

from __future__ import annotations

import datetime
import time

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from ansible_collections.restorekit.aws.plugins.module_utils._backup import recovery_points as rp
from ansible_collections.restorekit.aws.plugins.module_utils._backup.job_progress import progress_line
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_jobs as jobs
from ansible_collections.restorekit.aws.plugins.module_utils._backup import restore_metadata as rm
from ansible_collections.restorekit.aws.plugins.module_utils._rds import choice as rc
from ansible_collections.restorekit.aws.plugins.module_utils._rds import restore as rr
from ansible_collections.restorekit.aws.plugins.module_utils._ec2.errors import EC2SecurityGroupsErrorHandler
from ansible_collections.restorekit.aws.plugins.module_utils._rds.errors import AnsibleRDSError

UTC = datetime.timezone.utc
RESTORED_FROM = "restorekit:restored-from"
SOURCE_TAG = "restorekit:source"
# How long after an earlier run a restore it started is still carried on (a restore job is adopted as long): an older
# instance under the target's name is a restore of another day, not an interrupted one.
ADOPT_WINDOW_HOURS = 72
# What a re-run carries over from the run that decided (see ``resume``).
RESUME_KEYS = ("method", "reason", "data_time", "restored_from", "window", "adopted", "recovery_point_arn")


class WorkflowError(AnsibleRDSError):
    """The restore cannot go on; ``result`` is what was done and learnt until then."""

    def __init__(self, message, result=None):
        super().__init__(message=message)
        self.result = result or {}


snake_instance = rr.snake_instance


def read(client_for, source_identifier, target_identifier=None, point_query=None, security_group_names=(), automated=True):
    """Everything the RDS restore decides on, in snake_case (as ``restorekit.aws.rds_restore_info`` returns it).

    POINT_QUERY is a ``recovery_points.build_query`` query (None: no recovery point is looked for)."""
    rds = client_for("rds")
    out = dict(source=snake_instance(rr.describe_instance(rds, source_identifier)), target={}, automated_backups=[],
               retained_automated_backup={}, recovery_point={}, recovery_point_message="", security_groups=[],
               missing_security_group_names=[])
    if target_identifier:
        out["target"] = snake_instance(rr.describe_instance(rds, target_identifier))
    if automated:
        backups = rr.automated_backups(rds, source_identifier)
        out["automated_backups"] = [camel_dict_to_snake_dict(b, ignore_list=["TagList"]) for b in backups]
        retained = rr.retained_backup(backups)
        out["retained_automated_backup"] = camel_dict_to_snake_dict(retained, ignore_list=["TagList"]) if retained else {}
    if point_query is not None:
        found = rp.find_recovery_points(rp.list_recovery_points(client_for("backup"), point_query), point_query)
        out["recovery_point"] = camel_dict_to_snake_dict(found["recovery_point"]) if found["recovery_point"] is not None else {}
        out["recovery_point_message"] = found["message"] or ""
    names = list(security_group_names or [])
    if names:
        groups = security_groups(client_for("ec2"), names)
        out["security_groups"] = [{"group_id": g["GroupId"], "group_name": g["GroupName"], "vpc_id": g.get("VpcId")} for g in groups]
        out["missing_security_group_names"] = [n for n in names if n not in {g["GroupName"] for g in groups}]
    return out


@EC2SecurityGroupsErrorHandler.list_error_handler("describe security groups", [])
def security_groups(ec2, names):
    """The security groups of this region named NAMES; a name no group carries is left out (the caller names it)."""
    return ec2.describe_security_groups(aws_retry=True, Filters=[{"Name": "group-name", "Values": names}])["SecurityGroups"]


def point_query(params):
    """The recovery point query of the restore's options, or None when no point is looked for: a native restore to
    the latest restorable time, or a resumed run (which reads the decided point by its ARN, ``resumed_point``)."""
    if params.get("resume"):
        return None
    if params["method"] == "native" and not params["target_time"]:
        return None
    return rp.build_query({"backup_vault_name": params["backup_vault_name"], "resource_type": "RDS",
                           "resource_name": params["source_db_instance_identifier"],
                           "select": "at_or_before" if params["target_time"] else "latest",
                           "point_in_time": params["target_time"] or None})


def point_by_arn(client_for, vault, arn):
    """A recovery point of VAULT read by its ARN (snake_case); jobs.RestoreJobError when it is not there."""
    point = jobs.describe_recovery_point(client_for("backup"), vault, arn)
    return camel_dict_to_snake_dict({key: value for key, value in point.items() if key != "ResponseMetadata"})


def resumed_point(client_for, params):
    """The recovery point a resumed backup restore decided on, read by its ARN (snake_case); {} for a native one.
    A point deleted since fails the run rather than letting another point be restored under the same decision."""
    arn = (params.get("resume") or {}).get("recovery_point_arn")
    if not arn:
        return {}
    try:
        return point_by_arn(client_for, params["backup_vault_name"], arn)
    except jobs.RestoreJobError as e:
        raise WorkflowError("the recovery point this restore decided on is gone: %s" % e.message) from None


def asks_for_the_newest(params):
    """A run with no target time asks for the newest data: what that is moves on (a later latest restorable time, a
    newer recovery point), so a re-run may find an earlier run's restore of what was newest then."""
    return not params.get("resume") and not params["target_time"]


def tagged_point(client_for, state, params):
    """The recovery point an existing target's tag names, when it is not the point this run found and the run asks for
    the newest data (read by its ARN; {} otherwise, or when it is gone): what ``earlier_newest`` may adopt."""
    tag = ((state["target"] or {}).get("tags") or {}).get(RESTORED_FROM) or ""
    if not asks_for_the_newest(params) or not tag.startswith("arn:") or tag == state["recovery_point"].get("recovery_point_arn"):
        return {}
    try:
        return point_by_arn(client_for, params["backup_vault_name"], tag)
    except jobs.RestoreJobError:
        return {}


def earlier_newest(state, params, tag, window, now=None):
    """An earlier run's decision, adopted when this run asks for the newest data and the existing target is this
    source's restore (its restorekit:source tag) to what was newest then, made within ADOPT_WINDOW_HOURS: a native
    restore to the latest restorable time of that moment, or an older recovery point of this source (STATE's
    tagged_point). A re-run after a timeout carries on with its own restore instead of refusing it. None when the tags
    say something else, or the instance is older (a restore of another day is refused, as any other target)."""
    source = params["source_db_instance_identifier"]
    if not asks_for_the_newest(params) or not tag or (state["target"].get("tags") or {}).get(SOURCE_TAG) != source:
        return None
    created = state["target"].get("instance_create_time")
    now = rc.parse_time(now, "now") if now is not None else datetime.datetime.now(UTC)
    if created and rc.parse_time(created, "target.instance_create_time") < now - datetime.timedelta(hours=ADOPT_WINDOW_HOURS):
        return None
    prefix = "pitr:%s@" % source
    if tag.startswith(prefix) and params["method"] in ("auto", "native"):
        when = tag[len(prefix):]
        return dict(method="native", data_time=when, restored_from=tag, window=window, error="", earlier=True,
                    reason="native point-in-time restore of %s to %s (%s)" % (source, when, carried_on(params)))
    point = state.get("tagged_point") or {}
    return earlier_point(state, params, point, window) if point.get("recovery_point_arn") == tag else None


def earlier_point(state, params, point, window):
    """The decision to carry on an earlier run's restore of POINT, an older recovery point of this source (None when
    the method asked for excludes it or POINT is another resource's)."""
    if params["method"] not in ("auto", "backup") or not is_point_of(point, state, params["source_db_instance_identifier"]):
        return None
    when = rc.iso(rc.parse_time(point.get("creation_date"), "recovery_point.creation_date"))
    return dict(method="backup", data_time=when, restored_from=point["recovery_point_arn"], window=window, error="", earlier=True,
                reason="the AWS Backup recovery point of %s, %s (%s)" % (when, point["recovery_point_arn"], carried_on(params)))


def carried_on(params):
    """Why an earlier run's decision is carried on, as the reason says it."""
    return ("no rds_restore_target_time: %s is this restore to what was newest when an earlier run started it"
            % params["target_db_instance_identifier"])


def is_point_of(point, state, source_identifier):
    """Whether POINT is a backup of the source: its ARN, when the source or its retained backups say it, else an
    instance of the source's identifier."""
    source_arn = state["source"].get("db_instance_arn") or state["retained_automated_backup"].get("db_instance_arn")
    if source_arn:
        return point.get("resource_arn") == source_arn
    return (point.get("resource_arn") or "").rsplit(":", 1)[-1] == source_identifier


def decide(state, params, now=None):
    """The decision (``choice.choose``'s, or the one RESUME carries) and whether the existing target is adopted.

    Raises WorkflowError when there is nothing to restore from, when the target exists and is not this restore, or
    when a named security group is missing."""
    resume = params.get("resume") or {}
    source_identifier = params["source_db_instance_identifier"]
    target_identifier = params["target_db_instance_identifier"]
    if resume:
        decided = {key: resume.get(key, "") for key in ("method", "reason", "data_time", "restored_from", "window")}
        decided["error"] = ""
    else:
        try:
            decided = rc.choose(params["method"], params["target_time"], state["source"], state["retained_automated_backup"],
                                state["recovery_point"], source_identifier, params["backup_vault_name"], now)
        except rc.ChoiceError as e:
            raise WorkflowError(e.message) from None
    if decided["error"]:
        raise WorkflowError(decided["error"], dict(choice=decided))
    existing = state["target"]
    tag = (existing.get("tags") or {}).get(RESTORED_FROM) if existing else None
    if existing and tag != decided["restored_from"] and not (decided["method"] == "backup" and tag is None):
        earlier = earlier_newest(state, params, tag, decided["window"], now)
        if earlier is None:
            raise WorkflowError(not_this_restore(target_identifier, decided["restored_from"], tag), dict(choice=decided))
        decided = earlier
    if state["missing_security_group_names"]:
        raise WorkflowError("rds_restore_security_group_names: no security group named %s in this region"
                            % ", ".join(state["missing_security_group_names"]), dict(choice=decided))
    decided["adopted"] = bool(resume.get("adopted")) if resume else bool(tag)
    return decided


def not_this_restore(target, restored_from, tag):
    return ("rds_restore_target_identifier=%s already exists and was not restored from %s (its %s tag is '%s'). Choose another "
            "rds_restore_target_identifier, or delete that instance once nobody needs it."
            % (target, restored_from, RESTORED_FROM, tag if tag is not None else "missing"))


def security_group_ids(state):
    return [group["group_id"] for group in state["security_groups"]]


def backup_metadata(params, state):
    """The restore metadata the inventory's network settings put over the recovery point's own."""
    metadata = {}
    if params["multi_az"] is not None:
        metadata["MultiAZ"] = params["multi_az"]
    if params["publicly_accessible"] is not None:
        metadata["PubliclyAccessible"] = params["publicly_accessible"]
    if params["db_subnet_group_name"]:
        metadata["DBSubnetGroupName"] = params["db_subnet_group_name"]
    if params["security_group_names"]:
        metadata["VpcSecurityGroupIds"] = security_group_ids(state)
    if params["db_instance_class"]:
        metadata["DBInstanceClass"] = params["db_instance_class"]
    metadata.update(params.get("metadata") or {})
    return metadata


def restore_tags(params, decided):
    """The tags the restored instance carries: the play's, and the two a re-run adopts it by."""
    tags = {key: str(value) for key, value in (params["tags"] or {}).items()}
    tags.update({RESTORED_FROM: decided["restored_from"], SOURCE_TAG: params["source_db_instance_identifier"]})
    return tags


def native_request(params, state, decided):
    """RestoreDBInstanceToPointInTime for a native decision: from the live source, or from the retained automated
    backups of a deleted one (amazon.aws.rds_instance cannot name those), tagged in the same call."""
    options = dict(target_db_instance_identifier=params["target_db_instance_identifier"], restore_time=decided["data_time"],
                   db_instance_class=params["db_instance_class"] or state["source"].get("db_instance_class") or None,
                   db_subnet_group_name=params["db_subnet_group_name"] or None, multi_az=params["multi_az"],
                   publicly_accessible=params["publicly_accessible"],
                   vpc_security_group_ids=security_group_ids(state) if params["security_group_names"] else None,
                   tags=restore_tags(params, decided))
    if state["source"]:
        options["source_db_instance_identifier"] = params["source_db_instance_identifier"]
    else:
        options["source_db_instance_automated_backups_arn"] = state["retained_automated_backup"]["db_instance_automated_backups_arn"]
    try:
        return rr.point_in_time_request(options)
    except rr.RdsRestoreError as e:
        raise WorkflowError(e.message) from None


def settings_changes(instance, state, params):
    """ModifyDBInstance's arguments for what a restore does not carry and the instance lacks (empty: nothing to do).

    The parameter group is the play's, else the source's (a deleted source has none to give); retention, deletion
    protection and exposure only where the play gives them (None: as the restore left them)."""
    group = params["db_parameter_group_name"] or ((state["source"].get("db_parameter_groups") or [{}])[0]).get("db_parameter_group_name")
    current = [g.get("DBParameterGroupName") for g in instance.get("DBParameterGroups") or []]
    changes = {}
    if group and group not in current:
        changes["DBParameterGroupName"] = group
    wanted = (("BackupRetentionPeriod", params["backup_retention_period"]), ("DeletionProtection", params["deletion_protection"]),
              ("PubliclyAccessible", params["publicly_accessible"]))
    for key, value in wanted:
        if value is not None and instance.get(key) != value:
            changes[key] = value
    return changes


def missing_tags(instance, wanted):
    have = rr.tags_of(instance)
    return [{"Key": key, "Value": value} for key, value in sorted(wanted.items()) if have.get(key) != value]


def credentials(state):
    """Who logs in to the restored instance, and where the password comes from: the RDS-managed secret of the source,
    or the source's master password (a restore keeps the source's master user)."""
    source = state["source"]
    user = source.get("master_username") or state["retained_automated_backup"].get("master_username") or ""
    secret = (source.get("master_user_secret") or {}).get("secret_arn") or ""
    if secret:
        return {"user": user, "source": "rds-managed-secret", "secret_arn": secret}
    return {"user": user, "source": "source-master-password", "secret_arn": ""}


def notes(decided, params, creds, instance):
    """What the restore report says about this restore, one line each."""
    target = params["target_db_instance_identifier"]
    login = ("the RDS-managed secret " + creds["secret_arn"]) if creds["secret_arn"] else (
        "the master user %s with the master password of the source, the same as production" % (creds["user"] or "?"))
    return ["%s restore: %s" % (decided["method"], decided["reason"]),
            "data as of %s (%s=%s)" % (decided["data_time"], RESTORED_FROM, decided["restored_from"]),
            ("adopted the existing %s made by an earlier run of this restore" % target) if decided["adopted"]
            else ("restored into the new instance %s" % target),
            "credentials: " + login,
            "publicly accessible: %s" % bool(instance.get("PubliclyAccessible"))]


def resume_of(decided, point):
    """What a later run needs to carry this decision on, unchanged (see the module's ``resume`` option)."""
    out = {key: decided.get(key) for key in RESUME_KEYS if key != "recovery_point_arn"}
    out["recovery_point_arn"] = point.get("recovery_point_arn", "") if decided["method"] == "backup" else ""
    return out


class Run(_poll.WaitingRun):
    """One module run of the restore (``_poll.WaitingRun``: clients made with the collection's retry policy, options,
    the wait's sleep and clock, progress). ROLE_OF() gives the runbook's backup role ARN; EXISTS(arn) whether what a
    completed restore job made still exists."""

    def __init__(self, client_for, params, region, role_of, exists, check_mode=False, sleep=time.sleep, clock=time.monotonic):
        super().__init__(client_for, params, region, check_mode, sleep, clock)
        self.role_of = role_of
        self.exists = exists
        self.wait_started = self.started
        self.result = dict(changed=False, pending=False)

    def deadline(self):
        """Seconds this run may still wait: a slice is counted from the start of the wait (reading and deciding are not
        waiting: a slice spent on them would end the run before it polled once more), wait_timeout from the start."""
        if self.params["wait_slice"]:
            return self.params["wait_slice"] - (self.clock() - self.wait_started)
        return self.params["wait_timeout"] - (self.clock() - self.started)

    def run(self, now=None):
        params = self.params
        state = read(self.client_for, params["source_db_instance_identifier"], params["target_db_instance_identifier"],
                     point_query(params), params["security_group_names"])
        if params.get("resume"):
            state["recovery_point"] = resumed_point(self.client_for, params)
        state["tagged_point"] = tagged_point(self.client_for, state, params)
        # Before the decision: a refused run still reports what it read.
        self.result.update(source=state["source"], recovery_point=state["recovery_point"])
        decided = decide(state, params, now)
        if decided.get("earlier") and decided["method"] == "backup":
            state["recovery_point"] = self.result["recovery_point"] = state["tagged_point"]
        self.record(decided)
        self.result["credentials"] = credentials(state)
        if decided["method"] == "native" and params.get("metadata"):
            self.result.setdefault("warnings", []).append("metadata is AWS Backup restore metadata; this native restore did not use it")
        instance = self.start(state, decided)
        # After the start: adopting an earlier run's instance decides ``adopted`` too.
        self.result["resume"] = resume_of(decided, state["recovery_point"])
        if self.check_mode:
            if instance:
                # An adopted instance may still lack its settings or tags: say what a real run would change.
                changes = settings_changes(instance, state, params)
                if changes or missing_tags(instance, restore_tags(params, decided)):
                    self.result.update(changed=True, settings_applied=sorted(changes))
            return self.described(instance, decided)
        if params["wait"]:
            instance = self.finish(state, decided)
        else:
            self.result.update(pending=True, stage="started")
        self.result["progress"] = self.progress
        return self.described(instance, decided)

    def record(self, decided):
        """The decision in the result: the method, why, the data time, the adoption tag, the window, adopted or not."""
        self.result.update({key: decided[key] for key in ("method", "reason", "data_time", "restored_from", "window", "adopted")})

    def described(self, instance, decided):
        """The result, with the instance as it was left, its endpoint and the report's notes."""
        shown = snake_instance(instance)
        self.result.update(instance=shown, endpoint=shown.get("endpoint") or {},
                           notes=notes(decided, self.params, self.result["credentials"], instance or {}))
        return self.result

    # --- start or adopt
    def start(self, state, decided):
        """Start the restore, or adopt the one an earlier run started; returns the instance as it is now (or None)."""
        if decided["method"] == "backup":
            return self.start_backup(state, decided)
        if state["target"]:
            return rr.describe_instance(self.client_for("rds"), self.params["target_db_instance_identifier"])
        request = native_request(self.params, state, decided)
        self.result["request"] = {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in request.items()}
        self.result["changed"] = True
        if self.check_mode:
            return None
        rds = self.client_for("rds")
        rr.restore_to_point_in_time(rds, request)
        return rr.describe_instance(rds, self.params["target_db_instance_identifier"])

    def start_backup(self, state, decided):
        params = self.params
        backup = self.client_for("backup")
        job_params = dict(recovery_point_arn=state["recovery_point"]["recovery_point_arn"], backup_vault_name=params["backup_vault_name"],
                          project_name=params["project_name"], environment=params["environment"], resource_type="RDS",
                          metadata=backup_metadata(params, state), target_name=params["target_db_instance_identifier"],
                          allow_source_target=False, iam_role_arn=params["iam_role_arn"], copy_source_tags=False,
                          adopt_window_hours=ADOPT_WINDOW_HOURS)
        try:
            planned = jobs.plan(backup, job_params, self.region, self.role_of, self.exists)
            if planned["existing"] is None and state["target"] and not decided["adopted"] and asks_for_the_newest(params):
                planned = self.earlier_job(backup, planned, job_params, state, decided) or planned
        except (jobs.RestoreJobError, rm.MetadataError) as e:
            raise WorkflowError(getattr(e, "message", str(e)), self.result) from None
        self.result.setdefault("warnings", []).extend(planned["warnings"])
        self.result["request"] = planned["result"]["request"]
        existing = planned["existing"]
        if existing is not None:
            self.result.update(restore_job=jobs.job_result(existing))
            if state["target"] and not params.get("resume"):
                # Untagged, made by an earlier run's job of this point: adopted (a resumed slice keeps the first run's say).
                decided["adopted"] = True
                self.result["adopted"] = True
        elif state["target"] and not decided["adopted"]:
            # Untagged, and no restore job of this point made it: someone else's instance.
            raise WorkflowError(not_this_restore(params["target_db_instance_identifier"], decided["restored_from"], None), self.result)
        elif not state["target"]:
            self.result["changed"] = True
            if self.check_mode:
                return None
            job_id = jobs.start(backup, planned["request"])
            self.result.update(restore_job=jobs.job_result(jobs.describe(backup, job_id)))
        # A tagged target older than the adopt window has no job left to find: it is adopted as it is.
        return rr.describe_instance(self.client_for("rds"), params["target_db_instance_identifier"]) if state["target"] else None

    def earlier_job(self, backup, planned, job_params, state, decided):
        """The plan of an earlier run's restore job into the untagged target, of an older recovery point of this source
        (the run asks for the newest data, and a newer point completed since that run started its job): DECIDED and
        STATE become that point's, as ``earlier_newest`` does for a tagged target. None when there is no such job."""
        since = datetime.datetime.now(tz=UTC) - datetime.timedelta(hours=job_params["adopt_window_hours"])
        job = jobs.find_existing(backup, None, "RDS", planned["request"]["Metadata"], since, self.exists)[0]
        if job is None:
            return None
        point = point_by_arn(self.client_for, self.params["backup_vault_name"], job["RecoveryPointArn"])
        earlier = earlier_point(state, self.params, point, decided["window"])
        if earlier is None:
            return None
        decided.update(earlier, adopted=True)
        state["recovery_point"] = self.result["recovery_point"] = point
        self.record(decided)
        return jobs.plan(backup, dict(job_params, recovery_point_arn=point["recovery_point_arn"]), self.region, self.role_of, self.exists)

    # --- wait and finish
    def wait(self, check):
        """Poll CHECK until it is done, within this run's deadline; PollTimeout when the deadline comes first."""
        # A later slice of a long wait (resume) looks once per poll_interval, not the quick first seconds again.
        return _poll.poll(check, self.deadline(), self.params["poll_interval"], self.sleep, self.clock,
                          later_slice=bool(self.params["wait_slice"] and self.params.get("resume")))

    def pending(self, stage, line):
        self.result.update(pending=True, stage=stage)
        self.note(line)

    def finish(self, state, decided):
        """Wait for the restore job and the instance, then apply what a restore does not carry. Returns the instance;
        when this run's deadline comes first, returns what there is with ``pending`` set (the next run goes on)."""
        params = self.params
        self.wait_started = self.clock()
        rds = self.client_for("rds")
        target = params["target_db_instance_identifier"]
        job = (self.result.get("restore_job") or {}).get("restore_job_id")
        try:
            if job:
                self.result.update(restore_job=jobs.job_result(self.wait(self.job_check(job))))
            instance = self.wait(self.instance_check(rds, target))
            changes = settings_changes(instance, state, params)
            if changes:
                rr.modify_instance(rds, target, changes)
                self.result.update(changed=True, settings_applied=sorted(changes))
            tags = missing_tags(instance, restore_tags(params, decided))
            if tags:
                rr.add_tags(rds, instance["DBInstanceArn"], tags)
                self.result["changed"] = True
            if changes:
                instance = self.wait(self.instance_check(rds, target, settled=True))
            elif tags:
                instance = rr.describe_instance(rds, target)
        except _poll.PollTimeout as e:
            if not params["wait_slice"]:
                raise WorkflowError("%s is still %s after wait_timeout=%ss; the restore goes on in AWS, and re-running the "
                                    "same task adopts it" % (target, self.result.get("stage"), params["wait_timeout"]), self.result) from None
            return e.last if isinstance(e.last, dict) and "DBInstanceIdentifier" in e.last else rr.describe_instance(rds, target)
        self.result.update(pending=False, stage="done")
        return instance

    def job_check(self, job_id):
        backup = self.client_for("backup")

        def check(waited):
            job = jobs.describe(backup, job_id)
            self.result.update(restore_job=jobs.job_result(job))
            if job["Status"] in jobs.FAILED:
                raise WorkflowError(jobs.failure_message(job), self.result)
            if job["Status"] == "COMPLETED":
                return True, job
            self.pending("restore_job", progress_line(job, self.clock() - self.started))
            return False, job
        return check

    def instance_check(self, rds, target, settled=False):
        def check(waited):
            try:
                instance, status, available = rr.availability(rds, target)
            except rr.RdsRestoreError as e:
                raise WorkflowError(e.message, self.result) from None
            pending_changes = bool((instance or {}).get("PendingModifiedValues")) if settled else False
            if available and not pending_changes:
                return True, instance
            self.pending("settings" if settled else "instance", "DB instance %s: %s (waited %ds)"
                         % (target, status or "not visible yet", int(self.clock() - self.started)))
            return False, instance
        return check
