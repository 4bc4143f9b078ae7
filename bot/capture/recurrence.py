"""Repeating items (§4): a rule read from words ("every Monday", "repeat monthly on the 1st"), kept as RFC 5545."""

# The rule is stored without DTSTART: each occurrence's due date anchors the next, so `dateutil.rrule` computes
# "the rule's first date after the completed occurrence" from the rule text and that date alone.

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrule, rrulestr

from bot.capture.date_absolute import spoken
from bot.capture.date_times import at_time, read_time
from bot.capture.date_types import DateError, ParsedDate, When
from bot.capture.date_words import FILLERS, tokens
from bot.capture.dates import parse_phrase
from bot.capture.recurrence_forms import Parts, read_body
from bot.capture.recurrence_words import describe

__all__ = ["MAX_RULE_WORDS", "Rule", "describe", "next_occurrence", "parse_rule", "starting", "with_time"]

MAX_RULE_WORDS = 16
_EVERY = {"every", "each"}
_END = {"until", "till", "til", "through", "thru", "ending", "ends"}
_START = {"starting", "from", "beginning", "start", "starts", "effective", "commencing"}
# Clause words that may follow another clause ("starting Monday until Friday"); "beginning" may be inside one
# ("until the beginning of March").
_ALWAYS_CLAUSE = {"starting", "until", "till", "til", "ending", "for"}
_DANGLING = FILLERS | _EVERY | _END | _START | {"on", "at", "and", "or", "to", "for", "other"}
_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "BYHOUR", "BYMINUTE", "UNTIL")


@dataclass(frozen=True)
class Rule:
    """A repeating rule: its RFC 5545 text (no "RRULE:"), its first occurrence not yet past, and its words."""

    rrule: str
    first: ParsedDate
    words: str


def _rrule_text(parts: Parts) -> str:
    out = []
    for key in _ORDER:
        value = parts.get(key)
        if value is None or (key == "INTERVAL" and value == 1):
            continue
        out.append(f"{key}={','.join(str(v) for v in value) if isinstance(value, list) else value}")
    return ";".join(out)


def _series(text: str, start: date) -> rrule:
    series = rrulestr(text, dtstart=datetime.combine(start, time.min))
    assert isinstance(series, rrule)
    return series


def _on_or_after(text: str, anchor: date, day: date) -> date | None:
    found = _series(text, anchor).after(datetime.combine(day, time.min), inc=True)
    return found.date() if found else None


def next_occurrence(rrule_text: str, after: date, today: date) -> date | None:
    """The rule's first date after `after` and not before today; None when the series has ended."""
    return _on_or_after(rrule_text, after, max(after + timedelta(days=1), today))


def starting(rule: Rule, day: ParsedDate) -> Rule | None:
    """The rule with `day` as its first occurrence; None when `day` is not one of its days."""
    if _on_or_after(rule.rrule, day.day, day.day) != day.day:
        return None
    return Rule(rule.rrule, ParsedDate(day.day, day.at or rule.first.at), rule.words)


def with_time(rule: Rule, at: time, when: When) -> Rule:
    """The rule at a time of day said apart from it ("Standup at 9am every weekday", "every Friday by 5pm")."""
    parts: Parts = dict(part.split("=", 1) for part in rule.rrule.split(";"))
    parts |= {"BYHOUR": at.hour, "BYMINUTE": at.minute}
    if len(parts.get("UNTIL", "")) == 8:
        parts["UNTIL"] += "T235959"
    first = _first(parts, rule.first.day, at, when) or rule.first.day
    text = _rrule_text(parts)
    return Rule(text, ParsedDate(first, at), describe(text))


def _clauses(words: list[str]) -> tuple[list[str], dict[str, list[str]]] | None:
    """The body and its clauses: start ("starting Monday"), end ("until Dec 31"), length ("for 3 weeks")."""
    body: list[str] = []
    clauses: dict[str, list[str]] = {}
    current: list[str] = body
    for word in words:
        kind = "end" if word in _END else "start" if word in _START else "for" if word == "for" else None
        if kind and kind not in clauses and (current is body or word in _ALWAYS_CLAUSE):
            current = clauses.setdefault(kind, [])
            continue
        current.append(word)
    if len(body) > 2 and body[-1] == "times":
        clauses["for"], body = body[-2:], body[:-2]
    return (body, clauses) if all(clauses.values()) else None


