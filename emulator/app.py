"""The emulator's single endpoint: AWS Backup operations moto lacks, moto for the rest, and a control API.

A request's AWS service is read from the SigV4 credential scope of its Authorization header. Requests without
one, under /_restorekit/, are the control API (the emulator's own, outside AWS) that tests use to move the clock,
inject faults and read request counters.
"""

import datetime
import io
import json
import os
import random
import threading
import time
import traceback
import urllib.parse
import uuid

from moto.iam.models import get_account_id_from
from moto.server import DomainDispatcherApplication, create_backend_app

from . import autoscaling
from . import backup as backup_module
from . import backup_shared
from . import iam_sim
from . import oneclock
from . import query as query_protocol
from . import s3_conditions
from . import s3_defaults
from . import s3_rules
from . import shapes
from .backup import BackupWorld, RecoveryPoint
from .drivers import make_drivers
from .protocol import ApiError, RestJsonService, error_body, parse_timestamp, service_model

CONTROL_PREFIX = "/_restorekit/"
QUERY_PROTOCOLS = ("query", "ec2")


class Faults:
    """Injected faults: throttling, server errors and latency, per service and operation, from a seeded generator."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self, seed=0):
        with self.lock:
            self.throttle = None
            self.errors = None
            self.latency = {}
            self.rng = random.Random(seed)

    def configure(self, spec):
        with self.lock:
            if "seed" in spec:
                self.rng = random.Random(spec["seed"])
            if "throttle" in spec:
                self.throttle = spec["throttle"]
            if "errors" in spec:
                self.errors = spec["errors"]
            if "latency" in spec:
                self.latency = {k: float(v) for k, v in (spec["latency"] or {}).items()}

    @staticmethod
    def _applies(rule, service, operation):
        if not rule:
            return False
        services = rule.get("services")
        operations = rule.get("operations")
        if services and service not in services:
            return False
        if operations and operation not in operations:
            return False
        return True

    def decide(self, service, operation):
        """None, "throttle" or "error" for this request."""
        with self.lock:
            if self._applies(self.throttle, service, operation) and self.rng.random() < float(self.throttle.get("fraction", 0)):
                return "throttle"
            if self._applies(self.errors, service, operation) and self.rng.random() < float(self.errors.get("fraction", 0)):
                return "error"
        return None


class Counters:
    """Requests served, per service and operation (faulted ones included, and also counted apart)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = {}
        self.faults = {}

    def add(self, service, operation, fault=None):
        with self.lock:
            per = self.requests.setdefault(service, {})
            per[operation] = per.get(operation, 0) + 1
            if fault:
                per_fault = self.faults.setdefault(service, {})
                per_fault[operation] = per_fault.get(operation, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"requests": json.loads(json.dumps(self.requests)), "faults": json.loads(json.dumps(self.faults))}

    def reset(self):
        with self.lock:
            self.requests = {}
            self.faults = {}


def fault_response(protocol, kind):
    """(status, headers, body) of a throttling or server error as the service's protocol returns it."""
    request_id = str(uuid.uuid4())
    if protocol == "rest-xml":  # S3
        code, status = ("SlowDown", 503) if kind == "throttle" else ("InternalError", 500)
        message = "Please reduce your request rate." if kind == "throttle" else "We encountered an internal error. Please try again."
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>"
                % (code, message, request_id))
        return status, {"Content-Type": "application/xml"}, body.encode()
    if protocol == "ec2":
        code, status = ("RequestLimitExceeded", 503) if kind == "throttle" else ("InternalError", 500)
        message = "Request limit exceeded." if kind == "throttle" else "An internal error has occurred"
        body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors>"
                "<RequestID>%s</RequestID></Response>" % (code, message, request_id))
        return status, {"Content-Type": "text/xml"}, body.encode()
    if protocol == "query":
        code, status, party = ("Throttling", 400, "Sender") if kind == "throttle" else ("InternalFailure", 500, "Receiver")
        body = ("<ErrorResponse><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>"
                % (party, code, "Rate exceeded" if kind == "throttle" else "Internal failure", request_id))
        return status, {"Content-Type": "text/xml"}, body.encode()
    code, status = ("ThrottlingException", 400) if kind == "throttle" else ("ServiceUnavailableException", 500)
    body = json.dumps({"__type": code, "message": "Rate exceeded" if kind == "throttle" else "Service unavailable"}).encode()
    return status, {"Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": code, "x-amzn-RequestId": request_id}, body


