"""Who else hears about a change: the new owner (a DM card), the creator when someone else finishes."""

from __future__ import annotations

from datetime import date

from slack_bolt import BoltContext

from bot.blocks import cards
from bot.deps import Deps
from bot.listeners import outbox
from bot.services import settings
from bot.services.action_items import ItemView


def notify_assignees(context: BoltContext, team_id: str, items: list[ItemView], *, by: str, today: date) -> None:
    """DM a card to each owner someone else gave an item to; assigning yourself sends nothing."""
    for item in items:
        if item.owner != by:
            outbox.queue(
                context,
                team_id=team_id,
                to=item.owner,
                kind="assigned",
                slot=f"{item.key}:{item.owner}",
                message=cards.assigned_dm(item, by=by, today=today),
            )


def notify_done(context: BoltContext, team_id: str, item: ItemView, *, by: str, today: date) -> None:
    """Tell the creator at once when they chose so; otherwise their next morning DM carries it."""
    if item.created_by == by:
        return
    deps = Deps.of(context)
    with deps.db.session(readonly=True) as session:
        now = settings.prefs(session, team_id, item.created_by).notify_done_now
    if now:
        outbox.queue(
            context,
            team_id=team_id,
            to=item.created_by,
            kind="done-notice",
            slot=item.key,
            message=cards.done_notice(item, by=by, today=today),
        )
