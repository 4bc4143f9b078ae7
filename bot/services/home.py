"""What the App Home tab shows a person: their open items by when, what they wait on, what awaits them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session

from bot.clock import Clock
from bot.services.action_items import ItemView, view_of
from bot.services.common import Actor
from bot.services.milestones import MilestoneSummary, owned_upcoming
from storage.repositories import items

GROUPS = ("Overdue", "Today", "This week", "Later", "No date")


@dataclass
class HomeData:
    """Items grouped for the Home tab."""

    groups: dict[str, list[ItemView]] = field(default_factory=lambda: {g: [] for g in GROUPS})
    waiting_on: list[ItemView] = field(default_factory=list)
    milestones: list[MilestoneSummary] = field(default_factory=list)  # upcoming ones I own, with forecasts


def home_data(session: Session, clock: Clock, actor: Actor) -> HomeData:
    """Open items I own (grouped by due date), open items I gave to others, my milestones: five queries."""
    today = actor.today(clock)
    data = HomeData()
    for item, deliverable in items.open_for_home(session, actor.team_id, actor.user_id, given=False):
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
    given = items.open_for_home(session, actor.team_id, actor.user_id, given=True, limit=200)
    data.waiting_on = [view_of(i, d) for i, d in given]
    data.milestones = owned_upcoming(session, clock, actor)
    return data
