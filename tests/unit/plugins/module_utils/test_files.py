"""module_utils/_files.py: a file the collection writes is whole or not there, and nothing is left beside it."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _files


def test_a_file_is_replaced_whole_with_the_mode_asked_for_or_private(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old")
    _files.replace_atomically(str(path), b"new", 0o644)
    assert path.read_text() == "new" and stat.S_IMODE(os.stat(path).st_mode) == 0o644
    _files.replace_atomically(str(tmp_path / "baseline.json"), b"{}")
    assert stat.S_IMODE(os.stat(tmp_path / "baseline.json").st_mode) == 0o600
    assert sorted(os.listdir(tmp_path)) == ["baseline.json", "report.json"]


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text("old")

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(_files.os, "replace", refuse)
    with pytest.raises(OSError):
        _files.replace_atomically(str(path), b"new", 0o644)
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["report.json"]
