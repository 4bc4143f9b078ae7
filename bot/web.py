"""The WSGI front: health probes, request guards, then Bolt at POST /slack/events."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.clock import Clock, SystemClock
from bot.services import calendar
from storage.db import Database

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

MAX_BODY_BYTES = 1_000_000
EVENTS_PATH = "/slack/events"
WsgiApp = Callable[["WSGIEnvironment", "StartResponse"], Iterable[bytes]]


def _answer(start_response: StartResponse, status: str, body: dict[str, Any]) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def _discard(environ: WSGIEnvironment, length: int) -> None:
    """Read and drop a refused body (up to 16 MB) so the client sees our 413, not a reset connection."""
    stream = environ.get("wsgi.input")
    remaining = min(length, 16 * MAX_BODY_BYTES)
    while stream is not None and remaining > 0:
        chunk = stream.read(min(65536, remaining))
        if not chunk:
            break
        remaining -= len(chunk)


def _refuse_early(environ: WSGIEnvironment, start_response: StartResponse, method: str) -> list[bytes] | None:
    """Answer a POST to the events path that Bolt should never see (wrong method, oversized body, bad timestamp)."""
    if method != "POST":
        return _answer(start_response, "405 Method Not Allowed", {"error": "POST only"})
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > MAX_BODY_BYTES:
        _discard(environ, length)
        return _answer(start_response, "413 Content Too Large", {"error": "request body too large"})
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    # ASCII digits only: str.isdigit() also takes "²", which int() then refuses inside Bolt's verifier.
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return _answer(start_response, "400 Bad Request", {"error": "invalid request timestamp"})
    return None


class _BoltHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, with one parsing fix: a form body that mentions "payload" stays a form."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        # Bolt takes any form body containing the word "payload" for an interactivity payload, so a slash command
        # whose text says "payload" parsed to nothing and matched no listener (the user saw a 404). Such a body is
        # parsed again as the plain form it is; Bolt still checks the signature over the unchanged raw body.
        bolt_request = BoltRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers())
        raw = bolt_request.raw_body
        is_form = raw and not raw.startswith("{") and bolt_request.content_type != "application/json"
        if not bolt_request.body and is_form:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            if form and "payload" not in form:
                bolt_request.body = form
                bolt_request.context = build_context(BoltContext({}), form)
        return self.app.dispatch(bolt_request)


def _calendar(
    db: Database, clock: Clock, secret_key: str | None, start_response: StartResponse, token: str
) -> list[bytes]:
    """Serve one person's calendar feed by its token."""
    try:
        with db.session(readonly=True) as session:
            owner = calendar.owner_of(session, token, secret_key)
            body = calendar.build_feed(session, clock, owner) if owner else None
    except (OperationalError, PoolTimeout):
        # Calendar apps poll; a 503 with Retry-After makes them come back instead of dropping the feed.
        start_response("503 Service Unavailable", [("Content-Type", "application/json"), ("Retry-After", "60")])
        return [json.dumps({"error": "the database is not answering; try again in a minute"}).encode()]
    if body is None:
        return _answer(start_response, "404 Not Found", {"error": "no such calendar feed"})
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "private, max-age=300"),
        ],
    )
    return [body]


def make_wsgi(app: App, db: Database, *, clock: Clock | None = None, secret_key: str | None = None) -> WsgiApp:
    """Route /healthz, /readyz and Slack's POSTs; refuse oversized bodies and malformed timestamps early."""
    bolt = _BoltHandler(app, path=EVENTS_PATH)
    feed_clock = clock or SystemClock()

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            return _answer(start_response, "200 OK", {"status": "ok"})
        if path.startswith("/calendar/") and path.endswith(".ics") and method == "GET":
            token = path.removeprefix("/calendar/").removesuffix(".ics")
            return _calendar(db, feed_clock, secret_key, start_response, token)
        if path == "/readyz":
            ready = db.ready()
            status = "200 OK" if ready else "503 Service Unavailable"
            return _answer(start_response, status, {"status": "ready" if ready else "not ready"})
        if path == EVENTS_PATH:
            refused = _refuse_early(environ, start_response, method)
            if refused is not None:
                return refused
        return bolt(environ, start_response)

    return wsgi
