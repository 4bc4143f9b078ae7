"""Events API listeners (channel capture and mentions arrive with the capture work)."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Attach the event listeners."""
    return None
