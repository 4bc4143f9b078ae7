"""The one thread reply that confirms what a message captured: items grouped by owner, notes, Undo all."""

from __future__ import annotations

from datetime import date

from bot.blocks.cards import Message
from bot.blocks.common import Block, button, context, due_text, esc, owner, section
from bot.ids import ActionId
from bot.services.action_items import ItemView

SHOWN_ITEMS = 20  # beyond this, counts per owner and a pointer to /action list (Slack allows 50 blocks)
SHOWN_NOTES = 10


def source_id(channel: str, ts: str) -> str:
    """The captured message as a button value and block id: `channel|ts`."""
    return f"{channel}|{ts}"


def _line(item: ItemView, today: date) -> str:
    title = esc(item.title) if item.status == "open" else f"~{esc(item.title)}~ ({item.status})"
    return f"*{item.key}*  {title} · {due_text(item.due_date, item.due_time, item.due_tz, today=today)}"


def _groups(items: list[ItemView]) -> dict[str | None, list[ItemView]]:
    groups: dict[str | None, list[ItemView]] = {}
    for item in items:
        groups.setdefault(item.owner, []).append(item)
    return groups


def _item_blocks(items: list[ItemView], today: date, source: str) -> list[Block]:
    """A section per owner; an unassigned item gets its own line with Take it while it is open."""
    blocks: list[Block] = []
    for who, mine in _groups(items).items():
        if who is not None:
            blocks.append(section(f"{owner(who)}\n" + "\n".join(f"• {_line(i, today)}" for i in mine)))
            continue
        blocks.append(section("*Unassigned* — anyone here can take these"))
        for item in mine:
            block = section(f"• {_line(item, today)}")
            if item.status == "open" and item.owner is None:
                block["accessory"] = button("Take it", ActionId.ITEM_TAKE, item.key)
                block["block_id"] = f"capture:{source}:{item.key}"[:255]
            blocks.append(block)
    return blocks


def _counts(items: list[ItemView]) -> list[Block]:
    parts = [f"{owner(who)}: {len(mine)}" for who, mine in _groups(items).items()]
    return [section(" · ".join(parts)), context("See them all with `/action list` in this channel.")]


def confirmation(
    items: list[ItemView], notes: list[str], *, today: date, source: str, undone: str | None = None
) -> Message | None:
    """`📝 Captured 4 action items`, grouped by owner, with notes for entries not placed or read, and Undo all."""
    if not items and not notes:
        return None
    keys = ", ".join(i.key for i in items)
    count = f"{len(items)} action item{'s' if len(items) != 1 else ''}"
    blocks: list[Block] = [section(f"📝 Captured {count}: {keys}" if items else "📝 Nothing captured")]
    blocks += _item_blocks(items, today, source) if len(items) <= SHOWN_ITEMS else _counts(items)
    for note in notes[:SHOWN_NOTES]:  # notes quote what people wrote (escaped) beside our own words and mentions
        blocks.append(context(f"⚠️ {note}"))
    if len(notes) > SHOWN_NOTES:
        blocks.append(context(f"…and {len(notes) - SHOWN_NOTES} more notes."))
    if undone:
        blocks.append(context(f"↩️ {undone}"))  # built by us: keys and a mention
    elif any(i.status == "open" for i in items):
        undo = button("Undo all", ActionId.CAPTURE_UNDO, source)
        blocks.append({"type": "actions", "block_id": f"capture:{source}"[:255], "elements": [undo]})
    text = f"Captured {keys}" if items else "Nothing captured"
    if notes:
        text += " — " + "; ".join(notes[:3])
    return Message(text=text, blocks=blocks)
