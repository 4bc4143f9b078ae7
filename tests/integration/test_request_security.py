"""Forged, replayed and malformed requests change nothing and never reach a 500."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from bot.clock import FrozenClock
from bot.services.export import export_all
from bot.simulator.local import LocalBot

FORM = "application/x-www-form-urlencoded"


def _command_body(text: str) -> str:
    return urlencode(
        {
            "team_id": "T0SIM",
            "user_id": "U0ALICE",
            "channel_id": "C0WEB",
            "command": "/action",
            "text": text,
            "response_url": "http://127.0.0.1:9/response/x",
            "trigger_id": "1.2.3",
        }
    )


def _count_items(bot: LocalBot, clock: FrozenClock) -> int:
    with bot.db.session(readonly=True) as s:
        return sum(len(ws["action_items"]) for ws in export_all(s, clock)["workspaces"])


def test_a_forged_signature_gets_401_and_changes_nothing(bot: LocalBot, clock: FrozenClock) -> None:
    reply = bot.sender.raw(_command_body("add Forged"), content_type=FORM, signature="v0=" + "0" * 64)
    assert reply.status == 401
    assert _count_items(bot, clock) == 0


def test_a_replayed_request_older_than_five_minutes_gets_401(bot: LocalBot, clock: FrozenClock) -> None:
    old = str(int(time.time()) - 301)
    reply = bot.sender.raw(_command_body("add Replayed"), content_type=FORM, timestamp=old)
    assert reply.status == 401
    assert _count_items(bot, clock) == 0


def test_a_malformed_timestamp_gets_a_4xx_not_a_500(bot: LocalBot, clock: FrozenClock) -> None:
    for bad in ("abc", "", "-5", "1e9"):
        reply = bot.sender.raw(_command_body("add Odd"), content_type=FORM, timestamp=bad, signature="v0=abc")
        assert 400 <= reply.status < 500, (bad, reply.status)
    assert _count_items(bot, clock) == 0


def test_an_oversized_body_is_refused_early(bot: LocalBot) -> None:
    reply = bot.sender.raw("x" * 1_100_000, content_type=FORM)
    assert reply.status == 413


def test_health_and_readiness(bot: LocalBot) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{bot.url}/healthz", timeout=5) as r:
        assert r.status == 200
    with urllib.request.urlopen(f"{bot.url}/readyz", timeout=5) as r:
        assert r.status == 200


def test_a_command_whose_text_says_payload_is_understood(bot: LocalBot, clock: FrozenClock) -> None:
    # Bolt reads any form body containing the word "payload" as an interactivity payload and finds none; the
    # command then matched no listener and Slack's user saw a 404.
    reply = bot.sender.command("dana", "/action", "add Check the payload schema by friday")
    assert reply.status == 200, reply.body
    assert "Check the payload schema" in reply.body
    assert _count_items(bot, clock) == 1
    listed = bot.sender.command("dana", "/action", "list payload")
    assert listed.status == 200, listed.body
