# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A run lock for destructive runs (the in-place swap), held as one SSM parameter: the logic behind
``restorekit.aws.run_lock``.

Taking the lock is one conditional write, ``PutParameter`` with ``Overwrite=false``: SSM creates the parameter
for exactly one caller and answers ``ParameterAlreadyExists`` to every other, so two responders can never both
hold it, whatever their timing. The parameter's value is a JSON record of who holds it (user, AWX job), since
when and for which run id, so the refused responder learns whom to call.

SSM has no conditional delete: release reads the record and deletes it only when it is this run's. The window
between the read and the delete is one round trip, and a lock that changed hands in it could only have been
broken on purpose (see ``acquire``'s ``break_run_id``).
"""

from __future__ import annotations

import datetime
import json

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs
from ansible_collections.restorekit.aws.plugins.module_utils._retries import jittered_backoff

DESCRIPTION = "restorekit run lock: delete only when its holder's run is known to be dead"


class AnsibleSSMError(AnsibleAWSError):
    """An SSM call that failed."""


class SSMErrorHandler(AWSErrorHandler):
    _CUSTOM_EXCEPTION = AnsibleSSMError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("ParameterNotFound")


class LockError(Exception):
    """A lock that cannot be taken or released; ``lock`` is the record found, if any."""

    def __init__(self, message, lock=None):
        super().__init__(message)
        self.message = message
        self.lock = lock


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def make_record(holder, run_id, purpose="", now=None):
    """The lock's value: who holds it, since when, for which run."""
    return {
        "holder": holder,
        "run_id": run_id,
        "since": (now or utc_now()).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "purpose": purpose or "",
    }


def parse_record(value):
    """A lock record from a parameter value; a value this module did not write still names itself as held."""
    try:
        record = json.loads(value)
    except (TypeError, ValueError):
        record = None
    if not isinstance(record, dict):
        return {"holder": "unknown (the parameter does not hold a lock record: %r)" % (value,)[:200],
                "run_id": "", "since": "unknown", "purpose": ""}
    return {key: str(record.get(key) or "") for key in ("holder", "run_id", "since", "purpose")}


def held_message(name, lock):
    """What a refused responder reads: the holder, since when, and how to break a dead run's lock."""
    return ("The run lock %s is held by %s since %s (run id %s%s). Another run is changing this resource: "
            "wait for it, or ask its holder. Only if that run is known to be dead, break the lock by naming its run "
            "id (break_run_id=%s)." % (name, lock["holder"] or "unknown", lock["since"] or "unknown", lock["run_id"] or "unknown",
                                       (", " + lock["purpose"]) if lock.get("purpose") else "", lock["run_id"] or "<run id>"))


# A failed call raises AnsibleSSMError ("Failed to <what was being done>: <what SSM said>").

@SSMErrorHandler.list_error_handler("read the run lock")
@jittered_backoff()
def _get(client, name):
    return client.get_parameter(Name=name)


@jittered_backoff()
def _put(client, name, value):
    return client.put_parameter(Name=name, Value=value, Type="String", Overwrite=False, Description=DESCRIPTION)


@SSMErrorHandler.deletion_error_handler("delete the run lock")
@jittered_backoff()
def _delete(client, name):
    client.delete_parameter(Name=name)
    return True


def check_name(name, option="name"):
    """The lock's SSM parameter name by SSM's rules, checked before any call: SSM refuses a name with spaces or other
    characters with a ValidationException, and no lock would be held."""
    try:
        return inputs.ssm_parameter_name(name, option)
    except inputs.InputError as e:
        raise LockError(e.message) from None


def read_lock(client, name):
    """The current lock record, or None when nobody holds the lock."""
    found = _get(client, name)
    return None if found is None else parse_record(found["Parameter"]["Value"])


def acquire(client, name, record, break_run_id=None, check_mode=False):
    """Take the lock for ``record``; return ``(changed, lock, broken)``.

    Held by the same run id already (a re-run of the task, or a retried write whose answer was lost): kept, not changed.
    Held by another run: ``LockError`` naming the holder and since when, unless ``break_run_id`` names that run,
    which deletes its record first (``broken``). A break that names a run other than the holder is refused.
    """
    check_name(name)
    current = read_lock(client, name)
    broken = None
    if current is not None:
        if current["run_id"] and current["run_id"] == record["run_id"]:
            return False, current, None
        if not break_run_id:
            raise LockError(held_message(name, current), current)
        if break_run_id != current["run_id"]:
            raise LockError("break_run_id=%s does not name the run holding the lock %s: it is held by %s since %s (run id %s). "
                            "Nothing was broken." % (break_run_id, name, current["holder"], current["since"], current["run_id"]),
                            current)
        broken = current
    if check_mode:
        return True, record, broken
    if broken is not None:
        _delete(client, name)
    if not _take(client, name, record):
        # Lost the race (or a retry of our own write landed first): whoever holds it now decides.
        current = read_lock(client, name)
        if current is not None and current["run_id"] == record["run_id"]:
            return True, current, broken
        current = current or {"holder": "unknown", "run_id": "", "since": "unknown", "purpose": ""}
        raise LockError(held_message(name, current), current)
    return True, record, broken


@SSMErrorHandler.common_error_handler("take the run lock")
def _take(client, name, record):
    """The conditional write: True when it created the lock, False when SSM answers that it exists already."""
    try:
        _put(client, name, json.dumps(record, sort_keys=True))
    except is_boto3_error_code("ParameterAlreadyExists"):
        return False
    return True


def release(client, name, run_id, check_mode=False):
    """Release the lock if ``run_id`` holds it; return ``(changed, lock_found)``.

    Not held: nothing to do. Held by another run: left alone (it is theirs), and said so by the caller.
    """
    check_name(name)
    current = read_lock(client, name)
    if current is None or current["run_id"] != run_id:
        return False, current
    if not check_mode:
        _delete(client, name)
    return True, current
