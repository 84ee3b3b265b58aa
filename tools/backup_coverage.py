# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print how much of botocore's AWS Backup model (the ``backup`` service) the emulator answers.

- botocore's (and moto's) version, and "N of M operations emulated": the emulator's own (emulator/backup.py's
  OPERATIONS) and those it passes on to moto's backup backend;
- "restore-world operations: K of R emulated": the same, leaving out the families a restore world does not touch
  (FAMILIES: audit frameworks, report plans and jobs, tiering, scan jobs, backup access points, recovery point
  indexes, plan templates), then the restore-world operations not emulated yet, each with what a client gets today;
- the families left out, with their reason and their operations.

Nothing is started and no list is kept here: each operation of the model is serialized as botocore sends it (path,
query, method) and put through the emulator's dispatch as emulator/app.py does it - first the router of the
operations emulator/backup.py implements, then moto's URL map for AWS Backup (moto/backup/urls.py) and moto's
router, which answers when moto's BackupResponse has a handler for the operation.

Run from the checkout: ``.venv/bin/python tools/backup_coverage.py`` (``--json`` prints the same as JSON).
"""

import argparse
import datetime
import json
import os
import re
import sys
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

# pylint: disable=wrong-import-position
import botocore
import moto
from botocore.awsrequest import prepare_request_dict
from botocore.serialize import create_serializer
from moto.backup.responses import BackupResponse
from moto.core.request import Request
from moto.core.utils import camelcase_to_underscores, method_names_from_class
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.exceptions import HTTPException

from emulator import backup as emulator_backup
from emulator.protocol import RestJsonService, service_model

SERVICE = "backup"
ENDPOINT = "http://127.0.0.1:5000"
REGION = "us-east-1"
AUTHORIZATION = ("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240101/%s/%s/aws4_request, SignedHeaders=host, Signature=0"
                 % (REGION, SERVICE))
SAMPLE_ARN = "arn:aws:backup:%s:%s:backup-vault:sample" % (REGION, emulator_backup.ACCOUNT_ID)

# The families a restore world does not touch: (name, reason, patterns). Each pattern is searched in the model's
# operation names and must match at least one of them (tests/unit/tools/test_backup_coverage.py), so a family
# AWS renames shows up instead of silently joining the restore world.
FAMILIES = (
    ("audit frameworks", "Backup Audit Manager compliance frameworks: auditing backups, not restoring them",
     (r"Framework",)),
    ("report plans and jobs", "Backup Audit Manager reports delivered to S3: auditing backups, not restoring them",
     (r"ReportPlan", r"ReportJob")),
    ("tiering configurations", "moving S3 backup data to a colder storage tier by age: storage cost, not restore",
     (r"TieringConfiguration",)),
    ("scan jobs", "malware scans of recovery points (GuardDuty): no scanner in a restore world",
     (r"ScanJob", r"MalwareScan")),
    ("backup access points", "read-only S3 access points on a recovery point, read without a restore",
     (r"BackupAccessPoint",)),
    ("recovery point indexes", "search indexes of recovery points (item-level search), not whole-point restores",
     (r"RecoveryPointIndex", r"IndexedRecoveryPoint")),
    ("plan templates", "backup plan templates and JSON-to-plan conversion: the roles write plans directly",
     (r"^GetBackupPlanFromJSON$", r"^GetBackupPlanFromTemplate$", r"^ExportBackupPlanTemplate$", r"^ListBackupPlanTemplates$")),
)

CLASSES = ("emulated (ours)", "emulated (moto)", "left out", "not yet emulated")


def model_operations():
    """The operation names of botocore's installed AWS Backup model, sorted."""
    return sorted(service_model(SERVICE).operation_names)


def stale_patterns(names, families=FAMILIES):
    """The (family, pattern) pairs that match none of NAMES: a family AWS renamed, or a pattern with a typo."""
    return [(family, pattern) for family, _reason, patterns in families for pattern in patterns
            if not any(re.search(pattern, name) for name in names)]


