"""What every use case needs: who is acting, workspaces, the audit trail."""

from __future__ import annotations

import json
import time
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as day_time
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.capture.dates import When
from bot.clock import Clock
from storage.models import AuditEntry, Workspace
from storage.repositories.common import insert_ignore


@dataclass(frozen=True)
class Actor:
    """The person doing something, where, and in which zone their words are read."""

    team_id: str
    user_id: str
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    is_admin: bool = False
    channel: str | None = None
    channel_private: bool = False

    def today(self, clock: Clock) -> date:
        """The actor's local calendar date."""
        return clock.now().astimezone(self.tz).date()

    def when(self, clock: Clock) -> When:
        """The moment their words are read: now in their zone (working days Mon–Fri, holidays from their zone)."""
        return When(now=clock.now().astimezone(self.tz))


KNOWN_WORKSPACE_SECONDS = 600.0
_known_workspaces: weakref.WeakKeyDictionary[Any, dict[str, float]] = weakref.WeakKeyDictionary()


def ensure_workspace(session: Session, clock: Clock, team_id: str, name: str = "") -> None:
    """Create the workspace row on first contact."""
    # Every write used to pay for an `INSERT … ON CONFLICT DO NOTHING` here; a process now remembers for ten minutes
    # the workspaces it found already stored (per database), and checks again after that.
    bind = session.get_bind()
    known = _known_workspaces.setdefault(bind, {})
    if known.get(team_id, 0.0) > time.monotonic():
        return
    inserted = insert_ignore(
        session, Workspace, ["team_id"], team_id=team_id, name=name, created_at=clock.now(), active=True
    )
    if not inserted:  # stored by an earlier, committed transaction: safe to remember
        known[team_id] = time.monotonic() + KNOWN_WORKSPACE_SECONDS


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime | day_time):  # a due time too: re-dating a timed item failed on it
        return value.isoformat()
    return value


def audit(
    session: Session,
    clock: Clock,
    actor: Actor,
    key: str,
    change: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Keep one row per change: who (`actor`), what (`key`, `change`), when, before -> after."""
    session.add(AuditEntry(**audit_row(clock, actor, key, change, before, after)))


def audit_row(
    clock: Clock,
    actor: Actor,
    key: str,
    change: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The audit row's columns."""
    return {
        "team_id": actor.team_id,
        "at": clock.now(),
        "by": actor.user_id,
        "key": key,
        "change": change,
        "before": audit_json(before),
        "after": audit_json(after),
    }


def audit_json(values: dict[str, Any] | None) -> str | None:
    """An audit row's `before` or `after` as stored: JSON text, dates in ISO form."""
    return json.dumps({k: _jsonable(v) for k, v in values.items()}) if values else None


PRIVATE_CHANNEL_NAMES = ("privategroup", "directmessage")


def channel_is_private(channel_id: str | None, channel_name: str | None = None) -> bool:
    """Private channels, group DMs and DMs: their items stay there."""
    if not channel_id:
        return True
    name = channel_name or ""
    return channel_id.startswith(("D", "G")) or name in PRIVATE_CHANNEL_NAMES or name.startswith("mpdm-")
