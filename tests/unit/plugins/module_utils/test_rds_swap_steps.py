# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps of the in-place swap and its rollback (module_utils/_rds/swap_steps.py), without Ansible or AWS."""

from __future__ import annotations

import datetime

from ansible_collections.restorekit.aws.plugins.module_utils._rds import swap_steps as ss

NOW = datetime.datetime(2026, 11, 24, 3, 10, tzinfo=datetime.timezone.utc)
SKIPPED = {"skipped": True, "changed": False}


def test_a_step_goes_into_the_steps_and_the_report_s_checks():
    done = ss.record([], "switch", details={"from": "a"}, target="shop-dr-db", now=NOW)
    assert done["steps"] == [{"step": "switch", "phase": "swap", "result": "done", "at": "2026-11-24T03:10:00Z", "summary": "switch done",
                              "details": {"from": "a"}}]
    assert done["checks"] == [{"name": "swap: switch", "target": "shop-dr-db", "result": "pass",
                               "details": {"from": "a", "at": "2026-11-24T03:10:00Z", "result": "done"}}]
    later = ss.record(done["steps"], "names_back", phase="rollback", outcome={"result": "not needed", "details": {}}, checks=done["checks"], now=NOW)
    assert [c["result"] for c in later["checks"]] == ["pass", "skip"] and later["steps"][-1]["summary"] == "names_back not needed"
    assert ss.record([], "odd", result="left for inspection", now=NOW)["checks"][0]["result"] == "warn"


def test_the_rollback_renames_back_only_what_was_moved():
    found = ss.exists({"instances": [{"db_instance_identifier": "db"}]}, ["db", "db-old", "db-restore"])
    assert found == {"db": True, "db-old": False, "db-restore": False}
    assert ss.exists({"failed": True, "msg": "Throttling"}, ["db", "db-old"]) == {"db": False, "db-old": False}
    assert ss.names_back(found, SKIPPED, SKIPPED, "db-old", "db-restore") == {
        "result": "not needed", "details": {"restore_renamed_to": "", "production_renamed_back_from": "", "error": ""}}
    moved = dict(found, **{"db-old": True})
    failed = ss.names_back(moved, {"changed": True}, {"failed": True, "msg": "DBInstanceAlreadyExists"}, "db-old", "db-restore")
    assert failed["result"] == "failed" and failed["details"]["error"] == "DBInstanceAlreadyExists"
    assert failed["details"]["restore_renamed_to"] == "db-restore"


def test_endpoint_restore_writers_and_production_steps():
    back = ss.endpoint_back({"ssm": "old-host"}, {"changed": True}, SKIPPED, "/app/db", "app/db")
    assert back == {"result": "done", "details": {"ssm_parameter": "/app/db", "secret": ""}}
    assert ss.endpoint_back({}, SKIPPED, SKIPPED)["result"] == "not needed"
    assert ss.restored_instance({"instances": [{}]}, SKIPPED, "db-restore")["result"] == "left for inspection"
    assert ss.restored_instance({"instances": [{}]}, {"changed": True}, "db-restore")["result"] == "deleted"
    assert ss.restored_instance({"instances": []}, None)["result"] == "not needed"
    assert ss.writers_back({"results": [{"changed": True}, {"failed": True}]}, [{"name": "app"}])["result"] == "failed"
    assert ss.production_check({"instances": [{"dbi_resource_id": "db-ABC"}]}, "db-ABC", "db")["result"] == "done"
    assert ss.production_check({"instances": [{"dbi_resource_id": "db-XYZ"}]}, "db-ABC", "db")["details"]["same_instance_as_before"] is False
    assert ss.failed([{"phase": "swap", "result": "failed"}]) is False
    assert ss.failed([{"phase": "rollback", "result": "failed"}]) is True


def test_writer_sizes_are_read_from_the_group_loop_and_nothing_read_is_no_group():
    info = {"results": [
        {"item": "app-writers", "results": [{"auto_scaling_group_name": "app-writers", "min_size": 2, "max_size": 6,
                                             "desired_capacity": 3, "instances": []}]},
        {"item": "jobs", "results": [{"auto_scaling_group_name": "jobs", "min_size": 0, "max_size": 1, "desired_capacity": 1}]}]}
    assert ss.writer_sizes(info) == [{"name": "app-writers", "min_size": 2, "max_size": 6, "desired_capacity": 3},
                                     {"name": "jobs", "min_size": 0, "max_size": 1, "desired_capacity": 1}]
    assert ss.writer_sizes({}) == [] and ss.writer_sizes(None) == []
