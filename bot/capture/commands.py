"""Slash-command grammar (CONTRACTS §4): options may stand anywhere; the title is what remains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.capture.dates import DEFAULT_WORKING_DAYS, DateError, ParsedDate, looks_like_date, parse_leading
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
    """The one-line refusal for a date we could not read."""
    phrase = quote(exc.phrase, 40)
    if exc.impossible:
        return f'"{phrase}" isn\'t a date. Try a date like 2026-12-02, "Friday" or "next week".'
    return (
        f'I couldn\'t read "{phrase}" as a date. Try a date like 2026-12-02, "Friday", "tomorrow 3pm" or "in 3 days".'
    )


def _mention_id(word: str) -> str | None:
    m = _MENTION_TOKEN_RE.match(word)
    if not m:
        return None
    inner = MENTION_RE.match(m.group(1))
    return inner.group(1) if inner else None


def parse_options(
    text: str,
    *,
    today: date,
    working_days: frozenset[int] = DEFAULT_WORKING_DAYS,
    keywords: frozenset[str] = frozenset(),
) -> Parsed:
    """Pull options (`keywords` among for/owner/approver/by/due/on/criteria/gate) and mentions out of text."""
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
        if low in DATE_KEYWORDS and low in keywords and nxt and looks_like_date(nxt):
            if out.due is not None:
                first, second = quote(out.due_phrase or "", 30), quote(nxt, 30)
                raise GrammarError(f'I found two dates ("{first}" and "{second} …"). Keep one and try again.')
            try:
                parsed, used = parse_leading(words[i + 1 :], today, working_days)
            except DateError as exc:
                raise GrammarError(date_error_message(exc)) from None
            out.due = parsed
            out.due_phrase = " ".join(words[i + 1 : i + 1 + used])
            i += 1 + used
            continue
        rest.append(word)
        i += 1
    out.title = squash(plain(" ".join(rest))).strip(" ,;:-–—")
    return out
