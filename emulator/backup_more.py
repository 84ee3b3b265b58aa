"""More of AWS Backup, as a mixin of BackupWorld: job summaries, restore testing's inferred metadata, supported resource
types, global settings, vault access policies and notifications, protected resources by vault, backup plan versions,
StopBackupJob and the recovery point disassociations.

Each behaviour, its source (AWS's page or users' reports) and its test are in docs/emulator-fidelity.md.
"""

import datetime
import json
import re
import types
import uuid

from moto.backup.models import backup_backends
from moto.organizations.models import organizations_backends

from .backup_shared import organization_of
from .protocol import ApiError

DAY = datetime.timedelta(days=1)
# AggregationPeriod: ONE_DAY is the daily count for the prior 14 days; SEVEN_DAYS and FOURTEEN_DAYS one count each.
AGGREGATION_PERIODS = ("ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS")
SUMMARY_MAX_RESULTS = 500
SUMMARY_STATES = {
    "backup": ("CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL"),
    "copy": ("CREATED", "RUNNING", "ABORTING", "ABORTED", "COMPLETING", "COMPLETED", "FAILING", "FAILED", "PARTIAL"),
    "restore": ("CREATED", "PENDING", "RUNNING", "ABORTED", "COMPLETED", "FAILED"),
}
# GetSupportedResourceTypes: the types botocore's model documents for the operation.
SUPPORTED_RESOURCE_TYPES = ("Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "EKS", "FSx", "Neptune",
                            "RDS", "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine")
GLOBAL_SETTINGS = ("isCrossAccountBackupEnabled", "isMpaEnabled", "isDelegatedAdministratorEnabled")
NOT_IN_AN_ORGANIZATION = "Your account is not a member of an organization."
NOT_A_MANAGEMENT_ACCOUNT = "Your account is not the management account of an organization."
# The events PutBackupVaultNotifications accepts: the model's BackupVaultEvent values without the deprecated ones the API
# page lists "for reference" (AWS refuses those, naming the supported ones).
DEPRECATED_VAULT_EVENTS = ("BACKUP_JOB_SUCCESSFUL", "BACKUP_JOB_FAILED", "BACKUP_JOB_EXPIRED", "RESTORE_JOB_SUCCESSFUL",
                           "RESTORE_JOB_FAILED", "BACKUP_PLAN_CREATED", "BACKUP_PLAN_MODIFIED")
VAULT_EVENTS = ("BACKUP_JOB_STARTED", "BACKUP_JOB_COMPLETED", "RESTORE_JOB_STARTED", "RESTORE_JOB_COMPLETED",
                "COPY_JOB_STARTED", "COPY_JOB_SUCCESSFUL", "COPY_JOB_FAILED", "RECOVERY_POINT_MODIFIED",
                "S3_BACKUP_OBJECT_FAILED", "S3_RESTORE_OBJECT_FAILED", "CONTINUOUS_BACKUP_INTERRUPTED",
                "RECOVERY_POINT_INDEX_COMPLETED", "RECOVERY_POINT_INDEX_DELETED", "RECOVERY_POINT_INDEXING_FAILED",
                "EKS_RESTORE_OBJECT_FAILED", "EKS_RESTORE_OBJECT_SKIPPED", "EKS_BACKUP_OBJECT_FAILED",
                "EKS_RESTORE_MODIFICATION_SUCCESS", "EKS_RESTORE_MODIFICATION_FAILED", "ACCESS_POINT_AVAILABLE",
                "ACCESS_POINT_CREATION_FAILED", "ACCESS_POINT_DELETED", "ACCESS_POINT_DELETION_FAILED",
                "ACCESS_POINT_EXPIRED", "ACCESS_POINT_DISASSOCIATED")
SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$")
# StopBackupJob: "This action is not supported for ... Amazon RDS" (and Aurora, DocumentDB, FSx, Neptune, SAP HANA).
STOP_UNSUPPORTED_TYPES = ("RDS", "Aurora", "DocumentDB", "FSx", "Neptune", "SAP HANA on Amazon EC2")
STOPPABLE_STATES = ("CREATED", "PENDING", "RUNNING")


def _invalid(message):
    return ApiError("InvalidParameterValueException", message)


def _not_found(message):
    return ApiError("ResourceNotFoundException", message)


def _invalid_request(message):
    return ApiError("InvalidRequestException", message)


def _test_name():
    """A restore test's target name: a random value starting with awsbackup-restore-test-."""
    return "awsbackup-restore-test-%s" % uuid.uuid4().hex[:12]


