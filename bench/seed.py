"""A seeded workspace of the issue's size, written with SQLAlchemy Core bulk inserts (not the ORM)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Table, delete, insert, update
from sqlmodel import col

from bench.sizes import BENCH_AT, DM_TEAMS, TEAM, Sizes, dm_team
from storage.db import Database
from storage.models import (
    ActionItem,
    AuditEntry,
    CheckIn,
    Deliverable,
    DigestSubscription,
    KeyCounter,
    KeyResult,
    Milestone,
    OutboundClaim,
    Outcome,
    Person,
    PersonSettings,
    ProcessedEvent,
    Workspace,
)

ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "Europe/London",
    "UTC",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "America/Chicago",
)
CHUNK = 10_000
DELIVERABLES_PER_MILESTONE = 4
DIGEST_CHANNELS = 20


def person_id(n: int) -> str:
    """The n-th seeded person (0-based)."""
    return f"U{n:06d}"


def channel_id(n: int) -> str:
    """The n-th seeded channel (0-based)."""
    return f"C{n:06d}"


def dm_spread(sizes: Sizes) -> list[tuple[str, int]]:
    """(workspace, person index) of the spread DM-lag phase: the first active people (at most sizes.dm_people, a
    multiple of DM_TEAMS), person i a member of workspace i mod DM_TEAMS. The same user ids as the seeded
    workspace's, so the fake Slack (one world, one token) knows them; `seed` caches them as people of their
    workspace."""
    active = [p for p in range(sizes.people) if p % 100 or p == 0]  # the rest are deactivated below
    count = min(sizes.dm_people, len(active)) // DM_TEAMS * DM_TEAMS
    return [(dm_team(i % DM_TEAMS), active[i]) for i in range(count)]


@dataclass(frozen=True)
class Seeded:
    """What the seed wrote, for the benchmarks that need to aim at it."""

    sizes: Sizes
    seconds: float
    last_item_number: int
    deactivated: frozenset[str]

    def owner_of(self, i: int) -> str:
        """Owner of open item number i+1."""
        return person_id(i % self.sizes.people)


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


def _bulk(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(_table(model)), rows[start : start + CHUNK])


def _due(i: int, today: date) -> date | None:
    if i % 10 == 9:
        return None
    return today + timedelta(days=(i * 37) % 91 - 30)


def seed(db: Database, sizes: Sizes) -> Seeded:
    """Write the whole workspace; returns what benchmarks need to know about it."""
    started = time.perf_counter()
    now = BENCH_AT
    today = now.date()
    created = now - timedelta(days=40)
    n_people, n_channels = sizes.people, sizes.channels
    deactivated = frozenset(person_id(p) for p in range(0, n_people, 100) if p)
    with db.engine.begin() as conn:
        conn.execute(
            insert(_table(Workspace)), [{"team_id": TEAM, "name": "Bench", "created_at": created, "active": True}]
        )
        _seed_dm_teams(conn, sizes, created, now)
        _bulk(
            conn,
            Person,
            [
                {
                    "team_id": TEAM,
                    "user_id": person_id(p),
                    "name": f"user{p}",
                    "real_name": f"User {p}",
                    "tz": ZONES[p % len(ZONES)],
                    "is_bot": False,
                    "is_admin": p % 500 == 0,
                    "deleted": person_id(p) in deactivated,
                    # Stored before the bench's `serve` runs (in real time; `now` is the sweep's future Monday): a
                    # stamp in the future would make a worker's every people refresh read them all again.
                    "fetched_at": now - timedelta(days=3),
                }
                for p in range(n_people)
            ],
        )
        _bulk(
            conn,
            PersonSettings,
            [
                {
                    "team_id": TEAM,
                    "user_id": person_id(p),
                    "reminder_hour": 8,
                    "working_days": "mon-fri",
                    "paused_until": today + timedelta(days=3) if p % 70 == 0 else None,
                    "cadence": "daily" if p % 90 else "off",
                    "notify_done_now": False,
                }
                for p in range(0, n_people, 10)
            ],
        )
        milestones = []
        for m in range(sizes.milestones):
            milestones.append(
                {
                    "id": m + 1,
                    "team_id": TEAM,
                    "number": m + 1,
                    "title": f"Milestone {m + 1}",
                    "due_date": today + timedelta(days=1 + m % 60) if m else today + timedelta(days=7),
                    "status": "upcoming",
                    "channel": channel_id(m % n_channels),
                    "private": False,
                    "owner": person_id((m * 13) % n_people),
                    "created_by": person_id((m * 17) % n_people),
                    "gate": m % 10 == 3,
                    "created_at": created,
                }
            )
        _bulk(conn, Milestone, milestones)
        deliverables = []
        statuses = ("planned", "in_progress", "in_progress", "submitted", "approved")
        for d in range(sizes.milestones * DELIVERABLES_PER_MILESTONE):
            status = statuses[d % len(statuses)]
            deliverables.append(
                {
                    "id": d + 1,
                    "team_id": TEAM,
                    "number": d + 1,
                    "title": f"Deliverable {d + 1}",
                    "status": status,
                    "owner": person_id((d * 7) % n_people),
                    "approver": person_id((d * 11 + 1) % n_people) if d % 3 else None,
                    "created_by": person_id((d * 19) % n_people),
                    "channel": channel_id((d // DELIVERABLES_PER_MILESTONE) % n_channels),
                    "private": False,
                    "due_date": today + timedelta(days=d % 30),
                    "milestone_id": d // DELIVERABLES_PER_MILESTONE + 1,
                    "submitted_by": person_id((d * 7) % n_people) if status == "submitted" else None,
                    "submitted_at": now - timedelta(days=1) if status == "submitted" else None,
                    "created_at": created,
                }
            )
        _bulk(conn, Deliverable, deliverables)
        n_deliverables = len(deliverables)
        big_open = sizes.big_milestone_items * 3 // 4
        big_done = sizes.big_milestone_items - big_open
        items = []
        for i in range(sizes.open_items):
            owner = i % n_people
            creator = (i * 7 + 13) % n_people
            if i < big_open:
                deliverable: int | None = 1 + i % DELIVERABLES_PER_MILESTONE
            elif i % 2:
                deliverable = DELIVERABLES_PER_MILESTONE + 1 + i % (n_deliverables - DELIVERABLES_PER_MILESTONE)
            else:
                deliverable = None
            items.append(
                {
                    "team_id": TEAM,
                    "number": i + 1,
                    "title": f"Open item {i + 1} & follow-up",
                    "status": "open",
                    "owner": person_id(owner),
                    "created_by": person_id(creator),
                    "channel": channel_id(i % n_channels),
                    "private": False,
                    "due_date": _due(i, today),
                    "deliverable_id": deliverable,
                    "snoozed_until": today + timedelta(days=3) if i % 50 == 7 else None,
                    "created_at": created + timedelta(minutes=i % 10_000),
                    "completed_at": None,
                    "completed_by": None,
                }
            )
        for j in range(sizes.done_items):
            i = sizes.open_items + j
            items.append(
                {
                    "team_id": TEAM,
                    "number": i + 1,
                    "title": f"Done item {i + 1}",
                    "status": "done",
                    "owner": person_id(i % n_people),
                    "created_by": person_id((i * 3 + 1) % n_people),
                    "channel": channel_id(i % n_channels),
                    "private": False,
                    "due_date": today - timedelta(days=j % 10),
                    "deliverable_id": 1 + j % DELIVERABLES_PER_MILESTONE if j < big_done else None,
                    "snoozed_until": None,
                    "created_at": created,
                    "completed_at": now - timedelta(hours=1 + j % 100),
                    "completed_by": person_id(i % n_people),
                }
            )
        _bulk(conn, ActionItem, items)
        n_outcomes = max(1, n_people // 25)
        _bulk(
            conn,
            Outcome,
            [
                {
                    "id": o + 1,
                    "team_id": TEAM,
                    "number": o + 1,
                    "objective": f"Outcome {o + 1}",
                    "status": "active",
                    "owner": person_id(o * 25),
                    "created_by": person_id(o * 25),
                    "last_kr_number": 2,
                    "created_at": created,
                }
                for o in range(n_outcomes)
            ],
        )
        krs = [
            {
                "id": k + 1,
                "team_id": TEAM,
                "outcome_id": k // 2 + 1,
                "number": k % 2 + 1,
                "metric": f"Metric {k + 1}",
                "baseline": 0.0,
                "target": 10.0,
                "current": 2.0,
                "status": "active",
                "created_by": person_id((k // 2) * 25),
                "created_at": created,
            }
            for k in range(n_outcomes * 2)
        ]
        _bulk(conn, KeyResult, krs)
        _bulk(
            conn,
            CheckIn,
            [
                {
                    "team_id": TEAM,
                    "key_result_id": kr["id"],
                    "value": 2.0,
                    "by": kr["created_by"],
                    "at": now - timedelta(days=10 if kr["id"] % 2 else 2),
                }
                for kr in krs
            ],
        )
        _bulk(
            conn,
            DigestSubscription,
            [
                {
                    "team_id": TEAM,
                    "channel": channel_id(c),
                    "cadence": "daily",
                    "time": "09:00",
                    "tz": "America/New_York",
                    "created_by": person_id(c),
                    "enabled": True,
                    "charts_enabled": False,
                    "created_at": created,
                }
                for c in range(min(DIGEST_CHANNELS, n_channels))
            ],
        )
        # Yesterday's morning DMs went out: "done since your last DM" counts from them.
        yesterday = _yesterday()
        _bulk(
            conn,
            OutboundClaim,
            [
                {
                    "team_id": TEAM,
                    "recipient": person_id(p),
                    "kind": "morning-dm",
                    "slot": yesterday,
                    "state": "sent",
                    "attempts": 1,
                    "claimed_at": now - timedelta(days=1, hours=1),
                    "sent_at": now - timedelta(days=1, hours=1),
                }
                for p in range(n_people)
            ],
        )
        last = sizes.open_items + sizes.done_items
        _bulk(
            conn,
            KeyCounter,
            [
                {"team_id": TEAM, "kind": "A", "last_number": last},
                {"team_id": TEAM, "kind": "D", "last_number": n_deliverables},
                {"team_id": TEAM, "kind": "M", "last_number": sizes.milestones},
                {"team_id": TEAM, "kind": "O", "last_number": n_outcomes},
            ],
        )
    _fix_sequences(db)
    _analyze(db)
    return Seeded(sizes, time.perf_counter() - started, last, deactivated)


def _seed_dm_teams(conn: Any, sizes: Sizes, created: Any, now: Any) -> None:
    """The spread DM-lag phase's workspaces, their people in the people cache (as users.list would have filled it)
    and their key counters."""
    spread = dm_spread(sizes)
    teams = sorted({team for team, _ in spread})
    conn.execute(
        insert(_table(Workspace)),
        [{"team_id": t, "name": f"Bench {t}", "created_at": created, "active": True} for t in teams],
    )
    _bulk(
        conn,
        Person,
        [
            {
                "team_id": team,
                "user_id": person_id(p),
                "name": f"user{p}",
                "real_name": f"User {p}",
                "tz": ZONES[p % len(ZONES)],
                "is_bot": False,
                "is_admin": False,
                "deleted": False,
                "fetched_at": now - timedelta(days=3),
            }
            for team, p in spread
        ],
    )
    conn.execute(insert(_table(KeyCounter)), [{"team_id": t, "kind": "A", "last_number": 0} for t in teams])


def _yesterday() -> str:
    return (BENCH_AT.date() - timedelta(days=1)).isoformat()


def _fix_sequences(db: Database) -> None:
    """Explicit ids were inserted: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as conn:
        for table in ("milestone", "deliverable", "outcome", "key_result"):
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )


