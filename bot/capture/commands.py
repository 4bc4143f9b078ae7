"""Slash-command grammar (CONTRACTS §4): options may stand anywhere; the title is what remains."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time

from bot.capture.date_absolute import spoken
from bot.capture.date_times import read_time
from bot.capture.date_words import ordinal, tokens
from bot.capture.dates import DEFAULT_WORKING_DAYS, DateError, ParsedDate, When, looks_like_date, parse_leading
from bot.capture.keys import Key, parse_key
from bot.capture.recurrence import Rule, parse_rule, starting, with_time
from bot.capture.text import MENTION_RE, plain, quote, squash

_TOKEN_RE = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]|\S+")
_MENTION_TOKEN_RE = re.compile(r"^(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)([,.;:]*)$")
DATE_KEYWORDS = ("by", "due", "on")
# `repeat <rule>` and `every <rule>` (§4): options only where the caller lists them, and only when a rule reads.
RULE_KEYWORDS = frozenset({"repeat", "every"})
# Words that may follow a date in a title ("by the 15th with Bob"), unlike a noun ("on the 3rd floor").
_CONTINUERS = {"and", "with", "for", "please", "then", "to", "so", "or", "at", "in", "on", "by", "due", "if", "as"}
_CONTINUERS |= {"before", "after", "because", "from", "via", "latest", "sharp", "ok", "thanks", "every", "repeat"}


class GrammarError(ValueError):
    """The command could not be read; `message` says what to type instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Parsed:
    """What a command's words said: the title and every option found."""

    title: str = ""
    mentions: list[str] = field(default_factory=list)
    owner: str | None = None
    approver: str | None = None
    due: ParsedDate | None = None
    due_phrase: str | None = None
    for_key: Key | None = None
    criteria: str | None = None
    gate: bool = False
    # A repeating rule; its `first` is the first occurrence (the date option's day when one is given).
    recurrence: Rule | None = None
    recurrence_phrase: str | None = None


def split_words(text: str) -> list[str]:
    """Words, keeping a quoted "criteria text" as one word."""
    return _TOKEN_RE.findall(text)


def date_error_message(exc: DateError) -> str:
    """The one-line refusal for a date we could not read, that names no single day, or that does not exist."""
    phrase = quote(exc.phrase, 40)
    if exc.readings:
        return f'"{phrase}" could mean {" or ".join(exc.readings)}. Type the one you mean.'
    if exc.vague:
        return (
            f'"{phrase}" is too vague for a due date — I couldn\'t read a day in it. '
            'Try "Friday", "Dec 5", "end of month" or "in 2 weeks".'
        )
    if exc.impossible:
        return f'"{phrase}" isn\'t a date. Try a date like 2026-12-02, "Friday" or "next week".'
    return (
        f'I couldn\'t read "{phrase}" as a date. Try a date like 2026-12-02, "Friday", "tomorrow 3pm" or "in 3 days".'
    )


def _date_option(words: list[str], when: When) -> tuple[ParsedDate, int] | None:
    """§4: the longest run that reads as a date; None (the words stay in the title) unless they can only be one."""
    try:
        found = parse_leading(words, when)
    except DateError as exc:
        if exc.impossible or exc.readings or exc.vague or looks_like_date(words[0]):
            raise GrammarError(date_error_message(exc)) from None
        return None
    return None if _ordinal_of_a_thing(words, found[1]) else found


def _ordinal_of_a_thing(words: list[str], used: int) -> bool:
    """ "On the 3rd floor", "by the 3rd party": an ordinal alone that a word goes on to qualify is not a date."""
    read = [w for w in tokens(" ".join(words[:used])) if w not in ("the", "on")]
    after = words[used].lower() if used < len(words) else ""
    return len(read) == 1 and ordinal(read[0]) is not None and after.isalpha() and after not in _CONTINUERS


def _mention_id(word: str) -> str | None:
    m = _MENTION_TOKEN_RE.match(word)
    if not m:
        return None
    inner = MENTION_RE.match(m.group(1))
    return inner.group(1) if inner else None


@dataclass
class _Reading:
    """One command being read: what was found so far, and what the caller lets options be."""

    out: Parsed
    when: When
    keywords: frozenset[str]
    rest: list[str] = field(default_factory=list)  # the title's words so far


Option = Callable[[_Reading, list[str], int], int]  # how many words the option at i took (0: not this option)


def _role(r: _Reading, words: list[str], i: int) -> int:
    low, nxt = words[i].lower(), words[i + 1] if i + 1 < len(words) else ""
    if low not in ("owner", "approver") or low not in r.keywords or not _mention_id(nxt):
        return 0
    setattr(r.out, low, _mention_id(nxt))
    return 2


def _mention(r: _Reading, words: list[str], i: int) -> int:
    uid = _mention_id(words[i])
    if uid is None:
        return 0
    if uid not in r.out.mentions:
        r.out.mentions.append(uid)
    return 1


