"""Reading what people type: dates, keys, options and titles."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.capture.commands import GrammarError, parse_options
from bot.capture.dates import DateError, looks_like_date, parse_phrase
from bot.capture.keys import parse_key
from bot.capture.text import mentions, plain

SAT = date(2026, 11, 21)  # a Saturday
WED = date(2026, 11, 25)
ADD = frozenset({"by", "due", "on", "for"})


@pytest.mark.parametrize(
    ("phrase", "today", "expected"),
    [
        ("2026-12-02", SAT, date(2026, 12, 2)),
        ("today", SAT, SAT),
        ("tomorrow", SAT, date(2026, 11, 22)),
        ("yesterday", SAT, date(2026, 11, 20)),
        ("friday", SAT, date(2026, 11, 27)),
        ("Wed", WED, date(2026, 12, 2)),  # the next one after today, never today
        ("next week", WED, date(2026, 11, 30)),  # next Monday, not +7 days
        ("next week", SAT, date(2026, 11, 23)),
        ("in 3 days", SAT, date(2026, 11, 24)),
        ("in 2 weeks", SAT, date(2026, 12, 5)),
        ("end of week", WED, date(2026, 11, 27)),  # the last working day of this week
        ("end of week", SAT, SAT),  # already past: today
        ("Dec 5", SAT, date(2026, 12, 5)),
        ("Nov 1", SAT, date(2027, 11, 1)),  # the next Nov 1
        ("5 December 2026", SAT, date(2026, 12, 5)),
    ],
)
def test_date_phrases_mean_what_the_contract_says(phrase: str, today: date, expected: date) -> None:
    assert parse_phrase(phrase, today).day == expected


@pytest.mark.parametrize(
    ("phrase", "expected"), [("Friday 3pm", time(15)), ("tomorrow at 15:30", time(15, 30)), ("Dec 5 9am", time(9))]
)
def test_times_are_kept(phrase: str, expected: time) -> None:
    assert parse_phrase(phrase, SAT).at == expected


@pytest.mark.parametrize("phrase", ["Feb 31", "2026-02-30", "31/02", "25:00"])
def test_impossible_dates_are_refused(phrase: str) -> None:
    with pytest.raises(DateError) as info:
        parse_phrase(phrase, SAT)
    assert info.value.impossible


def test_end_of_week_uses_the_persons_working_days() -> None:
    sun_to_thu = frozenset({6, 0, 1, 2, 3})
    assert parse_phrase("end of week", WED, sun_to_thu).day == date(2026, 11, 26)


@pytest.mark.parametrize("word", ["2026-12-02", "friday", "Dec", "tomorrow", "next", "in", "end", "3pm"])
def test_words_that_start_like_dates(word: str) -> None:
    assert looks_like_date(word)


@pytest.mark.parametrize("word", ["Q3", "the", "lunch", "Bob"])
def test_words_that_do_not(word: str) -> None:
    assert not looks_like_date(word)


def test_options_stand_anywhere_and_the_title_is_what_remains() -> None:
    p = parse_options("<@U0BOB> Draft the project charter by Wed for d-3", today=SAT, keywords=ADD)
    assert p.title == "Draft the project charter"
    assert p.mentions == ["U0BOB"]
    assert p.due is not None and p.due.day == WED
    assert str(p.for_key) == "D-3"


def test_keyword_without_a_date_stays_in_the_title() -> None:
    p = parse_options("Plan for Q3 by the end", today=SAT, keywords=ADD)
    assert p.title == "Plan for Q3 by the end"
    assert p.due is None


def test_a_date_that_does_not_parse_is_refused_with_what_was_not_understood() -> None:
    with pytest.raises(GrammarError, match='"next sprint"'):
        parse_options("Ship it by next sprint", today=SAT, keywords=ADD)


def test_two_dates_are_refused() -> None:
    with pytest.raises(GrammarError, match="two dates"):
        parse_options("Ship by Friday due Monday", today=SAT, keywords=ADD)


def test_several_mentions_keep_order_without_repeats() -> None:
    p = parse_options("<@U1|bob>, <@U2> and <@U1> review", today=SAT, keywords=ADD)
    assert p.mentions == ["U1", "U2"]
    assert p.title == "and review"


def test_slack_escapes_are_undone_and_specials_defused() -> None:
    assert plain("R&amp;D &lt;b&gt; <!channel> <#C1|proj> <https://x.io|site>") == "R&D <b> @channel #proj site"
    assert mentions("hi <@U1> <@W2|x>") == ["U1", "W2"]


@pytest.mark.parametrize(("text", "key"), [("a-12", "A-12"), ("D-3", "D-3"), ("o-2.1", "O-2.1"), ("M-1,", "M-1")])
def test_keys_are_case_insensitive(text: str, key: str) -> None:
    parsed = parse_key(text)
    assert parsed is not None and str(parsed) == key


@pytest.mark.parametrize("text", ["A12", "X-1", "A-", "A-1.2.3"])
def test_not_keys(text: str) -> None:
    assert parse_key(text) is None
