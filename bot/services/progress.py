"""Roll-ups shared by deliverables, milestones and outcomes: counts, progress, risk, forecast."""
# Counts in a constant number of queries, working days, the milestone status rule, forecasts and key-result progress.

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.clock import Clock
from bot.services.common import Actor, audit
from storage.models import Milestone
from storage.repositories import deliverables
from storage.repositories import progress as progress_rows

WORKDAY_LIMIT = 5  # Monday..Friday are weekdays 0..4
PACE_DAYS = 14  # the pace of a milestone's forecast: completions in the last 14 days, per day
MIN_COMPLETIONS = 3  # fewer in the window is too little history to forecast from
AT_RISK_WORKING_DAYS = 3
MAX_FORECAST_DAYS = 5 * 365  # five years: beyond that the pace says "not at this pace"
OPEN_DELIVERABLE = ("planned", "in_progress", "changes_requested")


def is_working_day(d: date) -> bool:
    """Monday to Friday."""
    return d.weekday() < WORKDAY_LIMIT


def working_days_left(today: date, until: date) -> int:
    """Working days after today up to and including `until`; negative (days late) once it has passed."""
    if until == today:
        return 0
    start, end, sign = (today, until, 1) if until > today else (until, today, -1)
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    d = start + timedelta(weeks=weeks)
    for _ in range(rest):
        d += timedelta(days=1)
        count += is_working_day(d)
    return sign * count


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself when n is 0)."""
    if n <= 0:
        return start
    d = start
    while not is_working_day(d):  # the working days after a weekend day are those after the Friday before
        d -= timedelta(days=1)
    weeks, rest = divmod(n, 5)
    d += timedelta(weeks=weeks)
    while rest:
        d += timedelta(days=1)
        rest -= is_working_day(d)
    return d


@dataclass(frozen=True)
class ItemCounts:
    """Action items linked to something: all but cancelled, done, overdue, done in the last 14 days."""

    total: int = 0
    done: int = 0
    overdue: int = 0
    done_recent: int = 0

    @property
    def open(self) -> int:
        """Still to do."""
        return self.total - self.done


def _item_counts(r: Any) -> ItemCounts:
    return ItemCounts(int(r.total), int(r.done), int(r.overdue), int(r.done_recent))


def pace_start(clock: Clock) -> datetime:
    """The start of the window the pace is measured over."""
    return clock.now() - timedelta(days=PACE_DAYS)


def items_by_deliverable(
    session: Session,
    team_id: str,
    deliverable_ids: Iterable[int],
    *,
    today: date | None = None,
    since: datetime | None = None,
) -> dict[int, ItemCounts]:
    """Item counts per deliverable, in one grouped query (overdue needs `today`, the pace needs `since`)."""
    ids = [i for i in deliverable_ids if i is not None]
    if not ids:
        return {}
    rows = progress_rows.items_by_deliverable(session, team_id, ids, today=today, since=since)
    return {int(r.id or 0): _item_counts(r) for r in rows}


def items_by_milestone(
    session: Session, team_id: str, milestone_ids: Iterable[int], *, today: date, since: datetime
) -> dict[int, ItemCounts]:
    """Item counts per milestone (through the deliverables that are not cancelled), in one grouped query."""
    ids = [i for i in milestone_ids if i is not None]
    if not ids:
        return {}
    rows = progress_rows.items_by_milestone(session, team_id, ids, today=today, since=since)
    return {int(r.id or 0): _item_counts(r) for r in rows}


@dataclass(frozen=True)
class DeliverableCounts:
    """A milestone's deliverables (not cancelled): all, approved, unsubmitted near their date, approved lately."""

    total: int = 0
    approved: int = 0
    late_unsubmitted: int = 0
    approved_recent: int = 0


def deliverables_by_milestone(
    session: Session, team_id: str, milestone_ids: Iterable[int], *, today: date, since: datetime | None = None
) -> dict[int, DeliverableCounts]:
    """Deliverable counts per milestone, in one grouped query (approved lately needs `since`)."""
    ids = [i for i in milestone_ids if i is not None]
    if not ids:
        return {}
    cutoff = add_working_days(today, AT_RISK_WORKING_DAYS)
    rows = progress_rows.deliverables_by_milestone(
        session, team_id, ids, open_statuses=OPEN_DELIVERABLE, due_before=cutoff, approved_since=since
    )
    return {int(r.id or 0): _deliverable_counts(r) for r in rows}


