"""Web API method implementations and the simulated server-side state behind them."""

import base64
import binascii
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from bot.simulator.world import SimChannel, World

Params = dict[str, Any]
Response = dict[str, Any]
Method = Callable[[Params], Response]


class ApiError(Exception):
    """A Web API error answered as HTTP 200 {"ok": false, "error": ...}."""

    def __init__(self, error: str, messages: list[str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.messages = messages or []

    def to_response(self) -> Response:
        """Render as a Slack error body."""
        body: Response = {"ok": False, "error": self.error}
        if self.messages:
            body["errors"] = list(self.messages)
            body["response_metadata"] = {"messages": [f"[ERROR] {m}" for m in self.messages]}
        return body


def text_param(params: Params, key: str, *, required: bool = False, error: str = "invalid_arguments") -> str:
    """Read a string parameter ('' when absent); raise `error` when required and missing."""
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise ApiError(error, [f"missing required field: {key}"] if error == "invalid_arguments" else None)
        return ""
    return value if isinstance(value, str) else str(value)


def int_param(params: Params, key: str, default: int = 0) -> int:
    """Read an integer parameter sent as a number or numeric string."""
    value = params.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError("invalid_arguments", [f"{key} must be an integer"]) from exc


class SlackState:
    """Everything the fake Slack remembers: messages, views, files, trigger ids."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.lock = threading.RLock()
        self.server_root = ""
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemerals: dict[str, list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.view_owners: dict[str, str] = {}
        self.view_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, dict[str, Any]] = {}
        self.uploads: dict[str, bytes] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.triggers: dict[str, dict[str, Any]] = {}
        self.trigger_ttl: float | None = None
        self._last_us = 0
        self.methods: dict[str, Method] = {}
        self._register_core()

    # ---- ids -----------------------------------------------------------------------------------------

    def next_ts(self) -> str:
        """Return a unique, strictly increasing message timestamp like '1700000000.000100'."""
        with self.lock:
            now_us = int(time.time() * 1_000_000)
            self._last_us = max(now_us, self._last_us + 1)
            return f"{self._last_us // 1_000_000}.{self._last_us % 1_000_000:06d}"

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """Issue a trigger id (single use; optionally expiring after `trigger_ttl` seconds)."""
        trigger = f"{secrets.randbelow(10**11)}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[trigger] = {"user": user_id, "issued": time.monotonic(), "used": False}
        return trigger

    @staticmethod
    def new_id(prefix: str) -> str:
        """Return a Slack-looking id such as 'V0A1B2C3D4E'."""
        return prefix + secrets.token_hex(5).upper()

    # ---- dispatch ------------------------------------------------------------------------------------

    def handle(self, method: str, params: Params) -> Response:
        """Run one Web API method and return the full response body."""
        impl = self.methods.get(method)
        if impl is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            with self.lock:
                result = impl(params)
        except ApiError as exc:
            return exc.to_response()
        return {"ok": True, **result}

    def _register_core(self) -> None:
        """Fill the method table with the non-view methods."""
        self.methods.update(
            {
                "auth.test": self.auth_test,
                "team.info": self.team_info,
                "users.list": self.users_list,
                "users.info": self.users_info,
                "conversations.info": self.conversations_info,
                "conversations.open": self.conversations_open,
                "conversations.members": self.conversations_members,
                "conversations.history": self.conversations_history,
                "conversations.replies": self.conversations_replies,
            }
        )

    # ---- lookups -------------------------------------------------------------------------------------

    def resolve_channel(self, ref: str) -> SimChannel | None:
        """Map a channel id, '#name' or user id (their DM) to a channel, or None."""
        world = self.world
        if ref in world.channels:
            return world.channels[ref]
        if ref[:1] in ("U", "W") and ref in world.users:
            return world.dm_channel_for(ref)
        if ref.startswith("#"):
            return world.channel_by_name(ref)
        return None

    def visible_channel(self, params: Params, key: str = "channel") -> SimChannel:
        """Resolve a channel the bot can see (private channels need membership)."""
        channel = self.resolve_channel(text_param(params, key, required=True, error="channel_not_found"))
        if channel is None or (channel.is_private and self.world.bot_user_id not in channel.members):
            raise ApiError("channel_not_found")
        return channel

    def writable_channel(self, params: Params) -> SimChannel:
        """Resolve a channel the bot may post into."""
        channel = self.visible_channel(params)
        if not channel.is_im and self.world.bot_user_id not in channel.members:
            raise ApiError("not_in_channel")
        return channel

    def find_message(self, channel_id: str, ts: str) -> dict[str, Any] | None:
        """Return a stored message by channel and ts."""
        return next((m for m in self.messages.get(channel_id, []) if m.get("ts") == ts), None)

    def record_message(self, channel_id: str, message: dict[str, Any]) -> None:
        """Store a message (also used for messages 'typed' by simulated users)."""
        with self.lock:
            self.messages.setdefault(channel_id, []).append(message)
            parent_ts = message.get("thread_ts")
            parent = self.find_message(channel_id, parent_ts) if parent_ts else None
            if parent is not None and parent is not message:
                parent.setdefault("thread_ts", parent_ts)
                parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
                parent["latest_reply"] = message.get("ts")

    def bot_message(self, content: dict[str, Any], ts: str) -> dict[str, Any]:
        """Build a message authored by the app's bot user."""
        w = self.world
        return {
            "type": "message",
            "user": w.bot_user_id,
            "bot_id": w.bot_id,
            "app_id": w.app_id,
            "team": w.team_id,
            "ts": ts,
            **content,
            "bot_profile": {
                "id": w.bot_id,
                "app_id": w.app_id,
                "name": "followthrough",
                "team_id": w.team_id,
            },
        }

    # ---- auth / team / users -------------------------------------------------------------------------

    def auth_test(self, params: Params) -> Response:
        """auth.test for the bot token."""
        w = self.world
        bot = w.users.get(w.bot_user_id)
        return {
            "url": f"https://{w.team_domain}.slack.com/",
            "team": w.team_name,
            "user": bot.name if bot else "bot",
            "team_id": w.team_id,
            "user_id": w.bot_user_id,
            "bot_id": w.bot_id,
            "is_enterprise_install": False,
        }

    def team_info(self, params: Params) -> Response:
        """team.info."""
        w = self.world
        team = {
            "id": w.team_id,
            "name": w.team_name,
            "domain": w.team_domain,
            "email_domain": f"{w.team_domain}.example",
            "url": f"https://{w.team_domain}.slack.com/",
            "icon": {"image_default": True, "image_68": "https://a.slack-edge.com/sim/team_68.png"},
            "is_verified": False,
        }
        return {"team": team}

    def users_list(self, params: Params) -> Response:
        """users.list with cursor pagination."""
        users = list(self.world.users.values())
        start = 0
        cursor = text_param(params, "cursor")
        if cursor:
            try:
                wanted = base64.b64decode(cursor.encode(), validate=True).decode().removeprefix("user:")
            except (binascii.Error, UnicodeDecodeError) as exc:
                raise ApiError("invalid_cursor") from exc
            ids = [u.id for u in users]
            if wanted not in ids:
                raise ApiError("invalid_cursor")
            start = ids.index(wanted)
        limit = int_param(params, "limit")
        end = len(users) if limit <= 0 else min(len(users), start + limit)
        next_cursor = base64.b64encode(f"user:{users[end].id}".encode()).decode() if end < len(users) else ""
        return {
            "members": [u.to_slack(self.world.team_id) for u in users[start:end]],
            "cache_ts": int(time.time()),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def users_info(self, params: Params) -> Response:
        """users.info."""
        user = self.world.users.get(text_param(params, "user", required=True, error="user_not_found"))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.to_slack(self.world.team_id)}

    # ---- conversations -------------------------------------------------------------------------------

    def conversations_info(self, params: Params) -> Response:
        """conversations.info."""
        return {"channel": self.visible_channel(params).to_slack(self.world.bot_user_id)}

    def conversations_open(self, params: Params) -> Response:
        """conversations.open for a DM (one user) or a multi-person DM (several users)."""
        if params.get("channel"):
            channel = self.visible_channel(params)
        else:
            raw = params.get("users")
            ids = raw if isinstance(raw, list) else [u.strip() for u in str(raw or "").split(",") if u.strip()]
            ids = [i for i in ids if i != self.world.bot_user_id]
            if not ids:
                raise ApiError("users_list_not_supplied")
            if len(ids) > 8:
                raise ApiError("too_many_users")
            for user_id in ids:
                if user_id not in self.world.users:
                    raise ApiError("user_not_found")
            if len(ids) == 1:
                channel = self.world.dm_channel_for(ids[0])
            else:
                names = "--".join(self.world.users[i].name for i in ids)
                found = self.world.channel_by_name(f"mpdm-{names}-1")
                channel = found or self.world.add_channel(
                    "G" + secrets.token_hex(4).upper(),
                    f"mpdm-{names}-1",
                    [*ids, self.world.bot_user_id],
                    is_private=True,
                )
        if str(params.get("return_im", "")).lower() in ("1", "true"):
            return {"channel": channel.to_slack(self.world.bot_user_id)}
        return {"channel": {"id": channel.id}}

    def conversations_members(self, params: Params) -> Response:
        """conversations.members (single page); an install without the channel type's :read scope is refused."""
        channel = self.visible_channel(params)
        needed = "groups:read" if channel.is_private else "channels:read"
        if needed in self.world.missing_scopes:
            raise ApiError("missing_scope")
        return {"members": list(channel.members), "response_metadata": {"next_cursor": ""}}

    def conversations_history(self, params: Params) -> Response:
        """conversations.history: top-level messages, newest first."""
        channel = self.visible_channel(params)
        limit = int_param(params, "limit", 100) or 100
        top = [m for m in self.messages.get(channel.id, []) if m.get("thread_ts") in (None, m.get("ts"))]
        page = list(reversed(top))[:limit]
        return {"messages": page, "has_more": len(top) > limit, "response_metadata": {"next_cursor": ""}}

    def conversations_replies(self, params: Params) -> Response:
        """conversations.replies: a thread's parent and replies, oldest first."""
        channel = self.visible_channel(params)
        ts = text_param(params, "ts", required=True)
        thread = [m for m in self.messages.get(channel.id, []) if ts in (m.get("ts"), m.get("thread_ts"))]
        if not thread:
            raise ApiError("thread_not_found")
        return {"messages": thread, "has_more": False, "response_metadata": {"next_cursor": ""}}


class MethodGroup:
    """A family of Web API methods working on a SlackState, installed in its method table by register()."""

    def __init__(self, state: SlackState) -> None:
        self.state = state

    def table(self) -> dict[str, Method]:
        """Each Slack method name with the function that answers it."""
        raise NotImplementedError

    def register(self) -> None:
        """Add the methods to the state's method table."""
        self.state.methods.update(self.table())
