"""User groups as owners (CONTRACTS §4) over signed HTTP on the real app: one item per member, at most 20, the named
errors, only a private channel's members, and `group_members` for captured notes."""

from __future__ import annotations

from typing import Any

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.client_payloads import encode_mentions
from bot.simulator.local import LocalBot
from bot.slack.usergroups import NEEDS_REINSTALL, group_members
from tests.reliability.test_permission_matrix import answer

DESIGN = "<!subteam^S0DESIGN|@design-team>"


def add(bot: LocalBot, text: str, who: str = "alice", channel: str = "#proj-website") -> str:
    return answer(bot.sender.command(who, "/action", f"add {text}", channel=channel))


def items(bot: LocalBot, clock: FrozenClock) -> list[dict[str, Any]]:
    with bot.db.session(readonly=True) as s:
        return [i for ws in export_all(s, clock)["workspaces"] for i in ws["action_items"]]


def test_a_group_as_owner_makes_one_item_per_member(bot: LocalBot, clock: FrozenClock) -> None:
    said = add(bot, f"Review the spec {DESIGN} by 2026-12-01")
    assert said.startswith("Added A-1, A-2: Review the spec (owner <@U0BOB>, <@U0CAROL>)")
    made = items(bot, clock)
    assert [(i["owner"], i["title"], i["due_date"]) for i in made] == [
        ("U0BOB", "Review the spec", "2026-12-01"),
        ("U0CAROL", "Review the spec", "2026-12-01"),
    ]
    dms = bot.api.wait_for("chat.postMessage", count=2)
    assert {c.params["channel"] for c in dms} == {"U0BOB", "U0CAROL"}
    # A mention and the group: one item each, the person in both once; a group without its handle works too.
    assert add(bot, "<@U0BOB> <!subteam^S0DESIGN> <@U0DANA> Plan the review").startswith("Added A-3, A-4, A-5:")
    assert [i["owner"] for i in items(bot, clock)[2:]] == ["U0BOB", "U0DANA", "U0CAROL"]


def test_a_group_of_more_than_twenty_is_refused_with_a_suggestion(bot: LocalBot, clock: FrozenClock) -> None:
    crowd = [f"U0P{n:02d}" for n in range(21)]
    for uid in crowd:
        bot.world.add_user(uid, uid.lower(), channels=("C0WEB",))
    bot.world.add_usergroup("S0ENG", "engineering", crowd)
    said = add(bot, "Fill in the survey <!subteam^S0ENG|@engineering>")
    assert said == (
        "@engineering has 21 members; I make at most 20 items from a group. "
        "Mention the people who should do it, or name one owner who shares it out."
    )
    bot.world.add_usergroup("S0ENG", "engineering", crowd[:20])
    assert add(bot, "Fill in the survey <!subteam^S0ENG|@engineering>").startswith("Added A-1, A-2,")
    assert len(items(bot, clock)) == 20


def test_unreadable_groups_are_named(bot: LocalBot, clock: FrozenClock) -> None:
    bot.world.missing_scopes.add("usergroups:read")  # installed before the app asked for usergroups:read
    assert add(bot, f"Review the spec {DESIGN}") == NEEDS_REINSTALL
    assert NEEDS_REINSTALL == "Followthrough needs to be reinstalled to read user groups — ask an admin."
    bot.world.missing_scopes.clear()
    bot.api.fail("usergroups.users.list", error="plan_upgrade_required")
    assert add(bot, f"Review the spec {DESIGN}").startswith(
        "User groups need a paid Slack plan, so I can't read who is in @design-team."
    )
    assert add(bot, "Review <!subteam^S0GONE|@old-team>") == (
        "I couldn't find the user group @old-team (deleted or disabled?). Mention the people instead."
    )
    assert items(bot, clock) == []


def test_in_a_private_channel_only_its_members_get_items(bot: LocalBot, clock: FrozenClock) -> None:
    said = bot.sender.command("alice", "/action", f"add Review the spec {DESIGN}", channel="#leads").json()
    assert said["text"].startswith("Added A-1: Review the spec (owner <@U0BOB>)")
    assert "1 member of @design-team is not in this conversation, so they get no item here." in str(said["blocks"])
    assert [(i["owner"], i["private"]) for i in items(bot, clock)] == [("U0BOB", True)]
    bot.world.add_usergroup("S0OUT", "outsiders", ["U0CAROL", "U0DANA"])
    assert add(bot, "Plan <!subteam^S0OUT|@outsiders>", channel="#leads") == (
        "Nobody in @outsiders can get an item here. Mention the people instead."
    )


def test_group_members_for_captured_notes(bot: LocalBot) -> None:
    assert group_members(bot.client, "T0SIM", "S0DESIGN", handle="@design-team") == ["U0BOB", "U0CAROL"]
    assert group_members(bot.client, "T0SIM", "S0DESIGN", within={"U0CAROL", "U0ALICE"}) == ["U0CAROL"]
    assert group_members(bot.client, "T0SIM", "S0NONE", handle="@x").startswith("I couldn't find the user group @x")
    bot.world.missing_scopes.add("usergroups:read")
    assert group_members(bot.client, "T0SIM", "S0DESIGN") == NEEDS_REINSTALL
    # What a person types in the shell: the simulated client sends a group as Slack does.
    assert encode_mentions("ask @design-team.", bot.world) == f"ask {DESIGN}."
