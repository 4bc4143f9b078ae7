"""Deliverable rows: found by key with the milestone and outcome they serve, listed, and awaiting review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import Deliverable, Milestone, Outcome


@dataclass(frozen=True)
class DeliverableRow:
    """A deliverable with the milestone and outcome it serves."""

    deliverable: Deliverable
    milestone: Milestone | None
    outcome: Outcome | None


def _with_plan() -> Any:
    return (
        select(Deliverable, Milestone, Outcome)
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
        .join(Outcome, col(Deliverable.outcome_id) == col(Outcome.id), isouter=True)
    )


def _by_date() -> tuple[Any, ...]:
    return (col(Deliverable.due_date).is_(None), col(Deliverable.due_date), col(Deliverable.number))


def by_number(session: Session, team_id: str, number: int) -> Deliverable | None:
    """Deliverable D-`number` of a workspace."""
    return session.exec(
        select(Deliverable).where(col(Deliverable.team_id) == team_id, col(Deliverable.number) == number)
    ).first()


def with_plan(session: Session, team_id: str, number: int, *, lock: bool = False) -> DeliverableRow | None:
    """D-`number` with its milestone and outcome, in one query; `lock` takes the deliverable's row lock."""
    q = _with_plan().where(col(Deliverable.team_id) == team_id, col(Deliverable.number) == number)
    row = session.exec(q.with_for_update(of=Deliverable) if lock else q).first()
    return None if row is None else DeliverableRow(*row)


def visible_clause(channel: str | None, user_id: str) -> ColumnElement[bool]:
    """The privacy rule in SQL: not private, in this channel, or this person is on it or owns its milestone."""
    return or_(
        col(Deliverable.private).is_(False),
        col(Deliverable.channel) == channel,
        col(Deliverable.owner) == user_id,
        col(Deliverable.approver) == user_id,
        col(Deliverable.created_by) == user_id,
        col(Milestone.owner) == user_id,
    )


def page(
    session: Session,
    team_id: str,
    *,
    channel: str | None,
    user_id: str,
    milestone_id: int | None = None,
    outcome_id: int | None = None,
    status_in: Sequence[str] | None = None,
    owner: str | None = None,
    limit: int,
) -> tuple[list[DeliverableRow], int]:
    """The first `limit` deliverables this person may see (by date) that match, and how many match in all."""
    # A milestone's or outcome's list leaves out cancelled ones; `status_in` keeps only those statuses.
    q = _with_plan().where(col(Deliverable.team_id) == team_id).where(visible_clause(channel, user_id))
    if milestone_id is not None:
        q = q.where(col(Deliverable.milestone_id) == milestone_id, col(Deliverable.status) != "cancelled")
    elif outcome_id is not None:
        q = q.where(col(Deliverable.outcome_id) == outcome_id, col(Deliverable.status) != "cancelled")
    if status_in is not None:
        q = q.where(col(Deliverable.status).in_(status_in))
    if owner is not None:
        q = q.where(col(Deliverable.owner) == owner)
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    rows = session.exec(q.order_by(*_by_date()).limit(limit)).all()
    return [DeliverableRow(*r) for r in rows], int(total)


def submitted_to(session: Session, team_id: str, reviewer: str) -> list[DeliverableRow]:
    """Submitted deliverables whose approver (else milestone owner, else creator) is `reviewer`, oldest first."""
    who = func.coalesce(col(Deliverable.approver), col(Milestone.owner), col(Deliverable.created_by))
    rows = session.exec(
        _with_plan()
        .where(col(Deliverable.team_id) == team_id, col(Deliverable.status) == "submitted", who == reviewer)
        .order_by(col(Deliverable.submitted_at), col(Deliverable.number))
    ).all()
    return [DeliverableRow(*r) for r in rows]


def of_milestone(session: Session, milestone_id: int | None) -> Any:
    """(Deliverable, Outcome) rows of a milestone, not cancelled, by date."""
    return session.exec(
        select(Deliverable, Outcome)
        .join(Outcome, col(Deliverable.outcome_id) == col(Outcome.id), isouter=True)
        .where(col(Deliverable.milestone_id) == milestone_id, col(Deliverable.status) != "cancelled")
        .order_by(*_by_date())
    ).all()


