"""Outcomes: objectives with key results (O-n.k), check-ins kept as history, and the deliverables serving them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from bot.clock import Clock
from bot.errors import BadInput
from bot.services import progress
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.deliverables import DeliverableView, view_of
from bot.services.plan_lookup import deliverable_visible, find_key_result, find_outcome, read_key, require_manager
from storage.models import CheckIn, KeyResult, Outcome
from storage.repositories import deliverables
from storage.repositories import outcomes as outcome_rows
from storage.repositories.keys import next_number

MAX_TEXT = 500
MAX_NOTE = 2000
MAX_UNIT = 32
LIST_LIMIT = 20
DELIVERABLES_SHOWN = 20
STALE_DAYS = 7


@dataclass(frozen=True)
class KeyResultView:
    """A key result with its progress and last check-in."""

    key: str
    metric: str
    baseline: float
    target: float
    current: float
    unit: str | None
    percent: float
    checkins: int = 0
    last_at: datetime | None = None
    last_by: str | None = None
    last_note: str | None = None


@dataclass(frozen=True)
class OutcomeView:
    """An outcome and its key results."""

    key: str
    objective: str
    owner: str | None
    created_by: str
    key_results: tuple[KeyResultView, ...] = ()

    @property
    def percent(self) -> float | None:
        """The mean of its key results' progress, each held within 0–100 %."""
        if not self.key_results:
            return None
        return sum(min(100.0, max(0.0, k.percent)) for k in self.key_results) / len(self.key_results)


@dataclass(frozen=True)
class OutcomeStatus:
    """Everything `/outcome status` shows."""

    view: OutcomeView
    deliverables: list[DeliverableView]
    deliverables_total: int
    hidden: int


@dataclass(frozen=True)
class CheckInResult:
    """A recorded value and what it was before."""

    outcome: OutcomeView
    key_result: KeyResultView
    previous: float


def _kr_view(o: Outcome, k: KeyResult, stats: tuple[int, CheckIn | None] = (0, None)) -> KeyResultView:
    count, last = stats
    return KeyResultView(
        key=f"O-{o.number}.{k.number}",
        metric=k.metric,
        baseline=k.baseline,
        target=k.target,
        current=k.current,
        unit=k.unit,
        percent=progress.kr_percent(k.baseline, k.target, k.current),
        checkins=count,
        last_at=last.at if last else None,
        last_by=last.by if last else None,
        last_note=last.note if last else None,
    )


def _checkin_stats(session: Session, kr_ids: list[int]) -> dict[int, tuple[int, CheckIn | None]]:
    """Check-in count and the latest check-in per key result, in two queries."""
    if not kr_ids:
        return {}
    counts = outcome_rows.checkin_counts(session, kr_ids)
    latest = outcome_rows.latest_checkins(session, kr_ids)
    return {i: (counts.get(i, 0), latest.get(i)) for i in kr_ids}


def _outcome_views(session: Session, outcomes: list[Outcome]) -> list[OutcomeView]:
    ids = [o.id for o in outcomes if o.id is not None]
    krs = outcome_rows.key_results(session, ids) if ids else []
    stats = _checkin_stats(session, [k.id for k in krs if k.id is not None])
    views = []
    for o in outcomes:
        mine = tuple(_kr_view(o, k, stats.get(k.id or 0, (0, None))) for k in krs if k.outcome_id == o.id)
        views.append(OutcomeView(f"O-{o.number}", o.objective, o.owner, o.created_by, mine))
    return views


def _text(text: str, what: str, example: str) -> str:
    text = text.strip()
    if not text:
        raise BadInput(f"What is the {what}? Try `{example}`.")
    if len(text) > MAX_TEXT:
        raise BadInput(f"That {what} is {len(text)} characters; keep it under {MAX_TEXT}.")
    return text


def add(session: Session, clock: Clock, actor: Actor, *, objective: str, owner: str | None = None) -> OutcomeView:
    """Create an outcome, owned by `owner` (the author by default)."""
    objective = _text(objective, "objective", "/outcome add Visitors find pricing without help")
    ensure_workspace(session, clock, actor.team_id)
    o = Outcome(
        team_id=actor.team_id,
        number=next_number(session, actor.team_id, "O"),
        objective=objective,
        channel=actor.channel,
        owner=owner or actor.user_id,
        created_by=actor.user_id,
        created_at=clock.now(),
    )
    session.add(o)
    session.flush()
    audit(session, clock, actor, f"O-{o.number}", "created", after={"objective": objective, "owner": o.owner})
    return OutcomeView(f"O-{o.number}", o.objective, o.owner, o.created_by)


