"""Action items beyond add/list/done: verbs, buttons, modals, shortcuts, settings — over signed HTTP."""

from __future__ import annotations

from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.support.blocks import button, labels, text_of
from tests.support.waiting import wait_until


def items(bot: LocalBot, clock: FrozenClock) -> dict[str, dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return {i["key"]: i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]}


def cmd(bot: LocalBot, user: str, text: str, channel: str = "#proj-website") -> dict[str, Any]:
    reply = bot.sender.command(user, "/action", text, channel=channel)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict), reply.body
    return body


def opened_view(bot: LocalBot) -> dict[str, Any]:
    call = bot.api.wait_for("views.open")[-1]
    assert call.response is not None and call.response.get("ok"), call.response
    view = call.response["view"]
    assert isinstance(view, dict)
    return view


def dms_to(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def test_show_gives_details_and_the_history_of_changes(bot: LocalBot, clock: FrozenClock) -> None:
    cmd(bot, "alice", "add <@U0BOB> Draft the charter by 2026-12-02")
    cmd(bot, "alice", "due A-1 Friday")
    cmd(bot, "alice", "assign A-1 <@U0CAROL>")
    shown = text_of(cmd(bot, "dana", "show a-1"))
    assert "A-1" in shown and "Draft the charter" in shown
    assert "created it" in shown and "due date" in shown and "assigned" in shown
    assert "<@U0BOB> → <@U0CAROL>" in shown


def test_assigning_someone_else_sends_a_dm_card_and_yourself_does_not(bot: LocalBot) -> None:
    cmd(bot, "alice", "add Book the room")
    cmd(bot, "alice", "add <@U0BOB> Send the SOW")
    [dm] = bot.api.wait_for("chat.postMessage")
    assert dm.params["channel"] == "U0BOB"
    assert "assigned you" in dm.params["text"] and "A-2" in dm.params["text"]
    assert labels(dm.params["blocks"])[:2] == ["Done", "Snooze"]
    assert dms_to(bot, "U0ALICE") == []


def test_who_may_change_is_the_owner_creator_or_an_admin(bot: LocalBot, clock: FrozenClock) -> None:
    cmd(bot, "bob", "add <@U0CAROL> Draft the charter")
    for verb in ("done A-1", "cancel A-1", "due A-1 Friday", "snooze A-1", "assign A-1 <@U0DANA>"):
        refused = cmd(bot, "dana", verb)
        assert "Only <@U0CAROL> (the owner), <@U0BOB> (who created it) or a workspace admin" in refused["text"], verb
    assert items(bot, clock)["A-1"]["owner"] == "U0CAROL"
    cmd(bot, "carol", "snooze A-1")
    # Carol is in Tokyo, where it is already Sunday the 22nd: "1 day" is her Monday.
    assert items(bot, clock)["A-1"]["snoozed_until"] == "2026-11-23"
    cmd(bot, "bob", "cancel A-1")
    assert items(bot, clock)["A-1"]["status"] == "cancelled"
    cmd(bot, "alice", "reopen A-1")  # alice is a workspace admin
    assert items(bot, clock)["A-1"]["status"] == "open"


def test_due_snooze_and_their_refusals(bot: LocalBot, clock: FrozenClock) -> None:
    cmd(bot, "alice", "add Book the room")
    assert "due Fri" in text_of(cmd(bot, "alice", "due A-1 Friday"))
    assert items(bot, clock)["A-1"]["due_date"] == "2026-11-27"
    assert "isn't a date" in cmd(bot, "alice", "due A-1 Feb 31")["text"]
    assert "in the past" in cmd(bot, "alice", "due A-1 2026-11-01")["text"]
    cmd(bot, "alice", "due A-1 none")
    assert items(bot, clock)["A-1"]["due_date"] is None
    assert "after today" in cmd(bot, "alice", "snooze A-1 today")["text"]
    cmd(bot, "alice", "snooze A-1 next week")
    assert items(bot, clock)["A-1"]["snoozed_until"] == "2026-11-23"
    cmd(bot, "alice", "done A-1")
    assert "only open items" in cmd(bot, "alice", "snooze A-1 Monday")["text"]


def test_done_on_a_list_updates_the_list_in_place_and_tells_the_creator_when_asked(
    bot: LocalBot, clock: FrozenClock
) -> None:
    cmd(bot, "alice", "add <@U0BOB> Send the SOW")
    cmd(bot, "alice", "add <@U0BOB> Book the room")
    with bot.db.session() as s:
        from bot.services.common import Actor
        from bot.services.settings import PersonPrefs, save_prefs

        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0ALICE"), PersonPrefs(notify_done_now=True))
    listing = cmd(bot, "bob", "list mine")
    done = button(listing["blocks"], "Done", "A-2")
    bot.sender.block_action("bob", done["action_id"], done["value"], channel="#proj-website")
    [update] = bot.api.wait_for("response_url")
    assert update.params["replace_original"] is True
    assert "A-2 done" in text_of(update.params)
    assert "A-1" in text_of(update.params)  # the rest of the list stays
    assert items(bot, clock)["A-2"]["status"] == "done"
    bot.api.wait_for("chat.postMessage", count=3)
    [notice] = dms_to(bot, "U0ALICE")
    assert "finished" in notice.params["text"] or "done" in notice.params["text"]


def test_snooze_menu_one_day_next_monday_and_pick_a_date(bot: LocalBot, clock: FrozenClock) -> None:
    card = cmd(bot, "bob", "add Draft the charter by 2026-12-02")
    bot.sender.block_action(
        "bob",
        "item-snooze",
        None,
        selected_option="1d|A-1",
        channel="#proj-website",
        message={"blocks": card["blocks"], "ts": "1.1"},
    )
    assert items(bot, clock)["A-1"]["snoozed_until"] == "2026-11-22"
    bot.sender.block_action(
        "bob",
        "item-snooze",
        None,
        selected_option="monday|A-1",
        channel="#proj-website",
        message={"blocks": card["blocks"], "ts": "1.1"},
    )
    assert items(bot, clock)["A-1"]["snoozed_until"] == "2026-11-23"
    bot.sender.block_action(
        "bob",
        "item-snooze",
        None,
        selected_option="pick|A-1",
        channel="#proj-website",
        message={"blocks": card["blocks"], "ts": "1.1"},
    )
    view = opened_view(bot)
    assert view["callback_id"] == "snooze-modal"
    past = bot.sender.view_submission("bob", view, {"snooze-date": "2026-11-20"})
    assert past.json()["response_action"] == "errors"
    ok = bot.sender.view_submission("bob", view, {"snooze-date": "2026-12-01"})
    assert ok.status == 200 and not ok.body.strip()
    assert items(bot, clock)["A-1"]["snoozed_until"] == "2026-12-01"


def test_message_shortcut_prefills_the_form_and_links_the_permalink(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.message("dana", "#proj-website", "Can <@U0BOB> send the signed SOW by Friday for the kickoff?")
    ts = bot.sender.last_message_ts
    assert ts is not None
    bot.sender.message_shortcut("alice", "capture-message", "#proj-website", ts)
    view = opened_view(bot)
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    assert by_block["title"]["element"]["initial_value"].startswith("Can send the signed SOW")
    assert by_block["owners"]["element"]["initial_users"] == ["U0BOB"]
    assert by_block["due-date"]["element"]["initial_date"] == "2026-11-27"
    values = {"title": "Send the signed SOW", "owners": ["bob"], "due-date": "2026-11-27"}
    reply = bot.sender.view_submission("alice", view, values)
    assert reply.status == 200
    bot.api.wait_for("chat.getPermalink")
    bot.api.wait_for("chat.postEphemeral")
    item = items(bot, clock)["A-1"]
    assert (item["title"], item["owner"], item["due_date"], item["channel"]) == (
        "Send the signed SOW",
        "U0BOB",
        "2026-11-27",
        "C0WEB",
    )
    wait_until(lambda: items(bot, clock)["A-1"]["source_url"], what="the permalink stored")
    assert str(items(bot, clock)["A-1"]["source_url"]).startswith("https://acme-sim.slack.com/archives/C0WEB/p")


def test_global_shortcut_opens_an_empty_form_validated_in_the_modal(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.global_shortcut("carol", "new-action-item")
    view = opened_view(bot)
    assert view["callback_id"] == "item-modal"
    empty = bot.sender.view_submission("carol", view, {"title": ""})
    assert empty.json() == {"response_action": "errors", "errors": {"title": "What needs doing? A title is required."}}
    to_a_bot = bot.sender.view_submission("carol", view, {"title": "Sync", "owners": ["U0JIRA"]})
    assert "owners" in to_a_bot.json()["errors"]
    ok = bot.sender.view_submission(
        "carol", view, {"title": "Order badges", "due-date": "2026-12-01", "due-time": "15:00"}
    )
    assert ok.status == 200
    item = items(bot, clock)["A-1"]
    assert (item["owner"], item["due_date"], item["due_time"], item["due_tz"]) == (
        "U0CAROL",
        "2026-12-01",
        "15:00",
        "Asia/Tokyo",
    )
    [answer] = bot.api.wait_for("chat.postMessage")
    assert answer.params["channel"] == "U0CAROL" and "A-1" in answer.params["text"]


def test_edit_opens_the_form_filled_and_saves(bot: LocalBot, clock: FrozenClock) -> None:
    cmd(bot, "alice", "add <@U0BOB> Draft the charter by 2026-12-02")
    assert cmd(bot, "dana", "edit A-1")["text"].startswith("Only")
    bot.sender.command("alice", "/action", "edit A-1")
    view = opened_view(bot)
    by_block = {b.get("block_id"): b for b in view["blocks"]}
    assert by_block["title"]["element"]["initial_value"] == "Draft the charter"
    assert by_block["owners"]["element"]["initial_user"] == "U0BOB"
    bot.sender.view_submission(
        "alice", view, {"title": "Draft the project charter", "owners": "carol", "due-date": "2026-12-04"}
    )
    item = items(bot, clock)["A-1"]
    assert (item["title"], item["owner"], item["due_date"]) == ("Draft the project charter", "U0CAROL", "2026-12-04")
    bot.api.wait_for("chat.postMessage", count=2)
    assert dms_to(bot, "U0CAROL")


def test_settings_turn_capture_off_for_a_channel(bot: LocalBot, clock: FrozenClock) -> None:
    bot.sender.command("bob", "/action", "settings")
    view = opened_view(bot)
    assert view["callback_id"] == "settings-modal"
    none = bot.sender.view_submission("bob", view, {"working-days": []})
    assert "working-days" in none.json()["errors"]
    reply = bot.sender.view_submission(
        "bob",
        view,
        {
            "reminder-hour": "8",
            "working-days": ["sun", "mon", "tue", "wed", "thu"],
            "switches": ["done_now"],
            "capture": "off",
        },
    )
    assert reply.status == 200
    bot.sender.message("alice", "#proj-website", "AI: this is not captured")
    assert items(bot, clock) == {}
    assert "I read people's messages" in cmd(bot, "bob", "settings capture on")["text"]
    bot.sender.message("alice", "#proj-website", "AI: this is captured")
    assert list(items(bot, clock)) == ["A-1"]
    with bot.db.session(readonly=True) as s:
        [person] = [p for ws in export_all(s, clock)["workspaces"] for p in ws["people"] if p["user_id"] == "U0BOB"]
    assert (person["reminder_hour"], person["working_days"]) == (8, "sun-thu")


def test_lists_are_sorted_by_due_date_and_paginated(bot: LocalBot) -> None:
    for n in range(20):
        cmd(bot, "alice", f"add Task {n:02d} by 2026-12-{20 - n:02d}")
    first = cmd(bot, "alice", "list mine")
    shown = [b["text"]["text"].split("*")[1] for b in first["blocks"][1:] if b.get("type") == "section"]
    assert shown[:2] == ["A-20", "A-19"]  # the earliest due first
    assert len(first["blocks"]) <= 50
    more = button(first["blocks"], "Next page ▸")
    bot.sender.block_action("alice", more["action_id"], more["value"], channel="#proj-website")
    [page2] = bot.api.wait_for("response_url")
    assert "A-1" in text_of(page2.params) and "A-20" not in text_of(page2.params)


def test_undo_on_the_add_card_cancels_the_item_and_says_how_to_bring_it_back(bot: LocalBot, clock: FrozenClock) -> None:
    card = cmd(bot, "alice", "add <@U0BOB> Draft the charter")
    undo = button(card["blocks"], "Undo", "A-1")
    reply = bot.sender.block_action("alice", undo["action_id"], undo["value"], channel="#proj-website")
    assert reply.status == 200
    [update] = bot.api.wait_for("response_url")
    assert "cancelled" in text_of(update.params) and "/action reopen A-1" in text_of(update.params)
    assert items(bot, clock)["A-1"]["status"] == "cancelled"


def test_reassign_from_a_list_opens_a_picker_and_dms_the_new_owner(bot: LocalBot, clock: FrozenClock) -> None:
    cmd(bot, "alice", "add <@U0BOB> Draft the charter")
    listing = cmd(bot, "alice", "list")
    reassign = button(listing["blocks"], "Reassign", "A-1")
    bot.sender.block_action("alice", reassign["action_id"], reassign["value"], channel="#proj-website")
    view = opened_view(bot)
    assert view["callback_id"] == "reassign-modal"
    assert bot.sender.view_submission("alice", view, {"new-owner": "U0JIRA"}).json()["response_action"] == "errors"
    bot.sender.view_submission("alice", view, {"new-owner": "dana"})
    assert items(bot, clock)["A-1"]["owner"] == "U0DANA"
    bot.api.wait_for("chat.postMessage", count=2)
    assert dms_to(bot, "U0DANA")


def test_done_by_command_tells_the_creator_at_once_when_they_asked(bot: LocalBot, clock: FrozenClock) -> None:
    # Bug (issue 15): `/action done` by the owner queued the creator's DM into a closed session; it never went out.
    cmd(bot, "alice", "add <@U0BOB> Send the SOW")
    with bot.db.session() as s:
        from bot.services.common import Actor
        from bot.services.settings import PersonPrefs, save_prefs

        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0ALICE"), PersonPrefs(notify_done_now=True))
    assert "A-1" in cmd(bot, "bob", "done A-1")["text"]
    [notice] = dms_to(bot, "U0ALICE")
    assert "A-1" in notice.params["text"]


def test_a_refusal_about_the_deliverable_shows_beside_the_deliverable_field(bot: LocalBot) -> None:
    bot.sender.command("alice", "/deliverable", "add Homepage mockup")
    assert "D-1" in bot.sender.command("alice", "/deliverable", "cancel D-1").json()["text"]
    bot.sender.global_shortcut("carol", "new-action-item")
    view = opened_view(bot)
    refused = bot.sender.view_submission("carol", view, {"title": "Pick fonts", "deliverable": "D-1"}).json()
    assert refused["response_action"] == "errors" and list(refused["errors"]) == ["deliverable"]
    assert "D-1 is cancelled" in refused["errors"]["deliverable"]
