# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dispatch every filter with steps shares (``restore_drill_plan('restores', ...)``): the step named, checked, and run
on the filter's input; the errors the step's rules raise become an AnsibleFilterError naming the filter and the step."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def run_step(name, steps, data, step, options, errors=(TypeError, ValueError)):
    """STEPS[STEP](DATA, **OPTIONS) for the filter NAME; an unknown step, or one of ERRORS, is an AnsibleFilterError."""
    if step not in steps:
        raise AnsibleFilterError("%s: step=%r is not one of %s" % (name, step, ", ".join(steps)))
    try:
        return steps[step](data, **options)
    except errors as e:
        raise AnsibleFilterError("%s(%s): %s" % (name, step, e)) from None
