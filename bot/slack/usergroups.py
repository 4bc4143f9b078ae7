"""User groups as owners (CONTRACTS §4): who is in `@design-team`, read from Slack, or a sentence saying why not."""

from __future__ import annotations

import re
from collections.abc import Collection

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

SUBTEAM_RE = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|([^>]*))?>")
MAX_MEMBERS = 20  # one item per member: past this a group is more likely a broadcast than a list of owners
NEEDS_REINSTALL = "Followthrough needs to be reinstalled to read user groups — ask an admin."
_REFUSALS = {
    "missing_scope": NEEDS_REINSTALL,
    "plan_upgrade_required": "User groups need a paid Slack plan, so I can't read who is in {group}. "
    "Mention the people instead.",
    "no_such_subteam": "I couldn't find the user group {group} (deleted or disabled?). Mention the people instead.",
}


def subteams(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text without its user-group mentions, and each group's (id, `@handle`) in order, without repeats."""
    found: dict[str, str] = {}
    for m in SUBTEAM_RE.finditer(text):
        found.setdefault(m.group(1), (m.group(2) or "").strip() or "that user group")
    return " ".join(SUBTEAM_RE.sub(" ", text).split()), list(found.items())


def group_members(
    client: WebClient,
    team_id: str,
    subteam_id: str,
    *,
    handle: str | None = None,
    within: Collection[str] | None = None,
) -> list[str] | str:
    """A user group's member ids (at most 20; only those `within`, when given), or the sentence saying why not."""
    # `within`: a private conversation's members, who alone may get its items. The sentences: the group could not be
    # read (`missing_scope` on an install from before `usergroups:read`, `plan_upgrade_required`, `no_such_subteam`),
    # or it has more than 20 members. Other Slack errors rise.
    members = read_group(client, team_id, subteam_id, handle=handle)
    if isinstance(members, str):
        return members
    if within is not None:
        members = [u for u in members if u in within]
    return too_many(handle, len(members)) or members


def read_group(client: WebClient, team_id: str, subteam_id: str, *, handle: str | None = None) -> list[str] | str:
    """Every member id of a user group, or why Slack would not say (a sentence naming the group)."""
    try:
        response = client.usergroups_users_list(usergroup=subteam_id, team_id=team_id)
    except SlackApiError as exc:
        sentence = _REFUSALS.get(str(exc.response.get("error")))
        if sentence is None:
            raise
        return sentence.format(group=handle or "that user group")
    return [str(u) for u in response.get("users") or []]


def too_many(handle: str | None, count: int) -> str | None:
    """The refusal for a group of more than 20 members (None when it is small enough)."""
    if count <= MAX_MEMBERS:
        return None
    return (
        f"{handle or 'That user group'} has {count} members; I make at most {MAX_MEMBERS} items from a group. "
        "Mention the people who should do it, or name one owner who shares it out."
    )
