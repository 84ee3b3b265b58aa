# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The restore drill's decisions (module_utils/_drill_plan.py), without Ansible or AWS."""

from __future__ import annotations

import datetime
import random

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _drill_plan as dp

NOW = datetime.datetime(2026, 11, 24, 3, 0, 5, tzinfo=datetime.timezone.utc)
DB = "arn:aws:rds:us-east-1:123456789012:db:shop-dr-db"
BUCKET = "arn:aws:s3:::shop-dr-tenant-42"
INSTANCE = "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"


def point(kind, resource_arn, name):
    return {"recovery_point_arn": "arn:aws:backup:us-east-1:123456789012:recovery-point:%s" % name, "resource_arn": resource_arn,
            "resource_type": kind, "creation_date": "2026-11-23T05:00:00.250000+00:00"}


def selected(*kinds):
    sources = {"RDS": (DB, "rds-1"), "S3": (BUCKET, "s3-1"), "EC2": ("arn:aws:ec2:us-east-1:123456789012:instance/i-0aaa", "ec2-1")}
    return [{"item": kind, "recovery_point": point(kind, *sources[kind])} for kind in kinds]


DRILL = dp.begin("20261124-030005", 81722, "shop", "dr", now=NOW)


def test_begin_names_the_drill_after_its_start_and_draws_a_seed_only_when_none_is_given():
    drawn = dp.begin("", "", "shop", "dr", now=NOW, rng=random.Random(1))
    assert drawn["id"] == "20261124-030005" and drawn["started"] == "2026-11-24T03:00:05Z"
    assert drawn["prefix"] == "shop-dr-drill-20261124-030005"
    assert 0 <= drawn["seed"] < dp.SEED_LIMIT and drawn["seed"] == random.Random(1).randrange(dp.SEED_LIMIT)
    # A survey hands the seed over as text: the replayed drill uses the same number.
    assert dp.begin("t1", "4242", "shop", "dr", now=NOW)["seed"] == 4242


@pytest.mark.parametrize("seed, project, named", [("many", "shop", "restore_drill_seed='many'"),
                                                  (1, "", "restorekit_project_name=''")])
def test_begin_refuses_what_it_cannot_name_with(seed, project, named):
    with pytest.raises(dp.DrillPlanError, match=named):
        dp.begin("t1", seed, project, "dr", now=NOW)


def test_restores_get_drill_unique_targets_and_private_deletable_settings():
    plan = dp.restores(selected("S3", "RDS", "EC2"), DRILL["prefix"],
                       {"db_subnet_group": "shop-dr-db-subnets", "db_instance_class": "db.t3.medium", "ec2_instance_type": "t3.small",
                        "ec2_subnet_id": "subnet-0abc", "ec2_security_group_ids": ["sg-0abc"]})
    assert plan["targets"] == {"RDS": "shop-dr-drill-20261124-030005-db", "S3": "shop-dr-drill-20261124-030005-tenant-42"}
    assert [r["resource_type"] for r in plan["restores"]] == ["S3", "RDS", "EC2"]  # the order asked for
    rds = plan["restores"][1]
    assert rds["metadata"] == {"MultiAZ": False, "DeletionProtection": False, "PubliclyAccessible": False,
                               "DBSubnetGroupName": "shop-dr-db-subnets", "DBInstanceClass": "db.t3.medium"}
    assert plan["restores"][0]["metadata"] == {"NewBucket": True}
    ec2 = plan["restores"][2]
    assert ec2["target_name"] == ""
    assert ec2["metadata"] == {"RequireIMDSv2": True, "InstanceType": "t3.small", "SubnetId": "subnet-0abc", "SecurityGroupIds": ["sg-0abc"]}
    assert plan["recovery_point_arns"] == [p["recovery_point_arn"] for p in plan["recovery_points"]]


def test_a_bucket_that_is_no_tenant_s_gets_a_plain_drill_name_and_no_subnet_means_the_point_s_network():
    picked = [{"item": "S3", "recovery_point": point("S3", "arn:aws:s3:::shop-dr-assets", "s3-2")}] + selected("EC2")
    plan = dp.restores(picked, "p", {"ec2_security_group_ids": ["sg-0abc"]})
    assert plan["targets"] == {"S3": "p-s3"}
    assert plan["restores"][1]["metadata"] == {"RequireIMDSv2": True}


def test_restores_refuse_an_empty_choice_naming_it():
    with pytest.raises(dp.DrillPlanError, match="no recovery point was selected"):
        dp.restores([], "p")
    with pytest.raises(dp.DrillPlanError, match=r"selected\[0\]"):
        dp.restores([{"item": "RDS", "recovery_point": {}}], "p")


def test_created_names_what_each_validation_reads():
    plan = dp.restores(selected("RDS", "S3", "EC2"), DRILL["prefix"])
    jobs = [{"restore_job_id": "j1", "restore_job": {"resource_type": "RDS"}, "created_resource_arn": DB.replace("shop-dr-db", "x-db")},
            {"restore_job_id": "j2", "restore_job": {"resource_type": "S3", "created_resource_arn": "arn:aws:s3:::x-tenant-42"}},
            {"restore_job_id": "j3", "restore_job": {"resource_type": "EC2"}, "created_resource_arn": INSTANCE}]
    found = dp.created({"changed": False, "restore_jobs": jobs}, plan["points"])
    assert found["rds"] == {"restored": "x-db", "source": "shop-dr-db"}
    assert found["s3"] == {"restored": "x-tenant-42", "source": "shop-dr-tenant-42"}
    assert found["ec2_instance_ids"] == ["i-0123456789abcdef0"]
    with pytest.raises(dp.DrillPlanError, match="j9 created nothing known"):
        dp.created({"restore_jobs": [{"restore_job_id": "j9", "restore_job": {"resource_type": "S3"}}]}, plan["points"])


