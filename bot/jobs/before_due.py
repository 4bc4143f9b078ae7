"""The before-due sweep: every owner whose reminder time has come for a timed item gets one DM per due instant."""

from __future__ import annotations

from bot.blocks.reminders import before_due_dm
from bot.jobs.runtime import Runtime
from bot.services import before_due
from storage.repositories import outbox


def run_before_due(rt: Runtime) -> int:
    """Queue the reminders due now that were not queued yet; returns how many."""
    now = rt.clock.now()
    # Read first, write only when there is something to queue: most minutes have nothing.
    with rt.db.session(readonly=True) as session:
        due = before_due.due_now(session, now, rt.default_tz)
    if not due:
        return 0
    messages = []
    for r in due:
        message = before_due_dm(r.item, due=r.due, now=now, today=r.today)
        payload = outbox.payload_of(text=message.text, blocks=message.blocks)
        messages.append(
            {"team_id": r.team_id, "recipient": r.owner, "kind": before_due.KIND, "slot": r.slot, "payload": payload}
        )
    with rt.db.session() as session:
        return outbox.enqueue_many(session, now, messages)
