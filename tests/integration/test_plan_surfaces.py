"""The planning commands' other surfaces: usage, lists, edit (text and modal), buttons, missed dates, risk, escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.blockkit import validate_blocks
from bot.simulator.local import LocalBot
from storage.models import ActionItem, Deliverable
from tests.support.blocks import button, text_of


def answer(reply: Any) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict) and body.get("response_type") == "ephemeral", reply.body
    assert validate_blocks(body.get("blocks", [])) == []
    return body


def exported(bot: LocalBot, clock: FrozenClock) -> dict[str, Any]:
    with bot.db.session(readonly=True) as s:
        [ws] = export_all(s, clock, team_id=bot.world.team_id)["workspaces"]
    assert isinstance(ws, dict)
    return ws


def deliverable(bot: LocalBot, clock: FrozenClock, key: str = "D-1") -> dict[str, Any]:
    return next(d for d in exported(bot, clock)["deliverables"] if d["key"] == key)


def test_usage_and_unknown_verbs(bot: LocalBot) -> None:
    for command, expected in (("/deliverable", "/deliverable add"), ("/milestone", "decide"), ("/outcome", "checkin")):
        assert expected in text_of(answer(bot.sender.command("alice", command, "")))
        assert expected in text_of(answer(bot.sender.command("alice", command, "help")))
        assert "I don't know" in answer(bot.sender.command("alice", command, "frobnicate"))["text"]


def test_add_refuses_what_it_cannot_read(bot: LocalBot) -> None:
    cmd = bot.sender.command
    cases = [
        ("/milestone", "add Launch", "When is it?"),
        ("/milestone", "add Launch on Feb 31", "isn't a date"),
        ("/milestone", "add on 2026-12-18", "What is the milestone?"),
        ("/deliverable", "add", "What is the deliverable?"),
        ("/deliverable", "add Homepage due next sprint", "couldn't read"),
        ("/deliverable", "add Homepage approver <@U0JIRA>", "is a bot"),
        ("/deliverable", "add Homepage owner <@U0ERIN>", "deactivated"),
        ("/deliverable", "add Homepage <@U0BOB> <@U0CAROL>", "one owner"),
        ("/deliverable", "add Homepage for A-1", "for M-n"),
        ("/outcome", "add", "What is the objective?"),
        ("/outcome", "kr O-1 Conversion up a lot", "couldn't read that key result"),
        ("/outcome", "checkin O-1 lots", "isn't a number"),
    ]
    for command, text, expected in cases:
        body = answer(cmd("alice", command, text))
        assert expected in body["text"], (text, body["text"])


def test_past_dates_are_kept_with_a_warning(bot: LocalBot, clock: FrozenClock) -> None:
    body = answer(bot.sender.command("alice", "/milestone", "add Kickoff on 2026-11-02"))
    assert "in the past" in text_of(body)
    assert exported(bot, clock)["milestones"][0]["due_date"] == "2026-11-02"


def test_lists_by_scope(bot: LocalBot) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-12-18"))
    answer(cmd("alice", "/outcome", "add Faster onboarding"))
    answer(cmd("alice", "/deliverable", "add Homepage for M-1 owner <@U0BOB> approver <@U0DANA>"))
    answer(cmd("alice", "/deliverable", "add Onboarding email for O-1 owner <@U0CAROL>"))
    answer(cmd("alice", "/deliverable", "add Secret plan", channel="#leads"))
    answer(cmd("bob", "/deliverable", "submit D-1"))

    def listed(who: str, text: str, channel: str = "#proj-website") -> str:
        return text_of(answer(cmd(who, "/deliverable", "list " + text, channel=channel)))

    everything = listed("dana", "")
    assert "D-1" in everything and "D-2" in everything and "D-3" not in everything  # D-3 is private to #leads
    assert "D-3" in listed("bob", "", channel="#leads")
    assert "D-1" in listed("bob", "mine") and "D-2" not in listed("bob", "mine")
    assert "D-2" in listed("dana", "<@U0CAROL>") and "D-1" not in listed("dana", "<@U0CAROL>")
    assert "D-1" in listed("dana", "m-1") and "D-2" not in listed("dana", "M-1")
    assert "D-2" in listed("dana", "O-1") and "D-1" not in listed("dana", "O-1")
    review = answer(cmd("dana", "/deliverable", "list review"))
    assert "Waiting for your review" in review["text"] and "D-1" in review["text"]
    button(review["blocks"], "Approve", "D-1")
    assert "couldn't find D-3" in answer(cmd("dana", "/deliverable", "show D-3"))["text"]
    assert "can't list" in answer(cmd("dana", "/deliverable", "list sideways"))["text"]
    milestones = text_of(answer(cmd("dana", "/milestone", "list")))
    assert "M-1" in milestones and "0/1" in milestones
    outcomes = text_of(answer(cmd("dana", "/outcome", "list")))
    assert "O-1" in outcomes


def test_text_edit_changes_fields_and_asks_a_new_approver(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-12-18"))
    answer(cmd("alice", "/milestone", "add Later on 2027-01-29"))
    answer(cmd("alice", "/deliverable", 'add Homepage for M-1 owner <@U0BOB> approver <@U0DANA> criteria "On brand"'))
    body = answer(cmd("bob", "/deliverable", 'edit d-1 due 2026-12-11 criteria "On brand, fast" title Home page v2'))
    assert "updated" in body["text"]
    row = deliverable(bot, clock)
    assert (row["title"], row["due_date"], row["acceptance_criteria"]) == (
        "Home page v2",
        "2026-12-11",
        "On brand, fast",
    )
    answer(cmd("bob", "/deliverable", "edit D-1 approver none due none for M-2"))
    row = deliverable(bot, clock)
    assert (row["approver"], row["due_date"], row["milestone"]) == (None, None, "M-2")

    answer(cmd("bob", "/deliverable", "submit D-1"))
    bot.api.wait_for("chat.postMessage")
    assert [c.params["channel"] for c in bot.api.calls_to("chat.postMessage")] == ["U0ALICE"]  # M-2's owner
    answer(cmd("bob", "/deliverable", "edit D-1 approver <@U0CAROL>"))
    calls = bot.api.wait_for("chat.postMessage", count=2)
    assert calls[-1].params["channel"] == "U0CAROL" and "Review requested" in text_of(calls[-1].params)
    refused = answer(cmd("bob", "/deliverable", "edit D-1 gibberish here"))
    assert "didn't understand" in refused["text"]


def test_edit_modal_validates_and_saves(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/deliverable", "add Homepage owner <@U0BOB> due 2026-12-10"))
    reply = cmd("bob", "/deliverable", "edit D-1")
    assert reply.status == 200 and not reply.body.strip()
    [opened] = bot.api.wait_for("views.open")
    assert opened.response is not None
    view = opened.response["view"]
    assert view["callback_id"] == "plan-edit-deliverable-modal"
    assert "Homepage" in json.dumps(view["blocks"]) and "2026-12-10" in json.dumps(view["blocks"])

    values = {
        "plan-title": "Homepage, final",
        "plan-owner": "U0BOB",
        "plan-approver": "U0JIRA",
        "plan-due": "2026-12-12",
        "plan-criteria": "Loads in 2s",
    }
    bad = bot.sender.view_submission("bob", view["id"], values).json()
    assert bad["response_action"] == "errors" and "bot" in bad["errors"]["plan-approver"]
    empty = bot.sender.view_submission("bob", view["id"], {**values, "plan-title": " "}).json()
    assert empty["errors"] == {"plan-title": "Give it a title."}
    ok = bot.sender.view_submission("bob", view["id"], {**values, "plan-approver": "U0DANA"})
    assert ok.status == 200 and not ok.body.strip()
    row = deliverable(bot, clock)
    assert (row["title"], row["approver"], row["due_date"], row["acceptance_criteria"]) == (
        "Homepage, final",
        "U0DANA",
        "2026-12-12",
        "Loads in 2s",
    )
    [shown] = bot.api.wait_for("chat.postEphemeral")
    assert shown.params["user"] == "U0BOB" and "D-1" in shown.params["text"]

    refused = answer(cmd("dana", "/deliverable", "edit D-1"))
    assert refused["text"].startswith("Only ")


def test_milestone_edit_modal_and_text(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-12-18"))
    answer(cmd("alice", "/milestone", "edit M-1 gate on owner <@U0BOB>"))
    row = exported(bot, clock)["milestones"][0]
    assert (row["gate"], row["owner"]) == (True, "U0BOB")
    answer(cmd("alice", "/milestone", "edit M-1 gate off date 2026-12-19"))
    row = exported(bot, clock)["milestones"][0]
    assert (row["gate"], row["due_date"]) == (False, "2026-12-19")

    cmd("bob", "/milestone", "edit M-1")
    [opened] = bot.api.wait_for("views.open")
    assert opened.response is not None
    view = opened.response["view"]
    ok = bot.sender.view_submission(
        "bob",
        view["id"],
        {"plan-title": "Public launch", "plan-due": "2027-01-08", "plan-owner": "U0BOB", "plan-gate": ["gate"]},
    )
    assert ok.status == 200 and not ok.body.strip()
    row = exported(bot, clock)["milestones"][0]
    assert (row["title"], row["due_date"], row["gate"]) == ("Public launch", "2027-01-08", True)


def test_submit_buttons_ask_then_submit(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/deliverable", "add Homepage owner <@U0BOB> approver <@U0DANA>"))
    answer(cmd("bob", "/action", "add Draft copy for D-1"))
    card = answer(cmd("bob", "/deliverable", "show D-1"))
    submit = button(card["blocks"], "Submit for review", "D-1")
    bot.sender.block_action("bob", submit["action_id"], "D-1", channel="#proj-website")
    [asked] = bot.api.wait_for("response_url")
    assert "1 open action item" in asked.params["text"]
    anyway = button(asked.params["blocks"], "Submit anyway", "D-1")
    bot.sender.block_action("bob", anyway["action_id"], "D-1", channel="#proj-website")
    calls = bot.api.wait_for("response_url", count=2)
    assert "submitted" in calls[-1].params["text"] and calls[-1].params["replace_original"] is True
    assert deliverable(bot, clock)["status"] == "submitted"
    review = [c for c in bot.api.wait_for("chat.postMessage", count=1) if c.params["channel"] == "U0DANA"]
    assert review and "Review requested" in text_of(review[0].params)
    assert "already submitted" in answer(cmd("bob", "/deliverable", "submit D-1"))["text"]


def test_a_milestone_whose_date_passes_first_is_missed(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-11-24"))
    answer(cmd("alice", "/deliverable", "add Homepage for M-1"))
    clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    status = answer(cmd("alice", "/milestone", "status M-1"))
    assert "missed" in status["text"]
    assert "missed" in text_of(answer(cmd("alice", "/milestone", "list")))
    answer(cmd("alice", "/deliverable", "submit D-1"))
    answer(cmd("alice", "/deliverable", "approve D-1"))
    assert exported(bot, clock)["milestones"][0]["status"] == "missed"
    answer(cmd("alice", "/milestone", "edit M-1 on 2026-12-04"))
    assert exported(bot, clock)["milestones"][0]["status"] == "reached"


def test_status_shows_risk_and_a_forecast(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-12-18 owner <@U0ALICE>"))
    answer(cmd("alice", "/deliverable", "add Homepage for M-1 owner <@U0BOB> approver <@U0DANA>"))
    answer(cmd("alice", "/deliverable", "add Press kit for M-1 owner <@U0CAROL> due 2026-11-24"))
    now = clock.now()
    with bot.db.session() as s:
        ids = {d.number: d.id for d in s.exec(select(Deliverable)).all()}
        rows = [
            {
                "team_id": bot.world.team_id,
                "number": n,
                "title": f"Step {n}",
                "status": "done" if n <= 4 else "open",
                "owner": "U0BOB" if n % 2 else "U0CAROL",
                "created_by": "U0ALICE",
                "channel": "C0WEB",
                "private": False,
                "due_date": (now - timedelta(days=3)).date() if n in (5, 6) else None,
                "deliverable_id": ids[1],
                "created_at": now,
                "completed_at": now - timedelta(days=2) if n <= 4 else None,
            }
            for n in range(1, 9)
        ]
        s.execute(insert(ActionItem), rows)
    body = answer(cmd("dana", "/milestone", "status M-1"))
    text = text_of(body)
    assert "D-2 not submitted, 2 working days left" in text
    assert "2 items overdue (<@U0BOB> 1, <@U0CAROL> 1)" in text
    # 4 open items and 2 deliverables to approve, at 4 done in 14 days: 21 days.
    assert (
        "Forecast (4 completed in the last 14 days, 6 to go) — at this pace: Dec 12, 6 days before the milestone"
        in text
    )
    assert "— on track" in text
    assert "deliverables ░░░░░░░░░░ 0/2" in text and "action items ▓▓▓▓▓░░░░░ 4/8" in text
    assert "at risk" in body["text"]


def test_user_text_is_escaped_everywhere(bot: LocalBot) -> None:
    cmd = bot.sender.command
    added = answer(cmd("alice", "/milestone", "add R&amp;D &lt;!channel&gt; review on 2026-12-18"))
    assert "<!channel>" not in json.dumps(added)
    body = answer(cmd("alice", "/deliverable", 'add &lt;b&gt;Plan&lt;/b&gt; for M-1 criteria "a &lt;!here&gt; b"'))
    dumped = json.dumps(body)
    assert "<!here>" not in dumped and "<b>" not in dumped and "&lt;b&gt;Plan" in dumped
    status = json.dumps(answer(cmd("alice", "/milestone", "status M-1")))
    assert "R&amp;D &lt;!channel&gt; review" in status and "<!channel>" not in status


def test_lists_and_status_stay_under_fifty_blocks(bot: LocalBot) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/milestone", "add Launch on 2026-12-18"))
    answer(cmd("alice", "/outcome", "add Faster onboarding"))
    for n in range(60):
        answer(cmd("alice", "/deliverable", f"add Part {n} with a fairly long title to fill lines for M-1 for O-1"))
    for command, text in (
        ("/deliverable", "list"),
        ("/deliverable", "list M-1"),
        ("/milestone", "status M-1"),
        ("/outcome", "status O-1"),
    ):
        body = answer(cmd("alice", command, text))
        assert len(body["blocks"]) < 50
        assert "more" in text_of(body), (command, text)


def test_nul_characters_are_dropped_not_stored(bot: LocalBot, clock: FrozenClock) -> None:
    body = answer(bot.sender.command("alice", "/deliverable", "add Home\x00page"))
    assert "Added D-1" in body["text"]
    assert deliverable(bot, clock)["title"] == "Homepage"


def test_review_buttons_on_the_home_tab_approve_and_redraw_it(bot: LocalBot, clock: FrozenClock) -> None:
    cmd = bot.sender.command
    answer(cmd("alice", "/deliverable", "add Homepage owner <@U0BOB> approver <@U0DANA>"))
    answer(cmd("alice", "/deliverable", "add Copy deck owner <@U0BOB> approver <@U0DANA>"))
    answer(cmd("bob", "/deliverable", "submit D-1"))
    answer(cmd("bob", "/deliverable", "submit D-2"))
    bot.sender.app_home_opened("dana")
    [published] = bot.api.wait_for("views.publish")
    home = published.params["view"]
    button(home["blocks"], "Approve", "D-1")
    assert bot.sender.block_action("dana", "plan-approve", "D-1", view=bot.api.home_views["U0DANA"]).status == 200
    again = bot.api.wait_for("views.publish", count=2)[-1].params["view"]
    assert deliverable(bot, clock)["status"] == "approved"
    assert "D-1" not in json.dumps(again["blocks"]) and "D-2" in json.dumps(again["blocks"])

    bot.sender.block_action("dana", "plan-request-changes", "D-2", view=bot.api.home_views["U0DANA"])
    [opened] = bot.api.wait_for("views.open")
    assert opened.response is not None
    bot.sender.view_submission("dana", opened.response["view"]["id"], {"plan-reason": "Shorter, please"})
    bot.api.wait_for("views.publish", count=3)
    assert deliverable(bot, clock, "D-2")["status"] == "changes_requested"
