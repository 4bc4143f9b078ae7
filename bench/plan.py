"""Milestone status and a channel digest over M-1 (2,000 items), beside a small milestone: time and queries."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from bench.measure import counting, median, timed
from bench.seed import channel_id, person_id
from bench.sizes import BENCH_AT, TEAM
from bot.blocks.charts import burnup_png
from bot.blocks.digest import digest_message
from bot.blocks.plan_status import milestone_status
from bot.clock import FrozenClock
from bot.services import digests, milestones
from bot.services.common import Actor
from storage.db import Database


@dataclass
class PlanResult:
    """Medians of `repeat` passes: seconds and queries for status and digest, big and small."""

    status_seconds: float
    digest_seconds: float
    chart_seconds: float
    status_queries: int
    status_queries_small: int
    digest_queries: int
    digest_queries_small: int
    items: int


def _status(db: Database, clock: FrozenClock, key: str) -> tuple[int, int]:
    actor = Actor(team_id=TEAM, user_id=person_id(0), tz=ZoneInfo("UTC"), channel=channel_id(0))
    with db.session(readonly=True) as session:
        status = milestones.status(session, clock, actor, key)
        milestone_status(status, today=actor.today(clock))
    return status.items.total, len(status.deliverables)


def _digest(db: Database, clock: FrozenClock, channel: str) -> int:
    schedule = digests.Schedule(channel, "daily", None, "09:00", "America/New_York", True, False, person_id(0))
    with db.session(readonly=True) as session:
        data = digests.collect(session, clock, TEAM, schedule, None)
    digest_message(data, schedule)
    return len(data.milestones)


def measure_plan(db: Database, repeat: int, small_milestone: int, small_channel: int) -> PlanResult:
    """`/milestone status M-1` and the digest of M-1's channel, each rendered to blocks."""
    clock = FrozenClock(BENCH_AT)
    status_t, digest_t, chart_t = [], [], []
    items = 0
    for _ in range(repeat):
        with counting(db.engine) as q:
            seconds, (items, _shown) = timed(lambda: _status(db, clock, "M-1"))
        status_t.append(seconds)
        status_queries = q.count
        with counting(db.engine) as q:
            seconds, _ = timed(lambda: _digest(db, clock, channel_id(0)))
        digest_t.append(seconds)
        digest_queries = q.count
        with db.session(readonly=True) as session:
            started = time.perf_counter()
            due = BENCH_AT.date() + timedelta(days=7)
            burnup_png("M-1", digests.burnup(session, TEAM, "M-1"), today=BENCH_AT.date(), due=due)
            chart_t.append(time.perf_counter() - started)
    with counting(db.engine) as q:
        _status(db, clock, f"M-{small_milestone}")
    status_small = q.count
    with counting(db.engine) as q:
        _digest(db, clock, channel_id(small_channel))
    digest_small = q.count
    return PlanResult(
        status_seconds=median(status_t),
        digest_seconds=median(digest_t),
        chart_seconds=median(chart_t),
        status_queries=status_queries,
        status_queries_small=status_small,
        digest_queries=digest_queries,
        digest_queries_small=digest_small,
        items=items,
    )
