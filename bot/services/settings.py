"""Per-person reminder settings and per-channel capture switches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection
from sqlmodel import Session

from bot.clock import Clock
from bot.errors import BadInput
from bot.services.common import Actor, audit
from storage.models import ChannelSettings, PersonSettings
from storage.repositories import settings as settings_rows

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class PersonPrefs:
    """A person's reminder preferences (defaults when never set)."""

    reminder_hour: int = 9
    working_days: str = "mon-fri"
    paused_until: date | None = None
    reminders_enabled: bool = True
    notify_done_now: bool = False

    @property
    def weekdays(self) -> frozenset[int]:
        """Working days as weekday numbers (Mon=0)."""
        return parse_working_days(self.working_days)


def parse_working_days(text: str) -> frozenset[int]:
    """`mon-fri`, `sun-thu`, `mon,tue,thu` -> weekday numbers; raises BadInput when unreadable."""
    days: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip().lower()):
        if not part:
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            if start[:3] not in DAY_NAMES or end[:3] not in DAY_NAMES:
                raise BadInput(f'"{text}" isn\'t a list of working days. Try "mon-fri" or "sun-thu".')
            i, j = DAY_NAMES.index(start[:3]), DAY_NAMES.index(end[:3])
            while True:
                days.add(i)
                if i == j:
                    break
                i = (i + 1) % 7
        elif part[:3] in DAY_NAMES:
            days.add(DAY_NAMES.index(part[:3]))
        else:
            raise BadInput(f'"{text}" isn\'t a list of working days. Try "mon-fri" or "sun-thu".')
    if not days:
        raise BadInput("Pick at least one working day, e.g. mon-fri.")
    return frozenset(days)


def format_working_days(days: frozenset[int]) -> str:
    """Weekday numbers back to the shortest text (`mon-fri`, `sun-thu`, `mon,wed`)."""
    ordered = sorted(days)
    for start in range(7):
        run = [(start + k) % 7 for k in range(len(ordered))]
        if sorted(run) == ordered:
            return DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
    return ",".join(DAY_NAMES[d] for d in ordered)


def prefs(session: Session, team_id: str, user_id: str) -> PersonPrefs:
    """What this person chose (or the defaults)."""
    row = session.get(PersonSettings, (team_id, user_id))
    if row is None:
        return PersonPrefs()
    return PersonPrefs(
        row.reminder_hour, row.working_days, row.paused_until, row.reminders_enabled, row.notify_done_now
    )


def save_prefs(session: Session, clock: Clock, actor: Actor, new: PersonPrefs) -> PersonPrefs:
    """Store a person's preferences after checking them."""
    if not 0 <= new.reminder_hour <= 23:
        raise BadInput("The reminder hour is 0–23, e.g. 9 for 09:00.")
    days = format_working_days(parse_working_days(new.working_days))
    row = session.get(PersonSettings, (actor.team_id, actor.user_id)) or PersonSettings(
        team_id=actor.team_id, user_id=actor.user_id
    )
    before = prefs(session, actor.team_id, actor.user_id)
    row.reminder_hour, row.working_days, row.paused_until = new.reminder_hour, days, new.paused_until
    row.reminders_enabled, row.notify_done_now, row.updated_at = new.reminders_enabled, new.notify_done_now, clock.now()
    session.add(row)
    audit(
        session,
        clock,
        actor,
        actor.user_id,
        "settings",
        before=before.__dict__,
        after={**new.__dict__, "working_days": days},
    )
    return prefs(session, actor.team_id, actor.user_id)


CAPTURE_MODES = settings_rows.CAPTURE_MODES


def capture_mode(session: Session | Connection, team_id: str, channel: str) -> str:
    """What capture reads in a channel: `on` (people's messages, the default), `apps` (theirs too) or `off`."""
    return settings_rows.capture_mode(session, team_id, channel)


def set_capture(session: Session, clock: Clock, actor: Actor, channel: str, mode: str) -> bool:
    """Set what capture reads in a channel (anyone in it may); False when it already read that."""
    if mode not in settings_rows.CAPTURE_MODES:
        raise BadInput("Capture is `on` (people's messages), `apps` (meeting-notes apps' too) or `off`.")
    row = session.get(ChannelSettings, (actor.team_id, channel)) or ChannelSettings(
        team_id=actor.team_id, channel=channel
    )
    before = row.capture
    row.capture, row.updated_by, row.updated_at = mode, actor.user_id, clock.now()
    session.add(row)
    audit(session, clock, actor, channel, "capture", before={"capture": before}, after={"capture": mode})
    return before != mode
