"""Database round trips per request: the WSGI app `serve` runs, called in-process over the seeded workspace, with
every statement, BEGIN, COMMIT and ROLLBACK counted (SQLAlchemy events; on PostgreSQL a statement in autocommit mode
sends no BEGIN or COMMIT, so none is counted for it).

    python -m bench.roundtrips --db postgres [--smoke] [--requests 50]

Counted apart: the request's own thread (before its answer), the work left after the answer (its thread pool),
and the drainer sending what the requests queued (per message sent).
"""

from __future__ import annotations

import argparse
import threading
from collections import Counter
from typing import Any

from sqlalchemy import event

from bench import databases, seed, slackreq
from bench.fakeslack import bench_world
from bench.profile import _environ
from bench.sizes import FULL, SMOKE
from bot.simulator.webapi import FakeSlackAPI

OPS = ("list", "add", "assign", "done")
KINDS = ("statement", "BEGIN", "COMMIT", "ROLLBACK")


class Counts:
    """Round trips by (where, kind); `where` is "request" (the calling thread) or "after" (any other thread)."""

    def __init__(self, engine: Any) -> None:
        self.main = threading.get_ident()
        self.by: Counter[tuple[str, str]] = Counter()
        self.lock = threading.Lock()
        self.last: list[str] = []  # what the last request sent, in order
        event.listen(engine, "before_cursor_execute", lambda *a, **k: self._add("statement", a[0], a[2]))
        event.listen(engine, "begin", lambda conn: self._add("BEGIN", conn))
        event.listen(engine, "commit", lambda conn: self._add("COMMIT", conn))
        event.listen(engine, "rollback", lambda conn: self._add("ROLLBACK", conn))

    def _add(self, kind: str, conn: Any, sql: str = "") -> None:
        if kind != "statement" and conn.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # the driver sends nothing
        if threading.current_thread().name == "people-refresh":
            return  # the background refresh of the people in memory, not a request's
        where = "request" if threading.get_ident() == self.main else "after"
        with self.lock:
            self.by[(where, kind)] += 1
            self.last.append(f"{where}: {sql or kind}"[:110].replace("\n", " "))

    def take(self) -> Counter[tuple[str, str]]:
        """The counts so far, reset."""
        with self.lock:
            out, self.by = self.by, Counter()
        return out


def _line(label: str, c: Counter[tuple[str, str]], n: int, where: str) -> str:
    parts = [sum(v for (w, k2), v in c.items() if k2 == k and (where == "all" or w == where)) / n for k in KINDS]
    total = sum(parts)
    return f"| {label} | {where} | " + " | ".join(f"{p:.2f}" for p in parts) + f" | **{total:.2f}** |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.roundtrips")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="the small seed instead of 100k items")
    parser.add_argument("--statements", action="store_true", help="print what each operation's last request sent")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL

    from bot.app import create_app
    from bot.clock import SystemClock
    from bot.listeners import outbox
    from bot.settings import Settings
    from bot.slack.client import make_client
    from bot.slack.drainer import Drainer
    from bot.web import make_wsgi
    from storage.db import Database

    bench_db = databases.create(args.db)
    db = Database(bench_db.url)
    lines = [
        "| request | where | statements | BEGIN | COMMIT | ROLLBACK | round trips |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        db.migrate()
        seed.seed(db, sizes)
        with FakeSlackAPI(bench_world(sizes.people, sizes.channels), token=slackreq.TOKEN) as api:
            settings = Settings(
                database_url=bench_db.url,
                slack_signing_secret=slackreq.SECRET,
                slack_bot_token=slackreq.TOKEN,
                slack_api_url=api.url,
                log_level="WARNING",
            )
            app = create_app(settings, SystemClock(), db, token_verification=False, people_in_memory=True)
            wsgi = make_wsgi(app, db)
            client = make_client(settings)
            drainer = Drainer(db, SystemClock(), lambda _team: client, per_channel_per_second=0)
            counts = Counts(db.engine)
            n = args.requests
            builders = {
                "list": slackreq.list_command(sizes, api.url),
                "add": slackreq.add_command(sizes, api.url, "rt"),
                "assign": slackreq.assign_command(sizes, api.url, "rt"),
                "done": slackreq.done_click(sizes, api.url, 0),
            }

            def call(body: tuple[str, bytes]) -> None:
                status: list[str] = []
                out = b"".join(wsgi(_environ(*body), lambda s, h, *_: status.append(s)))
                if not status[0].startswith("200"):
                    raise SystemExit(f"{status[0]} {out[:300]!r}")

            warm = iter(range(10_000, 10_050))
            for op in OPS:
                build = builders[op]
                if op == "done":
                    build = slackreq.done_click(sizes, api.url, 100)  # the warm-up clicks take items 0…
                    for i in range(5):
                        call(slackreq.done_click(sizes, api.url, 0)(i))
                else:
                    for _ in range(5):
                        call(build(next(warm)))
                outbox.wait_idle()
                drainer.drain()
                counts.take()
                for i in range(n):
                    counts.last = []
                    call(build(i))
                    outbox.wait_idle()  # one request's after-answer work before the next request
                c = counts.take()
                if args.statements:
                    print(f"{op}:", *counts.last, sep="\n  ")
                lines.append(_line(f"`{op}`", c, n, "request"))
                if any(w == "after" for w, _ in c):
                    lines.append(_line(f"`{op}`", c, n, "after"))
                report = drainer.drain()
                d = counts.take()
                if report.sent:
                    lines.append(
                        _line(f"`{op}`: drainer, per message ({len(report.sent)})", d, len(report.sent), "all")
                    )
            outbox.finish_pending()
    finally:
        db.engine.dispose()
        bench_db.drop()
    print(f"{args.db}, {sizes.name} seed, {args.requests} requests each (per request):\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