def family_of(name, families=FAMILIES):
    """The family (name, reason) an operation belongs to, or None; an operation two families claim is an error."""
    found = [(family, reason) for family, reason, patterns in families if any(re.search(p, name) for p in patterns)]
    if len(found) > 1:
        raise ValueError("%s matches more than one family: %s" % (name, ", ".join(f for f, _r in found)))
    return found[0] if found else None


def _sample(shape, name=""):
    """A value of a shape with its required members only, enough for botocore to serialize a request."""
    kind = shape.type_name
    if kind == "structure":
        return {member: _sample(shape.members[member], member) for member in shape.required_members}
    if kind == "list":
        return [_sample(shape.member, name)]
    if kind == "map":
        return {"key": _sample(shape.value, name)}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return SAMPLE_ARN if name.lower().endswith("arn") else "sample"
    if kind in ("integer", "long"):
        return 1
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return b"sample"
    raise ValueError("no sample for shape type %s" % kind)


def sample_request(operation):
    """(method, raw path, query string, body) of a request for an operation model, as botocore sends it."""
    params = _sample(operation.input_shape) if operation.input_shape is not None else {}
    serializer = create_serializer(service_model(SERVICE).metadata["protocol"], include_validation=False)
    request = serializer.serialize_to_request(params, operation)
    prepare_request_dict(request, endpoint_url=ENDPOINT)
    url = urllib.parse.urlsplit(request["url"])
    body = request["body"]
    return request["method"], url.path, url.query, body if isinstance(body, bytes) else body.encode()


class Dispatch:
    """Where the emulator sends an AWS Backup request: its own router first, else moto (emulator/app.py)."""

    def __init__(self):
        # As EmulatorApp.__init__ builds it: the router of the operations emulator/backup.py implements.
        self.ours = RestJsonService(SERVICE, list(emulator_backup.OPERATIONS))
        # EmulatorApp._backup calls BackupWorld's method of that name: an operation without one fails there.
        self.ours_handlers = {name for name, method in emulator_backup.OPERATIONS.items()
                              if callable(getattr(emulator_backup.BackupWorld, method, None))}
        self.moto_app = create_backend_app(SERVICE)
        self.moto_handlers = set(method_names_from_class(BackupResponse))

    def route(self, name):
        """What becomes of a request for operation NAME: a dict naming the router that takes it and its operation."""
        operation = service_model(SERVICE).operation_model(name)
        method, path, query, body = sample_request(operation)
        found = {"operation": name, "method": method, "path": path, "ours": None, "ours_handler": False, "moto_url": False,
                 "moto": None, "moto_handler": False}
        ours, _labels = self.ours.route(method, path, urllib.parse.parse_qs(query, keep_blank_values=True))
        if ours is not None:
            found["ours"] = ours.name
            found["ours_handler"] = ours.name in self.ours_handlers
            return found
        url = ENDPOINT + path + ("?" + query if query else "")
        request = Request.from_primitives(method, url, {"Authorization": AUTHORIZATION, "Content-Type": "application/json"}, body)
        request.environ["RAW_URI"] = path + ("?" + query if query else "")  # as werkzeug's server supplies it
        try:
            self.moto_app.url_map.bind_to_environ(request.environ).match()
            found["moto_url"] = True
        except HTTPException:
            return found
        moto_name = BackupResponse()._get_action_from_method_and_request_uri(request)  # pylint: disable=protected-access
        found["moto"] = moto_name
        found["moto_handler"] = bool(moto_name) and camelcase_to_underscores(moto_name) in self.moto_handlers
        return found


def answered_by(found):
    """"ours", "moto" or None: who answers a request for found["operation"] with that operation's handler."""
    name = found["operation"]
    if found["ours"] is not None:
        return "ours" if found["ours"] == name and found["ours_handler"] else None
    if found["moto_url"] and found["moto"] == name and found["moto_handler"]:
        return "moto"
    return None


def today(found):
    """What a client gets today for an operation nobody answers."""
    if found["ours"] == found["operation"]:
        return "500: the emulator routes it, BackupWorld has no handler"
    if found["ours"] is not None:
        return "taken by the emulator's %s" % found["ours"]
    if not found["moto_url"]:
        return "404: no route (neither the emulator's router nor moto's URL map)"
    if found["moto"] != found["operation"]:
        return "moto routes it to %s" % (found["moto"] or "no operation")
    return "500: moto's URL map takes it, moto has no handler"


