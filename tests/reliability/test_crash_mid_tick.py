"""Crash mid-tick: a sweep killed with SIGKILL while it holds send claims; restarted, every due DM goes out and
only the messages in flight at the kill can go out twice (CONTRACTS §6)."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import col, select

from bot.clock import FrozenClock
from bot.simulator.local import BOT_TOKEN
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from storage.db import Database
from storage.models import OutboundClaim
from tests.support.crowd import seed_crowd, zone_at_noon
from tests.support.processes import app_env, cli, spawn, stop

pytestmark = pytest.mark.e2e
SENDER_WORKERS = 8  # the drainer's default: it claims this many at a time, all in flight at once
SLOW_SLACK_SECONDS = 0.25


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(default_world(), token=BOT_TOKEN) as fake:
        yield fake


def dms(api: FakeSlackAPI) -> Counter[str]:
    """Morning DMs Slack accepted, by recipient."""
    return Counter(
        str(c.params.get("channel"))
        for c in api.calls_to("chat.postMessage")
        if c.status == 200 and (c.response or {}).get("ok")
    )


def claims(db: Database) -> dict[str, set[str]]:
    """Recipients of morning-DM claims, by state."""
    with db.session(readonly=True) as s:
        rows = s.exec(
            select(OutboundClaim.state, OutboundClaim.recipient).where(col(OutboundClaim.kind) == "morning-dm")
        ).all()
    out: dict[str, set[str]] = {}
    for state, recipient in rows:
        out.setdefault(state, set()).add(recipient)
    return out


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


CASES = [
    pytest.param("tick", 120, id="tick-120"),
    pytest.param("scheduler", 1000, id="scheduler-1000", marks=pytest.mark.slow),
]


@pytest.mark.parametrize(("process", "count"), CASES)
def test_a_sweep_killed_mid_send_is_finished_by_the_next_one(
    process: str, count: int, db: Database, api: FakeSlackAPI, tmp_path: Path, figure: Callable[..., None]
) -> None:
    # `tick` runs at a fixed Monday noon; the scheduler has only the real clock, so its people live where it is noon.
    now = datetime.now(UTC) if process == "scheduler" else datetime(2026, 11, 23, 12, tzinfo=UTC)
    tz = zone_at_noon(now)
    today = now.astimezone(ZoneInfo(tz)).date()
    clock = FrozenClock(now - timedelta(days=3))
    users = seed_crowd(db, api.world, clock, count, tz=tz, due=today - timedelta(days=1), every_day=True)
    env = app_env(db.url, api.url)
    api.fail("chat.postMessage", status=200, delay=SLOW_SLACK_SECONDS, times=10**6)  # Slack is slow: claims are held

    first = spawn(
        *(["tick", "--at", iso(now)] if process == "tick" else ["scheduler"]), env=env, log=tmp_path / "a.log"
    )
    try:
        wait_until(lambda: sum(dms(api).values()) >= count // 3 or first.poll() is not None, 120, "a third of the DMs")
        assert first.poll() is None, (tmp_path / "a.log").read_text()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    time.sleep(SLOW_SLACK_SECONDS + 0.5)  # posts in flight at the kill reach Slack (it had them already)
    api.clear_faults()
    killed_after = sum(dms(api).values())
    # Claimed, not marked: in flight at the kill (none when the kill fell between two batches, which is rare).
    held = claims(db).get("sending", set())
    assert len(held) <= SENDER_WORKERS, held

    # Restarted at once: everything not claimed goes out; the cut-off claims are younger than 5 minutes and wait.
    if process == "tick":
        again = cli("tick", "--at", iso(now), env=env)
        assert again.returncode == 0, again.stderr
    else:
        second = spawn("scheduler", env=env, log=tmp_path / "b.log")
        try:
            wait_until(lambda: set(dms(api)) >= set(users) - held, 120, "the rest of the DMs")
        finally:
            assert stop(second) == 0, (tmp_path / "b.log").read_text()[-2000:]
    assert set(dms(api)) >= set(users) - held
    # Six minutes later the stale claims are taken over: the messages cut off by the kill are sent.
    later = cli("tick", "--at", iso(now + timedelta(minutes=6)), env=env)
    assert later.returncode == 0, later.stderr

    counts = dms(api)
    missing = [u for u in users if counts[u] == 0]
    repeated = {u for u, n in counts.items() if n > 1}
    assert missing == []
    assert repeated <= held, "only a message in flight at the kill may repeat"
    assert len(repeated) <= SENDER_WORKERS
    assert len(repeated) <= SENDER_WORKERS
    assert all(counts[u] <= 2 for u in users)
    assert claims(db).keys() == {"sent"}
    figure(
        process=process,
        items=count,
        delivered_before_kill=killed_after,
        claims_in_flight=len(held),
        duplicates=len(repeated),
        missing=len(missing),
    )
