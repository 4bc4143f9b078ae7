"""Dates that name a day of the calendar: "Dec 5", "12/5", "20261205", "the 15th", "first Monday of January"."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from bot.capture.date_calendar import (
    first_on_or_after,
    last_day,
    month_add,
    month_day_or_none,
    next_in_years,
    next_weekday,
    nth_weekday,
    quarter_end,
    working_day_of_month,
)
from bot.capture.date_grammar import Words, one_word
from bot.capture.date_types import DateError, When
from bot.capture.date_words import MONTH_NAMES, MONTHS, WEEKDAY_NAMES

Months = tuple[tuple[int, int], ...]  # candidate (year, month)s, first that gives a day not past wins; one: fixed
MakeDay = Callable[[int, int], date | None]

_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_COMPACT_RE = re.compile(r"((?:19|20|21)\d{2})(\d{2})(\d{2})")
_SHORT_RE = re.compile(r"(\d{1,2})/(\d{1,2})")  # "10.30" is a time, not October 30
_LONG_RE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")


def spoken(day: date) -> str:
    """ "Saturday, December 5, 2026": how a reading is named back to the person."""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def readings(phrase: str, *days: date) -> DateError:
    """The refusal for a phrase that means more than one day."""
    return DateError(phrase, readings=tuple(spoken(day) for day in days))


def next_month_day(today: date, month: int, day: int, phrase: str) -> date:
    """The next `month` `day` not before today (Feb 29: the next leap year's); refused when no year has it."""
    if month_day_or_none(2000, month, day) is None:
        raise DateError(phrase, impossible=True)
    found = next_in_years(today, lambda year: month_day_or_none(year, month, day))
    if found is None:
        raise DateError(phrase, impossible=True)
    return found


def fixed_day(year: int, month: int, day: int, phrase: str) -> date:
    """A day of a given year, refused when it does not exist."""
    found = month_day_or_none(year, month, day)
    if found is None:
        raise DateError(phrase, impossible=True)
    return found


def numeric_date(word: str) -> tuple[int | None, int, int, bool] | None:
    """A date in digits: (year or None, first number, second number, whether it is year-month-day)."""
    for pattern in (_ISO_RE, _COMPACT_RE):
        m = pattern.fullmatch(word)
        if m:
            return int(m.group(1)), int(m.group(2)), int(m.group(3)), True
    m = _LONG_RE.fullmatch(word)
    if m:
        year = int(m.group(4))
        return (year + 2000 if year < 100 else year), int(m.group(1)), int(m.group(3)), False
    m = _SHORT_RE.fullmatch(word)
    return (None, int(m.group(1)), int(m.group(2)), False) if m else None


def resolve_numeric(when: When, value: tuple[int | None, int, int, bool]) -> date:
    """ "12/5" is month/day, "13/12" day/month; with a year, both ways that exist are two readings."""
    year, first, second, iso = value
    word = "/".join(str(n) for n in (first, second, year) if n is not None)
    if year is None:
        month, day = (second, first) if first > 12 >= second else (first, second)
        return next_month_day(when.today, month, day, word)
    if iso:
        return fixed_day(year, first, second, word)
    ways = {d for d in (month_day_or_none(year, first, second), month_day_or_none(year, second, first)) if d}
    if not ways:
        raise DateError(word, impossible=True)
    if len(ways) > 1:
        raise readings(word, *sorted(ways))
    return ways.pop()


def pick(when: When, months: Months, make: MakeDay, phrase: str) -> date:
    """The day `make` gives in the first candidate month where it is not past (the only one, past or not)."""
    days = [make(year, month) for year, month in months]
    found = days[0] if len(days) == 1 else first_on_or_after(when.today, days)
    if found is None:
        raise DateError(phrase, impossible=True)
    return found


def month_spec(words: Words, i: int, when: When) -> tuple[Months, int] | None:
    """The month a phrase ends with: "January", "Jan 2027", "the month", "this month", "next month"."""
    rest, today = " ".join(words[i:]), when.today
    if rest in ("month", "current month"):
        return tuple(month_add(today.year, today.month, k) for k in range(3)), len(words)
    if rest == "this month":
        return ((today.year, today.month),), len(words)
    if rest in ("next month", "following month"):
        return (month_add(today.year, today.month, 1),), len(words)
    tail = words[i:]
    if len(tail) == 1 and tail[0] in MONTHS:
        return ((today.year, MONTHS[tail[0]]), (today.year + 1, MONTHS[tail[0]])), len(words)
    if len(tail) == 2 and tail[0] in MONTHS and tail[1].isdigit() and len(tail[1]) == 4:
        return ((int(tail[1]), MONTHS[tail[0]]),), len(words)
    return None


def _day_of(day: int, phrase: str) -> MakeDay:
    return lambda year, month: month_day_or_none(year, month, day)


def the_nth(when: When, day: int) -> date:
    """ "The 15th": this month's if not past, else next month's; two readings when this month is too short."""
    today, phrase = when.today, f"the {day}"
    if day >= today.day:
        this = month_day_or_none(today.year, today.month, day)
        if this is not None:
            return this
        later = pick(when, tuple(month_add(today.year, today.month, k) for k in range(1, 3)), _day_of(day, ""), phrase)
        raise readings(phrase, last_day(today.year, today.month), later)
    return pick(when, tuple(month_add(today.year, today.month, k) for k in range(1, 3)), _day_of(day, ""), phrase)


def day_in(when: When, day: int, months: Months) -> date:
    """ "The 5th of December", "the 15th of next month"."""
    return pick(when, months, _day_of(day, ""), f"the {day}")


def nth_weekday_in(when: When, nth: int, weekday: int, months: Months | None = None) -> date:
    """ "First Monday of January", "last Friday of the month", "the second Tuesday"."""
    months = months or tuple(month_add(when.today.year, when.today.month, k) for k in range(3))
    return pick(when, months, lambda y, m: nth_weekday(y, m, weekday, nth), "nth weekday")


def edge_of_month(when: When, first: bool, months: Months | None = None) -> date:
    """ "Last day of the month", "first day of next month"."""
    months = months or tuple(month_add(when.today.year, when.today.month, k) for k in range(3))
    return pick(when, months, lambda y, m: date(y, m, 1) if first else last_day(y, m), "month")


def working_edge(when: When, first: bool, months: Months | None = None) -> date:
    """ "Last business day of the month", "first working day of next month"."""
    months = months or tuple(month_add(when.today.year, when.today.month, k) for k in range(3))
    nth = 1 if first else -1
    return pick(when, months, lambda y, m: working_day_of_month(y, m, nth, when.working_days), "working day")


def mid_month(when: When, months: Months) -> date:
    """ "Mid-December": the 15th."""
    return pick(when, months, _day_of(15, ""), "mid-month")


def whole_month(when: When, month: int, year: int | None = None) -> date:
    """A month alone ("by March") means its first day or its last: refused naming both."""
    today = when.today
    year = year or (today.year if last_day(today.year, month) >= today else today.year + 1)
    raise readings(MONTH_NAMES[month - 1], date(year, month, 1), last_day(year, month))


def quarter(when: When, q: int, year: int | None = None, end: bool = True) -> date:
    """The end (or start) of Q1-Q4: of this year while its end is not past, else of next year."""
    today = when.today
    year = year or (today.year if quarter_end(today.year, q) >= today else today.year + 1)
    return quarter_end(year, q) if end else date(year, q * 3 - 2, 1)


def quarter_readings(when: When, q: int, year: int | None = None) -> date:
    """A quarter alone ("by Q3") means its start or its end: refused naming both."""
    raise readings(f"Q{q}", quarter(when, q, year, end=False), quarter(when, q, year))


def with_weekday(when: When, weekday: int, day: date) -> date:
    """ "Friday, Dec 5": the date, when it is that weekday; otherwise the date and the next such weekday."""
    if day.weekday() != weekday:
        raise readings(spoken(day), day, next_weekday(when.today, weekday))
    return day


def weekday_the_nth(when: When, weekday: int, day: int) -> date:
    """ "Friday the 13th": the next 13th that is a Friday."""
    months = (month_add(when.today.year, when.today.month, k) for k in range(0, 15 * 12))
    days = (month_day_or_none(y, m, day) for y, m in months)
    found = first_on_or_after(when.today, (d for d in days if d and d.weekday() == weekday))
    if found is None:
        raise DateError(f"{WEEKDAY_NAMES[weekday]} the {day}", impossible=True)
    return found


def _edge(word: str) -> bool | None:
    return {"first": True, "start": True, "beginning": True, "early": True}.get(word) or (
        False if word in ("last", "end", "late") else None
    )


SLOTS = {
    "MSPEC": month_spec,
    "NUMDATE": one_word(numeric_date),
    "EDGE": one_word(_edge),
    # "end of day" is today, "end of business day" 17:00: only first/last name a month's first or last day.
    "FIRSTLAST": one_word({"first": True, "last": False}.get),
}
_WORKDAY = "business|working|work day|days"


def _month_day(w: When, m: int, d: int) -> date:
    return next_month_day(w.today, m, d, f"{MONTH_NAMES[m - 1]} {d}")


def _fixed(w: When, m: int, d: int, y: int) -> date:
    return fixed_day(y, m, d, f"{MONTH_NAMES[m - 1]} {d}, {y}")


TABLE: list[tuple[str, Callable[..., date]]] = [
    ("NUMDATE", resolve_numeric),
    ("MON DAY", _month_day),
    ("DAY MON", lambda w, d, m: _month_day(w, m, d)),
    ("MON DAY YEAR", _fixed),
    ("DAY MON YEAR", lambda w, d, m, y: _fixed(w, m, d, y)),
    ("WD MON DAY", lambda w, wd, m, d: with_weekday(w, wd, _month_day(w, m, d))),
    ("WD DAY MON", lambda w, wd, d, m: with_weekday(w, wd, _month_day(w, m, d))),
    ("WD MON DAY YEAR", lambda w, wd, m, d, y: with_weekday(w, wd, _fixed(w, m, d, y))),
    ("WD DAY MON YEAR", lambda w, wd, d, m, y: with_weekday(w, wd, _fixed(w, m, d, y))),
    ("WD NUMDATE", lambda w, wd, v: with_weekday(w, wd, resolve_numeric(w, v))),
    ("WD ORD", weekday_the_nth),
    ("ORD", the_nth),
    ("ORD day? in? MSPEC", day_in),
    ("NTH WD in? MSPEC", nth_weekday_in),
    ("NTH WD", nth_weekday_in),
    ("FIRSTLAST day in? MSPEC", edge_of_month),
    ("FIRSTLAST day", edge_of_month),
    ("EDGE MSPEC", edge_of_month),
    (f"FIRSTLAST {_WORKDAY} in? MSPEC", working_edge),
    (f"FIRSTLAST {_WORKDAY}", working_edge),
    ("FIRSTLAST workday|weekday in? MSPEC", working_edge),
    ("FIRSTLAST workday|weekday", working_edge),
    ("mid|middle MSPEC", mid_month),
    ("MON YEAR?", whole_month),
    ("next MON", lambda w, m: whole_month(w, m, w.today.year + (m <= w.today.month))),
    ("end Q YEAR?", quarter),
    ("Q YEAR? end", quarter),
    ("start|beginning Q YEAR?", lambda w, q, y: quarter(w, q, y, end=False)),
    ("Q YEAR?", quarter_readings),
    ("end DATE", lambda w, base: base),
]
