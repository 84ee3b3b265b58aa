# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write the AWX job templates' surveys from the roles' argument specs, so that they cannot drift apart.

    python awx/tools/surveys.py            write awx/surveys/<id>.json for every entry of awx/job_templates.yml
    python awx/tools/surveys.py --check    write nothing; exit 1 naming every survey that is out of date

A question is made from a role option (roles/<role>/meta/argument_specs.yml, entry point main) of a role named in
the template's ``survey.roles``:

* skipped when the playbook sets the variable itself (any ``vars:`` in the playbook: an answer, an extra variable,
  would override the playbook's wiring), when its default is templated (it comes from the inventory or from
  another option), when it has no default and is not required (the role derives it), or when its type cannot be
  carried by a survey (dict, list of dict or raw, a list without choices unless the template names it in
  ``survey.comma_separated``);
* str -> text (password when the option is no_log or its name ends in _password), str with choices ->
  multiplechoice, int -> integer, float -> float, bool -> multiplechoice "true"/"false" (AWX has no boolean
  question; the argument spec accepts both strings), list of str with choices -> multiselect;
* the default is the option's default in the form AWX stores it (multiselect: one choice per line); a required
  option without a default, and an option named in ``survey.required``, is a required question that refuses an
  empty answer.

The functions below also answer what AWX would hand a playbook at launch (``launch_extra_vars``), with AWX's own
rules for survey defaults and answers, for the tests.
"""

import argparse
import copy
import json
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AWX_DIR = os.path.join(ROOT, "awx")
TEMPLATES_FILE = os.path.join(AWX_DIR, "job_templates.yml")
SURVEYS_DIR = os.path.join(AWX_DIR, "surveys")
ROLES_DIR = os.path.join(ROOT, "roles")
COLLECTION_PREFIX = "restorekit.aws."
BOOL_CHOICES = ["true", "false"]
WORDS = {"arn": "ARN", "az": "AZ", "db": "DB", "ec2": "EC2", "http": "HTTP", "id": "ID", "ids": "IDs", "iam": "IAM",
         "imdsv2": "IMDSv2", "kms": "KMS", "rds": "RDS", "rpo": "RPO", "s3": "S3", "sns": "SNS", "ssm": "SSM", "url": "URL"}
MARKUP = re.compile(r"\b[A-Z]\(([^()]*)\)")
LINK = re.compile(r"\bL\(([^(),]*),[^()]*\)")


class SurveyError(Exception):
    """The job templates file or an argument spec cannot be turned into a survey."""


def load_templates(path=TEMPLATES_FILE):
    """The entries of awx/job_templates.yml."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    entries = data.get("job_templates") or []
    seen = set()
    for entry in entries:
        for key in ("id", "name", "playbook"):
            if not entry.get(key):
                raise SurveyError("%s: an entry has no %s: %r" % (path, key, entry))
        if entry["id"] in seen:
            raise SurveyError("%s: id %s is used twice" % (path, entry["id"]))
        seen.add(entry["id"])
    return entries


def playbook_exists(entry, root=ROOT):
    return os.path.isfile(os.path.join(root, entry["playbook"]))


def _load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _walk(node, visit):
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def playbook_set_vars(playbook_path):
    """Every variable the playbook sets in a ``vars:`` (play, block, task or include_role vars)."""
    found = set()

    def visit(node):
        if isinstance(node.get("vars"), dict):
            found.update(node["vars"])

    _walk(_load_yaml(playbook_path), visit)
    return found


def playbook_roles(playbook_path):
    """(role, entry point) of every restorekit.aws role the playbook includes or imports, in order.

    The entry point is the include's tasks_from (main without one). Imported playbooks are not followed.
    """
    found = []

    def add(name, entry_point=None):
        if isinstance(name, str) and name.startswith(COLLECTION_PREFIX):
            pair = (name[len(COLLECTION_PREFIX):], entry_point or "main")
            if pair not in found:
                found.append(pair)

    def visit(node):
        for key in ("ansible.builtin.include_role", "ansible.builtin.import_role", "include_role", "import_role"):
            if isinstance(node.get(key), dict):
                add(node[key].get("name"), node[key].get("tasks_from"))
        if isinstance(node.get("roles"), list):
            for role in node["roles"]:
                add(role.get("role", role.get("name")) if isinstance(role, dict) else role)

    _walk(_load_yaml(playbook_path), visit)
    return found


