# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWX as code (awx/) and the execution environment (execution-environment.yml), without a controller.

What a responder relies on: every survey question asks for a role option as the role's argument spec declares it
(type, choices, default), so an answer can never be one the role refuses and a default is the role's own; whatever a
playbook cannot run without is asked; the surveys are regenerated whenever an argument spec changes; awx/configure.yml
uses only options the awx.awx modules have; the schedules' rules are ones AWX accepts and their answers pass the
survey; the execution environment's build context is complete.
"""

import datetime
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml
from dateutil import rrule, tz

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
AWX_MODULES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(yaml.__file__))), "ansible_collections", "awx", "awx",
                           "plugins", "modules")
_SPEC = importlib.util.spec_from_file_location("restorekit_awx_surveys_unit", os.path.join(ROOT, "awx", "tools", "surveys.py"))
surveys = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(surveys)

TEMPLATES = [entry for entry in surveys.load_templates() if surveys.playbook_exists(entry)]
IDS = [entry["id"] for entry in TEMPLATES]
# Which AWX question types can carry which argument spec types (bool: AWX has no boolean question).
CARRIES = {
    "text": {"str", "path", "list"},
    "password": {"str"},
    "multiplechoice": {"str", "bool"},
    "multiselect": {"list"},
    "integer": {"int"},
    "float": {"float"},
}


def survey(entry):
    with open(surveys.survey_path(entry), encoding="utf-8") as handle:
        return json.load(handle)


def all_role_options():
    """{variable: (role, option)} over every role's argument spec."""
    found = {}
    for role in sorted(os.listdir(os.path.join(ROOT, "roles"))):
        path = os.path.join(ROOT, "roles", role, "meta", "argument_specs.yml")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                entry_points = yaml.safe_load(handle)["argument_specs"]
            for entry_point in entry_points:
                for variable, option in surveys.role_options(role, entry_point=entry_point).items():
                    found.setdefault(variable, []).append((role, option))
    return found


def as_survey_default(option, question):
    """The argument spec's default in the form AWX stores it for QUESTION, written out independently of the tool."""
    default = option.get("default")
    if option.get("type") == "bool":
        return {True: "true", False: "false"}[default]
    if question["type"] == "multiselect":
        return "\n".join(default)
    if question["type"] == "text" and option.get("type") == "list":
        return ",".join(default or [])
    if default is None:
        return ""
    return default


def test_the_surveys_are_up_to_date():
    """`python awx/tools/surveys.py --check`: a role option added, changed or removed shows here until regenerated."""
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "awx", "tools", "surveys.py"), "--check"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("entry", TEMPLATES, ids=IDS)
def test_every_question_matches_an_argument_spec_option(entry):
    options = all_role_options()
    spec = survey(entry)
    assert spec["name"] == entry["name"] and spec["description"]
    variables = [question["variable"] for question in spec["spec"]]
    assert len(variables) == len(set(variables)), "a variable is asked twice"
    for question in spec["spec"]:
        variable = question["variable"]
        assert variable in options, "%s asks %s, which no role's argument spec declares" % (entry["id"], variable)
        role, option = options[variable][0]
        # One variable, one meaning: every entry point declaring it gives it the same type, choices and default.
        shape = [{key: other.get(key) for key in ("type", "elements", "choices", "default")} for _role, other in options[variable]]
        assert all(item == shape[0] for item in shape), (variable, shape)
        kind = option.get("type", "str")
        assert kind in CARRIES[question["type"]], "%s: a %s question cannot carry a %s option" % (variable, question["type"], kind)
        if kind == "list":
            assert option.get("elements", "str") == "str", variable
            if question["type"] == "text":
                assert variable in (entry.get("survey") or {}).get("comma_separated", []), variable
        if kind == "bool":
            assert question["choices"] == ["true", "false"], variable
        elif option.get("choices"):
            assert question["choices"] == [str(choice) for choice in option["choices"]], variable
        else:
            assert "choices" not in question, variable
        if "default" in option:
            assert question.get("default") == as_survey_default(option, question), "%s: the survey's default is not role %s's" % (
                variable, role)
        if option.get("no_log"):
            assert question["type"] == "password", variable
        # A default a survey cannot show (templated: the inventory's) is never asked: an answer would replace it.
        assert "{{" not in json.dumps(question.get("default", "")), variable


