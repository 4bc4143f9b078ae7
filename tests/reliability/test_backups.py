"""Backups: a whole project exported, imported into an empty database and exported again is the same file
(apart from `exported_at`); the same file moves a workspace from SQLite to PostgreSQL, where it keeps working
and its keys keep counting up (never reused)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.clock import FrozenClock
from bot.services.common import Actor
from bot.services.export import export_all
from bot.services.restore import import_export
from bot.services.settings import PersonPrefs, save_prefs
from bot.simulator.local import LocalBot
from storage.db import Database
from tests.conftest import NOW
from tests.support.databases import PostgresSchemas
from tests.support.processes import app_env, cli


def build_project(bot: LocalBot) -> None:
    """Every kind of record and state the export carries, made the way people make them."""
    cmd = bot.sender.command
    steps = [
        ("alice", "/milestone", "add Design approved on 2026-12-18 owner <@U0BOB> gate"),
        ("alice", "/milestone", "add Beta on 2027-01-15"),
        (
            "bob",
            "/deliverable",
            "add Homepage mockup for M-1 owner <@U0CAROL> approver <@U0DANA> due 2026-12-15 "
            'criteria "Matches the brand guide"',
        ),
        ("bob", "/deliverable", "add Copy deck for M-1 owner <@U0CAROL> approver <@U0DANA>"),
        ("alice", "/outcome", "add Visitors find pricing without help"),
        ("bob", "/deliverable", "add Pricing page for O-1 for M-2"),
        ("alice", "/action", "add <@U0BOB> Draft the copy for D-1 by Friday 3pm"),
        ("alice", "/action", "add <@U0CAROL> R&amp;D budget «ünïcødé» 🎉 by 2026-12-02"),
        ("bob", "/action", "done A-1"),
        ("carol", "/deliverable", "submit D-1"),
        ("dana", "/deliverable", "approve D-1 Looks great"),
        ("carol", "/deliverable", "submit D-2"),
        ("dana", "/deliverable", "reject D-2 Needs the pricing link"),
        ("bob", "/milestone", "decide M-1 go Budget signed"),
        ("alice", "/outcome", "kr O-1 Pricing page conversion from 2 to 3.5 %"),
        ("alice", "/outcome", "kr O-1 Support tickets from 40 to 10 tickets a week"),
        ("alice", "/outcome", "checkin O-1.1 2.6 New page is live"),
        ("alice", "/outcome", "checkin O-1.2 31"),
        ("alice", "/digest", "weekly monday 09:00"),
        ("carol", "/action", "snooze A-2 2026-12-01"),
        ("bob", "/action", "add Cancelled thing"),
        ("bob", "/action", "cancel A-3"),
    ]
    for who, command, text in steps:
        reply = cmd(who, command, text)
        assert reply.status == 200 and "Only" not in reply.body, (command, text, reply.body)
    assert cmd("alice", "/action", "add Leads-only secret", channel="#leads").status == 200
    bot.sender.message("bob", "#proj-website", "Notes\nAI: <@U0DANA> confirm the venue by next week\nTODO: book")
    with bot.db.session() as s:
        prefs = PersonPrefs(reminder_hour=8, working_days="mon-thu", paused_until=None, notify_done_now=True)
        save_prefs(s, bot.clock, Actor(team_id="T0SIM", user_id="U0BOB"), prefs)
        # Every other setting away from its default: a cadence, a chosen country, none, a lead.
        quiet = PersonPrefs(cadence="mondays", skip_holidays=True, holiday_country="JP", remind_before_minutes=1440)
        save_prefs(s, bot.clock, Actor(team_id="T0SIM", user_id="U0CAROL"), quiet)
        off = PersonPrefs(cadence="off", holiday_country="", remind_before_minutes=0)
        save_prefs(s, bot.clock, Actor(team_id="T0SIM", user_id="U0DANA"), off)


def export(db: Database, clock: FrozenClock) -> dict[str, Any]:
    with db.session(readonly=True) as s:
        return json.loads(json.dumps(export_all(s, clock)))


def without_stamp(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "exported_at"}


def test_export_import_into_an_empty_database_export_is_identical(
    bot: LocalBot, clock: FrozenClock, tmp_path: Path, pg_schemas: PostgresSchemas | None, figure: Callable[..., None]
) -> None:
    build_project(bot)
    first = export(bot.db, clock)
    [ws] = first["workspaces"]
    people = {p["user_id"]: p for p in ws["people"]}
    assert people["U0CAROL"] == {  # every setting a person can change, as §8 shows them
        "user_id": "U0CAROL",
        "tz": "Asia/Tokyo",
        "reminder_hour": 9,
        "working_days": "mon-fri",
        "paused_until": None,
        "cadence": "mondays",
        "holiday_country": "JP",
        "skip_holidays": True,
        "remind_before_minutes": 1440,
        "notify_done_now": False,
    }
    assert (people["U0DANA"]["holiday_country"], people["U0ALICE"]["holiday_country"]) == ("", None)
    counts = {k: len(v) for k, v in ws.items() if isinstance(v, list)}
    assert all(counts[k] for k in ("action_items", "deliverables", "milestones", "outcomes", "digests", "audit"))
    empty = Database(pg_schemas.new_url() if pg_schemas else f"sqlite:///{tmp_path / 'restored.db'}")  # same kind
    empty.migrate()
    try:
        with empty.session() as s:
            assert import_export(s, clock, first) == ["T0SIM"]
        clock.advance(timedelta(minutes=5))  # exported later: only exported_at may differ
        second = export(empty, clock)
    finally:
        empty.dispose()
    assert without_stamp(second) == without_stamp(first)
    figure(records=sum(counts.values()), **counts, differences=0)


def test_a_workspace_moves_from_sqlite_to_postgresql(pg_url: str, tmp_path: Path, figure: Callable[..., None]) -> None:
    clock = FrozenClock(NOW)
    sqlite_url = f"sqlite:///{tmp_path / 'small.db'}"
    with LocalBot(sqlite_url, clock=clock) as bot:
        build_project(bot)
        env = app_env(sqlite_url, bot.api.url)
        out = cli("export", "--format", "json", "--team", "T0SIM", "--output", str(tmp_path / "move.json"), env=env)
        assert out.returncode == 0, out.stderr
    moved = cli("import", str(tmp_path / "move.json"), env={**env, "DATABASE_URL": pg_url})
    assert moved.returncode == 0 and "T0SIM" in moved.stdout, moved.stderr
    back = cli("export", "--format", "json", env={**env, "DATABASE_URL": pg_url})
    assert back.returncode == 0, back.stderr
    original = json.loads((tmp_path / "move.json").read_text())
    assert without_stamp(json.loads(back.stdout)) == without_stamp(original)

    # The moved workspace works on PostgreSQL, and its keys go on from where they were.
    with LocalBot(pg_url, clock=clock) as bot:
        [ws] = original["workspaces"]
        reply = bot.sender.command("alice", "/action", "add After the move")
        assert f"A-{len(ws['action_items']) + 1}" in reply.json()["text"]
        assert f"D-{len(ws['deliverables']) + 1}" in bot.sender.command("bob", "/deliverable", "add Next").body
        assert "O-1.3" in bot.sender.command("alice", "/outcome", "kr O-1 NPS from 10 to 30").body
        assert "Leads-only secret" not in bot.sender.command("dana", "/action", "list").body  # still private
        assert "R&amp;D budget «ünïcødé» 🎉" in bot.sender.command("carol", "/action", "list mine").json()["text"]
    figure(action_items=len(ws["action_items"]), moved="sqlite->postgresql", differences=0)
