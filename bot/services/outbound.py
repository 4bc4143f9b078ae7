"""Claims on outbound messages: claim, send, mark sent. A claim not marked sent within 5 minutes is retried."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select, update
from sqlmodel import Session, col

from bot.clock import Clock
from storage.models import OutboundClaim
from storage.repositories.common import insert_ignore
from storage.types import UtcDateTime

STALE_AFTER = timedelta(minutes=5)


def claim(session: Session, clock: Clock, *, team_id: str, recipient: str, kind: str, slot: str) -> bool:
    """True when this caller now owns the send (a new claim, or a stale one taken over)."""
    now = clock.now()
    if insert_ignore(
        session,
        OutboundClaim,
        ["team_id", "recipient", "kind", "slot"],
        team_id=team_id,
        recipient=recipient,
        kind=kind,
        slot=slot,
        state="claimed",
        attempts=1,
        claimed_at=now,
    ):
        return True
    taken = session.execute(
        update(OutboundClaim)
        .where(
            col(OutboundClaim.team_id) == team_id,
            col(OutboundClaim.recipient) == recipient,
            col(OutboundClaim.kind) == kind,
            col(OutboundClaim.slot) == slot,
            col(OutboundClaim.state).in_(["claimed", "failed"]),
            col(OutboundClaim.claimed_at) < now - STALE_AFTER,
        )
        .values(claimed_at=now, attempts=col(OutboundClaim.attempts) + 1, state="claimed")
        .returning(col(OutboundClaim.id))
    ).first()
    return taken is not None


def mark(
    session: Session,
    clock: Clock,
    *,
    team_id: str,
    recipient: str,
    kind: str,
    slot: str,
    sent: bool,
    error: str | None = None,
    final: bool = False,
) -> None:
    """Record the outcome of a claimed send; a `final` failure (no such channel, person gone) is never retried."""
    session.execute(
        update(OutboundClaim)
        .where(
            col(OutboundClaim.team_id) == team_id,
            col(OutboundClaim.recipient) == recipient,
            col(OutboundClaim.kind) == kind,
            col(OutboundClaim.slot) == slot,
        )
        .values(
            state="sent" if sent else "dead" if final else "failed",
            sent_at=clock.now() if sent else None,
            last_error=error,
        )
    )


def skip(session: Session, clock: Clock, *, team_id: str, recipient: str, kind: str, slot: str) -> None:
    """Record that there was nothing to send for this slot, so later sweeps need not look again."""
    insert_ignore(
        session,
        OutboundClaim,
        ["team_id", "recipient", "kind", "slot"],
        team_id=team_id,
        recipient=recipient,
        kind=kind,
        slot=slot,
        state="skipped",
        attempts=0,
        claimed_at=clock.now(),
    )


# Messages left for after an answer -------------------------------------------------------------------------------
# A listener writes what it wants sent as a "queued" claim with a JSON payload, in its own transaction when it has
# one; a sender (the process `serve` starts, or the answering process itself in the console and the tests) takes
# queued rows, posts them and marks them. The scheduler's sweep delivers what no sender took within a minute and
# retries claims left unmarked by a crash, so a confirmation is never lost with the process that queued it.
GIVE_UP_AFTER_ATTEMPTS = 5
QUEUED_BY_SWEEP_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Queued:
    """A queued message taken for sending."""

    id: int
    team_id: str
    recipient: str
    kind: str
    slot: str
    stored: str  # the payload's JSON, read when the message is sent: not in the transaction that took it

    @functools.cached_property
    def payload(self) -> dict[str, Any]:
        """What to post and where (`delivery.payload_of`)."""
        parsed: dict[str, Any] = json.loads(self.stored or "{}")
        return parsed


def enqueue(
    session: Session, clock: Clock, *, team_id: str, recipient: str, kind: str, slot: str, payload: dict[str, Any]
) -> bool:
    """Queue a message once per (recipient, kind, slot); False when that slot was already queued or sent."""
    row = queued_row(clock, team_id=team_id, recipient=recipient, kind=kind, slot=slot, payload=payload)
    return insert_ignore(session, OutboundClaim, ["team_id", "recipient", "kind", "slot"], **row)


def enqueue_row(session: Session, row: dict[str, Any]) -> bool:
    """`enqueue` for a row `queued_row` made."""
    return insert_ignore(session, OutboundClaim, ["team_id", "recipient", "kind", "slot"], **row)


def queued_row(
    clock: Clock, *, team_id: str, recipient: str, kind: str, slot: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The columns of a queued message (for an insert made elsewhere, such as with the items it names)."""
    return {
        "team_id": team_id,
        "recipient": recipient,
        "kind": kind,
        "slot": slot,
        "state": "queued",
        "attempts": 0,
        "claimed_at": clock.now(),
        "payload": json.dumps(payload, separators=(",", ":")),
    }


_TAKEN = (
    col(OutboundClaim.id),
    col(OutboundClaim.team_id),
    col(OutboundClaim.recipient),
    col(OutboundClaim.kind),
    col(OutboundClaim.slot),
    col(OutboundClaim.payload),
)


