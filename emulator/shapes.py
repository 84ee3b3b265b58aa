"""Check emulator responses (and requests) against botocore's service models.

The emulator must never answer with something the real AWS service could not send.  ``validate_output`` walks a
response body along the operation's botocore *output* shape and returns every problem it finds, each message starting
with the path of the offending value (``RecoveryPoints[3].Status: 'DONE' not in enum [...]``).  ``input_problems``
applies the same walker to an operation's *input* shape, with parameters in boto3's form, so the emulator can reject
a request that AWS would reject.

What the body looks like depends on the service's protocol (``ServiceModel.resolved_protocol``):

* ``json`` / ``rest-json``: the parsed JSON document.  Members are keyed by their wire name (the member's
  ``locationName`` if it has one, else the member name); timestamps are epoch numbers or ISO 8601 strings; blobs are
  base64 strings.
* ``rest-xml`` / ``query`` / ``ec2``: the XML document decoded to a dict keyed by member name (botocore's parsed form;
  for ``query`` the content of the ``...Result`` wrapper element), with typed scalars, ISO 8601 timestamps and base64
  blobs.
* ``smithy-rpc-v2-cbor``: the decoded CBOR map, keyed by member name; ``datetime`` and ``bytes`` are accepted too.

Members bound to HTTP headers or to the status code are not part of the body: they are only checked when the caller
passes them in ``headers`` (header values may be given as the strings the wire carries), and a body that carries one
of them is reported.  When the output shape names a ``payload`` member, the body is that member's value (raw
``str``/``bytes`` for a blob or string payload; event streams are not checked).

A ``null`` value for an optional output member is accepted (botocore drops it as if absent); ``pattern`` constraints
are not checked, since botocore's patterns are often Java regular expressions.
"""

import base64
import binascii
import dataclasses
import datetime
import decimal
import email.utils
import functools
import json
import math
import re
import threading

import botocore.exceptions
import botocore.model
import botocore.session

__all__ = ['ShapeError', 'assert_valid_output', 'input_problems', 'operations_of', 'validate_output']

_JSON_PROTOCOLS = frozenset({'json', 'rest-json'})
_CBOR_PROTOCOLS = frozenset({'smithy-rpc-v2-cbor'})
_NON_FINITE = frozenset({'NaN', 'Infinity', '-Infinity'})
_INT_RANGES = {'integer': (-2 ** 31, 2 ** 31 - 1), 'long': (-2 ** 63, 2 ** 63 - 1)}
_ISO_8601 = re.compile(r'\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?)?')
_HTTP_DATE = re.compile(r'[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT')
_HEADER_INT = re.compile(r'[+-]?\d+')
_HEADER_EPOCH = re.compile(r'[+-]?\d+(?:\.\d+)?')
_LOAD_LOCK = threading.Lock()


class ShapeError(AssertionError):
    """Raised by :func:`assert_valid_output`; ``problems`` holds every problem found."""

    def __init__(self, service: str, operation: str, problems: list[str]):
        """Keep the problems and build a message that lists all of them, one a line."""
        self.service = service
        self.operation = operation
        self.problems = list(problems)
        listing = '\n'.join(f'  - {problem}' for problem in self.problems)
        super().__init__(f'{service} {operation} output does not match the botocore model ({len(self.problems)} problem(s)):\n{listing}')


@functools.lru_cache(maxsize=1)
def _session():
    """Return the one botocore session used to load models."""
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def _service_model(service: str):
    """Load (once per service) the botocore model of ``service``; raise ValueError if botocore has none."""
    with _LOAD_LOCK:
        try:
            return _session().get_service_model(service)
        except botocore.exceptions.UnknownServiceError as exc:
            raise ValueError(f'botocore has no model for service {service!r}') from exc


def _operation_model(service: str, operation: str):
    """Return ``(service_model, operation_model)``; raise ValueError for an unknown service or operation."""
    model = _service_model(service)
    try:
        return model, model.operation_model(operation)
    except botocore.model.OperationNotFoundError as exc:
        raise ValueError(f'service {service!r} has no operation {operation!r}') from exc


def operations_of(service: str) -> list[str]:
    """Return the names of all API operations of ``service`` (a botocore service name), sorted."""
    return sorted(_service_model(service).operation_names)


