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
  - Writes O(data) (the output of the P(restorekit.aws.restore_report#filter) filter) to C(<dest_dir>/<name>.json),
    and its Markdown rendering, the template O(template), to C(<dest_dir>/<name>.md). Used by the role
    P(restorekit.aws.restore_report#role).
  - Runs entirely on the control node, as an action plugin - the report belongs to the run, not to a host, and no
    module is sent anywhere. The template is rendered by the controller's templar, as M(ansible.builtin.template)
    renders it, with O(data) as the variable C(restore_report_data).
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
    type: dict
    required: true
  dest_dir:
    description:
      - Folder for the two files on the control node. C(~) is expanded; a relative path is taken from the working
        directory of ansible-playbook.
    type: path
    required: true
  name:
    description:
      - File name without extension. Defaults to O(data)'s C(run.id).
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
attributes:
  check_mode:
    description: The report belongs to the run, so the files are written in check mode too (the report says so).
    support: full
  diff_mode:
    description: Not supported.
    support: none
  platform:
    description: Runs on the control node.
    support: full
    platforms: posix
notes:
  - The action runs on the control node whatever the task's host or O(ansible.builtin.template#module:dest) would
    suggest; C(delegate_to) makes no difference.
"""

EXAMPLES = r"""
- name: Write the report of this run
  restorekit.aws.restore_report_write:
    data: "{{ restore_report_input | restorekit.aws.restore_report }}"
    dest_dir: reports
  register: report

- name: Show where it is
  ansible.builtin.debug:
    msg: "{{ report.paths.markdown }}"
"""

RETURN = r"""
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


def main():
    module = AnsibleModule(
        argument_spec=dict(
            data=dict(type="dict", required=True),
            dest_dir=dict(type="path", required=True),
            name=dict(type="str"),
            template=dict(type="str", default="restore_report.md.j2"),
            mode=dict(type="str", default="0644"),
        ),
        supports_check_mode=True,
    )
    # The work is done by the action plugin of the same name, on the control node.
    module.fail_json(msg="restorekit.aws.restore_report_write runs as an action plugin on the control node; it cannot run as a module")


if __name__ == "__main__":
    main()