@pytest.mark.parametrize("entry", TEMPLATES, ids=IDS)
def test_what_the_playbook_cannot_run_without_is_a_required_question(entry):
    """Every required option without a default, of every role the playbook includes, is set by the playbook or asked."""
    playbook = os.path.join(ROOT, entry["playbook"])
    set_here = surveys.playbook_set_vars(playbook)
    questions = {question["variable"]: question for question in survey(entry)["spec"]}
    for role, entry_point in surveys.playbook_roles(playbook):
        for variable, option in surveys.role_options(role, entry_point=entry_point).items():
            if option.get("required") and "default" not in option and variable not in set_here:
                assert variable in questions and questions[variable]["required"], "%s: %s (role %s) is neither set nor asked" % (
                    entry["id"], variable, role)
    for variable in (entry.get("survey") or {}).get("required", []):
        assert questions[variable]["required"], variable
    for variable, question in questions.items():
        assert variable not in set_here, "%s: asking %s would override what the playbook sets" % (entry["id"], variable)
        if question["required"] and question["type"] in ("text", "password"):
            # An empty answer is refused, so the launch form cannot pass the empty default through.
            assert question.get("min", 0) >= 1, variable


@pytest.mark.parametrize("entry", TEMPLATES, ids=IDS)
def test_awx_takes_every_default_and_refuses_bad_answers(entry):
    spec = survey(entry)
    required = {question["variable"] for question in spec["spec"] if question["required"]}
    if required:
        with pytest.raises(surveys.SurveyError) as err:
            surveys.launch_extra_vars(spec, {})
        for variable in required:
            assert variable in str(err.value)
    answers = {variable: "x" for variable in required}
    extra = surveys.launch_extra_vars(spec, answers)
    for question in spec["spec"]:
        variable = question["variable"]
        if question["required"]:
            continue
        assert variable in extra, "%s: AWX would drop the default of %s" % (entry["id"], variable)
        if question["type"] in ("multiplechoice", "multiselect"):
            values = extra[variable] if question["type"] == "multiselect" else [extra[variable]]
            assert set(values) <= set(question["choices"]), variable
            wrong = ["not-a-choice"] if question["type"] == "multiselect" else "not-a-choice"
            with pytest.raises(surveys.SurveyError, match=variable):
                surveys.launch_extra_vars(spec, dict(answers, **{variable: wrong}))
        if question["type"] == "integer":
            with pytest.raises(surveys.SurveyError, match=variable):
                surveys.launch_extra_vars(spec, dict(answers, **{variable: "12"}))


def test_every_template_and_schedule_is_well_formed():
    ids, names = set(), set()
    for entry in surveys.load_templates():
        assert entry["id"] not in ids and entry["name"] not in names
        ids.add(entry["id"])
        names.add(entry["name"])
        assert entry["playbook"].startswith("playbooks/") and entry["playbook"].endswith(".yml")
        for role_entry in (entry.get("survey") or {}).get("roles", []):
            assert os.path.isfile(os.path.join(ROOT, "roles", role_entry["role"], "meta", "argument_specs.yml")), role_entry
    # The playbooks of the templates are the playbooks there are.
    playbooks = {entry["playbook"] for entry in surveys.load_templates()}
    on_disk = {"playbooks/" + name for name in os.listdir(os.path.join(ROOT, "playbooks")) if name.endswith(".yml")}
    assert on_disk <= playbooks, "playbooks without a job template: %s" % sorted(on_disk - playbooks)
    # The in-place template is the workflow's swap node: it must allow the job type to be set.
    in_place = [entry for entry in surveys.load_templates() if entry["id"] == "rds_restore_in_place"]
    assert in_place and in_place[0]["extra_vars"]["rds_restore_mode"] == "in_place"


