"""tools/design_figures.py counts what it says it counts: set_fact tasks, Jinja statements in task files and
playbooks, templates read back as data, and long task files - role metadata aside."""

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC = importlib.util.spec_from_file_location("design_figures", os.path.join(ROOT, "tools", "design_figures.py"))
design_figures = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(design_figures)


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_each_figure_finds_its_lines(tmp_path):
    write(tmp_path, "roles/r/tasks/main.yml", "\n".join([
        "- name: A",
        "  ansible.builtin.set_fact:",
        "    x: \"{% for i in y %}{{ i }}{% endfor %}\"",
        "- name: B",
        "  set_fact:",
        "    z: \"{{ lookup('ansible.builtin.template', 'decide.j2', template_vars={'a': true}) | from_json }}\"",
        "- name: C",
        "  ansible.builtin.debug:",
        "    msg: \"{{ lookup('template', 'text.j2') }}\"",
    ]))
    write(tmp_path, "roles/r/meta/argument_specs.yml", "x\n" * 200)
    write(tmp_path, "playbooks/long.yml", "- x\n" * 121)
    write(tmp_path, "playbooks/short.yml", "- x\n" * 120)
    found = design_figures.figures(str(tmp_path))
    assert found["set_fact"] == ["roles/r/tasks/main.yml:2", "roles/r/tasks/main.yml:5"]
    assert found["jinja_statement_lines"] == ["roles/r/tasks/main.yml:3"]
    assert found["data_templates"] == ["roles/r/tasks/main.yml:6 decide.j2"]
    assert found["files_over_120_lines"] == ["playbooks/long.yml (121 lines)"]


def test_the_checkout_has_no_jinja_statement_in_a_task_file_or_playbook():
    assert design_figures.figures()["jinja_statement_lines"] == []