def of_outcome(session: Session, outcome_id: int | None) -> Any:
    """(Deliverable, Milestone) rows serving an outcome, not cancelled, by date."""
    return session.exec(
        select(Deliverable, Milestone)
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
        .where(col(Deliverable.outcome_id) == outcome_id, col(Deliverable.status) != "cancelled")
        .order_by(*_by_date())
    ).all()


def statuses_in_milestone(session: Session, milestone_id: int | None) -> list[str]:
    """The status of each deliverable of a milestone that is not cancelled."""
    return list(
        session.exec(
            select(col(Deliverable.status)).where(
                col(Deliverable.milestone_id) == milestone_id, col(Deliverable.status) != "cancelled"
            )
        ).all()
    )


def options(session: Session, team_id: str, *, number: int | None, text: str, limit: int) -> Sequence[Any]:
    """(number, title) of open deliverables, newest first: D-`number`, else those matching `text`."""
    # Matching: the title holds the text, or the number is the text.
    q = (
        core_select(col(Deliverable.number), col(Deliverable.title))
        .where(col(Deliverable.team_id) == team_id, col(Deliverable.status).not_in(["approved", "cancelled"]))
        .order_by(col(Deliverable.number).desc())
        .limit(limit)
    )
    if number is not None:
        q = q.where(col(Deliverable.number) == number)
    elif text:
        pattern = f"%{text.lower()}%"
        q = q.where(
            or_(func.lower(col(Deliverable.title)).like(pattern), cast(col(Deliverable.number), String) == text)
        )
    return session.execute(q).all()


def dated(
    session: Session, team_id: str, statuses: Sequence[str], *, person: str | None, channel: str | None
) -> list[Deliverable]:
    """Deliverables with a date in `statuses` that a person owns or approves (else of one channel), by number."""
    q = select(Deliverable).where(
        col(Deliverable.team_id) == team_id,
        col(Deliverable.status).in_(statuses),
        col(Deliverable.due_date).is_not(None),
    )
    if person:
        q = q.where(or_(col(Deliverable.owner) == person, col(Deliverable.approver) == person))
    else:
        q = q.where(col(Deliverable.channel) == channel)
    return list(session.exec(q.order_by(col(Deliverable.number))).all())


def submitted_with_plan(session: Session, teams: list[str]) -> Sequence[Any]:
    """Every submitted deliverable of these workspaces as named columns, oldest submission first."""
    # The deliverable's own column names, then `m_*` of its milestone and `o_*` of its outcome.
    return (
        session.connection()
        .execute(
            core_select(
                col(Deliverable.id),
                col(Deliverable.team_id),
                col(Deliverable.number),
                col(Deliverable.title),
                col(Deliverable.status),
                col(Deliverable.owner),
                col(Deliverable.approver),
                col(Deliverable.due_date),
                col(Deliverable.submitted_by),
                col(Deliverable.created_by),
                col(Deliverable.channel),
                col(Deliverable.acceptance_criteria),
                col(Deliverable.submitted_at),
                col(Deliverable.decided_by),
                col(Deliverable.decided_at),
                col(Deliverable.decision_note),
                col(Milestone.id).label("m_id"),
                col(Milestone.number).label("m_number"),
                col(Milestone.title).label("m_title"),
                col(Milestone.due_date).label("m_due"),
                col(Milestone.owner).label("m_owner"),
                col(Outcome.id).label("o_id"),
                col(Outcome.number).label("o_number"),
                col(Outcome.objective).label("o_objective"),
            )
            .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
            .join(Outcome, col(Deliverable.outcome_id) == col(Outcome.id), isouter=True)
            .where(col(Deliverable.team_id).in_(teams), col(Deliverable.status) == "submitted")
            .order_by(col(Deliverable.submitted_at), col(Deliverable.number))
        )
        .all()
    )
