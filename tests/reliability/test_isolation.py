"""Two workspaces on one installation of the app (OAuth), with the very same user ids in both: the second one,
guessing the first one's keys through every verb, button, list, form, digest, export and calendar feed, reads
nothing, changes nothing and exports nothing of it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from tests.integration.test_oauth import install

OURS, THEIRS = "T0SIM", "T0OTHER"
MARK = "ALPHA"  # in every title of the first workspace; it must never reach the second
WHERE = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0WEB", "is_ephemeral": True}


@pytest.fixture
def multi(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    with LocalBot(database_url, clock=clock, oauth=True, secret_key="isolation-operator-secret") as bot:
        install(bot, f"code-{OURS}")
        install(bot, f"code-{THEIRS}")
        yield bot


class Workspace:
    """Signed requests on behalf of one team, remembering every response_url it was given."""

    def __init__(self, bot: LocalBot, team: str) -> None:
        self.bot, self.team = bot, team
        self.response_urls: list[str] = []
        self.answers: list[str] = []

    def _url(self) -> str:
        url = self.bot.api.new_response_url()
        self.response_urls.append(url)
        return url

    def command(self, user: str, command: str, text: str, channel: str = "C0WEB") -> str:
        fields = {
            "team_id": self.team,
            "team_domain": self.team.lower(),
            "channel_id": channel,
            "channel_name": "proj",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0FOLLOW",
            "response_url": self._url(),
            "trigger_id": self.bot.api.new_trigger_id(user),
        }
        reply = self.bot.sender.send_form(fields)
        assert reply.status == 200, reply.body
        self.answers.append(reply.body)
        return reply.body

    def _payload(self, kind: str, user: str, **extra: Any) -> int:
        payload = {
            "type": kind,
            "user": {"id": user, "team_id": self.team, "username": user.lower()},
            "team": {"id": self.team, "domain": self.team.lower()},
            "api_app_id": "A0FOLLOW",
            "token": "x",
            **extra,
        }
        reply = self.bot.sender.send_payload(payload)
        self.answers.append(reply.body)
        return reply.status

    def click(self, user: str, action_id: str, value: str) -> int:
        return self._payload(
            "block_actions",
            user,
            container=WHERE,
            channel={"id": "C0WEB", "name": "proj"},
            trigger_id=self.bot.api.new_trigger_id(user),
            response_url=self._url(),
            actions=[{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}],
            state={"values": {}},
        )

    def suggest(self, user: str, query: str) -> int:
        view = {"id": "V0SUGGEST", "type": "modal", "callback_id": "item-modal", "private_metadata": "{}"}
        return self._payload(
            "block_suggestion", user, action_id="deliverable-pick", block_id="deliverable", value=query, view=view
        )

    def event(self, event: dict[str, Any], event_id: str) -> int:
        envelope = {
            "team_id": self.team,
            "api_app_id": "A0FOLLOW",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
        reply = self.bot.sender.raw(json.dumps(envelope), content_type="application/json")
        return reply.status


def snapshot(bot: LocalBot, team: str) -> dict[str, Any]:
    with bot.db.session(readonly=True) as s:
        data = export_all(s, bot.clock, team)
    return data["workspaces"][0] if data["workspaces"] else {}


def test_a_workspace_guessing_keys_reads_changes_and_exports_nothing_of_another(
    multi: LocalBot, figure: Callable[..., None]
) -> None:
    ours, theirs = Workspace(multi, OURS), Workspace(multi, THEIRS)
    for _ in range(3):  # A-1 … A-3; theirs will have an A-1 of its own, so A-3 is ours alone
        ours.command("U0BOB", "/action", f"add <@U0CAROL> {MARK} draft the charter by Friday")
    ours.command("U0BOB", "/milestone", f"add {MARK} launch on 2026-12-18 owner <@U0CAROL> gate")
    ours.command("U0BOB", "/deliverable", f"add {MARK} homepage for M-1 owner <@U0CAROL> approver <@U0DANA>")
    ours.command("U0CAROL", "/deliverable", "submit D-1")
    ours.command("U0BOB", "/outcome", f"add {MARK} faster onboarding owner <@U0CAROL>")
    ours.command("U0BOB", "/outcome", f"kr O-1 {MARK} days to value from 10 to 3 days")
    ours.command("U0BOB", "/digest", "daily 09:00")
    ours_feed = json.loads(ours.command("U0CAROL", "/action", "settings calendar"))["text"]
    before = snapshot(multi, OURS)
    assert len(before["action_items"]) == 3 and before["deliverables"][0]["status"] == "submitted"

    alice, bob, carol, dana = "U0ALICE", "U0BOB", "U0CAROL", "U0DANA"  # alice is an admin there too
    theirs.command(carol, "/action", "add Theirs: pick a venue by Friday")
    guesses = [
        (alice, "/action", v)
        for v in (
            "show A-3",
            "done A-3",
            "cancel A-3",
            "reopen A-3",
            "assign A-3 <@U0BOB>",
            "due A-3 Friday",
            "snooze A-3",
            "edit A-3",
            "list",
            "list mine",
            "list overdue",
            "list done",
            f"list <@{carol}>",
            "export",
        )
    ]
    guesses += [
        (alice, "/deliverable", v)
        for v in ("show D-1", "submit D-1", "cancel D-1", "edit D-1 due Friday", "list all", "list review", "list M-1")
    ]
    guesses += [(dana, "/deliverable", v) for v in ("approve D-1", "reject D-1 Not ours", "list review")]
    guesses += [
        (alice, "/milestone", v)
        for v in ("status M-1", "edit M-1 on 2026-12-20", "cancel M-1", "decide M-1 go Ship", "list all")
    ]
    guesses += [(carol, "/outcome", v) for v in ("status O-1", "kr O-1 Speed from 1 to 2", "checkin O-1.1 5", "list")]
    guesses += [(bob, "/digest", ""), (bob, "/digest", "now")]
    for user, command, text in guesses:
        body = theirs.command(user, command, text)
        if any(w in text for w in ("A-3", "D-1", "M-1", "O-1")) and body.strip() and "list" not in text:
            said = json.loads(body)["text"]
            assert "couldn't find" in said or "Nothing" in said, (command, text, said)
    for user, action, value in (
        (carol, "item-done", "A-3"),
        (dana, "plan-approve", "D-1"),
        (carol, "plan-submit", "D-1"),
        (carol, "gate-go", "M-1"),
        (carol, "item-snooze", "1d|A-3"),
        (bob, "item-undo", "A-3"),
    ):
        assert theirs.click(user, action, value) == 200
    assert theirs.suggest(alice, "") == 200 and theirs.suggest(alice, MARK) == 200
    home = {"type": "app_home_opened", "user": carol, "channel": "D0CAROL", "tab": "home", "event_ts": "1.2"}
    assert theirs.event(home, "EvTheirHome") == 200
    multi.settle()  # the work the answers left, and what it queued, done

    assert snapshot(multi, OURS) == before  # nothing of ours changed
    theirs_export = json.dumps(snapshot(multi, THEIRS))
    assert MARK not in theirs_export
    leaks = [a for a in theirs.answers if MARK in a]
    tokens = {t for t, team in multi.api.token_teams.items() if team == THEIRS}
    sent = [c for c in multi.api.calls if c.token in tokens and MARK in json.dumps(c.params, default=str)]
    answered = [c for c in multi.api.calls_to("response_url") if MARK in json.dumps(c.params)]
    uploads = [blob for blob in multi.api.uploads.values() if MARK.encode() in blob]
    assert (leaks, sent, answered, uploads) == ([], [], [], [])
    assert multi.api.uploads, "their /action export uploaded a file"

    # Calendar feeds: ours opens with its own token only; a guessed or altered token is simply not found.
    url = next(w for w in ours_feed.split() if "/calendar/" in w)
    path = url[url.index("/calendar/") :].rstrip(">")
    with urllib.request.urlopen(f"{multi.url}{path}", timeout=5) as feed:
        assert MARK in feed.read().decode()
    ident = path.removeprefix("/calendar/").removesuffix(".ics").partition(".")[0]
    for guess in (f"{ident}.ics", f"{ident}.0000000000.ics", f"{ident[:-1]}x.{path.split('.')[-2]}.ics"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{multi.url}/calendar/{guess}", timeout=5)
        assert refused.value.code == 404
    figure(guessed_commands=len(guesses), guessed_clicks=6, answers_checked=len(theirs.answers), leaks=0, changes=0)
