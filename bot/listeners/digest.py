"""`/digest`: the channel's schedule and a preview; weekly/daily/off/now/charts. Posting happens after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot.blocks.digest import digest_message, schedule_card
from bot.clock import Clock
from bot.deps import Deps
from bot.errors import BadInput
from bot.jobs.digests import enqueue_digest
from bot.listeners import outbox
from bot.services import digests
from bot.services.common import Actor, channel_is_private
from bot.services.digests import DueDigest, Schedule

NOW_KEY = "followthrough_digest_now"
DIGEST_COMMANDS = ("/digest",)
PREVIEW_VERBS = ("", "preview", "show")


def register(app: App) -> None:
    """Attach /digest."""
    app.command("/digest")(outbox.after_answer(handle_digest, post_now, when=(NOW_KEY,)))


def _reply(ack: Ack, text: str, blocks: list[dict[str, Any]]) -> None:
    ack(text=text, blocks=blocks, response_type="ephemeral")


def handle_digest(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Parse the verb, change the schedule, answer with the schedule (and a preview when asked)."""
    deps = Deps.of(context)
    channel = command.get("channel_id")
    if not channel or channel.startswith("D"):
        raise BadInput("Digests are per channel: run `/digest` in the channel that should get it.")
    actor = deps.actor(
        client,
        command["team_id"],
        command["user_id"],
        channel,
        private=channel_is_private(channel, command.get("channel_name")),
    )
    words = (command.get("text") or "").lower().split()
    verb = words[0] if words else ""
    with deps.db.session() as session:
        schedule, saved = _apply(session, deps.clock, actor, channel, words)
    if verb == "now":
        context[NOW_KEY] = {"team_id": actor.team_id, "channel": channel, "schedule": schedule.__dict__}
        _reply(
            ack,
            "Posting the digest here now.",
            [{"type": "section", "text": {"type": "mrkdwn", "text": f"📍 Posting the digest in <#{channel}> now."}}],
        )
        return
    preview = None
    if verb in PREVIEW_VERBS:
        with deps.db.session(readonly=True) as session:
            data = digests.collect(session, deps.clock, actor.team_id, schedule, None)
        preview = digest_message(data, schedule)
    card = schedule_card(saved, preview)
    _reply(ack, card.text, card.blocks)


def _apply(
    session: Session, clock: Clock, actor: Actor, channel: str, words: list[str]
) -> tuple[Schedule, Schedule | None]:
    """The schedule the verb leaves, and the one the channel has saved (None when it has none yet)."""
    verb = words[0] if words else ""
    if verb == "weekly":
        if len(words) != 3:
            raise BadInput("Try `/digest weekly monday 09:00` (your time zone).")
        day, at = digests.parse_day(words[1]), digests.parse_time(words[2])
        schedule = digests.set_schedule(session, clock, actor, cadence="weekly", day=day, at=at)
    elif verb == "daily":
        if len(words) != 2:
            raise BadInput("Try `/digest daily 09:00` (your time zone).")
        schedule = digests.set_schedule(
            session, clock, actor, cadence="daily", day=None, at=digests.parse_time(words[1])
        )
    elif verb in ("off", "on"):
        schedule = digests.switch(session, clock, actor, enabled=verb == "on")
    elif verb == "charts" and len(words) == 2 and words[1] in ("on", "off"):
        schedule = digests.switch(session, clock, actor, charts=words[1] == "on")
    elif verb in ("now", *PREVIEW_VERBS):
        existing = digests.get(session, actor.team_id, channel)
        # None set yet: preview or post with the default, and save nothing.
        default = Schedule(channel, "weekly", "monday", "09:00", actor.tz.key, False, True, actor.user_id)
        return existing or default, existing
    else:
        raise BadInput(
            "Try `/digest`, `/digest weekly monday 09:00`, `/digest daily 09:00`, `/digest off`, "
            "`/digest now` or `/digest charts on|off`."
        )
    return schedule, schedule


def post_now(context: BoltContext, client: WebClient) -> None:
    """After the answer: render the digest (charts too) and queue it."""
    request = context.get(NOW_KEY)
    if not request:
        return
    deps = Deps.of(context)
    schedule = Schedule(**request["schedule"])
    due = DueDigest(request["team_id"], schedule, "now", deps.clock.now(), None)
    enqueue_digest(deps.db, deps.clock, due, kind="digest-now", slot=deps.clock.now().isoformat())
