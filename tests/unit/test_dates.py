"""Date phrases as people type them in task apps (CONTRACTS §6), family by family, at fixed clocks in four zones."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.capture.dates import (
    DateError,
    ParsedDate,
    When,
    default_holiday_country,
    parse_phrase,
)

NY, BERLIN, SYDNEY = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Australia/Sydney")
# Wednesday 2026-11-25, 14:00 in New York: Thanksgiving is tomorrow.
WED = When(datetime(2026, 11, 25, 14, 0, tzinfo=NY))
# Saturday 2027-03-27, 23:30 in Berlin: clocks go forward tonight (02:00 CET -> 03:00 CEST); the US moved on the 14th.
BER = When(datetime(2027, 3, 27, 23, 30, tzinfo=BERLIN))
# Saturday 2026-10-31, 23:30 in New York: clocks go back tonight (02:00 EDT -> 01:00 EST).
NOV = When(datetime(2026, 10, 31, 23, 30, tzinfo=NY))
# Wednesday 2026-12-02, 09:00 in Sydney (summer time, AEDT).
SYD = When(datetime(2026, 12, 2, 9, 0, tzinfo=SYDNEY))

Row = tuple[str, date, time | None]


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def check(phrase: str, when: When, day: date, at: time | None) -> None:
    assert parse_phrase(phrase, when) == ParsedDate(day, at), phrase


COUNTED_FROM_TODAY: list[Row] = [
    ("today", d(11, 25), None),
    ("tomorrow", d(11, 26), None),
    ("tmrw", d(11, 26), None),
    ("yesterday", d(11, 24), None),
    ("the day after tomorrow", d(11, 27), None),
    ("in 3 days", d(11, 28), None),
    ("3d", d(11, 28), None),
    ("2w", d(12, 9), None),
    ("2 weeks", d(12, 9), None),
    ("within 2 weeks", d(12, 9), None),
    ("in the next two weeks", d(12, 9), None),
    ("in a fortnight", d(12, 9), None),
    ("in a month", d(12, 25), None),
    ("in 2 months", d(1, 25, 2027), None),
    ("in a year", d(11, 25, 2027), None),
    ("2 days from now", d(11, 27), None),
    ("a week from today", d(12, 2), None),
    ("a week from tomorrow", d(12, 3), None),
    ("a week from Friday", d(12, 4), None),
    ("3 days ago", d(11, 22), None),  # a past date: accepted, the caller warns
    ("in 2 hours", d(11, 25), time(16)),
    ("in 30 minutes", d(11, 25), time(14, 30)),
    ("in half an hour", d(11, 25), time(14, 30)),
    ("in 12 hours", d(11, 26), time(2)),
    ("in two days' time", d(11, 27), None),
    ("this time tomorrow", d(11, 26), time(14)),
    ("same time next week", d(12, 2), time(14)),
]

WEEKDAYS: list[Row] = [
    ("Friday", d(11, 27), None),
    ("fri", d(11, 27), None),
    ("Wednesday", d(12, 2), None),  # the next one after today, never today
    ("on Monday", d(11, 30), None),
    ("this Wednesday", d(11, 25), None),  # this: today counts
    ("this Monday", d(11, 30), None),
    ("this Friday", d(11, 27), None),
    ("coming Monday", d(11, 30), None),
    ("next Friday", d(12, 4), None),  # next: next week's
    ("next Monday", d(11, 30), None),
    ("Friday next week", d(12, 4), None),
    ("next week Friday", d(12, 4), None),
    ("Friday after next", d(12, 4), None),  # the second one from today
    ("Monday after next", d(12, 7), None),
    ("Thursday after next", d(12, 3), None),
    ("Friday week", d(12, 4), None),
    ("last Friday", d(11, 20), None),  # the most recent before today: past
    ("last Wednesday", d(11, 18), None),
    ("Friday this week", d(11, 27), None),
]

WEEKS_AND_ENDS: list[Row] = [
    ("next week", d(11, 30), None),
    ("tomorrow 9", d(11, 26), time(9)),  # a lone hour after a day, as if "at 9"; never after a month ("Dec 5")
    ("next wk", d(11, 30), None),  # short spellings: wk, wks, mth, yr
    ("in 2 wks", d(12, 9), None),
    ("end of week", d(11, 27), None),
    ("by the end of the week", d(11, 27), None),
    ("EOW", d(11, 27), None),
    ("end of next week", d(12, 4), None),
    ("EOM", d(11, 30), None),
    ("end of month", d(11, 30), None),
    ("end of next month", d(12, 31), None),
    ("end of quarter", d(12, 31), None),
    ("end of next quarter", d(3, 31, 2027), None),
    ("end of year", d(12, 31), None),
    ("EOY", d(12, 31), None),
    ("end of next year", d(12, 31, 2027), None),
    ("end of Q1", d(3, 31, 2027), None),
    ("end of Q4", d(12, 31), None),
    ("end of Q3", d(9, 30, 2027), None),  # this year's is past: next year's
    ("EOD", d(11, 25), None),
    ("end of day", d(11, 25), None),
    ("COB", d(11, 25), time(17)),
    ("this weekend", d(11, 28), None),
    ("next weekend", d(12, 5), None),
    ("next business day", d(11, 26), None),  # holidays (Thanksgiving) never change the count
    ("3 business days", d(11, 30), None),
    ("in 5 working days", d(12, 2), None),
    ("early next week", d(11, 30), None),
    ("month end", d(11, 30), None),
    ("year-end", d(12, 31), None),
    ("Q4 end", d(12, 31), None),
]

CALENDAR: list[Row] = [
    ("Dec 5", d(12, 5), None),
    ("5 Dec", d(12, 5), None),
    ("December 5th", d(12, 5), None),
    ("Dec. 5", d(12, 5), None),
    ("the 5th of December", d(12, 5), None),
    ("December 5, 2027", d(12, 5, 2027), None),
    ("Nov 1", d(11, 1, 2027), None),  # the next Nov 1
    ("Feb 29", d(2, 29, 2028), None),  # the next one that exists
    ("the 15th", d(12, 15), None),
    ("the 30th", d(11, 30), None),
    ("on the 25th", d(11, 25), None),  # today counts
    ("the 15th of next month", d(12, 15), None),
    ("first Monday of January", d(1, 4, 2027), None),
    ("first Monday of next month", d(12, 7), None),
    ("second Tuesday of December", d(12, 8), None),
    ("last Friday of the month", d(11, 27), None),
    ("last Friday of March", d(3, 26, 2027), None),
    ("last day of the month", d(11, 30), None),
    ("first day of next month", d(12, 1), None),
    ("first business day of next month", d(12, 1), None),
    ("last working day of the month", d(11, 30), None),
    ("mid-December", d(12, 15), None),
    ("mid December", d(12, 15), None),
    ("early December", d(12, 1), None),
    ("late December", d(12, 31), None),
    ("end of January", d(1, 31, 2027), None),
    ("Friday, Nov 27", d(11, 27), None),
    ("Friday the 13th", d(8, 13, 2027), None),
]

NUMERIC: list[Row] = [
    ("2026-12-05", d(12, 5), None),
    ("2026/12/05", d(12, 5), None),
    ("20261205", d(12, 5), None),
    ("12/5", d(12, 5), None),  # month/day
    ("13/12", d(12, 13), None),  # 13 cannot be a month: day/month
    ("25/12/2026", d(12, 25), None),
    ("2026-12-05T15:00", d(12, 5), time(15)),
    ("2026-12-05 15:00", d(12, 5), time(15)),
    ("2026-12-05T15:00:00Z", d(12, 5), time(10)),  # UTC, read in New York
]

TIMES: list[Row] = [  # now is 14:00
    ("3pm", d(11, 25), time(15)),
    ("1pm", d(11, 26), time(13)),  # a bare time is its next occurrence
    ("15:00", d(11, 25), time(15)),
    ("at 3", d(11, 25), time(15)),  # 1-7 mean the afternoon
    ("at 9", d(11, 26), time(9)),
    ("5p", d(11, 25), time(17)),
    ("9a", d(11, 26), time(9)),
    ("3:30", d(11, 25), time(15, 30)),
    ("3 o'clock", d(11, 25), time(15)),
    ("half past four", d(11, 25), time(16, 30)),
    ("noon", d(11, 26), time(12)),
    ("midnight", d(11, 26), time(0)),  # the midnight that ends today
    ("tonight", d(11, 25), time(18)),
    ("tonight at 8", d(11, 25), time(20)),
    ("this evening", d(11, 25), time(18)),
    ("tomorrow morning", d(11, 26), time(9)),
    ("Friday afternoon", d(11, 27), time(15)),
    ("Friday evening", d(11, 27), time(18)),
    ("Friday at 5", d(11, 27), time(17)),
    ("Friday 5", d(11, 27), time(17)),
    ("Friday 5pm", d(11, 27), time(17)),
    ("Fri 5:30 pm", d(11, 27), time(17, 30)),
    ("3pm tomorrow", d(11, 26), time(15)),
    ("at 5pm on Friday", d(11, 27), time(17)),
    ("tomorrow at noon", d(11, 26), time(12)),
    ("Dec 5 at 9am", d(12, 5), time(9)),
    ("COB Friday", d(11, 27), time(17)),
    ("EOD Friday", d(11, 27), None),
    ("Friday midnight", d(11, 28), time(0)),
    ("7 in the morning", d(11, 26), time(7)),
    ("tomorrow afternoon at 2", d(11, 26), time(14)),
    ("Tuesday afternoon next week", d(12, 1), time(15)),
]

ZONES: list[Row] = [  # now: 14:00 EST = 19:00 UTC = 11:00 in Los Angeles
    ("3pm PT", d(11, 25), time(18)),
    ("17:00 UTC", d(11, 26), time(12)),  # 17:00 UTC has passed: tomorrow's
    ("9am CET", d(11, 26), time(3)),
    ("10am EST", d(11, 26), time(10)),
    ("Friday 11pm PT", d(11, 28), time(2)),  # the date changes with the zone
    ("tomorrow 9am Pacific time", d(11, 26), time(12)),
    ("3pm UTC+1", d(11, 26), time(9)),
]

HOLIDAYS: list[Row] = [  # New York: US holidays
    ("Christmas", d(12, 25), None),
    ("by Christmas", d(12, 25), None),
    ("Xmas", d(12, 25), None),
    ("Christmas Eve", d(12, 24), None),
    ("New Year's Eve", d(12, 31), None),
    ("New Year's Day", d(1, 1, 2027), None),
    ("Easter", d(3, 28, 2027), None),
    ("Good Friday", d(3, 26, 2027), None),
    ("Thanksgiving", d(11, 26), None),
    ("Black Friday", d(11, 27), None),
    ("Cyber Monday", d(11, 30), None),
    ("4th of July", d(7, 4, 2027), None),
    ("Independence Day", d(7, 4, 2027), None),
    ("MLK Day", d(1, 18, 2027), None),
    ("Halloween", d(10, 31, 2027), None),
    ("Valentine's Day", d(2, 14, 2027), None),
    ("Memorial Day", d(5, 31, 2027), None),
    ("Labor Day", d(9, 6, 2027), None),
    ("Juneteenth", d(6, 19, 2027), None),
    ("Christmas 2027", d(12, 25, 2027), None),
    ("the day after Christmas", d(12, 26), None),
]


@pytest.mark.parametrize(
    ("phrase", "day", "at"),
    COUNTED_FROM_TODAY + WEEKDAYS + WEEKS_AND_ENDS + CALENDAR + NUMERIC + TIMES + ZONES + HOLIDAYS,
)
def test_new_york_wednesday(phrase: str, day: date, at: time | None) -> None:
    check(phrase, WED, day, at)


@pytest.mark.parametrize(
    ("phrase", "day", "at"),
    [
        ("in 3 hours", d(3, 28, 2027), time(3, 30)),  # 22:30 UTC + 3 h = 01:30 UTC = 03:30 CEST
        ("tomorrow 9am", d(3, 28, 2027), time(9)),
        ("3pm PT", d(3, 29, 2027), time(0)),  # 15:00 PDT Sunday = 22:00 UTC = 00:00 CEST Monday
        ("Monday 9am ET", d(3, 29, 2027), time(15)),
        ("end of week", d(3, 27, 2027), None),  # this week's working days are past: today
        ("Easter", d(3, 28, 2027), None),
        ("Good Friday", d(4, 14, 2028), None),  # this year's was yesterday
        ("German Unity Day", d(10, 3, 2027), None),  # Germany's own, by its English name
        ("Tag der Deutschen Einheit", d(10, 3, 2027), None),  # and by its German one
        ("Whit Monday", d(5, 17, 2027), None),
        ("next Friday", d(4, 2, 2027), None),
        ("morgen", None, None),  # not a word we read
    ],
)
def test_berlin_on_the_night_summer_time_starts(phrase: str, day: date | None, at: time | None) -> None:
    if day is None:
        with pytest.raises(DateError):
            parse_phrase(phrase, BER)
    else:
        check(phrase, BER, day, at)


@pytest.mark.parametrize(
    ("phrase", "day", "at"),
    [
        ("in 2 hours", d(11, 1), time(1, 30)),  # still EDT
        ("in 3 hours", d(11, 1), time(1, 30)),  # EST: the hour between is lived twice
        ("tomorrow 9am", d(11, 1), time(9)),
        ("Monday 9am PT", d(11, 2), time(12)),
        ("Halloween", d(10, 31), None),  # today counts
        ("midnight", d(11, 1), time(0)),
        ("next week", d(11, 2), None),
    ],
)
def test_new_york_on_the_night_summer_time_ends(phrase: str, day: date, at: time | None) -> None:
    check(phrase, NOV, day, at)


@pytest.mark.parametrize(
    ("phrase", "day", "at"),
    [
        ("Boxing Day", d(12, 26), None),
        ("Australia Day", d(1, 26, 2027), None),
        ("Christmas", d(12, 25), None),
        ("Easter Monday", d(3, 29, 2027), None),
        ("5pm PT", d(12, 2), time(12)),  # 17:00 PST on Tuesday the 1st is noon Wednesday in Sydney
        ("Friday", d(12, 4), None),
        ("next Friday", d(12, 11), None),
        ("end of week", d(12, 4), None),
    ],
)
def test_sydney_in_summer(phrase: str, day: date, at: time | None) -> None:
    check(phrase, SYD, day, at)


def test_a_plain_day_still_works_for_callers_without_a_clock() -> None:
    assert parse_phrase("Friday 3pm", date(2026, 11, 21)) == ParsedDate(d(11, 27), time(15))
    assert parse_phrase("5pm", date(2026, 11, 21)) == ParsedDate(d(11, 21), time(17))  # the day starts at 00:00
    assert parse_phrase("Thanksgiving", date(2026, 11, 21)).day == d(11, 26)  # named holidays need no country


def test_working_days_are_the_authors() -> None:
    sun_to_thu = When(datetime(2026, 11, 25, 14, 0, tzinfo=NY), working_days=frozenset({6, 0, 1, 2, 3}))
    assert parse_phrase("end of week", sun_to_thu).day == d(11, 26)
    assert parse_phrase("end of next week", sun_to_thu).day == d(12, 3)
    assert parse_phrase("next business day", sun_to_thu).day == d(11, 26)
    assert parse_phrase("2 business days", sun_to_thu).day == d(11, 29)  # Thursday, then Sunday


def test_a_holiday_country_can_be_set_or_cleared() -> None:
    canada = When(WED.now, holiday_country="CA")
    assert parse_phrase("Thanksgiving", canada).day == d(10, 11, 2027)  # Canada's: the second Monday of October
    assert parse_phrase("Canada Day", canada).day == d(7, 1, 2027)
    none = When(WED.now, holiday_country="")
    assert none.country is None
    assert parse_phrase("Thanksgiving", none).day == d(11, 26)  # the named one stays
    with pytest.raises(DateError):
        parse_phrase("Canada Day", none)


@pytest.mark.parametrize(
    ("zone", "country"),
    [
        ("America/New_York", "US"),
        ("Europe/Berlin", "DE"),
        ("Australia/Sydney", "AU"),
        ("Asia/Kolkata", "IN"),
        ("UTC", None),
        ("Etc/GMT+5", None),
        ("Nowhere/Else", None),
        (None, None),
    ],
)
def test_default_holiday_country_comes_from_zone_tab(zone: str | None, country: str | None) -> None:
    assert default_holiday_country(zone) == country


def test_when_needs_a_zone_and_on_gives_the_start_of_a_day() -> None:
    with pytest.raises(ValueError, match="zone"):
        When(datetime(2026, 11, 25, 14, 0))  # noqa: DTZ001 - the point of the test
    start = When.on(d(11, 25), NY)
    assert (start.today, start.now.time(), start.country) == (d(11, 25), time(0), "US")
