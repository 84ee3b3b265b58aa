# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""validate_s3's outcome: the Lambda's answers as checks, pass or fail, which staging buckets go and what the notes say."""

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.restorekit.aws.plugins.filter.validate_s3_outcome import validate_s3_outcome

PASS = {"name": "restored objects match staging t12-restore", "target": "t12", "result": "pass", "summary": "t12: 0 of 4 ..."}
FAIL = {"name": "critical key a", "target": "t13", "result": "fail", "summary": "t13: critical key a: content differs"}
KEPT = {"name": "production objects kept by the conflict policy (not restored)", "target": "t12", "result": "warn", "summary": ""}
RESTORES = [
    {"production_bucket": "t12", "staging_bucket": "t12-restore", "staging_removable": True, "staging_note": None},
    {"production_bucket": "t13", "staging_bucket": "t13-restore", "staging_removable": False,
     "staging_note": "kept staging bucket t13-restore: its restorekit:run tag is not run-a"},
]


def comparison(*checks):
    return {"changed": False, "checks": list(checks), "passed": True, "restores": RESTORES}


def invocation(bucket, status=200, output="ok", msg=None):
    item = {"item": {"production_bucket": bucket, "tenant_id": bucket[1:]}, "result": {"status": status, "output": output}, "failed": False}
    if msg:
        item["msg"] = msg
        del item["result"]
    return item


def test_warnings_pass_and_removal_waits_for_the_removal_step():
    outcome = validate_s3_outcome({"comparison": comparison(PASS, KEPT), "remove_staging": "true", "lambda": {"skipped": True, "results": []}})
    assert outcome["passed"] is True and outcome["checks"] == [PASS, KEPT]
    assert outcome["removable"] == ["t12-restore"] and outcome["removed"] == []
    assert outcome["notes"] == ["kept staging bucket t13-restore: its restorekit:run tag is not run-a"]
    removal = {"results": [{"item": "t12-restore", "changed": True, "failed": False}]}
    outcome = validate_s3_outcome({"comparison": comparison(PASS), "remove_staging": True, "removal": removal})
    assert outcome["removed"] == ["t12-restore"]
    assert outcome["notes"] == ["removed staging bucket t12-restore", "kept staging bucket t13-restore: its restorekit:run tag is not run-a"]


def test_a_failed_check_keeps_every_staging_bucket_and_names_each_finding():
    outcome = validate_s3_outcome({"comparison": comparison(PASS, FAIL), "remove_staging": True})
    assert outcome["passed"] is False and outcome["removable"] == []
    assert outcome["notes"] == ["staging buckets kept: the validation failed; they hold the restored data"]
    assert outcome["message"] == ["S3 restore validation failed:", "t13: critical key a: content differs"]


def test_without_removal_asked_nothing_is_removable_and_no_note():
    outcome = validate_s3_outcome({"comparison": comparison(PASS), "remove_staging": False})
    assert (outcome["removable"], outcome["notes"]) == ([], [])


def test_each_lambda_invocation_is_a_check():
    lambda_results = {"results": [invocation("t12"), invocation("t13", status=500, output="boom"),
                                  invocation("t14", msg="Function not found"), {"skipped": True}]}
    outcome = validate_s3_outcome({"comparison": comparison(PASS), "provisioning_lambda": "tenant-provisioning", "lambda": lambda_results})
    checks = [c for c in outcome["checks"] if c["name"] == "tenant provisioning Lambda re-applied tags and policies"]
    assert [(c["target"], c["result"]) for c in checks] == [("t12", "pass"), ("t13", "fail"), ("t14", "fail")]
    assert checks[1]["summary"] == "t13: the provisioning Lambda tenant-provisioning failed: boom"
    assert checks[2]["summary"] == "t14: the provisioning Lambda tenant-provisioning failed: Function not found"
    assert checks[2]["details"] == {"function": "tenant-provisioning", "status": None, "output": None, "error": "Function not found"}
    assert outcome["passed"] is False


def test_bad_input_names_what_it_expects():
    with pytest.raises(AnsibleFilterError, match="comparison"):
        validate_s3_outcome({"lambda": {}})
