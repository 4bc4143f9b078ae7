"""Who an entry names as its owner, in the forms notes are written in, and the words left for the title."""
# Forms, in order: `[Name] …`, leading mentions, `Name: …`/`Name — …`, `Name to|will …`, a name and a verb
# ("Bob sends …"), then trailing `(Name)`, `[Name]`, `- Name`, `Owner: Name`, a trailing mention, and `@Name` typed
# as text. A leading word is an owner only when it is a member's name (or a group word, or a stranger's full name in
# an explicit form): "Mark the ticket" and "Review the deck" stay titles.

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.capture.names import NameIndex, OwnerRead, fold, read_owners

_MENTION = r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>"
_SUBTEAM = r"<!subteam\^[A-Z0-9]+(?:\|[^>]*)?>"
_LEAD_MENTIONS_RE = re.compile(
    rf"^((?:{_MENTION}|{_SUBTEAM})(?:\s*(?:,|&|\+|/|and)?\s*(?:{_MENTION}|{_SUBTEAM}))*)[\s:,\-–—]*(.*)$"
)
_LEAD_KEY_RE = re.compile(
    r"^(?:owners?|assignees?|assigned to|poc|dri)\s*:\s*([^:—–|]{1,60}?)\s*(?:—|–|\s-\s|\||:)\s*(.+)$", re.IGNORECASE
)
_BRACKET_RE = re.compile(r"^\[([^\[\]]{1,80})\]\s*[:\-–—]?\s*(.+)$")
_SEPARATED_RE = re.compile(r"^([^:—–\[\]{}<>]{1,60}?|<@[^>]+>)\s*(?::|—|–|\s-\s|\s--\s)\s*(.+)$")
_CONNECTORS = (
    r"to|will|shall|should|must|needs? to|has to|have to|(?:is|are) going to|(?:is|are) to|can|could|would|"
    r"agreed to|volunteered to|offered to|committed to|promised to|plans? to|(?:is|are) responsible for|"
    r"(?:is|are) taking|(?:is|are) owning|(?:is|are) handling|(?:is|are) following up|owns|takes"
)
_CONNECTED_RE = re.compile(rf"^(.{{1,60}}?)\s+({_CONNECTORS})\b\s*(.*)$", re.IGNORECASE)
_LEADING_CONNECTOR_RE = re.compile(rf"^(?:{_CONNECTORS})\s+", re.IGNORECASE)
_SELF_RE = re.compile(
    r"^(?:i|me)\s*(?::|—|–|\s-\s|(?=will |to |need to |should |can |am going to |'m going to ))\s*", re.IGNORECASE
)
_TRAIL_PAREN_RE = re.compile(
    r"^(.+?)\s*[(\[]\s*((?:owners?|assignees?|assigned to|who|responsible|poc|dri)\s*[:\-]?\s*)?"
    r"([^()\[\]]{1,60})[)\]]$",
    re.IGNORECASE,
)
_TRAIL_DASH_RE = re.compile(
    r"^(.+?)\s+(?:-|—|–|--|\||→|->|=>)\s*((?:owners?|assignees?|assigned to|poc|dri)\s*[:\-]?\s*)?([^\-—–|]{1,60})$",
    re.IGNORECASE,
)
_KEYS = r"(?:owners?|assignees?|assigned to|poc|dri|due(?: date)?|deadline)"
_KEY_RE = re.compile(rf"(?<=[\s(\[|·•,;—–-]){_KEYS}\s*:", re.IGNORECASE)
_KEY_SPLIT_RE = re.compile(rf"(?=\b{_KEYS}\s*:)", re.IGNORECASE)
_TRAIL_MENTIONS_RE = re.compile(rf"^(.+?)\s*((?:(?:{_MENTION}|{_SUBTEAM})\s*(?:,|&|and)?\s*)+)$")
_AT_NAME_RE = re.compile(r"(?<![\w<])@([A-Za-zÀ-ÿ][\w.\-'À-ÿ]*(?:\s+[A-ZÀ-Þ][\w\-'À-ÿ]*){0,2})")
# A mention after one of these is who the work is with or for, not who does it ("sync with @dana", "ask @bob").
_PREPOSITIONS = frozenset(
    """with to from for about and cc by at on of via including invite ask tell ping remind email call message dm loop
    thank help notify contact inform update sync meet pair introduce nudge chase brief consult interview hire onboard
    pay congratulate welcome copy in into over per than like without alongside behalf between""".split()
)
# A word after a name that makes "Name word …" a sentence with that person as its subject.
VERBS = frozenset(
    """send share review update draft book schedule set prepare email call ping reach follow check confirm finalize
    fix write create build test deploy ship publish post file submit sign order buy research investigate look explore
    design document circulate collect gather compile organize organise coordinate arrange plan host run lead own drive
    handle take make get give ask invite sync meet talk present demo walk loop escalate clarify validate verify approve
    merge close add remove move migrate clean upload install configure reserve renew cancel hire interview onboard
    train reply respond contact notify inform tell remind summarize summarise outline estimate scope prototype mock
    analyze analyse audit track monitor measure report start finish complete continue work pull push refactor rewrite
    revise edit proofread translate reconcile pay invoice quote negotiate reconnect connect introduce flag raise
    pick put kick wrap dig nail sort figure touch double circle pair block unblock assess evaluate identify define
    align propose recommend request prep prioritize prioritise triage groom refine shadow lock secure source
    price""".split()
)
_COMMON_WORD_NAMES = frozenset("will may mark bill grant chase drew sue pat rob jack joy hope rose june april".split())


