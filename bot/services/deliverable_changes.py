"""Deliverable changes: edit, cancel, submit for review, approve or request changes — with who may do each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.capture.plan_commands import DeliverableEdit
from bot.clock import Clock
from bot.errors import BadInput, DomainError, PermissionDenied
from bot.services import progress
from bot.services.common import Actor, audit
from bot.services.deliverables import (
    MAX_TEXT,
    STATUS_WORDS,
    DeliverableView,
    LinkedItem,
    clean_criteria,
    clean_title,
    detail_of,
    item_counts,
    resolve_links,
    view_of,
)
from bot.services.plan_lookup import find_deliverable, named_on, require_manager, reviewer_of
from storage.models import Deliverable, Milestone
from storage.repositories import audit as audit_rows


@dataclass(frozen=True)
class SubmitResult:
    """A submission, or (when action items are still open and it was not forced) the question to ask first."""

    view: DeliverableView
    submitted: bool
    items: list[LinkedItem]
    notify: str | None = None
    self_review: bool = False
    seq: int = 0  # how many changes the deliverable has seen: tells one review request from the next


@dataclass(frozen=True)
class Decision:
    """An approval or a request for changes, and the milestone it completed, if any."""

    view: DeliverableView
    approved: bool
    decided_by: str
    milestone_reached: str | None = None
    seq: int = 0


@dataclass(frozen=True)
class EditResult:
    """The edited deliverable, what changed, and a new reviewer to ask when it is waiting for review."""

    view: DeliverableView
    changed: list[str]
    review_to: str | None = None
    seq: int = 0


def change_count(session: Session, team_id: str, key: str) -> int:
    """How many changes a record has seen (its audit rows): numbers notifications about it."""
    return audit_rows.count(session, team_id, key)


def _require_open(d: Deliverable, doing: str) -> None:
    if d.status == "cancelled":
        raise DomainError(f"D-{d.number} was cancelled, so there is nothing to {doing}. Try `/deliverable list`.")


def _fields(edit: DeliverableEdit) -> dict[str, object]:
    """The fields an edit sets, cleaned, in the order the reply names them."""
    fields: dict[str, object] = {}
    if edit.title is not None:
        fields["title"] = clean_title(edit.title)
    if edit.owner is not None:
        fields["owner"] = edit.owner
    if edit.approver is not None or edit.clear_approver:
        fields["approver"] = None if edit.clear_approver else edit.approver
    if edit.due_date is not None or edit.clear_due:
        fields["due_date"] = None if edit.clear_due else edit.due_date
    if edit.criteria is not None or edit.clear_criteria:
        fields["acceptance_criteria"] = None if edit.clear_criteria else clean_criteria(edit.criteria)
    return fields


def update(session: Session, clock: Clock, actor: Actor, key: str, edit: DeliverableEdit) -> EditResult:
    """Change title, owner, approver, due date, criteria or milestone/outcome (owner, creator or admin)."""
    row = find_deliverable(session, actor, key, lock=True)
    d, m, o = row.deliverable, row.milestone, row.outcome
    require_manager(actor, d.owner, d.created_by, doing="edit", key=f"D-{d.number}")
    _require_open(d, "edit")
    if edit.empty():
        raise BadInput(
            f"What should change? Try `/deliverable edit D-{d.number} due Friday`, `owner @someone`, "
            '`approver @someone`, `criteria "…"`, `title New title` or `for M-n`.'
        )
    before_reviewer = reviewer_of(d, m)[0]
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    for attr, value in _fields(edit).items():
        old = getattr(d, attr)
        if old != value:
            before[attr], after[attr] = old, value
            setattr(d, attr, value)
    old_milestone = m
    if edit.link is not None:
        new_m, new_o = resolve_links(session, actor, [edit.link])
        if new_m is not None and new_m.id != d.milestone_id:
            before["milestone"], after["milestone"] = (f"M-{m.number}" if m else None), f"M-{new_m.number}"
            d.milestone_id, m = new_m.id, new_m
        if new_o is not None and new_o.id != d.outcome_id:
            before["outcome"], after["outcome"] = (f"O-{o.number}" if o else None), f"O-{new_o.number}"
            d.outcome_id, o = new_o.id, new_o
    if after:
        d.updated_at = clock.now()
        session.add(d)
        audit(session, clock, actor, f"D-{d.number}", "edited", before=before, after=after)
        session.flush()
        today = actor.today(clock)
        for milestone in {x.id: x for x in (old_milestone, m) if x is not None}.values():
            progress.settle_milestone(session, clock, milestone, today=today, by=actor.user_id)
    reviewer = reviewer_of(d, m)[0]
    review_to = reviewer if d.status == "submitted" and reviewer != before_reviewer else None
    assert d.id is not None
    counts = item_counts(session, clock, actor, [d.id]).get(d.id)
    seq = change_count(session, actor.team_id, f"D-{d.number}") if review_to else 0
    return EditResult(view_of(d, m, o, counts), list(after), review_to, seq)


def cancel(session: Session, clock: Clock, actor: Actor, key: str) -> DeliverableView:
    """Cancel a deliverable that is not approved (owner, creator or admin); its milestone is recomputed."""
    row = find_deliverable(session, actor, key, lock=True)
    d = row.deliverable
    require_manager(actor, d.owner, d.created_by, doing="cancel", key=f"D-{d.number}")
    if d.status == "cancelled":
        raise DomainError(f"D-{d.number} is already cancelled.")
    if d.status == "approved":
        raise DomainError(f"D-{d.number} is already approved; an approved deliverable can't be cancelled.")
    before = d.status
    d.status, d.updated_at = "cancelled", clock.now()
    session.add(d)
    audit(session, clock, actor, f"D-{d.number}", "cancelled", before={"status": before}, after={"status": "cancelled"})
    session.flush()
    if row.milestone is not None:
        progress.settle_milestone(session, clock, row.milestone, today=actor.today(clock), by=actor.user_id)
    return view_of(d, row.milestone, row.outcome)


def submit(session: Session, clock: Clock, actor: Actor, key: str, *, anyway: bool = False) -> SubmitResult:
    """Ask the reviewer to approve (owner, creator or admin); with open action items, ask to confirm first."""
    row = find_deliverable(session, actor, key, lock=True)
    d, m = row.deliverable, row.milestone
    k = f"D-{d.number}"
    require_manager(actor, d.owner, d.created_by, doing="submit", key=k)
    _require_open(d, "submit")
    reviewer, role = reviewer_of(d, m)
    if d.status == "submitted":
        raise DomainError(f"{k} is already submitted and waiting for <@{reviewer}> ({role}).")
    if d.status == "approved":
        raise DomainError(f"{k} is already approved.")
    detail = detail_of(session, clock, actor, row)
    if detail.view.items.open and not anyway:
        return SubmitResult(detail.view, submitted=False, items=detail.items)
    before = d.status
    now = clock.now()
    d.status, d.submitted_by, d.submitted_at, d.updated_at = "submitted", actor.user_id, now, now
    session.add(d)
    audit(
        session,
        clock,
        actor,
        k,
        "submitted",
        before={"status": before},
        after={"status": "submitted", "reviewer": reviewer},
    )
    view = view_of(d, m, row.outcome, detail.view.items)
    seq = change_count(session, actor.team_id, k)
    if reviewer == actor.user_id:
        alone = named_on(d) | {reviewer} == {actor.user_id}
        return SubmitResult(view, submitted=True, items=detail.items, self_review=not alone, seq=seq)
    return SubmitResult(view, submitted=True, items=detail.items, notify=reviewer, seq=seq)


def _check_reviewer(d: Deliverable, m: Milestone | None, actor: Actor, doing: str) -> None:
    k = f"D-{d.number}"
    reviewer, role = reviewer_of(d, m)
    if actor.user_id != reviewer:
        raise PermissionDenied(f"Only <@{reviewer}> ({role}) can {doing} {k}.")
    if d.submitted_by == actor.user_id and named_on(d) | {reviewer} != {actor.user_id}:
        raise PermissionDenied(
            f"You submitted {k} yourself, so someone else must review it. "
            f"Name an approver: `/deliverable edit {k} approver @someone`."
        )
    if d.status == "approved":
        raise DomainError(f"{k} is already approved.")
    if d.status == "cancelled":
        raise DomainError(f"{k} was cancelled; there is nothing to review.")
    if d.status != "submitted":
        raise DomainError(
            f"{k} isn't submitted for review (it's {STATUS_WORDS[d.status]}). "
            f"Its owner submits it with `/deliverable submit {k}`."
        )


def check_reviewer(session: Session, clock: Clock, actor: Actor, key: str, *, doing: str) -> DeliverableView:
    """The deliverable, when the actor may review it now (before opening the Request changes modal)."""
    row = find_deliverable(session, actor, key)
    _check_reviewer(row.deliverable, row.milestone, actor, doing)
    return view_of(row.deliverable, row.milestone, row.outcome)


def _decide(session: Session, clock: Clock, actor: Actor, key: str, *, approved: bool, note: str | None) -> Decision:
    row = find_deliverable(session, actor, key, lock=True)
    d, m = row.deliverable, row.milestone
    _check_reviewer(d, m, actor, "approve" if approved else "request changes on")
    status = "approved" if approved else "changes_requested"
    now = clock.now()
    d.status, d.decided_by, d.decided_at, d.decision_note, d.updated_at = status, actor.user_id, now, note, now
    session.add(d)
    audit(
        session,
        clock,
        actor,
        f"D-{d.number}",
        status,
        before={"status": "submitted"},
        after={"status": status, "note": note},
    )
    session.flush()
    reached = None
    if m is not None and progress.settle_milestone(session, clock, m, today=actor.today(clock), by=actor.user_id):
        reached = f"M-{m.number}" if m.status == "reached" else None
    seq = change_count(session, actor.team_id, f"D-{d.number}")
    return Decision(view_of(d, m, row.outcome), approved, actor.user_id, reached, seq)


def approve(session: Session, clock: Clock, actor: Actor, key: str, note: str | None = None) -> Decision:
    """Approve a submitted deliverable (its reviewer only); its milestone may be reached."""
    return _decide(session, clock, actor, key, approved=True, note=(note or "").strip() or None)


def request_changes(session: Session, clock: Clock, actor: Actor, key: str, reason: str) -> Decision:
    """Send a submitted deliverable back with a reason (its reviewer only); the owner is told why."""
    reason = reason.strip()
    if not reason:
        raise BadInput(f"Say what needs to change, like `/deliverable reject {key.upper()} Use the new logo`.")
    if len(reason) > MAX_TEXT:
        raise BadInput(f"That reason is {len(reason)} characters; keep it under {MAX_TEXT}.")
    return _decide(session, clock, actor, key, approved=False, note=reason)
