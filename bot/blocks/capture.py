"""The one thread reply that confirms what a message captured."""

from __future__ import annotations

from datetime import date

from bot.blocks.cards import Message
from bot.blocks.common import Block, context, due_text, esc, owner, section
from bot.services.action_items import ItemView


def confirmation(items: list[ItemView], notes: list[str], *, today: date) -> Message | None:
    """`📝 Captured A-4, A-5` with a line per item; notes for lines taken differently or not at all."""
    if not items and not notes:
        return None
    blocks: list[Block] = []
    keys = ", ".join(i.key for i in items)
    if items:
        lines = [
            f"*{i.key}*  {esc(i.title)} — {owner(i.owner)} · {due_text(i.due_date, i.due_time, i.due_tz, today=today)}"
            for i in items[:20]
        ]
        if len(items) > 20:
            lines.append(f"…and {len(items) - 20} more")
        blocks.append(section(f"📝 Captured {len(items)} action item{'s' if len(items) != 1 else ''}: {keys}"))
        blocks.append(section("\n".join(lines)))
    for note in notes[:10]:
        blocks.append(context(f"⚠️ {esc(note)}"))
    text = f"Captured {keys}" if items else "Nothing captured"
    if notes:
        text += " — " + "; ".join(esc(n) for n in notes[:3])
    return Message(text=text, blocks=blocks)
