"""Changing action items: reopen, cancel, assign, due, snooze, edit, and the history of changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from bot.capture.dates import ParsedDate
from bot.capture.keys import Key
from bot.clock import Clock
from bot.errors import BadInput, DomainError, NotFound
from bot.services import recurring
from bot.services.action_items import (
    MAX_TITLE,
    ItemView,
    check_owners,
    find_deliverable,
    get_item,
    may_change,
    view_of,
    visible_to,
)
from bot.services.common import Actor, audit
from bot.services.people import PersonInfo
from storage.models import ActionItem, Deliverable
from storage.repositories import audit as audit_rows
from storage.repositories import items


@dataclass(frozen=True)
class Change:
    """An item after a change, and who else should hear about it."""

    item: ItemView
    previous_owner: str | None = None


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change."""

    at: datetime
    by: str
    change: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _load(session: Session, actor: Actor, key_text: str, *, doing: str | None = "change") -> ActionItem:
    """The item, when the actor can see it and may do `doing` to it (None: only see it)."""
    item = get_item(session, actor.team_id, key_text)
    if not visible_to(item, actor):
        raise NotFound(f"I couldn't find A-{item.number} in this workspace. Try /action list.")
    if doing is not None:
        may_change(item, actor, doing)
    return item


def _save(
    session: Session,
    clock: Clock,
    actor: Actor,
    item: ActionItem,
    change: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> ItemView:
    item.updated_at = clock.now()
    session.add(item)
    audit(session, clock, actor, f"A-{item.number}", change, before=before, after=after)
    deliverable = session.get(Deliverable, item.deliverable_id) if item.deliverable_id else None
    return view_of(item, deliverable)


def _require_open(item: ActionItem, verb: str) -> None:
    if item.status != "open":
        raise DomainError(
            f"A-{item.number} is {item.status}; only open items can be {verb}. "
            f"Reopen it first: `/action reopen A-{item.number}`."
        )


def reopen(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Done or cancelled back to open."""
    item = _load(session, actor, key_text, doing="reopen")
    if item.status == "open":
        raise DomainError(f"A-{item.number} is already open.")
    before = {"status": item.status}
    item.status, item.completed_at, item.completed_by, item.snoozed_until = "open", None, None, None
    return _save(session, clock, actor, item, "reopened", before, {"status": "open"})


def cancel(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Cancel, never delete."""
    item = _load(session, actor, key_text, doing="cancel")
    _require_open(item, "cancelled")
    item.status = "cancelled"
    return _save(session, clock, actor, item, "cancelled", {"status": "open"}, {"status": "cancelled"})


def skip(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Skip this occurrence of a repeating item: it is cancelled and the next one is created."""
    item = _load(session, actor, key_text, doing="complete")
    if not item.recurrence:
        raise DomainError(
            f"A-{item.number} doesn't repeat, so there is no next one to skip to. "
            f"To drop it, try `/action cancel A-{item.number}`."
        )
    _require_open(item, "skipped")
    item.status = "cancelled"
    view = _save(session, clock, actor, item, "skipped", {"status": "open"}, {"status": "cancelled"})
    return recurring.follow(session, clock, actor, item, view)


def assign(
    session: Session, clock: Clock, actor: Actor, key_text: str, owner: str, people: dict[str, PersonInfo]
) -> Change:
    """Give an item to someone else (or to someone at all, when nobody has it yet)."""
    item = _load(session, actor, key_text, doing="assign")
    _require_open(item, "reassigned")
    check_owners([owner], people)
    if owner == item.owner:
        raise DomainError(f"A-{item.number} is already <@{owner}>'s.")
    previous = item.owner
    item.owner = owner
    item.snoozed_until = None
    view = _save(session, clock, actor, item, "assigned", {"owner": previous}, {"owner": owner})
    return Change(view, previous_owner=previous)


def take(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Make the actor the owner of an open item nobody owns: first come, so two takers at once make one owner."""
    item = _load(session, actor, key_text, doing=None)  # anyone who can see it; what else it takes is checked here
    if item.owner is None and item.status == "open":
        assert item.id is not None
        if items.take(session, item.id, actor.user_id, clock.now()):
            session.refresh(item)
            return _save(session, clock, actor, item, "taken", {"owner": None}, {"owner": actor.user_id})
        session.refresh(item)  # someone took (or closed) it since it was read: say who
    raise _not_takeable(session, actor, item)


def _not_takeable(session: Session, actor: Actor, item: ActionItem) -> DomainError:
    key = f"A-{item.number}"
    if item.status != "open":
        return DomainError(f"{key} is {item.status}; only open items can be taken.")
    if item.owner == actor.user_id:
        return DomainError(f"{key} is already yours.")
    # Taken (not given) by its owner: the last change that named an owner says which.
    owned = [r for r in audit_rows.history(session, actor.team_id, key) if "owner" in json.loads(r.after or "{}")]
    if owned and owned[-1].change == "taken" and owned[-1].by == item.owner:
        return DomainError(f"<@{item.owner}> took {key} first.")
    return DomainError(f"{key} is owned by <@{item.owner}>; ask them or use `/action assign {key} @someone`.")


def set_due(session: Session, clock: Clock, actor: Actor, key_text: str, due: ParsedDate | None) -> ItemView:
    """Change or clear the due date (a time is kept with the author's zone)."""
    item = _load(session, actor, key_text)
    _require_open(item, "rescheduled")
    before = {"due_date": item.due_date, "due_time": item.due_time}
    item.due_date = due.day if due else None
    item.due_time = due.at if due else None
    item.due_tz = actor.tz.key if due and due.at else None
    return _save(
        session, clock, actor, item, "due date", before, {"due_date": item.due_date, "due_time": item.due_time}
    )


def snooze(session: Session, clock: Clock, actor: Actor, key_text: str, until: date | None) -> ItemView:
    """No reminders until `until` (default: tomorrow in the actor's zone); the due date stays."""
    item = _load(session, actor, key_text, doing="snooze")
    _require_open(item, "snoozed")
    today = actor.today(clock)
    until = until or today + timedelta(days=1)
    if until <= today:
        raise BadInput(f"Snooze until a day after today (today is {today:%a, %b} {today.day}).")
    before = {"snoozed_until": item.snoozed_until}
    item.snoozed_until = until
    return _save(session, clock, actor, item, "snoozed", before, {"snoozed_until": until})


def next_monday(today: date) -> date:
    """The Monday after today."""
    return today + timedelta(days=7 - today.weekday())


def edit(
    session: Session,
    clock: Clock,
    actor: Actor,
    key_text: str,
    *,
    title: str,
    owner: str,
    due_date: date | None,
    due_time: time | None,
    deliverable_key: Key | None,
    people: dict[str, PersonInfo],
) -> Change:
    """Apply what the edit modal submitted."""
    item = _load(session, actor, key_text)
    _require_open(item, "edited")
    title = title.replace("\x00", "").strip()
    if not title or len(title) > MAX_TITLE:
        raise BadInput(f"A title is needed (at most {MAX_TITLE} characters).")
    if owner != item.owner:
        check_owners([owner], people)
    deliverable = find_deliverable(session, actor.team_id, deliverable_key) if deliverable_key else None
    before = {
        "title": item.title,
        "owner": item.owner,
        "due_date": item.due_date,
        "deliverable_id": item.deliverable_id,
    }
    previous = item.owner
    item.title, item.owner, item.due_date = title, owner, due_date
    item.due_time = due_time
    item.due_tz = actor.tz.key if due_time else None
    item.deliverable_id = deliverable.id if deliverable else None
    if deliverable is not None and deliverable.status == "planned":
        deliverable.status = "in_progress"
        session.add(deliverable)
    after = {"title": title, "owner": owner, "due_date": due_date, "deliverable_id": item.deliverable_id}
    view = _save(session, clock, actor, item, "edited", before, after)
    return Change(view, previous_owner=previous if previous != owner else None)


def check_may_change(session: Session, actor: Actor, key_text: str, doing: str = "change") -> None:
    """Raise unless the actor may do `doing` to the item (before opening a modal)."""
    _load(session, actor, key_text, doing=doing)


def show(session: Session, actor: Actor, key_text: str) -> tuple[ItemView, list[HistoryEntry]]:
    """An item and its history, oldest first."""
    item = _load(session, actor, key_text, doing=None)
    deliverable = session.get(Deliverable, item.deliverable_id) if item.deliverable_id else None
    rows = audit_rows.history(session, actor.team_id, f"A-{item.number}")
    history = [
        HistoryEntry(
            at=r.at,
            by=r.by,
            change=r.change,
            before=json.loads(r.before) if r.before else None,
            after=json.loads(r.after) if r.after else None,
        )
        for r in rows
    ]
    return view_of(item, deliverable), history