def _body_and_time(body: list[str], when: When) -> tuple[Parts, time | None] | None:
    """How often, and at what time: "weekday at 9am", "monday morning", "morning"."""
    parts = read_body(body, when)
    if parts is not None:
        return parts, parts.pop("_AT", None)
    for size in range(1, min(len(body), 4) + 1):
        said = read_time(body[-size:], when)
        if said is None or not isinstance(said[0], time):
            continue
        parts = read_body(body[:-size], when) if size < len(body) else {"FREQ": "DAILY", "INTERVAL": 1}
        if parts is not None:
            at, day_part = said[0], parts.pop("_AT", None)
            if said[1] is not None:
                at = at_time(when.today, at, said[1], when).at or at
            if day_part and day_part >= time(12) and 1 <= at.hour < 12:  # "every evening at 7"
                at = at.replace(hour=at.hour + 12)
            return parts, at
    return None


def _date_of(words: list[str], when: When) -> date | None:
    try:
        return parse_phrase(" ".join(words), when).day
    except DateError as exc:
        if exc.impossible or exc.readings:
            raise
        return None


def _end(clauses: dict[str, list[str]], text: str, first: date, when: When) -> date | None | bool:
    """The last day the series may occur on; None for no end; False when the clause does not read."""
    if "end" in clauses:
        return _date_of(clauses["end"], when) or False
    if "for" not in clauses:
        return None
    words = clauses["for"]
    if len(words) == 2 and words[1] in ("times", "occurrences") and words[0].isdigit() and 0 < int(words[0]) < 1000:
        days = [d.date() for d in islice(_series(text, first), int(words[0]))]
        return days[-1] if days else False
    try:
        found = parse_phrase(" ".join(["in", *words]), when)
    except DateError:
        return False
    span = found.day - when.today
    return first + span - timedelta(days=1)


def _first(parts: Parts, anchor: date, at: time | None, when: When) -> date | None:
    """The first occurrence not yet past: today counts for a rule without a time, or with one still ahead."""
    # Counted without the interval: "every other Monday" said on a Saturday starts this Monday, and the series is
    # anchored there.
    text = _rrule_text({k: v for k, v in parts.items() if k != "INTERVAL" or not _has_days(parts)})
    day = _on_or_after(text, anchor, max(anchor, when.today))
    if day == when.today and at is not None and at <= when.now.time():
        anchor = max(anchor, when.today + timedelta(days=1))
        day = _on_or_after(text, anchor, anchor)
    return day


def _has_days(parts: Parts) -> bool:
    return any(key in parts for key in ("BYDAY", "BYMONTHDAY", "BYMONTH"))


def _rule(words: list[str], when: When) -> Rule | None:
    split = _clauses(words)
    if split is None:
        return None
    body, clauses = split
    read = _body_and_time(body, when)
    start = _date_of(clauses["start"], when) if "start" in clauses else when.today
    if read is None or start is None:
        return None
    parts, at = read
    if at is not None:
        parts |= {"BYHOUR": at.hour, "BYMINUTE": at.minute}
    first = _first(parts, start, at, when)
    if first is None:
        raise DateError(" ".join(words), impossible=True)
    end = _end(clauses, _rrule_text(parts), first, when)
    if end is False:
        return None
    if isinstance(end, date):
        if end < first:
            raise DateError(f"until {spoken(end)}", impossible=True)
        parts["UNTIL"] = end.strftime("%Y%m%d") + ("T235959" if at else "")
    text = _rrule_text(parts)
    return Rule(text, ParsedDate(first, at), describe(text))


def parse_rule(words: list[str], when: When | date) -> tuple[Rule, int] | None:
    """The longest run of leading words that reads as a rule (after `repeat`, or starting with `every`)."""
    when = When.of(when)
    for n in range(min(len(words), MAX_RULE_WORDS), 0, -1):
        raw = tokens(" ".join(words[:n]))
        if not raw or raw[-1] in _DANGLING:
            continue
        if raw[0] in _EVERY:
            raw = raw[1:]
        try:
            rule = _rule([w for w in raw if w not in FILLERS], when)
        except (OverflowError, ValueError) as exc:
            if isinstance(exc, DateError):
                raise exc.about(" ".join(words[:n])) from None
            continue
        if rule is not None:
            return rule, n
    return None
