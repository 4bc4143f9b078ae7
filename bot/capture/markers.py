"""Meeting-note markers: lines starting `AI:`, `Action item:`, `TODO:` or `[ ]` (after an optional bullet)."""

from __future__ import annotations

import re

_MARKER_RE = re.compile(
    r"^\s*(?:(?:[-*•◦‣·]|\d{1,3}[.)])\s+)?(?:\*|_)?(?:ai|action item|todo)(?:\*|_)?\s*:\s*(?P<a>.+)$"
    r"|^\s*(?:(?:[-*•◦‣·]|\d{1,3}[.)])\s+)?\[\s?\]\s+(?P<b>.+)$",
    re.IGNORECASE,
)
# The words after a word marker, once a line's bullet is gone: "AI: …", "*TODO:* …", "Action item - …", "To-do: …".
_WORD_MARKER_RE = re.compile(
    r"^(?:\*|_)?(?:ai|action[ -]item|to[ -]?do)(?:\*|_)?\s*(?::|\s[-–—])(?:\*|_)?\s*(?P<rest>.+)$", re.IGNORECASE
)


def marker_lines(text: str) -> list[str]:
    """The text after each marker, one entry per marked line, in order."""
    found = []
    for line in text.splitlines():
        m = _MARKER_RE.match(line)
        if m:
            rest = (m.group("a") or m.group("b") or "").strip()
            if rest:
                found.append(rest)
    return found


def marker_text(body: str) -> str | None:
    """The words after a word marker (`AI:`, `Action item:`, `TODO:`) at the start of a line's body, else None."""
    m = _WORD_MARKER_RE.match(body.strip())
    return m.group("rest").strip() if m and m.group("rest").strip() else None
