"""Meeting notes -> action items (pure): sections and marker lines in a message's text, blocks and attachments."""
# Owners come from names (names.py), titles and dates from each entry (note_entry.py), sections from the lines
# (note_sections.py); this module reads the three documents a message has and keeps each item once.

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.capture.names import Member, NameIndex, OwnerRead, fold, index_of
from bot.capture.note_blocks import attachment_lines, block_lines
from bot.capture.note_dates import Today
from bot.capture.note_entry import NoteEntry, clean, read_entry, split_sentences
from bot.capture.note_lines import RawEntry, heading_of, split_line
from bot.capture.note_owners import find_owner, group_owner, leading_owner
from bot.capture.note_sections import raw_entries
from bot.capture.text import unescape

MAX_ITEMS = 50
_CLAUSE_RE = re.compile(r"\s*(?:,|;)\s+(?:and\s+)?(?=[A-Z<@])|\s+and\s+(?=[A-Z<@])")
_HEADS_UP_RE = re.compile(r"\b(?:action\s*items?|next\s*steps?|follow[\s-]*ups?|to[\s-]*dos?|tasks)\b", re.IGNORECASE)

__all__ = ["MAX_ITEMS", "Member", "NoteEntry", "NotesReading", "read_notes"]


@dataclass(frozen=True)
class NotesReading:
    """The items one message holds (at most 50) and the titles of the ones beyond."""

    entries: list[NoteEntry] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    index: NameIndex
    when_for: Callable[[str | None], Today]
    found: list[NoteEntry] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    earlier: int = 0  # how many of `found` came from earlier documents (the text before the blocks)
    copied: set[int] = field(default_factory=set)  # earlier entries a later copy already matched

    def add(self, entry: NoteEntry | None, already: str = "") -> None:
        """Keep an entry unless it repeats one already kept or its words are already in the text."""
        if entry is None or entry.fingerprint in self.seen:
            return
        words = _words(entry.text)
        for n, kept in enumerate(self.found[: self.earlier]):
            if n not in self.copied and _same(words, _words(kept.text)):
                self.found[n] = _enriched(kept, entry)  # a copy that names the owner or date the other left out
                self.copied.add(n)
                return
        if already and words in already:
            return
        self.seen.add(entry.fingerprint)
        self.found.append(entry)

    def next_document(self) -> None:
        """Entries kept so far become the ones a later document's copies are checked against."""
        self.earlier = len(self.found)
        self.copied = set()

    def read(self, raw: RawEntry, default: OwnerRead | None, already: str) -> None:
        """One raw entry and, when it heads a group ("- Bob" over his items, "Launch prep:"), its children."""
        if raw.ticked:
            return
        default = group_owner(raw.group, self.index) if raw.group and default is None else default
        body = " ".join(raw.lines)
        if raw.children and self._heads_group(body, raw.children):
            owned = find_owner(clean(body), self.index)
            inherited = owned.read if owned and owned.read.ids or owned and owned.read.unplaced else None
            if inherited is None and default is None:
                inherited = group_owner(clean(body).rstrip(":"), self.index)
            for child in raw.children:
                self.read(child, inherited or default, already)
            return
        detail = clean(" ".join(" ".join(c.lines) for c in _descendants(raw)))
        for part in self._sentences(body):
            entry = read_entry(
                part, index=self.index, when_for=self.when_for, default=default, group=raw.group, detail=detail
            )
            self.add(entry, already)

    def _sentences(self, body: str) -> list[str]:
        """ "Bob will send the deck. Dana will book the room." is two items when every sentence names its owner."""
        parts = split_sentences(body)
        if len(parts) > 1 and all(find_owner(clean(p), self.index) for p in parts):
            return parts
        clauses = [c for c in _CLAUSE_RE.split(body) if c.strip()]
        if len(clauses) > 1 and all(self._led_by_member(c) for c in clauses):
            return clauses  # "Bob sends the spec by Friday, Priya sets up a sandbox"
        return [body]

    def _led_by_member(self, clause: str) -> bool:
        found = leading_owner(clean(clause), self.index)
        return found is not None and bool(found.read.members)

    def _heads_group(self, body: str, children: list[RawEntry]) -> bool:
        """A parent that is a name, ends with a colon, or names no one over children who each name someone."""
        text = clean(body)
        if text.endswith(":") or group_owner(text, self.index) is not None:
            return True
        if find_owner(text, self.index) is not None:
            return False
        return all(find_owner(clean(" ".join(c.lines)), self.index) for c in children)


