"""Shortcuts: from a message (the item form prefilled from it) and global (the form, empty)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks import modals
from bot.capture.drafts import draft_from_text
from bot.capture.markers import marker_lines
from bot.deps import Deps
from bot.ids import CallbackId

HANDLED_SHORTCUTS = (CallbackId.CAPTURE_MESSAGE.value, CallbackId.NEW_ITEM.value)


def register(app: App) -> None:
    """Attach the shortcut listeners."""
    app.shortcut(CallbackId.CAPTURE_MESSAGE.value)(handle_message_shortcut)
    app.shortcut(CallbackId.NEW_ITEM.value)(handle_global_shortcut)


def handle_message_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Open the form at once (the trigger lives 3 s), prefilled: title, owners, date, deliverable, channel."""
    deps = Deps.of(context)
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    text = str(message.get("text") or "")
    team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    tz = deps.directory.resolve(client, team_id, [body["user"]["id"]]).get(body["user"]["id"])
    today = deps.clock.now().astimezone(tz.zone(deps.settings.default_tz) if tz else deps.settings.default_tz).date()
    first = (marker_lines(text) or [text.strip().splitlines()[0] if text.strip() else ""])[0]
    draft = draft_from_text(first, today)
    note = f"From a message by <@{message.get('user')}> in <#{channel}>" if message.get("user") else None
    view = modals.item_modal(
        metadata={"mode": "new", "channel": channel, "source_channel": channel, "source_ts": message.get("ts")},
        title=draft.title[:500],
        owners=draft.owners,
        due_date=draft.due.day if draft.due else None,
        due_time=draft.due.at if draft.due else None,
        deliverable=(str(draft.for_key), "") if draft.for_key and draft.for_key.kind == "D" else None,
        note=note,
    )
    client.views_open(trigger_id=body["trigger_id"], view=view)
    ack()


def handle_global_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """The form, empty."""
    client.views_open(trigger_id=body["trigger_id"], view=modals.item_modal(metadata={"mode": "new", "channel": None}))
    ack()
