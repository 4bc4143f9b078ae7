"""Milestone forecasts (issue 19) at a fixed clock, over signed HTTP: pace = linked items done plus deliverables
approved in the last 14 days, ÷ 14; forecast = today + what remains ÷ pace; `/milestone status`, the digest, App Home
and the burn-up chart's projection; fewer than 3 completions is too little history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import col, select

from bot.blocks.charts import Projection, burnup_png
from bot.clock import FrozenClock
from bot.simulator.local import LocalBot
from storage.models import ActionItem, Deliverable
from tests.support.blocks import text_of


def cmd(bot: LocalBot, user: str, command: str, text: str) -> dict[str, Any]:
    reply = bot.sender.command(user, command, text)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict), reply.body
    return body


def linked(bot: LocalBot, deliverable: int, *, done: int, done_long_ago: int = 0, open_: int = 0) -> None:
    """Items of D-n: `done` finished 3 days ago, `done_long_ago` 20 days ago (outside the window), `open_` open."""
    now = bot.clock.now()
    with bot.db.session() as s:
        d_id = s.exec(select(Deliverable.id).where(col(Deliverable.number) == deliverable)).one()
        first = 1 + len(s.exec(select(ActionItem.id)).all())
        kinds = ["recent"] * done + ["old"] * done_long_ago + ["open"] * open_
        rows = [
            {
                "team_id": bot.world.team_id,
                "number": first + n,
                "title": f"Step {first + n}",
                "status": "open" if kind == "open" else "done",
                "owner": "U0BOB",
                "created_by": "U0ALICE",
                "channel": "C0WEB",
                "private": False,
                "deliverable_id": d_id,
                "created_at": now - timedelta(days=30),
                "completed_at": None if kind == "open" else now - timedelta(days=3 if kind == "recent" else 20),
            }
            for n, kind in enumerate(kinds)
        ]
        s.execute(insert(ActionItem), rows)


def approved(bot: LocalBot, deliverable: int, days_ago: int) -> None:
    with bot.db.session() as s:
        s.execute(
            update(Deliverable)
            .where(col(Deliverable.number) == deliverable)
            .values(status="approved", decided_by="U0DANA", decided_at=bot.clock.now() - timedelta(days=days_ago))
        )


def project(bot: LocalBot) -> None:
    """M-1 (Dec 18): 6 items done and D-2 approved lately, 1 done long ago, 14 open, D-1 still to approve."""
    cmd(bot, "alice", "/milestone", "add Launch on 2026-12-18 owner <@U0ALICE>")
    cmd(bot, "alice", "/deliverable", "add Homepage for M-1 owner <@U0BOB> approver <@U0DANA>")
    cmd(bot, "alice", "/deliverable", "add Press kit for M-1 owner <@U0CAROL> approver <@U0DANA>")
    cmd(bot, "alice", "/deliverable", "add Old launch notes for M-1 owner <@U0CAROL> approver <@U0DANA>")
    linked(bot, 1, done=6, done_long_ago=1, open_=14)
    approved(bot, 2, days_ago=5)
    approved(bot, 3, days_ago=30)  # outside the window: approved, so not to go either


def test_status_digest_and_home_say_when_at_this_pace(bot: LocalBot, clock: FrozenClock) -> None:
    project(bot)
    # 7 completions in 14 days; 14 open items and D-1 to approve: 15 × 2 = 30 days from Sat Nov 21 is Mon Dec 21.
    status = cmd(bot, "dana", "/milestone", "status M-1")
    assert (
        "Forecast (7 completed in the last 14 days, 15 to go) — at this pace: Dec 21, 3 days after the milestone"
        " — ⚠️ *at risk*" in text_of(status)
    )
    assert "at risk" in status["text"]
    assert "at risk" in text_of(cmd(bot, "dana", "/milestone", "list"))
    cmd(bot, "alice", "/digest", "weekly monday 09:00")
    cmd(bot, "alice", "/digest", "now")
    [upload] = bot.api.wait_for("files.completeUploadExternal")
    [digest] = [c for c in bot.api.calls_to("chat.postMessage") if "digest" in str(c.params.get("text"))]
    assert "Forecast: at this pace: Dec 21, 3 days after the milestone ⚠️" in text_of(digest.params)
    assert upload.params["files"][0]["title"] == "M-1 burn-up"
    bot.sender.app_home_opened("alice")
    home = text_of(bot.api.wait_for("views.publish")[-1].params["view"])
    assert "Your milestones" in home and "*M-1*  Launch · Fri, Dec 18 · ⚠️ at risk" in home
    assert "at this pace: Dec 21, 3 days after the milestone" in home


def test_a_milestone_on_track_and_one_with_too_little_history(bot: LocalBot, clock: FrozenClock) -> None:
    project(bot)
    linked(bot, 1, done=8)  # 15 done lately now: 15 to go take 14 days, Dec 5
    status = text_of(cmd(bot, "alice", "/milestone", "status M-1"))
    assert "at this pace: Dec 5, 13 days before the milestone — on track" in status
    cmd(bot, "alice", "/milestone", "add Beta on 2026-12-04 owner <@U0ALICE>")
    cmd(bot, "alice", "/deliverable", "add Beta build for M-2 owner <@U0BOB> approver <@U0DANA>")
    linked(bot, 4, done=2, done_long_ago=5, open_=3)
    thin = cmd(bot, "alice", "/milestone", "status M-2")
    assert "at this pace: too little history (2 completions in the last 14 days)" in text_of(thin)
    assert "at risk" not in thin["text"]


def test_the_burnup_chart_draws_the_projection() -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    items: list[tuple[datetime, datetime | None, str]] = [(at, at + timedelta(days=n), "done") for n in range(5)]
    items += [(at, None, "open")] * 5
    today, due = date(2026, 11, 21), date(2026, 12, 18)
    plain = burnup_png("M-1 Launch", items, today=today, due=due)
    projected = burnup_png(
        "M-1 Launch", items, today=today, due=due, projection=Projection(date(2026, 12, 21), "at this pace: Dec 21")
    )
    noted = burnup_png(
        "M-1 Launch", items, today=today, due=due, projection=Projection(None, "at this pace: too little history")
    )
    assert plain and projected and noted and len({plain, projected, noted}) == 3
    assert projected.startswith(b"\x89PNG")
