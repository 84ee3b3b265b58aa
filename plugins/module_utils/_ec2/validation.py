# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a restored or relaunched EC2 fleet (runbook 7, "instances rejoin the ASG"), as the validate_ec2 role
records them for the restore report: from what the role read - the group, its instances' status checks, their target
health and the HTTP health check - one check per question and instance, each ``{name, target, result, summary,
details}``. Reading is the role's (amazon.aws modules and restorekit.aws.ec2_instance_status_info); deciding is here."""

from __future__ import annotations


def _check(name, target, ok, summary, details):
    return {"name": name, "target": target, "result": "pass" if ok else "fail", "summary": summary, "details": details}


def _by(items, key, value):
    return next((item for item in items if isinstance(item, dict) and item.get(key) == value), {})


def group_check(group_name, group, instance_ids):
    """Does the group have its desired capacity InService (and anything to validate at all)?"""
    members = group.get("instances") or []
    desired = int(group.get("desired_capacity") or 0)
    in_service = [m.get("instance_id") for m in members if m.get("lifecycle_state") == "InService"]
    others = ["%s %s" % (m.get("instance_id"), m.get("lifecycle_state")) for m in members if m.get("lifecycle_state") != "InService"]
    summary = "%s: %d of %d desired instance(s) InService%s" % (group_name, len(in_service), desired,
                                                                " (%s)" % ", ".join(others) if others else "")
    return _check("autoscaling group has its desired capacity InService", group_name,
                  len(in_service) >= desired and len(instance_ids) > 0, summary,
                  {"desired_capacity": desired, "in_service": in_service,
                   "instances": ["%s: %s" % (m.get("instance_id"), m.get("lifecycle_state")) for m in members]})


def instance_checks(instance_id, status, instance, member, group_name, expected_image_id, target_groups, rounds):
    """Status checks, the AMI (when one is expected), group membership (when in a group) and every target group's health."""
    state, system, own = status.get("state") or "missing", status.get("system_status"), status.get("instance_status")
    checks = [_check("instance running and passing its status checks", instance_id, bool(status.get("passed")),
                     "%s: %s, system status %s, instance status %s" % (instance_id, state, system or "not read", own or "not read"),
                     {"state": state, "system_status": system, "instance_status": own, "checks": status.get("details") or [],
                      "events": status.get("events") or [], "rounds": int(rounds or 0)})]
    if expected_image_id:
        image = instance.get("image_id")
        checks.append(_check("instance runs the restored AMI " + expected_image_id, instance_id, (image or "") == expected_image_id,
                             "%s: runs %s, not %s" % (instance_id, image or "no AMI (not found)", expected_image_id), {"image_id": image}))
    if group_name:
        lifecycle, health = member.get("lifecycle_state"), member.get("health_status")
        checks.append(_check("InService in autoscaling group " + group_name, instance_id,
                             lifecycle == "InService" and health == "Healthy",
                             "%s: %s in autoscaling group %s" % (instance_id, "%s, %s" % (lifecycle, health) if member else "not a member", group_name),
                             {"lifecycle_state": lifecycle, "health_status": health}))
    for group in target_groups:
        target = next((t for t in group.get("targets_health_description") or []
                       if (t.get("target") or {}).get("id") == instance_id), {})
        health = target.get("target_health") or {}
        state = health.get("state") or "not registered"
        why = ": ".join(part for part in (health.get("reason"), health.get("description")) if part)
        name = group.get("target_group_name")
        checks.append(_check("healthy in target group %s" % name, instance_id, health.get("state") == "healthy",
                             "%s is %s in target group %s%s" % (instance_id, state, name, " (%s)" % why if why else ""),
                             {"target_group_arn": group.get("target_group_arn"), "state": state, "reason": health.get("reason"),
                              "description": health.get("description"), "port": (target.get("target") or {}).get("port")}))
    return checks


def http_check(call, url, expected_codes):
    """One call of the HTTP health check (an item of the role's uri loop): the expected status, or a failure."""
    target = (call.get("item") or {}).get("instance_id") or call.get("url") or url
    status = call.get("status")
    ok = not call.get("failed") and (status if status is not None else -1) in expected_codes
    reason = " (%s)" % call["msg"] if call.get("msg") and not ok else ""
    return _check("HTTP health check", target, ok,
                  "%s: %s answered %s%s, expected %s" % (target, call.get("url") or url, "nothing" if status is None else status,
                                                         reason, " or ".join(str(code) for code in expected_codes)),
                  {"url": call.get("url"), "status": status, "elapsed": call.get("elapsed"), "expected": list(expected_codes)})


def checks(read):
    """Every check, from what the role READ: ``instance_ids``, ``instances`` (ec2_instance_info), ``statuses``
    (ec2_instance_status_info), ``group_name`` and ``group`` (autoscaling_group_info's result, or empty),
    ``target_groups`` (elb_target_group_info with health), ``http`` (the uri loop's results), ``http_url``,
    ``http_status_codes``, ``expected_image_id`` and ``rounds`` (status polls made)."""
    instance_ids = list(read.get("instance_ids") or [])
    group_name = read.get("group_name") or ""
    group = ((read.get("groups") or [{}])[0] or {}) if group_name else {}
    members = group.get("instances") or []
    found = []
    if group_name:
        found.append(group_check(group_name, group, instance_ids))
    for instance_id in instance_ids:
        found.extend(instance_checks(instance_id, _by(read.get("statuses") or [], "instance_id", instance_id),
                                     _by(read.get("instances") or [], "instance_id", instance_id),
                                     _by(members, "instance_id", instance_id), group_name, read.get("expected_image_id") or "",
                                     read.get("target_groups") or [], read.get("rounds")))
    for call in read.get("http") or []:
        if "skipped" not in call:
            found.append(http_check(call, read.get("http_url") or "", read.get("http_status_codes") or []))
    if not instance_ids:
        found.append(_check("instances to validate", group_name, False, "%s: the group has no instances" % group_name, {}))
    return found


def round_passed(read):
    """Whether one round of reads shows every instance passing: its status checks, InService and Healthy in the group
    (when there is one), healthy in every target group. The HTTP check and the AMI are checked once, after the rounds."""
    instance_ids = list(read.get("instance_ids") or [])
    statuses = read.get("statuses") or []
    if any(not status.get("passed") for status in statuses):
        return False
    if read.get("group_name"):
        group = (read.get("groups") or [{}])[0] or {}
        ready = {m.get("instance_id") for m in group.get("instances") or []
                 if m.get("lifecycle_state") == "InService" and m.get("health_status") == "Healthy"}
        if any(instance_id not in ready for instance_id in instance_ids):
            return False
    for target_group in read.get("target_groups") or []:
        healthy = {(t.get("target") or {}).get("id") for t in target_group.get("targets_health_description") or []
                   if (t.get("target_health") or {}).get("state") == "healthy"}
        if any(instance_id not in healthy for instance_id in instance_ids):
            return False
    return True


def round_line(read):
    """What the responder reads of a round that did not pass: each instance's state and instance status."""
    return ", ".join("%s %s %s" % (s.get("instance_id"), s.get("state"), s.get("instance_status")) for s in read.get("statuses") or [])


def outcome(read):
    """{checks, passed, message}: every check, whether none failed, and the failure message naming each failed check."""
    found = checks(read)
    failed = [check for check in found if check["result"] == "fail"]
    return {"checks": found, "passed": not failed, "message": ["EC2 restore validation failed:"] + [check["summary"] for check in failed]}
