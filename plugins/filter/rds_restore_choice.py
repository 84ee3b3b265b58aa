# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rds_restore_choice
version_added: 0.1.0
short_description: Choose native point-in-time restore or the AWS Backup recovery point for an RDS restore
description:
  - Takes the result of M(restorekit.aws.rds_restore_info) and the responder's method and target time, and returns
    how the database is restored and why, as the P(restorekit.aws.rds_restore#role) role reads it.
  - With a target time inside the native automated-backup window and finer than the newest recovery point at or
    before it, native point-in-time restore (from the live source, or from its retained automated backups when the
    source is gone); otherwise the AWS Backup recovery point. With no target time, the newest recovery point, as the
    runbook restores.
  - The data time keeps its fractions of a second; it is the recovery point's exact creation date, or the exact
    native restore time.
author:
  - restorekit contributors (@restorekit)
options:
  _input:
    description: The registered result of M(restorekit.aws.rds_restore_info).
    type: dict
    required: true
  method:
    description: C(auto), C(native) or C(backup).
    type: str
    default: auto
  target_time:
    description: The time to restore to, ISO 8601 with an offset; empty for the newest recovery point.
    type: str
    default: ""
  source_identifier:
    description: The source DB instance identifier, for the messages.
    type: str
    required: true
  vault:
    description: The backup vault searched, for the messages.
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Choose how to restore
  ansible.builtin.set_fact:
    rds_restore_choice: >-
      {{ rds_restore_info | restorekit.aws.rds_restore_choice(method='auto', target_time='2026-11-20T14:30:00Z',
                                                              source_identifier='app-prod-db', vault='app-prod-backup-vault') }}
"""

RETURN = r"""
_value:
  description: The choice.
  type: dict
  contains:
    method:
      description: C(native), C(backup) or C(none).
      type: str
    reason:
      description: Why, in words a responder reads.
      type: str
    data_time:
      description: What time the restored data is as of (ISO 8601, exact); empty when nothing can be restored.
      type: str
    restored_from:
      description: The C(restorekit:restored-from) tag value a re-run adopts the restored instance by.
      type: str
    window:
      description: The native automated-backup window, as text, or C(none).
      type: str
    error:
      description: Why nothing can be restored; empty when a restore can go ahead.
      type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._rds.choice import ChoiceError, choose


def rds_restore_choice(info, source_identifier, method="auto", target_time="", vault=""):
    info = info or {}
    source = info.get("source") or {}
    retained = {} if source else (info.get("retained_automated_backup") or {})
    try:
        return choose(method, target_time, source, retained, info.get("recovery_point") or {}, source_identifier, vault)
    except ChoiceError as e:
        raise AnsibleFilterError(e.message) from None


class FilterModule:
    def filters(self):
        return {"rds_restore_choice": rds_restore_choice}
