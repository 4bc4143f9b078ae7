"""Per-person reminder settings and per-channel capture switches."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from bot.capture.dates import When
from bot.clock import Clock
from bot.errors import BadInput
from bot.services.common import Actor, audit
from storage.models import ChannelSettings, PersonSettings
from storage.repositories import settings as settings_rows

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CADENCES = {"daily": "every working day", "mondays": "Mondays only", "off": "off"}
LEADS = {0: "off", 15: "15 minutes before", 60: "1 hour before", 1440: "1 day before"}


@dataclass(frozen=True)
class PersonPrefs:
    """A person's reminder preferences (defaults when never set)."""

    # In `storage.repositories.morning.settings`' column order: the sweep builds these from rows by position.
    reminder_hour: int = 9
    working_days: str = "mon-fri"
    paused_until: date | None = None
    cadence: str = "daily"
    notify_done_now: bool = False
    skip_holidays: bool = False
    holiday_country: str | None = None  # None: from their time zone; "": none
    remind_before_minutes: int = 60

    @property
    def weekdays(self) -> frozenset[int]:
        """Working days as weekday numbers (Mon=0)."""
        return parse_working_days(self.working_days)


def parse_working_days(text: str) -> frozenset[int]:
    """`mon-fri`, `sun-thu`, `mon,tue,thu` -> weekday numbers; raises BadInput when unreadable."""
    days: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip().lower()):
        if not part:
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            if start[:3] not in DAY_NAMES or end[:3] not in DAY_NAMES:
                raise BadInput(f'"{text}" isn\'t a list of working days. Try "mon-fri" or "sun-thu".')
            i, j = DAY_NAMES.index(start[:3]), DAY_NAMES.index(end[:3])
            while True:
                days.add(i)
                if i == j:
                    break
                i = (i + 1) % 7
        elif part[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(part[:3]))
        else:
            raise BadInput(f'"{text}" isn\'t a list of working days. Try "mon-fri" or "sun-thu".')
    if not days:
        raise BadInput("Pick at least one working day, e.g. mon-fri.")
    return frozenset(days)


def format_working_days(days: frozenset[int]) -> str:
    """Weekday numbers back to the shortest text (`mon-fri`, `sun-thu`, `mon,wed`)."""
    ordered = sorted(days)
    for start in range(7):
        run = [(start + k) % 7 for k in range(len(ordered))]
        if sorted(run) == ordered:
            return DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def prefs(session: Session, team_id: str, user_id: str) -> PersonPrefs:
    """What this person chose (or the defaults)."""
    row = session.get(PersonSettings, (team_id, user_id))
    if row is None:
        return PersonPrefs()
    return PersonPrefs(**{name: getattr(row, name) for name in PersonPrefs.__dataclass_fields__})


def save_prefs(session: Session, clock: Clock, actor: Actor, new: PersonPrefs) -> PersonPrefs:
    """Store a person's preferences after checking them."""
    if not 0 <= new.reminder_hour <= 23:
        raise BadInput("The reminder hour is 0–23, e.g. 9 for 09:00.")
    if new.cadence not in CADENCES:
        raise BadInput("Morning DMs are `daily`, `mondays` or `off`.")
    if new.remind_before_minutes not in LEADS:
        raise BadInput("A reminder before a timed due is `off`, `15m`, `1h` or `1d` before it.")
    days = format_working_days(parse_working_days(new.working_days))
    country = None if new.holiday_country is None else holiday_country(new.holiday_country)
    new = replace(new, working_days=days, holiday_country=country)
    row = session.get(PersonSettings, (actor.team_id, actor.user_id)) or PersonSettings(
        team_id=actor.team_id, user_id=actor.user_id
    )
    before = prefs(session, actor.team_id, actor.user_id)
    for name, value in new.__dict__.items():
        setattr(row, name, value)
    row.updated_at = clock.now()
    session.add(row)
    audit(
        session,
        clock,
        actor,
        actor.user_id,
        "settings",
        before=before.__dict__,
        after=new.__dict__,
    )
    return prefs(session, actor.team_id, actor.user_id)


def holiday_country(text: str) -> str:
    """An ISO 3166 code whose public holidays we know, upper-cased ("" for none); raises BadInput naming it."""
    code = text.strip().upper()
    if code in ("", "NONE"):
        return ""
    if code not in supported_countries():
        shown = text.strip()[:20]
        raise BadInput(f'"{shown}" isn\'t a country I know public holidays for. Try a code like DE, US or GB, or none.')
    return code


@lru_cache(maxsize=1)
def supported_countries() -> frozenset[str]:
    """The two-letter ISO 3166 codes the `holidays` package has tables for."""
    import holidays  # imported on first use: it loads every country's tables

    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


CAPTURE_MODES = settings_rows.CAPTURE_MODES


def capture_mode(session: Session | Connection, team_id: str, channel: str) -> str:
    """What capture reads in a channel: `on` (people's messages, the default), `apps` (theirs too) or `off`."""
    return settings_rows.capture_mode(session, team_id, channel)