def validate_output(service: str, operation: str, body, headers=None) -> list[str]:
    """Return the problems of ``body`` (and ``headers``) as a response of ``operation``; an empty list means valid.

    ``service`` is the botocore service name ("backup", "rds", "s3", ...), ``operation`` the API operation name
    ("ListRecoveryPointsByBackupVault").  ``body`` is the response body as the wire carries it, already decoded (see
    the module docstring for each protocol's form; ``None`` stands for an empty body).  ``headers`` optionally maps
    HTTP header names (any case) to values; only headers that the output shape binds to a member are checked.
    Raises ValueError for an unknown service or operation.
    """
    model, op_model = _operation_model(service, operation)
    protocol = model.resolved_protocol
    walker = _Walker(_Rules(
        root='<body>',
        wire_names=protocol in _JSON_PROTOCOLS,
        params=False,
        native=protocol in _CBOR_PROTOCOLS,
        json_numbers=protocol in _JSON_PROTOCOLS,
    ))
    shape = op_model.output_shape
    if shape is None:
        if not _is_empty(body):
            walker.report('', f'{operation} has no output, so the body must be empty; got {_short(body)}')
        return walker.problems
    walker.check_body(shape, body)
    if headers:
        walker.check_headers(shape, headers)
    return walker.problems


def assert_valid_output(service: str, operation: str, body, headers=None) -> None:
    """Raise :class:`ShapeError` listing all problems unless ``body`` is a valid output (see :func:`validate_output`)."""
    problems = validate_output(service, operation, body, headers)
    if problems:
        raise ShapeError(service, operation, problems)


def input_problems(service: str, operation: str, params) -> list[str]:
    """Return the problems of ``params`` as the input of ``operation``, in boto3's parameter form (keyword arguments).

    Members are keyed by member name whatever their location (URI, query string, header or body); timestamps may be
    ``datetime`` objects, epoch numbers or ISO 8601 strings, blobs ``bytes``/``str``/file-like objects.  A required
    idempotency token may be left out (botocore fills it in).  Raises ValueError for an unknown service or operation.
    """
    op_model = _operation_model(service, operation)[1]
    walker = _Walker(_Rules(root='<params>', wire_names=False, params=True, native=True, json_numbers=False))
    shape = op_model.input_shape
    if shape is None:
        if params:
            walker.report('', f'{operation} takes no parameters; got {_short(params)}')
        return walker.problems
    walker.check(shape, {} if params is None else params, '')
    return walker.problems


@dataclasses.dataclass(frozen=True)
class _Rules:
    """How values are represented in what is being walked."""

    root: str  # label of the top-level value in messages
    wire_names: bool  # structure members are keyed by their wire (locationName) name
    params: bool  # boto3 parameter form: every member is a key, null values are errors, file-like blobs allowed
    native: bool  # datetime timestamps and bytes blobs allowed
    json_numbers: bool  # JSON protocols: "NaN"/"Infinity"/"-Infinity" strings stand for non-finite doubles


