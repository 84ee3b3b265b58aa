"""Native RDS automated backups and point-in-time restore, from base dumps and MariaDB binary logs.

moto implements RestoreDBInstanceToPointInTime by copying the source instance's settings; it ignores the time and
needs the source to exist. Here every MySQL instance with ``BackupRetentionPeriod`` > 0 keeps what RDS keeps:

- base dumps: one when its server is attached (creation, or a restore of any kind), then a new one when the newest
  is a day old and the machinery next looks at the instance; each records its binary log position;
- the server's binary logs: read in place while the instance lives, copied out when it is deleted with
  ``DeleteAutomatedBackups=false`` (the "retained automated backups" a disaster restore starts from).

A restore to time T loads the newest base dump taken at or before T, then replays the binary logs from that dump's
position with ``mariadb-binlog --stop-datetime``. Binlog events carry whole-second timestamps, so T is rounded up
to its whole second: every transaction committed at or before T is in, and so are those committed later within
the same second.

Time base: the emulator's one clock (backup.py, oneclock.py), which dates AWS Backup points and jobs, S3 objects and
moto's other resources. Binlog events and base dumps carry real time; the window is reported on the clock
(``oneclock.to_clock``) and a restore time is found back in real time (``oneclock.to_real``) for ``--stop-datetime``.
So in a world seeded "eight days ago", a restore to the third day's morning holds what the third day wrote.

Records live in memory (and their files under ``<state dir>/automated-backups/``): an emulator restart forgets them.
"""

import datetime
import math
import os
import random
import shutil
import string
import threading
import time

from moto.rds.exceptions import RDSClientError
from . import oneclock
from moto.rds.models import DBInstance, RDSBackend

BASE_DUMP_EVERY = 24 * 3600  # seconds: RDS takes a daily snapshot in the backup window
MOTO_RESOURCE_ID = "db-M5ENSHXFPU6XHZ4G4ZEI5QIO2U"  # what moto's DBInstance gives every instance


def _utc(epoch):
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)


def _iso(epoch):
    return _utc(epoch).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value):
    """A RestoreTime as moto hands it over (datetime or ISO 8601 text) as epoch seconds."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip().replace(" ", "T")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise RDSClientError("InvalidParameterValue", "Invalid RestoreTime: %r" % value) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)  # the API's times are UTC
    return moment.timestamp()


def _param(params, *names):
    """moto hands parameters over in its own spelling: accept the API's and the snake_case one."""
    for name in names:
        if params.get(name) not in (None, ""):
            return params[name]
    return None


def _is_true(value):
    return value is True or str(value).lower() == "true"


def _random_id(length, alphabet):
    return "".join(random.choice(alphabet) for _index in range(length))


class Record:
    """One instance's automated backups: base dumps, where its binlogs are, its restorable window."""

    def __init__(self, database, region, directory):
        self.database = database  # moto's DBInstance, kept after deletion for the settings a restore inherits
        self.region = region
        self.identifier = database.db_instance_identifier
        self.resource_id = database.dbi_resource_id
        self.arn = database.db_instance_arn
        self.automated_backups_arn = "arn:aws:rds:%s:%s:auto-backup:ab-%s" % (
            region, database.account_id, _random_id(26, string.ascii_lowercase + string.digits))
        self.retention = int(database.backup_retention_period or 0)
        self.directory = directory
        self.bases = []  # {"path", "binlog_file", "binlog_pos", "taken_at"}, oldest first
        self.server = None  # the live MariaDBServer; None once deleted
        self.archived_binlogs = []
        self.marks = []  # (real epoch, binlog file, position) where the emulator's clock moved, oldest first
        self.deleted_at = None
        self.created_at = time.time()

    @property
    def earliest(self):
        """The window's first second, on the clock."""
        if not self.bases:
            return None
        cutoff = self.latest - self.retention * 86400
        # Whole seconds, as the window is reported and as binlog events are dated: a client that restores to the
        # earliest time it was shown must be inside the window, and a base dump at or before it must exist.
        return float(math.ceil(max(oneclock.to_clock(self.bases[0]["taken_at"]), cutoff)))

    @property
    def latest(self):
        """The window's end, on the clock: now, or when the instance was deleted."""
        return oneclock.to_clock(self.deleted_at or time.time())

    def binlogs_from(self, first):
        """The binlog files from ``first`` (a base name) on, oldest first."""
        files = self.archived_binlogs if self.server is None else self.server.binlog_files()
        names = [os.path.basename(path) for path in files]
        if first not in names:
            raise RDSClientError("InvalidRestoreFault", "The binary log %s of %s is no longer available" % (first, self.identifier))
        return files[names.index(first):]


