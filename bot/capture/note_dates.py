"""Due dates in meeting-note entries (CONTRACTS §5): a keyword and a date, EOD words, or a relative date at the end."""
# Keywords are by/due/before/until/no later than. "Book the drill for January" and "the offsite in January" name when
# things happen, so a bare month or an absolute date at the end is not a due date; "… next week", "… for Friday",
# "… tomorrow" are. The words themselves are read by dates.py.

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.capture.dates import DateError, ParsedDate, When, looks_like_date, parse_leading

Today = date | When  # what `when_for` returns for an owner, handed on to parse_leading

_KEYWORDS = frozenset({"by", "due", "before", "until", "till", "deadline", "eta"})
_SKIP_AFTER = frozenset({"on", "the", "date", "by", "is", "of"})
_EOD_WORDS = frozenset({"eod", "cob", "eow", "eom", "e.o.d", "e.o.d."})
_WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split()
)
_ABBREVIATIONS = frozenset({"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"})
_RELATIVE = frozenset({"today", "tonight", "tomorrow", "tmrw", "tmr", "next", "this", "end", "in", "within"})
_RELATIVE |= _EOD_WORDS | _WEEKDAYS
_NOT_DUE_BEFORE = frozenset({"every", "each", "since", "from", "after", "starting", "last", "past", "of"})
_LEAD_INS = frozenset({"for", "on", "by", "due", "before", "at", "later", "early"})
_ALIASES = {
    ("this", "week"): ["end", "of", "week"],
    ("end", "of", "day"): ["eod"],
    ("end", "of", "the", "day"): ["eod"],
    ("close", "of", "business"): ["cob"],
    ("end", "of", "business"): ["cob"],
    ("cob",): ["today", "5pm"],
    ("the", "end", "of", "the", "week"): ["end", "of", "week"],
    ("the", "end", "of", "the", "month"): ["end", "of", "month"],
    ("the", "end", "of", "week"): ["end", "of", "week"],
    ("the", "end", "of", "month"): ["end", "of", "month"],
    ("tmr",): ["tomorrow"],
}
_MAX_WORDS = 6


@dataclass(frozen=True)
class Due:
    """A due date found in an entry, the words it took (start, end), and a warning when something was odd."""

    date: ParsedDate | None
    phrase: str | None
    span: tuple[int, int] | None
    warning: str | None = None


def _norm(word: str) -> str:
    w = word.lower().strip("()[]{},;!?\"'“”*_")
    return "eod" if w in ("e.o.d", "e.o.d.") else w.rstrip(".")


def _ends_phrase(word: str) -> bool:
    return bool(re.search(r"[),;!?]$|[^.]\.$", word))


def today_of(today: Today) -> date:
    """The calendar day a `when_for` value stands for."""
    return today.today if isinstance(today, When) else today


def _candidate(words: list[str], start: int) -> list[str]:
    """Up to six words from `start`, stopping after a word that ends a phrase ("Friday," "Friday)")."""
    out: list[str] = []
    for word in words[start : start + _MAX_WORDS]:
        if word.endswith("'s") or word.endswith("’s"):
            break  # "Monday's outage" names an event
        out.append(_norm(word))
        if _ends_phrase(word):
            break
    return [w for w in out if w]


def _alias(words: list[str]) -> tuple[list[str], int] | None:
    for size in (5, 4, 3, 2, 1):
        replacement = _ALIASES.get(tuple(words[:size]))
        if replacement:
            return replacement + words[size:], size
    return None


def parse_at(words: list[str], start: int, today: Today) -> tuple[ParsedDate, int] | None:
    """The date that starts at words[start] and how many words it took; DateError when impossible (Feb 31)."""
    cand = _candidate(words, start)
    if not cand:
        return None
    try:
        return parse_leading(cand, today)
    except DateError as exc:
        if exc.impossible or exc.vague or exc.readings:  # said as a due date but unusable: warned, never dropped
            raise
    aliased = _alias(cand)
    if aliased is None:
        return None
    replaced, size = aliased
    try:
        parsed, used = parse_leading(replaced, today)
    except DateError:
        return None
    replaced_len = len(replaced) - (len(cand) - size)
    return parsed, size + max(0, used - replaced_len)


