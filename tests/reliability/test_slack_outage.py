"""Slack outage: a storm of 5xx, timeouts, 429s and `ok: false` from the Web API; when it passes, every morning
DM and every digest due that morning has been delivered exactly once. Sweeps run back to back while the storm
blows, each one six simulated minutes after the last, so the 5-minute stale-claim rule plays out in seconds."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.clock import FrozenClock
from bot.jobs.runtime import Runtime, build_runtime
from bot.jobs.sweeps import run_all
from bot.services import digests
from bot.services.common import Actor
from bot.settings import load_settings
from bot.simulator.local import BOT_TOKEN
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from bot.slack.client import make_client
from storage.db import Database
from storage.models import OutboundClaim
from tests.support.crowd import seed_crowd

CLIENT_TIMEOUT_S = 1
# One storm cycle; a timeout is a request Slack never finished (it answers 504 after we gave up waiting).
STORM: list[dict[str, Any]] = [
    {"status": 503},
    {"status": 429, "retry_after": 1},
    {"status": 500},
    {"status": 502, "empty_body": True},
    {"status": 504, "delay": CLIENT_TIMEOUT_S + 0.5},
    {"status": 429, "retry_after": 2},
    {"status": 200, "error": "fatal_error"},
    {"status": 200},  # one call in eight gets through
]
MORNING_MARK = "Change the hour, how often these come, your working days or holidays"
DIGEST_CHANNELS = [f"C0DIG{n}" for n in range(5)]
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday: UTC mornings and 09:00 digests are due


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    world = default_world()
    for channel in DIGEST_CHANNELS:
        world.add_channel(channel, channel.lower(), ["U0ALICE", world.bot_user_id])
    with FakeSlackAPI(world, token=BOT_TOKEN) as fake:
        yield fake


def runtime(db: Database, api: FakeSlackAPI, clock: FrozenClock) -> Runtime:
    settings = load_settings({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": api.url, "DATABASE_URL": db.url})
    client = make_client(settings, retries=4, timeout=CLIENT_TIMEOUT_S)
    return build_runtime(settings, db, clock, client, per_channel_per_second=0)


def accepted(api: FakeSlackAPI) -> tuple[Counter[str], Counter[str]]:
    """Posts Slack accepted: morning DMs by person, digests by channel."""
    dms: Counter[str] = Counter()
    posted: Counter[str] = Counter()
    for c in api.calls_to("chat.postMessage"):
        if c.status != 200 or not (c.response or {}).get("ok"):
            continue
        channel = str(c.params.get("channel"))
        if channel in DIGEST_CHANNELS:
            posted[channel] += 1
        elif MORNING_MARK in json.dumps(c.params.get("blocks")):
            dms[channel] += 1
    return dms, posted


def open_claims(db: Database) -> int:
    with db.session(readonly=True) as s:
        return len(s.exec(select(OutboundClaim.id).where(col(OutboundClaim.state).in_(["claimed", "failed"]))).all())


CASES = [pytest.param(4, id="4s-storm"), pytest.param(60, id="60s-storm", marks=pytest.mark.slow)]


@pytest.mark.timeout(400)
@pytest.mark.parametrize("storm_seconds", CASES)
def test_after_a_slack_outage_every_nudge_and_digest_arrives_exactly_once(
    db: Database, api: FakeSlackAPI, storm_seconds: int, figure: Callable[..., None]
) -> None:
    clock = FrozenClock(START)
    people = seed_crowd(db, api.world, FrozenClock(START - timedelta(days=3)), 40, tz="UTC", due=date(2026, 11, 20))
    with db.session() as s:
        for channel in DIGEST_CHANNELS:
            actor = Actor(team_id="T0SIM", user_id="U0ALICE", channel=channel)
            digests.set_schedule(s, clock, actor, cadence="daily", day=None, at="09:00")
    rt = runtime(db, api, clock)

    for n in range(100_000):  # far more than the storm can use; what is left is cleared when it ends
        api.fail("chat.postMessage", **STORM[n % len(STORM)])
    calm = threading.Timer(storm_seconds, api.clear_faults)  # the storm ends on time, even mid-sweep
    calm.start()
    started = time.monotonic()
    sweeps = 0
    try:
        while time.monotonic() - started < storm_seconds:
            run_all(rt)
            sweeps += 1
            clock.set(clock.now() + timedelta(minutes=6))
    finally:
        calm.cancel()
        api.clear_faults()
    faults = sum(1 for c in api.calls_to("chat.postMessage") if c.status != 200 or not (c.response or {}).get("ok"))
    during_storm = sum(accepted(api)[0].values()) + sum(accepted(api)[1].values())

    drain = 0
    while drain < 10 and (open_claims(db) or len(accepted(api)[0]) < len(people)):
        run_all(rt)
        drain += 1
        clock.set(clock.now() + timedelta(minutes=6))
    assert clock.now() < START + timedelta(hours=12)  # still that morning's day and digest window
    took = time.monotonic() - started

    dms, posted = accepted(api)
    assert sorted(dms) == sorted(people) and set(dms.values()) == {1}
    assert sorted(posted) == DIGEST_CHANNELS and set(posted.values()) == {1}
    assert open_claims(db) == 0
    figure(
        storm_seconds=storm_seconds,
        faults_answered=faults,
        sweeps_during_storm=sweeps,
        delivered_during_storm=during_storm,
        sweeps_to_drain=drain,
        wall_seconds=round(took, 1),
        morning_dms=sum(dms.values()),
        digests=sum(posted.values()),
        duplicates=0,
    )


def test_a_post_slack_took_but_we_timed_out_on_repeats_once_at_most(
    db: Database, api: FakeSlackAPI, figure: Callable[..., None]
) -> None:
    """The documented limit (Slack has no idempotency key): a post accepted after we stopped waiting is resent."""
    clock = FrozenClock(START)
    people = seed_crowd(db, api.world, FrozenClock(START - timedelta(days=3)), 6, tz="UTC", due=date(2026, 11, 20))
    rt = runtime(db, api, clock)
    api.fail("chat.postMessage", status=200, delay=CLIENT_TIMEOUT_S + 0.5, times=3)  # slow, but Slack posts them
    run_all(rt)
    time.sleep(1)
    for _ in range(3):
        clock.set(clock.now() + timedelta(minutes=6))
        run_all(rt)
    dms, _posted = accepted(api)
    assert sorted(dms) == sorted(people)
    assert sum(dms.values()) - len(people) <= 3 and max(dms.values()) <= 2
    figure(timed_out_but_accepted=3, repeats=sum(dms.values()) - len(people))
