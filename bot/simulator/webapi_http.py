"""HTTP plumbing of the fake Slack: body parsing, answers, and a quiet threaded server."""

import json
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, cast
from urllib.parse import parse_qsl, urlsplit

JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata", "options", "unfurls", "outputs")


@dataclass
class Answer:
    """An HTTP answer to write back."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    """Build a JSON answer."""
    return Answer(status, json.dumps(payload).encode(), headers=headers or {})


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """Fields of a multipart/form-data body: file parts as bytes, the others as text."""
    params: dict[str, Any] = {}
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            params[name] = payload if part.get_filename() else payload.decode("utf-8", errors="replace")
    return params


def _json_object(text: str) -> dict[str, Any]:
    """A JSON object body; anything else (blank, malformed, not an object) counts as no params."""
    try:
        decoded = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _decode_json_fields(params: dict[str, Any]) -> None:
    """Form posts carry blocks, view and the like as JSON strings: decode those that parse."""
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                params[key] = json.loads(value)
            except json.JSONDecodeError:
                pass


def parse_body(raw: bytes, content_type: str, query: str) -> dict[str, Any]:
    """Merge query-string and body params (form, JSON or multipart) and decode JSON-string fields."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    ctype = content_type.split(";")[0].strip().lower()
    text = raw.decode("utf-8", errors="replace")
    if ctype == "multipart/form-data":
        params.update(_multipart(raw, content_type))
    elif ctype == "application/json" or (ctype != "application/x-www-form-urlencoded" and text.startswith("{")):
        params.update(_json_object(text))
    elif text:
        params.update(parse_qsl(text, keep_blank_values=True))
    _decode_json_fields(params)
    return params


class RequestSink(Protocol):
    """Whatever answers the requests (FakeSlackAPI)."""

    def handle_request(self, path: str, query: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Answer one request."""
        ...


class QuietServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its sink and stays quiet about clients that hung up."""

    daemon_threads = True
    sink: RequestSink

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore errors from clients that went away (timeouts, aborted retries)."""


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, lets the sink answer it, writes the answer."""

    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        """Handle GET and POST alike."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer = cast(QuietServer, self.server).sink.handle_request(split.path, split.query, headers, raw)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Connection", "close")
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)
        self.close_connection = True

    def do_POST(self) -> None:
        """POST handler."""
        self._serve()

    def do_GET(self) -> None:
        """GET handler."""
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging."""


def serve(sink: RequestSink, name: str) -> tuple[QuietServer, threading.Thread]:
    """Bind 127.0.0.1 on a free port and serve `sink` from a daemon thread."""
    server = QuietServer(("127.0.0.1", 0), _Handler)
    server.sink = sink
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005}, name=name, daemon=True)
    thread.start()
    return server, thread
