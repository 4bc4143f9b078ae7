"""Morning DMs (CONTRACTS §6): who is due one now, and what it says. The database decides; no job per item."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.services.action_items import ItemView, view_of
from bot.services.people import PersonInfo, cached
from bot.services.settings import PersonPrefs
from storage.models import (
    ActionItem,
    CheckIn,
    Deliverable,
    KeyResult,
    Milestone,
    OutboundClaim,
    Outcome,
    PersonSettings,
    Workspace,
)

KIND = "morning-dm"
STALE_KR_DAYS = 7
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


@dataclass(frozen=True)
class StaleKr:
    """A key result nobody checked in on for a week."""

    key: str
    metric: str
    last: datetime | None


@dataclass
class Morning:
    """What one morning DM says."""

    recipient: Recipient
    overdue: list[ItemView] = field(default_factory=list)
    today: list[ItemView] = field(default_factory=list)
    soon: list[ItemView] = field(default_factory=list)
    soon_label: str = "tomorrow"
    reviews: list[object] = field(default_factory=list)
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


def working_days_between(start: date, end: date, days: frozenset[int]) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        count += d.weekday() in days
    return count


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
    for team, users in by_team.items():
        people = cached(session, team, users)
        settings = {
            s.user_id: s
            for s in session.exec(
                select(PersonSettings).where(
                    col(PersonSettings.team_id) == team, col(PersonSettings.user_id).in_(users)
                )
            ).all()
        }
        due: list[Recipient] = []
        for user in users:
            person = people.get(user)
            if person is not None and (person.deleted or person.is_bot):
                continue
            s = settings.get(user)
            p = (
                PersonPrefs(s.reminder_hour, s.working_days, s.paused_until, s.reminders_enabled, s.notify_done_now)
                if s
                else PersonPrefs()
            )
            tz = person.zone(default_tz) if person else default_tz
            local = now.astimezone(tz)
            today = local.date()
            if not p.reminders_enabled or local.hour < p.reminder_hour or today.weekday() not in p.weekdays:
                continue
            if p.paused_until is not None and today < p.paused_until:
                continue
            due.append(Recipient(team, user, tz, today, p, person))
        if due:
            slots = {r.slot for r in due}
            served = set(
                session.exec(
                    select(OutboundClaim.recipient, OutboundClaim.slot).where(
                        col(OutboundClaim.team_id) == team,
                        col(OutboundClaim.kind) == KIND,
                        col(OutboundClaim.slot).in_(slots),
                        col(OutboundClaim.recipient).in_([r.user_id for r in due]),
                        or_(
                            col(OutboundClaim.state).in_(["sent", "skipped"]),
                            col(OutboundClaim.claimed_at) >= now - timedelta(minutes=5),
                        ),
                    )
                ).all()
            )
            out.extend(r for r in due if (r.user_id, r.slot) not in served)
    return out


def _last_sent(session: Session, r: Recipient) -> datetime | None:
    return session.exec(
        select(func.max(OutboundClaim.sent_at)).where(
            col(OutboundClaim.team_id) == r.team_id,
            col(OutboundClaim.recipient) == r.user_id,
            col(OutboundClaim.kind) == KIND,
            col(OutboundClaim.state) == "sent",
        )
    ).one()


def compose(session: Session, now: datetime, r: Recipient, reviews: list[object]) -> Morning:
    """The content of one person's morning DM."""
    days = r.prefs.weekdays
    today = r.local_date
    horizon = next_working_day(today, days)
    m = Morning(recipient=r, reviews=reviews)
    m.soon_label = "tomorrow" if horizon == today + timedelta(days=1) else f"by {horizon:%a}"
    not_snoozed = or_(col(ActionItem.snoozed_until).is_(None), col(ActionItem.snoozed_until) <= today)
    base = (
        select(ActionItem, Deliverable)
        .join(Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True)
        .where(col(ActionItem.team_id) == r.team_id, col(ActionItem.status) == "open")
        .order_by(col(ActionItem.due_date), col(ActionItem.number))
    )
    mine = session.exec(
        base.where(col(ActionItem.owner) == r.user_id, not_snoozed, col(ActionItem.due_date) <= horizon)
    ).all()
    for item, d in mine:
        assert item.due_date is not None
        bucket = m.overdue if item.due_date < today else m.today if item.due_date == today else m.soon
        bucket.append(view_of(item, d))
    given = session.exec(base.where(col(ActionItem.created_by) == r.user_id, col(ActionItem.owner) != r.user_id)).all()
    owners = cached(session, r.team_id, {i.owner for i, _ in given})
    for item, d in given:
        owner = owners.get(item.owner)
        if owner is not None and owner.deleted:
            m.orphaned.append(view_of(item, d))
        elif (
            item.due_date is not None
            and item.due_date < today
            and (not item.snoozed_until or item.snoozed_until <= today)
        ):
            late = working_days_between(item.due_date, today, days)
            if late >= WAITING_WORKING_DAYS:
                m.waiting.append((view_of(item, d), late))
    since = _last_sent(session, r) or now - timedelta(days=1)
    done = session.exec(
        select(ActionItem)
        .where(
            col(ActionItem.team_id) == r.team_id,
            col(ActionItem.created_by) == r.user_id,
            col(ActionItem.owner) != r.user_id,
            col(ActionItem.status) == "done",
            col(ActionItem.completed_at) > since,
        )
        .order_by(col(ActionItem.completed_at))
    ).all()
    m.completed = [view_of(i) for i in done]
    if today.weekday() == 0:
        m.stale_krs = _stale_krs(session, now, r)
    return m


def _stale_krs(session: Session, now: datetime, r: Recipient) -> list[StaleKr]:
    owner = func.coalesce(col(Outcome.owner), col(Outcome.created_by))
    last = (
        select(CheckIn.key_result_id, func.max(CheckIn.at).label("last"))
        .where(col(CheckIn.team_id) == r.team_id)
        .group_by(col(CheckIn.key_result_id))
        .subquery()
    )
    rows = session.exec(
        select(KeyResult, Outcome.number, last.c.last)
        .join(Outcome, col(KeyResult.outcome_id) == col(Outcome.id))
        .join(last, last.c.key_result_id == col(KeyResult.id), isouter=True)
        .where(
            col(KeyResult.team_id) == r.team_id,
            owner == r.user_id,
            col(KeyResult.status) == "active",
            col(Outcome.status) == "active",
        )
        .order_by(col(Outcome.number), col(KeyResult.number))
    ).all()
    cutoff = now - timedelta(days=STALE_KR_DAYS)
    return [StaleKr(f"O-{o}.{kr.number}", kr.metric, at) for kr, o, at in rows if (at or kr.created_at) <= cutoff]
