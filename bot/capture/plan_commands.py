"""Reading /deliverable, /milestone and /outcome words (CONTRACTS §4): options anywhere, the title is what remains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.capture.commands import GrammarError, Parsed, parse_options, split_words
from bot.capture.dates import looks_like_date
from bot.capture.keys import Key, parse_key
from bot.capture.text import plain, squash
from bot.errors import BadInput


@dataclass(frozen=True)
class DeliverableEdit:
    """What to change; `clear_*` empties a field."""

    title: str | None = None
    owner: str | None = None
    approver: str | None = None
    clear_approver: bool = False
    due_date: date | None = None
    clear_due: bool = False
    criteria: str | None = None
    clear_criteria: bool = False
    link: Key | None = None

    def empty(self) -> bool:
        """Nothing to change."""
        return self == DeliverableEdit()


@dataclass(frozen=True)
class MilestoneEdit:
    """What to change."""

    title: str | None = None
    due_date: date | None = None
    owner: str | None = None
    gate: bool | None = None

    def empty(self) -> bool:
        """Nothing to change."""
        return self == MilestoneEdit()


DELIVERABLE_KEYWORDS = frozenset({"owner", "approver", "by", "due", "criteria"})
MILESTONE_KEYWORDS = frozenset({"owner", "on", "by", "due"})
CLEAR_WORDS = frozenset({"none", "nobody", "clear", "-"})
ON_WORDS = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}
_NUMBER_RE = re.compile(r"^([$€£]?)([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)(\S*)$")
_KR_RE = re.compile(
    r"^(?P<metric>.+)\s+from\s+(?P<base>\S+)(?:\s+(?P<between>\S+))?\s+to\s+(?P<target>\S+)(?:\s+(?P<unit>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
KR_EXAMPLE = "/outcome kr O-1 Pricing page conversion from 2 to 3.5 %"


@dataclass
class PlanArgs:
    """A planning command's title and options."""

    title: str = ""
    links: list[Key] = field(default_factory=list)
    owner: str | None = None
    approver: str | None = None
    due: date | None = None
    due_phrase: str | None = None
    criteria: str | None = None
    gate: bool | None = None
    clear: set[str] = field(default_factory=set)


def clean(text: str) -> str:
    """Drop NUL characters: PostgreSQL text cannot hold them and no person types them."""
    return text.replace("\x00", "")


def first_word(text: str) -> tuple[str, str]:
    """The first word and the rest."""
    head, _, rest = text.strip().partition(" ")
    return head.strip(), rest.strip()


def _pre_scan(text: str, *, gates: bool = False, clearable: frozenset[str] = frozenset()) -> tuple[str, PlanArgs]:
    """Take `for <key>`, `gate [on|off]` and `<field> none` out of the words before the shared grammar reads them."""
    words = split_words(text)
    out = PlanArgs()
    rest: list[str] = []
    i = 0
    while i < len(words):
        word, low = words[i], words[i].lower()
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if low == "for" and parse_key(nxt):
            key = parse_key(nxt)
            assert key is not None
            out.links.append(key)
            i += 2
            continue
        if low == "gate" and gates:
            after = words[i + 2] if i + 2 < len(words) else ""
            on = None if nxt.lower() == "on" and looks_like_date(after) else ON_WORDS.get(nxt.lower())
            out.gate = True if on is None else on
            i += 1 if on is None else 2
            continue
        if low in clearable and nxt.lower() in CLEAR_WORDS:
            out.clear.add(low)
            i += 2
            continue
        rest.append(word)
        i += 1
    return " ".join(rest), out


def _options(text: str, today: date, keywords: frozenset[str]) -> Parsed:
    try:
        return parse_options(text, today=today, keywords=keywords)
    except GrammarError as exc:
        raise BadInput(exc.message) from None


def _single_owner(parsed: Parsed, out: PlanArgs, what: str) -> None:
    if parsed.mentions and out.owner is None and len(parsed.mentions) == 1:
        out.owner = parsed.mentions[0]
    elif parsed.mentions:
        raise BadInput(f"{what} has one owner: name them with `owner @someone`.")


def deliverable_add(text: str, today: date) -> PlanArgs:
    """`<title> [for M-n|O-n] [owner @u] [approver @u] [due <date>] [criteria "<text>"]`."""
    rest, out = _pre_scan(text)
    parsed = _options(rest, today, DELIVERABLE_KEYWORDS)
    out.title, out.owner, out.approver, out.criteria = parsed.title, parsed.owner, parsed.approver, parsed.criteria
    out.due, out.due_phrase = (parsed.due.day if parsed.due else None), parsed.due_phrase
    _single_owner(parsed, out, "A deliverable")
    return out


