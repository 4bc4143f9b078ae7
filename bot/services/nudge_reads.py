"""The set-wide reads behind the morning DMs: item rows as views, reviews by reviewer, stale key results by owner."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from bot.services import progress
from bot.services.action_items import ItemView
from bot.services.deliverables import DeliverableView
from bot.services.deliverables import view_of as deliverable_view
from bot.services.plan_lookup import named_on, reviewer_of
from storage.models import ActionItem, CheckIn, Deliverable, KeyResult, Milestone, Outcome

STALE_KR_DAYS = 7


@dataclass(frozen=True)
class StaleKr:
    """A key result nobody checked in on for a week."""

    key: str
    metric: str
    last: datetime | None


ITEM_COLUMNS = (
    col(ActionItem.team_id),
    col(ActionItem.number),
    col(ActionItem.title),
    col(ActionItem.status),
    col(ActionItem.owner),
    col(ActionItem.created_by),
    col(ActionItem.channel),
    col(ActionItem.due_date),
    col(ActionItem.due_time),
    col(ActionItem.due_tz),
    col(ActionItem.snoozed_until),
    col(ActionItem.private),
    col(Deliverable.number),
    col(Deliverable.title),
)


def item_view(row: Any) -> ItemView:
    """An ItemView from a row of ITEM_COLUMNS (what view_of builds from the ORM objects)."""
    _team, number, title, status, owner, created_by, channel, due, at, tz, snoozed, private, d_num, d_title = row[:14]
    return ItemView(
        f"A-{number}",
        title,
        status,
        owner,
        created_by,
        channel,
        due,
        at,
        tz,
        None if d_num is None else f"D-{d_num}",
        None if d_num is None else d_title,
        snoozed,
        private,
    )


def items_select(*extra: Any) -> Any:
    return sa_select(*ITEM_COLUMNS, *extra).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )


def not_snoozed(snoozed: date | None, today: date) -> bool:
    return snoozed is None or snoozed <= today


def reviews_by_reviewer(session: Session, teams: list[str]) -> dict[tuple[str, str], list[DeliverableView]]:
    """Submitted deliverables by who must review them (the rule of `deliverables.awaiting_review`)."""
    rows = session.exec(
        select(Deliverable, Milestone, Outcome)
        .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
        .join(Outcome, col(Deliverable.outcome_id) == col(Outcome.id), isouter=True)
        .where(col(Deliverable.team_id).in_(teams), col(Deliverable.status) == "submitted")
        .order_by(col(Deliverable.submitted_at), col(Deliverable.number))
    ).all()
    by_team: dict[str, list[int]] = defaultdict(list)
    for d, _m, _o in rows:
        if d.id is not None:
            by_team[d.team_id].append(d.id)
    counts: dict[int, progress.ItemCounts] = {}
    for team, ids in by_team.items():
        counts.update(progress.items_by_deliverable(session, team, ids))
    out: dict[tuple[str, str], list[DeliverableView]] = defaultdict(list)
    for d, m, o in rows:
        reviewer = reviewer_of(d, m)[0]
        coalesced = d.approver if d.approver is not None else m.owner if m and m.owner is not None else d.created_by
        if reviewer != coalesced:
            continue  # as the SQL rule of awaiting_review reads an empty approver
        if d.submitted_by == reviewer and named_on(d) | {reviewer} != {reviewer}:
            continue  # nobody approves their own submission unless they are the only person named on it
        out[(d.team_id, reviewer)].append(deliverable_view(d, m, o, counts.get(d.id or 0)))
    return out


def stale_krs_by_owner(session: Session, now: datetime, teams: list[str]) -> dict[tuple[str, str], list[StaleKr]]:
    owner = func.coalesce(col(Outcome.owner), col(Outcome.created_by))
    last = (
        select(CheckIn.key_result_id, func.max(CheckIn.at).label("last"))
        .where(col(CheckIn.team_id).in_(teams))
        .group_by(col(CheckIn.key_result_id))
        .subquery()
    )
    rows = session.exec(
        select(KeyResult, Outcome.number, last.c.last, owner)
        .join(Outcome, col(KeyResult.outcome_id) == col(Outcome.id))
        .join(last, last.c.key_result_id == col(KeyResult.id), isouter=True)
        .where(
            col(KeyResult.team_id).in_(teams),
            col(KeyResult.status) == "active",
            col(Outcome.status) == "active",
        )
        .order_by(col(Outcome.number), col(KeyResult.number))
    ).all()
    cutoff = now - timedelta(days=STALE_KR_DAYS)
    out: dict[tuple[str, str], list[StaleKr]] = defaultdict(list)
    for kr, o, at, who in rows:
        if (at or kr.created_at) <= cutoff:
            out[(kr.team_id, who)].append(StaleKr(f"O-{o}.{kr.number}", kr.metric, at))
    return out
