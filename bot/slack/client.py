"""Outbound Slack clients: every one points at SLACK_API_URL and retries 429s, 5xx and resets."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings


def make_client(settings: Settings, token: str | None = None, *, retries: int = 2, timeout: int = 10) -> WebClient:
    """A WebClient for `token` (the bot token by default) with retry handlers attached."""
    return WebClient(
        token=token if token is not None else settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=retries),
            RateLimitErrorRetryHandler(max_retry_count=retries),
            ServerErrorRetryHandler(max_retry_count=retries),
        ],
    )
