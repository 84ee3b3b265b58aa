"""Fixtures: one emulator per test session, seeded with the runbook's world."""

import pytest

from tests.emulator.tests.worlds import own_emulator
from tests.emulator.seed import seed


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    with own_emulator(tmp_path_factory, "emulator") as emu:
        yield emu


@pytest.fixture(scope="session")
def world(emulator):
    """The seeded world's names and ARNs (see tests/emulator/seed.py)."""
    return seed(emulator)


@pytest.fixture
def clean_faults(emulator):
    """Faults and job settings a test changes are undone after it."""
    yield emulator
    emulator.control("faults", method="DELETE")
    emulator.control("jobs/duration", {"backup": 0, "copy": 0, "restore": 0})


@pytest.fixture
def backup(emulator):
    return emulator.client("backup")
