"""Sends signed Slack-shaped requests (commands, events, interactivity) to a running app over HTTP."""

import json
import secrets
import time
import uuid
from typing import Any

from bot.simulator.client_base import Reply
from bot.simulator.client_interactive import InteractiveSender
from bot.simulator.client_payloads import encode_mentions, rich_text_block
from bot.simulator.world import SimChannel, SimUser

__all__ = ["Reply", "SlackSender"]


class SlackSender(InteractiveSender):
    """Plays Slack's side of the HTTP conversation with the app under test."""

    # ---- slash commands ------------------------------------------------------------------------------

    def command(self, user: str, command: str, text: str, channel: str = "#proj-website") -> Reply:
        """Send a slash command as `user` from `channel`."""
        u = self.user(user)
        ch = self.channel(channel, u)
        w = self.world
        fields = {
            "token": self.verification_token,
            "team_id": w.team_id,
            "team_domain": w.team_domain,
            "channel_id": ch.id,
            "channel_name": "directmessage" if ch.is_im else ch.name,
            "user_id": u.id,
            "user_name": u.name,
            "command": command if command.startswith("/") else "/" + command,
            "text": text,
            "api_app_id": w.app_id,
            "is_enterprise_install": "false",
            "response_url": self.issue_response_url(ch, u),
            "trigger_id": self.issue_trigger_id(u),
        }
        reply = self.send_form(fields)
        self._show_command_reply(ch, u, reply)
        return reply

    def _show_command_reply(self, channel: SimChannel, user: SimUser, reply: Reply) -> None:
        """Put the command's immediate answer into the workspace like Slack shows it."""
        if reply.status != 200 or not reply.body.strip():
            return
        data = reply.json()
        body: dict[str, Any] = data if isinstance(data, dict) else {"text": reply.body}
        content = {k: body[k] for k in ("text", "blocks", "attachments") if body.get(k) is not None}
        if not content:
            return
        state = self.api.state
        message = state.bot_message(content, state.next_ts())
        if body.get("response_type") == "in_channel":
            state.record_message(channel.id, message)
        else:
            message["to_user"] = user.id
            with state.lock:
                state.ephemerals.setdefault(channel.id, []).append(message)

    # ---- events --------------------------------------------------------------------------------------

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        authorizations_user: str | None = None,
    ) -> Reply:
        """Deliver an Events API event_callback (retries reuse `last_event_id` unless an id is given)."""
        w = self.world
        if event_id is None:
            if retry_num is not None and self.last_event_id is not None:
                event_id = self.last_event_id
            else:
                event_id = "Ev" + secrets.token_hex(5).upper()
        self.last_event_id = event_id
        body_event = dict(event)
        body_event.setdefault("event_ts", body_event.get("ts") or f"{time.time():.6f}")
        auth_user = authorizations_user or w.bot_user_id
        auth_sim = w.users.get(auth_user)
        envelope = {
            "token": self.verification_token,
            "team_id": w.team_id,
            "api_app_id": w.app_id,
            "event": body_event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": w.team_id,
                    "user_id": auth_user,
                    "is_bot": auth_sim.is_bot if auth_sim else True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-" + secrets.token_urlsafe(24),
        }
        headers: dict[str, str] = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.raw(json.dumps(envelope), content_type="application/json", extra_headers=headers)

    def url_verification(self, challenge: str = "sim-challenge") -> Reply:
        """Send the signed url_verification handshake."""
        body = {"token": self.verification_token, "challenge": challenge, "type": "url_verification"}
        return self.raw(json.dumps(body), content_type="application/json")

    def _typed(self, user: SimUser, text: str, ts: str) -> dict[str, Any]:
        """A message as the Slack client creates it when a person types `text`."""
        encoded = encode_mentions(text, self.world)
        return {
            "client_msg_id": str(uuid.uuid4()),
            "type": "message",
            "text": encoded,
            "user": user.id,
            "ts": ts,
            "team": self.world.team_id,
            "blocks": [rich_text_block(encoded)],
        }

    def message(
        self, user: str, channel: str, text: str, *, thread_ts: str | None = None, ts: str | None = None
    ) -> Reply:
        """`user` posts `text` ('@bob'/'#general' become mentions) in `channel` (or 'dm')."""
        u = self.user(user)
        ch = self.channel(channel, u)
        ts = ts or self.api.next_ts()
        message = self._typed(u, text, ts)
        if thread_ts:
            message["thread_ts"] = thread_ts
            parent = self.api.state.find_message(ch.id, thread_ts)
            if parent is not None and parent.get("user"):
                message["parent_user_id"] = parent["user"]
        self.api.record_message(ch.id, dict(message))
        self.last_message_ts = ts
        return self.event({**message, "channel": ch.id, "event_ts": ts, "channel_type": self.channel_type(ch)})

    def message_changed(self, channel: str, ts: str, new_text: str, user: str | None = None) -> Reply:
        """An edit of message `ts` (the author defaults to the stored message's user)."""
        ch = self.channel(channel)
        previous = self.api.state.find_message(ch.id, ts)
        author = self.user(user) if user else self.user(str((previous or {}).get("user", "")))
        edit_ts = self.api.next_ts()
        updated = {**self._typed(author, new_text, ts), "edited": {"user": author.id, "ts": edit_ts}}
        old = dict(previous) if previous else {"type": "message", "user": author.id, "ts": ts, "text": ""}
        if previous is not None:
            previous.update({"text": updated["text"], "blocks": updated["blocks"], "edited": updated["edited"]})
        for key in ("thread_ts", "parent_user_id", "bot_id", "app_id", "bot_profile"):  # an app's edit stays an app's
            if key in old:
                updated[key] = old[key]
        event = {
            "type": "message",
            "subtype": "message_changed",
            "message": updated,
            "previous_message": old,
            "channel": ch.id,
            "hidden": True,
            "ts": edit_ts,
            "event_ts": edit_ts,
            "channel_type": self.channel_type(ch),
        }
        return self.event(event)

    def message_deleted(self, channel: str, ts: str) -> Reply:
        """Deletion of message `ts`."""
        ch = self.channel(channel)
        previous = self.api.state.find_message(ch.id, ts)
        if previous is not None:
            self.api.messages[ch.id].remove(previous)
        event_ts = self.api.next_ts()
        event: dict[str, Any] = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "deleted_ts": ts,
            "channel": ch.id,
            "ts": event_ts,
            "event_ts": event_ts,
            "channel_type": self.channel_type(ch),
        }
        if previous is not None:
            event["previous_message"] = previous
        return self.event(event)

    def bot_message(
        self,
        channel: str,
        text: str,
        bot_id: str = "B0JIRA",
        *,
        legacy: bool = True,
        blocks: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> Reply:
        """Another app's bot posts: legacy subtype=bot_message, or (legacy=False) a modern app message."""
        ch = self.channel(channel)
        bot = self.world.user_by_bot_id(bot_id)
        ts = self.api.next_ts()
        message: dict[str, Any] = {"type": "message", "text": text, "ts": ts, "bot_id": bot_id}
        if legacy:
            message.update({"subtype": "bot_message", "username": bot.name if bot else "bot"})
        else:
            app_id = (bot.app_id if bot else None) or "A0OTHER"
            profile = {"id": bot_id, "deleted": False, "name": bot.name if bot else "bot", "app_id": app_id}
            message.update({"user": bot.id if bot else "U0OTHER", "app_id": app_id, "team": self.world.team_id})
            message["bot_profile"] = {**profile, "team_id": self.world.team_id}
        if blocks is not None:
            message["blocks"] = blocks
        if attachments is not None:
            message["attachments"] = attachments
        self.api.record_message(ch.id, dict(message))
        self.last_message_ts = ts
        return self.event({**message, "channel": ch.id, "event_ts": ts, "channel_type": self.channel_type(ch)})

    def app_mention(self, user: str, channel: str, text: str) -> Reply:
        """`user` mentions the bot (prepends '<@bot>' when the text does not mention it)."""
        u = self.user(user)
        ch = self.channel(channel, u)
        ts = self.api.next_ts()
        message = self._typed(u, text, ts)
        mention = f"<@{self.world.bot_user_id}>"
        if mention not in message["text"]:
            message = self._typed(u, f"{mention} {text}", ts)
        self.api.record_message(ch.id, dict(message))
        self.last_message_ts = ts
        return self.event({**message, "type": "app_mention", "channel": ch.id, "event_ts": ts})

    def app_home_opened(self, user: str, tab: str = "home") -> Reply:
        """`user` opens the app's Home tab (includes the published view, if any)."""
        u = self.user(user)
        event: dict[str, Any] = {
            "type": "app_home_opened",
            "user": u.id,
            "channel": self.world.dm_channel_for(u.id).id,
            "tab": tab,
            "event_ts": f"{time.time():.6f}",
        }
        if u.id in self.api.home_views:
            event["view"] = self.api.home_views[u.id]
        return self.event(event)

    def user_change(self, user_id: str) -> Reply:
        """A user's profile changed (sends the current user object)."""
        u = self.user(user_id)
        event = {
            "type": "user_change",
            "user": u.to_slack(self.world.team_id),
            "cache_ts": int(time.time()),
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event)
