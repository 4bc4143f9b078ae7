"""Work left for after an answer is in the database: under `serve` a sender process writes the captures the web
workers held and posts the messages they queued, and the scheduler's sweep does what no sender did, or what a crash
left half-done."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import FrozenClock
from bot.jobs.held import HeldCaptures
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services import outbound
from bot.simulator.local import LocalBot
from bot.slack.delivery import Delivery
from bot.slack.sender import SendReport
from storage.models import ActionItem, OutboundClaim
from tests.conftest import NOW
from tests.support.faults import held_captures


@pytest.fixture
def web(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    """The app as a `serve` worker runs it: it queues, it does not send."""
    with LocalBot(database_url, clock=clock, sends_own_messages=False) as local:
        yield local


def delivery(bot: LocalBot, at: datetime | None = None) -> Delivery:
    return Delivery(bot.db, FrozenClock(at) if at else bot.clock, lambda _team: bot.client)


def written(bot: LocalBot) -> int:
    """What `serve`'s sender process does first on each pass: write the captures the web workers held."""
    assert bot.settings is not None
    rt = build_runtime(bot.settings, bot.db, bot.clock, bot.client, per_channel_per_second=0)
    return len(HeldCaptures(rt).write())


def sender_pass(bot: LocalBot) -> SendReport:
    """One pass of `serve`'s sender process: held captures written, then everything queued sent."""
    written(bot)
    return delivery(bot).drain()


def held(bot: LocalBot) -> int:
    return held_captures(bot.db)


def thread_replies(bot: LocalBot) -> list[object]:
    """Thread replies Slack accepted (a refused attempt is recorded too)."""
    return [
        c
        for c in bot.api.calls_to("chat.postMessage")
        if c.params.get("thread_ts") and c.status == 200 and (c.response or {}).get("ok", True)
    ]


def sweep(bot: LocalBot, at: datetime) -> str:
    assert bot.settings is not None
    return run_all(build_runtime(bot.settings, bot.db, FrozenClock(at), bot.client, per_channel_per_second=0)).summary()


def states(bot: LocalBot) -> list[str]:
    with bot.db.session(readonly=True) as s:
        return list(s.exec(select(OutboundClaim.state).where(OutboundClaim.kind == "capture-confirm")).all())


def test_the_web_process_queues_the_thread_confirmation_and_the_sender_posts_it_once(web: LocalBot) -> None:
    reply = web.sender.message("alice", "#proj-website", "Notes\nAI: <@U0BOB> send the SOW by Friday")
    assert reply.status == 200
    time.sleep(0.3)  # an after-answer thread, if one sent anything, has had its chance
    assert web.api.calls_to("chat.postMessage") == []
    assert held(web) == 1 and states(web) == []  # held by the answer; written by the sender process
    assert written(web) == 2  # the thread confirmation and Bob's DM, queued with the items
    assert held(web) == 0 and states(web) == ["queued"]

    report = delivery(web).drain()

    assert len(report.sent) == 2  # the thread confirmation and Bob's DM, queued in the capture's transaction
    [confirm] = thread_replies(web)
    assert confirm.params["thread_ts"] == web.sender.last_message_ts  # type: ignore[attr-defined]
    assert "A-1" in confirm.params["text"]  # type: ignore[attr-defined]
    assert [c.params["channel"] for c in web.api.calls_to("chat.postMessage") if c is not confirm] == ["U0BOB"]
    assert states(web) == ["sent"]
    assert len(delivery(web).drain().sent) == 0
    assert len(web.api.calls_to("chat.postMessage")) == 2


def test_a_message_whose_capture_is_refused_queues_nothing(web: LocalBot) -> None:
    off = web.sender.command("alice", "/action", "settings capture off")
    assert off.status == 200 and "off" in off.json()["text"]
    web.sender.message("alice", "#proj-website", "AI: send the SOW")
    assert states(web) == []
    # (On SQLite the capture is held in a file of its own and capture checked when it is written: let go of then.)
    assert len(sender_pass(web).sent) == 0
    assert held(web) == 0 and states(web) == [] and web.api.calls_to("chat.postMessage") == []
    with web.db.session(readonly=True) as s:
        assert s.exec(select(ActionItem)).all() == []


