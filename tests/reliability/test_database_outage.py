"""Database outage: PostgreSQL goes away behind a loopback proxy while the app serves and the worker sweeps.
People are told to try again (HTTP 200, no traceback), Slack's event deliveries get a 5xx so Slack retries them,
/readyz says 503, nothing crashes, and when the database is back everything recovers by itself: the retried
events are captured once and the morning's reminders still go out."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.app import DATABASE_DOWN
from bot.clock import FrozenClock
from bot.jobs.runtime import build_runtime
from bot.jobs.sweeps import run_all
from bot.services.common import Actor
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.client import Reply, SlackSender
from bot.simulator.local import BOT_TOKEN, LocalBot
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from storage.db import Database
from storage.models import ActionItem
from tests.conftest import NOW
from tests.reliability.conftest import through
from tests.support.processes import SIGNING_SECRET, Served, app_env, http_status, spawn, stop
from tests.support.tcp_proxy import TcpProxy

NOTES = "Ops review\nAI: <@U0CAROL> renew the certificate by Friday\nTODO: <@U0DANA> rotate the keys"
MORNING_MARK = "Change the hour, how often these come, your working days or holidays"
SLACK_WINDOW_S = 3.0  # Slack gives up on an answer after 3 seconds


@pytest.fixture
def proxy(pg_url: str) -> Iterator[TcpProxy]:
    target = make_url(pg_url)
    with TcpProxy(target.host or "127.0.0.1", target.port or 5432) as p:
        yield p


def titles(db: Database) -> list[str]:
    with db.session(readonly=True) as s:
        return sorted(s.exec(select(ActionItem.title)).all())


def mornings(api: FakeSlackAPI) -> list[str]:
    """Recipients of the morning DMs Slack accepted."""
    return [
        str(c.params.get("channel"))
        for c in api.calls_to("chat.postMessage")
        if c.status == 200 and MORNING_MARK in json.dumps(c.params.get("blocks"))
    ]


ANSWER_TIMES: list[float] = []


def assert_try_again(reply: Reply) -> None:
    """A short ephemeral answer that says to try again, within Slack's window, no traceback."""
    ANSWER_TIMES.append(reply.elapsed)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert isinstance(body, dict) and body["text"] == DATABASE_DOWN, reply.body
    assert "Traceback" not in reply.body and "OperationalError" not in reply.body
    assert reply.elapsed < SLACK_WINDOW_S


def event_again(sender: SlackSender, event: dict[str, Any], event_id: str) -> Callable[[int], Reply]:
    return lambda n: sender.event(event, event_id=event_id, retry_num=n)


