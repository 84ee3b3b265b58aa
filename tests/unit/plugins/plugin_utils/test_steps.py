# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dispatch every filter with steps shares (plugin_utils/steps.py)."""

from __future__ import annotations

import importlib

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.plugin_utils.steps import run_step


def halve(data, exact=False):
    if exact and data % 2:
        raise ValueError("%d is odd" % data)
    return data // 2


STEPS = {"halve": halve}


def test_a_step_runs_on_the_input_with_its_options():
    assert run_step("numbers", STEPS, 8, "halve", {"exact": True}) == 4


def test_an_unknown_step_or_a_rule_s_error_names_the_filter_and_the_step():
    with pytest.raises(AnsibleFilterError, match=r"numbers: step='double' is not one of halve"):
        run_step("numbers", STEPS, 8, "double", {})
    with pytest.raises(AnsibleFilterError, match=r"numbers\(halve\): 7 is odd"):
        run_step("numbers", STEPS, 7, "halve", {"exact": True})
    with pytest.raises(AnsibleFilterError, match=r"numbers\(halve\): .*unexpected keyword"):
        run_step("numbers", STEPS, 7, "halve", {"round": True})
    # An error the filter does not list is not turned into a filter error.
    with pytest.raises(ValueError):
        run_step("numbers", STEPS, 7, "halve", {"exact": True}, errors=(TypeError,))


@pytest.mark.parametrize("name", ["ec2_restore_job_plan", "rds_swap_plan", "rds_swap_steps", "restore_drill_plan",
                                  "restore_testing_steps", "s3_restore_plan"])
def test_each_filter_with_steps_documents_exactly_the_steps_it_runs(name):
    """ansible-doc is where a playbook writer looks for a step: every step the filter runs is among its choices."""
    plugin = importlib.import_module("ansible_collections.restorekit.aws.plugins.filter." + name)
    documented = yaml.safe_load(plugin.DOCUMENTATION)["options"]["step"]["choices"]
    assert documented == list(plugin.STEPS)
