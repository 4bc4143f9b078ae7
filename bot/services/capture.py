"""Capture from channel messages and mentions: once per Slack event, updated when the message is edited."""

from __future__ import annotations

import functools
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, bindparam, exists, literal_column, update
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from bot.capture.drafts import Draft
from bot.clock import Clock
from bot.errors import DomainError
from bot.services.action_items import ItemView, Planned, check_owners, plan_items, view_of
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.people import PersonInfo
from storage.models import ActionItem, ChannelSettings, ProcessedEvent
from storage.repositories.common import insert_ignore
from storage.types import UtcDateTime


def first_delivery(session: Session, clock: Clock, team_id: str, event_id: str) -> bool:
    """Record a Slack event id; False when it was already handled (a retry)."""
    return insert_ignore(
        session, ProcessedEvent, ["team_id", "event_id"], team_id=team_id, event_id=event_id, received_at=clock.now()
    )


@functools.cache
def _first_delivery_always(dialect: str, *, with_payload: bool = False) -> Any:
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    extra = {"payload": bindparam("payload", type_=String())} if with_payload else {}
    return (
        insert_fn(ProcessedEvent.__table__)  # type: ignore[attr-defined]
        .values(
            team_id=bindparam("team_id", type_=String()),
            event_id=bindparam("event_id", type_=String()),
            received_at=bindparam("received_at", type_=UtcDateTime()),
            **extra,
        )
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(literal_column("1"))
    )


@functools.cache
def _first_delivery_where_capture_on(dialect: str, *, with_payload: bool = False) -> Any:
    insert_fn = postgresql.insert if dialect == "postgresql" else sqlite.insert
    capture_off = exists().where(
        col(ChannelSettings.team_id) == bindparam("team_id"),
        col(ChannelSettings.channel) == bindparam("channel"),
        col(ChannelSettings.capture_enabled).is_(False),
    )
    values: list[Any] = [
        bindparam("team_id", type_=String()),
        bindparam("event_id", type_=String()),
        bindparam("received_at", type_=UtcDateTime()),
    ]
    names = ["team_id", "event_id", "received_at"]
    if with_payload:
        values.append(bindparam("payload", type_=String()))
        names.append("payload")
    row = sa_select(*values).where(~capture_off)
    return (
        insert_fn(ProcessedEvent.__table__)  # type: ignore[attr-defined]
        .from_select(names, row)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(literal_column("1"))
    )


# How a received capture stands: new (held now), held (received before, items not written yet), done (written
# before), off (capture is off in the channel: nothing was held).
Received = str


def receive(
    session: Session | Connection,
    clock: Clock,
    team_id: str,
    event_id: str,
    payload: str | None,
    *,
    unless_capture_off_in: str | None = None,
) -> Received:
    """Hold a capture before Slack's answer: its event id with `payload` (what the message said), in one insert —
    the only write before the answer; `take` clears it when the items are written. A retry of the same event
    finds it "held" (not yet written: the caller may write it now, `take` keeps that to once) or "done"; with
    `unless_capture_off_in`, "off" when capture is off in that channel (nothing is held)."""
    conn = session.connection() if isinstance(session, Session) else session
    dialect = conn.dialect.name
    params = {"team_id": team_id, "event_id": event_id, "received_at": clock.now(), "payload": payload}
    if unless_capture_off_in is None:
        stmt = _first_delivery_always(dialect, with_payload=True)
    else:
        stmt = _first_delivery_where_capture_on(dialect, with_payload=True)
        params["channel"] = unless_capture_off_in
    if conn.execute(stmt, params).first() is not None:
        return "new"
    row = conn.execute(_held_payload(), {"team_id": team_id, "event_id": event_id}).first()
    if row is None:
        return "off"
    return "held" if row[0] is not None else "done"


def record(
    session: Session | Connection, clock: Clock, team_id: str, event_id: str, *, unless_capture_off_in: str | None
) -> bool:
    """Record a capture held elsewhere (`storage/held.py`) as written, in the transaction that writes its items:
    False when it was written before (a retry, the sweep) or capture is off in `unless_capture_off_in`."""
    return receive(session, clock, team_id, event_id, None, unless_capture_off_in=unless_capture_off_in) == "new"


def held(session: Session | Connection, team_id: str, event_id: str) -> tuple[str, datetime] | None:
    """The payload of a capture received and not yet written, and when it was received (None: written, or never
    received)."""
    conn = session.connection() if isinstance(session, Session) else session
    row = conn.execute(_held_payload(), {"team_id": team_id, "event_id": event_id}).first()
    return (row[0], row[1]) if row is not None and row[0] is not None else None


