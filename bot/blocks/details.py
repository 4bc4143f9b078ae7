"""`/action show`: an item's details and the history of its changes."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.cards import Message, item_actions
from bot.blocks.common import Block, channel, context, due_text, esc, owner, section, user
from bot.blocks.nudge import nudge_button
from bot.services.action_items import ItemView
from bot.services.item_changes import HistoryEntry

_MAX_HISTORY = 15


def _value(v: Any) -> str:
    if v is None:
        return "none"
    if isinstance(v, str) and v.startswith(("U", "W")) and v[1:].isalnum() and v.isupper():
        return user(v)
    return esc(str(v))


def _describe(entry: HistoryEntry) -> str:
    before, after = entry.before or {}, entry.after or {}
    if entry.change == "created":
        return "created it"
    changes = [
        f"{k.replace('_', ' ')} {_value(before.get(k))} → {_value(after.get(k))}"
        for k in after
        if before.get(k) != after.get(k)
    ]
    return f"{entry.change}" + (f": {', '.join(changes)}" if changes else "")


def _may_nudge(item: ItemView, viewer: str) -> bool:
    """Open, someone else's, and the viewer asked for it (or an app did, so anyone may)."""
    return item.status == "open" and item.owner not in (None, viewer) and (viewer == item.created_by or item.by_app)


def item_details(item: ItemView, history: list[HistoryEntry], *, viewer: str, today: date, tz: ZoneInfo) -> Message:
    """Title, the facts as fields, the buttons the viewer may press, then the history."""
    fields = [
        f"*Owner*\n{owner(item.owner)}",
        f"*Status*\n{item.status}",
        f"*Due*\n{due_text(item.due_date, item.due_time, item.due_tz, today=today).removeprefix('due ')}",
        f"*Created by*\n{user(item.created_by)}",
        f"*Where*\n{channel(item.channel)}",
        f"*Deliverable*\n{item.deliverable + ' ' + esc(item.deliverable_title or '') if item.deliverable else 'none'}",
    ]
    if item.snoozed_until:
        fields.append(f"*Snoozed until*\n{item.snoozed_until:%a, %b} {item.snoozed_until.day}")
    blocks: list[Block] = [
        section(f"*{item.key}*  {esc(item.title)}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields[:10]]},
    ]
    actions = item_actions(item, viewer, in_list=True)
    if _may_nudge(item, viewer):
        actions = actions or {"type": "actions", "block_id": f"item:{item.key}", "elements": []}
        actions["elements"].append(nudge_button(item.key))
    if actions:
        blocks.append(actions)
    lines = [f"{e.at.astimezone(tz):%b %-d %H:%M} · {user(e.by)} {_describe(e)}" for e in history[-_MAX_HISTORY:]]
    if len(history) > _MAX_HISTORY:
        lines.insert(0, f"…{len(history) - _MAX_HISTORY} earlier changes")
    blocks.append(context("*History*\n" + "\n".join(lines) if lines else "No history yet."))
    return Message(text=f"{item.key} {esc(item.title)} — {item.status}, owner {owner(item.owner)}", blocks=blocks)
