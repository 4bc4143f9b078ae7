"""The before-due sweep's one read: every open, owned item with a due time in a range of days, with its owner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import literal_column
from sqlmodel import Session, col

from storage.models import ActionItem, Person, PersonSettings, Workspace
from storage.repositories.items import items_select

# Written as SQL literals, not parameters, so both planners see the partial index's own WHERE
# (ix_action_item_timed_due) and may use it whatever the plan is cached as.
_OPEN: Any = literal_column("'open'")


def timed_items(session: Session, first: date, last: date) -> Sequence[Any]:
    """Open items with an owner and a due time, due from `first` to `last`, in installed workspaces."""
    # With the item's columns: `changed_at` (its last change, else its creation), and its owner's `owner_tz`,
    # `owner_gone` (deactivated or a bot) and settings (`lead`, `paused_until`, `reminder_hour`, `working_days`;
    # None when never set).
    return session.execute(
        items_select(
            col(ActionItem.created_at).label("created_at"),
            col(ActionItem.updated_at).label("updated_at"),
            col(Person.tz).label("owner_tz"),
            (col(Person.deleted) | col(Person.is_bot)).label("owner_gone"),
            col(PersonSettings.remind_before_minutes).label("lead"),
            col(PersonSettings.paused_until).label("paused_until"),
            col(PersonSettings.reminder_hour).label("reminder_hour"),
            col(PersonSettings.working_days).label("working_days"),
        )
        .join(Workspace, (col(Workspace.team_id) == col(ActionItem.team_id)) & col(Workspace.active).is_(True))
        .join(
            Person,
            (col(Person.team_id) == col(ActionItem.team_id)) & (col(Person.user_id) == col(ActionItem.owner)),
            isouter=True,
        )
        .join(
            PersonSettings,
            (col(PersonSettings.team_id) == col(ActionItem.team_id))
            & (col(PersonSettings.user_id) == col(ActionItem.owner)),
            isouter=True,
        )
        .where(
            col(ActionItem.status) == _OPEN,
            col(ActionItem.due_time).is_not(None),
            col(ActionItem.due_date) >= first,
            col(ActionItem.due_date) <= last,
            col(ActionItem.owner).is_not(None),
        )
    ).all()