def coverage(families=FAMILIES):
    """Every model operation classed (CLASSES), with counts, the families left out and what unanswered calls get."""
    dispatch = Dispatch()
    names = model_operations()
    classes = {key: [] for key in CLASSES}
    notes = {}
    family_members = {family: {"reason": reason, "left_out": [], "answered_anyway": []} for family, reason, _p in families}
    for name in names:
        found = dispatch.route(name)
        who = answered_by(found)
        family = family_of(name, families)
        if who == "ours":
            classes["emulated (ours)"].append(name)
        elif who == "moto":
            classes["emulated (moto)"].append(name)
        elif family:
            classes["left out"].append(name)
        else:
            classes["not yet emulated"].append(name)
        if who is None:
            notes[name] = today(found)
        if family and who:
            family_members[family[0]]["answered_anyway"].append(name)
        elif family:
            family_members[family[0]]["left_out"].append({"operation": name, "today": notes[name]})
    emulated = classes["emulated (ours)"] + classes["emulated (moto)"]
    restore_world = [name for name in names if family_of(name, families) is None]
    moto_model_handlers = sorted(name for name in names if camelcase_to_underscores(name) in dispatch.moto_handlers)
    return {
        "botocore": botocore.__version__,
        "moto": moto.__version__,
        "operations": len(names),
        "emulated": len(emulated),
        "classes": classes,
        "restore_world": {
            "operations": len(restore_world),
            "emulated": len([name for name in restore_world if name in emulated]),
            "not_emulated": [{"operation": name, "today": notes[name]} for name in classes["not yet emulated"]],
        },
        "left_out": [{"family": family, "reason": info["reason"], "operations": info["left_out"],
                      "answered_anyway": info["answered_anyway"]} for family, info in family_members.items()],
        # moto handlers the emulator's own take the place of, and those no request reaches (moto's URL map lacks them).
        "moto_overridden": [name for name in moto_model_handlers if name in classes["emulated (ours)"]],
        "moto_unreached": [name for name in moto_model_handlers if name not in emulated],
        "stale_family_patterns": ["%s: %s" % pair for pair in stale_patterns(names, families)],
    }


def report(found):
    """The coverage as lines of text."""
    classes = found["classes"]
    world = found["restore_world"]
    lines = ["botocore %s, moto %s: AWS Backup model" % (found["botocore"], found["moto"]),
             "%d of %d operations emulated (%d the emulator's own, %d moto's)"
             % (found["emulated"], found["operations"], len(classes["emulated (ours)"]), len(classes["emulated (moto)"])),
             "restore-world operations: %d of %d emulated" % (world["emulated"], world["operations"]),
             "",
             "restore-world operations not yet emulated (%d):" % len(world["not_emulated"])]
    lines += ["  %-40s %s" % (item["operation"], item["today"]) for item in world["not_emulated"]]
    lines += ["", "left out (%d operations in %d families):" % (len(classes["left out"]), len(found["left_out"]))]
    for family in found["left_out"]:
        lines.append("  %s (%d): %s" % (family["family"], len(family["operations"]), family["reason"]))
        lines += ["    %-38s %s" % (item["operation"], item["today"]) for item in family["operations"]]
        if family["answered_anyway"]:
            answered = ["%s (%s)" % (name, "moto" if name in classes["emulated (moto)"] else "ours") for name in family["answered_anyway"]]
            lines.append("    answered anyway: %s" % ", ".join(answered))
    lines += ["", "moto handlers the emulator's own replace: %s" % (", ".join(found["moto_overridden"]) or "none"),
              "moto handlers no request reaches: %s" % (", ".join(found["moto_unreached"]) or "none")]
    if found["stale_family_patterns"]:
        lines += ["", "family patterns matching no operation (renamed?): %s" % "; ".join(found["stale_family_patterns"])]
    for key in ("emulated (ours)", "emulated (moto)"):
        lines += ["", "%s (%d):" % (key, len(classes[key]))] + ["  %s" % name for name in classes[key]]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the coverage as JSON")
    args = parser.parse_args(argv)
    found = coverage()
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        print("\n".join(report(found)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
