"""What a listener needs, put into Bolt's context by one middleware (no DB session opened there)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore

from bot.capture_reading import MEMBERS_UNREADABLE, NEEDS_REINSTALL, Lookups
from bot.clock import Clock
from bot.services.common import Actor, channel_is_private
from bot.settings import Settings
from bot.slack.directory import PeopleDirectory
from bot.slack.usergroups import group_members
from storage.db import Database

CONTEXT_KEY = "followthrough"


@dataclass
class Deps:
    """Settings, database, clock and the people directory."""

    settings: Settings
    db: Database
    clock: Clock
    directory: PeopleDirectory
    installation_store: InstallationStore | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Deps:
        # Bolt deep-copies the context for lazy listeners; services are shared, not copied.
        return self

    @staticmethod
    def of(context: Any) -> Deps:
        """The Deps a middleware stored in Bolt's context."""
        deps = context[CONTEXT_KEY]
        assert isinstance(deps, Deps)
        return deps

    def actor(
        self, client: WebClient, team_id: str, user_id: str, channel: str | None, *, private: bool = False
    ) -> Actor:
        """The acting person, with their zone and admin flag from the people cache."""
        person = self.directory.resolve(client, team_id, [user_id]).get(user_id)
        tz = person.zone(self.settings.default_tz) if person else self.settings.default_tz
        return Actor(
            team_id=team_id,
            user_id=user_id,
            tz=tz,
            is_admin=bool(person and person.is_admin),
            channel=channel,
            channel_private=private,
        )

    def lookups(self, client: WebClient, team_id: str, said: dict[str, Any]) -> Lookups:
        """What reading a capture asks of Slack and the people cache, for one message."""
        channel = str(said.get("channel") or "")
        private = said.get("channel_type") in ("group", "im", "mpim") or channel_is_private(channel)
        return Lookups(
            resolve=functools.partial(self.directory.resolve, client, team_id),
            members=functools.partial(self.directory.names, client, team_id),
            refresh=functools.partial(self.directory.refresh_names, client, team_id),
            channel_members=functools.partial(channel_members, client, channel) if private else lambda: None,
            default_tz=self.settings.default_tz,
            group=lambda subteam, handle: group_members(client, team_id, subteam, handle=handle),
        )

    def author(self, client: WebClient, team_id: str, said: dict[str, Any]) -> Actor:
        """The author of a message event (or of a held capture), where they wrote it."""
        channel = said.get("channel")
        private = said.get("channel_type") in ("group", "im", "mpim") or channel_is_private(channel)
        return self.actor(client, team_id, said["user"], channel, private=private)


def channel_members(client: WebClient, channel: str) -> set[str] | str:
    """Everyone in a private channel, group DM or DM (paged); a sentence when Slack refuses to say."""
    found: set[str] = set()
    try:
        for page in client.conversations_members(channel=channel, limit=200):
            found.update(page.get("members") or [])
    except SlackApiError as exc:
        if exc.response.get("error") == "missing_scope":
            return NEEDS_REINSTALL
        if exc.response.get("error") in (
            "not_in_channel",
            "channel_not_found",
            "method_not_supported_for_channel_type",
        ):
            return MEMBERS_UNREADABLE
        raise
    return found
