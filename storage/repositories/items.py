"""Action item rows as the views need them: the item's columns and its deliverable's key and title, by name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, bindparam, func, literal_column, or_, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import ActionItem, Deliverable, Milestone

_ITEM: Table = ActionItem.__table__  # type: ignore[attr-defined]
_DELIVERABLE: Table = Deliverable.__table__  # type: ignore[attr-defined]

ITEM_COLUMNS: tuple[Any, ...] = (
    col(ActionItem.team_id),
    col(ActionItem.number),
    col(ActionItem.title),
    col(ActionItem.status),
    col(ActionItem.owner),
    col(ActionItem.created_by),
    col(ActionItem.channel),
    col(ActionItem.due_date),
    col(ActionItem.due_time),
    col(ActionItem.due_tz),
    col(ActionItem.snoozed_until),
    col(ActionItem.private),
    col(ActionItem.by_app),
    col(ActionItem.recurrence),
    col(ActionItem.series),
    col(Deliverable.number).label("deliverable_number"),
    col(Deliverable.title).label("deliverable_title"),
)


def items_select(*extra: Any) -> Any:
    """SELECT the item columns (and `extra`) from action_item with its deliverable, if any."""
    return core_select(*ITEM_COLUMNS, *extra).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )


def visible_clause(channel: str | None, user_id: str) -> ColumnElement[bool]:
    """The privacy rule in SQL: not private, or in this channel, or owned or created by this person."""
    return or_(
        col(ActionItem.private).is_(False),
        col(ActionItem.channel) == channel,
        col(ActionItem.owner) == user_id,
        col(ActionItem.created_by) == user_id,
    )


def by_number(session: Session, team_id: str, number: int) -> ActionItem | None:
    """Item A-`number` of a workspace."""
    return session.exec(
        select(ActionItem).where(col(ActionItem.team_id) == team_id, col(ActionItem.number) == number)
    ).first()


def take(session: Session, item_id: int, user_id: str, now: datetime) -> bool:
    """Make `user_id` the owner of an open item nobody owns; False when someone else got there first."""
    # One conditional UPDATE: of two takers at once, PostgreSQL's second re-reads the row after the first commits and
    # SQLite's waits for the write lock, so either way one of them finds the owner already set.
    won = session.execute(
        update(ActionItem)
        .where(col(ActionItem.id) == item_id, col(ActionItem.owner).is_(None), col(ActionItem.status) == "open")
        .values(owner=user_id, snoozed_until=None, updated_at=now)
        .returning(literal_column("1"))
    ).first()
    return won is not None


def count_unassigned(session: Session, team_id: str, channel: str) -> int:
    """How many of a channel's open items nobody owns yet."""
    return int(
        session.execute(
            core_select(func.count())
            .select_from(_ITEM)
            .where(
                _ITEM.c.team_id == team_id,
                _ITEM.c.channel == channel,
                _ITEM.c.status == "open",
                _ITEM.c.owner.is_(None),
            )
        ).scalar_one()
    )


def from_message(session: Session, team_id: str, channel: str, ts: str) -> list[ActionItem]:
    """Items captured from one message, in creation order."""
    return list(
        session.exec(
            select(ActionItem)
            .where(
                col(ActionItem.team_id) == team_id,
                col(ActionItem.source_channel) == channel,
                col(ActionItem.source_ts) == ts,
            )
            .order_by(col(ActionItem.number))
        ).all()
    )


def _with_deliverable() -> Any:
    return select(ActionItem, Deliverable).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )


def open_for_home(session: Session, team_id: str, user_id: str, *, given: bool, limit: int | None = None) -> Any:
    """Open (ActionItem, Deliverable) rows a person owns, or (`given`) created for someone else; undated last."""
    q = (
        _with_deliverable()
        .where(col(ActionItem.team_id) == team_id, col(ActionItem.status) == "open")
        .order_by(col(ActionItem.due_date).is_(None), col(ActionItem.due_date), col(ActionItem.number))
    )
    if given:
        q = q.where(col(ActionItem.created_by) == user_id, col(ActionItem.owner) != user_id)
    else:
        q = q.where(col(ActionItem.owner) == user_id)
    return session.exec(q if limit is None else q.limit(limit)).all()


