# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of an EC2 relaunch (runbook 7, ``ec2_restore_method: relaunch``), made by the
``restorekit.aws.ec2_relaunch`` module (``relaunch.py`` reads and changes): whether the group can be relaunched
(``group_problem``), the group's current launch template version without any version's user data (``current``),
whether a new version and an instance refresh are needed (``plan``), what the responder reads before anything changes
(``show``), the version the group runs (``version``) and the role's result (``result``)."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean


class PlanError(ValueError):
    """Data a step cannot use; the message names it."""


def group_problem(group_info, group_name, prefix="ec2_restore_"):
    """Why the group cannot be relaunched: it does not exist, or it has no launch template. '' when it can. Messages
    name the options with PREFIX (the role's variables by default)."""
    groups = (group_info or {}).get("results") or []
    if len(groups) != 1:
        return "Autoscaling group %sgroup_name=%s does not exist (in this account and region)." % (prefix, group_name)
    if not (groups[0].get("launch_template") or {}).get("launch_template_id"):
        return ("Autoscaling group %sgroup_name=%s does not use a launch template (it uses a launch configuration or a mixed "
                "instances policy): a relaunch creates a new launch template version, so move the group to a launch template first."
                % (prefix, group_name))
    return ""


def current(group, template):
    """The group's launch template and the version it runs ($Latest, $Default or a number), with each version's AMI and
    instance type - never a version's user data, which an earlier relaunch may have filled with secrets."""
    wanted = str((group.get("launch_template") or {}).get("version") or "")
    if wanted in ("$Latest", ""):
        number = template.get("latest_version_number")
    elif wanted == "$Default":
        number = template.get("default_version_number")
    else:
        number = wanted
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise PlanError("the group runs launch template version %r, which is not a number" % (wanted,)) from None
    versions = {int(v["version_number"]): v.get("launch_template_data") or {} for v in template.get("versions") or []}
    if number not in versions:
        raise PlanError("the group runs launch template version %d, which the template does not have (versions: %s)"
                        % (number, ", ".join(str(n) for n in sorted(versions))))
    return {"launch_template_id": template.get("launch_template_id"), "launch_template_name": template.get("launch_template_name"),
            "latest_version": int(template.get("latest_version_number") or 0), "default_version": int(template.get("default_version_number") or 0),
            "version": number, "image_id": versions[number].get("image_id"), "instance_type": versions[number].get("instance_type") or "",
            "images": {str(n): data.get("image_id") for n, data in versions.items()}, "version_numbers": sorted(versions),
            "group_version": wanted, "desired_capacity": group.get("desired_capacity"),
            "instances": [member.get("instance_id") for member in group.get("instances") or []]}


def plan(now, point_image="", rollback_to="", instance_type="", user_data_template="", members_before=None, prefix="ec2_restore_"):
    """{target_image, new_version, refresh, images_before}: a new version when the current one lacks the point's AMI, the
    instance type asked for, or new user data; a refresh when there is a new version, a rollback to another version, or
    an instance that does not run the target AMI."""
    rollback_to = str(rollback_to or "")
    if rollback_to:
        if int(rollback_to) not in now["version_numbers"]:
            raise PlanError("%srollback_to_version=%s is not a version of launch template %s (versions: %s)"
                            % (prefix, rollback_to, now["launch_template_name"], ", ".join(str(n) for n in now["version_numbers"])))
        target_image = now["images"][str(int(rollback_to))]
        new_version = False
    else:
        target_image = point_image
        new_version = (now["image_id"] != point_image or bool(instance_type and now["instance_type"] != instance_type)
                       or bool(user_data_template))
    images_before = []
    for instance in (members_before or {}).get("instances") or []:
        if instance.get("image_id") not in images_before:
            images_before.append(instance.get("image_id"))
    refresh = new_version or bool(rollback_to and int(rollback_to) != now["version"]) or images_before != [target_image]
    return {"target_image": target_image, "new_version": new_version, "refresh": refresh, "images_before": images_before}


def show(now, relaunch, group_name, point=None, rollback_to="", instance_type="", user_data_template="", min_healthy_percentage=90,
         check_mode=False):
    """What the responder reads before anything changes."""
    target = relaunch["target_image"]
    if relaunch["new_version"]:
        change = "New version: %d from version %d with AMI %s%s%s" % (
            now["latest_version"] + 1, now["version"], target, (", instance type %s" % instance_type) if instance_type else "",
            ", new user data" if user_data_template else "")
    elif rollback_to:
        change = "Rollback: the group goes back to version %s with AMI %s" % (rollback_to, target)
    else:
        change = "No new version: the current one already has AMI %s" % target
    refresh = ("Instance refresh: every instance replaced, at least %s%% of %s kept in service" % (min_healthy_percentage, now["desired_capacity"])
               if relaunch["refresh"] else "No instance refresh: every instance already runs %s" % target)
    return ["Autoscaling group: %s (%s desired, %d now)" % (group_name, now["desired_capacity"], len(now["instances"])),
            "Launch template: %s (%s)" % (now["launch_template_name"], now["launch_template_id"]),
            "Current version: %d with AMI %s (kept, for rollback)" % (now["version"], now["image_id"]),
            change,
            "Recovery point: %s" % ((point or {}).get("recovery_point_arn") or "none (rollback)"),
            refresh,
            "Check mode: nothing is changed." if boolean(check_mode, strict=False) else "Applying."]


def version(now, relaunch, template_after=None, rollback_to="", check_mode=False):
    """{number, point_group}: the version the group runs from now on (the new one, the rollback's, or the current one),
    and whether the group must be pointed at it."""
    if relaunch["new_version"] and not boolean(check_mode, strict=False):
        number = int(((template_after or {}).get("launch_templates") or [{}])[0].get("latest_version_number"))
    elif rollback_to:
        number = int(rollback_to)
    else:
        number = now["version"]
    return {"number": number, "point_group": number != now["version"] or now["group_version"] != str(number)}


def result(now, relaunch, group_name, target_version, point=None, rollback_to="", refresh=None, members_after=None, check_mode=False):
    """ec2_restore_result of a relaunch."""
    after = (members_after or {}).get("instances") or []
    images = []
    for instance in after:
        if instance.get("image_id") not in images:
            images.append(instance.get("image_id"))
    return {"method": "relaunch", "group_name": group_name, "launch_template_id": now["launch_template_id"],
            "launch_template_name": now["launch_template_name"], "previous_version": now["version"], "version": int(target_version),
            "image_id": relaunch["target_image"], "recovery_point": point or {}, "rollback": bool(str(rollback_to or "")),
            "instance_refresh": refresh or {}, "instances_before": list(now["instances"]),
            "instances": [instance.get("instance_id") for instance in after], "images": images,
            "check_mode": boolean(check_mode, strict=False)}
