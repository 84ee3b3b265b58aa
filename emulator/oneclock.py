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

RDS is on the clock too. Its native point-in-time window comes from MariaDB's binary logs, whose timestamps are real:
the clock keeps every offset it had and since when (``backup.Clock.history``), so ``to_clock`` dates a real instant as
the clock dated it then and ``to_real`` finds the real instant of a time on the clock (pitr.py). An instance's
``InstanceCreateTime``, its snapshots and its window then agree with the recovery points of the same world.
"""

from __future__ import annotations

import sys

import time

import moto.core.utils
# Imported here so that its `utcnow` is patched below with the rest.
import moto.rds.models  # noqa: F401  pylint: disable=unused-import

real_utcnow = moto.core.utils.utcnow  # wall-clock time
CLOCK = []  # the installed clock (one per emulator process)


def to_clock(real_epoch):
    """REAL_EPOCH (seconds, real time) as the emulator's clock dated it; unchanged without a clock."""
    return CLOCK[0].to_clock(real_epoch) if CLOCK else real_epoch


def to_real(clock_epoch):
    """The latest real instant at which the clock read CLOCK_EPOCH or earlier; unchanged without a clock."""
    return CLOCK[0].to_real(clock_epoch) if CLOCK else clock_epoch


def now_epoch():
    """The clock's now, in epoch seconds."""
    return to_clock(time.time())


def _moto_utcnow(function):
    return function is real_utcnow or hasattr(function, "emulator_clock")


def install(clock):
    """Make moto's ``utcnow`` (naive UTC, as moto expects) read CLOCK.now(); returns the modules patched."""

    def utcnow():
        return clock.now().replace(tzinfo=None)

    utcnow.emulator_clock = clock
    CLOCK[:] = [clock]
    patched = []
    for name, module in list(sys.modules.items()):
        if (name == "moto" or name.startswith("moto.")) and _moto_utcnow(getattr(module, "utcnow", None)):
            module.utcnow = utcnow
            patched.append(name)
    return patched
