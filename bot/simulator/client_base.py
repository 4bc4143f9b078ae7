"""Transport layer of the simulated Slack sender: signing, posting, name resolution."""

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.simulator.webapi import FakeSlackAPI
from bot.simulator.world import SimChannel, SimUser, World


@dataclass
class Reply:
    """What the app answered: HTTP status, body text and headers (lower-cased names)."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0

    def json(self) -> Any:
        """The body decoded as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except (json.JSONDecodeError, ValueError):
            return None


class SenderBase:
    """Signing, transport and name resolution shared by all SlackSender methods."""

    def __init__(self, app_url: str, signing_secret: str, world: World, api: FakeSlackAPI) -> None:
        self.app_url = app_url
        self.signing_secret = signing_secret
        self.world = world
        self.api = api
        self.verification_token = "sim-verification-token"
        self.timeout = 10.0
        self.last_event_id: str | None = None
        self.last_message_ts: str | None = None
        self.last_response_url: str | None = None
        self.last_trigger_id: str | None = None
        self._verifier = SignatureVerifier(signing_secret)
        # Called after each answer: the local bot waits here for the work its listeners left for after the answer
        # (a click's write, a confirmation), as a person would see it a moment later. None: return at the answer.
        self.settle: Callable[[], object] | None = None

    # ---- transport -----------------------------------------------------------------------------------

    def raw(
        self,
        body: bytes | str,
        *,
        content_type: str,
        timestamp: str | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST a body as-is; sign it unless `signature` is given (use for forged/replayed requests)."""
        data = body.encode() if isinstance(body, str) else body
        ts = timestamp if timestamp is not None else str(int(time.time()))
        if signature is None:
            signature = self._verifier.generate_signature(timestamp=ts, body=data) or ""
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            "Accept": "application/json,*/*",
        }
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.app_url, data=data, headers=headers, method="POST")
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                status, text, resp_headers = resp.status, resp.read(), dict(resp.headers.items())
        except urllib.error.HTTPError as err:
            status, text, resp_headers = err.code, err.read(), dict(err.headers.items())
        elapsed = time.monotonic() - started
        if self.settle is not None:
            self.settle()
        lowered = {k.lower(): v for k, v in resp_headers.items()}
        return Reply(status, text.decode("utf-8", errors="replace"), lowered, elapsed)

    def send_form(self, fields: dict[str, str]) -> Reply:
        """POST a signed application/x-www-form-urlencoded body."""
        return self.raw(urlencode(fields), content_type="application/x-www-form-urlencoded")

    def send_payload(self, payload: dict[str, Any]) -> Reply:
        """POST a signed interactivity payload (payload=<json>)."""
        return self.send_form({"payload": json.dumps(payload)})

    # ---- lookups -------------------------------------------------------------------------------------

    def user(self, ref: str) -> SimUser:
        """Resolve a user name or id."""
        return self.world.resolve_user(ref)

    def channel(self, ref: str, user: SimUser | None = None) -> SimChannel:
        """Resolve a channel name/id; 'dm' means the user's DM with the bot, '@bob' means bob's."""
        if ref == "dm":
            if user is None:
                raise KeyError("'dm' needs a user")
            return self.world.dm_channel_for(user.id)
        return self.world.resolve_channel(ref)

    @staticmethod
    def channel_type(channel: SimChannel) -> str:
        """The event `channel_type` of a conversation."""
        if channel.is_im:
            return "im"
        if channel.name.startswith("mpdm-"):
            return "mpim"
        return "group" if channel.is_private else "channel"

    def issue_response_url(
        self, channel: SimChannel | None = None, user: SimUser | None = None, message_ts: str | None = None
    ) -> str:
        """A fresh loopback response_url for a channel/user/message (remembered as `last_response_url`)."""
        self.last_response_url = self.api.new_response_url(
            channel_id=channel.id if channel else None, user_id=user.id if user else None, message_ts=message_ts
        )
        return self.last_response_url

    def issue_trigger_id(self, user: SimUser) -> str:
        """A fresh trigger id tied to a user (remembered as `last_trigger_id`)."""
        self.last_trigger_id = self.api.new_trigger_id(user.id)
        return self.last_trigger_id
