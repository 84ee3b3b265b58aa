# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the in-place swap decides before it changes anything (module_utils/_rds/swap_plan.py), without Ansible or AWS."""

from __future__ import annotations

import datetime

from ansible_collections.restorekit.aws.plugins.module_utils._rds import swap_plan as sp

NOW = datetime.datetime(2026, 11, 24, 3, 10, 5, tzinfo=datetime.timezone.utc)


def test_every_name_of_a_run_shares_one_stamp_and_two_responders_get_different_ids():
    mine = sp.begin("shop-dr-db", now=NOW, environ={"USER": "alice"})
    assert mine["restore_identifier"] == "shop-dr-db-swap-20261124031005" and mine["old_identifier"] == "shop-dr-db-old-20261124031005"
    assert mine["snapshot_identifier"] == "shop-dr-db-pre-swap-20261124031005" and mine["lock_holder"] == "alice"
    assert mine["run"].startswith("swap-20261124031005-")
    assert sp.begin("shop-dr-db", now=NOW, environ={"USER": "alice"})["run"] == mine["run"]
    assert sp.begin("shop-dr-db", now=NOW, environ={"SUDO_USER": "bob", "USER": "root"})["run"] != mine["run"]
    given = sp.begin("shop-dr-db", run_id="incident-42", holder="on-call", awx_job_id=7, now=NOW, environ={})
    assert (given["run"], given["lock_holder"]) == ("incident-42", "on-call")
    assert sp.begin("shop-dr-db", awx_job_id=7, now=NOW, environ={"USER": "awx"})["lock_holder"] == "awx (AWX job 7)"


def test_the_swap_refuses_naming_every_reason():
    assert sp.refusal({"instances": [{"db_instance_status": "available"}]}, "db", {"instances": []},
                      {"results": [{"item": "app", "results": [{}]}]}) == ""
    said = sp.refusal({"instances": [{"db_instance_status": "modifying"}]}, "db", {"instances": [{"db_instance_identifier": "db-swap-1"}]},
                      {"results": [{"item": "gone-asg", "results": []}]})
    assert said == ("Refusing the in-place swap, nothing was changed: production db is modifying, not available; "
                    "these DB identifiers already exist: db-swap-1; rds_swap_writer_asgs names groups that do not exist: gone-asg")
    assert "production db was not found" in sp.refusal({"instances": []}, "db")
