"""What a backup captures and a restore creates, per resource type, on top of moto's backends.

RDS instances are real MariaDB servers (see mariadb.py); S3 objects and EC2 images live in moto. Every
driver works on moto's backends directly, never through the emulator's own HTTP endpoint, so request counters
show only what clients asked for.
"""

import json
import os
import re
import shutil
import threading
import uuid

from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami
from moto.ec2.utils import filter_iam_instance_profiles, parse_user_data, random_ami_id
from moto.rds.models import DBInstance, rds_backends
from moto.s3.models import FakeAcl, FakeDeleteMarker, FakeGrant, FakeGrantee, PublicAccessBlock, s3_backends
from moto.s3control.models import s3control_backends

from . import pitr
from .protocol import ApiError

ENDPOINT_ADDRESS = "127.0.0.1"


def invalid(message):
    return ApiError("InvalidParameterValueException", message)


def parse_bool(key, value):
    if value.lower() not in ("true", "false"):
        raise invalid("Metadata %s must be \"true\" or \"false\", got %r" % (key, value))
    return value.lower() == "true"


def parse_json_list(key, value):
    """A metadata value that AWS wants as a JSON list of strings; anything else is refused as AWS refuses it."""
    try:
        parsed = json.loads(value)
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise invalid("Metadata %s must be a JSON list of strings, e.g. [\"sg-0123\"]; got %r" % (key, value))
    return parsed


def canonical_keys(metadata, known):
    """Map each given key to the API's spelling (case-insensitive); unknown keys are kept as given."""
    by_lower = {k.lower(): k for k in known}
    return {by_lower.get(key.lower(), key): value for key, value in metadata.items()}


class Driver:
    """Interface of a resource type's backup and restore behaviour."""

    resource_type = None
    arn_pattern = None

    def __init__(self, account_id, state_dir):
        self.account_id = account_id
        self.state_dir = state_dir

    def owns_resource_arn(self, arn):
        return bool(re.match(self.arn_pattern, arn or ""))

    def backup_dir(self, *parts):
        path = os.path.join(self.state_dir, "backups", self.resource_type.lower(), *parts)
        os.makedirs(path, exist_ok=True)
        return path

    def restore_testing_metadata(self, point):
        """The metadata AWS Restore Testing sends: the point's own, with a generated target name."""
        return dict(point.restore_metadata)

    def delete_recovery_point(self, point):
        """Release what the point held."""

    def delete_restored(self, arn):
        """Delete what a restore created (ARN: its CreatedResourceArn), as the service's own delete does; raise the
        service's error when it cannot (backup_restore_tests.py reports it as the job's DeletionStatusMessage)."""
        raise ApiError("InvalidRequestException", "Deleting a restored %s resource is not supported: %s" % (self.resource_type, arn))


# ---------------------------------------------------------------------------------------------- RDS
RDS_METADATA_KEYS = (
    "DBInstanceIdentifier", "DBInstanceClass", "Engine", "EngineVersion", "DBSubnetGroupName", "VpcSecurityGroupIds",
    "MultiAZ", "Port", "AvailabilityZone", "StorageType", "Iops", "PubliclyAccessible", "CopyTagsToSnapshot", "DBName",
    "LicenseModel", "AutoMinorVersionUpgrade", "DeletionProtection", "EnableIAMDatabaseAuthentication", "KmsKeyId",
    "DBParameterGroupName", "OptionGroupName", "StorageThroughput", "EnableCloudwatchLogsExports", "NetworkType",
)
RDS_BOOLEANS = ("MultiAZ", "PubliclyAccessible", "CopyTagsToSnapshot", "AutoMinorVersionUpgrade", "DeletionProtection",
                "EnableIAMDatabaseAuthentication")
DB_IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$")


