"""Whole-workspace reads and writes for backups: every row of a workspace, and its removal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import Workspace


def installed(session: Session, team_id: str | None = None) -> list[Workspace]:
    """Every workspace (or one), by team id."""
    q = select(Workspace).order_by(col(Workspace.team_id))
    if team_id is not None:
        q = q.where(col(Workspace.team_id) == team_id)
    return list(session.exec(q).all())


def rows_of(session: Session, model: Any, team_id: str, order: Any) -> list[Any]:
    """Every row of one table for a workspace, in `order`."""
    return list(session.exec(select(model).where(col(model.team_id) == team_id).order_by(order)).all())


def numbers(session: Session, model: Any, team_id: str) -> list[int]:
    """The key numbers a workspace uses in one numbered table."""
    return list(session.exec(select(col(model.number)).where(col(model.team_id) == team_id)).all())


def purge(session: Session, models: Sequence[Any], team_id: str) -> None:
    """Delete every row of one workspace from these tables, in this order."""
    for model in models:
        session.execute(delete(model).where(col(model.team_id) == team_id))


def people_synced_at(session: Session, team_id: str) -> datetime | None:
    """When the workspace's people were last read whole from users.list (None: never)."""
    row = session.get(Workspace, team_id)
    return row.people_synced_at if row is not None else None


def mark_people_synced(session: Session, team_id: str, at: datetime) -> None:
    """Record a whole read of the workspace's people (creating the workspace row on first contact)."""
    row = session.get(Workspace, team_id) or Workspace(team_id=team_id, created_at=at)
    row.people_synced_at = at
    session.add(row)