def _analyze(db: Database) -> None:
    """Fresh planner statistics and (PostgreSQL) a visibility map, as a database that grew by use would have after
    autovacuum's pass: without it every index-only scan still reads each row's heap page."""
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def reset(db: Database, seeded: Seeded) -> None:
    """Undo what a run did: its new items and audit rows, completions, the outbox (all but the seeded claims) and
    the events received (with the captures held in them)."""
    with db.engine.begin() as conn:
        items = _table(ActionItem)
        spread_teams = sorted({team for team, _ in dm_spread(seeded.sizes)})
        conn.execute(delete(items).where(col(ActionItem.team_id).in_(spread_teams)))
        conn.execute(update(_table(KeyCounter)).where(col(KeyCounter.team_id).in_(spread_teams)).values(last_number=0))
        conn.execute(delete(items).where(col(ActionItem.number) > seeded.last_item_number))
        conn.execute(
            update(items)
            .where(col(ActionItem.number) <= seeded.sizes.open_items, col(ActionItem.status) != "open")
            .values(status="open", completed_at=None, completed_by=None, updated_at=None)
        )
        conn.execute(
            update(_table(KeyCounter))
            .where(col(KeyCounter.team_id) == TEAM, col(KeyCounter.kind) == "A")
            .values(last_number=seeded.last_item_number)
        )
        seeded_claim = (col(OutboundClaim.kind) == "morning-dm") & (col(OutboundClaim.slot) == _yesterday())
        conn.execute(delete(_table(OutboundClaim)).where(~seeded_claim))
        conn.execute(delete(_table(ProcessedEvent)))
        conn.execute(delete(_table(AuditEntry)))
