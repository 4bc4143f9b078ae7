"""The morning sweep: every person whose local hour has come gets their one DM of the day."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from bot.blocks.morning import morning_dm
from bot.blocks.plan import review_buttons
from bot.jobs.runtime import Runtime
from bot.services import nudges, outbound
from bot.slack.sender import Outgoing, SendReport


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
    """The database work: who is due now and what each DM says, in one read-only transaction."""
    now = rt.clock.now()
    with cyclic_gc_paused(), rt.db.session(readonly=True) as session:
        return nudges.compose_all(session, now, nudges.due_recipients(session, now, rt.default_tz))


def render(mornings: list[nudges.Morning]) -> tuple[list[Outgoing], list[nudges.Recipient]]:
    """Blocks for every DM worth sending, and the recipients with nothing to say."""
    outgoing: list[Outgoing] = []
    empty: list[nudges.Recipient] = []
    for morning in mornings:
        r = morning.recipient
        if morning.is_empty():
            empty.append(r)
            continue
        message = morning_dm(morning, review_buttons)
        outgoing.append(
            Outgoing(
                team_id=r.team_id,
                recipient=r.user_id,
                kind=nudges.KIND,
                slot=r.slot,
                channel=r.user_id,
                text=message.text,
                blocks=message.blocks,
            )
        )
    return outgoing, empty


def run_morning(rt: Runtime) -> SendReport:
    """Compose in one read-only transaction, record the empty ones, then send through the paced sender."""
    mornings = collect(rt)
    with cyclic_gc_paused():
        outgoing, empty = render(mornings)
    if empty:
        with rt.db.session() as session:
            for r in empty:
                outbound.skip(session, rt.clock, team_id=r.team_id, recipient=r.user_id, kind=nudges.KIND, slot=r.slot)
    return rt.sender.send_all(outgoing)
