"""Times of day ("3pm", "15:00", "at 3", "noon", "morning", "COB") and zone suffixes ("PT", "UTC", "+01:00")."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from bot.capture.date_grammar import Words, compile_table, first_match, one_word
from bot.capture.date_types import DateError, ParsedDate, When
from bot.capture.date_words import NUMBER_WORDS

# Sentinels a time phrase may give besides a clock time: "end of day" (a due date without a time) and "midnight"
# (the midnight that ends the day, so "Friday midnight" is 00:00 on Saturday).
END_OF_DAY = "end of day"
MIDNIGHT = "midnight"
TimeValue = time | str

_CLOCK_RE = re.compile(r"(\d{1,2})(?:[:.](\d{2})(?::\d{2}(?:\.\d+)?)?)?(am|pm|a|p)?")
_HOUR_H_RE = re.compile(r"(\d{1,2})h(\d{2})")
_OFFSET_RE = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?::?(\d{2}))?")
_FIXED: dict[str, TimeValue] = {
    **dict.fromkeys(("noon", "midday", "lunch", "lunchtime", "at noon", "at midday", "at lunch"), time(12)),
    **dict.fromkeys(("breakfast", "at breakfast"), time(8)),
    **dict.fromkeys(("dinner", "dinnertime", "at dinner"), time(19)),
    **dict.fromkeys(("morning", "in morning", "first thing", "first thing in morning", "am"), time(9)),
    **dict.fromkeys(("afternoon", "in afternoon", "pm"), time(15)),
    **dict.fromkeys(("evening", "in evening", "night", "at night"), time(18)),
    **dict.fromkeys(("cob", "eob", "close business", "end business", "end business day", "close play"), time(17)),
    **dict.fromkeys(("end play", "cop", "close business day"), time(17)),
    **dict.fromkeys(("eod", "end day", "by end day", "end workday", "end working day"), END_OF_DAY),
    **dict.fromkeys(("midnight", "at midnight"), MIDNIGHT),
}
# Each day part says whether a bare hour in it is before or after noon ("7 in the morning", "8 tonight").
_DAY_PARTS = {"morning": False, "afternoon": True, "evening": True, "night": True, "tonight": True}
ZONE_NAMES = {
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), "America/Denver"),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), "America/Chicago"),
    **dict.fromkeys(("et", "est", "edt", "eastern"), "America/New_York"),
    **dict.fromkeys(("akst", "akdt", "akt"), "America/Anchorage"),
    **dict.fromkeys(("hst", "hawaii"), "Pacific/Honolulu"),
    **dict.fromkeys(("utc", "gmt", "z", "zulu"), "UTC"),
    **dict.fromkeys(("bst", "uk", "london"), "Europe/London"),
    **dict.fromkeys(("cet", "cest", "mez"), "Europe/Berlin"),
    **dict.fromkeys(("eet", "eest"), "Europe/Athens"),
    **dict.fromkeys(("wet", "west"), "Europe/Lisbon"),
    **dict.fromkeys(("ist",), "Asia/Kolkata"),
    **dict.fromkeys(("jst",), "Asia/Tokyo"),
    **dict.fromkeys(("kst",), "Asia/Seoul"),
    **dict.fromkeys(("sgt",), "Asia/Singapore"),
    **dict.fromkeys(("aest", "aedt"), "Australia/Sydney"),
    **dict.fromkeys(("nzst", "nzdt"), "Pacific/Auckland"),
}


def _hour(value: int, minute: int = 0, *, pm: bool | None = None) -> time:
    """A clock hour; with no am/pm, 1-7 mean the afternoon (nobody is due at 3 in the morning)."""
    if pm is not None:
        if not 1 <= value <= 12 or minute > 59:
            raise DateError(f"{value}:{minute:02d}", impossible=True)
        return time(value % 12 + (12 if pm else 0), minute)
    if value > 23 or minute > 59:
        raise DateError(f"{value}:{minute:02d}", impossible=True)
    return time(value + 12 if 1 <= value <= 7 else value, minute)


def _clock(word: str) -> time | None:
    """One word that is a time: "3pm", "3:30pm", "5p", "15:00", "15:00:00", "15h30"; not a bare "3"."""
    m = _HOUR_H_RE.fullmatch(word)
    if m:
        return _hour(int(m.group(1)), int(m.group(2)))
    m = _CLOCK_RE.fullmatch(word)
    if not m or not (m.group(2) or m.group(3)):
        return None
    hour, minute, meridiem = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if meridiem:
        return _hour(hour, minute, pm=meridiem.startswith("p"))
    # "03:30" and "15:00" are 24-hour; "3:30" follows the 1-7-is-afternoon rule.
    return time(hour, minute) if word.startswith("0") and hour <= 23 and minute <= 59 else _hour(hour, minute)


def _bare_hour(word: str) -> int | None:
    if word.isdigit() and len(word) <= 2:
        return int(word)
    n = NUMBER_WORDS.get(word)
    return n if n is not None and word not in ("a", "an", "couple") and n <= 12 else None


def _past(t: time, minutes: int) -> time:
    return (datetime.combine(date.min, t) + timedelta(minutes=minutes)).time()


def _day_part(word: str) -> bool | None:
    return _DAY_PARTS.get(word)


def _in_part(when: When, hour: int, pm: bool) -> time:
    return _hour(hour if hour <= 12 else hour - 12, pm=pm) if 1 <= hour <= 12 else _hour(hour)


_SLOTS = {"CLOCK": one_word(_clock), "H": one_word(_bare_hour), "PART": one_word(_day_part)}
_TABLE = compile_table(
    [
        ("at? CLOCK", lambda when, t: t),
        ("at H", lambda when, h: _hour(h)),
        ("at? H oclock", lambda when, h: _hour(h)),
        ("at? H oclock? at|in? PART", _in_part),
        ("at? CLOCK at|in? PART", lambda when, t, pm: t),
        ("at? half past H", lambda when, h: _hour(h, 30)),
        ("at? half past CLOCK", lambda when, t: _past(t, 30)),
        ("at? quarter past H", lambda when, h: _hour(h, 15)),
        ("at? quarter past CLOCK", lambda when, t: _past(t, 15)),
        ("at? quarter to H", lambda when, h: _past(_hour(h), -15)),
        ("at? quarter to CLOCK", lambda when, t: _past(t, -15)),
    ],
    _SLOTS,
)


def read_time(words: Words, when: When) -> tuple[TimeValue, tzinfo | None] | None:
    """A time of day with an optional zone after it, read from all the words; None when they are not one."""
    if words and words[0] == "by":  # "Friday by 5pm"
        words = words[1:]
    for size in (3, 2, 1, 0):
        zone = read_zone(words[len(words) - size :]) if size and len(words) > size else None
        if size and zone is None:
            continue
        value = _time_value(words[: len(words) - size], when)
        if value is not None:
            return value, zone
    return None


def _time_value(words: Words, when: When) -> TimeValue | None:
    fixed: TimeValue | None = _FIXED.get(" ".join(words))
    return fixed if fixed is not None else first_match(_TABLE, words, when)


def read_zone(words: Words) -> tzinfo | None:
    """A zone suffix: "PT", "Pacific time", "UTC", "UTC+2", "+01:00", "Europe/London", "New York time"."""
    words = list(words[:-1] if len(words) > 1 and words[-1] == "time" else words)
    name = " ".join(words)
    if name in ZONE_NAMES:
        return ZoneInfo(ZONE_NAMES[name])
    m = _OFFSET_RE.fullmatch(name)
    if m and (name[0] in "+-" or name.startswith(("utc", "gmt"))) and int(m.group(2)) <= 14:
        sign = 1 if m.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))
    key = _zone_keys().get(name)
    return ZoneInfo(key) if key else None


@lru_cache(maxsize=1)
def _zone_keys() -> dict[str, str]:
    """IANA names by their lower-case key and by their city ("europe/berlin", "berlin", "new york")."""
    keys = sorted(key for key in available_timezones() if "/" in key and not key.startswith(("Etc/", "SystemV/")))
    cities = {key.rsplit("/", 1)[1].lower().replace("_", " "): key for key in keys}
    return cities | {key.lower(): key for key in keys}


def at_time(day: date, value: TimeValue, zone: tzinfo | None, when: When) -> ParsedDate:
    """A day and a time read in `zone` (or the author's), as a day and time in the author's zone."""
    if value == END_OF_DAY:
        return ParsedDate(day)
    if value == MIDNIGHT:
        day, value = day + timedelta(days=1), time(0)
    assert isinstance(value, time)
    if zone is None:
        return ParsedDate(day, value)
    local = datetime.combine(day, value, tzinfo=zone).astimezone(when.tz)
    return ParsedDate(local.date(), local.time().replace(second=0, microsecond=0))


def next_time(value: TimeValue, zone: tzinfo | None, when: When) -> ParsedDate:
    """A bare time: its next occurrence (today while it is still ahead, else tomorrow), in the author's zone."""
    if not isinstance(value, time):
        return at_time(when.today, value, None, when)
    now = when.now.astimezone(zone or when.tz)
    day = now.date() + timedelta(days=1 if value <= now.time() else 0)
    return at_time(day, value, zone, when)