def role_options(role, roles_dir=ROLES_DIR, entry_point="main"):
    """The options of a role's entry point, in the order the argument spec lists them."""
    path = os.path.join(roles_dir, role, "meta", "argument_specs.yml")
    if not os.path.isfile(path):
        raise SurveyError("role %s has no argument spec (%s)" % (role, path))
    specs = (_load_yaml(path) or {}).get("argument_specs") or {}
    if entry_point not in specs:
        raise SurveyError("%s has no entry point %s" % (path, entry_point))
    return specs[entry_point].get("options") or {}


def plain(text):
    """Documentation markup (C(), O(), V(), M(), L()) as plain text."""
    text = LINK.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, MARKUP.sub(r"\1", text)
    return " ".join(text.split())


def _descriptions(option):
    description = option.get("description") or []
    return [plain(part) for part in ([description] if isinstance(description, str) else description)]


def question_name(role, variable):
    """The variable without the role's prefix, as words: a short, predictable form label (the help text says more)."""
    words = variable[len(role) + 1:] if variable.startswith(role + "_") else variable
    words = [WORDS.get(word, word) for word in words.split("_")]
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def is_templated(value):
    return "{{" in json.dumps(value) or "{%" in json.dumps(value)


def question_type(option, variable, comma_separated):
    """The survey type of an option, or None (with the reason) when a survey cannot carry it."""
    kind = option.get("type", "str")
    choices = option.get("choices")
    if kind in ("str", "path"):
        if choices:
            return "multiplechoice", None
        if option.get("no_log") or variable.endswith("_password"):
            return "password", None
        return "text", None
    if kind == "int":
        return "integer", None
    if kind == "float":
        return "float", None
    if kind == "bool":
        return "multiplechoice", None
    if kind == "list" and option.get("elements", "str") == "str":
        if choices:
            return "multiselect", None
        if variable in comma_separated:
            return "text", None
        return None, "a list without choices (name it in survey.comma_separated if the role splits a text)"
    return None, "type %s%s" % (kind, " of %s" % option["elements"] if option.get("elements") else "")


def survey_default(option, qtype):
    """The option's default as AWX stores a survey default."""
    default = option.get("default")
    kind = option.get("type", "str")
    if default is None:
        return "" if qtype in ("text", "password") else None
    if kind == "bool":
        return "true" if default else "false"
    if qtype == "multiselect":
        return "\n".join(default)
    if qtype == "text" and isinstance(default, list):
        return ",".join(str(item) for item in default)
    if qtype == "float":
        return float(default)
    return default


def make_question(role, variable, option, required, comma_separated):
    """One survey question from one argument spec option."""
    qtype, reason = question_type(option, variable, comma_separated)
    if qtype is None:
        raise SurveyError("%s (role %s) cannot be a survey question: %s" % (variable, role, reason))
    choices = option.get("choices")
    if option.get("type") == "bool":
        choices = BOOL_CHOICES
    if choices and any(choice in ("", None) for choice in choices):
        raise SurveyError("%s (role %s): AWX has no empty choice; exclude the option or drop the empty choice" % (variable, role))
    description = " ".join(_descriptions(option))
    if variable in comma_separated:
        description += " Several values: separated by commas."
    question = {
        "question_name": question_name(role, variable),
        "question_description": ("%s (%s, role %s)" % (description, variable, role)).strip(),
        "variable": variable,
        "type": qtype,
        "required": bool(required),
    }
    default = survey_default(option, qtype)
    if default is not None:
        question["default"] = default
    if choices:
        question["choices"] = [str(choice) for choice in choices]
    if qtype in ("text", "password") and required:
        # AWX applies a default only when it passes the question's own checks: "" does not, so the answer is asked for.
        question["min"] = 1
    return question


