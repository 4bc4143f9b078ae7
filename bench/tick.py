"""`tick` over the seeded workspace: the morning sweep's database work beside a floor of plain SQL that fetches the
same due rows; the sweep queued (composed, rendered, enqueued in one statement) and every duty queued (`queue_all`,
what the scheduler's minute job does; the drainer sends apart, see bench/fanout.py); query counts per duty."""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import text

from bench.measure import counting, median, timed
from bench.seed import Seeded, reset
from bench.sizes import BENCH_AT, TEAM
from bot.clock import FrozenClock
from bot.jobs import morning
from bot.jobs.morning import cyclic_gc_paused, run_morning
from bot.jobs.runtime import Runtime, build_runtime
from bot.jobs.sweeps import queue_all
from bot.settings import load_settings
from storage.db import Database


def bench_runtime(db: Database, url: str, at: datetime = BENCH_AT) -> Runtime:
    """A runtime at `at` whose Slack client points nowhere: the sweep only queues; nothing here drains."""
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-bench", "DATABASE_URL": url})
    client = WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/api/")
    return build_runtime(settings, db, FrozenClock(at), client)


ITEM_COLUMNS = (
    "a.team_id, a.number, a.title, a.status, a.owner, a.created_by, a.channel, a.due_date, a.due_time, a.due_tz, "
    "a.snoozed_until, a.private, d.number, d.title"
)
FROM_ITEMS = "FROM action_item a LEFT OUTER JOIN deliverable d ON a.deliverable_id = d.id"
FLOOR_SQL = {
    "people": "SELECT user_id, tz, deleted, is_bot FROM person WHERE team_id = :team",
    "settings": "SELECT user_id, reminder_hour, working_days, paused_until, cadence "
    "FROM person_settings WHERE team_id = :team",
    "claims": "SELECT recipient, slot, state FROM outbound_claim WHERE team_id = :team AND kind = 'morning-dm' "
    "AND slot IN (:today_slot, :tomorrow_slot)",
    "mine": f"SELECT {ITEM_COLUMNS} {FROM_ITEMS} WHERE a.team_id = :team AND a.status = 'open' "
    "AND a.due_date <= :horizon AND (a.snoozed_until IS NULL OR a.snoozed_until <= :tomorrow)",
    "given": f"SELECT {ITEM_COLUMNS}, p.deleted {FROM_ITEMS} LEFT OUTER JOIN person p ON p.team_id = a.team_id "
    "AND p.user_id = a.owner WHERE a.team_id = :team AND a.status = 'open' AND a.owner <> a.created_by "
    "AND (a.due_date < :tomorrow OR p.deleted)",
    "done": f"SELECT {ITEM_COLUMNS} {FROM_ITEMS} LEFT OUTER JOIN (SELECT recipient, max(sent_at) AS last "
    "FROM outbound_claim WHERE team_id = :team AND kind = 'morning-dm' AND state = 'sent' GROUP BY recipient) l "
    "ON l.recipient = a.created_by WHERE a.team_id = :team AND a.status = 'done' AND a.owner <> a.created_by "
    "AND a.completed_at > coalesce(l.last, :day_ago)",
    "reviews": "SELECT d.number, d.title, d.approver, d.created_by, d.submitted_by, m.owner FROM deliverable d "
    "LEFT OUTER JOIN milestone m ON d.milestone_id = m.id WHERE d.team_id = :team AND d.status = 'submitted'",
}


def floor(db: Database) -> tuple[float, int]:
    """Plain SQL for the morning sweep's rows (raw driver values, no ORM, no per-person queries)."""
    today = BENCH_AT.date()
    day_ago: Any = BENCH_AT - timedelta(days=1)
    if db.engine.dialect.name == "sqlite":
        day_ago = day_ago.strftime("%Y-%m-%d %H:%M:%S.%f")  # how the UtcDateTime column stores it there
    params = {
        "team": TEAM,
        "today_slot": today.isoformat(),
        "tomorrow_slot": (today + timedelta(days=1)).isoformat(),
        "tomorrow": today + timedelta(days=1),
        "horizon": today + timedelta(days=4),
        "day_ago": day_ago,
    }

    def fetch() -> int:
        rows = 0
        with cyclic_gc_paused(), db.engine.connect() as conn:  # the same conditions as the sweep's own reads
            for sql in FLOOR_SQL.values():
                rows += len(conn.execute(text(sql), params).fetchall())
        return rows

    gc.collect()
    return timed(fetch)


@dataclass
class TickResult:
    """One run's numbers (medians of `repeat` passes inside the run)."""

    db_seconds: float  # morning.collect: who is due and what each DM says
    morning_seconds: float  # run_morning: collect, render, enqueue every DM in one statement
    tick_seconds: float  # queue_all: every duty queued
    floor_seconds: float
    floor_rows: int
    queries: dict[str, int] = field(default_factory=dict)
    dms: int = 0
    recipients: int = 0
    sql_seconds: float = 0.0


def measure_tick(db: Database, url: str, seeded: Seeded, repeat: int) -> TickResult:
    """Time the morning sweep's database work and the floor, the sweep queued, and a whole tick queued."""
    rt = bench_runtime(db, url)
    db_times, morning_times, tick_times, floor_times, sql_times = [], [], [], [], []
    queries: dict[str, int] = {}
    dms = recipients = floor_rows = 0
    for _ in range(repeat):
        reset(db, seeded)
        seconds, floor_rows = floor(db)
        floor_times.append(seconds)
        gc.collect()
        with counting(db.engine) as q:
            seconds, mornings = timed(lambda: morning.collect(rt))
        db_times.append(seconds)
        sql_times.append(q.seconds)
        queries["morning: database work"] = q.count
        recipients = len(mornings)
        del mornings
        gc.collect()
        with counting(db.engine) as q:
            seconds, dms = timed(lambda: run_morning(rt))
        morning_times.append(seconds)
        queries["morning: queued"] = q.count
        reset(db, seeded)
        gc.collect()
        with counting(db.engine) as q:
            seconds, _report = timed(lambda: queue_all(rt))
        tick_times.append(seconds)
        queries["tick: every duty queued (queue_all)"] = q.count
    reset(db, seeded)
    queries["floor (plain SQL)"] = len(FLOOR_SQL)
    # The same sweep seven hours earlier, when fewer people are due: the query counts must not change.
    early = bench_runtime(db, url, BENCH_AT - timedelta(hours=7))
    with counting(db.engine) as q:
        fewer = len(morning.collect(early))
    queries["morning: database work, fewer people due"] = q.count
    with counting(db.engine) as q:
        run_morning(early)
    queries["morning: queued, fewer people due"] = q.count
    queries["people due then"] = fewer
    reset(db, seeded)
    return TickResult(
        db_seconds=median(db_times),
        morning_seconds=median(morning_times),
        tick_seconds=median(tick_times),
        floor_seconds=median(floor_times),
        floor_rows=floor_rows,
        queries=queries,
        dms=dms,
        recipients=recipients,
        sql_seconds=median(sql_times),
    )
