"""Morning DMs (CONTRACTS §6): who is due one now, and what it says. The database decides; no job per item."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, or_, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.services.action_items import ItemView
from bot.services.deliverables import DeliverableView
from bot.services.nudge_reads import (
    STALE_KR_DAYS,
    StaleKr,
    item_view,
    items_select,
    reviews_by_reviewer,
    stale_krs_by_owner,
)
from bot.services.people import PersonInfo
from bot.services.settings import PersonPrefs, parse_working_days
from storage.models import (
    ActionItem,
    Deliverable,
    Milestone,
    OutboundClaim,
    Outcome,
    Person,
    PersonSettings,
    Workspace,
)
from storage.types import UtcDateTime

__all__ = [
    "KIND",
    "SHOWN_DONE",
    "SHOWN_ORPHANED",
    "SHOWN_OWN",
    "SHOWN_WAITING",
    "STALE_KR_DAYS",
    "Morning",
    "Recipient",
    "StaleKr",
    "active_teams",
    "Extras",
    "compose_all",
    "due_recipients",
    "monday_somewhere",
    "read_extras",
]
KIND = "morning-dm"
WAITING_WORKING_DAYS = 2
DEFAULT_PREFS = PersonPrefs()  # frozen: shared by everyone who never changed their settings
# What a DM lists; it counts the rest of its own items ("…and 3 more") and leaves out the rest of the others.
SHOWN_OWN = 12  # overdue, then today, then soon, in that order
SHOWN_WAITING = 10
SHOWN_ORPHANED = 5
SHOWN_DONE = 10


@dataclass(frozen=True)
class Recipient:
    """Someone whose morning DM is due now, with their local day."""

    team_id: str
    user_id: str
    tz: ZoneInfo
    local_date: date
    prefs: PersonPrefs
    person: PersonInfo | None

    @property
    def slot(self) -> str:
        """The claim slot: one DM per local day."""
        return self.local_date.isoformat()


@dataclass
class Morning:
    """What one morning DM says.

    `overdue`, `today` and `soon` hold the items the DM lists (the first `SHOWN_OWN` of them, in that order);
    `own_counts` says how many there are in each when that is more (None: the lists are complete). `waiting`,
    `orphaned` and `completed` hold the first `SHOWN_WAITING`, `SHOWN_ORPHANED` and `SHOWN_DONE`. An empty section
    is the shared `()`: a sweep keeps thousands of these alive at once, mostly with one or two sections filled.
    """

    recipient: Recipient
    overdue: Sequence[ItemView] = ()
    today: Sequence[ItemView] = ()
    soon: Sequence[ItemView] = ()
    soon_label: str = "tomorrow"
    reviews: Sequence[DeliverableView] = ()
    waiting: Sequence[tuple[ItemView, int]] = ()
    orphaned: Sequence[ItemView] = ()
    completed: Sequence[ItemView] = ()
    stale_krs: Sequence[StaleKr] = ()
    own_counts: tuple[int, int, int] | None = None

    @property
    def overdue_count(self) -> int:
        """How many of the person's items are overdue (listed or not)."""
        return self.own_counts[0] if self.own_counts else len(self.overdue)

    @property
    def today_count(self) -> int:
        """How many are due today."""
        return self.own_counts[1] if self.own_counts else len(self.today)

    @property
    def soon_count(self) -> int:
        """How many are due by the end of the next working day."""
        return self.own_counts[2] if self.own_counts else len(self.soon)

    def is_empty(self) -> bool:
        """Nothing worth a DM."""
        return not any(
            [
                self.overdue,
                self.today,
                self.soon,
                self.reviews,
                self.waiting,
                self.orphaned,
                self.completed,
                self.stale_krs,
            ]
        )


