"""What scheduled jobs run with: database, clock, Slack clients and the outbox drainer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.clock import Clock
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.drainer import Drainer
from storage.db import Database


@dataclass
class Runtime:
    """Everything a sweep needs; built once per process (or per `tick`)."""

    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    drainer: Drainer
    clients: Callable[[str], WebClient | None] | None = None

    def client_for(self, team_id: str) -> WebClient | None:
        """The client that speaks for this workspace (its own bot token under OAuth)."""
        return self.clients(team_id) if self.clients else self.client

    @property
    def default_tz(self) -> ZoneInfo:
        """FOLLOWTHROUGH_TIMEZONE."""
        return self.settings.default_tz


def build_runtime(
    settings: Settings,
    db: Database,
    clock: Clock,
    client: WebClient | None = None,
    *,
    per_channel_per_second: float = 1.0,
) -> Runtime:
    """A runtime whose clients retry 429s (honouring Retry-After), 5xx and resets."""
    # With OAuth configured, each workspace is reached with its own stored bot token.
    client = client or make_client(settings, retries=4, timeout=15)
    clients = (
        installed_clients(settings, db, clock) if settings.oauth_enabled and not settings.slack_bot_token else None
    )
    fixed = client
    drainer = Drainer(db, clock, clients or (lambda _team: fixed), per_channel_per_second=per_channel_per_second)
    return Runtime(settings=settings, db=db, clock=clock, client=client, drainer=drainer, clients=clients)


def installed_clients(settings: Settings, db: Database, clock: Clock) -> Callable[[str], WebClient | None]:
    """Team id -> a retrying client with that workspace's bot token (None when it is not installed)."""
    from bot.slack.installations import DatabaseInstallationStore
    from bot.slack.tokens import TokenCipher

    store = DatabaseInstallationStore(db, clock, TokenCipher(settings.secret("followthrough_secret_key")))
    cache: dict[str, WebClient | None] = {}

    def client_for(team_id: str) -> WebClient | None:
        if team_id not in cache:
            bot = store.find_bot(enterprise_id=None, team_id=team_id)
            cache[team_id] = make_client(settings, bot.bot_token, retries=4, timeout=15) if bot else None
        return cache[team_id]

    return client_for
