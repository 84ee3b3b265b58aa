# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore metadata, normalised per resource type: the rules behind ``restorekit.aws.restore_job``.

Pure functions, unit-tested without Ansible or AWS. The runbook's traps this handles (DESIGN.md "Known traps"):

- The runbook's sample metadata spells one key three ways (``SubnetGroupName``, ``DbSubnetGroupName``) and
  ``DbInstanceIdentifier`` beside the API's ``DBInstanceIdentifier``. AWS treats keys case-insensitively:
  keys are matched to the API's spelling, duplicates folded when equal and refused when they differ.
- It passes security groups as one bare string; AWS wants a JSON list. Values become what the API wants:
  strings, lists as JSON, booleans as ``"true"``/``"false"``.
- A recovery point's own restore metadata names the *source* (its DB identifier, its bucket). Merged blindly,
  a restore aims at production. The target must be given and must differ from the source unless allowed.
"""

from __future__ import annotations

import hashlib
import json
import re

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

KNOWN_KEYS = {
    "RDS": (
        "DBInstanceIdentifier", "DBInstanceClass", "Engine", "EngineVersion", "DBSubnetGroupName", "VpcSecurityGroupIds",
        "MultiAZ", "Port", "AvailabilityZone", "StorageType", "Iops", "StorageThroughput", "PubliclyAccessible",
        "CopyTagsToSnapshot", "DBName", "LicenseModel", "AutoMinorVersionUpgrade", "DeletionProtection",
        "EnableIAMDatabaseAuthentication", "KmsKeyId", "DBParameterGroupName", "OptionGroupName",
        "EnableCloudwatchLogsExports", "NetworkType", "CACertificateIdentifier",
    ),
    "S3": ("DestinationBucketName", "NewBucket", "Encrypted", "EncryptionType", "KMSKey", "CreationToken", "ItemsToRestore",
           "RestoreTime"),
    "EC2": ("InstanceType", "SubnetId", "SecurityGroupIds", "IamInstanceProfileName", "RequireIMDSv2", "NetworkInterfaces",
            "Placement", "InstanceInitiatedShutdownBehavior", "DisableApiTermination", "EbsOptimized", "KeyName", "CpuOptions",
            "CreditSpecification", "UserData", "Monitoring", "HibernationOptions"),
}
# Spellings responders write that are not the API's, beyond letter case (the runbook's sample has one).
ALIASES = {"RDS": {"subnetgroupname": "DBSubnetGroupName"}}
LIST_KEYS = {"RDS": ("VpcSecurityGroupIds", "EnableCloudwatchLogsExports"), "S3": ("ItemsToRestore",), "EC2": ("SecurityGroupIds",)}
BOOLEAN_KEYS = {
    "RDS": ("MultiAZ", "PubliclyAccessible", "CopyTagsToSnapshot", "AutoMinorVersionUpgrade", "DeletionProtection",
            "EnableIAMDatabaseAuthentication"),
    "S3": ("NewBucket", "Encrypted"),
    "EC2": ("RequireIMDSv2", "DisableApiTermination", "EbsOptimized"),
}
# The key that names what a restore creates, per type. EC2 restores always launch a new instance.
TARGET_KEYS = {"RDS": "DBInstanceIdentifier", "S3": "DestinationBucketName", "EC2": None}
# AWS Backup's item-level S3 restore takes at most 5 items (keys or prefixes) per restore job ("Restoring S3 data",
# AWS Backup developer guide); more items are restored by several jobs.
ITEMS_PER_JOB = 5
DB_IDENTIFIER = re.compile(r"^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$")
BUCKET_NAME = re.compile(r"^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
RECOVERY_POINT_ARN = re.compile(
    r"^arn:aws[a-z-]*:(?:"
    r"rds:[a-z0-9-]+:\d{12}:(?:snapshot|cluster-snapshot):.+"
    r"|ec2:[a-z0-9-]+:\d{0,12}:image/ami-[0-9a-f]+"
    r"|backup:[a-z0-9-]+:\d{12}:recovery-point:.+"
    r"|elasticfilesystem:.+|dynamodb:.+|ec2:[a-z0-9-]+:\d{0,12}:snapshot/.+)$")
RESOURCE_TYPES = ("RDS", "S3", "EC2")


class MetadataError(Exception):
    """Restore metadata that cannot be sent; the message names the option, the key and the value."""


def resource_type_from_arn(arn):
    """The resource type an ARN itself proves, or None when only the recovery point's description can tell (backup ARNs)."""
    if not RECOVERY_POINT_ARN.match(arn or ""):
        raise MetadataError("recovery_point_arn=%r is not a recovery point ARN (expected arn:aws:rds:...:snapshot:..., "
                            "arn:aws:ec2:...:image/ami-..., or arn:aws:backup:...:recovery-point:...)" % arn)
    service = arn.split(":")[2]
    if service == "rds":
        return "RDS"
    if service == "ec2" and ":image/" in arn:
        return "EC2"
    return None


