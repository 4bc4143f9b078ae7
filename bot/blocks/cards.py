"""Item cards and lists: the key first, then who, what, when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.blocks.common import Block, button, channel, context, due_text, esc, is_overdue, section, user
from bot.ids import ActionId
from bot.services.action_items import ItemList, ItemView


@dataclass(frozen=True)
class Message:
    """What we answer with: a plain-text fallback and Block Kit."""

    text: str
    blocks: list[Block]


def _item_line(item: ItemView, today: date, *, show_owner: bool = True) -> str:
    flag = " ⚠️ *overdue*" if item.status == "open" and is_overdue(item.due_date, today) else ""
    parts = [f"*{item.key}*  {esc(item.title)}"]
    meta = []
    if show_owner:
        meta.append(user(item.owner))
    meta.append(due_text(item.due_date, item.due_time, item.due_tz, today=today) + flag)
    if item.deliverable:
        meta.append(f"{item.deliverable} {esc(item.deliverable_title or '')}".strip())
    return parts[0] + "\n" + " · ".join(meta)


def _done_button(item: ItemView, viewer: str) -> Block | None:
    if item.status == "open" and viewer == item.owner:
        return button("Done", ActionId.ITEM_DONE, item.key, style="primary")
    return None


def added(items: list[ItemView], *, viewer: str, today: date, warnings: list[str]) -> Message:
    """The ephemeral reply to `/action add`."""
    blocks: list[Block] = []
    for item in items:
        meta = f"Owner {user(item.owner)} · {due_text(item.due_date, item.due_time, item.due_tz, today=today)}"
        if item.channel:
            meta += f" · {channel(item.channel)}"
        if item.deliverable:
            meta += f" · for {item.deliverable} {esc(item.deliverable_title or '')}"
        blocks.append(section(f"✅ *{item.key}*  {esc(item.title)}", accessory=_done_button(item, viewer)))
        blocks.append(context(meta))
    for w in warnings:
        blocks.append(context(f"⚠️ {esc(w)}"))
    keys = ", ".join(i.key for i in items)
    title = items[0].title if items else ""
    owners = ", ".join(user(i.owner) for i in items)
    return Message(text=f"Added {keys}: {title} (owner {owners})", blocks=blocks)


def completed(item: ItemView, *, today: date) -> Message:
    """The reply to `/action done` and the Done button."""
    text = f"☑️ *{item.key}*  ~{esc(item.title)}~ is done."
    blocks = [
        section(text),
        context(f"Owner {user(item.owner)} · was {due_text(item.due_date, item.due_time, item.due_tz, today=today)}"),
    ]
    return Message(text=f"{item.key} {item.title} is done.", blocks=blocks)


_SCOPE_TITLES = {
    "channel": "Open action items in {channel}",
    "mine": "Your open action items",
    "user": "Open action items for {user}",
    "overdue": "Overdue action items for {user}",
    "week": "Due in the next 7 days for {user}",
    "done": "Recently done by {user}",
}


def item_list(result: ItemList, *, viewer: str, today: date, channel_id: str | None, user_id: str | None) -> Message:
    """The reply to `/action list`: one line per item, Done buttons for the viewer's own."""
    heading = _SCOPE_TITLES[result.scope].format(
        channel=channel(channel_id), user="you" if user_id in (None, viewer) else user(user_id)
    )
    blocks: list[Block] = [section(f"*{heading}* ({result.total})")]
    if not result.items:
        hint = "Nothing here. Add one with `/action add <title> [@owner] [by <date>]`."
        blocks.append(context(hint))
        return Message(text=f"{heading}: none", blocks=blocks)
    for item in result.items:
        blocks.append(section(_item_line(item, today), accessory=_done_button(item, viewer)))
    if result.total > len(result.items):
        more = result.total - len(result.items)
        blocks.append(context(f"…and {more} more. Narrow it: `/action list overdue`, `week`, `mine` or `@someone`."))
    lines = [f"{i.key} {i.title}" for i in result.items]
    return Message(text=f"{heading} ({result.total}): " + "; ".join(lines), blocks=blocks)


def refusal(text: str) -> Message:
    """A one-line answer that says what to type instead."""
    return Message(text=text, blocks=[section(text)])


ACTION_USAGE = "\n".join(
    [
        "*/action* — track what people promised",
        "• `/action add <title> [@owner…] [by <date>] [for D-n]` — one item per owner; no mention: you own it",
        "• `/action list [mine|@user|overdue|week|done]` — this channel's open items by default",
        "• `/action done <A-n>` — mark it done",
        "Dates: `2026-12-02`, `today`, `tomorrow`, `Friday`, `next week`, `in 3 days`, `end of week`, `Dec 5`,"
        " with an optional time (`3pm`).",
    ]
)


def usage() -> Message:
    """`/action` alone."""
    return Message(text="How to use /action", blocks=[section(esc(ACTION_USAGE))])