@lru_cache(maxsize=4096)
def working_days_between(start: date, end: date, days: frozenset[int]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        count += d.weekday() in days
    return count


@lru_cache(maxsize=256)
def weekdays_of(working_days: str) -> frozenset[int]:
    """`PersonPrefs.weekdays`, parsed once per distinct setting instead of once per person."""
    return parse_working_days(working_days)


def weekdays(prefs: PersonPrefs) -> frozenset[int]:
    """A person's working days (Mon=0)."""
    return weekdays_of(prefs.working_days)


def next_working_day(today: date, days: frozenset[int]) -> date:
    """The first working day after today."""
    d = today + timedelta(days=1)
    for _ in range(7):
        if d.weekday() in days:
            return d
        d += timedelta(days=1)
    return today + timedelta(days=1)


def active_teams(session: Session) -> list[str]:
    """The workspaces the app is installed in (and not uninstalled from)."""
    execute = session.connection().execute
    return [team for (team,) in execute(sa_select(col(Workspace.team_id)).where(col(Workspace.active).is_(True)))]


def _candidates(session: Session, now: datetime) -> set[tuple[str, str]]:
    """Everyone who might have something to hear about: owners, creators waiting, reviewers, outcome owners."""
    execute = session.connection().execute
    # The active workspaces first, as values: joined per row instead, they cost as much as the scans themselves.
    active = active_teams(session)
    if not active:
        return set()
    reviewer = func.coalesce(col(Deliverable.approver), col(Milestone.owner), col(Deliverable.created_by))
    every = union_all(
        sa_select(col(ActionItem.team_id), col(ActionItem.owner))
        .where(col(ActionItem.status) == "open", col(ActionItem.team_id).in_(active))
        .distinct(),
        sa_select(col(ActionItem.team_id), col(ActionItem.created_by))
        .where(
            col(ActionItem.team_id).in_(active),
            col(ActionItem.owner) != col(ActionItem.created_by),
            or_(col(ActionItem.status) == "open", col(ActionItem.completed_at) >= now - timedelta(days=4)),
        )
        .distinct(),
        sa_select(col(Deliverable.team_id), reviewer)
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
        .where(col(Deliverable.status) == "submitted", col(Deliverable.team_id).in_(active))
        .distinct(),
        sa_select(col(Outcome.team_id), func.coalesce(col(Outcome.owner), col(Outcome.created_by)))
        .where(col(Outcome.team_id).in_(active))
        .distinct(),
    )
    # One statement, plain tuples: sets of ORM rows compared them in Python.
    return {(team, user) for team, user in execute(every).all() if team and user}


def due_recipients(session: Session, now: datetime, default_tz: ZoneInfo) -> list[Recipient]:
    """People whose local hour has come today, on one of their working days, not paused, and not yet served today."""
    by_team: dict[str, set[str]] = defaultdict(set)
    for team, user in _candidates(session, now):
        by_team[team].add(user)
    out: list[Recipient] = []
    execute = session.connection().execute
    zones: dict[str | None, ZoneInfo] = {}
    local_by_zone: dict[ZoneInfo, datetime] = {}
    for team, wanted in by_team.items():
        # Whole-team reads filtered here: an IN list of every candidate would grow with the workspace.
        people = {
            row[0]: PersonInfo(*row)
            for row in execute(
                sa_select(
                    col(Person.user_id),
                    col(Person.name),
                    col(Person.real_name),
                    col(Person.tz),
                    col(Person.is_bot),
                    col(Person.is_admin),
                    col(Person.deleted),
                ).where(col(Person.team_id) == team)
            ).all()
            if row[0] in wanted
        }
        settings = {
            row[0]: PersonPrefs(*row[1:])
            for row in execute(
                sa_select(
                    col(PersonSettings.user_id),
                    col(PersonSettings.reminder_hour),
                    col(PersonSettings.working_days),
                    col(PersonSettings.paused_until),
                    col(PersonSettings.reminders_enabled),
                    col(PersonSettings.notify_done_now),
                ).where(col(PersonSettings.team_id) == team)
            ).all()
            if row[0] in wanted
        }
        due: list[Recipient] = []
        for user in wanted:
            person = people.get(user)
            if person is None:
                tz = default_tz
            elif person.deleted or person.is_bot:
                continue
            elif (tz_or_none := zones.get(person.tz)) is None:
                tz = zones[person.tz] = person.zone(default_tz)
            else:
                tz = tz_or_none
            p = settings.get(user, DEFAULT_PREFS)
            local = local_by_zone.get(tz)
            if local is None:
                local = local_by_zone[tz] = now.astimezone(tz)
            today = local.date()
            if not p.reminders_enabled or local.hour < p.reminder_hour or today.weekday() not in weekdays(p):
                continue
            if p.paused_until is not None and today < p.paused_until:
                continue
            due.append(Recipient(team, user, tz, today, p, person))
        if due:
            slots = {r.slot for r in due}
            served = {
                (recipient, slot)
                for recipient, slot in execute(
                    sa_select(col(OutboundClaim.recipient), col(OutboundClaim.slot)).where(
                        col(OutboundClaim.team_id) == team,
                        col(OutboundClaim.kind) == KIND,
                        col(OutboundClaim.slot).in_(slots),
                        or_(
                            col(OutboundClaim.state).in_(["sent", "skipped"]),
                            col(OutboundClaim.claimed_at) >= now - timedelta(minutes=5),
                        ),
                    )
                ).all()
            }
            out.extend(r for r in due if (r.user_id, r.slot) not in served)
    return out


# ---- composing every due DM at once: a fixed number of queries, however many people and items ----------------


@dataclass
class Extras:
    """What a morning DM shows beyond its own and waiting items: items done by others for their creators, the
    deliverables each reviewer must review, and (Mondays) key results gone stale — by (team_id, user_id)."""

    completed: dict[tuple[str, str], list[ItemView]]
    reviews: dict[tuple[str, str], list[DeliverableView]]
    stale: dict[tuple[str, str], list[StaleKr]]


def _any_monday(recipients: list[Recipient]) -> bool:
    return any(r.local_date.weekday() == 0 for r in recipients)


def monday_somewhere(now: datetime) -> bool:
    """True when it is Monday in some time zone (UTC-12 to UTC+14) at `now`: any day from the westernmost zone's
    to the easternmost's (not only those two: at 10:00 UTC on a Monday they are Sunday and Tuesday)."""
    first, last = (now - timedelta(hours=12)).date(), (now + timedelta(hours=14)).date()
    return any((first + timedelta(days=d)).weekday() == 0 for d in range((last - first).days + 1))


def read_extras(session: Session, now: datetime, teams: list[str], *, mondays: bool) -> Extras:
    """The parts of the morning DMs of `teams` that do not depend on who is due: three set-wide reads, which
    `jobs/morning.py` runs on a connection of their own while who is due is worked out."""
    rows = session.connection().execute
    # Done by others since the creator's last morning DM (else the last day).
    last = (
        select(
            col(OutboundClaim.team_id).label("team_id"),
            col(OutboundClaim.recipient).label("recipient"),
            func.max(col(OutboundClaim.sent_at)).label("last"),
        )
        .where(
            col(OutboundClaim.team_id).in_(teams),
            col(OutboundClaim.kind) == KIND,
            col(OutboundClaim.state) == "sent",
        )
        .group_by(col(OutboundClaim.team_id), col(OutboundClaim.recipient))
        .subquery()
    )
    since = func.coalesce(last.c.last, literal(now - timedelta(days=1), UtcDateTime()))
    completed: dict[tuple[str, str], list[ItemView]] = defaultdict(list)
    for row in rows(
        items_select()
        .join(
            last,
            (last.c.team_id == col(ActionItem.team_id)) & (last.c.recipient == col(ActionItem.created_by)),
            isouter=True,
        )
        .where(
            col(ActionItem.team_id).in_(teams),
            col(ActionItem.status) == "done",
            col(ActionItem.owner) != col(ActionItem.created_by),
            col(ActionItem.completed_at) > since,
        )
        .order_by(col(ActionItem.completed_at), col(ActionItem.number))
    ).all():
        shown = completed[(row[0], row[5])]
        if len(shown) < SHOWN_DONE:
            shown.append(item_view((*row[:12], None, None)))  # shown without its deliverable
    stale = stale_krs_by_owner(session, now, teams) if mondays else {}
    return Extras(dict(completed), reviews_by_reviewer(session, teams), stale)


@lru_cache(maxsize=256)
def _horizon(today: date, working_days: str) -> tuple[date, str]:
    """The end of the "soon" section (the next working day) and its heading."""
    horizon = next_working_day(today, weekdays_of(working_days))
    return horizon, "tomorrow" if horizon == today + timedelta(days=1) else f"by {horizon:%a}"


class _Sorting:
    """One recipient's DM while the rows are sorted out: their day, and the lists filled so far."""

    __slots__ = ("completed", "counts", "days", "horizon", "m", "orphaned", "own", "shown", "today", "waiting")

    def __init__(self, m: Morning, horizon: date) -> None:
        self.m = m
        self.today = m.recipient.local_date
        self.days = weekdays(m.recipient.prefs)
        self.horizon = horizon
        self.own: tuple[list[ItemView], list[ItemView], list[ItemView]] = ([], [], [])
        self.counts = [0, 0, 0]
        self.shown = 0
        self.waiting: list[tuple[ItemView, int]] = []
        self.orphaned: list[ItemView] = []
        self.completed: list[ItemView] = []

    def done(self) -> Morning:
        """The Morning with what was found (lists only where there is something)."""
        m = self.m
        overdue, today, soon = self.own
        if self.shown:
            m.overdue, m.today, m.soon = overdue or (), today or (), soon or ()
            if self.shown < sum(self.counts):
                m.own_counts = (self.counts[0], self.counts[1], self.counts[2])
        if self.waiting:
            m.waiting = self.waiting
        if self.orphaned:
            m.orphaned = self.orphaned
        if self.completed:
            m.completed = self.completed
        return m


def compose_all(
    session: Session, now: datetime, recipients: list[Recipient], extras: Callable[[], Extras] | None = None
) -> list[Morning]:
    """The content of every recipient's morning DM, in one pass of set-wide queries (no query per person).

    One read of the open items serves both sides of each: its owner's own list (due by their next working day,
    not snoozed past today) and its creator's "waiting on others" (overdue, or its owner deactivated). Rows come
    sorted, so a DM's lists fill in order; only the items a DM lists become `ItemView`s, the rest are counted.
    `extras`, when given, supplies what `read_extras` reads (read beside, on another connection).
    """
    if not recipients:
        return []
    teams = sorted({r.team_id for r in recipients})
    latest_today = max(r.local_date for r in recipients)
    out: list[Morning] = []
    sorting: dict[tuple[str, str], _Sorting] = {}
    for r in recipients:
        horizon, soon_label = _horizon(r.local_date, r.prefs.working_days)
        m = Morning(r, soon_label=soon_label)
        out.append(m)
        sorting[(r.team_id, r.user_id)] = _Sorting(m, horizon)
    latest_horizon = max(s.horizon for s in sorting.values())
    in_teams = col(ActionItem.team_id).in_(teams)
    owner_deleted = col(Person.deleted)
    rows = session.connection().execute  # Core rows: these are plain columns, the ORM adds only overhead

    open_items = rows(
        items_select(owner_deleted)
        .join(
            Person,
            (col(Person.team_id) == col(ActionItem.team_id)) & (col(Person.user_id) == col(ActionItem.owner)),
            isouter=True,
        )
        .where(
            in_teams,
            col(ActionItem.status) == "open",
            or_(
                # the owner's own: due by the latest horizon, not snoozed past the latest day
                (col(ActionItem.due_date) <= latest_horizon)
                & or_(col(ActionItem.snoozed_until).is_(None), col(ActionItem.snoozed_until) <= latest_today),
                # given to someone else: only overdue ones can be "waiting", any of a deactivated owner is "orphaned"
                (col(ActionItem.owner) != col(ActionItem.created_by))
                & or_(col(ActionItem.due_date) < latest_today, owner_deleted.is_(True)),
            ),
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.number))
    ).all()

    by_team: dict[str, dict[str, _Sorting]] = defaultdict(dict)
    for (team, user), sorted_out in sorting.items():
        by_team[team][user] = sorted_out
    current_team, people = "", by_team.get("", {})
    shown_own, shown_waiting, shown_orphaned, waiting_days = (
        SHOWN_OWN,
        SHOWN_WAITING,
        SHOWN_ORPHANED,
        WAITING_WORKING_DAYS,
    )
    for row in open_items:
        team, _n, _t, _s, owner, creator, _c, due, _at, _tz, snoozed, _p, _dn, _dt, owner_deleted = row
        if team != current_team:
            current_team, people = team, by_team.get(team, {})
        view: ItemView | None = None
        s = people.get(owner)
        if s is not None and due is not None and due <= s.horizon and (snoozed is None or snoozed <= s.today):
            today = s.today
            section = 0 if due < today else 1 if due == today else 2
            s.counts[section] += 1
            if s.shown < shown_own:
                s.shown += 1
                view = item_view(row)
                s.own[section].append(view)
        if creator == owner or (s := people.get(creator)) is None:
            continue
        if owner_deleted:
            if len(s.orphaned) < shown_orphaned:
                s.orphaned.append(view or item_view(row))
        elif due is not None and (today := s.today) > due and (snoozed is None or snoozed <= today):
            if len(s.waiting) < shown_waiting:
                late = working_days_between(due, today, s.days)
                if late >= waiting_days:
                    s.waiting.append((view or item_view(row), late))

    got = extras() if extras is not None else read_extras(session, now, teams, mondays=_any_monday(recipients))
    for who, done_by_others in got.completed.items():
        if (s := sorting.get(who)) is not None:
            s.completed = done_by_others
    reviews, stale = got.reviews, got.stale
    for who, s in sorting.items():
        m = s.done()
        if who in reviews:
            m.reviews = list(reviews[who])
        if s.today.weekday() == 0 and who in stale:
            m.stale_krs = stale[who]
    return out