class RdsDriver(Driver):
    """RDS MySQL: a backup is a transaction-consistent dump of the instance's MariaDB; a restore loads it into a new one."""

    resource_type = "RDS"
    arn_pattern = r"^arn:aws:rds:[a-z0-9-]+:\d{12}:db:.+$"

    def __init__(self, account_id, state_dir, fleet, automated_backups=None):
        super().__init__(account_id, state_dir)
        self.fleet = fleet
        self.lock = threading.Lock()
        install_endpoint_patch()
        if automated_backups is None:  # the first account's; another account's driver shares them (moto's RDS is patched once)
            automated_backups = pitr.AutomatedBackups(state_dir, fleet)
            pitr.install(automated_backups)
        self.automated_backups = automated_backups

    def backend(self, region):
        return rds_backends[self.account_id][region]

    @staticmethod
    def split(arn):
        parts = arn.split(":", 6)
        return parts[3], parts[6]

    def instance(self, arn):
        region, identifier = self.split(arn)
        database = self.backend(region).databases.get(identifier)
        if database is None:
            raise ApiError("ResourceNotFoundException", "DB instance not found: %s" % identifier)
        return database

    def describe_resource(self, arn):
        return {"name": self.instance(arn).db_instance_identifier}

    def list_resources(self, region):
        return [(db.db_instance_arn, {t["Key"]: t["Value"] for t in db.tags or []})
                for db in list(self.backend(region).databases.values())]

    # --- hooks on the RDS API, so every MySQL instance created through it is a real server
    def after_call(self, region, action, params):
        backend = self.backend(region)
        if action in ("CreateDBInstance", "RestoreDBInstanceFromDBSnapshot"):
            database = backend.databases.get(params.get("DBInstanceIdentifier"))
            if database is None or not is_mysql(database.engine):
                return
            dump = None
            if action == "RestoreDBInstanceFromDBSnapshot":
                snapshot = backend.database_snapshots.get(params.get("DBSnapshotIdentifier"))
                dump = getattr(snapshot, "restorekit_dump", None)
            self.attach_server(database, dump)
        elif action == "RestoreDBInstanceToPointInTime":
            # pitr.py checked the window and planned the restore when moto created the instance (see pitr.install).
            database = backend.databases.get(params.get("TargetDBInstanceIdentifier"))
            plan = getattr(database, "restorekit_pitr", None)
            if plan is None or not is_mysql(database.engine):
                return
            try:
                self.attach_server(database, plan["base"])
            except Exception:
                database.status = "incompatible-restore"  # what RDS shows when a point-in-time restore cannot finish
                raise
        elif action == "DeleteDBInstance":
            identifier = params.get("DBInstanceIdentifier")
            if identifier and identifier not in backend.databases and (identifier in self.fleet.identifiers()):
                # Before the server goes: retained automated backups need its binary logs (AWS default: delete them).
                retain = params.get("DeleteAutomatedBackups", "true").lower() == "false"
                self.automated_backups.deleted(region, identifier, retain)
                self.fleet.delete(identifier)
        elif action == "ModifyDBInstance" and params.get("NewDBInstanceIdentifier"):
            old, new = params["DBInstanceIdentifier"], params["NewDBInstanceIdentifier"]
            if new in backend.databases and (old in self.fleet.identifiers()):
                port = self.fleet.rename(old, new)[1]
                backend.databases[new].port = port
                self.automated_backups.renamed(region, old, new)
        if action == "ModifyDBInstance" and params.get("BackupRetentionPeriod"):
            database = backend.databases.get(params.get("NewDBInstanceIdentifier") or params.get("DBInstanceIdentifier"))
            if database is not None and is_mysql(database.engine):
                self.automated_backups.modified(region, database)

    def attach_server(self, database, dump_path=None):
        port = self.fleet.create(database.db_instance_identifier, database.master_username,
                                 master_password(database), dump_path)[1]
        database.port = port
        if database.db_name and not dump_path:
            # RDS creates the initial database named by DBName.
            conn = self.fleet.server(database.db_instance_identifier).connect()
            try:
                with conn.cursor() as cur:
                    cur.execute("CREATE DATABASE IF NOT EXISTS `%s`" % database.db_name.replace("`", ""))
            finally:
                conn.close()
        self.automated_backups.attached(database, database.region)

    # --- backup, copy, restore
    def recovery_point_arn(self, region, job_id):
        return "arn:aws:rds:%s:%s:snapshot:awsbackup:job-%s" % (region, self.account_id, job_id.lower())

    def capture(self, region, resource_arn, job_id):
        database = self.instance(resource_arn)
        arn = self.recovery_point_arn(region, job_id)
        snapshot_id = arn.split(":snapshot:", 1)[1]
        path = os.path.join(self.backup_dir(), snapshot_id.replace(":", "_") + ".sql")
        if (database.db_instance_identifier in self.fleet.identifiers()):
            self.fleet.dump(database.db_instance_identifier, path)
        else:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write("-- no server behind this instance\n")
        snapshot = self.backend(region).create_db_snapshot(database.db_instance_identifier, snapshot_id, snapshot_type="awsbackup")
        snapshot.restorekit_dump = path
        return {"arn": arn, "size": os.path.getsize(path), "payload": {"dump": path, "snapshot": snapshot_id},
                "restore_metadata": self.source_metadata(database)}

    @staticmethod
    def source_metadata(database):
        """What GetRecoveryPointRestoreMetadata returns for an RDS point: the source instance's own configuration."""
        metadata = {
            "DBInstanceIdentifier": database.db_instance_identifier,
            "DBInstanceClass": database.db_instance_class,
            "Engine": database.engine,
            "EngineVersion": str(database.engine_version),
            "MultiAZ": str(bool(database.multi_az)).lower(),
            "Port": "3306",
            "StorageType": database.storage_type or "gp2",
            "PubliclyAccessible": str(bool(database.publicly_accessible)).lower(),
            "CopyTagsToSnapshot": str(bool(database.copy_tags_to_snapshot)).lower(),
            "AutoMinorVersionUpgrade": "true",
            "DeletionProtection": str(bool(database.deletion_protection)).lower(),
            "EnableIAMDatabaseAuthentication": "false",
            "LicenseModel": "general-public-license",
            "VpcSecurityGroupIds": json.dumps(list(database.vpc_security_group_ids or [])),
        }
        subnet_group = getattr(database, "_db_subnet_group_name", None)  # moto makes the public name write-only
        if subnet_group:
            metadata["DBSubnetGroupName"] = subnet_group
        if database.availability_zone:
            metadata["AvailabilityZone"] = database.availability_zone
        if database.db_name:
            metadata["DBName"] = database.db_name
        if database.kms_key_id:
            metadata["KmsKeyId"] = database.kms_key_id
        return metadata

    def copy(self, point, dest_region, job_id):
        arn = "arn:aws:rds:%s:%s:snapshot:awsbackup:copyjob-%s" % (dest_region, self.account_id, job_id.lower())
        return {"arn": arn, "payload": dict(point.payload), "restore_metadata": dict(point.restore_metadata)}

    def validate_restore_metadata(self, point, metadata):
        metadata = canonical_keys(metadata, RDS_METADATA_KEYS)
        merged = dict(metadata)
        identifier = merged.get("DBInstanceIdentifier")
        if not identifier:
            raise invalid("Metadata DBInstanceIdentifier is required to restore an RDS recovery point")
        if not DB_IDENTIFIER.match(identifier):
            raise invalid("Invalid DBInstanceIdentifier %r: 1-63 letters, digits or hyphens, starting with a letter" % identifier)
        if "DBInstanceClass" in merged and not re.match(r"^db\.[a-z0-9]+\.[a-z0-9]+$", merged["DBInstanceClass"]):
            raise invalid("Invalid DBInstanceClass: %r" % merged["DBInstanceClass"])
        engine = point.restore_metadata.get("Engine", "mysql")
        if "Engine" in merged and merged["Engine"].lower() != engine.lower():
            raise invalid("Engine %s does not match the recovery point's engine %s" % (merged["Engine"], engine))
        if "VpcSecurityGroupIds" in merged:
            parse_json_list("VpcSecurityGroupIds", merged["VpcSecurityGroupIds"])
        for key in RDS_BOOLEANS:
            if key in merged:
                parse_bool(key, merged[key])
        if "Port" in merged and not merged["Port"].isdigit():
            raise invalid("Metadata Port must be a number, got %r" % merged["Port"])
        return metadata

    def restore(self, point, metadata, job_id, copy_tags):
        region = point.region
        backend = self.backend(region)
        source = rds_source_settings(point)
        identifier = metadata["DBInstanceIdentifier"]
        with self.lock:
            if identifier in backend.databases:
                raise ApiError("DBInstanceAlreadyExists", "DB instance already exists: %s" % identifier)
            kwargs = {
                "db_instance_identifier": identifier,
                "db_instance_class": metadata.get("DBInstanceClass") or point.restore_metadata.get("DBInstanceClass", "db.t3.micro"),
                "engine": source["engine"],
                "engine_version": source["engine_version"],
                "allocated_storage": source["allocated_storage"],
                "master_username": source["master_username"],
                "master_user_password": source["master_user_password"],
                "db_name": metadata.get("DBName") or source["db_name"],
                "db_subnet_group_name": metadata.get("DBSubnetGroupName"),
                "vpc_security_group_ids": parse_json_list("VpcSecurityGroupIds", metadata["VpcSecurityGroupIds"])
                if "VpcSecurityGroupIds" in metadata else [],
                "multi_az": parse_bool("MultiAZ", metadata["MultiAZ"]) if "MultiAZ" in metadata else False,
                "publicly_accessible": parse_bool("PubliclyAccessible", metadata["PubliclyAccessible"])
                if "PubliclyAccessible" in metadata else False,
                "deletion_protection": parse_bool("DeletionProtection", metadata["DeletionProtection"])
                if "DeletionProtection" in metadata else False,
                "availability_zone": metadata.get("AvailabilityZone"),
                "storage_type": metadata.get("StorageType", "gp2"),
                "db_parameter_group_name": metadata.get("DBParameterGroupName"),
                "port": 3306,
                "tags": list(source["tags"]) if copy_tags else [],
                "kms_key_id": metadata.get("KmsKeyId") or source.get("kms_key_id"),
                "storage_encrypted": True,
                "backup_retention_period": 1,
            }
            try:
                database = backend.create_db_instance(kwargs)
            except Exception as exc:  # moto's RDS errors carry the AWS code and message
                raise ApiError("InvalidParameterValueException", "Restore failed: %s" % getattr(exc, "message", exc)) from None
        try:
            self.attach_server(database, point.payload["dump"])
        except Exception:
            backend.databases.pop(identifier, None)
            raise
        return database.db_instance_arn

    def restore_testing_metadata(self, point):
        """The point's metadata under a generated name, without deletion protection: AWS infers deletionProtection
        false for a restore test (restore-testing-inferred-metadata), so what it restored can be deleted afterwards."""
        metadata = dict(point.restore_metadata)
        metadata["DBInstanceIdentifier"] = "awsbackup-restore-test-%s" % uuid.uuid4().hex[:12]
        metadata["DeletionProtection"] = "false"
        return metadata

    def delete_recovery_point(self, point):
        backend = self.backend(point.region)
        backend.database_snapshots.pop(point.payload.get("snapshot"), None)

    def delete_restored(self, arn):
        """DeleteDBInstance without a final snapshot, automated backups included, and the MariaDB server behind it."""
        region, identifier = self.split(arn)
        try:
            self.backend(region).delete_db_instance(identifier, skip_final_snapshot=True, delete_automated_backups=True)
        except Exception as exc:  # moto's RDS errors carry RDS's code and message (not found, deletion protection)
            raise service_error(exc) from None
        self.after_call(region, "DeleteDBInstance", {"DBInstanceIdentifier": identifier, "DeleteAutomatedBackups": "true"})


