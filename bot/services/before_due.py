"""Reminders before a timed due (§6): who hears about which item now, found with one read whatever the item count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.services.action_items import ItemView
from bot.services.cadence import working_weekdays
from storage.repositories import outbox, reminders

KIND = "before-due"
DEFAULT_LEAD = 60  # minutes, for someone who never changed their settings
DAY = 1440
# How far ahead the sweep reads: a 1-day lead moved back to the last working day before a week of days off, plus a
# day either side for the zones.
LOOK_AHEAD = timedelta(days=8)


@dataclass(frozen=True)
class Reminder:
    """One reminder due now: whom, about which item, and the due instant it is for."""

    team_id: str
    owner: str
    item: ItemView
    due: datetime
    today: date  # the owner's local date

    @property
    def slot(self) -> str:
        """Once per item and due instant: a re-dated item gets a new one."""
        return f"{self.item.key}@{self.due.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


@lru_cache(maxsize=512)
def zone(key: str | None, default: ZoneInfo) -> ZoneInfo:
    """The named zone, or `default` when there is none or it is unknown."""
    if not key:
        return default
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def due_instant(due_date: date | None, due_time: time | None, due_tz: str | None) -> datetime | None:
    """When a timed item is due (its time in the zone it was given in; UTC when none was kept)."""
    if due_date is None or due_time is None:
        return None
    return datetime.combine(due_date, due_time, tzinfo=zone(due_tz, ZoneInfo("UTC")))


def reminder_time(due: datetime, lead: int, tz: ZoneInfo, working_days: str, reminder_hour: int) -> datetime:
    """When the reminder goes: `lead` minutes before; a day's lead falling on a day off moves to the hour before."""
    # …to the owner's reminder hour on their last working day before that day off.
    at = due - timedelta(minutes=lead)
    days = working_weekdays(working_days)
    local = at.astimezone(tz)
    if lead < DAY or local.weekday() in days:
        return at
    day = local.date() - timedelta(days=1)
    for _ in range(6):
        if day.weekday() in days:
            break
        day -= timedelta(days=1)
    return datetime.combine(day, time(reminder_hour), tzinfo=tz)


def _quiet(row: Any, today: date) -> bool:
    """The owner is gone or paused, or the item is snoozed: no reminder."""
    if row.owner_gone:
        return True
    paused = row.paused_until is not None and today < row.paused_until
    return paused or (row.snoozed_until is not None and today < row.snoozed_until)


def _reminder(row: Any, now: datetime, default_tz: ZoneInfo) -> Reminder | None:
    """The reminder one row is due now, or None."""
    lead = DEFAULT_LEAD if row.lead is None else row.lead
    due = due_instant(row.due_date, row.due_time, row.due_tz)
    if not lead or due is None or due <= now:
        return None
    tz = zone(row.owner_tz, default_tz)
    today = now.astimezone(tz).date()
    if _quiet(row, today):
        return None
    hour = 9 if row.reminder_hour is None else row.reminder_hour
    at = reminder_time(due, lead, tz, row.working_days or "mon-fri", hour)
    # An item created or changed (re-dated, reassigned) after its reminder time gets none: its assignment DM or the
    # answer to the change said when it is due.
    if now < at or (row.updated_at or row.created_at) > at:
        return None
    return Reminder(row.team_id, row.owner, ItemView.from_row(row), due, today)


def due_now(session: Session, now: datetime, default_tz: ZoneInfo) -> list[Reminder]:
    """Every reminder due at `now` and not queued yet: one read of the items, one of the claims."""
    rows = reminders.timed_items(session, (now - timedelta(days=1)).date(), (now + LOOK_AHEAD).date())
    found = [r for row in rows if (r := _reminder(row, now, default_tz)) is not None]
    if not found:
        return []
    taken = outbox.slots_taken(session, kinds=[KIND], slots={r.slot for r in found})
    return [r for r in found if (r.team_id, r.owner, KIND, r.slot) not in taken]
