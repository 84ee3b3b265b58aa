# -*- coding: utf-8 -*-

# Copyright: restorekit contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one poll cadence, for modules and the action plugins that show progress.

Checks come every 0.2 s for the first 2 s of a wait, so a job that ends in seconds (a small restore, a test) is seen
ended within 0.2 s rather than kept waiting a whole ``poll_interval``; after that the interval doubles up to
``poll_interval`` and grows by half beyond it, up to a minute. A wait of an hour makes about 10 more describe calls
than a plain doubling would, all in its first 2 s.
"""

from __future__ import annotations

import time

from ansible.module_utils.parsing.convert_bool import boolean

FIRST_POLL_SECONDS = 0.2
QUICK_SECONDS = 2.0
MAX_POLL_SECONDS = 60.0
# The bounds of the modules' wait options (doc fragment restorekit.aws.wait): a week, and an hour between polls.
MAX_WAIT_TIMEOUT = 7 * 24 * 3600
MAX_POLL_INTERVAL = 3600


def first_delay(poll_interval):
    """Seconds before the first check."""
    return min(FIRST_POLL_SECONDS, poll_interval)


def next_delay(delay, poll_interval, waited):
    """Seconds before the next check, WAITED seconds into the wait: the first delay for QUICK_SECONDS, then doubling up
    to POLL_INTERVAL, then growing by half up to a minute."""
    if round(waited, 6) < QUICK_SECONDS:  # ten sleeps of 0.2 s add up to 1.9999999999999998
        return first_delay(poll_interval)
    if delay < poll_interval:
        return min(delay * 2, poll_interval)
    # Beyond the interval up to a minute; an interval of more than a minute stays as it is.
    return min(delay * 1.5, max(poll_interval, MAX_POLL_SECONDS))


class WaitingRun:
    """One module run that reads, acts and may wait. CLIENT_FOR(service) gives a client made with the collection's retry
    policy, PARAMS are the module's options; SLEEP and CLOCK are the wait's. PROGRESS holds the lines a responder reads
    while the run waits, each once in a row (``note``)."""

    def __init__(self, client_for, params, region=None, check_mode=False, sleep=time.sleep, clock=time.monotonic):
        self.client_for = client_for
        self.params = params
        self.region = region
        self.check_mode = check_mode
        self.sleep = sleep
        self.clock = clock
        self.started = clock()
        self.progress = []

    def note(self, line):
        """Add LINE to the progress, unless it says again what the last line said."""
        if not self.progress or self.progress[-1] != line:
            self.progress.append(line)


class PollTimeout(Exception):
    """Another wait would pass the deadline; ``last`` is what the last check returned."""

    def __init__(self, last, waited):
        super().__init__("still waiting after %ds" % int(waited))
        self.last = last
        self.waited = waited


def poll(check, timeout, poll_interval, sleep=time.sleep, clock=time.monotonic, already=0.0, first=None, later_slice=False):
    """Call CHECK(waited) until it returns ``(True, value)``; return that value.

    ALREADY is how long an earlier step has waited (a module run that watched the job for a while): the wait goes on
    from there, and it counts towards TIMEOUT. FIRST, when given, is the ``(done, value)`` of a check the caller has
    just made (the run that started the job described it): it stands for the first check, which is not made again.
    LATER_SLICE: this is a later run of a wait sliced into module runs of one POLL_INTERVAL each (the action plugins
    that show progress); the quick first seconds were the first run's, so this one waits POLL_INTERVAL (at most
    TIMEOUT) and checks once: one look per interval however long the wait.
    Raises PollTimeout (with the last value) when the next wait would end past TIMEOUT seconds from the start.
    """
    if later_slice:
        started = clock()
        sleep(max(min(poll_interval, timeout), 0))
        done, value = check(clock() - started)
        if done:
            return value
        raise PollTimeout(value, clock() - started)
    started = clock() - already
    delay = first_delay(poll_interval) if already <= 0 else next_delay(first_delay(poll_interval), poll_interval, already)
    answer = first
    while True:
        done, value = answer if answer is not None else check(clock() - started)
        answer = None
        if done:
            return value
        waited = clock() - started
        if waited + delay > timeout:
            raise PollTimeout(value, waited)
        sleep(delay)
        delay = next_delay(delay, poll_interval, clock() - started)


def wait_options(args, check_mode=False):
    """(wait_timeout, poll_interval) of an action's task arguments when the action is to wait, else None: no wait
    asked, check mode, or a value that is not valid (the module then runs once, as given, and names the bad value)."""
    try:
        wait = boolean(args.get("wait", True), strict=True)
        timeout, poll = float(args.get("wait_timeout", 7200)), float(args.get("poll_interval", 15))
    except (TypeError, ValueError):
        return None
    if not wait or check_mode or timeout <= 0 or poll <= 0:
        return None
    return timeout, poll
