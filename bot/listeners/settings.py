"""`/action settings` typed and in its modal: a person's reminders, this channel's capture, calendar feeds."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.blocks import cards, modals
from bot.blocks.modals import state_value
from bot.capture.date_types import default_holiday_country
from bot.deps import Deps
from bot.errors import BadInput
from bot.ids import BlockId
from bot.listeners import outbox
from bot.listeners.plan_common import Call
from bot.services import calendar, settings
from bot.services.common import Actor
from bot.services.settings import CAPTURE_MODES, PersonPrefs

# The words of `/action settings <name> <value>` that change one of the person's own settings (docs/settings.md).
PERSONAL = ("cadence", "reminders", "holidays", "country", "before")


def _here(actor: Actor) -> str | None:
    """The channel the command was typed in (None in a DM)."""
    return actor.channel if actor.channel and not actor.channel.startswith("D") else None


def zone_country(actor: Actor) -> str | None:
    """The holiday country of the actor's time zone."""
    return default_holiday_country(actor.tz.key)


def verb_settings(v: Call) -> cards.Message | None:
    """`/action settings` alone opens the modal; `<name> <value>` changes one setting and says what changed."""
    words = v.rest.split()
    name = words[0].lower() if words else ""
    channel = _here(v.actor)
    if name == "calendar":
        return verb_calendar(Call(v.deps, v.actor, v.client, v.context, v.command, " ".join(words[1:]), v.today))
    if name == "capture" and len(words) == 2 and words[1].lower() in CAPTURE_MODES:
        mode = words[1].lower()
        if channel is None:
            raise BadInput("Capture is set per channel: run `/action settings capture off` in that channel.")
        with v.deps.db.session() as session:
            settings.set_capture(session, v.deps.clock, v.actor, channel, mode)
        return cards.refusal(f"Capture in <#{channel}> is now *{mode}*: {cards.capture_reads(mode)}")
    if name in PERSONAL:
        return cards.refusal(change_one(v, name, " ".join(words[1:])))
    if words:
        raise BadInput(settings.TYPED_USAGE[""])
    with v.deps.db.session(readonly=True) as session:
        prefs = settings.prefs(session, v.actor.team_id, v.actor.user_id)
        capture = settings.capture_mode(session, v.actor.team_id, channel) if channel else None
    view = modals.settings_modal(prefs, channel=channel, capture=capture, zone_country=zone_country(v.actor))
    v.client.views_open(trigger_id=v.command["trigger_id"], view=view)
    return None


def change_one(v: Call, name: str, value: str) -> str:
    """Change one of the actor's settings; the answer names what changed (or that it already was so)."""
    with v.deps.db.session() as session:
        before = settings.prefs(session, v.actor.team_id, v.actor.user_id)
        field, wanted = settings.typed_change(before, name, value)
        if wanted == before:
            return f"No change: {settings.describe(before, field, zone_country(v.actor))} already."
        after = settings.save_prefs(session, v.deps.clock, v.actor, wanted)
    return " ".join(settings.describe_changes(before, after, zone_country(v.actor)))


def verb_calendar(v: Call) -> cards.Message:
    """Your feed (and this channel's); `reset` revokes the old links."""
    words = v.rest.lower().split()
    reset = "reset" in words
    channel = _here(v.actor)
    key = v.deps.settings.secret("followthrough_secret_key")
    with v.deps.db.session() as session:
        mine = calendar.feed_token(session, v.deps.clock, v.actor, channel=None, secret_key=key, reset=reset)
        here = (
            calendar.feed_token(session, v.deps.clock, v.actor, channel=channel, secret_key=key, reset=reset)
            if channel
            else None
        )
    base = v.deps.settings.followthrough_public_url or "https://<where followthrough serve runs>"
    lines = [f"📅 *Your deadlines:* {base}/calendar/{mine}.ics"]
    if here:
        lines.append(f"📅 *<#{channel}>:* {base}/calendar/{here}.ics")
    lines.append(
        "Subscribe in Google Calendar (Other calendars → From URL) or Outlook (Add calendar → From the web). "
        "Anyone with a link can read that feed: `/action settings calendar reset` replaces the links."
    )
    if reset:
        lines.insert(0, "The old links no longer work.")
    text = "\n".join(lines).replace("<where followthrough serve runs>", "&lt;your Followthrough host&gt;")
    return cards.refusal(text)


