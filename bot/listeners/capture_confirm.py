"""Redrawing a capture's thread confirmation after a click on it (Take it), in the click's transaction."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.services.action_items import ItemView
from bot.services.common import Actor

# A click whose block_id starts with this came from a capture's confirmation (bot/blocks/capture.py).
CAPTURE_BLOCK_PREFIX = "capture:"


def redraw_capture_confirmation(
    context: BoltContext, session: Session, *, body: dict[str, Any], actor: Actor, item: ItemView
) -> bool:
    """Queue the redrawn confirmation that `item` was just taken from; False when nothing was redrawn."""
    # TODO(issue 17, the notes-capture engineer who asked for this seam): rebuild the confirmation named by the
    # clicked block_id ("capture:…") with `item` now owned by `actor`, and queue it with `outbox.queue_redraw` in
    # `session`'s transaction, then return True. Until then the clicker gets a short ephemeral note instead
    # (bot/listeners/actions.py, handle_take).
    del context, session, body, actor, item
    return False
