"""`followthrough` as a subprocess: serve over HTTP, migrate, export, import, purge, configuration errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.simulator.client import SlackSender
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import default_world
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
SECRET = "e2e-signing-secret"
TOKEN = "xoxb-e2e-token"


def cli(*args: str, env: dict[str, str], input_text: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True, timeout=60, input=input_text
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(default_world(), token=TOKEN) as fake:
        yield fake


@pytest.fixture
def env(database_url: str, api: FakeSlackAPI) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "FOLLOWTHROUGH_"))}
    return {
        **base,
        "DATABASE_URL": database_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_API_URL": api.url,
        "LOG_LEVEL": "WARNING",
    }


def serve_workers(database_url: str) -> str:
    """Several processes on PostgreSQL; SQLite serves from one."""
    return "1" if database_url.startswith("sqlite") else "2"


@pytest.fixture
def served(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    workers = serve_workers(env["DATABASE_URL"])
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", workers],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
                return bool(r.status == 200)
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited: {proc.stdout.read() if proc.stdout else ''}") from None
            return False

    try:
        wait_until(healthy, 30, what="serve's /healthz", interval=0.02)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_served_app_adds_lists_and_completes_and_export_shows_it(
    served: str, env: dict[str, str], api: FakeSlackAPI
) -> None:
    sender = SlackSender(f"{served}/slack/events", SECRET, api.world, api)
    added = sender.command("alice", "/action", "add <@U0BOB> Draft the charter by 2026-12-02")
    assert added.status == 200 and "A-1" in added.json()["text"]
    with urllib.request.urlopen(f"{served}/readyz", timeout=5) as r:
        assert r.status == 200
    exported = json.loads(cli("export", "--format", "json", env=env).stdout)
    [ws] = exported["workspaces"]
    [item] = ws["action_items"]
    assert (item["owner"], item["created_by"], item["channel"]) == ("U0BOB", "U0ALICE", "C0WEB")
    assert (item["due_date"], item["status"]) == ("2026-12-02", "open")
    done = sender.command("bob", "/action", "done A-1")
    assert done.status == 200 and "done" in done.json()["text"]
    exported = json.loads(cli("export", "--format", "json", "--team", "T0SIM", env=env).stdout)
    assert exported["workspaces"][0]["action_items"][0]["status"] == "done"
    forged = sender.raw(
        "command=%2Faction&text=add+x", content_type="application/x-www-form-urlencoded", signature="v0=" + "1" * 64
    )
    assert forged.status == 401


def test_serve_refuses_several_processes_on_sqlite(env: dict[str, str], tmp_path: Path) -> None:
    on_sqlite = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'one.db'}"}
    refused = cli("serve", "--port", str(free_port()), "--workers", "3", env=on_sqlite)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [
        "followthrough: --workers 3: SQLite serves from one process (with threads); several processes need PostgreSQL"
    ]


def test_served_app_confirms_captures_in_the_thread_and_redraws_clicked_cards_from_its_drainer(
    served: str, api: FakeSlackAPI
) -> None:
    sender = SlackSender(f"{served}/slack/events", SECRET, api.world, api)
    captured = sender.message("alice", "#proj-website", "Standup\nAI: <@U0BOB> send the SOW by Friday")
    assert captured.status == 200
    # The worker answers; its drainer thread, woken by the commit, posts the confirmation and Bob's DM.
    posts = api.wait_for("chat.postMessage", count=2, timeout=10)
    [confirm] = [c for c in posts if c.params.get("thread_ts")]
    assert confirm.params["thread_ts"] == sender.last_message_ts and "A-1" in str(confirm.params["text"])
    added = sender.command("bob", "/action", "add Book the room by Friday")
    assert "A-2" in added.json()["text"]
    assert sender.block_action("bob", "item-done", "A-2").status == 200
    [redraw] = api.wait_for("response_url", count=1, timeout=10)
    assert redraw.params["replace_original"] is True and "A-2" in str(redraw.params["text"])
    time.sleep(0.5)  # nothing is sent twice
    assert len(api.calls_to("chat.postMessage")) == 2 and len(api.calls_to("response_url")) == 1


def test_export_import_export_is_identical_apart_from_exported_at(
    env: dict[str, str], database_url: str, tmp_path: Path, pg_schemas: object
) -> None:
    from bot.clock import FrozenClock
    from bot.simulator.local import LocalBot
    from tests.conftest import NOW

    with LocalBot(database_url, clock=FrozenClock(NOW)) as bot:
        bot.sender.command("alice", "/action", "add <@U0BOB> Draft the charter by Friday 3pm")
        bot.sender.message("bob", "#proj-website", "AI: <@U0CAROL> book the room\nTODO: R&amp;D budget")
        bot.sender.command("carol", "/action", "done A-2")
    first = cli("export", "--format", "json", "--output", str(tmp_path / "a.json"), env=env)
    assert first.returncode == 0, first.stderr
    refused = cli("import", str(tmp_path / "a.json"), env=env)
    assert refused.returncode == 2 and "already exists" in refused.stderr
    purged = cli("purge", "--team", "T0SIM", "--yes", env=env)
    assert purged.returncode == 0, purged.stderr
    assert cli("import", str(tmp_path / "a.json"), env=env).returncode == 0
    assert cli("import", str(tmp_path / "a.json"), "--replace", env=env).returncode == 0
    second = json.loads(cli("export", "--format", "json", env=env).stdout)
    original = json.loads((tmp_path / "a.json").read_text())
    assert len(original["workspaces"][0]["action_items"]) == 3
    original.pop("exported_at"), second.pop("exported_at")
    assert second == original


def test_csv_export_has_a_row_per_item(env: dict[str, str], database_url: str) -> None:
    from bot.simulator.local import LocalBot

    with LocalBot(database_url) as bot:
        bot.sender.command("alice", "/action", "add Book the room")
    out = cli("export", "--format", "csv", env=env)
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("team_id,key,title")
    assert "A-1,Book the room" in lines[1]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("FOLLOWTHROUGH_TIMEZONE", "Mars/Olympus", "FOLLOWTHROUGH_TIMEZONE"),
        ("SLACK_BOT_TOKEN", "not-a-token", "SLACK_BOT_TOKEN"),
        ("DATABASE_URL", "nonsense", "DATABASE_URL"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("SLACK_API_URL", "ftp://x", "SLACK_API_URL"),
    ],
)
def test_a_bad_variable_is_named_in_one_line_with_exit_2(
    env: dict[str, str], name: str, value: str, expected: str
) -> None:
    result = cli("migrate", env={**env, name: value})
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_serve_without_a_signing_secret_exits_2(env: dict[str, str]) -> None:
    result = cli("serve", env={k: v for k, v in env.items() if k != "SLACK_SIGNING_SECRET"})
    assert result.returncode == 2 and "SLACK_SIGNING_SECRET" in result.stderr


def test_bad_usage_exits_2_with_one_line(env: dict[str, str]) -> None:
    result = cli("export", "--format", "xml", env=env)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_readyz_is_503_until_migrations_are_current(
    empty_database_url: str, fill_from_template: Callable[[str], None]
) -> None:
    from bot.simulator.local import serve_wsgi
    from bot.web import make_wsgi
    from storage.db import Database

    db = Database(empty_database_url)
    try:
        with serve_wsgi(make_wsgi(app=None, db=db)) as url:  # type: ignore[arg-type]
            with pytest.raises(urllib.error.HTTPError) as info:
                urllib.request.urlopen(f"{url}/readyz", timeout=5)
            assert info.value.code == 503
            fill_from_template(empty_database_url)  # what `db.migrate()` makes (tests/unit/test_migrations.py)
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as r:
                assert r.status == 200
    finally:
        db.dispose()


def test_shell_runs_a_scripted_session(tmp_path: Path, env: dict[str, str]) -> None:
    script = "/action add @bob Draft the charter by 2026-12-02\n:as bob\n/action list mine\n:quit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "shell"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={k: v for k, v in env.items() if k != "DATABASE_URL"},
    )
    assert result.returncode == 0, result.stderr
    assert "[ephemeral → alice]" in result.stdout
    assert "A-1" in result.stdout and "Draft the charter" in result.stdout
    assert "Your open action items" in result.stdout
    assert (tmp_path / "followthrough-shell.db").exists()