def schedules():
    return [(entry, schedule) for entry in surveys.load_templates() for schedule in entry.get("schedules", [])]


def test_the_health_check_and_the_drill_are_scheduled():
    scheduled = {pair[0]["id"] for pair in schedules()}
    assert {"backup_health", "restore_drill"} <= scheduled


@pytest.mark.parametrize("entry,schedule", schedules(), ids=[pair[1]["name"] for pair in schedules()])
def test_a_schedule_is_one_awx_accepts(entry, schedule):
    """One DTSTART in UTC and one RRULE, no BYDAY with a numeric prefix nor COUNT above 999 (AWX refuses those)."""
    rule = schedule["rrule"]
    assert re.fullmatch(r"DTSTART:\d{8}T\d{6}Z RRULE:[A-Z0-9=;,+-]+", rule), rule
    assert not re.search(r"BYDAY=[^;]*[0-9][A-Z]{2}", rule), rule
    count = re.search(r"COUNT=(\d+)", rule)
    assert not count or int(count.group(1)) <= 999
    start = datetime.datetime(2026, 11, 24, tzinfo=tz.tzutc())
    occurrences = list(rrule.rrulestr(rule.replace(" ", "\n")).xafter(start, count=4))
    assert len(occurrences) == 4
    if entry["id"] == "restore_drill":
        # At least quarterly (runbook 4), on a weekday.
        gaps = [(b - a).days for a, b in zip(occurrences, occurrences[1:])]
        assert max(gaps) <= 92 and all(when.weekday() < 5 for when in occurrences), occurrences
    if entry["id"] == "backup_health":
        # After the daily backup window (05:00 UTC), every day.
        assert all((b - a).days == 1 for a, b in zip(occurrences, occurrences[1:]))
        assert all(when.hour >= 6 for when in occurrences)
    if surveys.playbook_exists(entry):
        # The schedule's answers pass the survey, as AWX checks them when the schedule is saved.
        surveys.launch_extra_vars(survey(entry), schedule.get("extra_data") or {})


def module_options(module):
    """The options (and aliases) of an awx.awx module, from its DOCUMENTATION and the shared auth fragment."""
    with open(os.path.join(AWX_MODULES, module + ".py"), encoding="utf-8") as handle:
        source = handle.read()
    doc = yaml.safe_load(re.search(r"DOCUMENTATION = r?'''(.*?)'''", source, re.S).group(1))
    with open(os.path.join(os.path.dirname(AWX_MODULES), "doc_fragments", "auth.py"), encoding="utf-8") as handle:
        auth = yaml.safe_load(re.search(r"DOCUMENTATION = r?'''(.*?)'''", handle.read(), re.S).group(1))
    options = dict(doc["options"], **auth["options"])
    names = set(options)
    for option in options.values():
        names.update(option.get("aliases") or [])
    return options, names


def test_configure_uses_only_options_the_awx_modules_have():
    with open(os.path.join(ROOT, "awx", "configure.yml"), encoding="utf-8") as handle:
        plays = yaml.safe_load(handle)
    used = []
    for task in plays[0]["tasks"]:
        for key, args in task.items():
            if key.startswith("awx.awx."):
                module = key[len("awx.awx."):]
                options, names = module_options(module)
                unknown = set(args) - names
                assert not unknown, "%s: %s" % (key, sorted(unknown))
                used.append(module)
                if module == "workflow_job_template":
                    node_options = options["workflow_nodes"]["suboptions"]
                    for node in args["workflow_nodes"]:
                        assert not set(node) - set(node_options), node
                        assert not set(node["unified_job_template"]) - set(node_options["unified_job_template"]["suboptions"])
                if module == "role":
                    assert args["role"] in options["role"]["choices"]
    assert {"project", "inventory", "inventory_source", "credential", "job_template", "workflow_job_template", "team", "role",
            "schedule"} <= set(used)


