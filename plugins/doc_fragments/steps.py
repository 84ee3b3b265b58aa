# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The options every filter with steps has (plugin_utils/steps.py's dispatch): its input and the step; each filter
    lists its steps as the choices of O(step)."""

    DOCUMENTATION = r"""
options:
  _input:
    description: The step's data (see each step).
    type: raw
    required: true
  step:
    description: Which step; each is described above, with what its input is and the options it reads.
    type: str
    required: true
"""