def held_before(session: Session, cutoff: datetime, since: datetime, limit: int = 100) -> list[tuple[str, str]]:
    """(team_id, event_id) of captures received from `since` to `cutoff` and not written yet, oldest first."""
    received = col(ProcessedEvent.received_at)
    rows = session.exec(
        select(ProcessedEvent.team_id, ProcessedEvent.event_id)
        .where(col(ProcessedEvent.payload).is_not(None), received <= cutoff, received >= since)
        .order_by(received)
        .limit(limit)
    ).all()
    return [(team, event) for team, event in rows]


def take(session: Session, team_id: str, event_id: str) -> bool:
    """Clear a held capture in the transaction that writes its items: False when another writer took it first."""
    return session.connection().execute(_take(), {"h_team": team_id, "h_event": event_id}).first() is not None


def take_guard(team_id: str, event_id: str) -> tuple[Any, dict[str, Any]]:
    """`take` as a statement and its parameters, for `action_items.insert_planned_at_once` (PostgreSQL): the
    items are inserted only if this statement cleared the held capture."""
    return _take(), {"h_team": team_id, "h_event": event_id}


@functools.cache
def _held_payload() -> Any:
    table = ProcessedEvent.__table__  # type: ignore[attr-defined]
    return sa_select(table.c.payload, table.c.received_at).where(
        table.c.team_id == bindparam("team_id", type_=String()),
        table.c.event_id == bindparam("event_id", type_=String()),
    )


@functools.cache
def _take() -> Any:
    table = ProcessedEvent.__table__  # type: ignore[attr-defined]
    return (
        update(table)
        .where(
            table.c.team_id == bindparam("h_team", type_=String()),
            table.c.event_id == bindparam("h_event", type_=String()),
            table.c.payload.is_not(None),
        )
        .values(payload=None)
        .returning(literal_column("1"))
    )


def placeholder() -> str:
    """A fresh prefix for the keys of items not yet numbered (`@@<random>.`): nothing a person typed matches it."""
    return f"@@{secrets.token_hex(6)}."


def plan_drafts(
    session: Session,
    clock: Clock,
    actor: Actor,
    drafts: list[Draft],
    people: dict[str, PersonInfo],
    *,
    placeholder: str,
    ensure: bool = True,
) -> tuple[list[Planned], list[str]]:
    """Check each draft: the items to insert (keyed by `placeholder` until `insert_planned` numbers them) and a
    note per line that cannot be taken as written — never silently dropped."""
    if ensure:  # (a caller planning in a read-only transaction makes sure of the workspace in its write)
        ensure_workspace(session, clock, actor.team_id)
    planned: list[Planned] = []
    notes: list[str] = []
    first = 0
    for draft in drafts:
        try:
            check_owners(draft.owners, people)
            plan = plan_items(
                session,
                clock,
                actor,
                title=draft.title,
                owners=draft.owners,
                due=draft.due,
                deliverable_key=draft.for_key,
                placeholder=placeholder,
                first=first,
                ensure=False,
            )
        except DomainError as exc:
            notes.append(f'"{draft.title[:80]}": {exc.message}')
            continue
        planned.append(plan)
        first += len(plan.views)
        if draft.warning:
            notes.append(f"{', '.join(i.key for i in plan.views)}: {draft.warning}")
    return planned, notes


def items_from_message(session: Session, team_id: str, channel: str, ts: str) -> list[ActionItem]:
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


def apply_edit(
    session: Session, clock: Clock, actor: Actor, drafts: list[Draft], people: dict[str, PersonInfo], *, ts: str
) -> list[ItemView]:
    """An edited message updates its still-open items line by line; deleting a line deletes nothing."""
    assert actor.channel is not None
    items = items_from_message(session, actor.team_id, actor.channel, ts)
    updated: list[ItemView] = []
    for item, draft in zip(items, drafts, strict=False):
        if item.status != "open":
            continue
        before = {"title": item.title, "due_date": item.due_date}
        item.title = draft.title or item.title
        if draft.due is not None:
            item.due_date, item.due_time = draft.due.day, draft.due.at
            item.due_tz = actor.tz.key if draft.due.at else None
        if len(draft.owners) == 1 and draft.owners[0] != item.owner:
            try:
                check_owners(draft.owners, people)
                item.owner = draft.owners[0]
            except DomainError:
                pass
        if before != {"title": item.title, "due_date": item.due_date}:
            item.updated_at = clock.now()
            session.add(item)
            audit(
                session,
                clock,
                team_id=actor.team_id,
                by=actor.user_id,
                key=f"A-{item.number}",
                change="edited in Slack",
                before=before,
                after={"title": item.title, "due_date": item.due_date},
            )
            updated.append(view_of(item))
    return updated


def link_source(session: Session, team_id: str, channel: str, ts: str, url: str) -> int:
    """Point items captured from a message at its permalink; returns how many were linked."""
    items = items_from_message(session, team_id, channel, ts)
    for item in items:
        item.source_url = url
        session.add(item)
    return len(items)
