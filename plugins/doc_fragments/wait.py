# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The wait options of the modules that start a restore and wait for it (module_utils/_poll.py's cadence)."""

    DOCUMENTATION = r"""
options:
  wait_timeout:
    description:
      - Seconds to wait at most, 1 to 604800 (a week). The restore goes on in AWS after a timeout; re-running the same
        task adopts it instead of starting another.
    type: int
    default: 7200
  poll_interval:
    description:
      - Seconds between polls once the restore has run a while. The first status check comes 0.2 seconds after the
        start (so a restore that ends in seconds is not kept waiting), the interval doubles up to O(poll_interval),
        then grows by half each poll, up to a minute. 1 to 3600.
    type: int
    default: 15
"""

    # A module whose action plugin shows progress between its runs (plugin_utils/progress.py SlicedAction).
    SLICED = r"""
options:
  wait_slice:
    description:
      - Wait at most this many seconds in this run, then return with RV(pending) set instead of failing; 0 waits up
        to O(wait_timeout). The action plugin uses it to show progress between runs.
    type: float
    default: 0
"""
