"""Outcome rows: outcomes, their key results (O-n.k) and the check-ins kept as history."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import CheckIn, KeyResult, Outcome


def by_number(session: Session, team_id: str, number: int) -> Outcome | None:
    """Outcome O-`number` of a workspace."""
    return session.exec(select(Outcome).where(col(Outcome.team_id) == team_id, col(Outcome.number) == number)).first()


def key_result(session: Session, outcome_id: int | None, number: int) -> KeyResult | None:
    """Key result `number` of an outcome."""
    return session.exec(
        select(KeyResult).where(col(KeyResult.outcome_id) == outcome_id, col(KeyResult.number) == number)
    ).first()


def key_results(session: Session, outcome_ids: Sequence[int | None]) -> list[KeyResult]:
    """The key results of these outcomes, by number."""
    return list(
        session.exec(
            select(KeyResult).where(col(KeyResult.outcome_id).in_(outcome_ids)).order_by(col(KeyResult.number))
        ).all()
    )


def next_kr_number(session: Session, outcome_id: int | None) -> int:
    """Take the outcome's next key-result number (numbers are never reused)."""
    number = session.execute(
        update(Outcome)
        .where(col(Outcome.id) == outcome_id)
        .values(last_kr_number=col(Outcome.last_kr_number) + 1)
        .returning(col(Outcome.last_kr_number))
    ).scalar_one()
    return int(number)


def checkin_counts(session: Session, kr_ids: list[int]) -> dict[int, int]:
    """How many check-ins each key result has (absent: none)."""
    rows = session.execute(
        core_select(col(CheckIn.key_result_id), func.count(col(CheckIn.id)).label("checkins"))
        .where(col(CheckIn.key_result_id).in_(kr_ids))
        .group_by(col(CheckIn.key_result_id))
    ).all()
    return {r.key_result_id: int(r.checkins) for r in rows}


def latest_checkins(session: Session, kr_ids: list[int]) -> dict[int, CheckIn]:
    """The latest check-in of each key result that has one."""
    latest_ids = (
        select(func.max(col(CheckIn.id)))
        .where(col(CheckIn.key_result_id).in_(kr_ids))
        .group_by(col(CheckIn.key_result_id))
    )
    return {c.key_result_id: c for c in session.exec(select(CheckIn).where(col(CheckIn.id).in_(latest_ids))).all()}


def active_page(session: Session, team_id: str, *, limit: int) -> tuple[list[Outcome], int]:
    """The first `limit` active outcomes by number, and how many there are."""
    q = select(Outcome).where(col(Outcome.team_id) == team_id, col(Outcome.status) == "active")
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    rows = list(session.exec(q.order_by(col(Outcome.number)).limit(limit)).all())
    return rows, int(total)


def active_key_results(session: Session, teams: list[str]) -> Sequence[Any]:
    """Active key results of active outcomes with `last` (latest check-in) and `owner`, by outcome and number."""
    # `owner` is the outcome's owner, else its creator; `last` is None for a key result never checked in on.
    last = (
        core_select(col(CheckIn.key_result_id), func.max(col(CheckIn.at)).label("last"))
        .where(col(CheckIn.team_id).in_(teams))
        .group_by(col(CheckIn.key_result_id))
        .subquery()
    )
    return (
        session.connection()
        .execute(
            core_select(
                col(KeyResult.team_id),
                col(KeyResult.number),
                col(KeyResult.metric),
                col(KeyResult.created_at),
                col(Outcome.number).label("outcome_number"),
                last.c.last,
                func.coalesce(col(Outcome.owner), col(Outcome.created_by)).label("owner"),
            )
            .join(Outcome, col(KeyResult.outcome_id) == col(Outcome.id))
            .join(last, last.c.key_result_id == col(KeyResult.id), isouter=True)
            .where(
                col(KeyResult.team_id).in_(teams),
                col(KeyResult.status) == "active",
                col(Outcome.status) == "active",
            )
            .order_by(col(Outcome.number), col(KeyResult.number))
        )
        .all()
    )
