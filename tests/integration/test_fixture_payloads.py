"""Slack's own payload shapes (../shared/slack-fixtures), replayed signed through the real app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "slack-fixtures"
pytestmark = pytest.mark.skipif(not FIXTURES.exists(), reason="../shared/slack-fixtures is not beside this checkout")


def fixture(name: str) -> Any:
    text = (FIXTURES / name).read_text()
    return json.loads(text) if name.endswith(".json") else text.strip()


def all_items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def test_the_docs_slash_command_payload(bot: LocalBot, clock: FrozenClock) -> None:
    fields = dict(parse_qsl(fixture("01_slash_command/slash_command.docs_weather.txt")))
    fields.update(
        command="/action", text="add Draft the charter by 2026-12-02", response_url=bot.api.new_response_url()
    )
    reply = bot.sender.send_form(fields)
    assert reply.status == 200 and "A-1" in reply.json()["text"]
    [item] = all_items(bot, clock)
    assert (item["owner"], item["channel"], item["due_date"]) == ("U2147483697", "C2147483705", "2026-12-02")


def test_the_bolt_channel_message_payload_with_a_marker_line(bot: LocalBot, clock: FrozenClock) -> None:
    body = fixture("02_events/event_callback.message.channel_plain.bolt_python.json")
    body["event"].update(text="AI: ship the fixtures by Friday", user="U0ALICE", channel="C0WEB")
    body["event"].pop("blocks")
    raw = json.dumps(body)
    for retry in (None, "1"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        assert bot.sender.raw(raw, content_type="application/json", extra_headers=headers).status == 200
    [item] = all_items(bot, clock)
    assert (item["title"], item["owner"], item["due_date"]) == ("Ship the fixtures", "U0ALICE", "2026-11-27")
    [reply] = bot.api.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == "1610261659.001400"


def test_the_docs_app_mention_payload(bot: LocalBot, clock: FrozenClock) -> None:
    body = fixture("02_events/event_callback.app_mention.docs.json")
    body["event"].update(text="<@U0BOT> is it everything a river should be? by tomorrow", user="U0BOB", channel="C0WEB")
    assert bot.sender.raw(json.dumps(body), content_type="application/json").status == 200
    [item] = all_items(bot, clock)
    assert (item["title"], item["owner"]) == ("is it everything a river should be?", "U0BOB")


def test_the_docs_message_shortcut_payload(bot: LocalBot) -> None:
    body = fixture("03_interactivity/message_action.docs.json")
    body.update(callback_id="capture-message", trigger_id=bot.api.new_trigger_id("U0D15K92L"))
    reply = bot.sender.send_form({"payload": json.dumps(body)})
    assert reply.status == 200
    [opened] = bot.api.wait_for("views.open")
    title = next(b for b in opened.params["view"]["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "World's smallest big cat! https://youtube.com/watch?v=W86cTIoMv2U"


def test_the_docs_block_actions_payload_on_a_done_button(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "add Draft the charter")
    body = fixture("03_interactivity/block_actions.button.message.docs.json")
    body["user"].update(id="U0ALICE", team_id="T0SIM")
    body["team"]["id"] = "T0SIM"
    body["response_url"] = bot.api.new_response_url()
    body["actions"] = [{**body["actions"][0], "action_id": "item-done", "value": "A-1", "block_id": "item:A-1"}]
    reply = bot.sender.send_form({"payload": json.dumps(body)})
    assert reply.status == 200
    assert all_items(bot, clock)[0]["status"] == "done"
    assert bot.api.wait_for("response_url")


def test_a_button_nobody_handles_is_acknowledged_quietly(bot: LocalBot) -> None:
    # The docs' form body has an action_id of another app: like a stale button on an old message.
    form = fixture("03_interactivity/block_actions.button.message.docs.form.txt")
    assert bot.sender.raw(form, content_type="application/x-www-form-urlencoded").status == 200


def test_an_event_nobody_handles_is_acknowledged_so_slack_does_not_retry(bot: LocalBot) -> None:
    body = fixture("02_events/event_callback.reaction_added.docs.json")
    assert bot.sender.raw(json.dumps(body), content_type="application/json").status == 200
