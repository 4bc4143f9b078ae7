"""One meeting-note entry -> what a person would have typed: title, owners, due date, fingerprint."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.capture.dates import ParsedDate
from bot.capture.names import NameIndex, OwnerRead, fold
from bot.capture.note_dates import Today, find_due, past_warning
from bot.capture.note_owners import Owned, base_verb, drop_names, find_owner, group_owner, starts_with_verb

_LINK_RE = re.compile(r"<((?:https?|mailto):[^|>\s]{1,2000})(?:\|([^>]{0,300}))?>")
_MD_LINK_RE = re.compile(r"\[([^\[\]]{1,300})\]\((https?://[^)\s]{1,2000})\)")  # [WATCH](https://…) as pasted
_TOOL_DOMAIN_RE = re.compile(
    r"^https?://(?:[\w-]+\.)*(?:zoom\.us|fathom\.video|fireflies\.ai|otter\.ai|read\.ai|tldv\.io|granola\.(?:ai|so)|"
    r"gong\.io|meet\.google\.com|teams\.microsoft\.com|fellow\.app|avoma\.com|grain\.com)(?:[/?#]|$)"
)
_BARE_TOOL_URL_RE = re.compile(
    r"(?<![<|(\w])https?://(?:[\w-]+\.)*(?:zoom\.us|fathom\.video|fireflies\.ai|otter\.ai|read\.ai|tldv\.io|"
    r"gong\.io)[^\s>)]{0,2000}"
)
_TOOL_LABEL_RE = re.compile(
    r"^(?:open|view|go to|see|watch|play|jump to|listen|link|task|details|here|recording|clip|source|more|"
    r"(?:open|view|see|go to|watch|play|jump to)\s.*|▶.*|\d{1,2}:\d{2}(?::\d{2})?)$"
)
_TIMESTAMP = r"\d{1,2}:\d{2}(?::\d{2})?"
_STAMP_RES = (
    re.compile(
        rf"\s*[\[(]\s*(?:(?:watch|view|play|jump to|listen)\s*)?(?:at\s+|@\s*)?{_TIMESTAMP}"
        rf"\s*(?:[-–]\s*{_TIMESTAMP}\s*)?[\])]",
        re.IGNORECASE,
    ),
    re.compile(rf"^{_TIMESTAMP}\s*(?:[-–—:|]\s*)?(?=\S)"),
    re.compile(rf"\s+[-–—@|]\s*{_TIMESTAMP}\s*$"),
    re.compile(r"\s*[\[(](?:link|view task|open task|view|watch|source)[\])]", re.IGNORECASE),
    re.compile(r"\s*(?:[-–—|]\s*)?\b(?:view task|open task|open in zoom|view in zoom|watch)\s*$", re.IGNORECASE),
)
_NONE_RE = re.compile(
    r"^(?:none|n/?a|nothing|tbd|-+|no\s+(?:specific\s+|clear\s+|new\s+|explicit\s+|other\s+|further\s+)?"
    r"(?:action\s*items?|next\s*steps?|follow[\s-]*ups?|tasks?|to[\s-]*dos?|actions?)\b.*|.*\b(?:were|was)\s+not\s+"
    r"(?:identified|assigned|discussed|mentioned)|.*\bno\s+(?:action\s*items?|next\s*steps?|tasks?)\s+(?:were|was)\b.*)$",
    re.IGNORECASE,
)
_CHATTER_RE = re.compile(
    r"^(?:thanks?|thank you|thx|cheers|hi|hello|hey|great (?:meeting|call|chat|session)|see you|talk soon|have a|"
    r"let me know|feel free|please let|happy to|good (?:meeting|call)|best|regards|welcome)\b",
    re.IGNORECASE,
)
_MARKUP_RES = (
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])__?(?!\s)(.+?)(?<!\s)__?(?![\w_])"), r"\1"),
    (re.compile(r"(?<![\w~])~(?!\s)(.+?)(?<!\s)~(?![\w~])"), ""),  # struck words are words taken back
    (re.compile(r"`([^`]*)`"), r"\1"),
)
_SENTENCE_RE = re.compile(r"(?<=[a-z0-9)][.!;])\s+(?=[A-Z<@\[*])")
_ABBREVIATION_RE = re.compile(
    r"\b(?:dr|mr|mrs|ms|st|vs|etc|inc|ltd|co|jr|sr|e\.g|i\.e|approx|dept|no)\.$", re.IGNORECASE
)
_MAX_WORDS = 45
_MAX_ENTRY_CHARS = 1500
_MAX_SENTENCES = 3
_SUBTEAM_RE = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class NoteEntry:
    """One action item read from notes: its words, title, owners, and what could not be placed."""

    text: str  # the entry as read (markup removed) — what its fingerprint hashes
    title: str
    owners: tuple[str, ...]  # user ids: mentions plus names that resolved (one item per owner)
    unplaced: tuple[str, ...]  # owner words that resolved to no one, to two people, or a group word alone
    due: ParsedDate | None
    due_phrase: str | None
    fingerprint: str  # stable across edits of other entries
    warning: str | None = None


def _link_text(url: str, label: str) -> str:
    """A link as its label; a meeting tool's own link ("View task", a bare recording URL) as nothing."""
    label = label.strip()
    if not label:
        return "" if _TOOL_DOMAIN_RE.search(url) else url
    return "" if _TOOL_LABEL_RE.match(fold(label)) else label


