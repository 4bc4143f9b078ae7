"""A repeating rule in words for cards and lists: "every Monday", "every weekday at 9:00 AM"."""

from __future__ import annotations

from datetime import date, time

from bot.capture.date_words import MONTH_NAMES, WEEKDAY_NAMES, ordinal_suffix

_DAYS = dict(zip(("MO", "TU", "WE", "TH", "FR", "SA", "SU"), WEEKDAY_NAMES, strict=True))
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]


def _parts(rrule: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in rrule.removeprefix("RRULE:").split(";") if "=" in part)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _every(unit: str, interval: int) -> str:
    return f"every {unit}" if interval == 1 else f"every other {unit}" if interval == 2 else f"every {interval} {unit}s"


def _nth_day(code: str) -> str:
    n, day = int(code[:-2] or 1), code[-2:]
    return f"the {_NTH.get(n, ordinal_suffix(n))} {_DAYS[day]}"


def _month_day(n: int) -> str:
    return "the last day" if n == -1 else f"the {ordinal_suffix(n)}"


def _weekly(days: list[str], interval: int) -> str:
    if days == _WEEKDAYS and interval == 1:
        return "every weekday"
    names = _listed([_DAYS[d] for d in days])
    return f"every {names}" if interval == 1 else f"{_every('week', interval)} on {names}"


def _on(p: dict[str, str]) -> str:
    """The days part of a monthly or yearly rule ("on the 1st", "on the last Friday", "on December 31")."""
    if "BYMONTH" in p and "BYMONTHDAY" in p:
        return f" on {MONTH_NAMES[int(p['BYMONTH']) - 1]} {p['BYMONTHDAY']}"
    if "BYMONTHDAY" in p:
        return " on " + _listed([_month_day(int(d)) for d in p["BYMONTHDAY"].split(",")])
    if "BYSETPOS" in p:
        edge = "first" if p["BYSETPOS"] == "1" else "last"
        kind = "weekday" if p.get("BYDAY", "").split(",") == _WEEKDAYS else "working day"
        return f" on the {edge} {kind}"
    if "BYDAY" in p:
        return " on " + _listed([_nth_day(code) for code in p["BYDAY"].split(",")])
    return ""


def _at(p: dict[str, str]) -> str:
    if "BYHOUR" not in p:
        return ""
    at = time(int(p["BYHOUR"]), int(p.get("BYMINUTE", "0")))
    return " at " + at.strftime("%I:%M %p").lstrip("0")


def _until(p: dict[str, str]) -> str:
    if "UNTIL" not in p:
        return ""
    raw = p["UNTIL"][:8]
    day = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    return f", until {MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def describe(rrule: str) -> str:
    """The rule in words: "every Monday", "every weekday at 9:00 AM", "every month on the 1st, until Dec 31, 2026"."""
    p = _parts(rrule)
    freq, interval = p.get("FREQ", "DAILY"), int(p.get("INTERVAL", "1"))
    if freq == "WEEKLY" and "BYDAY" in p:
        head = _weekly(p["BYDAY"].split(","), interval)
    else:
        head = _every(_UNITS.get(freq, "day"), interval) + _on(p)
    return head + _at(p) + _until(p)
