# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the action plugins that show progress while their module waits (restore_job, rds_restore).

A module cannot print while it runs; a responder watching a restore of an hour needs to see it move. Such an action
runs its module once as given when there is nothing to wait for (``wait: false``, check mode, or a wait option that is
not valid, which the module then names), and otherwise hands the task to ``wait``, which runs the module again and
again, displaying each poll's line as it arrives.
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.restorekit.aws.plugins.module_utils._poll import wait_options

display = Display()


class ProgressAction(ActionBase):
    """Run MODULE once, or wait with ``wait(result, args, task_vars, timeout, poll)``."""

    MODULE = ""

    def _module(self, args, task_vars):
        return self._execute_module(module_name=self.MODULE, module_args=args, task_vars=task_vars)

    def runs_once(self, args):
        """Whether these arguments ask for one module run even with a wait (see the subclass)."""
        return False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        options = wait_options(args, self._task.check_mode)
        if options is None or self.runs_once(args):
            result.update(self._module(args, task_vars))
            return result
        return self.wait(result, args, task_vars, *options)

    def wait(self, result, args, task_vars, timeout, poll):
        raise NotImplementedError
