"""Lists and status views cost a constant number of SQL queries: 20 linked items or 2,000."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event, insert
from sqlmodel import col, select

from bot.capture.keys import Key
from bot.clock import FrozenClock
from bot.services import deliverables, milestones, outcomes
from bot.services.common import Actor
from bot.simulator.local import LocalBot
from storage.db import Database
from storage.models import ActionItem, Deliverable

TEAM = "T0SIM"
ALICE = Actor(team_id=TEAM, user_id="U0ALICE", is_admin=True, channel="C0WEB")


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


def seed(db: Database, clock: FrozenClock) -> list[int]:
    """M-1 with four deliverables (one serving O-1); returns the deliverables' row ids."""
    with db.session() as s:
        milestones.add(s, clock, ALICE, title="Launch", due=date(2026, 12, 18))
        outcomes.add(s, clock, ALICE, objective="Faster onboarding")
        views = [
            deliverables.add(s, clock, ALICE, title=f"Part {i}", links=[Key("M", 1), Key("O", 1)], owner="U0BOB")
            for i in range(4)
        ]
        s.flush()
        ids = s.exec(select(Deliverable.id).where(col(Deliverable.team_id) == TEAM)).all()
    assert len(views) == 4
    return [int(i) for i in ids if i is not None]


def add_items(db: Database, clock: FrozenClock, deliverable_ids: list[int], count: int, start: int) -> None:
    """Bulk-insert items: a third done this week, a third overdue, a third open later."""
    now = clock.now()
    rows = []
    for n in range(count):
        kind = n % 3
        rows.append(
            {
                "team_id": TEAM,
                "number": start + n,
                "title": f"Item {start + n}",
                "status": "done" if kind == 0 else "open",
                "owner": ("U0BOB", "U0CAROL", "U0DANA")[n % 3],
                "created_by": "U0ALICE",
                "channel": "C0WEB",
                "private": False,
                "due_date": now.date() - timedelta(days=2) if kind == 1 else now.date() + timedelta(days=10),
                "deliverable_id": deliverable_ids[n % len(deliverable_ids)],
                "created_at": now,
                "completed_at": now - timedelta(days=1) if kind == 0 else None,
            }
        )
    with db.session() as s:
        s.execute(insert(ActionItem), rows)


def queries(db: Database, work: Callable[[], object]) -> int:
    with counting(db) as statements:
        work()
    return len(statements)


def views(db: Database, clock: FrozenClock) -> dict[str, Callable[[], object]]:
    def run(fn: Callable[..., object], *args: Any, **kwargs: Any) -> Callable[[], object]:
        def go() -> object:
            with db.session(readonly=True) as s:
                return fn(s, clock, ALICE, *args, **kwargs)

        return go

    return {
        "milestone status": run(milestones.status, "M-1"),
        "milestone list": run(milestones.list_milestones),
        "deliverable list": run(deliverables.list_deliverables),
        "deliverable list for M-1": run(deliverables.list_deliverables, scope="milestone", link="M-1"),
        "deliverable show": run(deliverables.show, "D-1"),
        "outcome status": run(outcomes.status, "O-1"),
    }


def test_status_and_lists_cost_the_same_for_20_and_2000_items(db: Database, clock: FrozenClock) -> None:
    ids = seed(db, clock)
    add_items(db, clock, ids, 20, start=1)
    small = {name: queries(db, work) for name, work in views(db, clock).items()}
    add_items(db, clock, ids, 1980, start=21)
    large = {name: queries(db, work) for name, work in views(db, clock).items()}
    assert large == small
    assert max(small.values()) <= 10, small

    with db.session(readonly=True) as s:
        status = milestones.status(s, clock, ALICE, "M-1")
    assert status.items.total == 2000
    assert status.items.done == 667 and status.items.overdue == 667
    assert sum(n for _, n in status.overdue_owners) == 667


def test_the_slash_command_costs_the_same_too(bot: LocalBot, clock: FrozenClock) -> None:
    ids = seed(bot.db, clock)
    add_items(bot.db, clock, ids, 20, start=1)
    bot.sender.command("alice", "/milestone", "status M-1")  # warm the people cache

    def status() -> object:
        reply = bot.sender.command("alice", "/milestone", "status M-1")
        assert reply.status == 200 and "M-1" in reply.body
        return reply

    small = queries(bot.db, status)
    add_items(bot.db, clock, ids, 1980, start=21)
    assert queries(bot.db, status) == small
