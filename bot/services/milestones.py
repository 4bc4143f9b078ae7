"""Milestones: add, list, status (deliverables, items, risks, forecast), edit, cancel, go/no-go on gates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.capture.plan_commands import MilestoneEdit
from bot.clock import Clock
from bot.errors import BadInput, DomainError
from bot.services import progress
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.deliverables import DeliverableView, view_of
from bot.services.plan_lookup import deliverable_visible, find_milestone, require_manager
from bot.services.progress import DeliverableCounts, Forecast, ItemCounts
from storage.models import Milestone
from storage.repositories import deliverables
from storage.repositories import milestones as milestone_rows
from storage.repositories.keys import next_number

MAX_TITLE = 500
MAX_NOTE = 2000
LIST_LIMIT = 20
DELIVERABLES_SHOWN = 25
DECISIONS = {"go": "go", "yes": "go", "no-go": "no_go", "nogo": "no_go", "no_go": "no_go", "no": "no_go"}


@dataclass(frozen=True)
class MilestoneView:
    """A milestone as people see it; `status` is computed with the clock (`missed` once the date passed)."""

    key: str
    title: str
    due_date: date
    status: str
    owner: str | None
    created_by: str
    gate: bool
    channel: str | None = None
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    working_days_left: int = 0


@dataclass(frozen=True)
class MilestoneSummary:
    """One line of `/milestone list`."""

    view: MilestoneView
    deliverables: DeliverableCounts
    items: ItemCounts
    at_risk: bool
    forecast: Forecast


@dataclass(frozen=True)
class MilestoneList:
    """One page of milestones and how many matched in all."""

    items: list[MilestoneSummary]
    total: int
    scope: str


@dataclass(frozen=True)
class MilestoneStatus:
    """Everything `/milestone status` shows."""

    view: MilestoneView
    deliverables: list[DeliverableView]
    deliverables_total: int
    deliverables_approved: int
    hidden: int
    items: ItemCounts
    overdue_owners: list[tuple[str | None, int]]  # None: unassigned
    at_risk_deliverables: list[DeliverableView]
    forecast: Forecast
    risks: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        """Anything overdue, close and unsubmitted, or a pace that misses the date."""
        return self.view.status == "upcoming" and (
            bool(self.items.overdue or self.at_risk_deliverables) or self.forecast.on_track is False
        )


def view_of_milestone(m: Milestone, today: date) -> MilestoneView:
    """The view of one row, read with today's date."""
    return MilestoneView(
        key=f"M-{m.number}",
        title=m.title,
        due_date=m.due_date,
        status=progress.effective_status(m, today),
        owner=m.owner,
        created_by=m.created_by,
        gate=m.gate,
        channel=m.channel,
        decision=m.decision,
        decided_by=m.decided_by,
        decided_at=m.decided_at,
        decision_note=m.decision_note,
        working_days_left=progress.working_days_left(today, m.due_date),
    )


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise BadInput("What is the milestone? Try `/milestone add Design approved on Dec 18 gate`.")
    if len(title) > MAX_TITLE:
        raise BadInput(f"That title is {len(title)} characters; keep it under {MAX_TITLE}.")
    return title


def add(
    session: Session,
    clock: Clock,
    actor: Actor,
    *,
    title: str,
    due: date | None,
    owner: str | None = None,
    gate: bool = False,
) -> MilestoneView:
    """Create a milestone (or a go/no-go gate) on a date, owned by `owner` (the author by default)."""
    title = _title(title)
    if due is None:
        raise BadInput(f"When is it? Try `/milestone add {title} on Dec 18`.")
    ensure_workspace(session, clock, actor.team_id)
    m = Milestone(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, "M"),
        title=title,
        due_date=due,
        channel=actor.channel,
        private=actor.channel_private,
        owner=owner or actor.user_id,
        created_by=actor.user_id,
        gate=gate,
        created_at=clock.now(),
    )
    session.add(m)
    session.flush()
    audit(
        session,
        clock,
        actor,
        f"M-{m.number}",
        "created",
        after={"title": title, "due_date": due, "owner": m.owner, "gate": gate},
    )
    return view_of_milestone(m, actor.today(clock))


