"""What the emulator suites share: emulators of a test module's own (for changes - renamed production, deleted
resources, other names - no other test may see; the session's shared world is the `emulator` fixture in conftest.py),
and the paths and environment of an ansible-playbook run against an emulator."""

import contextlib
import datetime
import os
import sys

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


ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
ANSIBLE_PLAYBOOK = os.path.join(VENV_BIN, "ansible-playbook")
PYTHON = os.path.join(VENV_BIN, "python") if os.path.exists(os.path.join(VENV_BIN, "python")) else sys.executable


def ansible_env(emulator, home, **extra):
    """The environment of an ansible-playbook run against EMULATOR, as a responder's shell would give it: the
    checkout's ansible.cfg and the venv's Python, HOME at HOME (no user configuration, no AWS profile files), plain
    quiet output; EXTRA over it."""
    env = dict(emulator.env())
    env.update({
        "PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": os.environ.get("LANG") or "C.UTF-8",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
    })
    env.update(extra)
    return env


def take_todays_daily_backup(emulator, world):
    """Fire the seeded plan's daily rule now and wait for its jobs.

    The seed's history ends with yesterday's 05:00 backup; against the host's real clock that point passes the 26 h
    RPO at 07:00 UTC. Today's run, taken now, keeps a seeded world clean for the backup health check at any hour."""
    now = datetime.datetime.now(datetime.timezone.utc)
    emulator.control("clock", {"now": now.isoformat()})
    emulator.control("backup-plans/run", {"region": world["region"], "backup_plan_id": world["backup_plan_id"], "rule_name": "daily"})
    emulator.wait_for_jobs()