def set_capture(session: Session, clock: Clock, actor: Actor, channel: str, mode: str) -> bool:
    """Set what capture reads in a channel (anyone in it may); False when it already read that."""
    if mode not in settings_rows.CAPTURE_MODES:
        raise BadInput("Capture is `on` (people's messages), `apps` (meeting-notes apps' too) or `off`.")
    row = session.get(ChannelSettings, (actor.team_id, channel)) or ChannelSettings(
        team_id=actor.team_id, channel=channel
    )
    before = row.capture
    row.capture, row.updated_by, row.updated_at = mode, actor.user_id, clock.now()
    session.add(row)
    audit(session, clock, actor, channel, "capture", before={"capture": before}, after={"capture": mode})
    return before != mode


def _pause_words(until: date | None) -> str:
    return f"paused until {until:%a, %b} {until.day}" if until else "not paused"


def _country_words(code: str | None, zone_country: str | None) -> str:
    if code is None:
        return f"{zone_country}, from your time zone" if zone_country else "none (your time zone has none)"
    return code or "none"


# Each setting: its name in an answer, and its value in words (`zone_country`: the default of their time zone).
_WORDS: dict[str, tuple[str, Callable[[Any, str | None], str]]] = {
    "reminder_hour": ("Morning DM hour", lambda v, _: f"{v:02d}:00"),
    "cadence": ("Morning DMs", lambda v, _: CADENCES.get(v, v)),
    "working_days": ("Working days", lambda v, _: str(v)),
    "paused_until": ("Reminders", lambda v, _: _pause_words(v)),
    "skip_holidays": ("Skip my public holidays", lambda v, _: "on" if v else "off"),
    "holiday_country": ("Holiday country", _country_words),
    "remind_before_minutes": ("Reminder before a timed due", lambda v, _: LEADS.get(v, f"{v} minutes before")),
    "notify_done_now": ("Done notices", lambda v, _: "at once" if v else "in my morning DM"),
}


def describe_changes(before: PersonPrefs, after: PersonPrefs, zone_country: str | None) -> list[str]:
    """One sentence per setting that changed: `Morning DMs: Mondays only (was every working day).`"""
    lines = []
    for name, (label, words) in _WORDS.items():
        old, new = getattr(before, name), getattr(after, name)
        if old != new:
            lines.append(f"{label}: {words(new, zone_country)} (was {words(old, zone_country)}).")
    return lines


def describe(prefs: PersonPrefs, name: str, zone_country: str | None) -> str:
    """One setting as it stands: `Morning DMs: Mondays only`."""
    label, words = _WORDS[name]
    return f"{label}: {words(getattr(prefs, name), zone_country)}"


_ON_OFF = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
_CADENCE_WORDS = {"daily": "daily", "every": "daily", "mondays": "mondays", "monday": "mondays", "weekly": "mondays"}
_LEAD_WORDS = {"off": 0, "0": 0, "none": 0, "15m": 15, "15": 15, "15min": 15, "15minutes": 15, "1h": 60, "60": 60}
_LEAD_WORDS |= {"60m": 60, "1hour": 60, "hour": 60, "1d": 1440, "24h": 1440, "1440": 1440, "1day": 1440, "day": 1440}


def typed_change(prefs: PersonPrefs, name: str, value: str) -> tuple[str, PersonPrefs]:
    """`/action settings <name> <value>` read into (the setting it changes, the new preferences); BadInput if not."""
    word = value.strip().lower()
    if name == "cadence" and (word in _CADENCE_WORDS or word == "off"):
        return "cadence", replace(prefs, cadence=_CADENCE_WORDS.get(word, "off"))
    if name == "reminders" and word in _ON_OFF:
        # The morning cadence's old switch: on keeps Mondays only, else every working day.
        on = "mondays" if prefs.cadence == "mondays" else "daily"
        return "cadence", replace(prefs, cadence=on if _ON_OFF[word] else "off")
    if name == "holidays" and word in _ON_OFF:
        return "skip_holidays", replace(prefs, skip_holidays=_ON_OFF[word])
    if name == "country" and word:
        return "holiday_country", replace(prefs, holiday_country=None if word == "auto" else holiday_country(value))
    if name == "before" and word.replace(" ", "") in _LEAD_WORDS:
        return "remind_before_minutes", replace(prefs, remind_before_minutes=_LEAD_WORDS[word.replace(" ", "")])
    raise BadInput(TYPED_USAGE.get(name, TYPED_USAGE[""]))


TYPED_USAGE = {
    "cadence": "Morning DMs: `/action settings cadence daily|mondays|off`.",
    "reminders": "Morning DMs on or off: `/action settings reminders on|off` (or `cadence daily|mondays|off`).",
    "holidays": "No morning DM on your public holidays: `/action settings holidays on|off`.",
    "country": "Your holiday country: `/action settings country DE` (two letters), `none`, or `auto` (your zone's).",
    "before": "Before a timed due: `/action settings before off|15m|1h|1d`.",
    "": "Try `/action settings` (opens your settings), `cadence daily|mondays|off`, `holidays on|off`, "
    "`country <code>|none|auto`, `before off|15m|1h|1d`, `capture on|off|apps` or `calendar [reset]`.",
}


def reading_moment(session: Session, clock: Clock, actor: Actor) -> When:
    """When the actor's date words are read: now in their zone, with their working days and holiday country."""
    mine = prefs(session, actor.team_id, actor.user_id)
    return When(now=clock.now().astimezone(actor.tz), working_days=mine.weekdays, holiday_country=mine.holiday_country)
