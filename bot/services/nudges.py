"""Morning DMs (CONTRACTS §6): who is due one now, and what it says. The database decides; no job per item."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.services.action_items import ItemView
from bot.services.deliverables import DeliverableView
from bot.services.nudge_reads import (
    STALE_KR_DAYS,
    StaleKr,
    item_view,
    items_select,
    not_snoozed,
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

__all__ = ["KIND", "STALE_KR_DAYS", "Morning", "Recipient", "StaleKr", "compose_all", "due_recipients"]
KIND = "morning-dm"
WAITING_WORKING_DAYS = 2
MAX_ITEMS = 12  # per section; the DM says how many more


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

    recipient: Recipient
    overdue: list[ItemView] = field(default_factory=list)
    today: list[ItemView] = field(default_factory=list)
    soon: list[ItemView] = field(default_factory=list)
    soon_label: str = "tomorrow"
    reviews: list[DeliverableView] = field(default_factory=list)
    waiting: list[tuple[ItemView, int]] = field(default_factory=list)
    orphaned: list[ItemView] = field(default_factory=list)
    completed: list[ItemView] = field(default_factory=list)
    stale_krs: list[StaleKr] = field(default_factory=list)

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


def _candidates(session: Session, now: datetime) -> set[tuple[str, str]]:
    """Everyone who might have something to hear about: owners, creators waiting, reviewers, outcome owners."""
    active = select(Workspace.team_id).where(col(Workspace.active).is_(True))
    open_items = (col(ActionItem.status) == "open") & col(ActionItem.team_id).in_(active)
    found: set[tuple[str, str]] = set()
    found.update(session.exec(select(ActionItem.team_id, ActionItem.owner).where(open_items).distinct()).all())
    found.update(
        session.exec(
            select(ActionItem.team_id, ActionItem.created_by)
            .where(
                col(ActionItem.team_id).in_(active),
                col(ActionItem.owner) != col(ActionItem.created_by),
                or_(
                    col(ActionItem.status) == "open",
                    col(ActionItem.completed_at) >= now - timedelta(days=4),
                ),
            )
            .distinct()
        ).all()
    )
    reviewer = func.coalesce(col(Deliverable.approver), col(Milestone.owner), col(Deliverable.created_by))
    found.update(
        session.exec(
            select(Deliverable.team_id, reviewer)
            .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
            .where(col(Deliverable.status) == "submitted", col(Deliverable.team_id).in_(active))
            .distinct()
        ).all()
    )
    owner = func.coalesce(col(Outcome.owner), col(Outcome.created_by))
    found.update(session.exec(select(Outcome.team_id, owner).where(col(Outcome.team_id).in_(active)).distinct()).all())
    return {(t, u) for t, u in found if t and u}


def due_recipients(session: Session, now: datetime, default_tz: ZoneInfo) -> list[Recipient]:
    """People whose local hour has come today, on one of their working days, not paused, and not yet served today."""
    candidates = _candidates(session, now)
    by_team: dict[str, list[str]] = defaultdict(list)
    for team, user in candidates:
        by_team[team].append(user)
    out: list[Recipient] = []
    execute = session.connection().execute
    local_by_zone: dict[ZoneInfo, datetime] = {}
    for team, users in by_team.items():
        wanted = set(users)
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
            )
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
            )
            if row[0] in wanted
        }
        due: list[Recipient] = []
        for user in users:
            person = people.get(user)
            if person is not None and (person.deleted or person.is_bot):
                continue
            p = settings.get(user) or PersonPrefs()
            tz = person.zone(default_tz) if person else default_tz
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
                )
            }
            out.extend(r for r in due if (r.user_id, r.slot) not in served)
    return out


# ---- composing every due DM at once: a fixed number of queries, however many people and items ----------------


def compose_all(session: Session, now: datetime, recipients: list[Recipient]) -> list[Morning]:
    """The content of every recipient's morning DM, in one pass of set-wide queries (no query per person)."""
    if not recipients:
        return []
    teams = sorted({r.team_id for r in recipients})
    wanted = {(r.team_id, r.user_id) for r in recipients}
    horizons = {(r.team_id, r.user_id): next_working_day(r.local_date, weekdays(r.prefs)) for r in recipients}
    latest_today = max(r.local_date for r in recipients)
    in_teams = col(ActionItem.team_id).in_(teams)
    open_item = in_teams & (col(ActionItem.status) == "open")
    order = (col(ActionItem.due_date), col(ActionItem.number))

    rows = session.connection().execute  # Core rows: these are plain columns, the ORM adds only overhead
    mine: dict[tuple[str, str], list[Any]] = {who: [] for who in wanted}
    for row in rows(
        items_select()
        .where(
            open_item,
            col(ActionItem.due_date) <= max(horizons.values()),
            or_(col(ActionItem.snoozed_until).is_(None), col(ActionItem.snoozed_until) <= latest_today),
        )
        .order_by(*order)
    ).all():
        bucket = mine.get((row[0], row[4]))
        if bucket is not None:
            bucket.append(row)

    # Items given to others: only overdue ones can be "waiting", any of a deactivated owner is "orphaned".
    given: dict[tuple[str, str], list[Any]] = {who: [] for who in wanted}
    for row in rows(
        items_select(col(Person.deleted))
        .join(
            Person,
            (col(Person.team_id) == col(ActionItem.team_id)) & (col(Person.user_id) == col(ActionItem.owner)),
            isouter=True,
        )
        .where(
            open_item,
            col(ActionItem.owner) != col(ActionItem.created_by),
            or_(col(ActionItem.due_date) < latest_today, col(Person.deleted).is_(True)),
        )
        .order_by(*order)
    ).all():
        bucket = given.get((row[0], row[5]))
        if bucket is not None:
            bucket.append(row)

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
    completed: dict[tuple[str, str], list[Any]] = {who: [] for who in wanted}
    for row in rows(
        items_select()
        .join(
            last,
            (last.c.team_id == col(ActionItem.team_id)) & (last.c.recipient == col(ActionItem.created_by)),
            isouter=True,
        )
        .where(
            in_teams,
            col(ActionItem.status) == "done",
            col(ActionItem.owner) != col(ActionItem.created_by),
            col(ActionItem.completed_at) > since,
        )
        .order_by(col(ActionItem.completed_at), col(ActionItem.number))
    ).all():
        bucket = completed.get((row[0], row[5]))
        if bucket is not None:
            bucket.append(row)

    reviews = reviews_by_reviewer(session, teams)
    stale = stale_krs_by_owner(session, now, teams) if any(r.local_date.weekday() == 0 for r in recipients) else {}
    out: list[Morning] = []
    for r in recipients:
        who = (r.team_id, r.user_id)
        days, today, horizon = weekdays(r.prefs), r.local_date, horizons[who]
        m = Morning(recipient=r, reviews=list(reviews.get(who, [])))
        m.soon_label = "tomorrow" if horizon == today + timedelta(days=1) else f"by {horizon:%a}"
        overdue, due_today, soon = m.overdue, m.today, m.soon
        for row in mine[who]:
            due, snoozed = row[7], row[10]
            if due > horizon or (snoozed is not None and snoozed > today):
                continue
            (overdue if due < today else due_today if due == today else soon).append(item_view(row))
        for row in given[who]:
            due, snoozed, owner_deleted = row[7], row[10], row[14]
            if owner_deleted:
                m.orphaned.append(item_view(row))
            elif due is not None and due < today and not_snoozed(snoozed, today):
                late = working_days_between(due, today, days)
                if late >= WAITING_WORKING_DAYS:
                    m.waiting.append((item_view(row), late))
        m.completed = [item_view((*row[:12], None, None)) for row in completed[who]]  # shown without deliverable
        if today.weekday() == 0:
            m.stale_krs = stale.get(who, [])
        out.append(m)
    return out
