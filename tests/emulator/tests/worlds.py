"""Emulators of a test module's own, for tests whose changes (renamed production, deleted resources, other names)
no other test may see. The session's shared world is the `emulator` fixture in conftest.py."""

import contextlib

from tests.emulator.client import Emulator


@contextlib.contextmanager
def own_emulator(tmp_path_factory, name):
    """Start an emulator with its state and log under the session's temporary folder; stop it, whatever happened."""
    base = tmp_path_factory.mktemp(name)
    emu = Emulator(state_dir=str(base / "state"), log_path=str(base / "emulator.log")).start()
    try:
        yield emu
    finally:
        emu.stop()
