"""Events API: marker lines in channel messages, @mentions, edits. Written before the ack; confirmed lazily."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.capture import confirmation
from bot.capture.drafts import Draft, draft_from_text, drafts_from_message
from bot.capture.markers import marker_lines
from bot.capture.text import mentions
from bot.deps import Deps
from bot.listeners import outbox
from bot.listeners.notify import assignee_messages
from bot.services import action_items, capture, outbound
from bot.services.common import Actor, channel_is_private, ensure_workspace
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
    actor: Actor,
    drafts: list[Draft],
    *,
    unless_capture_off: bool = False,
) -> None:
    """Capture `drafts` from one event exactly once: the event id, the items, their confirmation and DMs."""
    owners = [o for d in drafts for o in d.owners]
    people = deps.directory.resolve(client, actor.team_id, owners) if owners else {}
    channel, ts = event["channel"], event["ts"]
    event_id = body.get("event_id") or f"{channel}:{ts}"
    off_in = channel if unless_capture_off else None
    keys = capture.placeholder()
    if deps.db.commits_each_statement:
        # PostgreSQL: check and shape first (reads, as a rule), then the event id, the items, their audit rows,
        # the confirmation and the DMs as one statement in autocommit — one round trip, and the workspace's key
        # counter locked for that statement alone.
        with deps.db.session() as session:
            planned, notes = capture.plan_drafts(session, deps.clock, actor, drafts, people, placeholder=keys)
        if planned and not action_items.starts_a_deliverable(planned):
            messages = _messages(deps, context, actor, event, planned, notes)
            guard = capture.first_delivery_guard(deps.clock, actor.team_id, event_id, unless_capture_off_in=off_in)
            with deps.db.autocommit() as conn:
                items = action_items.insert_planned_at_once(
                    conn,
                    deps.clock,
                    actor,
                    planned,
                    guard=guard,
                    source_ts=ts,
                    source_channel=actor.channel,
                    messages=messages,
                    placeholder=keys,
                )
            if items is not None:  # None: a retry of an event already handled, or capture is off here
                _note_stored(context, planned, items, messages)
            return
    # SQLite: checked and shaped in a read-only transaction, the messages written, then one short write transaction
    # (SQLite's write lock is the whole database's): the event id (so a retry creates nothing), the channel's
    # switch, the items, and the confirmation and DMs with their keys filled in by the insert — they go out (after
    # the answer, from the sender) if and only if the items exist.
    with deps.db.session(readonly=True) as session:
        planned, notes = capture.plan_drafts(session, deps.clock, actor, drafts, people, placeholder=keys, ensure=False)
    messages = _messages(deps, context, actor, event, planned, notes)
    with deps.db.session() as session:
        if not capture.first_delivery(session, deps.clock, actor.team_id, event_id, unless_capture_off_in=off_in):
            return  # a retry of an event already handled, or capture is off in this channel
        ensure_workspace(session, deps.clock, actor.team_id)
        if planned:
            items = action_items.insert_planned(
                session,
                deps.clock,
                actor,
                planned,
                source_ts=ts,
                source_channel=actor.channel,
                messages=messages,
                placeholder=keys,
            )
            _note_stored(context, planned, items, messages)
        else:  # every line refused: only the confirmation (its notes) goes out
            outbox.stored(context, [m for m in messages if outbound.enqueue_row(session, m)])


def _messages(
    deps: Deps,
    context: BoltContext,
    actor: Actor,
    event: dict[str, Any],
    planned: list[action_items.Planned],
    notes: list[str],
) -> list[dict[str, Any]]:
    """The thread confirmation and the owners' DMs, as outbound rows naming the items by their placeholders."""
    views = [v for plan in planned for v in plan.views]
    today = actor.today(deps.clock)
    messages = []
    message = confirmation(views, notes, today=today)
    if message is not None:
        messages.append(
            outbox.pending(
                context,
                team_id=actor.team_id,
                to=event["channel"],
                kind="capture-confirm",
                slot=event["ts"],
                message=message,
                thread_ts=event.get("thread_ts") or event["ts"],
            )
        )
    return messages + assignee_messages(context, actor.team_id, views, by=actor.user_id, today=today)


def _note_stored(
    context: BoltContext,
    planned: list[action_items.Planned],
    items: list[action_items.ItemView],
    messages: list[dict[str, Any]],
) -> None:
    views = [v for plan in planned for v in plan.views]
    numbers = {view.key: item.key for view, item in zip(views, items, strict=True)}
    outbox.stored(context, messages, fill=functools.partial(_fill, numbers))


def _fill(keys: dict[str, str], text: str) -> str:
    for placeholder, key in keys.items():
        text = text.replace(placeholder, key)
    return text


def handle_message(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Marker lines become items; edits update still-open items; bots and deletions are ignored.

    A message without marker lines (most of them) is answered without touching the database.
    """
    subtype = event.get("subtype")
    if subtype == "message_changed":
        _handle_edit(Deps.of(context), client, body, context, event)
    elif subtype in IGNORED_SUBTYPES or event.get("bot_id") or subtype == "message_deleted":
        pass
    elif not marker_lines(event.get("text") or ""):
        pass
    elif context.bot_user_id and context.bot_user_id in mentions(event.get("text") or ""):
        pass  # handled once, through app_mention
    elif event.get("user") and event.get("channel"):
        deps = Deps.of(context)
        team_id = body.get("team_id") or context.team_id or ""
        actor = _actor(deps, client, team_id, event, event["user"])
        drafts = drafts_from_message(event.get("text") or "", actor.today(deps.clock))
        _capture(deps, client, body, context, event, actor, drafts, unless_capture_off=True)
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
    owners = [o for d in drafts for o in d.owners]
    people = deps.directory.resolve(client, team_id, owners) if owners else {}
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
    if text:
        actor = _actor(deps, client, team_id, event, event["user"])
        today = actor.today(deps.clock)
        drafts = drafts_from_message(text, today) or [draft_from_text(text, today)]
        _capture(deps, client, body, context, event, actor, drafts)
    ack()


def handle_user_change(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Keep the people cache fresh: a new time zone, a name, a deactivation."""
    deps = Deps.of(context)
    member = event.get("user") or {}
    if member.get("id"):
        team_id = body.get("team_id") or context.team_id or ""
        deps.directory.remember(team_id, [person_from_slack(member)])
    ack()
