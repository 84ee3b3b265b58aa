# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-key rules of s3_point_in_time, without Ansible or AWS: which version a key goes back to, and when it is
left alone because what it held at the time is unknown."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import point_in_time as pit
from ansible_collections.restorekit.aws.plugins.module_utils._s3.common import KeyFilter

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
T = datetime.datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def at(minutes):
    """A time MINUTES after T (negative: before)."""
    return T + datetime.timedelta(minutes=minutes)


def version(key, version_id, minutes, latest=False, etag=None, size=3, storage_class="STANDARD"):
    return {"Key": key, "VersionId": version_id, "LastModified": at(minutes), "IsLatest": latest,
            "ETag": etag or '"%s"' % ("e-" + version_id).replace("-", ""), "Size": size, "StorageClass": storage_class}


def marker(key, version_id, minutes, latest=False):
    return {"Key": key, "VersionId": version_id, "LastModified": at(minutes), "IsLatest": latest}


def history(versions=(), markers=()):
    return pit.order_versions(list(versions), list(markers))


def decide(entries, **kwargs):
    return pit.decide("k", entries, T, **kwargs)


# --- options -----------------------------------------------------------------------------------------------

def test_build_request_resolves_relative_time_and_defaults():
    request = pit.build_request({"bucket": "b", "point_in_time": "-2h"}, now=NOW)
    assert request["point_in_time"] == NOW - datetime.timedelta(hours=2)
    assert request["concurrency"] == 16 and request["delete_created_after"] is False
    assert request["key_filter"].list_prefixes() == [""]


@pytest.mark.parametrize("params, message", [
    ({"bucket": "b", "point_in_time": "2026-11-25T00:00:00Z"}, "point_in_time='2026-11-25T00:00:00Z' is in the future"),
    ({"bucket": "b", "point_in_time": "2026-11-20 05:00"}, "point_in_time='2026-11-20 05:00' has no UTC offset (add Z or +00:00)"),
    ({"bucket": "b", "point_in_time": "yesterday"}, "point_in_time='yesterday' is not a time"),
    ({"bucket": " ", "point_in_time": "-1h"}, "bucket='' names no bucket"),
    ({"bucket": "b", "point_in_time": "-1h", "concurrency": 0}, "concurrency=0 must be between 1 and 256"),
    ({"bucket": "b", "point_in_time": "-1h", "exclude_globs": [""]}, "exclude_globs holds an empty entry"),
])
def test_build_request_refuses_bad_options_naming_them(params, message):
    with pytest.raises(pit.PointInTimeError) as raised:
        pit.build_request(params, now=NOW)
    assert message in raised.value.message


# --- ordering the listing ----------------------------------------------------------------------------------

def test_versions_and_delete_markers_interleave_by_time():
    entries = history([version("k", "v3", 30), version("k", "v1", -30)],
                      [marker("k", "m4", 40, latest=True), marker("k", "m2", 10)])
    assert [e["version_id"] for e in entries] == ["m4", "v3", "m2", "v1"]
    assert not any(e["tied"] for e in entries)


def test_same_second_version_and_marker_are_ordered_by_is_latest_else_flagged():
    ordered = history([version("k", "v1", 0)], [marker("k", "m1", 0, latest=True)])
    assert [e["version_id"] for e in ordered] == ["m1", "v1"] and not any(e["tied"] for e in ordered)
    unknown = history([version("k", "v1", -5), version("k", "v0", -10)], [marker("k", "m1", -5)])
    assert [e["tied"] for e in unknown] == [False, True, False]


