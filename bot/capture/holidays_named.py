"""Holidays by name: those people name anywhere ("by Christmas", "Thanksgiving") and the author's country's own."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from dateutil.easter import easter

from bot.capture.date_calendar import month_day_or_none, nth_weekday
from bot.capture.date_types import When
from bot.capture.date_words import FILLERS, tokens

Make = Callable[[int], date | None]


def _on(month: int, day: int) -> Make:
    return lambda year: month_day_or_none(year, month, day)


def _nth(month: int, weekday: int, nth: int, shift: int = 0) -> Make:
    return lambda year: (nth_weekday(year, month, weekday, nth) or date(year, month, 1)) + timedelta(days=shift)


def _easter(shift: int) -> Make:
    return lambda year: easter(year) + timedelta(days=shift)


def _names(make: Make, *names: str) -> dict[str, Make]:
    return dict.fromkeys(names, make)


# US readings for the American ones (Thanksgiving, Labor Day…): the author's country, looked up first, overrides them
# (Thanksgiving in Canada is in October).
NAMED: dict[str, Make] = {
    **_names(_on(12, 25), "christmas", "xmas", "christmas day", "xmas day"),
    **_names(_on(12, 24), "christmas eve", "xmas eve"),
    **_names(_on(12, 26), "boxing day"),
    **_names(_on(12, 31), "new years eve", "new year eve", "nye", "hogmanay", "silvester"),
    **_names(_on(1, 1), "new years day", "new years", "new year", "new year day"),
    **_names(_easter(0), "easter", "easter sunday", "easter day"),
    **_names(_easter(-2), "good friday"),
    **_names(_easter(-3), "maundy thursday", "holy thursday"),
    **_names(_easter(1), "easter monday"),
    **_names(_easter(-46), "ash wednesday"),
    **_names(_easter(39), "ascension day", "ascension"),
    **_names(_easter(49), "pentecost", "whit sunday", "whitsunday", "whitsun"),
    **_names(_easter(50), "whit monday", "pentecost monday"),
    **_names(_nth(11, 3, 4), "thanksgiving", "thanksgiving day", "us thanksgiving"),
    **_names(_nth(11, 3, 4, 1), "black friday"),
    **_names(_nth(11, 3, 4, 4), "cyber monday"),
    **_names(_on(7, 4), "independence day", "fourth july", "july fourth", "4th july", "july 4th", "4 july"),
    **_names(_nth(1, 0, 3), "mlk day", "mlk", "martin luther king day", "martin luther king jr day", "mlk jr day"),
    **_names(_nth(2, 0, 3), "presidents day", "washingtons birthday"),
    **_names(_nth(5, 0, -1), "memorial day"),
    **_names(_nth(9, 0, 1), "labor day", "labour day"),
    **_names(_nth(10, 0, 2), "columbus day", "indigenous peoples day"),
    **_names(_on(11, 11), "veterans day", "remembrance day", "armistice day"),
    **_names(_on(6, 19), "juneteenth"),
    **_names(_on(10, 31), "halloween", "hallowe en"),
    **_names(_on(2, 14), "valentines day", "valentines", "valentine day", "st valentines day"),
    **_names(_on(3, 17), "st patricks day", "saint patricks day", "st paddys day", "st patricks"),
    **_names(_nth(5, 6, 2), "mothers day"),
    **_names(_nth(6, 6, 3), "fathers day"),
    **_names(_on(2, 2), "groundhog day"),
    **_names(_on(4, 1), "april fools day", "april fools"),
    **_names(_on(3, 15), "ides march"),
    **_names(_on(4, 22), "earth day"),
    **_names(_on(5, 5), "cinco de mayo"),
}


def holiday(words: list[str], when: When) -> date | None:
    """The next day (today counts) that a holiday's name means, or that year's with a year after the name."""
    year = int(words[-1]) if len(words) > 1 and words[-1].isdigit() and len(words[-1]) == 4 else None
    name = " ".join(words[:-1] if year else words)
    years = [year] if year else list(range(when.today.year, when.today.year + 2))
    for y in years:
        day = _country_day(when.country, y, name) or _named_day(name, y)
        if day is not None and (year or day >= when.today):
            return day
    return None


def _named_day(name: str, year: int) -> date | None:
    make = NAMED.get(name)
    return make(year) if make and 1 <= year <= 9998 else None


def _country_day(country: str | None, year: int, name: str) -> date | None:
    if not country:
        return None
    names = _country_names(country, year)
    return names.get(name) or names.get(name + " day")


@lru_cache(maxsize=64)
def _country_names(country: str, year: int) -> dict[str, date]:
    """A country's public holidays of a year by every spelling we read: English and its own language."""
    import holidays  # imported on first use: it loads every country's tables

    with warnings.catch_warnings():  # a year outside the package's tables just has no names
        warnings.simplefilter("ignore")
        return _names_of(holidays, country, year)


def _names_of(holidays: Any, country: str, year: int) -> dict[str, date]:
    try:
        entity = holidays.country_holidays(country, years=year)
    except (NotImplementedError, KeyError, ValueError):
        return {}
    # Every category (Canada's Thanksgiving is "optional"): these are names people say, not days off.
    categories = entity.supported_categories
    languages = {entity.default_language} | ({"en_US"} & set(entity.supported_languages))
    out: dict[str, date] = {}
    for language in sorted(lang or "" for lang in languages):
        found = holidays.country_holidays(country, years=year, language=language or None, categories=categories)
        for day, names in found.items():
            for name in names.split("; "):
                if "observed" not in name.lower() and "estimated" not in name.lower():
                    out.setdefault(" ".join(w for w in tokens(name) if w not in FILLERS), day)
    return out
