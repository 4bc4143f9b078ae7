"""gunicorn with threaded (gthread) workers: requests run concurrently, each answered when its listener returns."""

from __future__ import annotations

import gc
import logging
from typing import Any

from gunicorn.app.base import BaseApplication
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import Settings

log = logging.getLogger(__name__)
_DRAINER: list[Any] = []  # this worker's outbox drainer, stopped when it exits


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
        from bot.jobs.runtime import build_runtime
        from bot.web import make_wsgi
        from storage.db import Database

        db = Database(self._settings.database_url)
        app = create_app(self._settings, SystemClock(), db, token_verification=False, people_in_memory=True)
        wsgi = make_wsgi(app, db, secret_key=self._settings.secret("followthrough_secret_key"))
        # This worker's drainer sends what its requests queued, woken as each request's transaction commits.
        drainer = build_runtime(self._settings, db, SystemClock()).drainer
        drainer.start()
        _DRAINER.append(drainer)
        # A connection for each request thread and the after-answer pool, opened now rather than by the first burst
        # (a new PostgreSQL connection costs a backend start and its first look at each table).
        try:
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
    for drainer in _DRAINER:
        drainer.stop()  # sends what is ready before the worker exits


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Serve HTTP until SIGTERM/SIGINT; in-flight requests finish within the graceful timeout."""
    # In-flight requests finish within the graceful timeout. Each worker runs an outbox drainer thread that posts what
    # its answers queued (thread confirmations, DMs, card redraws).
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
        # A worker stopping gracefully finishes the work its answers left (a Done click's write) before it exits.
        "worker_exit": _finish_after_answer_work,
    }
    _Gunicorn(settings, options).run()
