"""Modals: the item form (new, from a message, edit), snooze to a date, reassign, settings."""

from __future__ import annotations

import json
from datetime import date, time
from typing import Any

from bot.blocks.common import Block, context, esc
from bot.ids import ActionId, BlockId, CallbackId
from bot.services.settings import DAY_NAMES, PersonPrefs

VALUE = "value"


def _pt(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": True}


def _input(block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": _pt(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _pt(hint)
    return block


def _modal(callback_id: str, title: str, blocks: list[Block], submit: str, metadata: dict[str, Any]) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _pt(title[:24]),
        "submit": _pt(submit),
        "close": _pt("Cancel"),
        "private_metadata": json.dumps(metadata)[:3000],
        "blocks": blocks,
    }


def item_modal(
    *,
    metadata: dict[str, Any],
    title: str = "",
    owners: list[str] | None = None,
    due_date: date | None = None,
    due_time: time | None = None,
    deliverable: tuple[str, str] | None = None,
    note: str | None = None,
    editing: str | None = None,
) -> Block:
    """New (several owners) or edit (one owner) action item; the deliverable is an external_select."""
    title_el: Block = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "max_length": 500,
        "placeholder": _pt("Draft the project charter"),
    }
    if title:
        title_el["initial_value"] = title[:500]
    if editing:
        owner_el: Block = {"type": "users_select", "action_id": VALUE}
        if owners:
            owner_el["initial_user"] = owners[0]
    else:
        owner_el = {"type": "multi_users_select", "action_id": VALUE, "placeholder": _pt("You, if nobody")}
        if owners:
            owner_el["initial_users"] = owners[:10]
    date_el: Block = {"type": "datepicker", "action_id": VALUE}
    if due_date:
        date_el["initial_date"] = due_date.isoformat()
    time_el: Block = {"type": "timepicker", "action_id": VALUE}
    if due_time:
        time_el["initial_time"] = due_time.strftime("%H:%M")
    deliverable_el: Block = {
        "type": "external_select",
        "action_id": ActionId.DELIVERABLE_PICK,
        "min_query_length": 0,
        "placeholder": _pt("Search deliverables"),
    }
    if deliverable:
        deliverable_el["initial_option"] = {
            "text": _pt(f"{deliverable[0]} {deliverable[1]}"[:75]),
            "value": deliverable[0],
        }
    blocks: list[Block] = []
    if note:
        blocks.append(context(note))
    blocks += [
        _input(BlockId.TITLE, "What needs doing?", title_el),
        _input(BlockId.OWNERS, "Owner" if editing else "Owners (one item each)", owner_el, optional=not editing),
        _input(BlockId.DUE_DATE, "Due date", date_el, optional=True),
        _input(BlockId.DUE_TIME, "Due time", time_el, optional=True, hint="Leave empty: due at the end of the day."),
        _input(BlockId.DELIVERABLE, "Deliverable it produces", deliverable_el, optional=True),
    ]
    if not editing:
        blocks += _repeat_inputs()
    heading = f"Edit {editing}" if editing else "New action item"
    return _modal(CallbackId.ITEM_MODAL, heading, blocks, "Save" if editing else "Create", metadata)


REPEAT_CHOICES = ("every day", "every weekday", "every week", "every 2 weeks", "every month", "every year")


def _repeat_inputs() -> list[Block]:
    """Repeat: a common rule, or one typed as `/action add` reads it (`every first Monday at 10am`)."""
    options = [{"text": _pt(rule.capitalize()), "value": rule} for rule in REPEAT_CHOICES]
    select = {"type": "static_select", "action_id": VALUE, "placeholder": _pt("Doesn't repeat"), "options": options}
    typed = {"type": "plain_text_input", "action_id": VALUE, "placeholder": _pt("every last Friday at 4pm")}
    return [
        _input(BlockId.REPEAT, "Repeat", select, optional=True),
        _input(BlockId.REPEAT_TEXT, "…or say how it repeats", typed, optional=True, hint="Wins over the choice above."),
    ]


def snooze_modal(key: str, today: date) -> Block:
    """Pick the day reminders resume."""
    el = {"type": "datepicker", "action_id": VALUE, "initial_date": today.isoformat()}
    blocks = [
        context(f"No reminders about {esc(key)} until this day; its due date stays as it is."),
        _input(BlockId.SNOOZE_DATE, "Remind me again on", el),
    ]
    return _modal(CallbackId.SNOOZE_MODAL, f"Snooze {key}", blocks, "Snooze", {"key": key})


def reassign_modal(key: str, owner: str | None) -> Block:
    """Pick the new owner."""
    el: Block = {"type": "users_select", "action_id": VALUE}
    if owner:
        el["initial_user"] = owner
    blocks = [_input(BlockId.NEW_OWNER, "New owner", el)]
    verb = "Reassign" if owner else "Assign"  # nobody owns it yet
    return _modal(CallbackId.REASSIGN_MODAL, f"{verb} {key}", blocks, verb, {"key": key})


