"""The outbox: a message is queued once per slot, claimed by one drainer, retried with backoff, never sent twice."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FrozenClock
from storage.db import Database
from storage.repositories import outbox
from storage.repositories.outbox import OutboxState

SLOT = {"team_id": "T1", "recipient": "U1", "kind": "morning-dm", "slot": "2026-11-23"}
PAYLOAD = {"text": "hello", "blocks": None}


def test_a_slot_is_queued_once(db: Database, clock: FrozenClock) -> None:
    with db.session() as s:
        assert outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
    with db.session() as s:
        assert not outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
        assert outbox.enqueue(s, clock.now(), **{**SLOT, "slot": "2026-11-24"}, payload=PAYLOAD)


def test_a_claimed_message_is_not_claimed_again_until_its_claim_is_stale(db: Database, clock: FrozenClock) -> None:
    with db.session() as s:
        outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
    with db.session() as s:
        [first] = outbox.claim(s, clock.now())
    assert first.payload == PAYLOAD
    clock.advance(timedelta(minutes=4))
    with db.session() as s:
        assert outbox.claim(s, clock.now()) == []
    clock.advance(timedelta(minutes=2))  # the drainer that claimed it died
    with db.session() as s:
        [again] = outbox.claim(s, clock.now())
        outbox.mark_sent(s, clock.now(), [again.id])
    clock.advance(timedelta(hours=1))
    with db.session() as s:
        assert outbox.claim(s, clock.now()) == []


def test_a_claim_over_twelve_hours_old_is_never_sent_again(db: Database, clock: FrozenClock) -> None:
    """A process whose clock runs 11 days ahead of the one that claimed (or a claim left that long) sends nothing."""
    with db.session() as s:
        outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
    with db.session() as s:
        assert len(outbox.claim(s, clock.now())) == 1
    clock.advance(timedelta(days=11))
    with db.session() as s:
        assert outbox.claim(s, clock.now()) == []
        assert not outbox.has_ready(s, clock.now())


def test_a_failed_send_waits_longer_each_time_and_is_given_up_after_twelve_hours(
    db: Database, clock: FrozenClock
) -> None:
    queued_at = clock.now()
    with db.session() as s:
        outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
    waits, state = [], OutboxState.QUEUED
    while state is OutboxState.QUEUED:
        with db.session() as s:
            [q] = outbox.claim(s, clock.now())
            state = outbox.mark_failed(s, clock.now(), q, "ratelimited", final=False)
        waited = 0
        while state is OutboxState.QUEUED:
            clock.advance(timedelta(minutes=1))
            waited += 1
            with db.session() as s:
                if outbox.has_ready(s, clock.now()):
                    break
        waits.append(waited)
    assert waits[:6] == [1, 2, 4, 8, 15, 15]  # a Slack outage of hours is ridden out
    assert clock.now() - queued_at >= outbox.GIVE_UP_AFTER
    with db.session() as s:
        assert outbox.counts(s) == {"dead": 1}


def test_a_final_failure_is_never_retried(db: Database, clock: FrozenClock) -> None:
    with db.session() as s:
        outbox.enqueue(s, clock.now(), **SLOT, payload=PAYLOAD)
    with db.session() as s:
        [q] = outbox.claim(s, clock.now())
        assert outbox.mark_failed(s, clock.now(), q, "user_not_found", final=True) is OutboxState.DEAD
    clock.advance(timedelta(days=1))
    with db.session() as s:
        assert outbox.claim(s, clock.now()) == []
