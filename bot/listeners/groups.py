"""`/action add … @design-team`: a user group as owner is one item per member (CONTRACTS §4)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.deps import channel_members
from bot.errors import BadInput
from bot.listeners.plan_common import Call
from bot.services.people import PersonInfo
from bot.slack.usergroups import read_group, too_many


@dataclass
class Owners:
    """Who gets an item: the people mentioned, then each group's members; what the answer should add."""

    ids: list[str]
    people: dict[str, PersonInfo]
    warnings: list[str] = field(default_factory=list)


def owners_with_groups(v: Call, mentioned: list[str], groups: list[tuple[str, str]]) -> Owners:
    """Mentions plus the members of the groups named; a group unreadable or too big refuses the command."""
    # Members outside a private channel (CONTRACTS §4, privacy of automatic owners), deactivated ones and bots are
    # left out, and the warnings say so; mentioned people are checked by the caller like any owner.
    within = _private_members(v, groups)
    ids = list(mentioned)
    warnings: list[str] = []
    for subteam, handle in groups:
        members = read_group(v.client, v.actor.team_id, subteam, handle=handle)
        if isinstance(members, str):
            raise BadInput(members)
        kept = [u for u in members if within is None or u in within]
        if len(kept) < len(members):
            n = len(members) - len(kept)
            warnings.append(
                f"{n} member{'s' if n != 1 else ''} of {handle} {_are(n)} not in this conversation, "
                "so they get no item here."
            )
        refused = too_many(handle, len(kept))
        if refused:
            raise BadInput(refused)
        ids += kept
    ids = list(dict.fromkeys(ids))
    people = v.deps.directory.resolve(v.client, v.actor.team_id, ids) if ids else {}
    from_groups = set(ids) - set(mentioned)
    inactive = [u for u in from_groups if u not in people or people[u].is_bot or people[u].deleted]
    if inactive:
        n = len(inactive)
        warnings.append(f"{n} group member{'s' if n != 1 else ''} {_are(n)} deactivated or a bot, so no item for them.")
    ids = [u for u in ids if u not in inactive]
    if not ids:
        raise BadInput(
            f"Nobody in {' and '.join(h for _, h in groups)} can get an item here. Mention the people instead."
        )
    return Owners(ids, people, warnings)


def _are(n: int) -> str:
    return "are" if n != 1 else "is"


def _private_members(v: Call, groups: list[tuple[str, str]]) -> set[str] | None:
    """The members of the private channel, group DM or DM the command was typed in (None: a public channel)."""
    if not (v.actor.channel_private and v.actor.channel):
        return None
    members = channel_members(v.client, v.actor.channel)
    if isinstance(members, str):
        named = " and ".join(h for _, h in groups)
        raise BadInput(
            f"I couldn't read who is in this conversation, so I can't tell which members of {named} may get its "
            "items. Mention the people instead."
        )
    return members