def survey_for(entry, root=ROOT):
    """(survey spec, skipped) for one template: the spec as AWX takes it, and {variable: why it is not asked}."""
    playbook = os.path.join(root, entry["playbook"])
    survey = entry.get("survey") or {}
    set_by_playbook = playbook_set_vars(playbook)
    required_here = set(survey.get("required") or [])
    comma_separated = set(survey.get("comma_separated") or [])
    # No survey.roles, no survey: a playbook's variables are asked only once a role's argument spec documents them.
    role_entries = survey.get("roles") or []
    questions, skipped, named = [], {}, set()
    for role_entry in role_entries:
        role = role_entry["role"]
        options = role_options(role, os.path.join(root, "roles"), role_entry.get("entry_point", "main"))
        exclude = set(role_entry.get("exclude") or [])
        only = role_entry.get("only")
        for name in sorted(exclude | set(only or [])):
            if name not in options:
                raise SurveyError("%s: %s is not an option of role %s" % (entry["id"], name, role))
        for variable, option in options.items():
            named.add(variable)
            if only is not None and variable not in only:
                continue
            reason = None
            if variable in exclude:
                reason = "excluded in awx/job_templates.yml"
            elif variable in set_by_playbook:
                reason = "set by the playbook"
            elif "default" not in option and not option.get("required"):
                reason = "no default: the role derives it"
            elif is_templated(option.get("default")):
                reason = "templated default (the inventory's)"
            elif question_type(option, variable, comma_separated)[0] is None:
                reason = question_type(option, variable, comma_separated)[1]
            if reason:
                skipped[variable] = reason
                continue
            required = option.get("required", False) or variable in required_here
            questions.append(make_question(role, variable, option, required, comma_separated))
    for variable in sorted((required_here | comma_separated) - named):
        raise SurveyError("%s: %s is not an option of the survey's roles" % (entry["id"], variable))
    for variable in sorted(required_here):
        if variable not in [q["variable"] for q in questions]:
            raise SurveyError("%s: %s is required but not asked (%s)" % (entry["id"], variable, skipped.get(variable)))
    # Required questions first: what a responder must answer is at the top of the form.
    questions.sort(key=lambda question: not question["required"])
    spec = {
        "name": entry["name"],
        "description": " ".join((entry.get("description") or "").split()),
        "spec": questions,
    }
    return spec, skipped


def survey_path(entry, surveys_dir=SURVEYS_DIR):
    return os.path.join(surveys_dir, "%s.json" % entry["id"])


def render(spec):
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files(root=ROOT, templates_file=TEMPLATES_FILE, surveys_dir=SURVEYS_DIR):
    """{path: content} of every survey file, for the entries whose playbook exists."""
    files = {}
    for entry in load_templates(templates_file):
        if playbook_exists(entry, root):
            files[survey_path(entry, surveys_dir)] = render(survey_for(entry, root)[0])
    return files


def _difference(current, expected):
    """Which questions a regeneration adds, removes or changes, for the --check message."""
    try:
        before = {q["variable"]: q for q in json.loads(current).get("spec", [])}
    except ValueError:
        return " (not JSON)"
    after = {q["variable"]: q for q in json.loads(expected)["spec"]}
    parts = [("added " + ", ".join(sorted(set(after) - set(before)))) if set(after) - set(before) else "",
             ("removed " + ", ".join(sorted(set(before) - set(after)))) if set(before) - set(after) else "",
             ("changed " + ", ".join(sorted(v for v in set(before) & set(after) if before[v] != after[v])))
             if any(before[v] != after[v] for v in set(before) & set(after)) else ""]
    parts = [part for part in parts if part]
    return ": " + "; ".join(parts) if parts else ""


