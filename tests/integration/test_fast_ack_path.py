"""The ack path: a Done click's list or Home tab is redrawn after the answer (its change already committed); a
captured message is answered after one insert (the capture held), its items written right after; a channel
message without marker lines is answered without touching the database."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from slack_bolt.context.respond.respond import Respond
from sqlalchemy import event

from bot.clock import FrozenClock
from bot.listeners import outbox
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.support.blocks import button, text_of


def status_of(bot: LocalBot, clock: FrozenClock, key: str) -> str:
    with bot.db.session(readonly=True) as s:
        found = [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"] if i["key"] == key]
    return str(found[0]["status"])


def added_and_listed(bot: LocalBot, user: str) -> dict[str, Any]:
    """`user` adds an item for themselves and lists theirs: the Done button on that list."""
    assert bot.sender.command(user, "/action", "add Send the SOW", channel="#proj-website").status == 200
    listing = bot.sender.command(user, "/action", "list mine", channel="#proj-website").json()
    return button(listing["blocks"], "Done", "A-1")


def test_a_done_click_on_a_list_answers_then_redraws_the_list_from_committed_state(
    bot: LocalBot, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = added_and_listed(bot, "alice")
    answered = threading.Event()
    seen_at_redraw: dict[str, Any] = {}
    real_respond = Respond.__call__

    def held_respond(self: Respond, *args: Any, **kwargs: Any) -> Any:
        # Inside the listener this would block its own answer: the click below would time out.
        seen_at_redraw["after_answer"] = answered.wait(timeout=10)
        seen_at_redraw["status"] = status_of(bot, clock, "A-1")
        return real_respond(self, *args, **kwargs)

    monkeypatch.setattr(Respond, "__call__", held_respond)
    bot.sender.settle = None  # look at the answer itself, not a moment later
    click = bot.sender.block_action("alice", done["action_id"], done["value"], channel="#proj-website")
    assert click.status == 200
    assert bot.api.calls_to("response_url") == []  # the answer left before the card was touched
    answered.set()
    [update] = bot.api.wait_for("response_url")
    assert seen_at_redraw == {"after_answer": True, "status": "done"}
    assert update.params["replace_original"] is True
    assert "A-1 done" in text_of(update.params)


def test_a_refused_done_click_is_told_to_the_clicker_after_the_answer(bot: LocalBot, clock: FrozenClock) -> None:
    done = added_and_listed(bot, "alice")
    assert bot.sender.block_action("bob", done["action_id"], done["value"], channel="#proj-website").status == 200
    [told] = bot.api.wait_for("response_url")
    assert told.params["replace_original"] is False and told.params["response_type"] == "ephemeral"
    assert "A-1" in told.params["text"] and "alice" in told.params["text"].lower(), told.params["text"]
    assert status_of(bot, clock, "A-1") == "open"


def test_a_failing_redraw_still_tells_the_clicker(bot: LocalBot, monkeypatch: pytest.MonkeyPatch) -> None:
    done = added_and_listed(bot, "alice")

    def broken_respond(self: Respond, *args: Any, **kwargs: Any) -> Any:
        monkeypatch.undo()  # the error answer goes out through the real response_url
        raise RuntimeError("redraw failed")

    monkeypatch.setattr(Respond, "__call__", broken_respond)
    assert bot.sender.block_action("alice", done["action_id"], done["value"], channel="#proj-website").status == 200
    [told] = bot.api.wait_for("response_url")
    assert told.params["replace_original"] is False and "try again" in told.params["text"].lower()


def test_a_message_without_marker_lines_touches_no_database(bot: LocalBot) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(bot.db.engine, "before_cursor_execute", count)
    try:
        reply = bot.sender.message("alice", "#proj-website", "Lunch at noon? The TODO list is long\nsee you there")
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", count)
    assert reply.status == 200
    assert statements == []


@pytest.mark.parametrize("kind", ["snooze", "undo"])
def test_snooze_and_undo_answer_first_then_redraw_the_card(
    bot: LocalBot, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    card = bot.sender.command("alice", "/action", "add Send the SOW by 2026-12-02", channel="#proj-website").json()
    answered = threading.Event()
    seen_at_redraw: dict[str, Any] = {}
    real_respond = Respond.__call__

    def held_respond(self: Respond, *args: Any, **kwargs: Any) -> Any:
        seen_at_redraw["after_answer"] = answered.wait(timeout=10)
        return real_respond(self, *args, **kwargs)

    monkeypatch.setattr(Respond, "__call__", held_respond)
    bot.sender.settle = None  # look at the answer itself, not a moment later
    if kind == "snooze":
        click = bot.sender.block_action(
            "alice",
            "item-snooze",
            None,
            selected_option="monday|A-1",
            channel="#proj-website",
            message={"blocks": card["blocks"], "ts": "1.1"},
        )
    else:
        undo = button(card["blocks"], "Undo", "A-1")
        click = bot.sender.block_action("alice", undo["action_id"], undo["value"], channel="#proj-website")
    assert click.status == 200
    assert bot.api.calls_to("response_url") == []  # answered before the card was touched
    answered.set()
    [update] = bot.api.wait_for("response_url")
    assert seen_at_redraw == {"after_answer": True}
    assert ("snoozed until" if kind == "snooze" else "cancelled") in text_of(update.params)


def titles(bot: LocalBot, clock: FrozenClock) -> list[str]:
    with bot.db.session(readonly=True) as s:
        return sorted(i["title"] for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"])


def test_a_captured_message_is_answered_after_one_insert_and_its_items_follow(
    bot: LocalBot, clock: FrozenClock
) -> None:
    statements: list[str] = []

    def count(*args: Any) -> None:
        if threading.current_thread() is not writer[0]:
            statements.append(str(args[2]).split()[0].upper())

    bot.sender.settle = None  # the answer itself, not what follows it
    writer = [threading.current_thread()]
    started = threading.Event()
    real = outbox._run_jobs

    def held_back(*args: Any) -> None:  # the after-answer pool waits until the answer has been looked at
        writer[0] = threading.current_thread()
        started.wait(10)
        real(*args)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(outbox, "_run_jobs", held_back)
        engines = [bot.db.engine]
        for engine in engines:
            event.listen(engine, "before_cursor_execute", count)
        try:
            reply = bot.sender.message("alice", "#proj-website", "AI: <@U0CAROL> book the kickoff room by Friday")
            at_answer = titles(bot, clock)
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", count)
            started.set()
        assert reply.status == 200
        assert [s for s in statements if s in ("INSERT", "UPDATE", "DELETE")] == ["INSERT"]  # the held capture
        assert at_answer == []
        assert outbox.wait_idle()
    assert titles(bot, clock) == ["Book the kickoff room"]
    bot.drainer.drain()
    [reply_in_thread] = bot.api.wait_for("chat.postMessage", count=2)[:1]
    assert "A-1" in text_of(reply_in_thread.params)
