# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's input rules, in one place: every module, action plugin and role checks an operator's values
with these before any AWS call, so bad input fails with the option (or variable) and its value named, and never
after something was changed.

Each validator takes the value and the name the operator knows it by (``option``: a module option such as
``iam_role_arn``, an element such as ``restores[1].target_name``, or a role variable), returns the value normalised
(an int from ``"5"``, an aware UTC datetime from a time), and raises ``InputError`` otherwise, whose message reads
``Bad option iam_role_arn='foo': not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)``.

Pure Python: no boto3, no Ansible at import, so modules that never call AWS (mysql_integrity) use them too.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
import re

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn


class InputError(ValueError):
    """A value an option cannot take. ``option``, ``value`` and ``reason`` say which, and ``message`` all of it."""

    def __init__(self, option, value, reason, message=None):
        self.option = option
        self.value = value
        self.reason = reason
        self.message = message or "Bad option %s=%r: %s" % (option, value, reason)
        super().__init__(self.message)


def fail(option, value, reason):
    raise InputError(option, value, reason)


def contradiction(options, reason):
    """Options that exclude each other: OPTIONS is [(name, value), ...]."""
    named = " and ".join("%s=%r" % (name, value) for name, value in options)
    raise InputError(options[0][0], options[0][1], reason, "Bad options %s: %s" % (named, reason))


# ------------------------------------------------------------------------------------------ strings, numbers, lists
def text(value, option, max_length=None, strip=True):
    """A non-empty string (not only blanks), at most MAX_LENGTH characters."""
    if not isinstance(value, str):
        fail(option, value, "must be a string")
    if not value.strip():
        fail(option, value, "is empty")
    if max_length is not None and len(value) > max_length:
        fail(option, value, "is %d characters long, at most %d are allowed" % (len(value), max_length))
    return value.strip() if strip else value


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return "between %s and %s" % (minimum, maximum)
    if minimum is not None:
        return "at least %s" % minimum
    return "at most %s" % maximum


