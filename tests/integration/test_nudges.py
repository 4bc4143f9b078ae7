"""Nudges (CONTRACTS §4) over signed HTTP on the real app: `/action nudge`, the Nudge buttons (morning DM, `/action
show`, App Home), once a day per owner's day, every refusal, and who may."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.clock import FrozenClock
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.item_changes import show
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.local import LocalBot
from storage.models import ActionItem
from storage.repositories.keys import reserve_numbers
from tests.integration.test_morning_dm import tick
from tests.reliability.test_permission_matrix import answer
from tests.support.blocks import button, labels, text_of

MON_1400_UTC = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 09:00 in New York: Alice's morning DM


def stored(
    bot: LocalBot,
    *,
    owner: str | None,
    by_app: bool = True,
    created_by: str = "U0NOTES",
    channel: str = "C0WEB",
    private: bool = False,
) -> str:
    """An item as capture stores one (an app's, or nobody's): nothing makes these by command."""
    with bot.db.session() as s:
        ensure_workspace(s, bot.clock, bot.world.team_id)
        [number] = reserve_numbers(s, bot.world.team_id, "A", 1)
        s.add(
            ActionItem(
                team_id=bot.world.team_id,
                number=number,
                title="Review the open accessibility findings",
                owner=owner,
                created_by=created_by,
                channel=channel,
                private=private,
                by_app=by_app,
                created_at=bot.clock.now(),
            )
        )
        if owner is None:  # capture audits an item nobody owns like this; a nudge reads it back
            audit(
                s,
                bot.clock,
                Actor(team_id=bot.world.team_id, user_id=created_by),
                f"A-{number}",
                "created",
                after={"title": "Review", "owner": None},
            )
    return f"A-{number}"


def nudge(bot: LocalBot, who: str, key: str, channel: str = "#proj-website") -> str:
    return answer(bot.sender.command(who, "/action", f"nudge {key}", channel=channel))


def dms_to(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def nudges_to(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in dms_to(bot, user_id) if "is waiting on" in str(c.params.get("text"))]


def late_item(bot: LocalBot, *, creator: str = "alice", owner: str = "U0BOB", due: str = "2026-11-18") -> str:
    """An item `creator` asks of `owner`, overdue on Saturday the 21st; its key (the assignment DM is cleared)."""
    said = answer(bot.sender.command(creator, "/action", f"add <@{owner}> Send the signed SOW by {due}"))
    key = said.split()[1].rstrip(":")
    bot.api.clear()
    return key


def test_nudge_by_command_dms_the_owner_with_done_and_snooze_once_a_day(bot: LocalBot, clock: FrozenClock) -> None:
    key = late_item(bot)
    said = nudge(bot, "alice", key)
    assert said.startswith(f"👋 Nudged <@U0BOB> about *{key}*")
    [dm] = nudges_to(bot, "U0BOB")
    assert dm.params["text"] == f"<@U0ALICE> is waiting on {key} Send the signed SOW — 3 days overdue"
    assert labels(dm.params["blocks"]) == ["Done", "Snooze"]
    clock.advance(timedelta(minutes=65))
    again = nudge(bot, "alice", key)
    assert again == f"Already nudged <@U0BOB> about {key} today at 10:00 AM — one nudge a day."
    assert len(nudges_to(bot, "U0BOB")) == 1
    clock.set(datetime(2026, 11, 21, 23, 0, tzinfo=UTC))  # midnight in Berlin: Bob's next day
    assert nudge(bot, "alice", key).startswith("👋 Nudged")
    assert len(nudges_to(bot, "U0BOB")) == 2
    bot.sender.block_action("bob", "item-done", key)  # from the newest nudge
    with bot.db.session(readonly=True) as s:
        item, history = show(s, Actor(team_id="T0SIM", user_id="U0BOB"), key)
    assert item.status == "done" and [h.change for h in history].count("nudged") == 2


def test_the_nudge_button_in_show_answers_the_clicker_alone(bot: LocalBot) -> None:
    key = late_item(bot)
    shown = bot.sender.command("alice", "/action", f"show {key}").json()
    button(shown["blocks"], "👋 Nudge", key)
    bot.sender.block_action("alice", "item-nudge", key, channel="#proj-website")
    [answered] = bot.api.wait_for("response_url")
    assert answered.params["replace_original"] is False and answered.params["response_type"] == "ephemeral"
    assert answered.params["text"].startswith(f"👋 Nudged <@U0BOB> about *{key}*")
    assert len(nudges_to(bot, "U0BOB")) == 1
    assert "Nudge" not in labels(bot.sender.command("bob", "/action", f"show {key}").json()["blocks"])


def test_the_morning_dm_and_app_home_offer_a_nudge_for_what_waits(bot: LocalBot, clock: FrozenClock) -> None:
    key = late_item(bot)
    fresh = late_item(bot, due="2026-12-18")  # not overdue: no button
    tick(bot, MON_1400_UTC)
    [morning] = dms_to(bot, "U0ALICE")
    assert "WAITING ON OTHERS" in text_of(morning.params)
    button(morning.params["blocks"], f"👋 Nudge {key}", key)
    clock.set(MON_1400_UTC)
    bot.sender.block_action("alice", "item-nudge", key)  # from the morning DM, the one message showing it
    [answered] = bot.api.wait_for("response_url")
    assert answered.params["text"].startswith("👋 Nudged")
    assert len(nudges_to(bot, "U0BOB")) == 1
    bot.sender.app_home_opened("alice")
    home = bot.api.wait_for("views.publish")[-1].params["view"]
    button(home["blocks"], f"👋 Nudge {key}", key)
    assert f"👋 Nudge {fresh}" not in labels(home["blocks"])
    bot.sender.block_action("alice", "item-nudge", key)  # from the Home tab: the answer is a note on it
    published = bot.api.wait_for("views.publish", count=2)[-1].params["view"]
    assert "Already nudged <@U0BOB> about" in text_of(published) and "at 9:00 AM — one nudge a day" in text_of(
        published
    )
    assert len(nudges_to(bot, "U0BOB")) == 1


def test_every_refusal_says_why(bot: LocalBot, clock: FrozenClock) -> None:
    done, cancelled, mine, other = (late_item(bot) for _ in range(4))
    answer(bot.sender.command("bob", "/action", f"done {done}"))
    answer(bot.sender.command("alice", "/action", f"cancel {cancelled}"))
    own = late_item(bot, owner="U0ALICE")
    unassigned = stored(bot, owner=None, by_app=False, created_by="U0ALICE")
    gone = stored(bot, owner="U0ERIN", by_app=False, created_by="U0ALICE")
    assert nudge(bot, "alice", done) == f"{done} is done, so there is nothing to nudge about."
    assert nudge(bot, "alice", cancelled) == f"{cancelled} is cancelled, so there is nothing to nudge about."
    assert nudge(bot, "alice", unassigned).startswith(f"{unassigned} has no owner yet, so there is nobody to nudge.")
    assert nudge(bot, "alice", own) == f"{own} is yours: a nudge reminds someone else of what you are waiting on."
    assert nudge(bot, "bob", mine) == f"{mine} is yours: a nudge reminds someone else of what you are waiting on."
    assert nudge(bot, "alice", gone).startswith("<@U0ERIN> is deactivated, so a nudge would reach nobody.")
    assert nudge(bot, "dana", other) == (
        f"Only <@U0ALICE> (who asked for {other}) or a workspace admin can nudge <@U0BOB> about it."
    )
    assert nudge(bot, "alice", "A-99") == "I couldn't find A-99 in this workspace. Try /action list."
    assert nudge(bot, "alice", "") == "Which item? Try `/action nudge A-12`."
    assert nudges_to(bot, "U0BOB") == [] and nudges_to(bot, "U0ERIN") == []


def test_a_paused_owner_is_nudged_and_who_may_nudge_app_and_taken_items(bot: LocalBot, clock: FrozenClock) -> None:
    key, given = late_item(bot), late_item(bot, owner="U0CAROL")
    with bot.db.session() as s:
        save_prefs(s, clock, Actor(team_id="T0SIM", user_id="U0BOB"), PersonPrefs(paused_until=date(2026, 12, 31)))
    assert nudge(bot, "alice", key).startswith("👋 Nudged")  # a person asked: the pause does not hold it
    assert len(nudges_to(bot, "U0BOB")) == 1
    app_item = stored(bot, owner="U0CAROL")  # captured from an app's notes: anyone who sees it may nudge
    assert nudge(bot, "dana", app_item).startswith(f"👋 Nudged <@U0CAROL> about *{app_item}*")
    taken = stored(bot, owner=None, by_app=False, created_by="U0ALICE")
    answer(bot.sender.command("carol", "/action", f"take {taken}"))
    assert nudge(bot, "dana", taken).startswith(f"👋 Nudged <@U0CAROL> about *{taken}*")
    assert nudge(bot, "dana", given).startswith("Only <@U0ALICE>")
    private = stored(bot, owner="U0BOB", by_app=True, channel="G0LEADS", private=True)
    assert nudge(bot, "dana", private) == f"I couldn't find {private} in this workspace. Try /action list."
    assert nudge(bot, "alice", private, channel="#leads").startswith("👋 Nudged")
    assert {n.params["text"].split(" is waiting")[0] for n in nudges_to(bot, "U0CAROL")} == {"<@U0DANA>"}
