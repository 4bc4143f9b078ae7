"""Deliverable cards, lists, the review card and its buttons, and the replies to `/deliverable`."""

from __future__ import annotations

from datetime import date

from bot.blocks.cards import Message, usage_card
from bot.blocks.common import Block, button, context, due_text, esc, owner, section, short_date, user
from bot.blocks.plan_common import bar, changed_message, day, line_sections, message, note_blocks, quote
from bot.ids import PlanActionId
from bot.services.deliverable_changes import Decision, EditResult, SubmitResult
from bot.services.deliverables import STATUS_WORDS, DeliverableDetail, DeliverableList, DeliverableView, LinkedItem
from bot.services.progress import working_days_left

REVIEW_CARD_BLOCK = "plan-review-card"  # marks our own review DM, which a decision may replace


def status_text(view: DeliverableView) -> str:
    """`in progress`, `approved ✓`, `submitted · waiting for @dana`."""
    if view.status == "approved":
        return "approved ✓"
    if view.status == "submitted":
        return f"submitted · waiting for {user(view.reviewer)}"
    return STATUS_WORDS.get(view.status, view.status)


def _items_count(view: DeliverableView) -> str:
    return f"{view.items.done}/{view.items.total} items" if view.items.total else "no items yet"


def working_due(d: date, today: date) -> str:
    """`due Thu, Dec 17 (in 12 working days)` / `(today)` / `(2 working days late) ⚠️ *overdue*`."""
    left = working_days_left(today, d)
    if d == today:
        rel = "today"
    elif d < today:
        late = -left
        return f"due {day(d, today)} ({late} working day{'s' if late != 1 else ''} late) ⚠️ *overdue*"
    elif left == 0:
        rel = "no working days left"
    else:
        rel = f"in {left} working day{'s' if left != 1 else ''}"
    return f"due {day(d, today)} ({rel})"


def deliverable_line(view: DeliverableView, today: date, *, show_milestone: bool = True) -> str:
    """`*D-4*  Homepage mockup — in progress (2/5 items) · approver @dana · due Thu, Dec 17 (in 12 working days)`."""
    meta = [f"{status_text(view)} ({_items_count(view)})"]
    if view.status not in ("approved", "cancelled", "submitted"):
        meta.append(f"owner {user(view.owner)}")
        meta.append(f"approver {user(view.reviewer)}")
        if view.due_date:
            meta.append(working_due(view.due_date, today))
    if show_milestone and view.milestone:
        meta.append(f"for {view.milestone}")
    return f"*{view.key}*  {esc(view.title)} — " + " · ".join(meta)


def _facts(view: DeliverableView, today: date) -> str:
    parts = [f"Owner {user(view.owner)}", f"approver {user(view.reviewer)}"]
    if not view.approver:
        parts[-1] += f" ({view.reviewer_role})"
    if view.due_date:
        parts.append(due_text(view.due_date, None, None, today=today))
    if view.milestone:
        when = f" ({day(view.milestone_due, today)})" if view.milestone_due else ""
        parts.append(f"for {view.milestone} {esc(view.milestone_title or '')}{when}")
    if view.outcome:
        parts.append(f"serves {view.outcome} {esc(view.outcome_title or '')}")
    return " · ".join(parts)


def _item_lines(items: list[LinkedItem], total: int, today: date) -> list[str]:
    lines = []
    for item in items:
        if item.status == "done":
            lines.append(f"☑️ {item.key}  ~{esc(item.title)}~")
            continue
        meta = [owner(item.owner)]
        if item.due_date:
            meta.append(due_text(item.due_date, None, None, today=today))
            if item.due_date < today:
                meta[-1] += " ⚠️ *overdue*"
        lines.append(f"▫️ {item.key}  {esc(item.title)} — " + " · ".join(meta))
    if total > len(items):
        lines.append(f"…and {total - len(items)} more")
    return lines


def _criteria_blocks(view: DeliverableView) -> list[Block]:
    if not view.acceptance_criteria:
        return []
    return [section("*Acceptance criteria*\n" + quote(view.acceptance_criteria))]


def _items_blocks(view: DeliverableView, items: list[LinkedItem], today: date) -> list[Block]:
    if not view.items.total:
        return [context(f"No action items yet. Link one: `/action add &lt;title&gt; for {view.key}`.")]
    head = f"*Action items*  {bar(view.items.done, view.items.total)}"
    return [section("\n".join([head, *_item_lines(items, view.items.total, today)]))]


def _last_decision(view: DeliverableView) -> list[Block]:
    if not view.decided_by or not view.decided_at:
        return []
    if view.status == "approved":
        text = f"Approved by {user(view.decided_by)} on {short_date(view.decided_at.date())}"
    elif view.status in ("changes_requested", "submitted"):
        text = f"Changes requested by {user(view.decided_by)} on {short_date(view.decided_at.date())}"
    else:
        return []
    if view.decision_note:
        text += f": “{esc(view.decision_note)}”"
    return [context(text)]


