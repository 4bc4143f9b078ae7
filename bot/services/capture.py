"""Items captured from a message: updated when the message is edited, linked to its permalink."""

from __future__ import annotations

from sqlmodel import Session

from bot.capture.drafts import Draft
from bot.clock import Clock
from bot.errors import DomainError
from bot.services.action_items import ItemView, check_owners, view_of
from bot.services.common import Actor, audit
from bot.services.people import PersonInfo
from storage.models import ActionItem
from storage.repositories import items


def items_from_message(session: Session, team_id: str, channel: str, ts: str) -> list[ActionItem]:
    """Items captured from one message, in creation order."""
    return items.from_message(session, team_id, channel, ts)


def apply_edit(
    session: Session, clock: Clock, actor: Actor, drafts: list[Draft], people: dict[str, PersonInfo], *, ts: str
) -> list[ItemView]:
    """An edited message updates its still-open items line by line; deleting a line deletes nothing."""
    assert actor.channel is not None
    found = items_from_message(session, actor.team_id, actor.channel, ts)
    updated: list[ItemView] = []
    for item, draft in zip(found, drafts, strict=False):
        if item.status != "open":
            continue
        before = {"title": item.title, "due_date": item.due_date}
        item.title = draft.title or item.title
        if draft.due is not None:
            item.due_date, item.due_time = draft.due.day, draft.due.at
            item.due_tz = actor.tz.key if draft.due.at else None
        if len(draft.owners) == 1 and draft.owners[0] != item.owner:
            try:
                check_owners(draft.owners, people)
                item.owner = draft.owners[0]
            except DomainError:
                pass
        if before != {"title": item.title, "due_date": item.due_date}:
            item.updated_at = clock.now()
            session.add(item)
            audit(
                session,
                clock,
                actor,
                f"A-{item.number}",
                "edited in Slack",
                before=before,
                after={"title": item.title, "due_date": item.due_date},
            )
            updated.append(view_of(item))
    return updated


def link_source(session: Session, team_id: str, channel: str, ts: str, url: str) -> int:
    """Point items captured from a message at its permalink; returns how many were linked."""
    found = items_from_message(session, team_id, channel, ts)
    for item in found:
        item.source_url = url
        session.add(item)
    return len(found)
