"""Action items: add, list, complete (and the views that blocks render)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from bot.capture.dates import ParsedDate
from bot.capture.keys import Key, parse_key
from bot.capture.text import quote
from bot.clock import Clock
from bot.errors import BadInput, DomainError, NotFound, PermissionDenied
from bot.services.common import Actor, audit, ensure_workspace
from bot.services.people import PersonInfo
from storage.models import ActionItem, Deliverable
from storage.repositories.keys import next_number

MAX_TITLE = 500
LIST_LIMIT = 15  # two blocks an item keeps a page well under Slack's 50


@dataclass(frozen=True)
class ItemView:
    """An action item as people see it."""

    key: str
    title: str
    status: str
    owner: str
    created_by: str
    channel: str | None
    due_date: date | None
    due_time: time | None
    due_tz: str | None
    deliverable: str | None
    deliverable_title: str | None
    snoozed_until: date | None
    private: bool


@dataclass(frozen=True)
class ItemList:
    """One page of items and how many matched in all."""

    items: list[ItemView]
    total: int
    scope: str


def view_of(item: ActionItem, deliverable: Deliverable | None = None) -> ItemView:
    """The view of one row."""
    return ItemView(
        key=f"A-{item.number}",
        title=item.title,
        status=item.status,
        owner=item.owner,
        created_by=item.created_by,
        channel=item.channel,
        due_date=item.due_date,
        due_time=item.due_time,
        due_tz=item.due_tz,
        deliverable=f"D-{deliverable.number}" if deliverable else None,
        deliverable_title=deliverable.title if deliverable else None,
        snoozed_until=item.snoozed_until,
        private=item.private,
    )


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
    row = session.exec(
        select(Deliverable).where(col(Deliverable.team_id) == team_id, col(Deliverable.number) == key.number)
    ).first()
    if row is None:
        raise NotFound(f"I couldn't find {key} in this workspace. Try /deliverable list.")
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
) -> list[ItemView]:
    """Create one item per owner (the author when nobody is named)."""
    title = title.replace("\x00", "").strip()  # PostgreSQL text cannot hold NUL; a modal passes it through
    if not title:
        raise BadInput("What is the action item? Try `/action add Draft the charter by Friday`.")
    if len(title) > MAX_TITLE:
        raise BadInput(f"That title is {len(title)} characters; keep it under {MAX_TITLE}.")
    ensure_workspace(session, clock, actor.team_id)
    deliverable = find_deliverable(session, actor.team_id, deliverable_key) if deliverable_key else None
    if deliverable is not None and deliverable.status in ("approved", "cancelled"):
        raise BadInput(f"D-{deliverable.number} is {deliverable.status}; link the item to an open deliverable.")
    now = clock.now()
    created: list[ItemView] = []
    for owner in owners or [actor.user_id]:
        item = ActionItem(
            team_id=actor.team_id,
            number=next_number(session, actor.team_id, "A"),
            title=title,
            owner=owner,
            created_by=actor.user_id,
            channel=actor.channel,
            private=actor.channel_private,
            due_date=due.day if due else None,
            due_time=due.at if due else None,
            due_tz=actor.tz.key if due and due.at else None,
            deliverable_id=deliverable.id if deliverable else None,
            source_url=source_url,
            source_channel=source_channel,
            source_ts=source_ts,
            created_at=now,
        )
        session.add(item)
        session.flush()
        key = f"A-{item.number}"
        audit(
            session,
            clock,
            team_id=actor.team_id,
            by=actor.user_id,
            key=key,
            change="created",
            after={"title": title, "owner": owner, "due_date": item.due_date},
        )
        created.append(view_of(item, deliverable))
    if deliverable is not None and deliverable.status == "planned":
        deliverable.status = "in_progress"
        deliverable.updated_at = now
        session.add(deliverable)
        audit(
            session,
            clock,
            team_id=actor.team_id,
            by=actor.user_id,
            key=f"D-{deliverable.number}",
            change="status",
            before={"status": "planned"},
            after={"status": "in_progress"},
        )
    return created


def get_item(session: Session, team_id: str, key_text: str) -> ActionItem:
    """The item a key names in this workspace; anyone else's key is simply not found."""
    key = parse_key(key_text)
    if key is None or key.kind != "A" or key.sub is not None:
        raise BadInput(f'"{quote(key_text, 30)}" isn\'t an action item key. Keys look like A-12; try /action list.')
    item = session.exec(
        select(ActionItem).where(col(ActionItem.team_id) == team_id, col(ActionItem.number) == key.number)
    ).first()
    if item is None:
        raise NotFound(f"I couldn't find {key} in this workspace. Try /action list.")
    return item


