"""Tokens and secrets never reach a log: `serve` (single-workspace and OAuth, including an install and a token
rotation), `tick`, `export` and a failing `migrate`, all at LOG_LEVEL=DEBUG, through successes, Slack errors, a
crashing listener and forged requests; then every line they wrote is searched for every secret."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy.engine import make_url

from bot.simulator.client import SlackSender
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from storage.db import Database
from storage.models import Installation
from tests.integration.test_oauth import install
from tests.support.faults import failing_holds
from tests.support.processes import Served, app_env, cli, http_status

pytestmark = pytest.mark.e2e
CANARY = "LEAKCANARY"  # part of every configured secret below
BOT_TOKEN = f"xoxb-4242-4343-{CANARY}bot"
SECRETS = {
    "SLACK_SIGNING_SECRET": f"{CANARY}-signing-secret",
    "FOLLOWTHROUGH_SECRET_KEY": f"{CANARY}-operator-key",
    "SLACK_CLIENT_SECRET": f"{CANARY}-client-secret",
    "SLACK_STATE_SECRET": f"{CANARY}-state-secret",
}


def with_password(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    return parsed.set(password=f"{CANARY}-db-password").render_as_string(hide_password=False)


def issued_secrets(api: FakeSlackAPI) -> set[str]:
    """The random part of every token and refresh token Slack handed out."""
    found: set[str] = set()
    for call in api.calls_to("oauth.v2.access"):
        for field in ("access_token", "refresh_token"):
            value = str((call.response or {}).get(field) or "")
            if value:
                found.add(value.rsplit("-", 1)[-1])
    return found


def test_no_token_or_secret_in_any_log(db: Database, database_url: str, tmp_path: Path) -> None:
    world = default_world()
    logs: list[str] = []
    with FakeSlackAPI(world, token=BOT_TOKEN) as api:
        env = app_env(with_password(database_url), api.url, LOG_LEVEL="DEBUG", SLACK_BOT_TOKEN=BOT_TOKEN)
        env.update(SECRETS, FOLLOWTHROUGH_PUBLIC_URL="http://x")
        # OAuth mode (many workspaces): Slack hands out a token at the install and another at its rotation.
        oauth = {k: v for k, v in env.items() if k != "SLACK_BOT_TOKEN"} | {"SLACK_CLIENT_ID": "1234.5678"}
        with Served(oauth, tmp_path / "serve.log", workers=1) as served:
            install(SimpleNamespace(url=served.url), "code-T0SIM-rotating")  # type: ignore[arg-type]
            with db.session() as s:  # the token enters its last two hours: the next request rotates it
                row = s.get(Installation, "T0SIM")
                assert row is not None and row.bot_refresh_token
                row.bot_token_expires_at = datetime.now(UTC) + timedelta(minutes=30)
                s.add(row)
            sender = SlackSender(served.events_url, SECRETS["SLACK_SIGNING_SECRET"], world, api)
            assert "A-1" in sender.command("alice", "/action", "add <@U0BOB> Sign the SOW by 2026-11-20").body
            feed = json.loads(sender.command("bob", "/action", "settings calendar").body)["text"]
            sender.message("carol", "#proj-website", "AI: <@U0DANA> book the room")
            sender.block_action("bob", "item-done", "A-1", channel="dm")
            api.fail("chat.postMessage", error="invalid_auth", times=2)  # Slack errors are logged
            sender.command("alice", "/action", "add <@U0CAROL> Order badges")
            with failing_holds(db):  # a listener that crashes: its traceback is logged
                assert sender.message("dana", "#proj-website", "TODO: crash here").status == 500
            forged = sender.raw("command=/action", content_type="application/x-www-form-urlencoded", signature="v0=0")
            assert forged.status == 401
            path = next(w for w in feed.split() if "/calendar/" in w).split("/calendar/")[1].rstrip(">")
            assert http_status(f"{served.url}/calendar/{path}") == 200
            time.sleep(0.5)
        logs.append(served.log_text())
        done = cli("tick", "--at", "2026-11-23T15:00:00Z", env=env)  # single-workspace mode, the bot token
        assert done.returncode == 0 and "sent" in done.stdout, done.stderr
        logs.append(done.stderr)
        unreachable = f"postgresql+psycopg://ft:{CANARY}-db-password@127.0.0.1:9/ft"
        failed = cli("migrate", env={**env, "DATABASE_URL": unreachable})
        assert failed.returncode == 2
        logs.append(failed.stderr)
    assert api.oauth_grants == 2  # the install and one rotation
    text = "\n".join(logs)
    assert "DEBUG" in text and "oauth.v2.access" in text and "chat.postMessage" in text  # the calls with tokens
    leaked = [s for s in (CANARY, *issued_secrets(api), path.split(".")[0]) if s in text]
    assert leaked == [], [line[:300] for line in text.splitlines() if any(s in line for s in leaked)][:5]
