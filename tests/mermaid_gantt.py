# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mermaid's own parser, from Python: what Mermaid makes of the Gantt charts in a Markdown report.

tools/mermaid/gantt_tasks.mjs runs mermaid.parse() and then computes the chart's tasks the way Mermaid does before
drawing them (getTasks), so a line Mermaid would drop or choke on when drawing fails here too. It needs node and the
npm packages that tools/install_mermaid.sh installs into .venv/mermaid. Without node the tests that use it are
skipped; with node but without the packages they fail, naming the install step.
"""

import json
import os
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "tools", "mermaid", "gantt_tasks.mjs")


class MermaidRejects(Exception):
    """Mermaid did not accept the chart; the message is Mermaid's."""


def gantt_charts(text):
    """Each ```mermaid chart of TEXT (or TEXT itself, bare Mermaid) as Mermaid reads it: title, dateFormat, axisFormat,
    sections and tasks ({section, name, id, start, end, tags}, times ISO 8601 UTC)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: Mermaid's parser cannot run")
    env = dict(os.environ, TZ="UTC")
    proc = subprocess.run([node, SCRIPT], input=text, capture_output=True, text=True, env=env, timeout=300, check=False)
    if proc.returncode == 2:
        pytest.fail("Mermaid's npm packages are missing: run tools/install_mermaid.sh (%s)" % proc.stderr.strip())
    if proc.returncode != 0:
        raise MermaidRejects(proc.stderr.strip() or proc.stdout.strip())
    return json.loads(proc.stdout)
