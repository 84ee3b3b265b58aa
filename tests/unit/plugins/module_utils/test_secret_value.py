# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils._secret_value import SecretValueError, secret_value

PASSWORD = "s3cr3t-Pa55"


def test_the_key_of_a_json_secret_or_the_whole_string():
    assert secret_value(json.dumps({"username": "admin", "password": PASSWORD}), "password") == PASSWORD
    assert secret_value(PASSWORD, "") == PASSWORD
    assert secret_value(PASSWORD) == PASSWORD


@pytest.mark.parametrize("text, key, message", [
    (PASSWORD, "password", "the secret is not JSON, so it has no key 'password'"),
    (json.dumps({"username": "admin", "pass": PASSWORD}), "password", "the secret has no key 'password' (its keys: pass, username)"),
    (json.dumps([PASSWORD]), "password", "JSON but not an object"),
    (json.dumps({"password": 1234}), "password", "holds a int, not a string"),
    (None, "password", "is a NoneType, not a string"),
])
def test_a_secret_without_the_key_names_the_key_and_never_the_secret(text, key, message):
    with pytest.raises(SecretValueError) as raised:
        secret_value(text, key)
    assert message in str(raised.value)
    assert PASSWORD not in str(raised.value) and "1234" not in str(raised.value)
