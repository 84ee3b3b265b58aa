"""S3 conditional writes, as the S3 user guide documents them, on PutObject, CopyObject and CompleteMultipartUpload.

moto 5.2.5 keeps part of it: PutObject answers ``If-None-Match: *`` on an existing key and ``If-Match`` with 412 or
404, CompleteMultipartUpload answers ``If-None-Match: *`` with 412; CopyObject ignores both destination headers and
every copy-source condition but ``x-amz-copy-source-if-none-match``; UploadPartCopy ignores every copy-source
condition; CompleteMultipartUpload ignores ``If-Match``; a
value S3 does not accept (``If-None-Match: <etag>``) is ignored and the object overwritten; and a check in moto is not
atomic with its write, so two concurrent conditional writes can both succeed. This module answers all of it before
the request reaches moto, under one lock that every S3 object write and delete also takes:

- ``If-None-Match: *``: 412 ``PreconditionFailed`` when the key's current version is an object (a current delete
  marker counts as no object); 409 ``ConditionalRequestConflict`` when a delete of the key succeeded while the write
  was in progress (for a multipart upload: since ``CreateMultipartUpload``).
- ``If-Match: <etag>``: 404 ``NoSuchKey`` when there is no current object (or a delete marker is current); 412 when
  its ETag differs (quotes ignored); 409 when another write of the key succeeded while this one was in progress.
- The ``x-amz-copy-source-if-*`` headers of CopyObject and UploadPartCopy are checked against the source (moto checks
  only CopyObject's ``-if-none-match``), before the destination's conditions.
- ``If-None-Match`` with another value than ``*``, ``If-Match: *``, or both headers: 501 ``NotImplemented``.

"In progress" is counted on one sequence: every object write and delete of a key (through the API or the emulator's
own AWS Backup restore: moto's backend is wrapped) takes the next number, a PutObject or CopyObject starts when its
request arrives, before its body is read, and a multipart upload when it is created.
"""

from __future__ import annotations

import datetime
import email.utils
import itertools
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import moto.core.utils
from moto.s3.exceptions import MissingBucket
from moto.s3.models import S3Backend, s3_backends

WRITES = ("PutObject", "CopyObject", "CompleteMultipartUpload")
CHECKED = WRITES + ("UploadPartCopy",)  # a part copy has the copy-source conditions only
CONDITION_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_NONE_MATCH", "HTTP_X_AMZ_COPY_SOURCE_IF_MATCH",
                     "HTTP_X_AMZ_COPY_SOURCE_IF_NONE_MATCH", "HTTP_X_AMZ_COPY_SOURCE_IF_MODIFIED_SINCE",
                     "HTTP_X_AMZ_COPY_SOURCE_IF_UNMODIFIED_SINCE")
PRECONDITION_MESSAGE = "At least one of the pre-conditions you specified did not hold"
CONFLICT_MESSAGE = "The conditional request cannot succeed due to a conflicting operation against this resource."
NOT_IMPLEMENTED_MESSAGE = "A header you provided implies functionality that is not implemented"


class WriteLog:
    """The sequence of S3 object writes and deletes, per key, and the multipart uploads' starts."""

    def __init__(self):
        self.lock = threading.RLock()
        self._numbers = itertools.count(1)
        self.last = 0
        self.writes = {}
        self.deletes = {}
        self.uploads = {}

    def now(self):
        """The number of the latest write or delete: a request that starts now counts what comes after it."""
        with self.lock:
            return self.last

    def _next(self):
        self.last = next(self._numbers)
        return self.last

    def wrote(self, bucket, key):
        """An object was written under KEY."""
        with self.lock:
            self.writes[(bucket, key)] = self._next()

    def deleted(self, bucket, key):
        """KEY's object (or one of its versions) was deleted, or a delete marker put on it."""
        with self.lock:
            self.deletes[(bucket, key)] = self._next()

    def upload_started(self, upload_id, bucket, key):
        """A multipart upload of KEY was created: its completion counts what comes after this."""
        with self.lock:
            self.uploads[upload_id] = (bucket, key, self.last)

    def written_since(self, bucket, key, start):
        """Whether an object was written under KEY after START."""
        return self.writes.get((bucket, key), 0) > start

    def deleted_since(self, bucket, key, start):
        """Whether KEY was deleted after START."""
        return self.deletes.get((bucket, key), 0) > start


LOG = WriteLog()


