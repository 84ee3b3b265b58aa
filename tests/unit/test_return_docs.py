# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every dictionary a module returns documents what it contains.

In each module's RETURN, an entry of ``type: dict`` (or ``complex``), and a ``type: list`` with ``elements: dict``,
has a ``contains:`` naming its members, at every depth: a playbook author reads there which keys a registered
result has. The exceptions are maps whose keys are not the collection's to name - tags, AWS restore metadata,
states or statuses AWS defines, names a caller gives. FREE_FORM lists each of them with the reason; the entry's own
description says what its keys and values are.
"""

from __future__ import annotations

import ast
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "plugins" / "modules").glob("*.py"))

# Paths as missing() writes them: members joined by ".", a list of dictionaries marked "[]" only when it is the
# entry found missing.
FREE_FORM = {
    "what a module hands its own next run (resume, through the action plugin), read by nothing else": [
        ("ec2_relaunch", "resume.current"),
        ("ec2_relaunch", "resume.relaunch"),
        ("ec2_relaunch", "resume.version"),
        ("ec2_relaunch", "resume.point"),
    ],
    "tag maps: tag key to value, the keys are whatever the resource is tagged with": [
        ("rds_point_in_time_restore", "db_instance.tags"),
        ("rds_restore", "source.tags"),
        ("rds_restore", "instance.tags"),
        ("rds_restore_info", "source.tags"),
        ("rds_restore_info", "target.tags"),
        ("s3_staging_bucket", "buckets.staging_tags"),
        ("backup_health_info", "gathered.rds.instances.tags"),
        ("backup_health_info", "gathered.s3.buckets.bucket_tagging"),
        ("backup_health_info", "gathered.ec2.instances.tags"),
    ],
    "what another module returns, documented there: backup_job_info's job health (its counts, problems, window,"
    " protected resources and legal holds)": [
        ("backup_health_info", "gathered.jobs.counts"),
        ("backup_health_info", "gathered.jobs.problems[]"),
        ("backup_health_info", "gathered.jobs.window"),
        ("backup_health_info", "gathered.jobs.protected_resources[]"),
        ("backup_health_info", "gathered.jobs.legal_holds[]"),
    ],
    "AWS's answer in snake_case, as the amazon.aws info module of the same read returns it (GetBackupPlan,"
    " GetBackupSelection, DescribeBackupVault, DescribeKey): its keys are AWS's": [
        ("backup_health_info", "gathered.plan.backup_plans[]"),
        ("backup_health_info", "gathered.selections.backup_selections[]"),
        ("backup_health_info", "gathered.vault.backup_vaults[]"),
        ("backup_health_info", "gathered.key.kms_keys[]"),
    ],
    "AWS Backup restore metadata: its keys depend on the resource type and the recovery point (AWS's GetRecoveryPointRestoreMetadata)": [
        ("rds_restore", "request.Metadata"),
        ("restore_job", "metadata"),
        ("restore_job", "request.Metadata"),
        ("restore_job", "restore_jobs.metadata"),
        ("restore_job", "restore_jobs.request.Metadata"),
    ],
    "counts by the job state or recovery point status AWS reports, only those seen": [
        ("backup_job_info", "counts.backup"),
        ("backup_job_info", "counts.copy"),
        ("backup_job_info", "counts.restore"),
        ("recovery_point_info", "seen.by_status"),
    ],
    "keyed by a name of the caller's or the database's: role variables, tables, restore testing selections": [
        ("check_inputs", "values"),
        ("mysql_integrity", "tables"),
        ("mysql_integrity", "freshness"),
        ("restore_testing_plan", "restore_testing_selections"),
        ("restore_testing_plan", "diff.before.selections"),
        ("restore_testing_plan", "diff.after.selections"),
    ],
    "the free-form facts a caller gives in the details option, kept as given": [
        ("restore_drill_record", "record.details"),
    ],
}
ALLOWED = {entry: reason for reason, entries in FREE_FORM.items() for entry in entries}


def return_doc(path):
    """The module's RETURN, parsed."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "RETURN":
            return yaml.safe_load(node.value.value)
    return None


def missing(doc):
    """The entries of DOC that are dictionaries (or lists of dictionaries) without ``contains``."""
    found = []

    def walk(entries, prefix):
        for key, entry in (entries or {}).items():
            if not isinstance(entry, dict):
                continue
            if entry.get("type") in ("dict", "complex") and not entry.get("contains"):
                found.append(prefix + key)
            if entry.get("type") == "list" and entry.get("elements") == "dict" and not entry.get("contains"):
                found.append(prefix + key + "[]")
            if entry.get("contains"):
                walk(entry["contains"], prefix + key + ".")

    walk(doc, "")
    return found


def test_modules_found():
    assert len(MODULES) > 10


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_every_returned_dict_documents_its_contains(path):
    undocumented = [entry for entry in missing(return_doc(path)) if (path.stem, entry) not in ALLOWED]
    assert not undocumented, (
        "%s: RETURN entries of type dict (or lists of dicts) without contains: %s. Document their members; a map with "
        "keys the collection does not name goes in FREE_FORM with its reason." % (path.name, ", ".join(undocumented)))


@pytest.mark.parametrize("module, entry", sorted(ALLOWED), ids=["%s:%s" % pair for pair in sorted(ALLOWED)])
def test_free_form_entries_are_still_free_form(module, entry):
    """An entry of FREE_FORM exists and is still undocumented: the list holds no stale exception."""
    path = ROOT / "plugins" / "modules" / (module + ".py")
    assert path.exists(), "FREE_FORM names %s, which is not a module" % module
    assert entry in missing(return_doc(path)), (
        "FREE_FORM lists %s:%s, which is no longer a dict without contains: remove it" % (module, entry))