CAPTURE_CHOICES = (
    ("on", "People's messages: AI:/TODO: lines and action-item sections"),
    ("apps", "People's and apps' messages (meeting-notes tools)"),
    ("off", "Nothing"),
)


CADENCE_CHOICES = (
    ("daily", "Every working day"),
    ("mondays", "Mondays only: the week ahead, on the first working day of my week"),
    ("off", "Off (DMs about changes, reviews and due times still come)"),
)
LEAD_CHOICES = ((0, "Off"), (15, "15 minutes before"), (60, "1 hour before"), (1440, "1 day before"))
SWITCH_CHOICES = (
    ("skip_holidays", "Skip the morning DM on my public holidays"),
    ("done_now", "Tell me at once when items I gave others are done"),
)


def settings_modal(
    prefs: PersonPrefs, *, channel: str | None, capture: str | None, zone_country: str | None = None
) -> Block:
    """Morning DMs (hour, cadence, days, pause), the reminder before a due time, holidays, this channel's capture."""
    # `zone_country`: the holiday country of their time zone, shown when they never chose one.
    hours = [_option(f"{h:02d}:00", str(h)) for h in range(24)]
    hour_el = {
        "type": "static_select",
        "action_id": VALUE,
        "options": hours,
        "initial_option": hours[prefs.reminder_hour],
    }
    days = [_option(name.capitalize(), name) for name in DAY_NAMES]
    chosen = [days[d] for d in sorted(prefs.weekdays)]
    days_el = {"type": "checkboxes", "action_id": VALUE, "options": days, "initial_options": chosen}
    pause_el: Block = {"type": "datepicker", "action_id": VALUE}
    if prefs.paused_until:
        pause_el["initial_date"] = prefs.paused_until.isoformat()
    switches = [_option(label, value) for value, label in SWITCH_CHOICES]
    on = [s for s, flag in zip(switches, (prefs.skip_holidays, prefs.notify_done_now), strict=True) if flag]
    switch_el: Block = {"type": "checkboxes", "action_id": VALUE, "options": switches}
    if on:
        switch_el["initial_options"] = on
    country = (zone_country or "") if prefs.holiday_country is None else prefs.holiday_country
    country_el: Block = {"type": "plain_text_input", "action_id": VALUE, "max_length": 8, "placeholder": _pt("none")}
    if country:
        country_el["initial_value"] = country
    blocks = [
        _input(BlockId.REMINDER_HOUR, "Morning DM at (your time zone)", hour_el),
        _input(BlockId.CADENCE, "Morning DMs", _choice("radio_buttons", CADENCE_CHOICES, prefs.cadence)),
        _input(BlockId.WORKING_DAYS, "My working days", days_el),
        _input(BlockId.PAUSED_UNTIL, "Pause reminders until (holidays)", pause_el, optional=True),
        _input(
            BlockId.BEFORE_DUE,
            "Remind me before a due time",
            _choice("static_select", LEAD_CHOICES, prefs.remind_before_minutes),
            hint="A day ahead that falls on a day off comes at your morning hour on your last working day before.",
        ),
        _input(
            BlockId.HOLIDAY_COUNTRY,
            "My public holidays: country",
            country_el,
            optional=True,
            hint="Two letters (ISO 3166), e.g. DE, US, GB; empty or none: no public holidays.",
        ),
        _input(BlockId.SWITCHES, "Switches", switch_el, optional=True),
        *([_capture_input(capture)] if channel else []),
        context(
            "📅 Your deadlines in Google Calendar or Outlook: `/action settings calendar` gives the feed links; "
            "`/action settings calendar reset` revokes them."
        ),
    ]
    return _modal(CallbackId.SETTINGS_MODAL, "Followthrough settings", blocks, "Save", {"channel": channel})


def _option(label: str, value: str) -> Block:
    return {"text": _pt(label), "value": value}


def _choice(kind: str, choices: tuple[tuple[Any, str], ...], current: Any) -> Block:
    """A radio group or a select of `choices` (value, label) with `current` chosen."""
    options = [_option(label, str(value)) for value, label in choices]
    chosen = next((o for o in options if o["value"] == str(current)), options[0])
    return {"type": kind, "action_id": VALUE, "options": options, "initial_option": chosen}


def _capture_input(capture: str | None) -> Block:
    choices = [{"text": _pt(label), "value": value} for value, label in CAPTURE_CHOICES]
    chosen = next((c for c in choices if c["value"] == (capture or "on")), choices[0])
    el = {"type": "radio_buttons", "action_id": VALUE, "options": choices, "initial_option": chosen}
    return _input(BlockId.CAPTURE, "What this channel's capture reads (anyone here may change it)", el)


def state_value(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    """The submitted element state of one input block ({} when empty)."""
    values = view.get("state", {}).get("values", {})
    block = values.get(block_id) or {}
    if VALUE in block:
        return dict(block[VALUE])
    return dict(next(iter(block.values()), {}))
