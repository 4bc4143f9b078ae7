"""Working days, forecasts, key-result progress and the milestone status rule."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.plan_common import forecast_phrase
from bot.capture.keys import Key
from bot.clock import FrozenClock
from bot.errors import BadInput, DomainError
from bot.services import deliverable_changes, deliverables, milestones, progress
from bot.services.common import Actor
from bot.services.plan_lookup import find_milestone
from bot.services.progress import (
    DeliverableCounts,
    ItemCounts,
    add_working_days,
    forecast,
    kr_percent,
    working_days_left,
)
from storage.db import Database

SAT = date(2026, 11, 21)
ALICE = Actor(team_id="T1", user_id="U0ALICE", channel="C1")


def test_working_days_left_counts_weekdays_after_today_up_to_the_date() -> None:
    assert working_days_left(date(2026, 12, 7), date(2026, 12, 18)) == 9  # the UX sketch: Mon → Fri next week
    assert working_days_left(SAT, date(2026, 11, 23)) == 1
    assert working_days_left(SAT, date(2026, 11, 22)) == 0
    assert working_days_left(SAT, SAT) == 0
    assert working_days_left(date(2026, 11, 27), date(2026, 11, 24)) == -3


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=0, max_value=400))
def test_working_days_agree_with_counting_one_by_one(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    slow = sum(1 for n in range(1, days + 1) if (start + timedelta(days=n)).weekday() < 5)
    assert working_days_left(start, end) == slow
    assert working_days_left(end, start) == -slow


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 1, 1)), st.integers(min_value=1, max_value=300))
def test_add_working_days_lands_on_the_nth_working_day(start: date, n: int) -> None:
    landed = add_working_days(start, n)
    assert landed.weekday() < 5
    assert working_days_left(start, landed) == n


def test_forecast_at_the_last_fourteen_days_pace() -> None:
    due = date(2026, 12, 18)
    # 5 items done and 2 deliverables approved in 14 days: half a thing a day; 6 open items and 2 deliverables
    # to approve take 16 days.
    f = forecast(
        items=ItemCounts(total=10, done=4, done_recent=5),
        deliverables=DeliverableCounts(total=3, approved=1, approved_recent=2),
        today=SAT,
        due=due,
    )
    assert (f.remaining, f.completions, f.finish, f.on_track) == (8, 7, date(2026, 12, 7), True)
    assert forecast_phrase(f, due) == "at this pace: Dec 7, 11 days before the milestone"
    late = forecast(
        items=ItemCounts(total=16, done=5, done_recent=5), deliverables=DeliverableCounts(), today=SAT, due=due
    )
    assert (late.finish, late.on_track) == (date(2026, 12, 22), False)  # 11 at 5 a fortnight: ceil(30.8) days
    assert forecast_phrase(late, due) == "at this pace: Dec 22, 4 days after the milestone"
    thin = forecast(
        items=ItemCounts(total=9, done=2, done_recent=2), deliverables=DeliverableCounts(), today=SAT, due=due
    )
    assert (thin.finish, thin.on_track, thin.too_little_history) == (None, None, True)
    assert forecast_phrase(thin, due) == "at this pace: too little history (2 completions in the last 14 days)"
    done = forecast(items=ItemCounts(total=3, done=3), deliverables=DeliverableCounts(1, 1), today=SAT, due=due)
    assert (done.remaining, done.on_track, forecast_phrase(done, due)) == (0, True, "at this pace: all done")
    waiting = forecast(items=ItemCounts(total=3, done=3), deliverables=DeliverableCounts(1, 0), today=SAT, due=due)
    assert (waiting.remaining, waiting.on_track) == (1, None)  # a deliverable to approve and nothing lately
    huge = forecast(items=ItemCounts(total=10**9, done_recent=3), deliverables=DeliverableCounts(), today=SAT, due=due)
    assert (huge.finish, huge.on_track) == (None, False)
    on_the_day = forecast(
        items=ItemCounts(total=14, done_recent=14),
        deliverables=DeliverableCounts(),
        today=SAT,
        due=SAT + timedelta(days=14),
    )
    assert forecast_phrase(on_the_day, SAT + timedelta(days=14)) == "at this pace: Dec 5, the milestone's day"


def test_key_result_progress() -> None:
    assert kr_percent(2.0, 3.5, 2.6) == pytest.approx(40.0)
    assert kr_percent(40, 10, 25) == pytest.approx(50.0)  # going down is progress too
    assert kr_percent(0, 100, 130) == pytest.approx(130.0)  # the real number, beyond the target
    assert kr_percent(0, 100, -10) == pytest.approx(-10.0)
    assert kr_percent(5, 5, 5) == 100.0  # a target equal to the baseline: held or not
    assert kr_percent(5, 5, 4) == 0.0


def _milestone(db: Database, clock: FrozenClock, *, gate: bool, due: date = date(2026, 12, 18)) -> None:
    with db.session() as s:
        milestones.add(s, clock, ALICE, title="Launch", due=due, gate=gate)


def test_reached_needs_every_deliverable_approved_and_a_gate_go(db: Database, clock: FrozenClock) -> None:
    _milestone(db, clock, gate=True)
    with db.session() as s:
        milestones.decide(s, clock, ALICE, "M-1", "go", None)
        # a gate with nothing to deliver is reached by its decision alone
        assert milestones.status(s, clock, ALICE, "M-1").view.status == "reached"
    with db.session() as s, pytest.raises(BadInput, match="reached"):
        deliverables.add(s, clock, ALICE, title="Late addition", links=[Key("M", 1)])
    with db.session() as s:
        milestones.decide(s, clock, ALICE, "M-1", "no-go", "Budget cut")
        assert milestones.status(s, clock, ALICE, "M-1").view.status == "upcoming"
        deliverables.add(s, clock, ALICE, title="Plan", links=[Key("M", 1)])
        deliverables.add(s, clock, ALICE, title="Dropped", links=[Key("M", 1)])
        deliverable_changes.submit(s, clock, ALICE, "D-1")
        deliverable_changes.approve(s, clock, ALICE, "D-1")
        milestones.decide(s, clock, ALICE, "M-1", "go", "Budget back")
        assert milestones.status(s, clock, ALICE, "M-1").view.status == "upcoming"  # D-2 is still open
        deliverable_changes.cancel(s, clock, ALICE, "D-2")
        assert milestones.status(s, clock, ALICE, "M-1").view.status == "reached"


def test_only_gates_take_decisions_and_no_go_needs_a_reason(db: Database, clock: FrozenClock) -> None:
    _milestone(db, clock, gate=False)
    with db.session() as s, pytest.raises(DomainError, match="isn't a gate"):
        milestones.decide(s, clock, ALICE, "M-1", "go", None)
    with db.session() as s:
        milestones.update(s, clock, ALICE, "M-1", milestones.MilestoneEdit(gate=True))
    with db.session() as s, pytest.raises(BadInput, match="Say why"):
        milestones.decide(s, clock, ALICE, "M-1", "no-go", "  ")
    with db.session() as s, pytest.raises(BadInput, match="go or no-go"):
        milestones.decide(s, clock, ALICE, "M-1", "maybe", "hmm")


def test_missed_is_computed_when_read_and_kept_once_written(db: Database, clock: FrozenClock) -> None:
    _milestone(db, clock, gate=False, due=date(2026, 11, 20))
    with db.session() as s:
        deliverables.add(s, clock, ALICE, title="Plan", links=[Key("M", 1)])
    with db.session(readonly=True) as s:
        assert milestones.status(s, clock, ALICE, "M-1").view.status == "missed"
        assert progress.effective_status(find_milestone(s, ALICE, "M-1"), SAT) == "missed"
    with db.session() as s:
        deliverable_changes.submit(s, clock, ALICE, "D-1")
        deliverable_changes.approve(s, clock, ALICE, "D-1")
    with db.session(readonly=True) as s:
        row = find_milestone(s, ALICE, "M-1")
        assert row.status == "missed"  # the date passed first


def test_two_approvals_at_once_still_reach_the_milestone(db: Database, clock: FrozenClock) -> None:
    dana = Actor(team_id="T1", user_id="U0DANA", channel="C1")
    carol = Actor(team_id="T1", user_id="U0CAROL", channel="C1")
    _milestone(db, clock, gate=False)
    with db.session() as s:
        deliverables.add(s, clock, ALICE, title="One", links=[Key("M", 1)], approver="U0DANA")
        deliverables.add(s, clock, ALICE, title="Two", links=[Key("M", 1)], approver="U0CAROL")
        deliverable_changes.submit(s, clock, ALICE, "D-1")
        deliverable_changes.submit(s, clock, ALICE, "D-2")
    first_decided = threading.Event()
    errors: list[BaseException] = []

    def approve_first() -> None:
        try:
            with db.session() as s:
                deliverable_changes.approve(s, clock, dana, "D-1")
                first_decided.set()
                time.sleep(0.5)  # the second approval starts while this one is not committed yet
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            first_decided.set()

    thread = threading.Thread(target=approve_first)
    thread.start()
    first_decided.wait(5)
    with db.session() as s:
        deliverable_changes.approve(s, clock, carol, "D-2")
    thread.join(5)
    assert errors == []
    with db.session(readonly=True) as s:
        assert find_milestone(s, ALICE, "M-1").status == "reached"
