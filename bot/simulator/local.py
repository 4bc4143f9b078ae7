"""The real app, served on loopback against the fake Slack Web API: used by `shell` and the tests."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Self
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from bot.app import create_app
from bot.clock import Clock, SystemClock
from bot.jobs.runtime import installed_clients
from bot.listeners import outbox
from bot.settings import Settings, load_settings
from bot.simulator.client import SlackSender
from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import World, default_world
from bot.slack.client import make_client
from bot.slack.directory import PeopleDirectory
from bot.slack.drainer import Drainer
from bot.web import WsgiApp, make_wsgi
from storage.db import Database

SIGNING_SECRET = "simulator-signing-secret"
BOT_TOKEN = "xoxb-sim-token"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return None


@contextmanager
def serve_wsgi(wsgi: WsgiApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve a WSGI app on a free loopback port in a thread; yields its base URL."""
    server = make_server(host, 0, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class LocalBot:
    """World + fake Web API + database + the Bolt app over HTTP + a signed-request sender."""

    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        world: World | None = None,
        migrate: bool = True,
        oauth: bool = False,
        secret_key: str | None = None,
        drains: bool = True,
    ) -> None:
        self.world = world or default_world()
        self.clock = clock or SystemClock()
        self.api = FakeSlackAPI(self.world, token=BOT_TOKEN)
        self.db = Database(database_url)
        if migrate:
            self.db.migrate()
        self.settings: Settings | None = None
        self.url = ""
        self.oauth = oauth
        self.secret_key = secret_key
        # True: after each request, the outbox is drained (synchronously) — the production drainer, run in step.
        self.drains = drains

    def start(self) -> Self:
        """Start the fake API and the app; sync the people cache like a fresh install would."""
        self.api.start()
        env = {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": self.api.url, "DATABASE_URL": self.db.url}
        if self.secret_key:
            env["FOLLOWTHROUGH_SECRET_KEY"] = self.secret_key
        if self.oauth:  # many workspaces: installs through /slack/install, tokens in the database
            env.update(
                SLACK_CLIENT_ID="1234.5678",
                SLACK_CLIENT_SECRET="sim-client-secret",
                SLACK_STATE_SECRET="sim-state-secret",
            )
        else:
            env["SLACK_BOT_TOKEN"] = BOT_TOKEN
        self.settings = load_settings(env)
        self.client = make_client(self.settings, token="" if self.oauth else None, retries=2)
        self.app = create_app(self.settings, self.clock, self.db, self.client)
        clients = installed_clients(self.settings, self.db, self.clock) if self.oauth else None
        fixed = self.client
        self.drainer = Drainer(
            self.db, self.clock, clients or (lambda _team: fixed), per_channel_per_second=0, per_workspace_per_second=0
        )
        self._cm = serve_wsgi(make_wsgi(self.app, self.db, clock=self.clock, secret_key=self.secret_key))
        self.url = self._cm.__enter__()
        self.sender = SlackSender(f"{self.url}/slack/events", SIGNING_SECRET, self.world, self.api)
        self._enqueued = threading.Event()  # set by each commit that queued a message, as the drainer thread is
        self.db.on_outbox_commit(self._enqueued.set)
        self.sender.settle = self.settle
        if not self.oauth:
            PeopleDirectory(self.db, self.clock).sync(self.client, self.world.team_id)
        return self

    def settle(self, timeout: float = 10.0) -> bool:
        """After a request: wait for the work its answer left, then send what it queued, as the drainer would."""
        idle = outbox.wait_idle(timeout)
        if self.drains and self._enqueued.is_set():
            self._enqueued.clear()
            self.drainer.drain()
        return idle

    def stop(self) -> None:
        """Stop serving and close connections."""
        if self.url:
            self._cm.__exit__(None, None, None)
            self.url = ""
        self.api.stop()
        self.db.dispose()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


logging.getLogger("slack_bolt").setLevel(logging.WARNING)