def integer(value, option, minimum=None, maximum=None):
    """An int, also from a string such as ``"5"`` (``-e`` and AWX surveys pass numbers as strings); never a bool."""
    number = None
    if isinstance(value, bool):
        fail(option, value, "must be a whole number, not a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value == int(value):
        number = int(value)
    elif isinstance(value, str) and re.match(r"^\s*[+-]?\d+\s*$", value):
        number = int(value)
    if number is None:
        fail(option, value, "must be a whole number")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        fail(option, value, "must be %s" % _bounds(minimum, maximum))
    return number


def number(value, option, minimum=None, maximum=None, above=None):
    """A finite float, also from a string such as ``"2.5"``; ABOVE is an exclusive lower bound."""
    parsed = None
    if isinstance(value, bool):
        fail(option, value, "must be a number, not a boolean")
    if isinstance(value, (int, float)):
        parsed = float(value)
    elif isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            parsed = None
    if parsed is None or not math.isfinite(parsed):
        fail(option, value, "must be a finite number")
    if above is not None and parsed <= above:
        fail(option, value, "must be greater than %s%s" % (above, "" if maximum is None else " and at most %s" % maximum))
    if (minimum is not None and parsed < minimum) or (maximum is not None and parsed > maximum):
        fail(option, value, "must be %s" % _bounds(minimum, maximum))
    return parsed


def unique(values, option, key=None):
    """A list naming each item once (KEY(item) compared when given, for example case-insensitively)."""
    if values is None:
        return values
    seen = {}
    for index, item in enumerate(values):
        marker = key(item) if key else item
        if marker in seen:
            fail(option, values, "names %r twice (items %d and %d)" % (item, seen[marker], index))
        seen[marker] = index
    return values


def each(values, option, validator, *args, **kwargs):
    """VALIDATOR applied to every item, each named ``option[index]``; the list of the results."""
    return [validator(item, "%s[%d]" % (option, index), *args, **kwargs) for index, item in enumerate(values or [])]


def one_of(value, option, choices):
    if value not in choices:
        fail(option, value, "must be one of %s" % ", ".join(str(choice) for choice in choices))
    return value


def items_of(values, option, choices):
    """Each item of the list OPTION one of CHOICES, named ``option[index]``. ``-e option=['S3']`` is text to Ansible, and
    an argument spec splits it on commas into items like ``"['S3']"``: such an item is refused with how to give a list."""
    for index, item in enumerate(values):
        if item not in choices and isinstance(item, str) and item.strip().startswith("["):
            names = [str(choice) for choice in choices]
            fail("%s[%d]" % (option, index), item, "must be one of %s; a list given as text is not read as a list: write it "
                 "comma-separated (-e %s=%s) or as JSON (-e '{\"%s\": [\"%s\"]}')"
                 % (", ".join(names), option, ",".join(names[:2]), option, names[0]))
        one_of(item, "%s[%d]" % (option, index), choices)
    return values


# ------------------------------------------------------------------------------------------ times
_ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<offset>Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)
_RELATIVE_RE = re.compile(r"^-(?P<amount>\d+)\s*(?P<unit>[smhdw])$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
TIME_FORMATS = "ISO 8601 with an offset (2026-11-20T05:00:00+00:00, 2026-11-20T05:00:00Z), 'now', or relative (-30m, -2h, -1d, -1w)"
ISO_ONLY = "is not an ISO 8601 time (for example 2026-11-20T14:30:00Z)"
NO_OFFSET = "has no UTC offset (add Z or +00:00); a time without one is not guessed to be UTC"


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def parse_time(value, option, now=None, relative=True, naive_utc=False):
    """The collection's one time syntax: an aware UTC datetime, or None for None.

    ISO 8601 with an offset or Z (fractions of a second kept, to the microsecond), ``now``, or relative to now
    (``-30m``, ``-2h``, ``-1d``, ``-1w``). A time without an offset is refused rather than guessed: at 3 a.m. "05:00"
    in whose time zone matters. An aware datetime is taken as it is.

    RELATIVE false refuses ``now`` and relative times, for a time that is written down once and must mean the same
    on every run (a restore's target time, a recovery point's time handed to validation). NAIVE_UTC takes a time
    without an offset as UTC, for times the collection or AWS wrote (a report read back, a MySQL DATETIME).
    """
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            if not naive_utc:
                fail(option, value, NO_OFFSET)
            value = value.replace(tzinfo=datetime.timezone.utc)
        return value.astimezone(datetime.timezone.utc)
    text_value = str(value).strip()
    if relative:
        now = now or utc_now()
        if text_value.lower() == "now":
            return now
        match = _RELATIVE_RE.match(text_value)
        if match:
            return now - datetime.timedelta(seconds=int(match.group("amount")) * _UNIT_SECONDS[match.group("unit").lower()])
    match = _ISO_RE.match(text_value)
    if not match:
        fail(option, value, "is not a time: use %s" % TIME_FORMATS if relative else ISO_ONLY)
    offset = (match.group("offset") or "").upper()
    if not offset and not naive_utc:
        fail(option, value, NO_OFFSET)
    if offset in ("Z", ""):
        tz = datetime.timezone.utc
    else:
        digits = offset[1:].replace(":", "")
        delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        tz = datetime.timezone(-delta if offset[0] == "-" else delta)
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    try:
        date = datetime.date.fromisoformat(match.group("date"))
        parsed = datetime.datetime(date.year, date.month, date.day, int(match.group("hour")), int(match.group("minute")),
                                   int(match.group("second") or 0), int(fraction), tzinfo=tz)
    except ValueError as e:
        fail(option, value, "is not a valid time: %s" % e)
    return parsed.astimezone(datetime.timezone.utc)


def past_time(value, option, now=None, not_before=None, not_before_what=None, **syntax):
    """A time that means the past (a recovery point, a restore time): parsed (SYNTAX: parse_time's RELATIVE and
    NAIVE_UTC), and refused in the future or before NOT_BEFORE (the start of a window, described by NOT_BEFORE_WHAT)."""
    now = now or utc_now()
    parsed = parse_time(value, option, now, **syntax)
    if parsed is None:
        return None
    if parsed > now:
        fail(option, value, "is in the future (%s > now %s)" % (parsed.isoformat(), now.isoformat()))
    if not_before is not None and parsed < not_before:
        fail(option, value, "is before %s (%s < %s)" % (not_before_what or "the window", parsed.isoformat(), not_before.isoformat()))
    return parsed


def time_order(earlier, earlier_option, later, later_option, earlier_value=None, later_value=None, strict=False):
    """Refuse a window whose start is after its end (or not before it, when STRICT)."""
    if earlier is None or later is None:
        return
    if earlier > later or (strict and earlier == later):
        contradiction([(earlier_option, earlier if earlier_value is None else earlier_value),
                       (later_option, later if later_value is None else later_value)],
                      "%s must be %s %s" % (earlier_option, "before" if strict else "at or before", later_option))


# ------------------------------------------------------------------------------------------ globs
def glob(value, option):
    """A shell glob (``fnmatch``). fnmatch reads an unclosed ``[`` as a literal character, so ``[abc`` would quietly
    match only keys holding ``[abc``: refused here. A literal ``[`` is written ``[[]``."""
    text(value, option, strip=False)
    index, size = 0, len(value)
    while index < size:
        if value[index] == "[":
            end = index + 1
            if end < size and value[end] == "!":
                end += 1
            if end < size and value[end] == "]":
                end += 1
            while end < size and value[end] != "]":
                end += 1
            if end >= size:
                fail(option, value, "has a '[' that is never closed (write a literal '[' as '[[]')")
            index = end
        index += 1
    return value


def globs(values, option):
    each(values, option, glob)
    return unique(values, option)


# ------------------------------------------------------------------------------------------ AWS names
# Naming rules, each from AWS's own documentation:
# - S3 general purpose buckets: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
# - AWS Backup vaults (CreateBackupVault, BackupVaultName): ^[a-zA-Z0-9\-\_]{2,50}$
#   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html
# - IAM role names (CreateRole, RoleName): [\w+=,.@-]+, 1 to 64 characters; paths of printable ASCII between slashes
#   https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
# - RDS DB instance identifiers (CreateDBInstance, DBInstanceIdentifier): 1 to 63 letters, digits or hyphens, a
#   letter first, no two consecutive hyphens, no hyphen last
#   https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html
# - SSM parameter names (PutParameter, Name): a-zA-Z0-9_.- and / between hierarchy levels, no spaces, not prefixed
#   aws or ssm (any case), at most 15 levels, at most 1011 characters
#   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
# - AWS Backup restore testing plan and selection names: 1 to 50 letters, digits or underscores
#   https://docs.aws.amazon.com/aws-backup/latest/devguide/API_RestoreTestingPlanForCreate.html
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
BACKUP_VAULT_NAME = re.compile(r"^[a-zA-Z0-9\-_]{2,50}$")
IAM_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$", re.ASCII)
IAM_PATH = re.compile(r"^/(?:[\x21-\x7e]*/)?$")
DB_IDENTIFIER = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{0,62}$")
SSM_PARAMETER_NAME = re.compile(r"^[a-zA-Z0-9_.\-/]+$")
SSM_NAME_MAX = 1011
SSM_MAX_LEVELS = 15
TESTING_NAME = re.compile(r"^[a-zA-Z0-9_]{1,50}$")
EC2_ID = {"i": "an EC2 instance id", "sg": "a security group id", "subnet": "a subnet id", "ami": "an AMI id",
          "vpc": "a VPC id", "vol": "an EBS volume id", "snap": "an EBS snapshot id", "lt": "a launch template id"}
INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9-]+$")
DB_INSTANCE_CLASS = re.compile(r"^db\.[a-z][a-z0-9-]*\.[a-z0-9-]+$")
# DB parameter and subnet group names (CreateDBParameterGroup, CreateDBSubnetGroup).
DB_PARAMETER_GROUP = re.compile(r"^[a-zA-Z][a-zA-Z0-9-]{0,254}$")
DB_SUBNET_GROUP = re.compile(r"^[a-zA-Z0-9 ._-]{1,255}$")


