"""Date phrases -> calendar dates and times, read in the author's zone (CONTRACTS §6; the families: docs/dates.md)."""

# No off-the-shelf parser reads these the way people mean them in a task app ("next Friday" is next week's, a bare
# weekday is the next one, "next month" names two days), so the grammar is ours: small tables of patterns -> days
# (date_relative, date_absolute), times (date_times) and holiday names (holidays_named). A phrase is read whole or
# not at all; `parse_leading` finds the longest run of words that reads.

from __future__ import annotations

from datetime import date, time

from bot.capture import date_absolute, date_relative
from bot.capture.date_grammar import BASIC_SLOTS, Words, compile_table, first_match
from bot.capture.date_relative import PART_TIMES
from bot.capture.date_times import at_time, next_time, read_time
from bot.capture.date_types import DEFAULT_WORKING_DAYS, DateError, ParsedDate, When, default_holiday_country
from bot.capture.date_words import FILLERS, MONTHS, VAGUE, WEEKDAY_STARTERS, tokens
from bot.capture.holidays_named import holiday

__all__ = [
    "DEFAULT_WORKING_DAYS",
    "MAX_PHRASE_WORDS",
    "DateError",
    "ParsedDate",
    "When",
    "default_holiday_country",
    "looks_like_date",
    "parse_leading",
    "parse_phrase",
]

MAX_PHRASE_WORDS = 10
MAX_TIME_WORDS = 5
# Words that may stand before a date ("due on Friday", "/action snooze A-1 until Monday"), never alone or last.
_LEADING = {"on", "by", "due", "for", "until", "till", "til"}
_DANGLING = FILLERS | _LEADING | {"at", "and", "in", "a", "an"}
# §4: the words that can only begin a date; after by/due/on they make an unreadable phrase a refusal.
_STARTERS = {"today", "tonight", "tomorrow", "tmrw", "yesterday", "next", "this", "in", "end", "eod", "cob", "eow"}
_STARTERS |= {"eom", "noon", "midnight"} | WEEKDAY_STARTERS | set(MONTHS)
_VAGUE_PHRASES = {"at some point", "some point", "some day", "some time", "one of these days", "in due course"}
# Words that may come before a vague one in a vague phrase ("in a few days", "as soon as possible", "end of sprint").
_LEAD_IN = {"in", "a", "an", "at", "as", "by", "end", "next", "this", "the", "within", "sometime", "some", "until"}


def looks_like_date(word: str) -> bool:
    """True when a word can only begin a date (§4): a digit, a month or weekday name, or a relative word."""
    w = word.lower().strip(",.;:!?()")
    return bool(w) and (w[0].isdigit() or w in _STARTERS)


def _date_slot(words: Words, i: int, when: When) -> tuple[ParsedDate, int] | None:
    found = _read_date(words[i:], when)
    return None if found is None else (found, len(words))


_TABLE = compile_table(
    date_relative.TABLE + date_absolute.TABLE,
    BASIC_SLOTS | date_absolute.SLOTS | date_relative.SLOTS | {"DATE": _date_slot},
)


def _read_date(words: Words, when: When) -> ParsedDate | None:
    """A day (perhaps with the time it implies: "tonight", "in 2 hours") from all the words."""
    found = first_match(_TABLE, words, when) or holiday(list(words), when)
    if found is None:
        return None
    return found if isinstance(found, ParsedDate) else ParsedDate(found)


def _with_time(day_words: Words, time_words: Words, when: When, *, time_last: bool = True) -> ParsedDate | None:
    """A day and a time said apart ("Friday at 5", "3pm tomorrow"), the time in the author's zone."""
    while day_words and day_words[0] in _LEADING:
        day_words = day_words[1:]
    if not day_words or not time_words:
        return None
    said = read_time(time_words, when)
    if said is None and time_last and _bare_hour_after_day(day_words, time_words):
        said = read_time(["at", *time_words], when)  # "tomorrow 9", "Friday 5": an hour said without "at"
    if said is None:
        return None
    found = _read_date(day_words, when)
    if found is None:
        return None
    value, zone = said
    # "tonight at 8" is 20:00: an hour said after an evening keeps to the evening.
    if found.at and found.at >= time(12) and isinstance(value, time) and 1 <= value.hour < 12:
        value = value.replace(hour=value.hour + 12)
    return at_time(found.day, value, zone, when)