def list_milestones(session: Session, clock: Clock, actor: Actor, *, scope: str = "open") -> MilestoneList:
    """Open milestones (upcoming or missed) by date; `all` adds reached and cancelled ones. Four queries."""
    rows, total = milestone_rows.page(
        session,
        actor.team_id,
        channel=actor.channel,
        user_id=actor.user_id,
        status_in=None if scope == "all" else ("upcoming", "missed"),
        limit=LIST_LIMIT,
    )
    return MilestoneList(summaries(session, clock, actor, rows), total, scope)


def summaries(session: Session, clock: Clock, actor: Actor, rows: list[Milestone]) -> list[MilestoneSummary]:
    """Counts, risk and forecast of each milestone, in two grouped queries whatever their number."""
    today, since = actor.today(clock), progress.pace_start(clock)
    ids = [m.id for m in rows if m.id is not None]
    d_counts = progress.deliverables_by_milestone(session, actor.team_id, ids, today=today, since=since)
    i_counts = progress.items_by_milestone(session, actor.team_id, ids, today=today, since=since)
    out = []
    for m in rows:
        view = view_of_milestone(m, today)
        dc, ic = d_counts.get(m.id or 0, DeliverableCounts()), i_counts.get(m.id or 0, ItemCounts())
        pace = progress.forecast(items=ic, deliverables=dc, today=today, due=m.due_date)
        risky = view.status == "upcoming" and bool(ic.overdue or dc.late_unsubmitted or pace.on_track is False)
        out.append(MilestoneSummary(view, dc, ic, risky, pace))
    return out


def owned_upcoming(session: Session, clock: Clock, actor: Actor, *, limit: int = 5) -> list[MilestoneSummary]:
    """The first upcoming milestones the actor owns, with their forecasts (for the Home tab)."""
    rows = milestone_rows.upcoming(session, actor.team_id, owner=actor.user_id, channel=None)
    return summaries(session, clock, actor, rows[:limit])


def status(session: Session, clock: Clock, actor: Actor, key: str) -> MilestoneStatus:
    """Deliverables with their state and items, progress, risks and a forecast — a constant number of queries."""
    m = find_milestone(session, actor, key)
    assert m.id is not None
    today, since = actor.today(clock), progress.pace_start(clock)
    rows = deliverables.of_milestone(session, m.id)
    counts = progress.items_by_deliverable(
        session, actor.team_id, [d.id for d, _ in rows if d.id is not None], today=today, since=since
    )
    views = [view_of(d, m, o, counts.get(d.id or 0)) for d, o in rows]
    shown = [v for (d, _), v in zip(rows, views, strict=True) if deliverable_visible(d, m, actor)]
    items = ItemCounts(
        sum(c.total for c in counts.values()),
        sum(c.done for c in counts.values()),
        sum(c.overdue for c in counts.values()),
        sum(c.done_recent for c in counts.values()),
    )
    approved = [v for v in views if v.status == "approved"]
    d_counts = DeliverableCounts(
        total=len(views),
        approved=len(approved),
        approved_recent=sum(v.decided_at is not None and v.decided_at >= since for v in approved),
    )
    owners = progress.overdue_owners(session, actor.team_id, m.id, today=today)
    at_risk = [v for v in shown if progress.deliverable_at_risk(v.status, v.due, today)]
    return MilestoneStatus(
        view=view_of_milestone(m, today),
        deliverables=shown[:DELIVERABLES_SHOWN],
        deliverables_total=d_counts.total,
        deliverables_approved=d_counts.approved,
        hidden=len(views) - len(shown),
        items=items,
        overdue_owners=owners,
        at_risk_deliverables=at_risk,
        forecast=progress.forecast(items=items, deliverables=d_counts, today=today, due=m.due_date),
    )


