"""Repeating rules as people type them (CONTRACTS §4): the rule, its first occurrence, its words, the next one."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.capture.commands import RULE_KEYWORDS, GrammarError, parse_options
from bot.capture.dates import DateError, ParsedDate, When
from bot.capture.recurrence import describe, next_occurrence, parse_rule, starting
from tests.support.examples import examples

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
# Wednesday 2026-11-25, 14:00 in New York.
WED = When(datetime(2026, 11, 25, 14, 0, tzinfo=NY))
# Saturday 2027-03-27, 23:30 in Berlin, the night summer time starts.
BER = When(datetime(2027, 3, 27, 23, 30, tzinfo=BERLIN))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


RULES: list[tuple[str, str, date, time | None, str]] = [
    ("every day", "FREQ=DAILY", d(11, 25), None, "every day"),  # today counts without a time
    ("daily", "FREQ=DAILY", d(11, 25), None, "every day"),
    ("every other day", "FREQ=DAILY;INTERVAL=2", d(11, 25), None, "every other day"),
    ("every 3 days", "FREQ=DAILY;INTERVAL=3", d(11, 25), None, "every 3 days"),
    ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", d(11, 25), None, "every weekday"),
    ("every workday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", d(11, 25), None, "every weekday"),
    ("weekly", "FREQ=WEEKLY", d(11, 25), None, "every week"),
    ("every week", "FREQ=WEEKLY", d(11, 25), None, "every week"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", d(11, 25), None, "every other week"),
    ("fortnightly", "FREQ=WEEKLY;INTERVAL=2", d(11, 25), None, "every other week"),
    ("biweekly", "FREQ=WEEKLY;INTERVAL=2", d(11, 25), None, "every other week"),
    ("every Monday", "FREQ=WEEKLY;BYDAY=MO", d(11, 30), None, "every Monday"),
    ("every Wednesday", "FREQ=WEEKLY;BYDAY=WE", d(11, 25), None, "every Wednesday"),
    ("every mondays", "FREQ=WEEKLY;BYDAY=MO", d(11, 30), None, "every Monday"),
    ("every other Monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", d(11, 30), None, "every other week on Monday"),
    ("every Monday and Thursday", "FREQ=WEEKLY;BYDAY=MO,TH", d(11, 26), None, "every Monday and Thursday"),
    ("every Mon, Wed", "FREQ=WEEKLY;BYDAY=MO,WE", d(11, 25), None, "every Monday and Wednesday"),
    ("every Mon, Wed, and Fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR", d(11, 25), None, "every Monday, Wednesday and Friday"),
    ("every Tue-Thu", "FREQ=WEEKLY;BYDAY=TU,WE,TH", d(11, 25), None, "every Tuesday, Wednesday and Thursday"),
    ("every weekend", "FREQ=WEEKLY;BYDAY=SA,SU", d(11, 28), None, "every Saturday and Sunday"),
    ("every week on Friday", "FREQ=WEEKLY;BYDAY=FR", d(11, 27), None, "every Friday"),
    ("every 2 weeks on Tuesday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", d(12, 1), None, "every other week on Tuesday"),
    ("monthly", "FREQ=MONTHLY", d(11, 25), None, "every month"),
    ("every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", d(12, 1), None, "every month on the 1st"),
    ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15", d(12, 15), None, "every month on the 15th"),
    ("every 25th", "FREQ=MONTHLY;BYMONTHDAY=25", d(11, 25), None, "every month on the 25th"),
    ("every 15th of the month", "FREQ=MONTHLY;BYMONTHDAY=15", d(12, 15), None, "every month on the 15th"),
    ("every 1st and 15th", "FREQ=MONTHLY;BYMONTHDAY=1,15", d(12, 1), None, "every month on the 1st and the 15th"),
    ("every last day", "FREQ=MONTHLY;BYMONTHDAY=-1", d(11, 30), None, "every month on the last day"),
    ("every 31st", "FREQ=MONTHLY;BYMONTHDAY=-1", d(11, 30), None, "every month on the last day"),
    ("every last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1", d(11, 30), None, "every month on the last day"),
    ("every first Monday", "FREQ=MONTHLY;BYDAY=1MO", d(12, 7), None, "every month on the first Monday"),
    ("every 2nd Tuesday", "FREQ=MONTHLY;BYDAY=2TU", d(12, 8), None, "every month on the second Tuesday"),
    ("every last Friday", "FREQ=MONTHLY;BYDAY=-1FR", d(11, 27), None, "every month on the last Friday"),
    (
        "every first and third Monday",
        "FREQ=MONTHLY;BYDAY=1MO,3MO",
        d(12, 7),
        None,
        "every month on the first Monday and the third Monday",
    ),
    (
        "every first business day of the month",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
        d(12, 1),
        None,
        "every month on the first weekday",
    ),
    (
        "every 3 months on the 15th",
        "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15",
        d(12, 15),
        None,
        "every 3 months on the 15th",
    ),
    ("quarterly", "FREQ=MONTHLY;INTERVAL=3", d(11, 25), None, "every 3 months"),
    ("every quarter", "FREQ=MONTHLY;INTERVAL=3", d(11, 25), None, "every 3 months"),
    ("every 6 months", "FREQ=MONTHLY;INTERVAL=6", d(11, 25), None, "every 6 months"),
    ("yearly", "FREQ=YEARLY", d(11, 25), None, "every year"),
    ("annually", "FREQ=YEARLY", d(11, 25), None, "every year"),
    ("every Dec 31", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31", d(12, 31), None, "every year on December 31"),
    ("every 14 Jan", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=14", d(1, 14, 2027), None, "every year on January 14"),
    ("every year on March 5th", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=5", d(3, 5, 2027), None, "every year on March 5"),
    ("every Feb 29", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", d(2, 29, 2028), None, "every year on February 29"),
    ("every Christmas", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25", d(12, 25), None, "every year on December 25"),
    (
        "every weekday at 9am",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
        d(11, 26),  # 9:00 today has passed
        time(9),
        "every weekday at 9:00 AM",
    ),
    ("every day at 5pm", "FREQ=DAILY;BYHOUR=17;BYMINUTE=0", d(11, 25), time(17), "every day at 5:00 PM"),  # ahead
    ("every morning", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", d(11, 26), time(9), "every day at 9:00 AM"),
    ("every evening at 7", "FREQ=DAILY;BYHOUR=19;BYMINUTE=0", d(11, 25), time(19), "every day at 7:00 PM"),
    (
        "every Monday at 10:30",
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=30",
        d(11, 30),
        time(10, 30),
        "every Monday at 10:30 AM",
    ),
    (
        "every Friday afternoon",
        "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15;BYMINUTE=0",
        d(11, 27),
        time(15),
        "every Friday at 3:00 PM",
    ),
    (
        "every weekday at 9am until end of year",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0;UNTIL=20261231T235959",
        d(11, 26),
        time(9),
        "every weekday at 9:00 AM, until December 31, 2026",
    ),
    ("every day until Dec 31", "FREQ=DAILY;UNTIL=20261231", d(11, 25), None, "every day, until December 31, 2026"),
    (
        "every Monday for 3 weeks",
        "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261220",
        d(11, 30),
        None,
        "every Monday, until December 20, 2026",
    ),
    ("every day 5 times", "FREQ=DAILY;UNTIL=20261129", d(11, 25), None, "every day, until November 29, 2026"),
    ("every day starting Monday", "FREQ=DAILY", d(11, 30), None, "every day"),
    ("every 3 days starting Dec 1", "FREQ=DAILY;INTERVAL=3", d(12, 1), None, "every 3 days"),
]


@pytest.mark.parametrize(("phrase", "rrule", "first", "at", "words"), RULES)
def test_rules_people_type(phrase: str, rrule: str, first: date, at: time | None, words: str) -> None:
    found = parse_rule(phrase.split(), WED)
    assert found is not None, phrase
    rule, used = found
    assert (rule.rrule, rule.first, rule.words, used) == (rrule, ParsedDate(first, at), words, len(phrase.split()))
    assert describe(rule.rrule) == words


@pytest.mark.parametrize(
    "phrase", ["the survey", "PR", "every PR", "every hour", "every 12 hours", "every", "each of us"]
)
def test_words_that_are_not_a_rule(phrase: str) -> None:
    assert parse_rule(phrase.split(), WED) is None


@pytest.mark.parametrize("phrase", ["every Feb 30", "every April 31", "every Monday until yesterday"])
def test_a_rule_that_never_occurs_is_refused(phrase: str) -> None:
    with pytest.raises(DateError) as info:
        parse_rule(phrase.split(), WED)
    assert info.value.impossible


def test_the_rule_is_the_longest_leading_run() -> None:
    found = parse_rule("every Monday standup notes".split(), WED)
    assert found is not None and found[1] == 2 and found[0].rrule == "FREQ=WEEKLY;BYDAY=MO"


def test_the_authors_working_days_make_a_weekday_rule() -> None:
    sun_to_thu = When(WED.now, working_days=frozenset({6, 0, 1, 2, 3}))
    found = parse_rule("every workday".split(), sun_to_thu)
    assert found is not None and found[0].rrule == "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,SU"


def test_a_time_on_the_night_summer_time_starts() -> None:
    found = parse_rule("every day at 9am".split(), BER)
    assert found is not None and found[0].first == ParsedDate(d(3, 28, 2027), time(9))


@pytest.mark.parametrize(
    ("rrule", "after", "today", "expected"),
    [
        ("FREQ=WEEKLY;BYDAY=MO", d(11, 23), d(11, 25), d(11, 30)),
        ("FREQ=WEEKLY;BYDAY=MO", d(11, 2), d(11, 25), d(11, 30)),  # completed late: not before today
        ("FREQ=WEEKLY", d(11, 25), d(11, 25), d(12, 2)),  # anchored on the completed occurrence
        ("FREQ=WEEKLY;INTERVAL=2", d(11, 1), d(11, 25), d(11, 29)),  # keeps its fortnight
        ("FREQ=DAILY", d(11, 25), d(11, 25), d(11, 26)),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", d(11, 30), d(11, 25), d(12, 31)),
        ("FREQ=MONTHLY;BYDAY=-1FR", d(11, 27), d(11, 25), d(12, 25)),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", d(2, 29, 2028), d(11, 25), d(2, 29, 2032)),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0", d(11, 27), d(11, 25), d(11, 30)),
        ("FREQ=DAILY;UNTIL=20261126", d(11, 26), d(11, 25), None),  # the series has ended
        ("FREQ=DAILY;UNTIL=20261231T235959", d(12, 30), d(11, 25), d(12, 31)),
    ],
)
def test_next_occurrence(rrule: str, after: date, today: date, expected: date | None) -> None:
    assert next_occurrence(rrule, after, today) == expected


def test_a_date_option_is_the_first_occurrence_when_it_is_one() -> None:
    found = parse_rule("every Monday".split(), WED)
    assert found is not None
    rule = found[0]
    assert starting(rule, ParsedDate(d(12, 7), time(10))) == type(rule)(
        rule.rrule, ParsedDate(d(12, 7), time(10)), rule.words
    )
    assert starting(rule, ParsedDate(d(12, 8))) is None


ADD = frozenset({"by", "due", "on", "for"}) | RULE_KEYWORDS


@pytest.mark.parametrize(
    ("text", "title", "rrule", "first"),
    [
        (
            "Standup notes every weekday at 9am",
            "Standup notes",
            "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
            d(11, 26),
        ),
        ("Send the report repeat weekly", "Send the report", "FREQ=WEEKLY", d(11, 25)),
        ("repeat every 2 weeks Water the plants", "Water the plants", "FREQ=WEEKLY;INTERVAL=2", d(11, 25)),
        ("Pay rent every month on the 1st", "Pay rent", "FREQ=MONTHLY;BYMONTHDAY=1", d(12, 1)),
        ("Pay rent every month on the 1st by Jan 1", "Pay rent", "FREQ=MONTHLY;BYMONTHDAY=1", d(1, 1, 2027)),
        ("Retro every last Friday", "Retro", "FREQ=MONTHLY;BYDAY=-1FR", d(11, 27)),
        ("Standup at 9am every weekday", "Standup", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0", d(11, 26)),
        ("Report every Friday by 5pm", "Report", "FREQ=WEEKLY;BYDAY=FR;BYHOUR=17;BYMINUTE=0", d(11, 27)),
        ("Meet at the cafe every Monday", "Meet at the cafe", "FREQ=WEEKLY;BYDAY=MO", d(11, 30)),
        ("Pay rent on the 1st every month", "Pay rent", "FREQ=MONTHLY", d(12, 1)),
        ("Repeat the survey", "Repeat the survey", None, None),
        ("review every PR by Friday", "review every PR", None, None),
        ("Check the logs every hour", "Check the logs every hour", None, None),
    ],
)
def test_repeat_and_every_are_options_only_when_a_rule_reads(
    text: str, title: str, rrule: str | None, first: date | None
) -> None:
    parsed = parse_options(text, today=WED, keywords=ADD)
    assert parsed.title == title
    if rrule is None:
        assert parsed.recurrence is None
    else:
        assert parsed.recurrence is not None
        assert (parsed.recurrence.rrule, parsed.recurrence.first.day) == (rrule, first)


def test_without_the_keywords_repeat_and_every_are_words() -> None:
    parsed = parse_options("Standup every weekday", today=WED, keywords=frozenset({"by"}))
    assert parsed.title == "Standup every weekday" and parsed.recurrence is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Pay rent every month on the 1st by Dec 2", "isn't one of the days"),
        ("Party every Feb 30", "never happens"),
        ("Standup every Monday repeat daily", "two repeat rules"),
    ],
)
def test_rule_refusals(text: str, says: str) -> None:
    with pytest.raises(GrammarError, match=says):
        parse_options(text, today=WED, keywords=ADD)


_WORDS = (
    "every each repeat day days weekday weekdays week weeks month months year quarter other first second last "
    "monday mon tue and , fri sat weekend 1st 15th 31st dec feb 29 30 2 3 0 999 1000 at 9am 25:00 morning until "
    "starting for times end of the year next friday christmas hour on"
).split()


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(_WORDS) | st.text(max_size=5), min_size=1, max_size=9))
def test_any_words_read_to_a_rule_that_occurs_or_to_nothing(words: list[str]) -> None:
    try:
        found = parse_rule(words, WED)
    except DateError:
        return
    if found is None:
        return
    rule, used = found
    assert 1 <= used <= len(words)
    assert rule.first.day >= WED.today
    assert next_occurrence(rule.rrule, rule.first.day, WED.today) != rule.first.day
    assert describe(rule.rrule).startswith("every")
