"""The words of a repeating rule ("every other Monday", "monthly on the 15th") -> RFC 5545 rule parts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time
from typing import Any

from bot.capture.date_calendar import month_day_or_none
from bot.capture.date_grammar import BASIC_SLOTS, Words, compile_table, first_match, nth, one_word
from bot.capture.date_types import DateError, When
from bot.capture.date_words import WEEKDAYS_IN_RULES, ordinal
from bot.capture.holidays_named import NAMED

Parts = dict[str, Any]  # FREQ, INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS; "_AT": a day part's time
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_JOINERS = {"and", "or", "to"}
_PART_TIMES = {"morning": time(9), "afternoon": time(15), "evening": time(18), "night": time(18)}


def _weekday_list(words: Words, i: int, when: When) -> tuple[tuple[int, ...], int] | None:
    """ "Monday", "mon and thu", "Mon, Wed, Fri", "Tue to Thu": weekdays in order, without repeats."""
    days: list[int] = []
    j, ranged = i, False
    while j < len(words) and (words[j] in WEEKDAYS_IN_RULES or (words[j] in _JOINERS and days)):
        word = words[j]
        if word in WEEKDAYS_IN_RULES:
            day = WEEKDAYS_IN_RULES[word]
            days += list(range(days[-1] + 1, day + 1)) if ranged and day > days[-1] else [day]
        ranged = word == "to"
        j += 1
    while j > i and words[j - 1] in _JOINERS:
        j -= 1
    return (tuple(sorted(set(days))), j) if days else None


def _month_days(words: Words, i: int, when: When) -> tuple[tuple[int, ...], int] | None:
    """ "15th", "1st and 15th", "1st, 15th": days of the month written as ordinals."""
    days: list[int] = []
    j = i
    while j < len(words) and (ordinal(words[j]) or (words[j] == "and" and days)):
        n = ordinal(words[j])
        if n is not None:
            days.append(n)
        j += 1
    if not days or words[j - 1] == "and" or any(not 1 <= d <= 31 for d in days):
        return None
    return tuple(sorted(set(days))), j


def _nths(words: Words, i: int, when: When) -> tuple[tuple[int, ...], int] | None:
    """ "first and third", "2nd and 4th": which of a month's weekdays, two or more."""
    found: list[int] = []
    j = i
    while j < len(words) and (nth(words[j]) is not None or (words[j] == "and" and found)):
        n = nth(words[j])
        if n is not None:
            found.append(n)
        j += 1
    if len(found) < 2 or words[j - 1] == "and":
        return None
    return tuple(found), j


def _fixed_holiday(words: Words, i: int, when: When) -> tuple[tuple[int, int], int] | None:
    """A holiday on the same day every year ("Christmas"), as (month, day)."""
    make = NAMED.get(" ".join(words[i:]))
    days = [make(year) for year in (2025, 2026)] if make else []
    if len(days) == 2 and days[0] and days[1] and (days[0].month, days[0].day) == (days[1].month, days[1].day):
        return (days[0].month, days[0].day), len(words)
    return None


SLOTS = BASIC_SLOTS | {
    "WDS": _weekday_list,
    "DAYS": _month_days,
    "NTHS": _nths,
    "HOLIDAY": _fixed_holiday,
    "PART": one_word(_PART_TIMES.get),
}


def _codes(days: Sequence[int]) -> list[str]:
    return [DAY_CODES[d] for d in sorted(days)]


def _daily(n: int = 1) -> Callable[..., Parts]:
    return lambda when, *_: {"FREQ": "DAILY", "INTERVAL": n}


def _every(freq: str, n: float = 1) -> Parts | None:
    return {"FREQ": freq, "INTERVAL": int(n)} if n == int(n) and 1 <= n <= 999 else None


def _weekly(when: When, days: Sequence[int], n: float = 1) -> Parts | None:
    parts = _every("WEEKLY", n)
    return parts and parts | {"BYDAY": _codes(days)}


def _working_days(when: When, n: float = 1) -> Parts | None:
    return _weekly(when, sorted(when.working_days) or range(5), n)


def _monthly_on(when: When, days: Sequence[int], n: float = 1) -> Parts | None:
    parts = _every("MONTHLY", n)
    # "The 31st" every month means its last day: months without a 31st would otherwise be skipped.
    return parts and parts | {"BYMONTHDAY": [-1 if d == 31 else d for d in days]}


def _nth_weekday(when: When, which: int | Sequence[int], weekday: int, n: float = 1) -> Parts | None:
    parts = _every("MONTHLY", n)
    nths = [which] if isinstance(which, int) else list(which)
    return parts and parts | {"BYDAY": [f"{k}{DAY_CODES[weekday]}" for k in nths]}


def _working_edge(when: When, first: bool) -> Parts:
    days = _codes(sorted(when.working_days) or range(5))
    return {"FREQ": "MONTHLY", "INTERVAL": 1, "BYDAY": days, "BYSETPOS": 1 if first else -1}


def _yearly_on(when: When, month: int, day: int) -> Parts:
    if month_day_or_none(2000, month, day) is None:  # 2000 was a leap year: Feb 29 is a rule, Feb 30 never occurs
        raise DateError(f"every {month}/{day}", impossible=True)
    return {"FREQ": "YEARLY", "INTERVAL": 1, "BYMONTH": month, "BYMONTHDAY": [day]}