def service_error(exc):
    """One of moto's service errors as the ApiError a client sees: its AWS code (ServiceException's code, an older
    error's error_type) and message."""
    code = getattr(exc, "error_type", None) or getattr(exc, "code", None)
    return ApiError(code if isinstance(code, str) else exc.__class__.__name__, getattr(exc, "message", str(exc)))


def master_password(database):
    """moto keeps the master password but hides it behind a property that raises, as the API never returns it."""
    return getattr(database, "_master_user_password", None) or ""


def is_mysql(engine):
    return (engine or "").lower() in ("mysql", "mariadb")


def rds_source_settings(point):
    """The settings a restore inherits from the snapshot the recovery point stands for."""
    backend = rds_backends[point.arn.split(":")[4]][point.region] if point.arn.startswith("arn:aws:rds:") else None
    snapshot = None
    if backend is not None:
        snapshot = backend.database_snapshots.get(point.payload.get("snapshot"))
    if snapshot is None:
        # A copy in another region: the source snapshot lives in the source region's backend.
        for backends in rds_backends.values():
            for region_backend in backends.values():
                snapshot = region_backend.database_snapshots.get(point.payload.get("snapshot"))
                if snapshot is not None:
                    break
            if snapshot is not None:
                break
    if snapshot is None:
        raise ApiError("InvalidRequestException", "The recovery point's snapshot is gone")
    database = snapshot.database
    return {
        "engine": database.engine, "engine_version": database.engine_version,
        "allocated_storage": database.allocated_storage, "master_username": database.master_username,
        "master_user_password": master_password(database), "db_name": database.db_name,
        "tags": database.tags or [], "kms_key_id": database.kms_key_id,
    }


