"""The audit trail: one row per change, read back as a record's history."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import AuditEntry


def history(session: Session, team_id: str, key: str) -> list[AuditEntry]:
    """Every change recorded for one key (A-3, D-1, …), oldest first."""
    return list(
        session.exec(
            select(AuditEntry)
            .where(col(AuditEntry.team_id) == team_id, col(AuditEntry.key) == key)
            .order_by(col(AuditEntry.at), col(AuditEntry.id))
        ).all()
    )


def count(session: Session, team_id: str, key: str) -> int:
    """How many changes one key has seen (flushed ones included)."""
    session.flush()
    rows = session.exec(
        select(func.count())
        .select_from(AuditEntry)
        .where(col(AuditEntry.team_id) == team_id, col(AuditEntry.key) == key)
    ).one()
    return int(rows)
