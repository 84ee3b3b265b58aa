# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The attributes block, written once per kind of module: restorekit.aws.attributes.info (reads only),
    restorekit.aws.attributes.change (changes AWS; each module says what check mode and a re-run do) and
    restorekit.aws.attributes.controller (an action plugin that runs on the control node). A module's own
    ``attributes`` entries override these, field by field."""

    DOCUMENTATION = r"""
attributes: {}
"""

    INFO = r"""
attributes:
  check_mode:
    description: Reads only; runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing changes, so there is nothing to show.
    support: none
  idempotent:
    description: Reads only; changes nothing.
    support: full
"""

    CHANGE = r"""
attributes:
  check_mode:
    description: Reports what it would do and changes nothing.
    support: full
  diff_mode:
    description: Not supported; the result says what was done.
    support: none
  idempotent:
    description: A second run with the same options changes nothing.
    support: full
"""

    CONTROLLER = r"""
attributes:
  action:
    description: Runs as an action plugin on the control node.
    support: full
  check_mode:
    description: Runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing to show.
    support: none
  platform:
    description: Runs on the control node.
    support: full
    platforms: posix
"""
