"""`followthrough tick` and `followthrough scheduler` as processes: concurrent ticks send once; SIGTERM is graceful."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.clock import FrozenClock
from bot.services.common import Actor
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.local import BOT_TOKEN, LocalBot
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def seeded(database_url: str) -> Iterator[tuple[LocalBot, dict[str, str]]]:
    with LocalBot(database_url, clock=FrozenClock(datetime(2026, 11, 21, 15, tzinfo=UTC))) as bot:
        for who in ("<@U0BOB>", "<@U0CAROL>", "<@U0DANA>", ""):
            bot.sender.command("alice", "/action", f"add {who} Something due by 2026-11-20")
        bot.api.wait_for("chat.postMessage", count=3)
        bot.api.clear()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FOLLOWTHROUGH_"))}
        env = {
            **base,
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": bot.api.url,
            "LOG_LEVEL": "WARNING",
        }
        yield bot, env


def tick(env: dict[str, str], at: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "tick", "--at", at],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_three_concurrent_tick_processes_send_each_dm_exactly_once(seeded: tuple[LocalBot, dict[str, str]]) -> None:
    bot, env = seeded
    for at in ("2026-11-23T14:30:00Z", "2026-11-23T17:30:00Z"):  # NY/Berlin/Tokyo morning, then Los Angeles
        procs = [tick(env, at) for _ in range(3)]
        for p in procs:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            assert out.startswith("tick at ")
    recipients = sorted(str(c.params["channel"]) for c in bot.api.calls_to("chat.postMessage"))
    assert recipients == ["U0ALICE", "U0BOB", "U0CAROL", "U0DANA"]


def test_tick_refuses_an_instant_without_an_offset(seeded: tuple[LocalBot, dict[str, str]]) -> None:
    _bot, env = seeded
    p = tick(env, "2026-11-23 09:00")
    _out, err = p.communicate(timeout=60)
    assert p.returncode == 2 and "offset" in err and len(err.strip().splitlines()) == 1


def test_the_scheduler_sends_what_is_due_and_stops_cleanly_on_sigterm(
    seeded: tuple[LocalBot, dict[str, str]], clock: FrozenClock
) -> None:
    bot, env = seeded
    with bot.db.session() as s:  # make bob's reminder due right now, whatever the day and hour
        save_prefs(
            s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(reminder_hour=0, working_days="mon-sun")
        )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "scheduler"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(
            lambda: [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == "U0BOB"],
            30,
            what="the scheduler's DM to Bob",
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