@dataclass(frozen=True)
class Owned:
    """The owner words an entry named, the words left for its title, and whether a verb followed the name."""

    read: OwnerRead
    rest: str
    verb_first: bool = False


def _accept(read: OwnerRead, *, strangers: bool) -> bool:
    """Owner words count when they are names (or groups) and nothing else; strangers only in explicit forms."""
    if read.others or read.empty:
        return False
    return bool(read.names or read.groups or (strangers and read.strangers))


def leading_owner(text: str, index: NameIndex) -> Owned | None:
    """The owner named at the start of an entry, if any."""
    return _leading(re.sub(r"(?<=\w)['’]ll\b", " will", text), index)


def _leading(text: str, index: NameIndex) -> Owned | None:
    m = _BRACKET_RE.match(text) or _LEAD_KEY_RE.match(text)
    if m:
        read = read_owners(m.group(1), index)
        if _accept(read, strangers=True):
            return Owned(read, m.group(2))
    m = _LEAD_MENTIONS_RE.match(text)
    if m and m.group(2):
        return Owned(read_owners(m.group(1), index), _LEADING_CONNECTOR_RE.sub("", m.group(2)))
    m = _SEPARATED_RE.match(text)
    if m and not re.search(r"\s(?:to|will|should)\s", m.group(1)):
        read = read_owners(m.group(1), index)
        if _accept(read, strangers=":" in text[len(m.group(1)) : len(m.group(1)) + 3]):
            return Owned(read, _LEADING_CONNECTOR_RE.sub("", m.group(2)))
    m = _CONNECTED_RE.match(text)
    if m and m.group(3):
        read = read_owners(m.group(1), index)
        if _accept(read, strangers=True) and len(m.group(1).split()) <= 8:
            verb_first = m.group(2).lower() in ("owns", "takes")
            rest = m.group(3) if not verb_first else f"{m.group(2)} {m.group(3)}"
            return Owned(read, rest, verb_first=verb_first)
    return _name_and_verb(text, index)


def _verb_like(word: str) -> bool:
    """True for a lowercase task verb, plain or with a third-person -s ("send", "sends", "follows")."""
    if not word.isalpha() or not word.islower():
        return False
    return word in VERBS or base_verb(word) in VERBS


def starts_with_verb(text: str) -> bool:
    """True when words open with a task verb in any case ("Revise deck", "send the notes")."""
    first = text.split()[0] if text.split() else ""
    return _verb_like(first.lower())


def base_verb(word: str) -> str:
    """ "sends" -> "send", "finishes" -> "finish", "copies" -> "copy"; other words unchanged."""
    low = word.lower()
    if low.endswith("ies") and low[:-3] + "y" in VERBS:
        return word[:-3] + "y"
    if low.endswith("es") and low[:-2] in VERBS:
        return word[:-2]
    if low.endswith("s") and not low.endswith("ss") and low[:-1] in VERBS:
        return word[:-1]
    return word


def _name_and_verb(text: str, index: NameIndex) -> Owned | None:
    """ "Bob sends the deck", "Bob and Dana review the plan": member names, then a verb."""
    words = text.split()
    for k in range(min(6, len(words) - 1), 0, -1):
        # A capitalised verb counts after a name of two words or more: a tool's "*Bob Becker* Share the deck".
        if not (_verb_like(words[k]) or (k >= 2 and words[k][:1].isupper() and _verb_like(words[k].lower()))):
            continue
        names = " ".join(words[:k]).replace("*", " ").replace("_", " ")
        read = read_owners(names, index)
        if not read.members or read.others or read.strangers:
            continue
        if k == 1 and fold(names) in _COMMON_WORD_NAMES and words[k] in VERBS:
            continue  # "Will send the deck": the name is a word here
        return Owned(read, " ".join(words[k:]), verb_first=True)
    return None


