"""Every module states its attributes through one of the collection's attribute fragments (info, change,
controller), so check mode, diff mode and idempotency read the same way in every module's documentation; a module's
own entries only say what differs."""

from __future__ import annotations

import ast
import glob
import os

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted(glob.glob(os.path.join(ROOT, "plugins", "modules", "*.py")))
KINDS = {"restorekit.aws.attributes.info", "restorekit.aws.attributes.change", "restorekit.aws.attributes.controller"}


def documentation(path):
    for node in ast.parse(open(path, encoding="utf-8").read()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no DOCUMENTATION" % path)


@pytest.mark.parametrize("path", MODULES, ids=[os.path.basename(p)[:-3] for p in MODULES])
def test_each_module_extends_one_attributes_fragment(path):
    doc = documentation(path)
    kinds = [f for f in doc.get("extends_documentation_fragment") or [] if f in KINDS]
    assert len(kinds) == 1, "%s extends %s" % (os.path.basename(path), kinds)
    if os.path.basename(path).endswith("_info.py"):
        assert kinds[0] == "restorekit.aws.attributes.info", "an _info module reads only"
    for name, entry in (doc.get("attributes") or {}).items():
        assert entry.get("description") and entry.get("support") in ("full", "partial", "none", "N/A"), (name, entry)
