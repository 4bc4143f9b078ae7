"""Bars, numbers, days and Slack's limits shared by the planning surfaces."""

from __future__ import annotations

from datetime import date

from bot.blocks.cards import Message
from bot.blocks.common import MAX_TEXT, Block, context, esc, section, short_date
from bot.services.progress import PACE_DAYS, Forecast

BAR_WIDTH = 10
MAX_BLOCKS = 45  # Slack allows 50; keep room for a footer


def bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    """`▓▓▓▓▓░░░░░ 2/4`."""
    filled = round(width * done / total) if total > 0 else 0
    filled = max(0, min(width, filled))
    return "▓" * filled + "░" * (width - filled) + f" {done}/{total}"


def percent_text(pct: float) -> str:
    """`40 %` (the real value, even beyond 0–100)."""
    return f"{round(pct)} %"


def percent_bar(pct: float, width: int = BAR_WIDTH) -> str:
    """`▓▓▓▓░░░░░░ 40 %`: the bar held within 0–100, the number as it is."""
    filled = round(width * min(100.0, max(0.0, pct)) / 100)
    return "▓" * filled + "░" * (width - filled) + f" {percent_text(pct)}"


def number(value: float) -> str:
    """2 / 2.6 / 1200 / 0.125 — no trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def amount(value: float, unit: str | None) -> str:
    """`2.6 %`, `1200 signups`."""
    return f"{number(value)} {esc(unit)}" if unit else number(value)


def day(d: date, today: date) -> str:
    """`Fri, Dec 18` (with the year when it is not this one)."""
    return short_date(d) + ("" if d.year == today.year else f" {d.year}")


def forecast_phrase(f: Forecast, due: date) -> str:
    """`at this pace: Dec 22, 4 days after the milestone` (or all done, or too little history to say)."""
    if f.remaining == 0:
        return "at this pace: all done"
    if f.too_little_history:
        n = f.completions
        return f"at this pace: too little history ({n} completion{'s' if n != 1 else ''} in the last {PACE_DAYS} days)"
    if f.finish is None:
        return "at this pace: not within five years"
    gap = (f.finish - due).days
    when = f"{f.finish:%b} {f.finish.day}" + ("" if f.finish.year == due.year else f", {f.finish.year}")
    if gap == 0:
        return f"at this pace: {when}, the milestone's day"
    side = "after" if gap > 0 else "before"
    return f"at this pace: {when}, {abs(gap)} day{'s' if abs(gap) != 1 else ''} {side} the milestone"


def quote(text: str) -> str:
    """User text as a mrkdwn quote."""
    return "\n".join("> " + esc(line) for line in text.splitlines() or [""])


def line_sections(lines: list[str], *, limit: int = MAX_TEXT) -> list[Block]:
    """Lines packed into as few sections as fit Slack's text limit."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) + 1 > limit:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def message(text: str, blocks: list[Block]) -> Message:
    """A Message, held under Slack's 50-block limit."""
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], context(f"…and {len(blocks) - MAX_BLOCKS + 1} more blocks.")]
    # User text is escaped where it is put in; this is the last line of defence for the notification text.
    return Message(text=text.replace("<!", "&lt;!"), blocks=blocks)


def note_blocks(note: str | None) -> list[Block]:
    """`Note: “…”` under a decision or a check-in, when there is one."""
    return [context(f"Note: “{esc(note)}”")] if note else []


def changed_message(key: str, title: str, *, what: str, facts: str, cancelled: bool) -> Message:
    """`✏️ *D-4*  Title updated (due date).` (🚫 when cancelled) with the record's facts under it."""
    icon = "🚫" if cancelled else "✏️"
    blocks = [section(f"{icon} *{key}*  {esc(title)} {what}."), context(facts)]
    return message(f"{key} {esc(title)} {what}.", blocks)
