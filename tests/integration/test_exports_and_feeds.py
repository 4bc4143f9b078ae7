"""`/action export` as a CSV file, and iCalendar feeds read back with a real iCalendar parser."""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from icalendar import Calendar

from bot.clock import FrozenClock
from bot.simulator.local import LocalBot


@pytest.fixture
def signed_bot(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    with LocalBot(database_url, clock=clock, secret_key="operator-secret") as bot:
        yield bot


def cmd(bot: LocalBot, user: str, text: str, channel: str = "#proj-website") -> dict[str, object]:
    reply = bot.sender.command(user, "/action", text, channel=channel)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict)
    return body


def feed_url(text: str, base: str) -> list[str]:
    import re

    return [base + m for m in re.findall(r"(/calendar/[^\s>|]+\.ics)", text)]


def fetch(url: str) -> Calendar:
    with urllib.request.urlopen(url, timeout=5) as r:
        assert r.headers["Content-Type"].startswith("text/calendar")
        return Calendar.from_ical(r.read())


def test_action_export_uploads_a_csv_of_the_channels_items(bot: LocalBot) -> None:
    cmd(bot, "alice", "add <@U0BOB> Draft the charter by 2026-12-02")
    cmd(bot, "alice", 'add =HYPERLINK("http://evil") looks like a formula')
    cmd(bot, "alice", "add Private thing", channel="#leads")
    answer = cmd(bot, "dana", "export")
    assert "Exporting 2 rows" in str(answer["text"])
    bot.api.wait_for("files.completeUploadExternal")
    [content] = list(bot.api.uploads.values())
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert [r["key"] for r in rows] == ["A-1", "A-2"]
    assert rows[0]["owner"] == "U0BOB" and rows[0]["due_date"] == "2026-12-02"
    assert rows[1]["title"].startswith("'=")  # a spreadsheet will not run it


def test_feeds_for_a_person_and_a_channel_parse_and_carry_the_deadlines(signed_bot: LocalBot) -> None:
    bot = signed_bot
    cmd(bot, "alice", "add <@U0BOB> Draft the charter by 2026-12-02")
    cmd(bot, "alice", "add <@U0BOB> Call the venue by 2026-12-03 3pm")
    cmd(bot, "alice", "add <@U0CAROL> Not bob's by 2026-12-04")
    bot.sender.command("alice", "/milestone", "add Design approved on 2026-12-18 owner <@U0BOB>")
    text = str(cmd(bot, "bob", "calendar")["text"])
    mine, channel = feed_url(text, bot.url)
    events = {str(e["summary"]): e for e in fetch(mine).walk("VEVENT")}
    assert set(events) == {"A-1 Draft the charter", "A-2 Call the venue", "M-1 Design approved"}
    assert events["A-1 Draft the charter"].decoded("dtstart") == date(2026, 12, 2)
    start = events["A-2 Call the venue"].decoded("dtstart")
    # A time is kept in the author's zone (alice, New York); calendars show it in each reader's own.
    assert isinstance(start, datetime) and start.hour == 15 and str(start.tzinfo) == "America/New_York"
    channel_events = {str(e["summary"]) for e in fetch(channel).walk("VEVENT")}
    assert "A-3 Not bob's" in channel_events and "M-1 Design approved" in channel_events


def test_feed_links_are_revocable_and_unguessable(signed_bot: LocalBot) -> None:
    bot = signed_bot
    cmd(bot, "alice", "add Something by 2026-12-02")
    old, _ = feed_url(str(cmd(bot, "alice", "calendar")["text"]), bot.url)
    fetch(old)
    ident = old.rsplit("/", 1)[1].removesuffix(".ics").split(".")[0]
    for forged in (
        f"{bot.url}/calendar/{ident}.ics",
        f"{bot.url}/calendar/{ident}.0000.ics",
        f"{bot.url}/calendar/x.ics",
    ):
        with pytest.raises(urllib.error.HTTPError) as info:
            fetch(forged)
        assert info.value.code == 404
    new, _ = feed_url(str(cmd(bot, "alice", "settings calendar reset")["text"]), bot.url)
    assert new != old
    fetch(new)
    with pytest.raises(urllib.error.HTTPError):
        fetch(old)