class AutomatedBackupView:
    """What DescribeDBInstanceAutomatedBackups returns for a record (attribute names as moto's serializer reads them)."""

    def __init__(self, record):
        database = record.database
        self.db_instance_arn = record.arn
        self.dbi_resource_id = record.resource_id
        self.region = record.region
        self.db_instance_identifier = record.identifier
        self.restore_window = {"EarliestTime": _utc(record.earliest), "LatestTime": _utc(record.latest)}
        self.allocated_storage = database.allocated_storage
        self.status = "retained" if record.server is None else "active"
        self.port = 3306
        self.availability_zone = database.availability_zone
        self.instance_create_time = _utc(oneclock.to_clock(record.created_at))
        self.master_username = database.master_username
        self.engine = database.engine
        self.engine_version = database.engine_version
        self.license_model = "general-public-license"
        self.encrypted = bool(database.storage_encrypted)
        self.storage_type = database.storage_type
        self.kms_key_id = database.kms_key_id
        self.iam_database_authentication_enabled = False
        self.backup_retention_period = record.retention
        self.db_instance_automated_backups_arn = record.automated_backups_arn
        self.backup_target = "region"
        self.tag_list = list(database.tags or [])


class AutomatedBackups:
    """Every instance's automated backups in one emulator. Thread-safe."""

    def __init__(self, state_dir, fleet):
        self.root = os.path.join(os.path.abspath(state_dir), "automated-backups")
        self.fleet = fleet
        self.lock = threading.RLock()
        self.records = {}  # DbiResourceId -> Record

    # --- lifecycle, called by RdsDriver
    def attached(self, database, region):
        """A server now carries ``database``: replay a pending point-in-time plan, then start its automated backups."""
        # moto gives every instance the same DbiResourceId; a restore by resource id needs one per instance, and the
        # id must stay when automated backups are switched on later (modified() comes back here).
        if database.dbi_resource_id == MOTO_RESOURCE_ID:
            database.dbi_resource_id = "db-" + _random_id(26, string.ascii_uppercase + string.digits)
        server = self.fleet.server(database.db_instance_identifier)
        plan = getattr(database, "restorekit_pitr", None)
        if plan is not None:
            server.replay_binlogs(plan["binlogs"], plan["start_pos"], plan["stop_datetime"], plan.get("stop_position"))
            database.restorekit_pitr = None  # done: a later restore from this instance must not inherit the plan
        if int(database.backup_retention_period or 0) > 0:
            record = Record(database, region, os.path.join(self.root, region, database.dbi_resource_id))
            record.server = server
            with self.lock:
                self.records[record.resource_id] = record
            self._base_dump(record)

    def clock_moved(self, real_epoch):
        """The emulator's clock moved at REAL_EPOCH: mark where each live instance's binary log stands. Binlog events are
        dated to the real second, and a seeded day can pass in less than one: a restore to a time before the move stops at
        the mark, so nothing written after the move (on the clock, later) comes back."""
        with self.lock:
            live = [record for record in self.records.values() if record.server is not None]
        for record in live:
            try:
                binlog_file, position = record.server.binlog_position()
            except Exception:  # pylint: disable=broad-except
                continue  # a server stopping now has nothing more to mark
            record.marks.append((real_epoch, binlog_file, position))

    def deleted(self, region, identifier, retain):
        """The instance is being deleted: keep its backups (binlogs copied out) when ``retain``, else drop them."""
        record = self.live(region, identifier)
        if record is None:
            return
        if not retain:
            with self.lock:
                self.records.pop(record.resource_id, None)
            shutil.rmtree(record.directory, ignore_errors=True)
            return
        server = record.server
        try:
            server.flush_binary_logs()
        except Exception:  # pylint: disable=broad-except
            # A server that is down has closed its last binlog already; the deletion must go on either way.
            pass
        target = os.path.join(record.directory, "binlogs")
        os.makedirs(target, exist_ok=True)
        archived = []
        for path in server.binlog_files():
            copy = os.path.join(target, os.path.basename(path))
            shutil.copyfile(path, copy)
            archived.append(copy)
        with self.lock:
            record.archived_binlogs = archived
            record.deleted_at = time.time()
            record.server = None

    def renamed(self, region, old, new):
        record = self.live(region, old)
        if record is not None:
            record.identifier = new
            record.arn = record.arn.rsplit(":", 1)[0] + ":" + new

    def modified(self, region, database):
        """BackupRetentionPeriod changed: 0 deletes the automated backups (as RDS does), >0 starts or resizes them."""
        record = self.live(region, database.db_instance_identifier)
        retention = int(database.backup_retention_period or 0)
        if record is not None and retention == 0:
            with self.lock:
                self.records.pop(record.resource_id, None)
            shutil.rmtree(record.directory, ignore_errors=True)
        elif record is not None:
            record.retention = retention
        elif retention > 0 and database.db_instance_identifier in self.fleet.identifiers():
            database.restorekit_pitr = None
            self.attached(database, region)

    def live(self, region, identifier):
        with self.lock:
            for record in self.records.values():
                if record.server is not None and record.region == region and record.identifier == identifier:
                    return record
        return None

    def _base_dump(self, record):
        os.makedirs(record.directory, exist_ok=True)
        path = os.path.join(record.directory, "base-%d.sql" % (time.time() * 1000))
        info = record.server.dump(path)
        with self.lock:
            record.bases.append({"path": path, "binlog_file": info["binlog_file"], "binlog_pos": info["binlog_pos"],
                                 "taken_at": info["taken_at"]})

    # --- the RDS API
    def find(self, region, params, account_id=None):
        """The record a RestoreDBInstanceToPointInTime request names (of ACCOUNT_ID's instances: one account never sees
        another's automated backups), or the RDS error for what it names."""
        identifier = _param(params, "SourceDBInstanceIdentifier", "source_db_instance_identifier")
        resource_id = _param(params, "SourceDbiResourceId", "source_dbi_resource_id")
        backups_arn = _param(params, "SourceDBInstanceAutomatedBackupsArn", "source_db_instance_automated_backups_arn")
        given = [name for name, value in (("SourceDBInstanceIdentifier", identifier), ("SourceDbiResourceId", resource_id),
                                          ("SourceDBInstanceAutomatedBackupsArn", backups_arn)) if value]
        if len(given) != 1:
            raise RDSClientError("InvalidParameterCombination",
                                 "Specify exactly one of SourceDBInstanceIdentifier, SourceDbiResourceId and "
                                 "SourceDBInstanceAutomatedBackupsArn; got %s" % (", ".join(given) or "none"))
        with self.lock:
            records = [r for r in self.records.values() if r.region == region and account_id in (None, r.database.account_id)]
        if identifier:
            name = identifier.rsplit(":", 1)[-1] if identifier.startswith("arn:") else identifier
            for record in records:
                if record.server is not None and record.identifier == name:
                    return record
            return None  # a live instance without automated backups, or none at all: see plan()
        for record in records:
            if (resource_id and record.resource_id == resource_id) or (backups_arn and record.automated_backups_arn == backups_arn):
                return record
        raise RDSClientError("DBInstanceAutomatedBackupNotFound",
                             "No automated backup for %s was found." % (resource_id or backups_arn))

    def plan(self, backend, params):
        """Check the request against the restorable window; return (record, plan) for the restore to carry out."""
        record = self.find(backend.region_name, params, backend.account_id)
        if record is None:
            identifier = _param(params, "SourceDBInstanceIdentifier", "source_db_instance_identifier")
            name = identifier.rsplit(":", 1)[-1]
            if name not in backend.databases:
                raise RDSClientError("DBInstanceNotFound", "DBInstance %s not found." % name)
            raise RDSClientError("PointInTimeRestoreNotEnabled",
                                 "Point-in-time restore is not enabled for %s: its BackupRetentionPeriod is 0" % name)
        restore_time = _param(params, "RestoreTime", "restore_time")
        use_latest = _is_true(_param(params, "UseLatestRestorableTime", "use_latest_restorable_time"))
        if restore_time and use_latest:
            raise RDSClientError("InvalidParameterCombination", "Cannot specify both RestoreTime and UseLatestRestorableTime")
        if record.server is not None and time.time() - record.bases[-1]["taken_at"] >= BASE_DUMP_EVERY:
            self._base_dump(record)  # the daily snapshot, taken when next needed
        latest = record.latest
        if use_latest or not restore_time:
            target = latest  # RDS restores the latest restorable time when no time is given
        else:
            target = parse_time(restore_time)
            if not record.earliest <= target <= latest:
                raise RDSClientError("InvalidRestoreFault",
                                     "RestoreTime %s is outside the restorable window of %s: %s to %s"
                                     % (_iso(target), record.identifier, _iso(record.earliest), _iso(latest)))
        # The window opens at the first base dump, so one at or before the target always exists.
        base = [b for b in record.bases if oneclock.to_clock(b["taken_at"]) <= target][-1]
        # Binlog timestamps are real whole seconds and mariadb-binlog stops before the first event at or after the stop
        # time: stopping at the next whole second after T's real instant keeps every event dated within that second.
        real_target = oneclock.to_real(target)
        stop = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(real_target) + 1))
        binlogs = record.binlogs_from(base["binlog_file"])
        stop_position = None
        # Where the clock moved next (at or after T's real instant): events after that mark are later than T on the clock,
        # even within the same real second.
        mark = next((m for m in record.marks if m[0] >= real_target and m[0] >= base["taken_at"]), None)
        if mark is not None:
            names = [os.path.basename(path) for path in binlogs]
            if mark[1] in names:
                binlogs = binlogs[:names.index(mark[1]) + 1]
                stop_position = mark[2]
        return record, {"base": base["path"], "binlogs": binlogs, "start_pos": base["binlog_pos"], "stop_datetime": stop,
                        "stop_position": stop_position, "restore_time": target}

    def describe(self, backend, params):
        """DescribeDBInstanceAutomatedBackups: active and retained records, with the API's filters."""
        identifier = _param(params, "DBInstanceIdentifier", "db_instance_identifier")
        resource_id = _param(params, "DbiResourceId", "dbi_resource_id")
        backups_arn = _param(params, "DBInstanceAutomatedBackupsArn", "db_instance_automated_backups_arn")
        with self.lock:
            records = [r for r in self.records.values() if r.region == backend.region_name and r.database.account_id == backend.account_id]
        return [AutomatedBackupView(r) for r in records
                if (not identifier or r.identifier == identifier) and (not resource_id or r.resource_id == resource_id)
                and (not backups_arn or r.automated_backups_arn == backups_arn)]


