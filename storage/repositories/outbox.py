"""The outbox: every message the app sends is a row, enqueued in the transaction of the change it follows."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import OutboundClaim
from storage.repositories.common import insert_ignore

# A message claimed for sending and not marked this long after (its sender died) is claimed again.
STALE_AFTER = timedelta(minutes=5)
# A send that keeps failing (Slack down, a timeout) is tried again after 1, 2, 4, 8, then every 15 minutes, until
# it is this old: a morning DM or a digest half a day late is still worth having, one from yesterday is not.
GIVE_UP_AFTER = timedelta(hours=12)
LONGEST_WAIT = timedelta(minutes=15)
_SLOT = ["team_id", "recipient", "kind", "slot"]


class OutboxState(StrEnum):
    """Where a message stands."""

    QUEUED = "queued"  # waiting to be sent (from `not_before` on)
    SENDING = "sending"  # claimed by a drainer
    SENT = "sent"
    SKIPPED = "skipped"  # a scheduled slot with nothing to say: recorded so later sweeps do not look again
    DEAD = "dead"  # no retry will deliver it (the channel or person is gone), or it kept failing for 12 hours


@dataclass(frozen=True)
class Queued:
    """A message claimed for sending."""

    id: int
    team_id: str
    recipient: str
    kind: str
    slot: str
    attempts: int
    payload: dict[str, Any]
    queued_at: datetime | None = None


def payload_of(
    *,
    text: str,
    blocks: list[dict[str, Any]] | None,
    thread_ts: str | None = None,
    ephemeral_user: str | None = None,
    response_url: str | None = None,
    files: Sequence[tuple[str, str, bytes]] = (),
) -> dict[str, Any]:
    """What the outbox stores for a message: enough to post it later, from any process."""
    # Enough to post it later, from any process. `files` are (filename, title, content), uploaded into the channel
    # after the message.
    payload: dict[str, Any] = {"text": text, "blocks": blocks}
    if thread_ts:
        payload["thread_ts"] = thread_ts
    if ephemeral_user:
        payload["ephemeral_user"] = ephemeral_user
    if response_url:
        payload["response_url"] = response_url
    if files:
        payload["files"] = [
            {"filename": name, "title": title, "content": base64.b64encode(content).decode()}
            for name, title, content in files
        ]
    return payload


def _row(
    now: datetime, team_id: str, recipient: str, kind: str, slot: str, payload: dict[str, Any] | None
) -> dict[str, Any]:
    """The columns of a queued message (or, without a payload, of a skipped slot)."""
    return {
        "team_id": team_id,
        "recipient": recipient,
        "kind": kind,
        "slot": slot,
        "state": (OutboxState.QUEUED if payload is not None else OutboxState.SKIPPED).value,
        "attempts": 0,
        "claimed_at": now,
        "not_before": now if payload is not None else None,
        "queued_at": now,
        "payload": json.dumps(payload, separators=(",", ":")) if payload is not None else None,
    }


def enqueue(
    session: Session,
    now: datetime,
    *,
    team_id: str,
    recipient: str,
    kind: str,
    slot: str,
    payload: dict[str, Any],
) -> bool:
    """Queue a message once per (team, recipient, kind, slot); False when that slot was queued before."""
    inserted = insert_ignore(session, OutboundClaim, _SLOT, **_row(now, team_id, recipient, kind, slot, payload))
    if inserted:
        session.info["outbox_enqueued"] = True  # Database wakes the drainer when this transaction commits
    return inserted


def queued_at(session: Session, *, team_id: str, recipient: str, kind: str, slot: str) -> datetime | None:
    """When the message of one slot was first queued (None: never)."""
    return session.execute(
        select(col(OutboundClaim.queued_at)).where(
            col(OutboundClaim.team_id) == team_id,
            col(OutboundClaim.recipient) == recipient,
            col(OutboundClaim.kind) == kind,
            col(OutboundClaim.slot) == slot,
        )
    ).scalar_one_or_none()


def enqueue_many(session: Session, now: datetime, messages: list[dict[str, Any]]) -> int:
    """Queue many messages in one statement (a sweep's DMs); returns how many had something to say."""
    # Each a dict of team_id, recipient, kind, slot and payload (None: a skipped slot, recorded so later sweeps do
    # not look again); a slot queued before is left as it is.
    if not messages:
        return 0
    rows = [_row(now, m["team_id"], m["recipient"], m["kind"], m["slot"], m["payload"]) for m in messages]
    table = OutboundClaim.__table__  # type: ignore[attr-defined]
    insert_fn = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert_fn(table).on_conflict_do_nothing(index_elements=_SLOT), rows)
    queued = sum(m["payload"] is not None for m in messages)
    if queued:
        session.info["outbox_enqueued"] = True
    return queued