def test_an_outage_is_answered_politely_and_recovers_by_itself(
    pg_url: str, proxy: TcpProxy, figure: Callable[..., None]
) -> None:
    clock = FrozenClock(NOW)
    ANSWER_TIMES.clear()
    with LocalBot(through(pg_url, proxy.port), clock=clock) as bot:
        cmd = bot.sender.command
        assert "A-1" in cmd("alice", "/action", "add <@U0BOB> Sign the SOW by 2026-11-20").json()["text"]
        bot.api.wait_for("chat.postMessage")  # bob's assignment card, with its Done button
        bot.sender.global_shortcut("carol", "new-action-item")
        form = bot.api.wait_for("views.open")[-1].response
        assert form is not None

        proxy.cut()
        assert_try_again(cmd("alice", "/action", "add Order badges"))
        assert_try_again(cmd("bob", "/action", "list"))
        assert_try_again(cmd("dana", "/deliverable", "add Homepage mockup"))
        click = bot.sender.block_action("bob", "item-done", "A-1", channel="dm")
        assert click.status == 200 and click.elapsed < SLACK_WINDOW_S
        [told] = bot.api.wait_for("response_url")
        assert told.params["text"] == DATABASE_DOWN
        modal = bot.sender.view_submission("carol", form["view"], {"title": "Order badges"})
        assert modal.status == 200 and DATABASE_DOWN in modal.body  # the modal stays open and says why
        delivered = bot.sender.message("alice", "#proj-website", NOTES)
        assert delivered.status >= 500 and delivered.elapsed < SLACK_WINDOW_S  # Slack will retry it
        event_id, ts = bot.sender.last_event_id or "", bot.sender.last_message_ts or ""
        event = {**(bot.api.state.find_message("C0WEB", ts) or {}), "channel": "C0WEB", "channel_type": "channel"}
        assert http_status(f"{bot.url}/readyz") == 503
        assert http_status(f"{bot.url}/healthz") == 200
        assert http_status(f"{bot.url}/calendar/anything.ics") == 503  # calendar apps come back later
        assert bot.settings is not None
        monday = FrozenClock(datetime(2026, 11, 23, 8, 30, tzinfo=UTC))  # 09:30 in Berlin: bob's morning
        with pytest.raises(OperationalError):  # the sweep fails (the scheduler logs it and sweeps again)
            run_all(build_runtime(bot.settings, bot.db, monday, bot.client))
        assert mornings(bot.api) == []

        proxy.restore()
        retried = event_again(bot.sender, event, event_id)
        assert [retried(n).status for n in (1, 2, 3)] == [200, 200, 200]
        assert titles(bot.db) == sorted(["Sign the SOW", "Renew the certificate", "Rotate the keys"])
        assert "A-4" in cmd("alice", "/action", "add Order badges").json()["text"]
        assert http_status(f"{bot.url}/readyz") == 200
        monday.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # the next sweep, later that morning
        run_all(build_runtime(bot.settings, bot.db, monday, bot.client))
        run_all(build_runtime(bot.settings, bot.db, monday, bot.client))
        assert mornings(bot.api).count("U0BOB") == 1
    figure(
        slowest_answer_during_outage_s=round(max(ANSWER_TIMES + [click.elapsed, modal.elapsed, delivered.elapsed]), 3),
        event_deliveries=4,
        items_from_the_event=2,
        readyz_during_outage=503,
        bob_morning_dms=1,
    )


def test_a_database_host_gone_silent_is_reported_within_seconds(
    pg_url: str, proxy: TcpProxy, figure: Callable[..., None]
) -> None:
    """No RST, no answer (a partition): without a connect timeout every request thread would hang forever."""
    with LocalBot(through(pg_url, proxy.port), clock=FrozenClock(NOW)) as bot:
        proxy.blackhole()
        started = time.monotonic()
        assert http_status(f"{bot.url}/readyz", timeout=30) == 503
        readyz_s = time.monotonic() - started
        assert readyz_s < 5
        reply = bot.sender.command("alice", "/action", "add Order badges")
        assert reply.status == 200 and reply.json()["text"] == DATABASE_DOWN
        assert reply.elapsed < 5
        proxy.restore()
        assert "A-1" in bot.sender.command("alice", "/action", "add Order badges").json()["text"]
    figure(readyz_503_after_s=round(readyz_s, 2), command_answer_s=round(reply.elapsed, 2))


def wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_serve_and_scheduler_ride_out_an_outage(
    pg_url: str, proxy: TcpProxy, tmp_path: Path, figure: Callable[..., None]
) -> None:
    world = default_world()
    with FakeSlackAPI(world, token=BOT_TOKEN) as api:
        env = app_env(through(pg_url, proxy.port), api.url, LOG_LEVEL="INFO")
        worker_log = tmp_path / "scheduler.log"
        with Served(env, tmp_path / "serve.log") as served:
            sender = SlackSender(served.events_url, SIGNING_SECRET, world, api)
            worker = spawn("scheduler", env=env, log=worker_log)

            def sweeps(
                outcome: str,
            ) -> int:  # APScheduler's INFO lines: "executed successfully" or "raised an exception"
                return worker_log.read_text().count(outcome)

            try:
                wait(lambda: sweeps("executed successfully") >= 1, 60, "the first sweep")
                # After the first sweep, bob gets an overdue item and a reminder hour that has already come today.
                added = sender.command("alice", "/action", "add <@U0BOB> Sign the SOW by 2026-11-20")
                assert "A-1" in added.json()["text"], added.body
                db = Database(pg_url)
                with db.session() as s:
                    prefs = PersonPrefs(reminder_hour=0, working_days="mon-sun")
                    save_prefs(s, FrozenClock(datetime.now(UTC)), Actor(team_id="T0SIM", user_id="U0BOB"), prefs)
                db.dispose()

                proxy.cut()
                outage_started = time.monotonic()
                assert_try_again(sender.command("alice", "/action", "add Order badges"))
                assert_try_again(sender.command("carol", "/milestone", "list"))
                sender.block_action("bob", "item-done", "A-1", channel="dm")
                wait(lambda: any(c.params.get("text") == DATABASE_DOWN for c in api.calls_to("response_url")), 10, "")
                first = sender.message("alice", "#proj-website", NOTES)
                assert first.status >= 500
                event_id, ts = sender.last_event_id or "", sender.last_message_ts or ""
                event = {**(api.state.find_message("C0WEB", ts) or {}), "channel": "C0WEB", "channel_type": "channel"}
                assert http_status(f"{served.url}/readyz") == 503
                wait(
                    lambda: sweeps("raised an exception") >= 1, 90, "a sweep during the outage"
                )  # it fails, the worker stays up
                assert served.alive() and worker.poll() is None
                assert mornings(api) == []

                proxy.restore()
                outage_s = time.monotonic() - outage_started
                wait(lambda: http_status(f"{served.url}/readyz") == 200, 30, "readiness")
                retried = event_again(sender, event, event_id)
                assert [retried(n).status for n in (1, 2, 3)] == [200, 200, 200]
                assert "Added" in sender.command("alice", "/action", "add Order badges").json()["text"]
                wait(lambda: "U0BOB" in mornings(api), 90, "bob's morning DM after the outage")
                assert served.alive() and worker.poll() is None
            finally:
                code = stop(worker)
            assert code == 0
            db = Database(pg_url)
            assert titles(db) == sorted(["Sign the SOW", "Renew the certificate", "Rotate the keys", "Order badges"])
            db.dispose()
            assert mornings(api).count("U0BOB") == 1
            log = served.log_text()
        assert served.proc is not None and served.proc.returncode == 0
        boots = len(re.findall(r"Booting worker", log))
        assert boots == served.workers, "a web worker died and was replaced"
        assert "database unavailable" in log
        figure(
            outage_seconds=round(outage_s),
            worker_boots=boots,
            failed_sweeps=sweeps("raised an exception"),
            bob_morning_dms=1,
        )


def test_with_many_workspaces_the_outage_is_met_before_the_listener_too(pg_url: str, proxy: TcpProxy) -> None:
    """OAuth mode looks the bot token up in the database before any listener runs (Bolt's authorize step)."""
    from tests.integration.test_oauth import command, event, install

    with LocalBot(through(pg_url, proxy.port), clock=FrozenClock(NOW), oauth=True, secret_key="k" * 32) as bot:
        install(bot, "code-T0SIM")
        proxy.cut()
        reply = bot.sender.send_form(
            {
                "team_id": "T0SIM",
                "user_id": "U0ALICE",
                "channel_id": "C0WEB",
                "command": "/action",
                "text": "list",
                "response_url": bot.api.new_response_url(),
                "trigger_id": bot.api.new_trigger_id("U0ALICE"),
            }
        )
        assert reply.status == 200 and reply.json()["text"] == DATABASE_DOWN, reply.body
        notes = {"type": "message", "user": "U0ALICE", "text": "AI: book the room", "ts": "1.5", "channel": "C0WEB"}
        assert event(bot, "T0SIM", notes) >= 500  # not Bolt's 200 "authorization failed": Slack must retry
        proxy.restore()
        assert event(bot, "T0SIM", notes) == 200
        assert "A-1" in command(bot, "T0SIM", "U0ALICE", "list")["text"]
