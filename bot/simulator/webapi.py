"""A real loopback HTTP server that impersonates the Slack Web API, response_urls and file uploads."""

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from bot.simulator.webapi_chat import ChatMethods
from bot.simulator.webapi_faults import Fault, Faults
from bot.simulator.webapi_groups import UserGroupMethods
from bot.simulator.webapi_http import Answer, QuietServer, json_answer, parse_body, serve
from bot.simulator.webapi_methods import SlackState
from bot.simulator.webapi_views import ViewMethods
from bot.simulator.world import World

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake Slack received: Web API method, 'response_url' or 'upload'."""

    method: str
    params: dict[str, Any]
    status: int
    at: float
    token: str | None = None
    response: dict[str, Any] | None = None


class FakeSlackAPI:
    """Loopback Slack Web API: records every call, supports fault injection and rate limits."""

    def __init__(self, world: World, token: str = "xoxb-sim-token") -> None:
        self.world = world
        self.token = token
        self.valid_tokens: set[str] = {token}
        # OAuth: tokens issued by oauth.v2.access, the team each speaks for, and live refresh tokens.
        self.token_teams: dict[str, str] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.oauth_grants = 0
        self.on_call: Callable[[RecordedCall], None] | None = None
        self.state = SlackState(world)
        self.chat = ChatMethods(self.state)
        self.chat.register()
        ViewMethods(self.state).register()
        UserGroupMethods(self.state).register()
        self.messages = self.state.messages
        self.ephemerals = self.state.ephemerals
        self.views = self.state.views
        self.home_views = self.state.home_views
        self.uploads = self.state.uploads
        self.files = self.state.files
        self._calls: list[RecordedCall] = []
        self._lock = threading.Lock()
        self._response_contexts: dict[str, dict[str, Any]] = {}
        self._server: QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._faults = Faults(self.state, self._stopping)

    # ---- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread (returns once bound)."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server, self._thread = serve(self, "fake-slack-api")
        self.state.server_root = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self

    def stop(self) -> None:
        """Shut the server down and join its thread."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def root(self) -> str:
        """'http://127.0.0.1:<port>' of the running server."""
        if not self.state.server_root or self._server is None:
            raise RuntimeError("FakeSlackAPI is not started")
        return self.state.server_root

    @property
    def url(self) -> str:
        """Base URL for slack_sdk: WebClient(base_url=api.url)."""
        return f"{self.root}/api/"

    # ---- recording -----------------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """A copy of every recorded call, oldest first."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        """Recorded calls to one method."""
        return [c for c in self.calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls (state such as messages and views is kept)."""
        with self._lock:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Poll until at least `count` calls to `method` were recorded; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                seen = [c.method for c in self.calls]
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, got {len(found)}; calls so far: {seen}"
                )
            time.sleep(0.02)

    def record(self, call: RecordedCall) -> None:
        """Append a call and notify `on_call` for successful ones."""
        with self._lock:
            self._calls.append(call)
        listener = self.on_call
        ok = call.response is None or call.response.get("ok", True) is not False
        if listener is not None and call.status == 200 and ok:
            try:
                listener(call)
            except Exception:
                log.exception("FakeSlackAPI.on_call listener failed for %s", call.method)

    # ---- helpers shared with the sender --------------------------------------------------------------

    def new_response_url(
        self, *, channel_id: str | None = None, user_id: str | None = None, message_ts: str | None = None
    ) -> str:
        """Issue a loopback response_url; POSTs are recorded as 'response_url' and applied to `messages`."""
        ident = secrets.token_hex(8)
        with self._lock:
            self._response_contexts[ident] = {"channel": channel_id, "user": user_id, "message_ts": message_ts}
        return f"{self.root}/response/{ident}"

    def response_url_calls(self, url: str | None = None) -> list[RecordedCall]:
        """Recorded response_url posts, optionally only those to one URL."""
        calls = self.calls_to("response_url")
        if url is None:
            return calls
        wanted = url.rstrip("/").rsplit("/", 1)[-1]
        return [c for c in calls if c.params.get("response_url_id") == wanted]

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a single-use trigger id for views.open/views.push."""
        return self.state.new_trigger_id(user_id)

    def next_ts(self) -> str:
        """A unique, increasing message ts (shared by bot and simulated-user messages)."""
        return self.state.next_ts()

    def record_message(self, channel_id: str, message: dict[str, Any]) -> None:
        """Store a message as if it had been posted in the channel."""
        self.state.record_message(channel_id, message)

    def last_message(self, channel: str) -> dict[str, Any] | None:
        """The newest stored message in a channel (id, '#name' or user id for their DM)."""
        resolved = self.state.resolve_channel(channel) or self.world.channel_by_name(channel)
        found = self.messages.get(resolved.id if resolved else channel, [])
        return found[-1] if found else None

    # ---- fault injection -----------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        empty_body: bool = False,
    ) -> None:
        """Make the next `times` calls to `method` fail (error -> 200 ok:false; status 200 -> only delay)."""
        self._faults.add(method, Fault(status, retry_after, error, delay, empty_body, times))

    def clear_faults(self, method: str | None = None) -> None:
        """Forget scripted failures still queued (for one method, or all): the outage is over."""
        self._faults.clear(method)

    def rate_limit(self, per_channel_per_second: float | None, per_workspace_per_second: float | None) -> None:
        """Rate-limit chat.postMessage per channel and/or per workspace (None disables a limit)."""
        self._faults.rate_limit(per_channel_per_second, per_workspace_per_second)

    # ---- request handling ----------------------------------------------------------------------------

    def handle_request(self, path: str, query: str, headers: dict[str, str], raw: bytes) -> Answer:
        """Route one HTTP request to the Web API, a response_url or an upload URL."""
        parts = [p for p in path.split("/") if p]
        if len(parts) == 2 and parts[0] == "response":
            return self._handle_simple("response_url", parts[1], headers, raw, query)
        if len(parts) == 2 and parts[0] == "upload":
            return self._handle_simple("upload", parts[1], headers, raw, query)
        if parts and parts[0] == "api":
            parts = parts[1:]
        method = parts[0] if len(parts) == 1 else "/".join(parts)
        params = parse_body(raw, headers.get("content-type", ""), query)
        token = params.pop("token", None)
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[7:].strip()
        return self._handle_api(method, params, token if isinstance(token, str) else None)

    def _finish(self, method: str, params: dict[str, Any], answer: Answer, token: str | None = None) -> Answer:
        """Record a call with its answer and return the answer."""
        response: dict[str, Any] | None = None
        if answer.content_type.startswith("application/json") and answer.body:
            response = json.loads(answer.body)
        self.record(RecordedCall(method, params, answer.status, time.time(), token, response))
        return answer

    def _oauth_access(self, params: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: `code` like "code-T0OTHER" (add "-rotating" for expiring tokens), or a refresh."""
        with self._lock:
            self.oauth_grants += 1
            grant = str(params.get("grant_type") or "authorization_code")
            if grant == "refresh_token":
                team = self.refresh_tokens.pop(str(params.get("refresh_token")), None)
                if team is None:
                    return {"ok": False, "error": "invalid_refresh_token"}
                rotating = True
            else:
                code = str(params.get("code") or "")
                if not code.startswith("code-"):
                    return {"ok": False, "error": "invalid_code"}
                team, _, flag = code.removeprefix("code-").partition("-")
                rotating = flag == "rotating"
            token = f"xoxb-{team}-{secrets.token_hex(4)}"
            self.valid_tokens.add(token)
            self.token_teams[token] = team
            body: dict[str, Any] = {
                "ok": True,
                "access_token": token,
                "token_type": "bot",
                "scope": "chat:write,commands,users:read",
                "bot_user_id": self.world.bot_user_id,
                "app_id": self.world.app_id,
                "team": {"id": team, "name": f"Team {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": "U0ALICE"},
            }
            if rotating:
                refresh = f"xoxe-1-{secrets.token_hex(6)}"
                self.refresh_tokens[refresh] = team
                body.update(refresh_token=refresh, expires_in=43200)
            return body

    def _handle_api(self, method: str, params: dict[str, Any], token: str | None) -> Answer:
        """Answer a Web API method call."""
        faulted = self._faults.intercept(method)
        if faulted is not None:
            return self._finish(method, params, faulted, token)
        if method == "oauth.v2.access":
            return self._finish(method, params, json_answer(200, self._oauth_access(params)), token)
        if method not in self.state.methods:
            return self._finish(method, params, json_answer(200, {"ok": False, "error": "unknown_method"}), token)
        if token is None or token not in self.valid_tokens:
            error = "not_authed" if not token else "invalid_auth"
            return self._finish(method, params, json_answer(200, {"ok": False, "error": error}), token)
        if method == "chat.postMessage":
            retry_after = self._faults.rate_limited(params)
            if retry_after is not None:
                body = {"ok": False, "error": "ratelimited"}
                answer = json_answer(429, body, {"Retry-After": str(retry_after)})
                return self._finish(method, params, answer, token)
        result = self.state.handle(method, params)
        if method == "auth.test" and token in self.token_teams and result.get("ok"):
            result = {**result, "team_id": self.token_teams[token]}
        headers = {"X-OAuth-Scopes": "chat:write,commands,users:read,channels:read"} if method == "auth.test" else {}
        return self._finish(method, params, json_answer(200, result, headers), token)

    def _handle_simple(self, kind: str, ident: str, headers: dict[str, str], raw: bytes, query: str) -> Answer:
        """Answer a response_url POST or a file upload."""
        faulted = self._faults.intercept(kind)
        if faulted is not None:
            return self._finish(kind, {"id": ident}, faulted)
        if kind == "upload":
            if ident not in self.state.files:
                return self._finish(kind, {"file_id": ident}, Answer(404, b"Not Found", "text/plain"))
            with self.state.lock:
                self.uploads[ident] = raw
            params: dict[str, Any] = {"file_id": ident, "size": len(raw)}
            return self._finish(kind, params, Answer(200, b"OK", "text/plain"))
        params = parse_body(raw, headers.get("content-type", "application/json"), query)
        with self._lock:
            context = self._response_contexts.get(ident)
        if context is not None:
            self.chat.apply_response(context, params)
        params["response_url_id"] = ident
        return self._finish(kind, params, Answer(200, b"ok", "text/html"))