class _Walker:
    """Walk a value along a botocore shape and collect the problems."""

    def __init__(self, rules: _Rules):
        """Start with no problems."""
        self.rules = rules
        self.problems: list[str] = []
        self._handlers = {
            'structure': self._check_structure,
            'list': self._check_list,
            'map': self._check_map,
            'string': self._check_string,
            'integer': self._check_integer,
            'long': self._check_integer,
            'float': self._check_float,
            'double': self._check_float,
            'boolean': self._check_boolean,
            'timestamp': self._check_timestamp,
            'blob': self._check_blob,
        }

    def report(self, path: str, message: str) -> None:
        """Record one problem at ``path`` (the root label if empty)."""
        self.problems.append(f'{path or self.rules.root}: {message}')

    def _wrong_type(self, path: str, expected: str, value) -> None:
        """Record that ``value`` is not of the ``expected`` type."""
        self.report(path, f'expected {expected}, got {type(value).__name__} {_short(value)}')

    def _bounds(self, shape, measure, path: str, what: str) -> None:
        """Check ``measure`` (a length, a count or a number) against the shape's ``min``/``max``."""
        low, high = shape.metadata.get('min'), shape.metadata.get('max')
        if low is not None and measure < low:
            self.report(path, f'{what} {measure} is below the minimum {low}')
        if high is not None and measure > high:
            self.report(path, f'{what} {measure} is above the maximum {high}')

    def check(self, shape, value, path: str) -> None:
        """Check ``value`` against ``shape``."""
        if value is None:
            self.report(path, f'null is not a valid {shape.type_name}')
            return
        handler = self._handlers.get(shape.type_name)
        if handler is not None:
            handler(shape, value, path)

    def check_body(self, shape, body) -> None:
        """Check a response body against an output shape, honouring a ``payload`` member."""
        payload = shape.serialization.get('payload')
        if payload is None:
            self.check(shape, {} if body is None else body, '')
            return
        member = shape.members[payload]
        if member.serialization.get('eventstream'):
            return
        if member.type_name in ('blob', 'string'):
            if body is not None and not isinstance(body, (str, bytes, bytearray)):
                self._wrong_type('', f'raw {member.type_name} payload (str or bytes)', body)
        elif body is not None:
            self.check(member, body, '')

    def check_headers(self, shape, headers) -> None:
        """Check the given headers that the output shape binds to members (``header`` and ``headers`` locations)."""
        lowered = {str(name).lower(): (str(name), raw) for name, raw in headers.items()}
        for name, member in shape.members.items():
            location = member.serialization.get('location')
            wire = member.serialization.get('name', name)
            if location == 'header' and wire.lower() in lowered:
                original, raw = lowered[wire.lower()]
                self._check_header(member, raw, f'headers[{original!r}]')
            elif location == 'headers':
                prefix = wire.lower()
                found = {original[len(prefix):]: raw for key, (original, raw) in lowered.items() if key.startswith(prefix)}
                if found:
                    self.check(member, found, f'headers[{wire + "*"!r}]')

    def _check_header(self, shape, raw, path: str) -> None:
        """Check one header value, given either as the wire string or already decoded."""
        if not isinstance(raw, str):
            self.check(shape, raw, path)
        elif shape.type_name == 'list':
            items = [part.strip() for part in raw.split(',')] if raw.strip() else []
            self._bounds(shape, len(items), path, 'item count')
            for index, item in enumerate(items):
                self._check_header(shape.member, item, f'{path}[{index}]')
        elif shape.type_name == 'string' and shape.serialization.get('jsonvalue'):
            if not _is_base64_json(raw):
                self.report(path, f'{_short(raw)} is not base64-encoded JSON')
        elif shape.type_name in _HEADER_DECODERS:
            decoded, problem = _HEADER_DECODERS[shape.type_name](raw)
            if problem:
                self.report(path, problem)
            else:
                self.check(shape, decoded, path)
        else:
            self.check(shape, raw, path)

    def _check_structure(self, shape, value, path: str) -> None:
        """Check required, unknown and misplaced members, then each member; a union sets exactly one member."""
        if shape.is_document_type:
            self._check_document(value, path)
            return
        if not isinstance(value, dict):
            self._wrong_type(path, 'structure (dict)', value)
            return
        known, elsewhere = self._member_keys(shape)
        present = 0
        for key, item in value.items():
            sub = _join(path, key)
            if not isinstance(key, str):
                self.report(sub, f'member name {key!r} is not a string')
            elif key in elsewhere:
                self.report(sub, f'member belongs in {elsewhere[key]}, not in the body')
            elif key not in known:
                self.report(sub, f'unknown member of {shape.name}{_unknown_hint(key, known)}')
            elif item is not None:
                present += 1
                self.check(known[key][1], item, sub)
            elif self.rules.params:
                self.report(sub, 'null is not a valid parameter value (leave the member out instead)')
        for key, (name, member) in known.items():
            if name in shape.required_members and value.get(key) is None and not (self.rules.params and member.metadata.get('idempotencyToken')):
                self.report(_join(path, key), f"required member of {shape.name} is {'null' if key in value else 'missing'}")
        if shape.is_tagged_union and present != 1:
            self.report(path, f'union {shape.name} must set exactly one of {list(known)}, but sets {present}')

    def _member_keys(self, shape) -> tuple[dict, dict]:
        """Map each key the walked value may hold to ``(member name, member shape)``, and each header/status member to its place."""
        known, elsewhere = {}, {}
        for name, member in shape.members.items():
            location = member.serialization.get('location')
            if location and not self.rules.params:
                wire = member.serialization.get('name')
                elsewhere[name] = elsewhere[wire or name] = f'the {location} {wire!r}' if wire else f'the {location}'
            else:
                known[self._key(name, member)] = (name, member)
        return known, elsewhere

    def _key(self, name: str, member) -> str:
        """Return the key under which member ``name`` appears in the walked value."""
        return member.serialization.get('name', name) if self.rules.wire_names else name

    def _check_document(self, value, path: str) -> None:
        """Check that a document-type value is made of JSON values only."""
        if value is None or isinstance(value, (str, bool, int, float)):
            return
        if isinstance(value, list):
            for index, item in enumerate(value):
                self._check_document(item, f'{path}[{index}]')
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    self.report(f'{path}[{key!r}]', 'document keys must be strings')
                self._check_document(item, f'{path}[{key!r}]')
        else:
            self._wrong_type(path, 'JSON document value', value)

    def _check_list(self, shape, value, path: str) -> None:
        """Check a list, its item count and each item."""
        if not isinstance(value, (list, tuple) if self.rules.params else list):
            self._wrong_type(path, 'list', value)
            return
        self._bounds(shape, len(value), path, 'item count')
        for index, item in enumerate(value):
            self.check(shape.member, item, f'{path}[{index}]')

    def _check_map(self, shape, value, path: str) -> None:
        """Check a map, its entry count, each key (a string of the key shape) and each value."""
        if not isinstance(value, dict):
            self._wrong_type(path, 'map (dict)', value)
            return
        self._bounds(shape, len(value), path, 'entry count')
        for key, item in value.items():
            sub = f'{path or self.rules.root}[{key!r}]'
            if isinstance(key, str):
                self._check_string(shape.key, key, f'{path or self.rules.root} key {key!r}')
            else:
                self.report(sub, f'map key {key!r} is not a string')
            self.check(shape.value, item, sub)

    def _check_string(self, shape, value, path: str) -> None:
        """Check a string, its enum and its length."""
        if not isinstance(value, str):
            if self.rules.params and shape.serialization.get('jsonvalue'):
                try:
                    json.dumps(value)
                except (TypeError, ValueError):
                    self._wrong_type(path, 'JSON-serialisable value', value)
                return
            self._wrong_type(path, 'string (str)', value)
            return
        enum = shape.metadata.get('enum')
        if enum and value not in enum:
            self.report(path, f'{value!r} not in enum {enum}')
        self._bounds(shape, len(value), path, 'length')

    def _check_integer(self, shape, value, path: str) -> None:
        """Check an integer or long: an int (not a bool) in the type's range and the shape's bounds."""
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(path, f'{shape.type_name} (int)', value)
            return
        low, high = _INT_RANGES[shape.type_name]
        if not low <= value <= high:
            self.report(path, f'{value} does not fit in a {shape.type_name} ({low}..{high})')
        self._bounds(shape, value, path, 'value')

    def _check_float(self, shape, value, path: str) -> None:
        """Check a float or double: an int or float (not a bool) within the shape's bounds."""
        if self.rules.json_numbers and isinstance(value, str) and value in _NON_FINITE:
            return
        numbers = (int, float, decimal.Decimal) if self.rules.params else (int, float)
        if isinstance(value, bool) or not isinstance(value, numbers):
            self._wrong_type(path, f'{shape.type_name} (int or float)', value)
            return
        if math.isfinite(value):
            self._bounds(shape, value, path, 'value')

    def _check_boolean(self, shape, value, path: str) -> None:
        """Check a boolean: a real bool, not a string or number."""
        if not isinstance(value, bool):
            self._wrong_type(path, f'{shape.type_name} (bool)', value)

    def _check_timestamp(self, shape, value, path: str) -> None:
        """Check a timestamp: epoch seconds (int or float) or an ISO 8601 string (and ``datetime`` where native)."""
        if isinstance(value, bool):
            self._wrong_type(path, 'timestamp (epoch seconds or ISO 8601 string)', value)
        elif isinstance(value, (int, float)):
            if not math.isfinite(value):
                self.report(path, f'{value!r} is not a finite epoch timestamp')
        elif isinstance(value, str):
            rfc822 = shape.serialization.get('timestampFormat') == 'rfc822' and _is_http_date(value)
            if not (rfc822 or _is_iso8601(value)):
                self.report(path, f'{value!r} is not an ISO 8601 timestamp')
        elif not (self.rules.native and isinstance(value, datetime.datetime)):
            self._wrong_type(path, 'timestamp (epoch seconds or ISO 8601 string)', value)

    def _check_blob(self, shape, value, path: str) -> None:
        """Check a blob: a base64 string on the wire; bytes where native; also str or a file-like object in params."""
        if isinstance(value, str):
            if not self.rules.params and not _is_base64(value):
                self.report(path, f'{_short(value)} is not valid base64')
        elif not ((self.rules.native and isinstance(value, (bytes, bytearray))) or (self.rules.params and hasattr(value, 'read'))):
            self._wrong_type(path, f'{shape.type_name} (base64 str)', value)


