"""Logging: JSON lines for the services (with the request's team, kind and event id), never a token."""

from __future__ import annotations

import contextvars
import logging
import re
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("request_context", default=None)
_SECRET = re.compile(r"\b(xox[abpers]|xapp|xoxe(?:\.xox[bp])?)-[A-Za-z0-9-]+")
# A calendar feed link is a bearer capability: whoever has the path reads the person's deadlines.
_FEED = re.compile(r"(/calendar/)[A-Za-z0-9_-]+(?:\.[0-9a-f]+)?(\.ics)")
# gunicorn logs through its own handlers (request paths at DEBUG), so its loggers get the filter themselves.
_FOREIGN_LOGGERS = ("gunicorn.error", "gunicorn.access")


def redact(text: str) -> str:
    """Replace anything that looks like a Slack token or a calendar feed token."""
    return _FEED.sub(r"\1[redacted]\2", _SECRET.sub(lambda m: m.group(1) + "-[redacted]", text))


class RedactFilter(logging.Filter):
    """Tokens never reach a log line, whatever logged them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _SECRET.search(message) or _FEED.search(message):
            record.msg, record.args = redact(message), None
        return True


class ContextFilter(logging.Filter):
    """Adds the current request's team, kind and event/trigger id to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (request_context.get() or {}).items():
            setattr(record, key, value)
        return True


def configure(level: str, *, json_lines: bool) -> None:
    """Root logging: JSON for servers and workers, plain text for people at a console."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"levelname": "level", "asctime": "time"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level))
    for name in _FOREIGN_LOGGERS:
        foreign = logging.getLogger(name)
        if not any(isinstance(f, RedactFilter) for f in foreign.filters):
            foreign.addFilter(RedactFilter())


def describe_request(body: dict[str, Any]) -> dict[str, str]:
    """What to stamp on the log lines of one Slack request."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    out = {"team_id": str(team)}
    if body.get("event_id"):
        out.update(kind=f"event:{(body.get('event') or {}).get('type', '')}", event_id=str(body["event_id"]))
    elif body.get("command"):
        out.update(kind=f"command:{body['command']}", trigger_id=str(body.get("trigger_id", "")))
    elif body.get("type"):
        out.update(kind=str(body["type"]), trigger_id=str(body.get("trigger_id", "")))
    return out
