"""What the App Home tab shows a person: their open items by when, what they wait on, what awaits them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, col, select

from bot.clock import Clock
from bot.services.action_items import ItemView, view_of
from bot.services.common import Actor
from storage.models import ActionItem, Deliverable

GROUPS = ("Overdue", "Today", "This week", "Later", "No date")


@dataclass
class HomeData:
    """Items grouped for the Home tab."""

    groups: dict[str, list[ItemView]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    waiting_on: list[ItemView] = field(default_factory=list)


def home_data(session: Session, clock: Clock, actor: Actor) -> HomeData:
    """Open items I own (grouped by due date) and open items I gave to others, in two queries."""
    today = actor.today(clock)
    base = (
        select(ActionItem, Deliverable)
        .join(Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True)
        .where(col(ActionItem.team_id) == actor.team_id, col(ActionItem.status) == "open")
        .order_by(col(ActionItem.due_date).is_(None), col(ActionItem.due_date), col(ActionItem.number))
    )
    data = HomeData()
    for item, deliverable in session.exec(base.where(col(ActionItem.owner) == actor.user_id)).all():
        view = view_of(item, deliverable)
        due = item.due_date
        if due is None:
            group = "No date"
        elif due < today:
            group = "Overdue"
        elif due == today:
            group = "Today"
        elif due <= today + timedelta(days=7):
            group = "This week"
        else:
            group = "Later"
        data.groups[group].append(view)
    mine_for_others = base.where(col(ActionItem.created_by) == actor.user_id, col(ActionItem.owner) != actor.user_id)
    data.waiting_on = [view_of(i, d) for i, d in session.exec(mine_for_others.limit(200)).all()]
    return data
