"""Writing a held capture: its items, confirmation and DMs, once, in one transaction."""
# Its items, their audit rows, the thread confirmation and the owners' DMs, once, in one transaction. Shared by the
# Events listener (right after its answer) and the scheduler's sweep (a capture still held a minute later), so it sits
# above services and blocks and below both; it talks to Slack only through `resolve`.

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.blocks import cards
from bot.blocks.capture import confirmation, source_id
from bot.capture.notes import read_notes
from bot.capture.text import quote
from bot.capture_reading import Lookups, read_capture
from bot.clock import Clock
from bot.errors import DomainError
from bot.services import action_items, capture
from bot.services.action_items import ItemView, Planned
from bot.services.capture import CaptureDraft
from bot.services.common import Actor
from storage.db import Database
from storage.repositories import captures, outbox

log = logging.getLogger(__name__)
# The sweep writes a capture only once it has been held this long (the receiving process writes it at once).
SWEEP_AFTER = timedelta(minutes=1)
# A capture that still cannot be written after this is given up: one WARNING line, and it stays held for a person.
GIVE_UP_AFTER = timedelta(days=1)
_ANY_DAY = date(2000, 1, 1)  # what `worth_holding` reads dates against: it asks only whether there are entries


@dataclass(frozen=True)
class Held:
    """A capture held before the answer: whose, which event, what the message said, when it was received."""

    team_id: str
    event_id: str
    said: dict[str, Any]
    received_at: datetime

    @property
    def payload(self) -> str:
        """What is stored."""
        return json.dumps(self.said, separators=(",", ":"))


def read_held(db: Database, team_id: str, event_id: str) -> Held | None:
    """A capture received and not written yet."""
    with db.session(readonly=True) as session:
        found = captures.held(session, team_id, event_id)
    if found is None:
        return None
    payload, received_at = found
    return Held(team_id, event_id, json.loads(payload), received_at)


def worth_holding(text: str, blocks: Any, attachments: Any, *, from_app: bool) -> bool:
    """True when a message holds notes or marker lines to capture (a pure read: no database, no Slack)."""
    found = read_notes(text, blocks, attachments, from_app=from_app, members=(), when_for=lambda _owner: _ANY_DAY)
    return bool(found.entries)


def write(db: Database, clock: Clock, held: Held, actor: Actor, lookups: Lookups) -> bool:
    """Write `held` once; False when another writer (a retry, the sweep) wrote it first."""
    # A failure is recorded so the sweep tries again after a pause (and never before newer captures), then raised.
    try:
        return _write(db, clock, held, actor, lookups)
    except Exception:
        with db.session() as session:
            captures.failed(session, clock.now(), held.team_id, held.event_id)
        raise


def _write(db: Database, clock: Clock, held: Held, actor: Actor, lookups: Lookups) -> bool:
    said = held.said
    author = lookups.resolve([actor.user_id]).get(actor.user_id) if not said.get("from_app") else None
    reading = read_capture(said, held.received_at, author, lookups)
    with db.session() as session:
        if not captures.clear(session, held.team_id, held.event_id):
            return False
        if not reading.drafts and not reading.notes:
            return True
        planned, notes = _plan(session, clock, actor, reading.drafts)
        items = action_items.insert_planned(
            session,
            clock,
            actor,
            [p for p, _ in planned],
            source_ts=said["ts"],
            source_channel=actor.channel,
            by_app=bool(said.get("from_app")),
        )
        notes = reading.notes + notes + _warnings(planned, items)
        _enqueue_messages(session, clock, actor, said, items, notes)
    return True


def _plan(
    session: Session, clock: Clock, actor: Actor, drafts: list[CaptureDraft]
) -> tuple[list[tuple[Planned, CaptureDraft]], list[str]]:
    """Each draft checked: the items to insert, and a note for each entry that cannot be taken (never dropped)."""
    planned: list[tuple[Planned, CaptureDraft]] = []
    notes: list[str] = []
    for draft in drafts:
        try:
            plan = action_items.plan_items(
                session,
                clock,
                actor,
                title=draft.title,
                owners=[draft.owner] if draft.owner else [],
                unassigned=draft.owner is None,
                due=draft.due,
                deliverable_key=draft.for_key,
                entry=draft.entry,
                recurrence=draft.recurrence,
            )
        except DomainError as exc:
            notes.append(f'"{quote(draft.title, 80)}": {exc.message}')
            continue
        planned.append((plan, draft))
    return planned, notes


def _warnings(planned: list[tuple[Planned, CaptureDraft]], items: list[ItemView]) -> list[str]:
    """A note for each line read differently from how it was written (its items named by their keys)."""
    notes, first = [], 0
    for plan, draft in planned:
        mine = items[first : first + len(plan.views)]
        first += len(plan.views)
        if draft.warning:
            notes.append(f"{', '.join(i.key for i in mine)}: {draft.warning}")
    return notes


def _enqueue_messages(
    session: Session, clock: Clock, actor: Actor, said: dict[str, Any], items: list[ItemView], notes: list[str]
) -> None:
    """The thread confirmation and the owners' DMs, with the items' real keys, in the items' transaction."""
    now, today = clock.now(), actor.today(clock)
    message = confirmation(items, notes, today=today, source=source_id(said["channel"], said["ts"]))
    if message is not None:
        outbox.enqueue(
            session,
            now,
            team_id=actor.team_id,
            recipient=said["channel"],
            kind="capture-confirm",
            slot=said["ts"],
            payload=outbox.payload_of(
                text=message.text, blocks=message.blocks, thread_ts=said.get("thread_ts") or said["ts"]
            ),
        )
    for item in items:
        if item.owner is not None and item.owner != actor.user_id:
            dm = cards.assigned_dm(item, by=actor.user_id, today=today)
            outbox.enqueue(
                session,
                now,
                team_id=actor.team_id,
                recipient=item.owner,
                kind="assigned",
                slot=f"{item.key}:{item.owner}",
                payload=outbox.payload_of(text=dm.text, blocks=dm.blocks),
            )


def give_up_old(db: Database, clock: Clock) -> list[tuple[str, str]]:
    """Captures held for more than a day: given up, each with one WARNING line naming its workspace and event."""
    with db.session() as session:
        given_up = captures.give_up(session, clock.now(), older_than=GIVE_UP_AFTER)
    for team_id, event_id in given_up:
        log.warning(
            "capture given up after a day of failed attempts: team %s, event %s (kept in processed_event)",
            team_id,
            event_id,
        )
    return given_up


def ready_for_sweep(db: Database, clock: Clock, limit: int = 100) -> list[tuple[str, str]]:
    """(team_id, event_id) of captures held a minute or more whose next try is due, oldest first."""
    with db.session(readonly=True) as session:
        return captures.ready(session, clock.now(), held_for=SWEEP_AFTER, limit=limit)


def apply_edit(db: Database, clock: Clock, said: dict[str, Any], actor: Actor, lookups: Lookups) -> list[ItemView]:
    """A person edited their message: the still-open items of the entries it changed take the new words."""
    author = lookups.resolve([actor.user_id]).get(actor.user_id)
    reading = read_capture(said, clock.now(), author, lookups)
    if not reading.drafts:
        return []
    with db.session() as session:
        return capture.apply_edit(session, clock, actor, reading.drafts, ts=str(said["ts"]))
