"""Nudges (CONTRACTS §4): a DM to an item's owner that someone is waiting on it, at most once a day per owner."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clock import Clock
from bot.errors import DomainError, NotFound, PermissionDenied
from bot.services.action_items import ItemView, get_item, view_of, visible_to
from bot.services.common import Actor, audit
from bot.services.people import PersonInfo
from storage.models import ActionItem, Deliverable
from storage.repositories import audit as audit_rows
from storage.repositories import outbox

KIND = "nudge"


@dataclass(frozen=True)
class Nudge:
    """Who is nudged about which item, and how late it is on the owner's calendar."""

    item: ItemView
    owner: str
    by: str
    owner_today: date
    late_days: int  # 0 when not overdue

    @property
    def slot(self) -> str:
        """The once-only key: one nudge per item per owner's local day."""
        return f"{self.item.key}:{self.owner_today.isoformat()}"


Compose = Callable[[Nudge], dict[str, Any]]  # the outbox payload of the DM (blocks are built by the caller)


def clock_time(at: datetime, tz: ZoneInfo) -> str:
    """`3:05 PM` in `tz`, whatever the process's locale."""
    local = at.astimezone(tz)
    return f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"


def nudge(
    session: Session,
    clock: Clock,
    actor: Actor,
    key_text: str,
    *,
    people: Callable[[str], PersonInfo | None],
    default_tz: ZoneInfo,
    compose: Compose,
) -> Nudge:
    """Queue the owner's nudge DM in this transaction; refusals (and a second nudge the same day) raise."""
    item = _visible(session, actor, key_text)
    owner = _check(session, actor, item)
    person = people(owner)
    key = f"A-{item.number}"
    if person is None or person.deleted or person.is_bot:
        raise DomainError(
            f"<@{owner}> is deactivated, so a nudge would reach nobody. "
            f"Give {key} to someone else: `/action assign {key} @someone`."
        )
    owner_today = clock.now().astimezone(person.zone(default_tz)).date()
    deliverable = session.get(Deliverable, item.deliverable_id) if item.deliverable_id else None
    late = (owner_today - item.due_date).days if item.due_date and item.due_date < owner_today else 0
    found = Nudge(view_of(item, deliverable), owner, actor.user_id, owner_today, late)
    now = clock.now()
    queued = outbox.enqueue(
        session, now, team_id=actor.team_id, recipient=owner, kind=KIND, slot=found.slot, payload=compose(found)
    )
    if not queued:
        first = outbox.queued_at(session, team_id=actor.team_id, recipient=owner, kind=KIND, slot=found.slot)
        at = f" at {clock_time(first, actor.tz)}" if first else ""
        raise DomainError(f"Already nudged <@{owner}> about {key} today{at} — one nudge a day.")
    audit(session, clock, actor, key, "nudged", after={"owner": owner})
    return found


def owner_to_nudge(session: Session, actor: Actor, key_text: str) -> str:
    """Whom a nudge about this item would reach, when the actor may send one (else the refusal says why)."""
    return _check(session, actor, _visible(session, actor, key_text))


def _visible(session: Session, actor: Actor, key_text: str) -> ActionItem:
    item = get_item(session, actor.team_id, key_text)
    if not visible_to(item, actor):
        raise NotFound(f"I couldn't find A-{item.number} in this workspace. Try /action list.")
    return item


def _check(session: Session, actor: Actor, item: ActionItem) -> str:
    """The owner to nudge, when the item is open, owned by someone else, and the actor may nudge them."""
    key = f"A-{item.number}"
    if item.status != "open":
        raise DomainError(f"{key} is {item.status}, so there is nothing to nudge about.")
    if item.owner is None:
        raise DomainError(
            f"{key} has no owner yet, so there is nobody to nudge. "
            f"Take it (`/action take {key}`) or give it to someone: `/action assign {key} @someone`."
        )
    if item.owner == actor.user_id:
        raise DomainError(f"{key} is yours: a nudge reminds someone else of what you are waiting on.")
    if not may_nudge(session, actor, item):
        raise PermissionDenied(
            f"Only <@{item.created_by}> (who asked for {key}) or a workspace admin can nudge <@{item.owner}> about it."
        )
    return item.owner


def may_nudge(session: Session, actor: Actor, item: ActionItem) -> bool:
    """The creator, an admin; anyone who sees it for an app's item or one that was unassigned until taken."""
    if actor.user_id == item.created_by or actor.is_admin or item.by_app:
        return True
    return _was_unassigned(session, actor.team_id, f"A-{item.number}")


def _was_unassigned(session: Session, team_id: str, key: str) -> bool:
    """True when the item was created without an owner (read from its history: no column says so)."""
    for row in audit_rows.history(session, team_id, key):
        after = json.loads(row.after or "{}")
        if row.change == "taken" or (row.change == "created" and after.get("owner", "") is None):
            return True
    return False
