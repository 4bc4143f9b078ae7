"""Date phrases -> calendar dates, read in the author's zone (CONTRACTS §6)."""
# Relative phrases come from a small table of our own (off-the-shelf parsers read "next week" as +7 days and a bare
# weekday as the last one); absolute dates ("Dec 5", "5 December 2026", "12/05") go through dateutil's parser, then
# "the next Dec 5" is applied when no year was given.

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
MONTHS = {
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
}
_STARTERS = {"today", "tonight", "tomorrow", "tmrw", "yesterday", "next", "in", "end", "eow", "eom", "eod", "this"}
_TIME_RE = re.compile(r"(?:\s*(?:at|@)\s*|\s+|^)(?:(\d{1,2})(?::(\d{2}))?\s*(am|pm)|(\d{1,2}):(\d{2})|(noon))$")
_IN_RE = re.compile(r"^in\s+(\d{1,3}|a|an|one|two|three)\s+(days?|weeks?|working days?|business days?)$")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}
DEFAULT_WORKING_DAYS = frozenset(range(5))
MAX_PHRASE_WORDS = 6


class DateError(ValueError):
    """The words start like a date but are not one we can read (or one that exists)."""

    def __init__(self, phrase: str, impossible: bool = False) -> None:
        super().__init__(phrase)
        self.phrase = phrase
        self.impossible = impossible


@dataclass(frozen=True)
class ParsedDate:
    """A calendar date with an optional time of day, as the author meant it."""

    day: date
    at: time | None = None


def looks_like_date(word: str) -> bool:
    """True when a word starts like a date: a digit, a month or weekday name, or a relative word."""
    w = word.lower().strip(",.;")
    if not w:
        return False
    if w[0].isdigit():
        return True
    return w in _STARTERS or w in WEEKDAYS or w in MONTHS or w[:3] in MONTHS and w.rstrip(".")[:3] == w[:3]


def _split_time(phrase: str) -> tuple[str, time | None]:
    m = _TIME_RE.search(phrase)
    if not m:
        return phrase, None
    rest = phrase[: m.start()].strip()
    if m.group(6):
        return rest, time(12, 0)
    if m.group(3):
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise DateError(phrase, impossible=True)
        hour = hour % 12 + (12 if m.group(3) == "pm" else 0)
        return rest, time(hour, minute)
    hour, minute = int(m.group(4)), int(m.group(5))
    if hour > 23 or minute > 59:
        raise DateError(phrase, impossible=True)
    return rest, time(hour, minute)


def _end_of_week(today: date, working_days: frozenset[int]) -> date:
    """The last day of the run of working days that holds today; today when it is a day off."""
    day = today
    while (day + timedelta(days=1)).weekday() in working_days and day.weekday() in working_days:
        day += timedelta(days=1)
        if day - today >= timedelta(days=6):
            break
    return day


def _relative(p: str, today: date, working_days: frozenset[int]) -> date | None:
    if p in ("", "today", "tonight", "eod"):
        return today
    if p in ("tomorrow", "tmrw"):
        return today + timedelta(days=1)
    if p == "yesterday":
        return today - timedelta(days=1)
    if p == "next week":
        return today + timedelta(days=7 - today.weekday())
    if p == "next month":
        return (today + relativedelta(months=1)).replace(day=1)
    if p in ("end of week", "end of the week", "eow", "end of this week"):
        return _end_of_week(today, working_days)
    if p in ("end of month", "end of the month", "eom", "end of this month"):
        return today + relativedelta(day=31)
    words = p.split()
    if len(words) == 1 and words[0] in WEEKDAYS:
        ahead = (WEEKDAYS[words[0]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if len(words) == 2 and words[0] in ("this", "on") and words[1] in WEEKDAYS:
        ahead = (WEEKDAYS[words[1]] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if len(words) == 2 and words[0] == "next" and words[1] in WEEKDAYS:
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=WEEKDAYS[words[1]])
    m = _IN_RE.match(p)
    if m:
        n = _NUMBER_WORDS.get(m.group(1)) or int(m.group(1))
        unit = m.group(2)
        if unit.startswith("week"):
            return today + timedelta(weeks=n)
        if unit.startswith(("working", "business")):
            d = today
            while n > 0:
                d += timedelta(days=1)
                if d.weekday() in working_days:
                    n -= 1
            return d
        return today + timedelta(days=n)
    return None


def _absolute(p: str, today: date) -> date | None:
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", p):
        try:
            return date.fromisoformat("-".join(part.zfill(2) for part in p.split("-")))
        except ValueError:
            raise DateError(p, impossible=True) from None
    words = re.findall(r"[a-z]+", p)
    has_month_name = any(w in MONTHS for w in words)
    numeric = re.fullmatch(r"\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?", p)
    if not (has_month_name or numeric) or not re.search(r"\d", p):
        return None
    if any(w not in MONTHS and w not in ("of", "the", "st", "nd", "rd", "th") for w in words):
        return None
    default = datetime(today.year, 1, 1)  # noqa: DTZ001 - a calendar date, no instant
    try:
        parsed = dateutil_parser.parse(p, default=default, dayfirst=False)
    except (dateutil_parser.ParserError, ValueError, OverflowError):
        raise DateError(p, impossible=True) from None
    result = parsed.date()
    year_given = re.search(r"\b\d{4}\b", p) or re.search(r"\d[/.]\d{1,2}[/.]\d{2}", p)
    if not year_given and result < today:
        try:
            result = result.replace(year=result.year + 1)
        except ValueError:  # Feb 29 in a non-leap following year
            result = result + relativedelta(years=1)
    return result


def parse_phrase(phrase: str, today: date, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> ParsedDate:
    """Read one whole phrase ("Fri 3pm", "in 3 days", "Dec 5"); raise DateError if it is not a date."""
    p = " ".join(phrase.lower().replace(",", " ").split())
    if not p:
        raise DateError(phrase)
    try:
        rest, at = _split_time(p)
        rest = rest.removeprefix("on ").strip()
        day = _relative(rest, today, working_days)
        if day is None:
            day = _absolute(rest, today)
    except DateError as exc:
        raise DateError(phrase.strip(), impossible=exc.impossible) from None
    if day is None:
        raise DateError(phrase.strip())
    return ParsedDate(day, at)


def parse_leading(
    words: list[str], today: date, working_days: frozenset[int] = DEFAULT_WORKING_DAYS
) -> tuple[ParsedDate, int]:
    """The longest run of leading words that reads as a date, and how many words it took."""
    impossible: DateError | None = None
    for n in range(min(len(words), MAX_PHRASE_WORDS), 0, -1):
        try:
            return parse_phrase(" ".join(words[:n]), today, working_days), n
        except DateError as exc:
            if exc.impossible and impossible is None:
                impossible = exc
    if impossible is not None:
        raise impossible
    raise DateError(" ".join(words[: min(len(words), 3)]))
