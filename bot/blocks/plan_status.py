"""Milestone and outcome cards: status views with bars, risks and a forecast, lists, and their replies."""

from __future__ import annotations

from datetime import date, datetime

from bot.blocks.cards import Message, usage_card
from bot.blocks.common import Block, channel, context, esc, owner, section, short_date, user
from bot.blocks.plan import deliverable_line
from bot.blocks.plan_common import (
    amount,
    bar,
    changed_message,
    day,
    forecast_phrase,
    line_sections,
    message,
    note_blocks,
    percent_bar,
    percent_text,
    quote,
)
from bot.services.milestones import MilestoneList, MilestoneStatus, MilestoneView
from bot.services.outcomes import STALE_DAYS, CheckInResult, KeyResultView, OutcomeStatus, OutcomeView
from bot.services.progress import PACE_DAYS, working_days_left

DECISION_WORDS = {"go": "go", "no_go": "no-go"}


# ---- milestones --------------------------------------------------------------------------------------


def when_text(view: MilestoneView, today: date) -> str:
    """`Fri, Dec 18 (in 19 working days)` / `(today)` / `(3 working days ago)`."""
    left = view.working_days_left
    if view.due_date == today:
        rel = "today"
    elif left > 0:
        rel = f"in {left} working day{'s' if left != 1 else ''}"
    elif view.due_date > today:
        rel = "after the weekend"
    else:
        rel = f"{-left} working day{'s' if left != -1 else ''} ago" if left else "passed"
    return f"{day(view.due_date, today)} ({rel})"


def _headline(view: MilestoneView, today: date) -> str:
    parts = [when_text(view, today)]
    if view.gate:
        parts.append("gate")
    parts.append(f"owner {user(view.owner)}")
    return f"🏁 *{view.key}*  {esc(view.title)} — " + " · ".join(parts)


def _status_word(status: str) -> str:
    return {"reached": "reached ✓", "missed": "missed ✗", "cancelled": "cancelled", "upcoming": "upcoming"}[status]


def _gate_line(view: MilestoneView, today: date) -> str | None:
    if not view.gate:
        return None
    if not view.decision:
        return f"🚦 Gate: no decision yet — `/milestone decide {view.key} go|no-go &lt;note&gt;`"
    when = f" on {day(view.decided_at.date(), today)}" if view.decided_at else ""
    note = f": “{esc(view.decision_note)}”" if view.decision_note else ""
    return f"🚦 Gate: *{DECISION_WORDS.get(view.decision, view.decision)}* by {user(view.decided_by)}{when}{note}"


def milestone_added(view: MilestoneView, *, today: date, warnings: list[str]) -> Message:
    """The reply to `/milestone add`."""
    blocks: list[Block] = [section(_headline(view, today))]
    hint = f"Next: `/deliverable add &lt;title&gt; for {view.key}` adds what it needs"
    if view.gate:
        hint += f"; decide the gate with `/milestone decide {view.key} go|no-go &lt;note&gt;`"
    hint += f"; `/milestone status {view.key}` shows progress."
    blocks.append(context(hint))
    blocks += [context(f"⚠️ {esc(w)}") for w in warnings]
    gate = " (gate)" if view.gate else ""
    return message(f"Added {view.key}: {esc(view.title)}{gate} on {short_date(view.due_date)}", blocks)


def _forecast_line(status: MilestoneStatus, today: date) -> str:
    f = status.forecast
    if status.items.total == 0 and status.deliverables_total == 0:
        return "Nothing to forecast yet: add deliverables and link action items to them (`for D-n`)."
    if f.remaining == 0:
        return "Forecast: every linked action item is done and every deliverable approved."
    verdict = " — ⚠️ *at risk*" if f.on_track is False else " — on track" if f.on_track else ""
    facts = f"{f.completions} completed in the last {PACE_DAYS} days, {f.remaining} to go"
    return f"Forecast ({facts}) — {forecast_phrase(f, status.view.due_date)}{verdict}"


