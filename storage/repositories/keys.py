"""Per-workspace key numbers (A-n, D-n, M-n, O-n), allocated in the caller's transaction."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    bindparam,
    cast,
    column,
    exists,
    func,
    insert,
    literal,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.types import String
from sqlmodel import Session

from storage.models import KeyCounter
from storage.repositories.common import insert_ignore

KINDS = ("A", "D", "M", "O")
_COUNTER: Table = KeyCounter.__table__  # type: ignore[attr-defined]
# Core, built once: an ORM-enabled UPDATE also flushes the session and synchronises it, which used to make this
# row lock the longest part of a write.
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
    """Reserve `count` consecutive numbers in one statement.

    The counter row stays locked until the caller's transaction ends, so callers take their numbers as late as they
    can: after their reads and checks, just before their inserts.
    """
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


def fill_keys(text: str, placeholder: str, kind: str, numbers: Sequence[int]) -> str:
    """`text` with `{placeholder}{i}@@` replaced by the key of the i-th number (`A-57`)."""
    for i, number in enumerate(numbers):
        text = text.replace(f"{placeholder}{i}@@", f"{kind}-{number}")
    return text


def insert_numbered(
    session: Session | Connection,
    *,
    team_id: str,
    kind: str,
    table: Table,
    shared: dict[str, Any],
    varying: dict[str, Sequence[Any]],
    audit_table: Table,
    audit_shared: dict[str, Any],
    audit_varying: dict[str, Sequence[Any]],
    also: Table | None = None,
    also_rows: Sequence[dict[str, Any]] = (),
    placeholder: str = "",
    guard: tuple[Any, dict[str, Any]] | None = None,
) -> list[int] | None:
    """Insert one row of `table` per position in `varying` (the columns that differ; `shared` holds the rest),
    numbered from the counter, one `audit_table` row each whose `key` is `kind-number`, and `also_rows` into
    `also` (ignoring a conflicting row) with every `{placeholder}{i}@@` in their text replaced by the i-th key —
    messages written before the numbers were known. Returns the numbers.

    On PostgreSQL all of it is one statement (data-modifying CTEs): the counter's row lock, which every writer of
    `kind` in the workspace waits for, is held for that statement and the commit, not for several round trips
    and the Python between them. Elsewhere: the counter, then the inserts (SQLite's write lock covers the whole
    transaction anyway).

    `guard` (PostgreSQL, for a connection in autocommit): an INSERT … RETURNING and its parameters; nothing is
    numbered or inserted, and None returned, unless it inserted a row — a whole capture, its event id first, as one
    statement and one transaction.
    """
    count = len(next(iter(varying.values())))
    conn = session.connection() if isinstance(session, Session) else session
    if conn.dialect.name != "postgresql":
        assert isinstance(session, Session) and guard is None
        numbers = reserve_numbers(session, team_id, kind, count)
        rows = [{**shared, **{c: v[i] for c, v in varying.items()}, "number": n} for i, n in enumerate(numbers)]
        conn.execute(_plain_insert(table), rows)
        audits = [
            {**audit_shared, **{c: v[i] for c, v in audit_varying.items()}, "key": f"{kind}-{n}"}
            for i, n in enumerate(numbers)
        ]
        conn.execute(_plain_insert(audit_table), audits)
        if also is not None and also_rows:
            filled = [
                {c: fill_keys(v, placeholder, kind, numbers) if isinstance(v, str) else v for c, v in row.items()}
                for row in also_rows
            ]
            conn.execute(_insert_ignoring(also), filled)
        return numbers
    also_columns = tuple(also_rows[0]) if also is not None and also_rows else ()
    stmt = _numbered_insert(
        table,
        audit_table,
        (tuple(shared), tuple(varying), tuple(audit_shared), tuple(audit_varying)),
        (also, also_columns, tuple(c for c in also_columns if isinstance(also_rows[0][c], str)), count),
        guard[0] if guard else None,
    )
    params: dict[str, Any] = {"b_team": team_id, "b_kind": kind, "b_count": count, "placeholder": placeholder}
    params.update({f"s_{c}": v for c, v in shared.items()})
    params.update({f"v_{c}": list(v) for c, v in varying.items()})
    params.update({f"as_{c}": v for c, v in audit_shared.items()})
    params.update({f"av_{c}": list(v) for c, v in audit_varying.items()})
    params.update({f"o_{c}": [row[c] for row in also_rows] for c in also_columns})
    if guard is not None:
        params.update(guard[1])
    last = conn.execute(stmt, params).scalar_one_or_none()
    if last is None:  # the guard inserted nothing (a retried event, capture off): nothing else happened
        return None
    return list(range(int(last) - count + 1, int(last) + 1))


# Built once per table: these run inside SQLite's write transaction, which every writer of every process waits for.
@functools.cache
def _plain_insert(table: Table) -> Any:
    return insert(table)


@functools.cache
def _insert_ignoring(table: Table) -> Any:
    return sqlite_insert(table).on_conflict_do_nothing()


@functools.cache
def _numbered_insert(
    table: Table,
    audit_table: Table,
    shape: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]],
    more: tuple[Table | None, tuple[str, ...], tuple[str, ...], int],
    guard: Any,
) -> Any:
    """The PostgreSQL statement `insert_numbered` runs, built once per shape."""
    shared, varying, audit_shared, audit_varying = shape
    # The counter bumped, or made for the workspace's first record of this kind, in one statement.
    bump_row = select(
        bindparam("b_team", type_=String()), bindparam("b_kind", type_=String()), bindparam("b_count", type_=Integer())
    )
    first = guard.cte("first") if guard is not None else None
    if first is not None:
        bump_row = bump_row.where(exists(select(literal(1)).select_from(first)))
    upsert = pg_insert(_COUNTER).from_select(["team_id", "kind", "last_number"], bump_row)
    bumped = (
        upsert.on_conflict_do_update(
            index_elements=["team_id", "kind"],
            set_={"last_number": _COUNTER.c.last_number + upsert.excluded.last_number},
        )
        .returning(_COUNTER.c.last_number)
        .cte("bumped")
    )
    arrays = [bindparam(f"v_{c}", type_=ARRAY(table.c[c].type)) for c in varying]
    arrays += [bindparam(f"av_{c}", type_=ARRAY(audit_table.c[c].type)) for c in audit_varying]
    names = [*varying, *(f"a_{c}" for c in audit_varying)]
    types = [*(table.c[c].type for c in varying), *(audit_table.c[c].type for c in audit_varying)]
    each = (
        func.unnest(*arrays)
        .table_valued(*(column(n, t) for n, t in zip(names, types, strict=True)), with_ordinality="ord")
        .render_derived(with_types=False)
        .alias("each")
    )
    number = bumped.c.last_number - bindparam("b_count") + each.c.ord
    source = bumped.join(each, true())
    rows = select(
        *(bindparam(f"s_{c}", type_=table.c[c].type) for c in shared),
        *(each.c[c] for c in varying),
        number,
    ).select_from(source)
    items = insert(table).from_select([*shared, *varying, "number"], rows).cte("items")
    audits_rows = select(
        *(bindparam(f"as_{c}", type_=audit_table.c[c].type) for c in audit_shared),
        *(each.c[f"a_{c}"] for c in audit_varying),
        _key(bumped.c.last_number - bindparam("b_count") + each.c.ord),
    ).select_from(source)
    audits = insert(audit_table).from_select([*audit_shared, *audit_varying, "key"], audits_rows).cte("audits")
    stmt = select(bumped.c.last_number).add_cte(items).add_cte(audits)
    if first is not None:  # one row even when the guard stopped everything (then no number)
        stmt = select(select(bumped.c.last_number).scalar_subquery()).add_cte(first).add_cte(items).add_cte(audits)
    also, also_columns, text_columns, count = more
    if also is not None and also_columns:
        extra = (
            func.unnest(*(bindparam(f"o_{c}", type_=ARRAY(also.c[c].type)) for c in also_columns))
            .table_valued(*(column(c, also.c[c].type) for c in also_columns))
            .render_derived(with_types=False)
            .alias("extra")
        )

        def filled(value: Any) -> Any:
            if value.name not in text_columns:
                return value
            for i in range(count):
                placeholder = bindparam("placeholder", type_=String()) + literal(f"{i}@@", String())
                value = func.replace(value, placeholder, _key(bumped.c.last_number - bindparam("b_count") + (i + 1)))
            return value

        also_rows = select(*(filled(extra.c[c]) for c in also_columns)).select_from(bumped.join(extra, true()))
        stmt = stmt.add_cte(
            pg_insert(also).from_select(list(also_columns), also_rows).on_conflict_do_nothing().cte("also")
        )
    return stmt


def _key(number: Any) -> Any:
    return bindparam("b_kind", type_=String()) + literal("-", String()) + cast(number, String())
