"""gunicorn with threaded (gthread) workers: requests run concurrently, each answered when its listener returns."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

from bot.settings import Settings


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
        app = create_app(self._settings, SystemClock(), db, token_verification=False)
        wsgi = make_wsgi(app, db, secret_key=self._settings.secret("followthrough_secret_key"))
        # Everything built so far (modules, the app, SQLAlchemy's metadata) lives as long as the worker. Left to the
        # cyclic collector, each full collection walked all ~170,000 of those objects: 100–200 ms pauses that showed
        # up as the slowest requests. Frozen, collections only look at what requests create.
        gc.collect()
        gc.freeze()
        return wsgi


def serve(settings: Settings, *, host: str, port: int, workers: int, threads: int) -> None:
    """Block serving HTTP until SIGTERM/SIGINT; in-flight requests finish within the graceful timeout."""
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
    }
    _Gunicorn(settings, options).run()