_PATCHED = []


def install_endpoint_patch():
    """Report every DB instance's endpoint on loopback, where its endpoint proxy listens."""
    if _PATCHED:
        return
    DBInstance.address = property(lambda self: ENDPOINT_ADDRESS)
    _PATCHED.append(True)


# ---------------------------------------------------------------------------------------------- S3
S3_METADATA_KEYS = ("DestinationBucketName", "NewBucket", "Encrypted", "EncryptionType", "KMSKey", "CreationToken",
                    "ItemsToRestore", "RestoreTime")
S3_ENCRYPTION_TYPES = ("SSE-S3", "SSE-KMS", "ORIGINAL")
BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
S3_MAX_ITEMS = 5  # "you restore up to 5 items (S3 objects) per restore job" (restoring-s3)
# Grantees that make an ACL public ("The meaning of public" in the S3 user guide).
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
ACLS_DISABLED = "BucketOwnerEnforced"
# What the bucket of a NewBucket restore gets. S3 turns Block Public Access on for every new bucket (April 2023), and
# AWSBackupServiceRolePolicyForS3Restore holds no s3:PutBucketPublicAccessBlock to turn it off; the policy does hold
# s3:PutBucketOwnershipControls, with which AWS Backup enables the ACLs its restore needs (the value is unconfirmed).
NEW_BUCKET_OWNERSHIP = "ObjectWriter"
NO_ACLS_MESSAGE = ("Access Control Lists (ACLs) must be enabled in the destination bucket %s: the backup includes ACLs and "
                   "the bucket's Object Ownership is BucketOwnerEnforced (AccessControlListNotSupported: The bucket does not allow ACLs)")


def acl_grants(acl):
    """A moto ACL as JSON-able grants: [{"grantees": [{"id", "uri", "display_name"}], "permissions": [...]}]."""
    return [{"grantees": [{"id": g.id, "uri": g.uri, "display_name": g.display_name} for g in grant.grantees],
             "permissions": list(grant.permissions)} for grant in (acl.grants if acl else [])]


