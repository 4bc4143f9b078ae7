"""Calendar arithmetic the date words need: weeks, working days, months, quarters and "the next one"."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from bot.capture.date_types import DateError

ONE_DAY = timedelta(days=1)


def week_monday(day: date, weeks: int = 0) -> date:
    """The Monday of the week holding `day`, moved by `weeks`."""
    return day - timedelta(days=day.weekday()) + timedelta(weeks=weeks)


def next_weekday(today: date, weekday: int, today_counts: bool = False) -> date:
    """The next such weekday after today (today itself when `today_counts`)."""
    ahead = (weekday - today.weekday()) % 7
    return today + timedelta(days=ahead if ahead or today_counts else 7)


def last_weekday(today: date, weekday: int) -> date:
    """The most recent such weekday before today."""
    return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)


def end_of_week(today: date, working_days: frozenset[int], weeks: int = 0) -> date:
    """The last working day of this working week (moved by `weeks`); today when this week's has passed."""
    # A working week starts on the working day after a day off (Sunday for a Sunday-Thursday week), else Monday.
    start = next((w for w in sorted(working_days) if (w - 1) % 7 not in working_days), 0)
    first = today - timedelta(days=(today.weekday() - start) % 7) + timedelta(weeks=weeks)
    days = [first + timedelta(days=i) for i in range(7) if (first + timedelta(days=i)).weekday() in working_days]
    return max(days[-1] if days else first + timedelta(days=6), today)


def add_working_days(day: date, count: int, working_days: frozenset[int]) -> date:
    """Count working days forward (or back, for a negative count); holidays never change the count."""
    if not working_days:
        return day + timedelta(days=count)
    step = ONE_DAY if count >= 0 else -ONE_DAY
    left = abs(count)
    while left:
        day += step
        left -= day.weekday() in working_days
    return day


def month_add(year: int, month: int, months: int) -> tuple[int, int]:
    """(year, month) moved by a number of months."""
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def last_day(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def day_in_month(year: int, month: int, day: int, phrase: str) -> date:
    """A day of a month, refused when that month has no such day (Feb 31)."""
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(phrase, impossible=True) from None


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The nth (1-5, or -1 for last) such weekday of a month; None when the month has no fifth."""
    if nth < 0:
        end = last_day(year, month)
        return end - timedelta(days=(end.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def working_day_of_month(year: int, month: int, nth: int, working_days: frozenset[int]) -> date:
    """The first (nth=1) or last (nth=-1) working day of a month."""
    if nth < 0:
        return add_working_days(last_day(year, month) + ONE_DAY, -1, working_days)
    return add_working_days(date(year, month, 1) - ONE_DAY, 1, working_days)


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a quarter (1-4)."""
    return last_day(year, quarter * 3)


def months_from(today: date, count: int = 3) -> Iterable[tuple[int, int]]:
    """This month and the ones after it."""
    return (month_add(today.year, today.month, i) for i in range(count))


def first_on_or_after(today: date, candidates: Iterable[date | None]) -> date | None:
    """The first candidate that is not before today."""
    return next((day for day in candidates if day is not None and day >= today), None)


def next_in_years(today: date, make: Callable[[int], date | None], years: int = 9) -> date | None:
    """The next day not before today that `make(year)` gives, this year or a later one."""
    return first_on_or_after(today, (make(year) for year in range(today.year, today.year + years)))


def month_day_or_none(year: int, month: int, day: int) -> date | None:
    """A day of a month, or None when it has no such day (Feb 29 in most years)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None
