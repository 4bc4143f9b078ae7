"""A tiny table-driven grammar: patterns like "next WD" or "NTH WD MSPEC" matched against a phrase's words."""

# A pattern is words separated by spaces: lower case is a literal ("a|an" alternatives, "on?" optional), upper case
# a slot that reads one or more words into a value ("YEAR?" may be left out). A pattern matches only when it reads
# every word.

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.capture.date_types import When
from bot.capture.date_words import MONTHS, UNITS, WEEKDAYS, WORKDAY_FIRST, number, ordinal

Words = Sequence[str]
Slot = Callable[[Words, int, When], "tuple[Any, int] | None"]
Action = Callable[..., Any]

_NTH_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_QUARTER_RE = re.compile(r"q([1-4])")


@dataclass(frozen=True)
class Lit:
    """A literal word (one of `words`), perhaps optional."""

    words: frozenset[str]
    optional: bool = False


@dataclass(frozen=True)
class Maybe:
    """A slot that may be left out: its value is then None."""

    slot: Slot


Element = Lit | Maybe | Slot
Pattern = tuple[Element, ...]


def compile_pattern(text: str, slots: dict[str, Slot]) -> Pattern:
    """ "next WD" -> (Lit({"next"}), slots["WD"])."""
    out: list[Element] = []
    for part in text.split():
        if part.isupper():
            out.append(Maybe(slots[part[:-1]]) if part.endswith("?") else slots[part])
        else:
            out.append(Lit(frozenset(part.rstrip("?").split("|")), optional=part.endswith("?")))
    return tuple(out)


def compile_table(table: Sequence[tuple[str, Action]], slots: dict[str, Slot]) -> list[tuple[Pattern, Action]]:
    """Every row's pattern compiled once."""
    return [(compile_pattern(text, slots), action) for text, action in table]


def match(pattern: Pattern, words: Words, when: When) -> list[Any] | None:
    """The slots' values when the pattern reads all the words, else None."""
    i, values = 0, []
    for element in pattern:
        if isinstance(element, Lit):
            if i < len(words) and words[i] in element.words:
                i += 1
            elif not element.optional:
                return None
            continue
        slot = element.slot if isinstance(element, Maybe) else element
        got = slot(words, i, when) if i < len(words) else None
        if got is None and isinstance(element, Maybe):
            got = None, i
        if got is None:
            return None
        value, i = got
        values.append(value)
    return values if i == len(words) else None


def first_match(table: list[tuple[Pattern, Action]], words: Words, when: When) -> Any:
    """The result of the first row that reads the words and gives a value (None when none does)."""
    for pattern, action in table:
        values = match(pattern, words, when)
        if values is not None:
            result = action(when, *values)
            if result is not None:
                return result
    return None


def one_word(read: Callable[[str], Any]) -> Slot:
    """A slot that reads one word with `read` (None: no match)."""

    def slot(words: Words, i: int, when: When) -> tuple[Any, int] | None:
        value = read(words[i])
        return None if value is None else (value, i + 1)

    return slot


def count(words: Words, i: int, when: When) -> tuple[float, int] | None:
    """A count: "3", "1.5", "two", "a", "a couple", "half"."""
    word = words[i]
    if word in ("a", "an") and i + 1 < len(words) and words[i + 1] in ("couple", "half"):
        return (2 if words[i + 1] == "couple" else 0.5), i + 2
    if word == "half":
        return 0.5, i + 1
    if re.fullmatch(r"\d{1,4}\.\d{1,2}", word):
        return float(word), i + 1
    n = number(word)
    return None if n is None else (n, i + 1)


def unit(words: Words, i: int, when: When) -> tuple[str, int] | None:
    """A unit of time: "days", "wks", "h", "business days"."""
    word = words[i]
    if word in WORKDAY_FIRST and i + 1 < len(words) and UNITS.get(words[i + 1]) == "day":
        return "workday", i + 2
    found = UNITS.get(word)
    return None if found is None else (found, i + 1)


def _day_number(word: str) -> int | None:
    n = ordinal(word) or (int(word) if word.isdigit() and len(word) <= 2 else None)
    return n if n is not None and 1 <= n <= 31 else None


def _ordinal_day(word: str) -> int | None:
    n = ordinal(word)
    return n if n is not None and 1 <= n <= 31 else None


def _year(word: str) -> int | None:
    return int(word) if word.isdigit() and len(word) == 4 and 1900 <= int(word) <= 2199 else None


def _quarter(word: str) -> int | None:
    m = _QUARTER_RE.fullmatch(word)
    return int(m.group(1)) if m else None


def nth(word: str) -> int | None:
    """Which one of a month's weekdays: 1-5, or -1 for the last."""
    n = _NTH_WORDS.get(word) or ordinal(word)
    return n if n is not None and -1 <= n <= 5 and n != 0 else None


BASIC_SLOTS: dict[str, Slot] = {
    "WD": one_word(WEEKDAYS.get),
    "MON": one_word(MONTHS.get),
    "DAY": one_word(_day_number),
    "ORD": one_word(_ordinal_day),
    "NTH": one_word(nth),
    "YEAR": one_word(_year),
    "Q": one_word(_quarter),
    "N": count,
    "UNIT": unit,
}
