"""The digest sweep: each enabled channel digest at its slot (late only within 12 hours), charts after it."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import col, select

from bot.blocks.cards import Message
from bot.blocks.charts import burnup_png
from bot.blocks.digest import digest_message
from bot.jobs.runtime import Runtime
from bot.services import digests
from bot.services.digests import DueDigest
from bot.slack.sender import Outgoing, SendReport
from storage.models import OutboundClaim

log = logging.getLogger(__name__)
Chart = tuple[str, bytes]


def _served(rt: Runtime, due: list[DueDigest]) -> set[tuple[str, str, str]]:
    if not due:
        return set()
    with rt.db.session(readonly=True) as session:
        rows = session.exec(
            select(OutboundClaim.team_id, OutboundClaim.recipient, OutboundClaim.slot).where(
                col(OutboundClaim.kind) == digests.KIND,
                col(OutboundClaim.state).in_(["sent", "dead"]),
                col(OutboundClaim.slot).in_({d.slot for d in due}),
            )
        ).all()
    return {(t, r, s) for t, r, s in rows}


def build_digest(
    rt: Runtime, team_id: str, schedule: digests.Schedule, since: datetime | None
) -> tuple[digests.DigestData, list[Chart], Message]:
    """The digest's content, message and charts (charts only when on and there is something to draw)."""
    with rt.db.session(readonly=True) as session:
        data = digests.collect(session, rt.clock, team_id, schedule, since)
        charts: list[Chart] = []
        if schedule.charts:
            for s in data.milestones:
                png = burnup_png(
                    f"{s.view.key} {s.view.title}",
                    digests.burnup(session, team_id, s.view.key),
                    today=data.today,
                    due=s.view.due_date,
                )
                if png:
                    charts.append((s.view.key, png))
    return data, charts, digest_message(data, schedule, chart_count=len(charts))


def upload_charts(client: WebClient, channel: str, charts: list[Chart]) -> None:
    """Upload each chart with the current (external upload) files API."""
    for key, png in charts:
        try:
            client.files_upload_v2(channel=channel, content=png, filename=f"{key}-burnup.png", title=f"{key} burn-up")
        except SlackApiError as exc:
            log.warning("burn-up chart for %s not uploaded: %s", key, exc.response.get("error"))


def _tell_owner_gone(rt: Runtime, team_id: str, channel: str, error: str) -> None:
    with rt.db.session() as session:
        owner = digests.disable_gone(session, team_id, channel)
    if owner:
        text = (
            f"I couldn't post the digest to <#{channel}> (Slack said `{error}`), so I turned it off. "
            "Set it up again in another channel with `/digest weekly monday 09:00`."
        )
        client = rt.client_for(team_id)
        if client is None:
            return
        try:
            client.chat_postMessage(channel=owner, text=text)
        except SlackApiError as exc:
            log.warning(
                "could not tell %s that the digest of %s stopped: %s", owner, channel, exc.response.get("error")
            )


def outgoing_for(rt: Runtime, d: DueDigest, *, kind: str = digests.KIND, slot: str | None = None) -> Outgoing:
    """One digest ready for the sender, with what happens after it is posted or when its channel is gone."""
    now = rt.clock.now()
    _data, charts, message = build_digest(rt, d.team_id, d.schedule, d.last_posted_at)
    channel = d.schedule.channel

    def after(client: WebClient, posted_in: str) -> None:
        with rt.db.session() as session:
            digests.mark_posted(session, d.team_id, channel, now)
        upload_charts(client, posted_in, charts)

    return Outgoing(
        team_id=d.team_id,
        recipient=channel,
        kind=kind,
        slot=slot or d.slot,
        channel=channel,
        text=message.text,
        blocks=message.blocks,
        on_gone=lambda error: _tell_owner_gone(rt, d.team_id, channel, error),
        after_send=after,
    )


def run_digests(rt: Runtime) -> SendReport:
    """Post every digest whose slot has come and that nobody posted yet."""
    with rt.db.session(readonly=True) as session:
        due = digests.due(session, rt.clock.now())
    served = _served(rt, due)
    todo = [d for d in due if (d.team_id, d.schedule.channel, d.slot) not in served]
    return rt.sender.send_all([outgoing_for(rt, d) for d in todo])
