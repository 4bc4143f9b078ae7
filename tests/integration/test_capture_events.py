"""Channel messages, mentions and edits become action items once, confirmed once in the thread."""

from __future__ import annotations

from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot

NOTES = """Kickoff notes
AI: <@U0BOB> send the signed SOW by Friday
- Action item: <@U0CAROL> book the kickoff room
* TODO: draft the charter by 2026-12-02
[ ] check the budget
1. ai: <@U0DANA> confirm the venue by next week
Decisions: go with vendor B"""


def items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def thread_replies(bot: LocalBot, channel: str = "C0WEB") -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def test_meeting_notes_with_five_markers_make_five_items_and_one_thread_reply(
    bot: LocalBot, clock: FrozenClock
) -> None:
    reply = bot.sender.message("alice", "#proj-website", NOTES)
    assert reply.status == 200
    got = items(bot, clock)
    # "[ ] check the budget" is not taken: a checkbox counts only under an action heading or in a message without
    # headings, and these notes have one ("Decisions:").
    assert [i["key"] for i in got] == ["A-1", "A-2", "A-3", "A-4"]
    assert [i["owner"] for i in got] == ["U0BOB", "U0CAROL", "U0ALICE", "U0DANA"]
    assert got[0]["title"] == "Send the signed SOW"
    assert got[0]["due_date"] == "2026-11-27"
    assert got[2]["due_date"] == "2026-12-02"
    assert got[3]["due_date"] == "2026-11-23"
    bot.api.wait_for("chat.postMessage", count=4)
    [confirm] = thread_replies(bot)
    assert confirm.params["thread_ts"] == bot.sender.last_message_ts
    assert "A-1, A-2, A-3, A-4" in confirm.params["text"]
    # Everyone given an item by someone else gets a DM card; alice assigned herself two and gets none.
    dms = sorted(str(c.params["channel"]) for c in bot.api.calls_to("chat.postMessage") if c not in thread_replies(bot))
    assert dms == ["U0BOB", "U0CAROL", "U0DANA"]


def test_a_retried_event_creates_nothing_new_and_confirms_once(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "AI: <@U0BOB> send the SOW")
    event_id = bot.sender.last_event_id
    ts = bot.sender.last_message_ts
    for retry in (1, 2, 3):
        again = bot.sender.event(
            {
                "type": "message",
                "user": "U0ALICE",
                "text": "AI: <@U0BOB> send the SOW",
                "ts": ts,
                "channel": "C0WEB",
                "channel_type": "channel",
                "event_ts": ts,
            },
            event_id=event_id,
            retry_num=retry,
        )
        assert again.status == 200
    assert len(items(bot, clock)) == 1
    bot.api.wait_for("chat.postMessage", count=2)
    assert len(thread_replies(bot)) == 1
    assert len(bot.api.calls_to("chat.postMessage")) == 2  # the thread reply and one DM to bob


def test_messages_without_markers_and_bot_messages_are_ignored(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "Lunch at noon? TODO list is long")
    bot.sender.bot_message("#proj-website", "AI: this comes from another app")
    assert items(bot, clock) == []
    assert thread_replies(bot) == []


def test_a_mention_works_like_action_add_and_is_handled_once(bot: LocalBot, clock: FrozenClock) -> None:
    text = "<@U0BOT> <@U0BOB> review the budget by tomorrow"
    bot.sender.app_mention("alice", "#proj-website", text)
    # Slack also delivers the same message as a `message` event with another id.
    bot.sender.event(
        {
            "type": "message",
            "user": "U0ALICE",
            "text": text,
            "ts": bot.sender.last_message_ts,
            "channel": "C0WEB",
            "channel_type": "channel",
        }
    )
    [item] = items(bot, clock)
    assert item["owner"] == "U0BOB"
    assert item["title"] == "review the budget"  # as typed, like /action add
    assert item["due_date"] == "2026-11-22"


def test_editing_the_message_updates_still_open_items_and_deleting_deletes_nothing(
    bot: LocalBot, clock: FrozenClock
) -> None:
    bot.sender.message("alice", "#proj-website", "AI: send the SOW\nAI: book the room")
    ts = bot.sender.last_message_ts
    assert ts is not None
    bot.sender.command("alice", "/action", "done A-2")
    bot.sender.message_changed(
        "#proj-website", ts, "AI: send the signed SOW by Friday\nAI: book a bigger room", "alice"
    )
    got = items(bot, clock)
    assert got[0]["title"] == "Send the signed SOW" and got[0]["due_date"] == "2026-11-27"
    assert got[1]["title"] == "Book the room"  # done items stay as they were
    bot.sender.message_deleted("#proj-website", ts)
    assert len(items(bot, clock)) == 2


def test_a_bad_date_in_notes_keeps_the_line_and_says_why(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "AI: ship it by next sprint\nAI: <@U0JIRA> sync tickets")
    first, second = items(bot, clock)
    assert first["due_date"] is None
    assert second["owner"] == "U0ALICE"  # a bot can't own it: the author does, and is told
    bot.api.wait_for("chat.postMessage")
    [confirm] = thread_replies(bot)
    text = confirm.params["text"]
    assert "next sprint" in text and "bot" in text


def test_capture_in_a_private_channel_stays_there(bot: LocalBot) -> None:
    bot.sender.message("alice", "#leads", "AI: <@U0BOB> plan the reorg")
    listing = bot.sender.command("dana", "/action", "list <@U0BOB>").json()
    assert "Plan the reorg" not in str(listing)
    mine = bot.sender.command("bob", "/action", "list mine").json()
    assert "Plan the reorg" in str(mine)


def test_user_change_refreshes_the_people_cache(bot: LocalBot, clock: FrozenClock) -> None:
    bot.world.users["U0BOB"].tz = "Asia/Kolkata"
    bot.world.users["U0BOB"].deleted = True
    assert bot.sender.user_change("bob").status == 200
    with bot.db.session(readonly=True) as s:
        from bot.services.people import cached

        bob = cached(s, "T0SIM", ["U0BOB"])["U0BOB"]
    assert (bob.tz, bob.deleted) == ("Asia/Kolkata", True)
    refused = bot.sender.command("alice", "/action", "add <@U0BOB> Hand over").json()
    assert "deactivated" in refused["text"]


def test_a_captured_line_for_a_planned_deliverable_links_it_and_starts_the_deliverable(
    bot: LocalBot, clock: FrozenClock
) -> None:
    bot.sender.command("alice", "/milestone", "add Design phase approved on 2026-12-18")
    bot.sender.command("alice", "/deliverable", "add Homepage mockup for M-1 owner <@U0BOB>")
    reply = bot.sender.message("alice", "#proj-website", "Notes\nAI: <@U0BOB> draft the copy for D-1 by Friday")
    assert reply.status == 200
    [item] = items(bot, clock)
    assert (item["key"], item["owner"], item["deliverable"]) == ("A-1", "U0BOB", "D-1")
    with bot.db.session(readonly=True) as s:
        [ws] = export_all(s, clock)["workspaces"]
    assert ws["deliverables"][0]["status"] == "in_progress"
    [confirm] = [c for c in thread_replies(bot) if c.params.get("thread_ts")]
    assert "A-1" in str(confirm.params["text"])
