"""Unassigned items and items captured from an app's message (CONTRACTS §4): `/action take`, the Take it button,
who may do what to them, and that nobody is reminded of one, over signed HTTP on the real app."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from threading import Barrier
from typing import Any

import pytest
from sqlmodel import col, select

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services.common import ensure_workspace
from bot.services.export import export_all
from bot.services.restore import import_export
from bot.simulator.local import LocalBot
from storage.db import Database
from storage.models import ActionItem
from storage.repositories import deliverables
from storage.repositories.keys import reserve_numbers
from tests.reliability.test_permission_matrix import WHERE, answer, click, command, record
from tests.support.blocks import button, labels, text_of

NOTES_BOT = "U0NOTES"  # the simulator's meeting-notes app (notesbot): the bot user its captured items name
MON_0800_UTC = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin: Bob's morning DM is due


def stored(
    bot: LocalBot,
    *,
    owner: str | None = None,
    by_app: bool = True,
    created_by: str = NOTES_BOT,
    channel: str = "C0WEB",
    private: bool = False,
    due: date | None = None,
    title: str = "Review the open accessibility findings",
    deliverable_id: int | None = None,
) -> str:
    """An item as capture stores one (nothing makes unassigned items by command): its key."""
    with bot.db.session() as s:
        ensure_workspace(s, bot.clock, bot.world.team_id)
        [number] = reserve_numbers(s, bot.world.team_id, "A", 1)
        s.add(
            ActionItem(
                team_id=bot.world.team_id,
                number=number,
                title=title,
                owner=owner,
                created_by=created_by,
                channel=channel,
                private=private,
                due_date=due,
                by_app=by_app,
                deliverable_id=deliverable_id,
                created_at=bot.clock.now(),
            )
        )
    return f"A-{number}"


def cmd(bot: LocalBot, user: str, text: str, channel: str = "#proj-website") -> dict[str, Any]:
    reply = bot.sender.command(user, "/action", text, channel=channel)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict), reply.body
    return body


def dms_to(bot: LocalBot, user_id: str) -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == user_id]


def tick(bot: LocalBot, at: datetime) -> Any:
    assert bot.settings is not None
    return run_all(build_runtime(bot.settings, bot.db, FrozenClock(at), bot.client, per_channel_per_second=0))


# ---- /action take ----------------------------------------------------------------------------------------------------


def test_take_by_command_makes_you_the_owner_with_an_audit_row(bot: LocalBot) -> None:
    key = stored(bot)
    listed = text_of(cmd(bot, "dana", "list"))
    assert key in listed and "_unassigned_" in listed
    card = cmd(bot, "bob", f"take {key.lower()}")
    assert f"{key} is yours now" in card["text"]
    assert labels(card["blocks"])[:2] == ["Done", "Snooze"]  # the card now shows its owner's buttons
    assert record(bot, key)["owner"] == "U0BOB"
    shown = text_of(cmd(bot, "bob", f"show {key}"))
    assert "taken: owner none → <@U0BOB>" in shown
    assert key in text_of(cmd(bot, "bob", "list mine"))


def test_a_second_taker_is_told_who_took_it_first(bot: LocalBot) -> None:
    key = stored(bot)
    cmd(bot, "bob", f"take {key}")
    assert cmd(bot, "carol", f"take {key}")["text"] == f"<@U0BOB> took {key} first."
    assert cmd(bot, "bob", f"take {key}")["text"] == f"{key} is already yours."
    assert record(bot, key)["owner"] == "U0BOB"


def test_two_takers_at_once_make_one_owner(bot: LocalBot) -> None:
    keys = [stored(bot) for _ in range(4)]
    for key in keys:
        start = Barrier(2)

        def take(who: str, key: str = key, start: Barrier = start) -> str:
            start.wait()
            return str(cmd(bot, who, f"take {key}")["text"])

        with ThreadPoolExecutor(2) as pool:
            said = list(pool.map(take, ["bob", "carol"]))
        winner = record(bot, key)["owner"]
        assert winner in ("U0BOB", "U0CAROL")
        assert sum("is yours now" in t for t in said) == 1 and f"<@{winner}> took {key} first." in said, said
        with bot.db.session(readonly=True) as s:
            [ws] = export_all(s, bot.clock)["workspaces"]
        assert [a["change"] for a in ws["audit"] if a["key"] == key] == ["taken"]


def test_take_is_refused_for_an_owned_closed_or_unseen_item(bot: LocalBot) -> None:
    cmd(bot, "bob", "add <@U0CAROL> Draft the charter")
    assert (
        cmd(bot, "dana", "take A-1")["text"]
        == "A-1 is owned by <@U0CAROL>; ask them or use `/action assign A-1 @someone`."
    )
    done = stored(bot)
    cmd(bot, "dana", f"cancel {done}")
    assert cmd(bot, "dana", f"take {done}")["text"] == f"{done} is cancelled; only open items can be taken."
    private = stored(bot, channel="G0LEADS", private=True)
    assert "couldn't find" in cmd(bot, "dana", f"take {private}")["text"]
    assert "is yours now" in cmd(bot, "bob", f"take {private}", channel="#leads")["text"]
    assert "Which item?" in cmd(bot, "dana", "take")["text"]
    assert "take A-12" in text_of(cmd(bot, "dana", ""))  # the usage names the verb


# ---- the Take it button ----------------------------------------------------------------------------------------------


def test_take_it_on_the_channel_list_redraws_the_list_in_place(bot: LocalBot) -> None:
    cmd(bot, "alice", "add <@U0BOB> Send the SOW by 2026-11-30")
    key = stored(bot, due=date(2026, 11, 25))
    listing = cmd(bot, "dana", "list")
    take = button(listing["blocks"], "Take it", key)
    assert "Done" not in labels(listing["blocks"])  # dana owns nothing here
    bot.sender.block_action("dana", take["action_id"], take["value"], channel="#proj-website")
    [update] = bot.api.wait_for("response_url")
    assert update.params["replace_original"] is True
    redrawn = text_of(update.params)
    assert f"{key} is yours now" in redrawn and "A-1" in redrawn  # the rest of the list stays
    assert "Take it" not in labels(update.params["blocks"])
    assert record(bot, key)["owner"] == "U0DANA"


def test_take_it_on_a_shown_card_redraws_the_card(bot: LocalBot) -> None:
    key = stored(bot)
    shown = cmd(bot, "carol", f"show {key}")
    take = button(shown["blocks"], "Take it", key)
    bot.sender.block_action("carol", take["action_id"], take["value"], channel="#proj-website")
    [update] = bot.api.wait_for("response_url")
    assert update.params["replace_original"] is True
    assert f"{key} is yours now" in text_of(update.params)
    assert labels(update.params["blocks"])[:2] == ["Done", "Snooze"]


def test_take_it_from_a_capture_confirmation_takes_the_item(bot: LocalBot) -> None:
    """The confirmation redraws itself (bot/listeners/capture_confirm.py); the click must take the item all the same."""
    key = stored(bot)
    with bot.db.session() as s:
        [item] = s.exec(select(ActionItem).where(col(ActionItem.number) == int(key[2:]))).all()
        item.source_channel, item.source_ts = "C0WEB", "1700000000.000100"
        s.add(item)
    reply = bot.sender.block_action(
        "carol", "item-take", key, block_id=f"capture:C0WEB|1700000000.000100:{key}", container=WHERE
    )
    assert reply.status == 200
    bot.settle()
    assert record(bot, key)["owner"] == "U0CAROL"
    said = " ".join(text_of(c.params) for c in bot.api.response_url_calls())
    assert "went wrong" not in said.lower()


def test_list_unassigned_shows_what_you_can_take_and_mine_never_does(bot: LocalBot) -> None:
    here = stored(bot)
    elsewhere = stored(bot, channel="C0GEN")
    secret = stored(bot, channel="G0LEADS", private=True)
    taken = stored(bot)
    cmd(bot, "bob", f"take {taken}")
    listed = text_of(cmd(bot, "dana", "list unassigned"))
    assert here in listed and elsewhere in listed and secret not in listed and taken not in listed
    assert "Unassigned action items you can take (2)" in listed
    assert secret in text_of(cmd(bot, "bob", "list unassigned", channel="#leads"))
    assert here not in text_of(cmd(bot, "dana", "list mine"))


# ---- who may do what (CONTRACTS §4) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of the table: an item of some kind, an attempt by someone, allowed or refused with these words."""

    make: Callable[[LocalBot], str]
    act: Callable[[LocalBot, str, str], str]
    who: str
    allowed: Callable[[dict[str, Any]], bool] | None  # None: refused
    refusal: str = ""


