# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """The runbook's names, from which a module derives the vault and the backup role when they are not given."""

    DOCUMENTATION = r"""
options:
  project_name:
    description:
      - The runbook's project name. With O(environment), names the vault C(<project_name>-<environment>-backup-vault)
        and the backup role C(<project_name>-<environment>-backup-role) when they are not given.
    type: str
  environment:
    description:
      - The runbook's environment, for example V(prod). Required together with O(project_name).
    type: str
"""
