"""What scheduled jobs run with: database, clock, Slack client and the rate-limited sender."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.clock import Clock
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.sender import RateLimitedSender
from storage.db import Database


@dataclass
class Runtime:
    """Everything a sweep needs; built once per process (or per `tick`)."""

    settings: Settings
    db: Database
    clock: Clock
    client: WebClient
    sender: RateLimitedSender

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
    """A runtime whose client retries 429s (honouring Retry-After), 5xx and resets."""
    client = client or make_client(settings, retries=4, timeout=15)
    sender = RateLimitedSender(client, db, clock, per_channel_per_second=per_channel_per_second)
    return Runtime(settings=settings, db=db, clock=clock, client=client, sender=sender)