def _deliverable_counts(r: Any) -> DeliverableCounts:
    return DeliverableCounts(int(r.total), int(r.approved), int(r.late_unsubmitted), int(r.approved_recent))


def overdue_owners(session: Session, team_id: str, milestone_id: int, *, today: date) -> list[tuple[str | None, int]]:
    """Who holds the milestone's overdue items, most first (one grouped query); None: nobody has taken them."""
    rows = progress_rows.overdue_owners(session, team_id, milestone_id, today=today)
    return [(r.owner, int(r.overdue)) for r in rows]


def deliverable_at_risk(status: str, due: date | None, today: date) -> bool:
    """Not yet submitted with fewer than 3 working days left."""
    return status in OPEN_DELIVERABLE and due is not None and working_days_left(today, due) < AT_RISK_WORKING_DAYS


@dataclass(frozen=True)
class Forecast:
    """When what remains is done at the last 14 days' pace, and whether that is by the milestone's date."""

    # `finish` and `on_track` are None with too little history (fewer than 3 completions in the window); `finish`
    # alone is None when the pace would take more than five years (then `on_track` is False).

    remaining: int  # open linked items plus deliverables not approved
    completions: int  # linked items done plus deliverables approved in the last 14 days
    finish: date | None
    on_track: bool | None

    @property
    def too_little_history(self) -> bool:
        """Something remains and fewer than 3 things were completed in the window."""
        return self.remaining > 0 and self.completions < MIN_COMPLETIONS


def forecast(*, items: ItemCounts, deliverables: DeliverableCounts, today: date, due: date) -> Forecast:
    """Today + remaining ÷ pace, where pace = completions in the last 14 days ÷ 14 (calendar days, rounded up)."""
    remaining = items.open + max(deliverables.total - deliverables.approved, 0)
    completions = items.done_recent + deliverables.approved_recent
    if remaining <= 0:
        return Forecast(0, completions, today, True)
    if completions < MIN_COMPLETIONS:
        return Forecast(remaining, completions, None, None)
    days = math.ceil(remaining * PACE_DAYS / completions)
    if days > MAX_FORECAST_DAYS:
        return Forecast(remaining, completions, None, False)
    finish = today + timedelta(days=days)
    return Forecast(remaining, completions, finish, finish <= due)


def effective_status(m: Milestone, today: date) -> str:
    """`missed` once the date has passed without the milestone being reached (computed when read)."""
    if m.status == "upcoming" and today > m.due_date:
        return "missed"
    return m.status


def settle_milestone(session: Session, clock: Clock, m: Milestone, *, today: date, by: str) -> str | None:
    """Recompute a milestone's reached/missed status from its deliverables."""
    # Reached when every deliverable is approved (and a gate's decision is go), missed when the date passes first.
    # Returns the new status when it changed.
    # Lock the milestone first: two deliverables approved at once must not both see the other still open.
    session.refresh(m, with_for_update=True)
    if m.status == "cancelled":
        return None
    statuses = deliverables.statuses_in_milestone(session, m.id)
    complete = (bool(statuses) or m.gate) and all(s == "approved" for s in statuses)
    if m.gate and m.decision != "go":
        complete = False
    if m.status == "missed" or (m.status == "upcoming" and today > m.due_date):
        new = "missed"
    elif complete:
        new = "reached"
    else:
        new = "missed" if today > m.due_date else "upcoming"
    if new == m.status:
        return None
    before = m.status
    m.status, m.updated_at = new, clock.now()
    session.add(m)
    audit(
        session,
        clock,
        Actor(team_id=m.team_id, user_id=by),
        f"M-{m.number}",
        "status",
        before={"status": before},
        after={"status": new},
    )
    return new


def kr_percent(baseline: float, target: float, current: float) -> float:
    """(current − baseline) / (target − baseline) as a percentage (None when it cannot be said)."""
    # A target equal to the baseline is 100 % while held, else 0 %.
    if math.isclose(target, baseline):
        return 100.0 if math.isclose(current, target) else 0.0
    return (current - baseline) / (target - baseline) * 100.0
