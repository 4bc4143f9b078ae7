"""Planning blocks: bars, numbers, the review buttons other surfaces reuse, and Slack's limits."""

from __future__ import annotations

from datetime import date

from bot.blocks import plan, plan_common
from bot.ids import PlanActionId
from bot.services.deliverables import DeliverableDetail, DeliverableList, DeliverableView, LinkedItem
from bot.services.progress import ItemCounts
from bot.simulator.blockkit import validate_blocks

TODAY = date(2026, 11, 21)


def view(key: str = "D-4", title: str = "Homepage design mockup", **kw: object) -> DeliverableView:
    fields: dict[str, object] = {
        "status": "submitted",
        "owner": "U0CAROL",
        "approver": "U0DANA",
        "due_date": date(2026, 12, 17),
        "submitted_by": "U0CAROL",
        "reviewer": "U0DANA",
        "reviewer_role": "the approver",
        "created_by": "U0ALICE",
    }
    fields.update(kw)
    return DeliverableView(key=key, title=title, **fields)  # type: ignore[arg-type]


def test_bars() -> None:
    assert plan_common.bar(2, 4) == "▓▓▓▓▓░░░░░ 2/4"
    assert plan_common.bar(0, 0) == "░░░░░░░░░░ 0/0"
    assert plan_common.bar(5, 8) == "▓▓▓▓▓▓░░░░ 5/8"
    assert plan_common.percent_bar(40) == "▓▓▓▓░░░░░░ 40 %"
    assert plan_common.percent_bar(130) == "▓▓▓▓▓▓▓▓▓▓ 130 %"
    assert plan_common.percent_bar(-20) == "░░░░░░░░░░ -20 %"


def test_numbers_and_amounts() -> None:
    assert plan_common.number(2.0) == "2" and plan_common.number(2.6) == "2.6" and plan_common.number(0.125) == "0.125"
    assert plan_common.amount(2.6, "%") == "2.6 %" and plan_common.amount(1200, "signups") == "1200 signups"
    assert plan_common.amount(3, "<b>") == "3 &lt;b&gt;"


def test_review_buttons_are_an_actions_block_wired_to_the_listeners() -> None:
    block = plan.review_buttons(view())
    assert block["type"] == "actions"
    elements = block["elements"]
    assert isinstance(elements, list)
    assert [(e["text"]["text"], e["action_id"], e["value"]) for e in elements] == [
        ("Approve", PlanActionId.APPROVE, "D-4"),
        ("Request changes", PlanActionId.REQUEST_CHANGES, "D-4"),
    ]
    # Several on one message (a morning DM) must not clash.
    blocks = [plan.review_buttons(view("D-4")), plan.review_buttons(view("D-5"))]
    assert validate_blocks(blocks) == []


def test_the_deliverable_line_reads_like_the_sketch() -> None:
    line = plan.deliverable_line(
        view(status="in_progress", items=ItemCounts(total=5, done=2)), TODAY, show_milestone=False
    )
    assert line.startswith("*D-4*  Homepage design mockup — in progress (2/5 items)")
    assert "approver <@U0DANA>" in line and "Thu, Dec 17" in line
    approved = plan.deliverable_line(view(status="approved", items=ItemCounts(total=3, done=3)), TODAY)
    assert approved == "*D-4*  Homepage design mockup — approved ✓ (3/3 items)"


def test_a_long_list_stays_under_slacks_limits() -> None:
    views = [view(f"D-{n}", "x" * 400, status="planned") for n in range(200)]
    message = plan.deliverable_list(DeliverableList(views, 500, "open"), today=TODAY)
    assert len(message.blocks) < 50
    assert validate_blocks(message.blocks) == []
    assert "…and 300 more" in str(message.blocks[-1])


def test_user_text_cannot_ping_or_inject_markup() -> None:
    hostile = view(title="<!channel> & <https://evil|x>", acceptance_criteria="<!here>", decision_note="<!everyone>")
    items = [LinkedItem("A-1", "<!channel>", "open", "U0BOB", None)]
    for message in (
        plan.deliverable_card(DeliverableDetail(hostile, items), viewer="U0DANA", today=TODAY),
        plan.deliverable_added(hostile, today=TODAY, warnings=[]),
        plan.deliverable_list(DeliverableList([hostile], 1, "open"), today=TODAY),
    ):
        dumped = str(message.blocks) + message.text
        assert "<!channel" not in dumped and "<!here" not in dumped and "<https" not in dumped
        assert validate_blocks(message.blocks) == []