def _characters(value, allowed, what):
    """Why VALUE is not made of ALLOWED characters, in the responder's words, or None."""
    bad = sorted(set(ch for ch in value if not re.match(allowed, ch)))
    if not bad:
        return None
    kinds = []
    if any(ch.isspace() for ch in bad):
        kinds.append("spaces")
    if any(ch.isupper() for ch in bad):
        kinds.append("capital letters")
    if "_" in bad:
        kinds.append("underscores")
    if "/" in bad:
        kinds.append("'/'")
    if any(ord(ch) > 127 for ch in bad):
        kinds.append("non-ASCII characters")
    others = [ch for ch in bad if not (ch.isspace() or ch.isupper() or ch in "_/" or ord(ch) > 127)]
    if others:
        kinds.append("%s" % ", ".join(repr(ch) for ch in others))
    return "%s cannot hold %s" % (what, ", ".join(kinds))


def bucket_name(value, option):
    """An S3 general purpose bucket name, by AWS's naming rules."""
    text(value, option, strip=False)
    what = "an S3 bucket name"
    reason = _characters(value, r"[a-z0-9.-]", what)
    if reason:
        fail(option, value, reason + " (lower-case letters, digits, dots and hyphens only)")
    if not 3 <= len(value) <= 63:
        fail(option, value, "is %d characters long; %s has 3 to 63" % (len(value), what))
    if not (value[0].isalnum() and value[-1].isalnum()):
        fail(option, value, "%s begins and ends with a letter or digit" % what)
    if ".." in value:
        fail(option, value, "%s cannot hold two adjacent dots ('..')" % what)
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        pass
    else:
        fail(option, value, "%s cannot be formatted as an IP address" % what)
    for prefix in BUCKET_RESERVED_PREFIXES:
        if value.startswith(prefix):
            fail(option, value, "%s cannot start with %r (reserved by S3)" % (what, prefix))
    for suffix in BUCKET_RESERVED_SUFFIXES:
        if value.endswith(suffix):
            fail(option, value, "%s cannot end with %r (reserved by S3)" % (what, suffix))
    return value


