"""Reading date phrases: refusals (vague, two readings, impossible, partial), the reading rule of §4, Hypothesis."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.capture.commands import GrammarError, date_error_message, parse_options
from bot.capture.dates import DateError, ParsedDate, When, looks_like_date, parse_leading, parse_phrase
from tests.support.examples import examples

# Wednesday 2026-11-25, 14:00 in New York.
WED = When(datetime(2026, 11, 25, 14, 0, tzinfo=ZoneInfo("America/New_York")))


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    "phrase",
    ["ASAP", "soon", "someday", "later", "next sprint", "sometime", "eventually", "in a few days", "when possible",
     "at some point", "TBD", "whenever", "sometime next week", "as soon as possible", "end of sprint"],
)  # fmt: skip
def test_vague_words_are_refused_as_vague(phrase: str) -> None:
    with pytest.raises(DateError) as info:
        parse_phrase(phrase, WED)
    assert info.value.vague
    assert "too vague" in date_error_message(info.value)


@pytest.mark.parametrize(
    ("phrase", "readings"),
    [
        ("05/12/2026", ("Tuesday, May 12, 2026", "Saturday, December 5, 2026")),
        ("next month", ("Tuesday, December 1, 2026", "Thursday, December 31, 2026")),
        ("the 31st", ("Monday, November 30, 2026", "Thursday, December 31, 2026")),  # November has 30 days
        ("March", ("Monday, March 1, 2027", "Wednesday, March 31, 2027")),
        ("Friday, Dec 5", ("Saturday, December 5, 2026", "Friday, November 27, 2026")),
    ],
)
def test_a_phrase_with_two_readings_names_both(phrase: str, readings: tuple[str, ...]) -> None:
    with pytest.raises(DateError) as info:
        parse_phrase(phrase, WED)
    assert info.value.readings == readings
    assert all(r in date_error_message(info.value) for r in readings)


@pytest.mark.parametrize("phrase", ["Feb 31", "2026-02-30", "31/02", "25:00", "13pm", "April 31 2027", "30/2/2027"])
def test_impossible_dates_are_refused(phrase: str) -> None:
    with pytest.raises(DateError) as info:
        parse_phrase(phrase, WED)
    assert info.value.impossible
    assert "isn't a date" in date_error_message(info.value)


@pytest.mark.parametrize("phrase", ["Friday blah", "tomorrow the", "next", "in", "Dec", "the shelf", "blah Friday"])
def test_a_whole_phrase_reads_whole_or_not_at_all(phrase: str) -> None:
    with pytest.raises(DateError):
        parse_phrase(phrase, WED)


@pytest.mark.parametrize(
    ("words", "day", "used"),
    [
        ("Friday blah", d(11, 27), 1),
        ("next Friday at 3pm with Bob", d(12, 4), 4),
        ("Dec 5 2027 launch", d(12, 5, 2027), 3),
        ("the 15th of next month please", d(12, 15), 5),
        ("Friday of course", d(11, 27), 1),  # "of" never ends a date
    ],
)
def test_the_longest_leading_run_is_the_date(words: str, day: date, used: int) -> None:
    parsed, n = parse_leading(words.split(), WED)
    assert (parsed.day, n) == (day, used)


def test_a_longer_run_that_is_impossible_is_refused_not_shortened() -> None:
    with pytest.raises(DateError) as info:
        parse_leading("Friday 25:00 sharp".split(), WED)
    assert info.value.impossible


@pytest.mark.parametrize(
    "word", ["2026-12-02", "friday", "Dec", "tomorrow", "next", "in", "end", "3pm", "EOD", "cob", "noon", "Tues."]
)
def test_words_that_can_only_begin_a_date(word: str) -> None:
    assert looks_like_date(word)


@pytest.mark.parametrize("word", ["Q3", "the", "lunch", "Bob", "market", "Mayor", "decide", "shelf"])
def test_words_that_can_begin_other_things(word: str) -> None:
    assert not looks_like_date(word)


ADD = frozenset({"by", "due", "on", "for"})


@pytest.mark.parametrize(
    ("text", "title", "due"),
    [
        ("Plan for Q3", "Plan for Q3", None),
        ("Put the boxes on the shelf", "Put the boxes on the shelf", None),
        ("Meet on the roof", "Meet on the roof", None),
        ("Ship it by", "Ship it by", None),
        ("Work on Monday's deck", "Work on Monday's deck", None),
        ("Meet on the 3rd floor", "Meet on the 3rd floor", None),
        ("Pay by the 15th with Bob", "Pay with Bob", ParsedDate(d(12, 15))),
        ("Pay by the 15th", "Pay", ParsedDate(d(12, 15))),
        ("Ship the beta by Friday next week", "Ship the beta", ParsedDate(d(12, 4))),
        ("Call Dana by 3pm PT", "Call Dana", ParsedDate(d(11, 25), time(18))),
        ("Send the deck by Christmas", "Send the deck", ParsedDate(d(12, 25))),
        ("Budget due end of quarter", "Budget", ParsedDate(d(12, 31))),
        ("Review on Friday at 5 with Bob", "Review with Bob", ParsedDate(d(11, 27), time(17))),
        ("Wrap up by noon", "Wrap up", ParsedDate(d(11, 26), time(12))),
    ],
)
def test_the_reading_rule_after_by_due_on(text: str, title: str, due: ParsedDate | None) -> None:
    parsed = parse_options(text, today=WED, keywords=ADD)
    assert (parsed.title, parsed.due) == (title, due)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Ship it by next sprint", "too vague"),
        ("Ship it by ASAP", "too vague"),
        ("Ship it by next month", "December 1, 2026 or Thursday, December 31"),
        ("Ship it by Feb 31", "isn't a date"),
        ("Ship it by Friyay", None),  # not a word that can only begin a date: it stays in the title
        ("Comment on this page", 'couldn\'t read "this page"'),  # "this" can only begin a date (§4)
    ],
)
def test_refusals_after_by_due_on(text: str, says: str | None) -> None:
    if says is None:
        assert parse_options(text, today=WED, keywords=ADD).title == text
        return
    with pytest.raises(GrammarError) as info:
        parse_options(text, today=WED, keywords=ADD)
    assert says in info.value.message


_WORDS = (
    "today tomorrow tonight next this last in on by at the of a an end mid early late week weeks month quarter year "
    "day days business working hours minutes from after before ago eod cob eow eom noon midnight morning evening "
    "monday fri december dec jan feb 29 30 31 1st 2nd 15th 31st 3pm 9:30 25:00 pt utc est 2026 9999 0 12/5 13/13 "
    "05/12/2026 2026-02-30 20261205 q1 q3 christmas easter thanksgiving asap soon every other first and half couple"
).split()
_phrases = st.lists(st.sampled_from(_WORDS) | st.text(max_size=6), min_size=1, max_size=7).map(" ".join)
_zones = ["UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Pacific/Apia"]
_clocks = st.builds(
    When,
    st.datetimes(
        min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - Hypothesis bounds are naive; the zone comes with timezones=
        max_value=datetime(2090, 12, 31),  # noqa: DTZ001
        timezones=st.sampled_from([ZoneInfo(z) for z in _zones]),
    ),
)


@settings(max_examples=examples(600), deadline=None)
@given(_phrases, _clocks)
def test_any_phrase_reads_to_a_real_date_or_raises_date_error(phrase: str, when: When) -> None:
    try:
        parsed = parse_phrase(phrase, when)
    except DateError:
        return
    assert isinstance(parsed.day, date) and date(2, 1, 1) <= parsed.day <= date(9998, 12, 31)
    assert parsed.at is None or isinstance(parsed.at, time)


@settings(max_examples=examples(300), deadline=None)
@given(_phrases, _clocks)
def test_any_leading_run_reads_or_raises_date_error(phrase: str, when: When) -> None:
    words = phrase.split() or ["x"]
    try:
        parsed, used = parse_leading(words, when)
    except DateError:
        return
    assert 1 <= used <= len(words) and isinstance(parsed.day, date)


_OPTION_WORDS = [*_WORDS, "by", "due", "on", "repeat", "every", "<@U0BOB>", "for", "D-1", "weekly", "Monday"]


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(_OPTION_WORDS) | st.text(max_size=5), max_size=10), _clocks)
def test_any_command_text_reads_or_is_refused_in_words(words: list[str], when: When) -> None:
    keywords = frozenset({"by", "due", "on", "for", "repeat", "every"})
    try:
        parsed = parse_options(" ".join(words), today=when, keywords=keywords)
    except GrammarError as exc:
        assert exc.message
        return
    assert parsed.due is None or isinstance(parsed.due.day, date)
    assert parsed.recurrence is None or parsed.recurrence.words.startswith("every")
