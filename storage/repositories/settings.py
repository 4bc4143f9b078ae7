"""Per-person and per-channel settings rows: capture switches and calendar feed tokens."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import ChannelSettings, PersonSettings

CAPTURE_MODES = ("on", "off", "apps")
_CAPTURE = core_select(col(ChannelSettings.capture)).where(
    col(ChannelSettings.team_id) == bindparam("team_id"),
    col(ChannelSettings.channel) == bindparam("channel"),
)


def capture_mode(session: Session | Connection, team_id: str, channel: str) -> str:
    """What capture reads in this channel: `on` (the default), `off` or `apps`."""
    row = session.execute(_CAPTURE, {"team_id": team_id, "channel": channel}).first()
    return str(row[0]) if row is not None else "on"


def person_by_calendar_token(session: Session, token: str) -> PersonSettings | None:
    """The person whose calendar feed id this is."""
    return session.exec(select(PersonSettings).where(col(PersonSettings.calendar_token) == token)).first()


def channel_by_calendar_token(session: Session, token: str) -> ChannelSettings | None:
    """The channel whose calendar feed id this is."""
    return session.exec(select(ChannelSettings).where(col(ChannelSettings.calendar_token) == token)).first()
