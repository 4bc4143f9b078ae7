"""Morning DMs (CONTRACTS §6): who is due one now, and what it says. The database decides; no job per item."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.services.action_items import ItemView
from bot.services.cadence import country_of, morning_day, week_of
from bot.services.deliverables import DeliverableView
from bot.services.nudge_reads import STALE_KR_DAYS, StaleKr, reviews_by_reviewer, stale_krs_by_owner
from bot.services.people import PersonInfo
from bot.services.settings import PersonPrefs, parse_working_days
from storage.repositories import morning

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
    """What one morning DM says."""

    # `overdue`, `today` and `soon` hold the items the DM lists (the first `SHOWN_OWN` of them, in that order);
    # `own_counts` says how many there are in each when that is more (None: the lists are complete). `waiting`,
    # `orphaned` and `completed` hold the first `SHOWN_WAITING`, `SHOWN_ORPHANED` and `SHOWN_DONE`. An empty section
    # is the shared `()`: a sweep keeps thousands of these alive at once, mostly with one or two sections filled.

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


def due_recipients(session: Session, now: datetime, default_tz: ZoneInfo) -> list[Recipient]:
    """People whose local hour has come today, on one of their working days, not paused, and not yet served today."""
    teams = morning.active_teams(session)
    by_team: dict[str, set[str]] = defaultdict(set)
    for team, user in morning.candidates(session, now, teams) if teams else ():
        by_team[team].add(user)
    out: list[Recipient] = []
    for team, wanted in by_team.items():
        # Whole-team reads filtered here: an IN list of every candidate would grow with the workspace.
        people = {row.user_id: PersonInfo(*row) for row in morning.people(session, team) if row.user_id in wanted}
        prefs = {row.user_id: PersonPrefs(*row[1:]) for row in morning.settings(session, team) if row.user_id in wanted}
        due = [
            r
            for user in wanted
            if (r := _recipient(team, user, people.get(user), prefs.get(user, DEFAULT_PREFS), now, default_tz))
        ]
        if due:
            served = morning.served(session, team, KIND, {r.slot for r in due})
            out.extend(r for r in due if (r.user_id, r.slot) not in served)
    return out


def _recipient(
    team: str, user: str, person: PersonInfo | None, prefs: PersonPrefs, now: datetime, default_tz: ZoneInfo
) -> Recipient | None:
    """This person, when their morning DM is due now (None otherwise)."""
    if person is not None and (person.deleted or person.is_bot):
        return None
    tz = person.zone(default_tz) if person is not None else default_tz
    local = now.astimezone(tz)
    today = local.date()
    if local.hour < prefs.reminder_hour or today.weekday() not in weekdays(prefs):
        return None
    if prefs.paused_until is not None and today < prefs.paused_until:
        return None
    if not morning_day(prefs, today, country_of(prefs, tz.key)):  # cadence, public holidays
        return None
    return Recipient(team, user, tz, today, prefs, person)


# ---- composing every due DM at once: a fixed number of queries, however many people and items ----------------


@dataclass
class Extras:
    """What a morning DM shows beyond its own and waiting items, by (team_id, user_id)."""

    # items done by others for their creators, the deliverables each reviewer must review, and (Mondays) key results
    # gone stale — by (team_id, user_id).

    completed: dict[tuple[str, str], list[ItemView]]
    reviews: dict[tuple[str, str], list[DeliverableView]]
    stale: dict[tuple[str, str], list[StaleKr]]


def monday_somewhere(now: datetime) -> bool:
    """True when it is Monday in some time zone (UTC-12 to UTC+14) at `now`."""
    first, last = (now - timedelta(hours=12)).date(), (now + timedelta(hours=14)).date()
    return any((first + timedelta(days=d)).weekday() == 0 for d in range((last - first).days + 1))


def read_extras(session: Session, now: datetime, teams: list[str], *, mondays: bool) -> Extras:
    """The parts of the morning DMs of `teams` that do not depend on who is due: three set-wide reads."""
    completed: dict[tuple[str, str], list[ItemView]] = defaultdict(list)
    for row in morning.done_by_others(session, now, teams, KIND):
        shown = completed[(row.team_id, row.created_by)]
        if len(shown) < SHOWN_DONE:
            shown.append(replace(ItemView.from_row(row), deliverable=None, deliverable_title=None))
    stale = stale_krs_by_owner(session, now, teams) if mondays else {}
    return Extras(dict(completed), reviews_by_reviewer(session, teams), stale)


@lru_cache(maxsize=256)
def _horizon(today: date, working_days: str, cadence: str) -> tuple[date, str]:
    """The end of the "soon" section (the next working day; Mondays only: the week's last day) and its heading."""
    if cadence == "mondays":
        return week_of(today, working_days)[1], "this week"
    horizon = next_working_day(today, weekdays_of(working_days))
    return horizon, "tomorrow" if horizon == today + timedelta(days=1) else f"by {horizon:%a}"


@dataclass
class _Draft:
    """One recipient's DM while the rows are sorted out: their day, and the lists filled so far."""

    morning: Morning
    horizon: date
    own: tuple[list[ItemView], list[ItemView], list[ItemView]] = field(default_factory=lambda: ([], [], []))
    counts: list[int] = field(default_factory=lambda: [0, 0, 0])
    waiting: list[tuple[ItemView, int]] = field(default_factory=list)
    orphaned: list[ItemView] = field(default_factory=list)

    @property
    def today(self) -> date:
        """The recipient's local date."""
        return self.morning.recipient.local_date

    def add_own(self, row: Any) -> None:
        """An item of the recipient's own, due by their horizon: counted, and listed while there is room."""
        section = 0 if row.due_date < self.today else 1 if row.due_date == self.today else 2
        self.counts[section] += 1
        if sum(len(listed) for listed in self.own) < SHOWN_OWN:
            self.own[section].append(ItemView.from_row(row))

    def add_given(self, row: Any) -> None:
        """An item the recipient gave someone else: orphaned (owner gone) or waiting (two working days late)."""
        if row.owner_deleted:
            if len(self.orphaned) < SHOWN_ORPHANED:
                self.orphaned.append(ItemView.from_row(row))
            return
        if row.due_date is None or row.due_date >= self.today or len(self.waiting) >= SHOWN_WAITING:
            return
        if row.snoozed_until is not None and row.snoozed_until > self.today:
            return
        late = working_days_between(row.due_date, self.today, weekdays(self.morning.recipient.prefs))
        if late >= WAITING_WORKING_DAYS:
            self.waiting.append((ItemView.from_row(row), late))

    def finish(self, extras: Extras) -> Morning:
        """The Morning with what was found (an empty section stays the shared `()`)."""
        m, who = self.morning, (self.morning.recipient.team_id, self.morning.recipient.user_id)
        overdue, today, soon = self.own
        m.overdue, m.today, m.soon = overdue or (), today or (), soon or ()
        if len(overdue) + len(today) + len(soon) < sum(self.counts):
            m.own_counts = (self.counts[0], self.counts[1], self.counts[2])
        m.waiting, m.orphaned = self.waiting or (), self.orphaned or ()
        m.completed = extras.completed.get(who) or ()
        m.reviews = list(reviews) if (reviews := extras.reviews.get(who)) else ()
        if self.today.weekday() == 0:
            m.stale_krs = extras.stale.get(who) or ()
        return m


def _owns(draft: _Draft | None, row: Any) -> bool:
    """True when the row is one of the draft's recipient's own items for this morning."""
    if draft is None or row.due_date is None or row.due_date > draft.horizon:
        return False
    return row.snoozed_until is None or row.snoozed_until <= draft.today


def compose_all(session: Session, now: datetime, recipients: list[Recipient]) -> list[Morning]:
    """Every recipient's morning DM, from a fixed number of set-wide reads (no query per person)."""
    # One read of the open items serves both its owner's own list and its creator's "waiting on others".
    if not recipients:
        return []
    drafts: dict[tuple[str, str], _Draft] = {}
    for r in recipients:
        horizon, soon_label = _horizon(r.local_date, r.prefs.working_days, r.prefs.cadence)
        drafts[(r.team_id, r.user_id)] = _Draft(Morning(r, soon_label=soon_label), horizon)
    teams = sorted({r.team_id for r in recipients})
    latest_today = max(r.local_date for r in recipients)
    latest_horizon = max(d.horizon for d in drafts.values())
    for row in morning.open_items(session, teams, latest_horizon, latest_today):
        owner = drafts.get((row.team_id, row.owner))
        if _owns(owner, row):
            assert owner is not None
            owner.add_own(row)
        creator = drafts.get((row.team_id, row.created_by))
        if creator is not None and row.created_by != row.owner and not row.by_app:  # an app's bot user hears nothing
            creator.add_given(row)
    mondays = any(r.local_date.weekday() == 0 for r in recipients)
    extras = read_extras(session, now, teams, mondays=mondays)
    return [d.finish(extras) for d in drafts.values()]
