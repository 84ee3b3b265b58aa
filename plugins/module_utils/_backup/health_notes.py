# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What backup health tells a responder beyond the policy's findings: facts of AWS Backup that change what a restore,
a drill's cleanup or a lifecycle can do, each ``{kind, subject, detail, result}``.

- ``cold_storage_applies`` / ``cold_storage_not_applicable``: for each plan rule that moves points to cold storage,
  each resource type the plan protects, and whether AWS Backup moves that type to cold storage at all (features.py).
- ``vault_locked``: the vault's Vault Lock (its retention bounds; no point deleted before its lifecycle ends).
- ``legal_hold``: each legal hold in force and the recovery points it holds (they cannot be deleted).

Pure functions over what the role gathered (amazon.aws's backup_plan_info and backup_vault_info, restorekit's
backup_job_info with legal_holds); no AWS, no Ansible.
"""

from __future__ import annotations

from ansible_collections.restorekit.aws.plugins.module_utils._backup import features
from ansible_collections.restorekit.aws.plugins.module_utils._backup import jobs_health

TYPE_NAMES = {"RDS": "the database", "S3": "the tenant buckets", "EC2": "the app servers"}


def _days(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def note(kind, subject, detail, result="warn"):
    return {"kind": kind, "subject": subject, "detail": detail, "result": result}


def cold_storage(plan, plan_name, resources):
    """Per rule with MoveToColdStorageAfterDays and per protected type: whether the setting applies (AWS's table)."""
    by_type = {}
    for resource in resources:
        by_type.setdefault(resource["resource_type"], []).append(str(resource.get("name") or resource["resource_arn"]))
    out = []
    for rule in (plan or {}).get("rules") or []:
        lifecycle = rule.get("lifecycle") or {}
        cold = _days(lifecycle.get("move_to_cold_storage_after_days"))
        if cold <= 0:
            continue
        subject = "%s/%s" % (plan_name, rule.get("rule_name"))
        kept = _days(lifecycle.get("delete_after_days"))
        for resource_type in sorted(by_type):
            names = "%s (%s)" % (TYPE_NAMES.get(resource_type, resource_type), ", ".join(sorted(by_type[resource_type])))
            if features.moves_to_cold_storage(resource_type):
                out.append(note("cold_storage_applies", subject, "cold storage after %d days applies to %s %s: AWS Backup moves %s recovery "
                                "points to cold storage (%s)" % (cold, resource_type, names, resource_type, features.COLD_STORAGE_PAGE),
                                result="pass"))
            else:
                out.append(note("cold_storage_not_applicable", subject,
                                "cold storage after %d days does not apply to %s %s: AWS Backup does not move %s recovery points to cold "
                                "storage (%s); they stay in warm storage%s. Leave the setting (it changes nothing for them) or drop it "
                                "from the rule so the plan says what happens" % (
                                    cold, resource_type, names, resource_type, features.COLD_STORAGE_PAGE,
                                    " until deleted after %d days" % kept if kept else "")))
    return out


def vault_lock(vault):
    """The vault's Vault Lock, when it has one: what it forbids."""
    if not vault or not vault.get("locked"):
        return []
    bounds = []
    if vault.get("min_retention_days") is not None:
        bounds.append("at least %s days" % vault["min_retention_days"])
    if vault.get("max_retention_days") is not None:
        bounds.append("at most %s days" % vault["max_retention_days"])
    mode = ("compliance mode, immutable since %s" % vault["lock_date"]) if vault.get("lock_date") else "governance mode (or compliance within its grace time)"
    return [note("vault_locked", vault.get("backup_vault_name"),
                 "vault %s is locked (%s): no recovery point in it can be deleted before its lifecycle ends, and its retention must be %s; "
                 "a drill's cleanup leaves such points alone" % (vault.get("backup_vault_name"), mode, " and ".join(bounds) or "as locked"))]


def legal_holds(holds):
    """Each legal hold in force (CREATING, ACTIVE or CANCELING) with the points it holds (backup_job_info legal_holds)."""
    out = []
    for hold in holds or []:
        if hold.get("status") not in jobs_health.HOLDS_IN_FORCE:
            continue
        points = hold.get("recovery_points") or []
        resources = sorted(set(str(point.get("resource_arn")) for point in points))
        out.append(note("legal_hold", hold.get("legal_hold_id"),
                        "legal hold %r (%s, %s) holds %d recovery point(s)%s: they cannot be deleted (by a lifecycle, a drill's cleanup or a "
                        "person) until the hold is cancelled; restoring from them is not affected" % (
                            hold.get("title"), hold.get("legal_hold_id"), hold.get("status"), len(points),
                            " of %s" % ", ".join(resources) if resources else "")))
    return out


def checks(notes):
    """The notes as restore report checks."""
    return [{"name": "backup health: " + item["kind"], "target": item["subject"], "result": item["result"], "details": item["detail"]}
            for item in notes]


def lines(notes):
    """The notes as lines of the health message."""
    return ["- note %s %s: %s" % (item["kind"], item["subject"], item["detail"]) for item in notes]
