"""Which days a person's morning DM comes (§6: cadence, skip my public holidays) and when done notices go at once."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.capture.date_types import default_holiday_country
from bot.services import people, settings
from bot.services.settings import PersonPrefs, parse_working_days


@lru_cache(maxsize=256)
def working_weekdays(working_days: str) -> frozenset[int]:
    """Working days as weekday numbers (Mon=0), parsed once per distinct setting."""
    return parse_working_days(working_days)


def country_of(prefs: PersonPrefs, zone: str | None) -> str | None:
    """The holiday country in force: the one chosen ("" none), else the default of their time zone."""
    if prefs.holiday_country is not None:
        return prefs.holiday_country.upper() or None
    return default_holiday_country(zone)


@lru_cache(maxsize=512)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """A country's public holidays of one year (none for a country the `holidays` package does not know)."""
    import holidays  # imported on first use: it loads every country's tables

    try:
        return frozenset(holidays.country_holidays(country, years=year))
    except (NotImplementedError, KeyError, ValueError):
        return frozenset()


def is_holiday(country: str | None, day: date) -> bool:
    """True on a public holiday of `country` (never without one)."""
    return country is not None and day in public_holidays(country, day.year)


@lru_cache(maxsize=256)
def week_start(working_days: str) -> int:
    """The weekday a person's week starts: the working day after their longest run of days off (ties: earliest)."""
    # Mon–Fri starts on Monday, Sun–Thu on Sunday; with no day off the week starts on Monday.
    days = working_weekdays(working_days)
    best, best_gap = 0, 0
    for start in sorted(days):
        gap = 0
        while (start - gap - 1) % 7 not in days and gap < 7:
            gap += 1
        if gap > best_gap:
            best, best_gap = start, gap
    return best


def week_of(day: date, working_days: str) -> tuple[date, date]:
    """The first and last day of the person's week that holds `day`."""
    first = day - timedelta(days=(day.weekday() - week_start(working_days)) % 7)
    return first, first + timedelta(days=6)


def morning_day(prefs: PersonPrefs, day: date, country: str | None) -> bool:
    """True when a morning DM goes on `day`, one of the person's working days, by their cadence and holidays."""
    if prefs.cadence == "off":
        return False
    skipped = prefs.skip_holidays and country is not None
    if skipped and is_holiday(country, day):
        return False
    if prefs.cadence != "mondays":
        return True
    # Mondays only: the first working day of their week — or, when that is a holiday they skip, the first one after.
    days = working_weekdays(prefs.working_days)
    d = week_of(day, prefs.working_days)[0]
    while d < day:
        if d.weekday() in days and not (skipped and is_holiday(country, d)):
            return False
        d += timedelta(days=1)
    return True


def next_morning_is_tomorrows(prefs: PersonPrefs, local: datetime, country: str | None) -> bool:
    """True when a morning DM comes at the next chance: today's (its hour still ahead) or the next working day's."""
    days = working_weekdays(prefs.working_days)
    today = local.date()
    if today.weekday() in days and local.hour < prefs.reminder_hour:
        return morning_day(prefs, today, country)
    day = today + timedelta(days=1)
    while day.weekday() not in days:
        day += timedelta(days=1)
    return morning_day(prefs, day, country)


def done_notice_now(session: Session, team_id: str, user_id: str, now: datetime, default_tz: ZoneInfo) -> bool:
    """True when someone hears at once that an item they gave was done, rather than in their next morning DM."""
    # At once when they chose so, or when no morning DM comes at the next chance to carry it (cadence off, not the
    # first day of their week, a public holiday they skip). A pause keeps it for the first DM after the pause.
    prefs = settings.prefs(session, team_id, user_id)
    if prefs.notify_done_now:
        return True
    person = people.cached(session, team_id, [user_id]).get(user_id)
    tz = person.zone(default_tz) if person is not None else default_tz
    return not next_morning_is_tomorrows(prefs, now.astimezone(tz), country_of(prefs, tz.key))
