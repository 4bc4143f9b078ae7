"""The people cache: who someone is, their zone, whether they can own work."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, col, select

from bot.clock import Clock
from storage.models import Person
from storage.repositories.common import upsert


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


def _info(row: Person) -> PersonInfo:
    return PersonInfo(
        user_id=row.user_id,
        name=row.name,
        real_name=row.real_name,
        tz=row.tz,
        is_bot=row.is_bot,
        is_admin=row.is_admin,
        deleted=row.deleted,
    )


def cached(session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, PersonInfo]:
    """People already in the cache, by id."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    rows = session.exec(select(Person).where(col(Person.team_id) == team_id, col(Person.user_id).in_(ids))).all()
    return {row.user_id: _info(row) for row in rows}


def remember(session: Session, clock: Clock, team_id: str, people: Iterable[PersonInfo]) -> None:
    """Insert or refresh cache rows."""
    now: datetime = clock.now()
    for p in people:
        upsert(
            session,
            Person,
            ["team_id", "user_id"],
            {
                "team_id": team_id,
                "user_id": p.user_id,
                "name": p.name,
                "real_name": p.real_name,
                "tz": p.tz,
                "is_bot": p.is_bot,
                "is_admin": p.is_admin,
                "deleted": p.deleted,
                "fetched_at": now,
            },
            ["name", "real_name", "tz", "is_bot", "is_admin", "deleted", "fetched_at"],
        )
