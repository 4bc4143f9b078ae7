"""The minute sweep costs a fixed number of SQL queries: 10 people or 200, 100 items or 4,000."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import delete, event, insert

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import queue_all
from bot.settings import load_settings
from storage.db import Database
from storage.models import ActionItem, OutboundClaim, Person, Workspace

TEAM = "T0TICK"
MONDAY_1700_UTC = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 12:00 in New York, 18:00 in Berlin
ZONES = ("America/New_York", "Europe/Berlin", "UTC")


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def add_people(db: Database, start: int, count: int, items_each: int) -> None:
    """People with open items: overdue, due today, later, some given to the next person, one due within the hour."""
    today = MONDAY_1700_UTC.date()
    people, items = [], []
    for p in range(start, start + count):
        people.append(
            {
                "team_id": TEAM,
                "user_id": f"U{p:05d}",
                "name": f"user{p}",
                "real_name": f"User {p}",
                "tz": ZONES[p % len(ZONES)],
                "fetched_at": MONDAY_1700_UTC,
            }
        )
        for i in range(items_each):
            n = p * items_each + i + 1
            items.append(
                {
                    "team_id": TEAM,
                    "number": n,
                    "title": f"Item {n}",
                    "status": "done" if i == items_each - 1 else "open",
                    "owner": f"U{p:05d}",
                    "created_by": f"U{(p + 1) % (start + count):05d}" if i % 2 else f"U{p:05d}",
                    "channel": "C0TICK",
                    "due_date": today + timedelta(days=i % 7 - 4),
                    "due_time": None,
                    "due_tz": None,
                    "created_at": MONDAY_1700_UTC - timedelta(days=10),
                    "completed_at": MONDAY_1700_UTC - timedelta(hours=2) if i == items_each - 1 else None,
                }
            )
        items.append(
            {
                "team_id": TEAM,
                "number": 100_000 + p,
                "title": f"Call {p}",
                "status": "open",
                "owner": f"U{p:05d}",
                "created_by": f"U{p:05d}",
                "channel": "C0TICK",
                "due_date": today,
                "due_time": time(17, 30),  # its reminder an hour before is due: one more DM each
                "due_tz": "UTC",
                "created_at": MONDAY_1700_UTC - timedelta(days=10),
                "completed_at": None,
            }
        )
    with db.engine.begin() as conn:
        conn.execute(insert(Person), people)
        conn.execute(insert(ActionItem), items)


def tick(db: Database) -> tuple[int, int, int]:
    """(queries, morning DMs, before-due reminders queued) of one tick at Monday 17:00 UTC (the drainer sends)."""
    clock = FrozenClock(MONDAY_1700_UTC)
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-test", "DATABASE_URL": db.url})
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    rt = build_runtime(settings, db, clock, client)
    with db.engine.begin() as conn:
        conn.execute(delete(OutboundClaim))
    with counting(db) as statements:
        report = queue_all(rt)
    return len(statements), report.queued["morning DMs"], report.queued["before-due reminders"]


def test_the_tick_query_count_does_not_grow_with_people_or_items(db: Database) -> None:
    with db.engine.begin() as conn:
        conn.execute(insert(Workspace), [{"team_id": TEAM, "name": "Tick", "created_at": MONDAY_1700_UTC}])
    add_people(db, 0, 10, items_each=10)
    small, small_dms, small_reminders = tick(db)
    add_people(db, 10, 190, items_each=20)
    large, large_dms, large_reminders = tick(db)
    assert (small_dms, large_dms, small_reminders, large_reminders) == (10, 200, 10, 200)
    assert large == small, f"{small} queries for 10 people and 100 items, {large} for 200 people and 3,900 items"