def _for(r: _Reading, words: list[str], i: int) -> int:
    key = parse_key(words[i + 1]) if i + 1 < len(words) and words[i].lower() == "for" else None
    if key is None or "for" not in r.keywords:
        return 0
    r.out.for_key = key
    return 2


def _criteria(r: _Reading, words: list[str], i: int) -> int:
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if words[i].lower() != "criteria" or "criteria" not in r.keywords or nxt[:1] not in '"\u201c' or len(nxt) < 2:
        return 0
    r.out.criteria = plain(nxt[1:-1]).strip() or None
    return 2


def _gate(r: _Reading, words: list[str], i: int) -> int:
    if words[i].lower() != "gate" or "gate" not in r.keywords:
        return 0
    r.out.gate = True
    return 1


def _due(r: _Reading, words: list[str], i: int) -> int:
    low = words[i].lower()
    wanted = low in DATE_KEYWORDS and low in r.keywords and i + 1 < len(words)
    found = _date_option(words[i + 1 :], r.when) if wanted else None
    if found is None:
        return 0
    if r.out.due is not None:
        first, second = quote(r.out.due_phrase or "", 30), quote(words[i + 1], 30)
        raise GrammarError(f'I found two dates ("{first}" and "{second} …"). Keep one and try again.')
    r.out.due, used = found
    r.out.due_phrase = " ".join(words[i + 1 : i + 1 + used])
    return 1 + used


def _repeat(r: _Reading, words: list[str], i: int) -> int:
    low = words[i].lower()
    if low not in RULE_KEYWORDS or low not in r.keywords:
        return 0
    skip = 1 if low == "repeat" else 0  # "every" is part of the rule's words
    try:
        found = parse_rule(words[i + skip :], r.when)
    except DateError as exc:
        if exc.impossible:
            raise GrammarError(
                f'"{quote(exc.phrase, 40)}" never happens. Try a rule like "every Monday" or "every month on the 1st".'
            ) from None
        raise GrammarError(date_error_message(exc)) from None
    if found is None:
        return 0
    phrase = " ".join(words[i + skip : i + skip + found[1]])
    if r.out.recurrence is not None:
        first, second = quote(r.out.recurrence_phrase or "", 30), quote(phrase, 30)
        raise GrammarError(f'I found two repeat rules ("{first}" and "{second}"). Keep one and try again.')
    r.out.recurrence, r.out.recurrence_phrase = _time_before(r, found[0]), phrase
    return skip + found[1]


def _clock_time(words: list[str], when: When) -> time | None:
    """A time of day alone, in the author's zone ("at 9am", "5pm"); None for anything else."""
    said = read_time(tokens(" ".join(words)), when)
    return said[0] if said and isinstance(said[0], time) and said[1] is None else None


def _time_before(r: _Reading, rule: Rule) -> Rule:
    """ "Standup at 9am every weekday": a time just before a rule without one is the rule's."""
    for n in (3, 2):
        tail = r.rest[-n:]
        at = _clock_time(tail, r.when) if len(tail) == n and tail[0].lower() in ("at", "@") else None
        if at is not None and rule.first.at is None:
            del r.rest[-n:]
            return with_time(rule, at, r.when)
    return rule


_OPTIONS: tuple[Option, ...] = (_role, _mention, _for, _criteria, _gate, _due, _repeat)


def _first_occurrence(out: Parsed, when: When) -> None:
    """A rule with a date option: the date is the first occurrence when it is one of the rule's days."""
    if out.recurrence is None or out.due is None:
        return
    started = starting(out.recurrence, out.due)
    at = _clock_time((out.due_phrase or "").split(), when)
    if started is None and at is not None and out.recurrence.first.at is None:  # "every Friday by 5pm"
        out.recurrence, out.due, out.due_phrase = with_time(out.recurrence, at, when), None, None
        return
    if started is None:
        raise GrammarError(
            f'{spoken(out.due.day)} isn\'t one of the days of "{out.recurrence.words}". '
            "Drop the date to start on the next one, or pick one of its days."
        )
    out.recurrence = started


def parse_options(
    text: str,
    *,
    today: date | When,
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS,
    keywords: frozenset[str] = frozenset(),
) -> Parsed:
    """Pull options (`keywords` among for/owner/approver/by/due/on/criteria/gate/repeat/every) and mentions out."""
    words = split_words(text)
    reading = _Reading(Parsed(), When.of(today, working_days), keywords)
    i = 0
    while i < len(words):
        used = next((n for option in _OPTIONS if (n := option(reading, words, i))), 0)
        if not used:
            reading.rest.append(words[i])
        i += used or 1
    _first_occurrence(reading.out, reading.when)
    reading.out.title = squash(plain(" ".join(reading.rest))).strip(" ,;:-–—")
    return reading.out
