# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: validate_s3_outcome
version_added: 0.1.0
short_description: The outcome of a tenant S3 restore's validation (used by the restorekit.aws.validate_s3 role)
description:
  - Gathers what the P(restorekit.aws.validate_s3#role) role's steps found into its results - the checks of
    M(restorekit.aws.s3_restore_compare_info), one check per invocation of the tenant provisioning Lambda, whether the
    restore validated, which staging buckets may be removed and which were, the notes, and the failure message.
  - A Lambda invocation passes when it answered with status 200.
  - Staging buckets are removable only when removal was asked for and nothing failed, and only those the comparison
    found tagged by this run for their production bucket.
options:
  _input:
    description:
      - A dictionary - C(comparison) (the registered result of M(restorekit.aws.s3_restore_compare_info) with
        C(restores)), C(provisioning_lambda) (the function's name, empty when not invoked), C(lambda) (the registered
        result of the M(amazon.aws.lambda_execute) loop over the restores), C(remove_staging) (bool) and C(removal) (the
        registered result of the removal loop over C(removable); omitted before it ran).
    type: dict
    required: true
seealso:
  - module: restorekit.aws.s3_restore_compare_info
    description: Compares each restored bucket with production; its result is the input's C(comparison).
"""

EXAMPLES = r"""
- name: Record the checks and whether the restore validated
  ansible.builtin.set_fact:
    validate_s3_outcome: "{{ validate_s3_steps | restorekit.aws.validate_s3_outcome }}"
  vars:
    validate_s3_steps:
      comparison: "{{ validate_s3_comparison }}"
      provisioning_lambda: "{{ validate_s3_provisioning_lambda }}"
      lambda: "{{ validate_s3_lambda }}"
      remove_staging: "{{ validate_s3_remove_staging }}"
"""

RETURN = r"""
_value:
  description:
    - C(checks) (for C(restore_report_checks)), C(passed) (no check failed), C(removable) (staging buckets to remove),
      C(removed) (staging buckets removed), C(notes) and C(message) (the failure message, a list of lines).
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.parsing.convert_bool import boolean

LAMBDA_CHECK = "tenant provisioning Lambda re-applied tags and policies"
KEPT_FAILED = "staging buckets kept: the validation failed; they hold the restored data"


def _results(registered):
    """The items of a registered loop result that ran (skipped ones left out)."""
    if not registered:
        return []
    if not isinstance(registered, dict):
        raise AnsibleFilterError("validate_s3_outcome: %r is not a registered loop result" % (registered,))
    return [item for item in registered.get("results") or [] if not item.get("skipped")]


def lambda_check(item, function):
    """One invocation of the provisioning Lambda (an item of the lambda_execute loop over the restores) as a check."""
    production = (item.get("item") or {}).get("production_bucket")
    answer = item.get("result") or {}
    error = item.get("msg")
    ok = answer.get("status") == 200 and not item.get("failed")
    return {"name": LAMBDA_CHECK, "target": production, "result": "pass" if ok else "fail",
            "summary": "%s: the provisioning Lambda %s failed: %s" % (production, function, to_text(error or answer.get("output") or "no answer")),
            "details": {"function": function, "status": answer.get("status"), "output": answer.get("output"), "error": error}}


def validate_s3_outcome(data):
    if not isinstance(data, dict) or not isinstance(data.get("comparison"), dict):
        raise AnsibleFilterError("validate_s3_outcome: expects a dictionary with comparison (the s3_restore_compare_info result), got %r"
                                 % (data,))
    comparison = data["comparison"]
    function = to_text(data.get("provisioning_lambda") or "")
    checks = list(comparison.get("checks") or [])
    if function:
        checks += [lambda_check(item, function) for item in _results(data.get("lambda"))]
    passed = not any(check.get("result") == "fail" for check in checks)
    remove_staging = boolean(data.get("remove_staging") or False, strict=False)
    restores = comparison.get("restores") or []
    removable = [r["staging_bucket"] for r in restores if r.get("staging_removable")] if remove_staging and passed else []
    removed = [to_text(item.get("item")) for item in _results(data.get("removal")) if not item.get("failed")]
    notes = []
    if remove_staging and not passed:
        notes.append(KEPT_FAILED)
    elif remove_staging:
        notes += ["removed staging bucket %s" % bucket for bucket in removed]
        notes += [r["staging_note"] for r in restores if r.get("staging_note")]
    message = ["S3 restore validation failed:"] + [check.get("summary") or check.get("name") for check in checks if check.get("result") == "fail"]
    return {"checks": checks, "passed": passed, "removable": removable, "removed": removed, "notes": notes, "message": message}


class FilterModule(object):
    """restorekit.aws validate_s3 outcome filter."""

    def filters(self):
        return {"validate_s3_outcome": validate_s3_outcome}
