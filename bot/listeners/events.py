"""Events API: marker lines in channel messages, @mentions, edits."""
# Marker lines in channel messages, @mentions, edits. A capture is held before the answer (one insert) and written,
# with its confirmation queued, right after it.

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import capture_flow
from bot.capture.drafts import drafts_from_message
from bot.capture.markers import marker_lines
from bot.capture.text import mentions
from bot.deps import Deps
from bot.listeners import outbox
from bot.services import capture
from bot.slack.directory import person_from_slack
from storage.repositories import captures

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


CAPTURE_KEY = "followthrough_capture"  # a capture held before the answer, to write right after it


def register(app: App) -> None:
    """Attach the event listeners: a capture is held before the answer, written and confirmed after it."""
    app.event("message")(outbox.after_answer(handle_message, write_held, when=(CAPTURE_KEY,)))
    app.event("app_mention")(outbox.after_answer(handle_mention, write_held, when=(CAPTURE_KEY,)))
    app.event("user_change")(handle_user_change)


def _hold(
    deps: Deps, body: dict[str, Any], context: BoltContext, event: dict[str, Any], *, kind: str, text: str
) -> None:
    """Before the answer, one insert: the event id and what the message said."""
    # The event id and what the message said (so a retry holds nothing twice and a capture outlives a crash). Its
    # items are written right after the answer (`write_held`), or by the scheduler's sweep when this process died
    # first.
    team_id = body.get("team_id") or context.team_id or ""
    channel, ts = event["channel"], event["ts"]
    said = {
        "kind": kind,
        "user": event["user"],
        "channel": channel,
        "channel_type": event.get("channel_type"),
        "ts": ts,
        "thread_ts": event.get("thread_ts"),
        "text": text,
    }
    held = capture_flow.Held(team_id, body.get("event_id") or f"{channel}:{ts}", said, deps.clock.now())
    with deps.db.session() as session:
        state = captures.receive(
            session,
            held.received_at,
            team_id,
            held.event_id,
            held.payload,
            channel=channel if kind == "message" else None,
        )
    if state in ("new", "held"):  # not written before (a retry of one still held is written now)
        context[CAPTURE_KEY] = held


def write_held(context: BoltContext, client: WebClient) -> None:
    """After the answer: write the capture this request held."""
    held = context.get(CAPTURE_KEY)
    if isinstance(held, capture_flow.Held):
        write_capture(Deps.of(context), client, held)


def write_capture(deps: Deps, client: WebClient, held: capture_flow.Held) -> bool:
    """Write a held capture once, as its author (dates read as of the day it was received, in their zone)."""
    actor = deps.author(client, held.team_id, held.said)
    resolve = functools.partial(deps.directory.resolve, client, held.team_id)
    return capture_flow.write(deps.db, deps.clock, held, actor, resolve)


def handle_message(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Marker lines become items (held before the answer, written after it); bots are ignored."""
    # Edits update still-open items; bots and deletions are ignored. A message without marker lines (most of them) is
    # answered without touching the database.
    subtype = event.get("subtype")
    if subtype == "message_changed":
        _handle_edit(Deps.of(context), client, body, context, event)
    elif subtype in IGNORED_SUBTYPES or event.get("bot_id") or subtype == "message_deleted":
        pass
    elif not marker_lines(event.get("text") or ""):
        pass
    elif context.bot_user_id and context.bot_user_id in mentions(event.get("text") or ""):
        pass  # handled once, through app_mention
    elif event.get("user") and event.get("channel") and event.get("ts"):
        _hold(Deps.of(context), body, context, event, kind="message", text=event.get("text") or "")
    ack()


def _handle_edit(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext, event: dict[str, Any]
) -> None:
    new = event.get("message") or {}
    if new.get("bot_id") or not new.get("user"):
        return
    team_id = body.get("team_id") or context.team_id or ""
    actor = deps.author(client, team_id, {**event, "user": new["user"]})
    drafts = drafts_from_message(new.get("text") or "", actor.today(deps.clock))
    if not drafts:
        return
    owners = [o for d in drafts for o in d.owners]
    people = deps.directory.resolve(client, team_id, owners) if owners else {}
    with deps.db.session() as session:
        if captures.first_delivery(session, deps.clock.now(), team_id, body.get("event_id") or ""):
            capture.apply_edit(session, deps.clock, actor, drafts, people, ts=new.get("ts") or event.get("ts", ""))


def handle_mention(
    ack: Ack,
    body: dict[str, Any],
    event: dict[str, Any],
    context: BoltContext,
) -> None:
    """`@Followthrough <text>` works like `/action add <text>`; marker lines in it are captured too."""
    deps = Deps.of(context)
    if event.get("bot_id") or not event.get("user"):
        ack()
        return
    text = (event.get("text") or "").replace(f"<@{context.bot_user_id}>", " ").strip()
    if text and event.get("channel") and event.get("ts"):
        _hold(deps, body, context, event, kind="mention", text=text)
    ack()


def handle_user_change(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Keep the people cache fresh: a new time zone, a name, a deactivation."""
    deps = Deps.of(context)
    member = event.get("user") or {}
    if member.get("id"):
        team_id = body.get("team_id") or context.team_id or ""
        deps.directory.remember(team_id, [person_from_slack(member)])
    ack()
