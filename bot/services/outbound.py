"""Claims on outbound messages: claim, send, mark sent. A claim not marked sent within 5 minutes is retried."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from bot.clock import Clock
from storage.models import OutboundClaim
from storage.repositories.common import insert_ignore

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
