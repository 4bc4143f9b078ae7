"""Events API: marker lines in channel messages, @mentions, edits."""
# Marker lines in channel messages, @mentions, edits. A capture is held before the answer (one insert) and written,
# with its confirmation queued, right after it.

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import capture_flow
from bot.capture.text import mentions
from bot.capture_flow import worth_holding
from bot.deps import Deps
from bot.listeners import outbox
from bot.slack.directory import person_from_slack
from storage.repositories import captures

# What manifest.yml subscribes to; `message.*` arrive as the `message` event.
HANDLED_BOT_EVENTS = (
    "app_home_opened",
    "app_mention",
    "message.channels",
    "message.groups",
    "team_join",
    "user_change",
)
IGNORED_SUBTYPES = {
    "channel_join",
    "channel_leave",
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
    app.event("team_join")(handle_user_change)


def whose(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> str:
    """`own` (this app's), `app` (another app's) or `person`, from the event's fields alone (CONTRACTS §5)."""
    profile = event.get("bot_profile") or {}
    own_app = body.get("api_app_id")
    if (
        (event.get("bot_id") and event.get("bot_id") == context.bot_id)
        or (event.get("user") and event.get("user") == context.bot_user_id)
        or (own_app and own_app in (event.get("app_id"), profile.get("app_id")))
    ):
        return "own"
    if event.get("bot_id") or event.get("app_id") or event.get("subtype") == "bot_message":
        return "app"
    return "person"


def _said(event: dict[str, Any], *, kind: str, text: str, from_app: bool) -> dict[str, Any]:
    """What a held capture keeps of a message: who, where, and everything capture reads."""
    return {
        "kind": kind,
        "user": event.get("user") or event.get("bot_id") or "",
        "from_app": from_app,
        "channel": event["channel"],
        "channel_type": event.get("channel_type"),
        "ts": event["ts"],
        "thread_ts": event.get("thread_ts"),
        "text": text,
        "blocks": event.get("blocks") or [],
        "attachments": event.get("attachments") or [],
    }


def _hold(deps: Deps, body: dict[str, Any], context: BoltContext, said: dict[str, Any], *, event_id: str) -> None:
    """Before the answer, one insert: the event id and what the message said."""
    # The event id and what the message said (so a retry holds nothing twice and a capture outlives a crash). Its
    # items are written right after the answer (`write_held`), or by the scheduler's sweep when this process died
    # first. An app's message is held under its channel and ts, so its later edits never capture it twice.
    team_id = body.get("team_id") or context.team_id or ""
    held = capture_flow.Held(team_id, event_id, said, deps.clock.now())
    with deps.db.session() as session:
        state = captures.receive(
            session,
            held.received_at,
            team_id,
            held.event_id,
            held.payload,
            channel=said["channel"] if said["kind"] == "message" else None,
            from_app=said["from_app"],
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
    return capture_flow.write(deps.db, deps.clock, held, actor, deps.lookups(client, held.team_id, held.said))


def handle_message(
    ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Notes and marker lines become items (held before the answer, written after it); this app's own are ignored."""
    # Edits update still-open items; deletions are ignored. A message with nothing to capture (most of them) is answered
    # without touching the database.
    subtype = event.get("subtype")
    if subtype == "message_changed":
        _handle_edit(Deps.of(context), client, body, context, event)
    elif subtype in IGNORED_SUBTYPES or subtype == "message_deleted":
        pass
    elif event.get("channel") and event.get("ts"):
        _capture_message(body, context, event)
    ack()


def _capture_message(body: dict[str, Any], context: BoltContext, event: dict[str, Any]) -> None:
    who = whose(event, body, context)
    text = event.get("text") or ""
    if who == "own":
        return
    if who == "person" and context.bot_user_id and context.bot_user_id in mentions(text):
        return  # handled once, through app_mention
    if not worth_holding(text, event.get("blocks"), event.get("attachments"), from_app=who == "app"):
        return
    said = _said(event, kind="message", text=text, from_app=who == "app")
    event_id = f"{event['channel']}:{event['ts']}" if who == "app" else body.get("event_id") or ""
    _hold(Deps.of(context), body, context, said, event_id=event_id or f"{event['channel']}:{event['ts']}")


def _handle_edit(
    deps: Deps, client: WebClient, body: dict[str, Any], context: BoltContext, event: dict[str, Any]
) -> None:
    new = {**(event.get("message") or {}), "channel": event.get("channel"), "channel_type": event.get("channel_type")}
    who = whose(new, body, context)
    if who == "own" or not new.get("ts"):
        return
    text = new.get("text") or ""
    from_app = who == "app"
    if from_app:  # an app's edit that first adds an action section is captured, once (held under channel:ts)
        if worth_holding(text, new.get("blocks"), new.get("attachments"), from_app=True):
            said = _said(new, kind="message", text=text, from_app=True)
            _hold(deps, body, context, said, event_id=f"{new['channel']}:{new['ts']}")
        return
    if not new.get("user"):
        return
    team_id = body.get("team_id") or context.team_id or ""
    said = _said(new, kind="message", text=text, from_app=False)
    with deps.db.session() as session:
        first = captures.first_delivery(session, deps.clock.now(), team_id, body.get("event_id") or "")
    if first:
        actor = deps.author(client, team_id, said)
        capture_flow.apply_edit(deps.db, deps.clock, said, actor, deps.lookups(client, team_id, said))


def handle_mention(
    ack: Ack,
    body: dict[str, Any],
    event: dict[str, Any],
    context: BoltContext,
) -> None:
    """`@Followthrough <text>` works like `/action add <text>`; notes and marker lines in it are captured as notes."""
    deps = Deps.of(context)
    if whose(event, body, context) != "person" or not event.get("user"):
        ack()
        return
    text = (event.get("text") or "").replace(f"<@{context.bot_user_id}>", " ").strip()
    if text and event.get("channel") and event.get("ts"):
        said = _said(event, kind="mention", text=text, from_app=False)
        _hold(deps, body, context, said, event_id=body.get("event_id") or f"{event['channel']}:{event['ts']}")
    ack()


def handle_user_change(ack: Ack, body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Keep the people cache fresh: a new member, a new time zone, a name, a deactivation."""
    deps = Deps.of(context)
    member = event.get("user") or {}
    if member.get("id"):
        team_id = body.get("team_id") or context.team_id or ""
        deps.directory.remember(team_id, [person_from_slack(member)])
    ack()
