"""Items captured from a message: updated entry by entry when the message is edited, linked to its permalink."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.capture.dates import ParsedDate
from bot.capture.keys import Key
from bot.capture.recurrence import Rule
from bot.clock import Clock
from bot.errors import NotFound, PermissionDenied
from bot.services.action_items import ItemView, view_of
from bot.services.common import Actor, audit
from storage.models import ActionItem
from storage.repositories import items


@dataclass(frozen=True)
class CaptureDraft:
    """One item to create from a capture: one owner (None: unassigned), the entry it came from."""

    title: str
    owner: str | None
    due: ParsedDate | None
    entry: str | None
    for_key: Key | None = None
    warning: str | None = None
    recurrence: Rule | None = None  # only from an explicit `repeat <rule>` in the entry


def items_from_message(session: Session, team_id: str, channel: str, ts: str) -> list[ActionItem]:
    """Items captured from one message, in creation order."""
    return items.from_message(session, team_id, channel, ts)


def apply_edit(session: Session, clock: Clock, actor: Actor, drafts: list[CaptureDraft], *, ts: str) -> list[ItemView]:
    """An edited message updates the still-open items of the entries it changed; deleting one deletes nothing."""
    # An entry is known by its fingerprint: items whose entry is still there are left alone; the others (an entry
    # reworded) take the new entries' words in order.
    assert actor.channel is not None
    found = items_from_message(session, actor.team_id, actor.channel, ts)
    still_there = {d.entry for d in drafts}
    known = {i.source_entry for i in found}
    changed = [i for i in found if i.source_entry is None or i.source_entry not in still_there]
    reworded = [d for d in drafts if d.entry is None or d.entry not in known]
    return [
        view
        for item, draft in zip(changed, reworded, strict=False)
        if (view := _update(session, clock, actor, item, draft))
    ]


def _update(session: Session, clock: Clock, actor: Actor, item: ActionItem, draft: CaptureDraft) -> ItemView | None:
    if item.status != "open":
        return None
    before = {"title": item.title, "due_date": item.due_date, "owner": item.owner}
    item.title = draft.title or item.title
    item.source_entry = draft.entry
    if draft.due is not None:
        item.due_date, item.due_time = draft.due.day, draft.due.at
        item.due_tz = actor.tz.key if draft.due.at else None
    if draft.owner is not None:
        item.owner = draft.owner
    after = {"title": item.title, "due_date": item.due_date, "owner": item.owner}
    session.add(item)
    if before == after:
        return None
    item.updated_at = clock.now()
    audit(session, clock, actor, f"A-{item.number}", "edited in Slack", before=before, after=after)
    return view_of(item)


def link_source(session: Session, team_id: str, channel: str, ts: str, url: str) -> int:
    """Point items captured from a message at its permalink; returns how many were linked."""
    found = items_from_message(session, team_id, channel, ts)
    for item in found:
        item.source_url = url
        session.add(item)
    return len(found)


def captured_views(session: Session, team_id: str, channel: str, ts: str) -> list[ItemView]:
    """The items captured from one message as people see them, in creation order."""
    return [view_of(i) for i in items_from_message(session, team_id, channel, ts)]


def undo_all(session: Session, clock: Clock, actor: Actor, channel: str, ts: str) -> tuple[list[str], list[str]]:
    """Cancel a capture's items still open and unchanged: (cancelled keys, keys kept because they changed or closed)."""
    found = items_from_message(session, actor.team_id, channel, ts)
    if not found:
        raise NotFound("There is nothing from these notes left to undo.")
    poster = found[0].created_by
    if not found[0].by_app and actor.user_id != poster:
        raise PermissionDenied(f"Only <@{poster}>, who posted these notes, can undo what they captured.")
    cancelled, kept = [], []
    now = clock.now()
    for item in found:
        key = f"A-{item.number}"
        if item.status == "open" and item.updated_at is None:
            item.status, item.updated_at = "cancelled", now
            session.add(item)
            audit(
                session,
                clock,
                actor,
                key,
                "cancelled (Undo all)",
                before={"status": "open"},
                after={"status": "cancelled"},
            )
            cancelled.append(key)
        elif item.status != "cancelled":
            kept.append(key)
    return cancelled, kept