def acl_from_grants(grants):
    """The moto ACL that acl_grants() described."""
    return FakeAcl([FakeGrant([FakeGrantee(grantee_id=g["id"], uri=g["uri"], display_name=g["display_name"])
                               for g in grant["grantees"]], list(grant["permissions"])) for grant in grants])


def is_public(grants):
    """Whether an ACL grants anything to AllUsers or AuthenticatedUsers, which S3 calls public."""
    return any(g["uri"] in PUBLIC_GRANTEES for grant in grants for g in grant["grantees"])


class S3Driver(Driver):
    """S3: a backup captures each current object (bytes, metadata, content headers, tags, encryption, ACL)."""

    resource_type = "S3"
    arn_pattern = r"^arn:aws:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"

    @property
    def backend(self):
        return s3_backends[self.account_id]["aws"]

    def bucket(self, name):
        try:
            return self.backend.get_bucket(name)
        except Exception:
            raise ApiError("ResourceNotFoundException", "Bucket not found: %s" % name) from None

    def describe_resource(self, arn):
        name = arn.rsplit(":", 1)[1]
        self.bucket(name)
        return {"name": name}

    def list_resources(self, region):
        out = []
        for bucket in list(self.backend.buckets.values()):
            if bucket.region_name != region:
                continue
            tags = self.backend.tagger.get_tag_dict_for_resource(bucket.arn)
            out.append(("arn:aws:s3:::%s" % bucket.name, tags))
        return out

    def recovery_point_arn(self, region, job_id):
        return "arn:aws:backup:%s:%s:recovery-point:%s" % (region, self.account_id, job_id)

    def capture(self, region, resource_arn, job_id):
        """Each object's current version (a delete marker leaves its key out): bytes, metadata, tags, encryption, ACL.

        Like AWS Backup by default, a backup includes the objects' ACLs (the S3BackupACLs option is not emulated)."""
        name = resource_arn.rsplit(":", 1)[1]
        bucket = self.bucket(name)
        arn = self.recovery_point_arn(region, job_id)
        folder = self.backup_dir(job_id)
        objects = []
        total = 0
        for index, key in enumerate(list(bucket.keys.values())):  # moto's key store yields each key's current version
            if isinstance(key, FakeDeleteMarker) or not hasattr(key, "value"):
                continue
            body = key.value
            blob = os.path.join(folder, "%d.bin" % index)
            with open(blob, "wb") as handle:
                handle.write(body)
            total += len(body)
            grants = acl_grants(key.acl)
            objects.append({
                "key": key.name, "blob": blob, "size": len(body),
                "metadata": dict(key.metadata), "tags": self.backend.tagger.get_tag_dict_for_resource(key.arn),
                "encryption": key.encryption, "kms_key_id": key.kms_key_id, "bucket_key_enabled": key.bucket_key_enabled,
                "storage_class": key.storage_class, "acl": grants, "public": is_public(grants),
            })
        manifest = os.path.join(folder, "manifest.json")
        with open(manifest, "w", encoding="utf-8") as handle:
            json.dump({"bucket": name, "acls_included": True, "objects": objects}, handle)
        return {"arn": arn, "size": total, "payload": {"manifest": manifest, "bucket": name},
                "restore_metadata": {"DestinationBucketName": name, "NewBucket": "false", "EncryptionType": "ORIGINAL"}}

    def copy(self, point, dest_region, job_id):
        arn = self.recovery_point_arn(dest_region, job_id)
        return {"arn": arn, "payload": dict(point.payload), "restore_metadata": dict(point.restore_metadata)}

    def validate_restore_metadata(self, point, metadata):
        metadata = canonical_keys(metadata, S3_METADATA_KEYS)
        target = metadata.get("DestinationBucketName")
        if not target:
            raise invalid("Metadata DestinationBucketName is required to restore an S3 recovery point")
        if not BUCKET_NAME.match(target):
            raise invalid("Invalid DestinationBucketName: %r" % target)
        if "NewBucket" in metadata:
            parse_bool("NewBucket", metadata["NewBucket"])
        if "Encrypted" in metadata:
            parse_bool("Encrypted", metadata["Encrypted"])
        kind = metadata.get("EncryptionType", "ORIGINAL")
        if kind not in S3_ENCRYPTION_TYPES:
            raise invalid("EncryptionType must be one of %s, got %r" % (", ".join(S3_ENCRYPTION_TYPES), kind))
        if kind == "SSE-KMS" and not metadata.get("KMSKey"):
            raise invalid("EncryptionType SSE-KMS needs KMSKey")
        if "ItemsToRestore" in metadata:
            items = parse_json_list("ItemsToRestore", metadata["ItemsToRestore"])
            if not 1 <= len(items) <= S3_MAX_ITEMS:
                raise invalid("ItemsToRestore takes 1 to %d items, got %d" % (S3_MAX_ITEMS, len(items)))
            source = point.payload["bucket"]
            for item in items:
                if not item.startswith("s3://%s/" % source):
                    raise invalid("ItemsToRestore item %r is not in the source bucket s3://%s/" % (item, source))
        return metadata

    def restore(self, point, metadata, job_id, copy_tags):
        """Write the point's objects into the destination, as AWS Backup does (restoring-s3, "restore considerations").

        COPY_TAGS is not used: copying tags on restore is not available for S3, so the restored bucket gets none."""
        target = metadata["DestinationBucketName"]
        with open(point.payload["manifest"], encoding="utf-8") as handle:
            manifest = json.load(handle)
        bucket = self.destination(point, target, metadata.get("NewBucket", "false").lower() == "true")
        if manifest.get("acls_included", True) and bucket.ownership_rule == ACLS_DISABLED:
            raise ApiError("AccessControlListNotSupported", NO_ACLS_MESSAGE % target)
        prefixes = None
        if "ItemsToRestore" in metadata:
            source = "s3://%s/" % manifest["bucket"]
            prefixes = [item[len(source):] for item in json.loads(metadata["ItemsToRestore"])]
        blocked = self.blocks_public_acls(bucket)
        for item in manifest["objects"]:
            if prefixes is not None and not any(item["key"].startswith(p) for p in prefixes):
                continue
            current = bucket.keys.get(item["key"])
            if current is not None and not isinstance(current, FakeDeleteMarker):
                continue  # AWS Backup does not overwrite an object; a delete marker counts as no object
            if blocked and item.get("public"):
                continue  # Block Public Access refuses the public ACL: the object is not restored, the job goes on
            self.put_item(target, item, metadata)
        return "arn:aws:s3:::%s" % target

    def destination(self, point, target, new_bucket):
        """The bucket a restore writes into; with NewBucket, created as S3 and AWS Backup create it."""
        exists = target in self.backend.buckets
        if new_bucket and exists:
            raise ApiError("BucketAlreadyExists", "Destination bucket %s already exists and NewBucket is true" % target)
        if not new_bucket and not exists:
            raise ApiError("NoSuchBucket", "Destination bucket %s does not exist and NewBucket is false" % target)
        if new_bucket:
            bucket = self.backend.create_bucket(target, point.region)
            bucket.ownership_rule = NEW_BUCKET_OWNERSHIP
            bucket.public_access_block = PublicAccessBlock(True, True, True, True)
        return self.backend.get_bucket(target)

    def blocks_public_acls(self, bucket):
        """BlockPublicAcls of the bucket or of the account (S3 applies the stricter of the two)."""
        account = s3control_backends[self.account_id]["aws"].public_access_block
        return any(block is not None and block.block_public_acls for block in (bucket.public_access_block, account))

    def put_item(self, target, item, metadata):
        """One object of the point into TARGET: bytes, storage class, encryption, metadata, tags and ACL."""
        with open(item["blob"], "rb") as handle:
            body = handle.read()
        kind = metadata.get("EncryptionType", "ORIGINAL")
        if kind == "SSE-S3":
            encryption, kms_key = "AES256", None
        elif kind == "SSE-KMS":
            encryption, kms_key = "aws:kms", metadata["KMSKey"]
        else:
            encryption, kms_key = item["encryption"], item["kms_key_id"]
        # Every object comes back in S3 Standard, whatever its class at backup ("restore ... to the S3 Standard storage class").
        key = self.backend.put_object(target, item["key"], body, storage="STANDARD",
                                      encryption=encryption, kms_key_id=kms_key,
                                      bucket_key_enabled=item.get("bucket_key_enabled"), disable_notification=True)
        key.set_metadata(dict(item["metadata"]), replace=True)
        if item["tags"]:
            self.backend.put_object_tagging(key, item["tags"])
        if item.get("acl"):
            key.set_acl(acl_from_grants(item["acl"]))

    def restore_testing_metadata(self, point):
        return {"DestinationBucketName": "awsbackup-restore-test-%s" % uuid.uuid4().hex[:12], "NewBucket": "true",
                "EncryptionType": "ORIGINAL"}

    def delete_recovery_point(self, point):
        folder = os.path.dirname(point.payload["manifest"])
        if point.arn.endswith(os.path.basename(folder)):
            shutil.rmtree(folder, ignore_errors=True)

    def delete_restored(self, arn):
        """The bucket with every object, version and upload in it (S3 deletes only an empty bucket: emptied first)."""
        name = arn.rsplit(":", 1)[1]
        try:
            bucket = self.backend.get_bucket(name)
        except Exception:
            raise ApiError("NoSuchBucket", "The specified bucket does not exist: %s" % name) from None
        for _name, versions in list(bucket.keys.iterlists()):
            for version in versions:
                if hasattr(version, "dispose"):  # a delete marker holds no bytes
                    version.dispose()
        for upload in list(bucket.multiparts.values()):
            upload.dispose()
        bucket.keys.clear()
        bucket.multiparts.clear()
        self.backend.delete_bucket(name)


