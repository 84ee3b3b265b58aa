# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for restorekit.aws.restore_report_write: build (from ``report``, by module_utils/_restore_report.py) or
take (``data``) a run's report, and write it as JSON and Markdown, on the control node.

The report belongs to the run, not to a host, so nothing is sent to a host: the Markdown template is rendered by the
controller's templar and both files are written here, each atomically (a temporary file in the same folder, then a
rename), so a reader never sees half a report. They are written in check mode too: they change nothing in AWS, and a
check-mode run's report says it was one.
"""

from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.plugins.filter.core import to_nice_json

from ansible_collections.restorekit.aws.plugins.module_utils._files import replace_atomically
from ansible_collections.restorekit.aws.plugins.module_utils._restore_report import WRITE_ARGUMENT_SPEC as ARGUMENT_SPEC, ReportError, restore_report

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19: template text is trusted as it is

    def trust_as_template(value):
        return value


# Options module_defaults of group/restorekit.aws.aws hands every action of the group; the report has no use for them.
AWS_CONNECTION_OPTIONS = frozenset((
    "access_key", "aws_access_key_id", "aws_access_key", "secret_key", "aws_secret_access_key", "aws_secret_key",
    "session_token", "aws_session_token", "profile", "aws_profile", "endpoint_url", "aws_endpoint_url", "validate_certs",
    "aws_ca_bundle", "aws_config", "debug_botocore_endpoint_logs", "region", "aws_region",
))


def write_atomically(path, text, mode):
    """Write TEXT to PATH through a temporary file in the same folder; return whether the content changed."""
    data = text.encode("utf-8")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                os.chmod(path, mode)
                return False
    except FileNotFoundError:
        pass
    replace_atomically(path, data, mode)
    return True


class ActionModule(ActionBase):
    """Render and write the report on the controller; no module runs on any host."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        args = {key: value for key, value in self._task.args.items() if key not in AWS_CONNECTION_OPTIONS}
        params = self._validate(args)
        if isinstance(params, str):
            result.update(failed=True, msg=params)
            return result
        if (params["data"] is None) == (params["report"] is None):
            result.update(failed=True, msg="give exactly one of data (a report built) and report (what the run gathered, to build it from)")
            return result
        try:
            data = params["data"] if params["report"] is None else restore_report(params["report"])
        except ReportError as e:
            result.update(failed=True, msg=str(e))
            return result
        name = params["name"] or to_text((data.get("run") or {}).get("id") or "")
        if not name or "/" in name or name in (".", ".."):
            result.update(failed=True, msg="name=%r (or data.run.id when name is not given) is not a file name" % name)
            return result
        try:
            mode = int(params["mode"], 8)
        except ValueError:
            result.update(failed=True, msg="mode=%r is not an octal file mode such as 0644" % params["mode"])
            return result
        folder = os.path.realpath(os.path.expanduser(params["dest_dir"]))
        paths = {"json": os.path.join(folder, name + ".json"), "markdown": os.path.join(folder, name + ".md")}
        try:
            source = self._find_needle("templates", params["template"])
            markdown = self._render(source, data, task_vars)
            os.makedirs(folder, mode=0o755, exist_ok=True)
            changed = write_atomically(paths["json"], to_nice_json(data, indent=2, sort_keys=False) + "\n", mode)
            changed = write_atomically(paths["markdown"], markdown, mode) or changed
        except (AnsibleError, OSError) as e:
            result.update(failed=True, msg="could not write the restore report in %s: %s" % (folder, to_text(e)))
            return result
        result.update(changed=changed, paths=paths, data=data)
        return result

    def _validate(self, args):
        """The parameters with defaults, or a message naming the bad option and value."""
        unknown = sorted(set(args) - set(ARGUMENT_SPEC))
        if unknown:
            return "unsupported option(s) %s; supported: %s" % (", ".join(unknown), ", ".join(sorted(ARGUMENT_SPEC)))
        params = {key: args.get(key, spec.get("default")) for key, spec in ARGUMENT_SPEC.items()}
        for key, spec in ARGUMENT_SPEC.items():
            value = params[key]
            if spec.get("required") and value in (None, ""):
                return "%s is required" % key
            if value is None:
                continue
            if spec["type"] == "dict" and not isinstance(value, dict):
                return "%s=%r is not a dictionary" % (key, value)
            if spec["type"] in ("str", "path"):
                if isinstance(value, (dict, list)):
                    return "%s=%r is not a string" % (key, value)
                params[key] = to_text(value)
        return params

    def _render(self, source, data, task_vars):
        """The Markdown: the template rendered as ansible.builtin.template renders it (trim_blocks, trailing newline kept)."""
        if hasattr(self._loader, "get_text_file_contents"):
            template = trust_as_template(self._loader.get_text_file_contents(source))
        else:  # ansible-core < 2.19
            with open(self._loader.get_real_file(source), "rb") as handle:
                template = to_text(handle.read())
        searchpath = []
        for path in list(task_vars.get("ansible_search_path", [])) + [self._loader.get_basedir(), os.path.dirname(source)]:
            searchpath.extend([os.path.join(path, "templates"), path])
        variables = dict(task_vars, restore_report_data=data)
        templar = self._templar.copy_with_new_env(searchpath=searchpath, available_variables=variables)
        rendered = templar.template(template, escape_backslashes=False, overrides=dict(trim_blocks=True, lstrip_blocks=False))
        return to_text(rendered if rendered is not None else "")