def review_buttons(view: DeliverableView) -> dict[str, object]:
    """An actions block with Approve / Request changes for a submitted deliverable."""
    return {
        "type": "actions",
        "block_id": f"plan-review-{view.key}",
        "elements": [
            button("Approve", PlanActionId.APPROVE, view.key, style="primary"),
            button("Request changes", PlanActionId.REQUEST_CHANGES, view.key),
        ],
    }


def deliverable_added(view: DeliverableView, *, today: date, warnings: list[str]) -> Message:
    """The reply to `/deliverable add`."""
    blocks: list[Block] = [section(f"📦 *{view.key}*  {esc(view.title)}"), context(_facts(view, today))]
    blocks += _criteria_blocks(view)
    blocks.append(
        context(
            f"Next: `/action add &lt;step&gt; for {view.key}` links work to it; "
            f"`/deliverable submit {view.key}` asks {user(view.reviewer)} to approve it."
        )
    )
    blocks += [context(f"⚠️ {esc(w)}") for w in warnings]
    return message(
        f"Added {view.key}: {esc(view.title)} (owner {user(view.owner)}, approver {user(view.reviewer)})", blocks
    )


def deliverable_card(detail: DeliverableDetail, *, viewer: str, today: date) -> Message:
    """`/deliverable show`: facts, criteria, action items, the last decision, and the buttons the viewer may use."""
    view = detail.view
    blocks: list[Block] = [
        section(f"📦 *{view.key}*  {esc(view.title)} — *{status_text(view)}*"),
        context(_facts(view, today)),
    ]
    blocks += _criteria_blocks(view)
    blocks += _items_blocks(view, detail.items, today)
    blocks += _last_decision(view)
    if view.status == "submitted" and viewer == view.reviewer:
        blocks.append(review_buttons(view))
    elif view.status in ("planned", "in_progress", "changes_requested") and viewer in (view.owner, view.created_by):
        blocks.append(
            {
                "type": "actions",
                "block_id": f"plan-submit-{view.key}",
                "elements": [button("Submit for review", PlanActionId.SUBMIT, view.key, style="primary")],
            }
        )
    return message(f"{view.key} {esc(view.title)}: {status_text(view)}", blocks)


_LIST_TITLES = {
    "open": "Open deliverables",
    "mine": "Your open deliverables",
    "user": "Open deliverables owned by {subject}",
    "milestone": "Deliverables for {subject}",
    "outcome": "Deliverables serving {subject}",
    "all": "All deliverables",
    "review": "Waiting for your review",
}


def deliverable_list(result: DeliverableList, *, today: date) -> Message:
    """`/deliverable list`: one line per deliverable."""
    subject = result.subject or ""
    shown = user(subject) if result.scope == "user" else esc(subject)
    heading = _LIST_TITLES[result.scope].format(subject=shown)
    blocks: list[Block] = [section(f"*{heading}* ({result.total})")]
    if not result.items:
        hint = (
            "Nothing is waiting for your review."
            if result.scope == "review"
            else "Nothing here. Add one: `/deliverable add &lt;title&gt; for M-n approver @someone`."
        )
        blocks.append(context(hint))
        return message(f"{heading}: none", blocks)
    blocks += line_sections(
        [deliverable_line(v, today, show_milestone=result.scope != "milestone") for v in result.items]
    )
    if result.scope == "review":
        blocks += [review_buttons(v) for v in result.items[:10]]
    if result.total > len(result.items):
        more = result.total - len(result.items)
        blocks.append(context(f"…and {more} more. Narrow it: `/deliverable list mine`, `@someone`, `M-n` or `O-n`."))
    return message(f"{heading} ({result.total}): " + "; ".join(f"{v.key} {esc(v.title)}" for v in result.items), blocks)


def submit_confirm(result: SubmitResult, *, today: date) -> Message:
    """Open action items: ask before submitting."""
    view = result.view
    n = view.items.open
    noun = "action item" if n == 1 else "action items"
    open_items = [i for i in result.items if i.status != "done"]
    blocks: list[Block] = [
        section(f"⚠️ *{view.key}*  {esc(view.title)} still has {n} open {noun}:"),
        *line_sections(_item_lines(open_items, n, today)),
        {
            "type": "actions",
            "block_id": f"plan-submit-anyway-{view.key}",
            "elements": [button("Submit anyway", PlanActionId.SUBMIT_ANYWAY, view.key, style="primary")],
        },
        context(f"Or finish them first. You can also type `/deliverable submit {view.key} anyway`."),
    ]
    return message(f"{view.key} still has {n} open {noun}. Submit anyway?", blocks)


def submitted(result: SubmitResult) -> Message:
    """The reply to the person who submitted."""
    view = result.view
    blocks: list[Block] = [section(f"📨 *{view.key}*  {esc(view.title)} is submitted for review.")]
    if result.notify:
        blocks.append(context(f"I asked {user(view.reviewer)} ({view.reviewer_role}) to review it."))
    elif result.self_review:
        blocks.append(
            context(
                f"⚠️ You're its reviewer too, and nobody approves their own submission. "
                f"Name another approver: `/deliverable edit {view.key} approver @someone`."
            )
        )
    else:
        blocks.append(context(f"You're the only person on {view.key}, so you approve it when it's ready."))
        blocks.append(review_buttons(view))
    return message(f"{view.key} {esc(view.title)} is submitted for review.", blocks)