def test_iter_key_histories_joins_a_key_split_across_pages_and_filters():
    pages = [
        {"Versions": [version("a", "a1", -5, latest=True), version("b", "b3", 20, latest=True), version("b", "b2", 10)]},
        {"Versions": [version("b", "b1", -10), version("c/x", "c1", -10, latest=True)], "DeleteMarkers": [marker("b", "bm", -10)]},
        {"Versions": [version("d", "d1", -10, latest=True)]},
    ]
    keys = list(pit.iter_key_histories(iter(pages), KeyFilter(exclude_globs=["c/*"])))
    assert [pair[0] for pair in keys] == ["a", "b", "d"]
    b_entries = dict(keys)["b"]
    assert [e["version_id"] for e in b_entries] == ["b3", "b2", "b1", "bm"]
    # b1 and bm tie within page 2, but b2 -> b1 crosses a page boundary, whose order is known.
    assert [e["tied"] for e in b_entries] == [False, False, False, True]


# --- the decision for one key ------------------------------------------------------------------------------

def test_changed_after_t_restores_the_version_current_at_t():
    decision = decide(history([version("k", "v3", 30, latest=True), version("k", "v2", -10), version("k", "v1", -60)]))
    assert decision["action"] == pit.RESTORE and decision["version_id"] == "v2" and decision["check"] is False


def test_current_version_already_current_at_t_is_unchanged():
    decision = decide(history([version("k", "v2", -10, latest=True), version("k", "v1", -60)]))
    assert decision["action"] == pit.UNCHANGED and decision["version_id"] == "v2"


def test_same_bytes_is_compared_further_not_assumed():
    entries = history([version("k", "copy", 30, latest=True, etag='"abc"'), version("k", "v1", -10, etag='"abc"')])
    decision = decide(entries)
    assert decision["action"] == pit.RESTORE and decision["check"] is True and decision["version_id"] == "v1"


def test_multipart_etags_never_count_as_same_bytes():
    entries = history([version("k", "copy", 30, latest=True, etag='"abc-2"'), version("k", "v1", -10, etag='"abc-2"')])
    assert decide(entries)["check"] is False


def test_deleted_after_t_is_undeleted_from_its_version_at_t():
    entries = history([version("k", "v1", -10)], [marker("k", "m1", 30, latest=True)])
    decision = decide(entries)
    assert decision["action"] == pit.UNDELETE and decision["version_id"] == "v1"


def test_created_after_t_is_left_unless_asked_and_never_loses_versions():
    entries = history([version("k", "v2", 30, latest=True), version("k", "v1", 10)])
    assert decide(entries)["action"] == pit.CREATED_AFTER
    asked = decide(entries, delete_created_after=True)
    assert asked["action"] == pit.DELETE_MARKER and asked["version_id"] == "v2"


def test_created_after_t_and_already_deleted_is_unchanged():
    entries = history([version("k", "v1", 10)], [marker("k", "m1", 20, latest=True)])
    assert decide(entries, delete_created_after=True)["action"] == pit.UNCHANGED


def test_absent_at_t_and_recreated_after_is_treated_as_created_after():
    entries = history([version("k", "v2", 30, latest=True), version("k", "v1", -60)], [marker("k", "m1", -10)])
    assert decide(entries)["action"] == pit.CREATED_AFTER
    assert decide(entries, delete_created_after=True)["action"] == pit.DELETE_MARKER


def test_absent_at_t_and_now_is_unchanged():
    entries = history([version("k", "v1", -60)], [marker("k", "m1", -10, latest=True)])
    assert decide(entries)["action"] == pit.UNCHANGED


@pytest.mark.parametrize("entries, words", [
    # Starts with a delete marker: older versions were removed.
    (history([version("k", "v2", 30, latest=True)], [marker("k", "m1", 10)]), "starts with a delete marker"),
    # The null version: written while versioning was off, so what preceded it is gone.
    (history([version("k", "v2", 30, latest=True), version("k", "null", 10)]), "versioning was off or suspended"),
])
def test_history_starting_after_t_is_reported_not_guessed(entries, words):
    decision = decide(entries, delete_created_after=True)
    assert decision["action"] == pit.UNKNOWN_HISTORY and words in decision["reason"]


