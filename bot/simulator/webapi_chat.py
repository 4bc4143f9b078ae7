"""chat.*, reactions.* and files.* methods of the fake Web API, plus response_url side effects."""

import time
from typing import Any

from bot.simulator.blockkit import validate_blocks
from bot.simulator.webapi_methods import ApiError, Method, MethodGroup, Params, Response, int_param, text_param
from bot.simulator.world import SimChannel


class ChatMethods(MethodGroup):
    """Message, reaction and file methods operating on a SlackState."""

    def table(self) -> dict[str, Method]:
        """chat.*, reactions.* and files.* by name."""
        return {
            "chat.postMessage": self.chat_post_message,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "chat.update": self.chat_update,
            "chat.delete": self.chat_delete,
            "chat.getPermalink": self.chat_get_permalink,
            "reactions.add": self.reactions_add,
            "reactions.remove": self.reactions_remove,
            "files.getUploadURLExternal": self.files_get_upload_url,
            "files.completeUploadExternal": self.files_complete_upload,
        }

    # ---- chat ----------------------------------------------------------------------------------------

    def _content(self, params: Params, *, require: bool = True) -> dict[str, Any]:
        """Validate and extract text/blocks/attachments of a message."""
        text = text_param(params, "text")
        blocks = params.get("blocks")
        attachments = params.get("attachments")
        if require and not text and not blocks and not attachments:
            raise ApiError("no_text")
        if len(text) > 40000:
            raise ApiError("msg_too_long")
        content: dict[str, Any] = {"text": text}
        if blocks is not None:
            errors = validate_blocks(blocks)
            if errors:
                raise ApiError("invalid_blocks", errors)
            content["blocks"] = blocks
        if attachments is not None:
            if not isinstance(attachments, list) or len(attachments) > 100:
                raise ApiError("too_many_attachments")
            content["attachments"] = attachments
        return content

    def chat_post_message(self, params: Params) -> Response:
        """chat.postMessage (channel id, '#name' or user id for their DM)."""
        channel = self.state.writable_channel(params)
        content = self._content(params)
        ts = self.state.next_ts()
        message = self.state.bot_message(content, ts)
        thread_ts = text_param(params, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
        if params.get("metadata") is not None:
            message["metadata"] = params["metadata"]
        self.state.record_message(channel.id, message)
        return {"channel": channel.id, "ts": ts, "message": dict(message)}

    def chat_post_ephemeral(self, params: Params) -> Response:
        """chat.postEphemeral."""
        channel = self.state.writable_channel(params)
        user = text_param(params, "user", required=True, error="user_not_in_channel")
        if user not in self.state.world.users or (not channel.is_im and user not in channel.members):
            raise ApiError("user_not_in_channel")
        ts = self.state.next_ts()
        message = {**self.state.bot_message(self._content(params), ts), "to_user": user}
        thread_ts = text_param(params, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
        self.state.ephemerals.setdefault(channel.id, []).append(message)
        return {"message_ts": ts}

    def _own_message(self, params: Params, action: str) -> tuple[SimChannel, dict[str, Any]]:
        """Find a bot-authored message by channel + ts for update/delete."""
        channel = self.state.visible_channel(params)
        message = self.state.find_message(
            channel.id, text_param(params, "ts", required=True, error="message_not_found")
        )
        if message is None:
            raise ApiError("message_not_found")
        if message.get("user") != self.state.world.bot_user_id:
            raise ApiError(f"cant_{action}_message")
        return channel, message

    def chat_update(self, params: Params) -> Response:
        """chat.update (omitted blocks/attachments are kept, like Slack)."""
        channel, message = self._own_message(params, "update")
        content = self._content(params, require=False)
        if not content["text"] and "blocks" not in content and "attachments" not in content:
            raise ApiError("no_text")
        message.update(content)
        message["edited"] = {"user": self.state.world.bot_user_id, "ts": self.state.next_ts()}
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": message,
        }

    def chat_delete(self, params: Params) -> Response:
        """chat.delete."""
        channel, message = self._own_message(params, "delete")
        self.state.messages[channel.id].remove(message)
        return {"channel": channel.id, "ts": message["ts"]}

    def chat_get_permalink(self, params: Params) -> Response:
        """chat.getPermalink (threads get ?thread_ts=...&cid=...)."""
        channel = self.state.visible_channel(params)
        ts = text_param(params, "message_ts", required=True, error="message_not_found")
        link = f"https://{self.state.world.team_domain}.slack.com/archives/{channel.id}/p{ts.replace('.', '')}"
        message = self.state.find_message(channel.id, ts)
        if message and message.get("thread_ts") not in (None, ts):
            link += f"?thread_ts={message['thread_ts']}&cid={channel.id}"
        return {"channel": channel.id, "permalink": link}

    # ---- reactions -----------------------------------------------------------------------------------

    def _reaction_target(self, params: Params) -> tuple[dict[str, Any] | None, str]:
        """Validate a reactions.* call; return the stored message (if known) and the emoji name."""
        channel = self.state.visible_channel(params)
        ts = text_param(params, "timestamp", required=True, error="no_item_specified")
        name = text_param(params, "name", required=True, error="invalid_name").strip(":")
        return self.state.find_message(channel.id, ts), name

    def reactions_add(self, params: Params) -> Response:
        """reactions.add (tracked on stored messages; unknown messages are accepted)."""
        message, name = self._reaction_target(params)
        if message is not None:
            reactions: list[dict[str, Any]] = message.setdefault("reactions", [])
            entry = next((r for r in reactions if r["name"] == name), None)
            if entry is None:
                entry = {"name": name, "users": [], "count": 0}
                reactions.append(entry)
            if self.state.world.bot_user_id in entry["users"]:
                raise ApiError("already_reacted")
            entry["users"].append(self.state.world.bot_user_id)
            entry["count"] = len(entry["users"])
        return {}

    def reactions_remove(self, params: Params) -> Response:
        """reactions.remove."""
        message, name = self._reaction_target(params)
        if message is not None:
            entry = next((r for r in message.get("reactions", []) if r["name"] == name), None)
            if entry is None or self.state.world.bot_user_id not in entry["users"]:
                raise ApiError("no_reaction")
            entry["users"].remove(self.state.world.bot_user_id)
            entry["count"] = len(entry["users"])
        return {}

    # ---- files ---------------------------------------------------------------------------------------

    def files_get_upload_url(self, params: Params) -> Response:
        """files.getUploadURLExternal: hand out a loopback upload URL."""
        filename = text_param(params, "filename", required=True)
        length = int_param(params, "length", -1)
        if length < 0:
            raise ApiError("invalid_arguments", ["missing required field: length"])
        file_id = self.state.new_id("F")
        self.state.files[file_id] = {"id": file_id, "name": filename, "title": filename, "size": length}
        return {"file_id": file_id, "upload_url": f"{self.state.server_root}/upload/{file_id}"}

    def files_complete_upload(self, params: Params) -> Response:
        """files.completeUploadExternal: finish uploads and optionally share them into a channel."""
        items = params.get("files")
        if not isinstance(items, list) or not items:
            raise ApiError("invalid_arguments", ["missing required field: files"])
        channel = self.state.writable_channel({"channel": params["channel_id"]}) if params.get("channel_id") else None
        shared: list[dict[str, Any]] = []
        for item in items:
            meta = self.state.files.get(str(item.get("id", ""))) if isinstance(item, dict) else None
            if meta is None or not isinstance(item, dict):
                raise ApiError("file_not_found")
            meta["title"] = item.get("title") or meta["name"]
            name = meta["name"]
            shared.append(
                {
                    **meta,
                    "created": int(time.time()),
                    "timestamp": int(time.time()),
                    "user": self.state.world.bot_user_id,
                    "filetype": name.rsplit(".", 1)[-1] if "." in name else "binary",
                    "size": len(self.state.uploads.get(meta["id"], b"")) or meta["size"],
                    "permalink": f"https://{self.state.world.team_domain}.slack.com/files/"
                    f"{self.state.world.bot_user_id}/{meta['id']}/{name}",
                    "channels": [channel.id] if channel else [],
                }
            )
        if channel is not None:
            content = {"text": text_param(params, "initial_comment"), "files": shared, "upload": True}
            message = self.state.bot_message(content, self.state.next_ts())
            if params.get("thread_ts"):
                message["thread_ts"] = text_param(params, "thread_ts")
            self.state.record_message(channel.id, message)
        return {"files": shared}

    # ---- response_url side effects -------------------------------------------------------------------

    def _original(self, channel_id: str, ts: str | None) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
        """Find the message a response_url was issued for (public or ephemeral)."""
        if not ts:
            return None
        for store in (self.state.messages, self.state.ephemerals):
            for message in store.get(channel_id, []):
                if message.get("ts") == ts:
                    return store[channel_id], message
        return None

    def apply_response(self, context: dict[str, Any], body: dict[str, Any]) -> None:
        """Show a response_url POST in the workspace: replace/delete the original or add a message."""
        channel_id = context.get("channel")
        if not channel_id:
            return
        with self.state.lock:
            original = self._original(channel_id, context.get("message_ts"))
            if body.get("delete_original") in (True, "true") and original is not None:
                original[0].remove(original[1])
                return
            content = {k: body[k] for k in ("text", "blocks", "attachments") if body.get(k) is not None}
            if not content:
                return
            if body.get("replace_original") in (True, "true") and original is not None:
                original[1].update(content)
                return
            message = self.state.bot_message(content, self.state.next_ts())
            if body.get("response_type") == "in_channel":
                self.state.record_message(channel_id, message)
            else:
                message["to_user"] = context.get("user")
                self.state.ephemerals.setdefault(channel_id, []).append(message)