def _bare_hour_after_day(day_words: Words, time_words: Words) -> bool:
    """A lone 1–12 after a day with no month in it: an hour ("Friday 5"), never a day of a month ("Dec 5")."""
    word = time_words[0] if len(time_words) == 1 else ""
    return word.isdigit() and 1 <= int(word) <= 12 and not any(w in MONTHS for w in day_words)


def _read(words: list[str], when: When) -> ParsedDate | None:
    found = _read_date(words, when)
    if found is not None:
        return found
    for size in range(1, min(len(words), MAX_TIME_WORDS + 1)):
        found = _with_time(words[:-size], words[-size:], when) or _with_time(
            words[size:], words[:size], when, time_last=False
        )
        if found is not None:
            return found
    said = read_time(words, when)
    return next_time(*said, when) if said else _with_day_part(words, when)


def _with_day_part(words: list[str], when: When) -> ParsedDate | None:
    """A day part inside the phrase: "tomorrow afternoon at 2", "Tuesday afternoon next week"."""
    at = next((i for i, w in enumerate(words) if w in PART_TIMES), None)
    if at is None or len(words) < 2:
        return None
    part = PART_TIMES[words[at]]
    found = _read(words[: at - (at > 0 and words[at - 1] == "in")] + words[at + 1 :], when)
    if found is None or found.at is None:
        return ParsedDate(found.day, part) if found else None
    if part >= time(12) and 1 <= found.at.hour < 12:  # "tomorrow afternoon at 2" is 14:00
        return ParsedDate(found.day, found.at.replace(hour=found.at.hour + 12))
    return found


def _words(phrase: str) -> list[str] | None:
    """The words to read, with fillers dropped; None when the phrase ends on a word that needs more after it."""
    raw = tokens(phrase)
    if not raw or raw[-1] in _DANGLING:
        return None
    while raw and raw[0] in _LEADING:
        raw = raw[1:]
    if raw[:3] in (["no", "later", "than"], ["not", "later", "than"]):  # "no later than Friday": Friday
        raw = raw[3:]
    return [w for w in raw if w not in FILLERS]


def _vague(words: list[str]) -> bool:
    """A vague word, after nothing but words that lead into one ("the shelf for now" is not vague)."""
    first = next((i for i, w in enumerate(words) if w in VAGUE), None)
    lead = words if first is None else words[:first]
    return " ".join(words) in _VAGUE_PHRASES or (first is not None and all(w in _LEAD_IN for w in lead))


def parse_phrase(phrase: str, today: date | When, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> ParsedDate:
    """Read one whole phrase ("Fri 3pm", "in 3 days", "Dec 5"); raise DateError if it is not (only) a date."""
    when = When.of(today, working_days)
    shown = " ".join(phrase.split())
    words = _words(phrase)
    try:
        found = _read(words, when) if words else None
    except DateError as exc:
        raise exc.about(shown) from None
    except (ValueError, OverflowError):  # a day past the calendar's end (year 9999)
        raise DateError(shown, impossible=True) from None
    if found is None:
        raise DateError(shown, vague=bool(words) and _vague(words or []))
    if found.day.year > 9998 or found.day.year < 2:
        raise DateError(shown, impossible=True)
    return found


def parse_leading(
    words: list[str], today: date | When, working_days: frozenset[int] = DEFAULT_WORKING_DAYS
) -> tuple[ParsedDate, int]:
    """The longest run of leading words that reads as a date, and how many words it took."""
    when = When.of(today, working_days)
    vague: DateError | None = None
    for n in range(min(len(words), MAX_PHRASE_WORDS), 0, -1):
        try:
            return parse_phrase(" ".join(words[:n]), when), n
        except DateError as exc:
            # A longer run that names no day or two days is what the person meant: refuse it, never read less.
            if exc.impossible or exc.readings:
                raise
            vague = vague or (exc if exc.vague else None)
    raise vague or DateError(" ".join(words[: min(len(words), 3)]))
