"""The people cache: who someone is, their zone, whether they can own work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection
from sqlmodel import Session

from bot.clock import Clock
from storage.repositories import people as person_rows
from storage.repositories import workspaces


@dataclass(frozen=True)
class PersonInfo:
    """What we know of a Slack user."""

    user_id: str
    name: str = ""
    real_name: str = ""
    tz: str | None = None
    is_bot: bool = False
    is_admin: bool = False
    deleted: bool = False
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""

    @property
    def active_human(self) -> bool:
        """A person who can own work: not a bot, not deactivated."""
        return not (self.is_bot or self.deleted)

    @property
    def display(self) -> str:
        """A name for greetings."""
        return (self.real_name or self.name or self.user_id).split(" ")[0]

    def zone(self, default: ZoneInfo) -> ZoneInfo:
        """Their ZoneInfo, or the default when unknown or invalid."""
        if not self.tz:
            return default
        try:
            return ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            return default


def _info(r: Any) -> PersonInfo:
    return PersonInfo(
        user_id=r.user_id,
        name=r.name,
        real_name=r.real_name,
        tz=r.tz,
        is_bot=bool(r.is_bot),
        is_admin=bool(r.is_admin),
        deleted=bool(r.deleted),
        display_name=r.display_name,
        first_name=r.first_name,
        last_name=r.last_name,
    )


def everyone(conn: Connection, limit: int, *, since: datetime | None = None) -> list[tuple[str, PersonInfo]] | None:
    """Cached people of every workspace as (team_id, person), or those stored since `since`."""
    # None when there are more than `limit`.
    rows = person_rows.everyone(conn, limit, since=since)
    return None if rows is None else [(r.team_id, _info(r)) for r in rows]


def cached(session: Session | Connection, team_id: str, user_ids: Iterable[str]) -> dict[str, PersonInfo]:
    """People already in the cache, by id."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    return {r.user_id: _info(r) for r in person_rows.by_ids(session, team_id, ids)}


def directory_of(session: Session | Connection, team_id: str) -> list[PersonInfo]:
    """Every cached person of a workspace who can own work (active humans), for names in meeting notes."""
    return [_info(r) for r in person_rows.active_humans(session, team_id)]


def remember(session: Session, clock: Clock, team_id: str, people: Iterable[PersonInfo]) -> None:
    """Insert or refresh cache rows."""
    now: datetime = clock.now()
    for p in people:
        person_rows.save(
            session,
            now,
            team_id,
            p.user_id,
            name=p.name,
            real_name=p.real_name,
            tz=p.tz,
            is_bot=p.is_bot,
            is_admin=p.is_admin,
            deleted=p.deleted,
            display_name=p.display_name,
            first_name=p.first_name,
            last_name=p.last_name,
        )


def synced_at(session: Session, team_id: str) -> datetime | None:
    """When the workspace's people were last read whole from Slack (None: never)."""
    return workspaces.people_synced_at(session, team_id)


def mark_synced(session: Session, team_id: str, at: datetime) -> None:
    """Record a whole read of the workspace's people."""
    workspaces.mark_people_synced(session, team_id, at)
