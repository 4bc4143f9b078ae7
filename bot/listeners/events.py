"""Events API: marker lines in channel messages, @mentions, edits. Written before the ack; confirmed lazily."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.capture import confirmation
from bot.capture.drafts import Draft, draft_from_text, drafts_from_message
from bot.capture.text import mentions
from bot.deps import Deps
from bot.listeners import outbox
from bot.listeners.notify import notify_assignees
from bot.services import capture, people, settings
from bot.services.common import Actor, channel_is_private
from bot.slack.directory import person_from_slack

# What manifest.yml subscribes to; `message.*` arrive as the `message` event.
HANDLED_BOT_EVENTS = ("app_home_opened", "app_mention", "message.channels", "message.groups", "user_change")
IGNORED_SUBTYPES = {
    "channel_join",
    "channel_leave",
    "bot_message",
    "message_replied",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "pinned_item",
    "unpinned_item",
}


def register(app: App) -> None:
    """Attach the event listeners; thread confirmations go out after the answer."""
    app.event("message")(outbox.after_answer(handle_message, outbox.flush))
    app.event("app_mention")(outbox.after_answer(handle_mention, outbox.flush))
    app.event("user_change")(handle_user_change)


def _actor(deps: Deps, client: WebClient, team_id: str, event: dict[str, Any], user_id: str) -> Actor:
    channel = event.get("channel")
    private = event.get("channel_type") in ("group", "im", "mpim") or channel_is_private(channel)
    return deps.actor(client, team_id, user_id, channel, private=private)


def _capture(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    event: dict[str, Any],
    drafts: list[Draft],
    user_id: str,
) -> None:
    team_id = body.get("team_id") or context.team_id or ""
    actor = _actor(deps, client, team_id, event, user_id)
    people = deps.directory.resolve(client, team_id, [o for d in drafts for o in d.owners])
    channel, ts = event["channel"], event["ts"]
    with deps.db.session() as session:
        if not capture.first_delivery(session, deps.clock, team_id, body.get("event_id") or f"{channel}:{ts}"):
            return
        result = capture.capture_drafts(session, deps.clock, actor, drafts, people, source_url=None, source_ts=ts)
    today = actor.today(deps.clock)
    message = confirmation(result.items, result.notes, today=today)
    if message is not None:
        outbox.queue(
            context,
            team_id=team_id,
            to=channel,
            kind="capture-confirm",
            slot=ts,
            message=message,
            thread_ts=event.get("thread_ts") or ts,
        )
    notify_assignees(context, team_id, result.items, by=user_id, today=today)


def handle_message(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Marker lines become items; edits update still-open items; bots and deletions are ignored."""
    deps = Deps.of(context)
    subtype = event.get("subtype")
    if subtype == "message_changed":
        _handle_edit(deps, client, body, context, event)
    elif subtype in IGNORED_SUBTYPES or event.get("bot_id") or subtype == "message_deleted":
        pass
    elif context.bot_user_id and context.bot_user_id in mentions(event.get("text") or ""):
        pass  # handled once, through app_mention
    elif event.get("user") and event.get("channel"):
        team_id = body.get("team_id") or context.team_id or ""
        with deps.db.session(readonly=True) as session:
            enabled = settings.capture_on(session, team_id, event["channel"])
        tz = deps.actor(client, team_id, event["user"], event["channel"]).tz if enabled else None
        drafts = drafts_from_message(event.get("text") or "", deps.clock.now().astimezone(tz).date()) if tz else []
        if drafts:
            _capture(deps, client, body, context, event, drafts, event["user"])
    ack()


def _handle_edit(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext, event: dict[str, Any]
) -> None:
    new = event.get("message") or {}
    if new.get("bot_id") or not new.get("user"):
        return
    team_id = body.get("team_id") or context.team_id or ""
    actor = _actor(deps, client, team_id, event, new["user"])
    drafts = drafts_from_message(new.get("text") or "", actor.today(deps.clock))
    if not drafts:
        return
    people = deps.directory.resolve(client, team_id, [o for d in drafts for o in d.owners])
    with deps.db.session() as session:
        if capture.first_delivery(session, deps.clock, team_id, body.get("event_id") or ""):
            capture.apply_edit(session, deps.clock, actor, drafts, people, ts=new.get("ts") or event.get("ts", ""))


def handle_mention(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """`@Followthrough <text>` works like `/action add <text>`; marker lines in it are captured too."""
    deps = Deps.of(context)
    if event.get("bot_id") or not event.get("user"):
        ack()
        return
    team_id = body.get("team_id") or context.team_id or ""
    text = (event.get("text") or "").replace(f"<@{context.bot_user_id}>", " ").strip()
    today = deps.actor(client, team_id, event["user"], event.get("channel")).today(deps.clock)
    drafts = drafts_from_message(text, today) or ([draft_from_text(text, today)] if text else [])
    if drafts:
        _capture(deps, client, body, context, event, drafts, event["user"])
    ack()


def handle_user_change(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Keep the people cache fresh: a new time zone, a name, a deactivation."""
    deps = Deps.of(context)
    member = event.get("user") or {}
    if member.get("id"):
        team_id = body.get("team_id") or context.team_id or ""
        with deps.db.session() as session:
            people.remember(session, deps.clock, team_id, [person_from_slack(member)])
    ack()