def add_key_result(
    session: Session,
    clock: Clock,
    actor: Actor,
    key: str,
    *,
    metric: str,
    baseline: float,
    target: float,
    unit: str | None = None,
) -> tuple[OutcomeView, KeyResultView]:
    """Add key result O-n.k (numbered per outcome, never reused), starting at its baseline."""
    o = find_outcome(session, actor, key)
    k = f"O-{o.number}"
    require_manager(actor, o.owner, o.created_by, doing="add key results to", key=k)
    metric = _text(metric, "metric", f"/outcome kr {k} Pricing page conversion from 2 to 3.5 %")
    unit = (unit or "").strip() or None
    if unit and len(unit) > MAX_UNIT:
        raise BadInput(f"That unit is {len(unit)} characters; keep it under {MAX_UNIT}.")
    number = outcome_rows.next_kr_number(session, o.id)
    assert o.id is not None
    kr = KeyResult(
        team_id=actor.team_id,
        outcome_id=o.id,
        number=number,
        metric=metric,
        baseline=baseline,
        target=target,
        current=baseline,
        unit=unit,
        created_by=actor.user_id,
        created_at=clock.now(),
    )
    session.add(kr)
    session.flush()
    session.refresh(o)
    audit(
        session,
        clock,
        actor,
        f"{k}.{kr.number}",
        "created",
        after={"metric": metric, "baseline": baseline, "target": target, "unit": unit},
    )
    [view] = _outcome_views(session, [o])
    return view, next(x for x in view.key_results if x.key == f"{k}.{kr.number}")


def check_in(
    session: Session, clock: Clock, actor: Actor, key: str, value: float, note: str | None = None
) -> CheckInResult:
    """Record a key result's current value; a bare O-n works when the outcome has exactly one key result."""
    parsed = read_key(key, "O", allow_sub=True)
    o = find_outcome(session, actor, key)
    k = f"O-{o.number}"
    require_manager(actor, o.owner, o.created_by, doing="check in on", key=k)
    if parsed.sub is not None:
        kr = find_key_result(session, o, parsed.sub)
    else:
        krs = outcome_rows.key_results(session, [o.id])
        if not krs:
            raise BadInput(
                f"{k} has no key results yet. Add one, like `/outcome kr {k} Pricing page conversion from 2 to 3.5 %`."
            )
        if len(krs) > 1:
            listed = ", ".join(f"{k}.{x.number} {x.metric}" for x in krs[:5]) + (" …" if len(krs) > 5 else "")
            raise BadInput(
                f"{k} has {len(krs)} key results ({listed}); say which: `/outcome checkin {k}.{krs[0].number} 2.6`."
            )
        kr = krs[0]
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise BadInput(f"That note is {len(note)} characters; keep it under {MAX_NOTE}.")
    assert kr.id is not None
    previous = kr.current
    kr.current = value
    session.add(kr)
    session.add(
        CheckIn(team_id=actor.team_id, key_result_id=kr.id, value=value, note=note, by=actor.user_id, at=clock.now())
    )
    audit(
        session,
        clock,
        actor,
        f"{k}.{kr.number}",
        "checked in",
        before={"current": previous},
        after={"current": value, "note": note},
    )
    session.flush()
    [view] = _outcome_views(session, [o])
    return CheckInResult(view, next(x for x in view.key_results if x.key == f"{k}.{kr.number}"), previous)


def status(session: Session, clock: Clock, actor: Actor, key: str) -> OutcomeStatus:
    """An outcome's key results with progress and the deliverables that serve it."""
    o = find_outcome(session, actor, key)
    [view] = _outcome_views(session, [o])
    rows = deliverables.of_outcome(session, o.id)
    counts = progress.items_by_deliverable(session, actor.team_id, [d.id for d, _ in rows if d.id is not None])
    shown = [view_of(d, m, o, counts.get(d.id or 0)) for d, m in rows if deliverable_visible(d, m, actor)]
    return OutcomeStatus(view, shown[:DELIVERABLES_SHOWN], len(rows), len(rows) - len(shown))


def list_outcomes(session: Session, clock: Clock, actor: Actor) -> tuple[list[OutcomeView], int]:
    """Active outcomes with their key results (a page, and how many in all)."""
    rows, total = outcome_rows.active_page(session, actor.team_id, limit=LIST_LIMIT)
    return _outcome_views(session, rows), total
