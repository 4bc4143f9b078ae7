"""Who else hears about a change: the new owner (a DM card), the creator when someone else finishes."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.blocks import cards
from bot.deps import Deps
from bot.listeners import outbox
from bot.services import settings
from bot.services.action_items import ItemView


def notify_assignees(
    context: BoltContext,
    team_id: str,
    items: list[ItemView],
    *,
    by: str,
    today: date,
    session: Session | None = None,
) -> None:
    """DM a card to each owner someone else gave an item to; assigning yourself sends nothing. With `session`, the
    DMs are queued in that transaction."""
    for item in items:
        if item.owner != by:
            outbox.queue(
                context,
                team_id=team_id,
                to=item.owner,
                kind="assigned",
                slot=f"{item.key}:{item.owner}",
                message=cards.assigned_dm(item, by=by, today=today),
                session=session,
            )


def assignee_messages(
    context: BoltContext, team_id: str, items: list[ItemView], *, by: str, today: date
) -> list[dict[str, Any]]:
    """What `notify_assignees` queues, as outbound rows to insert with the (not yet numbered) items."""
    return [
        outbox.pending(
            context,
            team_id=team_id,
            to=item.owner,
            kind="assigned",
            slot=f"{item.key}:{item.owner}",
            message=cards.assigned_dm(item, by=by, today=today),
        )
        for item in items
        if item.owner != by
    ]


def creator_wants_done_now(session: Session, team_id: str, item: ItemView, *, by: str) -> bool:
    """Read in the caller's transaction: does the creator (someone else) want a DM the moment it is done?"""
    return item.created_by != by and settings.prefs(session, team_id, item.created_by).notify_done_now


def notify_done(
    context: BoltContext,
    team_id: str,
    item: ItemView,
    *,
    by: str,
    today: date,
    now: bool | None = None,
    session: Session | None = None,
) -> None:
    """Tell the creator at once when they chose so (`now`, if the caller already read it); otherwise their next
    morning DM carries it. With `session`, the DM is queued in that transaction."""
    if item.created_by == by:
        return
    if now is None:
        deps = Deps.of(context)
        with deps.db.session(readonly=True) as session:
            now = creator_wants_done_now(session, team_id, item, by=by)
    if now:
        outbox.queue(
            context,
            team_id=team_id,
            to=item.created_by,
            kind="done-notice",
            slot=item.key,
            message=cards.done_notice(item, by=by, today=today),
            session=session,
        )
