#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: restore_report_write
version_added: 0.1.0
short_description: Write a restore run's report as JSON and Markdown on the control node
description:
  - Writes the report of a run - O(data), as the P(restorekit.aws.restore_report#filter) filter builds it, or the one
    built here from O(report), the same filter's input - to C(<dest_dir>/<name>.json), and its Markdown rendering, the
    template O(template), to C(<dest_dir>/<name>.md). Used by the role P(restorekit.aws.restore_report#role).
  - Runs entirely on the control node, as an action plugin - the report belongs to the run, not to a host, and no
    module is sent anywhere. The template is rendered by the controller's templar, as M(ansible.builtin.template)
    renders it, with the report as the variable C(restore_report_data).
  - Creates O(dest_dir) when missing (mode 0755). Each file is written atomically (a temporary file in the same
    folder, then a rename), and only when its content differs; the task reports a change when either file changed.
  - Writes in check mode too, since the files change nothing in AWS; the report itself says that the run was a
    check-mode run.
  - Options that C(module_defaults) of C(group/restorekit.aws.aws) hands to every module of the group (region,
    endpoint_url, credentials) are accepted and ignored.
author:
  - restorekit contributors (@restorekit)
options:
  data:
    description:
      - The report, as the P(restorekit.aws.restore_report#filter) filter builds it. Written as JSON (2-space indent,
        keys in their order).
      - Exactly one of O(data) and O(report) is required.
    type: dict
  report:
    description:
      - What the run gathered, the input of the P(restorekit.aws.restore_report#filter) filter (C(run), C(recovery_points),
        C(restore_jobs), C(checks), C(resources), C(notes), C(outcome), C(phases), ...); the report is built from it on the
        control node, by the same rules, and returned as RV(data).
      - Exactly one of O(data) and O(report) is required.
    type: dict
  dest_dir:
    description:
      - Folder for the two files on the control node. C(~) is expanded; a relative path is taken from the working
        directory of ansible-playbook.
    type: path
    required: true
  name:
    description:
      - File name without extension. Defaults to the report's C(run.id).
      - Must not contain C(/).
    type: str
  template:
    description:
      - The Markdown template, looked up in the C(templates) folders of the role and the playbook as
        M(ansible.builtin.template) looks up O(ansible.builtin.template#module:src).
    type: str
    default: restore_report.md.j2
  mode:
    description:
      - Octal permissions of both files.
    type: str
    default: "0644"
notes:
  - The action runs on the control node whatever the task's host or O(ansible.builtin.template#module:dest) would
    suggest; C(delegate_to) makes no difference.
extends_documentation_fragment:
  - restorekit.aws.attributes.controller
attributes:
  check_mode:
    description: The report belongs to the run, so the files are written in check mode too (the report says so).
    support: full
"""

EXAMPLES = r"""
- name: Build and write the report of this run
  restorekit.aws.restore_report_write:
    report:
      run:
        id: rds-restore-incident-4711
        playbook: rds-restore
      recovery_points: "{{ [rds_restore_point] }}"
      checks: "{{ validate_mysql_result }}"
      outcome: succeeded
    dest_dir: ~/restore-reports
  register: report

- name: Write a report built beforehand
  restorekit.aws.restore_report_write:
    data: "{{ restore_report_input | restorekit.aws.restore_report }}"
    dest_dir: reports
  register: report

- name: Show where it is
  ansible.builtin.debug:
    msg: "{{ report.paths.markdown }}"
"""

RETURN = r"""
data:
  description: The report written (see C(docs/restore-report.md)).
  returned: success
  type: dict
  contains:
    run:
      description: The run - C(id), C(playbook), C(started), C(finished), C(duration_seconds), C(check_mode), C(who).
      type: dict
      returned: always
      contains:
        id:
          description: The run's id, the report's file name without extension.
          type: str
          returned: always
          sample: rds-restore-20261124T031000Z
        playbook:
          description: The playbook that ran.
          type: str
          returned: always
          sample: rds_restore.yml
        started:
          description: When the run started (ISO 8601 UTC).
          type: str
          returned: always
          sample: "2026-11-24T02:40:00Z"
        finished:
          description: When it finished (ISO 8601 UTC).
          type: str
          returned: always
          sample: "2026-11-24T03:10:00Z"
        duration_seconds:
          description: Whole seconds from C(started) to C(finished).
          type: int
          returned: always
          sample: 1800
        check_mode:
          description: Whether the run was a dry run.
          type: bool
          returned: always
          sample: false
        who:
          description: Who ran it - C(kind) V(awx) with the AWX job, or V(local) with the user and host.
          type: dict
          returned: always
          sample: {"kind": "local", "user": "oncall", "host": "bastion-1"}
          contains:
            kind:
              description: V(awx) or V(local).
              type: str
              returned: always
              sample: local
            awx_job_id:
              description: The AWX job's id.
              type: str
              returned: when C(kind) is V(awx)
              sample: "4711"
            awx_job_template:
              description: The AWX job template, or null.
              type: str
              returned: when C(kind) is V(awx)
              sample: rds-restore
            awx_user:
              description: The AWX user who launched the job, or null.
              type: str
              returned: when C(kind) is V(awx)
              sample: alice
            user:
              description: The user who ran the playbook (the one behind C(sudo) when there is one).
              type: str
              returned: when C(kind) is V(local)
              sample: oncall
            host:
              description: The host it ran on.
              type: str
              returned: when C(kind) is V(local)
              sample: bastion-1
    outcome:
      description: C(succeeded) or C(failed).
      type: str
      sample: succeeded
    checks:
      description: Each check, C({name, target, result, details}).
      type: list
      elements: dict
      returned: always
      contains:
        name:
          description: The check's name.
          type: str
          returned: always
          sample: mysql table plans
        target:
          description: What was checked, or null.
          type: str
          returned: always
          sample: "multi-tenant-app-prod-db-restore:3306"
        result:
          description: V(pass), V(fail), V(warn) or V(skip).
          type: str
          returned: always
          sample: pass
        details:
          description: The check's details, free form, as given (keys that look like credentials removed).
          type: raw
          returned: always
          sample: {"reasons": [], "rows": 3}
        time:
          description: When the check ran (ISO 8601 UTC), or null when not given.
          type: str
          returned: always
          sample: "2026-11-24T03:08:00Z"
paths:
  description: Absolute paths of the files written.
  returned: success
  type: dict
  contains:
    json:
      description: The JSON report.
      type: str
      sample: /home/oncall/reports/rds-restore-20261124T031000Z.json
    markdown:
      description: The Markdown report.
      type: str
      sample: /home/oncall/reports/rds-restore-20261124T031000Z.md
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import WRITE_ARGUMENT_SPEC
from ansible_collections.restorekit.aws.plugins.module_utils._process import module_process


def main():
    module = AnsibleModule(
        argument_spec=WRITE_ARGUMENT_SPEC,
        required_one_of=[("data", "report")],
        mutually_exclusive=[("data", "report")],
        supports_check_mode=True,
    )
    # The work is done by the action plugin of the same name, on the control node.
    module.fail_json(msg="restorekit.aws.restore_report_write runs as an action plugin on the control node; it cannot run as a module")


if __name__ == "__main__":
    module_process()
    main()
