"""The channel digest: per active milestone, when, bars, risks, what moved and what is next."""

from __future__ import annotations

from bot.blocks.cards import Message
from bot.blocks.common import Block, context, esc, owner, section, short_date, user
from bot.blocks.plan_common import bar, forecast_phrase
from bot.blocks.plan_status import when_text
from bot.services.action_items import ItemView
from bot.services.digests import DigestData, Schedule
from bot.services.milestones import MilestoneStatus

MAX_BLOCKS = 48


def _keys(items: list[ItemView], limit: int = 12) -> str:
    shown = ", ".join(i.key for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _milestone(s: MilestoneStatus, data: DigestData) -> list[Block]:
    v = s.view
    risk_flag = (
        " · ⚠️ at risk" if (s.risks or s.at_risk_deliverables or s.items.overdue or s.forecast.on_track is False) else ""
    )
    gate = " · 🚦 gate" if v.gate else ""
    lines = [
        f"🏁 *{v.key}*  {esc(v.title)} · {when_text(v, data.today)}{gate}{risk_flag}",
        f"Deliverables approved  `{bar(s.deliverables_approved, s.deliverables_total)}`",
        f"Action items done      `{bar(s.items.done, s.items.total)}`",
    ]
    risks = []
    for d in s.at_risk_deliverables[:3]:
        risks.append(f"{d.key} not submitted")
    if s.items.overdue:
        owners = ", ".join(f"{owner(o)} {n}" for o, n in s.overdue_owners[:4])
        risks.append(f"{s.items.overdue} item{'s' if s.items.overdue != 1 else ''} overdue ({owners})")
    if risks:
        lines.append("Risk: " + " · ".join(risks))
    if v.status == "upcoming" and (s.items.total or s.deliverables_total):
        late = " ⚠️" if s.forecast.on_track is False else ""
        lines.append(f"Forecast: {forecast_phrase(s.forecast, v.due_date)}{late}")
    return [section("\n".join(lines))]


def digest_message(data: DigestData, schedule: Schedule, *, chart_count: int = 0) -> Message:
    """The whole digest, under 50 blocks."""
    kind = "Weekly" if schedule.cadence == "weekly" else "Daily"
    head = f"📍 *{kind} digest* — <#{data.channel}> · {short_date(data.today)}"
    blocks: list[Block] = [section(head)]
    if not (data.milestones or data.done_since or data.due_soon or data.overdue_by_owner or data.unassigned):
        blocks.append(context("Nothing to report: no active milestones and no open items here."))
    for s in data.milestones:
        if len(blocks) > MAX_BLOCKS - 6:
            blocks.append(context("…and more milestones: `/milestone list`"))
            break
        blocks += _milestone(s, data)
    lines = []
    if data.done_since:
        lines.append(f"✅ *Done since the last digest:* {_keys(data.done_since)}")
    if data.due_soon:
        due = ", ".join(
            f"{i.key} ({owner(i.owner)}, {i.due_date:%a})" if i.due_date else i.key for i in data.due_soon[:10]
        )
        lines.append(f"📅 *Due in the next 7 days:* {due}" + (" …" if len(data.due_soon) > 10 else ""))
    if data.overdue_by_owner:
        late = ", ".join(f"{owner(o)} {n}" for o, n in data.overdue_by_owner[:8])
        lines.append(f"⏰ *Overdue by owner:* {late}")
    if data.unassigned:
        lines.append(f"🙋 *{data.unassigned} unassigned* — take them with `/action list`")
    if lines:
        blocks.append({"type": "divider"})
        blocks.append(section("\n".join(lines)))
    footer = f"Posted {schedule.describe()} · change it with `/digest`"
    if chart_count:
        footer += f" · burn-up chart{'s' if chart_count != 1 else ''} below (`/digest charts off` to stop them)"
    blocks.append(context(footer))
    text = f"{kind} digest for <#{data.channel}>: " + "; ".join(
        f"{s.view.key} {esc(s.view.title)} {s.items.done}/{s.items.total} items done" for s in data.milestones[:5]
    )
    return Message(text=text, blocks=blocks[:50])


def schedule_card(schedule: Schedule | None, preview: Message | None) -> Message:
    """`/digest` alone: the schedule, how to change it, and a preview."""
    if schedule is None:
        head = "This channel has no digest yet."
    else:
        head = f"This channel's digest: *{schedule.describe()}*, set by {user(schedule.created_by)}" + (
            "" if schedule.charts else " · charts off"
        )
    how = esc(
        "Set it: `/digest weekly <day> <HH:MM>` or `/digest daily <HH:MM>` (your time zone) · "
        "`/digest off` · `/digest now` posts it now · `/digest charts on|off`"
    )
    blocks: list[Block] = [section(head), context(how)]
    if preview is not None:
        blocks += [{"type": "divider"}, context("*Preview*"), *preview.blocks[: 50 - len(blocks) - 2]]
    return Message(text=head, blocks=blocks[:50])
