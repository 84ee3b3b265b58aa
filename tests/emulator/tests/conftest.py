"""Fixtures: one emulator per test session, seeded with the runbook's world."""

import os

import pytest

from tests.emulator.client import Emulator
from tests.emulator.seed import seed


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    state = tmp_path_factory.mktemp("emulator-state")
    log = os.path.join(str(tmp_path_factory.getbasetemp()), "emulator.log")
    emu = Emulator(state_dir=str(state), log_path=log).start()
    try:
        yield emu
    finally:
        emu.stop()


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
