"""The DM before a timed due, and how long is left in words."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from bot.blocks.cards import Message, item_actions
from bot.blocks.common import Block, due_text, esc, section
from bot.services.action_items import ItemView
from bot.services.before_due import due_instant


def time_left(delta: timedelta) -> str:
    """`40 minutes`, `1 hour`, `3 hours`, `1 day`, `3 days` (rounded up to the minute, then to the nearest unit)."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    if minutes < 23 * 60 + 30:
        hours = round(minutes / 60)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days = round(minutes / 1440)
    return f"{days} day{'s' if days != 1 else ''}"


def due_soon(item: ItemView, now: datetime) -> str | None:
    """`Due in 40 minutes.` for an item due within a day (its assignment DM says so), else None."""
    due = due_instant(item.due_date, item.due_time, item.due_tz)
    if due is None or not now < due <= now + timedelta(days=1):
        return None
    return f"Due in {time_left(due - now)}."


def before_due_dm(item: ItemView, *, due: datetime, now: datetime, today: date) -> Message:
    """`⏰ In 1 hour: A-12 Call the venue — due …` with the owner's Done and Snooze (`today`: the owner's date)."""
    left = time_left(due - now)
    when = due_text(item.due_date, item.due_time, item.due_tz, today=today)
    blocks: list[Block] = [section(f"⏰ In {left}: *{item.key}*  {esc(item.title)} — {when}")]
    actions = item_actions(item, item.owner or "")
    if actions:
        blocks.append(actions)
    return Message(text=f"In {left}: {item.key} {esc(item.title)}", blocks=blocks)