class BackupMoreMixin:
    """The operations of this module; BackupWorld inherits them and supplies clock, jobs, points and moto's vaults."""

    def _more(self):
        """This mixin's own state (plan version histories, global settings), made on first use."""
        return self.__dict__.setdefault("_more_state", {"plan_versions": {}, "global_settings": {}})

    # ------------------------------------------------------------------ job summaries
    def list_backup_job_summaries(self, region, params):
        summaries, token = self._job_summaries("backup", region, params, ("State", "ResourceType", "MessageCategory"))
        return {"BackupJobSummaries": summaries, "AggregationPeriod": self._period(params), "NextToken": token}

    def list_copy_job_summaries(self, region, params):
        summaries, token = self._job_summaries("copy", region, params, ("State", "ResourceType", "MessageCategory"))
        return {"CopyJobSummaries": summaries, "AggregationPeriod": self._period(params), "NextToken": token}

    def list_restore_job_summaries(self, region, params):
        summaries, token = self._job_summaries("restore", region, params, ("State", "ResourceType"))
        return {"RestoreJobSummaries": summaries, "AggregationPeriod": self._period(params), "NextToken": token}

    @staticmethod
    def _period(params):
        period = params.get("AggregationPeriod") or "ONE_DAY"
        if period not in AGGREGATION_PERIODS:
            raise _invalid("Invalid AggregationPeriod: %s" % period)
        return period

    def _windows(self, period):
        """(start, end) of each count: ONE_DAY a UTC day each for the prior 14 days (today's included), else one window."""
        now = self.clock.now()
        if period == "ONE_DAY":
            today = now.replace(hour=0, minute=0, second=0, microsecond=0)
            return [(today - DAY * back, today - DAY * (back - 1)) for back in range(13, -1, -1)]
        return [(now - DAY * (7 if period == "SEVEN_DAYS" else 14), now)]

    @staticmethod
    def _job_dimensions(job):
        state = job.state
        category = "SUCCESS" if state == "COMPLETED" and not job.message else None
        return {"State": state, "ResourceType": job.fields.get("ResourceType"), "MessageCategory": category}

    def _job_summaries(self, kind, region, params, dimensions):
        period = self._period(params)
        if params.get("MaxResults") is not None and not 1 <= params["MaxResults"] <= SUMMARY_MAX_RESULTS:
            raise _invalid("MaxResults must be between 1 and %d" % SUMMARY_MAX_RESULTS)
        state = params.get("State")
        if state is not None and state not in SUMMARY_STATES[kind] + ("ANY", "AGGREGATE_ALL"):
            raise _invalid("Invalid State: %s" % state)
        counts = {}
        jobs = [j for j in self.jobs[kind].values() if j.region == region]
        for start, end in self._windows(period):
            for job in jobs:
                if not start <= job.created < end:
                    continue
                key = self._summary_key(self._job_dimensions(job), params, dimensions)
                if key is not None:
                    counts[(start, end) + key] = counts.get((start, end) + key, 0) + 1
        items = [self._summary(region, key, count, dimensions) for key, count in counts.items()]
        items = self._unordered(items, lambda s: json.dumps(s, default=str, sort_keys=True))
        page, token = self._page(items, params, self._salt("%sJobSummaries" % kind, dict(params, region=region)))
        return page, token

    @staticmethod
    def _summary_key(values, params, dimensions):
        """The group a job counts in: per value (ANY or not given), summed (AGGREGATE_ALL), or None when filtered out."""
        key = []
        for name in dimensions:
            wanted = params.get(name)
            if wanted in (None, "ANY"):
                key.append(values[name])
            elif wanted == "AGGREGATE_ALL":
                key.append("AGGREGATE_ALL")
            elif values[name] == wanted:
                key.append(wanted)
            else:
                return None
        return tuple(key)

    def _summary(self, region, key, count, dimensions):
        start, end = key[0], key[1]
        summary = {"Region": region, "AccountId": self.account_id, "Count": count, "StartTime": start, "EndTime": end}
        summary.update({name: value for name, value in zip(dimensions, key[2:]) if value is not None})
        return summary

    # ------------------------------------------------------------------ restore testing inferred metadata
    def get_restore_testing_inferred_metadata(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        return {"InferredMetadata": self._inferred_metadata(point)}

    def _inferred_metadata(self, point):
        """What AWS infers per resource type (the developer guide's "Restore testing inferred metadata" table)."""
        if point.resource_type == "RDS":
            return {"dbInstanceIdentifier": _test_name(), "deletionProtection": "false", "multiAz": "false",
                    "publiclyAccessible": "false"}
        if point.resource_type == "S3":
            return {"destinationBucketName": _test_name(), "encrypted": "true", "encryptionType": "SSE-S3", "newBucket": "true",
                    "restoreACLs": "false" if self._acls_not_backed_up(point) else "true"}
        inferred = {"disableApiTermination": "false", "requiredImdsV2": "true"}
        instance_type = point.restore_metadata.get("InstanceType")
        if instance_type:
            inferred["instanceType"] = instance_type
        return inferred

    def _acls_not_backed_up(self, point):
        """Whether the plan that made an S3 point had BackupACLs disabled in its advanced backup settings."""
        plan_id = (point.created_by or {}).get("BackupPlanId")
        plan = backup_backends[self.account_id][point.region].plans.get(plan_id) if plan_id else None
        for setting in (plan.advanced_backup_settings if plan else None) or []:
            if setting.get("ResourceType") == "S3" and (setting.get("BackupOptions") or {}).get("BackupACLs") == "disabled":
                return True
        return False

    # ------------------------------------------------------------------ supported types and global settings
    def get_supported_resource_types(self, region, params):
        return {"ResourceTypes": list(SUPPORTED_RESOURCE_TYPES)}

    def _organization(self):
        """moto's organization this account belongs to, or None (the seeded account is standalone)."""
        master = organization_of(self.account_id)
        return organizations_backends[master]["aws"].org if master else None

    def _global_settings(self, org):
        """The organization's settings and when they last changed: every setting "false" until updated, in a new
        organization too (they belong to the organization, not to the account)."""
        return self._more()["global_settings"].setdefault(org.id, {"settings": {name: "false" for name in GLOBAL_SETTINGS},
                                                                   "updated": None})

    def describe_global_settings(self, region, params):
        org = self._organization()
        if org is None:
            raise _invalid_request(NOT_IN_AN_ORGANIZATION)
        kept = self._global_settings(org)
        return {"GlobalSettings": dict(kept["settings"]), "LastUpdateTime": kept["updated"]}

    def update_global_settings(self, region, params):
        org = self._organization()
        if org is None:
            raise _invalid_request(NOT_IN_AN_ORGANIZATION)
        if org.master_account_id != self.account_id:
            raise _invalid_request(NOT_A_MANAGEMENT_ACCOUNT)
        update = params.get("GlobalSettings") or {}
        for name, value in update.items():
            if name not in GLOBAL_SETTINGS:
                raise _invalid("Invalid global setting: %s" % name)
            if value not in ("true", "false"):
                raise _invalid("Invalid value for %s: %s (true or false)" % (name, value))
        kept = self._global_settings(org)
        kept["settings"].update(update)
        kept["updated"] = self.clock.now()
        return {}

    # ------------------------------------------------------------------ vault access policy and notifications
    def get_backup_vault_access_policy(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        policy = getattr(vault, "restorekit_access_policy", None)
        if policy is None:
            raise _not_found("Backup Vault %s has no associated POLICY" % vault.backup_vault_arn)
        return {"BackupVaultName": vault.backup_vault_name, "BackupVaultArn": vault.backup_vault_arn, "Policy": policy}

    def put_backup_vault_access_policy(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        if not params.get("Policy"):
            raise ApiError("MissingParameterValueException", "Policy is required")
        try:
            document = json.loads(params["Policy"])
        except ValueError:
            raise _invalid("The access policy is not valid JSON") from None
        if not isinstance(document, dict) or "Statement" not in document:
            raise _invalid("The access policy must be a JSON policy document with a Statement")
        vault.restorekit_access_policy = params["Policy"]
        return {}

    def delete_backup_vault_access_policy(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        if getattr(vault, "restorekit_access_policy", None) is None:
            raise _not_found("Backup Vault %s has no associated POLICY" % vault.backup_vault_arn)
        vault.restorekit_access_policy = None
        return {}

    def get_backup_vault_notifications(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        notifications = getattr(vault, "restorekit_notifications", None)
        if notifications is None:
            raise _not_found("Failed reading notifications from database for Backup vault %s" % vault.backup_vault_name)
        return dict(notifications, BackupVaultName=vault.backup_vault_name, BackupVaultArn=vault.backup_vault_arn)

    def put_backup_vault_notifications(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        if not SNS_TOPIC_ARN.match(params["SNSTopicArn"]):
            raise _invalid("Invalid SNSTopicArn: %s" % params["SNSTopicArn"])
        events = params["BackupVaultEvents"]
        if not events or any(event not in VAULT_EVENTS for event in events):
            raise _invalid("Please select from the following list of notifications %s" % ", ".join(VAULT_EVENTS))
        vault.restorekit_notifications = {"SNSTopicArn": params["SNSTopicArn"], "BackupVaultEvents": list(dict.fromkeys(events))}
        return {}

    def delete_backup_vault_notifications(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        if getattr(vault, "restorekit_notifications", None) is None:
            raise _not_found("Failed reading notifications from database for Backup vault %s" % vault.backup_vault_name)
        vault.restorekit_notifications = None
        return {}

    # ------------------------------------------------------------------ protected resources by vault
    def list_protected_resources_by_backup_vault(self, region, params):
        vault = self.vault(region, params["BackupVaultName"])
        results = self.protected_results(self._vault_points(region, vault.backup_vault_name))
        page, token = self._page(results, params, self._salt("ListProtectedResourcesByBackupVault", dict(params, region=region)))
        return {"Results": page, "NextToken": token}

    # ------------------------------------------------------------------ backup plan versions
    def keep_plan_version(self, region, plan):
        """Record the plan's current version in its history (UpdateBackupPlan calls this before and after it changes it)."""
        history = self._more()["plan_versions"].setdefault((region, plan.backup_plan_id), [])
        if any(version["VersionId"] == plan.version_id for version in history):
            return
        created = (datetime.datetime.fromtimestamp(plan.creation_date, tz=datetime.timezone.utc) if not history
                   else self.clock.now())
        history.append({"VersionId": plan.version_id, "CreationDate": created,
                        "BackupPlanName": plan.backup_plan.get("BackupPlanName"),
                        "AdvancedBackupSettings": list(plan.advanced_backup_settings or []) or None})

    def list_backup_plan_versions(self, region, params):
        plan = self._plan(region, params["BackupPlanId"])
        self.keep_plan_version(region, plan)
        deleted = (datetime.datetime.fromtimestamp(plan.deletion_date, tz=datetime.timezone.utc)
                   if plan.deletion_date is not None else None)
        versions = [dict(version, BackupPlanArn=plan.backup_plan_arn, BackupPlanId=plan.backup_plan_id,
                         CreatorRequestId=plan.creator_request_id, DeletionDate=deleted)
                    for version in self._more()["plan_versions"][(region, plan.backup_plan_id)]]
        versions = self._unordered(versions, lambda v: v["VersionId"])
        page, token = self._page(versions, params, self._salt("ListBackupPlanVersions", dict(params, region=region)))
        return {"BackupPlanVersionsList": page, "NextToken": token}

    # ------------------------------------------------------------------ stopping a backup job
    def stop_backup_job(self, region, params):
        job = self.jobs["backup"].get(params["BackupJobId"])
        if job is None or job.region != region:
            raise _not_found("Backup job not found: %s" % params["BackupJobId"])
        if job.fields.get("ResourceType") in STOP_UNSUPPORTED_TYPES:
            raise _invalid_request("StopBackupJob is not supported for resource type %s" % job.fields["ResourceType"])
        if job.state not in STOPPABLE_STATES:
            raise _invalid_request("Backup job %s is %s and cannot be stopped" % (job.id, job.state))
        job.on_complete = None
        job.state = "ABORTED"
        job.completed = self.clock.now()
        self._release_capture(region, job)
        return {}

    def _release_capture(self, region, job):
        """Release what an aborted job had captured (an AMI, the objects' copy): no recovery point holds it."""
        if not job.outcome or not job.outcome[0]:
            return
        captured = job.outcome[1]
        held = types.SimpleNamespace(arn=captured["arn"], region=region, payload=captured["payload"])
        self.drivers[job.fields["ResourceType"]].delete_recovery_point(held)

    # ------------------------------------------------------------------ recovery point disassociation
    def disassociate_recovery_point(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        # Every point the emulator makes is a snapshot backup: AWS disassociates continuous backups only.
        raise _invalid_request("Recovery point %s is a snapshot backup recovery point; only a continuous backup recovery point "
                               "can be disassociated" % point.arn)

    def disassociate_recovery_point_from_parent(self, region, params):
        point = self.point(region, params["BackupVaultName"], params["RecoveryPointArn"])
        # No point the emulator makes (RDS, S3, EC2) is a child of a composite recovery point.
        raise _invalid_request("Recovery point %s is not a child (nested) recovery point of a parent recovery point" % point.arn)
