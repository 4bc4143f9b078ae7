"""The set-wide reads behind the morning DMs: item rows as views, reviews by reviewer, stale key results by owner."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.services.deliverables import DeliverableView
from bot.services.progress import ItemCounts
from storage.repositories import deliverables, outcomes, progress

STALE_KR_DAYS = 7


@dataclass(frozen=True)
class StaleKr:
    """A key result nobody checked in on for a week."""

    key: str
    metric: str
    last: datetime | None


def _item_counts_of_submitted(session: Session, teams: list[str]) -> dict[int, ItemCounts]:
    """`progress.items_by_deliverable` (no `today`, no `since`) for every submitted deliverable of these teams."""
    rows = progress.items_of_submitted(session, teams)
    return {r.id: ItemCounts(int(r.total), int(r.done), 0, 0) for r in rows if r.id is not None}


def reviews_by_reviewer(session: Session, teams: list[str]) -> dict[tuple[str, str], list[DeliverableView]]:
    """Submitted deliverables by who must review them (the rule of `deliverables.awaiting_review`)."""
    # Plain columns rather than ORM objects; the reviewer and the view follow `plan_lookup.reviewer_of`, `named_on`
    # and `deliverables.view_of` (tests/unit/test_nudge_reads.py holds them to it).
    rows = deliverables.submitted_with_plan(session, teams)
    counts = _item_counts_of_submitted(session, teams) if rows else {}
    out: dict[tuple[str, str], list[DeliverableView]] = defaultdict(list)
    for r in rows:
        if r.approver:
            reviewer, role = r.approver, "the approver"
        elif r.m_id is not None and r.m_owner:
            reviewer, role = r.m_owner, f"the owner of M-{r.m_number}"
        else:
            reviewer, role = r.created_by, "who created it"
        coalesced = r.approver if r.approver is not None else r.m_owner if r.m_owner is not None else r.created_by
        if reviewer != coalesced:
            continue  # as the SQL rule of awaiting_review reads an empty approver
        named = {u for u in (r.owner, r.approver, r.created_by) if u}
        if r.submitted_by == reviewer and named | {reviewer} != {reviewer}:
            continue  # nobody approves their own submission unless they are the only person named on it
        has_m, has_o = r.m_id is not None, r.o_id is not None
        out[(r.team_id, reviewer)].append(
            DeliverableView(
                key=f"D-{r.number}",
                title=r.title,
                status=r.status,
                owner=r.owner,
                approver=r.approver,
                due_date=r.due_date,
                submitted_by=r.submitted_by,
                reviewer=reviewer,
                reviewer_role=role,
                created_by=r.created_by,
                channel=r.channel,
                milestone=f"M-{r.m_number}" if has_m else None,
                milestone_title=r.m_title if has_m else None,
                milestone_due=r.m_due if has_m else None,
                outcome=f"O-{r.o_number}" if has_o else None,
                outcome_title=r.o_objective if has_o else None,
                acceptance_criteria=r.acceptance_criteria,
                submitted_at=r.submitted_at,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                decision_note=r.decision_note,
                items=counts.get(r.id or 0) or ItemCounts(),
            )
        )
    return out


def stale_krs_by_owner(session: Session, now: datetime, teams: list[str]) -> dict[tuple[str, str], list[StaleKr]]:
    """Active key results of active outcomes with no check-in (or, never checked in, no creation) for a week."""
    rows = outcomes.active_key_results(session, teams)
    cutoff = now - timedelta(days=STALE_KR_DAYS)
    out: dict[tuple[str, str], list[StaleKr]] = defaultdict(list)
    for r in rows:
        if (r.last or r.created_at) <= cutoff:
            out[(r.team_id, r.owner)].append(StaleKr(f"O-{r.outcome_number}.{r.number}", r.metric, r.last))
    return out
