"""The morning DM: the count first, then overdue / today / soon with Done and Snooze, then reviews and others."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from bot.blocks.cards import Message, item_actions
from bot.blocks.common import Block, context, due_text, esc, section, user
from bot.blocks.nudge import nudge_buttons
from bot.services.action_items import ItemView
from bot.services.nudges import SHOWN_DONE, SHOWN_ORPHANED, SHOWN_OWN, SHOWN_WAITING, Morning

MAX_OWN = SHOWN_OWN
MAX_BLOCKS = 50


def _count(n: int, what: str) -> str | None:
    return f"{n} {what}" if n else None


def _own(items: Sequence[ItemView], count: int, heading: str, m: Morning, budget: list[int]) -> list[Block]:
    """A section of the person's own items; its heading shows whenever it has items, listed or not."""
    if not count:
        return []
    if budget[0] <= 0:  # none fit: the heading says how many there are rather than standing empty
        return [section(f"*{heading}* · {count} not listed here")]
    today = m.recipient.local_date
    blocks: list[Block] = [section(f"*{heading}*")]
    for item in items:
        if budget[0] <= 0:
            break
        budget[0] -= 1
        by = f" · from {user(item.created_by)}" if item.created_by != item.owner else ""
        deliverable = f" · {item.deliverable} {esc(item.deliverable_title or '')}" if item.deliverable else ""
        due = due_text(item.due_date, item.due_time, item.due_tz, today=today)
        blocks.append(section(f"*{item.key}*  {esc(item.title)}\n{due}{by}{deliverable}"))
        actions = item_actions(item, item.owner or "")
        if actions:
            blocks.append(actions)
    return blocks


def morning_dm(m: Morning, review_blocks: Callable[[Any], Block]) -> Message:
    """Build the DM; within 50 blocks, with a pointer to the rest."""
    r = m.recipient
    name = r.person.display if r.person else "there"
    counts = [
        _count(m.overdue_count, "overdue"),
        _count(m.today_count, "due today"),
        _count(m.soon_count, f"due {m.soon_label}"),
        _count(len(m.reviews), "to review"),
    ]
    summary = ", ".join(c for c in counts if c) or "an update on what you asked of others"
    headline = f"Good morning, {esc(name)} — {summary}"
    blocks: list[Block] = [section(f"*{headline}*")]
    budget = [MAX_OWN]
    blocks += _own(m.overdue, m.overdue_count, "OVERDUE", m, budget)
    blocks += _own(m.today, m.today_count, "TODAY", m, budget)
    blocks += _own(m.soon, m.soon_count, m.soon_label.upper(), m, budget)
    own_total = m.overdue_count + m.today_count + m.soon_count
    if own_total > MAX_OWN:
        blocks.append(context(f"…and {own_total - MAX_OWN} more. See them all with `/action list mine`."))
    if m.reviews:
        blocks.append(section("*AWAITING YOUR REVIEW*"))
        for review in m.reviews[:3]:
            rv: Any = review
            blocks.append(section(f"*{rv.key}*  {esc(rv.title)} — submitted by {user(rv.submitted_by)}"))
            blocks.append(review_blocks(review))
        if len(m.reviews) > 3:
            blocks.append(context(f"…and {len(m.reviews) - 3} more. See `/deliverable list review`."))
    others: list[str] = []
    for item, late in m.waiting[:SHOWN_WAITING]:
        others.append(f"*{item.key}*  {user(item.owner)}: {esc(item.title)} — {late} working days overdue")
    for item in m.orphaned[:SHOWN_ORPHANED]:
        others.append(
            f"*{item.key}*  {esc(item.title)} — {user(item.owner)} is deactivated; reassign it with "
            f"`/action assign {item.key} @someone`"
        )
    if others:
        waiting = [item for item, _ in m.waiting[:SHOWN_WAITING]]
        blocks += [section("*WAITING ON OTHERS*"), section("\n".join(others)), *nudge_buttons(waiting, "morning:nudge")]
    if m.completed:
        done = [f"☑️ *{i.key}*  {esc(i.title)} — {user(i.owner)}" for i in m.completed[:SHOWN_DONE]]
        since = "LAST WEEK" if m.recipient.prefs.cadence == "mondays" else "YESTERDAY"
        blocks += [section(f"*DONE SINCE {since}*"), section("\n".join(done))]
    if m.stale_krs:
        lines = [
            f"*{k.key}*  {esc(k.metric)} — no check-in for a week: `/outcome checkin {k.key} <value>`"
            for k in m.stale_krs[:8]
        ]
        blocks += [section("*KEY RESULTS TO CHECK IN*"), section("\n".join(lines))]
    blocks.append(context("Change the hour, how often these come, your working days or holidays: `/action settings`"))
    text_parts = [f"{i.key} {esc(i.title)}" for i in [*m.overdue, *m.today, *m.soon][:5]]
    text = headline + (": " + "; ".join(text_parts) if text_parts else "")
    return Message(text=text, blocks=blocks[:MAX_BLOCKS])
