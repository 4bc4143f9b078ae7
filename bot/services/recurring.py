"""Recurring items: completing or skipping an occurrence creates the next one, once."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.capture.recurrence import next_occurrence
from bot.clock import Clock
from bot.services.common import Actor, audit
from storage.models import ActionItem
from storage.repositories import items
from storage.repositories.keys import reserve_numbers

if TYPE_CHECKING:
    from bot.services.action_items import ItemView


def follow(session: Session, clock: Clock, actor: Actor, item: ActionItem, view: ItemView) -> ItemView:
    """After an occurrence is done or skipped: the next one, created in this transaction (named on the view)."""
    # The rule's first date after the occurrence's due date and not before the owner's today. Two completions at once
    # make one: an existing occurrence on that date is reused, and the unique (team, series, due date) index stops a
    # concurrent insert, which then leaves the other's in place.
    if not item.recurrence or item.due_date is None:
        return view
    zone = ZoneInfo(item.due_tz) if item.due_tz else actor.tz
    day = next_occurrence(item.recurrence, after=item.due_date, today=clock.now().astimezone(zone).date())
    series = item.series or item.number
    if day is None:
        return view  # the rule has ended: so has the series
    existing = items.occurrence_on(session, item.team_id, series, day)
    if existing is not None:
        return replace(view, next_key=f"A-{existing}", next_due=day)
    [number] = reserve_numbers(session, item.team_id, "A", 1)
    nxt = ActionItem(
        team_id=item.team_id,
        number=number,
        title=item.title,
        owner=item.owner,
        created_by=item.created_by,
        channel=item.channel,
        private=item.private,
        due_date=day,
        due_time=item.due_time,
        due_tz=item.due_tz,
        deliverable_id=item.deliverable_id,
        by_app=item.by_app,
        recurrence=item.recurrence,
        series=series,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(nxt)
            session.flush()
    except IntegrityError:
        return view
    after = {"title": nxt.title, "owner": nxt.owner, "due_date": day, "series": f"A-{series}"}
    audit(session, clock, actor, f"A-{number}", "created", after=after)
    return replace(view, next_key=f"A-{number}", next_due=day)
