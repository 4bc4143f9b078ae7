"""Action items: add, list, complete (and the views that blocks render)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from bot.capture.dates import ParsedDate
from bot.capture.keys import Key, parse_key
from bot.capture.recurrence import Rule
from bot.capture.text import quote
from bot.clock import Clock
from bot.errors import BadInput, DomainError, NotFound, PermissionDenied
from bot.services import recurring
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.people import PersonInfo
from storage.models import ActionItem, Deliverable
from storage.repositories import deliverables, items
from storage.repositories.keys import reserve_numbers

MAX_TITLE = 500
LIST_LIMIT = 15  # two blocks an item keeps a page well under Slack's 50


@dataclass(frozen=True)
class ItemView:
    """An action item as people see it."""

    key: str
    title: str
    status: str
    owner: str | None  # None: unassigned (captured from notes, nobody to own it yet)
    created_by: str
    channel: str | None
    due_date: date | None
    due_time: time | None
    due_tz: str | None
    deliverable: str | None
    deliverable_title: str | None
    snoozed_until: date | None
    private: bool
    by_app: bool = False  # captured from an app's message: anyone who can see it may change it
    recurrence: str | None = None  # an RFC 5545 rule: this item is one occurrence of a series
    series: str | None = None  # the key of the series' first occurrence
    next_key: str | None = None  # after completing or skipping an occurrence: the next one, and its due date
    next_due: date | None = None

    @classmethod
    def from_row(cls, r: Any) -> ItemView:
        """From a row of `storage.repositories.items.ITEM_COLUMNS` (or an ActionItem without its deliverable)."""
        d_number = getattr(r, "deliverable_number", None)
        return cls(
            key=f"A-{r.number}",
            title=r.title,
            status=r.status,
            owner=r.owner,
            created_by=r.created_by,
            channel=r.channel,
            due_date=r.due_date,
            due_time=r.due_time,
            due_tz=r.due_tz,
            deliverable=f"D-{d_number}" if d_number is not None else None,
            deliverable_title=getattr(r, "deliverable_title", None) if d_number is not None else None,
            snoozed_until=r.snoozed_until,
            private=bool(r.private),
            by_app=bool(getattr(r, "by_app", False)),
            recurrence=getattr(r, "recurrence", None),
            series=f"A-{r.series}" if getattr(r, "series", None) is not None else None,
        )


@dataclass(frozen=True)
class ItemList:
    """One page of items and how many matched in all."""

    items: list[ItemView]
    total: int
    scope: str


def view_of(item: ActionItem, deliverable: Deliverable | None = None) -> ItemView:
    """The view of one stored item (and the deliverable it serves)."""
    view = ItemView.from_row(item)
    if deliverable is None:
        return view
    return replace(view, deliverable=f"D-{deliverable.number}", deliverable_title=deliverable.title)


def check_owners(owners: list[str], people: dict[str, PersonInfo]) -> None:
    """Refuse bots, deactivated people and people outside the workspace as owners."""
    for uid in owners:
        person = people.get(uid)
        if person is None:
            raise BadInput(f"I can't find <@{uid}> in this workspace, so they can't own an action item.")
        if person.is_bot:
            raise BadInput(f"<@{uid}> is a bot and can't own an action item. Mention a person instead.")
        if person.deleted:
            raise BadInput(f"<@{uid}> is deactivated and can't own an action item. Mention someone else.")


def find_deliverable(session: Session, team_id: str, key: Key) -> Deliverable:
    """The deliverable a `for D-n` names, or a clear refusal."""
    if key.kind != "D" or key.sub is not None:
        raise BadInput(f"Action items are linked to deliverables: use `for D-n`, not `for {key}`.")
    row = deliverables.by_number(session, team_id, key.number)
    if row is None:
        raise NotFound(f"I couldn't find {key} in this workspace. Try /deliverable list.", field="deliverable")
    return row


def add_items(
    session: Session,
    clock: Clock,
    actor: Actor,
    *,
    title: str,
    owners: list[str],
    due: ParsedDate | None,
    deliverable_key: Key | None = None,
    source_url: str | None = None,
    source_channel: str | None = None,
    source_ts: str | None = None,
    recurrence: Rule | None = None,
) -> list[ItemView]:
    """Create one item per owner (the author when nobody is named)."""
    # Every refusal (a `DomainError`) comes before the first write but the workspace row.
    planned = plan_items(
        session,
        clock,
        actor,
        title=title,
        owners=owners,
        due=due,
        deliverable_key=deliverable_key,
        recurrence=recurrence,
    )
    return insert_planned(
        session, clock, actor, [planned], source_url=source_url, source_channel=source_channel, source_ts=source_ts
    )


@dataclass(frozen=True)
class Planned:
    """Items checked and ready to insert: a view per owner (without a key until `insert_planned` numbers it)."""

    views: list[ItemView]
    deliverable_id: int | None
    deliverable: Deliverable | None
    entry: str | None = None  # the notes entry it came from (a fingerprint), for edits of the notes


def plan_items(
    session: Session,
    clock: Clock,
    actor: Actor,
    *,
    title: str,
    owners: list[str],
    due: ParsedDate | None,
    deliverable_key: Key | None = None,
    unassigned: bool = False,
    entry: str | None = None,
    recurrence: Rule | None = None,
) -> Planned:
    """Check a new item and shape its rows (writing nothing but the workspace row); refusals raise."""
    # Every refusal is a `DomainError`.
    title = title.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL; a modal passes it through
    if not title:
        raise BadInput("What is the action item? Try `/action add Draft the charter by Friday`.")
    if len(title) > MAX_TITLE:
        raise BadInput(f"That title is {len(title)} characters; keep it under {MAX_TITLE}.")
    ensure_workspace(session, clock, actor.team_id)
    deliverable = find_deliverable(session, actor.team_id, deliverable_key) if deliverable_key else None
    if deliverable is not None and deliverable.status in ("approved", "cancelled"):
        raise BadInput(
            f"D-{deliverable.number} is {deliverable.status}; link the item to an open deliverable.",
            field="deliverable",
        )
    who: list[str | None] = [None] if unassigned else list(dict.fromkeys(owners)) or [actor.user_id]
    due = due or (recurrence.first if recurrence else None)  # a series starts at its first occurrence
    due_day, due_at = (due.day, due.at) if due else (None, None)
    views = [
        ItemView(
            key="",
            title=title,
            status="open",
            owner=owner,
            created_by=actor.user_id,
            channel=actor.channel,
            due_date=due_day,
            due_time=due_at,
            due_tz=actor.tz.key if due and due.at else None,
            recurrence=recurrence.rrule if recurrence else None,
            deliverable=f"D-{deliverable.number}" if deliverable else None,
            deliverable_title=deliverable.title if deliverable else None,
            snoozed_until=None,
            private=actor.channel_private,
        )
        for owner in who
    ]
    return Planned(views, deliverable.id if deliverable else None, deliverable, entry)


def insert_planned(
    session: Session,
    clock: Clock,
    actor: Actor,
    planned: list[Planned],
    *,
    source_url: str | None = None,
    source_channel: str | None = None,
    source_ts: str | None = None,
    by_app: bool = False,
) -> list[ItemView]:
    """Number planned items and insert them with their audit rows; returns the views with their keys."""
    # To in progress); returns the views with their keys, for the messages the caller enqueues in this transaction.
    now = clock.now()
    started = set()
    for plan in planned:
        d = plan.deliverable
        if d is not None and d.status == "planned" and d.id not in started:
            started.add(d.id)
            d.status, d.updated_at = "in_progress", now
            session.add(d)
            audit(
                session,
                clock,
                actor,
                f"D-{d.number}",
                "status",
                before={"status": "planned"},
                after={"status": "in_progress"},
            )
    pairs = [(v, plan) for plan in planned for v in plan.views]
    if not pairs:
        return []
    numbers = reserve_numbers(session, actor.team_id, "A", len(pairs))
    session.add_all(
        ActionItem(
            team_id=actor.team_id,
            number=number,
            title=v.title,
            status="open",
            owner=v.owner,
            created_by=actor.user_id,
            channel=actor.channel,
            private=actor.channel_private,
            due_date=v.due_date,
            due_time=v.due_time,
            due_tz=v.due_tz,
            deliverable_id=plan.deliverable_id,
            source_url=source_url,
            source_channel=source_channel,
            source_ts=source_ts,
            source_entry=plan.entry,
            by_app=by_app,
            recurrence=v.recurrence,
            series=number if v.recurrence else None,
            created_at=now,
        )
        for (v, plan), number in zip(pairs, numbers, strict=True)
    )
    for (v, _), number in zip(pairs, numbers, strict=True):
        audit(
            session,
            clock,
            actor,
            f"A-{number}",
            "created",
            after={"title": v.title, "owner": v.owner, "due_date": v.due_date},
        )
    session.flush()
    return [
        replace(v, key=f"A-{n}", series=f"A-{n}" if v.recurrence else None)
        for (v, _), n in zip(pairs, numbers, strict=True)
    ]


def get_item(session: Session, team_id: str, key_text: str) -> ActionItem:
    """The item a key names in this workspace; anyone else's key is simply not found."""
    key = parse_key(key_text)
    if key is None or key.kind != "A" or key.sub is not None:
        raise BadInput(f'"{quote(key_text, 30)}" isn\'t an action item key. Keys look like A-12; try /action list.')
    item = items.by_number(session, team_id, key.number)
    if item is None:
        raise NotFound(f"I couldn't find {key} in this workspace. Try /action list.")
    return item