_MONTH = "every|each? month?"
_WORKDAY = "weekday|weekdays|workday|workdays"
_BUSINESS = "business|working|work day|days"
_TABLE = compile_table(
    [
        ("day|days|daily|everyday", _daily()),
        ("once a|an|per|each|every day", _daily()),
        ("nightly", lambda w: {"FREQ": "DAILY", "INTERVAL": 1, "_AT": _PART_TIMES["night"]}),
        ("once a|an|per|each|every week", lambda w: _every("WEEKLY")),
        ("once a|an|per|each|every month", lambda w: _every("MONTHLY")),
        ("once a|an|per|each|every year", lambda w: _every("YEARLY")),
        ("once a|an|per|each|every quarter", lambda w: _every("MONTHLY", 3)),
        ("other day", _daily(2)),
        ("N days", lambda w, n: _every("DAILY", n)),
        ("ORD day", lambda w, n: _every("DAILY", n)),
        ("PART", lambda w, at: {"FREQ": "DAILY", "INTERVAL": 1, "_AT": at}),
        (_WORKDAY, _working_days),
        (_BUSINESS, _working_days),
        ("weekend|weekends", lambda w: _weekly(w, (5, 6))),
        ("weekend day|days", lambda w: _weekly(w, (5, 6))),
        ("week|weekly", lambda w: _every("WEEKLY")),
        ("other week|weeks", lambda w: _every("WEEKLY", 2)),
        ("fortnight|fortnightly|biweekly", lambda w: _every("WEEKLY", 2)),
        ("N weeks", lambda w, n: _every("WEEKLY", n)),
        ("ORD week", lambda w, n: _every("WEEKLY", n)),
        ("on? WDS", _weekly),
        ("week|weekly on WDS", _weekly),
        ("other WDS", lambda w, days: _weekly(w, days, 2)),
        ("N WDS", lambda w, n, days: _weekly(w, days, n)),
        ("other week on WDS", lambda w, days: _weekly(w, days, 2)),
        ("fortnight|fortnightly|biweekly on WDS", lambda w, days: _weekly(w, days, 2)),
        ("N weeks on WDS", lambda w, n, days: _weekly(w, days, n)),
        ("month|monthly", lambda w: _every("MONTHLY")),
        ("other month", lambda w: _every("MONTHLY", 2)),
        ("bimonthly", lambda w: _every("MONTHLY", 2)),
        ("N months", lambda w, n: _every("MONTHLY", n)),
        ("quarter|quarterly", lambda w: _every("MONTHLY", 3)),
        ("N quarters", lambda w, n: _every("MONTHLY", 3 * n)),
        ("semiannual|semiannually|halfyearly", lambda w: _every("MONTHLY", 6)),
        ("semi annual|annually", lambda w: _every("MONTHLY", 6)),
        ("half year", lambda w: _every("MONTHLY", 6)),
        ("year|yearly|annual|annually", lambda w: _every("YEARLY")),
        ("other year", lambda w: _every("YEARLY", 2)),
        ("biannual|biannually|biyearly", lambda w: _every("YEARLY", 2)),
        ("N years", lambda w, n: _every("YEARLY", n)),
        (f"on? DAYS {_MONTH}", _monthly_on),
        ("month|monthly on DAYS", _monthly_on),
        ("N months on DAYS", lambda w, n, days: _monthly_on(w, days, n)),
        ("other month on DAYS", lambda w, days: _monthly_on(w, days, 2)),
        (f"on? last day {_MONTH}", lambda w: _monthly_on(w, (31,))),
        ("month|monthly on last day", lambda w: _monthly_on(w, (31,))),
        (f"on? first day {_MONTH}", lambda w: _monthly_on(w, (1,))),
        (f"on? NTH WD {_MONTH}", _nth_weekday),
        (f"on? NTHS WD {_MONTH}", _nth_weekday),
        ("month|monthly on NTH WD", _nth_weekday),
        ("N months on NTH WD", lambda w, n, nth, wd: _nth_weekday(w, nth, wd, n)),
        (f"on? first {_WORKDAY} {_MONTH}", lambda w: _working_edge(w, True)),
        (f"on? last {_WORKDAY} {_MONTH}", lambda w: _working_edge(w, False)),
        (f"on? first {_BUSINESS} {_MONTH}", lambda w: _working_edge(w, True)),
        (f"on? last {_BUSINESS} {_MONTH}", lambda w: _working_edge(w, False)),
        ("year|yearly|annually? on? MON DAY", lambda w, m, d: _yearly_on(w, m, d)),
        ("year|yearly|annually? on? DAY MON", lambda w, d, m: _yearly_on(w, m, d)),
        ("HOLIDAY", lambda w, md: _yearly_on(w, *md)),
    ],
    SLOTS,
)


def read_body(words: Words, when: When) -> Parts | None:
    """The rule's body: how often, on which days; None when the words are not one."""
    if not words:
        return None
    parts: Parts | None = first_match(_TABLE, words, when)
    return parts
