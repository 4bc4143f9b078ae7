"""Quieter morning DMs (§6): cadence daily, Mondays only or off; skip my public holidays; done notices that cannot
wait; and the settings that choose them, typed and in the modal — through the real pipeline."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.support.blocks import text_of


def tick(bot: LocalBot, at: datetime) -> Any:
    assert bot.settings is not None
    return run_all(build_runtime(bot.settings, bot.db, FrozenClock(at), bot.client, per_channel_per_second=0))


def dms(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def cmd(bot: LocalBot, user: str, text: str, channel: str = "#proj-website") -> str:
    reply = bot.sender.command(user, "/action", text, channel=channel)
    assert reply.status == 200, reply.body
    return str(reply.json()["text"])


def person(bot: LocalBot, clock: FrozenClock, user_id: str) -> dict[str, Any]:
    with bot.db.session(readonly=True) as s:
        found: list[dict[str, Any]] = [
            p for ws in export_all(s, clock)["workspaces"] for p in ws["people"] if p["user_id"] == user_id
        ]
    return found[0]


def test_mondays_only_sends_the_week_ahead_on_the_first_working_day(bot: LocalBot) -> None:
    send = bot.sender.command
    send("bob", "/action", "add Send the SOW by 2026-11-20")  # overdue on Monday the 23rd
    send("bob", "/action", "add Draft the charter by 2026-11-23")  # Monday
    send("bob", "/action", "add Review the budget by 2026-11-25")  # Wednesday
    send("bob", "/action", "add Book the caterer by 2026-11-27")  # Friday
    send("bob", "/action", "add Plan the offsite by 2026-11-30")  # next Monday: next week's DM
    assert cmd(bot, "bob", "settings cadence mondays") == "Morning DMs: Mondays only (was every working day)."
    tick(bot, datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # Monday 09:05 in Berlin
    [dm] = dms(bot, "U0BOB")
    text = text_of(dm.params)
    assert "1 overdue, 1 due today, 2 due this week" in text and "*THIS WEEK*" in text
    assert all(f"*A-{n}*" in text for n in (1, 2, 3, 4)) and "*A-5*" not in text
    for day in (24, 25, 26, 27):  # the rest of the week: nothing
        tick(bot, datetime(2026, 11, day, 8, 5, tzinfo=UTC))
    assert len(dms(bot, "U0BOB")) == 1
    tick(bot, datetime(2026, 11, 30, 8, 5, tzinfo=UTC))  # the next Monday
    assert len(dms(bot, "U0BOB")) == 2


def test_a_week_that_starts_on_a_skipped_holiday_gets_its_dm_the_next_working_day(bot: LocalBot) -> None:
    # Monday 2026-11-23 is Labour Thanksgiving Day in Japan; Carol works in Tokyo.
    bot.sender.command("carol", "/action", "add Send the report by 2026-11-26")
    cmd(bot, "carol", "settings cadence mondays")
    assert cmd(bot, "carol", "settings holidays on") == "Skip my public holidays: on (was off)."
    tick(bot, datetime(2026, 11, 23, 1, 0, tzinfo=UTC))  # Monday 10:00 in Tokyo
    assert dms(bot, "U0CAROL") == []
    tick(bot, datetime(2026, 11, 24, 1, 0, tzinfo=UTC))  # Tuesday
    [dm] = dms(bot, "U0CAROL")
    assert "due this week" in text_of(dm.params)
    tick(bot, datetime(2026, 11, 25, 1, 0, tzinfo=UTC))
    assert len(dms(bot, "U0CAROL")) == 1


def test_skip_my_public_holidays_keeps_christmas_quiet_in_berlin(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("bob", "/action", "add Send the SOW by 2026-12-01")  # overdue all month
    cmd(bot, "bob", "settings holidays on")
    tick(bot, datetime(2026, 12, 24, 8, 30, tzinfo=UTC))  # Christmas Eve: a working day in Germany
    tick(bot, datetime(2026, 12, 25, 8, 30, tzinfo=UTC))  # Christmas Day: a public holiday
    assert [dm.params["text"].startswith("Good morning") for dm in dms(bot, "U0BOB")] == [True]
    assert cmd(bot, "bob", "settings country none") == "Holiday country: none (was DE, from your time zone)."
    tick(bot, datetime(2026, 12, 25, 9, 30, tzinfo=UTC))  # no holidays kept now: today's DM comes
    assert len(dms(bot, "U0BOB")) == 2
    assert person(bot, clock, "U0BOB")["holiday_country"] == ""


def test_cadence_off_stops_only_the_morning_dm(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("bob", "/action", "add Send the SOW by 2026-11-20")
    assert cmd(bot, "bob", "settings reminders off") == "Morning DMs: off (was every working day)."
    tick(bot, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert dms(bot, "U0BOB") == []
    bot.sender.command("alice", "/action", "add <@U0BOB> Review the budget")  # an event DM still comes
    [assigned] = bot.api.wait_for("chat.postMessage")
    assert assigned.params["channel"] == "U0BOB" and "assigned you" in assigned.params["text"]
    assert person(bot, clock, "U0BOB")["cadence"] == "off"
    assert cmd(bot, "bob", "settings reminders on") == "Morning DMs: every working day (was off)."


def test_a_done_notice_goes_at_once_when_no_morning_dm_would_carry_it(bot: LocalBot, clock: FrozenClock) -> None:
    # Saturday in New York: with daily DMs Alice hears on Monday morning; with them off, at once.
    bot.sender.command("alice", "/action", "add <@U0BOB> Send the SOW")
    bot.sender.command("alice", "/action", "add <@U0BOB> Book the room")
    bot.sender.command("alice", "/action", "add <@U0BOB> Order the badges")
    bot.api.wait_for("chat.postMessage", count=3)
    bot.api.clear()
    bot.sender.command("bob", "/action", "done A-1")
    assert dms(bot, "U0ALICE") == []
    cmd(bot, "alice", "settings cadence off")
    bot.sender.command("bob", "/action", "done A-2")
    [notice] = bot.api.wait_for("chat.postMessage")
    assert notice.params["channel"] == "U0ALICE" and "A-2" in notice.params["text"]
    # Mondays only: done on a Wednesday, the next Monday is days away — at once.
    cmd(bot, "alice", "settings cadence mondays")
    clock.set(datetime(2026, 11, 25, 15, 0, tzinfo=UTC))
    bot.sender.command("bob", "/action", "done A-3")
    bot.api.wait_for("chat.postMessage", count=2)
    assert [n.params["text"] for n in dms(bot, "U0ALICE")][-1].startswith("A-3")


def test_typed_settings_say_exactly_what_changed(bot: LocalBot, clock: FrozenClock) -> None:
    assert cmd(bot, "bob", "settings cadence daily") == "No change: Morning DMs: every working day already."
    lead = "Reminder before a timed due"
    assert cmd(bot, "bob", "settings before 15m") == f"{lead}: 15 minutes before (was 1 hour before)."
    assert cmd(bot, "bob", "settings before 1 day") == f"{lead}: 1 day before (was 15 minutes before)."
    assert cmd(bot, "bob", "settings before off") == f"{lead}: off (was 1 day before)."
    assert cmd(bot, "bob", "settings country jp") == "Holiday country: JP (was DE, from your time zone)."
    assert cmd(bot, "bob", "settings country auto") == "Holiday country: DE, from your time zone (was JP)."
    refused = cmd(bot, "bob", "settings country XX")
    assert "isn't a country" in refused and '"XX"' in refused
    assert "cadence daily|mondays|off" in cmd(bot, "bob", "settings cadence weekly-ish")
    assert "before off|15m|1h|1d" in cmd(bot, "bob", "settings before 2h")
    assert "`cadence daily|mondays|off`" in cmd(bot, "bob", "settings loudness 11")
    saved = person(bot, clock, "U0BOB")
    assert (saved["remind_before_minutes"], saved["holiday_country"], saved["cadence"]) == (0, None, "daily")


def test_the_settings_modal_shows_and_saves_every_setting(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("bob", "/action", "settings", channel="#proj-website")
    view = bot.api.wait_for("views.open")[-1].response["view"]  # type: ignore[index]
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks["cadence"]["element"]["initial_option"]["value"] == "daily"
    assert blocks["before-due"]["element"]["initial_option"]["value"] == "60"
    assert blocks["holiday-country"]["element"]["initial_value"] == "DE"  # from his zone
    assert blocks["capture"]["element"]["initial_option"]["value"] == "on"
    values: dict[str, Any] = {
        "reminder-hour": "8",
        "cadence": "mondays",
        "working-days": ["mon", "tue", "wed", "thu", "fri"],
        "before-due": "15",
        "holiday-country": "xx",
        "switches": ["skip_holidays"],
        "capture": "apps",
    }
    refused = bot.sender.view_submission("bob", view, values).json()
    assert refused["response_action"] == "errors" and '"xx"' in refused["errors"]["holiday-country"]
    assert person(bot, clock, "U0BOB")["cadence"] == "daily"  # nothing saved
    assert bot.sender.view_submission("bob", view, {**values, "holiday-country": "DE"}).status == 200
    saved = person(bot, clock, "U0BOB")
    assert (saved["cadence"], saved["remind_before_minutes"], saved["skip_holidays"]) == ("mondays", 15, True)
    assert saved["holiday_country"] is None  # his zone's own country stays "from the zone"
    [answer] = bot.api.wait_for("chat.postEphemeral")
    said = answer.params["text"]
    assert "Morning DMs: Mondays only (was every working day)." in said
    assert "Reminder before a timed due: 15 minutes before (was 1 hour before)." in said
    assert "Capture in <#C0WEB>: apps." in said and "Holiday country" not in said
    bot.sender.command("bob", "/action", "settings", channel="#proj-website")
    again = {b.get("block_id"): b for b in bot.api.wait_for("views.open", count=2)[-1].response["view"]["blocks"]}  # type: ignore[index]
    assert again["cadence"]["element"]["initial_option"]["value"] == "mondays"
    assert [o["value"] for o in again["switches"]["element"]["initial_options"]] == ["skip_holidays"]
