"""Channel digests: the schedule (in the setter's zone), when a slot is due, and what a digest covers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.clock import Clock
from bot.errors import BadInput
from bot.services import milestones
from bot.services.action_items import ItemView, view_of
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.milestones import MilestoneStatus
from storage.models import DigestSubscription
from storage.repositories import digests as subscriptions
from storage.repositories import items, outbox
from storage.repositories import milestones as milestone_rows

KIND = "digest"
LATE_WINDOW = timedelta(hours=12)
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RECENT_MISSED = timedelta(days=14)


@dataclass(frozen=True)
class Schedule:
    """A channel's digest schedule as people read it."""

    channel: str
    cadence: str
    day: str | None
    time: str
    tz: str
    enabled: bool
    charts: bool
    created_by: str

    def describe(self) -> str:
        """`every Monday at 09:00 (America/New_York)`."""
        when = f"every {self.day.capitalize()}" if self.cadence == "weekly" and self.day else "every day"
        state = "" if self.enabled else " — off"
        return f"{when} at {self.time} ({self.tz}){state}"


def _schedule(row: DigestSubscription) -> Schedule:
    return Schedule(
        row.channel, row.cadence, row.day, row.time, row.tz, row.enabled, row.charts_enabled, row.created_by
    )


def parse_time(text: str) -> str:
    """`9:00`, `09:00`, `9am`, `3pm` -> `HH:MM`."""
    t = text.strip().lower()
    try:
        if t.endswith(("am", "pm")):
            hour_min = t[:-2].strip()
            h, _, m = hour_min.partition(":")
            hour, minute = int(h), int(m or 0)
            if not 1 <= hour <= 12 or not 0 <= minute <= 59:
                raise ValueError
            hour = hour % 12 + (12 if t.endswith("pm") else 0)
        else:
            h, _, m = t.partition(":")
            hour, minute = int(h), int(m)
        return time(hour, minute).strftime("%H:%M")
    except ValueError:
        raise BadInput(f'"{text[:20]}" isn\'t a time. Try 09:00 or 9am.') from None


def parse_day(text: str) -> str:
    """`mon`, `Monday` -> `monday`."""
    t = text.strip().lower()
    for day in DAYS:
        if len(t) >= 3 and day.startswith(t):
            return day
    raise BadInput(f'"{text[:20]}" isn\'t a weekday. Try monday … sunday.')


def get(session: Session, team_id: str, channel: str) -> Schedule | None:
    """This channel's schedule, if any."""
    row = _row(session, team_id, channel)
    return _schedule(row) if row else None


def _row(session: Session, team_id: str, channel: str) -> DigestSubscription | None:
    return subscriptions.of_channel(session, team_id, channel)


def set_schedule(session: Session, clock: Clock, actor: Actor, *, cadence: str, day: str | None, at: str) -> Schedule:
    """Anyone in the channel may set it; the time is read in their zone."""
    assert actor.channel is not None
    ensure_workspace(session, clock, actor.team_id)
    row = _row(session, actor.team_id, actor.channel)
    before = _schedule(row).describe() if row else None
    if row is None:
        row = DigestSubscription(
            team_id=actor.team_id,
            channel=actor.channel,
            cadence=cadence,
            day=day,
            time=at,
            tz=actor.tz.key,
            created_by=actor.user_id,
            created_at=clock.now(),
        )
    row.cadence, row.day, row.time, row.tz, row.enabled = cadence, day, at, actor.tz.key, True
    row.created_by = actor.user_id
    session.add(row)
    after = _schedule(row)
    audit(
        session,
        clock,
        actor,
        actor.channel,
        "digest",
        before={"schedule": before},
        after={"schedule": after.describe()},
    )
    return after


def switch(
    session: Session, clock: Clock, actor: Actor, *, enabled: bool | None = None, charts: bool | None = None
) -> Schedule:
    """Turn the digest or its charts on or off."""
    assert actor.channel is not None
    row = _row(session, actor.team_id, actor.channel)
    if row is None:
        raise BadInput("This channel has no digest yet. Try `/digest weekly monday 09:00` or `/digest daily 09:00`.")
    if enabled is not None:
        row.enabled = enabled
    if charts is not None:
        row.charts_enabled = charts
    session.add(row)
    audit(session, clock, actor, actor.channel, "digest", after={"enabled": row.enabled, "charts": row.charts_enabled})
    return _schedule(row)


def disable_gone(session: Session, team_id: str, channel: str) -> str | None:
    """The channel is archived or gone: stop its digest; returns who set it up (to tell them)."""
    row = _row(session, team_id, channel)
    if row is None:
        return None
    row.enabled = False
    session.add(row)
    return row.created_by