def dotted_bucket_warning(bucket, option, value):
    """The warning a bucket name with dots deserves: it works, but not over virtual-hosted-style HTTPS."""
    return ("%s=%r gives the bucket name %r, which holds a dot: S3's wildcard TLS certificate does not cover it in "
            "virtual-hosted-style HTTPS requests (AWS advises against dots in bucket names); the AWS SDKs and CLI still "
            "reach it" % (option, value, bucket))


def backup_vault_name(value, option):
    text(value, option, strip=False)
    if not BACKUP_VAULT_NAME.match(value):
        reason = _characters(value, r"[a-zA-Z0-9_-]", "a backup vault name")
        fail(option, value, (reason + "; " if reason else "") + "not a backup vault name (2 to 50 letters, digits, hyphens or underscores)")
    return value


def account_id(value, option):
    """VALUE, an AWS account ID: twelve digits (kept as text, leading zeros and all)."""
    return matching(str(value) if isinstance(value, int) else value, option, ACCOUNT_ID, "not an AWS account ID (12 digits)")


def iam_role_name(value, option, max_length=64, what="an IAM role name"):
    """An IAM role name (or, with MAX_LENGTH 128, an instance profile name): letters, digits and _+=,.@-."""
    text(value, option, strip=False)
    if not re.match(r"^[\w+=,.@-]{1,%d}$" % max_length, value, re.ASCII):
        reason = _characters(value, r"[\w+=,.@-]", what)
        fail(option, value, (reason + "; " if reason else "") + "not %s (1 to %d letters, digits or _+=,.@-)" % (what, max_length))
    return value


def db_identifier(value, option):
    """An RDS DB instance identifier."""
    text(value, option, strip=False)
    rule = "an RDS DB identifier has 1 to 63 letters, digits or hyphens, starts with a letter, has no '--' and does not end with '-'"
    reason = _characters(value, r"[a-zA-Z0-9-]", "an RDS DB identifier")
    if reason:
        fail(option, value, "%s (%s)" % (reason, rule))
    if not DB_IDENTIFIER.match(value) or "--" in value or value.endswith("-"):
        fail(option, value, "not an RDS DB identifier: %s" % rule)
    return value