def test_the_plan_reads_the_registered_loop_and_a_failed_pick_plans_nothing():
    assert dp.restores({"changed": False, "results": selected("RDS", "S3")}, DRILL["prefix"]) == dp.restores(selected("RDS", "S3"), DRILL["prefix"])
    assert dp.restores({"failed": True, "msg": "no recovery point", "results": selected("RDS")}, DRILL["prefix"]) == {}
    with pytest.raises(dp.DrillPlanError, match="no recovery point was selected"):
        dp.restores({"results": []}, DRILL["prefix"])


def test_nothing_is_known_created_until_the_wait_succeeded():
    """A job that failed (a name already taken) fails the wait: what the other jobs made is the record's business."""
    plan = dp.restores(selected("RDS"), DRILL["prefix"])
    failed = {"failed": True, "msg": "restore job j1 FAILED: DB instance already exists",
              "restore_jobs": [{"restore_job_id": "j1", "restore_job": {"resource_type": "RDS", "status": "FAILED"}}]}
    assert dp.created(failed, plan["points"]) == {}
    assert dp.created({"skipped": True}, plan["points"]) == {} and dp.created(None, plan["points"]) == {}


def test_failed_checks_are_named_with_their_target_and_absent_validations_count_as_none():
    checks = [[{"name": "three plans", "target": "x-db", "result": "pass"}], [],
              [{"name": "critical keys restored", "target": "x-tenant-42", "result": False},
               {"name": "versions", "target": "x-tenant-42", "result": "warn"}], None]
    assert dp.failed_checks(checks) == ["critical keys restored on x-tenant-42"]
    with pytest.raises(dp.DrillPlanError, match=r"checks\[0\]"):
        dp.failed_checks(["not checks"])


RECORD = {"bucket": "shop-dr-drill-records", "prefix": "restorekit/drills/"}


def test_a_clean_drill_succeeds_and_its_notes_say_how_to_replay_it():
    checks = [[{"name": "three plans", "target": "x-db", "result": "pass"}], [{"name": "keys", "target": "b", "result": True}]]
    plan = dp.restores(selected("RDS"), DRILL["prefix"])
    done = dp.summary(checks, DRILL, RECORD, cleanup={"removed": ["arn:x"]}, leftovers=[{"removed": []}, {"removed": ["arn:old"]}],
                      resource_types=["RDS"], plan=plan, created={"arns": {"RDS": "arn:x"}},
                      waited={"restore_jobs": [{"restore_job_id": "j1", "restore_job": {"status": "COMPLETED"}}]})
    assert done["outcome"] == "succeeded" and done["fail_message"] == "" and done["subject"].endswith("succeeded")
    assert done["notes"][0] == ("drill 20261124-030005, seed 81722 (replay: -e restore_drill_seed=81722), "
                                "record s3://shop-dr-drill-records/restorekit/drills/20261124-030005.json")
    assert "removed, left by drills killed earlier: arn:old" in done["notes"]
    assert "Checks passed: 2 of 2. Removed: arn:x." in done["message"]
    assert done["resources"] == {"created": ["arn:x"], "changed": [], "left_alone": [DB]}
    assert [job["restore_job_id"] for job in done["restore_jobs"]] == ["j1"]


def test_a_failure_or_an_incomplete_cleanup_fails_the_drill_after_the_report():
    failed = dp.summary([], DRILL, RECORD, failure="Wait for the restore jobs together: job j1 FAILED",
                        cleanup={"failed": True, "msg": "AccessDenied", "left_open": ["j2"], "refused": [{"reason": "not the drill's"}]},
                        started=[{"restore_job_id": "j1", "resource_type": "RDS"}])
    assert failed["outcome"] == "failed" and failed["subject"].endswith("FAILED")
    assert failed["problems"] == ["AccessDenied", "record left open, restore jobs still running: j2", "not the drill's"]
    assert failed["fail_message"].startswith("drill 20261124-030005 failed at Wait for the restore jobs together")
    assert "cleanup of drill 20261124-030005 incomplete: AccessDenied" in failed["fail_message"]
    # The wait never answered: the report lists the jobs the record holds.
    assert failed["restore_jobs"] == [{"restore_job_id": "j1", "resource_type": "RDS"}]
    assert failed["resources"]["created"] == [] and failed["recovery_points"] == []
    only_cleanup = dp.summary([], DRILL, RECORD, cleanup={"refused": ["kept"]})
    assert only_cleanup["outcome"] == "failed" and only_cleanup["fail_message"].startswith("cleanup of drill")


def test_the_report_says_which_restored_points_stay_under_a_legal_hold():
    cleanup = {"removed": ["arn:x"], "cleaned": [{"protected_points": [{"recovery_point_arn": "rp-1", "reason": "under legal hold 'l' (h1, ACTIVE)"}],
                                                  "protection_unread": None}]}
    done = dp.summary([], DRILL, RECORD, cleanup=cleanup)
    assert "recovery point rp-1 left alone (a drill deletes no recovery point): under legal hold 'l' (h1, ACTIVE)" in done["notes"]
    assert done["outcome"] == "succeeded"
