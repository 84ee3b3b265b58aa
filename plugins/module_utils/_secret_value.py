# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A password out of a Secrets Manager secret's string: the value at a key of a JSON secret (as RDS writes its master
secrets, ``{"username": ..., "password": ...}``), or the whole string when no key is named. Reached through the
``restorekit.aws.secret_value`` filter. No message ever holds the secret or any part of it: only the key asked for and
the keys the secret has."""

from __future__ import annotations

import json


class SecretValueError(ValueError):
    pass


def secret_value(text, key=""):
    """TEXT (a secret string) read at KEY; the whole of TEXT when KEY is empty."""
    if not isinstance(text, str):
        raise SecretValueError("the secret's value is a %s, not a string" % type(text).__name__)
    if not key:
        return text
    try:
        document = json.loads(text)
    except ValueError:
        raise SecretValueError("the secret is not JSON, so it has no key %r: name no key to use the whole secret as the password" % key) from None
    if not isinstance(document, dict):
        raise SecretValueError("the secret is JSON but not an object, so it has no key %r" % key)
    if key not in document:
        raise SecretValueError("the secret has no key %r (its keys: %s)" % (key, ", ".join(sorted(map(str, document))) or "none"))
    value = document[key]
    if not isinstance(value, str):
        raise SecretValueError("the secret's key %r holds a %s, not a string" % (key, type(value).__name__))
    return value