def ssm_parameter_name(value, option):
    text(value, option, strip=False)
    what = "an SSM parameter name"
    if not SSM_PARAMETER_NAME.match(value):
        reason = _characters(value, r"[a-zA-Z0-9_.\-/]", what)
        fail(option, value, "%s (letters, digits, _ . - and / between levels)" % reason)
    if len(value) > SSM_NAME_MAX:
        fail(option, value, "is %d characters long; %s has at most %d" % (len(value), what, SSM_NAME_MAX))
    if "/" in value:
        levels = value.split("/")
        if not value.startswith("/") or value.endswith("/") or "" in levels[1:]:
            fail(option, value, "%s in a hierarchy starts with '/' and has a name at every level (/team/locks/name)" % what)
        if len(levels) - 1 > SSM_MAX_LEVELS:
            fail(option, value, "%s has at most %d levels" % (what, SSM_MAX_LEVELS))
    if value.lstrip("/").lower().startswith(("aws", "ssm")):
        fail(option, value, "%s cannot start with 'aws' or 'ssm' (reserved by AWS)" % what)
    return value


def testing_name(value, option):
    """An AWS Backup restore testing plan or selection name."""
    if not isinstance(value, str) or not TESTING_NAME.match(value):
        fail(option, value, "must be 1 to 50 letters, digits or underscores (AWS Backup's rule for restore testing names)")
    return value


def ec2_id(value, option, prefix):
    """An EC2 id such as ``sg-0123456789abcdef0``: PREFIX, a hyphen and 8 or 17 hexadecimal digits."""
    text(value, option, strip=False)
    if not re.match(r"^%s-(?:[0-9a-f]{8}|[0-9a-f]{17})$" % re.escape(prefix), value):
        fail(option, value, "not %s (%s- and 8 or 17 hexadecimal digits)" % (EC2_ID.get(prefix, "an id"), prefix))
    return value


def matching(value, option, pattern, reason, max_length=None):
    """VALUE, a text (of at most MAX_LENGTH characters) PATTERN matches as it is (no blanks trimmed); else an InputError
    naming OPTION, VALUE and REASON."""
    text(value, option, max_length=max_length, strip=False)
    if not pattern.match(value):
        fail(option, value, reason)
    return value


def instance_type(value, option):
    return matching(value, option, INSTANCE_TYPE, "not an EC2 instance type (family.size, for example t3.micro)")


def db_instance_class(value, option):
    return matching(value, option, DB_INSTANCE_CLASS, "not an RDS DB instance class (db.family.size, for example db.t3.medium)")


def db_parameter_group_name(value, option):
    text(value, option, strip=False)
    if not DB_PARAMETER_GROUP.match(value) or "--" in value or value.endswith("-"):
        fail(option, value, "not a DB parameter group name (1 to 255 letters, digits or hyphens, a letter first, no '--', no '-' last)")
    return value


def db_subnet_group_name(value, option):
    text(value, option, strip=False)
    if not DB_SUBNET_GROUP.match(value) or value.lower() == "default":
        fail(option, value, "not a DB subnet group name (1 to 255 letters, digits, spaces, '.', '_' or '-'; not 'default')")
    return value


def tags(value, option):
    """AWS resource tags: keys of 1 to 128 characters, not starting with ``aws:``, values of at most 256."""
    if value is None:
        return value
    if not isinstance(value, dict):
        fail(option, value, "must be a dictionary of tag keys to values")
    for key, tag_value in value.items():
        if not isinstance(key, str) or not key.strip() or len(key) > 128:
            fail(option, value, "tag key %r must be 1 to 128 characters" % (key,))
        if key.lower().startswith("aws:"):
            fail(option, value, "tag key %r starts with 'aws:', which AWS reserves" % key)
        if tag_value is not None and len(str(tag_value)) > 256:
            fail(option, value, "the value of tag %r is longer than 256 characters" % key)
    return value


# ------------------------------------------------------------------------------------------ tenants
TENANT_ID = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$")


