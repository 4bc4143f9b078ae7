"""Owner names in meeting notes -> workspace members (pure: the caller passes the active human members)."""
# A name is matched only against the people passed in, in tiers: whole names (real, display, handle, run-together,
# "Bob S.") before a unique first name. A word that is no member's name never becomes an owner: a false owner costs
# a person more than a missing one.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Group words that say no one was named: the entry is simply unassigned, nothing to report.
NOBODY_WORDS = frozenset(
    {"unassigned", "tbd", "owner tbd", "n/a", "nobody", "none", "other", "others", "general", "misc"}
)
# Words that stand for several people: alone they place no one; beside a name they add nothing.
GROUP_WORDS = frozenset(
    {
        "team",
        "the team",
        "everyone",
        "everybody",
        "all",
        "all of us",
        "we",
        "us",
        "both",
        "group",
        "the group",
        "someone",
        "somebody",
        "anyone",
        "others",
        "all hands",
        "attendees",
        "participants",
        "engineering",
        "eng",
        "marketing",
        "design",
        "product",
        "sales",
        "ops",
        "operations",
        "legal",
        "finance",
        "support",
        "leadership",
        "management",
        "hr",
        "qa",
    }
)
GROUP_WORDS |= NOBODY_WORDS
# Capitalised words that head topics, never people; they keep "Design Review" or "Budget Notes" from reading as names.
NOT_NAMES = frozenset(
    """action actions item items next step steps follow up ups task tasks todo todos summary summaries notes note key
    points point decisions decision outline agenda discussion topics topic highlights takeaways questions question
    risks risk blockers issues insights keywords chapters transcript details background context updates update status
    parking lot ideas meeting meetings recap overview review reviews planning plan plans project projects launch
    release budget pricing roadmap timeline team teams sync weekly daily monthly quarterly kickoff retro retrospective
    demo design sales product marketing engineering customer customers client clients vendor vendors contract deck
    report doc docs documentation general other misc miscellaneous open new old the a an and or of for to in on with
    by at from about this that these those it q1 q2 q3 q4 api ui ux qa hr it ops okr okrs kpi kpis im i you we they
    he she my your our their monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december today tomorrow week month year eod eow eom cob asap none
    bug bugs fix fixes feature features data metrics dashboard website site page pages app apps mobile web backend
    frontend infra security compliance hiring onboarding offsite event events mentions attachments files recording
    recordings comments references appendix reminders milestones deadlines dependencies results learnings lessons
    lowlights priorities goals proposals options alternatives requirements scope resources tools minutes progress
    news notes""".split()
)
_MAX_OWNER_WORDS = 150
_PAREN_RE = re.compile(r"\s*\([^)]*\)")  # "(2)", "(she/her)", "(design)", "(Acme)": never part of the name
_POSSESSIVE_RE = re.compile(r"['’]s(?:\s+(?:team|group|squad|side|folks|people|org|crew|office))?$")
_GROUP_TAIL_RE = re.compile(r"\s*(?:&|\+|and)\s*(?:the\s+)?(?:team|co|others|group|crew|friends)$")
_SPLIT_RE = re.compile(r"\s*(?:&|\+|/|;|\band\b)\s*")
_MENTION_RE = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_SUBTEAM_RE = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_PERSON_WORD_RE = re.compile(r"^[A-ZÀ-Þ][a-zà-ÿ'’\-]*\.?$|^[A-ZÀ-Þ]\.?$")


@dataclass(frozen=True)
class Member:
    """An active human member of the workspace (bots and deactivated people are never passed in)."""

    user_id: str
    handle: str
    display_name: str
    real_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class NameMatch:
    """Who a name means: one user id, or None with why ("no one", "2 people: …", "a group")."""

    user_id: str | None
    why: str | None = None


