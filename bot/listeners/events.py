"""Events API: marker lines in channel messages, @mentions, edits. A capture is held before the answer (one insert)
and written, then confirmed, after it."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime
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


CAPTURE_KEY = "followthrough_capture"  # a capture held before the answer, to write right after it


def register(app: App) -> None:
    """Attach the event listeners: a capture is held before the answer, written and confirmed after it."""
    after = (write_held, outbox.flush)
    when = (CAPTURE_KEY, outbox.OUTBOX_KEY)
    app.event("message")(outbox.after_answer(handle_message, *after, when=when))
    app.event("app_mention")(outbox.after_answer(handle_mention, *after, when=when))
    app.event("user_change")(handle_user_change)


def _actor(deps: Deps, client: WebClient, team_id: str, event: dict[str, Any], user_id: str) -> Actor:
    channel = event.get("channel")
    private = event.get("channel_type") in ("group", "im", "mpim") or channel_is_private(channel)
    return deps.actor(client, team_id, user_id, channel, private=private)


def _hold(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    event: dict[str, Any],
    *,
    kind: str,
    text: str,
) -> None:
    """Before the answer, one insert: the event id and what the message said (so a retry holds nothing twice and
    a capture outlives a crash). Its items are written right after the answer: under `serve` by its sender process
    (bot/jobs/held.py), elsewhere by this process (`write_held`, or now when it already has a backlog of such
    work); and by the scheduler's sweep if they are still not written a minute later."""
    team_id = body.get("team_id") or context.team_id or ""
    channel, ts = event["channel"], event["ts"]
    event_id = body.get("event_id") or f"{channel}:{ts}"
    said = {
        "kind": kind,
        "user": event["user"],
        "channel": channel,
        "channel_type": event.get("channel_type"),
        "ts": ts,
        "thread_ts": event.get("thread_ts"),
        "text": text,
    }
    payload = json.dumps(said, separators=(",", ":"))
    off_in = channel if kind == "message" else None
    store = deps.db.held
    if store is not None:  # SQLite in a file: held in a database file of its own, checked when it is written
        state = "new" if store.hold(team_id, event_id, payload, deps.clock.now()) else "held"
    elif deps.db.commits_each_statement:
        with deps.db.autocommit() as conn:
            state = capture.receive(conn, deps.clock, team_id, event_id, payload, unless_capture_off_in=off_in)
    else:
        with deps.db.session() as session:
            state = capture.receive(session, deps.clock, team_id, event_id, payload, unless_capture_off_in=off_in)
    if state not in ("new", "held"):
        return  # written before (a retry), or capture is off in this channel
    held = Held(team_id, event_id, said, deps.clock.now())
    if not deps.sends_own_messages:
        return  # under `serve`, its sender process writes it (bot/jobs/held.py), outside the web workers
    if outbox.backlogged():
        capture_held(deps, client, context, held)
    else:
        context[CAPTURE_KEY] = held


@dataclass(frozen=True)
class Held:
    """A capture held before the answer: whose, which event, what the message said, when it was received."""

    team_id: str
    event_id: str
    said: dict[str, Any]
    received_at: datetime


def write_held(context: BoltContext, client: WebClient) -> None:
    """After the answer: write the capture this request held."""
    held = context.get(CAPTURE_KEY)
    if isinstance(held, Held):
        capture_held(Deps.of(context), client, context, held)


def held_capture(deps: Deps, team_id: str, event_id: str) -> Held | None:
    """A capture received and not written yet, read back (the scheduler's sweep)."""
    store = deps.db.held
    if store is not None:
        found = store.get(team_id, event_id)
    else:
        with deps.db.session(readonly=True) as session:
            found = capture.held(session, team_id, event_id)
    if found is None:
        return None
    payload, received_at = found
    return Held(team_id, event_id, json.loads(payload), received_at)


