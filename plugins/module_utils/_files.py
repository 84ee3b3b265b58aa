# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files the collection writes on the control node (reports, baselines): whole or not at all."""

from __future__ import annotations

import os
import tempfile


def replace_atomically(path, data, mode=None):
    """Write DATA (bytes) to PATH through a temporary file in the same folder, then a rename: a reader, or a run that
    dies halfway, sees the old file or the new one, never half of one. MODE, when given, is set before the rename;
    otherwise the file is private to its owner (0600)."""
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
