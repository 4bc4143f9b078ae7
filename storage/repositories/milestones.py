"""Milestone rows: found by key, listed by date, and a channel's or a person's upcoming ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from storage.models import Milestone


def by_number(session: Session, team_id: str, number: int) -> Milestone | None:
    """Milestone M-`number` of a workspace."""
    return session.exec(
        select(Milestone).where(col(Milestone.team_id) == team_id, col(Milestone.number) == number)
    ).first()


def visible_clause(channel: str | None, user_id: str) -> ColumnElement[bool]:
    """The privacy rule in SQL: not private, or in this channel, or owned or created by this person."""
    return or_(
        col(Milestone.private).is_(False),
        col(Milestone.channel) == channel,
        col(Milestone.owner) == user_id,
        col(Milestone.created_by) == user_id,
    )


def page(
    session: Session,
    team_id: str,
    *,
    channel: str | None,
    user_id: str,
    status_in: Sequence[str] | None,
    limit: int,
) -> tuple[list[Milestone], int]:
    """The first `limit` milestones this person may see (by date, then number) and how many there are in all."""
    q = select(Milestone).where(col(Milestone.team_id) == team_id, visible_clause(channel, user_id))
    if status_in is not None:
        q = q.where(col(Milestone.status).in_(status_in))
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    rows = session.exec(q.order_by(col(Milestone.due_date), col(Milestone.number)).limit(limit)).all()
    return list(rows), int(total)


def numbers_in_channel(
    session: Session, team_id: str, channel: str, status_in: Sequence[str], *, due_from: date
) -> list[int]:
    """Numbers of a channel's milestones in `status_in` due on or after `due_from`, by date."""
    return list(
        session.exec(
            select(col(Milestone.number))
            .where(
                col(Milestone.team_id) == team_id,
                col(Milestone.channel) == channel,
                col(Milestone.status).in_(status_in),
                col(Milestone.due_date) >= due_from,
            )
            .order_by(col(Milestone.due_date))
        ).all()
    )


def upcoming(session: Session, team_id: str, *, owner: str | None, channel: str | None) -> list[Milestone]:
    """Upcoming milestones one person owns (else of one channel), by number."""
    q = select(Milestone).where(col(Milestone.team_id) == team_id, col(Milestone.status) == "upcoming")
    q = q.where(col(Milestone.owner) == owner) if owner else q.where(col(Milestone.channel) == channel)
    return list(session.exec(q.order_by(col(Milestone.number))).all())
