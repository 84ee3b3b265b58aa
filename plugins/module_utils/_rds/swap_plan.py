# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the in-place swap (runbook 5.3) decides before it changes anything, reached through the
``restorekit.aws.rds_swap_plan`` filter: this run's id, the names it uses and who holds the lock (``begin``), and why
it refuses to start (``refusal``)."""

from __future__ import annotations

import datetime
import getpass
import os
import random


def _user(environ):
    for name in ("SUDO_USER", "USER", "LOGNAME"):
        if environ.get(name):
            return environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def begin(production, run_id="", holder="", awx_job_id=None, now=None, environ=None):
    """{stamp, run, restore_identifier, old_identifier, snapshot_identifier, lock_holder}: one timestamp for every name
    of this run. The run id, unless given, is the stamp and a number drawn from it, production and the user (two
    responders starting in the same second get different ids); the lock holder, unless given, is the user (and the AWX
    job)."""
    environ = os.environ if environ is None else environ
    stamp = (now or datetime.datetime.now(datetime.timezone.utc)).astimezone(datetime.timezone.utc).strftime("%Y%m%d%H%M%S")
    user = _user(environ)
    run = run_id or "swap-%s-%d" % (stamp, random.Random("%s%s%s" % (stamp, production, user)).randrange(99999))
    if not holder:
        holder = user + ((" (AWX job %s)" % awx_job_id) if awx_job_id not in (None, "") else "")
    return {"stamp": stamp, "run": run, "restore_identifier": "%s-swap-%s" % (production, stamp),
            "old_identifier": "%s-old-%s" % (production, stamp), "snapshot_identifier": "%s-pre-swap-%s" % (production, stamp),
            "lock_holder": holder}


def refusal(production_info, production="", names_info=None, groups_info=None):
    """Why the swap must not start ('' when it may): production missing or not available, a name the swap would use
    already taken, a writer group that does not exist. The inputs are the _info modules' registered results."""
    reasons = []
    instances = (production_info or {}).get("instances") or []
    if not instances:
        reasons.append("production %s was not found" % production)
    elif instances[0].get("db_instance_status") != "available":
        reasons.append("production %s is %s, not available" % (production, instances[0].get("db_instance_status")))
    # One rds_instance_info read of the names (filters db-instance-id): what it found is taken.
    taken = sorted(instance.get("db_instance_identifier") for instance in (names_info or {}).get("instances") or [])
    if taken:
        reasons.append("these DB identifiers already exist: %s" % ", ".join(taken))
    missing = [result.get("item") for result in (groups_info or {}).get("results") or [] if not result.get("results")]
    if missing:
        reasons.append("rds_swap_writer_asgs names groups that do not exist: %s" % ", ".join(missing))
    return "Refusing the in-place swap, nothing was changed: %s" % "; ".join(reasons) if reasons else ""
