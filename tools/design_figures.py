# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the figures the roles and playbooks are held to (docs/development.md, "Where a rule lives"): rules live in
Python (plugins/module_utils, reached through a module, an action or a filter); roles and playbooks hold the order of
the runbook's steps.


- set_fact tasks in roles and playbooks together (at most 30);
- lines with a Jinja statement (``{%``) in task files and playbooks (none);
- templates that compute data - rendered and read back with ``from_json`` - rather than text for people (none);
- task files and playbooks over 120 lines, argument specs and other role metadata aside (none).

Run from anywhere: ``python3 tools/design_figures.py`` (``--list`` names the files behind each figure).
"""

import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SET_FACT = re.compile(r"^\s*(ansible\.builtin\.)?set_fact:")
STATEMENT = re.compile(r"\{%")
TEMPLATE_AS_DATA = re.compile(r"""lookup\(\s*['"](ansible\.builtin\.)?template['"]\s*,\s*['"]([^'"]+)['"][^)]*\)\s*\|\s*(ansible\.builtin\.)?from_json""")
LIMIT = {"set_fact": 30, "jinja_statement_lines": 0, "data_templates": 0, "files_over_120_lines": 0}


def yaml_files(root):
    for top in ("roles", "playbooks"):
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.endswith((".yml", ".yaml")):
                    yield os.path.join(folder, name)


def figures(root=ROOT):
    """Each figure's findings (file:line, or file and length) under ROOT."""
    found = {key: [] for key in LIMIT}
    for path in yaml_files(root):
        relative = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        found["set_fact"] += ["%s:%d" % (relative, n) for n, line in enumerate(lines, 1) if SET_FACT.match(line)]
        found["jinja_statement_lines"] += ["%s:%d" % (relative, n) for n, line in enumerate(lines, 1) if STATEMENT.search(line)]
        found["data_templates"] += ["%s:%d %s" % (relative, n, m.group(2)) for n, line in enumerate(lines, 1)
                                    for m in TEMPLATE_AS_DATA.finditer(line)]
        if len(lines) > 120 and "meta" not in relative.split(os.sep):
            found["files_over_120_lines"].append("%s (%d lines)" % (relative, len(lines)))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="name the files and lines behind each figure")
    args = parser.parse_args(argv)
    found = figures()
    for key, limit in LIMIT.items():
        print("%-22s %4d  (goal: at most %d)" % (key, len(found[key]), limit))
        if args.list:
            for where in found[key]:
                print("    " + where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