def install():
    """Wrap moto's S3Backend once so that every object write, delete and multipart upload is on LOG's sequence."""
    if getattr(S3Backend, "restorekit_write_log", False):
        return False
    put_object, delete_object, create_upload = S3Backend.put_object, S3Backend.delete_object, S3Backend.create_multipart_upload

    def logged_put(self, bucket_name, key_name, *args, **kwargs):
        with LOG.lock:
            key = put_object(self, bucket_name, key_name, *args, **kwargs)
            LOG.wrote(bucket_name, key_name)
            return key

    def logged_delete(self, bucket_name, key_name, *args, **kwargs):
        with LOG.lock:
            success, meta = delete_object(self, bucket_name, key_name, *args, **kwargs)
            if success:
                LOG.deleted(bucket_name, key_name)
            return success, meta

    def logged_upload(self, bucket_name, key_name, *args, **kwargs):
        with LOG.lock:
            upload = create_upload(self, bucket_name, key_name, *args, **kwargs)
            LOG.upload_started(upload.id, bucket_name, key_name)
            return upload

    S3Backend.put_object, S3Backend.delete_object, S3Backend.create_multipart_upload = logged_put, logged_delete, logged_upload
    S3Backend.restorekit_write_log = True
    return True


@dataclass
class Ticket:
    """One S3 object write in progress: what it writes, and where on the sequence it started."""

    operation: str
    bucket: str
    key: str
    start: int
    upload_id: str | None = None
    arrived: float = field(default_factory=time.time)
    account: str | None = None  # the caller's: another account's bucket is refused (AccessDenied) before any condition


class Refusal(Exception):
    """An S3 error answered instead of the write: status, code, message and the error's other XML elements."""

    def __init__(self, status, code, message, **extra):
        super().__init__(code)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def response(self):
        """(status, headers, body) in S3's XML error shape."""
        request_id = uuid.uuid4().hex[:16].upper()
        fields = [("Code", self.code), ("Message", self.message)] + list(self.extra.items()) + [("RequestId", request_id)]
        body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>%s</Error>' % "".join(
            "<%s>%s</%s>" % (name, escape(str(value)), name) for name, value in fields)
        return self.status, {"Content-Type": "application/xml", "x-amz-request-id": request_id}, body.encode()


def failed(condition):
    """412 PreconditionFailed for CONDITION (a header name, as S3 names it in the error)."""
    return Refusal(412, "PreconditionFailed", PRECONDITION_MESSAGE, Condition=condition)


def not_implemented(header, detail):
    """501 NotImplemented for a conditional header S3 does not accept on a write."""
    return Refusal(501, "NotImplemented", NOT_IMPLEMENTED_MESSAGE, Header=header, additionalMessage=detail)


def same_etag(given, etag):
    """S3 compares ETags with or without their quotes."""
    return given.strip().strip('"') == etag.strip('"')


def http_date(value):
    """A naive UTC datetime from an HTTP date header, or None for one S3 would ignore (unparseable)."""
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return when


