"""Per-workspace key numbers (A-n, D-n, M-n, O-n), allocated in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col

from storage.models import KeyCounter
from storage.repositories.common import insert_ignore

KINDS = ("A", "D", "M", "O")


def next_number(session: Session, team_id: str, kind: str) -> int:
    """Reserve the next number for `kind` in `team_id`; the row lock serialises concurrent writers."""
    if kind not in KINDS:
        raise ValueError(f"unknown key kind {kind!r}")
    bump = (
        update(KeyCounter)
        .where(col(KeyCounter.team_id) == team_id, col(KeyCounter.kind) == kind)
        .values(last_number=col(KeyCounter.last_number) + 1)
        .returning(col(KeyCounter.last_number))
    )
    number = session.execute(bump).scalar_one_or_none()
    if number is not None:
        return int(number)
    insert_ignore(session, KeyCounter, ["team_id", "kind"], team_id=team_id, kind=kind, last_number=0)
    return int(session.execute(bump).scalar_one())
