"""Item cards and lists: the key first, then who, what, when; buttons only where a person acts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from bot.blocks.common import Block, button, channel, clip, context, due_text, esc, is_overdue, owner, section, user
from bot.capture.recurrence_words import describe
from bot.ids import ActionId
from bot.services.action_items import ItemList, ItemView


@dataclass(frozen=True)
class Message:
    """What we answer with: a plain-text fallback and Block Kit."""

    text: str
    blocks: list[Block]


def snooze_menu(key: str) -> Block:
    """Snooze ▾: 1 day, next Monday, or pick a date."""
    options = [("1 day", "1d"), ("Until next Monday", "monday"), ("Pick a date…", "pick")]
    return {
        "type": "static_select",
        "action_id": ActionId.ITEM_SNOOZE,
        "placeholder": {"type": "plain_text", "text": "Snooze", "emoji": True},
        "options": [{"text": {"type": "plain_text", "text": label}, "value": f"{v}|{key}"} for label, v in options],
    }


def item_actions(
    item: ItemView, viewer: str, *, in_list: bool = False, undo: bool = False, list_ctx: str | None = None
) -> Block | None:
    """Take it for an unassigned item; Done and Snooze for the owner; Edit (Reassign in lists) for who may change it."""
    # Who may change: the owner, the creator, and for an item captured from an app's message anyone who sees it.
    if item.status != "open":
        return None
    elements: list[Block] = []
    if item.owner is None:
        elements.append(button("Take it", ActionId.ITEM_TAKE, item.key, style="primary"))
    if viewer == item.owner:
        elements += [button("Done", ActionId.ITEM_DONE, item.key, style="primary"), snooze_menu(item.key)]
    if viewer in (item.owner, item.created_by) or item.by_app:
        elements.append(button("Edit", ActionId.ITEM_EDIT, item.key))
    if in_list and (viewer in (item.owner, item.created_by) or item.by_app or item.owner is None):
        elements.append(button("Assign" if item.owner is None else "Reassign", ActionId.ITEM_REASSIGN, item.key))
    if undo and viewer in (item.owner, item.created_by):
        elements.append(button("Undo", ActionId.ITEM_UNDO, item.key))
    if not elements:
        return None
    # `list_ctx` (scope|user|offset) rides in the block_id so a click can redraw the list page it came from.
    block_id = f"item:{item.key}" + (f"|{list_ctx}" if list_ctx else "")
    return {"type": "actions", "block_id": block_id[:255], "elements": elements}


def _meta(item: ItemView, today: date, *, show_owner: bool = True, show_channel: bool = False) -> str:
    overdue = item.status == "open" and is_overdue(item.due_date, today)
    parts = []
    if show_owner:
        parts.append(f"Owner {owner(item.owner)}")
    parts.append(due_text(item.due_date, item.due_time, item.due_tz, today=today) + (" ⚠️ *overdue*" if overdue else ""))
    if item.recurrence:
        parts.append(f"🔁 {esc(describe(item.recurrence))}")
    if item.snoozed_until and item.status == "open":
        parts.append(f"💤 snoozed until {item.snoozed_until:%a, %b} {item.snoozed_until.day}")
    if show_channel and item.channel:
        parts.append(channel(item.channel))
    if item.deliverable:
        parts.append(f"for *{item.deliverable}* {esc(item.deliverable_title or '')}".rstrip())
    return " · ".join(parts)


def card(item: ItemView, *, viewer: str, today: date, icon: str = "", undo: bool = False) -> list[Block]:
    """One item: key and title, then owner · due · channel, then the buttons the viewer may press."""
    title = f"~{esc(item.title)}~" if item.status != "open" else esc(item.title)
    blocks = [
        section(f"{icon + ' ' if icon else ''}*{item.key}*  {title}"),
        context(_meta(item, today, show_channel=True)),
    ]
    actions = item_actions(item, viewer, undo=undo)
    if actions:
        blocks.append(actions)
    return blocks


def added(items: list[ItemView], *, viewer: str, today: date, warnings: list[str]) -> Message:
    """The ephemeral reply to `/action add`."""
    blocks: list[Block] = []
    for item in items[:15]:
        blocks += card(item, viewer=viewer, today=today, icon="✅", undo=True)
    if len(items) > 15:
        blocks.append(context(f"…and {len(items) - 15} more: {', '.join(i.key for i in items[15:])}"))
    for w in warnings[:5]:
        blocks.append(context(f"⚠️ {esc(w)}"))
    keys = ", ".join(i.key for i in items)
    owners = ", ".join(owner(i.owner) for i in items)
    return Message(text=f"Added {keys}: {esc(items[0].title) if items else ''} (owner {owners})", blocks=blocks)


def changed(item: ItemView, *, viewer: str, today: date, what: str, icon: str = "✏️") -> Message:
    """The answer after a change: what happened, then the card as it is now."""
    blocks = [context(f"{icon} {what}"), *card(item, viewer=viewer, today=today)]
    return Message(text=f"{item.key} {esc(item.title)}: {what}", blocks=blocks)


def completed(item: ItemView, *, today: date) -> Message:
    """The reply to `/action done` and the Done button."""
    blocks = [
        section(f"☑️ *{item.key}*  ~{esc(item.title)}~ is done."),
        context(f"Owner {owner(item.owner)} · was {due_text(item.due_date, item.due_time, item.due_tz, today=today)}"),
    ]
    following = next_occurrence_line(item, today)
    if following:
        blocks.append(context(following))
    return Message(
        text=f"{item.key} {esc(item.title)} is done." + (f" {following}" if following else ""), blocks=blocks
    )


def next_occurrence_line(item: ItemView, today: date) -> str | None:
    """`🔁 Next: A-13, due Mon, Dec 14` after an occurrence of a series is done or skipped."""
    if not item.next_key:
        return None
    return f"🔁 Next: *{item.next_key}*, {due_text(item.next_due, item.due_time, item.due_tz, today=today)}"


def assigned_dm(item: ItemView, *, by: str, today: date, soon: str | None = None) -> Message:
    """The DM someone gets when another person assigns them an item (`soon`: how soon it is due, within a day)."""
    # An app's meeting notes assign nobody: the notes named you (the app is only the messenger).
    said = f"📝 The meeting notes in {channel(item.channel)} give you" if item.by_app else f"📥 {user(by)} assigned you"
    blocks = [section(f"{said} an action item"), *card(item, viewer=item.owner or "", today=today)]
    if soon:
        blocks.insert(1, context(f"⏰ {soon}"))
    return Message(text=f"{said.split(' ', 1)[1]} {item.key}: {esc(item.title)}", blocks=blocks)


def done_notice(item: ItemView, *, by: str, today: date) -> Message:
    """Told to an item's creator when someone else finishes it."""
    text = f"✅ {user(by)} finished *{item.key}*  {esc(item.title)}"
    return Message(text=f"{item.key} {esc(item.title)} is done", blocks=[section(text), context(_meta(item, today))])