def visible_to(item: ActionItem, actor: Actor) -> bool:
    """Privacy: an item from a private channel or DM shows only there and to the people on it."""
    return (not item.private) or item.channel == actor.channel or actor.user_id in (item.owner, item.created_by)


# What anyone who can see an unassigned item may do to it besides taking it (`item_changes.take`), as CONTRACTS §4
# reads (reopen undoes a cancel). Completing and snoozing need an owner: take it first. docs/permissions.md says more.
UNASSIGNED_OPEN_TO_ALL = frozenset({"assign", "cancel", "reopen"})
NEEDS_OWNER = frozenset({"complete", "snooze"})


def may_change(item: ActionItem, actor: Actor, doing: str = "change") -> None:
    """Owner, creator or admin; anyone who sees it: an app's item, or to take, assign or cancel an unassigned one."""
    # `doing`: assign, cancel, reopen, complete, snooze or change. The caller has checked `visible_to`.
    key = f"A-{item.number}"
    if item.owner is None and doing in NEEDS_OWNER:
        raise PermissionDenied(f"{key} has no owner yet. Take it first: `/action take {key}`.")
    if actor.user_id in (item.owner, item.created_by) or actor.is_admin or item.by_app:
        return
    if item.owner is None and doing in UNASSIGNED_OPEN_TO_ALL:
        return
    if item.owner is None:
        raise PermissionDenied(
            f"Only <@{item.created_by}> (who created it) or a workspace admin can change {key}; "
            f"anyone who can see it may take it (`/action take {key}`), assign or cancel it."
        )
    who = (
        f"<@{item.owner}> (the owner and creator)"
        if item.owner == item.created_by
        else f"<@{item.owner}> (the owner), <@{item.created_by}> (who created it)"
    )
    raise PermissionDenied(f"Only {who} or a workspace admin can change {key}.")