def test_a_capture_no_sender_wrote_is_written_and_confirmed_by_the_sweep_a_minute_later(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    summary = sweep(web, NOW + timedelta(seconds=30))  # a sender may still write it
    assert "held captures: 0 sent" in summary and "queued messages: 0 sent" in summary
    assert thread_replies(web) == [] and held(web) == 1

    assert "held captures: 1 sent" in sweep(web, NOW + timedelta(minutes=2))

    assert len(thread_replies(web)) == 1 and held(web) == 0
    summary = sweep(web, NOW + timedelta(minutes=3))
    assert "held captures: 0 sent" in summary and "queued messages: 0 sent" in summary
    assert len(thread_replies(web)) == 1


def test_a_confirmation_no_sender_took_goes_out_with_the_sweep_a_minute_later(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    written(web)  # a sender wrote the capture, then stopped before sending
    assert "queued messages: 0 sent" in sweep(web, NOW + timedelta(seconds=30))  # a sender may still take it
    assert thread_replies(web) == []

    assert "queued messages: 1 sent" in sweep(web, NOW + timedelta(minutes=2))

    assert len(thread_replies(web)) == 1
    assert "queued messages: 0 sent" in sweep(web, NOW + timedelta(minutes=3))
    assert len(thread_replies(web)) == 1


def test_a_send_cut_off_by_a_crash_is_retried_after_five_minutes_and_only_then(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    written(web)
    with web.db.session() as session:  # a sender took it, then died before posting or marking
        [taken] = outbound.take(session, web.clock)
    assert taken.kind == "capture-confirm" and states(web) == ["claimed"]

    assert "queued messages: 0 sent" in sweep(web, NOW + timedelta(minutes=4))
    assert "queued messages: 1 sent" in sweep(web, NOW + timedelta(minutes=6))

    assert len(thread_replies(web)) == 1 and states(web) == ["sent"]


def test_a_failed_send_is_retried_by_the_sweep(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    web.api.fail("chat.postMessage", status=500, times=10)  # outlives slack_sdk's own retries
    report = sender_pass(web)
    assert len(report.failed) == 1 and states(web) == ["failed"]
    web.api.clear_faults("chat.postMessage")

    assert "queued messages: 1 sent" in sweep(web, NOW + timedelta(minutes=6))
    assert len(thread_replies(web)) == 1


def test_a_done_click_redraws_the_card_through_the_sender(web: LocalBot) -> None:
    added = web.sender.command("alice", "/action", "add Send the SOW by Friday")
    assert "A-1" in added.json()["text"]
    clicked = web.sender.block_action("alice", "item-done", "A-1")
    assert clicked.status == 200
    time.sleep(0.3)
    assert web.api.calls_to("response_url") == []  # the answer left; the redraw waits for the sender

    assert len(delivery(web).drain().sent) == 1

    [redraw] = web.api.calls_to("response_url")
    assert redraw.params["replace_original"] is True
    assert "A-1" in str(redraw.params["text"]) and "done" in str(redraw.params["blocks"]).lower()


def test_a_confirmation_to_an_archived_channel_is_not_retried(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    web.api.fail("chat.postMessage", error="is_archived")
    assert len(sender_pass(web).gone) == 1 and states(web) == ["dead"]

    assert "queued messages: 0 sent" in sweep(web, NOW + timedelta(minutes=6))
    assert thread_replies(web) == []


def test_a_capture_queues_its_confirmation_and_dms_with_the_keys_the_items_got(web: LocalBot) -> None:
    web.sender.command("alice", "/action", "add Warm the counter up")  # A-1, so the capture's keys are not the first
    text = "Standup\nAI: <@U0BOB> send the SOW by Friday\nAI: <@U0CAROL> book the room\nAI: nobody home <@U0NOPE>"
    assert web.sender.message("alice", "#proj-website", text).status == 200
    written(web)
    with web.db.session(readonly=True) as s:
        rows = {(r.kind, r.recipient): r for r in s.exec(select(OutboundClaim)).all()}
    confirm = rows[("capture-confirm", "C0WEB")]
    assert "A-2" in str(confirm.payload) and "A-3" in str(confirm.payload) and "@@" not in str(confirm.payload)
    assert rows[("assigned", "U0BOB")].slot == "A-2:U0BOB" and "A-2" in str(rows[("assigned", "U0BOB")].payload)
    assert rows[("assigned", "U0CAROL")].slot == "A-3:U0CAROL"
    assert not any("@@" in (r.slot + str(r.payload)) for r in rows.values())
    Delivery(web.db, web.clock, lambda _team: web.client).drain()
    [reply] = [c for c in web.api.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert "A-2" in str(reply.params["text"]) and "A-3" in str(reply.params["text"])
