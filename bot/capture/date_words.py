"""The words of date phrases: names, numbers, units, vague words, and the tokenizer that evens out spelling."""

from __future__ import annotations

import re

_WEEKDAY_NAMES = (
    ("monday", "mon", "mondays"),
    ("tuesday", "tue", "tues", "tu", "tuesdays"),
    ("wednesday", "wed", "weds", "wednesdays"),
    ("thursday", "thu", "thur", "thurs", "th", "thursdays"),
    ("friday", "fri", "fridays"),
    ("saturday", "sat", "saturdays"),
    ("sunday", "sun", "sundays"),
)
# Plurals ("mondays") only in rules: "Monday's deck" is not a date.
WEEKDAYS = {name: i for i, names in enumerate(_WEEKDAY_NAMES) for name in names if not name.endswith("days")}
WEEKDAYS_IN_RULES = WEEKDAYS | {names[-1]: i for i, names in enumerate(_WEEKDAY_NAMES)}
WEEKDAY_NAMES = tuple(names[0].capitalize() for names in _WEEKDAY_NAMES)
# "tu" and "th" are read in lists ("every Tu, Th") but are too short to make a word start like a date.
WEEKDAY_STARTERS = {w for w in WEEKDAYS if len(w) > 2}

_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
MONTHS = {name: i + 1 for i, names in enumerate(_MONTH_NAMES) for name in names}
MONTH_NAMES = tuple(names[0].capitalize() for names in _MONTH_NAMES)

_COUNTS = "one two three four five six seven eight nine ten eleven twelve".split()
NUMBER_WORDS = {w: i + 1 for i, w in enumerate(_COUNTS)} | {"a": 1, "an": 1, "couple": 2, "fifteen": 15}
NUMBER_WORDS |= {"twenty": 20, "thirty": 30, "forty": 40, "fortyfive": 45, "sixty": 60, "ninety": 90}
_ORDINALS = (
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_ORDINALS)} | {"thirtieth": 30}
ORDINAL_WORDS |= {f"twenty{w}": 20 + i + 1 for i, w in enumerate(_ORDINALS[:9])} | {"thirtyfirst": 31}

UNITS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), "minute"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), "hour"),
    **dict.fromkeys(("day", "days", "d"), "day"),
    **dict.fromkeys(("week", "weeks", "wk", "wks", "w"), "week"),
    **dict.fromkeys(("fortnight", "fortnights"), "fortnight"),
    **dict.fromkeys(("month", "months", "mo", "mos", "mth", "mths"), "month"),
    **dict.fromkeys(("quarter", "quarters"), "quarter"),
    **dict.fromkeys(("year", "years", "yr", "yrs", "y"), "year"),
    **dict.fromkeys(("workday", "workdays", "bd"), "workday"),
}
# "business day(s)", "working day(s)": two words for one unit.
WORKDAY_FIRST = {"business", "working", "work"}

VAGUE = {
    "asap", "soon", "soonish", "someday", "sometime", "sometimes", "later", "eventually", "whenever", "tbd", "tba",
    "tbc", "sprint", "release", "iteration", "future", "anytime", "shortly", "few", "several", "while", "bit",
    "possible", "convenience", "rush", "now", "immediately", "urgent", "urgently", "ongoing", "never", "undecided",
    "sooner", "when",
}  # fmt: skip
FILLERS = {"the", "of"}

_PUNCT_RE = re.compile(r"[,;!?()\[\]{}\"“”]")
_APOSTROPHE_RE = re.compile(r"['’`]")
_ISO_T_RE = re.compile(r"\b(\d{4}-\d{1,2}-\d{1,2})t(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(z|[+-]\d{2}:?\d{2})?\b")
_ZULU_RE = re.compile(r"\b(\d{1,2}:\d{2})z\b")
_MERIDIEM_RE = re.compile(r"\b([ap])\.\s?m\b\.?")
_SPACED_MERIDIEM_RE = re.compile(r"\b(\d{1,2}(?:[:.]\d{2})?)\s+([ap]m)\b")
_TENS_HYPHEN_RE = re.compile(r"\b(twenty|thirty)[- ](?=(?:first|second|third|[a-z]+th)\b)")
_WEEKDAY_RANGE_RE = re.compile(r"\b([a-z]{2,9})\s*-\s*([a-z]{2,9})\b")
_WORD_HYPHEN_RE = re.compile(r"(?<=[a-z])-(?=[a-z])")
_AT_RE = re.compile(r"@")
_COMPACT_RE = re.compile(r"(\d+(?:\.\d+)?)([a-z]+)")
_NUMERAL_RE = re.compile(r"\d+(?:st|nd|rd|th)")


def tokens(phrase: str) -> list[str]:
    """Lower-case words with spelling evened out: "3 p.m." -> "3pm", "mid-Dec." -> "mid dec", "3d" -> "3 d"."""
    text = _APOSTROPHE_RE.sub("", phrase.lower())
    text = _ISO_T_RE.sub(lambda m: " ".join(g for g in m.groups() if g), text)
    text = _ZULU_RE.sub(r"\1 z", _MERIDIEM_RE.sub(r"\1m", text))
    text = _TENS_HYPHEN_RE.sub(r"\1", _SPACED_MERIDIEM_RE.sub(r"\1\2", text))
    text = _WEEKDAY_RANGE_RE.sub(_weekday_range, text)
    text = _WORD_HYPHEN_RE.sub(" ", _AT_RE.sub(" at ", text.replace("&", " and ")))
    out: list[str] = []
    for word in _PUNCT_RE.sub(" ", text).split():
        out.extend(_SPELLINGS.get(w, w) for w in _split_compact(word.rstrip(".").lstrip(".")))
    return [w for w in out if w]


# Short spellings of whole words, so every rule that says "week" reads "next wk" too.
_SPELLINGS = {"wk": "week", "wks": "weeks", "mth": "month", "mths": "months", "yr": "year", "yrs": "years"}


def _weekday_range(m: re.Match[str]) -> str:
    first, last = m.group(1), m.group(2)
    return f"{first} to {last}" if first in WEEKDAYS and last in WEEKDAYS else m.group(0)


def _split_compact(word: str) -> list[str]:
    """ "3d" -> ["3", "d"], "2wks" -> ["2", "wks"]; times, ordinals and dates stay whole."""
    m = _COMPACT_RE.fullmatch(word)
    if m and m.group(2) in UNITS and not _NUMERAL_RE.fullmatch(word):
        return [m.group(1), m.group(2)]
    return [word]


def number(word: str) -> int | None:
    """A count: digits or a number word ("a", "two", "couple")."""
    if word.isdigit() and len(word) <= 5:
        return int(word)
    return NUMBER_WORDS.get(word)


def ordinal(word: str) -> int | None:
    """A day of the month written as an ordinal: "15th", "1st", "fifteenth"."""
    if _NUMERAL_RE.fullmatch(word) and word[:-2].isdigit() and len(word) <= 4:
        return int(word[:-2])
    return ORDINAL_WORDS.get(word)


def ordinal_suffix(n: int) -> str:
    """1 -> "1st", 22 -> "22nd", 13 -> "13th"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
