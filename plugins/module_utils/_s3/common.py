# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the S3 restore modules (``s3_selective_copy``, ``s3_point_in_time``).

- ``iter_pages``: stream a paginated listing one page at a time, so memory never grows with the bucket.
- ``KeyFilter``: which keys a run touches (prefixes, include/exclude globs, an explicit key list).
- ``Manifest``: the JSON-lines record of what a run did or would do, one line per key, the same in a dry run.
- ``client_config``: a botocore config with a bounded connection pool and standard retries
  (throttling and 5xx retried with exponential backoff, per call), and none of the client-side work these engines do
  not need (parameter validation, optional request checksums).
- ``tune_client``: a faster parser for the ISO 8601 timestamps of S3's XML responses on one client.
"""

from __future__ import annotations

import datetime
import fnmatch
import json
import os
import threading

try:
    from botocore.config import Config
    from botocore.utils import parse_timestamp as botocore_parse_timestamp
except ImportError:
    Config = None  # Modules are responsible for handling this.
    botocore_parse_timestamp = None

# Attempts per API call (botocore "standard" mode: throttling, 5xx and connection errors, jittered backoff).
DEFAULT_MAX_ATTEMPTS = 8


def client_config(max_pool_connections=16, max_attempts=DEFAULT_MAX_ATTEMPTS, **kwargs):
    """A botocore ``Config`` for a client shared by ``max_pool_connections`` threads.

    botocore's default pool holds 10 connections; more threads than that wait for a connection or, worse,
    open and drop one per call. Extra keyword arguments go to ``Config`` unchanged.
    """
    # The engines build every request from listing data they just received; botocore's client-side parameter
    # validation would re-check each of thousands of identical-shaped calls (a tenth of the client's CPU per copy),
    # and S3 itself still refuses a malformed request.
    kwargs.setdefault("parameter_validation", False)
    # CopyObject, UploadPartCopy and the listings carry no body: a checksum is only computed or validated where an
    # operation requires one (the default, "when_supported", adds work per request for nothing here).
    kwargs.setdefault("request_checksum_calculation", "when_required")
    kwargs.setdefault("response_checksum_validation", "when_required")
    return Config(
        max_pool_connections=max(1, int(max_pool_connections)),
        retries={"mode": "standard", "max_attempts": max(1, int(max_attempts))},
        **kwargs
    )


def parse_timestamp(value):
    """A timestamp of an S3 response as an aware ``datetime``, as botocore's own parser returns it.

    S3's XML carries ISO 8601 with a zone (``2026-11-24T04:56:31.000Z``), which ``datetime.fromisoformat`` reads
    (Python 3.11 and later) in a fraction of the time of botocore's general parser (dateutil). Anything else
    (HTTP dates in headers, older Pythons, a value without a zone) goes to botocore's parser unchanged.
    """
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return botocore_parse_timestamp(value)
    if parsed.tzinfo is None:
        return botocore_parse_timestamp(value)
    return parsed


def tune_client(client):
    """Give CLIENT's response parser ``parse_timestamp``; returns CLIENT.

    Every listed object and every CopyObject result carries a timestamp, and botocore's general parser costs about
    as much per timestamp as a tenth of a request. The parser factory is botocore's own extension point
    (``set_parser_defaults``); reaching it goes through a private attribute, so a botocore without it keeps its
    default parser.
    """
    factory = getattr(getattr(client, "_endpoint", None), "_response_parser_factory", None)
    if factory is not None and hasattr(factory, "set_parser_defaults"):
        factory.set_parser_defaults(timestamp_parser=parse_timestamp)
    return client


def iter_pages(client, method, **kwargs):
    """Yield the pages of ``client.<method>`` one at a time (``None`` arguments are dropped).

    Nothing is accumulated: a caller that consumes page by page holds one page (at most 1,000 keys for S3).
    """
    params = dict((name, value) for name, value in kwargs.items() if value is not None)
    paginator = client.get_paginator(method)
    yield from paginator.paginate(**params)


def collapse_prefixes(prefixes):
    """Sorted prefixes with any prefix covered by a shorter one removed (``a/`` covers ``a/b/``).

    Listing the result in order yields keys in the same order as one listing of the whole bucket (S3 lists in
    UTF-8 byte order, which is Python's code point order), with no key twice: a merge-join relies on that.
    An empty or missing list, or one containing ``""``, means the whole bucket: ``[""]``.
    """
    if not prefixes or "" in prefixes:
        return [""]
    result = []
    for prefix in sorted(set(prefixes)):
        if result and prefix.startswith(result[-1]):
            continue
        result.append(prefix)
    return result


class KeyFilter:
    """Which keys a run selects.

    - ``prefixes``: keys must start with one of them (and only these prefixes are listed).
    - ``include_globs``: if given, a key must match at least one (``fnmatch`` syntax, case-sensitive;
      ``*`` also matches ``/``, so ``*.csv`` matches ``a/b/c.csv``).
    - ``exclude_globs``: a key matching any of them is left out (exclusion wins over inclusion).
    - ``keys``: if given (even empty), only these exact keys.
    """

    def __init__(self, prefixes=None, include_globs=None, exclude_globs=None, keys=None):
        self.prefixes = collapse_prefixes(prefixes)
        self.include_globs = list(include_globs or [])
        self.exclude_globs = list(exclude_globs or [])
        self.keys = None if keys is None else frozenset(keys)

    def list_prefixes(self):
        """The prefixes to list, in the order that keeps the combined listing sorted."""
        return list(self.prefixes)

    def matches(self, key):
        """True when ``key`` is selected; ``reason(key)`` says why not."""
        return self.reason(key) is None

    def reason(self, key):
        """``None`` when ``key`` is selected, else a short reason it is not (for the manifest)."""
        if self.keys is not None and key not in self.keys:
            return "not in the key list"
        if not any(key.startswith(prefix) for prefix in self.prefixes):
            return "outside the prefixes"
        if self.include_globs and not any(fnmatch.fnmatchcase(key, pattern) for pattern in self.include_globs):
            return "matches no include glob"
        for pattern in self.exclude_globs:
            if fnmatch.fnmatchcase(key, pattern):
                return "matches exclude glob {0}".format(pattern)
        return None


def read_keys_file(path):
    """Keys from a file, one per line (trailing newline stripped, nothing else: keys may hold spaces).

    Empty lines are ignored. Raises ``OSError`` for a missing or unreadable file.
    """
    keys = []
    with open(path, "r", encoding="utf-8") as handle:
        for line in handle:
            key = line.rstrip("\r\n")
            if key:
                keys.append(key)
    return keys


class Manifest:
    """One JSON line per key: ``{"key": ..., "action": ..., "reason": ..., "size": ..., ...}``.

    Thread-safe; lines are flushed as they are written, so a run that dies mid-way leaves a manifest of what it
    had done so far. ``path=None`` writes nothing (the counts still work). Use as a context manager.
    """

    def __init__(self, path):
        self.path = path
        self._handle = None
        self._lock = threading.Lock()
        self.lines = 0

    def open(self):
        if self.path and self._handle is None:
            # Tenants restored side by side create the same folder at once: whoever comes second finds it there.
            os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
            # Line-buffered: each record reaches the file when written.
            self._handle = open(self.path, "w", encoding="utf-8", buffering=1)
        return self

    def write(self, key, action, reason, size=None, **extra):
        if self.path is None:
            with self._lock:
                self.lines += 1
            return
        record = {"key": key, "action": action, "reason": reason, "size": size}
        record.update(extra)
        line = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
        with self._lock:
            self.lines += 1
            if self._handle is not None:
                self._handle.write(line + "\n")

    def close(self):
        with self._lock:
            if self._handle is not None:
                self._handle.close()
                self._handle = None

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc_info):
        self.close()
        return False


def read_manifest(path):
    """The records of a manifest file, in order (for tests and for comparing a dry run with a real run)."""
    with open(path, "r", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
