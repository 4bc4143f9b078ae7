"""Per-person and per-channel settings rows: capture switches and calendar feed tokens."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import ChannelSettings, PersonSettings

# Built once: every captured message asks.
_CAPTURE_OFF = core_select(col(ChannelSettings.capture_enabled)).where(
    col(ChannelSettings.team_id) == bindparam("team_id"),
    col(ChannelSettings.channel) == bindparam("channel"),
    col(ChannelSettings.capture_enabled).is_(False),
)


def capture_off(session: Session | Connection, team_id: str, channel: str) -> bool:
    """True when someone turned capture off in this channel."""
    return session.execute(_CAPTURE_OFF, {"team_id": team_id, "channel": channel}).first() is not None


def person_by_calendar_token(session: Session, token: str) -> PersonSettings | None:
    """The person whose calendar feed id this is."""
    return session.exec(select(PersonSettings).where(col(PersonSettings.calendar_token) == token)).first()


def channel_by_calendar_token(session: Session, token: str) -> ChannelSettings | None:
    """The channel whose calendar feed id this is."""
    return session.exec(select(ChannelSettings).where(col(ChannelSettings.calendar_token) == token)).first()