def test_configure_builds_the_approval_workflow_and_the_responders_rights():
    with open(os.path.join(ROOT, "awx", "configure.yml"), encoding="utf-8") as handle:
        tasks = yaml.safe_load(handle)[0]["tasks"]
    workflow_task = next(task for task in tasks if "awx.awx.workflow_job_template" in task)
    workflow = workflow_task["awx.awx.workflow_job_template"]
    nodes = {node["identifier"]: node for node in workflow["workflow_nodes"]}
    approval = [node for node in nodes.values() if node["unified_job_template"]["type"] == "workflow_approval"]
    swap = [node for node in nodes.values() if node["unified_job_template"]["type"] == "job_template"]
    assert len(approval) == 1 and len(swap) == 1
    # The swap runs only when the approval succeeds, and nothing else leads to it.
    assert approval[0]["related"]["success_nodes"] == [{"identifier": swap[0]["identifier"]}]
    assert not (approval[0]["related"].get("always_nodes") or approval[0]["related"].get("failure_nodes"))
    # The workflow asks what the swap's template asks.
    assert workflow["survey_enabled"] is True and "restorekit_awx_swap_survey" in workflow["survey_spec"]
    assert "/surveys/rds_restore_in_place.json" in workflow_task["vars"]["restorekit_awx_swap_survey"]
    roles = [task["awx.awx.role"] for task in tasks if "awx.awx.role" in task]
    responders = [role for role in roles if role["team"] == "{{ restorekit_awx_responders_team }}"]
    assert [role["role"] for role in responders] == ["execute"]
    credential = next(task for task in tasks if "awx.awx.credential" in task)
    assert credential["no_log"] is True and credential["awx.awx.credential"]["credential_type"] == "Amazon Web Services"


def test_configure_puts_the_restore_access_request_behind_an_approval_the_approvers_give():
    """The request for restore access to the air-gapped vault runs only after an approver's yes; the responders may
    launch that workflow, the approvers approve it."""
    with open(os.path.join(ROOT, "awx", "configure.yml"), encoding="utf-8") as handle:
        plays = yaml.safe_load(handle)
    tasks, play_vars = plays[0]["tasks"], plays[0]["vars"]
    workflows = [task for task in tasks if "awx.awx.workflow_job_template" in task]
    access_task = next(task for task in workflows
                       if task["awx.awx.workflow_job_template"]["name"] == "{{ restorekit_awx_access_workflow }}")
    access = access_task["awx.awx.workflow_job_template"]
    nodes = {node["identifier"]: node for node in access["workflow_nodes"]}
    approval = [node for node in nodes.values() if node["unified_job_template"]["type"] == "workflow_approval"]
    request = [node for node in nodes.values() if node["unified_job_template"]["type"] == "job_template"]
    assert len(approval) == 1 and len(request) == 1
    assert approval[0]["related"]["success_nodes"] == [{"identifier": request[0]["identifier"]}]
    assert not (approval[0]["related"].get("always_nodes") or approval[0]["related"].get("failure_nodes"))
    assert "'restore_access_vault'" in request[0]["unified_job_template"]["name"]
    assert "/surveys/restore_access_vault.json" in access_task["vars"]["restorekit_awx_access_survey"]
    assert play_vars["restorekit_awx_access_workflow"] != play_vars["restorekit_awx_workflow"]
    roles = [task["awx.awx.role"] for task in tasks if "awx.awx.role" in task]
    by_team = {(role["team"], role["role"]): role for role in roles}
    for team, role in (("{{ restorekit_awx_responders_team }}", "execute"), ("{{ restorekit_awx_approvers_team }}", "approval")):
        assert "{{ restorekit_awx_access_workflow }}" in by_team[(team, role)]["workflows"]
    assert any(entry["id"] == "restore_access_vault" for entry in surveys.load_templates())


