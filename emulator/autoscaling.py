"""Auto Scaling instance refresh and ELBv2 target health, which moto lacks or answers as constants.

Instance refresh (query protocol): `StartInstanceRefresh`, `DescribeInstanceRefreshes`, `CancelInstanceRefresh`.
A refresh really replaces the group's instances, in a background thread, through moto's own Auto Scaling
backend: a replacement is launched from the group's current launch template version (so from its AMI), stays
`Pending` while it warms up, then turns `InService`, and an old instance is terminated and deregistered from the
group's target groups. Batches never take the count of InService instances below `MinHealthyPercentage` of the
desired capacity: when there is room above that floor, old instances go first (as AWS does without
`MaxHealthyPercentage`); when there is none, a replacement is launched first. Each change of the InService count
is recorded, so a test can assert the floor from `GET /_restorekit/instance-refresh`.

The warm-up is `warmup_seconds` of real time (default 1, set with `POST /_restorekit/instance-refresh/warmup`),
not the requested `InstanceWarmup`, which AWS measures in minutes.

Target health: `DescribeTargetHealth` reports moto's registrations with the health a test set through
`POST /_restorekit/target-health` (`{"target_group_arn", "instance_id", "state", "reason", "description"}`);
moto alone reports every registered target healthy.

`CreateLaunchTemplateVersion` with `SourceVersion`: moto keeps only the data sent; AWS inherits the source
version's data. `after_create_launch_template_version` merges the source into the stored version (the response
body still shows only the data sent). It also stores the version's `UserData` as moto's `Base64EncodedString`: moto's
query parser keeps it a plain string, on which moto's own Auto Scaling launch (and so an instance refresh) fails.
"""

import datetime
import math
import threading
import time
import uuid
from xml.sax.saxutils import escape

import botocore.parsers
from moto.autoscaling.models import autoscaling_backends
from moto.core.types import Base64EncodedString
from moto.ec2.models import ec2_backends
from moto.ec2.utils import convert_tag_spec
from moto.elbv2.models import elbv2_backends

from . import query as query_protocol
from . import shapes
from .protocol import service_model

AUTOSCALING_XMLNS = "http://autoscaling.amazonaws.com/doc/2011-01-01/"
ELBV2_XMLNS = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
OPERATIONS = ("StartInstanceRefresh", "DescribeInstanceRefreshes", "CancelInstanceRefresh", "DisableMetricsCollection")
ACTIVE = ("Pending", "InProgress", "Cancelling")


class QueryError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _now():
    return datetime.datetime.now(tz=datetime.timezone.utc)


def _iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if when else None


def action(body, query):
    """The Action of a query-protocol request (ELB v1 and v2 share one SigV4 service name)."""
    return query_protocol.form(body, query).get("Action")


def _error(xmlns, err):
    return query_protocol.error(xmlns, err.code, err.message, err.status)


def _reply_empty(operation, xmlns):
    """An operation without output: only its ResponseMetadata, as the query protocol answers it."""
    body = ("<%sResponse xmlns=\"%s\"><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>"
            % (operation, xmlns, uuid.uuid4(), operation)).encode()
    return 200, {"Content-Type": "text/xml"}, body


def _reply(service, operation, xmlns, result_xml):
    """(status, headers, body) of a query-protocol response, checked against botocore's output shape first."""
    body = ("<%sResponse xmlns=\"%s\"><%sResult>%s</%sResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%sResponse>"
            % (operation, xmlns, operation, result_xml, operation, uuid.uuid4(), operation)).encode()
    op_model = service_model(service).operation_model(operation)
    parsed = botocore.parsers.QueryParser(timestamp_parser=str).parse({"body": body, "headers": {}, "status_code": 200}, op_model.output_shape)
    parsed.pop("ResponseMetadata", None)
    problems = shapes.validate_output(service, operation, parsed)
    if problems:
        return _error(xmlns, QueryError("EmulatorShapeError", "; ".join(problems), 500))
    return 200, {"Content-Type": "text/xml"}, body


def _tag(name, value):
    return "" if value is None else "<%s>%s</%s>" % (name, escape(str(value)), name)


