"""The `followthrough` command line (CONTRACTS §1). Exit 0 on success, 2 on bad usage or configuration."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from bot.errors import ConfigError
from bot.settings import Settings, load_settings

USAGE_EXIT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that says one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_EXIT, f"followthrough: {message} (see `followthrough --help`)\n")


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 2."""
    sys.stderr.write(f"followthrough: {message}\n")
    raise SystemExit(USAGE_EXIT)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and its options."""
    parser = _Parser(prog="followthrough", description="Followthrough: promises made in Slack, followed through.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = sub.add_parser("serve", help="HTTP mode under gunicorn: POST /slack/events, /healthz, /readyz")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: $PORT, else 3000")
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes (PostgreSQL only; default: $WEB_CONCURRENCY, else 2; SQLite: 1)",
    )
    serve.add_argument("--threads", type=int, default=8)
    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN), with the scheduler in the same process")
    sub.add_parser("scheduler", help="long-running worker: morning DMs, milestone alerts, digests")
    tick = sub.add_parser("tick", help="run every due duty once, then exit")
    tick.add_argument("--at", default=None, help="ISO 8601 instant with an offset or Z (default: now)")
    shell = sub.add_parser("shell", help="local console against the built-in Slack simulator")
    shell.add_argument("--demo", action="store_true", help="seed a sample project")
    sub.add_parser("migrate", help="apply database migrations")
    export = sub.add_parser("export", help="export every workspace's data (or one)")
    export.add_argument("--format", choices=["json", "csv"], default="json")
    export.add_argument("--team", default=None)
    export.add_argument("--output", default=None)
    imp = sub.add_parser("import", help="restore a JSON export")
    imp.add_argument("file")
    imp.add_argument("--replace", action="store_true")
    purge = sub.add_parser("purge", help="delete one workspace's data")
    purge.add_argument("--team", required=True)
    purge.add_argument("--yes", action="store_true")
    return parser


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        fail(f"configuration error: {exc}")


def _database(settings: Settings) -> Any:
    from sqlalchemy.exc import OperationalError

    from storage.db import Database

    db = Database(settings.database_url)
    try:
        db.migrate()
    except OperationalError as exc:
        fail(f"DATABASE_URL: cannot reach the database ({str(exc.orig).strip().splitlines()[0]})")
    return db


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    if args.command == "shell":
        from bot.shell import run_shell

        run_shell(demo=args.demo)
        return
    settings = _settings()
    settings.configure_logging(json_lines=args.command in ("serve", "socket", "scheduler"))
    handler = globals()[f"cmd_{args.command}"]
    handler(settings, args)


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    """Apply migrations and exit."""
    db = _database(settings)
    sys.stdout.write(f"database is at migration {db.is_current() and 'head'}\n")


def cmd_export(settings: Settings, args: argparse.Namespace) -> None:
    """Write the backup (JSON) or a flat CSV of action items."""
    from bot.clock import SystemClock
    from bot.services.export import export_all

    db = _database(settings)
    with db.session(readonly=True) as session:
        data = export_all(session, SystemClock(), args.team)
    if args.team and not data["workspaces"]:
        fail(f"--team: no workspace {args.team}")
    if args.format == "json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        from bot.services.csv_export import items_csv

        text = items_csv(data)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_import(settings: Settings, args: argparse.Namespace) -> None:
    """Restore a JSON export."""
    from bot.clock import SystemClock
    from bot.services.export import ImportRefused
    from bot.services.restore import import_export

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read {args.file}: {exc}")
    db = _database(settings)
    try:
        with db.session() as session:
            teams = import_export(session, SystemClock(), data, replace=args.replace)
    except ImportRefused as exc:
        fail(str(exc))
    except (KeyError, TypeError, ValueError) as exc:
        fail(f"{args.file} is not a valid export ({exc.__class__.__name__}: {exc})")
    sys.stdout.write(f"imported {len(teams)} workspace(s): {', '.join(teams)}\n")


def cmd_purge(settings: Settings, args: argparse.Namespace) -> None:
    """Delete one workspace's data after confirming."""
    from storage.models import Workspace

    db = _database(settings)
    with db.session(readonly=True) as session:
        exists = session.get(Workspace, args.team) is not None
    if not exists:
        fail(f"--team: no workspace {args.team}")
    if not args.yes:
        if not sys.stdin.isatty():
            fail("refusing to purge without confirmation; pass --yes")
        answer = input(f"Delete every record of workspace {args.team}? Type the team id to confirm: ")
        if answer.strip() != args.team:
            fail("not confirmed; nothing was deleted")
    from bot.services.export import purge_team

    with db.session() as session:
        purge_team(session, args.team)
    sys.stdout.write(f"purged workspace {args.team}\n")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    """Run the HTTP app under gunicorn with threaded workers."""
    if settings.slack_signing_secret is None:
        fail("SLACK_SIGNING_SECRET is required for `serve`")
    if settings.slack_bot_token is None and not settings.oauth_enabled:
        fail("SLACK_BOT_TOKEN is required for `serve` (xoxb-…), or SLACK_CLIENT_ID/SECRET and SLACK_STATE_SECRET")
    port = args.port or int(os.environ.get("PORT") or 3000)
    on_sqlite = settings.database_url.startswith("sqlite")
    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY") or (1 if on_sqlite else 2))
    if on_sqlite and workers > 1:
        fail(f"--workers {workers}: SQLite serves from one process (with threads); several processes need PostgreSQL")
    _database(settings)  # migrate once, before any worker starts
    if settings.slack_bot_token is not None:
        _check_token(settings)
    from bot.server import serve

    serve(settings, host=args.host, port=port, workers=workers, threads=args.threads)


