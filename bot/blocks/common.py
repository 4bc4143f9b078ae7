"""Pieces every surface uses: escaping user text into mrkdwn, dates people read, small blocks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Block = dict[str, Any]
MAX_TEXT = 2900  # Slack refuses section text over 3,000 characters


def esc(text: str) -> str:
    """Escape user text for mrkdwn, so `R&D` reads right and `<!channel>` never pings."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int = MAX_TEXT) -> str:
    """Keep text under Slack's limits."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user(uid: str | None) -> str:
    """A user mention that renders as their name and does not notify in blocks we send."""
    return f"<@{uid}>" if uid else "nobody"


def owner(uid: str | None) -> str:
    """An item's owner: their mention, or "unassigned" for an item nobody has taken yet."""
    return f"<@{uid}>" if uid else "_unassigned_"


def channel(cid: str | None) -> str:
    """A channel reference."""
    return f"<#{cid}>" if cid else "a DM"


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_date(d: date) -> str:
    """Wed, Dec 2 (English whatever the process's locale; a list renders fifteen of these per answer)."""
    return f"{_DAY_NAMES[d.weekday()]}, {_MONTH_NAMES[d.month - 1]} {d.day}"


def relative(d: date, today: date) -> str:
    """in 3 days / today / tomorrow / 2 days ago."""
    delta = (d - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    return f"in {delta} days" if delta > 0 else f"{-delta} days ago"


def due_text(due_date: date | None, due_time: time | None, due_tz: str | None, *, today: date) -> str:
    """`due Wed, Dec 2 (in 3 days)`; a time renders in each reader's own zone via <!date>."""
    if due_date is None:
        return "no due date"
    label = f"{short_date(due_date)}" + ("" if due_date.year == today.year else f" {due_date.year}")
    if due_time is not None:
        zone = ZoneInfo(due_tz or "UTC")
        instant = datetime.combine(due_date, due_time, tzinfo=zone)
        fallback = f"{label} {due_time:%H:%M} {zone.key}"
        token = f"<!date^{int(instant.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"
        return f"due {token} ({relative(due_date, today)})"
    return f"due {label} ({relative(due_date, today)})"


def is_overdue(due_date: date | None, today: date) -> bool:
    """Due before today."""
    return due_date is not None and due_date < today


def section(text: str, accessory: Block | None = None, block_id: str | None = None) -> Block:
    """A mrkdwn section."""
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text)}}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def context(*texts: str) -> Block:
    """A context line (at most 10 elements)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(t)} for t in texts[:10]]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    """A button element."""
    b: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "action_id": action_id,
        "value": value,
    }
    if style:
        b["style"] = style
    return b


def days_between(a: date, b: date) -> int:
    """b - a in days."""
    return (b - a) // timedelta(days=1)
