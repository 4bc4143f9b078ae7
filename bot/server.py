"""gunicorn with threaded (gthread) workers: requests run concurrently, each answered when its listener returns."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings

log = logging.getLogger(__name__)
# The sender runs at the web workers' priority. Niced (it was 5), it was preempted while it held SQLite's write
# lock — taking a batch, writing a capture — and every web worker's write waited for it (docs/benchmarks.md,
# round 5). `followthrough sender --nice N` still lowers it, for a deployment on PostgreSQL that wants that.
SENDER_NICENESS = 0


class _Sender:
    """The `followthrough sender` process beside gunicorn's workers: started when gunicorn is ready, stopped (after
    the batch in hand) when it exits."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, _server: Any) -> None:
        argv = [sys.executable, "-m", "bot.cli", "sender", "--nice", str(SENDER_NICENESS)]
        self.proc = subprocess.Popen(argv)
        log.info("sender process %s started", self.proc.pid)

    def stop(self, _server: Any) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Built in each worker after the fork, so no database connection crosses a fork.
        from bot.app import create_app
        from bot.clock import SystemClock
        from bot.web import make_wsgi
        from storage.db import Database

        db = Database(self._settings.database_url)
        # Messages queued for after an answer are sent by the sender process (below), not by the workers.
        app = create_app(
            self._settings, SystemClock(), db, token_verification=False, sends_own_messages=False, people_in_memory=True
        )
        wsgi = make_wsgi(app, db, secret_key=self._settings.secret("followthrough_secret_key"))
        # PostgreSQL: a connection for each request thread and the after-answer pool, opened now rather than by the
        # first burst. (SQLite connections start cheaply; keeping more of them in rotation measured slower.)
        try:
            if db.commits_each_statement:
                db.warm(int(self._options.get("threads", 1)) + 2)
        except SQLAlchemyError as exc:  # a database down or behind at start: requests open their own, as before
            log.warning("could not open the database connections ahead of requests: %s", str(exc).splitlines()[0])
        # Everything built so far (modules, the app, SQLAlchemy's metadata) lives as long as the worker. Left to the
        # cyclic collector, each full collection walked all ~170,000 of those objects: 100–200 ms pauses that showed
        # up as the slowest requests. Frozen, collections only look at what requests create.
        gc.collect()
        gc.freeze()
        return wsgi


def _finish_after_answer_work(server: object, worker: object) -> None:
    from bot.listeners import outbox

    outbox.finish_pending()


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Block serving HTTP until SIGTERM/SIGINT; in-flight requests finish within the graceful timeout. A sender
    process beside the workers posts what their answers left queued (thread confirmations, DMs, card redraws)."""
    sender = _Sender()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "loglevel": settings.log_level.lower(),
        "limit_request_line": 8190,
        "when_ready": sender.start,
        "on_exit": sender.stop,
        # A worker stopping gracefully finishes the work its answers left (a Done click's write) before it exits.
        "worker_exit": _finish_after_answer_work,
    }
    _Gunicorn(settings, options).run()
