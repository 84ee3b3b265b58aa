# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """Options several filters take, each described once: restorekit.aws.filter_options.check_mode and
    restorekit.aws.filter_options.report."""

    DOCUMENTATION = r"""
options: {}
"""

    CHECK_MODE = r"""
options:
  check_mode:
    description:
      - Whether the run is in check mode (C(ansible_check_mode)); the answer then says what a real run would do.
    type: bool
    default: false
"""

    REPORT = r"""
options:
  failure:
    description: Why the run failed (C(restorekit_run_failure)); empty when it did not.
    type: str
    default: ""
"""
