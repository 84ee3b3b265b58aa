# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The S3 comparison behind ``restorekit.aws.s3_restore_compare_info``, for both of its uses.

- ``compare_restores``: the ``validate_s3`` role's check of a tenant restore - each production bucket against the
  staging bucket it was copied back from, every tenant and every key in one call.
- ``compare_with_source``: the restore drill's check of a restored bucket against the bucket its recovery point was
  taken from (which moved on since).

How it reads:

- Both buckets of a pair are listed page by page and joined by key (ListObjectsV2 lists in UTF-8 byte order), the
  second listing in a background thread; memory holds a page of each and a bounded queue of work.
- Objects are compared on one bounded thread pool, shared by every pair; up to ``RESTORE_CONCURRENCY`` pairs are
  listed at the same time.
- Content identity, strictest proof first: sizes; the ETag of single-part objects not encrypted with KMS (the MD5 of
  the bytes); a checksum both objects report (``copy_engine.compare``, the copy's own rule). Where nothing proves it
  (multipart or SSE-KMS objects without a common checksum), both objects are read and the SHA-256 of their bytes
  compared, streamed: nothing is held in memory or written to disk.
- Validation reads each object once per bucket (HeadObject with checksums), which also gives its user metadata,
  content headers and encryption: those are compared for every key. Tags cost a GetObjectTagging per bucket, so they
  are compared for the critical keys and a sample.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.restorekit.aws.plugins.module_utils._error_codes import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import copy_engine
from ansible_collections.restorekit.aws.plugins.module_utils._s3.buckets import bucket_exists
from ansible_collections.restorekit.aws.plugins.module_utils._s3.buckets import bucket_tags
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import KeyFilter
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import read_manifest
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import tune_client

DEFAULT_PARALLELISM = 16
DEFAULT_DETAIL_SAMPLE = 20
MAX_PARALLELISM = 256
RESTORE_CONCURRENCY = 4
# Keys listed per finding in a check's details (the counts are always complete).
LISTED = 50
READ_CHUNK = 1024 * 1024
MISSING_OBJECT = ("404", "NoSuchKey", "NotFound")
# The copy manifest's actions for a production object the copy left in place by its conflict policy.
KEPT_ACTIONS = (copy_engine.SKIP_NEWER, copy_engine.SKIP_EXISTING)
# What a reader of the object sees besides its bytes, as named in the findings (HeadObject field in brackets).
DETAIL_FIELDS = (("content_length", "ContentLength"), ("metadata", "Metadata"), ("content_type", "ContentType"),
                 ("content_encoding", "ContentEncoding"), ("cache_control", "CacheControl"),
                 ("content_disposition", "ContentDisposition"), ("content_language", "ContentLanguage"),
                 ("server_side_encryption", "ServerSideEncryption"), ("ssekms_key_id", "SSEKMSKeyId"))
STAGING_FOR_TAG = "restorekit:staging-for"
RUN_TAG = "restorekit:run"
# How content identity was proven, as the report counts it.
BY_ETAG_OR_CHECKSUM = "etag_or_checksum"
BY_READING_BOTH = "sha256_of_both_objects_read"
READ_DIFFERS = "content differs (SHA-256 of both objects read)"


class CompareError(Exception):
    """Bad options, refused before any AWS call; the message names the option and its value."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------------------------- reads
def list_bucket(client, bucket):
    """Every object of BUCKET in key order, streamed."""
    return copy_engine.list_objects(client, bucket, KeyFilter())


def outer_join(left, right):
    """``(key, left_or_None, right_or_None)`` for every key of either sorted listing, in key order."""
    other = next(right, None)
    for item in left:
        while other is not None and other["Key"] < item["Key"]:
            yield other["Key"], None, other
            other = next(right, None)
        if other is not None and other["Key"] == item["Key"]:
            yield item["Key"], item, other
            other = next(right, None)
        else:
            yield item["Key"], item, None
    while other is not None:
        yield other["Key"], None, other
        other = next(right, None)


def head(client, bucket, key):
    """HeadObject with the object's checksums; ``None`` when the object is gone."""
    try:
        return client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    except is_boto3_error_code(MISSING_OBJECT):
        return None


# The grantees that make an object public: AWS Backup does not restore such an object into a bucket that blocks public
# ACLs ("Restoring S3 data", AWS Backup developer guide), so it is "not restored", never "lost".
PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
NOT_RESTORED_PUBLIC = ("not restored: it carries a public ACL, and AWS Backup skips such objects when the bucket it restores into "
                       "blocks public access")


def public_acl(client, bucket, key):
    """Whether an object's ACL grants anything to everyone or to every AWS account; False when it is gone."""
    try:
        grants = client.get_object_acl(Bucket=bucket, Key=key).get("Grants", [])
    except is_boto3_error_code(MISSING_OBJECT):
        return False
    return any((grant.get("Grantee") or {}).get("URI") in PUBLIC_GRANTEES for grant in grants)


def sha256(client, bucket, key):
    """The SHA-256 of an object's bytes, read as a stream."""
    digest = hashlib.sha256()
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    try:
        for chunk in body.iter_chunks(READ_CHUNK):
            digest.update(chunk)
    finally:
        body.close()
    return digest.hexdigest()


def object_tags(client, bucket, key):
    return dict((tag["Key"], tag["Value"]) for tag in client.get_object_tagging(Bucket=bucket, Key=key).get("TagSet", []))


def prove_identical(client, first_bucket, first_head, second_bucket, second_head, key):
    """``(identical, reason, how)`` for two HEADs of KEY: the copy's rule, else the SHA-256 of both objects read."""
    identical, reason = copy_engine.compare(first_head, second_head)
    if identical or reason != copy_engine.UNPROVABLE:
        return identical, reason, BY_ETAG_OR_CHECKSUM
    if sha256(client, first_bucket, key) == sha256(client, second_bucket, key):
        return True, "same SHA-256 of both objects read", BY_READING_BOTH
    return False, READ_DIFFERS, BY_READING_BOTH


def _json(value):
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def detail_reasons(staging_head, production_head):
    """What a reader sees differently besides the bytes: user metadata, content headers, size, encryption."""
    reasons = []
    for name, field in DETAIL_FIELDS:
        staged, produced = staging_head.get(field), production_head.get(field)
        if staged != produced:
            reasons.append("{0} differs: {1} in production, {2} in staging".format(name, _json(produced), _json(staged)))
    return reasons


def tag_reasons(staging_tags, production_tags):
    if staging_tags == production_tags:
        return []
    return ["tags differ: {0} in production, {1} in staging".format(_json(production_tags), _json(staging_tags))]


class Pending:
    """Work submitted to a shared pool by one comparison, so it can wait for its own work only."""

    def __init__(self, pool, slots):
        self.pool = pool
        self.slots = slots
        self.count = 0
        self.done = threading.Condition()
        self.errors = []

    def submit(self, function, *args):
        self.slots.acquire()
        with self.done:
            self.count += 1
        self.pool.submit(self._run, function, args)

    def _run(self, function, args):
        try:
            function(*args)
        except Exception as error:  # pylint: disable=broad-exception-caught
            self.errors.append(error)  # re-raised by wait(): a fault of this code must not pass unseen
        finally:
            self.slots.release()
            with self.done:
                self.count -= 1
                self.done.notify_all()

    def wait(self):
        with self.done:
            while self.count:
                self.done.wait()
        if self.errors:
            raise self.errors[0]


# ---------------------------------------------------------------------------------------------------------------- validate_s3
def check_options(restores, critical_keys, detail_sample, parallelism):
    """Refuse bad options before any AWS call, naming the option and its value; returns the copy manifests read."""
    if not isinstance(restores, list) or not restores:
        raise CompareError("restores={0!r} must list at least one restore with staging_bucket and production_bucket".format(restores))
    productions = {}
    manifests = []
    for index, restore in enumerate(restores):
        if not isinstance(restore, dict):
            raise CompareError("restores[{0}]={1!r} is not a dictionary with staging_bucket and production_bucket".format(index, restore))
        for option in ("staging_bucket", "production_bucket"):
            value = restore.get(option)
            if not isinstance(value, str) or not value:
                raise CompareError("restores[{0}].{1}={2!r} must name a bucket".format(index, option, value))
        if restore["staging_bucket"] == restore["production_bucket"]:
            raise CompareError("restores[{0}]: staging_bucket and production_bucket are both {1!r}; a restore is compared with "
                               "the staging bucket it was copied from".format(index, restore["staging_bucket"]))
        if restore["production_bucket"] in productions:
            raise CompareError("restores[{0}].production_bucket={1!r} is also restores[{2}]'s; name each restore once"
                               .format(index, restore["production_bucket"], productions[restore["production_bucket"]]))
        productions[restore["production_bucket"]] = index
        manifests.append(read_copy_manifest(index, restore.get("copy_manifest")))
    for key in critical_keys:
        if not isinstance(key, str) or not key:
            raise CompareError("critical_keys={0!r} holds {1!r}, which is not an object key".format(list(critical_keys), key))
    if isinstance(detail_sample, bool) or not isinstance(detail_sample, int) or detail_sample < 0:
        raise CompareError("detail_sample={0!r} must be 0 or more".format(detail_sample))
    if isinstance(parallelism, bool) or not isinstance(parallelism, int) or not 1 <= parallelism <= MAX_PARALLELISM:
        raise CompareError("parallelism={0!r} must be between 1 and {1}".format(parallelism, MAX_PARALLELISM))
    return manifests


def read_copy_manifest(index, path):
    """``{key: (action, reason)}`` of the copy's manifest, or ``None`` without one (every staging key is compared)."""
    if path in (None, ""):
        return None
    if not isinstance(path, str):
        raise CompareError("restores[{0}].copy_manifest={1!r} must be the path of the copy's manifest".format(index, path))
    try:
        records = read_manifest(os.path.expanduser(path))
    except (OSError, ValueError) as error:
        raise CompareError("restores[{0}].copy_manifest={1!r} cannot be read: {2}".format(index, path, error)) from error
    return dict((record["key"], (record.get("action"), record.get("reason"))) for record in records if "key" in record)


class RestoreComparison:
    """One restore: its production bucket against its staging bucket.

    The restored set is every staging key, or with the copy's manifest the keys the copy wrote or found identical. A key
    the copy kept in production by its conflict policy is compared too: identical now (an earlier run copied it), it
    counts as restored; otherwise it is listed as kept, not as a difference.
    """

    def __init__(self, client, restore, copy_records, critical_keys, detail_sample):
        self.client = client
        self.staging = restore["staging_bucket"]
        self.production = restore["production_bucket"]
        self.tenant_id = restore.get("tenant_id")
        self.copy_records = copy_records
        self.critical_keys = list(dict.fromkeys(critical_keys))
        self.detail_sample = detail_sample
        self.lock = threading.Lock()
        self.error = None
        self.restored = 0
        self.restored_bytes = 0
        self.matched = 0
        self.proven = {BY_ETAG_OR_CHECKSUM: 0, BY_READING_BOTH: 0}
        self.differences = []
        self.detail_differences = []
        self.details_compared = 0
        self.tags_compared = 0
        self.kept = []
        self.not_selected = 0
        self.critical = {}

    # ------------------------------------------------------------------ the run
    def run(self, pool, slots):
        pending = Pending(pool, slots)
        critical = frozenset(self.critical_keys)
        sampled = 0
        try:
            joined = outer_join(list_bucket(self.client, self.staging), copy_engine.prefetch(list_bucket(self.client, self.production)))
            for key, staged, produced in joined:
                if staged is None:
                    if key in critical:
                        public = produced is not None and public_acl(self.client, self.production, key)
                        self.critical[key] = [NOT_RESTORED_PUBLIC] if public else ["missing in staging"]
                    continue
                kept = self._kept_action(key)
                selected = self.copy_records is None or key in self.copy_records
                if not selected and key not in critical:
                    self.not_selected += 1
                    continue
                tags = key in critical
                if not tags and selected and kept is None and produced is not None and sampled < self.detail_sample:
                    tags = True
                    sampled += 1
                pending.submit(self.compare_key, key, staged, produced, selected, kept, key in critical, tags)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            self.error = "listing failed: {0}".format(error)
        finally:
            pending.wait()
        for key in self.critical_keys:
            self.critical.setdefault(key, ["missing in staging", "missing in production"])
        return self

    def _kept_action(self, key):
        if self.copy_records is None:
            return None
        action, reason = self.copy_records.get(key, (None, None))
        return (action, reason) if action in KEPT_ACTIONS else None

    # ------------------------------------------------------------------ one key
    def compare_key(self, key, staged, produced, selected, kept, critical, tags):
        # Missing in production unless found there (an object deleted since its listing is missing too).
        details, both = ["missing in production"], False
        identical, reason, how = False, "missing in destination", None
        try:
            staging_head = head(self.client, self.staging, key) if produced is not None else None
            production_head = head(self.client, self.production, key) if staging_head is not None else None
            if produced is not None and staging_head is None:
                reason, details = "missing in staging", ["missing in staging"]
            elif production_head is not None:
                both = True
                identical, reason, how = prove_identical(self.client, self.staging, staging_head, self.production, production_head, key)
                details = detail_reasons(staging_head, production_head)
                if tags:
                    details += tag_reasons(object_tags(self.client, self.staging, key), object_tags(self.client, self.production, key))
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as error:
            identical, reason, how, both, details = False, str(error), None, False, [str(error)]
        self._record(key, staged, selected, kept, critical, tags, identical, reason, how, both, details)

    def _record(self, key, staged, selected, kept, critical, tags, identical, reason, how, both, details):
        with self.lock:
            still_kept = kept is not None and not identical
            if still_kept:
                self.kept.append({"key": key, "action": kept[0], "reason": kept[1]})
            elif selected:
                self.restored += 1
                self.restored_bytes += staged.get("Size") or 0
                if how is not None:
                    self.proven[how] += 1
                if identical:
                    self.matched += 1
                else:
                    self.differences.append({"key": key, "reason": reason})
                if both:
                    self.details_compared += 1
                    self.tags_compared += 1 if tags else 0
                if details and both and not critical:
                    self.detail_differences.append({"key": key, "critical": False, "reasons": details})
            if critical:
                reasons = list(details)
                if still_kept:
                    reasons.append("the copy kept the production object ({0})".format(kept[0]))
                elif both and not identical:
                    reasons.append("content differs")
                self.critical[key] = reasons

    # ------------------------------------------------------------------ findings
    def checks(self):
        target = self.production
        if self.error is not None:
            return [{"name": "restored objects match staging " + self.staging, "target": target, "result": "fail",
                     "summary": "{0}: the comparison did not run: {1}".format(target, self.error),
                     "details": {"reasons": [self.error]}}]
        differences = sorted(self.differences, key=lambda d: d["key"])
        detail_differences = sorted(self.detail_differences, key=lambda d: d["key"])
        named = sorted(set(d["key"] for d in differences) | set(d["key"] for d in detail_differences))
        summary = "{0}: {1} of {2} restored object(s) differ in content".format(target, len(differences), self.restored)
        if detail_differences:
            summary += ", {0} in tags/metadata/encryption".format(len(detail_differences))
        if named:
            summary += ": " + ", ".join(named[:LISTED])
            if len(named) > LISTED:
                summary += " and {0} more".format(len(named) - LISTED)
        checks = [{
            "name": "restored objects match staging {0} (count, bytes, content, metadata, encryption; tags of a sample)".format(self.staging),
            "target": target, "result": "fail" if named else "pass", "summary": summary,
            "details": {"restored_objects": self.restored, "restored_bytes": self.restored_bytes, "matched_objects": self.matched,
                        "content_proven_by": dict(self.proven), "differences": differences[:LISTED],
                        "details_compared": self.details_compared, "tags_compared": self.tags_compared,
                        "detail_differences": detail_differences[:LISTED], "not_selected_by_the_copy": self.not_selected}}]
        for key in self.critical_keys:
            reasons = self.critical[key]
            checks.append({"name": "critical key " + key, "target": target, "result": "fail" if reasons else "pass",
                           "summary": "{0}: critical key {1}: {2}".format(target, key, "; ".join(reasons)), "details": {"reasons": reasons}})
        if self.kept:
            kept = sorted(self.kept, key=lambda k: k["key"])
            checks.append({"name": "production objects kept by the conflict policy (not restored)", "target": target, "result": "warn",
                           "summary": "", "details": {"count": len(kept), "keys": kept[:LISTED]}})
        return checks

    def result(self):
        return {"production_bucket": self.production, "staging_bucket": self.staging, "tenant_id": self.tenant_id,
                "compared": self.error is None, "error": self.error, "restored_objects": self.restored,
                "matched_objects": self.matched, "differences": len(self.differences),
                "detail_differences": len(self.detail_differences), "kept_objects": len(self.kept),
                "not_selected_by_the_copy": self.not_selected}


def staging_ownership(client, restore, run_id):
    """Whether the run RUN_ID may remove the restore's staging bucket: ``(removable, note_when_kept)``.

    Only a bucket tagged as staging for this production bucket by this run: never one another run or a person made.
    A staging bucket that is gone needs no removal and no note.
    """
    staging, production = restore["staging_bucket"], restore["production_bucket"]
    try:
        if not bucket_exists(client, staging):
            return False, None
        tags = bucket_tags(client, staging)
    except AnsibleAWSError as error:
        return False, "kept staging bucket {0}: its tags cannot be read: {1}".format(staging, error)
    if tags.get(RUN_TAG) != run_id:
        return False, "kept staging bucket {0}: its {1} tag is not {2}".format(staging, RUN_TAG, run_id)
    if tags.get(STAGING_FOR_TAG) != production:
        return False, "kept staging bucket {0}: its {1} tag is not {2}".format(staging, STAGING_FOR_TAG, production)
    return True, None


def compare_restores(client, restores, critical_keys=(), detail_sample=DEFAULT_DETAIL_SAMPLE, parallelism=DEFAULT_PARALLELISM,
                     staging_run_id=None):
    """Every restore's production bucket against its staging bucket, in one call; reads only.

    Returns ``{"checks", "passed", "restores"}``: the checks for the restore report (per restore: the restored set's
    count, bytes, content, metadata and encryption, and tags of a sample; one per critical key; a ``warn`` listing what
    the copy kept by its conflict policy), ``passed`` when no check failed, and a summary per restore - with
    ``staging_removable`` and ``staging_note`` when STAGING_RUN_ID is given. Raises ``CompareError`` for bad options.
    """
    critical_keys = list(critical_keys or [])
    manifests = check_options(restores, critical_keys, detail_sample, parallelism)
    client = tune_client(client)
    comparisons = [RestoreComparison(client, restore, manifest, critical_keys, detail_sample)
                   for restore, manifest in zip(restores, manifests)]
    # At most 4 objects per thread wait in the queue, so memory stays flat however many keys are listed.
    slots = threading.BoundedSemaphore(parallelism * 4)
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        with ThreadPoolExecutor(max_workers=min(RESTORE_CONCURRENCY, len(comparisons))) as listings:
            list(listings.map(lambda comparison: comparison.run(pool, slots), comparisons))
    checks = [check for comparison in comparisons for check in comparison.checks()]
    results = [comparison.result() for comparison in comparisons]
    if staging_run_id:
        for restore, result in zip(restores, results):
            result["staging_removable"], result["staging_note"] = staging_ownership(client, restore, staging_run_id)
    return {"checks": checks, "passed": all(check["result"] != "fail" for check in checks), "restores": results}


# ---------------------------------------------------------------------------------------------------------------- drill
def _public_or_unknown(client, bucket, key):
    try:
        return public_acl(client, bucket, key)
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
        return False  # unknown: the object stays reported as missing


def compare_with_source(client, restored, source, point_time, critical_keys, parallelism=DEFAULT_PARALLELISM):
    """Check a bucket restored by a drill against the bucket its recovery point was taken from.

    The source moved on after the recovery point, so only what cannot have changed is compared strictly: every source
    object last modified at or before the point must be in the restore with the same content - the same size and ETag,
    or, where the ETags differ (an object re-encrypted with KMS, a different part layout), proven by a checksum both
    report or by the SHA-256 of both objects read. Objects both hold are counted identical or changed; the critical keys
    must be in the restore; the restore must not be empty. A source object missing from the restore because it carries a
    public ACL (AWS Backup skips it when the restore blocks public access) is reported as not restored (a warning), not
    as missing.
    """
    if point_time is not None and point_time.tzinfo is None:
        point_time = point_time.replace(tzinfo=datetime.timezone.utc)
    client = tune_client(client)
    critical = frozenset(critical_keys)
    found_critical = set()
    lock = threading.Lock()
    counts = {"objects": 0, "bytes": 0, "source": 0, "newer": 0, "identical": 0, "changed": 0, "only_in_restore": 0,
              "only_in_source": 0}
    missing_old, differing_old = [], []

    def prove(key):
        try:
            restored_head, source_head = head(client, restored, key), head(client, source, key)
            same = restored_head is not None and source_head is not None and \
                prove_identical(client, restored, restored_head, source, source_head, key)[0]
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
            same = False  # not proven identical: reported as different, never as restored
        with lock:
            counts["identical" if same else "changed"] += 1
            if not same:
                differing_old.append(key)

    slots = threading.BoundedSemaphore(parallelism * 4)
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        pending = Pending(pool, slots)
        try:
            for key, mine, theirs in outer_join(list_bucket(client, restored), copy_engine.prefetch(list_bucket(client, source))):
                if mine is not None:
                    counts["objects"] += 1
                    counts["bytes"] += mine.get("Size", 0)
                    if key in critical:
                        found_critical.add(key)
                if theirs is None:
                    counts["only_in_restore"] += 1
                    continue
                counts["source"] += 1
                old = point_time is not None and theirs["LastModified"] <= point_time
                if not old:
                    counts["newer"] += 1
                if mine is None:
                    counts["only_in_source"] += 1
                    if old:
                        missing_old.append(key)
                    continue
                same_size = mine.get("Size") == theirs.get("Size")
                if same_size and mine.get("ETag") == theirs.get("ETag"):
                    with lock:
                        counts["identical"] += 1
                elif old and same_size:
                    pending.submit(prove, key)
                else:
                    with lock:
                        counts["changed"] += 1
                        if old:
                            differing_old.append(key)
        finally:
            pending.wait()
    missing_critical = [key for key in critical_keys if key not in found_critical]
    differing_old.sort()
    with ThreadPoolExecutor(max_workers=parallelism) as pool:
        public = [key for key, is_public in zip(missing_old, pool.map(lambda key: _public_or_unknown(client, source, key), missing_old)) if is_public]
    missing_old = [key for key in missing_old if key not in set(public)]
    return [
        {"name": "restored bucket holds objects", "target": restored, "result": "pass" if counts["objects"] else "fail",
         "details": {"objects": counts["objects"], "bytes": counts["bytes"]}},
        {"name": "critical keys restored", "target": restored, "result": "fail" if missing_critical else "pass",
         "details": {"critical_keys": list(critical_keys), "missing": missing_critical}},
        {"name": "objects unchanged since the recovery point restored identically", "target": restored,
         "result": "fail" if (missing_old or differing_old) else "pass",
         "details": {"source": source, "source_objects": counts["source"], "older_than_point": counts["source"] - counts["newer"],
                     "newer_than_point": counts["newer"], "missing": missing_old[:LISTED], "different": differing_old[:LISTED]}},
        {"name": "objects with a public ACL not restored (the restore blocks public access)", "target": restored,
         "result": "warn" if public else "pass", "details": {"source": source, "count": len(public), "keys": public[:LISTED],
                                                             "why": NOT_RESTORED_PUBLIC}},
        {"name": "objects compared with the source", "target": restored, "result": "pass",
         "details": {"identical": counts["identical"], "changed_since": counts["changed"],
                     "only_in_restore": counts["only_in_restore"], "only_in_source": counts["only_in_source"]}},
    ]
