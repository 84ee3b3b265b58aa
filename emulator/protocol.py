"""The rest-json wire protocol of AWS Backup, driven by botocore's own service model.

Routing, request parsing and response serialization all read the model that real clients use, so the
emulator cannot drift from the wire format: a path template, a query string name or a timestamp encoding
comes from the same place botocore's serializer and parser take it from.
"""

import datetime
import functools
import json
import re
import urllib.parse

import botocore.session


class ApiError(Exception):
    """An AWS error response: the code is the exception shape's name, as the service sends it."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@functools.lru_cache(maxsize=None)
def service_model(service):
    """botocore's service model, loaded once per process."""
    return botocore.session.get_session().get_service_model(service)


class Route:
    """One operation's HTTP binding: method, a regex over the raw (still percent-encoded) path, fixed query params."""

    def __init__(self, operation):
        self.operation = operation
        http = operation.http
        self.method = http["method"]
        uri = http["requestUri"]
        path, _sep, fixed_query = uri.partition("?")
        self.fixed_query = dict(urllib.parse.parse_qsl(fixed_query, keep_blank_values=True))
        pattern = ""
        self.literal_chars = 0
        for part in re.split(r"(\{[^}]+\})", path):
            if part.startswith("{"):
                name = part[1:-1]
                if name.endswith("+"):
                    pattern += "(?P<%s>.+)" % name[:-1]
                else:
                    pattern += "(?P<%s>[^/]+)" % name
            else:
                self.literal_chars += len(part)
                pattern += re.escape(part)
        if pattern.endswith("/"):
            pattern = pattern[:-1]
        self.regex = re.compile("^" + pattern + "/?$")

    def match(self, method, raw_path, query):
        """The path labels (percent-decoded) when this route takes the request, else None."""
        if method != self.method:
            return None
        found = self.regex.match(raw_path)
        if not found:
            return None
        for key, value in self.fixed_query.items():
            if key not in query:
                return None
            if value and query[key][0] != value:
                return None
        return {k: urllib.parse.unquote(v) for k, v in found.groupdict().items()}


class RestJsonService:
    """Routes and (de)serializes the operations an emulator implements for one rest-json service."""

    def __init__(self, service, operation_names):
        self.model = service_model(service)
        routes = [Route(self.model.operation_model(name)) for name in operation_names]
        # Most literal characters first: /backup/plans/{id}/selections/ must win over a greedier sibling.
        self.routes = sorted(routes, key=lambda r: (-r.literal_chars, -len(r.fixed_query)))

    def route(self, method, raw_path, query):
        """(operation_model, path_labels) for a request, or (None, None) when no implemented operation matches."""
        for route in self.routes:
            labels = route.match(method, raw_path, query)
            if labels is not None:
                return route.operation, labels
        return None, None

    def parse_input(self, operation, labels, query, headers, body):
        """The request's parameters in boto3's form (member names, Python values)."""
        params = {}
        shape = operation.input_shape
        if shape is None:
            return params
        payload = {}
        if body:
            try:
                payload = json.loads(body)
            except ValueError:
                raise ApiError("SerializationException", "The request body is not valid JSON") from None
            if not isinstance(payload, dict):
                raise ApiError("SerializationException", "The request body must be a JSON object")
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                if wire in labels:
                    params[name] = _coerce_scalar(member, labels[wire])
            elif location == "querystring":
                if wire in query:
                    if member.type_name == "list":
                        params[name] = [_coerce_scalar(member.member, v) for v in query[wire]]
                    else:
                        params[name] = _coerce_scalar(member, query[wire][0])
            elif location == "header":
                value = headers.get(wire.lower())
                if value is not None:
                    params[name] = _coerce_scalar(member, value)
            elif location == "headers":
                continue
            elif wire in payload:
                params[name] = _from_json(member, payload[wire])
        return params

    @staticmethod
    def serialize_output(operation, result):
        """(headers, body bytes) for a handler's result dict, using the output shape's wire names and encodings."""
        headers = {"Content-Type": "application/json"}
        shape = operation.output_shape
        body = {}
        if shape is not None:
            for name, member in shape.members.items():
                if name not in result or result[name] is None:
                    continue
                location = member.serialization.get("location")
                wire = member.serialization.get("name", name)
                if location == "header":
                    headers[wire] = str(_to_json(member, result[name]))
                elif location == "statusCode":
                    continue
                else:
                    body[wire] = _to_json(member, result[name])
        return headers, json.dumps(body).encode("utf-8")

    def error_status(self, code):
        """The HTTP status the model gives an error shape (400 when it names none)."""
        for shape in self.model.error_shapes:
            if shape.name == code:
                return shape.metadata.get("error", {}).get("httpStatusCode", 400)
        return 400


def error_body(code, message):
    """A rest-json error response body, as AWS Backup sends it."""
    return json.dumps({"Code": code, "Message": message}).encode("utf-8")


def _coerce_scalar(shape, text):
    kind = shape.type_name
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise ApiError("InvalidParameterValueException", "%s is not a number: %r" % (shape.name, text)) from None
    if kind == "boolean":
        return str(text).lower() == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    return text


def parse_timestamp(value):
    """A timestamp from the wire: epoch seconds (number or numeric string) or ISO 8601; always aware UTC."""
    if isinstance(value, (int, float)):
        return datetime.datetime.fromtimestamp(value, tz=datetime.timezone.utc)
    text = str(value)
    try:
        return datetime.datetime.fromtimestamp(float(text), tz=datetime.timezone.utc)
    except ValueError:
        pass
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError("InvalidParameterValueException", "Invalid timestamp: %r" % text) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed.astimezone(datetime.timezone.utc)


def _from_json(shape, value):
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise ApiError("SerializationException", "%s must be an object" % shape.name)
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if wire in value:
                out[name] = _from_json(member, value[wire])
        return out
    if kind == "list":
        if not isinstance(value, list):
            raise ApiError("SerializationException", "%s must be a list" % shape.name)
        return [_from_json(shape.member, v) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            raise ApiError("SerializationException", "%s must be an object" % shape.name)
        return {k: _from_json(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        return parse_timestamp(value)
    return value


def _to_json(shape, value):
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                out[member.serialization.get("name", name)] = _to_json(member, value[name])
        return out
    if kind == "list":
        return [_to_json(shape.member, v) for v in value]
    if kind == "map":
        return {k: _to_json(shape.value, v) for k, v in value.items()}
    if kind == "timestamp":
        if isinstance(value, datetime.datetime):
            return round(value.timestamp(), 3)
        return value
    return value
