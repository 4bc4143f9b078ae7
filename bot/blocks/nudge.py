"""Nudges: the owner's DM (who waits, on what, how late; Done and Snooze), the nudger's answer, the button."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.cards import Message, snooze_menu
from bot.blocks.common import Block, button, due_text, esc, section, user
from bot.ids import ActionId
from bot.services.action_items import ItemView
from bot.services.nudging import Nudge

MAX_BUTTONS = 25  # Slack's limit of elements in one actions block


def nudge_button(key: str, *, label: str = "👋 Nudge") -> Block:
    """The Nudge button of one item."""
    return button(label, ActionId.ITEM_NUDGE, key)


def nudge_buttons(items: Sequence[ItemView], block_id: str) -> list[Block]:
    """One actions block with a "Nudge A-n" button per item (none when there are no items)."""
    if not items:
        return []
    elements = [nudge_button(i.key, label=f"👋 Nudge {i.key}") for i in items[:MAX_BUTTONS]]
    return [{"type": "actions", "block_id": block_id, "elements": elements}]


def _lateness(n: Nudge) -> str:
    item = n.item
    if n.late_days:
        return f"{n.late_days} day{'s' if n.late_days != 1 else ''} overdue"
    return due_text(item.due_date, item.due_time, item.due_tz, today=n.owner_today)


def nudge_dm(n: Nudge) -> Message:
    """`👋 @alice is waiting on A-7  Send the signed SOW — 3 days overdue  [Done] [Snooze ▾]`."""
    item = n.item
    line = f"👋 {user(n.by)} is waiting on *{item.key}*  {esc(item.title)} — {_lateness(n)}"
    actions: Block = {
        "type": "actions",
        "block_id": f"item:{item.key}",
        "elements": [button("Done", ActionId.ITEM_DONE, item.key, style="primary"), snooze_menu(item.key)],
    }
    text = f"{user(n.by)} is waiting on {item.key} {esc(item.title)} — {_lateness(n)}"
    return Message(text=text, blocks=[section(line), actions])


def nudged(n: Nudge) -> Message:
    """The nudger's ephemeral answer."""
    item = n.item
    text = f"👋 Nudged {user(n.owner)} about *{item.key}*  {esc(item.title)} — they get a DM now with Done and Snooze."
    return Message(text=text, blocks=[section(text)])
