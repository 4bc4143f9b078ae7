"""The morning sweep: every person whose local hour has come gets their one DM of the day."""

from __future__ import annotations

from bot.blocks.morning import morning_dm
from bot.blocks.plan import review_buttons
from bot.jobs.runtime import Runtime
from bot.services import nudges, outbound
from bot.services.deliverables import awaiting_review
from bot.slack.sender import Outgoing, SendReport


def run_morning(rt: Runtime) -> SendReport:
    """Compose in one read-only transaction, record the empty ones, then send through the paced sender."""
    now = rt.clock.now()
    outgoing: list[Outgoing] = []
    empty: list[nudges.Recipient] = []
    with rt.db.session(readonly=True) as session:
        for r in nudges.due_recipients(session, now, rt.default_tz):
            morning = nudges.compose(session, now, r, list(awaiting_review(session, r.team_id, r.user_id)))
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
    if empty:
        with rt.db.session() as session:
            for r in empty:
                outbound.skip(session, rt.clock, team_id=r.team_id, recipient=r.user_id, kind=nudges.KIND, slot=r.slot)
    return rt.sender.send_all(outgoing)
