# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""save_results: write CONTENT to DEST on the controller, for the end-to-end suites' assertions.

    - name: Save the registered results
      save_results:
        content: "{{ {'job': job} | to_nice_json }}"
        dest: /tmp/.../results.json

The suites run their plays on localhost, so the controller's file is the one they read. An action plugin alone: no
module payload is built or run (ansible.builtin.copy runs two modules, stat and copy, for each save). It writes in
check mode too, as the suites' saves asked of copy with check_mode false. tests/e2e/helpers.py puts this directory on
ANSIBLE_ACTION_PLUGINS.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):
    """Write the templated content to dest, atomically; never changed (the play's own changes are what is counted)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("content", "dest"))

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        content, dest = self._task.args.get("content"), self._task.args.get("dest")
        if not isinstance(content, str) or not dest:
            raise AnsibleActionFail("save_results needs content (a string) and dest, got %r and %r" % (type(content).__name__, dest))
        partial = "%s.partial" % dest
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.replace(partial, dest)
        result.update(changed=False, dest=str(dest))
        return result