# ---------------------------------------------------------------------------------------------- EC2
EC2_METADATA_KEYS = ("InstanceType", "SubnetId", "SecurityGroupIds", "IamInstanceProfileName", "RequireIMDSv2",
                     "NetworkInterfaces", "Placement", "InstanceInitiatedShutdownBehavior", "DisableApiTermination",
                     "EbsOptimized", "KeyName", "CpuOptions", "CreditSpecification", "UserData", "Monitoring")
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+$")


class Ec2Driver(Driver):
    """EC2: a backup is an AMI (the recovery point ARN is the image's ARN); a restore launches an instance from it."""

    resource_type = "EC2"
    arn_pattern = r"^arn:aws:ec2:[a-z0-9-]+:\d{12}:instance/i-[0-9a-f]+$"

    def backend(self, region):
        return ec2_backends[self.account_id][region]

    def instance(self, arn):
        region = arn.split(":")[3]
        instance_id = arn.rsplit("/", 1)[1]
        try:
            return self.backend(region).get_instance(instance_id)
        except Exception:
            raise ApiError("ResourceNotFoundException", "Instance not found: %s" % instance_id) from None

    def describe_resource(self, arn):
        instance = self.instance(arn)
        tags = {t["key"]: t["value"] for t in instance.get_tags()}
        return {"name": tags.get("Name", instance.id)}

    def list_resources(self, region):
        out = []
        for reservation in list(self.backend(region).reservations.values()):
            for instance in reservation.instances:
                if instance.state == "terminated":
                    continue
                tags = {t["key"]: t["value"] for t in instance.get_tags()}
                out.append(("arn:aws:ec2:%s:%s:instance/%s" % (region, self.account_id, instance.id), tags))
        return out

    def capture(self, region, resource_arn, job_id):
        instance = self.instance(resource_arn)
        image = self.backend(region).create_image(instance.id, "AwsBackup_%s_%s" % (instance.id, job_id[:8]),
                                                  "Created by AWS Backup", [])
        arn = "arn:aws:ec2:%s::image/%s" % (region, image.id)
        metadata = {
            "InstanceType": instance.instance_type,
            "RequireIMDSv2": str(instance.metadata_options.http_tokens == "required").lower()
            if hasattr(instance.metadata_options, "http_tokens") else "false",
            "InstanceInitiatedShutdownBehavior": instance.instance_initiated_shutdown_behavior or "stop",
            "DisableApiTermination": str(bool(instance.disable_api_termination)).lower(),
            "EbsOptimized": str(bool(instance.ebs_optimized)).lower(),
            "Placement": json.dumps({"AvailabilityZone": instance.placement.zone}),
            "NetworkInterfaces": json.dumps([{
                "DeviceIndex": 0, "SubnetId": instance.subnet_id,
                "Groups": [group.id for group in instance.security_groups], "DeleteOnTermination": True}]),
        }
        if instance.iam_instance_profile:
            profile = instance.iam_instance_profile
            metadata["IamInstanceProfileName"] = profile.get("Arn", "").rsplit("/", 1)[-1] if isinstance(profile, dict) else str(profile)
        if instance.key_name:
            metadata["KeyName"] = instance.key_name
        return {"arn": arn, "size": 8 * 1024 ** 3, "payload": {"image_id": image.id, "region": region},
                "restore_metadata": metadata}

    def copy(self, point, dest_region, job_id):
        image = self.backend(dest_region).copy_image(point.payload["image_id"], point.payload["region"],
                                                     "AwsBackup_copy_%s" % job_id[:8], "Copied by AWS Backup")
        return {"arn": "arn:aws:ec2:%s::image/%s" % (dest_region, image.id),
                "payload": {"image_id": image.id, "region": dest_region}, "restore_metadata": dict(point.restore_metadata)}

    def validate_restore_metadata(self, point, metadata):
        metadata = canonical_keys(metadata, EC2_METADATA_KEYS)
        if "InstanceType" in metadata and not INSTANCE_TYPE.match(metadata["InstanceType"]):
            raise invalid("Invalid InstanceType: %r" % metadata["InstanceType"])
        for key in ("RequireIMDSv2", "DisableApiTermination", "EbsOptimized"):
            if key in metadata:
                parse_bool(key, metadata[key])
        if "SecurityGroupIds" in metadata:
            parse_json_list("SecurityGroupIds", metadata["SecurityGroupIds"])
        interfaces = []
        if metadata.get("NetworkInterfaces"):
            try:
                interfaces = json.loads(metadata["NetworkInterfaces"])
            except ValueError:
                raise invalid("Metadata NetworkInterfaces must be a JSON list") from None
        if interfaces and ("SubnetId" in metadata or "SecurityGroupIds" in metadata):
            raise ApiError("InvalidParameterCombination",
                           "Network interfaces and an instance-level subnet ID or security groups may not be specified on the same request")
        return metadata

    @staticmethod
    def image_here(point, backend):
        """The point's image as BACKEND's account sees it: its own, or (a point of another account's vault shared with
        this one through AWS RAM, backup_shared.py) a copy AWS Backup makes available to the restoring account."""
        image_id = point.payload["image_id"]
        if image_id in backend.amis:
            return image_id
        for backends in list(ec2_backends.values()):
            source = backends[point.payload["region"]].amis.get(image_id)
            if source is not None:
                made = getattr(source, "restorekit_shared", {})  # one copy per account, whatever the number of restores
                if made.get(backend.account_id) not in backend.amis:
                    shared = Ami(backend, random_ami_id(), instance=None, source_ami=source, name=source.name,
                                 description="Shared with this account by AWS Backup")
                    backend.amis[shared.id] = shared
                    source.restorekit_shared = dict(made, **{backend.account_id: shared.id})
                return source.restorekit_shared[backend.account_id]
        raise ApiError("InvalidRequestException", "The recovery point's image %s is gone" % image_id)

    def restore(self, point, metadata, job_id, copy_tags):
        region = point.region
        backend = self.backend(region)
        kwargs = {"instance_type": metadata.get("InstanceType", point.restore_metadata.get("InstanceType", "t3.micro")),
                  "is_instance_type_default": False, "region_name": region}
        interfaces = json.loads(metadata["NetworkInterfaces"]) if metadata.get("NetworkInterfaces") else []
        if interfaces:
            kwargs["subnet_id"] = interfaces[0].get("SubnetId")
            kwargs["security_group_ids"] = interfaces[0].get("Groups") or []
        if "SubnetId" in metadata:
            kwargs["subnet_id"] = metadata["SubnetId"]
        if "SecurityGroupIds" in metadata:
            kwargs["security_group_ids"] = json.loads(metadata["SecurityGroupIds"])
        if metadata.get("IamInstanceProfileName"):
            kwargs["iam_instance_profile_name"] = metadata["IamInstanceProfileName"]
        require = metadata.get("RequireIMDSv2", "false").lower() == "true"
        kwargs["metadata_options"] = {"HttpTokens": "required" if require else "optional", "HttpEndpoint": "enabled"}
        if metadata.get("KeyName"):
            kwargs["key_name"] = metadata["KeyName"]
        try:
            # The metadata's UserData is base64, as RunInstances takes it; moto keeps it encoded, as DescribeInstanceAttribute gives it.
            user_data = parse_user_data(metadata["UserData"]) if metadata.get("UserData") else None
            profile = kwargs.pop("iam_instance_profile_name", None)
            if profile:
                # moto's RunInstances handler checks and associates the profile, its backend does not: do it here.
                filter_iam_instance_profiles(self.account_id, "aws", None, profile)
            reservation = backend.run_instances(self.image_here(point, backend), 1, user_data, [], **kwargs)
            if profile:
                backend.associate_iam_instance_profile(instance_id=reservation.instances[0].id, iam_instance_profile_name=profile)
        except Exception as exc:
            raise ApiError("InvalidParameterValueException", "Restore failed: %s" % getattr(exc, "message", exc)) from None
        instance = reservation.instances[0]
        if copy_tags:
            source_tags = {}
            try:
                source = self.instance(point.resource_arn)
                source_tags = {t["key"]: t["value"] for t in source.get_tags()}
            except ApiError:
                pass
            if source_tags:
                backend.create_tags([instance.id], source_tags)
        return "arn:aws:ec2:%s:%s:instance/%s" % (region, self.account_id, instance.id)

    def delete_recovery_point(self, point):
        try:
            self.backend(point.payload["region"]).deregister_image(point.payload["image_id"])
        except Exception:  # already gone
            pass

    def delete_restored(self, arn):
        """TerminateInstances of the restored instance (refused with its API termination protection on)."""
        instance = self.instance(arn)
        if instance.state == "terminated":
            raise ApiError("InvalidInstanceID.NotFound", "The instance ID '%s' does not exist" % instance.id)
        try:
            self.backend(arn.split(":")[3]).terminate_instances([instance.id])
        except Exception as exc:  # moto's EC2 errors carry EC2's code and message
            raise service_error(exc) from None


def make_drivers(account_id, state_dir, fleet, automated_backups=None):
    return {"RDS": RdsDriver(account_id, state_dir, fleet, automated_backups), "S3": S3Driver(account_id, state_dir),
            "EC2": Ec2Driver(account_id, state_dir)}