def _channel_of(view: dict[str, Any]) -> str | None:
    """The channel the modal was opened in (its private_metadata), if any."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = meta.get("channel") if isinstance(meta, dict) else None
    return str(channel) if channel else None


def _picked(view: dict[str, Any], block_id: str, default: str) -> str:
    """The value of a radio group or select ( `default` when none is picked)."""
    return str((state_value(view, block_id).get("selected_option") or {}).get("value", default))


def _country(view: dict[str, Any], before: PersonPrefs, zone: str | None) -> str | None:
    """The holiday country typed in the modal; still None (from the zone) while it reads as the zone's default."""
    if BlockId.HOLIDAY_COUNTRY not in view.get("state", {}).get("values", {}):
        return before.holiday_country  # a form without the field (an older modal still open)
    typed = settings.holiday_country(str(state_value(view, BlockId.HOLIDAY_COUNTRY).get("value") or ""))
    current = (zone or "") if before.holiday_country is None else before.holiday_country
    return before.holiday_country if typed == current else typed


def prefs_from_modal(view: dict[str, Any], before: PersonPrefs, zone: str | None) -> PersonPrefs:
    """What the settings modal says; BadInput (with its `field`: a block id) for what cannot be saved."""
    days = [o["value"] for o in state_value(view, BlockId.WORKING_DAYS).get("selected_options") or []]
    if not days:
        raise BadInput("Pick at least one working day.", field=BlockId.WORKING_DAYS)
    paused = state_value(view, BlockId.PAUSED_UNTIL).get("selected_date")
    switches = {o["value"] for o in state_value(view, BlockId.SWITCHES).get("selected_options") or []}
    try:
        country = _country(view, before, zone)
    except BadInput as exc:
        raise BadInput(exc.message, field=BlockId.HOLIDAY_COUNTRY) from None
    return PersonPrefs(
        reminder_hour=int(_picked(view, BlockId.REMINDER_HOUR, "9")),
        working_days=",".join(days),
        paused_until=date.fromisoformat(paused) if paused else None,
        cadence=_picked(view, BlockId.CADENCE, before.cadence),
        notify_done_now="done_now" in switches,
        skip_holidays="skip_holidays" in switches,
        holiday_country=country,
        remind_before_minutes=int(_picked(view, BlockId.BEFORE_DUE, str(before.remind_before_minutes))),
    )


def handle_settings_modal(ack: Ack, view: dict[str, Any], context: BoltContext, actor: Actor) -> None:
    """Save the person's settings and this channel's capture; then say what changed, where the modal was opened."""
    deps, channel = Deps.of(context), _channel_of(view)
    zone = zone_country(actor)
    with deps.db.session() as session:
        before = settings.prefs(session, actor.team_id, actor.user_id)
        try:
            after = settings.save_prefs(session, deps.clock, actor, prefs_from_modal(view, before, zone))
        except BadInput as exc:
            ack(response_action="errors", errors={exc.field or BlockId.REMINDER_HOUR: exc.message[:150]})
            return
        lines = settings.describe_changes(before, after, zone)
        capture = _picked(view, BlockId.CAPTURE, "")
        if channel and capture and settings.set_capture(session, deps.clock, actor, channel, capture):
            lines.append(f"Capture in <#{channel}>: {capture}.")
        if lines:
            outbox.queue(
                context,
                team_id=actor.team_id,
                to=channel or actor.user_id,
                kind="settings-saved",
                slot=str(view.get("id") or deps.clock.now().isoformat())[:64],
                message=cards.refusal("Saved. " + " ".join(lines)),
                ephemeral_user=actor.user_id if channel else None,
                session=session,
            )
    ack()
