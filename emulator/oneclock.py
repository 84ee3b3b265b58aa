"""One clock for everything the emulator dates.

AWS Backup's points and jobs have always followed the emulator's clock (``backup.Clock``: real time shifted by an
offset the control API moves). moto dates everything else -- S3 objects and their versions (``LastModified``), RDS
instances and snapshots, Auto Scaling activities, EC2 launch times -- with ``moto.core.utils.utcnow``, real time.
With two clocks, a world seeded "three days ago" has recovery points three days old and objects written a minute ago:
every untouched object looks modified after the last backup, and a restore report warns about changes nobody made.

``install(clock)`` points moto's ``utcnow`` at CLOCK: the function in ``moto.core.utils`` itself (so a moto module
imported later binds the emulator's), and the name in every moto module already imported (``from moto.core.utils
import utcnow`` binds the function at import time). moto's few direct ``datetime.now()`` calls (an S3 bucket's
creation date, for one) are left on real time; nothing the collection compares reads them.

RDS stays on real time: the native point-in-time window comes from MariaDB's binary logs, whose timestamps are real
(pitr.py), and an instance's ``InstanceCreateTime`` must agree with that window, or a restore to a time the window
does not hold would look possible. So ``moto.rds`` is imported first and keeps the real ``utcnow``.
"""

from __future__ import annotations

import sys

import moto.core.utils
import moto.rds.models  # noqa: F401  imported before the patch, so it binds real time (see above)

real_utcnow = moto.core.utils.utcnow  # wall-clock time, for what must stay on it (binary log timestamps, pitr.py)


def _moto_utcnow(function):
    return function is real_utcnow or hasattr(function, "emulator_clock")


def install(clock):
    """Make moto's ``utcnow`` (naive UTC, as moto expects) read CLOCK.now(); returns the modules patched."""

    def utcnow():
        return clock.now().replace(tzinfo=None)

    utcnow.emulator_clock = clock
    patched = []
    for name, module in list(sys.modules.items()):
        if name.startswith("moto.rds"):
            continue
        if (name == "moto" or name.startswith("moto.")) and _moto_utcnow(getattr(module, "utcnow", None)):
            module.utcnow = utcnow
            patched.append(name)
    return patched
