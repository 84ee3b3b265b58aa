"""The collection's one poll cadence (module_utils/_poll.py), used by every wait of a module and an action plugin."""

from __future__ import annotations

import pytest

from ansible_collections.restorekit.aws.plugins.module_utils import _poll
from tests.unit.fake_clock import Clock


def checks_until(done_at, timeout=100, poll_interval=8):
    clock, seen = Clock(), []

    def check(waited):
        seen.append(round(waited, 1))
        return waited >= done_at, waited

    return _poll.poll(check, timeout, poll_interval, clock.sleep, clock), seen


def test_a_wait_is_checked_every_fifth_of_a_second_for_two_seconds_then_the_interval_doubles_up_to_poll_interval():
    ended, seen = checks_until(20)
    assert ended >= 20
    assert seen == [0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.4, 3.2, 4.8, 8.0, 14.4, 22.4]


def test_a_job_that_ends_in_seconds_is_seen_ended_within_a_fifth_of_a_second():
    for done_at in (0.3, 0.9, 1.7):
        ended, seen = checks_until(done_at)
        assert ended - done_at <= 0.2 + 1e-9


def test_past_the_interval_the_delay_grows_by_half_up_to_a_minute_and_a_longer_interval_is_kept():
    assert [_poll.next_delay(300, 300, 600), _poll.next_delay(60, 15, 600), _poll.next_delay(50, 15, 600)] == [300, 60, 60]
    assert _poll.next_delay(15, 15, 600) == 22.5
    assert _poll.first_delay(0.1) == 0.1 and _poll.next_delay(0.1, 0.1, 0.5) == 0.1


def test_a_wait_that_would_pass_its_timeout_stops_with_the_last_answer():
    clock = Clock()
    with pytest.raises(_poll.PollTimeout) as e:
        _poll.poll(lambda waited: (False, "still"), 5, 8, clock.sleep, clock)
    assert e.value.last == "still" and clock.now <= 5


def test_a_check_the_caller_has_just_made_stands_for_the_first_one():
    clock, seen = Clock(), []

    def check(waited):
        seen.append(round(waited, 1))
        return True, "checked"

    assert _poll.poll(check, 100, 8, clock.sleep, clock, first=(True, "given")) == "given" and seen == []
    assert _poll.poll(check, 100, 8, clock.sleep, clock, first=(False, "given")) == "checked" and seen == [0.2]


def test_a_later_slice_waits_one_interval_and_looks_once():
    clock, seen = Clock(), []

    def check(waited):
        seen.append(waited)
        return clock.now >= 30, clock.now

    with pytest.raises(_poll.PollTimeout) as e:
        _poll.poll(check, 15, 15, clock.sleep, clock, later_slice=True)
    assert seen == [15] and e.value.last == 15
    assert _poll.poll(check, 15, 15, clock.sleep, clock, later_slice=True) == 30 and seen == [15, 15]
    # Never past the slice: a slice shorter than the interval is waited whole, then one look.
    assert _poll.poll(check, 4, 15, clock.sleep, clock, later_slice=True) == 34 and clock.now == 34


def test_a_waiting_run_shows_each_progress_line_once_in_a_row():
    ticks = iter([5.0])
    run = _poll.WaitingRun(lambda service: service, {"poll_interval": 1}, "eu-west-1", clock=lambda: next(ticks))
    for line in ["job 1: RUNNING", "job 1: RUNNING", "job 1: COMPLETED", "job 1: RUNNING"]:
        run.note(line)
    assert run.progress == ["job 1: RUNNING", "job 1: COMPLETED", "job 1: RUNNING"]
    assert (run.started, run.region, run.check_mode, run.client_for("rds")) == (5.0, "eu-west-1", False, "rds")
