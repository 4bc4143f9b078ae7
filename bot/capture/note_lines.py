"""Meeting-note lines -> raw entries: headings, action sections, person sub-headings, bullets and continuations."""
# A section opens at a heading that names follow-up work and runs until a heading that names no person. Entries are
# kept as a tree (a sub-bullet is a child) so the reader can decide later whether a parent was a person ("- Bob" over
# his items), a group ("Launch prep:") or a task whose children are details.

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.capture.names import fold

_LINE_RE = re.compile(
    r"^(?P<indent>[ \t\u00a0]*)(?:(?:&gt;|>)[ \t]?)?"
    r"(?P<bullet>(?:[-*•◦‣·▪▫●○■–—+»⁃∙]|\d{1,3}[.)]|\(\d{1,3}\)|\d\u20e3|[a-z][.)])(?=\s))?\s*(?P<box>\[\s?\]|\[[xX✓✔]\]|[☐☑☒✅✔✓⬜🔲□]|:(?:white_check_mark|heavy_check_mark|ballot_box_with_check|"
    r"white_large_square|black_square_button|white_square_button|ballot_box|radio_button|square):)?\s*(?P<body>.*)$"
)
# An emoji or symbol used as a bullet ("🔹 …", ":small_blue_diamond: …", "→ …"); checkbox emoji are read before.
_SYMBOL_BULLET_RE = re.compile(r"^(:[a-z0-9_+\-]+:|[^\w\s*_#\[(<@&'\"`~.,:;!?])\s+(?=\S)")
_MAX_FOOTER_LINE = 400
_MAX_HEADING_LINE = 2000  # an inline "Action items: a; b; …" fits; a longer line is prose
_TICKED = frozenset({"[x]", "[X]", "[✓]", "[✔]", "☑", "☒", "✅", "✔", "✓"})
_TICKED_CODES = ("white_check_mark", "heavy_check_mark", "ballot_box_with_check")
_LEAD_EMOJI_RE = re.compile(r"^(?::[a-z0-9_+\-]+:\s*|[^\w\s*_#\[(<&@'\"]\s*)+")
_EMOJI_CODE_RE = re.compile(r"[a-z0-9_+\-]+")
_KEEP_AT_END = frozenset(" *_)].:!?>'\"")
_PREFIX = r"(?:(?:suggested|key|agreed|open|proposed|team|my|your|our|meeting|new|outstanding|pending|assigned|"
_PREFIX += r"recommended|immediate|identified|upcoming|important|main|ai|the)\s+)*"
_CORE = r"(?:action\s*items?|action\s*points?|actions?|next\s*steps?|follow[\s-]*ups?(?:\s*(?:tasks?|items?|actions?))?"
_CORE += r"|to[\s-]*dos?|tasks?|assignments?|action\s*items?\s*/\s*next\s*steps?|homework)"
_SUFFIX = r"(?:\s*(?:&|and|/|\+|,)\s*(?:next\s*steps?|action\s*items?|owners?|follow[\s-]*ups?|deadlines?|due\s*dates?|"
_SUFFIX += r"assignments?|responsibilities|tasks?|to[\s-]*dos?))*(?:\s*\(\d+\))?(?:\s+(?:from|for)\s+[\w' ]{1,30})?"
_ACTION_RE = re.compile(rf"^{_PREFIX}{_CORE}{_SUFFIX}$")
_OTHER_WORDS = frozenset(
    """summary summaries recap overview note notes decisions decision agenda attendees participants present absent
    discussion discussed topics highlights takeaways questions risks blockers issues outline chapters transcript
    keywords background context updates status ideas resources links metrics feedback announcements completed done
    parking insights details tl;dr tldr wins kudos shoutouts sentiment objections concerns purpose goals
    objectives""".split()
)
_OTHER_PHRASES = frozenset(
    {
        "key points",
        "main points",
        "key decisions",
        "key takeaways",
        "quick recap",
        "meeting summary",
        "meeting notes",
        "open questions",
        "next meeting",
        "key topics",
        "general discussion",
        "pain points",
        "notes for later",
        "ideas for later",
        "customer feedback",
        "action items completed",
        "completed action items",
        "done last week",
    }
)
_ACTION_WORDS_RE = re.compile(
    r"\b(?:action\s*items?|action\s*points?|next\s*steps?|follow[\s-]*ups?|to[\s-]*dos|tasks|assignments|homework)\b"
)
_PAST_RE = re.compile(r"\b(?:completed|done|closed|finished|past|previous|last week'?s?|old|resolved)\b")
# "Quick notes. *Action items:* a; b" — a bold action heading after a sentence, its items inline.
_MIDLINE_RE = re.compile(
    r"(?<=[.!:;)]\s)\*{1,2}((?:action\s*items?|next\s*steps?|follow[\s-]*ups?|to[\s-]*dos|action\s*points?)):?\*{1,2}"
    r"\s*:?\s+(\S.*)$",
    re.IGNORECASE,
)
_TOPIC_RE = re.compile(r"\s(?:for|from|on|about|re)\s")
_WEAK_INLINE = frozenset(
    {
        "task",
        "tasks",
        "action",
        "actions",
        "assignment",
        "assignments",
        "homework",
        "follow-up",
        "follow up",
        "followup",
    }
)
_SINGULAR_MARKERS = frozenset({"todo", "to do", "to-do", "action item", "ai"})
_FOOTER_RE = re.compile(
    r"^(?:(?:fireflies|otter|zoom|fathom|read\.?ai|tl;?dv|granola|gong|gemini|notion|copilot|fellow|avoma|grain)\b|"
    r"watch (?:the )?(?:recording|meeting|call|video|replay|clip)|listen to|shared (?:via|from|by|with)|"
    r"ai[- ]generated|generated (?:by|with|using)|powered by|created (?:by|with)|sent (?:from|by|via)|summary "
    r"generated|this (?:summary|recap|note) (?:was|is)|view (?:the )?(?:full|complete|meeting|recording|summary|recap|"
    r"notes|transcript|in|on|task)|open (?:in|the|full|task)|see (?:the )?(?:full|complete|more)|edit (?:summary|notes|"
    r"in|recap)|share (?:summary|recap|notes)|was this (?:summary|recap|helpful)|rate this|give feedback|"
    r"ai (?:can|may) make mistakes|please (?:review|check) .*accura|check (?:for )?accuracy|"
    r"manage (?:settings|notifications)|"
    r"unsubscribe|(?:\.\.\.|…)?\s*(?:and\s+|\+\s*)?\d+\s+more\b|"
    r"recording:|transcript:|meeting (?:link|recording|id):|duration:|date:|time:|host:)"
)


