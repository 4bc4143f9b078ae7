"""Slack text on the way in: unescape entities, find mentions, tokenise."""

from __future__ import annotations

import re
import shlex

MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SPECIAL_RE = re.compile(r"<!(channel|here|everyone|subteam\^[A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL_RE = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_LINK_RE = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def unescape(text: str) -> str:
    """Undo Slack's &amp; &lt; &gt; escaping (ampersand last); drop NULs, which PostgreSQL text refuses."""
    return text.replace("\x00", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain(text: str) -> str:
    """Slack markup to plain text for storage: links to their label, channel refs to #name."""
    text = _SPECIAL_RE.sub(lambda m: "@" + m.group(1).split("^")[0], text)
    text = _CHANNEL_RE.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _LINK_RE.sub(lambda m: m.group(2) or m.group(1), text)
    return unescape(text)


def mentions(text: str) -> list[str]:
    """User ids mentioned, in order, without repeats."""
    seen: list[str] = []
    for uid in MENTION_RE.findall(text):
        if uid not in seen:
            seen.append(uid)
    return seen


def tokens(text: str) -> list[str]:
    """Split on whitespace, keeping "quoted text" (straight or curly quotes) as one token."""
    normalised = text.replace("\u201c", '"').replace("\u201d", '"')
    lexer = shlex.shlex(normalised, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    lexer.quotes = '"'
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError:  # an unmatched quote: fall back to plain words
        return normalised.split()


def squash(text: str) -> str:
    """Collapse runs of whitespace."""
    return " ".join(text.split())


def quote(text: str, limit: int = 80) -> str:
    """User text echoed inside a reply: shortened, and escaped for mrkdwn so it can never ping anyone."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")
