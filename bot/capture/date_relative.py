"""Dates counted from today: "tomorrow", "next Friday", "in 3 days", "end of next month", "2 business days"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, time, timedelta

from dateutil.relativedelta import relativedelta

from bot.capture.date_absolute import day_in, readings
from bot.capture.date_calendar import (
    add_working_days,
    end_of_week,
    last_day,
    last_weekday,
    month_add,
    next_weekday,
    quarter_end,
    week_monday,
)
from bot.capture.date_grammar import one_word
from bot.capture.date_types import ParsedDate, When

Result = date | ParsedDate
PART_TIMES = {"morning": time(9), "afternoon": time(15), "evening": time(18), "night": time(18)}
_TOMORROW = "tomorrow|tmrw|tmr|tmw|tomorow|tommorow|tommorrow|2moro|2morrow"


def _days(n: int) -> Callable[[When], date]:
    return lambda when: when.today + timedelta(days=n)


def plus(when: When, n: float, unit: str, base: Result | None = None, sign: int = 1) -> Result | None:
    """`n` units after (or, with sign -1, before) today or a base day; minutes and hours count from now."""
    start = base.day if isinstance(base, ParsedDate) else base or when.today
    if unit in ("minute", "hour"):
        if base is not None:
            return None
        moment = when.now.astimezone(UTC) + sign * timedelta(**{unit + "s": n})
        local = moment.astimezone(when.tz)
        return ParsedDate(local.date(), local.time().replace(second=0, microsecond=0))
    if n != int(n):
        return None
    count = sign * int(n)
    if unit == "workday":
        return add_working_days(start, count, when.working_days)
    return start + _STEPS[unit](count)


_STEPS: dict[str, Callable[[int], timedelta | relativedelta]] = {
    "day": lambda k: timedelta(days=k),
    "week": lambda k: timedelta(weeks=k),
    "fortnight": lambda k: timedelta(weeks=2 * k),
    "month": lambda k: relativedelta(months=k),
    "quarter": lambda k: relativedelta(months=3 * k),
    "year": lambda k: relativedelta(years=k),
}


def _quarter_end(when: When, quarters: int = 0) -> date:
    year, month = month_add(when.today.year, when.today.month, 3 * quarters)
    return quarter_end(year, (month - 1) // 3 + 1)


def _year_end(when: When, years: int = 0) -> date:
    return date(when.today.year + years, 12, 31)


def _month_end(when: When, months: int = 0) -> date:
    return last_day(*month_add(when.today.year, when.today.month, months))


def _next_month(when: When) -> date:
    year, month = month_add(when.today.year, when.today.month, 1)
    raise readings("next month", date(year, month, 1), last_day(year, month))


def _next_quarter(when: When) -> date:
    end = _quarter_end(when, 1)
    raise readings("next quarter", date(end.year, end.month - 2, 1), end)


def _next_year(when: When) -> date:
    year = when.today.year + 1
    raise readings("next year", date(year, 1, 1), date(year, 12, 31))


def _weekend(when: When, weeks: int = 0) -> date:
    if weeks == 0 and when.today.weekday() >= 5:
        return when.today
    return week_monday(when.today, weeks) + timedelta(days=5)


def _this_week(when: When, weekday: int) -> date:
    return week_monday(when.today) + timedelta(days=weekday)


def _next_week(when: When, weekday: int) -> date:
    return week_monday(when.today, 1) + timedelta(days=weekday)


def _after_next(when: When, weekday: int) -> date:
    return next_weekday(when.today, weekday) + timedelta(weeks=1)


def _day_part(when: When, at: time) -> ParsedDate:
    return ParsedDate(when.today, at)


def _same_time(when: When, base: Result) -> ParsedDate:
    """ "This time tomorrow", "same time next week": that day at the time it is now."""
    return ParsedDate(_base_day(base), when.now.time().replace(second=0, microsecond=0))


def _base_day(base: Result) -> date:
    return base.day if isinstance(base, ParsedDate) else base


SLOTS = {"PART": one_word(PART_TIMES.get)}
_IN = "in|within|after? next?"
TABLE: list[tuple[str, Callable[..., Result | None]]] = [
    ("today|tod|td", _days(0)),
    ("tonight|tonite", lambda w: ParsedDate(w.today, time(18))),
    (_TOMORROW, _days(1)),
    ("yesterday", _days(-1)),
    (f"day after {_TOMORROW}", _days(2)),
    ("overmorrow", _days(2)),
    ("day before yesterday", _days(-2)),
    ("this|today PART", _day_part),
    ("later today", _days(0)),
    ("eow|eowk", lambda w: end_of_week(w.today, w.working_days)),
    ("this? week end", lambda w: end_of_week(w.today, w.working_days)),
    ("end|later this|current? week", lambda w: end_of_week(w.today, w.working_days)),
    ("end this? working|work|business week", lambda w: end_of_week(w.today, w.working_days)),
    ("eoww|eocw", lambda w: end_of_week(w.today, w.working_days)),
    ("this week", lambda w: end_of_week(w.today, w.working_days)),
    ("end|late next|following week", lambda w: end_of_week(w.today, w.working_days, 1)),
    ("next|following week", lambda w: week_monday(w.today, 1)),
    ("sow|sonw", lambda w: week_monday(w.today, 1)),
    ("week after next", lambda w: week_monday(w.today, 2)),
    ("sod", _days(1)),
    ("som", lambda w: date(*month_add(w.today.year, w.today.month, 1), 1)),
    ("soq", lambda w: _quarter_end(w) + timedelta(days=1)),
    ("soy", lambda w: date(w.today.year + 1, 1, 1)),
    ("end today", _days(0)),
    (f"end {_TOMORROW}", _days(1)),
    ("beginning|start|early next|following week", lambda w: week_monday(w.today, 1)),
    ("mid|middle next week", lambda w: week_monday(w.today, 1) + timedelta(days=2)),
    ("eom", _month_end),
    ("this|current? month|months end", _month_end),
    ("end|later this|current? month", _month_end),
    ("this month", _month_end),
    ("end next|following month", lambda w: _month_end(w, 1)),
    ("next|following month on? ORD", lambda w, day: day_in(w, day, (month_add(w.today.year, w.today.month, 1),))),
    ("next|following month", _next_month),
    ("eoq", _quarter_end),
    ("this|current? quarter|quarters end", _quarter_end),
    ("end this|current? quarter", _quarter_end),
    ("this quarter", _quarter_end),
    ("end next quarter", lambda w: _quarter_end(w, 1)),
    ("next quarter", _next_quarter),
    ("eoy", _year_end),
    ("this|current? year|years end", _year_end),
    ("yearend", _year_end),
    ("end this|current? year", _year_end),
    ("this year", _year_end),
    ("end next year", lambda w: _year_end(w, 1)),
    ("next year", _next_year),
    ("next business|working|work day", lambda w: add_working_days(w.today, 1, w.working_days)),
    ("next workday|weekday", lambda w: add_working_days(w.today, 1, w.working_days)),
    ("this? weekend", _weekend),
    ("next weekend", lambda w: _weekend(w, 1)),
    ("WD", lambda w, wd: next_weekday(w.today, wd)),
    ("this WD", lambda w, wd: next_weekday(w.today, wd, today_counts=True)),
    ("this? coming|upcoming WD", lambda w, wd: next_weekday(w.today, wd)),
    ("next|following WD", _next_week),
    ("WD next|following week|weeks", _next_week),
    ("WD next", _next_week),
    ("next|following week|weeks WD", _next_week),
    ("next|following week on WD", _next_week),
    ("WD this week", _this_week),
    ("this week WD", _this_week),
    ("WD after next", _after_next),
    ("WD week", _after_next),
    ("this? last|past|previous WD", lambda w, wd: last_weekday(w.today, wd)),
    ("WD last|previous week", lambda w, wd: week_monday(w.today, -1) + timedelta(days=wd)),
    ("WD before last", lambda w, wd: last_weekday(w.today, wd) - timedelta(weeks=1)),
    (f"{_IN} N a|an? UNIT time?", plus),
    ("this|same time next week", lambda w: _same_time(w, w.today + timedelta(weeks=1))),
    ("this|same time DATE", lambda w, base: _same_time(w, base)),
    (f"{_IN} N a|an? UNIT from now|today", plus),
    ("N a|an? UNIT hence|later", plus),
    (f"{_IN} N a|an? UNIT from|after DATE", plus),
    ("N a|an? UNIT before DATE", lambda w, n, u, base: plus(w, n, u, base, -1)),
    ("N a|an? UNIT ago", lambda w, n, u: plus(w, n, u, None, -1)),
    ("day after DATE", lambda w, base: _base_day(base) + timedelta(days=1)),
    ("day before DATE", lambda w, base: _base_day(base) - timedelta(days=1)),
]