def _risk_line(status: MilestoneStatus, today: date) -> str | None:
    risks = []
    for v in status.at_risk_deliverables[:5]:
        left = working_days_left(today, v.due or status.view.due_date)
        state = "changes requested" if v.status == "changes_requested" else "not submitted"
        if left < 0:
            when = "past its date"
        elif left == 0:
            when = "due today"
        else:
            when = f"{left} working day{'s' if left != 1 else ''} left"
        risks.append(f"{v.key} {state}, {when}")
    if status.items.overdue:
        owners = ", ".join(f"{owner(u)} {n}" for u, n in status.overdue_owners[:5])
        n = status.items.overdue
        risks.append(f"{n} item{'s' if n != 1 else ''} overdue ({owners})")
    return "⚠️ Risk: " + " · ".join(risks) if risks else None


def _deliverable_blocks(status: MilestoneStatus, today: date) -> list[Block]:
    view = status.view
    lines = [deliverable_line(v, today, show_milestone=False) for v in status.deliverables]
    shown = len(status.deliverables) + status.hidden
    if status.deliverables_total > shown:
        lines.append(f"…and {status.deliverables_total - shown} more: `/deliverable list {view.key}`")
    if status.hidden:
        lines.append(f"…and {status.hidden} private deliverable{'s' if status.hidden != 1 else ''}")
    if not lines:
        return [context(f"No deliverables yet. Add one: `/deliverable add &lt;title&gt; for {view.key}`.")]
    return line_sections(lines)


def _summary(status: MilestoneStatus, today: date) -> str:
    view = status.view
    progress = [f"Progress: deliverables {bar(status.deliverables_approved, status.deliverables_total)}"]
    if status.items.total:
        progress.append(f"action items {bar(status.items.done, status.items.total)}")
    summary = [" · ".join(progress)]
    if view.status == "upcoming":
        risk = _risk_line(status, today)
        if risk:
            summary.append(risk)
        summary.append(_forecast_line(status, today))
    elif view.status == "reached":
        summary.append("🏁 Reached: every deliverable is approved" + (" and the gate is go." if view.gate else "."))
    elif view.status == "missed":
        summary.append(
            f"✗ Missed: the date passed with {status.deliverables_approved}/{status.deliverables_total} deliverables "
            f"approved. Move it with `/milestone edit {view.key} on &lt;date&gt;`."
        )
    return "\n".join(summary)


def milestone_status(status: MilestoneStatus, *, today: date) -> Message:
    """`/milestone status`: deliverables with their state, progress bars, risks and the forecast."""
    view = status.view
    ctx = ["⚠️ at risk" if status.at_risk else _status_word(view.status)]
    if view.channel:
        ctx.append(channel(view.channel))
    blocks: list[Block] = [section(_headline(view, today)), context(" · ".join(ctx))]
    gate = _gate_line(view, today)
    if gate:
        blocks.append(section(gate))
    blocks += _deliverable_blocks(status, today)
    blocks.append(section(_summary(status, today)))
    flag = " — at risk" if status.at_risk else ""
    text = (
        f"{view.key} {esc(view.title)} ({_status_word(view.status)}{flag}): "
        f"deliverables {status.deliverables_approved}/{status.deliverables_total}, "
        f"action items {status.items.done}/{status.items.total}"
    )
    return message(text, blocks)


def milestone_list(result: MilestoneList, *, today: date) -> Message:
    """`/milestone list`."""
    heading = "Milestones" if result.scope == "all" else "Open milestones"
    blocks: list[Block] = [section(f"*{heading}* ({result.total})")]
    if not result.items:
        blocks.append(context("Nothing here. Add one: `/milestone add &lt;title&gt; on &lt;date&gt; [gate]`."))
        return message(f"{heading}: none", blocks)
    lines = []
    for s in result.items:
        v = s.view
        head = f"*{v.key}*  {esc(v.title)} · {when_text(v, today)}" + (" · gate" if v.gate else "")
        if v.status != "upcoming":
            head += f" · {_status_word(v.status)}"
        elif s.at_risk:
            head += " · ⚠️ at risk"
        counts = (
            f"      deliverables {bar(s.deliverables.approved, s.deliverables.total)}"
            f" · items {bar(s.items.done, s.items.total)}"
        )
        lines += [head, counts]
    blocks += line_sections(lines)
    if result.total > len(result.items):
        blocks.append(context(f"…and {result.total - len(result.items)} more."))
    return message(
        f"{heading} ({result.total}): " + "; ".join(f"{s.view.key} {esc(s.view.title)}" for s in result.items), blocks
    )


