"""Log lines: JSON with the request's team and ids, and never a token."""

from __future__ import annotations

import io
import json
import logging

from bot.logs import ContextFilter, RedactFilter, describe_request, redact, request_context


def test_tokens_are_redacted_wherever_they_appear() -> None:
    line = "auth failed for xoxb-1234-5678-abcdef and xapp-1-A0-99 and xoxe.xoxb-1-abc; xoxp-9 too"
    out = redact(line)
    assert "1234" not in out and "A0-99" not in out and "abc" not in out
    assert out.count("[redacted]") == 4


def test_json_lines_carry_the_request_context_and_no_secret() -> None:
    from pythonjsonlogger.json import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactFilter())
    handler.addFilter(ContextFilter())
    log = logging.getLogger("test.logs")
    log.addHandler(handler)
    log.propagate = False
    body = {"team_id": "T1", "event_id": "Ev9", "event": {"type": "message"}}
    token = request_context.set(describe_request(body))
    try:
        log.warning("could not post with %s", "xoxb-secret-token")
    finally:
        request_context.reset(token)
        log.removeHandler(handler)
    record = json.loads(stream.getvalue())
    assert record["team_id"] == "T1" and record["event_id"] == "Ev9" and record["kind"] == "event:message"
    assert "secret-token" not in stream.getvalue()


def test_calendar_feed_tokens_are_redacted_in_our_lines_and_gunicorns() -> None:
    from bot.logs import configure

    line = "GET /calendar/KVb0DrMjVxaLgcM1KRVfkPpd.bd4d2dd125a80ccac4bb.ics and /calendar/KVb0DrMjVxaLgcM1.ics"
    assert redact(line) == "GET /calendar/[redacted].ics and /calendar/[redacted].ics"
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("INFO", json_lines=True)
        gunicorn = logging.getLogger("gunicorn.error")  # logs request paths through its own handlers
        assert any(isinstance(f, RedactFilter) for f in gunicorn.filters)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
