# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles' input rules share: the ``Inputs`` reader and the rules several roles apply."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from ansible.module_utils.parsing.convert_bool import BOOLEANS_TRUE

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as v
from ansible_collections.restorekit.aws.plugins.module_utils._mysql import integrity

EMPTY = (None, "", [], {})
# AWS regions: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5 ...
REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$")
# Auto Scaling group names (CreateAutoScalingGroup): 1 to 255 printable ASCII characters (33 to 126), no colon.
ASG_NAME = re.compile(r"^[\x21-\x39\x3b-\x7e]{1,255}$")
# Secrets Manager secret names (CreateSecret, Name): ASCII letters, digits and /_+=.@- , at most 512 characters.
SECRET_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
# What the check returns in place of a password (the value is never shown, in a result or a message).
HIDDEN = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def _json_safe(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


class Inputs:
    """Reads variables by name through RESOLVE and checks them, collecting every bad one (not only the first)."""

    def __init__(self, resolve, region=None, now=None):
        self._resolve = resolve
        self.region = region or None
        self.now = now or v.utc_now()
        self.raw = {}
        self.values = {}
        self.errors = []
        self.warnings = []
        # What the rules work out for the role (for example each tenant's buckets), returned beside the values.
        self.derived = {}

    def get(self, name):
        """The variable's value as the play has it (None when it is not defined)."""
        if name not in self.raw:
            self.raw[name] = self._resolve(name)
            self.values[name] = _json_safe(self.raw[name])
        return self.raw[name]

    def accept(self, *names):
        """Variables any value of their argument spec type fits (booleans, free text, dictionaries of settings)."""
        for name in names:
            self.get(name)

    def check(self, name, rule, *args, optional=False, **kwargs):
        """RULE(value, NAME, *ARGS, **KWARGS); an empty value passes when OPTIONAL. The normalised value, or None."""
        value = self.get(name)
        if optional and value in EMPTY:
            return None
        try:
            result = rule(value, name, *args, **kwargs)
        except v.InputError as e:
            self.fail(e)
            return None
        self.values[name] = _json_safe(result)
        return result

    def run(self, name, check, *args, **kwargs):
        """A rule over several variables (CHECK raises InputError); its result, or None."""
        try:
            return check(*args, **kwargs)
        except v.InputError as e:
            self.fail(e)
            return None

    def fail(self, error):
        message = error.message.replace("Bad option ", "", 1).replace("Bad options ", "", 1)
        if message not in self.errors:
            self.errors.append(message)

    def message(self, role):
        return ("Bad input for %s, nothing was changed: %s" % (role, "; ".join(self.errors))) if self.errors else ""


# ------------------------------------------------------------------------------------------ shared rules
def seconds(inputs, timeout, poll):
    """A wait: its timeout and poll interval, whole seconds above 0."""
    inputs.check(timeout, v.integer, minimum=1, maximum=7 * 86400)
    inputs.check(poll, v.integer, minimum=1, maximum=3600)


def names(inputs, project, environment):
    """The runbook's project and environment, which become part of bucket, vault and instance names."""
    inputs.check(project, name_part)
    inputs.check(environment, name_part)


def name_part(value, option):
    """A part of the runbook's names (``<project>-<environment>-...``): lower-case letters, digits and inner hyphens,
    as S3 bucket names need."""
    v.text(value, option, strip=False)
    try:
        v.bucket_name("%s-x" % value, option)
    except v.InputError as e:
        v.fail(option, value, "cannot be part of the runbook's names (%s)" % e.reason)
    if "." in value:
        v.fail(option, value, "cannot be part of the runbook's names (a dot)")
    return value


def unique_texts(value, option, validator=None, max_items=None, **kwargs):
    """A list of strings, each named once (and each VALIDATOR-checked)."""
    if not isinstance(value, list):
        v.fail(option, value, "must be a list")
    if max_items is not None and len(value) > max_items:
        v.fail(option, value, "has %d items; at most %d are allowed" % (len(value), max_items))
    v.each(value, option, validator or v.text, **kwargs)
    return v.unique(value, option)


def choices(value, option, allowed, empty_reason=None):
    """A list naming each of ALLOWED at most once; refused empty when EMPTY_REASON says why."""
    unique_texts(value, option)
    v.items_of(value, option, allowed)
    if not value and empty_reason:
        v.fail(option, value, empty_reason)
    return value


RESOURCE_TYPES = ("RDS", "S3", "EC2")
NO_RESOURCE_TYPE = "names no resource type (RDS, S3 and/or EC2)"


def role_arn_or_empty(inputs, name):
    inputs.check(name, v.iam_role_arn, optional=True)


def past_time(inputs, name):
    return inputs.check(name, v.past_time, optional=True, now=inputs.now)


def kms_when(inputs, name, needed, because):
    """A KMS key in this region, required when NEEDED (BECAUSE names what needs it), refused empty then."""
    value = inputs.get(name)
    if needed and value in EMPTY:
        inputs.fail(v.InputError(name, value, "is empty, but %s needs a KMS key" % because))
        return
    inputs.check(name, v.kms_key, optional=True, region=inputs.region)


def secret(i, name):
    """A password: read, checked to be text, and never echoed (the value the check returns is hidden, and a message
    names only the variable)."""
    value = i.get(name)
    if value not in EMPTY:
        i.values[name] = HIDDEN
    # A numeric password is a password (JSON -e turns 1234 into a number); a list, a dict or a boolean is not.
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
        i.fail(v.InputError(name, HIDDEN, "must be a string", message="%s must be a string (its value is not shown)" % name))
    return value


def secret_id(value, option, region=None):
    """A Secrets Manager secret, by name or ARN (in REGION when known): the secret's id, not the secret."""
    if isinstance(value, str) and value.startswith("arn:"):
        shape = "arn:aws:secretsmanager:<region>:<12-digit account>:secret:<name>"
        parsed = v.arn(value, option, "secretsmanager", ("secret",), region=region, what="a Secrets Manager secret ARN", shape=shape)
        if not parsed["region"] or not v.ACCOUNT_ID.match(parsed["account_id"] or "") or not SECRET_NAME.match(parsed["resource_id"]):
            v.fail(option, value, "not a Secrets Manager secret ARN (%s)" % shape)
        return value
    return v.matching(value, option, SECRET_NAME, "not a Secrets Manager secret name or ARN (1 to 512 ASCII letters, digits and /_+=.@-)")


def flag(value):
    """VALUE as Ansible's ``bool`` reads it (True, "true", "yes", "on", 1, ...); anything else is false."""
    if isinstance(value, str):
        value = value.strip().lower()
    return value is True or (not isinstance(value, bool) and value in BOOLEANS_TRUE)


def aws_region(value, option):
    return v.matching(value, option, REGION, "not an AWS region (for example us-east-1)")


def endpoint_url(value, option):
    v.text(value, option, strip=False)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        v.fail(option, value, "not an endpoint URL (http:// or https://, a host and an optional port)")
    return value


def asg_name(value, option):
    return v.matching(value, option, ASG_NAME, "not an autoscaling group name (1 to 255 printable ASCII characters, no blanks and no ':')")


# ------------------------------------------------------------------------------------------ MySQL validation
def unique_of(value, option, keys):
    """VALUE (a list) names each of KEYS (what identifies its items) once; the message shows VALUE as given."""
    try:
        v.unique(keys, option)
    except v.InputError as e:
        v.fail(option, value, e.reason)


def _static_tables(value, option):
    unique_texts(value, option, max_length=2 * integrity.MAX_DATABASE_NAME + 1)
    return [name.strip() for name in value]


def _live_tables(value, option):
    """Live table declarations, by mysql_integrity's own rules (a name, one tolerance, an optional timestamp column)."""
    if not isinstance(value, list):
        v.fail(option, value, "must be a list of {name, tolerance_percent or tolerance_rows, timestamp_column}")
    unique_of(value, option, [entry["name"].strip() for entry in value if isinstance(entry, dict) and isinstance(entry.get("name"), str)])
    try:
        integrity.build_request({"mode": "inspect", "live_tables": value})
    except integrity.IntegrityError as e:
        v.fail(option, value, e.message)
    return value


def _smoke_queries(value, option):
    """Smoke queries, by mysql_integrity's own rules (each {name, sql, expect}, names unique)."""
    if not isinstance(value, list):
        v.fail(option, value, "must be a list of {name, sql, expect}")
    try:
        integrity.build_request({"mode": "inspect", "smoke_queries": value})
    except integrity.IntegrityError as e:
        v.fail(option, value, e.message)
    return value


def declarations(i, static, live, smoke):
    """A restored database's table declarations and smoke queries; a table is static or live, not both."""
    static_tables = i.check(static, _static_tables)
    live_tables = i.check(live, _live_tables)
    i.check(smoke, _smoke_queries)
    if static_tables and live_tables:
        both = sorted(set(static_tables) & {entry["name"].strip() for entry in live_tables})
        if both:
            i.run(live, v.contradiction, [(static, i.get(static)), (live, i.get(live))],
                  "%s declared both static and live" % ", ".join(both))
    return live_tables or []


def report_name(value, option):
    """The report's file name without extension (also its run id)."""
    v.text(value, option, strip=False)
    if not re.match(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", value) or ".." in value:
        v.fail(option, value, "must be a plain file name: 1 to 128 ASCII letters, digits, '-', '_' and '.', not starting "
                              "with '.' and without '..' or '/'")
    return value
