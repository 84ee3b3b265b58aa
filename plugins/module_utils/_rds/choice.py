# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RDS restore's one decision: native point-in-time restore, the AWS Backup recovery point, or nothing.

``choose`` takes what ``restorekit.aws.rds_restore_info`` read (the source instance, its retained automated backups when
it is gone, the recovery point at or before the target time) and returns the method, the reason a responder reads, and
the exact time the restored data is as of. Times keep their fractions of a second from end to end: a busy database
commits rows in the same second as its backup starts, so the data time handed to validation is the recovery point's
exact CreationDate (or the exact native restore time), never a rounded one.
"""

from __future__ import annotations

import datetime

from ansible_collections.restorekit.aws.plugins.module_utils import _inputs as inputs

UTC = datetime.timezone.utc


class ChoiceError(Exception):
    """An input the decision cannot use, named by option and value."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def parse_time(value, option):
    """An aware UTC datetime from an ISO 8601 text (``Z`` or an offset, fractions kept) or a datetime; None for empty.
    No relative times: a restore's target is written down once and means the same on a re-run (``_inputs.parse_time``)."""
    if value in (None, ""):
        return None
    try:
        return inputs.parse_time(value, option, relative=False)
    except inputs.InputError as e:
        raise ChoiceError(f"{option}={value!r} {e.reason}") from None


def iso(when):
    """UTC ISO 8601 with Z, with the fraction of a second only where there is one."""
    if when is None:
        return ""
    text = when.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def native_window(source, retained, now):
    """(earliest, latest) of the native automated-backup window, or (None, None) when there is none.

    A live source has a window only while automated backups are on (LatestRestorableTime is reported): it opens at the
    instance's creation or ``retention`` days back, whichever is later. A deleted source has the RestoreWindow of its
    retained automated backups.
    """
    source = source or {}
    retained = retained or {}
    latest = None
    earliest = None
    retention = int(source.get("backup_retention_period") or 0)
    if source.get("latest_restorable_time") and retention > 0:
        latest = parse_time(source["latest_restorable_time"], "source.latest_restorable_time")
        created = parse_time(source.get("instance_create_time"), "source.instance_create_time")
        earliest = now - datetime.timedelta(days=retention)
        if created is not None and created > earliest:
            earliest = created
    elif (retained.get("restore_window") or {}).get("latest_time"):
        window = retained["restore_window"]
        latest = parse_time(window["latest_time"], "retained.restore_window.latest_time")
        earliest = parse_time(window.get("earliest_time"), "retained.restore_window.earliest_time") or latest
    return earliest, latest


def _window_text(earliest, latest):
    return f"{iso(earliest)} to {iso(latest)}" if latest is not None else "none"


def choose(method, target_time, source, retained, point, source_identifier, vault, now=None):
    """Decide how to restore SOURCE_IDENTIFIER.

    METHOD is ``auto``, ``native`` or ``backup``; TARGET_TIME the responder's time (empty: the newest point).
    Returns a dict: ``method`` (``native``, ``backup`` or ``none``), ``reason``, ``data_time`` (ISO 8601, exact),
    ``restored_from`` (the tag a re-run adopts the instance by), ``window`` (the native window, as text) and ``error``
    (why nothing can be restored; empty otherwise).
    """
    if method not in ("auto", "native", "backup"):
        raise ChoiceError(f"rds_restore_method={method!r} is not one of auto, native, backup")
    now = parse_time(now, "now") if now is not None else datetime.datetime.now(UTC)
    target = parse_time(target_time, "rds_restore_target_time")
    point = point or {}
    point_time = parse_time(point.get("creation_date"), "recovery_point.creation_date") if point else None
    point_arn = point.get("recovery_point_arn") or ""
    earliest, latest = native_window(source, retained, now)
    native_time = target or latest
    in_window = latest is not None and native_time is not None and earliest <= native_time <= latest
    window_text = _window_text(earliest, latest)

    if not source and not retained:
        no_native = f"the source instance {source_identifier} was not found and left no retained automated backups"
    elif latest is None:
        no_native = f"automated backups are off on {source_identifier} (retention 0)"
    else:
        no_native = f"{target_time} is outside the native automated-backup window of {source_identifier} ({window_text})"

    def backup(reason):
        chosen = {"method": "backup", "reason": reason, "data_time": iso(point_time), "restored_from": point_arn,
                  "window": window_text, "error": ""}
        if not point:
            at = f" at or before rds_restore_target_time={target_time}" if target_time else ""
            chosen["error"] = (f"Nothing to restore {source_identifier} from{at}: no COMPLETED recovery point in vault "
                               f"{vault} and no native window covering it")
        return chosen

    if method == "backup":
        return backup("rds_restore_method=backup: the AWS Backup recovery point as asked")

    if in_window and (method == "native" or (target is not None and (point_time is None or point_time < target))):
        if method == "native":
            why = " as asked (rds_restore_method=native)"
        else:
            point_text = "no AWS Backup point at or before it"
            if point_time is not None:
                minutes = int((native_time - point_time).total_seconds() // 60)
                point_text = f"AWS Backup point of {iso(point_time)}, {minutes} min earlier"
            why = f": inside its automated-backup window ({window_text}) and finer than the {point_text}"
        kept = ""
        if not source and retained:
            kept = (f" from its retained automated backups {retained.get('db_instance_automated_backups_arn', '')}"
                    " (the instance is gone; restorekit.aws.rds_point_in_time_restore, because amazon.aws.rds_instance"
                    " restores only from a live instance)")
        return {"method": "native", "reason": f"native point-in-time restore of {source_identifier} to {iso(native_time)}{kept}{why}",
                "data_time": iso(native_time), "restored_from": f"pitr:{source_identifier}@{iso(native_time)}",
                "window": window_text, "error": ""}

    if method == "native":
        reason = f"rds_restore_method=native is not possible: {no_native}"
        at = f" at or before rds_restore_target_time={target_time}" if target_time else ""
        return {"method": "none", "reason": reason, "data_time": "", "restored_from": "", "window": window_text,
                "error": f"Nothing to restore {source_identifier} from{at}: {reason}"}

    if not target_time:
        why = "no target time: the newest AWS Backup recovery point, as the runbook restores"
    elif in_window:
        why = "the AWS Backup point is at the target time itself, as fine as native restore"
    else:
        why = f"native point-in-time restore is not possible: {no_native}"
    return backup(f"{why} ({point_arn or 'none found'})")