def _check_token(settings: Settings) -> None:
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import make_client

    try:
        make_client(settings, retries=1).auth_test()
    except SlackApiError as exc:
        fail(f"SLACK_BOT_TOKEN: Slack refused it ({exc.response.get('error')})")
    except OSError as exc:
        fail(f"SLACK_API_URL: cannot reach {settings.slack_api_url} ({exc})")


def _runtime(settings: Settings, clock: Any) -> Any:
    if settings.slack_bot_token is None and not settings.oauth_enabled:
        fail("SLACK_BOT_TOKEN is required to send reminders (xoxb-…), or the OAuth variables for many workspaces")
    from bot.jobs.runtime import build_runtime

    return build_runtime(settings, _database(settings), clock)


def parse_instant(text: str) -> Any:
    """`2026-11-23T09:00:00+01:00` or `…Z`; a time without an offset is refused (whose 09:00?)."""
    from datetime import datetime

    try:
        at = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        fail(f"--at: {text!r} is not an ISO 8601 instant (try 2026-11-23T09:00:00Z)")
    if at.tzinfo is None:
        fail(f"--at: {text!r} has no offset; add Z or +01:00")
    return at


def cmd_tick(settings: Settings, args: argparse.Namespace) -> None:
    """Run every unclaimed duty due at the instant, once."""
    from bot.clock import FrozenClock, SystemClock
    from bot.jobs.sweeps import run_all

    clock = FrozenClock(parse_instant(args.at)) if args.at else SystemClock()
    report = run_all(_runtime(settings, clock))
    sys.stdout.write(f"tick at {clock.now().isoformat()}: {report.summary()}\n")


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> None:
    """The long-running worker."""
    from bot.clock import SystemClock
    from bot.jobs.scheduler import run_scheduler

    run_scheduler(_runtime(settings, SystemClock()))


def cmd_socket(settings: Settings, args: argparse.Namespace) -> None:
    """Socket Mode for development and small teams."""
    if settings.slack_app_token is None:
        fail("SLACK_APP_TOKEN is required for `socket` (xapp-…)")
    if settings.slack_bot_token is None:
        fail("SLACK_BOT_TOKEN is required for `socket` (xoxb-…)")
    db = _database(settings)
    _check_token(settings)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app
    from bot.clock import SystemClock
    from bot.jobs.runtime import build_runtime
    from bot.jobs.scheduler import build_scheduler

    app = create_app(settings, SystemClock(), db)
    app_token = settings.secret("slack_app_token")
    assert app_token is not None
    rt = build_runtime(settings, db, SystemClock())
    scheduler = build_scheduler(rt, background=True)
    rt.drainer.start()
    scheduler.start()
    try:
        SocketModeHandler(app, app_token).start()  # type: ignore[no-untyped-call]
    finally:
        scheduler.shutdown(wait=True)
        rt.drainer.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
