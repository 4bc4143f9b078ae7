"""Outbound claims: a send is claimed once; a claim not marked sent within 5 minutes is retried."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FrozenClock
from bot.services.outbound import claim, mark
from storage.db import Database

SLOT = {"team_id": "T1", "recipient": "U1", "kind": "morning-dm", "slot": "2026-11-23"}


def test_a_second_claim_of_the_same_send_is_refused(db: Database, clock: FrozenClock) -> None:
    with db.session() as s:
        assert claim(s, clock, **SLOT)
    with db.session() as s:
        assert not claim(s, clock, **SLOT)
        assert claim(s, clock, **{**SLOT, "slot": "2026-11-24"})


def test_a_stale_claim_is_retried_but_a_sent_one_never(db: Database, clock: FrozenClock) -> None:
    with db.session() as s:
        assert claim(s, clock, **SLOT)
    clock.advance(timedelta(minutes=4))
    with db.session() as s:
        assert not claim(s, clock, **SLOT)
    clock.advance(timedelta(minutes=2))
    with db.session() as s:
        assert claim(s, clock, **SLOT)
        mark(s, clock, **SLOT, sent=True)
    clock.advance(timedelta(hours=1))
    with db.session() as s:
        assert not claim(s, clock, **SLOT)