def milestone_add(text: str, today: date) -> PlanArgs:
    """`<title> on <date> [owner @u] [gate]`."""
    rest, out = _pre_scan(text, gates=True)
    if out.links:
        raise BadInput("A milestone isn't for anything; link deliverables to it with `/deliverable add … for M-n`.")
    parsed = _options(rest, today, MILESTONE_KEYWORDS)
    out.title, out.owner = parsed.title, parsed.owner
    out.due, out.due_phrase = (parsed.due.day if parsed.due else None), parsed.due_phrase
    _single_owner(parsed, out, "A milestone")
    return out


def outcome_add(text: str) -> PlanArgs:
    """`<objective> [owner @u]`."""
    parsed = parse_options(text, today=date.min, keywords=frozenset({"owner"}))
    out = PlanArgs(title=parsed.title, owner=parsed.owner)
    _single_owner(parsed, out, "An outcome")
    return out


def _new_title(title: str, key: str, command: str) -> str | None:
    if not title:
        return None
    word, rest = first_word(title)
    if word.lower() in ("title", "name", "rename") and rest:
        return rest
    raise BadInput(f'I didn\'t understand "{title[:40]}". To rename it: `{command} edit {key} title New title`.')


def deliverable_edit(key: str, text: str, today: date) -> DeliverableEdit:
    """`title <t>`, `due <date>|none`, `owner @u`, `approver @u|none`, `criteria "<text>"|none`, `for M-n|O-n`."""
    rest, out = _pre_scan(text, clearable=frozenset({"approver", "due", "criteria"}))
    if len(out.links) > 1:
        raise BadInput(f"Link {key} to one thing at a time: `/deliverable edit {key} for M-2`.")
    parsed = _options(rest, today, DELIVERABLE_KEYWORDS)
    if parsed.mentions:
        raise BadInput(f"Say which role: `/deliverable edit {key} owner @someone` or `approver @someone`.")
    return DeliverableEdit(
        title=_new_title(parsed.title, key, "/deliverable"),
        owner=parsed.owner,
        approver=parsed.approver,
        clear_approver="approver" in out.clear,
        due_date=parsed.due.day if parsed.due else None,
        clear_due="due" in out.clear,
        criteria=parsed.criteria,
        clear_criteria="criteria" in out.clear,
        link=out.links[0] if out.links else None,
    )


def milestone_edit(key: str, text: str, today: date) -> MilestoneEdit:
    """`title <t>`, `on <date>` (or `date`), `owner @u`, `gate on|off`."""
    words = split_words(text)
    words = [
        "on" if w.lower() == "date" and i + 1 < len(words) and looks_like_date(words[i + 1]) else w
        for i, w in enumerate(words)
    ]
    rest, out = _pre_scan(" ".join(words), gates=True)
    if out.links:
        raise BadInput(f"Link deliverables from their side: `/deliverable edit D-n for {key}`.")
    parsed = _options(rest, today, MILESTONE_KEYWORDS)
    if parsed.mentions:
        raise BadInput(f"Say it with `owner`: `/milestone edit {key} owner @someone`.")
    return MilestoneEdit(
        title=_new_title(parsed.title, key, "/milestone"),
        due_date=parsed.due.day if parsed.due else None,
        owner=parsed.owner,
        gate=out.gate,
    )


def number(token: str) -> tuple[float, str | None] | None:
    """`2.6` → (2.6, None); `3.5%` → (3.5, "%"); `$1,200` → (1200, "$"); None when it isn't a number."""
    m = _NUMBER_RE.match(token.strip())
    if not m:
        return None
    value = float(m.group(2).replace(",", ""))
    unit = m.group(1) or m.group(3) or None
    return value, unit


@dataclass(frozen=True)
class KeyResultArgs:
    """`<metric> from <baseline> to <target> [unit]`."""

    metric: str
    baseline: float
    target: float
    unit: str | None


def key_result(text: str) -> KeyResultArgs:
    """Read a key result's metric, baseline, target and unit."""
    m = _KR_RE.match(squash(plain(text)))
    base = number(m.group("base")) if m else None
    target = number(m.group("target")) if m else None
    if m is None or base is None or target is None:
        raise BadInput(f"I couldn't read that key result. Try `{KR_EXAMPLE}`.")
    between = m.group("between")
    if between and between.lower() != "to" and number(between) is not None:
        raise BadInput(f"I couldn't read that key result. Try `{KR_EXAMPLE}`.")
    unit = (m.group("unit") or "").strip() or target[1] or base[1] or (between or None)
    return KeyResultArgs(m.group("metric").strip(), base[0], target[0], unit)


def check_in(text: str, key: str) -> tuple[float, str | None]:
    """`<value> [note]`."""
    token, note = first_word(plain(text))
    value = number(token) if token else None
    if value is None:
        shown = f'"{token[:30]}" isn\'t a number. ' if token else "What's the value? "
        raise BadInput(f"{shown}Try `/outcome checkin {key or 'O-1.1'} 2.6 New pricing page is live`.")
    return value[0], note or None
