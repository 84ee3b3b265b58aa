"""IAM SimulatePrincipalPolicy, which moto lacks: a small, honest policy evaluator over moto's IAM state.

What it evaluates: the identity policies of an IAM user (inline, attached managed, and its groups' inline and
attached) or role (inline and attached managed; an STS assumed-role ARN stands for its role). Each statement's
Effect, Action/NotAction and Resource/NotResource are matched with wildcards (actions case-insensitively, as IAM
does); an explicit Deny wins over any Allow; nothing matching is an implicit deny. A statement's Condition is
decided from the request's ContextEntries for the String*, Arn* and Bool operators (with IfExists); a key the
context does not give (or an operator not evaluated here) leaves the statement out, and its keys are reported as
MissingContextValues, as IAM's simulator reports them.

What it does not evaluate: resource-based policies, permission boundaries, SCPs, session policies. The account
root and moto's default caller (`user/moto`, what the emulator's default credentials resolve to) are
administrators: every action is allowed, which is what an account's root identity gets.
"""

import fnmatch
import json
import urllib.parse
import uuid
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends

from . import query as query_protocol

XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
ADMIN_NAMES = ("root", "user/moto")


class SimulationError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _document(raw):
    if isinstance(raw, dict):
        return raw
    text = urllib.parse.unquote(raw) if raw.lstrip().startswith("%") else raw
    return json.loads(text)


def _managed_document(policy):
    for version in policy.versions:
        if version.is_default:
            return _document(version.document)
    return {}


def _matches(patterns, value, case_insensitive):
    for pattern in patterns:
        if case_insensitive:
            if fnmatch.fnmatchcase(value.lower(), pattern.lower()):
                return True
        elif fnmatch.fnmatchcase(value, pattern):
            return True
    return False


def _backend(account_id):
    return iam_backends[account_id]["global"]


def principal_policies(account_id, arn):
    """[(source id, source type, document)] of the identity ARN, or None for an administrator."""
    resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
    if resource in ADMIN_NAMES:
        return None
    backend = _backend(account_id)
    sources = []
    if resource.startswith("user/"):
        name = resource.rsplit("/", 1)[-1]
        user = backend.users.get(name)
        if user is None:
            raise SimulationError("NoSuchEntity", "The user with name %s cannot be found." % name, 404)
        holders = [("user", user)] + [("group", group) for group in backend.get_groups_for_user(name)]
    elif resource.startswith("role/") or resource.startswith("assumed-role/"):
        name = resource.split("/")[1] if resource.startswith("assumed-role/") else resource.rsplit("/", 1)[-1]
        role = next((r for r in backend.roles.values() if r.name == name), None)
        if role is None:
            raise SimulationError("NoSuchEntity", "The role with name %s cannot be found." % name, 404)
        holders = [("role", role)]
    else:
        raise SimulationError("InvalidInput", "Invalid PolicySourceArn: %s is not a user or role ARN." % arn)
    for kind, holder in holders:
        for policy_name, raw in holder.policies.items():
            sources.append(("%s_%s" % (holder.name, policy_name), "IAM Policy" if kind != "group" else "Group Policy", _document(raw)))
        for policy in holder.managed_policies.values():
            sources.append((policy.arn, "IAM Policy", _managed_document(policy)))
    return sources


STRING_OPERATORS = {
    "StringEquals": lambda value, pattern: value == pattern,
    "StringNotEquals": lambda value, pattern: value != pattern,
    "StringEqualsIgnoreCase": lambda value, pattern: value.lower() == pattern.lower(),
    "StringNotEqualsIgnoreCase": lambda value, pattern: value.lower() != pattern.lower(),
    "StringLike": fnmatch.fnmatchcase,
    "StringNotLike": lambda value, pattern: not fnmatch.fnmatchcase(value, pattern),
    "ArnEquals": lambda value, pattern: value == pattern,
    "ArnNotEquals": lambda value, pattern: value != pattern,
    "ArnLike": fnmatch.fnmatchcase,
    "ArnNotLike": lambda value, pattern: not fnmatch.fnmatchcase(value, pattern),
    "Bool": lambda value, pattern: value.lower() == str(pattern).lower(),
}
NEGATED = ("StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike")


