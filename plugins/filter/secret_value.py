# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: secret_value
version_added: 0.1.0
short_description: A password out of a Secrets Manager secret's string
description:
  - The value at O(key) of a JSON secret (RDS writes its master secrets as C({"username", "password"})), or the whole
    string when O(key) is empty.
  - An error names the key asked for and the keys the secret has, never the secret or any part of it.
  - The rules are in C(plugins/module_utils/_secret_value.py).
options:
  _input:
    description: The secret's string, as the P(amazon.aws.secretsmanager_secret#lookup) lookup returns it.
    type: str
    required: true
  key:
    description: The key to read; empty for the whole string.
    type: str
    default: ""
"""

EXAMPLES = r"""
# roles/validate_mysql/vars/main.yml: the password read where the module needs it, never kept in a fact.
validate_mysql_login_password: >-
  {{ (lookup('amazon.aws.secretsmanager_secret', validate_mysql_password_secret) | restorekit.aws.secret_value(validate_mysql_password_secret_key))
     if validate_mysql_password_secret else validate_mysql_password }}
"""

RETURN = r"""
_value:
  description: The password.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.restorekit.aws.plugins.module_utils._secret_value import SecretValueError
from ansible_collections.restorekit.aws.plugins.module_utils._secret_value import secret_value as _secret_value


def secret_value(text, key=""):
    try:
        return _secret_value(text, key)
    except SecretValueError as e:
        raise AnsibleFilterError("secret_value: %s" % e) from None


class FilterModule:
    def filters(self):
        return {"secret_value": secret_value}