def app_unassigned(bot: LocalBot) -> str:
    return stored(bot)


def person_unassigned(bot: LocalBot) -> str:
    return stored(bot, by_app=False, created_by="U0BOB")


def app_owned(bot: LocalBot) -> str:
    return stored(bot, owner="U0CAROL")


def private_unassigned(bot: LocalBot) -> str:
    return stored(bot, channel="G0LEADS", private=True)


def owner_is(user: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r["owner"] == user


def status_is(status: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r["status"] == status


def due_set(r: dict[str, Any]) -> bool:
    return bool(r["due_date"] == "2026-12-11")


def snoozed(r: dict[str, Any]) -> bool:
    return bool(r["snoozed_until"])


def opened(r: dict[str, Any]) -> bool:
    return True


def in_leads(text: str) -> Callable[[LocalBot, str, str], str]:
    return lambda bot, who, key: answer(bot.sender.command(who, "/action", text.format(key=key), channel="#leads"))


TAKE_FIRST = "has no owner yet. Take it first: `/action take"
ROWS = {
    # An unassigned item an app's notes left: anyone who can see it takes, assigns, cancels (and, an app's, changes).
    "app unassigned: take": Row(app_unassigned, command("/action", "take {key}"), "dana", owner_is("U0DANA")),
    "app unassigned: Take it": Row(app_unassigned, click("item-take"), "dana", owner_is("U0DANA")),
    "app unassigned: assign": Row(
        app_unassigned, command("/action", "assign {key} <@U0CAROL>"), "dana", owner_is("U0CAROL")
    ),
    "app unassigned: Assign button": Row(app_unassigned, click("item-reassign", opens=True), "dana", opened),
    "app unassigned: cancel": Row(app_unassigned, command("/action", "cancel {key}"), "dana", status_is("cancelled")),
    "app unassigned: due": Row(app_unassigned, command("/action", "due {key} 2026-12-11"), "dana", due_set),
    "app unassigned: done": Row(app_unassigned, command("/action", "done {key}"), "dana", None, TAKE_FIRST),
    "app unassigned: done by an admin": Row(
        app_unassigned, command("/action", "done {key}"), "alice", None, TAKE_FIRST
    ),
    "app unassigned: snooze": Row(app_unassigned, command("/action", "snooze {key}"), "dana", None, TAKE_FIRST),
    # Unassigned with a person as creator (no app rule): take, assign, cancel for anyone; the rest as before.
    "person unassigned: take": Row(person_unassigned, command("/action", "take {key}"), "dana", owner_is("U0DANA")),
    "person unassigned: assign": Row(
        person_unassigned, command("/action", "assign {key} <@U0CAROL>"), "dana", owner_is("U0CAROL")
    ),
    "person unassigned: cancel": Row(
        person_unassigned, command("/action", "cancel {key}"), "dana", status_is("cancelled")
    ),
    "person unassigned: due by another": Row(
        person_unassigned, command("/action", "due {key} 2026-12-11"), "dana", None, "Only <@U0BOB> (who created it)"
    ),
    "person unassigned: due by its creator": Row(
        person_unassigned, command("/action", "due {key} 2026-12-11"), "bob", due_set
    ),
    "person unassigned: due by an admin": Row(
        person_unassigned, command("/action", "due {key} 2026-12-11"), "alice", due_set
    ),
    "person unassigned: done by its creator": Row(
        person_unassigned, command("/action", "done {key}"), "bob", None, TAKE_FIRST
    ),
    # Taken (or owned from the start), an app's item stays open to anyone who can see it.
    "app owned: done": Row(app_owned, command("/action", "done {key}"), "dana", status_is("done")),
    "app owned: Done button": Row(app_owned, click("item-done"), "dana", status_is("done")),
    "app owned: snooze": Row(app_owned, command("/action", "snooze {key} 2026-12-07"), "dana", snoozed),
    "app owned: due": Row(app_owned, command("/action", "due {key} 2026-12-11"), "dana", due_set),
    "app owned: assign": Row(app_owned, command("/action", "assign {key} <@U0BOB>"), "dana", owner_is("U0BOB")),
    "app owned: cancel": Row(app_owned, command("/action", "cancel {key}"), "dana", status_is("cancelled")),
    "app owned: Edit button": Row(app_owned, click("item-edit", opens=True), "dana", opened),
    "app owned: take": Row(app_owned, command("/action", "take {key}"), "dana", None, "is owned by <@U0CAROL>"),
    # In a private channel only its members see it: to anyone else it does not exist.
    "private unassigned: take by a member": Row(private_unassigned, in_leads("take {key}"), "bob", owner_is("U0BOB")),
    "private unassigned: take from outside": Row(
        private_unassigned, command("/action", "take {key}"), "dana", None, "couldn't find"
    ),
    "private unassigned: cancel from outside": Row(
        private_unassigned, command("/action", "cancel {key}"), "dana", None, "couldn't find"
    ),
}


@pytest.mark.parametrize("name", list(ROWS))
def test_who_may_do_what_to_unassigned_and_app_items(bot: LocalBot, name: str) -> None:
    row = ROWS[name]
    key = row.make(bot)
    before = record(bot, key)
    said = row.act(bot, row.who, key)
    after = record(bot, key)
    if row.allowed is not None:
        assert row.allowed(after), (said, after)
    else:
        assert row.refusal in said, said
        assert after == before


# ---- nobody is reminded of an unassigned item; an app hears nothing --------------------------------------------------


def test_no_morning_dm_for_an_unassigned_item_and_none_to_an_app(bot: LocalBot) -> None:
    nobodys = stored(bot, due=date(2026, 11, 20))  # overdue, nobody's
    bobs = stored(bot, owner="U0BOB", due=date(2026, 11, 23))  # an app's item Bob owns, due today
    late = stored(bot, owner="U0CAROL", due=date(2026, 11, 17))  # an app's item, overdue for 4 working days
    person = stored(bot, by_app=False, created_by="U0ALICE", due=date(2026, 11, 17))  # unassigned, a person's
    finished = stored(bot, owner="U0BOB")
    cmd(bot, "bob", f"done {finished}")
    bot.settle()
    bot.api.clear()
    tick(bot, MON_0800_UTC)
    tick(bot, datetime(2026, 11, 23, 15, 0, tzinfo=UTC))  # 10:00 in New York: Alice's hour
    [dm] = dms_to(bot, "U0BOB")
    text = text_of(dm.params)
    assert f"*{bobs}*" in text
    for key in (nobodys, late, person):
        assert f"*{key}*" not in text
    assert dms_to(bot, NOTES_BOT) == []
    for alice in dms_to(bot, "U0ALICE"):
        assert person not in text_of(alice.params)
    sent_to = {c.params.get("channel") for c in bot.api.calls_to("chat.postMessage")}
    assert NOTES_BOT not in sent_to and "None" not in sent_to and None not in sent_to


def test_a_done_app_item_tells_nobody_even_at_once(bot: LocalBot) -> None:
    key = stored(bot, owner="U0BOB")
    cmd(bot, "bob", f"done {key}")
    bot.settle()
    assert dms_to(bot, NOTES_BOT) == []


# ---- digests and status ----------------------------------------------------------------------------------------------


def test_the_digest_counts_unassigned_items_and_names_them_in_overdue_by_owner(bot: LocalBot) -> None:
    cmd(bot, "alice", "add <@U0BOB> Draft the wireframes by 2026-11-20")
    for _ in range(2):
        stored(bot, due=date(2026, 12, 20))
    stored(bot, due=date(2026, 11, 19))  # overdue and nobody's
    stored(bot, channel="C0GEN")  # another channel's: not counted here
    taken = stored(bot)
    cmd(bot, "dana", f"take {taken}")
    assert bot.sender.command("alice", "/digest", "weekly monday 09:00").status == 200
    bot.settle()
    bot.api.clear()
    assert bot.sender.command("carol", "/digest", "now").status == 200
    [posted] = [c for c in bot.api.wait_for("chat.postMessage") if c.params.get("channel") == "C0WEB"]
    preview = text_of(posted.params)
    assert "3 unassigned* — take them with `/action list`" in preview
    assert "_unassigned_ 1" in preview and "<@U0BOB> 1" in preview
    assert "<@None>" not in preview


def test_milestone_status_and_deliverable_cards_show_unassigned(bot: LocalBot) -> None:
    bot.sender.command("alice", "/milestone", "add Launch on 2026-12-18")
    bot.sender.command("alice", "/deliverable", "add Homepage for M-1")
    with bot.db.session(readonly=True) as s:
        d = deliverables.by_number(s, bot.world.team_id, 1)
        assert d is not None and d.id is not None
        deliverable_id = d.id
    key = stored(bot, due=date(2026, 11, 19), deliverable_id=deliverable_id)
    status = text_of(bot.sender.command("alice", "/milestone", "status M-1").json())
    assert "_unassigned_ 1" in status and "<@None>" not in status
    card = text_of(bot.sender.command("alice", "/deliverable", "show D-1").json())
    assert key in card and "_unassigned_" in card


# ---- export → import → export ----------------------------------------------------------------------------------------


def test_an_unassigned_item_round_trips_export_import_export(
    bot: LocalBot, clock: FrozenClock, new_database_url: Callable[[], str]
) -> None:
    key = stored(bot, due=date(2026, 12, 2))
    app_owned_key = stored(bot, owner="U0BOB")
    with bot.db.session(readonly=True) as s:
        first = json.loads(json.dumps(export_all(s, clock)))
    [item] = [i for i in first["workspaces"][0]["action_items"] if i["key"] == key]
    assert item["owner"] is None and item["created_by"] == NOTES_BOT
    restored = Database(new_database_url())
    try:
        with restored.session() as s:
            assert import_export(s, clock, first) == [bot.world.team_id]
        clock.advance(timedelta(minutes=5))
        with restored.session(readonly=True) as s:
            second = json.loads(json.dumps(export_all(s, clock)))
    finally:
        restored.dispose()
    assert {k: v for k, v in second.items() if k != "exported_at"} == {
        k: v for k, v in first.items() if k != "exported_at"
    }
    [again] = [i for i in second["workspaces"][0]["action_items"] if i["key"] == key]
    assert again["owner"] is None
    assert [i for i in second["workspaces"][0]["action_items"] if i["key"] == app_owned_key][0]["owner"] == "U0BOB"
