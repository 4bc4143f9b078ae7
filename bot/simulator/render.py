"""Turn what the bot sends (mrkdwn, Block Kit messages, views) into readable console text."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.simulator.blockkit import SELECTS
from bot.simulator.world import World

DIVIDER = "─" * 40
_TOKEN = re.compile(r"<([^<>]+)>")


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


def _select(el: dict[str, Any], world: World | None) -> str:
    """A select shows its initial choice, else its placeholder."""
    label = _text(el.get("placeholder"), world) or "Select"
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


def _picker(icon: str, key: str, blank: str) -> Callable[[dict[str, Any], World | None], str]:
    """A date or time picker shows its initial value, else its placeholder."""
    return lambda el, world: f"[{icon} {el.get(key) or _text(el.get('placeholder'), world) or blank}]"


def _choices(el: dict[str, Any], world: World | None) -> str:
    """Checkboxes or radio buttons, every option shown with its mark."""
    chosen = el.get("initial_options") or ([el["initial_option"]] if el.get("initial_option") else [])
    chosen_values = {o.get("value") for o in chosen if isinstance(o, dict)}
    marks = ("☑", "☐") if el.get("type") == "checkboxes" else ("◉", "◯")
    return "  ".join(
        f"{marks[0] if o.get('value') in chosen_values else marks[1]} {_option_label(o, world)}"
        for o in el.get("options", [])
    )


def _text_input(el: dict[str, Any], world: World | None) -> str:
    """A text field shows its initial value, else its placeholder."""
    shown = el.get("initial_value") or _text(el.get("placeholder"), world)
    return f"[__ {shown} __]" if shown else "[____]"


_Render = Callable[[dict[str, Any], World | None], str]
_ELEMENTS: dict[str, _Render] = {
    "button": lambda el, world: f"[{_text(el.get('text'), world)}]",
    **dict.fromkeys(SELECTS, _select),
    "datepicker": _picker("📅", "initial_date", "pick a date"),
    "timepicker": _picker("🕒", "initial_time", "pick a time"),
    "overflow": lambda el, world: "[⋯]",
    "checkboxes": _choices,
    "radio_buttons": _choices,
    "image": lambda el, world: f"[image: {el.get('alt_text', '')}]",
    **dict.fromkeys(
        ("plain_text_input", "email_text_input", "url_text_input", "number_input", "rich_text_input"), _text_input
    ),
}


def render_element(el: dict[str, Any], world: World | None = None) -> str:
    """Render one interactive element as a bracketed control."""
    kind: Any = el.get("type")
    render = _ELEMENTS.get(kind)
    return render(el, world) if render else f"[{kind}]"


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


def _context(block: dict[str, Any], world: World | None) -> str:
    """A context line: its texts and images side by side."""
    parts = [
        f"[image: {el.get('alt_text', '')}]" if el.get("type") == "image" else _text(el, world)
        for el in block.get("elements", [])
    ]
    return "› " + "  ".join(p for p in parts if p)


def _image(block: dict[str, Any], world: World | None) -> str:
    """An image block: its alt text and title."""
    title = _text(block.get("title"), world)
    return f"[image: {block.get('alt_text', '')}]" + (f" {title}" if title else "")


def _input(block: dict[str, Any], world: World | None) -> str:
    """An input block: label, control, then hint."""
    label = _text(block.get("label"), world) + (" (optional)" if block.get("optional") else "")
    lines = [label, render_element(block.get("element") or {}, world)]
    if block.get("hint"):
        lines.append("› " + _text(block["hint"], world))
    return "\n".join(lines)


_BLOCKS: dict[str, _Render] = {
    "header": lambda block, world: f"# {_text(block.get('text'), world)}",
    "section": _section,
    "divider": lambda block, world: DIVIDER,
    "context": _context,
    "actions": lambda block, world: " ".join(render_element(el, world) for el in block.get("elements", [])),
    "image": _image,
    "input": _input,
    "rich_text": _rich_text,
    "markdown": lambda block, world: str(block.get("text", "")),
    "file": lambda block, world: f"[file: {block.get('file_id', '')}]",
    "video": lambda block, world: f"[video: {block.get('title', {}).get('text', '')}]",
}


def render_block(block: dict[str, Any], world: World | None = None) -> str:
    """Render a single layout block."""
    kind: Any = block.get("type")
    render = _BLOCKS.get(kind)
    return render(block, world) if render else f"[{kind}]"


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
