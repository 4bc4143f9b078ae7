"""Deliverables: the views people see, add, list, show, and who must review what (`awaiting_review`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from bot.capture.keys import Key
from bot.clock import Clock
from bot.errors import BadInput
from bot.services import progress
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.plan_lookup import (
    find_deliverable,
    find_milestone,
    find_outcome,
    named_on,
    reviewer_of,
)
from bot.services.progress import ItemCounts
from storage.models import Deliverable, Milestone, Outcome
from storage.repositories import deliverables, items
from storage.repositories.deliverables import DeliverableRow
from storage.repositories.keys import next_number

MAX_TITLE = 500
MAX_TEXT = 2000
LIST_LIMIT = 25
ITEMS_SHOWN = 10
OPEN = ("planned", "in_progress", "submitted", "changes_requested")
STATUS_WORDS = {
    "planned": "planned",
    "in_progress": "in progress",
    "submitted": "submitted",
    "changes_requested": "changes requested",
    "approved": "approved",
    "cancelled": "cancelled",
}


@dataclass(frozen=True)
class DeliverableView:
    """A deliverable as people see it, with who must review it and its action-item counts."""

    key: str
    title: str
    status: str
    owner: str | None
    approver: str | None
    due_date: date | None
    submitted_by: str | None
    reviewer: str = ""
    reviewer_role: str = ""
    created_by: str = ""
    channel: str | None = None
    milestone: str | None = None
    milestone_title: str | None = None
    milestone_due: date | None = None
    outcome: str | None = None
    outcome_title: str | None = None
    acceptance_criteria: str | None = None
    submitted_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None
    items: ItemCounts = field(default_factory=ItemCounts)

    @property
    def due(self) -> date | None:
        """Its own due date, else its milestone's."""
        return self.due_date or self.milestone_due


@dataclass(frozen=True)
class LinkedItem:
    """An action item on a deliverable card."""

    key: str
    title: str
    status: str
    owner: str | None
    due_date: date | None


@dataclass(frozen=True)
class DeliverableDetail:
    """A deliverable with (the first few of) its linked action items."""

    view: DeliverableView
    items: list[LinkedItem]


@dataclass(frozen=True)
class DeliverableList:
    """One page of deliverables and how many matched in all."""

    items: list[DeliverableView]
    total: int
    scope: str
    subject: str | None = None


def view_of(
    d: Deliverable, m: Milestone | None = None, o: Outcome | None = None, counts: ItemCounts | None = None
) -> DeliverableView:
    """The view of one row."""
    reviewer, role = reviewer_of(d, m)
    return DeliverableView(
        key=f"D-{d.number}",
        title=d.title,
        status=d.status,
        owner=d.owner,
        approver=d.approver,
        due_date=d.due_date,
        submitted_by=d.submitted_by,
        reviewer=reviewer,
        reviewer_role=role,
        created_by=d.created_by,
        channel=d.channel,
        milestone=f"M-{m.number}" if m else None,
        milestone_title=m.title if m else None,
        milestone_due=m.due_date if m else None,
        outcome=f"O-{o.number}" if o else None,
        outcome_title=o.objective if o else None,
        acceptance_criteria=d.acceptance_criteria,
        submitted_at=d.submitted_at,
        decided_by=d.decided_by,
        decided_at=d.decided_at,
        decision_note=d.decision_note,
        items=counts or ItemCounts(),
    )


def clean_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise BadInput('What is the deliverable? Try `/deliverable add Homepage mockup for M-1 criteria "On brand"`.')
    if len(title) > MAX_TITLE:
        raise BadInput(f"That title is {len(title)} characters; keep it under {MAX_TITLE}.")
    return title


def clean_criteria(text: str | None) -> str | None:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise BadInput(f"The acceptance criteria are {len(text)} characters; keep them under {MAX_TEXT}.")
    return text or None


def resolve_links(session: Session, actor: Actor, links: list[Key]) -> tuple[Milestone | None, Outcome | None]:
    milestone: Milestone | None = None
    outcome: Outcome | None = None
    for key in links:
        if key.kind == "M" and milestone is None:
            milestone = find_milestone(session, actor, str(key))
            if milestone.status in ("reached", "cancelled"):
                raise BadInput(
                    f"M-{milestone.number} is {milestone.status}; link the deliverable to an open milestone."
                )
        elif key.kind == "O" and outcome is None and key.sub is None:
            outcome = find_outcome(session, actor, str(key))
        elif key.kind == "O" and key.sub is not None:
            raise BadInput(f"A deliverable serves an outcome: use `for O-{key.number}`, not `for {key}`.")
        elif key.kind in ("M", "O"):
            raise BadInput(f"A deliverable has one milestone and one outcome; `for {key}` is one too many.")
        else:
            raise BadInput(f"A deliverable is for a milestone or an outcome: use `for M-n` or `for O-n`, not {key}.")
    return milestone, outcome


