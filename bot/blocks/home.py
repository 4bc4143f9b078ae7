"""The App Home tab: my items by when, what I wait on, what awaits my review; under 100 blocks."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.blocks.cards import snooze_menu
from bot.blocks.common import Block, button, context, due_text, esc, is_overdue, owner, section, user
from bot.blocks.nudge import nudge_buttons
from bot.blocks.plan_common import day, forecast_phrase
from bot.ids import ActionId
from bot.services.action_items import ItemView
from bot.services.home import GROUPS, HomeData
from bot.services.milestones import MilestoneSummary

COLLAPSED = 5
EXPANDED = 30
MAX_BLOCKS = 100


def _item(item: ItemView, today: date) -> list[Block]:
    due = due_text(item.due_date, item.due_time, item.due_tz, today=today)
    flag = " ⚠️" if is_overdue(item.due_date, today) else ""
    extra = f" · 💤 until {item.snoozed_until:%b} {item.snoozed_until.day}" if item.snoozed_until else ""
    deliverable = f" · {item.deliverable}" if item.deliverable else ""
    line = f"*{item.key}*  {esc(item.title)}\n{due}{flag}{deliverable}{extra}"
    actions = {
        "type": "actions",
        "block_id": f"item:{item.key}",
        "elements": [
            button("Done", ActionId.ITEM_DONE, item.key, style="primary"),
            snooze_menu(item.key),
            button("Edit", ActionId.ITEM_EDIT, item.key),
        ],
    }
    return [section(line), actions]


def _waiting(waiting_on: list[ItemView], today: date) -> list[Block]:
    """What I wait on, a line each; a Nudge button for each overdue one (the owner is not me: see open_for_home)."""
    lines = [
        f"*{i.key}*  {owner(i.owner)}: {esc(i.title)} · {due_text(i.due_date, i.due_time, i.due_tz, today=today)}"
        + (" ⚠️" if is_overdue(i.due_date, today) else "")
        for i in waiting_on[:15]
    ]
    if len(waiting_on) > 15:
        lines.append(f"…and {len(waiting_on) - 15} more")
    late = [i for i in waiting_on[:15] if i.owner is not None and is_overdue(i.due_date, today)]
    return [
        {"type": "divider"},
        section(f"*Waiting on others* ({len(waiting_on)})"),
        section("\n".join(lines)),
        *nudge_buttons(late, "home:nudge"),
    ]


def _milestones(summaries: list[MilestoneSummary], today: date) -> list[Block]:
    """The milestones I own: when, and when the work will be done at the last 14 days' pace."""
    lines = []
    for s in summaries:
        v = s.view
        risk = " · ⚠️ at risk" if s.at_risk else ""
        lines.append(
            f"🏁 *{v.key}*  {esc(v.title)} · {day(v.due_date, today)}{risk}\n"
            f"      {forecast_phrase(s.forecast, v.due_date)}"
        )
    return [{"type": "divider"}, section("*Your milestones*"), section("\n".join(lines))]


def home_view(
    data: HomeData,
    reviews: list[Any],
    review_blocks: Any,
    *,
    today: date,
    expand: str | None,
    note: str | None = None,
) -> Block:
    """The published view; each group shows a few items and a "Show all" button; never over 100 blocks."""
    head: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your action items"}},
        {
            "type": "actions",
            "elements": [
                button("➕ New action item", ActionId.HOME_NEW_ITEM, "new", style="primary"),
                button("⚙️ Settings", ActionId.OPEN_SETTINGS, "settings"),
                button("↻ Refresh", ActionId.HOME_REFRESH, "refresh"),
            ],
        },
    ]
    if note:
        head.append(context(note))
    tail: list[Block] = []
    if reviews:
        tail += [{"type": "divider"}, section(f"*Awaiting your review* ({len(reviews)})")]
        for review in reviews[:5]:
            tail.append(section(f"*{review.key}*  {esc(review.title)} — submitted by {user(review.submitted_by)}"))
            tail.append(review_blocks(review))
    if data.waiting_on:
        tail += _waiting(data.waiting_on, today)
    if data.milestones:
        tail += _milestones(data.milestones, today)
    budget = MAX_BLOCKS - len(head) - len(tail)
    body: list[Block] = []
    if sum(len(v) for v in data.groups.values()) == 0:
        body.append(context("Nothing on your plate. Capture one with `/action add` or an `AI:` line in a channel."))
    groups = [g for g in GROUPS if data.groups[g]]
    for n, group in enumerate(groups):
        items = data.groups[group]
        reserve = 3 * (len(groups) - n - 1)  # room for the later groups' headings and "Show all"
        room = (budget - len(body) - reserve - 3) // 2
        shown = max(0, min(len(items), EXPANDED if expand == group else COLLAPSED, room))
        body += [{"type": "divider"}, section(f"*{group}* ({len(items)})")]
        for item in items[:shown]:
            body += _item(item, today)
        if len(items) > shown:
            more = button(f"Show all {len(items)}", ActionId.HOME_REFRESH, group)
            body.append({"type": "actions", "elements": [more]})
    return {"type": "home", "blocks": head + body + tail}
