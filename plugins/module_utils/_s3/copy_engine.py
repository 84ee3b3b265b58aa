# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The selective copy behind ``restorekit.aws.s3_selective_copy``: staging bucket -> production bucket.

How it stays safe, fast and lean:

- Server-side only: CopyObject, or CreateMultipartUpload + UploadPartCopy + CompleteMultipartUpload above the
  multipart threshold. No object body ever passes through the client (no GetObject, no PutObject).
- Both buckets are listed page by page and merge-joined (ListObjectsV2 returns keys in UTF-8 byte order, which is
  Python's string order), so memory holds one page of each listing and a bounded queue of work, whatever the size
  of the buckets.
- Conflicts: ``skip_newer`` (default) never replaces a production object modified after the recovery point;
  ``skip_existing`` never replaces any; ``overwrite`` replaces what differs. Identical objects are always skipped.
  Nothing in the destination is ever deleted: keys only in production are not even looked at.
- Identity (see ``compare``): an ETag proves identity only for single-part objects not encrypted with KMS;
  otherwise both objects must report a checksum of the same algorithm with the same value (HEAD with
  ChecksumMode=ENABLED). Anything not provably identical counts as different.
- Copies run on a bounded thread pool; throttling and 5xx are retried per call (botocore standard retries, see
  ``common.client_config``) and each object is retried as a whole ``object_retries`` times.
"""

from __future__ import annotations

import bisect
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

try:
    import botocore
except ImportError:
    pass  # Modules are responsible for handling this.

from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import KeyFilter
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import Manifest
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import iter_pages
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import tune_client
from ansible_collections.restorekit.aws.plugins.module_utils._s3.errors import AnsibleS3Error

CONFLICT_POLICIES = ["skip_newer", "skip_existing", "overwrite"]
ENCRYPTION_POLICIES = ["destination_default", "kms", "preserve"]
MIB = 1024 * 1024
GIB = 1024 * MIB
DEFAULT_MULTIPART_THRESHOLD = 5 * GIB
DEFAULT_PART_SIZE = 512 * MIB
MIN_PART_SIZE = 5 * MIB
MAX_PART_SIZE = 5 * GIB
MAX_PARTS = 10000
DEFAULT_PARALLELISM = 16
DEFAULT_COPY_CONCURRENCY = 4
DEFAULT_SAMPLE = 10

# Actions, as they appear in the manifest and the counts.
COPY = "copy"
SKIP_IDENTICAL = "skip_identical"
SKIP_NEWER = "skip_newer"
SKIP_EXISTING = "skip_existing"
ACTIONS = [COPY, SKIP_IDENTICAL, SKIP_NEWER, SKIP_EXISTING]

# Content headers that a multipart upload must be given again (a part copy carries only bytes).
CONTENT_HEADERS = ["CacheControl", "ContentDisposition", "ContentEncoding", "ContentLanguage", "ContentType",
                   "Expires", "WebsiteRedirectLocation"]
CHECKSUM_FIELDS = {"CRC32": "ChecksumCRC32", "CRC32C": "ChecksumCRC32C", "CRC64NVME": "ChecksumCRC64NVME",
                   "SHA1": "ChecksumSHA1", "SHA256": "ChecksumSHA256"}
# compare()'s reason when neither the ETag nor a checksum proves identity (validation then reads both objects).
UNPROVABLE = "identity not provable (no common checksum; multipart or KMS ETag)"
RETRYABLE_CODES = frozenset(["InternalError", "ServiceUnavailable", "SlowDown", "Throttling", "ThrottlingException",
                             "RequestTimeout", "RequestTimeTooSkewed", "500", "502", "503", "504"])


class CopyError(AnsibleS3Error):
    """Bad options (raised before any AWS call) or a listing that failed."""


def validate(options):
    """Refuse bad options before any AWS call, naming the option and its value. Returns nothing."""
    if not options.get("source_bucket") or not options.get("dest_bucket"):
        raise CopyError("source_bucket and dest_bucket are both required")
    if options["source_bucket"] == options["dest_bucket"]:
        raise CopyError("source_bucket and dest_bucket are both {0!r}: the copy goes from a staging bucket into another bucket"
                        .format(options["source_bucket"]))
    policy = options.get("conflict_policy") or "skip_newer"
    if policy not in CONFLICT_POLICIES:
        raise CopyError("conflict_policy={0!r} is not one of {1}".format(policy, ", ".join(CONFLICT_POLICIES)))
    if policy == "skip_newer" and options.get("recovery_point_time") is None:
        raise CopyError("conflict_policy=skip_newer needs recovery_point_time (the recovery point's creation time)")
    encryption = options.get("encryption") or "destination_default"
    if encryption not in ENCRYPTION_POLICIES:
        raise CopyError("encryption={0!r} is not one of {1}".format(encryption, ", ".join(ENCRYPTION_POLICIES)))
    if encryption == "kms" and not options.get("kms_key_id"):
        raise CopyError("encryption=kms needs kms_key_id")
    if encryption != "kms" and options.get("kms_key_id"):
        raise CopyError("kms_key_id={0!r} is only used with encryption=kms (encryption={1!r})".format(options["kms_key_id"], encryption))
    part = options.get("part_size", DEFAULT_PART_SIZE)
    if part is None or part < MIN_PART_SIZE or part > MAX_PART_SIZE:
        raise CopyError("part_size={0!r} must be between {1} (5 MiB) and {2} (5 GiB) bytes".format(part, MIN_PART_SIZE, MAX_PART_SIZE))
    threshold = options.get("multipart_threshold", DEFAULT_MULTIPART_THRESHOLD)
    if threshold is None or threshold < MIN_PART_SIZE or threshold > MAX_PART_SIZE:
        raise CopyError("multipart_threshold={0!r} must be between {1} (5 MiB) and {2} (5 GiB, the CopyObject limit) bytes"
                        .format(threshold, MIN_PART_SIZE, MAX_PART_SIZE))
    parallelism = options.get("parallelism", DEFAULT_PARALLELISM)
    if parallelism is None or parallelism < 1 or parallelism > 256:
        raise CopyError("parallelism={0!r} must be between 1 and 256".format(parallelism))
    retries = options.get("object_retries", 3)
    if retries is None or retries < 0 or retries > 20:
        raise CopyError("object_retries={0!r} must be between 0 and 20".format(retries))
    after, before = options.get("modified_after"), options.get("modified_before")
    if after is not None and before is not None and after >= before:
        raise CopyError("modified_after={0} is not before modified_before={1}".format(after.isoformat(), before.isoformat()))


def list_objects(client, bucket, key_filter):
    """Yield the objects of BUCKET under the filter's prefixes, in key order, one page in memory at a time."""
    for prefix in key_filter.list_prefixes():
        for page in iter_pages(client, "list_objects_v2", Bucket=bucket, Prefix=prefix or None):
            yield from page.get("Contents", [])


def prefetch(iterable, depth=2000):
    """Iterate ITERABLE in a background thread, at most DEPTH items ahead (about two listing pages).

    The destination listing then runs while the source listing and the copies do: with a far region every page
    costs a round trip, and the two listings would otherwise wait for each other.
    """
    items = queue.Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def put(entry):
        # Give up when the consumer has stopped (the source listing ended first), so the thread never hangs.
        while not stop.is_set():
            try:
                items.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for item in iterable:
                if not put((item, None)):
                    return
        except Exception as error:  # pylint: disable=broad-exception-caught
            put((None, error))  # re-raised in the consuming thread
            return
        put((done, None))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            item, error = items.get()
            if error is not None:
                raise error
            if item is done:
                return
            yield item
    finally:
        stop.set()


def merge_join(source_objects, dest_objects):
    """Yield ``(source, dest_or_None)`` for each source object; both inputs sorted by key.

    Destination-only keys are passed over: this copy never deletes or touches them.
    """
    dest = next(dest_objects, None)
    for src in source_objects:
        while dest is not None and dest["Key"] < src["Key"]:
            dest = next(dest_objects, None)
        if dest is not None and dest["Key"] == src["Key"]:
            yield src, dest
        else:
            yield src, None


def is_multipart_etag(etag):
    return "-" in (etag or "")


def compare(src_head, dest_head):
    """``(identical, how)`` for two HEAD responses of the same key (HEAD made with ChecksumMode=ENABLED).

    - Sizes differ: different.
    - Both single-part (no ``-N`` in the ETag) and neither SSE-KMS: the ETag is the MD5 of the bytes; equal ETag
      means identical.
    - Otherwise (multipart, or KMS where the ETag is not an MD5): identical only when both report a checksum of the
      same algorithm with the same value. Composite (per-part) checksums only match when the part layout matches,
      so a mismatch there means "not provable", counted as different (copied when the policy allows it).
    """
    if src_head.get("ContentLength") != dest_head.get("ContentLength"):
        return False, "size differs"
    src_etag, dest_etag = src_head.get("ETag"), dest_head.get("ETag")
    kms = "aws:kms" in (src_head.get("ServerSideEncryption") or "") or "aws:kms" in (dest_head.get("ServerSideEncryption") or "")
    if not kms and not is_multipart_etag(src_etag) and not is_multipart_etag(dest_etag):
        if src_etag == dest_etag:
            return True, "same size and ETag (single-part, not KMS)"
        return False, "ETag differs"
    for algorithm, field in CHECKSUM_FIELDS.items():
        if src_head.get(field) and dest_head.get(field):
            if src_head[field] == dest_head[field]:
                return True, "same size and {0} checksum".format(algorithm)
            return False, "{0} checksum differs".format(algorithm)
    return False, UNPROVABLE


def part_ranges(size, part_size):
    """Byte ranges (inclusive) of a multipart copy; the part size grows if 10,000 parts would not hold SIZE."""
    part_size = max(part_size, MIN_PART_SIZE, -(-size // MAX_PARTS))
    ranges = []
    start = 0
    while start < size:
        end = min(start + part_size, size) - 1
        ranges.append((start, end))
        start = end + 1
    return ranges


def _retryable(error):
    if isinstance(error, botocore.exceptions.ClientError):
        code = str(error.response.get("Error", {}).get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return code in RETRYABLE_CODES or status >= 500
    return isinstance(error, (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError))


class Summary:
    """Counts, bytes and the first keys of each action (thread-safe). The first keys are the first in key order, as S3
    lists them (UTF-8 bytes), whatever order the workers finish in: the same run reports the same keys."""

    def __init__(self, sample=DEFAULT_SAMPLE):
        self.sample = sample
        self.lock = threading.Lock()
        self.counts = dict((action, {"count": 0, "bytes": 0}) for action in ACTIONS)
        self.ordered = dict((action, []) for action in ACTIONS)
        self.copied = {"count": 0, "bytes": 0}
        self.multipart = 0
        self.errors = []

    def add(self, action, key, size):
        with self.lock:
            entry = self.counts[action]
            entry["count"] += 1
            entry["bytes"] += size or 0
            ordered, raw = self.ordered[action], key.encode("utf-8")
            # Keys mostly arrive in listing order: once the sample is full, a later key is usually past its end.
            if len(ordered) < self.sample or (ordered and raw < ordered[-1]):
                bisect.insort(ordered, raw)
                del ordered[self.sample:]

    @property
    def actions(self):
        """{action: {count, bytes, first_keys}}."""
        with self.lock:
            return dict((action, dict(entry, first_keys=[raw.decode("utf-8") for raw in self.ordered[action]]))
                        for action, entry in self.counts.items())

    def done(self, size, multipart):
        with self.lock:
            self.copied["count"] += 1
            self.copied["bytes"] += size or 0
            self.multipart += 1 if multipart else 0

    def error(self, key, message):
        with self.lock:
            self.errors.append({"key": key, "error": message})


class SelectiveCopy:
    """One run. ``client`` is a boto3 S3 client (configured with ``common.client_config``); options as validated."""

    def __init__(self, client, options):
        validate(options)
        self.client = tune_client(client)
        self.source = options["source_bucket"]
        self.dest = options["dest_bucket"]
        self.policy = options.get("conflict_policy") or "skip_newer"
        self.recovery_point_time = options.get("recovery_point_time")
        self.encryption = options.get("encryption") or "destination_default"
        self.kms_key_id = options.get("kms_key_id")
        self.threshold = options.get("multipart_threshold", DEFAULT_MULTIPART_THRESHOLD)
        self.part_size = options.get("part_size", DEFAULT_PART_SIZE)
        self.parallelism = options.get("parallelism", DEFAULT_PARALLELISM)
        self.object_retries = options.get("object_retries", 3)
        self.dry_run = bool(options.get("dry_run"))
        self.modified_after = options.get("modified_after")
        self.modified_before = options.get("modified_before")
        self.key_filter = KeyFilter(options.get("prefixes"), options.get("include_globs"), options.get("exclude_globs"),
                                    options.get("keys"))
        self.manifest = Manifest(options.get("manifest_path"))
        self.summary = Summary(options.get("sample", DEFAULT_SAMPLE))
        self.selected = 0

    # ------------------------------------------------------------------ selection and planning
    def _selected(self, obj):
        if not self.key_filter.matches(obj["Key"]):
            return False
        modified = obj.get("LastModified")
        if self.modified_after is not None and modified is not None and modified <= self.modified_after:
            return False
        if self.modified_before is not None and modified is not None and modified > self.modified_before:
            return False
        return True

    def pairs(self):
        """``(source, dest_or_None)`` for every selected source object, streamed."""
        src = (obj for obj in list_objects(self.client, self.source, self.key_filter) if self._selected(obj))
        dest = (obj for obj in list_objects(self.client, self.dest, self.key_filter) if self.key_filter.matches(obj["Key"]))
        return merge_join(src, prefetch(dest))

    def decide(self, src, dest):
        """``(action, reason)`` from the listings alone, or ``(None, None)`` when the HEADs must decide identity."""
        if dest is None:
            return COPY, "missing in destination"
        if self.policy == "skip_existing":
            return SKIP_EXISTING, "exists in destination (conflict_policy=skip_existing)"
        if self.policy == "skip_newer" and dest["LastModified"] > self.recovery_point_time:
            return SKIP_NEWER, "destination modified {0} after the recovery point {1}".format(
                dest["LastModified"].isoformat(), self.recovery_point_time.isoformat())
        if src.get("Size") != dest.get("Size"):
            return COPY, "size differs" + self._replace_reason()
        return None, None

    def _replace_reason(self):
        if self.policy == "overwrite":
            return " (conflict_policy=overwrite)"
        return " (destination not modified after the recovery point)"

    # ------------------------------------------------------------------ one object
    def head(self, bucket, key):
        return self.client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")

    def process(self, src, dest):
        """Decide (with HEADs if needed), record, and copy unless dry run. Retries the whole object."""
        key, size = src["Key"], src.get("Size", 0)
        attempts = 0
        while True:
            try:
                action, reason = self.decide(src, dest)
                source_head = None
                if action is None:
                    source_head = self.head(self.source, key)
                    identical, how = compare(source_head, self.head(self.dest, key))
                    action, reason = (SKIP_IDENTICAL, how) if identical else (COPY, how + self._replace_reason())
                result = "planned" if self.dry_run else "skipped"
                multipart = action == COPY and size > self.threshold
                if action == COPY and not self.dry_run:
                    self.copy(src, source_head, multipart)
                    result = "copied"
                    self.summary.done(size, multipart)
                self.summary.add(action, key, size)
                self.manifest.write(key, action, reason, size, result=result, multipart=multipart, etag=src.get("ETag"))
                return
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
                attempts += 1
                if attempts <= self.object_retries and _retryable(error):
                    continue
                message = str(error)
                self.summary.error(key, message)
                self.manifest.write(key, "error", message, size, result="failed", etag=src.get("ETag"))
                return

    def _encryption_args(self, source_head):
        if self.encryption == "kms":
            return {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.kms_key_id}
        if self.encryption == "preserve":
            algorithm = source_head.get("ServerSideEncryption")
            if algorithm == "aws:kms" or algorithm == "aws:kms:dsse":
                args = {"ServerSideEncryption": algorithm, "SSEKMSKeyId": source_head["SSEKMSKeyId"]}
                if source_head.get("BucketKeyEnabled") is not None:
                    args["BucketKeyEnabled"] = source_head["BucketKeyEnabled"]
                return args
            if algorithm:
                return {"ServerSideEncryption": algorithm}
        # destination_default: no SSE arguments, so S3 applies the destination bucket's default encryption.
        return {}

    def copy(self, src, source_head, multipart):
        key = src["Key"]
        if source_head is None and (multipart or self.encryption == "preserve"):
            # preserve needs the source's KMS key; a multipart copy needs metadata and headers: one HEAD each.
            source_head = self.head(self.source, key)
        args = self._encryption_args(source_head or {})
        # Ask for the source's checksum algorithm so a later run can prove identity for KMS objects too.
        algorithms = src.get("ChecksumAlgorithm") or []
        if multipart:
            self.multipart_copy(src, source_head, args)
            return
        if algorithms:
            args["ChecksumAlgorithm"] = algorithms[0]
        self.client.copy_object(Bucket=self.dest, Key=key, CopySource={"Bucket": self.source, "Key": key},
                                CopySourceIfMatch=src["ETag"], MetadataDirective="COPY", TaggingDirective="COPY", **args)

    def multipart_copy(self, src, source_head, args):
        """CreateMultipartUpload with the source's metadata, headers and tags, then UploadPartCopy per range.

        A part copy carries bytes only, so metadata, content headers and tags are given to
        CreateMultipartUpload; every part is pinned to the listed ETag so a source changing mid-copy fails the copy
        instead of mixing versions. The upload is aborted on any failure (no orphaned parts billed).
        """
        key = src["Key"]
        tags = self.client.get_object_tagging(Bucket=self.source, Key=key).get("TagSet", [])
        create = dict(args)
        create["Metadata"] = source_head.get("Metadata", {})
        for header in CONTENT_HEADERS:
            if source_head.get(header) is not None:
                create[header] = source_head[header]
        if tags:
            create["Tagging"] = "&".join("{0}={1}".format(_quote(tag["Key"]), _quote(tag["Value"])) for tag in tags)
        upload_id = self.client.create_multipart_upload(Bucket=self.dest, Key=key, **create)["UploadId"]
        try:
            parts = []
            for number, (start, end) in enumerate(part_ranges(src["Size"], self.part_size), 1):
                response = self.client.upload_part_copy(
                    Bucket=self.dest, Key=key, UploadId=upload_id, PartNumber=number,
                    CopySource={"Bucket": self.source, "Key": key}, CopySourceIfMatch=src["ETag"],
                    CopySourceRange="bytes={0}-{1}".format(start, end))
                parts.append({"PartNumber": number, "ETag": response["CopyPartResult"]["ETag"]})
            self.client.complete_multipart_upload(Bucket=self.dest, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
        except Exception:
            try:
                self.client.abort_multipart_upload(Bucket=self.dest, Key=key, UploadId=upload_id)
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError):
                pass  # The original error matters more; a lifecycle rule cleans what an abort could not.
            raise

    # ------------------------------------------------------------------ the run
    def run(self):
        """Plan and (unless dry run) copy; returns the result dict. Raises CopyError when a listing fails."""
        # Bounded work queue: at most 4 objects per worker wait, so memory stays flat however many keys are listed.
        slots = threading.BoundedSemaphore(self.parallelism * 4)

        def work(src, dest):
            try:
                self.process(src, dest)
            finally:
                slots.release()

        with self.manifest:
            try:
                with ThreadPoolExecutor(max_workers=self.parallelism) as pool:
                    for src, dest in self.pairs():
                        self.selected += 1
                        slots.acquire()
                        pool.submit(work, src, dest)
            except botocore.exceptions.ClientError as error:
                raise CopyError("listing failed: {0}".format(error)) from error
        return self.result()

    def result(self):
        summary = self.summary
        changed = summary.copied["count"] > 0 or (self.dry_run and summary.actions[COPY]["count"] > 0)
        return {
            "changed": changed,
            "dry_run": self.dry_run,
            "selected": self.selected,
            "actions": summary.actions,
            "copied": summary.copied,
            "multipart_copies": summary.multipart,
            "errors": summary.errors,
            "manifest_path": self.manifest.path,
        }


def run_many(runs, concurrency=DEFAULT_COPY_CONCURRENCY):
    """Run several ``SelectiveCopy`` runs (one per tenant, say) at once, at most CONCURRENCY at a time.

    They can share one client (its pool sized for all of them): the copies of one run never wait for another run's
    listing or stragglers. Returns the results in the order of RUNS; a run whose listing failed has ``failed: True``
    and ``msg``, and the others still complete.
    """
    def one(run):
        try:
            return run.run()
        except CopyError as error:
            result = run.result()
            result.update(failed=True, msg=error.message)
            return result

    if not runs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(runs)))) as pool:
        return list(pool.map(one, runs))


def _quote(text):
    return quote(text, safe="")