def _keyword_due(words: list[str], today: Today) -> Due | None:
    warning = None
    for i, word in enumerate(words):
        w = _norm(word)
        start = i + 1
        if w == "no" and [_norm(x) for x in words[i + 1 : i + 3]] == ["later", "than"]:
            start = i + 3
        elif w not in _KEYWORDS:
            continue
        while start < len(words) and _norm(words[start]) in _SKIP_AFTER:
            start += 1
        if start >= len(words) or not _date_start(words[start]):
            continue
        try:
            found = parse_at(words, start, today)
        except DateError as exc:
            warning = _unread(exc, " ".join(words[start : start + len(exc.phrase.split())]).strip("()[],;."))
            continue
        if found:
            parsed, used = found
            used += _same_day_after(words, start + used, parsed, today)
            lead = i - 2 if [_norm(x) for x in words[max(0, i - 2) : i]] == ["on", "or"] else i
            return Due(parsed, " ".join(words[start : start + used]).strip("()[],;."), (lead, start + used))
    return Due(None, None, None, warning) if warning else None


def _same_day_after(words: list[str], at: int, parsed: ParsedDate, today: Today) -> int:
    """How many words after a date restate it ("by Friday, Dec 4"): they go with it, out of the title."""
    if at >= len(words) or not _date_start(words[at]):
        return 0
    try:
        again = parse_at(words, at, today)
    except DateError:
        return 0
    return again[1] if again and again[0].day == parsed.day else 0


def _unread(exc: DateError, said: str) -> str:
    """Why a date said as the due date was not taken (the words stay in the title)."""
    if exc.readings:
        return f'"{said}" could be {exc.readings[0]} or {exc.readings[-1]}, so the item has no due date yet.'
    return f'I couldn\'t read "{said}" as a date, so the item has no due date.'


def _date_start(word: str) -> bool:
    w = _norm(word)
    return looks_like_date(w) or w in _EOD_WORDS or w in ("end", "close", "the", "tmr")


def _eod_due(words: list[str], today: Today) -> Due | None:
    for i, word in enumerate(words):
        if _norm(word) not in _EOD_WORDS and not (_norm(word) == "end" and _norm_at(words, i + 2) in ("day", "week")):
            continue
        try:
            found = parse_at(words, i, today)
        except DateError:
            continue
        if found:
            parsed, used = found
            start = i - 1 if i and _norm(words[i - 1]) in _LEAD_INS else i
            return Due(parsed, " ".join(words[i : i + used]).strip("()[],;."), (start, i + used))
    return None


def _norm_at(words: list[str], i: int) -> str:
    return _norm(words[i]) if 0 <= i < len(words) else ""


def _relative_start(word: str) -> bool:
    w = _norm(word)
    if w in _ABBREVIATIONS and not word.lstrip("([").startswith(word.lstrip("([")[:1].upper()):
        return False  # "the sun", "we sat": abbreviations count only capitalised
    return w in _RELATIVE


def _ending_due(words: list[str], today: Today) -> Due | None:
    """A relative date that ends the entry ("… next week", "… for Friday"), not "every Monday" or "since Tuesday"."""
    for n in range(min(_MAX_WORDS, len(words)), 0, -1):
        start = len(words) - n
        if not _relative_start(words[start]):
            continue
        try:
            found = parse_at(words, start, today)
        except DateError:
            continue
        if not found or found[1] != len(_candidate(words, start)) or start + found[1] != len(words):
            continue
        before = _norm_at(words, start - 1)
        if before in _NOT_DUE_BEFORE:
            return None
        lead = start - 1 if before in _LEAD_INS else start
        if before == "later" and _norm_at(words, start - 2) in _LEAD_INS:
            lead -= 1
        return Due(found[0], " ".join(words[start:]).strip("()[],;.!"), (lead, len(words)))
    return None


def find_due(words: list[str], today: Today) -> Due:
    """The entry's due date: a keyword date first, then an EOD-style word, then a relative date at the end."""
    keyword = _keyword_due(words, today)
    if keyword and keyword.date:
        return keyword
    found = _eod_due(words, today) or _ending_due(list(_trimmed(words)), today)
    if found:
        return found
    return keyword or Due(None, None, None)


def _trimmed(words: list[str]) -> list[str]:
    """The words without trailing punctuation on the last one, so "… next week." ends in a date."""
    if not words:
        return words
    return [*words[:-1], words[-1].rstrip(".!;,)")] if words[-1].rstrip(".!;,)") else words[:-1]


def past_warning(due: ParsedDate, phrase: str | None, today: Today) -> str | None:
    """A note for a due date already past: kept, so the item shows as overdue."""
    if due.day < today_of(today):
        return f'"{phrase}" is in the past; I kept it, so the item shows as overdue.'
    return None