def tenant_id(value, option="tenant_id"):
    """A tenant id as it becomes part of the runbook's bucket names: (id, warnings).

    Lower-case letters, digits, hyphens and dots, a letter or digit at both ends; no ``..``, ``.-`` or ``-.`` (no
    DNS label may be empty or start or end with a hyphen). A dot is allowed, with a warning (see
    ``dotted_bucket_warning``).
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        fail(option, value, "must be a string")
    value = str(value).strip()
    if not value:
        fail(option, "", "names no tenant")
    reason = _characters(value, r"[a-z0-9.-]", "a tenant id (part of a bucket name)")
    if reason:
        fail(option, value, reason + " (lower-case letters, digits, dots and hyphens only)")
    for pair in ("..", ".-", "-."):
        if pair in value:
            fail(option, value, "a tenant id (part of a bucket name) cannot hold %r" % pair)
    if not TENANT_ID.match(value):
        fail(option, value, "a tenant id (part of a bucket name) begins and ends with a letter or digit")
    return value, []


def tenant_bucket_name(project, environment, tenant, option="tenant_id", suffix="", project_option="project_name",
                       environment_option="environment"):
    """The runbook's tenant bucket ``<project>-<environment>-tenant-<id><suffix>``, checked: (bucket, warnings).

    SUFFIX is ``-restore`` for the staging bucket. The id must be valid (``tenant_id``) and the whole name a valid
    bucket name of 3 to 63 characters; a name with a dot is returned with a warning. Errors name OPTION and its value.
    """
    text(project, project_option, strip=False)
    text(environment, environment_option, strip=False)
    tenant, warnings = tenant_id(tenant, option)
    bucket = "%s-%s-tenant-%s%s" % (project, environment, tenant, suffix)
    try:
        bucket_name(bucket, "bucket")
    except InputError as e:
        fail(option, tenant, "the bucket name %r is not valid: %s" % (bucket, e.reason))
    if "." in bucket:
        warnings = warnings + [dotted_bucket_warning(bucket, option, tenant)]
    return bucket, warnings


def tenant_buckets(project, environment, tenants, option="tenant_ids", project_option="project_name",
                   environment_option="environment"):
    """Each tenant's production and staging bucket (``...-tenant-<id>`` and ``...-tenant-<id>-restore``), checked.

    TENANTS is a list or a comma-separated string; returns ([{id, production_bucket, staging_bucket}], warnings). A
    tenant named twice, or no tenant at all, is refused.
    """
    if isinstance(tenants, str):
        tenants = tenants.split(",")
    if isinstance(tenants, (int, float)) and not isinstance(tenants, bool):
        tenants = [str(tenants)]
    if not isinstance(tenants, (list, tuple)):
        fail(option, tenants, "must be a list of tenant ids or a comma-separated string")
    ids = [str(item).strip() for item in tenants if str(item).strip()]
    if not ids:
        fail(option, tenants, "names no tenant")
    unique(ids, option)
    out, warnings = [], []
    for index, item in enumerate(ids):
        element = "%s[%d]" % (option, index)
        production, dotted = tenant_bucket_name(project, environment, item, element, "", project_option, environment_option)
        staging, _dotted = tenant_bucket_name(project, environment, item, element, "-restore", project_option, environment_option)
        out.append({"id": item, "production_bucket": production, "staging_bucket": staging})
        warnings.extend(dotted)
    return out, warnings


# ------------------------------------------------------------------------------------------ ARNs
KMS_KEY_ID = re.compile(r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$", re.IGNORECASE)
KMS_ALIAS = re.compile(r"^alias/[a-zA-Z0-9/_-]{1,250}$")
ACCOUNT_ID = re.compile(r"^\d{12}$")


def partition_of(region):
    """The ARN partition of REGION: aws, aws-cn (cn-*) or aws-us-gov (us-gov-*)."""
    region = region or ""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(value, option, service=None, resource_types=None, region=None, account=None, what=None, shape=None):
    """An ARN parsed by amazon.aws (``parse_aws_arn``): {partition, service, region, account_id, resource,
    resource_type, resource_id}.

    SERVICE and RESOURCE_TYPES (a tuple) are what it must name; REGION and ACCOUNT, when known, what it must be in.
    WHAT and SHAPE describe the expected ARN in the message.
    """
    what = what or ("an ARN of %s" % service if service else "an ARN")
    expected = " (%s)" % shape if shape else ""
    if not isinstance(value, str) or not value.strip():
        fail(option, value, "is empty; it must be %s%s" % (what, expected))
    parsed = parse_aws_arn(value) if value.startswith("arn:") and not re.search(r"\s", value) else None
    if not parsed:
        fail(option, value, "not %s%s" % (what, expected))
    if service and parsed["service"] != service:
        fail(option, value, "an ARN of service %r, not %s%s" % (parsed["service"], what, expected))
    if resource_types is not None and parsed["resource_type"] not in resource_types:
        fail(option, value, "an ARN of %s %r, not %s%s" % (parsed["service"], parsed["resource_type"] or parsed["resource"], what, expected))
    if region and parsed["region"] and parsed["region"] != region:
        fail(option, value, "an ARN of region %s, but this runs in %s" % (parsed["region"], region))
    if account and parsed["account_id"] and parsed["account_id"] not in (account, "aws") and ACCOUNT_ID.match(parsed["account_id"]):
        fail(option, value, "an ARN of account %s, but the account here is %s" % (parsed["account_id"], account))
    return parsed


def iam_role_arn(value, option, account=None):
    """An IAM role ARN: ``arn:aws:iam::<12-digit account>:role/[<path>/]<name>``, in ACCOUNT when known."""
    shape = "arn:aws:iam::<12-digit account>:role/<name>"
    parsed = arn(value, option, "iam", ("role",), what="an IAM role ARN", shape=shape)
    path, _sep, name = ("/" + parsed["resource_id"]).rpartition("/")
    if parsed["region"] or not ACCOUNT_ID.match(parsed["account_id"] or "") or not IAM_ROLE_NAME.match(name) \
            or not IAM_PATH.match(path + "/"):
        fail(option, value, "not an IAM role ARN (%s)" % shape)
    if account and parsed["account_id"] != account:
        fail(option, value, "a role of account %s, but the restore runs in account %s: AWS Backup can only be passed a "
                            "role of its own account" % (parsed["account_id"], account))
    return value


def kms_key(value, option, region=None, account=None, arn_only=False):
    """A KMS key: a key ARN ``arn:aws:kms:<region>:<account>:key/<key id>`` or an alias ARN
    ``arn:aws:kms:<region>:<account>:alias/<name>``, or (unless ARN_ONLY) a key id or ``alias/<name>``.

    A KMS key belongs to one region: an ARN of another REGION is refused (and of another ACCOUNT, when given)."""
    shape = "arn:aws:kms:<region>:<12-digit account>:key/<key id> or :alias/<name>"
    if not arn_only:
        shape = "a key id, alias/<name>, or " + shape
    if not isinstance(value, str) or not value.strip():
        fail(option, value, "is empty; it must be a KMS key (%s)" % shape)
    if not value.startswith("arn:") and not arn_only:
        if KMS_KEY_ID.match(value) or KMS_ALIAS.match(value):
            return value
        fail(option, value, "not a KMS key (%s)" % shape)
    parsed = arn(value, option, "kms", ("key", "alias"), region=region, account=account, what="a KMS key", shape=shape)
    if not parsed["region"] or not ACCOUNT_ID.match(parsed["account_id"] or ""):
        fail(option, value, "not a KMS key ARN (%s)" % shape)
    if parsed["resource_type"] == "key" and not KMS_KEY_ID.match(parsed["resource_id"]):
        fail(option, value, "%r is not a KMS key id (a UUID, or mrk- and 32 hexadecimal digits)" % parsed["resource_id"])
    if parsed["resource_type"] == "alias" and not KMS_ALIAS.match("alias/" + parsed["resource_id"]):
        fail(option, value, "%r is not a KMS alias name" % parsed["resource_id"])
    return value


def backup_vault_arn(value, option, region=None, account=None):
    shape = "arn:aws:backup:<region>:<12-digit account>:backup-vault:<name>"
    parsed = arn(value, option, "backup", ("backup-vault",), region=region, account=account, what="a backup vault ARN", shape=shape)
    if not BACKUP_VAULT_NAME.match(parsed["resource_id"]) or not ACCOUNT_ID.match(parsed["account_id"] or ""):
        fail(option, value, "not a backup vault ARN (%s)" % shape)
    return value


def region_of(arn_value):
    """The region an ARN names, or None."""
    parsed = parse_aws_arn(arn_value) if isinstance(arn_value, str) and arn_value.startswith("arn:") else None
    return (parsed or {}).get("region") or None


def account_of(arn_value):
    """The 12-digit account an ARN names, or None."""
    parsed = parse_aws_arn(arn_value) if isinstance(arn_value, str) and arn_value.startswith("arn:") else None
    account = (parsed or {}).get("account_id")
    return account if account and ACCOUNT_ID.match(account) else None
