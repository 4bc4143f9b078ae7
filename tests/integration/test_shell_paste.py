"""The shell's `:paste` (one multi-line message) and `:as <app>` (post as another app), through the real app."""

from __future__ import annotations

import io
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.shell import Shell, run_shell
from bot.simulator.local import LocalBot

NOTES = """Weekly sync: summary
We agreed on the new homepage layout.

Next steps
- Bob to send the revised deck to the client by Friday
- Dana will book the venue for the offsite
    (the one in January)"""


def play(bot: LocalBot, monkeypatch: pytest.MonkeyPatch, script: str) -> tuple[str, list[tuple[dict[str, Any], int]]]:
    """Type `script` into a shell; return what it printed and each event the app received with its HTTP status."""
    received: list[tuple[dict[str, Any], int]] = []
    deliver = bot.sender.event

    def spy(event: dict[str, Any], **kwargs: Any) -> Any:
        reply = deliver(event, **kwargs)
        received.append((event, reply.status))
        return reply

    monkeypatch.setattr(bot.sender, "event", spy)
    out = io.StringIO()
    shell = Shell(bot, out)
    for line in script.splitlines(keepends=True):
        out.write(shell.prompt() + line)
        if not shell.handle(line):
            break
    return out.getvalue(), received


def items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def test_paste_posts_every_line_as_one_message_of_the_person(bot: LocalBot, monkeypatch: pytest.MonkeyPatch) -> None:
    printed, received = play(bot, monkeypatch, f":paste\n{NOTES}\n.\nafter the paste\n")
    assert "(end with a line holding only .)" in printed and "… Next steps\n" in printed
    [(pasted, status), (after, _)] = received
    assert status == 200 and pasted["type"] == "message" and pasted["user"] == "U0ALICE"
    assert pasted["text"] == NOTES and pasted["channel"] == "C0WEB" and "bot_id" not in pasted
    assert after["text"] == "after the paste"
    assert [m["text"] for m in bot.api.messages["C0WEB"] if m.get("user") == "U0ALICE"] == [NOTES, "after the paste"]
    assert "[#proj-website ← alice]\n  Weekly sync: summary\n" in printed


def test_as_an_app_posts_in_slacks_modern_app_shape(bot: LocalBot, monkeypatch: pytest.MonkeyPatch) -> None:
    script = f":as notesbot\n/action list\n:paste\n{NOTES}\n.\n:as bob\nplain words\n"
    printed, received = play(bot, monkeypatch, script)
    assert "notesbot (app) in #proj-website> :paste" in printed and "An app doesn't type slash commands" in printed
    [(note, status), (person, _)] = received
    assert status == 200 and note["type"] == "message" and "subtype" not in note
    assert (note["user"], note["bot_id"], note["app_id"]) == ("U0NOTES", "B0NOTES", "A0NOTES")
    assert note["app_id"] != bot.world.app_id and "client_msg_id" not in note
    profile = note["bot_profile"]
    assert profile == {**profile, "id": "B0NOTES", "app_id": "A0NOTES", "name": "notesbot", "team_id": "T0SIM"}
    assert note["text"] == NOTES and note["channel"] == "C0WEB" and note["channel_type"] == "channel"
    [rich] = note["blocks"]
    assert rich["type"] == "rich_text" and "".join(e["text"] for e in rich["elements"][0]["elements"]) == NOTES
    assert "[#proj-website ← notesbot (app A0NOTES)]\n  Weekly sync: summary\n" in printed
    assert (person["user"], "bot_id" in person) == ("U0BOB", False)
    assert "bob in #proj-website> plain words" in printed


def test_as_refuses_this_app_and_unknown_names(bot: LocalBot, monkeypatch: pytest.MonkeyPatch) -> None:
    printed, received = play(bot, monkeypatch, ":as followthrough\n:as nobody\n:paste\n.\n:help\n")
    assert "is this app itself" in printed and "No person or app called 'nobody'" in printed
    assert "(nothing pasted, nothing posted)" in printed and received == []
    assert ":paste" in printed.split("Console commands:")[1] and ":as <app>" in printed


def test_the_console_loop_shows_the_app_and_posts_a_paste_cut_short_by_the_end_of_input(database_url: str) -> None:
    out = io.StringIO()
    run_shell(
        database_url=database_url, stdin=io.StringIO(":as notesbot\n:paste\nNext steps\n- Bob: the deck\n"), stdout=out
    )
    printed = out.getvalue()
    assert "notesbot (app) in #proj-website> :paste\n… paste the message the app notesbot posts" in printed
    assert "(end with a line holding only .)\n… Next steps\n… - Bob: the deck\n" in printed
    assert "[#proj-website ← notesbot (app A0NOTES)]\n  Next steps\n  - Bob: the deck\n" in printed
    assert printed.endswith("Bye.\n")


def test_notes_pasted_as_an_app_become_items_for_the_people_they_name(
    bot: LocalBot, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = f"/action settings capture apps\n:as notesbot\n:paste\n{NOTES}\n.\n"
    printed, _ = play(bot, monkeypatch, script)
    got = {i["owner"]: i for i in items(bot, clock)}
    assert sorted(got) == ["U0BOB", "U0DANA"]
    assert all(i["created_by"] == "U0NOTES" for i in got.values())
    assert "revised deck" in got["U0BOB"]["title"] and not got["U0BOB"]["title"].lower().startswith(("bob", "to "))
    assert got["U0BOB"]["due_date"] == "2026-11-27"
    assert "venue" in got["U0DANA"]["title"] and got["U0DANA"]["due_date"] is None
    assert "[#proj-website, in thread]" in printed
