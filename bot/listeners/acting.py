"""The acting person of a request, resolved once (in middleware) and injected into listeners as `actor`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.deps import Deps
from bot.services.common import channel_is_private

ACTOR_KEY = "actor"  # Bolt passes context keys to listeners by name
_PRIVATE_CHANNEL_TYPES = ("group", "im", "mpim")


def place(body: dict[str, Any]) -> tuple[str, str, str | None, bool] | None:
    """(team, user, channel, private) of whoever acts in a request; None when nobody does (an unknown shape)."""
    if "command" in body:  # a slash command
        channel = body.get("channel_id")
        return body["team_id"], body["user_id"], channel, channel_is_private(channel, body.get("channel_name"))
    if body.get("type") == "event_callback":
        return _event_place(body)
    user = body.get("user") or {}
    if not isinstance(user, dict) or not user.get("id"):
        return None
    team = str(user.get("team_id") or (body.get("team") or {}).get("id") or "")
    channel_info = body.get("channel") or {}
    channel = channel_info.get("id") or (body.get("container") or {}).get("channel_id") or _modal_channel(body)
    return team, user["id"], channel, channel_is_private(channel, channel_info.get("name"))


def _event_place(body: dict[str, Any]) -> tuple[str, str, str | None, bool] | None:
    event = body.get("event") or {}
    user = event.get("user")
    if not isinstance(user, str) or not user:
        return None  # user_change carries a whole profile; some events have nobody acting
    channel = event.get("channel") if event.get("type") != "app_home_opened" else None
    private = event.get("channel_type") in _PRIVATE_CHANNEL_TYPES or channel_is_private(channel)
    return str(body.get("team_id") or ""), user, channel, private


def _modal_channel(body: dict[str, Any]) -> str | None:
    """The channel a modal was opened from, as its private_metadata remembers it."""
    try:
        meta = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = meta.get("channel") if isinstance(meta, dict) else None
    return channel if isinstance(channel, str) and channel else None


def resolve_actor(
    context: BoltContext, body: dict[str, Any], client: WebClient, next: Callable[[], BoltResponse]
) -> BoltResponse:  # noqa: A002
    """Middleware: the acting person, from the people cache, into the context as `actor`."""
    # The acting person from the people cache (a short read on a miss, closed before the listener), except for channel
    # messages, most of which concern nobody (the capture path finds its author itself).
    event = body.get("event") or {}
    if not (body.get("type") == "event_callback" and event.get("type") == "message"):
        where = place(body)
        if where is not None:
            team, user, channel, private = where
            context[ACTOR_KEY] = Deps.of(context).actor(client, team, user, channel, private=private)
    return next()
