"""Per-workspace key numbers (A-n, D-n, M-n, O-n), allocated in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import Table, bindparam, update
from sqlmodel import Session

from storage.models import KeyCounter
from storage.repositories.common import insert_ignore

KINDS = ("A", "D", "M", "O")
_COUNTER: Table = KeyCounter.__table__  # type: ignore[attr-defined]
_BUMP = (
    update(_COUNTER)
    .where(_COUNTER.c.team_id == bindparam("b_team"), _COUNTER.c.kind == bindparam("b_kind"))
    .values(last_number=_COUNTER.c.last_number + bindparam("b_count"))
    .returning(_COUNTER.c.last_number)
)


def next_number(session: Session, team_id: str, kind: str) -> int:
    """Reserve the next number for `kind` in `team_id`; the row lock serialises concurrent writers."""
    return reserve_numbers(session, team_id, kind, 1)[0]


def reserve_numbers(session: Session, team_id: str, kind: str, count: int) -> list[int]:
    """Reserve `count` consecutive numbers in one statement."""
    # The counter row stays locked until the caller's transaction ends, so callers take their numbers as late as they
    # can: after their reads and checks, just before their inserts.
    if kind not in KINDS:
        raise ValueError(f"unknown key kind {kind!r}")
    if count < 1:
        raise ValueError("count must be at least 1")
    conn = session.connection()
    params = {"b_team": team_id, "b_kind": kind, "b_count": count}
    last = conn.execute(_BUMP, params).scalar_one_or_none()
    if last is None:
        insert_ignore(session, KeyCounter, ["team_id", "kind"], team_id=team_id, kind=kind, last_number=0)
        last = conn.execute(_BUMP, params).scalar_one()
    return list(range(int(last) - count + 1, int(last) + 1))
