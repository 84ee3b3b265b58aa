# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.rds_restore: a progress line at each poll interval while a restore runs.

A module cannot print while it runs, and an RDS restore takes tens of minutes. So the module waits in slices of one
``poll_interval`` (``wait_slice``): the first run decides, starts and waits one slice; while the restore is still
``pending`` the module runs again with the decision of the first run (``resume``), adopting what it started, until the
instance is available and its settings are applied or ``wait_timeout`` has passed. Each slice's progress lines are
displayed as they arrive. A restore that ends within the first slice costs one module run.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.plugin_utils.progress import SlicedAction


class ActionModule(SlicedAction):
    """Run the module slice by slice, displaying each slice's progress."""

    MODULE = "restorekit.aws.rds_restore"
    KEEP = ("adopted", "request")

    def merge(self, runs, progress):
        """As SlicedAction's, with every setting any run applied."""
        result = super().merge(runs, progress)
        applied = sorted(set(setting for run in runs for setting in run.get("settings_applied") or []))
        if applied:
            result["settings_applied"] = applied
        return result

    def timeout_message(self, args, last, timeout):
        return ("rds_restore: %s is still %s after wait_timeout=%gs; the restore goes on in AWS, and re-running the same task adopts it"
                % (args.get("target_db_instance_identifier"), last.get("stage"), timeout))
