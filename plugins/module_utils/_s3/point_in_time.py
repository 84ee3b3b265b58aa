# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rolling a versioned bucket (or part of it) back to its state at a time: the engine of ``s3_point_in_time``.

The runbook says "S3 versioning provides point-in-time recovery"; this makes it a procedure that loses nothing:

- every key is brought back by copying *its own version current at T* on top (CopyObject with the source's
  VersionId), so the history stays complete and the roll-back can itself be rolled back;
- nothing is ever permanently deleted (no DeleteObject with a VersionId); a key created after T only gets a
  delete marker when the play asks for it;
- the listing (ListObjectVersions) is streamed page by page and each key is decided as soon as its versions
  have all arrived (S3 lists a key's versions contiguously, newest first), so memory does not grow with the bucket.

``order_versions``, ``iter_key_histories``, ``decide`` and ``same_object`` are pure and unit-tested; ``PointInTime``
does the AWS calls.
"""

from __future__ import annotations

import collections
import concurrent.futures
import datetime

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.


from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import RecoveryPointError
from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import parse_time
from ansible_collections.restorekit.aws.plugins.module_utils._backup.recovery_points import utc_now
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import KeyFilter
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import Manifest
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import iter_pages
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import AnsibleS3Error
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import S3ErrorHandler

# What happens to a key. The first three change the bucket (each adds a version or a delete marker, never removes one).
RESTORE = "restore"                  # changed after T: the version current at T is copied on top
UNDELETE = "undelete"                # deleted after T (a delete marker is current): the version at T is copied on top
DELETE_MARKER = "delete_marker"      # created after T and delete_created_after: a delete marker is added
UNCHANGED = "unchanged"              # already as it was at T
CREATED_AFTER = "created_after"      # created after T, left in place (delete_created_after is false)
UNKNOWN_HISTORY = "unknown_history"  # its surviving history starts after T: what it held at T is unknown
AMBIGUOUS = "ambiguous"              # a version and a delete marker share the second that decides it
UNSUPPORTED = "unsupported"          # the version at T cannot be copied in one request (archived, over 5 GiB)
FAILED = "failed"                    # an AWS call failed after its retries (a real run only)
CHANGING_ACTIONS = (RESTORE, UNDELETE, DELETE_MARKER)
ACTIONS = (RESTORE, UNDELETE, DELETE_MARKER, UNCHANGED, CREATED_AFTER, UNKNOWN_HISTORY, AMBIGUOUS, UNSUPPORTED, FAILED)

# CopyObject copies at most 5 GiB in one request.
MAX_COPY_SIZE = 5 * 1024 ** 3
# Storage classes whose objects must be restored from the archive before they can be copied.
ARCHIVED_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE")
# The HeadObject fields that make two versions the same object for a reader, besides their bytes.
HEAD_FIELDS = ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage", "CacheControl", "Expires",
               "WebsiteRedirectLocation", "Metadata", "ServerSideEncryption", "SSEKMSKeyId")


class PointInTimeError(AnsibleS3Error):
    """A request that cannot be carried out: bad options, or a bucket that cannot be rolled back."""


def build_request(params, now=None):
    """Validate the module's options before any AWS call; return what a run needs.

    Raises PointInTimeError naming the option and the value at fault.
    """
    now = now or utc_now()
    bucket = (params.get("bucket") or "").strip()
    if not bucket:
        raise PointInTimeError(message="bucket='' names no bucket")
    try:
        point_in_time = parse_time(params.get("point_in_time"), "point_in_time", now)
    except RecoveryPointError as e:
        raise PointInTimeError(message=e.message) from e
    if point_in_time is None:
        raise PointInTimeError(message="point_in_time is required")
    if point_in_time > now:
        raise PointInTimeError(message=f"point_in_time={params.get('point_in_time')!r} is in the future "
                                       f"({point_in_time.isoformat()} > now {now.isoformat()}): a bucket cannot be rolled forward")
    concurrency = params.get("concurrency")
    concurrency = 16 if concurrency is None else concurrency
    if concurrency < 1 or concurrency > 256:
        raise PointInTimeError(message=f"concurrency={concurrency!r} must be between 1 and 256")
    plan_sample = params.get("plan_sample")
    plan_sample = 10 if plan_sample is None else plan_sample
    if plan_sample < 0:
        raise PointInTimeError(message=f"plan_sample={plan_sample!r} must not be negative")
    for option in ("prefixes", "include_globs", "exclude_globs"):
        for value in params.get(option) or []:
            if value is None or (option != "prefixes" and value == ""):
                raise PointInTimeError(message=f"{option} holds an empty entry ({params.get(option)!r})")
    return {
        "bucket": bucket,
        "point_in_time": point_in_time,
        "key_filter": KeyFilter(prefixes=params.get("prefixes"), include_globs=params.get("include_globs"),
                                exclude_globs=params.get("exclude_globs")),
        "delete_created_after": bool(params.get("delete_created_after")),
        "concurrency": concurrency,
        "plan_sample": plan_sample,
        "manifest_path": params.get("manifest_path"),
    }


# --- the listing, one key at a time ------------------------------------------------------------------------

def _entry(raw, delete_marker):
    return {
        "version_id": raw.get("VersionId"),
        "last_modified": raw.get("LastModified"),
        "is_latest": bool(raw.get("IsLatest")),
        "delete_marker": delete_marker,
        "etag": raw.get("ETag"),
        "size": raw.get("Size"),
        "storage_class": raw.get("StorageClass"),
        # True when this entry's place after the previous one is not known (see order_versions).
        "tied": False,
    }


def order_versions(versions, delete_markers):
    """One key's entries of one page, newest first.

    boto3 returns a page's versions and delete markers as two lists, each newest first, and so loses how they
    interleave. They are merged on LastModified, which S3 gives to the second: a version and a delete marker of the
    same second are ordered by IsLatest when one of them is current, and otherwise flagged ``tied`` (their order is
    unknown; ``decide`` refuses to guess when such a tie decides the key).
    """
    entries = [_entry(raw, False) for raw in versions] + [_entry(raw, True) for raw in delete_markers]
    # A stable sort keeps each list's own (reliable) order within a second.
    entries.sort(key=lambda entry: (not entry["is_latest"], -entry["last_modified"].timestamp()))
    for previous, entry in zip(entries, entries[1:]):
        if (entry["last_modified"] == previous["last_modified"] and entry["delete_marker"] != previous["delete_marker"]
                and not previous["is_latest"]):
            entry["tied"] = True
    return entries


def iter_key_histories(pages, key_filter=None):
    """Yield ``(key, entries)`` for each key of a ListObjectVersions listing, entries newest first.

    PAGES is any iterable of pages. A key whose versions continue on the next page is held back until that page
    has arrived, so only one page and one key's history are in memory at a time. Keys KEY_FILTER rejects are
    skipped without being held.
    """
    pending_key = None
    pending = []
    for page in pages:
        by_key = collections.OrderedDict()
        for raw in page.get("Versions") or []:
            by_key.setdefault(raw["Key"], ([], []))[0].append(raw)
        for raw in page.get("DeleteMarkers") or []:
            by_key.setdefault(raw["Key"], ([], []))[1].append(raw)
        for key in sorted(by_key):
            if key_filter is not None and not key_filter.matches(key):
                continue
            entries = order_versions(*by_key[key])
            if key == pending_key:
                # Continued from the previous page: every entry here is older than those already held.
                if entries:
                    entries[0]["tied"] = False
                pending.extend(entries)
                continue
            if pending_key is not None:
                yield pending_key, pending
            pending_key, pending = key, entries
    if pending_key is not None:
        yield pending_key, pending


# --- the decision for one key ------------------------------------------------------------------------------

def _iso(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def _decision(key, action, reason, entry=None, check=False):
    return {
        "key": key,
        "action": action,
        "reason": reason,
        "version_id": entry["version_id"] if entry else None,
        "size": entry["size"] if entry else None,
        "storage_class": entry["storage_class"] if entry else None,
        # A restore whose bytes already match: the module compares headers and tags before copying (see same_object).
        "check": check,
    }


def _same_bytes(one, other):
    """Two versions hold the same bytes, judged from the listing: equal size and equal ETag.

    An ETag is an MD5 of the bytes only for objects uploaded in one part without SSE-KMS; an object uploaded in
    parts has an ETag with a dash, and a copy of it gets a different one: for those the comparison says "different"
    and the key is copied again (a harmless extra version) rather than wrongly left.
    """
    if one["size"] != other["size"] or not one["etag"] or one["etag"] != other["etag"]:
        return False
    return "-" not in one["etag"]


def decide(key, entries, point_in_time, delete_created_after=False, history_complete=True):
    """What to do with KEY, whose ENTRIES (versions and delete markers) are listed newest first.

    Pure. Returns a dict: key, action (one of ACTIONS), reason, version_id (the version copied on top, or the
    version the key is left at), size, storage_class and check (True when the bytes already match and headers
    and tags must be compared before copying).
    HISTORY_COMPLETE is False when the bucket may have lost old versions (a lifecycle rule expires noncurrent
    versions): a key with no version at or before T is then reported, never deleted.
    """
    when = point_in_time.isoformat()
    if not entries:
        return _decision(key, UNKNOWN_HISTORY, "no versions listed")
    current = entries[0]
    at_t_index = next((index for index, entry in enumerate(entries) if entry["last_modified"] <= point_in_time), None)

    if at_t_index is None:
        oldest = entries[-1]
        if not history_complete:
            return _decision(key, UNKNOWN_HISTORY,
                             f"its oldest surviving version is from {_iso(oldest['last_modified'])}, after {when}, and a lifecycle "
                             "rule of the bucket expires noncurrent versions: what it held at that time is unknown", current)
        if oldest["delete_marker"]:
            return _decision(key, UNKNOWN_HISTORY,
                             f"its history starts with a delete marker from {_iso(oldest['last_modified'])}, after {when}: "
                             "older versions were removed, what it held at that time is unknown", current)
        if oldest["version_id"] in (None, "null"):
            return _decision(key, UNKNOWN_HISTORY,
                             f"its oldest version ({_iso(oldest['last_modified'])}, after {when}) was written while versioning was "
                             "off or suspended, which keeps no earlier version: what it held at that time is unknown", current)
        return _created_after(key, current, f"created after {when} (first version {_iso(oldest['last_modified'])})",
                              delete_created_after)

    at_t = entries[at_t_index]
    same_second = [entry for entry in entries if entry["last_modified"] == at_t["last_modified"]]
    if not at_t["is_latest"] and any(entry["tied"] for entry in same_second):
        return _decision(key, AMBIGUOUS,
                         f"a version and a delete marker were both written at {_iso(at_t['last_modified'])} (S3 dates versions to "
                         f"the second) and their order decides what the key held at {when}; choose a point in time outside that second")

    if at_t["delete_marker"]:
        if current["delete_marker"]:
            return _decision(key, UNCHANGED, f"absent at {when} and now (a delete marker is current)")
        return _created_after(key, current, f"deleted at {when} and written again after it", delete_created_after)

    if at_t_index == 0:
        return _decision(key, UNCHANGED, f"its current version was already current at {when}", at_t)
    if current["delete_marker"]:
        return _decision(key, UNDELETE if _restorable(at_t) is None else UNSUPPORTED,
                         _restorable(at_t) or f"deleted after {when}: its version of {_iso(at_t['last_modified'])} is copied back", at_t)
    if _restorable(at_t) is not None:
        return _decision(key, UNSUPPORTED, _restorable(at_t), at_t)
    if _same_bytes(current, at_t):
        return _decision(key, RESTORE, f"its bytes equal the version current at {when}; headers or tags differ", at_t, check=True)
    return _decision(key, RESTORE, f"changed after {when}: its version of {_iso(at_t['last_modified'])} is copied back", at_t)


def _created_after(key, current, why, delete_created_after):
    if current["delete_marker"]:
        return _decision(key, UNCHANGED, f"{why}, and already deleted (a delete marker is current)")
    if delete_created_after:
        return _decision(key, DELETE_MARKER, f"{why}: a delete marker is added (delete_created_after), its versions are kept", current)
    return _decision(key, CREATED_AFTER, f"{why}: left (set delete_created_after to hide it behind a delete marker)", current)


def _restorable(entry):
    """None when ENTRY can be copied in one CopyObject, else why not."""
    if entry["storage_class"] in ARCHIVED_STORAGE_CLASSES:
        return (f"its version {entry['version_id']} is in storage class {entry['storage_class']}: restore it from the archive "
                "(RestoreObject) first, then run again")
    if entry["size"] is not None and entry["size"] > MAX_COPY_SIZE:
        return f"its version {entry['version_id']} is {entry['size']} bytes, over the 5 GiB a single copy can carry: copy it by parts"
    return None


def same_object(head_at_t, head_current, tags_at_t, tags_current):
    """True when the current version reads like the version at T: same headers, metadata, encryption and tags.

    Pure: takes HeadObject responses and TagSets. Called only when the bytes already match (``check``), which is
    the case of every key a previous run restored, so a re-run changes nothing.
    """
    for field in HEAD_FIELDS:
        if (head_at_t.get(field) or None) != (head_current.get(field) or None):
            return False
    return _tag_dict(tags_at_t) == _tag_dict(tags_current)


def _tag_dict(tag_set):
    return {tag["Key"]: tag["Value"] for tag in tag_set or []}


def copy_request(bucket, key, version_id, head, storage_class=None):
    """The CopyObject request that puts version VERSION_ID of KEY back on top, as it was.

    MetadataDirective and TaggingDirective COPY carry the version's user metadata, content headers and tags (the
    tags of that version: S3 keeps tags per version). Encryption is not copied by S3 (a copy takes the bucket's
    default), so the version's own is named: SSE-S3, or SSE-KMS with its key and bucket-key setting.
    """
    request = {
        "Bucket": bucket,
        "Key": key,
        "CopySource": {"Bucket": bucket, "Key": key, "VersionId": version_id},
        "MetadataDirective": "COPY",
        "TaggingDirective": "COPY",
    }
    encryption = head.get("ServerSideEncryption")
    if encryption:
        request["ServerSideEncryption"] = encryption
        if encryption.startswith("aws:kms") and head.get("SSEKMSKeyId"):
            request["SSEKMSKeyId"] = head["SSEKMSKeyId"]
        if head.get("BucketKeyEnabled") is not None and encryption.startswith("aws:kms"):
            request["BucketKeyEnabled"] = head["BucketKeyEnabled"]
    if storage_class and storage_class != "STANDARD":
        request["StorageClass"] = storage_class
    return request


# --- the plan's summary ------------------------------------------------------------------------------------

class Plan:
    """Counts and bytes per action and the first keys of each: what a responder reads before saying yes."""

    def __init__(self, first_keys=10):
        self.first_keys = first_keys
        self.counts = collections.OrderedDict((action, 0) for action in ACTIONS)
        self.bytes = collections.OrderedDict((action, 0) for action in ACTIONS)
        self.keys = collections.OrderedDict((action, []) for action in ACTIONS)
        self.failures = []

    def add(self, decision):
        action = decision["action"]
        self.counts[action] += 1
        self.bytes[action] += decision.get("size") or 0
        if len(self.keys[action]) < self.first_keys:
            self.keys[action].append(decision["key"])
        if action == FAILED and len(self.failures) < 100:
            self.failures.append({"key": decision["key"], "reason": decision["reason"]})

    @property
    def changes(self):
        return sum(self.counts[action] for action in CHANGING_ACTIONS)

    def as_dict(self):
        return {
            "counts": dict(self.counts),
            "bytes": dict(self.bytes),
            "first_keys": {action: keys for action, keys in self.keys.items() if keys},
            "keys_total": sum(self.counts.values()),
        }


# --- the run -----------------------------------------------------------------------------------------------

def _client_error_types():
    return (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError)


# The bucket's settings, read through S3ErrorHandler (a bucket or a setting that is not there: its default; any other
# failure: AnsibleS3Error). The listing is streamed, page by page, into the run: its failure is caught where it is consumed.
def _versioning(client, bucket):
    return client.get_bucket_versioning(Bucket=bucket)


def _lifecycle_rules(client, bucket):
    return client.get_bucket_lifecycle_configuration(Bucket=bucket).get("Rules") or []


class PointInTime:
    """One roll-back of a bucket: check the bucket, stream the listing, decide, and (unless a dry run) act.

    CLIENT is a boto3 S3 client whose config retries throttling and 5xx with backoff (see ``common.client_config``)
    and whose pool holds the run's CONCURRENCY connections.
    """

    def __init__(self, client, request, dry_run=False):
        self.client = client
        self.request = request
        self.dry_run = dry_run
        self.bucket = request["bucket"]
        self.plan = Plan(request["plan_sample"])
        self.history_complete = True
        self.warnings = []

    def check_bucket(self):
        """Refuse a bucket whose versioning is not Enabled; learn whether old versions may have expired."""
        bucket = self.bucket
        versioning = S3ErrorHandler.list_error_handler(f"read the versioning of bucket {bucket!r}")(_versioning)(self.client, bucket)
        if versioning is None:
            raise PointInTimeError(message=f"bucket={bucket!r} does not exist")
        status = versioning.get("Status")
        if status != "Enabled":
            state = "suspended" if status == "Suspended" else "never enabled"
            raise PointInTimeError(
                message=f"bucket={bucket!r} does not have versioning enabled (versioning {state}): it keeps no versions to roll "
                        "back to, and copying over a null version would destroy it. Restore it from an AWS Backup recovery point instead")
        rules = S3ErrorHandler.list_error_handler(f"read the lifecycle rules of bucket {bucket!r}", [])(_lifecycle_rules)(self.client, bucket)
        for rule in rules:
            if rule.get("Status") == "Enabled" and rule.get("NoncurrentVersionExpiration"):
                self.history_complete = False
                self.warnings.append(
                    f"bucket {bucket!r} has lifecycle rule {rule.get('ID') or rule.get('Prefix') or ''!r} expiring noncurrent versions: "
                    "keys whose surviving history starts after point_in_time are reported as unknown_history, never deleted")
                break

    def decisions(self):
        """Every key's decision, streamed: one listing per prefix, one page at a time."""
        key_filter = self.request["key_filter"]
        for prefix in key_filter.list_prefixes():
            pages = iter_pages(self.client, "list_object_versions", Bucket=self.bucket, Prefix=prefix or None)
            for key, entries in iter_key_histories(pages, key_filter):
                yield decide(key, entries, self.request["point_in_time"], self.request["delete_created_after"],
                             self.history_complete)

    def run(self):
        """Decide and act for every key; write the manifest; return the plan.

        Keys are settled on the pool but recorded in listing order (the oldest submitted first), so the manifest of
        a dry run and of a real run list the same lines in the same order.
        """
        workers = self.request["concurrency"]
        # At most this many keys are in flight: the listing pauses rather than piling up decisions.
        window = workers * 4
        with Manifest(self.request["manifest_path"]) as manifest:
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
                pending = collections.deque()
                try:
                    for decision in self.decisions():
                        pending.append(pool.submit(self._settle, decision))
                        while pending and (len(pending) >= window or pending[0].done()):
                            self._record(pending.popleft().result(), manifest)
                except _client_error_types() as e:
                    raise PointInTimeError(message=f"Failed to list the versions of bucket {self.bucket!r}", exception=e) from e
                finally:
                    while pending:
                        self._record(pending.popleft().result(), manifest)
        return self.plan

    def _record(self, decision, manifest):
        self.plan.add(decision)
        manifest.write(decision["key"], decision["action"], decision["reason"], size=decision["size"],
                       version_id=decision["version_id"])

    def _settle(self, decision):
        """Resolve a decision (compare headers and tags when the bytes match) and, unless a dry run, carry it out.

        Returns the decision as the manifest records it. Reads happen in a dry run too, so the dry run's manifest
        is the one the real run writes.
        """
        key = decision["key"]
        try:
            head = None
            if decision["check"]:
                head, same = self._compare(key, decision["version_id"])
                if same:
                    return dict(decision, action=UNCHANGED, check=False,
                                reason=f"its current version equals the version current at {self.request['point_in_time'].isoformat()} "
                                       "(bytes, headers, metadata, encryption and tags)")
            if self.dry_run:
                return decision
            if decision["action"] in (RESTORE, UNDELETE):
                if head is None:
                    head = self.client.head_object(Bucket=self.bucket, Key=key, VersionId=decision["version_id"])
                self.client.copy_object(**copy_request(self.bucket, key, decision["version_id"], head, decision["storage_class"]))
            elif decision["action"] == DELETE_MARKER:
                # No VersionId: this adds a delete marker and removes nothing.
                self.client.delete_object(Bucket=self.bucket, Key=key)
            return decision
        except _client_error_types() as e:
            return dict(decision, action=FAILED, reason=f"{decision['action']} failed: {e}")

    def _compare(self, key, version_id):
        bucket = self.bucket
        head_at_t = self.client.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        head_current = self.client.head_object(Bucket=bucket, Key=key)
        if head_current.get("VersionId") == version_id:
            return head_at_t, True
        tags_at_t = self.client.get_object_tagging(Bucket=bucket, Key=key, VersionId=version_id).get("TagSet")
        tags_current = self.client.get_object_tagging(Bucket=bucket, Key=key, VersionId=head_current.get("VersionId")).get("TagSet")
        return head_at_t, same_object(head_at_t, head_current, tags_at_t, tags_current)