class Refresh:
    """One instance refresh: its request, its progress and the InService count it saw."""

    def __init__(self, region, group_name, preferences, strategy):
        self.id = str(uuid.uuid4())
        self.region = region
        self.group_name = group_name
        self.preferences = preferences
        self.strategy = strategy
        self.status = "Pending"
        self.status_reason = None
        self.start_time = _now()
        self.end_time = None
        self.instances_to_update = 0
        self.total = 0
        self.replaced = []  # [(old instance id, new instance id)]
        self.history = []
        self.cancel = False

    @property
    def percentage(self):
        if self.total == 0:
            return 100 if self.status == "Successful" else 0
        return int(100 * len(self.replaced) / self.total)

    def xml(self):
        prefs = "".join(_tag(k, self.preferences.get(k)) for k in ("MinHealthyPercentage", "MaxHealthyPercentage", "InstanceWarmup"))
        prefs += _tag("SkipMatching", "false")
        return ("<member>%s%s%s%s%s%s%s%s<Preferences>%s</Preferences>%s</member>"
                % (_tag("InstanceRefreshId", self.id), _tag("AutoScalingGroupName", self.group_name), _tag("Status", self.status),
                   _tag("StatusReason", self.status_reason), _tag("StartTime", _iso(self.start_time)), _tag("EndTime", _iso(self.end_time)),
                   _tag("PercentageComplete", self.percentage), _tag("InstancesToUpdate", self.instances_to_update), prefs,
                   _tag("Strategy", self.strategy)))

    def record(self, group, event):
        self.history.append({"time": _now().isoformat(), "event": event, "desired": group.desired_capacity,
                             "in_service": sum(1 for s in group.instance_states if s.lifecycle_state == "InService"),
                             "instances": {s.instance.id: s.lifecycle_state for s in group.instance_states}})

    def as_dict(self):
        return {"id": self.id, "region": self.region, "group": self.group_name, "status": self.status, "status_reason": self.status_reason,
                "preferences": self.preferences, "percentage_complete": self.percentage, "replaced": self.replaced, "history": self.history}


