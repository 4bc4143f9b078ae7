"""Everything manifest.yml declares is really handled: each command answers, each shortcut opens its form."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.simulator.local import LocalBot

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_every_declared_command_answers_with_its_usage(bot: LocalBot) -> None:
    for command in MANIFEST["features"]["slash_commands"]:
        reply = bot.sender.command("alice", command["command"], "help")
        assert reply.status == 200, command["command"]
        body = reply.json()
        assert isinstance(body, dict) and body.get("response_type") == "ephemeral", (command["command"], reply.body)
        assert command["command"] in body["text"] or body.get("blocks"), command["command"]


def test_every_declared_shortcut_opens_the_item_form(bot: LocalBot) -> None:
    bot.sender.message("bob", "#proj-website", "Can you send the deck by Friday?")
    ts = bot.sender.last_message_ts
    assert ts is not None
    for shortcut in MANIFEST["features"]["shortcuts"]:
        before = len(bot.api.calls_to("views.open"))
        if shortcut["type"] == "global":
            reply = bot.sender.global_shortcut("alice", shortcut["callback_id"])
        else:
            reply = bot.sender.message_shortcut("alice", shortcut["callback_id"], "#proj-website", ts)
        assert reply.status == 200
        opened = bot.api.wait_for("views.open", count=before + 1)[-1]
        assert opened.params["view"]["callback_id"] == "item-modal", shortcut["callback_id"]