def check_resource_type(arn, declared, described=None):
    """The resource type to restore: declared, inferred from the ARN, or described by AWS; contradictions are refused."""
    from_arn = resource_type_from_arn(arn)
    for source, value in (("the recovery point ARN", from_arn), ("the recovery point", described)):
        if declared and value and declared != value:
            raise MetadataError("resource_type=%r contradicts %s, which is %s (%s)" % (declared, source, value, arn))
    resolved = declared or from_arn or described
    if resolved not in RESOURCE_TYPES:
        raise MetadataError("resource_type=%r is not one this module restores (%s)" % (resolved, ", ".join(RESOURCE_TYPES)))
    return resolved


def _as_text(resource_type, key, value):
    """A metadata value as AWS wants it: a string; lists as JSON; booleans as "true"/"false"."""
    if key in LIST_KEYS.get(resource_type, ()):
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    value = json.loads(text)
                except ValueError:
                    raise MetadataError("metadata %s=%r is not a valid JSON list" % (key, value)) from None
            else:
                # The runbook's bare "sg-0123": one item, or several separated by commas.
                value = [item.strip() for item in text.split(",") if item.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise MetadataError("metadata %s must be a list of strings, got %r" % (key, value))
        return json.dumps(list(value))
    if key in BOOLEAN_KEYS.get(resource_type, ()):
        if isinstance(value, bool):
            return "true" if value else "false"
        if str(value).lower() in ("true", "false", "yes", "no"):
            return "true" if str(value).lower() in ("true", "yes") else "false"
        raise MetadataError("metadata %s must be a boolean, got %r" % (key, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if value is None:
        raise MetadataError("metadata %s has no value" % key)
    return str(value)


def normalise(resource_type, metadata, source="metadata"):
    """Keys in the API's spelling and values as AWS wants them; returns (metadata, warnings)."""
    known = KNOWN_KEYS[resource_type]
    by_lower = {k.lower(): k for k in known}
    by_lower.update(ALIASES.get(resource_type, {}))
    out, spelled, warnings = {}, {}, []
    for key, value in (metadata or {}).items():
        canonical = by_lower.get(str(key).lower())
        if canonical is None:
            canonical = key
            warnings.append("%s key %r is not a restore metadata key AWS Backup documents for %s; it is sent as given"
                            % (source, key, resource_type))
        text = _as_text(resource_type, canonical, value)
        if canonical in out and out[canonical] != text:
            raise MetadataError("%s keys %s=%r and %s=%r name the same setting (%s) with different values"
                                % (source, spelled[canonical], out[canonical], key, text, canonical))
        out[canonical] = text
        spelled.setdefault(canonical, key)
    return out, warnings


def merge(resource_type, point_metadata, overrides, target_name=None):
    """The metadata to send: the recovery point's own, normalised, with the play's overrides on top.

    ``target_name`` sets the type's target key (DB identifier, destination bucket); it must agree with the overrides.
    """
    base, _base_warnings = normalise(resource_type, point_metadata, source="recovery point metadata")
    given, warnings = normalise(resource_type, overrides, source="metadata")
    target_key = TARGET_KEYS[resource_type]
    if target_name is not None:
        if target_key is None:
            raise MetadataError("target_name=%r: an %s restore always launches a new instance and takes no target name"
                                % (target_name, resource_type))
        if target_key in given and given[target_key] != target_name:
            raise MetadataError("target_name=%r and metadata %s=%r disagree" % (target_name, target_key, given[target_key]))
        given[target_key] = target_name
    if target_key is not None and target_key not in given:
        raise MetadataError("a %s restore needs an explicit target: set target_name (or metadata %s). The recovery point's "
                            "own metadata names its source, %r, and a restore is never aimed there by default"
                            % (resource_type, target_key, base.get(target_key)))
    if resource_type == "EC2" and ("SubnetId" in given or "SecurityGroupIds" in given):
        # The point's own network interfaces carry its subnet and groups; EC2 refuses both at once.
        base.pop("NetworkInterfaces", None)
    merged = dict(base)
    merged.update(given)
    if resource_type == "RDS" and merged.get("MultiAZ") == "true" and "AvailabilityZone" not in given:
        # RDS refuses a fixed availability zone for a Multi-AZ instance; the point's own zone is only a default.
        merged.pop("AvailabilityZone", None)
    return merged, warnings


def _each_id(prefix):
    def check(value, option):
        for index, item in enumerate(json.loads(value)):
            inputs.ec2_id(item, "%s[%d]" % (option, index), prefix)
        inputs.unique(json.loads(value), option)
    return check


def _availability_zone(region):
    def check(value, option):
        if not re.match(r"^[a-z]{2}(?:-[a-z]+)+-\d[a-z]$", value) or (region and not value.startswith(region)):
            inputs.fail(option, value, "not an availability zone%s" % (" of %s" % region if region else ""))
    return check


def value_rules(resource_type, region=None):
    """{metadata key: check(value, option)} for the values of a play's metadata that AWS would otherwise take and
    fail on only once the restore job runs (a malformed KMS key, security group or instance class)."""
    def kms(value, option):
        return inputs.kms_key(value, option, region=region)

    rules = {
        "RDS": {"KmsKeyId": kms, "DBInstanceClass": inputs.db_instance_class, "VpcSecurityGroupIds": _each_id("sg"),
                "DBSubnetGroupName": inputs.db_subnet_group_name, "DBParameterGroupName": inputs.db_parameter_group_name,
                "Port": lambda value, option: inputs.integer(value, option, 1150, 65535),
                "Iops": lambda value, option: inputs.integer(value, option, 1),
                "StorageThroughput": lambda value, option: inputs.integer(value, option, 1),
                "AvailabilityZone": _availability_zone(region)},
        "S3": {"KMSKey": kms},
        "EC2": {"InstanceType": inputs.instance_type, "SubnetId": lambda value, option: inputs.ec2_id(value, option, "subnet"),
                "SecurityGroupIds": _each_id("sg"),
                "IamInstanceProfileName": lambda value, option: inputs.iam_role_name(value, option, 128, "an instance profile name")},
    }
    return rules.get(resource_type, {})


def check_values(resource_type, overrides, region=None, option="metadata"):
    """Refuse a play's metadata value AWS would refuse only after the job started, naming ``metadata.<Key>``.

    OVERRIDES is the play's metadata as given (any key spelling); REGION, when known, is where the restore runs (a
    KMS key or an availability zone of another region is refused). Raises MetadataError."""
    normalised, _warnings = normalise(resource_type, overrides)
    rules = value_rules(resource_type, region)
    for key, value in normalised.items():
        if key in rules:
            try:
                rules[key](value, "%s.%s" % (option, key))
            except inputs.InputError as e:
                raise MetadataError(e.message) from None
    items = items_of(normalised)
    if len(items) > ITEMS_PER_JOB:
        raise MetadataError("Bad option %s.ItemsToRestore=%s: %d items; AWS Backup restores at most %d per job: give each group of %d as a "
                            "restore of its own into the same bucket" % (option, normalised["ItemsToRestore"], len(items), ITEMS_PER_JOB,
                                                                         ITEMS_PER_JOB))
    return normalised


def source_name(resource_type, point_metadata, resource_arn):
    """The name of the resource the recovery point was taken from (what a blind merge would overwrite)."""
    target_key = TARGET_KEYS[resource_type]
    if target_key is None:
        return None
    base, _warnings = normalise(resource_type, point_metadata, source="recovery point metadata")
    if base.get(target_key):
        return base[target_key]
    if resource_arn:
        return resource_arn.rsplit(":", 1)[-1]
    return None


def check_target(resource_type, merged, source, allow_source_target):
    """The restore's target must be named, valid, and not the source unless the play allows it explicitly."""
    target_key = TARGET_KEYS[resource_type]
    if target_key is None:
        return None
    target = merged.get(target_key)
    if not target:
        raise MetadataError("a %s restore needs its target: set target_name (or metadata %s)" % (resource_type, target_key))
    if resource_type == "RDS" and not DB_IDENTIFIER.match(target):
        raise MetadataError("target %s=%r is not a valid DB identifier (1-63 letters, digits and single hyphens, starting with a letter)"
                            % (target_key, target))
    if resource_type == "S3" and not BUCKET_NAME.match(target):
        raise MetadataError("target %s=%r is not a valid bucket name" % (target_key, target))
    if source and target.lower() == source.lower() and not allow_source_target:
        raise MetadataError("target %s=%r is the recovery point's source: the restore would aim at the resource it was taken from. "
                            "Choose another name (e.g. %s-restore), or set allow_source_target: true if that is really meant"
                            % (target_key, target, source))
    return target


def idempotency_token(recovery_point_arn, resource_type, merged, superseded=()):
    """The same restore (point, type, target — or for EC2 the whole metadata) always yields the same token.

    ``superseded`` lists completed jobs of the same restore whose resource is gone: restoring again is then meant,
    and AWS would answer an old token with the old job, so they make the token new (and still the same on a re-run).
    """
    target_key = TARGET_KEYS[resource_type]
    identity = merged.get(target_key) if target_key else json.dumps(merged, sort_keys=True)
    items = items_of(merged)
    if items:  # item-level restores of one point into one bucket are as many restores as their item sets
        identity = "%s|%s" % (identity, json.dumps(items))
    seed = "%s|%s|%s|%s" % (recovery_point_arn, resource_type, identity, ",".join(sorted(superseded)))
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()
    return "restorekit-%s" % digest[:40]


def items_of(metadata):
    """The items of an item-level S3 restore (``ItemsToRestore``: a JSON list, as AWS takes it, or a list), sorted; ()
    for a restore of the whole bucket (or another type)."""
    for key, value in (metadata or {}).items():
        if str(key).lower() != "itemstorestore" or value in (None, "", []):
            continue
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                value = [value]
        return tuple(sorted(str(item) for item in (value if isinstance(value, list) else [value])))
    return ()


def _target(resource_type, metadata):
    target_key = TARGET_KEYS[resource_type]
    for key, value in (metadata or {}).items():
        if str(key).lower() == target_key.lower():
            return str(value).lower()
    return ""


def same_target(resource_type, ours, theirs):
    """Whether a job's metadata (from GetRestoreJobMetadata) restores to the same target as ours (keys case-insensitive).
    An item-level S3 restore is the same restore only with the same items: one point's items may be restored into one
    bucket by several jobs (AWS Backup takes at most ITEMS_PER_JOB items per job)."""
    theirs_norm = {str(k).lower(): v for k, v in (theirs or {}).items()}
    if TARGET_KEYS[resource_type]:
        return _target(resource_type, ours) == _target(resource_type, theirs) and items_of(ours) == items_of(theirs)
    ours_norm = {k.lower(): v for k, v in ours.items()}
    return theirs_norm == ours_norm


def _overlap(first, second):
    """Whether two item lists (keys or prefixes) name an object in common: an empty list is the whole bucket."""
    if not first or not second:
        return True
    return any(a.startswith(b) or b.startswith(a) for a in first for b in second)


def clashes(resource_type, first, second):
    """Whether two restores (their metadata, of one type) would write the same thing: one DB instance, or one bucket
    with items in common (a whole-bucket restore has every item). Item-level restores of disjoint items into one bucket
    do not clash: that is how more items than one job takes are restored."""
    if not TARGET_KEYS.get(resource_type):
        return False
    target = _target(resource_type, first)
    if not target or target != _target(resource_type, second):
        return False
    return resource_type != "S3" or _overlap(items_of(first), items_of(second))


def item_groups(items, size=None):
    """ITEMS in the groups of at most SIZE (ITEMS_PER_JOB) one restore job takes, in their order; [[]] for none
    (one restore of the whole bucket)."""
    size = size or ITEMS_PER_JOB
    items = list(items or [])
    return [items[start:start + size] for start in range(0, len(items), size)] or [[]]
