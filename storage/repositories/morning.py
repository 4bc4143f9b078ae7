"""The morning sweep's set-wide reads: a fixed number of statements, however many people and items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, or_, select, union_all
from sqlmodel import Session, col

from storage.models import ActionItem, Deliverable, Milestone, OutboundClaim, Outcome, Person, PersonSettings, Workspace
from storage.repositories.items import items_select
from storage.repositories.outbox import OutboxState
from storage.types import UtcDateTime


def active_teams(session: Session) -> list[str]:
    """The workspaces the app is installed in (and not uninstalled from)."""
    return list(session.execute(select(col(Workspace.team_id)).where(col(Workspace.active).is_(True))).scalars())


def candidates(session: Session, now: datetime, teams: list[str]) -> set[tuple[str, str]]:
    """(team, user) of everyone who might have something to hear in a morning DM."""
    # Owners, creators waiting, reviewers, outcome owners. An item nobody owns yet has nobody to remind; an app that
    # posted notes is no recipient (`by_app`: its bot user created the items).
    reviewer = func.coalesce(col(Deliverable.approver), col(Milestone.owner), col(Deliverable.created_by))
    every: Any = union_all(
        select(col(ActionItem.team_id), col(ActionItem.owner))
        .where(col(ActionItem.status) == "open", col(ActionItem.team_id).in_(teams))
        .distinct(),
        select(col(ActionItem.team_id), col(ActionItem.created_by))
        .where(
            col(ActionItem.team_id).in_(teams),
            col(ActionItem.owner) != col(ActionItem.created_by),  # an unassigned item's NULL owner never matches
            col(ActionItem.by_app).is_(False),
            or_(col(ActionItem.status) == "open", col(ActionItem.completed_at) >= now - timedelta(days=4)),
        )
        .distinct(),
        select(col(Deliverable.team_id), reviewer)
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
        .where(col(Deliverable.status) == "submitted", col(Deliverable.team_id).in_(teams))
        .distinct(),
        select(col(Outcome.team_id), func.coalesce(col(Outcome.owner), col(Outcome.created_by)))
        .where(col(Outcome.team_id).in_(teams))
        .distinct(),
    )
    return {(team, user) for team, user in session.execute(every).all() if team and user}


def people(session: Session, team_id: str) -> Sequence[Any]:
    """Every cached person of a workspace (user_id, name, real_name, tz, is_bot, is_admin, deleted)."""
    return session.execute(
        select(
            col(Person.user_id),
            col(Person.name),
            col(Person.real_name),
            col(Person.tz),
            col(Person.is_bot),
            col(Person.is_admin),
            col(Person.deleted),
        ).where(col(Person.team_id) == team_id)
    ).all()


def settings(session: Session, team_id: str) -> Sequence[Any]:
    """Every stored reminder setting of a workspace (user_id, then the `PersonPrefs` fields in order)."""
    return session.execute(
        select(
            col(PersonSettings.user_id),
            col(PersonSettings.reminder_hour),
            col(PersonSettings.working_days),
            col(PersonSettings.paused_until),
            col(PersonSettings.cadence),
            col(PersonSettings.notify_done_now),
            col(PersonSettings.skip_holidays),
            col(PersonSettings.holiday_country),
            col(PersonSettings.remind_before_minutes),
        ).where(col(PersonSettings.team_id) == team_id)
    ).all()


def served(session: Session, team_id: str, kind: str, slots: set[str]) -> set[tuple[str, str]]:
    """(recipient, slot) of the messages of `kind` already queued, sent or skipped for these slots."""
    rows = session.execute(
        select(col(OutboundClaim.recipient), col(OutboundClaim.slot)).where(
            col(OutboundClaim.team_id) == team_id, col(OutboundClaim.kind) == kind, col(OutboundClaim.slot).in_(slots)
        )
    )
    return {(recipient, slot) for recipient, slot in rows}


def open_items(session: Session, teams: list[str], horizon: date, today: date) -> Sequence[Any]:
    """Open items that may show in a morning DM, by due date then number, with `owner_deleted`."""
    # An owner's own (due by `horizon`, not snoozed past `today`) and items given to someone else that are overdue or
    # orphaned — never an unassigned one (nobody to remind), nor given by an app (its bot user hears nothing).
    owner_deleted: Any = col(Person.deleted).label("owner_deleted")
    return session.execute(
        items_select(owner_deleted)
        .join(
            Person,
            (col(Person.team_id) == col(ActionItem.team_id)) & (col(Person.user_id) == col(ActionItem.owner)),
            isouter=True,
        )
        .where(
            col(ActionItem.team_id).in_(teams),
            col(ActionItem.status) == "open",
            col(ActionItem.owner).is_not(None),
            or_(
                (col(ActionItem.due_date) <= horizon)
                & or_(col(ActionItem.snoozed_until).is_(None), col(ActionItem.snoozed_until) <= today),
                (col(ActionItem.owner) != col(ActionItem.created_by))
                & col(ActionItem.by_app).is_(False)
                & or_(col(ActionItem.due_date) < today, col(Person.deleted).is_(True)),
            ),
        )
        .order_by(col(ActionItem.due_date), col(ActionItem.number))
    ).all()


def done_by_others(session: Session, now: datetime, teams: list[str], kind: str) -> Sequence[Any]:
    """Items finished by someone else since their creator's last message of `kind` (else a day)."""
    # Oldest first; deliverable columns are left empty (the DM does not show them). Not an app's items: its bot user
    # hears nothing.
    last = (
        select(
            col(OutboundClaim.team_id).label("team_id"),
            col(OutboundClaim.recipient).label("recipient"),
            func.max(col(OutboundClaim.sent_at)).label("last"),
        )
        .where(
            col(OutboundClaim.team_id).in_(teams),
            col(OutboundClaim.kind) == kind,
            col(OutboundClaim.state) == OutboxState.SENT.value,
        )
        .group_by(col(OutboundClaim.team_id), col(OutboundClaim.recipient))
        .subquery()
    )
    since = func.coalesce(last.c.last, literal(now - timedelta(days=1), UtcDateTime()))
    return session.execute(
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
            col(ActionItem.by_app).is_(False),
            col(ActionItem.completed_at) > since,
        )
        .order_by(col(ActionItem.completed_at), col(ActionItem.number))
    ).all()
