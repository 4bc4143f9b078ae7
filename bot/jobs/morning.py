"""The morning sweep: every person whose local hour has come gets their one DM of the day."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
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
    """Pause the cyclic garbage collector (reference counting still frees everything).

    A sweep over a big workspace builds about 10^5 rows and views, acyclic and all alive until it ends; the
    collector would walk them again and again as they pile up, which was half of the sweep's time (see
    docs/benchmarks.md). They are freed as usual when the sweep drops them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect(rt: Runtime) -> list[nudges.Morning]:
    """The database work: who is due now and what each DM says, in a read-only transaction — and, where the
    database allows a second connection, the parts of the DMs that do not depend on who is due (done by others,
    reviews, stale key results) read beside it on another, while the first works out who is due (the database and
    the driver wait on the socket or in SQLite's C code, without Python's lock). Two snapshots a moment apart: an
    item finished between them shows as such the next morning, as one finished a moment after the sweep would."""
    return collect_at(rt.db, rt.clock.now(), rt.default_tz)


def collect_at(db: Database, now: datetime, default_tz: ZoneInfo) -> list[nudges.Morning]:
    """`collect` for a database and an instant."""
    if not db.reads_beside:
        with cyclic_gc_paused(), db.session(readonly=True) as session:
            return nudges.compose_all(session, now, nudges.due_recipients(session, now, default_tz))
    with cyclic_gc_paused(), ThreadPoolExecutor(1, thread_name_prefix="morning-extras") as pool:
        extras = pool.submit(_read_extras, db, now)
        with db.session(readonly=True) as session:
            recipients = nudges.due_recipients(session, now, default_tz)
            return nudges.compose_all(session, now, recipients, extras.result)


def _read_extras(db: Database, now: datetime) -> nudges.Extras:
    with db.session(readonly=True) as session:
        teams = sorted(nudges.active_teams(session))
        return nudges.read_extras(session, now, teams, mondays=nudges.monday_somewhere(now))


def run_morning(rt: Runtime) -> int:
    """Compose in one read-only transaction, then queue every DM worth sending (and record the empty ones) in one
    statement; returns how many DMs were queued."""
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