def add(
    session: Session,
    clock: Clock,
    actor: Actor,
    *,
    title: str,
    links: list[Key] | None = None,
    owner: str | None = None,
    approver: str | None = None,
    due: date | None = None,
    criteria: str | None = None,
) -> DeliverableView:
    """Create a deliverable, planned, owned by `owner` (the author when nobody is named)."""
    title = clean_title(title)
    criteria = clean_criteria(criteria)
    ensure_workspace(session, clock, actor.team_id)
    milestone, outcome = resolve_links(session, actor, links or [])
    now = clock.now()
    d = Deliverable(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, "D"),
        title=title,
        owner=owner or actor.user_id,
        approver=approver,
        created_by=actor.user_id,
        channel=actor.channel,
        private=actor.channel_private,
        due_date=due,
        milestone_id=milestone.id if milestone else None,
        outcome_id=outcome.id if outcome else None,
        acceptance_criteria=criteria,
        created_at=now,
    )
    session.add(d)
    session.flush()
    audit(
        session,
        clock,
        actor,
        f"D-{d.number}",
        "created",
        after={"title": title, "owner": d.owner, "approver": approver, "due_date": due},
    )
    return view_of(d, milestone, outcome)


def item_counts(session: Session, clock: Clock, actor: Actor, ids: list[int]) -> dict[int, ItemCounts]:
    return progress.items_by_deliverable(
        session, actor.team_id, ids, today=actor.today(clock), since=progress.pace_start(clock)
    )


def linked_items(session: Session, actor: Actor, deliverable_id: int, *, limit: int = ITEMS_SHOWN) -> list[LinkedItem]:
    """The first few action items of a deliverable the actor may see: open ones first, by due date."""
    rows = items.of_deliverable(
        session, actor.team_id, deliverable_id, channel=actor.channel, user_id=actor.user_id, limit=limit
    )
    return [LinkedItem(f"A-{a.number}", a.title, a.status, a.owner, a.due_date) for a in rows]


def detail_of(session: Session, clock: Clock, actor: Actor, row: DeliverableRow) -> DeliverableDetail:
    d = row.deliverable
    assert d.id is not None
    counts = item_counts(session, clock, actor, [d.id]).get(d.id)
    return DeliverableDetail(view_of(d, row.milestone, row.outcome, counts), linked_items(session, actor, d.id))


def show(session: Session, clock: Clock, actor: Actor, key: str) -> DeliverableDetail:
    """One deliverable with its action items."""
    return detail_of(session, clock, actor, find_deliverable(session, actor, key))


LIST_SCOPES = ("open", "mine", "user", "milestone", "outcome", "all", "review")


def list_deliverables(
    session: Session, clock: Clock, actor: Actor, *, scope: str = "open", user: str | None = None, link: str = ""
) -> DeliverableList:
    """`/deliverable list`: open ones by default; mine, @user's, a milestone's or outcome's, all, or my reviews."""
    if scope == "review":
        views = awaiting_review(session, actor.team_id, actor.user_id)
        return DeliverableList(views[:LIST_LIMIT], len(views), scope)
    milestone_id = outcome_id = None
    subject: str | None = None
    if scope == "milestone":
        m = find_milestone(session, actor, link)
        milestone_id, subject = m.id, f"M-{m.number} {m.title}"
    elif scope == "outcome":
        o = find_outcome(session, actor, link)
        outcome_id, subject = o.id, f"O-{o.number} {o.objective}"
    owner = actor.user_id if scope == "mine" else user if scope == "user" else None
    if scope == "user":
        subject = user
    rows, total = deliverables.page(
        session,
        actor.team_id,
        channel=actor.channel,
        user_id=actor.user_id,
        milestone_id=milestone_id,
        outcome_id=outcome_id,
        status_in=None if scope in ("milestone", "outcome", "all") else OPEN,
        owner=owner,
        limit=LIST_LIMIT,
    )
    counts = item_counts(session, clock, actor, [r.deliverable.id for r in rows if r.deliverable.id is not None])
    views = [view_of(r.deliverable, r.milestone, r.outcome, counts.get(r.deliverable.id or 0)) for r in rows]
    return DeliverableList(views, total, scope, subject)


def awaiting_review(session: Session, team_id: str, user_id: str) -> list[DeliverableView]:
    """Submitted deliverables this person must review, by the approver rule (not their own submissions)."""
    rows = [
        r
        for r in deliverables.submitted_to(session, team_id, user_id)
        if reviewer_of(r.deliverable, r.milestone)[0] == user_id
        and not (r.deliverable.submitted_by == user_id and named_on(r.deliverable) | {user_id} != {user_id})
    ]
    ids = [r.deliverable.id for r in rows if r.deliverable.id is not None]
    counts = progress.items_by_deliverable(session, team_id, ids)
    return [view_of(r.deliverable, r.milestone, r.outcome, counts.get(r.deliverable.id or 0)) for r in rows]
