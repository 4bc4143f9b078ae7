"""The digest sweep: each enabled channel digest queued at its slot (late only within 12 hours), charts after it."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.cards import Message
from bot.blocks.digest import digest_message
from bot.blocks.plan_common import forecast_phrase
from bot.clock import Clock
from bot.jobs.runtime import Runtime
from bot.services import digests
from bot.services.digests import DueDigest
from storage.db import Database
from storage.repositories import outbox

Chart = tuple[str, bytes]


def build_digest(
    db: Database, clock: Clock, team_id: str, schedule: digests.Schedule, since: datetime | None
) -> tuple[digests.DigestData, list[Chart], Message]:
    """The digest's content, message and charts (charts only when on and there is something to draw)."""
    from bot.blocks.charts import Projection, burnup_png  # matplotlib takes half a second to import: only to draw

    with db.session(readonly=True) as session:
        data = digests.collect(session, clock, team_id, schedule, since)
        charts: list[Chart] = []
        if schedule.charts:
            for s in data.milestones:
                png = burnup_png(
                    f"{s.view.key} {s.view.title}",
                    digests.burnup(session, team_id, s.view.key),
                    today=data.today,
                    due=s.view.due_date,
                    projection=Projection(s.forecast.finish, forecast_phrase(s.forecast, s.view.due_date))
                    if s.forecast.remaining
                    else None,
                )
                if png:
                    charts.append((s.view.key, png))
    return data, charts, digest_message(data, schedule, chart_count=len(charts))


def enqueue_digest(
    db: Database, clock: Clock, d: DueDigest, *, kind: str = digests.KIND, slot: str | None = None
) -> bool:
    """Render one digest (its burn-up charts follow it as files) and queue it; False if queued before."""
    # The next digest's "since"; False when that slot was queued before.
    _data, charts, message = build_digest(db, clock, d.team_id, d.schedule, d.last_posted_at)
    channel = d.schedule.channel
    files = [(f"{key}-burnup.png", f"{key} burn-up", png) for key, png in charts]
    payload = outbox.payload_of(text=message.text, blocks=message.blocks, files=files)
    now = clock.now()
    with db.session() as session:
        queued = outbox.enqueue(
            session, now, team_id=d.team_id, recipient=channel, kind=kind, slot=slot or d.slot, payload=payload
        )
        if queued:
            digests.mark_posted(session, d.team_id, channel, now)
    return queued


def run_digests(rt: Runtime) -> int:
    """Queue every digest whose slot has come and that was not queued yet; returns how many."""
    with rt.db.session(readonly=True) as session:
        due = digests.due(session, rt.clock.now())
        served = outbox.slots_taken(session, kinds=[digests.KIND], slots={d.slot for d in due}) if due else set()
    todo = [d for d in due if (d.team_id, d.schedule.channel, digests.KIND, d.slot) not in served]
    return sum(enqueue_digest(rt.db, rt.clock, d) for d in todo)
