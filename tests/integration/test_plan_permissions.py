"""Who may submit, approve, request changes, cancel and decide (CONTRACTS §4), and what everyone else reads."""

from __future__ import annotations

from typing import Any

import pytest

from bot.capture.keys import Key
from bot.clock import FrozenClock
from bot.services import deliverable_changes, deliverables, milestones, outcomes
from bot.services.common import Actor
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.support.blocks import text_of

# bob creates everything; carol owns; dana approves; alice is a workspace admin; frank is nobody on it.
PEOPLE = {"owner": "carol", "creator": "bob", "approver": "dana", "admin": "alice", "stranger": "frank"}


def answer(reply: Any) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict) and body.get("response_type") == "ephemeral", reply.body
    return body


def state(bot: LocalBot, clock: FrozenClock) -> tuple[dict[str, Any], dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        [ws] = export_all(s, clock, team_id=bot.world.team_id)["workspaces"]
    return ws["deliverables"][0], ws["milestones"][0]


def setup(bot: LocalBot, *, submitted: bool) -> None:
    bot.world.add_user("U0FRANK", "frank", "Frank Fox", "UTC", channels=("C0WEB",))
    cmd = bot.sender.command
    answer(cmd("bob", "/milestone", "add Launch on 2026-12-18 owner <@U0CAROL> gate"))
    answer(cmd("bob", "/deliverable", "add Homepage for M-1 owner <@U0CAROL> approver <@U0DANA>"))
    if submitted:
        assert "submitted" in answer(cmd("carol", "/deliverable", "submit D-1"))["text"]


CASES = {
    # verb: (command, text, whether it needs a submission first, who may, what changes)
    "submit": ("/deliverable", "submit D-1", False, {"owner", "creator", "admin"}),
    "approve": ("/deliverable", "approve D-1", True, {"approver"}),
    "reject": ("/deliverable", "reject D-1 Needs a pricing link", True, {"approver"}),
    "cancel": ("/deliverable", "cancel D-1", False, {"owner", "creator", "admin"}),
    "decide": ("/milestone", "decide M-1 go Ship it", False, {"owner", "creator", "admin"}),
    "edit": ("/deliverable", "edit D-1 due 2026-12-11", False, {"owner", "creator", "admin"}),
    "edit milestone": ("/milestone", "edit M-1 on 2026-12-17", False, {"owner", "creator", "admin"}),
}
AFTER = {
    "submit": lambda d, m: d["status"] == "submitted",
    "approve": lambda d, m: d["status"] == "approved",
    "reject": lambda d, m: d["status"] == "changes_requested" and d["decision_note"] == "Needs a pricing link",
    "cancel": lambda d, m: d["status"] == "cancelled",
    "decide": lambda d, m: m["decision"] == "go",
    "edit": lambda d, m: d["due_date"] == "2026-12-11",
    "edit milestone": lambda d, m: m["due_date"] == "2026-12-17",
}


@pytest.mark.parametrize("role", list(PEOPLE))
@pytest.mark.parametrize("verb", list(CASES))
def test_only_the_right_people_may(bot: LocalBot, clock: FrozenClock, verb: str, role: str) -> None:
    command, text, needs_submission, allowed = CASES[verb]
    setup(bot, submitted=needs_submission)
    before = state(bot, clock)
    body = answer(bot.sender.command(PEOPLE[role], command, text))
    if role in allowed:
        assert "Only" not in body["text"], body["text"]
        assert AFTER[verb](*state(bot, clock)), (verb, role, body["text"])
    else:
        assert body["text"].startswith("Only "), body["text"]
        assert "<@" in body["text"]  # says who can
        assert state(bot, clock) == before


def test_refusals_say_who_can(bot: LocalBot) -> None:
    setup(bot, submitted=True)
    cmd = bot.sender.command
    assert (
        answer(cmd("carol", "/deliverable", "approve D-1"))["text"] == "Only <@U0DANA> (the approver) can approve D-1."
    )
    assert answer(cmd("frank", "/deliverable", "cancel D-1"))["text"] == (
        "Only <@U0CAROL> (the owner), <@U0BOB> (who created it) or a workspace admin can cancel D-1."
    )
    assert answer(cmd("dana", "/milestone", "decide M-1 go"))["text"] == (
        "Only <@U0CAROL> (the owner), <@U0BOB> (who created it) or a workspace admin can decide M-1."
    )


def test_approve_buttons_refuse_people_who_may_not(bot: LocalBot, clock: FrozenClock) -> None:
    setup(bot, submitted=True)
    assert bot.sender.block_action("carol", "plan-approve", "D-1", channel="#proj-website").status == 200
    [call] = bot.api.wait_for("response_url")
    assert "Only <@U0DANA> (the approver) can approve D-1." in call.params["text"]
    assert bot.sender.block_action("frank", "plan-request-changes", "D-1", channel="#proj-website").status == 200
    bot.api.wait_for("response_url", count=2)
    assert bot.api.calls_to("views.open") == []
    assert state(bot, clock)[0]["status"] == "submitted"


def test_the_approver_rule_falls_back_to_the_milestone_owner_then_the_creator(
    bot: LocalBot, clock: FrozenClock
) -> None:
    alice = Actor(team_id=bot.world.team_id, user_id="U0ALICE", is_admin=True, channel="C0WEB")
    bob = Actor(team_id=bot.world.team_id, user_id="U0BOB", channel="C0WEB")
    with bot.db.session() as s:
        milestones.add(s, clock, alice, title="Launch", due=clock.now().date(), owner="U0CAROL")
        deliverables.add(s, clock, bob, title="With milestone", links=[Key("M", 1)])
        deliverables.add(s, clock, alice, title="No milestone", owner="U0BOB")
    with bot.db.session() as s:
        assert deliverable_changes.submit(s, clock, bob, "D-1").notify == "U0CAROL"  # the milestone's owner
        assert deliverable_changes.submit(s, clock, bob, "D-2").notify == "U0ALICE"  # the creator
    with bot.db.session(readonly=True) as s:
        assert [v.key for v in deliverables.awaiting_review(s, bot.world.team_id, "U0CAROL")] == ["D-1"]
        assert [v.key for v in deliverables.awaiting_review(s, bot.world.team_id, "U0ALICE")] == ["D-2"]
        assert deliverables.awaiting_review(s, bot.world.team_id, "U0BOB") == []


def test_nobody_approves_their_own_submission_unless_alone_on_it(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("bob", "/deliverable", "add Copy deck approver <@U0BOB> owner <@U0CAROL>"))
    submitted = answer(cmd("bob", "/deliverable", "submit D-1"))
    assert "nobody approves their own submission" in text_of(submitted)
    refused = answer(cmd("bob", "/deliverable", "approve D-1"))
    assert "You submitted D-1 yourself" in refused["text"]
    with bot.db.session(readonly=True) as s:
        assert deliverables.awaiting_review(s, bot.world.team_id, "U0BOB") == []

    answer(cmd("dana", "/deliverable", "add Solo task"))
    solo = answer(cmd("dana", "/deliverable", "submit D-2"))
    assert "only person" in text_of(solo)
    assert "approved" in answer(cmd("dana", "/deliverable", "approve D-2"))["text"]


def test_outcomes_are_changed_by_their_owner_creator_or_an_admin(bot: LocalBot) -> None:
    bot.world.add_user("U0FRANK", "frank", "Frank Fox", "UTC", channels=("C0WEB",))
    cmd = bot.sender.command
    answer(cmd("bob", "/outcome", "add Faster onboarding owner <@U0CAROL>"))
    refused = answer(cmd("frank", "/outcome", "kr O-1 Days to first value from 10 to 3 days"))
    assert refused["text"].startswith("Only <@U0CAROL> (the owner), <@U0BOB> (who created it)")
    for who in ("carol", "bob", "alice"):
        assert "O-1." in answer(cmd(who, "/outcome", "kr O-1 Days to first value from 10 to 3 days"))["text"]
    assert answer(cmd("frank", "/outcome", "checkin O-1.1 7"))["text"].startswith("Only ")
    assert "O-1.3" in answer(cmd("carol", "/outcome", "checkin O-1.3 7"))["text"]
    assert "O-1" in answer(cmd("frank", "/outcome", "status O-1"))["text"]  # anyone may read it


def test_unknown_and_foreign_keys_are_simply_not_found(bot: LocalBot, clock: FrozenClock) -> None:
    other = Actor(team_id="T0OTHER", user_id="U9")
    with bot.db.session() as s:
        milestones.add(s, clock, other, title="Theirs", due=clock.now().date())
        deliverables.add(s, clock, other, title="Theirs")
        outcomes.add(s, clock, other, objective="Theirs")
    cmd = bot.sender.command
    cases = [
        ("/deliverable", "show D-1", "I couldn't find D-1 in this workspace"),
        ("/deliverable", "approve d-1", "I couldn't find D-1 in this workspace"),
        ("/deliverable", "submit D-99", "I couldn't find D-99 in this workspace"),
        ("/milestone", "status M-1", "I couldn't find M-1 in this workspace"),
        ("/milestone", "decide m-1 go", "I couldn't find M-1 in this workspace"),
        ("/outcome", "status O-1", "I couldn't find O-1 in this workspace"),
        ("/outcome", "checkin O-1.1 3", "I couldn't find O-1 in this workspace"),
        ("/deliverable", "add Thing for M-1", "I couldn't find M-1 in this workspace"),
        ("/deliverable", "show M-1", "M-1 is a milestone, not a deliverable"),
        ("/milestone", "status banana", "isn't a milestone key"),
        ("/outcome", "kr D-1 Speed from 1 to 2", "D-1 is a deliverable, not an outcome"),
    ]
    for command, text, expected in cases:
        body = answer(cmd("alice", command, text))
        assert expected in body["text"], (command, text, body["text"])
