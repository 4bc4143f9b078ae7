"""Reading the planning commands: options anywhere, the title is what remains."""

from __future__ import annotations

from datetime import date

import pytest

from bot.capture import plan_commands
from bot.capture.keys import Key
from bot.errors import BadInput

SAT = date(2026, 11, 21)


def test_deliverable_add_takes_options_anywhere() -> None:
    args = plan_commands.deliverable_add(
        'for M-1 Homepage owner <@U0BOB> mockup approver <@U0DANA|dana> due Dec 15 criteria "Matches &amp; brand"', SAT
    )
    assert args.title == "Homepage mockup"
    assert args.links == [Key("M", 1)]
    assert (args.owner, args.approver) == ("U0BOB", "U0DANA")
    assert args.due == date(2026, 12, 15)
    assert args.criteria == "Matches & brand"


def test_deliverable_add_keeps_words_that_are_not_options() -> None:
    args = plan_commands.deliverable_add("Plan for Q3 gate review by the team", SAT)
    assert args.title == "Plan for Q3 gate review by the team"
    assert args.links == [] and args.due is None


def test_deliverable_add_links_a_milestone_and_an_outcome() -> None:
    args = plan_commands.deliverable_add("Pricing page for m-2 for O-3", SAT)
    assert args.links == [Key("M", 2), Key("O", 3)] and args.title == "Pricing page"


def test_a_bare_mention_is_the_owner_but_two_are_refused() -> None:
    assert plan_commands.deliverable_add("Copy deck <@U0BOB>", SAT).owner == "U0BOB"
    with pytest.raises(BadInput, match="one owner"):
        plan_commands.deliverable_add("Copy deck <@U0BOB> <@U0CAROL>", SAT)


def test_dates_that_start_like_dates_must_parse() -> None:
    with pytest.raises(BadInput, match="isn't a date"):
        plan_commands.deliverable_add("Copy due Feb 31", SAT)
    with pytest.raises(BadInput, match="couldn't read"):
        plan_commands.milestone_add("Launch on next sprint", SAT)


def test_milestone_add_reads_gate_and_date() -> None:
    args = plan_commands.milestone_add("Design approved on 2026-12-18 gate", SAT)
    assert (args.title, args.due, args.gate) == ("Design approved", date(2026, 12, 18), True)
    args = plan_commands.milestone_add("Design approved gate on Dec 18 owner <@U0BOB>", SAT)
    assert (args.title, args.due, args.gate, args.owner) == ("Design approved", date(2026, 12, 18), True, "U0BOB")
    assert plan_commands.milestone_add("Beta on Friday", SAT).gate is None


def test_deliverable_edit_reads_fields_and_clears() -> None:
    edit = plan_commands.deliverable_edit("D-1", 'due Friday approver none criteria "Fast" title New name', SAT)
    assert edit.due_date == date(2026, 11, 27) and edit.clear_approver and edit.criteria == "Fast"
    assert edit.title == "New name"
    edit = plan_commands.deliverable_edit("D-1", "for M-2 owner <@U0BOB> due none criteria none", SAT)
    assert edit.link == Key("M", 2) and edit.owner == "U0BOB" and edit.clear_due and edit.clear_criteria
    with pytest.raises(BadInput, match="didn't understand"):
        plan_commands.deliverable_edit("D-1", "something odd", SAT)
    with pytest.raises(BadInput, match="Say which role"):
        plan_commands.deliverable_edit("D-1", "<@U0BOB>", SAT)


def test_milestone_edit_reads_fields() -> None:
    edit = plan_commands.milestone_edit("M-1", "date 2026-12-20 gate off owner <@U0CAROL>", SAT)
    assert (edit.due_date, edit.gate, edit.owner) == (date(2026, 12, 20), False, "U0CAROL")
    assert plan_commands.milestone_edit("M-1", "gate on", SAT).gate is True
    assert plan_commands.milestone_edit("M-1", "title Public launch", SAT).title == "Public launch"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pricing page conversion from 2 to 3.5 %", ("Pricing page conversion", 2.0, 3.5, "%")),
        ("Conversion from 2% to 3.5%", ("Conversion", 2.0, 3.5, "%")),
        ("Signups from 1,200 to 2,000 per month", ("Signups", 1200.0, 2000.0, "per month")),
        ("Revenue from $10 to $25", ("Revenue", 10.0, 25.0, "$")),
        ("Time from home to desk from 40 to 25 minutes", ("Time from home to desk", 40.0, 25.0, "minutes")),
        ("Churn from 5 to 5", ("Churn", 5.0, 5.0, None)),
        ("Errors from -3 to 0", ("Errors", -3.0, 0.0, None)),
    ],
)
def test_key_results(text: str, expected: tuple[str, float, float, str | None]) -> None:
    kr = plan_commands.key_result(text)
    assert (kr.metric, kr.baseline, kr.target, kr.unit) == expected


@pytest.mark.parametrize("text", ["Conversion up", "from 2 to 3", "Conversion from two to three", ""])
def test_key_results_that_cannot_be_read(text: str) -> None:
    with pytest.raises(BadInput, match="couldn't read"):
        plan_commands.key_result(text)


def test_check_in_values() -> None:
    assert plan_commands.check_in("2.6 New page &amp; copy", "O-1") == (2.6, "New page & copy")
    assert plan_commands.check_in("40%", "O-1.1") == (40.0, None)
    with pytest.raises(BadInput, match="isn't a number"):
        plan_commands.check_in("soon", "O-1")
    with pytest.raises(BadInput, match="What's the value"):
        plan_commands.check_in("", "O-1")