def milestone_changed(view: MilestoneView, *, what: str, today: date) -> Message:
    """Edited or cancelled."""
    facts = _headline(view, today)[2:]
    return changed_message(view.key, view.title, what=what, facts=facts, cancelled=view.status == "cancelled")


def gate_decided(view: MilestoneView, changed: str | None, *, today: date) -> Message:
    """The reply to `/milestone decide`."""
    word = DECISION_WORDS.get(view.decision or "", "")
    note = f"\n{quote(view.decision_note)}" if view.decision_note else ""
    blocks: list[Block] = [section(f"🚦 *{view.key}*  {esc(view.title)}: *{word}*{note}")]
    if view.status == "reached":
        blocks.append(section(f"🏁 *{view.key}* is reached."))
    elif view.decision == "go":
        blocks.append(context(f"It's reached once every deliverable is approved: `/milestone status {view.key}`."))
    else:
        blocks.append(context(f"It stays open until a go: `/milestone decide {view.key} go &lt;note&gt;`."))
    reached = f" {view.key} is reached." if changed == "reached" else ""
    return message(f"{view.key} {esc(view.title)}: {word}.{reached}", blocks)


MILESTONE_USAGE = [
    "*/milestone* — dated checkpoints and go/no-go gates",
    "• `/milestone add <title> on <date> [owner @u] [gate]`",
    "• `/milestone list [all]` — open ones by default",
    "• `/milestone status M-n` — deliverables, action items, progress, risks and a forecast",
    "• `/milestone edit M-n` (a form) or `edit M-n title|on|owner|gate <value>`",
    "• `/milestone decide M-n go|no-go <note>` — gates only",
    "• `/milestone cancel M-n`",
]


def milestone_usage() -> Message:
    """`/milestone` alone."""
    return usage_card("/milestone", MILESTONE_USAGE)


# ---- outcomes ----------------------------------------------------------------------------------------


def _kr_line(kr: KeyResultView) -> str:
    return (
        f"*{kr.key}*  {esc(kr.metric)}: {amount(kr.baseline, kr.unit)} → {amount(kr.target, kr.unit)}, "
        f"now {amount(kr.current, kr.unit)}  {percent_bar(kr.percent)}"
    )


def _last_checkin(kr: KeyResultView, now: datetime, today: date) -> str:
    if kr.last_at is None:
        return f"{kr.key}: no check-ins yet — `/outcome checkin {kr.key} &lt;value&gt;`"
    age = (now - kr.last_at).days
    stale = f" · ⚠️ no check-in for {age} days" if age >= STALE_DAYS else ""
    note = f" — “{esc(kr.last_note)}”" if kr.last_note else ""
    return f"{kr.key}: last check-in {day(kr.last_at.date(), today)} by {user(kr.last_by)}{note}{stale}"


def _outcome_head(view: OutcomeView) -> str:
    pct = f" — {percent_text(view.percent)}" if view.percent is not None else ""
    return f"🎯 *{view.key}*  {esc(view.objective)}{pct} · owner {user(view.owner)}"


def outcome_added(view: OutcomeView) -> Message:
    """The reply to `/outcome add`."""
    blocks = [
        section(_outcome_head(view)),
        context(
            f"Next: add a key result, like `/outcome kr {view.key} Pricing page conversion from 2 to 3.5 %`; "
            f"link deliverables with `for {view.key}`."
        ),
    ]
    return message(f"Added {view.key}: {esc(view.objective)}", blocks)


