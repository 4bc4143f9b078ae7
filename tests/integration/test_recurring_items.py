"""Recurring items through the real pipeline: a rule in /action add, the next occurrence on done or skip, once."""

from __future__ import annotations

import json
from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot

# tests/conftest.py's clock: Saturday 2026-11-21, 15:00 UTC (10:00 in New York, where alice lives).


def items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def say(bot: LocalBot, who: str, text: str) -> dict[str, Any]:
    reply = bot.sender.command(who, "/action", text)
    assert reply.status == 200
    return dict(reply.json())


def test_a_rule_in_add_makes_a_series_that_starts_at_its_first_occurrence(bot: LocalBot, clock: FrozenClock) -> None:
    answer = say(bot, "alice", "add Send the weekly report every Monday")
    [item] = items(bot, clock)
    assert (item["title"], item["due_date"]) == ("Send the weekly report", "2026-11-23")
    assert item["recurrence"] == "FREQ=WEEKLY;BYDAY=MO" and item["series"] == "A-1"
    assert "🔁 every Monday" in json.dumps(answer, ensure_ascii=False)


def test_done_creates_the_next_occurrence_once_and_says_so(bot: LocalBot, clock: FrozenClock) -> None:
    say(bot, "alice", "add <@U0BOB> Water the plants repeat weekly by Monday")
    answer = say(bot, "alice", "done A-1")
    assert "Next: *A-2*" in json.dumps(answer)
    got = items(bot, clock)
    assert [(i["key"], i["status"], i["due_date"], i["owner"], i["series"]) for i in got] == [
        ("A-1", "done", "2026-11-23", "U0BOB", "A-1"),
        ("A-2", "open", "2026-11-30", "U0BOB", "A-1"),
    ]
    say(bot, "alice", "reopen A-1")
    say(bot, "alice", "done A-1")  # done again: its next one exists already
    assert len(items(bot, clock)) == 2


def test_skip_moves_to_the_next_and_a_one_off_cannot_be_skipped(bot: LocalBot, clock: FrozenClock) -> None:
    say(bot, "alice", "add Pay the invoices every month on the 1st")
    answer = say(bot, "alice", "skip A-1")
    assert "A-1 skipped" in answer["text"]
    got = items(bot, clock)
    assert [(i["status"], i["due_date"]) for i in got] == [("cancelled", "2026-12-01"), ("open", "2027-01-01")]
    say(bot, "alice", "add Buy milk")
    refused = say(bot, "alice", "skip A-3")
    assert "doesn't repeat" in refused["text"]


def test_titles_that_only_look_like_rules_stay_titles(bot: LocalBot, clock: FrozenClock) -> None:
    say(bot, "alice", "add Repeat the survey")
    say(bot, "alice", "add Review every PR by Friday")
    got = items(bot, clock)
    assert [(i["title"], i["recurrence"]) for i in got] == [("Repeat the survey", None), ("Review every PR", None)]


def test_the_csv_has_the_rule_and_the_export_round_trips_the_series(bot: LocalBot, clock: FrozenClock) -> None:
    from bot.services.csv_export import rows_csv
    from bot.services.restore import import_export

    say(bot, "alice", "add Standup notes every weekday at 9am")
    say(bot, "alice", "done A-1")
    with bot.db.session(readonly=True) as s:
        data = export_all(s, clock)
    [ws] = data["workspaces"]
    assert "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR" in rows_csv(ws["action_items"])
    with bot.db.session() as s:
        import_export(s, clock, data, replace=True)
    with bot.db.session(readonly=True) as s:
        again = export_all(s, clock)
    assert again["workspaces"][0]["action_items"] == ws["action_items"]


def test_the_item_form_repeats_by_choice_or_by_words(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.global_shortcut("alice", "new-action-item")
    call = bot.api.wait_for("views.open")[-1]
    assert call.response is not None
    view = call.response["view"]
    bad = bot.sender.view_submission("alice", view, {"title": "Backups", "repeat-text": "whenever"})
    assert "repeat-text" in bad.json()["errors"]
    ok = bot.sender.view_submission("alice", view, {"title": "Check the backups", "repeat-text": "every last Friday"})
    assert ok.status == 200
    [item] = items(bot, clock)
    assert (item["recurrence"], item["due_date"]) == ("FREQ=MONTHLY;BYDAY=-1FR", "2026-11-27")


def test_business_days_count_the_authors_own_working_days(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "settings")  # opens the settings form
    bot.sender.view_submission(
        "alice",
        bot.api.wait_for("views.open")[-1].response["view"],  # type: ignore[index]
        {"reminder-hour": "9", "working-days": ["sun", "mon", "tue", "wed", "thu"]},
    )
    say(bot, "alice", "add File the report due in 2 business days")
    [item] = items(bot, clock)
    assert item["due_date"] == "2026-11-23"  # Saturday: Sunday and Monday are her next two working days
