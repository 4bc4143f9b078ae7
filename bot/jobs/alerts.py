"""Milestone alerts: heads-ups 7 days and 1 day before, and a gate's go/no-go question."""
# A channel heads-up 7 days and 1 day before (09:00 in the owner's zone); on a gate's day, its owner is asked for
# go/no-go.

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from bot.blocks.cards import Message
from bot.blocks.common import Block, button, context, esc, section
from bot.blocks.plan_status import milestone_status
from bot.ids import ActionId
from bot.jobs.runtime import Runtime
from bot.services import milestones
from bot.services.common import Actor
from bot.services.people import cached
from storage.models import Milestone, Workspace
from storage.repositories import outbox

ALERT_HOUR = 9
HEADS_UP_DAYS = (7, 1)


def gate_buttons(key: str) -> Block:
    """Go / No-go, each asking for a short note."""
    return {
        "type": "actions",
        "block_id": f"gate:{key}",
        "elements": [
            button("Go", ActionId.GATE_GO, key, style="primary"),
            button("No-go", ActionId.GATE_NO_GO, key, style="danger"),
        ],
    }


def run_alerts(rt: Runtime) -> int:
    """Heads-ups and gate questions due now that were not queued yet: queued; returns how many."""
    now = rt.clock.now()
    queued = 0
    with rt.db.session() as session:
        rows = session.exec(
            select(Milestone)
            .join(Workspace, col(Workspace.team_id) == col(Milestone.team_id))
            .where(
                col(Workspace.active).is_(True),
                col(Milestone.status) == "upcoming",
                col(Milestone.due_date) >= (now - timedelta(days=1)).date(),
                col(Milestone.due_date) <= (now + timedelta(days=8)).date(),
            )
        ).all()
        done = outbox.slots_taken(session, kinds=["milestone-7d", "milestone-1d", "gate-ask"])
        for m in rows:
            lead = m.owner or m.created_by
            person = cached(session, m.team_id, [lead]).get(lead)
            tz = person.zone(rt.default_tz) if person else rt.default_tz
            local = now.astimezone(tz)
            if local.hour < ALERT_HOUR:
                continue
            key = f"M-{m.number}"
            actor = Actor(team_id=m.team_id, user_id=lead, tz=tz, channel=m.channel)
            for days in HEADS_UP_DAYS:
                kind = f"milestone-{days}d"
                if not m.channel or m.due_date - timedelta(days=days) != local.date():
                    continue
                if (m.team_id, m.channel, kind, key) in done:
                    continue
                status = milestones.status(session, rt.clock, actor, key)
                card = milestone_status(status, today=local.date())
                when = "tomorrow" if days == 1 else f"in {days} days"
                head = f"⏳ Heads-up: *{key}* is due {when}. Here is where it stands."
                message = Message(f"Heads-up: {key} {m.title} is due {when}", [section(head), *card.blocks][:50])
                queued += outbox.enqueue(
                    session,
                    now,
                    team_id=m.team_id,
                    recipient=m.channel,
                    kind=kind,
                    slot=key,
                    payload=outbox.payload_of(text=message.text, blocks=message.blocks),
                )
            if (
                m.gate
                and not m.decision
                and m.due_date == local.date()
                and (m.team_id, lead, "gate-ask", key) not in done
            ):
                status = milestones.status(session, rt.clock, actor, key)
                card = milestone_status(status, today=local.date())
                head = f"🚦 Today is the go/no-go for *{key}*. Decide below, with a short note for the team."
                blocks = [
                    section(head),
                    *card.blocks[:40],
                    gate_buttons(key),
                    context(esc(f"Or type `/milestone decide {key} go|no-go <note>`")),
                ]
                queued += outbox.enqueue(
                    session,
                    now,
                    team_id=m.team_id,
                    recipient=lead,
                    kind="gate-ask",
                    slot=key,
                    payload=outbox.payload_of(text=f"Go/no-go today for {key} {m.title}", blocks=blocks),
                )
    return queued