def _taken(rows: Any) -> list[Queued]:
    return [Queued(r[0], r[1], r[2], r[3], r[4], r[5] or "") for r in rows]


def take_slots(session: Session, clock: Clock, slots: list[dict[str, str]]) -> list[Queued]:
    """Claim these queued messages (the ones a request just left), unless a sender already took them."""
    taken: list[Queued] = []
    for slot in slots:
        taken += _taken(
            session.execute(
                update(OutboundClaim)
                .where(
                    col(OutboundClaim.team_id) == slot["team_id"],
                    col(OutboundClaim.recipient) == slot["recipient"],
                    col(OutboundClaim.kind) == slot["kind"],
                    col(OutboundClaim.slot) == slot["slot"],
                    col(OutboundClaim.state) == "queued",
                )
                .values(state="claimed", claimed_at=clock.now(), attempts=col(OutboundClaim.attempts) + 1)
                .returning(*_TAKEN)
            ).all()
        )
    return taken


_ANY_QUEUED = select(col(OutboundClaim.id)).where(col(OutboundClaim.state) == "queued").limit(1)


def any_queued(conn: Connection) -> bool:
    """A cheap look (no write lock) before taking: the sender polls with it."""
    return conn.execute(_ANY_QUEUED).first() is not None


def take(
    session: Session,
    clock: Clock,
    *,
    limit: int = 100,
    queued_before: datetime | None = None,
    retry_stale: bool = False,
) -> list[Queued]:
    """Claim up to `limit` queued messages, oldest first; with `retry_stale`, also messages whose claim was never
    marked (a crash) or whose send failed, once they are 5 minutes old, up to 5 attempts."""
    now = clock.now()
    if queued_before is None and not retry_stale:  # the sender's poll: one statement, built once
        rows = session.connection().execute(_take_queued(), {"b_now": now, "b_limit": limit}).all()
        return sorted(_taken(rows), key=lambda q: q.id)
    ready = col(OutboundClaim.state) == "queued"
    if queued_before is not None:
        ready = and_(ready, col(OutboundClaim.claimed_at) < queued_before)
    if retry_stale:
        ready = or_(
            ready,
            and_(
                col(OutboundClaim.state).in_(["claimed", "failed"]),
                col(OutboundClaim.payload).is_not(None),
                col(OutboundClaim.claimed_at) < now - STALE_AFTER,
                col(OutboundClaim.attempts) < GIVE_UP_AFTER_ATTEMPTS,
            ),
        )
    ids = [
        r[0]
        for r in session.execute(
            select(col(OutboundClaim.id)).where(ready).order_by(col(OutboundClaim.id)).limit(limit)
        )
    ]
    if not ids:
        return []
    # The state is checked again in the UPDATE: of two senders that picked the same rows, one takes each.
    return _taken(
        session.execute(
            update(OutboundClaim)
            .where(col(OutboundClaim.id).in_(ids), ready)
            .values(state="claimed", claimed_at=now, attempts=col(OutboundClaim.attempts) + 1)
            .returning(*_TAKEN)
        ).all()
    )


@functools.cache
def _take_queued() -> Any:
    """The oldest `b_limit` queued messages claimed, in one statement (SQLite's write lock, which every writer of
    every process waits for, is held for the sender's take: the statement is built once, not per poll). The state
    is checked again in the UPDATE: of two senders that picked the same rows, one takes each."""
    t = OutboundClaim.__table__  # type: ignore[attr-defined]
    oldest = select(t.c.id).where(t.c.state == "queued").order_by(t.c.id).limit(bindparam("b_limit"))
    return (
        update(t)
        .where(t.c.id.in_(oldest.scalar_subquery()), t.c.state == "queued")
        .values(state="claimed", claimed_at=bindparam("b_now", type_=UtcDateTime()), attempts=t.c.attempts + 1)
        .returning(t.c.id, t.c.team_id, t.c.recipient, t.c.kind, t.c.slot, t.c.payload)
    )


@functools.cache
def _mark_sent() -> Any:
    t = OutboundClaim.__table__  # type: ignore[attr-defined]
    return (
        update(t)
        .where(t.c.id.in_(bindparam("b_ids", expanding=True)))
        .values(state="sent", sent_at=bindparam("b_now", type_=UtcDateTime()), last_error=None)
    )


def mark_sent(session: Session, clock: Clock, ids: list[int]) -> None:
    """Record that these taken messages went out."""
    if ids:
        session.connection().execute(_mark_sent(), {"b_ids": ids, "b_now": clock.now()})


def mark_failed(session: Session, ident: int, error: str, *, final: bool) -> None:
    """Record a failed send: retried by the sweep after 5 minutes unless `final` (the channel or person is gone)."""
    session.execute(
        update(OutboundClaim)
        .where(col(OutboundClaim.id) == ident)
        .values(state="dead" if final else "failed", last_error=error)
    )
