"""Events not lost: a capture is held (one insert) before its answer — a delivery that cannot be held is answered
5xx, so Slack retries it; one whose items fail after the answer is written by a retry or by the scheduler's sweep a
minute later; and however many times one event_id arrives — one after another or all at once — it creates its
items once and confirms once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import select

from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.simulator.client import Reply
from bot.simulator.local import LocalBot
from storage.models import ActionItem, ProcessedEvent
from tests.conftest import NOW
from tests.support.faults import failing_holds, failing_inserts, held_captures

NOTES = "Standup\nAI: <@U0CAROL> book the kickoff room by Friday\nTODO: send the agenda"


def titles(bot: LocalBot) -> list[str]:
    with bot.db.session(readonly=True) as s:
        return sorted(s.exec(select(ActionItem.title)).all())


def processed(bot: LocalBot) -> int:
    with bot.db.session(readonly=True) as s:
        return len(s.exec(select(ProcessedEvent.event_id)).all())


def redeliver(bot: LocalBot, kind: str) -> Callable[[int], Reply]:
    """The event just sent, delivered again with its event_id, as Slack's retry number n."""
    event_id, ts = bot.sender.last_event_id, bot.sender.last_message_ts
    assert event_id and ts
    stored = dict(bot.api.state.find_message("C0WEB", ts) or {})
    event: dict[str, Any] = {**stored, "type": kind, "channel": "C0WEB", "event_ts": ts}
    if kind == "message":
        event["channel_type"] = "channel"
    return lambda n: bot.sender.event(event, event_id=event_id, retry_num=n)


def thread_replies(bot: LocalBot, ts: str) -> int:
    return len([c for c in bot.api.calls_to("chat.postMessage") if c.params.get("thread_ts") == ts])


def held(bot: LocalBot) -> int:
    return held_captures(bot.db)


def sweep(bot: LocalBot, after: timedelta) -> str:
    assert bot.settings is not None
    at = FrozenClock(NOW + after)
    return run_all(build_runtime(bot.settings, bot.db, at, bot.client, per_channel_per_second=0)).summary()


def test_a_message_that_cannot_be_held_is_not_acknowledged_and_the_retries_capture_once(bot: LocalBot) -> None:
    with failing_holds(bot.db):
        first = bot.sender.message("alice", "#proj-website", NOTES)
    assert first.status == 500 and "Traceback" not in first.body
    assert titles(bot) == [] and processed(bot) == 0  # nothing half-done, the event id not burnt
    again = redeliver(bot, "message")
    replies = [again(n) for n in (1, 2, 3)]
    assert [r.status for r in replies] == [200, 200, 200]
    assert titles(bot) == ["Book the kickoff room", "Send the agenda"]  # four deliveries, one capture
    ts = bot.sender.last_message_ts or ""
    bot.api.wait_for("chat.postMessage", count=2)  # the thread confirmation and carol's DM card
    assert thread_replies(bot, ts) == 1


def test_a_capture_whose_items_fail_after_the_answer_is_kept_and_the_sweep_writes_it_once(bot: LocalBot) -> None:
    with failing_inserts(bot.db, "action_item"):
        first = bot.sender.message("alice", "#proj-website", NOTES)
    assert first.status == 200  # held before the answer; its items failed after it
    assert titles(bot) == [] and held(bot) == 1
    assert "held captures: 0 queued" in sweep(bot, timedelta(seconds=30))  # its retry waits a minute
    assert titles(bot) == []
    summary = sweep(bot, timedelta(minutes=2))
    assert "held captures: 1 queued" in summary and "sent 2" in summary  # the confirmation and carol's DM card
    assert titles(bot) == ["Book the kickoff room", "Send the agenda"] and held(bot) == 0
    assert "held captures: 0 queued" in sweep(bot, timedelta(minutes=3))
    assert titles(bot) == ["Book the kickoff room", "Send the agenda"]
    assert thread_replies(bot, bot.sender.last_message_ts or "") == 1


def test_a_capture_held_longer_than_a_day_is_left_for_a_person(bot: LocalBot) -> None:
    with failing_inserts(bot.db, "action_item"):
        assert bot.sender.message("alice", "#proj-website", NOTES).status == 200
    assert "held captures: 0 queued" in sweep(bot, timedelta(days=1, minutes=1))
    assert titles(bot) == [] and held(bot) == 1  # still there: nothing is thrown away


def test_a_slack_retry_of_a_held_capture_writes_it_once(bot: LocalBot) -> None:
    with failing_inserts(bot.db, "action_item"):
        assert bot.sender.message("alice", "#proj-website", NOTES).status == 200
    again = redeliver(bot, "message")
    assert [again(n).status for n in (1, 2)] == [200, 200]
    assert titles(bot) == ["Book the kickoff room", "Send the agenda"] and held(bot) == 0
    bot.api.wait_for("chat.postMessage", count=2)
    assert thread_replies(bot, bot.sender.last_message_ts or "") == 1


def test_a_failing_mention_is_kept_and_retried_too(bot: LocalBot) -> None:
    with failing_holds(bot.db):
        assert bot.sender.app_mention("alice", "#proj-website", "<@U0DANA> confirm the venue").status == 500
    again = redeliver(bot, "app_mention")
    with failing_inserts(bot.db, "action_item"):
        assert again(1).status == 200
    assert titles(bot) == []
    assert again(2).status == 200
    assert titles(bot) == ["confirm the venue"]


def test_four_deliveries_at_the_same_moment_capture_once(bot: LocalBot) -> None:
    # The first delivery is held but its items fail, then Slack's three retries and a late original race each other.
    with failing_inserts(bot.db, "action_item"):
        assert bot.sender.message("alice", "#proj-website", NOTES).status == 200
    again = redeliver(bot, "message")
    start = threading.Barrier(4)
    statuses: list[int] = []

    def deliver(n: int) -> None:
        start.wait()
        statuses.append(again(n).status)

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [200, 200, 200, 200]
    assert titles(bot) == ["Book the kickoff room", "Send the agenda"]
    assert processed(bot) == 1
    bot.api.wait_for("chat.postMessage", count=2)
    assert thread_replies(bot, bot.sender.last_message_ts or "") == 1
