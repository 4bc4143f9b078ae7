"""Turn what the bot sends (mrkdwn, Block Kit messages, views) into readable console text."""

import re
from datetime import UTC, datetime
from typing import Any

from bot.simulator.world import World

DIVIDER = "─" * 40
_TOKEN = re.compile(r"<([^<>]+)>")
_SELECT_TYPES = {
    "static_select",
    "external_select",
    "users_select",
    "conversations_select",
    "channels_select",
    "multi_static_select",
    "multi_external_select",
    "multi_users_select",
    "multi_conversations_select",
    "multi_channels_select",
}


def _unescape(text: str) -> str:
    """Undo Slack's &lt; &gt; &amp; escaping."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _user_name(user_id: str, label: str, world: World | None) -> str:
    """@name for a user id (world first, then the label, then the id)."""
    user = world.users.get(user_id) if world else None
    return "@" + (user.name if user else (label.lstrip("@") or user_id))


def _channel_name(channel_id: str, label: str, world: World | None) -> str:
    """#name for a channel id."""
    if label:
        return "#" + label
    channel = world.channels.get(channel_id) if world else None
    if channel is None:
        return "#" + channel_id
    return channel.name if channel.is_im else "#" + channel.name


def _special(command: str, label: str) -> str:
    """Render <!here>, <!subteam^S1|@team>, <!date^...|fallback> and friends."""
    head = command.split("^", 1)[0]
    if head in ("here", "channel", "everyone"):
        return "@" + head
    if label:
        return label
    if head == "date":
        parts = command.split("^")
        try:
            return datetime.fromtimestamp(int(parts[1]), UTC).strftime("%Y-%m-%d %H:%M UTC")
        except (IndexError, ValueError):
            return command
    if head == "subteam":
        return "@" + command.split("^", 1)[-1]
    return "@" + head


def render_mrkdwn(text: str, world: World | None = None) -> str:
    """Resolve Slack markup (<@U..>, <#C..>, <!here>, <!date..>, <url|label>) into plain readable text."""

    def swap(match: re.Match[str]) -> str:
        inner, _, label = match.group(1).partition("|")
        label = _unescape(label)
        if inner.startswith("@"):
            return _user_name(inner[1:], label, world)
        if inner.startswith("#"):
            return _channel_name(inner[1:], label, world)
        if inner.startswith("!"):
            return _special(inner[1:], label)
        return label or _unescape(inner)

    return _unescape(_TOKEN.sub(swap, text))


def _text(obj: Any, world: World | None) -> str:
    """Render a text object (plain_text or mrkdwn) or a bare string."""
    if isinstance(obj, str):
        return obj
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    return render_mrkdwn(text, world) if obj.get("type") == "mrkdwn" else text


def _option_label(option: Any, world: World | None) -> str:
    """The visible label of an option object."""
    return _text(option.get("text"), world) if isinstance(option, dict) else ""


def render_element(el: dict[str, Any], world: World | None = None) -> str:
    """Render one interactive element as a bracketed control."""
    kind = el.get("type")
    placeholder = _text(el.get("placeholder"), world)
    if kind == "button":
        return f"[{_text(el.get('text'), world)}]"
    if kind in _SELECT_TYPES:
        label = placeholder or "Select"
        if el.get("initial_option"):
            label = _option_label(el["initial_option"], world)
        elif el.get("initial_options"):
            label = ", ".join(_option_label(o, world) for o in el["initial_options"])
        elif el.get("initial_user"):
            label = _user_name(str(el["initial_user"]), "", world)
        elif el.get("initial_users"):
            label = ", ".join(_user_name(str(u), "", world) for u in el["initial_users"])
        elif el.get("initial_conversation") or el.get("initial_channel"):
            label = _channel_name(str(el.get("initial_conversation") or el.get("initial_channel")), "", world)
        return f"[{label} ▾]"
    if kind == "datepicker":
        return f"[📅 {el.get('initial_date') or placeholder or 'pick a date'}]"
    if kind == "timepicker":
        return f"[🕒 {el.get('initial_time') or placeholder or 'pick a time'}]"
    if kind == "overflow":
        return "[⋯]"
    if kind in ("checkboxes", "radio_buttons"):
        chosen = el.get("initial_options") or ([el["initial_option"]] if el.get("initial_option") else [])
        chosen_values = {o.get("value") for o in chosen if isinstance(o, dict)}
        marks = ("☑", "☐") if kind == "checkboxes" else ("◉", "◯")
        return "  ".join(
            f"{marks[0] if o.get('value') in chosen_values else marks[1]} {_option_label(o, world)}"
            for o in el.get("options", [])
        )
    if kind == "image":
        return f"[image: {el.get('alt_text', '')}]"
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"):
        shown = el.get("initial_value") or placeholder
        return f"[__ {shown} __]" if shown else "[____]"
    return f"[{kind}]"


