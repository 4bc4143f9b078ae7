"""Meeting notes through the real pipeline: apps' and people's notes, names, privacy, Undo all, Take it, edits."""

from __future__ import annotations

import json
from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot

ZOOM_LIKE = """*Meeting summary for Website sync*
*Quick recap*
The team reviewed the launch plan and the open questions on pricing.
*Next steps*
• Bob Becker will send the revised mockups to the client by Friday.
• Dana to book the usability sessions for next week.
• Follow up with legal on the cookie banner."""


def items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def thread_replies(bot: LocalBot, channel: str = "C0WEB") -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def app_posts(bot: LocalBot, text: str, channel: str = "#proj-website", **extra: Any) -> None:
    reply = bot.sender.bot_message(channel, text, "B0NOTES", legacy=False, **extra)
    assert reply.status == 200


def test_an_apps_notes_are_read_only_where_capture_is_apps(bot: LocalBot, clock: FrozenClock) -> None:
    app_posts(bot, ZOOM_LIKE)
    assert items(bot, clock) == []  # capture `on` reads people only
    answer = bot.sender.command("alice", "/action", "settings capture apps")
    assert "meeting notes apps post here" in answer.json()["text"]
    app_posts(bot, ZOOM_LIKE)
    got = items(bot, clock)
    assert [(i["title"], i["owner"]) for i in got] == [
        ("Send the revised mockups to the client", "U0BOB"),
        ("Book the usability sessions", "U0DANA"),
        ("Follow up with legal on the cookie banner", None),
    ]
    assert got[0]["due_date"] == "2026-11-27"  # Friday, read in Bob's zone
    assert all(i["created_by"] == "U0NOTES" for i in got)
    [confirm] = thread_replies(bot)
    blocks = json.dumps(confirm.params["blocks"])
    assert "Unassigned" in blocks and "Take it" in blocks and "Undo all" in blocks
    dms = sorted(str(c.params["channel"]) for c in bot.api.calls_to("chat.postMessage") if c is not confirm)
    assert dms == ["U0BOB", "U0DANA"]  # nobody is told about the unassigned item, and the app is sent nothing


def test_this_apps_own_messages_are_never_read(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "settings capture apps")
    own = bot.sender.bot_message("#proj-website", "*Action items*\n- Bob to send the deck", "B0BOT", legacy=False)
    assert own.status == 200
    assert items(bot, clock) == []


def test_a_chat_message_that_mentions_action_items_captures_nothing(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "Let's go over the action items tomorrow, ok?\nSee you then")
    bot.sender.message("alice", "#proj-website", "*Ideas for later*\n[ ] a podcast\n[ ] stickers")
    assert items(bot, clock) == []
    assert thread_replies(bot) == []


def test_a_persons_notes_give_unnamed_entries_to_the_author(bot: LocalBot, clock: FrozenClock) -> None:
    notes = "*Action items*\n- Carol: update the FAQ\n- draft the launch email by Dec 3"
    bot.sender.message("alice", "#proj-website", notes)
    got = items(bot, clock)
    assert [(i["title"], i["owner"], i["due_date"]) for i in got] == [
        ("Update the FAQ", "U0CAROL", None),
        ("Draft the launch email", "U0ALICE", "2026-12-03"),
    ]


def test_in_a_private_channel_names_resolve_only_to_its_members(bot: LocalBot, clock: FrozenClock) -> None:
    notes = "*Next steps*\n- Bob: sign the contract\n- Dana: check the numbers"
    bot.sender.message("alice", "#leads", notes)
    got = items(bot, clock)
    assert [(i["title"], i["owner"]) for i in got] == [("Sign the contract", "U0BOB"), ("Check the numbers", "U0ALICE")]
    [confirm] = thread_replies(bot, "G0LEADS")
    assert "Dana" in confirm.params["text"] or "Dana" in json.dumps(confirm.params["blocks"])


def test_undo_all_cancels_unchanged_items_and_only_the_poster_may(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "*Action items*\n- Bob: send the deck\n- Carol: book the room")
    bot.sender.command("bob", "/action", "due A-1 tomorrow")
    refused = bot.sender.block_action("bob", "capture-undo")
    assert refused.status == 200
    assert [i["status"] for i in items(bot, clock)] == ["open", "open"]
    bot.sender.block_action("alice", "capture-undo")
    assert [i["status"] for i in items(bot, clock)] == ["open", "cancelled"]  # A-1 changed since: kept
    redraw = bot.api.calls_to("response_url")[-1]
    assert "A-2 cancelled" in json.dumps(redraw.params) and "A-1" in json.dumps(redraw.params)