@dataclass
class Line:
    """One line of notes: indent, its bullet or checkbox kind, and the words after them (mrkdwn, still escaped)."""

    indent: int
    mark: str  # "" | "bullet" | "open" | "ticked"
    body: str
    symbol: bool = False  # the bullet was an emoji or symbol ("🎯 …"), which also decorates headings


@dataclass
class Heading:
    """A heading line: "action" (names follow-up work), "other", or "sub" (decided by what it names)."""

    kind: str
    core: str
    level: int = 0
    marked: bool = False
    rest: str = ""
    loose: bool = False  # "Timeline and next steps", "Next steps for the pilot": only list items under it count


@dataclass
class RawEntry:
    """An entry as found: its lines (the first is the entry, the rest continue it), owner sub-heading, children."""

    lines: list[str]
    indent: int = 0
    group: str | None = None
    ticked: bool = False
    marker: bool = False
    bulleted: bool = False  # a list item: a plain line right under it is its wrapped sentence
    children: list[RawEntry] = field(default_factory=list)


def unescape(text: str) -> str:
    """Slack's &lt; &gt; &amp; back to characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def split_line(raw: str) -> Line:
    """Indent, bullet/checkbox kind and body of one line."""
    raw = raw.replace("\ufe0f", "").rstrip()
    m = _LINE_RE.match(raw)
    if not m:  # the pattern matches any line; kept for the type checker
        return Line(0, "", raw.strip())
    indent = len(m.group("indent").expandtabs(4))
    box = m.group("box") or ""
    if box:
        ticked = box in _TICKED or any(code in box for code in _TICKED_CODES)
        return Line(indent, "ticked" if ticked else "open", m.group("body").strip())
    body = m.group("body").strip()
    if not m.group("bullet"):
        symbol = _SYMBOL_BULLET_RE.match(body)
        if symbol and (symbol.group(1).startswith(":") or unicodedata.category(symbol.group(1)[0]).startswith("S")):
            inner = split_line(" " * indent + body[symbol.end() :])  # "🔹 [ ] …" keeps its checkbox
            return Line(indent, inner.mark or "bullet", inner.body, symbol=not inner.mark)
    return Line(indent, "bullet" if m.group("bullet") else "", body)


def strip_emoji(text: str) -> str:
    """Words without emoji or symbols at either end (":memo: *Action items* ✨" -> "*Action items*")."""
    text = _LEAD_EMOJI_RE.sub("", text.strip())
    while text:  # a loop, not a `…+$` pattern: that one is quadratic on a long line of symbols
        text = text.rstrip()
        start = text.rfind(":", 0, len(text) - 1) if text.endswith(":") else -1
        if start >= 0 and _EMOJI_CODE_RE.fullmatch(text[start + 1 : -1]):
            text = text[:start]
        elif text and not text[-1].isalnum() and text[-1] not in _KEEP_AT_END:
            text = text[:-1]
        else:
            break
    return text.strip()


def _strip_decor(text: str) -> str:
    """A heading's words without emoji at either end or a leading outline number."""
    text = strip_emoji(text)
    return re.sub(r"^(?:\d{1,2}|[ivx]{1,4})[.)]\s+", "", text, flags=re.IGNORECASE)