S3_BUCKET_SUBRESOURCES = ("tagging", "versioning", "policy", "encryption", "publicAccessBlock", "notification", "lifecycle",
                          "location", "acl", "cors", "website", "logging", "replication", "ownershipControls", "object-lock")


def s3_operation(method, path, query, headers, host):
    """The S3 operation a request stands for (path-style or virtual-hosted), for counters and fault rules."""
    hostname = host.split(":")[0]
    virtual = hostname not in ("localhost", "127.0.0.1") and not hostname[0].isdigit() and hostname.count(".") >= 1
    parts = path.lstrip("/").split("/", 1)
    if virtual:
        has_bucket, key = True, path.lstrip("/")
    else:
        has_bucket = bool(parts[0])
        key = parts[1] if len(parts) > 1 else ""
    if not has_bucket:
        return "ListBuckets"
    sub = next((s for s in S3_BUCKET_SUBRESOURCES if s in query), None)
    if not key:
        if method == "GET":
            if "versions" in query:
                return "ListObjectVersions"
            if "uploads" in query:
                return "ListMultipartUploads"
            if sub:
                return "GetBucket" + sub[0].upper() + sub[1:]
            return "ListObjectsV2" if query.get("list-type") == ["2"] else "ListObjects"
        if method == "PUT":
            return "PutBucket" + sub[0].upper() + sub[1:] if sub else "CreateBucket"
        if method == "DELETE":
            return "DeleteBucket" + (sub[0].upper() + sub[1:] if sub else "")
        if method == "HEAD":
            return "HeadBucket"
        if method == "POST" and "delete" in query:
            return "DeleteObjects"
        return "%sBucket" % method.title()
    if method == "GET":
        if "tagging" in query:
            return "GetObjectTagging"
        if "uploadId" in query:
            return "ListParts"
        if "acl" in query:
            return "GetObjectAcl"
        if "attributes" in query:
            return "GetObjectAttributes"
        return "GetObject"
    if method == "PUT":
        copy = "x-amz-copy-source" in headers
        if "partNumber" in query:
            return "UploadPartCopy" if copy else "UploadPart"
        if "tagging" in query:
            return "PutObjectTagging"
        if "acl" in query:
            return "PutObjectAcl"
        return "CopyObject" if copy else "PutObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "DELETE":
        if "tagging" in query:
            return "DeleteObjectTagging"
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        if "restore" in query:
            return "RestoreObject"
    return "%sObject" % method.title()


def s3_bucket_key(path, host):
    """(bucket, key) of an S3 request, path-style or virtual-hosted (as s3_operation reads it), the key decoded."""
    hostname = host.split(":")[0]
    virtual = hostname not in ("localhost", "127.0.0.1") and not hostname[:1].isdigit() and hostname.count(".") >= 1
    if virtual:
        return hostname.split(".", 1)[0], urllib.parse.unquote(path.lstrip("/"))
    parts = path.lstrip("/").split("/", 1)
    return urllib.parse.unquote(parts[0]), urllib.parse.unquote(parts[1]) if len(parts) > 1 else ""


