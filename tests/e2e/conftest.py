"""The emulator fixtures (emulator/testing.py): one seeded emulator per test session, shared by the suites here."""

from emulator.testing import backup, clean_faults, emulator, world  # noqa: F401  pylint: disable=unused-import
