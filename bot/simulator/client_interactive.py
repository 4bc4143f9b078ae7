"""Interactivity payloads (block actions, view submissions, shortcuts) sent by the simulated Slack."""

import copy
import time
from typing import Any

from bot.simulator.client_base import Reply, SenderBase
from bot.simulator.client_payloads import (
    element_value,
    find_element,
    option_for,
    plain,
    state_values,
    team_ref,
    user_ref,
)
from bot.simulator.webapi_views import build_view
from bot.simulator.world import SimChannel, SimUser

Located = tuple[SimChannel | None, dict[str, Any] | None, dict[str, Any] | None, bool]
Candidate = tuple[float, str, dict[str, Any], bool]


class InteractiveSender(SenderBase):
    """Builds and sends interactivity payloads shaped like Slack's."""

    def _base_payload(self, kind: str, user: SimUser) -> dict[str, Any]:
        """Fields common to every interactivity payload."""
        return {
            "type": kind,
            "user": user_ref(self.world, user),
            "api_app_id": self.world.app_id,
            "token": self.verification_token,
            "team": team_ref(self.world),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _view(self, view: dict[str, Any] | str) -> dict[str, Any]:
        """A full view object (looked up by id when a string), copied so callers' dicts stay intact."""
        if isinstance(view, str):
            if view not in self.api.views:
                raise KeyError(f"unknown view id: {view!r}")
            view = self.api.views[view]
        view_id = view.get("id") or self.api.state.new_id("V")
        return copy.deepcopy({**build_view(self.api.state, view, view_id), **view})

    def _message(self, channel: SimChannel | None, message: dict[str, Any] | str) -> dict[str, Any]:
        """A message object given directly or by ts within `channel`."""
        if isinstance(message, dict):
            return message
        if channel is None:
            raise ValueError("a message given by ts needs a channel")
        found = self.api.state.find_message(channel.id, message)
        if found is None:
            raise KeyError(f"no message {message} in {channel.id}")
        return found

    def _channel_of(self, message: dict[str, Any]) -> SimChannel | None:
        """The channel a stored message lives in."""
        for channel_id, messages in self.api.messages.items():
            if any(m.get("ts") == message.get("ts") for m in messages):
                return self.world.channels.get(channel_id)
        return None

    def _view_showing(self, user: SimUser, action_id: str) -> dict[str, Any] | None:
        """The user's open modal (top of the stack first), else their Home tab, that shows an action_id."""
        state = self.api.state
        views = [state.views[v] for v in reversed(state.view_stacks.get(user.id, [])) if v in state.views]
        home = state.home_views.get(user.id)
        for view in [*views, *([home] if home else [])]:
            if find_element(view.get("blocks", []), action_id)[1] is not None:
                return view
        return None

    def _messages_showing(self, user: SimUser, action_id: str, channel: SimChannel | None) -> list[Candidate]:
        """Messages (and the user's ephemerals) showing an action_id, in `channel` when given."""
        state = self.api.state
        found: list[Candidate] = []
        for source, ephemeral in ((state.messages, False), (state.ephemerals, True)):
            for channel_id, messages in source.items():
                if channel is not None and channel_id != channel.id:
                    continue
                for msg in messages:
                    if ephemeral and msg.get("to_user") != user.id:
                        continue
                    if find_element(msg.get("blocks") or [], action_id)[1] is not None:
                        found.append((float(msg.get("ts", 0)), channel_id, msg, ephemeral))
        return found

    def _locate(self, user: SimUser, action_id: str, channel: SimChannel | None) -> Located:
        """Find where an action_id is shown: (channel, message, view, is_ephemeral); newest message wins."""
        view = self._view_showing(user, action_id) if channel is None else None
        if view is not None:
            return None, None, view, False
        candidates = self._messages_showing(user, action_id, channel)
        if not candidates:
            return channel or self.world.dm_channel_for(user.id), None, None, False
        _, channel_id, msg, ephemeral = max(candidates, key=lambda c: c[0])
        return self.world.channels.get(channel_id), msg, None, ephemeral

    def _action(
        self,
        action_id: str,
        block_id: str,
        element: dict[str, Any] | None,
        value: str | None,
        selected_option: dict[str, Any] | str | None,
        selected_date: str | None,
    ) -> dict[str, Any]:
        """The entry of `actions` for one interaction with an element."""
        if element is not None:
            kind = str(element.get("type"))
        elif selected_option is not None:
            kind = "static_select"
        else:
            kind = "datepicker" if selected_date else "button"
        action: dict[str, Any] = {"type": kind, "action_id": action_id, "block_id": block_id}
        if kind == "button":
            action["text"] = (element or {}).get("text") or plain(action_id)
            chosen = value if value is not None else (element or {}).get("value")
            if chosen is not None:
                action["value"] = chosen
            if element and element.get("style"):
                action["style"] = element["style"]
        elif kind == "datepicker":
            action["selected_date"] = selected_date or value
            if element and element.get("initial_date"):
                action["initial_date"] = element["initial_date"]
        elif kind == "overflow":
            action["selected_option"] = option_for(element, selected_option or value or "")
        else:
            raw = selected_option if selected_option is not None else value
            entry = element_value(self.world, element or {"type": kind}, raw)
            action.update({k: v for k, v in entry.items() if k != "type"})
        action["action_ts"] = f"{time.time():.6f}"
        return action

    def block_action(
        self,
        user: str,
        action_id: str,
        value: str | None = None,
        *,
        block_id: str = "b",
        channel: str | None = None,
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | str | None = None,
        view: dict[str, Any] | str | None = None,
        selected_option: dict[str, Any] | str | None = None,
        selected_date: str | None = None,
    ) -> Reply:
        """`user` clicks/selects `action_id`; without message/view the newest surface showing it is used."""
        u = self.user(user)
        ch = self.channel(channel, u) if channel else None
        view_obj = self._view(view) if view is not None else None
        msg_obj = self._message(ch, message) if message is not None else None
        ephemeral = False
        if msg_obj is not None and ch is None:
            ch = self._channel_of(msg_obj)
        if view_obj is None and msg_obj is None and container is None:
            ch, msg_obj, located_view, ephemeral = self._locate(u, action_id, ch)
            view_obj = copy.deepcopy(located_view) if located_view else None
        blocks = (view_obj or msg_obj or {}).get("blocks") or []
        found_block, element = find_element(blocks, action_id)
        real_block = found_block if block_id == "b" and found_block else block_id
        action = self._action(action_id, real_block, element, value, selected_option, selected_date)
        if container is None and view_obj is not None:
            container = {"type": "view", "view_id": view_obj["id"]}
        elif container is None:
            message_ts = (msg_obj or {}).get("ts", "")
            channel_id = ch.id if ch else ""
            container = {"type": "message", "message_ts": message_ts, "channel_id": channel_id}
            container["is_ephemeral"] = ephemeral
        payload = self._base_payload("block_actions", u)
        payload.update({"container": container, "trigger_id": self.issue_trigger_id(u)})
        if view_obj is not None:
            payload["view"] = view_obj
        else:
            if ch is not None:
                payload["channel"] = {"id": ch.id, "name": "directmessage" if ch.is_im else ch.name}
            if msg_obj is not None and not ephemeral:
                payload["message"] = msg_obj
            payload["state"] = {"values": {}}
            payload["response_url"] = self.issue_response_url(ch, u, container.get("message_ts") or None)
        payload["actions"] = [action]
        return self.send_payload(payload)

    def view_submission(
        self,
        user: str,
        view: dict[str, Any] | str,
        values: dict[str, Any],
        *,
        private_metadata: str | None = None,
        callback_id: str | None = None,
    ) -> Reply:
        """`user` submits a modal; `values` may be full state entries or plain values per block/action."""
        u = self.user(user)
        full = self._view(view)
        full["state"] = {"values": state_values(self.world, full, values)}
        if private_metadata is not None:
            full["private_metadata"] = private_metadata
        if callback_id is not None:
            full["callback_id"] = callback_id
        payload = self._base_payload("view_submission", u)
        payload.update({"trigger_id": self.issue_trigger_id(u), "view": full, "response_urls": []})
        reply = self.send_payload(payload)
        self._after_submission(u, full, reply)
        return reply

    def _after_submission(self, user: SimUser, view: dict[str, Any], reply: Reply) -> None:
        """Apply the app's response_action to the user's modal stack, as Slack would."""
        if reply.status != 200:
            return
        data = reply.json() if reply.body.strip() else None
        action = data.get("response_action") if isinstance(data, dict) else None
        state = self.api.state
        with state.lock:
            stack = state.view_stacks.setdefault(user.id, [])
            new_spec = data.get("view") if isinstance(data, dict) else None
            if action == "errors":
                return
            if action == "update" and isinstance(new_spec, dict):
                root, previous = view.get("root_view_id"), view.get("previous_view_id")
                state.views[view["id"]] = build_view(state, new_spec, view["id"], root=root, previous=previous)
            elif action == "push" and isinstance(new_spec, dict):
                pushed = build_view(state, new_spec, state.new_id("V"), root=stack[0] if stack else None)
                state.views[pushed["id"]] = pushed
                state.view_owners[pushed["id"]] = user.id
                stack.append(pushed["id"])
            elif action == "clear":
                stack.clear()
            elif view["id"] in stack:
                stack.remove(view["id"])

    def view_closed(self, user: str, view: dict[str, Any] | str, *, is_cleared: bool = False) -> Reply:
        """`user` closes a modal (only delivered by Slack when notify_on_close is set)."""
        u = self.user(user)
        full = self._view(view)
        payload = self._base_payload("view_closed", u)
        payload.update({"view": full, "is_cleared": is_cleared})
        stack = self.api.state.view_stacks.get(u.id, [])
        if is_cleared:
            stack.clear()
        elif full["id"] in stack:
            stack.remove(full["id"])
        return self.send_payload(payload)

    def global_shortcut(self, user: str, callback_id: str) -> Reply:
        """`user` runs a global shortcut."""
        u = self.user(user)
        payload = self._base_payload("shortcut", u)
        payload["user"] = {"id": u.id, "username": u.name, "team_id": self.world.team_id}
        payload.update(
            {"callback_id": callback_id, "trigger_id": self.issue_trigger_id(u), "action_ts": f"{time.time():.6f}"}
        )
        return self.send_payload(payload)

    def message_shortcut(self, user: str, callback_id: str, channel: str, message: dict[str, Any] | str) -> Reply:
        """`user` runs a message shortcut on `message` (a message dict or its ts) in `channel`."""
        u = self.user(user)
        ch = self.channel(channel, u)
        msg = self._message(ch, message)
        payload = self._base_payload("message_action", u)
        payload["user"] = {"id": u.id, "name": u.name}
        payload.update(
            {
                "channel": {"id": ch.id, "name": "directmessage" if ch.is_im else ch.name},
                "callback_id": callback_id,
                "trigger_id": self.issue_trigger_id(u),
                "action_ts": f"{time.time():.6f}",
                "message_ts": msg.get("ts", ""),
                "message": msg,
                "response_url": self.issue_response_url(ch, u),
            }
        )
        return self.send_payload(payload)
