# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: backup_health
version_added: 0.1.0
short_description: Compare what the backup_health role gathered with the declared backup policy
description:
  - Takes what the P(restorekit.aws.backup_health#role) role read (M(restorekit.aws.backup_health_info)) and the role's settings,
    and returns the findings, a verdict per subject, the report's checks and the message for the monitoring topic.
  - "Jobs - every backup or copy job of M(restorekit.aws.backup_job_info)'s C(problems) is a C(backup_job) or
    C(copy_job) finding on its resource."
  - "Resources - every DB instance, bucket and EC2 instance tagged with the backup tag: C(recovery_point_missing)
    when it has no completed recovery point, C(recovery_point_stale) when M(restorekit.aws.backup_job_info) found its
    newest one older than the RPO; for a DB instance, C(rds_backup_retention) and C(rds_backup_window) against the
    native backup policy."
  - "Plan - C(plan_missing); per policy rule C(rule_missing), C(rule_schedule), C(rule_vault), C(rule_retention),
    C(rule_cold_storage), C(rule_copy); C(selection_missing) when no selection selects by the backup tag."
  - "Vault - C(vault_missing), C(vault_encryption) when the policy wants a customer-managed KMS key and the vault's is not."
  - A skipped or failed lookup counts as "nothing found" (a missing vault or plan is a finding, not an error).
  - Numbers in the settings may be strings (V("26")), as C(-e) and AWX surveys pass them.
author:
  - restorekit contributors (@restorekit)
options:
  _input:
    description:
      - What M(restorekit.aws.backup_health_info) returns as C(gathered) - C(caller), C(jobs), C(plan), C(selections),
        C(vault), C(key), C(rds), C(s3) and C(ec2), each in the shape of the amazon.aws info module of that read
        (M(amazon.aws.aws_caller_info), M(amazon.aws.backup_plan_info), M(amazon.aws.backup_selection_info),
        M(amazon.aws.backup_vault_info), M(amazon.aws.kms_key_info), M(amazon.aws.rds_instance_info),
        M(amazon.aws.s3_bucket_info) with bucket tagging, M(amazon.aws.ec2_instance_info) filtered by the backup tag),
        so the registered results of those modules may be given instead.
    type: dict
    required: true
  settings:
    description:
      - The role's variables without their C(backup_health_) prefix - C(project_name), C(environment),
        C(backup_vault_name), C(backup_plan_name), C(since), C(until), C(rpo_hours), C(tag_key), C(tag_value),
        C(resource_types), C(policy) and C(sns_topic_arn).
      - Checked as the role's first task (M(restorekit.aws.check_inputs)) checks them; a bad one is an error naming it.
    type: dict
    required: true
seealso:
  - module: restorekit.aws.backup_health_info
    description: Reads, in one run, everything the evaluation compares.
"""

EXAMPLES = r"""
- name: Compare what was gathered with the policy
  ansible.builtin.set_fact:
    backup_health_findings: "{{ backup_health_evaluation.findings }}"
    backup_health_message: "{{ backup_health_evaluation.message }}"
  vars:
    backup_health_evaluation: "{{ backup_health_gathered | restorekit.aws.backup_health(backup_health_settings) }}"
    backup_health_gathered: "{{ backup_health_read.gathered }}"
"""

RETURN = r"""
_value:
  description: The evaluation.
  type: dict
  contains:
    findings:
      description:
        - One per deviation, in this order - jobs, resources (by ARN), the plan and its rules, the vault.
        - Each C({kind, subject, expected, actual, fix}) - what is wrong, what the policy wants, the command or
          Terraform change that fixes it.
      type: list
      elements: dict
    verdicts:
      description:
        - One per subject - every tagged resource (and any other resource a failed job names), the plan, each policy
          rule (none when the plan is missing) and the vault.
        - Each C({subject, subject_type, verdict, findings}); C(subject_type) is C(resource), C(plan), C(rule) or
          C(vault), C(verdict) is C(pass) or C(fail).
      type: list
      elements: dict
    checks:
      description: The verdicts as the restore_report role's C(restore_report_checks) - one failing check per finding
        (the finding in C(details)), one passing check per healthy subject.
      type: list
      elements: dict
    message:
      description: The text for the monitoring topic and the play's output - a summary line, then each finding with its fix.
      type: str
    resources:
      description: The tagged resources found, C({resource_arn, resource_type, name}) (and, for a DB instance, its
        C(backup_retention_period) and C(preferred_backup_window)), by ARN.
      type: list
      elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._backup.health import evaluate
from ansible_collections.restorekit.aws.plugins.module_utils._inputs import InputError


def backup_health(gathered, settings):
    if not isinstance(gathered, dict) or not isinstance(settings, dict):
        raise AnsibleFilterError("backup_health: expects the gathered results (a dictionary) and the role's settings (a dictionary)")
    try:
        return evaluate(gathered, settings)
    except InputError as e:
        raise AnsibleFilterError("backup_health: %s" % e.message) from None


class FilterModule(object):
    """restorekit.aws backup health evaluation filter."""

    def filters(self):
        return {"backup_health": backup_health}