def fold(text: str) -> str:
    """Case- and accent-free form for comparing names: "Carol Díaz" and "carol diaz" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def _words_of(text: str) -> str:
    """A name reduced to letters and single spaces (dots, dashes and underscores in handles become spaces)."""
    return " ".join(re.sub(r"[^\w' ]+|_", " ", fold(text)).split())


def _keys(member: Member) -> tuple[set[str], set[str]]:
    """The whole-name keys and the first-name keys a member answers to."""
    real = _words_of(_PAREN_RE.sub("", member.real_name))
    display = _words_of(_PAREN_RE.sub("", member.display_name))
    first = _words_of(member.first_name) or (real.split()[0] if real else "")
    last = _words_of(member.last_name) or (real.split()[-1] if len(real.split()) > 1 else "")
    whole = {real, display, _words_of(member.handle), fold(member.handle).lstrip("@")}
    if first and last:
        whole |= {f"{first} {last}", f"{first}{last}", f"{first} {last[0]}", f"{first[0]} {last}", f"{last} {first}"}
    whole |= {k.replace(" ", "") for k in (real, display) if " " in k}
    firsts = {first} if first else set()
    if display and " " not in display and display != first:
        firsts.add(display)
    return {k for k in whole if k}, firsts


@dataclass(frozen=True)
class NameIndex:
    """Members by every key they answer to, built once per message."""

    whole: dict[str, frozenset[str]]
    first: dict[str, frozenset[str]]
    names: dict[str, str]

    def describe(self, ids: frozenset[str]) -> str:
        """ "2 people: Alex Kim, Alex Ng" — the people a name could mean."""
        listed = sorted(self.names[i] for i in ids)
        return f"{len(listed)} people: {', '.join(listed)}"

    def name_of(self, user_id: str) -> str | None:
        """The member's readable name, for a mention rendered into a title."""
        return self.names.get(user_id)


@lru_cache(maxsize=8)
def _build(members: tuple[Member, ...]) -> NameIndex:
    whole: dict[str, set[str]] = {}
    first: dict[str, set[str]] = {}
    names = {}
    for m in members:
        names[m.user_id] = m.real_name or m.display_name or m.handle
        keys, firsts = _keys(m)
        for k in keys:
            whole.setdefault(k, set()).add(m.user_id)
        for k in firsts:
            first.setdefault(k, set()).add(m.user_id)
    return NameIndex({k: frozenset(v) for k, v in whole.items()}, {k: frozenset(v) for k, v in first.items()}, names)


def index_of(members: Sequence[Member]) -> NameIndex:
    """The lookup index for these members (cached for the last few member lists)."""
    return _build(tuple(members))


def clean_name(name: str) -> str:
    """A written name without its decorations: `@`, a tool's "(2)", a possessive "'s team", "& Team", punctuation."""
    text = _PAREN_RE.sub("", " ".join(name.strip().split()).rstrip(" :,.;!?"))
    text = text.strip(" \t*_~`\"'“”()[]{}:,.;!?-–—")
    text = text.lstrip("@").strip()
    text = _GROUP_TAIL_RE.sub("", text)
    text = _POSSESSIVE_RE.sub("", text)
    return text.strip(" ,.:;")


def _lookup(key: str, index: NameIndex) -> frozenset[str]:
    """Members a key means; one word means everyone it names ("Alex" is Alex Kim and Alex Ng, whatever displays)."""
    if not key:
        return frozenset()
    found = index.whole.get(key, frozenset())
    if " " not in key:
        return found | index.first.get(key, frozenset())
    return found


def _variant(cleaned: str, key: str) -> str:
    """The other ways a whole name is written: "Smith, Bob", "Bob J. Smith", "bob.smith@acme.com"."""
    if "," in cleaned:  # Teams writes "Last, First"
        last, _, first = cleaned.partition(",")
        return _words_of(f"{first} {last}")
    if "@" in cleaned:
        return _words_of(cleaned.split("@", 1)[0])
    words = key.split()
    if len(words) == 3 and len(words[1]) == 1:  # a middle initial
        return f"{words[0]} {words[2]}"
    return ""


