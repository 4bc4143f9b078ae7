"""Pure helpers that shape simulated user input like Slack does (mentions, rich text, view state)."""

import re
import zlib
from collections.abc import Iterator
from typing import Any

from bot.simulator.world import SimUser, World

_MENTION = re.compile(r"(?<![\w<|/])([@#])([A-Za-z0-9][A-Za-z0-9._-]*)")
_TOKEN = re.compile(r"<([^<>]+)>")

VALUE_KEYS = {
    "plain_text_input": "value",
    "number_input": "value",
    "email_text_input": "value",
    "url_text_input": "value",
    "datepicker": "selected_date",
    "timepicker": "selected_time",
    "datetimepicker": "selected_date_time",
    "users_select": "selected_user",
    "multi_users_select": "selected_users",
    "conversations_select": "selected_conversation",
    "multi_conversations_select": "selected_conversations",
    "channels_select": "selected_channel",
    "multi_channels_select": "selected_channels",
    "static_select": "selected_option",
    "external_select": "selected_option",
    "radio_buttons": "selected_option",
    "overflow": "selected_option",
    "multi_static_select": "selected_options",
    "multi_external_select": "selected_options",
    "checkboxes": "selected_options",
}


def plain(text: str) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": text, "emoji": True}


def encode_mentions(text: str, world: World) -> str:
    """Turn '@bob' / '@design-team' / '#general' typed by a user into Slack's mention markup."""

    def swap(match: re.Match[str]) -> str:
        sigil, word = match.group(1), match.group(2)
        name = word.rstrip("._-")
        tail = word[len(name) :]
        if sigil == "@":
            user = world.user_by_name(name)
            if user is not None:
                return f"<@{user.id}>{tail}"
            if name in ("here", "channel", "everyone"):
                return f"<!{name}>{tail}"
            group = next((g for g in world.usergroups.values() if g.handle == name), None)
            if group is not None:
                return f"<!subteam^{group.id}|@{group.handle}>{tail}"
        else:
            channel = world.channel_by_name(name)
            if channel is not None:
                return f"<#{channel.id}|{channel.name}>{tail}"
        return match.group(0)

    return _MENTION.sub(swap, text)


def rich_text_block(text: str) -> dict[str, Any]:
    """Build the rich_text block the Slack client attaches to a typed message."""
    elements: list[dict[str, Any]] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() > pos:
            elements.append({"type": "text", "text": text[pos : match.start()]})
        inner, _, label = match.group(1).partition("|")
        if inner.startswith("@"):
            elements.append({"type": "user", "user_id": inner[1:]})
        elif inner.startswith("#"):
            elements.append({"type": "channel", "channel_id": inner[1:]})
        elif inner.startswith("!subteam^"):
            elements.append({"type": "usergroup", "usergroup_id": inner.removeprefix("!subteam^")})
        elif inner.startswith("!"):
            elements.append({"type": "broadcast", "range": inner[1:]})
        else:
            link: dict[str, Any] = {"type": "link", "url": inner}
            if label:
                link["text"] = label
            elements.append(link)
        pos = match.end()
    if pos < len(text):
        elements.append({"type": "text", "text": text[pos:]})
    section = {"type": "rich_text_section", "elements": elements}
    return {"type": "rich_text", "block_id": f"rt{zlib.crc32(text.encode()) % 10**6}", "elements": [section]}


def user_ref(world: World, user: SimUser) -> dict[str, Any]:
    """The `user` object of interactivity payloads."""
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": world.team_id}


def team_ref(world: World) -> dict[str, Any]:
    """The `team` object of interactivity payloads."""
    return {"id": world.team_id, "domain": world.team_domain}


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Yield (block_id, element) for every interactive element in a blocks array."""
    for block in blocks:
        block_id = block.get("block_id")
        kind = block.get("type")
        if kind == "actions":
            for el in block.get("elements", []):
                yield block_id, el
        elif kind == "section" and isinstance(block.get("accessory"), dict):
            yield block_id, block["accessory"]
        elif kind == "input" and isinstance(block.get("element"), dict):
            yield block_id, block["element"]


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str | None, dict[str, Any] | None]:
    """Locate the element with an action_id; return (block_id, element) or (None, None)."""
    for block_id, el in iter_elements(blocks):
        if el.get("action_id") == action_id:
            return block_id, el
    return None, None


def element_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    """All options of a select-like element (flattening option_groups)."""
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return options


def option_for(element: dict[str, Any] | None, choice: dict[str, Any] | str) -> dict[str, Any]:
    """Resolve an option given as an option object, a value or a label."""
    if isinstance(choice, dict):
        return choice
    for opt in element_options(element or {}):
        text = opt.get("text", {}).get("text")
        if choice in (opt.get("value"), text):
            return {"text": opt.get("text"), "value": opt.get("value")}
    return {"text": plain(choice), "value": choice}


def _resolve_id(world: World, ref: str, *, channel: bool) -> str:
    """Map a user/channel name to its id (ids and unknown names pass through)."""
    if channel:
        found = world.channel_by_name(ref) if ref not in world.channels else None
        return found.id if found else ref
    user = world.user_by_name(ref) if ref not in world.users else None
    return user.id if user else ref


def element_value(world: World, element: dict[str, Any] | None, raw: Any) -> dict[str, Any]:
    """Build one view.state.values entry from a convenient raw value (str, list, option...)."""
    if isinstance(raw, dict) and "type" in raw and "text" not in raw:
        return raw
    kind = str((element or {}).get("type", "plain_text_input"))
    key = VALUE_KEYS.get(kind, "value")
    entry: dict[str, Any] = {"type": kind}
    channelish = "conversation" in key or "channel" in key
    if key == "selected_option":
        entry[key] = None if raw is None else option_for(element, raw)
    elif key == "selected_options":
        items = raw if isinstance(raw, list) else [raw]
        entry[key] = [option_for(element, item) for item in items if item is not None]
    elif key.endswith("s") and ("user" in key or channelish):
        items = raw if isinstance(raw, list) else [raw]
        entry[key] = [_resolve_id(world, str(i), channel=channelish) for i in items if i is not None]
    elif "user" in key or channelish:
        entry[key] = None if raw is None else _resolve_id(world, str(raw), channel=channelish)
    elif key == "selected_date_time":
        entry[key] = None if raw is None else int(raw)
    else:
        entry[key] = None if raw is None else str(raw)
    return entry


def state_values(world: World, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """Normalise {block_id: {action_id: raw}} (or {block_id: raw}) into view.state.values shape."""
    blocks: list[dict[str, Any]] = view.get("blocks", [])
    by_block = {b.get("block_id"): b for b in blocks}
    out: dict[str, Any] = {}
    for block_id, inner in values.items():
        block = by_block.get(block_id, {})
        elements = [el for bid, el in iter_elements([block]) if bid == block_id] if block else []
        is_raw = not isinstance(inner, dict) or ("type" in inner and "text" not in inner) or "value" in inner
        if is_raw:
            element = elements[0] if elements else None
            action_id = str((element or {}).get("action_id", block_id))
            out[block_id] = {action_id: element_value(world, element, inner)}
            continue
        out[block_id] = {}
        for action_id, raw in inner.items():
            element = next((el for el in elements if el.get("action_id") == action_id), None)
            out[block_id][action_id] = element_value(world, element, raw)
    return out
