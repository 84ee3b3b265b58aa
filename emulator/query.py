"""The AWS query protocol (form-encoded requests, XML answers) as the emulator's own handlers speak it: the IAM policy
simulation (iam_sim.py), instance refresh and target health (autoscaling.py) and the RDS hook in app.py."""

import urllib.parse
import uuid
from xml.sax.saxutils import escape


def form(body, query):
    """A query-protocol request's parameters, one value each: the form body, then the query string over it."""
    params = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
    params.update({k: v[0] for k, v in query.items()})
    return params


def members(params, name):
    """The list `name.member.1`, `name.member.2`, ... in the order given."""
    found = []
    index = 1
    while "%s.member.%d" % (name, index) in params:
        found.append(params["%s.member.%d" % (name, index)])
        index += 1
    return found


def error(xmlns, code, message, status):
    """(status, headers, body) of a query-protocol error the client's parser reads as `code`."""
    body = ("<ErrorResponse xmlns=\"%s\"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
            "<RequestId>%s</RequestId></ErrorResponse>" % (xmlns, code, escape(message), uuid.uuid4()))
    return status, {"Content-Type": "text/xml"}, body.encode()
