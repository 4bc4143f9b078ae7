"""Walk note lines through their sections: which lines are entries, under whose sub-heading, joined how."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.capture.markers import marker_text
from bot.capture.names import NameIndex, read_owners
from bot.capture.note_entry import clean
from bot.capture.note_lines import (
    Heading,
    Line,
    RawEntry,
    has_headings,
    heading_of,
    is_footer,
    split_inline,
    split_line,
)
from bot.capture.note_owners import leading_owner

_NO_SECTION = 99
_STRUCK_RE = re.compile(r"^[*_]*~[^~]+~[*_.]*$")  # "~Send the deck~": crossed off, like a ticked box
_KEY_LINE_RE = re.compile(r"^[*_]*(?:owners?|assignees?|assigned to|due(?: date)?|deadline)[*_]*\s*:", re.IGNORECASE)


@dataclass
class _State:
    in_section: bool = False
    level: int = _NO_SECTION  # the `#` level of the action heading; a heading at or above it ends the section
    group: str | None = None
    style: str = ""  # "" | "bullet" | "plain" | "inline": how the section's entries are written
    gap: bool = False
    lists_only: bool = False  # under a loose action heading only list items are entries
    within: int | None = None  # a heading that is itself a bullet ("- next steps:") holds only deeper lines
    stack: list[RawEntry] = field(default_factory=list)  # the open entries, outermost first


class _Walker:
    """One pass over the lines of one document (the text, the blocks or the attachments)."""

    def __init__(
        self, lines: list[Line], index: NameIndex, *, from_app: bool, in_section: bool, lists_only: bool
    ) -> None:
        self.lines = lines
        self.lists_only = lists_only  # blocks under the text's heading: only their list items are entries
        self.index = index
        self.from_app = from_app
        self.checklists_ok = not has_headings(lines)
        self.state = _State(in_section=in_section)
        self.entries: list[RawEntry] = []

    def run(self) -> list[RawEntry]:
        for i, line in enumerate(self.lines):
            if not line.body:
                self.state.gap = True
                continue
            if is_footer(line.body):
                continue
            heading = heading_of(line)
            if heading and self._heading(heading, i):
                continue
            if self.state.in_section and self.state.within is not None and line.indent <= self.state.within:
                self.state = _State()  # "- no blockers" after "- next steps:" and its sub-bullets
            if self.state.in_section:
                self._in_section(line, i)
            else:
                self._loose(line)
        return self.entries

    # -- headings -------------------------------------------------------------------------------------------------
    def _heading(self, heading: Heading, i: int) -> bool:
        """Apply a heading; False when it turns out to be an entry (a `Launch prep:` line inside a section)."""
        st = self.state
        if heading.kind == "action":
            self._open(heading.level or _NO_SECTION)
            st = self.state
            st.lists_only = heading.loose
            line = self.lines[i]
            st.within = line.indent if line.mark == "bullet" and not line.symbol else None
            st.group = self._heading_owner(heading.core)
            for part in split_inline(heading.rest) if heading.rest else []:
                self._add(RawEntry([part]), 0)
            st.style = "inline" if heading.rest else ""
            return True
        if heading.kind == "sub" and st.in_section and self._is_person(heading, i):
            st.group, st.stack, st.style, st.gap = heading.core, [], "", False
            return True
        if heading.kind == "sub" and st.in_section and not heading.marked:
            return False
        if heading.kind == "sub" and st.in_section and heading.level > st.level and st.level != _NO_SECTION:
            if not self._is_person(heading, i, strangers_ok=True):
                st.group, st.stack = None, []
                return True  # a topic sub-heading under a `#` action heading keeps the section going
        st.in_section, st.level, st.group, st.stack = False, _NO_SECTION, None, []
        return True

    def _heading_owner(self, core: str) -> str | None:
        """The person an action heading names: "Action items for Bob Smith", "Dana's next steps"."""
        m = (
            re.search(r"\b(?:for|from)\s+(.{2,40})$", core)
            or re.match(r"^(.{2,40}?)['’]s\s", core)
            or re.search(r"\(([^()]{2,40})\)$", core)
        )
        if m and _names_person(m.group(1), self.index, strangers_ok=False):
            return m.group(1)
        return None

    def _open(self, level: int) -> None:
        self.state = _State(in_section=True, level=level)

    def _is_person(self, heading: Heading, i: int, strangers_ok: bool | None = None) -> bool:
        ok = heading.marked or self._list_follows(i) if strangers_ok is None else strangers_ok
        return _names_person(heading.core, self.index, strangers_ok=ok)

    def _list_follows(self, i: int) -> bool:
        line = self.lines[i]
        nxt = next((x for x in self.lines[i + 1 :] if x.body), None)
        return bool(nxt and (nxt.mark or nxt.indent > line.indent))

    # -- entries --------------------------------------------------------------------------------------------------
    def _in_section(self, line: Line, i: int) -> None:
        st = self.state
        if not line.mark and self._plain(line, i):
            return
        if not line.mark and (self.lists_only or st.lists_only):
            return
        if not st.style:
            st.style = "bullet" if line.mark else "plain"
        marked = marker_text(line.body)
        entry = RawEntry(
            [marked or line.body],
            line.indent,
            ticked=line.mark == "ticked" or bool(_STRUCK_RE.match(line.body)),
            marker=bool(marked),
            bulleted=bool(line.mark),
        )
        self._add(entry, line.indent)

    def _plain(self, line: Line, i: int) -> bool:
        """Place a line without a bullet when it is not a new entry: a person, a continuation, or prose after a list."""
        st = self.state
        top = st.stack[-1] if st.stack else None
        if (top is None or line.indent <= top.indent) and self._person_line(line, i):
            st.group, st.stack, st.style, st.gap = line.body.strip().rstrip(":"), [], "", False
            return True
        if top is not None and _KEY_LINE_RE.match(line.body):
            top.lines.append(line.body)  # "Owner: Bob · Due: Fri" under an entry belongs to it
            return True
        wraps = top is not None and top.bulleted and not self._names_owner(line)
        if top is not None and st.style != "inline" and not st.gap and (wraps or line.indent > top.indent):
            top.lines.append(line.body)  # a wrapped or indented line continues the entry above
            return True
        if top is not None and st.gap and line.indent > st.stack[0].indent:
            top.lines.append(line.body)
            return True
        if st.style in ("bullet", "inline") and (st.gap or st.style == "inline") and not self._names_owner(line):
            st.in_section, st.stack = False, []  # prose after a list ends it ("Thanks all, great meeting!")
            self._loose(line)
            return True
        return False

    def _names_owner(self, line: Line) -> bool:
        """A line that opens with a member's name and a verb ("Dana to review it") starts an entry; it wraps nothing."""
        found = leading_owner(clean(line.body), self.index)
        return found is not None and bool(found.read.members)

    def _person_line(self, line: Line, i: int) -> bool:
        """A plain line that is only a name ("Bob Smith" over his items) is a sub-heading."""
        text = line.body.strip().rstrip(":")
        if len(text.split()) > 4 or re.search(r"[.!?]$", text):
            return False
        return _names_person(text, self.index, strangers_ok=self._list_follows(i))

    def _add(self, entry: RawEntry, indent: int) -> None:
        st = self.state
        entry.group = st.group
        while st.stack and st.stack[-1].indent >= indent:
            st.stack.pop()
        if st.stack:
            st.stack[-1].children.append(entry)
        else:
            self.entries.append(entry)
        st.stack.append(entry)
        st.gap = False

    def _loose(self, line: Line) -> None:
        """Outside sections only marker lines count, and only in people's messages."""
        st = self.state
        if self.from_app:
            return
        text = marker_text(line.body) if line.mark != "open" else line.body
        if line.mark == "open" and not self.checklists_ok:
            text = None
        if text:
            entry = RawEntry([text], line.indent, marker=True)
            self.entries.append(entry)
            st.stack = [entry]
            st.gap = False
        elif st.stack and line.indent > st.stack[-1].indent and not line.mark and not st.gap:
            st.stack[-1].lines.append(line.body)
        else:
            st.stack = []


def _names_person(core: str, index: NameIndex, strangers_ok: bool) -> bool:
    read = read_owners(core, index, single_strangers=True)
    if read.others or read.empty:
        return False
    return bool(read.names or read.groups or (strangers_ok and read.strangers))


def raw_entries(
    text_lines: list[str], index: NameIndex, *, from_app: bool, in_section: bool = False, lists_only: bool = False
) -> list[RawEntry]:
    """The entries of one document, in order, as a tree; ticked entries are kept (marked) so nothing joins them."""
    lines = [split_line(raw) for raw in text_lines]
    return _Walker(lines, index, from_app=from_app, in_section=in_section, lists_only=lists_only).run()