def clean(body: str) -> str:
    """Entry words without Slack markup: tool links and timestamps dropped, links to labels, entities undone."""
    text = _LINK_RE.sub(lambda m: _link_text(m.group(1), m.group(2) or ""), body)
    text = _MD_LINK_RE.sub(lambda m: _link_text(m.group(2), m.group(1)), text)
    text = _BARE_TOOL_URL_RE.sub("", text)
    text = _SUBTEAM_RE.sub(lambda m: f"<!subteam^{m.group(1)}|{(m.group(2) or '@team').lstrip('@')}>", text)
    text = re.sub(r"<!(?:here|channel|everyone)(?:\|[^>]*)?>", "", text)
    text = re.sub(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = text.replace("&lt;", "‹").replace("&gt;", "›").replace("&amp;", "&")
    text = " ".join(text.split())  # single spaces first: runs of blanks make the patterns below slow
    for pattern, repl in _MARKUP_RES:
        text = pattern.sub(repl, text)
    for pattern in _STAMP_RES:
        text = pattern.sub("", text)
    return " ".join(text.replace("‹", "<").replace("›", ">").split())


def fingerprint(text: str, group: str | None) -> str:
    """12 hex characters from the entry's own words (and its sub-heading): other entries' edits never change it."""
    key = " ".join(re.findall(r"\w+", fold(f"{group or ''} | {text}")))
    return hashlib.sha1(key.encode()).hexdigest()[:12]


def is_noise(text: str) -> bool:
    """ "None", "No action items", greetings, questions and lone punctuation are not items."""
    plain = text.strip(" .!:;-–—")
    if len(re.sub(r"\W", "", plain)) < 3 or plain.endswith("?"):
        return True
    if len(plain.split()) > _MAX_WORDS or len(split_sentences(plain)) > _MAX_SENTENCES:
        return True  # a paragraph of summary, not a task
    return bool(_NONE_RE.match(plain) or _CHATTER_RE.match(plain))


def _render_mentions(text: str, index: NameIndex) -> str:
    def name(m: re.Match[str]) -> str:
        return index.name_of(m.group(1)) or (m.group(2) or "").lstrip("@") or "someone"

    text = re.sub(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>", name, text)
    return _SUBTEAM_RE.sub(lambda m: "@" + (m.group(2) or "team"), text)


def finish_title(words: str, verb_first: bool, index: NameIndex) -> str:
    """Tidy the words left for a title: no leading to/will, a base verb, no stray punctuation, a capital first."""
    text = _render_mentions(words, index)
    text = re.sub(r"[(\[]\s*[)\]]|:[a-z0-9_+\-]+:", "", text)  # emptied brackets; emoji codes
    text = " ".join(text.split()).strip(" -–—:;,|")
    text = re.sub(r"^(?:to|will|shall|should)\s+", "", text, flags=re.IGNORECASE)
    text = text.rstrip(" .;:,!-–—|").strip()
    first, _, rest = text.partition(" ")
    if verb_first and first:
        first = base_verb(first)
    text = f"{first} {rest}".strip()
    return text[:1].upper() + text[1:]


def _label_split(rest: str, labelled: bool) -> tuple[str, str]:
    """A tool's "Title: description" (Gemini after `[Name]`, Teams in bold): the title and the description."""
    m = re.match(r"^([^:]{2,80}?):\s+(.+)$", rest)
    if labelled and m and len(m.group(1).split()) <= 8 and len(m.group(2).split()) >= 2:
        return m.group(1), m.group(2)
    return rest, ""


def _has_label(body: str) -> bool:
    """True when an entry opens with a bold label ("*Deck update*: …") or a bracketed owner ("[Bob] Deck: …")."""
    return bool(re.match(r"^(?:\*{1,2}[^*]{2,80}?:?\*{1,2}\s*:|\[[^\]]{1,80}\]\s*[^:]{2,80}:\s)", body.strip()))


def _owner_behind_date(text: str, index: NameIndex, when_for: Callable[[str | None], Today]) -> Owned | None:
    """ "Send the deck — Bob — due Fri": the owner once the date is out of the way (its words go back at the end)."""
    words = text.split()
    due = find_due(words, when_for(None))
    if not due.span:
        return None
    start, end = due.span
    found = find_owner(" ".join(words[:start] + words[end:]).strip(" -–—|,;:([·•"), index)
    if found is None:
        return None
    return Owned(found.read, " ".join([found.rest, *words[start:end]]), found.verb_first)


def _names_only(text: str, index: NameIndex) -> bool:
    read = group_owner(text, index)
    return read is not None and bool(read.names or read.groups)


def _title_and_more(owned: Owned, body: str, index: NameIndex) -> tuple[Owned, str, str]:
    """The words for the title and the words after them (a description, later sentences), which may hold the date."""
    title_words, description = _label_split(owned.rest, _has_label(body))
    if description and (not starts_with_verb(title_words) or len(title_words.split()) < 2):
        # A noun label ("Pricing sheet: Dana will update the sheet …") or one word ("Estimate: …"): the description is
        # what a person would write.
        inner = find_owner(description, index)
        said = Owned(owned.read, inner.rest, inner.verb_first) if inner else drop_names(description, owned.read, index)
        owned, title_words, description = said, said.rest, ""
    sentences = split_sentences(title_words)
    if len(sentences) > 1 and len(sentences[0].split()) >= 3:
        title_words, description = sentences[0], " ".join([*sentences[1:], description]).strip()
    return owned, title_words, description


def split_sentences(text: str) -> list[str]:
    """Sentences, not cut after an abbreviation ("Dr. Lee", "Acme Inc. Board")."""
    out: list[str] = []
    for part in _SENTENCE_RE.split(text):
        if out and _ABBREVIATION_RE.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        elif part.strip():
            out.append(part)
    return out


def read_entry(
    body: str,
    *,
    index: NameIndex,
    when_for: Callable[[str | None], Today],
    default: OwnerRead | None = None,
    group: str | None = None,
    detail: str = "",
) -> NoteEntry | None:
    """Read one entry; None when it is not an item ("None", a greeting, a question, empty once cleaned)."""
    if len(body) > _MAX_ENTRY_CHARS:
        return None  # a wall of text is no task, and reading it costs time on every message
    text = clean(body)
    if is_noise(text) or _names_only(text, index):
        return None  # "None", chatter, or a name alone (a sub-heading missed as one)
    owned = find_owner(text, index) or _owner_behind_date(text, index, when_for) or Owned(default or OwnerRead(), text)
    owned, title_words, more = _title_and_more(owned, body, index)
    owner = owned.read.ids[0] if owned.read.ids else None
    today = when_for(owner)
    due = find_due(title_words.split(), today)
    if due.span:
        start, end = due.span
        words = title_words.split()
        title_words = " ".join(words[:start] + words[end:])
    elif more:
        due = find_due(more.split(), today)
    title = finish_title(title_words, owned.verb_first, index)
    if is_noise(title):
        return None
    warning = due.warning or (past_warning(due.date, due.phrase, today) if due.date else None)
    full = f"{text} {detail}".strip()
    return NoteEntry(
        text=full,
        title=title,
        owners=owned.read.ids,
        unplaced=owned.read.unplaced,
        due=due.date,
        due_phrase=due.phrase,
        fingerprint=fingerprint(full, group),
        warning=warning,
    )
