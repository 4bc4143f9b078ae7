"""Before a timed due (§6): the owner hears once per due instant, at their lead (1 hour unless changed, 15 minutes,
1 day — moved off a day off), never about done, snoozed or paused work, nor for an item given inside its lead."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import TickReport, run_all
from bot.services.common import Actor
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.local import LocalBot
from tests.support.blocks import labels, text_of

# Alice types in New York: "by 2026-11-24 15:00" is due at 20:00 UTC. Bob (Berlin) owns it.
DUE = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


def tick(bot: LocalBot, at: datetime) -> TickReport:
    assert bot.settings is not None
    return run_all(build_runtime(bot.settings, bot.db, FrozenClock(at), bot.client, per_channel_per_second=0))


def reminders(bot: LocalBot, user_id: str = "U0BOB") -> list[Any]:
    return [
        c
        for c in bot.api.calls_to("chat.postMessage")
        if c.params.get("channel") == user_id and c.params["text"].startswith("In ")
    ]


def given(bot: LocalBot, text: str) -> None:
    """Alice gives Bob an item; its assignment DM is sent and forgotten."""
    bot.sender.command("alice", "/action", f"add <@U0BOB> {text}")
    bot.api.wait_for("chat.postMessage")
    bot.api.clear()


def test_an_hour_before_the_owner_gets_one_dm_with_done_and_snooze(bot: LocalBot) -> None:
    given(bot, "Call the venue by 2026-11-24 15:00")
    tick(bot, DUE - timedelta(minutes=61))
    assert reminders(bot) == []
    report = tick(bot, DUE - timedelta(minutes=60))
    assert "before-due reminders: 1 queued" in report.summary()
    [dm] = reminders(bot)
    assert dm.params["text"] == "In 1 hour: A-1 Call the venue"
    assert "⏰ In 1 hour: *A-1*  Call the venue — due <!date^" in text_of(dm.params)
    assert labels(dm.params["blocks"])[:2] == ["Done", "Snooze"]
    for minutes in (59, 30, 1, 0, -5):  # once per due instant; the window closes at the due
        tick(bot, DUE - timedelta(minutes=minutes))
    assert len(reminders(bot)) == 1


def test_a_re_dated_item_gets_a_new_reminder_and_a_late_sweep_says_how_long_is_left(
    bot: LocalBot, clock: FrozenClock
) -> None:
    given(bot, "Call the venue by 2026-11-24 15:00")
    tick(bot, DUE - timedelta(minutes=45))
    assert reminders(bot)[0].params["text"].startswith("In 45 minutes:")
    clock.set(DUE - timedelta(minutes=30))
    bot.sender.command("alice", "/action", "due A-1 2026-11-24 17:00")  # two hours later
    tick(bot, DUE + timedelta(minutes=30))
    assert len(reminders(bot)) == 1
    tick(bot, DUE + timedelta(hours=1))
    assert [dm.params["text"][:9] for dm in reminders(bot)] == ["In 45 min", "In 1 hour"]


def test_fifteen_minutes_and_a_day_ahead_a_day_off_moves_it_to_the_last_working_day(
    bot: LocalBot, clock: FrozenClock
) -> None:
    bot.sender.command("bob", "/action", "add Send the slides by 2026-11-24 15:00")  # 14:00 UTC, his own
    bot.sender.command("bob", "/action", "add Call the bank by 2026-11-25 10:00")  # Wednesday 09:00 UTC
    bot.sender.command("bob", "/action", "add Pay the venue by 2026-11-30 10:00")  # Monday 09:00 UTC
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(remind_before_minutes=15))
    tick(bot, datetime(2026, 11, 24, 13, 44, tzinfo=UTC))
    assert reminders(bot) == []
    tick(bot, datetime(2026, 11, 24, 13, 45, tzinfo=UTC))
    assert [dm.params["text"] for dm in reminders(bot)] == ["In 15 minutes: A-1 Send the slides"]
    assert bot.sender.command("bob", "/action", "settings before 1d").json()["text"].startswith("Reminder before")
    tick(bot, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))  # Tuesday 10:00 in Berlin: a day before A-2
    assert reminders(bot)[-1].params["text"] == "In 1 day: A-2 Call the bank"
    # A day before A-3 is Sunday: the reminder comes on Friday at his hour (09:00 in Berlin), three days ahead.
    tick(bot, datetime(2026, 11, 27, 7, 59, tzinfo=UTC))
    assert len(reminders(bot)) == 2
    tick(bot, datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    assert reminders(bot)[-1].params["text"] == "In 3 days: A-3 Pay the venue"
    tick(bot, datetime(2026, 11, 29, 9, 0, tzinfo=UTC))  # Sunday: nothing more
    assert len(reminders(bot)) == 3


def test_none_inside_the_lead_nor_for_done_snoozed_or_paused_work(bot: LocalBot, clock: FrozenClock) -> None:
    clock.set(DUE - timedelta(minutes=40))
    bot.sender.command("alice", "/action", "add <@U0BOB> Call the venue by 2026-11-24 15:00")
    [assigned] = bot.api.wait_for("chat.postMessage")
    assert "⏰ Due in 40 minutes." in text_of(assigned.params)  # its assignment DM says when, instead
    clock.set(DUE - timedelta(hours=3))
    given(bot, "Book the room by 2026-11-24 15:00")  # done before its reminder
    given(bot, "Order the badges by 2026-11-24 15:00")  # snoozed
    given(bot, "Print the badges by 2026-11-24 15:00")  # while Bob is paused
    given(bot, "Sign the contract by 2026-11-24")  # no time, no reminder
    bot.sender.command("bob", "/action", "done A-2")
    bot.sender.command("bob", "/action", "snooze A-3 2026-11-25")
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(paused_until=date(2026, 11, 25)))
    tick(bot, DUE - timedelta(minutes=30))
    assert reminders(bot) == []
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs())
    tick(bot, DUE - timedelta(minutes=20))  # the pause is over: A-4 still has twenty minutes
    assert [dm.params["text"] for dm in reminders(bot)] == ["In 20 minutes: A-4 Print the badges"]
