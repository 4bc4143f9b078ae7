"""Marker lines -> item drafts (pure): title, owners, date, and a warning instead of a silent drop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.capture.commands import GrammarError, parse_options
from bot.capture.dates import DEFAULT_WORKING_DAYS, ParsedDate, When
from bot.capture.keys import Key
from bot.capture.markers import marker_lines
from bot.capture.text import mentions, plain, squash

ADD_KEYWORDS = frozenset({"by", "due", "on", "for"})


@dataclass
class Draft:
    """One item to create, as read from a line."""

    title: str
    owners: list[str] = field(default_factory=list)
    due: ParsedDate | None = None
    for_key: Key | None = None
    warning: str | None = None


def draft_from_text(text: str, today: date | When, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> Draft:
    """Read one line like `/action add` would; an unreadable date keeps the line, without a date, with a warning."""
    try:
        parsed = parse_options(text, today=today, working_days=working_days, keywords=ADD_KEYWORDS)
    except GrammarError as exc:
        title = squash(plain(" ".join(w for w in text.split() if not mentions(w))))
        return Draft(title=title, owners=mentions(text), warning=exc.message)
    warning = None
    day = today.today if isinstance(today, When) else today
    if parsed.due and parsed.due.day < day:
        warning = f'"{parsed.due_phrase}" is in the past; I kept it, so the item shows as overdue.'
    return Draft(title=parsed.title, owners=parsed.mentions, due=parsed.due, for_key=parsed.for_key, warning=warning)


def drafts_from_message(text: str, today: date, working_days: frozenset[int] = DEFAULT_WORKING_DAYS) -> list[Draft]:
    """One draft per marker line."""
    return [draft_from_text(line, today, working_days) for line in marker_lines(text)]