class InstanceRefreshes:
    """Instance refreshes of every group, target health overrides, and the merge moto's launch templates miss."""

    def __init__(self, account_id):
        self.account_id = account_id
        self.lock = threading.RLock()
        self.refreshes = []
        self.warmup_seconds = 1.0
        self.target_health = {}  # (target group ARN, instance id) -> (state, reason, description)

    # ------------------------------------------------------------------ routing
    def handle(self, region, operation, body, query):
        form = query_protocol.form(body, query)
        try:
            if operation == "DisableMetricsCollection":
                # moto has EnableMetricsCollection but not its twin, which amazon.aws.autoscaling_group calls.
                group = self._group(region, form.get("AutoScalingGroupName"))
                named = query_protocol.members(form, "Metrics")
                group.metrics = [m for m in group.metrics if named and m not in named]
                return _reply_empty(operation, AUTOSCALING_XMLNS)
            if operation == "StartInstanceRefresh":
                result = "<InstanceRefreshId>%s</InstanceRefreshId>" % self.start(region, form)
            elif operation == "CancelInstanceRefresh":
                result = "<InstanceRefreshId>%s</InstanceRefreshId>" % self.cancel(region, form)
            else:
                result = self.describe(region, form)
        except QueryError as err:
            return _error(AUTOSCALING_XMLNS, err)
        return _reply("autoscaling", operation, AUTOSCALING_XMLNS, result)

    def _group(self, region, name):
        group = autoscaling_backends[self.account_id][region].autoscaling_groups.get(name or "")
        if group is None:
            raise QueryError("ValidationError", "AutoScalingGroup name not found - %s" % name)
        return group

    # ------------------------------------------------------------------ operations
    def start(self, region, form):
        name = form.get("AutoScalingGroupName")
        group = self._group(region, name)
        with self.lock:
            if any(r.region == region and r.group_name == name and r.status in ACTIVE for r in self.refreshes):
                raise QueryError("InstanceRefreshInProgress", "An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.")
            preferences = {}
            for key, low, high in (("MinHealthyPercentage", 0, 100), ("MaxHealthyPercentage", 100, 200), ("InstanceWarmup", 0, None)):
                raw = form.get("Preferences.%s" % key)
                if raw is None:
                    continue
                value = int(raw)
                if value < low or (high is not None and value > high):
                    raise QueryError("ValidationError", "%s must be between %s and %s; got %s" % (key, low, high, value))
                preferences[key] = value
            preferences.setdefault("MinHealthyPercentage", 90)
            if "MaxHealthyPercentage" in preferences and preferences["MaxHealthyPercentage"] - preferences["MinHealthyPercentage"] > 100:
                raise QueryError("ValidationError", "The difference between MaxHealthyPercentage and MinHealthyPercentage cannot be greater than 100.")
            refresh = Refresh(region, name, preferences, form.get("Strategy", "Rolling"))
            refresh.record(group, "start")
            self.refreshes.append(refresh)
        threading.Thread(target=self._run, args=(refresh,), daemon=True, name="instance-refresh-%s" % refresh.id).start()
        return refresh.id

    def cancel(self, region, form):
        name = form.get("AutoScalingGroupName")
        self._group(region, name)
        with self.lock:
            active = [r for r in self.refreshes if r.region == region and r.group_name == name and r.status in ("Pending", "InProgress")]
            if not active:
                raise QueryError("ActiveInstanceRefreshNotFound", "No in progress or pending Instance Refresh found for Auto Scaling group %s" % name)
            active[0].cancel = True
            active[0].status = "Cancelling"
            return active[0].id

    def describe(self, region, form):
        name = form.get("AutoScalingGroupName")
        self._group(region, name)
        wanted = query_protocol.members(form, "InstanceRefreshIds")
        with self.lock:
            found = [r for r in self.refreshes if r.region == region and r.group_name == name and (not wanted or r.id in wanted)]
            # Newest first, as AWS lists them.
            found.sort(key=lambda r: r.start_time, reverse=True)
            return "<InstanceRefreshes>%s</InstanceRefreshes>" % "".join(r.xml() for r in found)

    # ------------------------------------------------------------------ the replacement itself
    def _run(self, refresh):
        try:
            self._replace(refresh)
        except Exception as exc:  # pylint: disable=broad-except
            with self.lock:
                refresh.status = "Failed"
                refresh.status_reason = "Emulator error while replacing instances: %s" % exc
                refresh.end_time = _now()

    def _replace(self, refresh):
        backend = autoscaling_backends[self.account_id][refresh.region]
        group = backend.autoscaling_groups[refresh.group_name]
        with self.lock:
            old = [s.instance.id for s in group.instance_states]
            refresh.total = refresh.instances_to_update = len(old)
            refresh.status = "InProgress"
        while True:
            with self.lock:
                remaining = [s for s in group.instance_states if s.instance.id in old]
                if refresh.cancel or not remaining:
                    refresh.status = "Cancelled" if refresh.cancel else "Successful"
                    refresh.status_reason = "Cancelled by request." if refresh.cancel else None
                    refresh.end_time = _now()
                    refresh.record(group, refresh.status.lower())
                    return
                desired = group.desired_capacity or 0
                floor = math.ceil(desired * refresh.preferences["MinHealthyPercentage"] / 100.0)
                in_service = sum(1 for s in group.instance_states if s.lifecycle_state == "InService")
                room = in_service - floor
                if room >= 1:
                    # Room above the floor: terminate first, then launch as many.
                    batch = remaining[:room]
                    for state in batch:
                        self._terminate(backend, group, state)
                    refresh.record(group, "terminated %s" % ",".join(s.instance.id for s in batch))
                    launched = self._launch(group, len(batch))
                else:
                    ceiling = math.ceil(desired * refresh.preferences.get("MaxHealthyPercentage", 100) / 100.0)
                    size = max(1, min(len(remaining), ceiling - in_service))
                    batch = remaining[:size]
                    launched = self._launch(group, size)
                refresh.record(group, "launched %s" % ",".join(s.instance.id for s in launched))
            time.sleep(self.warmup_seconds)
            with self.lock:
                for state in launched:
                    state.lifecycle_state = "InService"
                backend.update_attached_target_groups(group.name)
                refresh.record(group, "in service %s" % ",".join(s.instance.id for s in launched))
                for state in batch:
                    if state in group.instance_states:
                        self._terminate(backend, group, state)
                refresh.replaced.extend(zip([s.instance.id for s in batch], [s.instance.id for s in launched]))
                refresh.record(group, "replaced %s" % ",".join(s.instance.id for s in batch))

    @staticmethod
    def _launch(group, count):
        before = set(group.instance_states)
        group.replace_autoscaling_group_instances(count, group.get_propagated_tags())
        launched = [s for s in group.instance_states if s not in before]
        for state in launched:
            state.lifecycle_state = "Pending"
        return launched

    def _terminate(self, backend, group, state):
        group.instance_states = [s for s in group.instance_states if s is not state]
        backend.ec2_backend.terminate_instances([state.instance.id])
        for arn in group.target_group_arns:
            target_group = elbv2_backends[self.account_id][group.region].target_groups.get(arn)
            if target_group is not None:
                target_group.deregister_terminated_instances([state.instance.id])

    # ------------------------------------------------------------------ target health
    def describe_target_health(self, region, body, query):
        form = query_protocol.form(body, query)
        backend = elbv2_backends[self.account_id][region]
        arn = form.get("TargetGroupArn", "")
        target_group = backend.target_groups.get(arn)
        if target_group is None:
            return _error(ELBV2_XMLNS, QueryError("TargetGroupNotFound", "One or more target groups not found", 400))
        targets = []
        index = 1
        while "Targets.member.%d.Id" % index in form:
            target = {"Id": form["Targets.member.%d.Id" % index]}
            if "Targets.member.%d.Port" % index in form:
                target["Port"] = int(form["Targets.member.%d.Port" % index])
            targets.append(target)
            index += 1
        if not targets:
            targets = list(target_group.targets.values())
        members = []
        for target in targets:
            status = target_group.health_for(target, ec2_backends[self.account_id][region])
            state, reason, description = status.status, status.reason, status.description
            override = self.target_health.get((arn, target["Id"]))
            if override and target["Id"] in target_group.targets:
                state, reason, description = override
            members.append("<member><Target>%s%s</Target>%s<TargetHealth>%s%s%s</TargetHealth></member>"
                           % (_tag("Id", status.instance_id), _tag("Port", status.port), _tag("HealthCheckPort", status.health_check_port),
                              _tag("State", state), _tag("Reason", reason), _tag("Description", description)))
        return _reply("elbv2", "DescribeTargetHealth", ELBV2_XMLNS, "<TargetHealthDescriptions>%s</TargetHealthDescriptions>" % "".join(members))

    # ------------------------------------------------------------------ launch template versions
    def after_create_launch_template_version(self, result, region, body, query):
        """Give the version just created its source version's data, as AWS does (moto ignores SourceVersion)."""
        response = b"".join(result)
        form = query_protocol.form(body, query)
        source = form.get("SourceVersion")
        if b"<Error" not in response:
            backend = ec2_backends[self.account_id][region]
            template = (backend.get_launch_template(form["LaunchTemplateId"]) if form.get("LaunchTemplateId")
                        else backend.get_launch_template_by_name(form.get("LaunchTemplateName")))
            created = template.versions[-1]
            if source:
                merged = dict(template.get_version(source).data)
                merged.update(created.data)
                created.data = merged
                created.instance_tags = convert_tag_spec(merged.get("TagSpecifications", [])).get("instance", {})
            user_data = created.data.get("UserData")
            if isinstance(user_data, str):
                try:
                    created.data["UserData"] = Base64EncodedString(user_data)
                except ValueError:
                    pass  # not base64: left as sent, as moto alone would
        return [response]

    # ------------------------------------------------------------------ control API
    def control(self, method, path, spec):
        if path == "instance-refresh":
            with self.lock:
                return {"refreshes": [r.as_dict() for r in self.refreshes], "warmup_seconds": self.warmup_seconds}
        if path == "instance-refresh/warmup" and method == "POST":
            self.warmup_seconds = float(spec["seconds"])
            return {"warmup_seconds": self.warmup_seconds}
        if path == "target-health":
            if method == "DELETE":
                self.target_health.clear()
                return {"overrides": []}
            if method == "POST":
                state = spec.get("state", "unhealthy")
                reason = spec.get("reason", "Target.FailedHealthChecks" if state != "healthy" else None)
                model = service_model("elbv2")
                if state not in model.shape_for("TargetHealthStateEnum").enum:
                    raise ValueError("state %r is not a target health state" % state)
                if reason is not None and reason not in model.shape_for("TargetHealthReasonEnum").enum:
                    raise ValueError("reason %r is not a target health reason" % reason)
                key = (spec["target_group_arn"], spec["instance_id"])
                if state == "healthy" and reason is None:
                    self.target_health.pop(key, None)
                else:
                    self.target_health[key] = (state, reason, spec.get("description", "Health checks failed" if state != "healthy" else None))
            return {"overrides": [{"target_group_arn": k[0], "instance_id": k[1], "state": v[0], "reason": v[1]}
                                  for k, v in self.target_health.items()]}
        raise ValueError("unknown control call %s %s" % (method, path))