def review_request(result: SubmitResult, *, today: date) -> Message:
    """The DM asking the reviewer to approve: criteria, linked items, Approve / Request changes."""
    view = result.view
    facts = [f"Submitted by {user(view.submitted_by)}", f"owner {user(view.owner)}"]
    if view.milestone:
        when = f" ({day(view.milestone_due, today)})" if view.milestone_due else ""
        facts.append(f"for {view.milestone} {esc(view.milestone_title or '')}{when}")
    if view.due_date:
        facts.append(due_text(view.due_date, None, None, today=today))
    blocks: list[Block] = [
        section(f"📝 *Review requested:* *{view.key}*  {esc(view.title)}", block_id=f"{REVIEW_CARD_BLOCK}-{view.key}"),
        context(" · ".join(facts)),
    ]
    blocks += _criteria_blocks(view) or [context("No acceptance criteria were set.")]
    blocks += _items_blocks(view, result.items, today)
    blocks += _last_decision(view)
    blocks.append(review_buttons(view))
    return message(f"{user(view.submitted_by)} asks you to review {view.key} {esc(view.title)}", blocks)


def _reached(decision: Decision) -> list[Block]:
    if not decision.milestone_reached:
        return []
    return [section(f"🏁 *{decision.milestone_reached}*  {esc(decision.view.milestone_title or '')} is reached.")]


def decided(decision: Decision) -> Message:
    """The reviewer's answer (and what replaces the review card)."""
    view = decision.view
    if decision.approved:
        blocks: list[Block] = [
            section(f"✅ *{view.key}*  {esc(view.title)} is approved."),
            *note_blocks(view.decision_note),
            context(f"I told {user(view.owner)}."),
        ]
        text = f"{view.key} {esc(view.title)} is approved."
    else:
        blocks = [
            section(f"✏️ You asked for changes on *{view.key}*  {esc(view.title)}:\n{quote(view.decision_note or '')}"),
            context(f"I sent your reason to {user(view.owner)}."),
        ]
        text = f"Changes requested on {view.key} {esc(view.title)}."
    if decision.milestone_reached:
        text += f" {decision.milestone_reached} is reached."
    return message(text, blocks + _reached(decision))


def decision_notice(decision: Decision) -> Message:
    """The DM to the owner: approved, or what needs to change."""
    view = decision.view
    if decision.approved:
        blocks: list[Block] = [
            section(f"✅ {user(decision.decided_by)} approved *{view.key}*  {esc(view.title)}."),
            *note_blocks(view.decision_note),
        ]
        text = f"{view.key} {esc(view.title)} was approved."
    else:
        blocks = [
            section(
                f"✏️ {user(decision.decided_by)} requested changes on *{view.key}*  {esc(view.title)}:\n"
                + quote(view.decision_note or "")
            ),
            context(f"When it's ready, submit it again: `/deliverable submit {view.key}`."),
        ]
        text = f"Changes requested on {view.key} {esc(view.title)}: {esc(view.decision_note or '')}"
    return message(text, blocks + _reached(decision))


def deliverable_changed(view: DeliverableView, *, what: str, today: date) -> Message:
    """Cancelled or edited."""
    facts = _facts(view, today)
    return changed_message(view.key, view.title, what=what, facts=facts, cancelled=view.status == "cancelled")


def edited(result: EditResult, *, today: date) -> Message:
    """The reply to an edit."""
    names = {"due_date": "due date", "acceptance_criteria": "criteria"}
    changed = ", ".join(names.get(c, c) for c in result.changed) or "nothing"
    what = f"updated ({changed})" if result.changed else "unchanged"
    msg = deliverable_changed(result.view, what=what, today=today)
    if result.review_to:
        msg.blocks.append(context(f"It's waiting for review, so I asked {user(result.review_to)} to review it."))
    return msg


USAGE = [
    "*/deliverable* — tangible outputs someone approves",
    '• `/deliverable add <title> [for M-n|O-n] [owner @u] [approver @u] [due <date>] [criteria "<text>"]`',
    "• `/deliverable list [mine|review|@user|M-n|O-n|all]` — open ones by default",
    "• `/deliverable show D-n` — details, criteria, action items",
    "• `/deliverable edit D-n` (a form) or `edit D-n title|due|owner|approver|criteria|for <value>`",
    "• `/deliverable submit D-n` — asks the approver; `approve D-n`, `reject D-n <reason>`",
    "• `/deliverable cancel D-n`",
    "Link work to it with `/action add <title> for D-n`.",
]


def usage() -> Message:
    """`/deliverable` alone."""
    return usage_card("/deliverable", USAGE)
