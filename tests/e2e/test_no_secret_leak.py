# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No database password in any output of playbooks/rds_restore.yml: -vvvv, AWX job events, the report.

The restore is validated against production, so the master password really is handed to the play (as a survey's
password field hands it over in AWX: an extra variable). It must then appear nowhere a responder, a log collector or
AWX stores: not in plain text, base64 (at any alignment inside a larger blob), URL-encoded, hex or JSON-escaped.
The same holds for the in-place path's refusal, which runs with the password too.
"""

import base64
import binascii
import glob
import json
import os
import subprocess
import urllib.parse
import uuid

import ansible_runner
import pytest

from emulator.seed import DB_PASSWORD
from tests.e2e.helpers import ANSIBLE_PLAYBOOK, PYTHON, ROOT

PLAYBOOK = os.path.join(ROOT, "playbooks", "rds_restore.yml")
INVENTORY = os.path.join(ROOT, "inventories", "emulator")


def encodings(secret):
    """Every form of SECRET to look for; base64 at the three alignments it can take inside a longer encoded text."""
    raw = secret.encode()
    forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret), raw.hex(), raw.hex().upper(),
             json.dumps(secret)[1:-1], binascii.b2a_uu(raw).decode().strip()}
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + raw).decode()
        # Drop the characters that also carry the padding in front and whatever follows the secret.
        forms.add(encoded[(offset * 4 + 2) // 3:-4])
        forms.add(base64.urlsafe_b64encode(b"\0" * offset + raw).decode()[(offset * 4 + 2) // 3:-4])
    return {form for form in forms if len(form) >= 8}


def leaks(text, secret=DB_PASSWORD):
    return sorted(form for form in encodings(secret) if form in text)


def env(emulator, home):
    out = dict(os.environ, **emulator.env())
    out.update({"ANSIBLE_CONFIG": os.path.join(ROOT, "ansible.cfg"), "ANSIBLE_PYTHON_INTERPRETER": PYTHON, "HOME": str(home),
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "ANSIBLE_NOCOLOR": "1"})
    return out


def restore_vars(tmp_path, target):
    return {
        "rds_restore_target_identifier": target,
        "rds_restore_poll_interval": 1,
        "restore_report_dir": str(tmp_path / "reports"),
        "rds_restore_validate": True,
        "rds_restore_validate_password": DB_PASSWORD,
        "rds_restore_validate_static_tables": ["plans", "tenants"],
        "rds_restore_validate_live_tables": [{"name": "orders", "tolerance_percent": 60, "timestamp_column": "created_at"}],
        "rds_restore_validate_smoke_queries": [{"name": "three plans", "sql": "SELECT COUNT(*) FROM plans", "expect": 3}],
    }


def reports(tmp_path):
    return {path: open(path, encoding="utf-8").read() for path in sorted(glob.glob(str(tmp_path / "reports" / "*")))}


def test_the_encodings_are_what_a_leak_would_look_like():
    """The detector itself: each encoding of the password, buried in other text, is found."""
    buried = "x" * 7 + DB_PASSWORD + "y" * 5
    samples = [buried, base64.b64encode(buried.encode()).decode(), base64.b64encode(b"ab" + buried.encode()).decode(),
               base64.b64encode(b"a" + buried.encode()).decode(), urllib.parse.quote(buried), buried.encode().hex(),
               json.dumps({"password": buried})]
    for sample in samples:
        assert leaks("prefix " + sample + " suffix"), sample
    assert not leaks("emulated-Prod-db-pw-2 and nothing else")


@pytest.mark.usefixtures("world")
def test_no_password_at_vvvv_or_in_the_report(emulator, tmp_path):
    target = "leak-vvvv-%s" % uuid.uuid4().hex[:6]
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(restore_vars(tmp_path, target)), encoding="utf-8")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", INVENTORY, PLAYBOOK, "-e", "@%s" % extra, "-vvvv"], env=env(emulator, tmp_path),
                          cwd=str(tmp_path), capture_output=True, text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-6000:]
    # It did validate with the password: the checks passed against the restored instance.
    assert "mysql table plans" in output
    saved = reports(tmp_path)
    report = json.loads(next(text for path, text in saved.items() if path.endswith(".json")))
    assert report["outcome"] == "succeeded"
    assert any(check.get("name") == "mysql table plans" for check in report["checks"]), report["checks"]
    assert not leaks(output), "the password appears in the -vvvv output"
    for path, text in saved.items():
        assert not leaks(text), "the password appears in the report %s" % path


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("mode", ["new", "in_place_refused"])
def test_no_password_in_awx_job_events(emulator, tmp_path, mode):
    """ansible-runner is what AWX runs a job with: its job events are what AWX stores and shows."""
    extravars = restore_vars(tmp_path, "leak-awx-%s" % uuid.uuid4().hex[:6])
    if mode == "in_place_refused":
        # The in-place path with its password and a wrong confirmation: refused before any change, password unseen.
        extravars.update({"rds_restore_mode": "in_place", "rds_swap_confirm": "not-production", "rds_swap_db_password": DB_PASSWORD})
    private = tmp_path / "runner"
    private.mkdir()
    runner_env = {key: value for key, value in env(emulator, tmp_path).items()
                  if key.startswith(("AWS_", "ANSIBLE_", "RESTOREKIT_")) or key == "HOME"}
    runner_env["PATH"] = os.path.dirname(ANSIBLE_PLAYBOOK) + os.pathsep + os.environ.get("PATH", os.defpath)
    result = ansible_runner.run(private_data_dir=str(private), playbook=PLAYBOOK, inventory=INVENTORY, extravars=extravars,
                                envvars=runner_env, verbosity=4, quiet=True, ident="job")
    events = list(result.events)
    stdout = result.stdout.read()
    if mode == "new":
        assert result.rc == 0, stdout[-6000:]
        assert any(e.get("event") == "runner_on_ok" and "Validate" in e.get("event_data", {}).get("task", "") for e in events) \
            or "mysql table plans" in stdout
    else:
        assert result.rc != 0
        assert "rds_swap_confirm='not-production': must equal the production DB instance identifier" in stdout
    files = glob.glob(str(private / "artifacts" / "*" / "job_events" / "*.json"))
    assert len(files) == len(events) > 10
    for path in files:
        with open(path, encoding="utf-8") as handle:
            assert not leaks(handle.read()), "the password appears in the job event %s" % os.path.basename(path)
    assert not leaks(stdout), "the password appears in the job's stdout"
    for path, text in reports(tmp_path).items():
        assert not leaks(text), "the password appears in the report %s" % path