def stale(root=ROOT, templates_file=TEMPLATES_FILE, surveys_dir=SURVEYS_DIR):
    """Paths that differ from what the argument specs give, are missing, or belong to no template."""
    expected = expected_files(root, templates_file, surveys_dir)
    problems = []
    for path, content in sorted(expected.items()):
        if not os.path.isfile(path):
            problems.append("%s: missing" % os.path.relpath(path, root))
            continue
        with open(path, encoding="utf-8") as handle:
            current = handle.read()
        if current != content:
            problems.append("%s: out of date%s" % (os.path.relpath(path, root), _difference(current, content)))
    if os.path.isdir(surveys_dir):
        for name in sorted(os.listdir(surveys_dir)):
            path = os.path.join(surveys_dir, name)
            if name.endswith(".json") and path not in expected:
                problems.append("%s: no job template with an existing playbook" % os.path.relpath(path, root))
    return problems


# ---------------------------------------------------------------- what AWX does with a survey at launch
def element_errors(question, data, validate_required=True):
    """AWX's checks of one question against launch data (awx SurveyJobTemplateMixin._survey_element_validation)."""
    variable, qtype = question["variable"], question["type"]
    if variable not in data:
        return ["'%s' value missing" % variable] if validate_required and question.get("required") else []
    value = data[variable]
    errors = []
    if qtype in ("text", "textarea", "password"):
        if not isinstance(value, str):
            return ["Value %r for '%s' expected to be a string." % (value, variable)]
        if question.get("min") not in ("", None) and len(value) < int(question["min"]):
            errors.append("'%s' value %r is too small (length is %d must be at least %s)." % (variable, value, len(value), question["min"]))
        if question.get("max") not in ("", None) and len(value) > int(question["max"]):
            errors.append("'%s' value %r is too large (must be no more than %s)." % (variable, value, question["max"]))
    elif qtype == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append("Value %r for '%s' expected to be an integer." % (value, variable))
    elif qtype == "float":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append("Value %r for '%s' expected to be a numeric type." % (value, variable))
    elif qtype in ("multiplechoice", "multiselect"):
        choices = question.get("choices") or []
        if isinstance(choices, str):
            choices = [choice for choice in choices.splitlines() if choice.strip()]
        values = value if qtype == "multiselect" else [value]
        if qtype == "multiselect" and not isinstance(value, list):
            return ["'%s' value %r is expected to be a list." % (variable, value)]
        for item in values:
            if item not in choices:
                errors.append("Value %r for '%s' expected to be one of %s." % (item, variable, choices))
    return errors


def launch_extra_vars(spec, answers=None):
    """The extra variables AWX gives the playbook: each valid survey default, then the answers; errors refused.

    As the AWX launch form does, a multiselect default (one choice per line) is answered as a list.
    """
    data = {}
    for question in spec.get("spec", []):
        default = question.get("default")
        if default is None:
            continue
        if question["type"] == "multiselect" and isinstance(default, str):
            default = [line for line in default.splitlines() if line.strip()]
        if not element_errors(question, {question["variable"]: default}, validate_required=False):
            data[question["variable"]] = copy.deepcopy(default)
    data.update(answers or {})
    errors = []
    for question in spec.get("spec", []):
        errors += element_errors(question, data)
    if errors:
        raise SurveyError("AWX would refuse the launch: %s" % "; ".join(errors))
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="write nothing; fail when a survey is out of date")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = stale()
            for problem in problems:
                print(problem, file=sys.stderr)
            if problems:
                print("run: python awx/tools/surveys.py", file=sys.stderr)
                return 1
            print("surveys up to date")
            return 0
        expected = expected_files()
        os.makedirs(SURVEYS_DIR, exist_ok=True)
        for name in sorted(os.listdir(SURVEYS_DIR)):
            path = os.path.join(SURVEYS_DIR, name)
            if name.endswith(".json") and path not in expected:
                os.remove(path)
                print("removed %s" % os.path.relpath(path, ROOT))
        for path, content in sorted(expected.items()):
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(content)
            print("wrote %s" % os.path.relpath(path, ROOT))
        for entry in load_templates():
            if not playbook_exists(entry):
                print("skipped %s: %s does not exist yet" % (entry["id"], entry["playbook"]))
    except SurveyError as err:
        print("error: %s" % err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
