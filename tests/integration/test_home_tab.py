"""The App Home tab: my items by when, what I wait on, a New action item button; under 100 blocks."""

from __future__ import annotations

from typing import Any

from bot.simulator.local import LocalBot
from tests.support.blocks import button, labels, text_of


def published(bot: LocalBot, count: int = 1) -> dict[str, Any]:
    call = bot.api.wait_for("views.publish", count=count)[-1]
    assert call.response is not None and call.response.get("ok"), call.response
    return dict(call.params["view"])


def test_home_groups_my_items_and_shows_what_i_wait_on(bot: LocalBot) -> None:
    for text in (
        "Send the SOW by 2026-11-01",
        "Book the room by today",
        "Review the budget by Wed",
        "Plan the offsite by 2027-01-15",
        "Water the plants",
    ):
        bot.sender.command("bob", "/action", f"add {text}")
    bot.sender.command("bob", "/action", "add <@U0CAROL> Confirm the venue by Friday")
    bot.sender.app_home_opened("bob")
    view = published(bot)
    text = text_of(view)
    order = [text.index(g) for g in ("*Overdue* (1)", "*Today* (1)", "*This week* (1)", "*Later* (1)", "*No date* (1)")]
    assert order == sorted(order)
    assert "*Waiting on others* (1)" in text and "Confirm the venue" in text
    assert "➕ New action item" in labels(view["blocks"])
    assert len(view["blocks"]) <= 100


def test_home_stays_under_100_blocks_and_shows_more_on_request(bot: LocalBot) -> None:
    for n in range(60):
        bot.sender.command("bob", "/action", f"add Task {n} by 2026-11-0{1 + n % 9}")
    bot.sender.app_home_opened("bob")
    view = published(bot)
    assert len(view["blocks"]) <= 100
    more = button(view["blocks"], "Show all 60")
    bot.sender.block_action("bob", more["action_id"], more["value"], view=view)
    expanded = published(bot, count=2)
    assert len(expanded["blocks"]) <= 100
    assert text_of(expanded).count("*A-") > text_of(view).count("*A-")


def test_done_on_the_home_tab_refreshes_it(bot: LocalBot) -> None:
    bot.sender.command("bob", "/action", "add Send the SOW by Friday")
    bot.sender.app_home_opened("bob")
    view = published(bot)
    done = button(view["blocks"], "Done", "A-1")
    bot.sender.block_action("bob", done["action_id"], done["value"], view=view)
    refreshed = published(bot, count=2)
    assert "Send the SOW" not in text_of(refreshed)


def test_new_action_item_from_home_opens_the_form(bot: LocalBot) -> None:
    bot.sender.app_home_opened("dana")
    view = published(bot)
    new = button(view["blocks"], "➕ New action item")
    bot.sender.block_action("dana", new["action_id"], new["value"], view=view)
    [opened] = bot.api.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == "item-modal"