def _is_other(core: str, exact: bool = False) -> bool:
    """True for a heading that names something other than follow-up work ("Decisions", "Key points", "Summary …")."""
    folded = fold(core).strip(" :.")
    if folded in _OTHER_PHRASES or folded in _OTHER_WORDS:
        return True
    if exact:
        return False
    first = folded.split(" ", 1)[0] if folded else ""
    return first in _OTHER_WORDS or (first in ("key", "main", "meeting", "quick", "open") and len(folded.split()) <= 3)


def is_action(core: str) -> bool:
    """True when the heading words name follow-up work ("Next steps", "Action items & owners", "To-dos (3)")."""
    return bool(_ACTION_RE.match(fold(_strip_decor(core)).strip(" :.")))


def _mentions_action(core: str) -> bool:
    """A heading that names follow-up work among other words ("Decisions and next steps", "Our action items")."""
    folded = fold(core)
    return bool(_ACTION_WORDS_RE.search(folded)) and not _PAST_RE.search(folded) and len(folded.split()) <= 10


def _classify(core: str, level: int, marked: bool, rest: str, colon: bool) -> Heading | None:
    """What heading words name; `marked` (bold, `#`) or `colon` headings may be loose, a plain line must be exact."""
    core = _strip_decor(core).strip(" :")
    if not core:
        return None
    folded = fold(core)
    strong = marked or colon
    if is_action(core) and not (_PAST_RE.search(folded)):
        if rest and not marked and (folded in _SINGULAR_MARKERS or folded in _WEAK_INLINE):
            return None  # "TODO: call the vendor" is a marker line; "Tasks: I did them" is chat
        return Heading("action", core, level, marked, rest, loose=bool(_TOPIC_RE.search(folded)))
    if rest:
        return Heading("other", core, level, marked) if _is_other(core) and strong else None
    if strong and _mentions_action(core):
        return Heading("action", core, level, marked, loose=True)
    if _is_other(core, exact=not strong) and len(core.split()) <= 6:
        return Heading("other", core, level, marked)
    if strong and (marked or len(core.split()) <= 8):
        return Heading("sub", core, level, marked)
    if core.isupper() and len(core.split()) <= 6 and not re.search(r"\d", core):
        return Heading("other", core, level, True)
    return None


