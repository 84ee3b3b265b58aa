# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manifest of an S3 run: tenants restored side by side write their manifests into one new folder at once."""

from __future__ import annotations

import os
import threading

from ansible_collections.restorekit.aws.plugins.module_utils._s3 import common


def test_manifest_opens_when_another_run_creates_its_folder_first(tmp_path, monkeypatch):
    """Another tenant's run creates the folder between this run's look and its own create: both runs go on."""
    folder = tmp_path / "reports" / "s3-restore"
    real_makedirs = os.makedirs

    def other_run_wins(path, *args, **kwargs):
        real_makedirs(path, exist_ok=True)  # the other tenant's run, a moment earlier
        return real_makedirs(path, *args, **kwargs)

    monkeypatch.setattr(common.os, "makedirs", other_run_wins)
    with common.Manifest(str(folder / "run-tenant-52-copy.jsonl")) as manifest:
        manifest.write("a", "copy", "missing in destination", 1)
    assert common.read_manifest(str(folder / "run-tenant-52-copy.jsonl"))[0]["key"] == "a"


def test_many_manifests_open_at_once_in_one_new_folder(tmp_path):
    folder = tmp_path / "reports" / "s3-restore"
    tenants = ["%d" % n for n in range(16)]
    start = threading.Barrier(len(tenants))
    errors = []

    def one(tenant):
        start.wait()
        try:
            with common.Manifest(str(folder / ("run-tenant-%s-copy.jsonl" % tenant))) as manifest:
                manifest.write("k", "copy", "missing in destination", 1)
        except OSError as error:  # the race surfaces as FileExistsError
            errors.append(error)

    threads = [threading.Thread(target=one, args=(tenant,)) for tenant in tenants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(os.listdir(folder)) == sorted("run-tenant-%s-copy.jsonl" % t for t in tenants)