class EmulatorApp:
    """The WSGI application behind `emulator/serve`."""

    def __init__(self, state_dir, fleet, job_seconds=0.0, strict=True):
        self.moto = DomainDispatcherApplication(create_backend_app)
        self.fleet = fleet
        self.state_dir = state_dir
        self.drivers = make_drivers(backup_module.ACCOUNT_ID, state_dir, fleet)
        self.world = BackupWorld(self.drivers)
        self.worlds = self.world.accounts  # every account served, by id: the seeded one first (world_for)
        backup_shared.install()  # AWS RAM shares backup vaults (backup_shared.py)
        # One account reads another's bucket only as its bucket policy allows (none is emulated); moto allows it by default.
        os.environ["MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS"] = "false"
        oneclock.install(self.world.clock)  # moto dates S3 objects, EC2 instances and activities on the world's clock
        # RDS's native window too: its binary logs are marked where the clock moves (pitr.py).
        self.world.clock.listeners.append(self.drivers["RDS"].automated_backups.clock_moved)
        s3_rules.install()  # S3's default CRC64NVME checksum for an object uploaded without one
        s3_defaults.install()  # new buckets: ACLs disabled, Block Public Access on; what a bucket without ACLs refuses
        s3_conditions.install()  # every S3 object write and delete on one sequence, for conditional writes
        self.s3_writes = s3_conditions.ConditionalWrites(backup_module.ACCOUNT_ID)
        for kind in backup_module.JOB_KINDS:
            self.world.durations[kind] = job_seconds
        self.backup_api = RestJsonService("backup", list(backup_module.OPERATIONS))
        self.namers = {}
        self.faults = Faults()
        self.counters = Counters()
        self.strict = strict
        self.shape_errors = []
        self.refreshes = autoscaling.InstanceRefreshes(backup_module.ACCOUNT_ID)
        self.lambda_invocations = []

    # ------------------------------------------------------------------ WSGI entry
    def __call__(self, environ, start_response):
        ticket = self._s3_write_ticket(environ)  # before the body is read: an upload is in progress from its first byte
        try:
            return self._serve(environ, start_response, ticket)
        finally:
            self.s3_writes.leave(ticket)

    @staticmethod
    def _raw_path(environ):
        raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or urllib.parse.quote(environ.get("PATH_INFO", ""))
        raw_path = raw.split("?", 1)[0]
        if raw_path.startswith("http://") or raw_path.startswith("https://"):
            raw_path = "/" + raw_path.split("/", 3)[3] if raw_path.count("/") >= 3 else "/"
        return raw_path

    @staticmethod
    def _headers(environ):
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        return headers

    def _s3_write_ticket(self, environ):
        """The conditional-write ticket of an S3 object write (s3_conditions.py), None for any other request."""
        service, _region = self._scope(environ)
        raw_path = self._raw_path(environ)
        if service not in (None, "s3") or (service is None and raw_path.startswith(CONTROL_PREFIX)):
            return None
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        host = environ.get("HTTP_HOST", "")
        operation = s3_operation(environ["REQUEST_METHOD"], raw_path, query, self._headers(environ), host)
        bucket, key = s3_bucket_key(raw_path, host)
        return self.s3_writes.arrive(operation, bucket, key, query, self._account(environ))

    def _serve(self, environ, start_response, ticket):
        body = self._read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        raw_path = self._raw_path(environ)
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        service, region = self._scope(environ)
        if service is None and raw_path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, raw_path[len(CONTROL_PREFIX):], body)
        service = service or "s3"
        headers = self._headers(environ)
        operation = self._operation_name(service, environ, raw_path, query, headers, body)
        delay = self.faults.latency.get("%s:%s" % (service, operation), self.faults.latency.get(service))
        if delay:
            time.sleep(delay)
        fault = self.faults.decide(service, operation)
        self.counters.add(service, operation, fault)
        if fault:
            status, out_headers, out_body = fault_response(self._protocol(service), fault)
            return self._respond(start_response, status, out_headers, out_body)
        if service == "iam" and operation == "SimulatePrincipalPolicy":  # moto lacks it; see iam_sim.py
            return self._respond(start_response, *iam_sim.handle(backup_module.ACCOUNT_ID, body, query))
        if service == "autoscaling" and operation in autoscaling.OPERATIONS:  # moto lacks instance refresh; see autoscaling.py
            return self._respond(start_response, *self.refreshes.handle(region, operation, body, query))
        if service == "elasticloadbalancing" and autoscaling.action(body, query) == "DescribeTargetHealth":  # health a test can set
            return self._respond(start_response, *self.refreshes.describe_target_health(region, body, query))
        if service == "lambda" and operation == "Invoke":  # moto runs functions in Docker: record the call instead
            return self._lambda_invoke(start_response, raw_path, body)
        if service == "backup":
            op_model, labels = self.backup_api.route(environ["REQUEST_METHOD"], raw_path, query)
            if op_model is not None:
                world = self.world_for(self._account(environ))
                return self._backup(start_response, world, op_model, labels, query, headers, body, region)
        if ticket is not None:  # S3 conditional writes: answered, and written, atomically (s3_conditions.py)
            outcome = self.s3_writes.commit(ticket, environ, headers, lambda: self.moto(environ, start_response))
            return self._respond(start_response, *outcome.response()) if isinstance(outcome, s3_conditions.Refusal) else outcome
        result = self.moto(environ, start_response)
        if service == "rds" and operation in ("CreateDBInstance", "DeleteDBInstance", "ModifyDBInstance",
                                              "RestoreDBInstanceFromDBSnapshot", "RestoreDBInstanceToPointInTime"):
            result = self._rds_hook(result, self.world_for(self._account(environ)), region, operation, body, query)
        if service == "ec2" and operation == "CreateLaunchTemplateVersion":  # moto ignores SourceVersion; see autoscaling.py
            result = self.refreshes.after_create_launch_template_version(result, region, body, query)
        return result

    @staticmethod
    def _read_body(environ):
        length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        if length:
            return stream.read(int(length))
        if environ.get("wsgi.input_terminated"):
            return stream.read()
        return b""

    @staticmethod
    def _scope(environ):
        auth = environ.get("HTTP_AUTHORIZATION", "")
        if "Credential=" not in auth:
            return None, None
        try:
            scope = auth.split("Credential=", 1)[1].split(",", 1)[0].split("/")
            return scope[3].lower(), scope[2]
        except IndexError:
            return None, None

    @staticmethod
    def _protocol(service):
        try:
            return service_model(service).metadata["protocol"]
        except Exception:  # a service botocore does not model: treat as JSON
            return "json"

    def _operation_name(self, service, environ, raw_path, query, headers, body):
        method = environ["REQUEST_METHOD"]
        if service == "s3":
            return s3_operation(method, raw_path, query, headers, environ.get("HTTP_HOST", ""))
        target = environ.get("HTTP_X_AMZ_TARGET")
        if target:
            return target.rsplit(".", 1)[-1]
        protocol = self._protocol(service)
        if protocol in QUERY_PROTOCOLS:
            if "Action" in query:
                return query["Action"][0]
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            return form.get("Action", ["Unknown"])[0]
        if protocol in ("rest-json", "rest-xml"):
            namer = self.namers.get(service)
            if namer is None:
                namer = self.namers[service] = RestJsonService(service, service_model(service).operation_names)
            op_model, _labels = namer.route(method, raw_path, query)
            if op_model is not None:
                return op_model.name
        return "Unknown"

    @staticmethod
    def _respond(start_response, status, headers, body):
        reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 409: "Conflict", 412: "Precondition Failed",
                  429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable"}.get(status, "Error")
        headers = dict(headers)
        headers["Content-Length"] = str(len(body))
        start_response("%d %s" % (status, reason), list(headers.items()))
        return [body]

    # ------------------------------------------------------------------ accounts
    @staticmethod
    def _account(environ):
        """The caller's account: the one its access key belongs to (moto keeps the keys STS hands out), else the
        seeded account."""
        auth = environ.get("HTTP_AUTHORIZATION", "")
        key = auth.split("Credential=", 1)[1].split("/", 1)[0] if "Credential=" in auth else ""
        return get_account_id_from(key) if key else backup_module.ACCOUNT_ID

    def world_for(self, account_id):
        """The BackupWorld of ACCOUNT_ID, made on its first request: its own drivers, the seeded world's clock and lock
        (a restore from a vault shared with it reads the owner's world under the same lock)."""
        with self.world.lock:
            world = self.worlds.get(account_id)
            if world is None:
                drivers = make_drivers(account_id, self.state_dir, self.fleet, self.drivers["RDS"].automated_backups)
                world = BackupWorld(drivers, account_id, clock=self.world.clock, lock=self.world.lock)
                world.durations = self.world.durations
                world.mpa_sessions = self.world.mpa_session_table()  # one approval service: the control call decides any account's
                world.accounts = self.worlds
                self.worlds[account_id] = world
            return world

    # ------------------------------------------------------------------ AWS Backup
    def _backup(self, start_response, world, op_model, labels, query, headers, body, region):
        try:
            params = self.backup_api.parse_input(op_model, labels, query, headers, body)
            missing = [name for name in op_model.input_shape.required_members if name not in params] if op_model.input_shape else []
            if missing:
                raise ApiError("MissingParameterValueException", "Missing required parameter(s): %s" % ", ".join(missing))
            with world.lock:
                world, params = world.route_vault_account(op_model.name, region, params)
                result = getattr(world, backup_module.OPERATIONS[op_model.name])(region, params)
        except ApiError as err:
            status = err.status if err.status != 400 else self.backup_api.error_status(err.code)
            return self._respond(start_response, status, {"Content-Type": "application/json", "x-amzn-ErrorType": err.code},
                                 error_body(err.code, err.message))
        except Exception as exc:  # pylint: disable=broad-except
            traceback.print_exc()
            return self._respond(start_response, 500, {"Content-Type": "application/json", "x-amzn-ErrorType": "ServiceUnavailableException"},
                                 error_body("ServiceUnavailableException", "Emulator error: %s" % exc))
        out_headers, out_body = self.backup_api.serialize_output(op_model, result)
        if self.strict:
            problems = shapes.validate_output("backup", op_model.name, json.loads(out_body))
            if problems:
                self.shape_errors.append({"operation": op_model.name, "problems": problems})
                return self._respond(start_response, 500, {"Content-Type": "application/json", "x-amzn-ErrorType": "EmulatorShapeError"},
                                     error_body("EmulatorShapeError", "; ".join(problems)))
        return self._respond(start_response, op_model.http.get("responseCode", 200), out_headers, out_body)

    # ------------------------------------------------------------------ RDS: a real MariaDB behind each MySQL instance
    def _rds_hook(self, result, world, region, action, body, query):
        chunks = list(result)
        response = b"".join(chunks)
        if b"<Error>" not in response:
            params = query_protocol.form(body, query)
            try:
                world.drivers["RDS"].after_call(region, action, params)
            except Exception:  # pylint: disable=broad-except
                traceback.print_exc()
        return [response]

    # ------------------------------------------------------------------ control API
    def _control(self, environ, start_response, path, body):
        method = environ["REQUEST_METHOD"]
        try:
            spec = json.loads(body) if body else {}
            with self.world.lock:
                result = self._control_call(method, path.strip("/"), spec)
            return self._respond(start_response, 200, {"Content-Type": "application/json"}, json.dumps(result, default=str).encode())
        except ApiError as err:
            return self._respond(start_response, 400, {"Content-Type": "application/json"},
                                 json.dumps({"error": err.code, "message": err.message}).encode())
        except (ValueError, KeyError, TypeError) as exc:
            return self._respond(start_response, 400, {"Content-Type": "application/json"},
                                 json.dumps({"error": "BadControlRequest", "message": repr(exc)}).encode())
        except Exception as exc:  # pylint: disable=broad-except
            traceback.print_exc()
            return self._respond(start_response, 500, {"Content-Type": "application/json"},
                                 json.dumps({"error": "EmulatorError", "message": repr(exc)}).encode())

    def _lambda_invoke(self, start_response, raw_path, body):
        """Lambda Invoke, recorded (function, payload, time) and answered 200 with {"status": "ok"}."""
        function = urllib.parse.unquote(raw_path.rstrip("/").split("/")[-2])
        payload = json.loads(body) if body else None
        with self.world.lock:
            self.lambda_invocations.append({"function_name": function, "payload": payload, "time": self.world.clock.now().isoformat()})
        return self._respond(start_response, 200, {"Content-Type": "application/json", "X-Amz-Executed-Version": "$LATEST"},
                             json.dumps({"status": "ok"}).encode())

    def _control_call(self, method, path, spec):
        world = self.world
        if path == "health":
            return {"ready": True, "now": world.clock.now().isoformat()}
        if path == "clock":
            if method == "POST":
                if "now" in spec:
                    world.clock.set(parse_timestamp(spec["now"]))
                if "advance_seconds" in spec:
                    world.clock.advance(float(spec["advance_seconds"]))
                for each in list(self.worlds.values()):
                    each.tick()
            return {"now": world.clock.now().isoformat()}
        if path == "jobs/duration":
            spec = dict(spec)
            running = bool(spec.pop("running", False))
            for kind, seconds in spec.items():
                if kind not in world.durations:
                    raise ApiError("BadControlRequest", "Unknown job kind %s" % kind)
                world.durations[kind] = float(seconds)
            if running:
                # Jobs already running take the new duration too, counted from their own start.
                with world.lock:
                    for jobs in world.jobs.values():
                        for job in jobs.values():
                            if not job.final and job.kind in spec:
                                job.duration = float(spec[job.kind])
            return {"durations": world.durations}
        if path == "jobs/fail-next":
            world.fail_next.append({"job_kind": spec.get("job_kind", "restore"), "resource_type": spec.get("resource_type"),
                                    "message": spec.get("message")})
            return {"pending_failures": world.fail_next}
        if path == "jobs/active":
            active = [j.id for each in list(self.worlds.values()) for jobs in each.jobs.values() for j in jobs.values() if not j.final]
            return {"active": active}
        if path == "idempotency":
            world.ignore_idempotency_tokens = bool(spec.get("ignore_tokens"))
            return {"ignore_tokens": world.ignore_idempotency_tokens}
        if path == "faults":
            if method == "DELETE":
                self.faults.reset()
                world.ignore_idempotency_tokens = False
            else:
                self.faults.configure(spec)
                if "ignore_idempotency_tokens" in spec:
                    world.ignore_idempotency_tokens = bool(spec["ignore_idempotency_tokens"])
            return {"throttle": self.faults.throttle, "errors": self.faults.errors, "latency": self.faults.latency,
                    "ignore_idempotency_tokens": world.ignore_idempotency_tokens}
        if path == "counters":
            if method == "DELETE":
                self.counters.reset()
            return self.counters.snapshot()
        if path == "lambda/invocations":
            if method == "DELETE":
                self.lambda_invocations = []
            return {"invocations": self.lambda_invocations}
        if path == "s3/writes-in-flight":
            return {"writes": self.s3_writes.in_flight()}
        if path == "shape-errors":
            return {"errors": self.shape_errors}
        if path == "recovery-points/status":
            point = world.recovery_points.get(spec["arn"])
            if point is None:
                raise ApiError("ResourceNotFoundException", "Recovery point not found: %s" % spec["arn"])
            point.status = spec["status"]
            point.status_message = spec.get("message")
            return {"arn": point.arn, "status": point.status}
        if path == "recovery-points/bulk":
            return self._bulk_points(spec)
        if path == "backup-plans/run":
            return {"backup_job_ids": world.run_backup_rule(spec["region"], spec["backup_plan_id"], spec["rule_name"])}
        if path == "restore-testing/run":
            return {"restore_job_ids": world.run_restore_testing_plan(spec["region"], spec["plan_name"])}
        if path.startswith("airgap/"):  # logically air-gapped vaults: creation time, MPA decisions (backup_airgap.py)
            return world.airgap_control(method, path[len("airgap/"):], spec)
        if path.startswith("instance-refresh") or path == "target-health":
            return self.refreshes.control(method, path, spec)
        raise ApiError("BadControlRequest", "Unknown control call %s %s" % (method, path))

    def _bulk_points(self, spec):
        """Many lightweight recovery points at once (scale tests): metadata only, restorable to nothing."""
        world = self.world
        region = spec["region"]
        vault = world.vault(region, spec["vault"])
        resource_type = spec.get("resource_type", "S3")
        newest = parse_timestamp(spec["newest"]) if spec.get("newest") else world.clock.now()
        interval = datetime.timedelta(hours=float(spec.get("interval_hours", 24)))
        created = 0
        for r in range(int(spec.get("resources", 1))):
            name = "%s-%d" % (spec.get("name_prefix", "bulk-resource"), r)
            if resource_type == "S3":
                resource_arn = "arn:aws:s3:::%s" % name
            elif resource_type == "RDS":
                resource_arn = "arn:aws:rds:%s:%s:db:%s" % (region, world.account_id, name)
            else:
                resource_arn = "arn:aws:ec2:%s:%s:instance/i-%017x" % (region, world.account_id, r)
            for p in range(int(spec.get("points_per_resource", 1))):
                when = newest - interval * p
                arn = "arn:aws:backup:%s:%s:recovery-point:BULK-%s" % (region, world.account_id, uuid.uuid4())
                world.recovery_points[arn] = RecoveryPoint(
                    arn=arn, region=region, vault_name=vault.backup_vault_name, vault_arn=vault.backup_vault_arn,
                    resource_arn=resource_arn, resource_type=resource_type, resource_name=name, created=when,
                    completed=when, size=1024, encryption_key_arn=vault.encryption_key_arn, payload={"bulk": True},
                    restore_metadata={})
                created += 1
        vault.num_of_recovery_points = len(world._vault_points(region, vault.backup_vault_name))  # pylint: disable=protected-access
        return {"created": created}