_SCOPE_TITLES = {
    "channel": "Open action items in {channel}",
    "mine": "Your open action items",
    "user": "Open action items for {user}",
    "overdue": "Overdue action items for {user}",
    "week": "Due in the next 7 days for {user}",
    "done": "Recently done by {user}",
    "unassigned": "Unassigned action items you can take",
}


def item_list(
    result: ItemList,
    *,
    viewer: str,
    today: date,
    channel_id: str | None,
    user_id: str | None,
    offset: int = 0,
    note: str | None = None,
) -> Message:
    """One page of items sorted by due date: a line each, with the viewer's buttons, and a next-page button."""
    heading = _SCOPE_TITLES[result.scope].format(
        channel=channel(channel_id), user="you" if user_id in (None, viewer) else user(user_id)
    )
    blocks: list[Block] = [section(f"*{heading}* ({result.total})")]
    if note:
        blocks.append(context(note))
    if not result.items:
        blocks.append(context(esc("Nothing here. Add one with `/action add <title> [@owner] [by <date>]`.")))
        return Message(text=f"{heading}: none", blocks=blocks)
    for item in result.items:
        blocks.append(section(f"*{item.key}*  {esc(item.title)}\n{_meta(item, today)}"))
        actions = item_actions(item, viewer, in_list=True, list_ctx=f"{result.scope}|{user_id or ''}|{offset}")
        if actions:
            blocks.append(actions)
    shown_to = offset + len(result.items)
    if result.total > shown_to:
        value = json.dumps({"scope": result.scope, "user": user_id, "offset": shown_to})
        blocks.append(context(f"Showing {offset + 1}–{shown_to} of {result.total}."))
        blocks.append({"type": "actions", "elements": [button("Next page ▸", ActionId.LIST_PAGE, value)]})
    lines = [f"{i.key} {esc(i.title)}" for i in result.items]
    return Message(text=f"{heading} ({result.total}): " + "; ".join(lines), blocks=blocks)


def refusal(text: str) -> Message:
    """A one-line answer that says what to type instead."""
    # It may echo what was typed: no special mention may survive, and no word however long may pass Slack's limits.
    safe = clip(text.replace("<!", "&lt;!"))
    return Message(text=safe, blocks=[section(safe)])


CAPTURE_READS = {
    "on": "I read people's messages: lines starting AI:, Action item:, TODO: or [ ], and action-item sections of "
    "meeting notes. Apps' messages are not read (`/action settings capture apps` reads them too).",
    "apps": "I read people's messages and the meeting notes apps post here (their action-item sections).",
    "off": "I read nothing here. `/action settings capture on` turns it back on.",
}


def capture_reads(mode: str) -> str:
    """What capture reads in a channel set to `mode`, in a sentence or two."""
    return CAPTURE_READS[mode]


def usage_card(command: str, lines: list[str]) -> Message:
    """The answer to a command typed alone: what it does and its verbs, one a line."""
    return Message(text=f"How to use {command}", blocks=[section(esc("\n".join(lines)))])


ACTION_USAGE = [
    "*/action* — track what people promised",
    "• `/action add <title> [@owner…] [by <date>] [for D-n]` — one item per owner (a @group: per member);"
    " no mention: you own it",
    "• `/action list [mine|@user|overdue|week|done|unassigned]` — this channel's open items by default",
    "• `/action show A-12` — details and history",
    "• `/action list unassigned` — items nobody owns yet · `/action take A-12` — make one yours",
    "• `/action done|reopen|cancel A-12` · `/action assign A-12 @dana` · `/action due A-12 Friday`",
    "• `/action snooze A-12 [date]` — no reminders until then (default: tomorrow) · `/action edit A-12`",
    "• `/action nudge A-12` — remind its owner that you are waiting on it (once a day)",
    "• Repeating: `/action add Send the report every Friday` or `… repeat monthly` · `/action skip A-12` — skip"
    " this one, keep the series · `/action cancel A-12` ends it",
    "• `/action settings` — your reminder hour, working days, holidays; capture on|off|apps for this channel",
    "Dates as you say them: `Friday at 5`, `next Tuesday`, `end of quarter`, `in 2 hours`, `the 15th`,"
    " `3pm PT`, `by Christmas`… (the README lists them all)",
]


def usage() -> Message:
    """`/action` alone."""
    return usage_card("/action", ACTION_USAGE)
