"""The floors, served like `followthrough serve` (gunicorn gthread, Bolt with process_before_response=True):
`bare` only acks; `insert` commits one row, then acks. Run: python -m bench.floors bare|insert --port P ..."""

from __future__ import annotations

import argparse
import gc
import re
from datetime import UTC, datetime
from typing import Any

from gunicorn.app.base import BaseApplication
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert

from bench.slackreq import SECRET, TOKEN

metadata = MetaData()
floor_table = Table(
    "bench_floor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


def floor_app(kind: str, api_url: str, database_url: str | None) -> Any:
    """A WSGI app: Bolt that acks every command, action and event (after one committed insert for `insert`)."""
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=api_url),
        process_before_response=True,
        token_verification_enabled=False,
    )
    write: Any = None
    if kind == "insert":
        from storage.db import Database

        db = Database(database_url or "")  # the table exists: main() made it before the workers started

        def write(what: str) -> None:
            with db.session() as session:  # the app's own engine set-up: WAL + BEGIN IMMEDIATE, or the pool
                session.execute(insert(floor_table).values(kind=what, at=datetime.now(UTC)))

    def ack_command(ack: Ack) -> None:
        if write:
            write("command")
        ack()

    def ack_action(ack: Ack) -> None:
        if write:
            write("action")
        ack()

    def ack_event(ack: Ack) -> None:
        if write:
            write("event")
        ack()

    app.command(re.compile(".*"))(ack_command)
    app.action(re.compile(".*"))(ack_action)
    app.event(re.compile(".*"))(ack_event)
    handler = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
            return [b"ok"]
        return handler(environ, start_response)

    return wsgi


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, build: Any, options: dict[str, Any]) -> None:
        self._build, self._options = build, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        wsgi = self._build()  # after the fork, like bot/server.py
        gc.collect()
        gc.freeze()  # as bot/server.py does
        return wsgi


def main() -> None:
    """Serve one floor until SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m bench.floors")
    parser.add_argument("kind", choices=["bare", "insert"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--api", required=True, help="the fake Slack Web API base URL")
    parser.add_argument("--db", default=None, help="database URL (insert floor)")
    args = parser.parse_args()
    options = {
        "bind": f"127.0.0.1:{args.port}",
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": args.threads,
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "loglevel": "warning",
    }
    if args.kind == "insert":
        # Once, in the master: two workers creating it at the same time on a fresh PostgreSQL database race
        # (one gets a duplicate-key error on pg_type and fails to boot, and gunicorn stops).
        from storage.db import Database

        setup = Database(args.db or "")
        metadata.create_all(setup.engine)
        setup.dispose()
    _Gunicorn(lambda: floor_app(args.kind, args.api, args.db), options).run()


if __name__ == "__main__":
    main()
