"""A clock for tests of waits: it moves only when something sleeps, so a wait of an hour runs in no time."""

from __future__ import annotations


class Clock:
    """Call it for the time; pass ``sleep`` where the code under test sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
