"""Where one request's CPU goes: the ack path in-process (the WSGI app `serve` runs, called directly, no sockets),
over the seeded workspace, timed per request and optionally profiled.

    python -m bench.profile --db sqlite --op list --requests 300 [--profile]

It answers "how much of a request is ours?" without the load generator's noise; `python -m bench` is the figure
of record.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import statistics
import sys
import time
from typing import Any

from bench import databases, seed, slackreq
from bench.fakeslack import bench_world
from bench.sizes import FULL, SMOKE
from bot.simulator.webapi import FakeSlackAPI

OPS = ("list", "add", "assign", "done", "message")


def _environ(content_type: str, body: bytes) -> dict[str, Any]:
    ts = str(int(time.time()))
    raw = slackreq.http_request("127.0.0.1", 80, content_type, body, now=int(ts))
    head = raw.split(b"\r\n\r\n", 1)[0].decode().split("\r\n")[1:]
    headers = dict(line.split(": ", 1) for line in head)
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--op", choices=OPS, default="list")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--smoke", action="store_true", help="the small seed instead of 100k items")
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile by cumulative time")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after the warm-up, as `serve` does")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL

    from bot.app import create_app
    from bot.clock import SystemClock
    from bot.listeners import outbox
    from bot.settings import Settings
    from bot.web import make_wsgi
    from storage.db import Database

    bench_db = databases.create(args.db)
    db = Database(bench_db.url)
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
            # As `serve` makes it (people in memory), without its drainer thread: what the answers queue stays in the
            # outbox, so the timings are the requests' own.
            app = create_app(settings, SystemClock(), db, token_verification=False, people_in_memory=True)
            wsgi = make_wsgi(app, db)
            build = {
                "list": slackreq.list_command(sizes, api.url),
                "add": slackreq.add_command(sizes, api.url, "prof"),
                "assign": slackreq.assign_command(sizes, api.url, "prof"),
                "done": slackreq.done_click(sizes, api.url, 0),
                "message": slackreq.marker_message(sizes, "prof"),
            }[args.op]
            bodies = [build(n) for n in range(args.requests + 20)]

            def call(n: int) -> None:
                status: list[str] = []
                out = b"".join(wsgi(_environ(*bodies[n]), lambda s, h, *_: status.append(s)))
                if not status[0].startswith("200"):
                    raise SystemExit(f"request {n}: {status[0]} {out[:300]!r}")

            for n in range(20):  # warm-up: caches, pools, first auth.test
                call(n)
            if args.freeze:
                gc.collect()
                gc.freeze()
            profiler = cProfile.Profile() if args.profile else None
            times = []
            if profiler:
                profiler.enable()
            for n in range(20, 20 + args.requests):
                t0 = time.perf_counter()
                call(n)
                times.append(time.perf_counter() - t0)
            if profiler:
                profiler.disable()
            outbox.finish_pending()  # the after-answer jobs still need the fake Slack and the database
            times.sort()
            print(
                f"{args.op} on {args.db}: {args.requests} requests, p50 {statistics.median(times) * 1000:.2f} ms, "
                f"p90 {times[int(len(times) * 0.9)] * 1000:.2f} ms, mean {statistics.fmean(times) * 1000:.2f} ms"
            )
            if profiler:
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(45)
                stats.sort_stats("tottime").print_stats(25)
    finally:
        db.engine.dispose()
        bench_db.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