def test_expiring_noncurrent_versions_makes_every_late_history_unknown():
    entries = history([version("k", "v2", 30, latest=True), version("k", "v1", 10)])
    assert decide(entries, delete_created_after=True, history_complete=False)["action"] == pit.UNKNOWN_HISTORY
    # A key with a version at T is still restored: its version then is in the history.
    restorable = history([version("k", "v2", 30, latest=True), version("k", "v1", -10)])
    assert decide(restorable, history_complete=False)["action"] == pit.RESTORE


def test_a_same_second_tie_that_decides_the_key_is_ambiguous():
    entries = history([version("k", "v3", 30, latest=True), version("k", "v2", -5)], [marker("k", "m1", -5)])
    assert decide(entries)["action"] == pit.AMBIGUOUS
    # The same tie after T decides nothing.
    later = history([version("k", "v3", 30, latest=True), version("k", "v2", 20), version("k", "v1", -10)], [marker("k", "m1", 20)])
    decision = decide(later)
    assert decision["action"] == pit.RESTORE and decision["version_id"] == "v1"


@pytest.mark.parametrize("storage_class, size", [("GLACIER", 3), ("DEEP_ARCHIVE", 3), ("STANDARD", pit.MAX_COPY_SIZE + 1)])
def test_versions_one_copy_cannot_carry_are_unsupported(storage_class, size):
    entries = history([version("k", "v2", 30, latest=True), version("k", "v1", -10, storage_class=storage_class, size=size)])
    assert decide(entries)["action"] == pit.UNSUPPORTED


def test_a_version_written_in_the_second_of_t_counts_as_at_or_before():
    entries = history([version("k", "v2", 0, latest=True), version("k", "v1", -10)])
    assert decide(entries)["action"] == pit.UNCHANGED


# --- comparing and copying ---------------------------------------------------------------------------------

HEAD = {"ContentType": "text/plain", "Metadata": {"m": "1"}, "ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "arn:key/1"}
TAGS = [{"Key": "t", "Value": "1"}]


@pytest.mark.parametrize("change", [
    {"ContentType": "text/csv"}, {"Metadata": {"m": "2"}}, {"SSEKMSKeyId": "arn:key/2"}, {"CacheControl": "no-cache"},
])
def test_same_object_notices_each_header(change):
    assert pit.same_object(HEAD, HEAD, TAGS, list(reversed(TAGS))) is True
    assert pit.same_object(HEAD, dict(HEAD, **change), TAGS, TAGS) is False


def test_same_object_notices_tags():
    assert pit.same_object(HEAD, HEAD, TAGS, [{"Key": "t", "Value": "2"}]) is False
    assert pit.same_object(HEAD, HEAD, [], None) is True


def test_copy_request_names_the_version_and_its_own_encryption():
    request = pit.copy_request("b", "a key+%", "v1", dict(HEAD, BucketKeyEnabled=True), storage_class="STANDARD_IA")
    assert request["CopySource"] == {"Bucket": "b", "Key": "a key+%", "VersionId": "v1"}
    assert request["MetadataDirective"] == "COPY" and request["TaggingDirective"] == "COPY"
    assert request["ServerSideEncryption"] == "aws:kms" and request["SSEKMSKeyId"] == "arn:key/1"
    assert request["BucketKeyEnabled"] is True and request["StorageClass"] == "STANDARD_IA"
    plain = pit.copy_request("b", "k", "v1", {"ServerSideEncryption": "AES256"})
    assert plain["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in plain and "StorageClass" not in plain


def test_plan_counts_bytes_and_first_keys():
    plan = pit.Plan(first_keys=1)
    for key in ("a", "b"):
        plan.add({"key": key, "action": pit.RESTORE, "reason": "", "size": 5})
    plan.add({"key": "c", "action": pit.FAILED, "reason": "boom", "size": 1})
    summary = plan.as_dict()
    assert summary["counts"][pit.RESTORE] == 2 and summary["bytes"][pit.RESTORE] == 10
    assert summary["first_keys"] == {pit.RESTORE: ["a"], pit.FAILED: ["c"]}
    assert plan.changes == 2 and plan.failures == [{"key": "c", "reason": "boom"}]