def slots_taken(session: Session, *, kinds: list[str], slots: set[str] | None = None) -> set[tuple[str, str, str, str]]:
    """(team, recipient, kind, slot) of every message of `kinds` ever enqueued or skipped (optionally in `slots`)."""
    query = select(
        col(OutboundClaim.team_id), col(OutboundClaim.recipient), col(OutboundClaim.kind), col(OutboundClaim.slot)
    ).where(col(OutboundClaim.kind).in_(kinds))
    if slots is not None:
        query = query.where(col(OutboundClaim.slot).in_(slots))
    return {(t, r, k, s) for t, r, k, s in session.execute(query).all()}


def _ready(now: datetime) -> Any:
    return or_(
        and_(col(OutboundClaim.state) == OutboxState.QUEUED.value, col(OutboundClaim.not_before) <= now),
        # A claim a dead drainer left is sent again — unless it is over 12 hours old, when it would come too late (the
        # same limit as a failing send's), or when it was claimed by a process whose clock runs far ahead or behind.
        and_(
            col(OutboundClaim.state) == OutboxState.SENDING.value,
            col(OutboundClaim.claimed_at) < now - STALE_AFTER,
            col(OutboundClaim.claimed_at) >= now - GIVE_UP_AFTER,
        ),
    )


def has_ready(session: Session | Connection, now: datetime) -> bool:
    """True when some message can be claimed now (a cheap read before a write)."""
    return session.execute(select(col(OutboundClaim.id)).where(_ready(now)).limit(1)).first() is not None


def claim(session: Session, now: datetime, *, limit: int = 100) -> list[Queued]:
    """Claim up to `limit` messages ready to send (and claims a dead drainer left), oldest first."""
    # Queued ones whose time has come, and claims a dead sender left. Two drainers never claim the same row
    # (PostgreSQL skips rows another has locked; SQLite has one writer).
    # The ids first (locked, skipping rows another drainer locked), then the update: one UPDATE … WHERE id IN
    # (SELECT … LIMIT … FOR UPDATE SKIP LOCKED) lets PostgreSQL run the subquery again and claim past the limit.
    ids = list(
        session.execute(
            select(col(OutboundClaim.id))
            .where(_ready(now))
            .order_by(col(OutboundClaim.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).scalars()
    )
    if not ids:
        return []
    rows = session.execute(
        update(OutboundClaim)
        .where(col(OutboundClaim.id).in_(ids), _ready(now))
        .values(state=OutboxState.SENDING.value, claimed_at=now, attempts=col(OutboundClaim.attempts) + 1)
        .returning(
            col(OutboundClaim.id),
            col(OutboundClaim.team_id),
            col(OutboundClaim.recipient),
            col(OutboundClaim.kind),
            col(OutboundClaim.slot),
            col(OutboundClaim.attempts),
            col(OutboundClaim.payload),
            col(OutboundClaim.queued_at),
        )
    ).all()
    taken = [Queued(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6] or "{}"), r[7]) for r in rows]
    return sorted(taken, key=lambda q: q.id)


def mark_sent(session: Session, now: datetime, ids: list[int]) -> None:
    """These claimed messages went out."""
    if ids:
        session.execute(
            update(OutboundClaim)
            .where(col(OutboundClaim.id).in_(ids))
            .values(state=OutboxState.SENT.value, sent_at=now, last_error=None)
        )


def release(session: Session, ids: list[int]) -> None:
    """Put claimed messages that were not sent back in the queue (a drainer stopping)."""
    session.execute(
        update(OutboundClaim)
        .where(col(OutboundClaim.id).in_(ids), col(OutboundClaim.state) == OutboxState.SENDING.value)
        .values(state=OutboxState.QUEUED.value)
    )
    session.info["outbox_enqueued"] = True


def mark_failed(session: Session, now: datetime, q: Queued, error: str, *, final: bool) -> OutboxState:
    """A failed send: dead when `final` or 12 hours after it was queued, else queued again after a pause."""
    if final or (q.queued_at is not None and now - q.queued_at >= GIVE_UP_AFTER):
        state, not_before = OutboxState.DEAD, None
    else:
        wait = min(timedelta(minutes=2 ** min(q.attempts - 1, 10)), LONGEST_WAIT)
        state, not_before = OutboxState.QUEUED, now + wait
    session.execute(
        update(OutboundClaim)
        .where(col(OutboundClaim.id) == q.id)
        .values(state=state.value, not_before=not_before, last_error=error[:500])
    )
    return state


def counts(session: Session) -> dict[str, int]:
    """How many messages are in each state (for tests and the operator)."""
    rows = session.execute(select(col(OutboundClaim.state), func.count()).group_by(col(OutboundClaim.state))).all()
    return {state: int(n) for state, n in rows}
