"""Finding deliverables, milestones and outcomes by key, who may see them, and who may change them."""

from __future__ import annotations

from sqlmodel import Session

from bot.capture.keys import KIND_NAMES, Key, parse_key
from bot.errors import BadInput, NotFound, PermissionDenied
from bot.services.common import Actor
from bot.services.people import PersonInfo
from storage.models import Deliverable, KeyResult, Milestone, Outcome
from storage.repositories import deliverables, milestones, outcomes
from storage.repositories.deliverables import DeliverableRow

COMMANDS = {"A": "/action", "D": "/deliverable", "M": "/milestone", "O": "/outcome"}
SHOW_VERBS = {"A": "show", "D": "show", "M": "status", "O": "status"}


def _article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def read_key(text: str, kind: str, *, allow_sub: bool = False) -> Key:
    """The key typed for a record of `kind`, or a one-line refusal that says what a key looks like."""
    noun = KIND_NAMES[kind]
    key = parse_key(text) if text else None
    if key is None:
        if not text:
            raise BadInput(f"Which {noun}? Add its key, like {kind}-1. Try `{COMMANDS[kind]} list`.")
        shown = text if len(text) <= 30 else text[:29] + "…"
        raise BadInput(f'"{shown}" isn\'t {_article(noun)} key. Keys look like {kind}-3; try `{COMMANDS[kind]} list`.')
    if key.kind != kind:
        other = KIND_NAMES[key.kind]
        hint = f"{COMMANDS[key.kind]} {SHOW_VERBS[key.kind]} {key}"
        raise BadInput(f"{key} is {_article(other)}, not {_article(noun)}. Try `{hint}`.")
    if key.sub is not None and not allow_sub:
        raise BadInput(f"{key} is a key result; use the outcome's key, {kind}-{key.number}.")
    return key


def not_found(key: Key | str) -> NotFound:
    """The refusal for a key that names nothing here (or nothing this person may see)."""
    kind = str(key)[:1].upper()
    return NotFound(f"I couldn't find {key} in this workspace. Try `{COMMANDS.get(kind, '/action')} list`.")


def reviewer_of(d: Deliverable, m: Milestone | None) -> tuple[str, str]:
    """Who approves: the approver; when none is set, the milestone's owner; when neither, the creator."""
    if d.approver:
        return d.approver, "the approver"
    if m is not None and m.owner:
        return m.owner, f"the owner of M-{m.number}"
    return d.created_by, "who created it"


def named_on(d: Deliverable) -> set[str]:
    """Everyone named on a deliverable."""
    return {u for u in (d.owner, d.approver, d.created_by) if u}


def _visible(private: bool, channel: str | None, people: set[str], actor: Actor) -> bool:
    return (not private) or channel == actor.channel or actor.user_id in people


def deliverable_visible(d: Deliverable, m: Milestone | None, actor: Actor) -> bool:
    """A deliverable made in a private channel or DM shows only there and to the people on it."""
    return _visible(d.private, d.channel, named_on(d) | {reviewer_of(d, m)[0]}, actor)


def milestone_visible(m: Milestone, actor: Actor) -> bool:
    """A milestone made in a private channel or DM shows only there and to its owner and creator."""
    return _visible(m.private, m.channel, {u for u in (m.owner, m.created_by) if u}, actor)


def find_deliverable(session: Session, actor: Actor, text: str, *, lock: bool = False) -> DeliverableRow:
    """The deliverable a key names in the actor's workspace (with its milestone and outcome) — one query."""
    # `lock` takes the deliverable's row lock (PostgreSQL) so two reviewers can't both decide it.
    key = read_key(text, "D")
    row = deliverables.with_plan(session, actor.team_id, key.number, lock=lock)
    if row is None or not deliverable_visible(row.deliverable, row.milestone, actor):
        raise not_found(key)
    return row


def find_milestone(session: Session, actor: Actor, text: str) -> Milestone:
    """The milestone a key names in the actor's workspace."""
    key = read_key(text, "M")
    m = milestones.by_number(session, actor.team_id, key.number)
    if m is None or not milestone_visible(m, actor):
        raise not_found(key)
    return m


def find_outcome(session: Session, actor: Actor, text: str) -> Outcome:
    """The outcome a key names in the actor's workspace (a key result's key names its outcome)."""
    key = read_key(text, "O", allow_sub=True)
    o = outcomes.by_number(session, actor.team_id, key.number)
    if o is None:
        raise not_found(f"O-{key.number}")
    return o


def find_key_result(session: Session, outcome: Outcome, number: int) -> KeyResult:
    """Key result O-n.k of an outcome."""
    kr = outcomes.key_result(session, outcome.id, number)
    if kr is None:
        raise NotFound(
            f"I couldn't find O-{outcome.number}.{number} in this workspace. "
            f"Try `/outcome status O-{outcome.number}` to see its key results."
        )
    return kr


def managers(owner: str | None, created_by: str) -> str:
    """`<@a> (the owner), <@b> (who created it) or a workspace admin`."""
    if not owner or owner == created_by:
        return f"<@{created_by}> (the owner and creator) or a workspace admin"
    return f"<@{owner}> (the owner), <@{created_by}> (who created it) or a workspace admin"


def require_manager(actor: Actor, owner: str | None, created_by: str, *, doing: str, key: str) -> None:
    """Owner, creator or admin — else a refusal that says who can."""
    if actor.is_admin or actor.user_id in (owner, created_by):
        return
    raise PermissionDenied(f"Only {managers(owner, created_by)} can {doing} {key}.")


ROLE_NOUNS = {
    "owner": "own a deliverable",
    "approver": "approve a deliverable",
    "milestone owner": "own a milestone",
    "outcome owner": "own an outcome",
}


def check_people(named: list[tuple[str, str]], people: dict[str, PersonInfo]) -> None:
    """Refuse bots, deactivated people and strangers in a role; `named` holds (role, user id) pairs."""
    for role, uid in named:
        person = people.get(uid)
        what = ROLE_NOUNS.get(role, role)
        if person is None:
            raise BadInput(f"I can't find <@{uid}> in this workspace, so they can't {what}.")
        if person.is_bot:
            raise BadInput(f"<@{uid}> is a bot and can't {what}. Mention a person instead.")
        if person.deleted:
            raise BadInput(f"<@{uid}> is deactivated and can't {what}. Mention someone else.")
