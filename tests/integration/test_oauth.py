"""OAuth for many workspaces through the simulator: install, isolation, uninstall, token rotation without races."""

from __future__ import annotations

import http.cookiejar
import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services.export import export_all
from bot.simulator.local import LocalBot
from storage.models import Installation, Workspace


@pytest.fixture
def multi(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    with LocalBot(database_url, clock=clock, oauth=True, secret_key="a-long-random-operator-secret") as bot:
        yield bot


def install(bot: LocalBot, code: str) -> str:
    """Walk /slack/install → Slack's authorize page → /slack/oauth_redirect, as a browser would."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{bot.url}/slack/install", timeout=10) as page:
        html = page.read().decode()
    authorize = re.search(r'href="([^"]*oauth/v2/authorize[^"]*)"', html)
    assert authorize, html[:500]
    state = re.search(r"state=([^&\"]+)", authorize.group(1))
    assert state
    # Bolt marks its state cookie Secure (production is https); over the loopback test's http, send it by hand.
    cookie = next(c for c in jar if c.name == "slack-app-oauth-state")
    request = urllib.request.Request(
        f"{bot.url}/slack/oauth_redirect?code={code}&state={state.group(1)}",
        headers={"Cookie": f"{cookie.name}={cookie.value}"},
    )
    with urllib.request.urlopen(request, timeout=10) as done:
        return done.read().decode()


def command(bot: LocalBot, team: str, user: str, text: str, channel: str = "C0WEB") -> dict[str, Any]:
    fields = {
        "token": "x",
        "team_id": team,
        "team_domain": team.lower(),
        "channel_id": channel,
        "channel_name": "proj",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/action",
        "text": text,
        "api_app_id": "A0FOLLOW",
        "response_url": bot.api.new_response_url(),
        "trigger_id": bot.api.new_trigger_id(user),
    }
    reply = bot.sender.send_form(fields)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict)
    return body


def event(bot: LocalBot, team: str, payload: dict[str, Any]) -> int:
    envelope = {
        "token": "x",
        "team_id": team,
        "api_app_id": "A0FOLLOW",
        "event": payload,
        "type": "event_callback",
        "event_id": f"Ev{team}{payload['type']}",
        "event_time": 1,
    }
    return bot.sender.raw(json.dumps(envelope), content_type="application/json").status


def test_two_workspaces_install_and_never_see_each_other(multi: LocalBot, clock: FrozenClock) -> None:
    page = install(multi, "code-T0SIM")
    assert "Oops" not in page
    install(multi, "code-T0OTHER")
    with multi.db.session(readonly=True) as s:
        rows = s.exec(select(Installation)).all()
    assert sorted(r.team_id for r in rows) == ["T0OTHER", "T0SIM"]
    assert all(r.bot_token.startswith("fernet:") and "xoxb" not in r.bot_token for r in rows)
    assert "A-1" in command(multi, "T0SIM", "U0ALICE", "add Ours: draft the charter")["text"]
    assert "A-1" in command(multi, "T0OTHER", "U0BOB", "add Theirs: pick a venue")["text"]
    assert "A-2" in command(multi, "T0SIM", "U0ALICE", "add Ours: book the room")["text"]
    # Guessing keys from the other workspace finds nothing and changes nothing.
    assert "couldn't find A-2" in command(multi, "T0OTHER", "U0BOB", "done A-2")["text"]
    assert "Ours" not in json.dumps(command(multi, "T0OTHER", "U0BOB", "list"))
    assert "Ours" not in json.dumps(command(multi, "T0OTHER", "U0BOB", "show A-1"))
    with multi.db.session(readonly=True) as s:
        other = export_all(s, clock, "T0OTHER")
    [ws] = other["workspaces"]
    assert [i["title"] for i in ws["action_items"]] == ["Theirs: pick a venue"]


def test_uninstall_stops_every_send_and_drops_the_tokens(multi: LocalBot) -> None:
    install(multi, "code-T0SIM")
    install(multi, "code-T0OTHER")
    command(multi, "T0OTHER", "U0BOB", "add <@U0CAROL> Overdue thing by 2026-11-01")
    command(multi, "T0SIM", "U0ALICE", "add <@U0CAROL> Overdue here too by 2026-11-01")
    assert event(multi, "T0OTHER", {"type": "app_uninstalled", "event_ts": "1"}) == 200
    with multi.db.session(readonly=True) as s:
        assert s.get(Installation, "T0OTHER") is None
        ws = s.get(Workspace, "T0OTHER")
        assert ws is not None and not ws.active
    multi.api.clear()
    assert multi.settings is not None
    rt = build_runtime(multi.settings, multi.db, FrozenClock(datetime(2026, 11, 23, 8, tzinfo=UTC)))
    run_all(rt)
    teams = {multi.api.token_teams.get(c.token or "") for c in multi.api.calls_to("chat.postMessage")}
    assert teams == {"T0SIM"}


def test_tokens_revoked_stops_sends_too(multi: LocalBot) -> None:
    install(multi, "code-T0SIM")
    assert event(multi, "T0SIM", {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT"]}}) == 200
    with multi.db.session(readonly=True) as s:
        assert s.get(Installation, "T0SIM") is None


def test_concurrent_requests_refresh_an_expiring_token_once(multi: LocalBot, clock: FrozenClock) -> None:
    install(multi, "code-T0ROT-rotating")
    grants = multi.api.oauth_grants
    with multi.db.session() as s:  # the 12-hour token is now inside its last two hours
        row = s.get(Installation, "T0ROT")
        assert row is not None and row.bot_refresh_token is not None
        row.bot_token_expires_at = datetime.now(UTC) + timedelta(minutes=30)
        s.add(row)
    start = threading.Barrier(4)
    results: list[dict[str, Any]] = []

    def run(n: int) -> None:
        start.wait()
        results.append(command(multi, "T0ROT", "U0ALICE", f"add Concurrent {n}"))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all("Added" in r["text"] for r in results)
    assert multi.api.oauth_grants - grants == 1


def test_without_a_secret_key_tokens_are_stored_plain_and_a_warning_is_logged(
    database_url: str, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    with LocalBot(database_url, clock=clock, oauth=True) as bot:
        install(bot, "code-T0SIM")
        with bot.db.session(readonly=True) as s:
            row = s.get(Installation, "T0SIM")
        assert row is not None and row.bot_token.startswith("plain:")
    assert "FOLLOWTHROUGH_SECRET_KEY is not set" in caplog.text
    assert "xoxb-" not in caplog.text
