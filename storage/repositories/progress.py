"""Roll-up counts for deliverables, milestones and the morning's reviews: one grouped query each, named columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlmodel import Session, col

from storage.models import ActionItem, Deliverable, Milestone


def _item_columns(today: date | None, since: datetime | None) -> list[Any]:
    status = col(ActionItem.status)
    zero = literal(0)
    overdue = and_(status == "open", col(ActionItem.due_date) < today) if today else None
    recent = and_(status == "done", col(ActionItem.completed_at) >= since) if since else None
    return [
        func.count(col(ActionItem.id)).label("total"),
        func.coalesce(func.sum(case((status == "done", 1), else_=0)), 0).label("done"),
        (zero if overdue is None else func.coalesce(func.sum(case((overdue, 1), else_=0)), 0)).label("overdue"),
        (zero if recent is None else func.coalesce(func.sum(case((recent, 1), else_=0)), 0)).label("done_recent"),
    ]


def items_by_deliverable(
    session: Session, team_id: str, ids: list[int], *, today: date | None, since: datetime | None
) -> Sequence[Any]:
    """(id, total, done, overdue, done_recent) of the items (not cancelled) of each deliverable."""
    # overdue: open items due before `today`; done_recent: done since `since` (each 0 without its bound).
    return session.execute(
        select(col(ActionItem.deliverable_id).label("id"), *_item_columns(today, since))
        .where(
            col(ActionItem.team_id) == team_id,
            col(ActionItem.deliverable_id).in_(ids),
            col(ActionItem.status) != "cancelled",
        )
        .group_by(col(ActionItem.deliverable_id))
    ).all()


def items_by_milestone(
    session: Session, team_id: str, ids: list[int], *, today: date, since: datetime
) -> Sequence[Any]:
    """(id, total, done, overdue, done_recent) per milestone, through its deliverables that are not cancelled."""
    return session.execute(
        select(col(Deliverable.milestone_id).label("id"), *_item_columns(today, since))
        .join(Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id))
        .where(
            col(ActionItem.team_id) == team_id,
            col(Deliverable.milestone_id).in_(ids),
            col(Deliverable.status) != "cancelled",
            col(ActionItem.status) != "cancelled",
        )
        .group_by(col(Deliverable.milestone_id))
    ).all()


def deliverables_by_milestone(
    session: Session,
    team_id: str,
    ids: list[int],
    *,
    open_statuses: Sequence[str],
    due_before: date,
    approved_since: datetime | None = None,
) -> Sequence[Any]:
    """(id, total, approved, late_unsubmitted, approved_recent) of each milestone's deliverables not cancelled."""
    # late_unsubmitted: in `open_statuses` and due (their date, else the milestone's) before `due_before`;
    # approved_recent: approved since `approved_since` (0 without it).
    status = col(Deliverable.status)
    due = func.coalesce(col(Deliverable.due_date), col(Milestone.due_date))
    recent = and_(status == "approved", col(Deliverable.decided_at) >= approved_since) if approved_since else None
    return session.execute(
        select(
            col(Deliverable.milestone_id).label("id"),
            func.count(col(Deliverable.id)).label("total"),
            func.coalesce(func.sum(case((status == "approved", 1), else_=0)), 0).label("approved"),
            func.coalesce(func.sum(case((and_(status.in_(open_statuses), due < due_before), 1), else_=0)), 0).label(
                "late_unsubmitted"
            ),
            (literal(0) if recent is None else func.coalesce(func.sum(case((recent, 1), else_=0)), 0)).label(
                "approved_recent"
            ),
        )
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id))
        .where(col(Deliverable.team_id) == team_id, col(Deliverable.milestone_id).in_(ids), status != "cancelled")
        .group_by(col(Deliverable.milestone_id))
    ).all()


def overdue_owners(session: Session, team_id: str, milestone_id: int, *, today: date) -> Sequence[Any]:
    """(owner, overdue) of who holds a milestone's open items due before `today`, most first."""
    return session.execute(
        select(col(ActionItem.owner), func.count(col(ActionItem.id)).label("overdue"))
        .join(Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id))
        .where(
            col(ActionItem.team_id) == team_id,
            col(Deliverable.milestone_id) == milestone_id,
            col(Deliverable.status) != "cancelled",
            col(ActionItem.status) == "open",
            col(ActionItem.due_date) < today,
        )
        .group_by(col(ActionItem.owner))
        .order_by(func.count(col(ActionItem.id)).desc(), col(ActionItem.owner))
    ).all()


def items_of_submitted(session: Session, teams: list[str]) -> Sequence[Any]:
    """(id, total, done) of the items (not cancelled) of every submitted deliverable of these workspaces."""
    status = col(ActionItem.status)
    return (
        session.connection()
        .execute(
            select(
                col(ActionItem.deliverable_id).label("id"),
                func.count(col(ActionItem.id)).label("total"),
                func.coalesce(func.sum(case((status == "done", 1), else_=0)), 0).label("done"),
            )
            .join(Deliverable, col(Deliverable.id) == col(ActionItem.deliverable_id))
            .where(
                col(Deliverable.team_id).in_(teams),
                col(Deliverable.status) == "submitted",
                col(ActionItem.team_id) == col(Deliverable.team_id),
                status != "cancelled",
            )
            .group_by(col(ActionItem.deliverable_id))
        )
        .all()
    )