def update(
    session: Session, clock: Clock, actor: Actor, key: str, edit: MilestoneEdit
) -> tuple[MilestoneView, list[str]]:
    """Change title, date, owner or gate (owner, creator or admin); a new date ahead reopens a missed milestone."""
    m = find_milestone(session, actor, key)
    k = f"M-{m.number}"
    require_manager(actor, m.owner, m.created_by, doing="edit", key=k)
    if m.status == "cancelled":
        raise DomainError(f"{k} was cancelled, so there is nothing to edit.")
    if edit.empty():
        raise BadInput(
            f"What should change? Try `/milestone edit {k} on Dec 18`, `owner @someone`, `gate on|off` "
            "or `title New title`."
        )
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for name, value in (
        ("title", _title(edit.title) if edit.title is not None else None),
        ("due_date", edit.due_date),
        ("owner", edit.owner),
        ("gate", edit.gate),
    ):
        if value is not None and getattr(m, name) != value:
            before[name], after[name] = getattr(m, name), value
            setattr(m, name, value)
    today = actor.today(clock)
    if after:
        if "due_date" in after and m.status == "missed" and m.due_date >= today:
            m.status = "upcoming"
        m.updated_at = clock.now()
        session.add(m)
        audit(session, clock, actor, k, "edited", before=before, after=after)
        session.flush()
        progress.settle_milestone(session, clock, m, today=today, by=actor.user_id)
    return view_of_milestone(m, today), list(after)


def cancel(session: Session, clock: Clock, actor: Actor, key: str) -> MilestoneView:
    """Cancel a milestone (owner, creator or admin); its deliverables stay."""
    m = find_milestone(session, actor, key)
    k = f"M-{m.number}"
    require_manager(actor, m.owner, m.created_by, doing="cancel", key=k)
    if m.status == "cancelled":
        raise DomainError(f"{k} is already cancelled.")
    before = m.status
    m.status, m.updated_at = "cancelled", clock.now()
    session.add(m)
    audit(session, clock, actor, k, "cancelled", before={"status": before}, after={"status": "cancelled"})
    return view_of_milestone(m, actor.today(clock))


def decide(
    session: Session, clock: Clock, actor: Actor, key: str, decision: str, note: str | None
) -> tuple[MilestoneView, str | None]:
    """Record go / no-go on a gate (owner, creator or admin); go with every deliverable approved reaches it."""
    m = find_milestone(session, actor, key)
    k = f"M-{m.number}"
    require_manager(actor, m.owner, m.created_by, doing="decide", key=k)
    value = DECISIONS.get(decision.lower())
    if value is None:
        raise BadInput(
            f"Decide with go or no-go, like `/milestone decide {k} go Budget signed` or `no-go Legal review pending`."
        )
    if not m.gate:
        raise DomainError(
            f"{k} isn't a gate, so it takes no go/no-go decision. To make it one: `/milestone edit {k} gate on`."
        )
    if m.status == "cancelled":
        raise DomainError(f"{k} was cancelled; there is nothing to decide.")
    note = (note or "").strip() or None
    if value == "no_go" and not note:
        raise BadInput(f"Say why it's a no-go, like `/milestone decide {k} no-go Legal review pending`.")
    if note and len(note) > MAX_NOTE:
        raise BadInput(f"That note is {len(note)} characters; keep it under {MAX_NOTE}.")
    before = {"decision": m.decision, "note": m.decision_note}
    now = clock.now()
    m.decision, m.decided_by, m.decided_at, m.decision_note, m.updated_at = value, actor.user_id, now, note, now
    session.add(m)
    audit(session, clock, actor, k, f"decided {value}", before=before, after={"decision": value, "note": note})
    session.flush()
    changed = progress.settle_milestone(session, clock, m, today=actor.today(clock), by=actor.user_id)
    return view_of_milestone(m, actor.today(clock)), changed
