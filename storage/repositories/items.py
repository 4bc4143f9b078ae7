"""Action item rows as the views need them: the item's columns and its deliverable's key and title, by name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import col

from storage.models import ActionItem, Deliverable

ITEM_COLUMNS: tuple[Any, ...] = (
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
    col(Deliverable.number).label("deliverable_number"),
    col(Deliverable.title).label("deliverable_title"),
)


def items_select(*extra: Any) -> Any:
    """SELECT the item columns (and `extra`) from action_item with its deliverable, if any."""
    return select(*ITEM_COLUMNS, *extra).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )
