"""A captured message read into drafts: one per entry and owner, with what could not be placed said aloud."""
# Between the pure reader (bot/capture/notes.py) and the capture flow: it brings the people directory (names, zones,
# a private channel's members) to the reader and decides owners the way CONTRACTS §5 says — an entry with no owner
# is the author's when a person posted, unassigned when an app did.

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.capture.dates import DateError, When
from bot.capture.drafts import draft_from_text
from bot.capture.keys import Key, parse_key
from bot.capture.names import Member
from bot.capture.notes import NoteEntry, NotesReading, read_notes
from bot.capture.recurrence import Rule, parse_rule
from bot.capture.text import quote, squash
from bot.services.capture import CaptureDraft
from bot.services.people import PersonInfo

NEEDS_REINSTALL = (
    "I couldn't read who is in this conversation (Followthrough needs to be reinstalled to read channel members — "
    "ask an admin), so names in it were left unplaced."
)
_SUBTEAM_RE = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
_FOR_KEY_RE = re.compile(r"\bfor\s+([Dd]-\d+)\b")
MEMBERS_UNREADABLE = "I couldn't read who is in this conversation, so names in it were left unplaced."


@dataclass
class Lookups:
    """What reading a capture asks of Slack and the people cache (Slack-free to test)."""

    resolve: Callable[[list[str]], dict[str, PersonInfo]]
    members: Callable[[], list[PersonInfo]]
    refresh: Callable[[], list[PersonInfo] | None]
    # A private channel's, group DM's or DM's members (None: a public channel); a problem reading them is a string.
    channel_members: Callable[[], set[str] | str | None]
    default_tz: ZoneInfo
    # A user group's members (subteam id, its @handle), or a sentence saying why not (unreadable, too large).
    group: Callable[[str, str | None], list[str] | str] = lambda _id, _handle: "I couldn't read that user group."


@dataclass
class Reading:
    """Drafts in the message's order, and sentences for the confirmation about what was not placed or read."""

    drafts: list[CaptureDraft] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _member(p: PersonInfo) -> Member:
    return Member(
        user_id=p.user_id,
        handle=p.name,
        display_name=p.display_name,
        real_name=p.real_name,
        first_name=p.first_name,
        last_name=p.last_name,
    )


class _People:
    """Everyone names may match, their zones, and (in a private conversation) who is in it."""

    def __init__(self, lookups: Lookups, notes: list[str]) -> None:
        inside = lookups.channel_members()
        if isinstance(inside, str):
            notes.append(inside)
            inside = set()
        self.inside = inside
        self.set(lookups.members())

    def set(self, people: list[PersonInfo]) -> None:
        self.people = {p.user_id: p for p in people if p.active_human}
        self.members = [_member(p) for p in self.people.values()]

    def outside(self, user_id: str) -> bool:
        """Someone a private conversation's items may not go to: they are not in it."""
        return self.inside is not None and user_id not in self.inside

    def zone(self, user_id: str | None, default: ZoneInfo) -> ZoneInfo:
        person = self.people.get(user_id or "")
        return person.zone(default) if person else default