def for_export(session: Session, team_id: str, *, owner: str | None = None, channel: str | None = None) -> Any:
    """(ActionItem, Deliverable) rows of one owner's items, or else of one channel's, by number (10,000 at most)."""
    q = _with_deliverable().where(col(ActionItem.team_id) == team_id)
    q = q.where(col(ActionItem.owner) == owner) if owner is not None else q.where(col(ActionItem.channel) == channel)
    return session.exec(q.order_by(col(ActionItem.number)).limit(10_000)).all()


def of_deliverable(
    session: Session, team_id: str, deliverable_id: int, *, channel: str | None, user_id: str, limit: int
) -> list[ActionItem]:
    """A deliverable's items (not cancelled) this person may see: open ones first, by due date."""
    return list(
        session.exec(
            select(ActionItem)
            .where(
                col(ActionItem.team_id) == team_id,
                col(ActionItem.deliverable_id) == deliverable_id,
                col(ActionItem.status) != "cancelled",
                visible_clause(channel, user_id),
            )
            .order_by(
                col(ActionItem.status) == "done",
                col(ActionItem.due_date).is_(None),
                col(ActionItem.due_date),
                col(ActionItem.number),
            )
            .limit(limit)
        ).all()
    )


def done_in_channel(session: Session, team_id: str, channel: str, since: datetime) -> list[ActionItem]:
    """A channel's items finished after `since`, in the order they were."""
    return list(
        session.exec(
            select(ActionItem)
            .where(
                col(ActionItem.team_id) == team_id,
                col(ActionItem.channel) == channel,
                col(ActionItem.status) == "done",
                col(ActionItem.completed_at) > since,
            )
            .order_by(col(ActionItem.completed_at))
        ).all()
    )


def open_in_channel_due_by(session: Session, team_id: str, channel: str, day: date) -> list[ActionItem]:
    """A channel's open items due on or before `day`, by due date and number."""
    return list(
        session.exec(
            select(ActionItem)
            .where(
                col(ActionItem.team_id) == team_id,
                col(ActionItem.channel) == channel,
                col(ActionItem.status) == "open",
                col(ActionItem.due_date) <= day,
            )
            .order_by(col(ActionItem.due_date), col(ActionItem.number))
        ).all()
    )


def dated_open(session: Session, team_id: str, *, owner: str | None, channel: str | None) -> list[ActionItem]:
    """Open items with a due date, of one owner (else of one channel), by number."""
    q = select(ActionItem).where(
        col(ActionItem.team_id) == team_id, col(ActionItem.status) == "open", col(ActionItem.due_date).is_not(None)
    )
    q = q.where(col(ActionItem.owner) == owner) if owner else q.where(col(ActionItem.channel) == channel)
    return list(session.exec(q.order_by(col(ActionItem.number))).all())


def burnup(session: Session, team_id: str, milestone_number: int) -> Sequence[Any]:
    """(created_at, completed_at, status) of every item (not cancelled) under a milestone's deliverables."""
    return session.execute(
        core_select(col(ActionItem.created_at), col(ActionItem.completed_at), col(ActionItem.status))
        .join(Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id))
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id))
        .where(
            col(Milestone.team_id) == team_id,
            col(Milestone.number) == milestone_number,
            col(ActionItem.status) != "cancelled",
        )
    ).all()


