"""Channel digests and milestone alerts by time travel, with Slack faults from the simulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.clock import FrozenClock
from bot.jobs.digests import run_digests
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.simulator.local import LocalBot
from bot.slack.client import make_client
from tests.support.blocks import button, text_of

MON_0900_NY = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def runtime(bot: LocalBot, at: datetime, retries: int = 4) -> Any:
    """The worker's runtime, with its own retrying client pointed at the simulator."""
    assert bot.settings is not None
    client = make_client(bot.settings, retries=retries)
    return build_runtime(bot.settings, bot.db, FrozenClock(at), client, per_channel_per_second=0)


def tick(bot: LocalBot, at: datetime) -> Any:
    return run_all(runtime(bot, at))


def digest_tick(bot: LocalBot, at: datetime, retries: int = 4) -> Any:
    """Only the digest sweep (then the outbox drained), so an injected fault hits the digest and nothing else."""
    rt = runtime(bot, at, retries)
    run_digests(rt)
    return rt.drainer.drain()


def attempts_in(bot: LocalBot, channel: str = "C0WEB") -> list[Any]:
    return [c for c in bot.api.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def posts_in(bot: LocalBot, channel: str = "C0WEB") -> list[Any]:
    """Messages Slack accepted (not the refused attempts)."""
    return [c for c in attempts_in(bot, channel) if c.status == 200 and (c.response or {}).get("ok")]


def digests_in(bot: LocalBot, channel: str = "C0WEB") -> list[Any]:
    return [c for c in posts_in(bot, channel) if "digest" in str(c.params.get("text"))]


def cmd(bot: LocalBot, user: str, command: str, text: str, channel: str = "#proj-website") -> dict[str, Any]:
    reply = bot.sender.command(user, command, text, channel=channel)
    assert reply.status == 200, reply.body
    body = reply.json()
    return body if isinstance(body, dict) else {}


def project(bot: LocalBot) -> None:
    cmd(bot, "alice", "/milestone", "add Design phase approved on 2026-12-01 gate")
    cmd(bot, "alice", "/deliverable", "add Homepage mockup for M-1 approver <@U0DANA>")
    cmd(bot, "alice", "/action", "add <@U0BOB> Draft the wireframes by 2026-11-20 for D-1")
    cmd(bot, "alice", "/action", "add <@U0CAROL> Pick the fonts by 2026-11-25 for D-1")
    cmd(bot, "alice", "/action", "add Private note by 2026-11-25", channel="#leads")
    cmd(bot, "alice", "/digest", "weekly monday 09:00")


def settle(bot: LocalBot) -> None:
    """Wait for the work the setup's answers left and send what it queued, then forget the Slack calls it made."""
    bot.settle()
    bot.api.clear()


def test_digest_schedule_is_in_the_setters_zone_and_shown_with_a_preview(bot: LocalBot) -> None:
    project(bot)
    shown = text_of(cmd(bot, "bob", "/digest", ""))
    assert "every Monday at 09:00 (America/New_York)" in shown
    assert "Preview" in shown and "M-1" in shown
    assert "Private note" not in shown
    assert "every day at 08:30 (Europe/Berlin)" in text_of(cmd(bot, "bob", "/digest", "daily 8:30"))
    assert "isn't a time" in cmd(bot, "bob", "/digest", "daily 25:00")["text"]
    assert "isn't a weekday" in cmd(bot, "bob", "/digest", "weekly someday 09:00")["text"]


def test_the_digest_posts_once_at_its_slot_with_bars_and_a_chart(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    tick(bot, MON_0900_NY - timedelta(minutes=1))
    assert posts_in(bot) == []
    tick(bot, MON_0900_NY)
    [digest] = posts_in(bot)
    text = text_of(digest.params)
    assert "Weekly digest" in text and "M-1" in text and "Homepage" not in text or "▓" in text or "░" in text
    assert "Deliverables approved" in text and "Action items done" in text
    assert "Overdue by owner" in text and "<@U0BOB> 1" in text
    assert "Private note" not in text
    assert bot.api.wait_for("files.completeUploadExternal")
    tick(bot, MON_0900_NY + timedelta(hours=1))
    assert len(posts_in(bot)) == 1


def test_a_missed_slot_is_posted_late_only_within_12_hours(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    tick(bot, MON_0900_NY + timedelta(hours=13))
    assert posts_in(bot) == []
    tick(bot, MON_0900_NY + timedelta(days=7, hours=11))
    assert len(digests_in(bot)) == 1


def test_charts_can_be_turned_off(bot: LocalBot) -> None:
    project(bot)
    cmd(bot, "bob", "/digest", "charts off")
    settle(bot)
    tick(bot, MON_0900_NY)
    assert len(posts_in(bot)) == 1
    assert bot.api.calls_to("files.getUploadURLExternal") == []


def test_an_archived_channel_disables_its_digest_and_tells_who_set_it_up(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    bot.api.fail("chat.postMessage", error="is_archived", times=1)
    digest_tick(bot, MON_0900_NY)
    [note] = [c for c in posts_in(bot, "U0ALICE") if "turned it off" in c.params["text"]]
    assert "is_archived" in note.params["text"]
    assert "— off" in text_of(cmd(bot, "alice", "/digest", ""))
    tick(bot, MON_0900_NY + timedelta(days=7))
    assert len(digests_in(bot)) == 0


def test_a_429_storm_still_delivers_the_digest_exactly_once(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    bot.api.fail("chat.postMessage", status=429, retry_after=1, times=3)
    digest_tick(bot, MON_0900_NY)
    assert [c.status for c in attempts_in(bot)] == [429, 429, 429, 200]
    assert len(posts_in(bot)) == 1
    digest_tick(bot, MON_0900_NY + timedelta(minutes=10))
    assert len(posts_in(bot)) == 1


def test_a_5xx_that_outlasts_the_retries_is_retried_after_a_pause(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    bot.api.fail("chat.postMessage", status=503, times=2)
    digest_tick(bot, MON_0900_NY, retries=1)
    assert [c.status for c in attempts_in(bot)] == [503, 503]
    digest_tick(bot, MON_0900_NY + timedelta(seconds=30), retries=1)  # a failed send waits a minute
    assert posts_in(bot) == []
    digest_tick(bot, MON_0900_NY + timedelta(minutes=2), retries=1)
    assert len(posts_in(bot)) == 1
    digest_tick(bot, MON_0900_NY + timedelta(minutes=20), retries=1)
    assert len(posts_in(bot)) == 1


def test_digest_now_posts_it_after_the_answer(bot: LocalBot) -> None:
    project(bot)
    settle(bot)
    answer = cmd(bot, "carol", "/digest", "now")
    assert "Posting the digest" in answer["text"]
    bot.api.wait_for("chat.postMessage")
    assert len(posts_in(bot)) == 1


def test_milestone_heads_up_7_days_and_1_day_before_and_the_gate_question(bot: LocalBot, clock: FrozenClock) -> None:
    project(bot)
    cmd(bot, "alice", "/digest", "off")
    settle(bot)
    tick(bot, datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # 08:00 in New York, 7 days before
    assert posts_in(bot) == []
    tick(bot, datetime(2026, 11, 24, 14, 5, tzinfo=UTC))
    [week] = posts_in(bot)
    assert "Heads-up" in week.params["text"] and "in 7 days" in week.params["text"]
    tick(bot, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    assert "tomorrow" in posts_in(bot)[-1].params["text"]
    tick(bot, datetime(2026, 11, 30, 16, 0, tzinfo=UTC))
    assert len(posts_in(bot)) == 2
    tick(bot, datetime(2026, 12, 1, 14, 30, tzinfo=UTC))
    [ask] = [c for c in posts_in(bot, "U0ALICE") if "go/no-go" in c.params["text"].lower()]
    go = button(ask.params["blocks"], "No-go", "M-1")
    clock.set(datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    bot.sender.block_action(
        "alice",
        go["action_id"],
        go["value"],
        channel="U0ALICE",
        message={"blocks": ask.params["blocks"], "ts": ask.response["ts"]},
    )
    view = bot.api.wait_for("views.open")[-1].response["view"]
    refused = bot.sender.view_submission("alice", view, {"gate-note": ""})
    assert refused.json()["response_action"] == "errors"
    bot.sender.view_submission("alice", view, {"gate-note": "Legal review pending"})
    shown = text_of(cmd(bot, "alice", "/milestone", "status M-1"))
    assert "no-go" in shown.lower() and "Legal review pending" in shown
    tick(bot, datetime(2026, 12, 1, 18, 0, tzinfo=UTC))
    assert len([c for c in posts_in(bot, "U0ALICE") if "go/no-go" in c.params["text"].lower()]) == 1