def read_capture(said: dict[str, Any], received_at: datetime, author: PersonInfo | None, lookups: Lookups) -> Reading:
    """Read a held capture into drafts (a mention with no notes in it is one `/action add` of its text)."""
    reading = Reading()
    from_app = bool(said.get("from_app"))
    author_id = str(said.get("user") or "")
    author_tz = author.zone(lookups.default_tz) if author else lookups.default_tz
    people = _People(lookups, reading.notes)

    def when_for(owner: str | None) -> When:
        zone = people.zone(owner, lookups.default_tz) if owner else (lookups.default_tz if from_app else author_tz)
        return When(now=received_at.astimezone(zone))

    def read() -> NotesReading:
        return read_notes(
            said.get("text") or "",
            said.get("blocks"),
            said.get("attachments"),
            from_app=from_app,
            members=people.members,
            when_for=when_for,
        )

    notes = read()
    if any(e.unplaced for e in notes.entries):  # a name that matches no one: maybe someone new (hourly at most)
        fresh = lookups.refresh()
        if fresh is not None:
            people.set(fresh)
            notes = read()
    if not notes.entries and said.get("kind") == "mention":
        draft = draft_from_text(said.get("text") or "", when_for(author_id))
        reading.drafts += [
            CaptureDraft(draft.title, o, draft.due, None, draft.for_key, draft.warning)
            for o in draft.owners or [author_id]
        ]
        return reading
    for entry in notes.entries:
        owners = _entry_owners(entry, people, lookups, reading.notes, author_id if not from_app else None)
        title, for_key = _deliverable_of(entry.title)
        title, rule = _repeat_of(title, when_for(owners[0]))
        due = entry.due or (rule.first if rule else None)
        reading.drafts += [
            CaptureDraft(title, owner, due, entry.fingerprint, for_key, entry.warning, rule) for owner in owners
        ]
    if notes.left_out:
        shown = "; ".join(quote(t, 40) for t in notes.left_out[:5])
        more = f" and {len(notes.left_out) - 5} more" if len(notes.left_out) > 5 else ""
        reading.notes.append(f"Only 50 items are taken from one message; not taken: {shown}{more}.")
    return reading


def _deliverable_of(title: str) -> tuple[str, Key | None]:
    """`… for D-3` links the item to a deliverable, as in `/action add`; the words leave the title."""
    m = _FOR_KEY_RE.search(title)
    key = parse_key(m.group(1)) if m else None
    if m is None or key is None or key.kind != "D":
        return title, None
    return squash(title[: m.start()] + title[m.end() :]).strip(" ,;:-–—"), key


def _entry_owners(
    entry: NoteEntry, people: _People, lookups: Lookups, notes: list[str], author: str | None
) -> list[str | None]:
    """Who gets an entry's items: its people and its groups' members; else the author (None: unassigned)."""
    owners: list[str | None] = list(_owners_who_can(entry.owners, people, lookups, notes, entry.title))
    unplaced = [u for u in entry.unplaced if not u.endswith("(a group)")]
    for subteam, handle in _SUBTEAM_RE.findall(entry.text):
        members = lookups.group(subteam, f"@{handle.lstrip('@')}" if handle else None)
        if isinstance(members, str):  # unreadable or too large: the entry stays unassigned, and says why
            notes.append(f'"{quote(entry.title, 60)}": {members}')
            return [None]
        owners += [m for m in members if m not in owners and not people.outside(m) and m in people.people]
    if owners:
        return owners
    if unplaced:
        whose = "yours for now" if author else "left unassigned"
        notes.append(
            f'"{quote(entry.title, 60)}": I couldn\'t place {", ".join(quote(u, 40) for u in unplaced)} — {whose}.'
        )
    return [author]


def _repeat_of(title: str, when: When) -> tuple[str, Rule | None]:
    """An explicit `repeat <rule>` in an entry makes a series (CONTRACTS §4); `every …` alone stays words."""
    words = title.split()
    for i, word in enumerate(words):
        if word.lower() != "repeat":
            continue
        try:
            found = parse_rule(words[i + 1 :], when)
        except DateError:
            found = None
        if found is not None:
            rule, used = found
            return squash(" ".join(words[:i] + words[i + 1 + used :])).strip(" ,;:-–—"), rule
    return title, None


def _owners_who_can(
    owners: tuple[str, ...], people: _People, lookups: Lookups, notes: list[str], title: str
) -> list[str]:
    """The owners that can own work: mentions of bots or deactivated people are said, not used."""
    unknown = [o for o in owners if o not in people.people]
    found = lookups.resolve(unknown) if unknown else {}
    kept = []
    for uid in owners:
        person = people.people.get(uid) or found.get(uid)
        if person is not None and person.active_human and not people.outside(uid):
            kept.append(uid)
            continue
        if person is None:
            who, why = f"<@{uid}>", "isn't in this workspace"
        elif not person.active_human:
            who, why = f"<@{uid}>", "is a bot or deactivated"
        else:  # named, not mentioned: their name, so nobody outside is pinged
            who, why = quote(person.real_name or person.name, 40), "isn't in this conversation"
        notes.append(f'"{quote(title, 60)}": {who} {why}, so they can\'t own it.')
    return kept