def test_take_it_on_an_apps_confirmation_makes_the_item_yours(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "settings capture apps")
    app_posts(bot, "*Action items*\n- Renew the SSL certificate")
    bot.sender.block_action("carol", "item-take")
    assert items(bot, clock)[0]["owner"] == "U0CAROL"
    redraw = bot.api.calls_to("response_url")[-1]
    assert "U0CAROL" in json.dumps(redraw.params["blocks"])


def test_an_edit_changes_only_the_entries_it_changed(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "*Action items*\n- Bob: send the deck\n- Carol: book the room")
    ts = bot.sender.last_message_ts
    bot.sender.command("bob", "/action", "edit A-1")  # opens a form only: nothing changes
    bot.sender.message_changed("#proj-website", ts, "*Action items*\n- Bob: send the deck\n- Carol: book the big room")
    got = items(bot, clock)
    assert [i["title"] for i in got] == ["Send the deck", "Book the big room"]


def test_a_name_nobody_has_reads_the_directory_again_at_most_hourly(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "*Action items*\n- Zed: fix the footer")
    first = len(bot.api.calls_to("users.list"))
    bot.sender.message("alice", "#proj-website", "*Action items*\n- Zed: fix the header")
    assert len(bot.api.calls_to("users.list")) == first  # within the hour: not again
    assert [i["owner"] for i in items(bot, clock)] == ["U0ALICE", "U0ALICE"]


def test_notes_make_a_series_only_from_an_explicit_repeat(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message(
        "alice",
        "#proj-website",
        "*Action items*\n- Bob: send the metrics repeat every Monday\n- Carol: review every PR",
    )
    got = items(bot, clock)
    assert [(i["title"], i["recurrence"], i["due_date"]) for i in got] == [
        ("Send the metrics", "FREQ=WEEKLY;BYDAY=MO", "2026-11-23"),
        ("Review every PR", None, None),
    ]


def test_a_group_in_notes_gives_each_member_an_item_or_says_why_not(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("alice", "#proj-website", "*Next steps*\n- @design-team: review the spec")
    assert sorted((i["title"], i["owner"]) for i in items(bot, clock)) == [
        ("Review the spec", "U0BOB"),
        ("Review the spec", "U0CAROL"),
    ]
    bot.world.missing_scopes.add("usergroups:read")
    bot.sender.message("alice", "#proj-website", "*Next steps*\n- @design-team: update the icons")
    last = items(bot, clock)[-1]
    assert (last["title"], last["owner"]) == ("Update the icons", None)
    assert "reinstalled" in thread_replies(bot)[-1].params["text"]


def test_an_app_that_edits_in_its_notes_is_read_once_at_that_edit(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("alice", "/action", "settings capture apps")
    app_posts(bot, "Your meeting summary is being prepared…")
    ts = bot.sender.last_message_ts
    assert ts is not None and items(bot, clock) == []
    summary = "*Summary*\nWe met.\n*Action items*\n- Dana Diaz: send the minutes"
    bot.sender.message_changed("#proj-website", ts, summary)
    bot.sender.message_changed("#proj-website", ts, summary + "\n- Bob Becker: file the report")
    assert [(i["title"], i["owner"]) for i in items(bot, clock)] == [("Send the minutes", "U0DANA")]
    assert len(thread_replies(bot)) == 1


def test_an_install_that_cannot_read_members_leaves_names_unplaced_and_asks_for_a_reinstall(
    bot: LocalBot, clock: FrozenClock
) -> None:
    bot.world.missing_scopes.add("groups:read")  # installed before the app asked for it
    bot.sender.message("alice", "#leads", "*Next steps*\n- Bob: sign the contract")
    [item] = items(bot, clock)
    assert (item["title"], item["owner"]) == ("Sign the contract", "U0ALICE")
    [confirm] = thread_replies(bot, "G0LEADS")
    assert "reinstalled" in confirm.params["text"]