def capture_held(deps: Deps, client: WebClient, context: BoltContext, held: Held, *, release: bool = True) -> None:
    """Write a held capture once: its items, their confirmation and DMs, in the transaction that clears it. Dates
    are read as of the day it was received, in the writer's zone. Held in a file of its own (SQLite), it is let go
    of afterwards — by the caller, with others, when `release` is False."""
    said = held.said
    actor = _actor(deps, client, held.team_id, said, said["user"])
    day = held.received_at.astimezone(actor.tz).date()
    drafts = drafts_from_message(said["text"], day)
    if said["kind"] == "mention" and not drafts:
        drafts = [draft_from_text(said["text"], day)]
    if drafts:
        _capture(deps, client, context, held, actor, drafts)
    store = deps.db.held
    if store is not None and release:  # written now, or before (its event id is recorded), or capture is off there
        store.release((held.team_id, held.event_id))


def _capture(
    deps: Deps,
    client: WebClient,
    context: BoltContext,
    held: Held,
    actor: Actor,
    drafts: list[Draft],
) -> None:
    """Capture `drafts` from one held event exactly once: the items, their confirmation and DMs."""
    owners = [o for d in drafts for o in d.owners]
    people = deps.directory.resolve(client, actor.team_id, owners) if owners else {}
    event, ts = held.said, held.said["ts"]
    keys = capture.placeholder()
    if deps.db.commits_each_statement:
        # PostgreSQL: check and shape first (reads, as a rule), then the held event cleared, the items, their audit
        # rows, the confirmation and the DMs as one statement in autocommit — one round trip, and the workspace's
        # key counter locked for that statement alone.
        with deps.db.session() as session:
            planned, notes = capture.plan_drafts(session, deps.clock, actor, drafts, people, placeholder=keys)
        if planned and not action_items.starts_a_deliverable(planned):
            messages = _messages(deps, context, actor, event, planned, notes)
            with deps.db.autocommit() as conn:
                items = action_items.insert_planned_at_once(
                    conn,
                    deps.clock,
                    actor,
                    planned,
                    guard=capture.take_guard(held.team_id, held.event_id),
                    source_ts=ts,
                    source_channel=actor.channel,
                    messages=messages,
                    placeholder=keys,
                )
            if items is not None:  # None: another writer (a retry, the sweep) wrote this capture first
                _note_stored(context, planned, items, messages)
            return
    # SQLite: checked and shaped in a read-only transaction, the messages written, then one short write transaction
    # (SQLite's write lock is the whole database's): the held event cleared (so it is written once), the items,
    # and the confirmation and DMs with their keys filled in by the insert — they go out (from the sender) if and
    # only if the items exist.
    with deps.db.session(readonly=True) as session:
        planned, notes = capture.plan_drafts(session, deps.clock, actor, drafts, people, placeholder=keys, ensure=False)
    messages = _messages(deps, context, actor, event, planned, notes)
    store = deps.db.held
    off_in = event["channel"] if event.get("kind") == "message" else None
    with deps.db.session() as session:
        if store is not None:  # held in its own file: the event id recorded here, once, with the items
            if not capture.record(session, deps.clock, held.team_id, held.event_id, unless_capture_off_in=off_in):
                return  # written before (a retry, the sweep), or capture is off in the channel
        elif not capture.take(session, held.team_id, held.event_id):
            return  # another writer (a retry, the sweep) wrote this capture first
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
    """Marker lines become items (held before the answer, written after it); edits update still-open items; bots
    and deletions are ignored. A message without marker lines (most of them) is answered without touching the
    database.
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
    elif event.get("user") and event.get("channel") and event.get("ts"):
        _hold(Deps.of(context), client, body, context, event, kind="message", text=event.get("text") or "")
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
    text = (event.get("text") or "").replace(f"<@{context.bot_user_id}>", " ").strip()
    if text and event.get("channel") and event.get("ts"):
        _hold(deps, client, body, context, event, kind="mention", text=text)
    ack()


def handle_user_change(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Keep the people cache fresh: a new time zone, a name, a deactivation."""
    deps = Deps.of(context)
    member = event.get("user") or {}
    if member.get("id"):
        team_id = body.get("team_id") or context.team_id or ""
        deps.directory.remember(team_id, [person_from_slack(member)])
    ack()