def kr_added(view: OutcomeView, kr: KeyResultView) -> Message:
    """The reply to `/outcome kr`."""
    blocks = [
        section(f"📏 *{kr.key}*  {esc(kr.metric)}: {amount(kr.baseline, kr.unit)} → {amount(kr.target, kr.unit)}"),
        context(
            f"For {view.key} {esc(view.objective)} · check in with `/outcome checkin {kr.key} &lt;value&gt; [note]`"
        ),
    ]
    return message(
        f"Added {kr.key}: {esc(kr.metric)} from {amount(kr.baseline, kr.unit)} to {amount(kr.target, kr.unit)}", blocks
    )


def checked_in(result: CheckInResult) -> Message:
    """The reply to `/outcome checkin`."""
    kr = result.key_result
    head = (
        f"📈 *{kr.key}*  {esc(kr.metric)}: {amount(kr.current, kr.unit)} (was {amount(result.previous, kr.unit)})"
        f" → target {amount(kr.target, kr.unit)}\n{percent_bar(kr.percent)}"
    )
    blocks: list[Block] = [section(head), *note_blocks(kr.last_note)]
    view = result.outcome
    if len(view.key_results) > 1 and view.percent is not None:
        blocks.append(context(f"{view.key} {esc(view.objective)}: {percent_text(view.percent)} overall"))
    return message(f"{kr.key} {esc(kr.metric)}: {amount(kr.current, kr.unit)} ({percent_text(kr.percent)})", blocks)


def outcome_status(status: OutcomeStatus, *, now: datetime, today: date) -> Message:
    """`/outcome status`: key results with bars and last check-ins, and the deliverables serving it."""
    view = status.view
    blocks: list[Block] = [section(_outcome_head(view))]
    if view.key_results:
        blocks += line_sections([_kr_line(kr) for kr in view.key_results])
        blocks.append(context(*[_last_checkin(kr, now, today) for kr in view.key_results[:10]]))
    else:
        blocks.append(
            context(f"No key results yet. Add one: `/outcome kr {view.key} Pricing page conversion from 2 to 3.5 %`.")
        )
    if status.deliverables_total:
        lines = [f"*Deliverables serving it* ({status.deliverables_total})"]
        lines += [deliverable_line(v, today) for v in status.deliverables]
        more = status.deliverables_total - len(status.deliverables)
        if more:
            lines.append(f"…and {more} more: `/deliverable list {view.key}`")
        blocks += line_sections(lines)
    else:
        blocks.append(context(f"No deliverables serve it yet: `/deliverable add &lt;title&gt; for {view.key}`."))
    pct = f" {percent_text(view.percent)}" if view.percent is not None else ""
    krs = "; ".join(f"{k.key} {esc(k.metric)} {percent_text(k.percent)}" for k in view.key_results)
    return message(f"{view.key} {esc(view.objective)}:{pct}" + (f" ({krs})" if krs else ""), blocks)


def outcome_list(views: list[OutcomeView], total: int) -> Message:
    """`/outcome list`."""
    blocks: list[Block] = [section(f"*Outcomes* ({total})")]
    if not views:
        blocks.append(context("Nothing here. Add one: `/outcome add &lt;objective&gt;`."))
        return message("Outcomes: none", blocks)
    lines = []
    for v in views:
        lines.append(_outcome_head(v))
        lines += [f"      {_kr_line(kr)}" for kr in v.key_results[:5]]
    blocks += line_sections(lines)
    if total > len(views):
        blocks.append(context(f"…and {total - len(views)} more."))
    return message(f"Outcomes ({total}): " + "; ".join(f"{v.key} {esc(v.objective)}" for v in views), blocks)


OUTCOME_USAGE = [
    "*/outcome* — the value the work should move",
    "• `/outcome add <objective> [owner @u]`",
    "• `/outcome kr O-n <metric> from <baseline> to <target> [unit]` — adds key result O-n.k",
    "• `/outcome checkin O-n.k <value> [note]` — a bare O-n works when it has one key result",
    "• `/outcome status O-n` · `/outcome list`",
]


def outcome_usage() -> Message:
    """`/outcome` alone."""
    return usage_card("/outcome", OUTCOME_USAGE)
