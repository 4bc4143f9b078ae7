"""Buttons: Done on item cards."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks import cards
from bot.deps import Deps
from bot.ids import ActionId
from bot.services import action_items


def register(app: App) -> None:
    """Attach the block_actions listeners."""
    app.action(ActionId.ITEM_DONE.value)(handle_item_done)


def handle_item_done(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Done on a card: complete the item and replace the card with the result."""
    ack()
    deps = Deps.of(context)
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    actor = deps.actor(
        client,
        body["user"]["team_id"] if "team_id" in body["user"] else body["team"]["id"],
        body["user"]["id"],
        channel,
    )
    with deps.db.session() as session:
        item = action_items.complete(session, deps.clock, actor, str(action.get("value", "")))
    message = cards.completed(item, today=actor.today(deps.clock))
    respond(text=message.text, blocks=message.blocks, replace_original=True, response_type="ephemeral")
