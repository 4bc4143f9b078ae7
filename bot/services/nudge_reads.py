"""The set-wide reads behind the morning DMs: item rows as views, reviews by reviewer, stale key results by owner."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from bot.services.deliverables import DeliverableView
from bot.services.progress import ItemCounts
from storage.models import ActionItem, CheckIn, Deliverable, KeyResult, Milestone, Outcome

STALE_KR_DAYS = 7


@dataclass(frozen=True)
class StaleKr:
    """A key result nobody checked in on for a week."""

    key: str
    metric: str
    last: datetime | None


REVIEW_COLUMNS = (
    col(Deliverable.id),
    col(Deliverable.team_id),
    col(Deliverable.number),
    col(Deliverable.title),
    col(Deliverable.status),
    col(Deliverable.owner),
    col(Deliverable.approver),
    col(Deliverable.due_date),
    col(Deliverable.submitted_by),
    col(Deliverable.created_by),
    col(Deliverable.channel),
    col(Deliverable.acceptance_criteria),
    col(Deliverable.submitted_at),
    col(Deliverable.decided_by),
    col(Deliverable.decided_at),
    col(Deliverable.decision_note),
    col(Milestone.id),
    col(Milestone.number),
    col(Milestone.title),
    col(Milestone.due_date),
    col(Milestone.owner),
    col(Outcome.id),
    col(Outcome.number),
    col(Outcome.objective),
)


def _item_counts_of_submitted(session: Session, teams: list[str]) -> dict[int, ItemCounts]:
    """`progress.items_by_deliverable` (no `today`, no `since`) for every submitted deliverable of these teams."""
    status = col(ActionItem.status)
    return {
        d_id: ItemCounts(int(total), int(done), 0, 0)
        for d_id, total, done in session.connection().execute(
            sa_select(
                col(ActionItem.deliverable_id),
                func.count(col(ActionItem.id)),
                func.coalesce(func.sum(case((status == "done", 1), else_=0)), 0),
            )
            .join(Deliverable, col(Deliverable.id) == col(ActionItem.deliverable_id))
            .where(
                col(Deliverable.team_id).in_(teams),
                col(Deliverable.status) == "submitted",
                col(ActionItem.team_id) == col(Deliverable.team_id),
                status != "cancelled",
            )
            .group_by(col(ActionItem.deliverable_id))
        )
        if d_id is not None
    }


def reviews_by_reviewer(session: Session, teams: list[str]) -> dict[tuple[str, str], list[DeliverableView]]:
    """Submitted deliverables by who must review them (the rule of `deliverables.awaiting_review`).

    Plain columns rather than ORM objects; the reviewer and the view follow `plan_lookup.reviewer_of`, `named_on`
    and `deliverables.view_of` (tests/unit/test_nudge_reads.py holds them to it).
    """
    rows = (
        session.connection()
        .execute(
            sa_select(*REVIEW_COLUMNS)
            .join(Milestone, col(Deliverable.milestone_id) == col(Milestone.id), isouter=True)
            .join(Outcome, col(Deliverable.outcome_id) == col(Outcome.id), isouter=True)
            .where(col(Deliverable.team_id).in_(teams), col(Deliverable.status) == "submitted")
            .order_by(col(Deliverable.submitted_at), col(Deliverable.number))
        )
        .all()
    )
    counts = _item_counts_of_submitted(session, teams) if rows else {}
    out: dict[tuple[str, str], list[DeliverableView]] = defaultdict(list)
    for (
        d_id, team, number, title, status, owner, approver, due, submitted_by, created_by, channel, criteria,
        submitted_at, decided_by, decided_at, note,
        m_id, m_number, m_title, m_due, m_owner,
        o_id, o_number, o_objective,
    ) in rows:  # fmt: skip
        if approver:
            reviewer, role = approver, "the approver"
        elif m_id is not None and m_owner:
            reviewer, role = m_owner, f"the owner of M-{m_number}"
        else:
            reviewer, role = created_by, "who created it"
        coalesced = approver if approver is not None else m_owner if m_owner is not None else created_by
        if reviewer != coalesced:
            continue  # as the SQL rule of awaiting_review reads an empty approver
        if submitted_by == reviewer and {u for u in (owner, approver, created_by) if u} | {reviewer} != {reviewer}:
            continue  # nobody approves their own submission unless they are the only person named on it
        out[(team, reviewer)].append(
            DeliverableView(
                key=f"D-{number}",
                title=title,
                status=status,
                owner=owner,
                approver=approver,
                due_date=due,
                submitted_by=submitted_by,
                reviewer=reviewer,
                reviewer_role=role,
                created_by=created_by,
                channel=channel,
                milestone=None if m_id is None else f"M-{m_number}",
                milestone_title=None if m_id is None else m_title,
                milestone_due=None if m_id is None else m_due,
                outcome=None if o_id is None else f"O-{o_number}",
                outcome_title=None if o_id is None else o_objective,
                acceptance_criteria=criteria,
                submitted_at=submitted_at,
                decided_by=decided_by,
                decided_at=decided_at,
                decision_note=note,
                items=counts.get(d_id or 0) or ItemCounts(),
            )
        )
    return out


def stale_krs_by_owner(session: Session, now: datetime, teams: list[str]) -> dict[tuple[str, str], list[StaleKr]]:
    """Active key results of active outcomes with no check-in (or, never checked in, no creation) for a week."""
    owner = func.coalesce(col(Outcome.owner), col(Outcome.created_by))
    last = (
        sa_select(col(CheckIn.key_result_id), func.max(col(CheckIn.at)).label("last"))
        .where(col(CheckIn.team_id).in_(teams))
        .group_by(col(CheckIn.key_result_id))
        .subquery()
    )
    rows = (
        session.connection()
        .execute(
            sa_select(
                col(KeyResult.team_id),
                col(KeyResult.number),
                col(KeyResult.metric),
                col(KeyResult.created_at),
                col(Outcome.number),
                last.c.last,
                owner,
            )
            .join(Outcome, col(KeyResult.outcome_id) == col(Outcome.id))
            .join(last, last.c.key_result_id == col(KeyResult.id), isouter=True)
            .where(
                col(KeyResult.team_id).in_(teams),
                col(KeyResult.status) == "active",
                col(Outcome.status) == "active",
            )
            .order_by(col(Outcome.number), col(KeyResult.number))
        )
        .all()
    )
    cutoff = now - timedelta(days=STALE_KR_DAYS)
    out: dict[tuple[str, str], list[StaleKr]] = defaultdict(list)
    for team, number, metric, created_at, o, at, who in rows:
        if (at or created_at) <= cutoff:
            out[(team, who)].append(StaleKr(f"O-{o}.{number}", metric, at))
    return out
