"""One project end to end through the simulator: milestone → deliverables → action items → review → reached; export."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.services.restore import import_export
from bot.simulator.local import LocalBot
from bot.simulator.webapi import RecordedCall
from storage.db import Database
from tests.support.blocks import button, text_of


def answer(reply: Any) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict), reply.body
    assert body.get("response_type") == "ephemeral", body
    return body


def dms(bot: LocalBot, user_id: str, containing: str = "") -> list[RecordedCall]:
    return [
        c
        for c in bot.api.calls_to("chat.postMessage")
        if c.params.get("channel") == user_id and containing in text_of(c.params)
    ]


def wait_dm(bot: LocalBot, user_id: str, containing: str, count: int = 1) -> list[RecordedCall]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = dms(bot, user_id, containing)
        if len(found) >= count:
            return found
        time.sleep(0.02)
    seen = [c.params.get("text") for c in bot.api.calls_to("chat.postMessage")]
    raise AssertionError(f"no DM to {user_id} containing {containing!r}; DMs so far: {seen}")


def workspace(bot: LocalBot, clock: FrozenClock) -> dict[str, Any]:
    with bot.db.session(readonly=True) as s:
        data = export_all(s, clock, team_id=bot.world.team_id)
    [ws] = data["workspaces"]
    assert isinstance(ws, dict)
    return ws


def by_key(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rows}


def test_a_project_from_milestone_to_reached(
    bot: LocalBot, clock: FrozenClock, new_database_url: Callable[[], str]
) -> None:
    cmd = bot.sender.command
    added = answer(cmd("alice", "/milestone", "add Design phase approved on 2026-12-18"))
    assert "M-1" in added["text"]

    d1 = answer(
        cmd(
            "alice",
            "/deliverable",
            "add Homepage mockup for M-1 owner <@U0BOB> approver <@U0DANA> due 2026-12-15 "
            'criteria "Matches the brand guide"',
        )
    )
    assert "D-1" in d1["text"] and "Matches the brand guide" in text_of(d1)
    d2 = answer(cmd("alice", "/deliverable", "add Project charter for m-1 owner <@U0CAROL>"))
    assert "D-2" in d2["text"]

    answer(cmd("bob", "/action", "add Draft the copy for D-1 by 2026-12-01"))
    answer(cmd("bob", "/action", "add <@U0CAROL> Review the layout for D-1"))
    answer(cmd("carol", "/action", "add Write the charter for D-2"))
    assert by_key(workspace(bot, clock)["deliverables"])["D-1"]["status"] == "in_progress"

    # Open items: asked to confirm, nothing submitted, nobody bothered.
    confirm = answer(cmd("bob", "/deliverable", "submit D-1"))
    assert "2 open action items" in confirm["text"]
    button(confirm["blocks"], "Submit anyway", "D-1")
    assert by_key(workspace(bot, clock)["deliverables"])["D-1"]["status"] == "in_progress"

    answer(cmd("bob", "/action", "done A-1"))
    answer(cmd("carol", "/action", "done A-2"))
    submitted = answer(cmd("bob", "/deliverable", "submit D-1"))
    assert "submitted" in submitted["text"] and "U0DANA" in text_of(submitted)

    [review] = wait_dm(bot, "U0DANA", "Review requested")
    card = text_of(review.params)
    assert "D-1" in card and "Matches the brand guide" in card and "A-1" in card and "A-2" in card
    button(review.params["blocks"], "Approve", "D-1")
    button(review.params["blocks"], "Request changes", "D-1")

    # Dana asks for changes through the modal; an empty reason stays in the modal.
    assert bot.sender.block_action("dana", "plan-request-changes", "D-1").status == 200
    [opened] = bot.api.wait_for("views.open")
    assert opened.response is not None
    view_id = opened.response["view"]["id"]
    empty = bot.sender.view_submission("dana", view_id, {"plan-reason": "   "})
    assert empty.json()["response_action"] == "errors"
    assert "plan-reason" in empty.json()["errors"]
    saved = bot.sender.view_submission("dana", view_id, {"plan-reason": "Use the new logo & colours"})
    assert saved.status == 200 and not saved.body.strip()

    [notice] = wait_dm(bot, "U0BOB", "requested changes")
    assert "Use the new logo &amp; colours" in text_of(notice.params)
    assert "/deliverable submit D-1" in text_of(notice.params)
    [update] = bot.api.wait_for("chat.update")
    assert "Changes requested on D-1" in update.params["text"]
    row = by_key(workspace(bot, clock)["deliverables"])["D-1"]
    assert row["status"] == "changes_requested"
    assert row["decided_by"] == "U0DANA" and row["decision_note"] == "Use the new logo & colours"

    # Resubmit; Dana approves from the new card.
    answer(cmd("bob", "/deliverable", "submit D-1"))
    wait_dm(bot, "U0DANA", "Review requested", count=2)
    assert bot.sender.block_action("dana", "plan-approve", "D-1").status == 200
    wait_dm(bot, "U0BOB", "approved")
    assert by_key(workspace(bot, clock)["deliverables"])["D-1"]["status"] == "approved"
    assert by_key(workspace(bot, clock)["milestones"])["M-1"]["status"] == "upcoming"

    # D-2 has no approver: the milestone's owner (alice) reviews it.
    answer(cmd("carol", "/action", "done A-3"))
    answer(cmd("carol", "/deliverable", "submit D-2"))
    wait_dm(bot, "U0ALICE", "Review requested")
    refused = answer(cmd("dana", "/deliverable", "approve D-2"))
    assert "Only <@U0ALICE> (the owner of M-1) can approve D-2" in refused["text"]
    approved = answer(cmd("alice", "/deliverable", "approve D-2 Looks good"))
    assert "M-1" in approved["text"] and "reached" in approved["text"]

    status = answer(cmd("dana", "/milestone", "status M-1"))
    assert "reached" in text_of(status)
    assert "2/2" in text_of(status) and "3/3" in text_of(status)

    ws = workspace(bot, clock)
    m1 = by_key(ws["milestones"])["M-1"]
    assert m1 == {
        "key": "M-1",
        "title": "Design phase approved",
        "due_date": "2026-12-18",
        "status": "reached",
        "channel": "C0WEB",
        "owner": "U0ALICE",
        "created_by": "U0ALICE",
        "gate": False,
        "decision": None,
        "decided_by": None,
        "decided_at": None,
        "decision_note": None,
    }
    d1_row = by_key(ws["deliverables"])["D-1"]
    assert d1_row == {
        "key": "D-1",
        "title": "Homepage mockup",
        "status": "approved",
        "owner": "U0BOB",
        "approver": "U0DANA",
        "created_by": "U0ALICE",
        "due_date": "2026-12-15",
        "milestone": "M-1",
        "outcome": None,
        "acceptance_criteria": "Matches the brand guide",
        "decided_by": "U0DANA",
        "decided_at": "2026-11-21T15:00:00Z",
        "decision_note": None,
    }
    assert by_key(ws["deliverables"])["D-2"]["decision_note"] == "Looks good"
    assert {a["key"]: a["deliverable"] for a in ws["action_items"]} == {"A-1": "D-1", "A-2": "D-1", "A-3": "D-2"}
    changes = [(e["key"], e["change"]) for e in ws["audit"] if e["key"].startswith(("D-", "M-"))]
    for expected in [("D-1", "submitted"), ("D-1", "changes_requested"), ("D-1", "approved"), ("M-1", "status")]:
        assert expected in changes

    # Import into a fresh database restores the same export.
    with bot.db.session(readonly=True) as s:
        exported = export_all(s, clock, team_id=bot.world.team_id)
    fresh = Database(new_database_url())
    try:
        with fresh.session() as s:
            import_export(s, clock, exported)
        with fresh.session(readonly=True) as s:
            again = export_all(s, clock, team_id=bot.world.team_id)
    finally:
        fresh.dispose()
    assert json.dumps(again, sort_keys=True) == json.dumps(exported, sort_keys=True)


def test_a_gate_decided_no_go_stays_open_and_go_reaches_it(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch gate on 2026-12-18 gate"))
    answer(cmd("alice", "/deliverable", "add Launch checklist for M-1"))
    answer(cmd("alice", "/deliverable", "submit D-1"))
    approved = answer(cmd("alice", "/deliverable", "approve D-1"))  # the only person named on it
    assert "approved" in approved["text"] and "reached" not in approved["text"]

    refused = answer(cmd("alice", "/milestone", "decide M-1 no-go"))
    assert "Say why" in refused["text"]
    no_go = answer(cmd("alice", "/milestone", "decide M-1 no-go Legal review pending"))
    assert "no-go" in no_go["text"]
    ms = by_key(workspace(bot, clock)["milestones"])["M-1"]
    assert ms["status"] == "upcoming" and ms["decision"] == "no_go"
    assert ms["decision_note"] == "Legal review pending"
    status = text_of(answer(cmd("alice", "/milestone", "status M-1")))
    assert "no-go" in status and "reached" not in status

    go = answer(cmd("alice", "/milestone", "decide M-1 go Legal signed off"))
    assert "M-1 is reached" in go["text"]
    assert by_key(workspace(bot, clock)["milestones"])["M-1"]["status"] == "reached"


def test_an_outcome_with_a_key_result_at_40_percent_shows_40_percent(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/outcome", "add Visitors find pricing without help"))
    kr = answer(cmd("alice", "/outcome", "kr O-1 Pricing page conversion from 2 to 3.5 %"))
    assert "O-1.1" in kr["text"]
    checked = answer(cmd("alice", "/outcome", "checkin O-1 2.6 New page is live"))
    assert "40 %" in text_of(checked)
    answer(cmd("alice", "/deliverable", "add Pricing page redesign for O-1"))
    status = answer(cmd("bob", "/outcome", "status o-1"))
    assert "40 %" in status["text"] and "▓▓▓▓░░░░░░ 40 %" in text_of(status)
    assert "D-1" in text_of(status) and "Pricing page redesign" in text_of(status)

    answer(cmd("alice", "/outcome", "kr O-1 Support tickets about pricing from 40 to 10 per week"))
    ambiguous = answer(cmd("alice", "/outcome", "checkin O-1 25"))
    assert "O-1.1" in ambiguous["text"] and "O-1.2" in ambiguous["text"] and "say which" in ambiguous["text"]
    answer(cmd("alice", "/outcome", "checkin O-1.2 25"))
    [o1] = workspace(bot, clock)["outcomes"]
    assert [(k["key"], k["current"], k["unit"]) for k in o1["key_results"]] == [
        ("O-1.1", 2.6, "%"),
        ("O-1.2", 25.0, "per week"),
    ]
    assert o1["key_results"][0]["checkins"] == [
        {"value": 2.6, "note": "New page is live", "by": "U0ALICE", "at": "2026-11-21T15:00:00Z"}
    ]
    assert by_key(workspace(bot, clock)["deliverables"])["D-1"]["outcome"] == "O-1"
