"""The end-to-end suites' helpers, in one module: the paths and environment of an ansible-playbook run against an
emulator, a playbook runner that saves registered results as JSON, and the seeded world's daily backup.

The emulator fixtures (`emulator`, `world`, `clean_faults`, `backup`) and emulators of a module's own (`own_emulator`)
come from emulator/testing.py, a pytest plugin."""

import datetime
import json
import os
import subprocess
import sys

from emulator.client import REGION

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")
PYTHON = os.path.join(VENV_BIN, "python") if os.path.exists(os.path.join(VENV_BIN, "python")) else sys.executable
# A git worktree of the checkout has no venv of its own: the one of the Python running the tests.
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(PYTHON), "ansible-playbook")
# The suites' own action: save_results writes the play's registered results for the assertions (see its docstring).
ACTION_PLUGINS = os.path.join(ROOT, "tests", "e2e", "action_plugins")


def ansible_env(emulator, home, **extra):
    """The environment of an ansible-playbook run against EMULATOR, as a responder's shell would give it: the
    checkout's ansible.cfg and the venv's Python, HOME at HOME (no user configuration, no AWS profile files), plain
    quiet output, the suites' save_results action; EXTRA over it."""
    env = dict(emulator.env())
    env.update({
        "PATH": os.environ.get("PATH", ""), "HOME": str(home), "LANG": os.environ.get("LANG") or "C.UTF-8",
        "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON,
        "ANSIBLE_LOCALHOST_WARNING": "false", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "ANSIBLE_ACTION_PLUGINS": ACTION_PLUGINS,
    })
    # The suites' module fork server (tests/e2e/conftest.py): the modules of the play start from it.
    if os.environ.get("RESTOREKIT_MODULE_FORKSERVER"):
        env["RESTOREKIT_MODULE_FORKSERVER"] = os.environ["RESTOREKIT_MODULE_FORKSERVER"]
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


def run_playbook(emulator, tmp_path, tasks, registered, module_defaults=None, drop_env=()):
    """Run TASKS on localhost through the checkout's ansible.cfg (restorekit.aws resolves by FQCN); return the results.

    Failing tasks are expected to carry ignore_errors; the play must still end and save every registered variable.
    """
    results = tmp_path / "results.json"
    content = "{{ {%s} | to_nice_json }}" % ", ".join("'%s': %s" % (name, name) for name in registered)
    if module_defaults is None:
        module_defaults = {"group/restorekit.aws.aws": {"endpoint_url": emulator.endpoint, "region": REGION}}
    play = [{
        "name": "recovery_point_info against the emulator", "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": module_defaults,
        "tasks": tasks + [{"name": "Save the registered results", "save_results": {"content": content, "dest": str(results)}}],
    }]
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(json.dumps(play, indent=2), encoding="utf-8")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("localhost ansible_connection=local ansible_python_interpreter=%s\n" % PYTHON, encoding="utf-8")
    env = ansible_env(emulator, tmp_path)
    for name in drop_env:
        env.pop(name, None)
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)], cwd=str(tmp_path), env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, "ansible-playbook failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return json.loads(results.read_text(encoding="utf-8"))