def _list_conditions(scope: str) -> list[ColumnElement[bool]]:
    t = _ITEM
    conditions: list[ColumnElement[bool]] = [t.c.team_id == bindparam("team")]
    if scope != "channel":  # in the channel's own list every item is visible: it is in this channel
        conditions.append(
            or_(
                t.c.private.is_(False),
                t.c.channel == bindparam("channel"),
                t.c.owner == bindparam("me"),
                t.c.created_by == bindparam("me"),
            )
        )
    conditions.append(t.c.status == ("done" if scope == "done" else "open"))
    if scope == "channel":
        conditions.append(t.c.channel == bindparam("channel"))
    elif scope == "unassigned":
        conditions.append(t.c.owner.is_(None))
    elif scope in ("user", "mine", "overdue", "week", "done"):
        conditions.append(t.c.owner == bindparam("owner"))
    if scope == "overdue":
        conditions.append(t.c.due_date < bindparam("today"))
    elif scope == "week":
        conditions.append(t.c.due_date <= bindparam("week_end"))
    return conditions


@cache
def _list_statements(scope: str) -> tuple[Select[Any], Select[Any]]:
    """The count and the page for one scope, built once per process."""
    # `/action list` is the most frequent request; building its statement anew each time (and SQLAlchemy hashing it to
    # find the compiled form) cost more than running it. Built once, SQLAlchemy keeps its cache key too.
    t, d = _ITEM, _DELIVERABLE
    conditions = _list_conditions(scope)
    count = core_select(func.count()).select_from(t).where(*conditions)
    # The page is the first rows of an index range in the list's order (the owner and channel indexes end in
    # due date, number; SQLite and PostgreSQL both walk an ascending index for NULLS LAST), and the total a count
    # of that range, evaluated once — not every open item read and sorted for each page. Only the page's rows are
    # joined to their deliverables: joined first, PostgreSQL hashed every deliverable of the workspace for each
    # list. SQLite, 200 open items in the channel: 0.30 → 0.08 ms (docs/benchmarks.md, round 6).
    if scope == "done":
        order: tuple[Any, ...] = (t.c.completed_at.desc(), t.c.number.desc())
    else:
        order = (t.c.due_date.asc().nulls_last(), t.c.number)
    inner = core_select(
        t.c.number,
        t.c.title,
        t.c.status,
        t.c.owner,
        t.c.created_by,
        t.c.channel,
        t.c.due_date,
        t.c.due_time,
        t.c.due_tz,
        t.c.deliverable_id,
        t.c.snoozed_until,
        t.c.private,
        t.c.by_app,
        t.c.completed_at,
    ).where(*conditions)
    p = inner.order_by(*order).offset(bindparam("offset")).limit(bindparam("limit")).subquery("page")
    page = core_select(
        p.c.number,
        p.c.title,
        p.c.status,
        p.c.owner,
        p.c.created_by,
        p.c.channel,
        p.c.due_date,
        p.c.due_time,
        p.c.due_tz,
        d.c.number.label("deliverable_number"),
        d.c.title.label("deliverable_title"),
        p.c.snoozed_until,
        p.c.private,
        p.c.by_app,
        count.scalar_subquery().label("total"),
    ).select_from(p.outerjoin(d, p.c.deliverable_id == d.c.id))
    if scope == "done":
        page = page.order_by(p.c.completed_at.desc(), p.c.number.desc())
    else:
        page = page.order_by(p.c.due_date.asc().nulls_last(), p.c.number)
    return count, page


def list_page(
    session: Session | Connection, scope: str, params: dict[str, Any], *, offset: int, limit: int
) -> tuple[Sequence[Any], int]:
    """One page of `/action list` (rows of the item columns) and how many matched in all."""
    # `params` binds team, channel, me, owner, today and week_end.
    count, page = _list_statements(scope)
    conn = session.connection() if isinstance(session, Session) else session
    rows = conn.execute(page, {**params, "offset": offset, "limit": limit}).all()
    # Past the last page there is no row to carry the total: count then (a stale "Next page" click).
    total = rows[0].total if rows else (conn.execute(count, params).scalar_one() if offset > 0 else 0)
    return rows, int(total)


def occurrence_on(session: Session, team_id: str, series: int, day: date) -> int | None:
    """The number of a series' occurrence due on `day`, if there is one."""
    return session.exec(
        select(ActionItem.number).where(
            col(ActionItem.team_id) == team_id, col(ActionItem.series) == series, col(ActionItem.due_date) == day
        )
    ).first()
