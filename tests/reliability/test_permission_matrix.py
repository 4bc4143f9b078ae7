"""The permission matrix (CONTRACTS §4): owner, creator, approver, admin and a stranger, each trying every
mutating verb and button on a record of their own. The allowed change it; everyone else gets one line that
says who can, and nothing changes. (tests/integration/test_plan_permissions.py checks the wording in detail.)"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.services.export import export_all
from bot.simulator.local import LocalBot

PEOPLE = {"owner": "carol", "creator": "bob", "approver": "dana", "admin": "alice", "stranger": "frank"}
CHANGERS = frozenset({"owner", "creator", "admin"})
NUDGERS = frozenset({"creator", "admin"})  # the owner is refused too: a nudge goes to someone else
REVIEWER = frozenset({"approver"})
LISTS = {"A": "action_items", "D": "deliverables", "M": "milestones", "O": "outcomes"}
WHERE = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0WEB"}
Record = dict[str, Any]


def answer(reply: Any) -> str:
    """The ephemeral answer; an empty one means a form opened instead."""
    assert reply.status == 200, reply.body
    return str(reply.json()["text"]) if reply.body.strip() else "opened"


def new_key(bot: LocalBot, command: str, text: str, who: str = "bob") -> str:
    found = re.search(r"\b([ADMO]-\d+(?:\.\d+)?)", answer(bot.sender.command(who, command, text)))
    assert found, text
    return found.group(1)


def record(bot: LocalBot, key: str) -> Record:
    with bot.db.session(readonly=True) as s:
        [ws] = export_all(s, bot.clock, team_id=bot.world.team_id)["workspaces"]
    base = key.split(".")[0]
    found = next(r for r in ws[LISTS[base[0]]] if r["key"] == base)
    return dict(found)


# ---- how each verb is tried: returns the answer the person saw --------------------------------------------


def command(cmd: str, text: str) -> Callable[[LocalBot, str, str], str]:
    return lambda bot, who, key: answer(bot.sender.command(who, cmd, text.format(key=key)))


def click(
    action_id: str, value: str = "{key}", *, opens: bool = False, menu: bool = False
) -> Callable[[LocalBot, str, str], str]:
    """A button (or a menu choice); its answer comes through the response_url (or a form opens: "opened")."""

    def run(bot: LocalBot, who: str, key: str) -> str:
        before = len(bot.api.calls_to("views.open"))
        chosen = value.format(key=key)
        reply = bot.sender.block_action(
            who,
            action_id,
            None if menu else chosen,
            selected_option=chosen if menu else None,
            channel="#proj-website",
            container=WHERE,
        )
        assert reply.status == 200, reply.body
        url = bot.sender.last_response_url
        for _ in range(100):
            if opens and len(bot.api.calls_to("views.open")) > before:
                return "opened"
            posted = bot.api.response_url_calls(url)
            if posted:
                return str(posted[-1].params.get("text"))
            time.sleep(0.02)
        raise AssertionError(f"no answer to {who} clicking {action_id}")

    return run


def gate(decision: str) -> Callable[[LocalBot, str, str], str]:
    """Go / No-go: the button opens the note form; the decision is checked when it is submitted."""

    def run(bot: LocalBot, who: str, key: str) -> str:
        bot.sender.block_action(who, f"gate-{decision}", key, channel="#proj-website", container=WHERE)
        view = bot.api.wait_for("views.open")[-1].response
        assert view is not None
        reply = bot.sender.view_submission(who, view["view"], {"gate-note": "Budget signed"})
        body = reply.json() if reply.body.strip() else {}
        return str((body.get("errors") or {}).get("gate-note", "decided"))

    return run


@dataclass(frozen=True)
class Verb:
    """A fresh record to act on, the attempt, who may, and what a permitted attempt changes."""

    make: Callable[[LocalBot], str]
    act: Callable[[LocalBot, str, str], str]
    allowed: frozenset[str]
    changed: Callable[[Record], bool]
    own_refusal: str | None = None  # how the owner is refused when the verb is never theirs (not "Only …")


def item(bot: LocalBot) -> str:
    return new_key(bot, "/action", "add <@U0CAROL> Draft the charter by 2026-12-01")


def cancelled_item(bot: LocalBot) -> str:
    key = item(bot)
    answer(bot.sender.command("bob", "/action", f"cancel {key}"))
    return key


def deliverable(bot: LocalBot) -> str:
    return new_key(bot, "/deliverable", "add Homepage owner <@U0CAROL> approver <@U0DANA>")


def submitted(bot: LocalBot) -> str:
    key = deliverable(bot)
    answer(bot.sender.command("carol", "/deliverable", f"submit {key}"))
    return key


def milestone(bot: LocalBot) -> str:
    return new_key(bot, "/milestone", "add Launch on 2026-12-18 owner <@U0CAROL> gate")


def outcome(bot: LocalBot) -> str:
    return new_key(bot, "/outcome", "add Faster onboarding owner <@U0CAROL>")


def key_result(bot: LocalBot) -> str:
    key = outcome(bot)
    return new_key(bot, "/outcome", f"kr {key} Days to value from 10 to 3 days")


def kr_values(r: Record) -> list[Any]:
    return [(k["key"], k["current"], len(k["checkins"])) for k in r["key_results"]]


VERBS: dict[str, Verb] = {
    "/action done": Verb(item, command("/action", "done {key}"), CHANGERS, lambda r: r["status"] == "done"),
    "/action cancel": Verb(item, command("/action", "cancel {key}"), CHANGERS, lambda r: r["status"] == "cancelled"),
    "/action reopen": Verb(
        cancelled_item, command("/action", "reopen {key}"), CHANGERS, lambda r: r["status"] == "open"
    ),
    "/action assign": Verb(
        item, command("/action", "assign {key} <@U0BOB>"), CHANGERS, lambda r: r["owner"] == "U0BOB"
    ),
    "/action due": Verb(
        item, command("/action", "due {key} 2026-12-11"), CHANGERS, lambda r: r["due_date"] == "2026-12-11"
    ),
    "/action snooze": Verb(
        item, command("/action", "snooze {key} 2026-12-07"), CHANGERS, lambda r: bool(r["snoozed_until"])
    ),
    "/action edit": Verb(item, command("/action", "edit {key}"), CHANGERS, lambda r: True),
    "Done button": Verb(item, click("item-done"), CHANGERS, lambda r: r["status"] == "done"),
    "Snooze menu": Verb(
        item, click("item-snooze", "1d|{key}", menu=True), CHANGERS, lambda r: bool(r["snoozed_until"])
    ),
    "Undo button": Verb(item, click("item-undo"), CHANGERS, lambda r: r["status"] == "cancelled"),
    "Edit button": Verb(item, click("item-edit", opens=True), CHANGERS, lambda r: True),
    "Reassign button": Verb(item, click("item-reassign", opens=True), CHANGERS, lambda r: True),
    # A nudge changes no record: the DM it sends is checked in tests/integration/test_nudges.py.
    "/action nudge": Verb(item, command("/action", "nudge {key}"), NUDGERS, lambda r: True, own_refusal="is yours"),
    "Nudge button": Verb(item, click("item-nudge"), NUDGERS, lambda r: True, own_refusal="is yours"),
    "/deliverable submit": Verb(
        deliverable, command("/deliverable", "submit {key}"), CHANGERS, lambda r: r["status"] == "submitted"
    ),
    "/deliverable edit": Verb(
        deliverable,
        command("/deliverable", "edit {key} due 2026-12-11"),
        CHANGERS,
        lambda r: r["due_date"] == "2026-12-11",
    ),
    "/deliverable cancel": Verb(
        deliverable, command("/deliverable", "cancel {key}"), CHANGERS, lambda r: r["status"] == "cancelled"
    ),
    "/deliverable approve": Verb(
        submitted, command("/deliverable", "approve {key}"), REVIEWER, lambda r: r["status"] == "approved"
    ),
    "/deliverable reject": Verb(
        submitted,
        command("/deliverable", "reject {key} Needs a link"),
        REVIEWER,
        lambda r: r["status"] == "changes_requested",
    ),
    "Submit button": Verb(deliverable, click("plan-submit"), CHANGERS, lambda r: r["status"] == "submitted"),
    "Approve button": Verb(submitted, click("plan-approve"), REVIEWER, lambda r: r["status"] == "approved"),
    "Request changes button": Verb(submitted, click("plan-request-changes", opens=True), REVIEWER, lambda r: True),
    "/milestone edit": Verb(
        milestone, command("/milestone", "edit {key} on 2026-12-17"), CHANGERS, lambda r: r["due_date"] == "2026-12-17"
    ),
    "/milestone decide": Verb(
        milestone, command("/milestone", "decide {key} go Ship it"), CHANGERS, lambda r: r["decision"] == "go"
    ),
    "/milestone cancel": Verb(
        milestone, command("/milestone", "cancel {key}"), CHANGERS, lambda r: r["status"] == "cancelled"
    ),
    "Go button": Verb(milestone, gate("go"), CHANGERS, lambda r: r["decision"] == "go"),
    "No-go button": Verb(milestone, gate("no-go"), CHANGERS, lambda r: r["decision"] == "no_go"),
    "/outcome kr": Verb(
        outcome, command("/outcome", "kr {key} Tickets from 40 to 10"), CHANGERS, lambda r: len(r["key_results"]) == 1
    ),
    "/outcome checkin": Verb(
        key_result, command("/outcome", "checkin {key} 7"), CHANGERS, lambda r: r["key_results"][0]["current"] == 7
    ),
}


@pytest.mark.parametrize("role", list(PEOPLE))
def test_every_mutating_verb_and_button_by_role(bot: LocalBot, role: str, figure: Callable[..., None]) -> None:
    bot.world.add_user("U0FRANK", "frank", "Frank Fox", "UTC", channels=("C0WEB",))
    wrong: list[str] = []
    for name, verb in VERBS.items():
        key = verb.make(bot)
        before = record(bot, key)
        said = verb.act(bot, PEOPLE[role], key)
        after = record(bot, key)
        if role in verb.allowed:
            if said.startswith("Only ") or not verb.changed(after):
                wrong.append(f"{name}: {role} may, but got {said!r}")
        elif not _refused(verb, role, said) or after != before:
            wrong.append(
                f"{name}: {role} may not, but got {said!r} and {'a change' if after != before else 'no change'}"
            )
    assert wrong == []
    figure(role=role, verbs_and_buttons=len(VERBS), allowed=sum(role in v.allowed for v in VERBS.values()), wrong=0)


def _refused(verb: Verb, role: str, said: str) -> bool:
    if role == "owner" and verb.own_refusal is not None:
        return verb.own_refusal in said
    return said.startswith("Only ") and "<@" in said


def test_the_matrix_covers_every_mutating_button_the_app_registers() -> None:
    """A new button must join the matrix: every registered action id that changes something is tried above."""
    from bot.ids import ActionId, PlanActionId

    tried = {"item-done", "item-snooze", "item-undo", "item-edit", "item-reassign", "plan-submit", "plan-approve"}
    tried |= {"plan-request-changes", "gate-go", "gate-no-go", "item-nudge"}
    tried |= {"item-take"}  # on unassigned and app items: tests/integration/test_unassigned_items.py
    tried |= {"capture-undo"}  # the poster only; an app's notes anyone: tests/integration/test_notes_capture.py
    read_only_or_pickers = {"list-page", "home-new-item", "home-refresh", "deliverable-pick", "open-settings"}
    registered = {a.value for a in ActionId} | {a.value for a in PlanActionId}
    assert registered - tried - read_only_or_pickers <= {"plan-submit-anyway"}