def _rich_element(el: dict[str, Any], world: World | None) -> str:
    """Plain text of one rich_text leaf element."""
    kind = el.get("type")
    if kind == "text":
        return str(el.get("text", ""))
    if kind == "user":
        return _user_name(str(el.get("user_id", "")), "", world)
    if kind == "channel":
        return _channel_name(str(el.get("channel_id", "")), "", world)
    if kind == "usergroup":
        return "@" + str(el.get("usergroup_id", ""))
    if kind == "broadcast":
        return "@" + str(el.get("range", "here"))
    if kind == "link":
        return str(el.get("text") or el.get("url", ""))
    if kind == "emoji":
        return f":{el.get('name', '')}:"
    if kind == "date":
        return str(el.get("fallback") or el.get("timestamp", ""))
    return ""


def _rich_text(block: dict[str, Any], world: World | None) -> str:
    """Best-effort plain text of a rich_text block."""
    lines: list[str] = []
    for part in block.get("elements", []):
        kind = part.get("type")
        if kind == "rich_text_list":
            ordered = part.get("style") == "ordered"
            indent = "  " * int(part.get("indent", 0))
            for i, item in enumerate(part.get("elements", []), start=1):
                bullet = f"{i}." if ordered else "•"
                lines.append(f"{indent}{bullet} " + "".join(_rich_element(e, world) for e in item.get("elements", [])))
            continue
        text = "".join(_rich_element(e, world) for e in part.get("elements", []))
        if kind == "rich_text_quote":
            lines.extend("> " + line for line in text.split("\n"))
        elif kind == "rich_text_preformatted":
            lines.append("```\n" + text + "\n```")
        else:
            lines.append(text)
    return "\n".join(lines)


def _section(block: dict[str, Any], world: World | None) -> str:
    """A section: text, fields two per line, accessory at the end of the first line."""
    lines = _text(block.get("text"), world).split("\n") if block.get("text") else []
    fields = [_text(f, world) for f in block.get("fields", [])]
    for i in range(0, len(fields), 2):
        lines.append("    ".join(fields[i : i + 2]))
    accessory = block.get("accessory")
    if isinstance(accessory, dict):
        control = render_element(accessory, world)
        if lines:
            lines[0] = f"{lines[0]}  {control}"
        else:
            lines.append(control)
    return "\n".join(lines)


def render_block(block: dict[str, Any], world: World | None = None) -> str:
    """Render a single layout block."""
    kind = block.get("type")
    if kind == "header":
        return f"# {_text(block.get('text'), world)}"
    if kind == "section":
        return _section(block, world)
    if kind == "divider":
        return DIVIDER
    if kind == "context":
        parts = [
            f"[image: {el.get('alt_text', '')}]" if el.get("type") == "image" else _text(el, world)
            for el in block.get("elements", [])
        ]
        return "› " + "  ".join(p for p in parts if p)
    if kind == "actions":
        return " ".join(render_element(el, world) for el in block.get("elements", []))
    if kind == "image":
        title = _text(block.get("title"), world)
        return f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")
    if kind == "input":
        label = _text(block.get("label"), world) + (" (optional)" if block.get("optional") else "")
        lines = [label, render_element(block.get("element") or {}, world)]
        if block.get("hint"):
            lines.append("› " + _text(block["hint"], world))
        return "\n".join(lines)
    if kind == "rich_text":
        return _rich_text(block, world)
    if kind == "markdown":
        return str(block.get("text", ""))
    if kind in ("file", "video"):
        return f"[{kind}: {block.get('title', {}).get('text', '') if kind == 'video' else block.get('file_id', '')}]"
    return f"[{kind}]"


def render_blocks(blocks: list[dict[str, Any]], *, world: World | None = None) -> str:
    """Render a blocks array, one block after another."""
    return "\n".join(render_block(block, world) for block in blocks)


def render_message(text: str | None, blocks: list[dict[str, Any]] | None, world: World | None = None) -> str:
    """Render a message: its blocks when present, otherwise its mrkdwn text."""
    if blocks:
        return render_blocks(blocks, world=world)
    return render_mrkdwn(text or "", world)


def render_view(view: dict[str, Any], world: World | None = None) -> str:
    """Render a modal or Home tab: title, blocks, and the close/submit buttons."""
    title = _text(view.get("title"), world) or ("Home" if view.get("type") == "home" else "Modal")
    lines = [f"┌ {title}", render_blocks(view.get("blocks", []), world=world)]
    buttons = [f"[{_text(view[key], world)}]" for key in ("close", "submit") if view.get(key)]
    if buttons:
        lines.append("└ " + " ".join(buttons))
    return "\n".join(line for line in lines if line)
