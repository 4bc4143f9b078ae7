"""What a listener needs, put into Bolt's context by one middleware (no DB session opened there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from bot.clock import Clock
from bot.services.common import Actor, channel_is_private
from bot.settings import Settings
from bot.slack.directory import PeopleDirectory
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

    def author(self, client: WebClient, team_id: str, said: dict[str, Any]) -> Actor:
        """The author of a message event (or of a held capture), where they wrote it."""
        channel = said.get("channel")
        private = said.get("channel_type") in ("group", "im", "mpim") or channel_is_private(channel)
        return self.actor(client, team_id, said["user"], channel, private=private)
