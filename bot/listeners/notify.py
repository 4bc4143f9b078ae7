"""Who else hears about a change: the new owner (a DM card), the creator when someone else finishes."""

from __future__ import annotations

from datetime import date

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.blocks import cards
from bot.blocks.reminders import due_soon
from bot.deps import Deps
from bot.listeners import outbox
from bot.services import cadence
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
    """DM a card to each owner someone else gave an item to (assigning yourself sends nothing)."""
    # In `session`'s transaction when there is one. An item due within a day says how soon: one given inside its
    # owner's reminder lead gets no reminder before its due (§6).
    now = Deps.of(context).clock.now()
    for item in items:
        if item.owner is not None and item.owner != by:
            outbox.queue(
                context,
                team_id=team_id,
                to=item.owner,
                kind="assigned",
                slot=f"{item.key}:{item.owner}",
                message=cards.assigned_dm(item, by=by, today=today, soon=due_soon(item, now)),
                session=session,
            )


def notify_done(context: BoltContext, session: Session, team_id: str, item: ItemView, *, by: str, today: date) -> None:
    """Tell the creator (someone else) at once, in the completing transaction, unless their next morning DM will."""
    # At once when they chose so, or when no morning DM comes at the next chance (cadence, public holidays).
    # An app that posted the notes (`by_app`: its bot user created the item) is never told anything.
    if item.by_app or item.created_by == by:
        return
    deps = Deps.of(context)
    if not cadence.done_notice_now(session, team_id, item.created_by, deps.clock.now(), deps.settings.default_tz):
        return
    outbox.queue(
        context,
        team_id=team_id,
        to=item.created_by,
        kind="done-notice",
        slot=item.key,
        message=cards.done_notice(item, by=by, today=today),
        session=session,
    )
