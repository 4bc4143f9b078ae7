"""Slash-command grammar (CONTRACTS §4): options may stand anywhere; the title is what remains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.capture.dates import DEFAULT_WORKING_DAYS, DateError, ParsedDate, When, looks_like_date, parse_leading
from bot.capture.keys import Key, parse_key
from bot.capture.text import MENTION_RE, plain, quote, squash

_TOKEN_RE = re.compile(r"[\"\u201c][^\"\u201d]*[\"\u201d]|\S+")
_MENTION_TOKEN_RE = re.compile(r"^(<@[UW][A-Z0-9]+(?:\|[^>]*)?>)([,.;:]*)$")
DATE_KEYWORDS = ("by", "due", "on")


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
        return parse_leading(words, when)
    except DateError as exc:
        if exc.impossible or exc.readings or exc.vague or looks_like_date(words[0]):
            raise GrammarError(date_error_message(exc)) from None
        return None


def _mention_id(word: str) -> str | None:
    m = _MENTION_TOKEN_RE.match(word)
    if not m:
        return None
    inner = MENTION_RE.match(m.group(1))
    return inner.group(1) if inner else None


def parse_options(
    text: str,
    *,
    today: date | When,
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS,
    keywords: frozenset[str] = frozenset(),
) -> Parsed:
    """Pull options (`keywords` among for/owner/approver/by/due/on/criteria/gate) and mentions out of text."""
    when = When.of(today, working_days)
    words = split_words(text)
    out = Parsed()
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        low = word.lower()
        nxt = words[i + 1] if i + 1 < len(words) else None
        uid = _mention_id(word)
        if low in ("owner", "approver") and low in keywords and nxt and _mention_id(nxt):
            setattr(out, low, _mention_id(nxt))
            i += 2
            continue
        if uid:
            out.mentions.append(uid) if uid not in out.mentions else None
            i += 1
            continue
        if low == "for" and "for" in keywords and nxt and parse_key(nxt):
            out.for_key = parse_key(nxt)
            i += 2
            continue
        if low == "criteria" and "criteria" in keywords and nxt and nxt[:1] in '"\u201c' and len(nxt) > 1:
            out.criteria = plain(nxt[1:-1]).strip() or None
            i += 2
            continue
        if low == "gate" and "gate" in keywords:
            out.gate = True
            i += 1
            continue
        found = _date_option(words[i + 1 :], when) if low in DATE_KEYWORDS and low in keywords and nxt else None
        if found is not None:
            if out.due is not None:
                first, second = quote(out.due_phrase or "", 30), quote(nxt or "", 30)
                raise GrammarError(f'I found two dates ("{first}" and "{second} …"). Keep one and try again.')
            out.due, used = found
            out.due_phrase = " ".join(words[i + 1 : i + 1 + used])
            i += 1 + used
            continue
        rest.append(word)
        i += 1
    out.title = squash(plain(" ".join(rest))).strip(" ,;:-–—")
    return out