def complete(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Mark an item done (its owner, its creator or an admin; a private item only where it can be seen)."""
    item = get_item(session, actor.team_id, key_text)
    if not visible_to(item, actor):
        raise NotFound(f"I couldn't find A-{item.number} in this workspace. Try /action list.")
    may_change(item, actor, "complete")
    if item.status == "done":
        raise DomainError(f"A-{item.number} is already done. To undo that, try `/action reopen A-{item.number}`.")
    if item.status == "cancelled":
        raise DomainError(f"A-{item.number} was cancelled. Reopen it first: `/action reopen A-{item.number}`.")
    before = item.status
    now = clock.now()
    item.status, item.completed_at, item.completed_by, item.updated_at = "done", now, actor.user_id, now
    session.add(item)
    audit(session, clock, actor, f"A-{item.number}", "done", before={"status": before}, after={"status": "done"})
    deliverable = session.get(Deliverable, item.deliverable_id) if item.deliverable_id else None
    return recurring.follow(session, clock, actor, item, view_of(item, deliverable))


LIST_SCOPES = ("mine", "overdue", "week", "done", "channel", "user", "unassigned")


def list_items(
    session: Session | Connection, clock: Clock, actor: Actor, *, scope: str, user: str | None = None, offset: int = 0
) -> ItemList:
    """Items for `/action list`: the channel's open items, mine, @user's, overdue, this week, done, or unassigned."""
    if scope not in LIST_SCOPES:
        raise ValueError(f"unknown list scope {scope!r}")
    today = actor.today(clock)
    params = {
        "team": actor.team_id,
        "channel": actor.channel,
        "me": actor.user_id,
        "owner": user if scope == "user" else (user or actor.user_id),
        "today": today,
        "week_end": today + timedelta(days=7),
    }
    rows, total = items.list_page(session, scope, params, offset=max(offset, 0), limit=LIST_LIMIT)
    return ItemList(items=[ItemView.from_row(r) for r in rows], total=total, scope=scope)


def export_rows(session: Session, actor: Actor, *, mine: bool) -> list[dict[str, object]]:
    """Rows for `/action export`: this channel's items (private ones only here), or all of mine."""
    found = (
        items.for_export(session, actor.team_id, owner=actor.user_id)
        if mine
        else items.for_export(session, actor.team_id, channel=actor.channel)
    )
    rows: list[dict[str, object]] = []
    for item, d in found:
        rows.append(
            {
                "team_id": item.team_id,
                "key": f"A-{item.number}",
                "title": item.title,
                "status": item.status,
                "owner": item.owner,
                "created_by": item.created_by,
                "channel": item.channel,
                "due_date": item.due_date.isoformat() if item.due_date else None,
                "due_time": item.due_time.strftime("%H:%M") if item.due_time else None,
                "due_tz": item.due_tz,
                "deliverable": f"D-{d.number}" if d else None,
                "source_url": item.source_url,
                "snoozed_until": item.snoozed_until.isoformat() if item.snoozed_until else None,
                "created_at": item.created_at.isoformat(),
                "completed_at": item.completed_at.isoformat() if item.completed_at else None,
                "recurrence": item.recurrence,
            }
        )
    return rows
