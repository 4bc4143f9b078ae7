"""The capture path and the outbox: a capture is held before the answer and written right after it, with its
confirmation and DMs queued in the items' transaction; the drainer sends each once; the scheduler's sweep writes what
a crash or a failure left held, retried with backoff and given up (logged) after a day."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.simulator.local import LocalBot
from storage.models import ActionItem, OutboundClaim
from storage.repositories import captures, outbox
from tests.conftest import NOW
from tests.support.faults import failing_inserts, held_captures


@pytest.fixture
def web(database_url: str, clock: FrozenClock) -> Iterator[LocalBot]:
    """The app with its drainer not running: what was queued stays queued until the test drains."""
    with LocalBot(database_url, clock=clock, drains=False) as local:
        yield local


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


def states(bot: LocalBot, kind: str = "capture-confirm") -> list[str]:
    with bot.db.session(readonly=True) as s:
        return list(s.exec(select(OutboundClaim.state).where(OutboundClaim.kind == kind)).all())


def crashed_after_answer(
    bot: LocalBot, text: str, *, event_id: str = "Ev-crash", ts: str = "1764000000.000100"
) -> None:
    """A capture held before the answer by a process that died before writing it."""
    said = {"kind": "message", "user": "U0ALICE", "channel": "C0WEB", "channel_type": "channel", "ts": ts}
    with bot.db.session() as s:
        captures.receive(s, bot.clock.now(), "T0SIM", event_id, json.dumps({**said, "text": text}), channel=None)


def test_a_capture_is_written_after_the_answer_and_its_confirmation_queued_with_it(web: LocalBot) -> None:
    reply = web.sender.message("alice", "#proj-website", "Notes\nAI: <@U0BOB> send the SOW by Friday")
    assert reply.status == 200
    assert held_captures(web.db) == 0  # written right after the answer, by the process that answered
    assert states(web) == ["queued"] and states(web, "assigned") == ["queued"]
    assert web.api.calls_to("chat.postMessage") == []

    report = web.drainer.drain()

    assert len(report.sent) == 2  # the thread confirmation and Bob's DM
    [confirm] = thread_replies(web)
    assert confirm.params["thread_ts"] == web.sender.last_message_ts  # type: ignore[attr-defined]
    assert "A-1" in confirm.params["text"]  # type: ignore[attr-defined]
    assert [c.params["channel"] for c in web.api.calls_to("chat.postMessage") if c is not confirm] == ["U0BOB"]
    assert states(web) == ["sent"]
    assert len(web.drainer.drain().sent) == 0
    assert len(web.api.calls_to("chat.postMessage")) == 2


def test_a_message_whose_capture_is_off_holds_and_queues_nothing(web: LocalBot) -> None:
    off = web.sender.command("alice", "/action", "settings capture off")
    assert off.status == 200 and "off" in off.json()["text"]
    web.sender.message("alice", "#proj-website", "AI: send the SOW")
    assert len(web.drainer.drain().sent) == 0
    assert held_captures(web.db) == 0 and states(web) == [] and web.api.calls_to("chat.postMessage") == []
    with web.db.session(readonly=True) as s:
        assert s.exec(select(ActionItem)).all() == []


def test_a_capture_a_crash_left_held_is_written_by_the_sweep_a_minute_later_once(web: LocalBot) -> None:
    crashed_after_answer(web, "AI: send the SOW by Friday")
    summary = sweep(web, NOW + timedelta(seconds=30))  # the answering process may still write it
    assert "held captures: 0 queued" in summary
    assert thread_replies(web) == [] and held_captures(web.db) == 1

    assert "held captures: 1 queued" in sweep(web, NOW + timedelta(minutes=2))

    assert len(thread_replies(web)) == 1 and held_captures(web.db) == 0
    assert "held captures: 0 queued" in sweep(web, NOW + timedelta(minutes=3))
    assert len(thread_replies(web)) == 1


def test_a_failing_capture_is_retried_with_backoff_and_never_delays_newer_ones(
    web: LocalBot, caplog: pytest.LogCaptureFixture
) -> None:
    with failing_inserts(web.db, "action_item"):
        for n in range(3):
            web.sender.message("alice", "#proj-website", f"AI: broken {n}")
        assert held_captures(web.db) == 3
        # A newer capture that can be written is, though three older ones keep failing.
        assert "held captures: 0 queued" in sweep(web, NOW + timedelta(minutes=1, seconds=30))
    web.sender.message("alice", "#proj-website", "AI: fine one")
    with web.db.session(readonly=True) as s:
        assert [i.title for i in s.exec(select(ActionItem)).all()] == ["Fine one"]
    with web.db.session(readonly=True) as s:
        retry_at = sorted(r.retry_at for r in s.exec(select(captures.ProcessedEvent)).all() if r.payload)
    assert retry_at and all(r > NOW + timedelta(minutes=2) for r in retry_at)  # the second try waits longer

    with caplog.at_level(logging.WARNING, logger="bot.capture_flow"):
        with failing_inserts(web.db, "action_item"):
            sweep(web, NOW + timedelta(hours=23))
        assert not [r for r in caplog.records if "given up" in r.getMessage()]
        sweep(web, NOW + timedelta(days=1, minutes=1))
    given_up = [r.getMessage() for r in caplog.records if "given up" in r.getMessage()]
    assert len(given_up) == 3 and all("T0SIM" in m for m in given_up)
    assert held_captures(web.db) == 3  # kept, with what they said, for a person to read
    sweep(web, NOW + timedelta(days=2))
    assert len([r for r in caplog.records if "given up" in r.getMessage()]) == 3  # said once


def test_a_send_cut_off_by_a_crash_is_retried_after_five_minutes_and_only_then(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    with web.db.session() as session:  # a drainer claimed them, then died before posting or marking
        taken = outbox.claim(session, web.clock.now())
    assert {q.kind for q in taken} == {"capture-confirm"} and states(web) == ["sending"]

    assert "sent 0" in sweep(web, NOW + timedelta(minutes=4))
    assert "sent 1" in sweep(web, NOW + timedelta(minutes=6))

    assert len(thread_replies(web)) == 1 and states(web) == ["sent"]


def test_a_failed_send_is_retried_later(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    web.api.fail("chat.postMessage", status=500, times=10)  # outlives slack_sdk's own retries
    report = web.drainer.drain()
    assert len(report.failed) == 1 and states(web) == ["queued"]
    web.api.clear_faults("chat.postMessage")
    assert "sent 0" in sweep(web, NOW + timedelta(seconds=30))  # it waits before its next attempt

    assert "sent 1" in sweep(web, NOW + timedelta(minutes=2))
    assert len(thread_replies(web)) == 1


def test_a_done_click_queues_the_card_redraw_with_the_change(web: LocalBot) -> None:
    added = web.sender.command("alice", "/action", "add Send the SOW by Friday")
    assert "A-1" in added.json()["text"]
    clicked = web.sender.block_action("alice", "item-done", "A-1")
    assert clicked.status == 200
    assert web.api.calls_to("response_url") == [] and states(web, "redraw") == ["queued"]

    assert len(web.drainer.drain().sent) == 1

    [redraw] = web.api.calls_to("response_url")
    assert redraw.params["replace_original"] is True
    assert "A-1" in str(redraw.params["text"]) and "done" in str(redraw.params["blocks"]).lower()


def test_a_confirmation_to_an_archived_channel_is_not_retried(web: LocalBot) -> None:
    web.sender.message("alice", "#proj-website", "AI: send the SOW by Friday")
    web.api.fail("chat.postMessage", error="is_archived")
    assert len(web.drainer.drain().gone) == 1 and states(web) == ["dead"]

    assert "sent 0" in sweep(web, NOW + timedelta(minutes=20))
    assert thread_replies(web) == []


def test_a_capture_queues_its_confirmation_and_dms_with_the_keys_the_items_got(web: LocalBot) -> None:
    web.sender.command("alice", "/action", "add Warm the counter up")  # A-1, so the capture's keys are not the first
    text = "Standup\nAI: <@U0BOB> send the SOW by Friday\nAI: <@U0CAROL> book the room\nAI: nobody home <@U0NOPE>"
    assert web.sender.message("alice", "#proj-website", text).status == 200
    with web.db.session(readonly=True) as s:
        rows = {(r.kind, r.recipient): r for r in s.exec(select(OutboundClaim)).all()}
    confirm = rows[("capture-confirm", "C0WEB")]
    assert "A-2" in str(confirm.payload) and "A-3" in str(confirm.payload)
    assert rows[("assigned", "U0BOB")].slot == "A-2:U0BOB" and "A-2" in str(rows[("assigned", "U0BOB")].payload)
    assert rows[("assigned", "U0CAROL")].slot == "A-3:U0CAROL"
    web.drainer.drain()
    [reply] = [c for c in web.api.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert "A-2" in str(reply.params["text"]) and "A-3" in str(reply.params["text"])


@pytest.mark.parametrize("how", ["purge", "import --replace"])
def test_a_capture_held_when_its_workspace_is_purged_never_comes_back(web: LocalBot, how: str) -> None:
    # Bug (issue 15): captures held in a file beside the database outlived `purge` and `import --replace`; the next
    # pass wrote `A-1` back into the purged workspace.
    from bot.services.export import export_all, purge_team
    from bot.services.restore import import_export

    web.sender.command("alice", "/action", "add Keep me")
    with web.db.session(readonly=True) as s:
        backup = export_all(s, web.clock, "T0SIM")
    crashed_after_answer(web, "AI: send the SOW by Friday")
    with web.db.session() as s:
        if how == "purge":
            purge_team(s, "T0SIM")
        else:
            import_export(s, web.clock, backup, replace=True)
    sweep(web, NOW + timedelta(minutes=2))
    sweep(web, NOW + timedelta(hours=2))
    with web.db.session(readonly=True) as s:
        titles = [i.title for i in s.exec(select(ActionItem)).all()]
    assert titles == ([] if how == "purge" else ["Keep me"])
    assert held_captures(web.db) == 0 and thread_replies(web) == []


def test_a_message_waiting_for_its_channels_pace_holds_up_no_other_channel(web: LocalBot) -> None:
    # Found by the bench: the drainer slept out a channel's one-second pace inside its batch, so a message over one
    # person's pace delayed every message queued after it, in every channel, by up to a second.
    from bot.slack.drainer import Drainer
    from tests.support.waiting import wait_until

    burst = 3  # Slack's short burst per channel, then one a second
    drainer = Drainer(web.db, web.clock, lambda _team: web.client, per_channel_per_second=1, per_workspace_per_second=0)
    drainer.start(poll=5)
    try:
        with web.db.session() as s:
            for n in range(1, burst + 2):
                payload = outbox.payload_of(text=f"for Bob {n}", blocks=None)
                outbox.enqueue(
                    s, web.clock.now(), team_id="T0SIM", recipient="U0BOB", kind="t", slot=str(n), payload=payload
                )
        wait_until(lambda: len(web.api.calls_to("chat.postMessage")) >= burst, 5, what="Bob's burst")
        with web.db.session() as s:
            payload = outbox.payload_of(text="for Carol", blocks=None)
            outbox.enqueue(
                s, web.clock.now(), team_id="T0SIM", recipient="U0CAROL", kind="t", slot="c", payload=payload
            )
        wait_until(lambda: len(web.api.calls_to("chat.postMessage")) >= burst + 2, 5, what="every DM")
    finally:
        drainer.stop()
    texts = [c.params["text"] for c in web.api.calls_to("chat.postMessage")]
    assert texts == [*(f"for Bob {n}" for n in range(1, burst + 1)), "for Carol", f"for Bob {burst + 1}"]


def test_a_stopping_drainer_puts_what_waits_for_its_pace_back_in_the_queue(web: LocalBot) -> None:
    # `serve` stopping used to send its whole paced backlog first (a second a message per channel), past gunicorn's
    # graceful timeout, and was killed.
    from bot.slack.drainer import Drainer
    from tests.support.waiting import wait_until

    drainer = Drainer(web.db, web.clock, lambda _team: web.client, per_channel_per_second=1, per_workspace_per_second=0)
    drainer.start(poll=5)
    with web.db.session() as s:
        for n in range(1, 6):
            payload = outbox.payload_of(text=f"for Bob {n}", blocks=None)
            outbox.enqueue(
                s, web.clock.now(), team_id="T0SIM", recipient="U0BOB", kind="t", slot=str(n), payload=payload
            )
    wait_until(lambda: len(web.api.calls_to("chat.postMessage")) >= 3, 5, what="Bob's burst of three")
    drainer.stop()
    assert len(web.api.calls_to("chat.postMessage")) == 3
    assert sorted(states(web, "t")) == ["queued", "queued", "sent", "sent", "sent"]
    web.drainer.drain()  # any drainer takes them from there
    assert [c.params["text"] for c in web.api.calls_to("chat.postMessage")] == [f"for Bob {n}" for n in range(1, 6)]