class ConditionalWrites:
    """Answers the conditions of S3 object writes, atomically with the write itself."""

    def __init__(self, account_id):
        self.account_id = account_id
        self.tickets = {}
        self.tickets_lock = threading.Lock()

    def backend(self, bucket):
        """moto's S3 backend of the account that owns BUCKET (bucket names are global), else of the seeded account:
        moto refuses one account's backend another's bucket (app.py turns its cross-account access off)."""
        _partition, account = s3_backends.bucket_accounts.get(bucket, ("aws", self.account_id))
        return s3_backends[account]["aws"]

    def arrive(self, operation, bucket, key, query, account=None):
        """A Ticket for an object write that has just arrived (None for any other request); ACCOUNT: the caller's."""
        if operation not in CHECKED or not bucket or not key:
            return None
        ticket = Ticket(operation, bucket, key, LOG.now(), upload_id=(query.get("uploadId") or [None])[0], account=account)
        with self.tickets_lock:
            self.tickets[id(ticket)] = ticket
        return ticket

    def leave(self, ticket):
        """TICKET's request is answered."""
        if ticket is not None:
            with self.tickets_lock:
                self.tickets.pop(id(ticket), None)

    def in_flight(self):
        """The object writes in progress (for the control API), oldest first."""
        with self.tickets_lock:
            tickets = sorted(self.tickets.values(), key=lambda t: t.arrived)
        return [{"operation": t.operation, "bucket": t.bucket, "key": t.key, "upload_id": t.upload_id} for t in tickets]

    def commit(self, ticket, environ, headers, call):
        """Answer TICKET's conditions and, when they hold, write through CALL (moto) under the write lock.

        Returns CALL's result, or the Refusal (its response() is what S3 answers)."""
        with LOG.lock:
            try:
                self.check(ticket, headers)
            except Refusal as refusal:
                return refusal
            for name in CONDITION_HEADERS:  # answered here: moto must not answer them again, in its own way
                environ.pop(name, None)
            return call()

    def check(self, ticket, headers):
        """Raise the Refusal S3 answers TICKET's request with, if any."""
        owner = s3_backends.bucket_accounts.get(ticket.bucket, ("aws", None))[1]
        if ticket.account is not None and owner is not None and owner != ticket.account:
            return  # moto answers AccessDenied: access is decided before any condition
        if ticket.operation == "UploadPartCopy":
            self.check_copy_source(headers)
            return
        validate_headers(headers)
        try:
            self.backend(ticket.bucket).get_bucket(ticket.bucket)
        except MissingBucket:
            return  # moto answers NoSuchBucket
        start = ticket.start
        if ticket.operation == "CompleteMultipartUpload":
            upload = LOG.uploads.get(ticket.upload_id)
            if upload is None or upload[:2] != (ticket.bucket, ticket.key):
                return  # moto answers NoSuchUpload (or a completed upload's retry)
            start = upload[2]
        if ticket.operation == "CopyObject":
            self.check_copy_source(headers)
        self.check_destination(ticket.bucket, ticket.key, headers, start)

    def check_destination(self, bucket, key, headers, start):
        """If-None-Match / If-Match against KEY's current version, and the writes and deletes since START."""
        if_none_match, if_match = headers.get("if-none-match"), headers.get("if-match")
        if if_none_match is None and if_match is None:
            return
        current = self.backend(bucket).get_object(bucket, key)  # None when missing, or when a delete marker is current
        if if_none_match is not None:
            if current is not None:
                raise failed("If-None-Match")
            if LOG.deleted_since(bucket, key, start):
                raise Refusal(409, "ConditionalRequestConflict", CONFLICT_MESSAGE, Condition="If-None-Match", Key=key)
        elif if_match is not None:
            if current is None:
                raise Refusal(404, "NoSuchKey", "The specified key does not exist.", Key=key)
            if not same_etag(if_match, current.etag):
                raise failed("If-Match")
            if LOG.written_since(bucket, key, start):
                raise Refusal(409, "ConditionalRequestConflict", CONFLICT_MESSAGE, Condition="If-Match", Key=key)

    def check_copy_source(self, headers):
        """The x-amz-copy-source-if-* conditions against the source (a missing source is left to moto)."""
        source = self.copy_source(headers.get("x-amz-copy-source", ""))
        if source is None:
            return
        etag, modified = source.etag, source.last_modified.replace(microsecond=0)
        if_match = headers.get("x-amz-copy-source-if-match")
        if if_match is not None:
            if not same_etag(if_match, etag):
                raise failed("x-amz-copy-source-If-Match")
        else:  # a matching If-Match wins over If-Unmodified-Since (CopyObject API reference)
            unmodified = http_date(headers.get("x-amz-copy-source-if-unmodified-since"))
            if unmodified is not None and modified > unmodified:
                raise failed("x-amz-copy-source-If-Unmodified-Since")
        if_none_match = headers.get("x-amz-copy-source-if-none-match")
        if if_none_match is not None:
            if same_etag(if_none_match, etag):
                raise failed("x-amz-copy-source-If-None-Match")
        else:
            since = http_date(headers.get("x-amz-copy-source-if-modified-since"))
            if since is not None and since <= moto.core.utils.utcnow() and modified <= since:  # a future date is ignored
                raise failed("x-amz-copy-source-If-Modified-Since")

    def copy_source(self, value):
        """The FakeKey an x-amz-copy-source header names, or None."""
        raw_path, _question, query = value.partition("?")  # a "?" in the key itself comes encoded
        path = urllib.parse.unquote(raw_path).lstrip("/")
        if "/" not in path:
            return None
        bucket, key = path.split("/", 1)
        version = urllib.parse.parse_qs(query).get("versionId", [None])[0]
        try:
            return self.backend(bucket).get_object(bucket, key, version_id=version)
        except MissingBucket:
            return None


def validate_headers(headers):
    """501 NotImplemented for the conditional header values S3 does not accept on a write."""
    if_none_match, if_match = headers.get("if-none-match"), headers.get("if-match")
    if if_none_match is not None and if_match is not None:
        raise not_implemented("If-Match,If-None-Match", "Multiple conditional request headers present in the request")
    if if_none_match is not None and if_none_match.strip() != "*":
        raise not_implemented("If-None-Match", "We don't accept the provided value of If-None-Match header for this API")
    if if_match is not None and if_match.strip() == "*":
        raise not_implemented("If-Match", "We don't accept the provided value of If-Match header for this API")
