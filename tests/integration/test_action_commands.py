"""`/action add|list|done` through the real Bolt app over HTTP, against the fake Slack Web API."""

from __future__ import annotations

import json
from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.support.blocks import button


def answer(reply: Any) -> dict[str, Any]:
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict), reply.body
    return body


def all_text(body: dict[str, Any]) -> str:
    return body.get("text", "") + "\n" + json.dumps(body.get("blocks", []), ensure_ascii=False)


def exported_items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        data = export_all(s, clock)
    return [item for ws in data["workspaces"] for item in ws["action_items"]]


def test_add_answers_ephemerally_with_the_key_and_export_shows_it(bot: LocalBot, clock: FrozenClock) -> None:
    body = answer(bot.sender.command("alice", "/action", "add <@U0BOB> Draft the charter by 2026-12-02"))
    assert body["response_type"] == "ephemeral"
    assert "A-1" in body["text"]
    assert "Draft the charter" in all_text(body)
    [item] = exported_items(bot, clock)
    assert item["key"] == "A-1"
    assert item["owner"] == "U0BOB"
    assert item["created_by"] == "U0ALICE"
    assert item["channel"] == "C0WEB"
    assert item["due_date"] == "2026-12-02"
    assert item["status"] == "open"


def test_done_completes_the_item(bot: LocalBot, clock: FrozenClock) -> None:
    answer(bot.sender.command("alice", "/action", "add <@U0BOB> Draft the charter by 2026-12-02"))
    body = answer(bot.sender.command("bob", "/action", "done a-1"))
    assert "A-1" in body["text"] and "done" in body["text"]
    [item] = exported_items(bot, clock)
    assert item["status"] == "done"
    assert item["completed_at"] == "2026-11-21T15:00:00Z"


def test_no_mention_means_the_author_owns_it_and_several_mean_one_each(bot: LocalBot, clock: FrozenClock) -> None:
    answer(bot.sender.command("alice", "/action", "add Book the room"))
    body = answer(bot.sender.command("alice", "/action", "add <@U0BOB> <@U0CAROL> Review the budget by Friday"))
    assert "A-2" in body["text"] and "A-3" in body["text"]
    owners = {i["key"]: i["owner"] for i in exported_items(bot, clock)}
    assert owners == {"A-1": "U0ALICE", "A-2": "U0BOB", "A-3": "U0CAROL"}


def test_text_is_unescaped_on_input_and_escaped_on_output(bot: LocalBot, clock: FrozenClock) -> None:
    body = answer(bot.sender.command("alice", "/action", "add R&amp;D budget &lt;draft&gt; <!channel>"))
    [item] = exported_items(bot, clock)
    assert item["title"] == "R&D budget <draft> @channel"
    blocks = json.dumps(body["blocks"])
    assert "R&amp;D budget &lt;draft&gt;" in blocks
    assert "<!channel>" not in blocks and "<!here>" not in blocks


def test_list_shows_the_channels_open_items_with_keys(bot: LocalBot) -> None:
    answer(bot.sender.command("alice", "/action", "add <@U0BOB> Draft the charter by 2026-12-02"))
    answer(bot.sender.command("alice", "/action", "add Private thing", channel="#leads"))
    answer(bot.sender.command("alice", "/action", "add Book the room"))
    answer(bot.sender.command("alice", "/action", "done A-3"))
    body = answer(bot.sender.command("dana", "/action", "list"))
    text = all_text(body)
    assert "A-1" in text and "Draft the charter" in text
    assert "A-2" not in text  # from a private channel
    assert "A-3" not in text  # done


def test_list_mine_overdue_and_for_someone(bot: LocalBot) -> None:
    answer(bot.sender.command("alice", "/action", "add <@U0BOB> Old thing by 2026-11-01"))
    answer(bot.sender.command("alice", "/action", "add <@U0BOB> New thing by 2026-12-20"))
    mine = all_text(answer(bot.sender.command("bob", "/action", "list mine")))
    assert "A-1" in mine and "A-2" in mine
    overdue = all_text(answer(bot.sender.command("bob", "/action", "list overdue")))
    assert "A-1" in overdue and "A-2" not in overdue
    for_bob = all_text(answer(bot.sender.command("carol", "/action", "list <@U0BOB>")))
    assert "A-1" in for_bob and "A-2" in for_bob


def test_bare_action_prints_usage(bot: LocalBot) -> None:
    body = answer(bot.sender.command("alice", "/action", ""))
    assert "/action add" in all_text(body)


def test_unknown_and_malformed_input_get_one_clear_line(bot: LocalBot) -> None:
    cases = {
        "done A-99": "couldn't find A-99",
        "done banana": "isn't an action item key",
        "frobnicate": "don't know",
        "add Ship it by Feb 31": "isn't a date",
        "add Ship it by next sprint": "couldn't read",
        "add": "What is the action item",
        "list sideways": "can't list",
    }
    for text, expected in cases.items():
        body = answer(bot.sender.command("alice", "/action", text))
        assert body["response_type"] == "ephemeral"
        assert expected in body["text"], (text, body["text"])
        assert "Traceback" not in json.dumps(body)


def test_bots_and_deactivated_people_cannot_own_items(bot: LocalBot, clock: FrozenClock) -> None:
    assert "bot" in answer(bot.sender.command("alice", "/action", "add <@U0JIRA> Sync tickets"))["text"]
    assert "deactivated" in answer(bot.sender.command("alice", "/action", "add <@U0ERIN> Hand over"))["text"]
    assert "can't find" in answer(bot.sender.command("alice", "/action", "add <@U0NOBODY> Hand over"))["text"]
    assert exported_items(bot, clock) == []


def test_only_owner_creator_or_admin_can_complete(bot: LocalBot, clock: FrozenClock) -> None:
    answer(bot.sender.command("bob", "/action", "add <@U0CAROL> Draft the charter"))
    refused = answer(bot.sender.command("dana", "/action", "done A-1"))
    assert "Only" in refused["text"]
    assert exported_items(bot, clock)[0]["status"] == "open"
    answer(bot.sender.command("alice", "/action", "done A-1"))  # alice is a workspace admin
    assert exported_items(bot, clock)[0]["status"] == "done"


def test_another_workspaces_key_is_simply_not_found(bot: LocalBot) -> None:
    answer(bot.sender.command("alice", "/action", "add Book the room"))
    with bot.db.session() as s:
        from bot.services.action_items import add_items
        from bot.services.common import Actor

        add_items(s, bot.clock, Actor(team_id="T0OTHER", user_id="U9"), title="Theirs", owners=[], due=None)
    body = answer(bot.sender.command("alice", "/action", "done A-2"))
    assert "couldn't find A-2" in body["text"]


def test_done_button_completes_and_replaces_the_card(bot: LocalBot, clock: FrozenClock) -> None:
    added = answer(bot.sender.command("bob", "/action", "add Draft the charter by Friday"))
    done = button(added["blocks"], "Done", "A-1")
    reply = bot.sender.block_action("bob", done["action_id"], done["value"], channel="#proj-website")
    assert reply.status == 200
    [call] = bot.api.wait_for("response_url")
    assert "is done" in call.params["text"]
    assert exported_items(bot, clock)[0]["status"] == "done"


def test_a_nul_character_is_dropped_not_a_crash(bot: LocalBot, clock: FrozenClock) -> None:
    body = answer(bot.sender.command("alice", "/action", "add Draft\x00 the charter"))
    assert "A-1" in body["text"]
    assert exported_items(bot, clock)[0]["title"] == "Draft the charter"