def last_slot(schedule: Schedule, now: datetime) -> tuple[str, datetime]:
    """The most recent slot at or before `now`: its key (the local date) and its instant."""
    zone = ZoneInfo(schedule.tz)
    local = now.astimezone(zone)
    hour, minute = (int(p) for p in schedule.time.split(":"))
    for back in range(8):
        day = local.date() - timedelta(days=back)
        if schedule.cadence == "weekly" and DAYS[day.weekday()] != schedule.day:
            continue
        instant = datetime.combine(day, time(hour, minute), tzinfo=zone)
        if instant <= now:
            return day.isoformat(), instant
    raise AssertionError("a weekly schedule always has a slot in the last 8 days")


@dataclass(frozen=True)
class DueDigest:
    """A digest whose slot has come and is still within its 12-hour window."""

    team_id: str
    schedule: Schedule
    slot: str
    at: datetime
    last_posted_at: datetime | None


def due(session: Session, now: datetime) -> list[DueDigest]:
    """Enabled schedules of active workspaces whose latest slot is at most 12 hours old."""
    rows = subscriptions.enabled(session)
    out = []
    for row in rows:
        schedule = _schedule(row)
        slot, at = last_slot(schedule, now)
        if now - at <= LATE_WINDOW:
            out.append(DueDigest(row.team_id, schedule, slot, at, row.last_posted_at))
    return out


def channel_gone(session: Session, now: datetime, team_id: str, channel: str, error: str) -> None:
    """The digest could not be posted (Slack said `error`): stop it and tell who set it up, in this transaction."""
    owner = disable_gone(session, team_id, channel)
    if owner:
        text = (
            f"I couldn't post the digest to <#{channel}> (Slack said `{error}`), so I turned it off. "
            "Set it up again in another channel with `/digest weekly monday 09:00`."
        )
        outbox.enqueue(
            session,
            now,
            team_id=team_id,
            recipient=owner,
            kind="digest-gone",
            slot=f"{channel}:{now:%Y-%m-%dT%H:%M}",
            payload={"text": text, "blocks": None},
        )


def mark_posted(session: Session, team_id: str, channel: str, at: datetime) -> None:
    """Remember when the channel last got its digest (what "done since" counts from)."""
    row = _row(session, team_id, channel)
    if row is not None:
        row.last_posted_at = at
        session.add(row)


@dataclass
class DigestData:
    """Everything one digest shows."""

    channel: str
    today: date
    milestones: list[MilestoneStatus] = field(default_factory=list)
    done_since: list[ItemView] = field(default_factory=list)
    due_soon: list[ItemView] = field(default_factory=list)
    overdue_by_owner: list[tuple[str | None, int]] = field(default_factory=list)  # None: unassigned
    unassigned: int = 0  # open items here nobody owns yet
    since: datetime | None = None


def collect(session: Session, clock: Clock, team_id: str, schedule: Schedule, since: datetime | None) -> DigestData:
    """The channel's active milestones with progress and risks, and its own items: done, due soon, overdue."""
    zone = ZoneInfo(schedule.tz)
    today = clock.now().astimezone(zone).date()
    actor = Actor(team_id=team_id, user_id=schedule.created_by, tz=zone, channel=schedule.channel)
    since = since or clock.now() - (timedelta(days=7) if schedule.cadence == "weekly" else timedelta(days=1))
    data = DigestData(channel=schedule.channel, today=today, since=since)
    numbers = milestone_rows.numbers_in_channel(
        session, team_id, schedule.channel, ["upcoming", "missed"], due_from=today - RECENT_MISSED
    )
    data.milestones = [milestones.status(session, clock, actor, f"M-{n}") for n in numbers[:8]]
    done = items.done_in_channel(session, team_id, schedule.channel, since)
    data.done_since = [view_of(i) for i in done]
    open_items = items.open_in_channel_due_by(session, team_id, schedule.channel, today + timedelta(days=7))
    late: dict[str | None, int] = defaultdict(int)
    for item in open_items:
        if item.due_date is not None and item.due_date < today:
            late[item.owner] += 1
        else:
            data.due_soon.append(view_of(item))
    data.overdue_by_owner = sorted(late.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    data.unassigned = items.count_unassigned(session, team_id, schedule.channel)
    return data


def burnup(session: Session, team_id: str, milestone_key: str) -> list[tuple[datetime, datetime | None, str]]:
    """(created_at, completed_at, status) of every item under a milestone's deliverables, for the chart."""
    number = int(milestone_key.split("-")[1])
    return [(r.created_at, r.completed_at, r.status) for r in items.burnup(session, team_id, number)]
