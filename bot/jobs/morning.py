"""The morning sweep: every person whose local hour has come gets their one DM of the day."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.blocks.morning import morning_dm
from bot.blocks.plan import review_buttons
from bot.jobs.runtime import Runtime
from bot.services import nudges
from storage.db import Database
from storage.repositories import outbox


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees everything)."""
    # A sweep over a big workspace builds about 10^5 rows and views, acyclic and all alive until it ends; the
    # collector would walk them again and again as they pile up, which was half of the sweep's time (see
    # docs/benchmarks.md). They are freed as usual when the sweep drops them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(rt: Runtime) -> list[nudges.Morning]:
    """Who is due now and what each DM says, in one read-only transaction."""
    return collect_at(rt.db, rt.clock.now(), rt.default_tz)


def collect_at(db: Database, now: datetime, default_tz: ZoneInfo) -> list[nudges.Morning]:
    """`collect` for a database and an instant."""
    with cyclic_gc_paused(), db.session(readonly=True) as session:
        return nudges.compose_all(session, now, nudges.due_recipients(session, now, default_tz))


def run_morning(rt: Runtime) -> int:
    """Compose every due morning DM, then queue them (and record the empty ones) in one statement."""
    # Ones) in one statement; returns how many DMs were queued.
    mornings = collect(rt)
    with cyclic_gc_paused():
        messages = []
        for morning in mornings:
            r = morning.recipient
            payload = None
            if not morning.is_empty():
                message = morning_dm(morning, review_buttons)
                payload = outbox.payload_of(text=message.text, blocks=message.blocks)
            messages.append(
                {"team_id": r.team_id, "recipient": r.user_id, "kind": nudges.KIND, "slot": r.slot, "payload": payload}
            )
    with rt.db.session() as session:
        return outbox.enqueue_many(session, rt.clock.now(), messages)
