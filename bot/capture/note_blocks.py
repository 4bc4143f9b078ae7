"""Block Kit and legacy attachments -> mrkdwn lines, so notes that live only in blocks read like typed ones."""
# Every shape becomes the line a person would have typed: a header is a `#` heading, bold rich text is `*bold*`,
# a list item a `- ` bullet (indented by its level), a checkbox option `[ ] label` or `[x] label` when ticked.
# Slack's text escapes &, < and > and so do these lines, so one reader handles both.

from __future__ import annotations

from typing import Any

_RADIO_OR_CHECK = ("checkboxes", "radio_buttons")


def _list(value: Any) -> list[Any]:
    """A list field as sent; anything else (a malformed payload) as nothing."""
    return value if isinstance(value, list) else []


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _styled(text: str, style: Any) -> str:
    """Rich-text bold as `*bold*`, struck as `~struck~`, around the words (not the spaces) so headings read whole."""
    if not isinstance(style, dict) or not text.strip():
        return text
    lead = text[: len(text) - len(text.lstrip())]
    tail = text[len(text.rstrip()) :]
    words = text.strip()
    if style.get("strike"):
        words = f"~{words}~"
    if style.get("bold"):
        words = f"*{words}*"
    return f"{lead}{words}{tail}"


def _inline(element: Any) -> str:
    """One rich-text element as mrkdwn."""
    if not isinstance(element, dict):
        return ""
    kind = element.get("type")
    if kind == "text":
        return _styled(_esc(str(element.get("text", ""))), element.get("style"))
    if kind == "link":
        url, label = str(element.get("url", "")), str(element.get("text") or "")
        return f"<{url}|{_esc(label)}>" if label else f"<{url}>"
    if kind == "user":
        return f"<@{element.get('user_id', '')}>"
    if kind == "usergroup":
        return f"<!subteam^{element.get('usergroup_id', '')}>"
    if kind == "channel":
        return f"<#{element.get('channel_id', '')}>"
    if kind == "emoji":
        return f":{element.get('name', '')}:"
    if kind == "broadcast":
        return ""
    return _esc(str(element.get("fallback") or element.get("text") or ""))


def _bold(element: Any) -> bool:
    style = element.get("style") if isinstance(element, dict) else None
    return isinstance(style, dict) and bool(style.get("bold"))


def _section_text(section: Any) -> str:
    """A rich-text section as one mrkdwn string; neighbouring bold runs merge, so `*Action items*` stays one."""
    elements = section.get("elements") if isinstance(section, dict) else None
    out: list[str] = []
    run: list[str] = []
    for element in elements if isinstance(elements, list) else []:
        if isinstance(element, dict) and element.get("type") == "text" and _bold(element):
            run.append(_esc(str(element.get("text", ""))))
            continue
        if run:
            out.append(_styled("".join(run), {"bold": True}))
            run = []
        out.append(_inline(element))
    if run:
        out.append(_styled("".join(run), {"bold": True}))
    return "".join(out)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and 0 <= value < 100 else 0


def _rich_text(block: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for part in _list(block.get("elements")):
        if not isinstance(part, dict):
            continue
        kind = part.get("type")
        if kind == "rich_text_list":
            indent = "  " * _int(part.get("indent"))
            ordered = part.get("style") == "ordered"
            for n, item in enumerate(_list(part.get("elements")), start=_int(part.get("offset")) + 1):
                mark = f"{n}." if ordered else "-"
                lines.append(f"{indent}{mark} {_section_text(item)}")
        elif kind in ("rich_text_section", "rich_text_quote", "rich_text_preformatted"):
            lines.extend(_section_text(part).split("\n"))
    return lines


def _text_obj(obj: Any) -> str:
    """A text object's words: mrkdwn as is, plain text escaped the way Slack escapes message text."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text") or "")
    return text if obj.get("type") == "mrkdwn" else _esc(text)


def _options(element: dict[str, Any]) -> list[str]:
    """Checkbox options as `[ ]`/`[x]` lines (ticked = among initial_options); radio options as bullets."""
    ticked = {str(o.get("value")) for o in _list(element.get("initial_options")) if isinstance(o, dict)}
    out = []
    for option in _list(element.get("options")):
        if not isinstance(option, dict):
            continue
        label = _text_obj(option.get("text"))
        described = _text_obj(option.get("description")).replace("\n", " ")
        label = f"{label} — {described}" if described.strip() else label  # "Bob Smith · Due Dec 5"
        if element.get("type") == "radio_buttons":
            out.append(f"- {label}")
        else:
            out.append(f"{'[x]' if str(option.get('value')) in ticked else '[ ]'} {label}")
    return out


def _elements(elements: Any) -> list[str]:
    lines: list[str] = []
    for el in _list(elements):
        if not isinstance(el, dict):
            continue
        if el.get("type") in _RADIO_OR_CHECK:
            lines.extend(_options(el))
        elif el.get("type") in ("mrkdwn", "plain_text"):
            lines.extend(_text_obj(el).split("\n"))
    return lines


def _block(block: dict[str, Any]) -> list[str]:
    kind = block.get("type")
    if kind == "rich_text":
        return _rich_text(block)
    if kind == "header":
        return ["# " + _text_obj(block.get("text")).replace("\n", " ")]
    if kind == "section":
        lines = _text_obj(block.get("text")).split("\n") if block.get("text") else []
        for field in _list(block.get("fields")):
            lines.extend(_text_obj(field).split("\n"))
        accessory = block.get("accessory")
        return lines + (_elements([accessory]) if isinstance(accessory, dict) else [])
    if kind in ("context", "actions"):
        return _elements(block.get("elements"))
    if kind == "input":
        return _elements([block.get("element")])
    return []


def block_lines(blocks: Any) -> list[str]:
    """The lines a person reading these blocks sees, in order, as mrkdwn; a blank line between blocks."""
    lines: list[str] = []
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict):
            found = _block(block)
            if found:
                lines.extend([*found, ""])
    return lines


def attachment_lines(attachments: Any) -> list[str]:
    """Legacy attachments (pretext, title, text, fields, and any blocks inside) as mrkdwn lines."""
    lines: list[str] = []
    for att in attachments if isinstance(attachments, list) else []:
        if not isinstance(att, dict):
            continue
        for key in ("pretext", "title", "text"):
            if att.get(key):
                value = str(att[key])
                lines.extend([f"*{value}*"] if key == "title" else value.split("\n"))
        for field in _list(att.get("fields")):
            if isinstance(field, dict):
                if field.get("title"):
                    lines.append(f"*{field['title']}*")
                lines.extend(str(field.get("value") or "").split("\n"))
        lines.extend(block_lines(att.get("blocks")))
        lines.append("")
    return lines