def condition_holds(condition, context):
    """(holds, missing keys): True/False when CONTEXT decides CONDITION, None with the keys it lacks otherwise."""
    context = {k.lower(): v for k, v in (context or {}).items()}
    missing = []
    holds = True
    for operator, tests in condition.items():
        base = operator[:-len("IfExists")] if operator.endswith("IfExists") else operator
        compare = STRING_OPERATORS.get(base)
        for key, patterns in tests.items():
            values = context.get(key.lower())
            if compare is None or (values is None and base == operator):
                missing.append(key)
                continue
            if values is None:  # ...IfExists: an absent key satisfies the test
                continue
            patterns = [str(p) for p in _as_list(patterns)]
            if base in NEGATED:
                ok = all(compare(value, pattern) for value in values for pattern in patterns)
            else:
                ok = any(compare(value, pattern) for value in values for pattern in patterns)
            holds = holds and ok
    if missing:
        return None, missing
    return holds, []


def evaluate(sources, action, resource, context=None):
    """(decision, matched statements, missing context keys) for one action on one resource.

    CONTEXT maps condition keys to lists of values (the request's ContextEntries)."""
    if sources is None:
        return "allowed", [], []
    allows, denies, missing = [], [], []
    for source_id, source_type, document in sources:
        for statement in _as_list(document.get("Statement")):
            if "Action" in statement:
                hit = _matches(_as_list(statement["Action"]), action, True)
            else:
                hit = "NotAction" in statement and not _matches(_as_list(statement["NotAction"]), action, True)
            if not hit:
                continue
            if "Resource" in statement:
                hit = _matches(_as_list(statement["Resource"]), resource, False)
            else:
                hit = "NotResource" in statement and not _matches(_as_list(statement["NotResource"]), resource, False)
            if not hit:
                continue
            if statement.get("Condition"):
                holds, lacking = condition_holds(statement["Condition"], context)
                missing.extend(key for key in lacking if key not in missing)
                if not holds:
                    continue
            matched = {"SourcePolicyId": source_id, "SourcePolicyType": source_type}
            (denies if statement.get("Effect") == "Deny" else allows).append(matched)
    if denies:
        return "explicitDeny", denies, missing
    if allows:
        return "allowed", allows, missing
    return "implicitDeny", [], missing


def _xml_list(name, items):
    return "<%s>%s</%s>" % (name, "".join("<member>%s</member>" % item for item in items), name)


def simulate_principal_policy(account_id, form):
    """The query-protocol XML body of a SimulatePrincipalPolicy response; raises SimulationError."""
    source = form.get("PolicySourceArn")
    actions = query_protocol.members(form, "ActionNames")
    if not source or not actions:
        raise SimulationError("InvalidInput", "PolicySourceArn and ActionNames are required.")
    resources = query_protocol.members(form, "ResourceArns") or ["*"]
    context = {}
    index = 1
    while "ContextEntries.member.%d.ContextKeyName" % index in form:
        prefix = "ContextEntries.member.%d." % index
        context[form[prefix + "ContextKeyName"]] = query_protocol.members(form, prefix + "ContextKeyValues")
        index += 1
    sources = principal_policies(account_id, source)
    results = []
    for action in actions:
        for resource in resources:
            decision, matched, missing = evaluate(sources, action, resource, context)
            statements = ["<SourcePolicyId>%s</SourcePolicyId><SourcePolicyType>%s</SourcePolicyType>"
                          % (escape(m["SourcePolicyId"]), escape(m["SourcePolicyType"])) for m in matched]
            results.append("<EvalActionName>%s</EvalActionName><EvalResourceName>%s</EvalResourceName>"
                           "<EvalDecision>%s</EvalDecision>%s%s"
                           % (escape(action), escape(resource), decision, _xml_list("MatchedStatements", statements),
                              _xml_list("MissingContextValues", [escape(k) for k in missing])))
    return ("<SimulatePrincipalPolicyResponse xmlns=\"%s\"><SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>%s"
            "</SimulatePrincipalPolicyResult><ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
            "</SimulatePrincipalPolicyResponse>" % (XMLNS, _xml_list("EvaluationResults", results), uuid.uuid4())).encode()


def handle(account_id, body, query):
    """(status, headers, body) for a SimulatePrincipalPolicy request (form body, or query string)."""
    try:
        out = simulate_principal_policy(account_id, query_protocol.form(body, query))
        return 200, {"Content-Type": "text/xml"}, out
    except SimulationError as err:
        return query_protocol.error(XMLNS, err.code, err.message, err.status)