def _join(path: str, key) -> str:
    """Return the path of member ``key`` inside ``path``."""
    key = key if isinstance(key, str) else repr(key)
    return f'{path}.{key}' if path else key


def _unknown_hint(key: str, known: dict) -> str:
    """Suggest the right key for an unknown member: the wire name of a renamed member, or a case mismatch."""
    for wire, (name, _member) in known.items():
        if key == name != wire:
            return f' (member {name!r} is named {wire!r} on the wire)'
    for wire in known:
        if key.lower() == wire.lower():
            return f' (did you mean {wire!r}?)'
    return ''


def _short(value) -> str:
    """Return a repr of ``value`` cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + '...'


def _is_empty(body) -> bool:
    """Tell whether ``body`` stands for an empty response body."""
    return body is None or (isinstance(body, (dict, str, bytes, bytearray)) and len(body) == 0)


def _is_iso8601(text: str) -> bool:
    """Tell whether ``text`` is an ISO 8601 (extended format) date or date-time that names a real instant."""
    if not _ISO_8601.fullmatch(text):
        return False
    try:
        datetime.datetime.fromisoformat(text.upper().replace(',', '.'))
    except ValueError:
        return False
    return True


def _is_http_date(text: str) -> bool:
    """Tell whether ``text`` is an RFC 7231 HTTP date (``Tue, 29 Apr 2014 18:30:38 GMT``)."""
    if not _HTTP_DATE.fullmatch(text):
        return False
    try:
        email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return False
    return True


def _is_base64(text: str) -> bool:
    """Tell whether ``text`` is valid (padded) base64."""
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _is_base64_json(text: str) -> bool:
    """Tell whether ``text`` is base64-encoded UTF-8 JSON (a ``jsonvalue`` header)."""
    try:
        json.loads(base64.b64decode(text, validate=True).decode('utf-8'))
    except (binascii.Error, ValueError):
        return False
    return True


def _decode_header_integer(raw: str) -> tuple:
    """Decode an integer header: ``(value, None)``, or ``(None, problem)``."""
    return (int(raw), None) if _HEADER_INT.fullmatch(raw) else (None, f'{raw!r} is not an integer')


def _decode_header_float(raw: str) -> tuple:
    """Decode a floating-point header: ``(value, None)``, or ``(None, problem)``."""
    try:
        return float(raw), None
    except ValueError:
        return None, f'{raw!r} is not a number'


def _decode_header_boolean(raw: str) -> tuple:
    """Decode a boolean header, which is exactly 'true' or 'false': ``(value, None)``, or ``(None, problem)``."""
    if raw in ('true', 'false'):
        return raw == 'true', None
    return None, f"{raw!r} is not a boolean header value ('true' or 'false')"


def _decode_header_timestamp(raw: str) -> tuple:
    """Check a timestamp header (HTTP date, ISO 8601 or epoch seconds): ``(epoch seconds, None)``, or ``(None, problem)``."""
    if _is_http_date(raw):
        return email.utils.parsedate_to_datetime(raw).timestamp(), None
    if _HEADER_EPOCH.fullmatch(raw):
        return float(raw), None
    if _is_iso8601(raw):
        return raw, None
    return None, f'{raw!r} is not an HTTP date, ISO 8601 or epoch timestamp'


_HEADER_DECODERS = {
    'integer': _decode_header_integer,
    'long': _decode_header_integer,
    'float': _decode_header_float,
    'double': _decode_header_float,
    'boolean': _decode_header_boolean,
    'timestamp': _decode_header_timestamp,
}
