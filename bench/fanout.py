"""1,000 morning DMs queued by the sweep, then sent by the outbox drainer against the simulator's limits (1/s per
channel, 50/s per workspace, 429 + Retry-After beyond), and the peak RSS of a whole sweep run as its own process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import col

from bench.fakeslack import bench_world
from bench.procs import app_env
from bench.seed import Seeded, reset
from bench.sizes import BENCH_AT, Sizes
from bench.slackreq import TOKEN
from bot.clock import FrozenClock
from bot.jobs.morning import run_morning
from bot.jobs.runtime import build_runtime
from bot.services.nudges import KIND
from bot.settings import load_settings
from bot.simulator.webapi import FakeSlackAPI
from storage.db import Database
from storage.models import OutboundClaim
from storage.repositories.outbox import OutboxState

INJECTED_429 = 3


@dataclass
class FanoutResult:
    """What the fan-out did and how long it took."""

    dms: int
    seconds: float
    allowed_seconds: float
    delivered: int
    duplicates: int
    rate_limited: int
    claims_sent: int
    failed: int


def _keep_first(db: Database, keep: int) -> int:
    """Leave the first `keep` queued morning DMs queued and set the rest aside (skipped); returns how many are
    queued."""
    queued = (col(OutboundClaim.kind) == KIND) & (col(OutboundClaim.state) == OutboxState.QUEUED.value)
    with db.session() as session:
        ids = session.exec(select(col(OutboundClaim.id)).where(queued).order_by(col(OutboundClaim.id))).all()
        rest = [row[0] for row in ids[keep:]]
        for start in range(0, len(rest), 1_000):
            session.execute(
                update(OutboundClaim)
                .where(col(OutboundClaim.id).in_(rest[start : start + 1_000]))
                .values(state=OutboxState.SKIPPED.value)
            )
    return min(keep, len(ids))


def _sent(db: Database) -> int:
    with db.session(readonly=True) as session:
        return int(
            session.exec(
                select(func.count()).select_from(OutboundClaim).where(col(OutboundClaim.state) == "sent")
            ).one()[0]
        )


def measure_fanout(db: Database, url: str, sizes: Sizes, seeded: Seeded) -> FanoutResult:
    """The sweep queues its DMs (`run_morning`); the first `sizes.fanout_dms` are sent for real to the simulator
    by `Drainer.drain()`, as `build_runtime` makes the drainer."""
    reset(db, seeded)
    with FakeSlackAPI(bench_world(sizes.people, sizes.channels), token=TOKEN) as api:
        api.rate_limit(sizes.fanout_channel_rate, sizes.fanout_workspace_rate)
        api.fail("chat.postMessage", status=429, retry_after=1, times=INJECTED_429)
        settings = load_settings({"SLACK_BOT_TOKEN": TOKEN, "DATABASE_URL": url, "SLACK_API_URL": api.url})
        rt = build_runtime(settings, db, FrozenClock(BENCH_AT))
        run_morning(rt)
        dms = _keep_first(db, sizes.fanout_dms)
        sent_before = _sent(db)
        started = time.perf_counter()
        report = rt.drainer.drain()
        seconds = time.perf_counter() - started
        calls = api.calls_to("chat.postMessage")
    ok = Counter(str(c.response.get("channel")) for c in calls if c.status == 200 and c.response and c.response["ok"])
    result = FanoutResult(
        dms=dms,
        seconds=seconds,
        allowed_seconds=max(dms / sizes.fanout_workspace_rate, 1.0),
        delivered=len(ok),
        duplicates=sum(n - 1 for n in ok.values()),
        rate_limited=sum(c.status == 429 for c in calls),
        claims_sent=_sent(db) - sent_before,
        failed=len(report.failed) + len(report.gone),
    )
    reset(db, seeded)
    return result


def sweep_peak_rss(url: str, sizes: Sizes, seeded: Seeded, db: Database) -> float:
    """Peak RSS (MB) of `followthrough tick --at` (the scheduler's sweep in its own process) over the seeded data.

    Stopped once it is sending (the sweep queued everything before its drain, so its peak is over): the sends
    themselves are the fan-out's."""
    reset(db, seeded)
    with FakeSlackAPI(bench_world(sizes.people, sizes.channels), token=TOKEN) as api:
        env = app_env(url, api.url)
        at = BENCH_AT.isoformat().replace("+00:00", "Z")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "tick", "--at", at],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if len(api.calls_to("chat.postMessage")) >= 20:
                break
            time.sleep(0.05)
        if proc.poll() is None:
            proc.kill()
        _pid, _status, usage = os.wait4(proc.pid, 0)
        proc.returncode = _status
    reset(db, seeded)
    return usage.ru_maxrss / 1024
