"""The order `make units` hands test files to its workers (tests/e2e/conftest.py): the slowest files named there
exist (a renamed file would silently lose its place), and they come first, each file's tests together and in order."""

import os

from tests.e2e import conftest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_every_file_named_slowest_exists():
    assert [path for path in conftest.SLOWEST if not os.path.isfile(os.path.join(ROOT, path))] == []


def test_the_slowest_come_first_then_end_to_end_then_emulator_then_unit():
    paths = ["tests/unit/test_build.py", "emulator/tests/test_pitr.py", "tests/e2e/test_action_group.py",
             "tests/e2e/test_ec2_restore.py", "tests/e2e/test_rds_swap.py"]
    assert sorted(paths, key=conftest.file_rank) == [
        "tests/e2e/test_rds_swap.py", "tests/e2e/test_ec2_restore.py", "tests/e2e/test_action_group.py",
        "emulator/tests/test_pitr.py", "tests/unit/test_build.py"]
