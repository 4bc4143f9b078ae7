"""Finding things in Block Kit the bot sent, as a person scanning the message would."""

from __future__ import annotations

import json
from typing import Any


def elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every interactive element: section accessories and actions elements."""
    found = []
    for block in blocks:
        if block.get("accessory"):
            found.append({**block["accessory"], "_block_id": block.get("block_id")})
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            found.append({**el, "_block_id": block.get("block_id")})
    return found


def button(blocks: list[dict[str, Any]], label: str, value: str | None = None) -> dict[str, Any]:
    """The button with this label (and value); AssertionError listing what is there otherwise."""
    buttons = [e for e in elements(blocks) if e.get("type") == "button"]
    for b in buttons:
        if b["text"]["text"] == label and (value is None or b.get("value") == value):
            return b
    seen = [(b["text"]["text"], b.get("value")) for b in buttons]
    raise AssertionError(f"no button {label!r} {value or ''} among {seen}")


def labels(blocks: list[dict[str, Any]]) -> list[str]:
    """Labels of buttons and placeholders of selects, in order."""
    out = []
    for e in elements(blocks):
        if e.get("type") == "button":
            out.append(e["text"]["text"])
        elif "placeholder" in e:
            out.append(e["placeholder"]["text"])
    return out


def text_of(payload: dict[str, Any]) -> str:
    """The fallback text plus everything in the blocks, for `in` checks."""
    return str(payload.get("text", "")) + "\n" + json.dumps(payload.get("blocks", []), ensure_ascii=False)