def _same(a: str, b: str) -> bool:
    """One entry's words inside the other's: the same entry, one copy cut short or with its owner in front."""
    short, long = sorted((a, b), key=len)
    return short in long and len(short) > 12


def _enriched(kept: NoteEntry, copy: NoteEntry) -> NoteEntry:
    """The kept entry, with the owner and due date only the copy names."""
    if not kept.owners and not kept.unplaced and (copy.owners or copy.unplaced):
        kept = replace(kept, owners=copy.owners, unplaced=copy.unplaced)
    if kept.due is None and copy.due is not None:
        kept = replace(kept, due=copy.due, due_phrase=copy.due_phrase, warning=kept.warning or copy.warning)
    return kept


def _descendants(raw: RawEntry) -> list[RawEntry]:
    out = []
    for child in raw.children:
        out.append(child)
        out.extend(_descendants(child))
    return out


def _words(text: str) -> str:
    """Folded words joined by single spaces, padded, for "are these words already there" checks."""
    # Entities undone first: a block's "R&D" is the text's "R&amp;D" (and a copy escaped twice is still the same words).
    # Slack markup (<@U1>, <!subteam^S1|@team>) is left out: a block names a user or group by id alone.
    bare = re.sub(r"<[@!#][^>]*>", " ", unescape(unescape(text)))
    return " " + " ".join(re.findall(r"\w+", fold(bare))) + " "


def _invites_section(lines: list[str], from_app: bool) -> bool:
    """True when the text heads follow-up work, so a list in blocks without a heading of its own is that work."""
    # An action heading in the text, or an app's first line announcing items ("3 action items from Weekly sync").
    if any((h := heading_of(split_line(line))) is not None and h.kind == "action" for line in lines):
        return True
    first = next((line for line in lines if line.strip()), "")
    return from_app and bool(_HEADS_UP_RE.search(clean(first)))


def _read_document(reader: _Reader, lines: list[str], *, from_app: bool, in_section: bool, already: str) -> None:
    starts_in = in_section and not any(heading_of(split_line(line)) for line in lines)
    for raw in raw_entries(lines, reader.index, from_app=from_app, in_section=starts_in, lists_only=starts_in):
        reader.read(raw, None, already)
    reader.next_document()


def read_notes(
    text: str,
    blocks: list[dict[str, Any]] | None,
    attachments: list[dict[str, Any]] | None,
    *,
    from_app: bool,
    members: Sequence[Member],
    when_for: Callable[[str | None], Today],
) -> NotesReading:
    """Every action item a message holds: its text first, then what only its blocks and attachments add."""
    reader = _Reader(index_of(members), when_for)
    text_lines = (text or "").split("\n")
    _read_document(reader, text_lines, from_app=from_app, in_section=False, already="")
    # A person's rich-text copy of the text adds nothing; when the text gave no items (an app's bare fallback),
    # the blocks are the message and are read whole.
    already = _words(" ".join(clean(line) for line in text_lines)) if reader.found else ""
    invites = _invites_section(text_lines, from_app)
    _read_document(reader, block_lines(blocks), from_app=from_app, in_section=invites, already=already)
    seen_blocks = already + _words(" ".join(clean(line) for line in block_lines(blocks))) if reader.found else ""
    _read_document(reader, attachment_lines(attachments), from_app=from_app, in_section=invites, already=seen_blocks)
    kept = reader.found[:MAX_ITEMS]
    return NotesReading(kept, [e.title for e in reader.found[MAX_ITEMS:]])
