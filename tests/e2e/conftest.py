"""The emulator fixtures (emulator/testing.py): one seeded emulator per test session, shared by the suites here.

Also the order in which `make units` hands test files to its workers (--dist loadfile --no-loadscope-reorder): the
files that take longest first, so that none of them starts last and runs alone while the other workers are idle; then
the other end-to-end files, the emulator's self-tests, and the unit tests, which fill the gaps.

And the module fork server (tools/module_forkserver.py) the plays of each pytest process start their modules from,
unless RESTOREKIT_MODULE_FORKSERVER=0 is in the environment."""

import os

import pytest

from emulator.testing import backup, clean_faults, emulator, world  # noqa: F401  pylint: disable=unused-import
from tests.e2e.helpers import PYTHON
from tools import module_forkserver as forkserver

# Slowest first, as measured per file with `pytest --junitxml` under `make units` (each a few minutes of
# ansible-playbook runs; test_awx runs its seven AWX jobs one after the other).
SLOWEST = (
    "tests/e2e/test_awx.py", "tests/e2e/test_rds_swap.py", "tests/e2e/test_ec2_restore.py", "tests/e2e/test_restore_drill.py",
    "tests/e2e/test_s3_restore.py", "tests/e2e/test_backup_health.py", "tests/e2e/test_restore_access_vault.py", "tests/e2e/test_rds_restore.py",
    "tests/e2e/test_restore_job.py", "tests/e2e/test_restore_testing.py", "tests/e2e/test_preflight.py",
    "tests/e2e/test_bad_input.py", "tests/e2e/test_dr_playbooks.py",
)
LAYERS = ("tests/e2e/", "emulator/tests/", "tests/unit/")


def file_rank(path):
    """Where a test file goes in the order: the slowest by name, then by layer."""
    if path in SLOWEST:
        return (0, SLOWEST.index(path))
    for index, layer in enumerate(LAYERS):
        if path.startswith(layer):
            return (1 + index, 0)
    return (1 + len(LAYERS), 0)


def pytest_collection_modifyitems(session, config, items):  # pylint: disable=unused-argument
    root = str(config.rootpath)
    items.sort(key=lambda item: file_rank(os.path.relpath(str(item.path), root).replace(os.sep, "/")))


@pytest.fixture(scope="session", autouse=True)
def module_forkserver():
    """One fork server per pytest process, named by RESTOREKIT_MODULE_FORKSERVER in the environment of the plays
    (tests/e2e/helpers.py's ansible_env passes it on); None when turned off or not installed in the venv."""
    with forkserver.serving(python=PYTHON) as path:
        yield path
