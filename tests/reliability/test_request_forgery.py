"""Forged and replayed requests: every kind Slack sends (command, event, button), signed wrongly, tampered with,
unsigned, replayed 301 seconds or more later, or from the future, is refused with a 4xx — never processed, never
a 5xx, never a traceback in the log — while the same request, correctly signed within the window, works."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from slack_sdk.signature import SignatureVerifier
from sqlmodel import select

from bot.simulator.local import SIGNING_SECRET, LocalBot
from storage.models import ActionItem

FORM = "application/x-www-form-urlencoded"


def bodies(bot: LocalBot) -> dict[str, tuple[str, str]]:
    """One body per kind of request, each of which would create an item if it were accepted."""
    command = urlencode(
        {
            "team_id": "T0SIM",
            "user_id": "U0ALICE",
            "channel_id": "C0WEB",
            "command": "/action",
            "text": "add Forged work",
            "response_url": bot.api.new_response_url(),
            "trigger_id": "1.2.3",
        }
    )
    event = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0SIM",
            "api_app_id": "A0FOLLOW",
            "event_id": f"Ev{time.time_ns()}",
            "event": {
                "type": "message",
                "user": "U0ALICE",
                "text": "AI: forged work",
                "ts": f"{time.time():.6f}",
                "channel": "C0WEB",
                "channel_type": "channel",
            },
        }
    )
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "item-modal",
        "private_metadata": '{"mode": "new"}',
        "state": {"values": {"title": {"value": {"type": "plain_text_input", "value": "Forged work"}}}},
    }
    submit = urlencode(
        {
            "payload": json.dumps(
                {"type": "view_submission", "user": {"id": "U0ALICE"}, "team": {"id": "T0SIM"}, "view": view}
            )
        }
    )
    return {"command": (command, FORM), "event": (event, "application/json"), "form": (submit, FORM)}


def items(bot: LocalBot) -> int:
    with bot.db.session(readonly=True) as s:
        return len(s.exec(select(ActionItem.id)).all())


ATTACKS: dict[str, Callable[[str, int], dict[str, str]]] = {
    "forged signature": lambda body, now: {"timestamp": str(now), "signature": sign("not-the-secret", now, body)},
    "tampered body": lambda body, now: {"timestamp": str(now), "signature": sign(SIGNING_SECRET, now, body + "x")},
    "no signature": lambda body, now: {"timestamp": str(now), "signature": ""},
    "replayed 301 s later": lambda body, now: {"timestamp": str(now - 301)},
    "replayed an hour later": lambda body, now: {"timestamp": str(now - 3600)},
    "from 301 s in the future": lambda body, now: {"timestamp": str(now + 301)},
    "timestamp in superscript digits": lambda body, now: {"timestamp": "\xb9\xb2\xb3"},
    "timestamp not a number": lambda body, now: {"timestamp": "1e9", "signature": "v0=abc"},
}


def sign(secret: str, timestamp: int, body: str) -> str:
    return SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body) or ""


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_forged_and_replayed_requests_are_refused(bot: LocalBot, caplog: pytest.LogCaptureFixture, attack: str) -> None:
    for kind, (body, content_type) in bodies(bot).items():
        reply = bot.sender.raw(body, content_type=content_type, **ATTACKS[attack](body, int(time.time())))
        assert 400 <= reply.status < 500, (attack, kind, reply.status, reply.body[:200])
    assert items(bot) == 0
    assert "Traceback" not in caplog.text and "unhandled error" not in caplog.text, caplog.text[-2000:]


def test_the_same_requests_signed_within_the_window_work(bot: LocalBot) -> None:
    """The control: 290 seconds old and correctly signed is fine (Slack's window is 5 minutes)."""
    for kind, (body, content_type) in bodies(bot).items():
        reply = bot.sender.raw(body, content_type=content_type, timestamp=str(int(time.time()) - 290))
        assert reply.status == 200, (kind, reply.body[:200])
    assert items(bot) == 3  # one from each
