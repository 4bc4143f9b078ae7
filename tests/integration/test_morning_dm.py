"""Morning DMs by time travel: the right local hour, once a working day, never about done or snoozed work."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services.common import Actor
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.local import LocalBot
from tests.support.blocks import labels, text_of

MON_0700_UTC = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 in Berlin, 02:00 in New York


def tick(bot: LocalBot, at: datetime) -> Any:
    assert bot.settings is not None
    rt = build_runtime(bot.settings, bot.db, FrozenClock(at), bot.client, per_channel_per_second=0)
    return run_all(rt)


def dms(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def seed(bot: LocalBot) -> None:
    send = bot.sender.command
    send("alice", "/action", "add <@U0BOB> Send the signed SOW by 2026-11-20")  # overdue by Monday
    send("alice", "/action", "add <@U0BOB> Draft the charter by 2026-11-23")  # today
    send("alice", "/action", "add <@U0BOB> Review the budget by 2026-11-24")  # tomorrow
    send("alice", "/action", "add <@U0BOB> Plan the offsite by 2026-12-20")  # later: not in the DM
    send("bob", "/action", "add Book the room by 2026-11-23")
    send("bob", "/action", "done A-5")
    send("alice", "/action", "add <@U0BOB> Snoozed thing by 2026-11-23")
    send("bob", "/action", "snooze A-6 2026-11-25")
    bot.api.wait_for("chat.postMessage", count=5)  # the assignment DMs, sent after each answer
    bot.api.clear()


def test_one_dm_at_the_persons_hour_with_overdue_today_and_tomorrow(bot: LocalBot) -> None:
    seed(bot)
    tick(bot, MON_0700_UTC)
    assert dms(bot, "U0BOB") == []  # 08:00 in Berlin: not yet
    tick(bot, MON_0700_UTC + timedelta(hours=1))
    [dm] = dms(bot, "U0BOB")
    text = text_of(dm.params)
    assert "Good morning, Bob" in text and "1 overdue, 1 due today, 1 due tomorrow" in text
    for key in ("A-1", "A-2", "A-3"):
        assert f"*{key}*" in text
    for key in ("A-4", "A-5", "A-6"):  # later, done, snoozed
        assert f"*{key}*" not in text
    assert labels(dm.params["blocks"]).count("Done") == 3
    tick(bot, MON_0700_UTC + timedelta(hours=3))
    assert len(dms(bot, "U0BOB")) == 1  # once a day


def test_nothing_on_days_off_while_paused_or_with_reminders_off(bot: LocalBot, clock: FrozenClock) -> None:
    seed(bot)
    tick(bot, datetime(2026, 11, 22, 12, 0, tzinfo=UTC))  # Sunday
    assert dms(bot, "U0BOB") == []
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(paused_until=date(2026, 11, 25)))
    tick(bot, MON_0700_UTC + timedelta(hours=2))
    tick(bot, MON_0700_UTC + timedelta(days=1, hours=2))
    assert dms(bot, "U0BOB") == []
    tick(bot, MON_0700_UTC + timedelta(days=2, hours=2))  # Wednesday the 25th: the pause is over
    assert len(dms(bot, "U0BOB")) == 1
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(cadence="off"))
    tick(bot, MON_0700_UTC + timedelta(days=3, hours=2))
    assert len(dms(bot, "U0BOB")) == 1


def test_the_persons_own_hour_and_working_days(bot: LocalBot, clock: FrozenClock) -> None:
    seed(bot)
    with bot.db.session() as s:
        save_prefs(
            s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(reminder_hour=7, working_days="sun-thu")
        )
    tick(bot, datetime(2026, 11, 22, 6, 30, tzinfo=UTC))  # Sunday 07:30 in Berlin: a working day for him
    [dm] = dms(bot, "U0BOB")
    assert "due by Mon" not in text_of(dm.params)


def test_waiting_on_others_and_deactivated_owners_go_to_the_creator(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "add <@U0CAROL> Confirm the venue by 2026-11-18")  # Wed: 3 working days late
    bot.sender.command("alice", "/action", "add <@U0DANA> Order the badges by 2026-11-20")  # Fri: 1 working day late
    with bot.db.session() as s:
        from bot.services.action_items import add_items

        add_items(
            s, clock, Actor(team_id="T0SIM", user_id="U0ALICE"), title="Hand over the keys", owners=["U0ERIN"], due=None
        )  # created before erin left
    bot.api.clear()
    tick(bot, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # 10:00 in New York
    [dm] = dms(bot, "U0ALICE")
    text = text_of(dm.params)
    assert "WAITING ON OTHERS" in text
    assert "A-1" in text and "3 working days overdue" in text
    assert "A-2" not in text
    assert "A-3" in text and "deactivated" in text
    assert dms(bot, "U0ERIN") == []


def test_completed_since_the_last_dm_is_reported_to_the_creator(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "add <@U0BOB> Send the SOW by 2026-12-20")
    tick(bot, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))
    assert dms(bot, "U0ALICE") == []  # nothing to say yet
    clock.set(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))
    bot.sender.command("bob", "/action", "done A-1")
    tick(bot, datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    [dm] = dms(bot, "U0ALICE")
    assert "DONE SINCE YESTERDAY" in text_of(dm.params) and "A-1" in text_of(dm.params)


def test_a_dst_week_neither_skips_nor_doubles(bot: LocalBot) -> None:
    # Berlin leaves summer time on Sunday 2026-10-25; New York on Sunday 2026-11-01.
    from zoneinfo import ZoneInfo

    for user in ("bob", "alice"):
        bot.sender.command(user, "/action", "add Something overdue by 2026-10-01")
    bot.api.clear()
    sent_at: dict[str, list[datetime]] = {"U0BOB": [], "U0ALICE": []}
    at = datetime(2026, 10, 22, 6, 0, tzinfo=UTC)  # before 09:00 in both zones
    while at < datetime(2026, 11, 6, 0, 0, tzinfo=UTC):
        before = {u: len(dms(bot, u)) for u in sent_at}
        tick(bot, at)
        for u in sent_at:
            sent_at[u] += [at] * (len(dms(bot, u)) - before[u])
        at += timedelta(minutes=20)
    for user_id, zone in (("U0BOB", "Europe/Berlin"), ("U0ALICE", "America/New_York")):
        local = [t.astimezone(ZoneInfo(zone)) for t in sent_at[user_id]]
        days = [t.date() for t in local]
        assert len(days) == len(set(days)), f"{user_id} got two DMs on one day"
        assert all(t.hour == 9 for t in local), f"{user_id} got a DM outside 09:00-09:59: {local}"
        first, last = datetime(2026, 10, 22, 6, tzinfo=UTC), datetime(2026, 11, 5, 23, 40, tzinfo=UTC)
        span = {(first + timedelta(days=n)).astimezone(ZoneInfo(zone)).date() for n in range(15)}
        expected = {
            d
            for d in span
            if d.weekday() < 5
            and datetime(d.year, d.month, d.day, 9, tzinfo=ZoneInfo(zone)) >= first
            and datetime(d.year, d.month, d.day, 9, tzinfo=ZoneInfo(zone)) <= last
        }
        assert set(days) == expected, user_id


def test_three_concurrent_ticks_send_each_dm_once(bot: LocalBot) -> None:
    for user in ("<@U0BOB>", "<@U0CAROL>", "<@U0DANA>", ""):
        bot.sender.command("alice", "/action", f"add {user} Something due by 2026-11-20")
    bot.api.wait_for("chat.postMessage", count=3)
    bot.api.clear()
    # 14:30 UTC is 09:30 in New York, 15:30 in Berlin, 23:30 in Tokyo; 17:30 UTC is 09:30 in Los Angeles.
    for hour in (14, 17, 17):
        start = threading.Barrier(3)

        def run(at: datetime = datetime(2026, 11, 23, hour, 30, tzinfo=UTC), gate: threading.Barrier = start) -> None:
            gate.wait()
            tick(bot, at)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    recipients = sorted(str(c.params["channel"]) for c in bot.api.calls_to("chat.postMessage"))
    assert recipients == ["U0ALICE", "U0BOB", "U0CAROL", "U0DANA"]


def test_key_results_without_a_check_in_for_a_week_come_up_on_mondays(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/outcome", "add Visitors find pricing without help")
    bot.sender.command("alice", "/outcome", "kr O-1 Pricing page conversion from 2 to 3.5 %")
    bot.sender.command("alice", "/outcome", "add Fewer support tickets")
    bot.sender.command("alice", "/outcome", "kr O-2 Tickets per week from 40 to 20")
    clock.set(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    bot.sender.command("alice", "/outcome", "checkin O-2.1 35")  # checked in 3 days before Monday
    bot.api.clear()
    tick(bot, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # Monday 10:00 in New York, 9 days after creation
    [dm] = dms(bot, "U0ALICE")
    text = text_of(dm.params)
    assert "KEY RESULTS TO CHECK IN" in text and "O-1.1" in text and "O-2.1" not in text
    tick(bot, datetime(2026, 12, 1, 15, 0, tzinfo=UTC))  # Tuesday: nothing else to say, so no DM
    assert len(dms(bot, "U0ALICE")) == 1


def test_when_overdue_items_fill_the_dm_the_other_headings_say_how_many_they_hold(bot: LocalBot) -> None:
    # Before: with 12 overdue items the DM printed TODAY and TOMORROW as bare headings with nothing under them.
    for n in range(13):
        bot.sender.command("bob", "/action", f"add Old thing {n} by 2026-11-20")
    bot.sender.command("bob", "/action", "add Call the venue by 2026-11-23")
    bot.sender.command("bob", "/action", "add Book the caterer by 2026-11-24")
    bot.api.clear()
    tick(bot, MON_0700_UTC + timedelta(hours=1))
    [dm] = dms(bot, "U0BOB")
    text = text_of(dm.params)
    assert "13 overdue, 1 due today, 1 due tomorrow" in text
    assert "*TODAY* · 1 not listed here" in text
    assert "*TOMORROW* · 1 not listed here" in text
    assert "…and 3 more. See them all with `/action list mine`." in text
