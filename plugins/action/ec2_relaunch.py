# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.ec2_relaunch: the plan, then a progress line per poll of the instance refresh.

The module waits in slices of one ``poll_interval`` (``wait_slice``): the first run reads, decides, changes the group
and starts the instance refresh, and waits one slice; while the refresh runs the module runs again with the first
run's ``resume``, which only waits and finishes. An instance refresh takes as long as its instances' warm-up, tens of
minutes, and the responder sees each slice's lines as they arrive.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.plugin_utils.progress import SlicedAction


class ActionModule(SlicedAction):
    """Run the module slice by slice, displaying each slice's progress."""

    MODULE = "restorekit.aws.ec2_relaunch"
    KEEP = ("plan", "recovery_point")

    def timeout_message(self, args, last, timeout):
        refresh = last.get("instance_refresh") or {}
        return ("ec2_relaunch: instance refresh %s of %s is still %s after wait_timeout=%gs; it goes on in AWS, and re-running the "
                "same task waits for it" % (refresh.get("instance_refresh_id"), args.get("group_name"), refresh.get("status"), timeout))