def visible_to(item: ActionItem, actor: Actor) -> bool:
    """Privacy: an item from a private channel or DM shows only there and to the people on it."""
    return (not item.private) or item.channel == actor.channel or actor.user_id in (item.owner, item.created_by)


def may_change(item: ActionItem, actor: Actor) -> None:
    """Owner, creator or a workspace admin; anyone else is told who can."""
    if actor.user_id in (item.owner, item.created_by) or actor.is_admin:
        return
    who = (
        f"<@{item.owner}> (the owner and creator)"
        if item.owner == item.created_by
        else f"<@{item.owner}> (the owner), <@{item.created_by}> (who created it)"
    )
    raise PermissionDenied(f"Only {who} or a workspace admin can change A-{item.number}.")


def complete(session: Session, clock: Clock, actor: Actor, key_text: str) -> ItemView:
    """Mark an item done."""
    item = get_item(session, actor.team_id, key_text)
    if not visible_to(item, actor):
        raise NotFound(f"I couldn't find A-{item.number} in this workspace. Try /action list.")
    may_change(item, actor)
    if item.status == "done":
        raise DomainError(f"A-{item.number} is already done. To undo that, try `/action reopen A-{item.number}`.")
    if item.status == "cancelled":
        raise DomainError(f"A-{item.number} was cancelled. Reopen it first: `/action reopen A-{item.number}`.")
    before = item.status
    now = clock.now()
    item.status, item.completed_at, item.completed_by, item.updated_at = "done", now, actor.user_id, now
    session.add(item)
    audit(
        session,
        clock,
        team_id=actor.team_id,
        by=actor.user_id,
        key=f"A-{item.number}",
        change="done",
        before={"status": before},
        after={"status": "done"},
    )
    deliverable = session.get(Deliverable, item.deliverable_id) if item.deliverable_id else None
    return view_of(item, deliverable)


LIST_SCOPES = ("mine", "overdue", "week", "done", "channel", "user")


def list_items(
    session: Session, clock: Clock, actor: Actor, *, scope: str, user: str | None = None, offset: int = 0
) -> ItemList:
    """Items for `/action list`: the channel's open items, mine, @user's, overdue, this week, or done."""
    today = actor.today(clock)
    q = select(ActionItem, Deliverable).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )
    q = q.where(col(ActionItem.team_id) == actor.team_id)
    visible = or_(
        col(ActionItem.private).is_(False),
        col(ActionItem.channel) == actor.channel,
        col(ActionItem.owner) == actor.user_id,
        col(ActionItem.created_by) == actor.user_id,
    )
    q = q.where(visible)
    if scope == "done":
        q = q.where(col(ActionItem.status) == "done")
    else:
        q = q.where(col(ActionItem.status) == "open")
    if scope == "channel":
        q = q.where(col(ActionItem.channel) == actor.channel)
    elif scope == "user":
        q = q.where(col(ActionItem.owner) == user)
    elif scope in ("mine", "overdue", "week", "done"):
        q = q.where(col(ActionItem.owner) == (user or actor.user_id))
    if scope == "overdue":
        q = q.where(col(ActionItem.due_date) < today)
    elif scope == "week":
        q = q.where(col(ActionItem.due_date) <= today + timedelta(days=7))
    total = session.exec(select(func.count()).select_from(q.subquery())).one()
    if scope == "done":
        q = q.order_by(col(ActionItem.completed_at).desc())
    else:
        q = q.order_by(col(ActionItem.due_date).is_(None), col(ActionItem.due_date), col(ActionItem.number))
    rows = session.exec(q.offset(max(offset, 0)).limit(LIST_LIMIT)).all()
    return ItemList(items=[view_of(item, d) for item, d in rows], total=int(total), scope=scope)


def export_rows(session: Session, actor: Actor, *, mine: bool) -> list[dict[str, object]]:
    """Rows for `/action export`: this channel's items (private ones only here), or all of mine."""
    q = select(ActionItem, Deliverable).join(
        Deliverable, col(ActionItem.deliverable_id) == col(Deliverable.id), isouter=True
    )
    q = q.where(col(ActionItem.team_id) == actor.team_id)
    q = q.where(col(ActionItem.owner) == actor.user_id) if mine else q.where(col(ActionItem.channel) == actor.channel)
    rows: list[dict[str, object]] = []
    for item, d in session.exec(q.order_by(col(ActionItem.number)).limit(10_000)).all():
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
            }
        )
    return rows
