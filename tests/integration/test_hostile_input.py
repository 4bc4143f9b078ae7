"""Random and hostile /action texts (1,000 when slow): always a 200, valid blocks, no live @channel, no stray item."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.simulator.blockkit import validate_blocks
from bot.simulator.local import LocalBot
from storage.models import ActionItem
from tests.support.examples import examples

VOCAB = [
    "add",
    "payload",
    "list",
    "done",
    "show",
    "assign",
    "due",
    "snooze",
    "reopen",
    "cancel",
    "settings",
    "capture",
    "off",
    "by",
    "due",
    "on",
    "for",
    "owner",
    "A-1",
    "a-2",
    "A-999999999",
    "D-1",
    "M-1",
    "O-1.1",
    "<@U0BOB>",
    "<@U0JIRA>",
    "<@U0ERIN|erin>",
    "<@UNOBODY>",
    "<!channel>",
    "<!here|here>",
    "<!everyone>",
    "&lt;!channel&gt;",
    "&amp;",
    "<#C0WEB|proj>",
    "<https://evil.example|click>",
    "Feb 31",
    "tomorrow",
    "next",
    "in",
    "3pm",
    "25:99",
    "2026-02-30",
    '"',
    "*bold*",
    "`code`",
    "\n",
    "…",
    "🎉",
    "R&D",
    "x" * 600,
    "mine",
    "overdue",
    "week",
]
LIVE_SPECIALS = ("<!channel", "<!here", "<!everyone")


def _items(bot: LocalBot) -> int:
    with bot.db.session(readonly=True) as s:
        return len(s.exec(select(ActionItem.id)).all())


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(VOCAB) | st.text(max_size=12), max_size=8))
def test_hostile_command_texts_are_answered_safely(bot: LocalBot, words: list[str]) -> None:
    text = " ".join(words)
    before = _items(bot)
    reply = bot.sender.command("dana", "/action", text)
    assert reply.status == 200, reply.body
    if not reply.body.strip():  # an empty ack: the command opened a modal instead of answering
        assert bot.api.calls_to("views.open"), text
        return
    body = reply.json()
    assert isinstance(body, dict) and body.get("response_type") == "ephemeral", reply.body
    dumped = json.dumps(body)
    assert "Traceback" not in dumped
    assert not any(special in dumped for special in LIVE_SPECIALS), text
    assert validate_blocks(body.get("blocks", [])) == [], text
    assert len(body.get("text", "")) <= 4000
    created = _items(bot) - before
    if created:
        assert body["text"].startswith("Added"), (text, body["text"])
