"""iCalendar feeds: a person's due items and milestones, by a secret token."""
# A person's or a channel's due items, deliverables and milestones, behind a secret token. A feed token is a random id
# (stored, so `/action calendar reset` revokes it) plus, when FOLLOWTHROUGH_SECRET_KEY is set, an HMAC of the id, so a
# guessed id alone does not open a feed.

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from sqlmodel import Session

from bot.clock import Clock
from bot.services.common import Actor, audit
from storage.models import ChannelSettings, PersonSettings
from storage.repositories import deliverables, items, milestones, settings

OPEN_DELIVERABLE = ("planned", "in_progress", "submitted", "changes_requested")


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed a token opens."""

    team_id: str
    user_id: str | None
    channel: str | None


def _sign(secret_key: str | None, ident: str) -> str:
    if not secret_key:
        return ident
    mac = hmac.new(secret_key.encode(), ident.encode(), hashlib.sha256).hexdigest()[:20]
    return f"{ident}.{mac}"


def feed_token(
    session: Session, clock: Clock, actor: Actor, *, channel: str | None, secret_key: str | None, reset: bool = False
) -> str:
    """The person's (or, with `channel`, the channel's) feed token; `reset` revokes the old one."""
    if channel:
        row_c = session.get(ChannelSettings, (actor.team_id, channel)) or ChannelSettings(
            team_id=actor.team_id, channel=channel
        )
        if reset or not row_c.calendar_token:
            row_c.calendar_token = secrets.token_urlsafe(18)
            row_c.updated_by, row_c.updated_at = actor.user_id, clock.now()
            session.add(row_c)
            audit(session, clock, actor, channel, "calendar feed reset")
        return _sign(secret_key, row_c.calendar_token)
    row = session.get(PersonSettings, (actor.team_id, actor.user_id)) or PersonSettings(
        team_id=actor.team_id, user_id=actor.user_id
    )
    if reset or not row.calendar_token:
        row.calendar_token = secrets.token_urlsafe(18)
        row.updated_at = clock.now()
        session.add(row)
        audit(session, clock, actor, actor.user_id, "calendar feed reset")
    return _sign(secret_key, row.calendar_token)


def owner_of(session: Session, token: str, secret_key: str | None) -> FeedOwner | None:
    """Who a feed token belongs to; None for a forged, revoked or unknown token."""
    ident, _, mac = token.partition(".")
    if secret_key:
        if not mac or not hmac.compare_digest(_sign(secret_key, ident), token):
            return None
    elif mac:
        return None
    person = settings.person_by_calendar_token(session, ident)
    if person is not None:
        return FeedOwner(person.team_id, person.user_id, None)
    channel = settings.channel_by_calendar_token(session, ident)
    if channel is not None:
        return FeedOwner(channel.team_id, None, channel.channel)
    return None


def _event(
    uid: str, summary: str, day: date, at: time | None, tz: str | None, description: str, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    if at is not None:
        start = datetime.combine(day, at, tzinfo=ZoneInfo(tz or "UTC"))
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=30))
    else:
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
    event.add("description", description)
    return event


def build_feed(session: Session, clock: Clock, owner: FeedOwner) -> bytes:
    """The ICS document: open dated action items, open deliverables and upcoming milestones."""
    cal = Calendar()
    cal.add("prodid", "-//Followthrough//Action items, deliverables and milestones//EN")
    cal.add("version", "2.0")
    name = "Followthrough" + (f" — #{owner.channel}" if owner.channel else "")
    cal.add("x-wr-calname", name)
    stamp = clock.now()
    team = owner.team_id
    for a in items.dated_open(session, team, owner=owner.user_id, channel=owner.channel):
        assert a.due_date is not None
        cal.add_component(
            _event(
                f"A-{a.number}@{team}.followthrough",
                f"A-{a.number} {a.title}",
                a.due_date,
                a.due_time,
                a.due_tz,
                f"Action item owned by {a.owner}" if a.owner else "Action item nobody has taken yet",
                stamp,
            )
        )
    dated = deliverables.dated(session, team, OPEN_DELIVERABLE, person=owner.user_id, channel=owner.channel)
    for d in dated:
        assert d.due_date is not None
        cal.add_component(
            _event(
                f"D-{d.number}@{team}.followthrough",
                f"D-{d.number} {d.title}",
                d.due_date,
                None,
                None,
                f"Deliverable ({d.status.replace('_', ' ')})",
                stamp,
            )
        )
    for m in milestones.upcoming(session, team, owner=owner.user_id, channel=owner.channel):
        kind = "Gate" if m.gate else "Milestone"
        cal.add_component(
            _event(f"M-{m.number}@{team}.followthrough", f"M-{m.number} {m.title}", m.due_date, None, None, kind, stamp)
        )
    return bytes(cal.to_ical())
