"""A capture's thread confirmation: Undo all, and its redraw after a click on it (Take it, Undo all)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from sqlmodel import Session

from bot.blocks.capture import confirmation, source_id
from bot.blocks.cards import Message
from bot.deps import Deps
from bot.ids import ActionId
from bot.listeners import outbox
from bot.services import capture
from bot.services.action_items import ItemView
from bot.services.common import Actor

# A click whose block_id starts with this came from a capture's confirmation (bot/blocks/capture.py).
CAPTURE_BLOCK_PREFIX = "capture:"


def register(app: App) -> None:
    """Attach Undo all."""
    app.action(ActionId.CAPTURE_UNDO.value)(handle_undo_all)


def _source(body: dict[str, Any]) -> tuple[str, str] | None:
    """The captured message's (channel, ts) from the clicked block id `capture:C…|ts[:A-n]`."""
    block_id = str(((body.get("actions") or [{}])[0]).get("block_id") or "")
    if not block_id.startswith(CAPTURE_BLOCK_PREFIX):
        return None
    channel, _, rest = block_id.removeprefix(CAPTURE_BLOCK_PREFIX).partition("|")
    ts = rest.split(":")[0]
    return (channel, ts) if channel and ts else None


def _redrawn(body: dict[str, Any], items: list[ItemView], actor: Actor, deps: Deps, undone: str | None) -> Message:
    """The confirmation as its items are now, keeping the notes it was posted with."""
    source = _source(body)
    assert source is not None
    message = confirmation(items, [], today=actor.today(deps.clock), source=source_id(*source), undone=undone)
    assert message is not None
    original = (body.get("message") or {}).get("blocks") or []
    notes = [b for b in original if b.get("type") == "context" and "⚠️" in str(b.get("elements"))]
    head = [b for b in message.blocks if b.get("type") != "actions" and "↩️" not in str(b.get("elements", ""))]
    tail = [b for b in message.blocks if b not in head]
    return Message(text=message.text, blocks=head + notes + tail)


def redraw_capture_confirmation(
    context: BoltContext, session: Session, *, body: dict[str, Any], actor: Actor, item: ItemView
) -> bool:
    """Queue the redrawn confirmation that `item` was just taken from; False when the click named no capture."""
    source = _source(body)
    if source is None or not body.get("response_url"):
        return False
    deps = Deps.of(context)
    items = capture.captured_views(session, actor.team_id, *source)
    message = _redrawn(body, items, actor, deps, undone=None)
    outbox.queue_redraw(context, session, team_id=actor.team_id, body=body, message=message)
    return True


def handle_undo_all(ack: Ack, body: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """Undo all: the capture's items still open and unchanged are cancelled; the others are named."""
    deps = Deps.of(context)
    source = _source(body)
    if source is None:
        ack()
        return
    with deps.db.session() as session:
        cancelled, kept = capture.undo_all(session, deps.clock, actor, *source)
        said = f"Undone by <@{actor.user_id}>: " + (", ".join(cancelled) + " cancelled." if cancelled else "nothing.")
        if kept:
            said += f" Kept (changed, taken or done since): {', '.join(kept)}."
        items = capture.captured_views(session, actor.team_id, *source)
        if body.get("response_url"):
            message = _redrawn(body, items, actor, deps, undone=said)
            outbox.queue_redraw(context, session, team_id=actor.team_id, body=body, message=message)
    ack()