def _inherited_settings(database):
    """The settings a restore copies from its source, the way moto's own restore copies them."""
    props = {}
    for key, value in database.__dict__.items():
        key = key[1:] if key.startswith("_") else key
        if key in ("backend", "db_subnet_group", "max_allocated_storage", "restorekit_pitr"):
            continue
        props[key] = value
    props["db_name"] = database.db_name
    if not database.option_group_supplied:
        props.pop("option_group_name", None)
    return props


def _restore_flags(database, overrides):
    """What moto's restore gets wrong about flags: an explicit false is dropped (its ``if value:``), and deletion
    protection is copied from the source. RDS takes both as asked, and a restore is unprotected unless asked."""
    for names, attribute in ((("DeletionProtection", "deletion_protection"), "deletion_protection"),
                             (("PubliclyAccessible", "publicly_accessible"), "publicly_accessible"),
                             (("MultiAZ", "multi_az"), "multi_az")):
        given = [overrides[name] for name in names if overrides.get(name) not in (None, "")]
        if given:
            setattr(database, attribute, _is_true(given[0]))
        elif attribute == "deletion_protection":
            database.deletion_protection = False


_INSTALLED = []


def install(backups):
    """Route moto's RestoreDBInstanceToPointInTime and DescribeDBInstanceAutomatedBackups through ``backups``."""
    if _INSTALLED:
        _INSTALLED[0] = backups
        return
    _INSTALLED.append(backups)
    original_restore = RDSBackend.restore_db_instance_to_point_in_time

    def restore_db_instance_to_point_in_time(backend, source_db_identifier, target_db_identifier, overrides):
        live = backend.databases.get((source_db_identifier or "").rsplit(":", 1)[-1])
        if live is not None and (live.engine or "").lower() not in ("mysql", "mariadb"):
            # No server, no binlogs: other engines keep moto's own behaviour.
            return original_restore(backend, source_db_identifier, target_db_identifier, overrides)
        record, plan = _INSTALLED[0].plan(backend, overrides)
        if record.server is not None and record.identifier in backend.databases:
            database = original_restore(backend, record.identifier, target_db_identifier, overrides)
        else:
            # The source is gone: its retained automated backups carry the settings.
            props = _inherited_settings(record.database)
            for key, value in overrides.items():
                if value:
                    props[key] = value
            props["db_instance_identifier"] = target_db_identifier
            database = backend.create_db_instance(props)
        _restore_flags(database, overrides)
        database.restorekit_pitr = plan
        return database

    def describe_db_instance_automated_backups(backend, **params):
        return _INSTALLED[0].describe(backend, params)

    RDSBackend.restore_db_instance_to_point_in_time = restore_db_instance_to_point_in_time
    # DBInstance has no EarliestRestorableTime (the window is DescribeDBInstanceAutomatedBackups' RestoreWindow), and
    # RDS leaves LatestRestorableTime out when automated backups are off.
    DBInstance.latest_restorable_time = property(
        lambda database: _utc(oneclock.now_epoch()).replace(tzinfo=None) if int(database.backup_retention_period or 0) > 0 else None)
    RDSBackend.describe_db_instance_automated_backups = describe_db_instance_automated_backups
