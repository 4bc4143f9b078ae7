"""Concurrency: 8 writers hammer `serve` while three `tick` processes sweep at once, round after round, on the
suite's database (SQLite file or PostgreSQL). Nobody is told "database is locked" or "try again", no key is
handed out twice, and no morning DM goes out twice."""

from __future__ import annotations

import json
import random
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from bot.simulator.client import SlackSender
from bot.simulator.local import BOT_TOKEN
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from storage.db import Database
from storage.models import ActionItem, Deliverable, Milestone, OutboundClaim, Outcome
from tests.support.processes import SIGNING_SECRET, Served, app_env, spawn
from tests.support.traffic import Keys, one_request
from tests.support.traffic import Outcome as Sent

pytestmark = pytest.mark.e2e
WRITERS = 8
TICKERS = 3
MORNING_MARK = "Change the hour, how often these come, your working days or holidays"
FIRST_TICK = datetime(2026, 11, 23, 15, tzinfo=UTC)


def tick_instant(round_no: int) -> str:
    """Alternate 15:00Z (New York, Berlin) and 03:00Z (Tokyo, Los Angeles' evening) on successive days."""
    at = FIRST_TICK + timedelta(days=round_no // 2, hours=12 * (round_no % 2))
    return at.isoformat().replace("+00:00", "Z")


def numbers_are_unique_and_gapless(db: Database) -> dict[str, int]:
    found = {}
    with db.session(readonly=True) as s:
        for prefix, model in (("A", ActionItem), ("D", Deliverable), ("M", Milestone), ("O", Outcome)):
            numbers = s.exec(select(model.number).where(col(model.team_id) == "T0SIM")).all()  # type: ignore[attr-defined]
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), prefix
            found[prefix] = len(numbers)
    return found


CASES = [pytest.param(6, id="6s"), pytest.param(60, id="60s", marks=pytest.mark.slow)]


@pytest.mark.timeout(400)
@pytest.mark.parametrize("seconds", CASES)
def test_writers_and_concurrent_ticks_never_lock_duplicate_or_repeat(
    db: Database, tmp_path: Path, seconds: int, figure: Callable[..., None]
) -> None:
    world = default_world()
    with FakeSlackAPI(world, token=BOT_TOKEN) as api:
        env = app_env(db.url, api.url)
        with Served(env, tmp_path / "serve.log") as served:
            keys = Keys()
            results: list[Sent] = []
            lock = threading.Lock()
            deadline = time.monotonic() + seconds

            def writer(n: int) -> None:
                sender = SlackSender(served.events_url, SIGNING_SECRET, world, api)
                rng = random.Random(n)
                serial = n * 1_000_000
                while time.monotonic() < deadline:
                    serial += 1
                    outcome = one_request(sender, rng, keys, serial)
                    with lock:
                        results.append(outcome)

            threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(WRITERS)]
            for t in threads:
                t.start()
            rounds, tick_errors = 0, []

            def tick_round(rounds: int, at: str | None = None) -> None:
                at = at or tick_instant(rounds)
                logs = [tmp_path / f"tick-{rounds}-{k}.log" for k in range(TICKERS)]
                procs = [spawn("tick", "--at", at, env=env, log=log) for log in logs]
                for proc, log in zip(procs, logs, strict=True):
                    try:
                        code = proc.wait(timeout=120)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        code = -9
                    text = log.read_text()
                    if code != 0 or "Traceback" in text or "locked" in text:
                        tick_errors.append(text[-2000:])

            while time.monotonic() < deadline:
                tick_round(rounds)
                rounds += 1
            for t in threads:
                t.join(timeout=60)
            # One more round once the writers are done, with an item surely overdue for Bob, so a slow machine whose
            # few requests made nothing due still sends morning DMs to check for repeats: three processes at once on
            # the first working day after every round above.
            sender = SlackSender(served.events_url, SIGNING_SECRET, world, api)
            assert (
                sender.command("alice", "/action", "add <@U0BOB> Overdue for the last round by 2026-11-20").status
                == 200
            )
            tick_round(rounds, at=(FIRST_TICK + timedelta(days=28)).isoformat().replace("+00:00", "Z"))
            rounds += 1
            log = served.log_text()

    assert tick_errors == []
    assert results and all(r.status == 200 for r in results), Counter((r.kind, r.status) for r in results)
    assert [r for r in results if r.bad] == []
    for problem in ("database is locked", "IntegrityError", "UniqueViolation", "duplicate key", "Traceback"):
        assert problem not in log, log[-3000:]
    created = numbers_are_unique_and_gapless(db)
    with db.session(readonly=True) as s:
        claimed = Counter(
            s.exec(
                select(OutboundClaim.recipient).where(
                    col(OutboundClaim.kind) == "morning-dm", col(OutboundClaim.state) == "sent"
                )
            ).all()
        )
    posted = Counter(
        str(c.params.get("channel"))
        for c in api.calls_to("chat.postMessage")
        if c.status == 200 and MORNING_MARK in json.dumps(c.params.get("blocks"))
    )
    assert posted == claimed  # one post per claimed (person, day): no DM twice
    assert sum(posted.values()) > 0
    latencies = sorted(r.seconds for r in results)
    figure(
        seconds=seconds,
        requests=len(results),
        tick_rounds=rounds,
        tick_processes=rounds * TICKERS,
        items=created["A"],
        morning_dms=sum(posted.values()),
        duplicate_dms=0,
        locked_or_retry_answers=0,
        p99_s=round(latencies[int(len(latencies) * 0.99) - 1], 3),
    )
