"""tools/backup_coverage.py classes every operation of botocore's AWS Backup model once, its counts add up, its family
rules each match operations of the model (a renamed family shows), and what the emulator is known to answer is emulated."""

import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SPEC = importlib.util.spec_from_file_location("backup_coverage", os.path.join(ROOT, "tools", "backup_coverage.py"))
backup_coverage = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(backup_coverage)


@pytest.fixture(name="found", scope="module")
def fixture_found():
    return backup_coverage.coverage()


def test_every_model_operation_lands_in_exactly_one_class(found):
    classed = [name for key in backup_coverage.CLASSES for name in found["classes"][key]]
    assert sorted(classed) == backup_coverage.model_operations()
    assert len(classed) == len(set(classed)) == found["operations"]


def test_counts_add_up(found):
    classes = found["classes"]
    world = found["restore_world"]
    assert found["emulated"] == len(classes["emulated (ours)"]) + len(classes["emulated (moto)"])
    in_families = [name for family in found["left_out"] for name in
                   [item["operation"] for item in family["operations"]] + family["answered_anyway"]]
    assert len(in_families) == len(set(in_families))
    assert world["operations"] == found["operations"] - len(in_families)
    assert world["emulated"] + len(world["not_emulated"]) == world["operations"]
    assert [item["operation"] for item in world["not_emulated"]] == classes["not yet emulated"]
    assert sorted(item["operation"] for family in found["left_out"] for item in family["operations"]) == sorted(classes["left out"])
    answered_in_families = [name for family in found["left_out"] for name in family["answered_anyway"]]
    assert found["emulated"] == world["emulated"] + len(answered_in_families)


def test_each_family_rule_matches_operations_of_the_model():
    names = backup_coverage.model_operations()
    assert backup_coverage.stale_patterns(names) == []
    for name in names:
        backup_coverage.family_of(name)  # raises when two families claim an operation
    templates = [name for name in names if (backup_coverage.family_of(name) or ("",))[0] == "plan templates"]
    assert templates == ["ExportBackupPlanTemplate", "GetBackupPlanFromJSON", "GetBackupPlanFromTemplate", "ListBackupPlanTemplates"]


def test_a_rule_matching_nothing_is_reported(found):
    renamed = backup_coverage.FAMILIES + (("renamed", "a family AWS renamed", (r"^DescribeWidgetPolicy$",)),)
    assert backup_coverage.stale_patterns(backup_coverage.model_operations(), renamed) == [("renamed", r"^DescribeWidgetPolicy$")]
    assert found["stale_family_patterns"] == []


def test_operations_the_emulator_answers_are_emulated(found):
    ours = found["classes"]["emulated (ours)"]
    assert {"StartRestoreJob", "DescribeRestoreJob", "ListRecoveryPointsByBackupVault", "ListBackupVaults"} <= set(ours)
    assert {"CreateBackupVault", "CreateBackupPlan", "ListTags"} <= set(found["classes"]["emulated (moto)"])


def test_every_operation_the_emulator_implements_routes_to_itself(found):
    """Each entry of emulator/backup.py's OPERATIONS is classed as the emulator's own: a route another operation's
    template shadows, or a handler name BackupWorld lacks, would show here."""
    assert sorted(found["classes"]["emulated (ours)"]) == sorted(backup_coverage.emulator_backup.OPERATIONS)


def test_unanswered_calls_say_what_a_client_gets():
    routed_elsewhere = {"operation": "GetWidget", "ours": "GetBackupSelection", "ours_handler": True, "moto_url": False,
                        "moto": None, "moto_handler": False}
    assert backup_coverage.answered_by(routed_elsewhere) is None
    assert backup_coverage.today(routed_elsewhere) == "taken by the emulator's GetBackupSelection"
    moto_without_handler = {"operation": "UpdateWidget", "ours": None, "ours_handler": False, "moto_url": True,
                            "moto": "UpdateWidget", "moto_handler": False}
    assert backup_coverage.answered_by(moto_without_handler) is None
    assert backup_coverage.today(moto_without_handler).startswith("500")
    nowhere = dict(moto_without_handler, moto_url=False, moto=None)
    assert backup_coverage.today(nowhere).startswith("404")


def test_main_prints_text_and_json(capsys):
    backup_coverage.main([])
    text = capsys.readouterr().out
    assert "operations emulated" in text and "restore-world operations:" in text
    backup_coverage.main(["--json"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["operations"] == len(backup_coverage.model_operations())