def heading_of(line: Line) -> Heading | None:
    """The heading a line is, if any: `#` headings, whole-bold lines, `Name:` lines, inline `*Next steps:* …`."""
    if len(line.body) > _MAX_HEADING_LINE:
        return None
    text = unescape(line.body).strip()
    if line.mark in ("open", "ticked"):  # "✅ *Action Items*": an emoji that looks like a ticked box
        whole = re.sub(r"^(\*{1,2}|_{1,2})(.+?)\1$", r"\2", text.rstrip(":").strip()).rstrip(":")
        return Heading("action", whole, 0, True) if is_action(whole) else None
    level, marked = 0, False
    m = re.match(r"^(#{1,6})\s*(.+)$", text)
    if m:
        level, marked, text = len(m.group(1)), True, m.group(2).strip().strip("#").strip()
    text = strip_emoji(text)
    bold = re.match(r"^(\*{1,2}|_{1,2})(?!\s)(.+?)(?<!\s)\1(?!\w)\s*(.*)$", text)
    if bold and (not bold.group(3) or bold.group(3).startswith(":") or bold.group(2).endswith(":")):
        rest = bold.group(3).lstrip(":").strip()
        return _classify(bold.group(2), level, True, rest, bold.group(2).endswith(":") or ":" in bold.group(3)[:1])
    inline = _MIDLINE_RE.search(text)
    if inline and not line.mark:
        return Heading("action", inline.group(1), 0, True, inline.group(2).strip())
    if line.mark and not (is_action(text) or _is_other(text, exact=True)):
        return None  # a bullet is an entry unless it is exactly a heading's words
    if text.endswith(":"):
        return _classify(text[:-1], level, marked, "", True)
    split = re.match(r"^([^:]{1,60}?)\s*(?::|\s[-–—]\s)\s*(.+)$", text)
    if split and is_action(split.group(1)):
        return _classify(split.group(1), level, marked, split.group(2), True)
    if split and _is_other(split.group(1)) and ":" in text[: len(split.group(1)) + 2]:
        return _classify(split.group(1), level, marked, split.group(2), True)
    return _classify(text, level, marked, "", False)


def is_footer(body: str) -> bool:
    """A tool's footer or meta line ("Generated by …", "View full recap", "AI can make mistakes")."""
    if len(body) > _MAX_FOOTER_LINE:
        return False
    text = re.sub(r"<[^>|]*\|([^>]*)>", r"\1", unescape(body))
    text = re.sub(r"[*_~`]", "", text)
    return bool(_FOOTER_RE.match(fold(_strip_decor(text))))


def has_headings(lines: list[Line]) -> bool:
    """True when the text has any heading, or a short title line right over a list (a `[ ]` list needs neither)."""
    for i, line in enumerate(lines):
        heading = heading_of(line)
        if heading and (heading.kind != "sub" or heading.marked or len(heading.core.split()) <= 6):
            return True  # a long "Couple of things from the call:" introduces lines; it does not head them
        nxt = next((x for x in lines[i + 1 :] if x.body), None)
        if line.body and not line.mark and nxt and nxt.mark and len(line.body.split()) <= 6:
            if not re.search(r"[.!?]$", line.body):
                return True
    return False


def split_inline(rest: str) -> list[str]:
    """`a; b; c` or `1) a 2) b` after an inline heading -> entries."""
    parts = re.split(r"\s*;\s*|\s+(?=\(?\d{1,2}[.)]\s)|\s+•\s+", rest)
    return [re.sub(r"^\(?\d{1,2}[.)]\s+", "", p).strip() for p in parts if p.strip()]