def ansible_env():
    return dict(os.environ, ANSIBLE_CONFIG=os.path.join(ROOT, "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                PATH=os.pathsep.join([BIN, os.environ.get("PATH", "")]))


def test_configure_passes_syntax_check():
    proc = subprocess.run([os.path.join(BIN, "ansible-playbook"), "--syntax-check", "-i", "localhost,",
                           os.path.join(ROOT, "awx", "configure.yml")], capture_output=True, text=True, env=ansible_env(),
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_configure_and_the_execution_environment_pass_ansible_lint_production():
    proc = subprocess.run([os.path.join(BIN, "ansible-lint"), "--profile", "production", "--offline", "--nocolor",
                           "awx/", "execution-environment.yml"], capture_output=True, text=True, env=ansible_env(),
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_new_role_option_makes_the_check_fail(tmp_path):
    """The drift the generator exists for: an option added to an argument spec is a survey out of date, then a question."""
    for name in ("awx", "roles", "playbooks"):
        shutil.copytree(os.path.join(ROOT, name), tmp_path / name, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", "reports"))
    templates, surveys_dir = str(tmp_path / "awx" / "job_templates.yml"), str(tmp_path / "awx" / "surveys")
    assert surveys.stale(str(tmp_path), templates, surveys_dir) == []
    spec_path = tmp_path / "roles" / "backup_health" / "meta" / "argument_specs.yml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["argument_specs"]["main"]["options"]["backup_health_newest_only"] = {
        "description": "A new option.", "type": "int", "choices": [1, 2], "default": 2}
    spec_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    assert surveys.stale(str(tmp_path), templates, surveys_dir) == [
        "awx/surveys/backup_health.json: out of date: added backup_health_newest_only"]
    entry = next(entry for entry in surveys.load_templates(templates) if entry["id"] == "backup_health")
    question = next(q for q in surveys.survey_for(entry, str(tmp_path))[0]["spec"] if q["variable"] == "backup_health_newest_only")
    assert question["type"] == "integer" and question["default"] == 2 and question["choices"] == ["1", "2"]


def test_ansible_builder_creates_the_execution_environment_context(tmp_path):
    """`ansible-builder create` on execution-environment.yml, with the collection tarball `make build` makes."""
    with open(os.path.join(ROOT, "execution-environment.yml"), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copy(os.path.join(ROOT, "execution-environment.yml"), checkout)
    for key in ("galaxy", "python", "system"):
        (checkout / os.path.dirname(definition["dependencies"][key])).mkdir(parents=True, exist_ok=True)
        shutil.copy(os.path.join(ROOT, definition["dependencies"][key]), checkout / definition["dependencies"][key])
    env = dict(os.environ)
    env.pop("ANSIBLE_CONFIG", None)
    subprocess.run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(checkout / ".build"),
                    ROOT], check=True, capture_output=True, text=True, env=env, cwd=str(tmp_path))
    tarball = [name for name in os.listdir(checkout / ".build") if name.endswith(".tar.gz")]
    assert len(tarball) == 1
    proc = subprocess.run([os.path.join(BIN, "ansible-builder"), "create", "-f", "execution-environment.yml", "--context",
                           str(tmp_path / "context"), "--output-filename", "Containerfile"], capture_output=True, text=True,
                          cwd=str(checkout), env=dict(env, PATH=os.pathsep.join([BIN, env.get("PATH", "")])), check=False)
    assert proc.returncode == 0 and "WARNING" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    with tarfile.open(context / "_build" / "restorekit" / tarball[0]) as archive:
        assert "MANIFEST.json" in archive.getnames() and "roles/rds_swap/meta/argument_specs.yml" in archive.getnames()
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    collections = {item["name"]: item for item in galaxy["collections"]}
    assert {"amazon.aws", "community.aws", "community.mysql"} <= set(collections)
    local = [item for item in galaxy["collections"] if item.get("type") == "file"]
    assert len(local) == 1 and "mv \"$1\" %s" % local[0]["name"] in containerfile
    python = (context / "_build" / "requirements.txt").read_text(encoding="utf-8").lower()
    for package in ("boto3", "botocore", "pymysql"):
        assert re.search(r"^%s==" % package, python, re.M), package
    # The ansible-core the collection is tested with.
    with open(os.path.join(ROOT, "requirements-dev.txt"), encoding="utf-8") as handle:
        assert "ansible==12.3.0" in handle.read()
    assert "ansible-core==2.19.14" in containerfile