def match_in(name: str, index: NameIndex) -> NameMatch:
    """Who `name` means among the indexed members."""
    cleaned = clean_name(name)
    key = _words_of(cleaned)
    if not key:
        return NameMatch(None, "no one")
    if key in GROUP_WORDS or fold(cleaned) in GROUP_WORDS:
        return NameMatch(None, "a group")
    found = _lookup(key, index) or _lookup(_variant(cleaned, key), index)
    if len(found) == 1:
        return NameMatch(next(iter(found)))
    if found:
        return NameMatch(None, index.describe(found))
    return NameMatch(None, "no one")


def match_name(name: str, members: Sequence[Member]) -> NameMatch:
    """Who `name` means: full, display, handle, unique first name, "Smith, Bob", "Bob S.", "Bobsmith", "Bob (2)"."""
    return match_in(name, index_of(members))


def person_like(text: str, *, single: bool = False) -> bool:
    """True for two or three capitalised words (one when `single`) that read as a name ("Jordan Reyes"), not a topic."""
    words = clean_name(text).split()
    if not (1 if single else 2) <= len(words) <= 3:
        return False
    if any(not _PERSON_WORD_RE.match(w) for w in words):
        return False
    return not any(fold(w).strip(".") in NOT_NAMES for w in words)


@dataclass(frozen=True)
class OwnerRead:
    """What a run of owner words said: ids found, words that could not be placed, and how sure the reading is."""

    ids: tuple[str, ...] = ()
    unplaced: tuple[str, ...] = ()
    members: int = 0  # parts that resolved to exactly one member (mentions included)
    names: int = 0  # parts that read as names: members, ambiguous first names
    groups: int = 0
    strangers: int = 0  # person-like words that match no member
    others: int = 0  # words that are no name at all

    @property
    def empty(self) -> bool:
        """No part was read."""
        return not (self.names or self.groups or self.strangers or self.others)


def _parts(text: str, index: NameIndex) -> list[str]:
    """Split "A & B", "A and B", "A + B", "A, B" — keeping "Smith, Bob" whole when it is one member."""
    out: list[str] = []
    for part in _SPLIT_RE.split(text):
        if "," in part and match_in(part, index).user_id is None:
            out.extend(p for p in part.split(",") if p.strip())
        elif part.strip():
            out.append(part)
    return out


def read_owners(text: str, index: NameIndex, *, single_strangers: bool = False) -> OwnerRead:
    """Read owner words ("Bob & Dana", "Smith, Bob", "<@U1>", "Carol & Team") into ids and unplaced words."""
    if len(text) > _MAX_OWNER_WORDS:
        return OwnerRead(others=1)  # owner words are a few names, never a sentence
    ids: list[str] = []
    unplaced: list[str] = []
    counts = {"members": 0, "names": 0, "groups": 0, "strangers": 0, "others": 0}
    group_words: list[str] = []
    for raw in _parts(text, index):
        mention = _MENTION_RE.fullmatch(raw.strip(" ,.:;()[]@"))
        subteam = _SUBTEAM_RE.fullmatch(raw.strip(" ,.:;()[]"))
        part = clean_name(raw)
        if subteam:
            counts["groups"] += 1
            group_words.append("@" + (subteam.group(1) or "team").lstrip("@"))
            continue
        if mention:
            ids.append(mention.group(1)) if mention.group(1) not in ids else None
            counts["members"] += 1
            counts["names"] += 1
            continue
        found = match_in(part, index)
        if found.user_id:
            ids.append(found.user_id) if found.user_id not in ids else None
            counts["members"] += 1
            counts["names"] += 1
        elif found.why == "a group":
            counts["groups"] += 1
            group_words.append(part)
        elif found.why and found.why != "no one":
            counts["names"] += 1
            unplaced.append(f"{part} ({found.why})")
        elif person_like(part, single=single_strangers):
            counts["strangers"] += 1
            unplaced.append(f"{part} (no one)")
        else:
            counts["others"] += 1
    if group_words and not ids and not unplaced:
        unplaced.extend(f"{w} (a group)" for w in group_words if fold(w) not in NOBODY_WORDS)
    return OwnerRead(tuple(ids), tuple(unplaced), **counts)