def _key_values(text: str, index: NameIndex) -> Owned | None:
    """ "… (Owner: Bob, Due: Fri)", "… | Owner: Dana | Due: Dec 9": the owner read, the due words kept for the date."""
    m = _KEY_RE.search(text)
    head = text[: m.start()].rstrip(" ([|·•,;—–-") if m else ""
    if m is None or not head:
        return None
    names: list[str] = []
    kept: list[str] = []
    for part in _KEY_SPLIT_RE.split(text[m.start() :]):
        key, _, value = part.strip(" ,;|·•()[]").partition(":")
        value = value.strip(" ,;|·•()[]")
        if not value:
            continue
        if re.fullmatch(r"\s*(?:due(?: date)?|deadline)\s*", key, re.IGNORECASE):
            kept.append(f"due {value}")
        else:
            names.append(value)
    read = read_owners(" & ".join(names), index) if names else OwnerRead()
    if names and not _accept(read, strangers=True):
        return None
    return Owned(read, " ".join([head, *kept]))


def _trailing(text: str, index: NameIndex) -> Owned | None:
    found = _key_values(text, index)
    if found:
        return found
    for pattern in (_TRAIL_PAREN_RE, _TRAIL_DASH_RE):
        m = pattern.match(text)
        if not m:
            continue
        labelled = bool(m.group(2))
        read = read_owners(m.group(3), index)
        if _accept(read, strangers=labelled or pattern is not _TRAIL_DASH_RE or len(m.group(3).split()) >= 2):
            return Owned(read, m.group(1))
    m = _TRAIL_MENTIONS_RE.match(text)
    if m:
        before = m.group(1).split()[-1].lower() if m.group(1).split() else ""
        if before.strip(",;:") not in _PREPOSITIONS:
            return Owned(read_owners(m.group(2), index), m.group(1))
    return None


def _anywhere(text: str, index: NameIndex) -> Owned | None:
    """Mentions, or `@Name` typed as text, anywhere — unless a preposition makes them part of the title."""
    owners = [m for m in re.finditer(_MENTION, text) if not _after_preposition(text, m.start())]
    if owners:
        rest = text
        for m in reversed(owners):
            rest = rest[: m.start()] + rest[m.end() :]
        return Owned(read_owners(" & ".join(m.group(0) for m in owners), index), " ".join(rest.split()))
    for m in _AT_NAME_RE.finditer(text):
        if _after_preposition(text, m.start()):
            continue
        words = m.group(1).split()
        for k in range(len(words), 0, -1):
            read = read_owners(" ".join(words[:k]), index)
            if read.members and not read.others:
                end = m.start() + len("@" + " ".join(words[:k]))
                return Owned(read, " ".join((text[: m.start()] + text[end:]).split()))
    return None


def _after_preposition(text: str, start: int) -> bool:
    before = text[:start].split()
    return bool(before) and before[-1].lower().strip(",;:(") in _PREPOSITIONS


def find_owner(text: str, index: NameIndex) -> Owned | None:
    """The owner an entry names and the rest of its words; None when it names no one."""
    text = re.sub(r"(?<=\w)['’]ll\b", " will", text)
    m = _SELF_RE.match(text)
    if m:
        return Owned(OwnerRead(), _LEADING_CONNECTOR_RE.sub("", text[m.end() :]))
    leading = _leading(text, index)
    if leading is None:
        return _trailing(text, index) or _anywhere(text, index)
    again = _trailing(leading.rest, index)  # "Bob will share the numbers (Bob Smith)": the name said twice
    if again and set(again.read.ids + again.read.unplaced) <= set(leading.read.ids + leading.read.unplaced):
        return Owned(leading.read, again.rest, leading.verb_first)
    return leading


def group_owner(words: str, index: NameIndex) -> OwnerRead | None:
    """A sub-heading's owner words ("Bob Smith", "Jordan", "Marketing") as owners; None when they name no one."""
    read = read_owners(words, index, single_strangers=True)
    return read if _accept(read, strangers=True) else None


def drop_names(text: str, read: OwnerRead, index: NameIndex) -> Owned:
    """A description that repeats its owner ("Jordan will send …" under `[Jordan Reyes]`) without the name."""
    said = [label.split(" (")[0] for label in read.unplaced] + [index.name_of(i) or "" for i in read.ids]
    names = {fold(w) for label in said for w in label.split()}
    words = text.split()
    k = 0
    while k < len(words) and (fold(words[k].strip(",")) in names or words[k].lower() in ("and", "&")):
        k += 1
    if k == 0:
        return Owned(read, text)
    rest = " ".join(words[k:])
    stripped = _LEADING_CONNECTOR_RE.sub("", rest)
    verb_first = stripped == rest and bool(words[k:]) and _verb_like(words[k])
    return Owned(read, stripped, verb_first=verb_first)
